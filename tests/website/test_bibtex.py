"""BibTeX: entries parse with a real BibTeX parser, name the right arXiv id, and survive hostile text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from website import bibtex

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "labelled_papers.json"
HOSTILE_TITLES = [
    "Unbalanced } brace { and {{ more",
    "100% of \\input{/etc/passwd} & #1 ~ ^ _ $ signs",
    "Ends with a backslash \\",
    "Café, naïve Müller: 日本語 音声合成 and emoji 🎙",
    "@misc{evil, title={x}} inside a title",
]


def paper(**fields) -> dict:
    """A stored record with sensible defaults."""
    record = {"id": "2401.01234", "version": 2, "title": "Neural TTS for Everyone", "authors": ["Jane Smith", "Li Wei"],
              "abstract": "", "categories": ["eess.AS", "cs.SD"], "primary_category": "cs.SD",
              "published": "2024-01-02T10:00:00Z", "updated": "2024-02-01T10:00:00Z", "topics": ["TTS"]}
    record.update(fields)
    return record


def parse(text: str) -> bibtexparser.Library:
    """Parse with bibtexparser (v2) and require that no block failed."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def decode(latex: str) -> str:
    """LaTeX to text as a reader sees it, knowing the brace commands the escaping uses."""
    db = get_default_latex_context_db()
    db.add_context_category("braces", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textbackslash", "\\"), MacroTextSpec("textasciitilde", "~"),
        MacroTextSpec("textasciicircum", "^")])
    return LatexNodes2Text(latex_context=db, math_mode="verbatim").latex_to_text(latex)


def test_entry_has_arxiv_fields() -> None:
    entry = parse(bibtex.entry(paper(), "smith2024neural")).entries[0]
    assert entry.entry_type == "misc" and entry.key == "smith2024neural"
    assert entry["eprint"] == "2401.01234"
    assert entry["archivePrefix"] == "arXiv"
    assert entry["primaryClass"] == "cs.SD"
    assert entry["author"] == "Jane Smith and Li Wei"
    assert entry["year"] == "2024"
    assert entry["url"] == "https://arxiv.org/abs/2401.01234v2"
    assert entry["version"] == "2" and entry["url"] == "https://arxiv.org/abs/2401.01234v2" and "note" not in entry
    assert entry["doi"] == "10.48550/arXiv.2401.01234"
    assert entry["title"] == "{{Neural} {TTS} for {Everyone}}"


def test_primary_class_falls_back_to_first_category_and_year_to_id() -> None:
    entry = parse(bibtex.entry(paper(primary_category="", published=None, id="2312.00001"), "k")).entries[0]
    assert entry["primaryClass"] == "eess.AS" and entry["year"] == "2023"
    assert bibtex.year_of({"id": "hep-th/9901001"}) == "1999"


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_title_parses_and_reads_back(title: str) -> None:
    text = bibtex.entry(paper(title=title), "key")
    library = parse(text + "\n" + bibtex.entry(paper(id="2401.09999"), "other"))
    assert [e.key for e in library.entries] == ["key", "other"]  # nothing leaked out of the first entry
    entry = library.entries[0]
    assert entry["eprint"] == "2401.01234"
    assert decode(entry["title"]) == " ".join(title.split())


@pytest.mark.parametrize("name", ["Ana {Bad} } Name", "Smith, Jr., John", "Research and Development Team",
                                  "50% \\LaTeX & Co", "Zoë Ørsted-Ünal"])
def test_hostile_author_stays_one_author(name: str) -> None:
    text = bibtex.entry(paper(authors=["Jane Smith", name]), "key")
    entry = parse(text).entries[0]
    assert entry.key == "key" and entry["eprint"] == "2401.01234"
    authors = bibtexparser.parse_string(
        text, append_middleware=[bibtexparser.middlewares.SeparateCoAuthors()]).entries[0]["author"]
    assert len(authors) == 2 and authors[0] == "Jane Smith"
    assert decode(authors[1]).strip("{}") == name


def test_control_characters_become_spaces() -> None:
    assert bibtex.escape("a\x00b\x1bc\u2028d") == "a b c d"
    assert parse(bibtex.entry(paper(title="Bell\x07 and\x00 null"), "k")).entries[0]["title"] == "{{Bell} and null}"


def test_simple_math_is_kept_as_math() -> None:
    entry = parse(bibtex.entry(paper(title="Attention in $O(n^2)$ time"), "k")).entries[0]
    assert "{$O(n^2)$}" in entry["title"]
    risky = parse(bibtex.entry(paper(title="Math $\\input{x}$ here"), "k")).entries[0]
    assert "\\input{" not in risky["title"]


def test_keys_are_readable_unique_and_stable() -> None:
    papers = [paper(id="2401.00003", authors=["Jörg Müller"], title="The Neural codec"),
              paper(id="2401.00001", authors=["Jörg Müller"], title="Neural vocoders"),
              paper(id="2401.00002", authors=["Jorg Muller"], title="A neural thing"),
              paper(id="2401.00004", authors=[], title="")]
    keys = bibtex.citation_keys(papers)
    assert keys == {"2401.00001": "muller2024neural", "2401.00002": "muller2024neuralb",
                    "2401.00003": "muller2024neuralc", "2401.00004": "arxiv2024"}
    assert bibtex.citation_keys(reversed(papers)) == keys
    assert all(re.fullmatch(r"[a-z0-9]+", key) for key in keys.values())


def test_topic_bib_file_parses_with_every_paper() -> None:
    papers = json.loads(LABELLED.read_text(encoding="utf-8"))
    keys = bibtex.citation_keys(papers)
    text = bibtex.bib_file(papers, bibtex.entries(papers, keys), "Speech @ Audio")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    assert [e["eprint"] for e in library.entries] == [p["id"] for p in papers]
    assert [e.key for e in library.entries] == [keys[p["id"]] for p in papers]
    assert len(set(keys.values())) == len(papers)


def test_bidi_zero_width_and_tag_characters_never_reach_an_entry() -> None:
    hidden = "\u202e\u2066\u200b\u200f\ufeff\U000e0041\x85"
    text = bibtex.entry(paper(title=f"Neural{hidden} Codecs", authors=[f"Jane{hidden} Smith", "Li Wei"],
                              primary_category=f"cs.SD{hidden}"), "smith2024neural")
    assert not any(c in text for c in hidden)
    entry = parse(text).entries[0]
    assert decode(entry["title"]) == "Neural Codecs" and entry["author"] == "Jane Smith and Li Wei"
    assert entry["primaryClass"] == "cs.SD"
