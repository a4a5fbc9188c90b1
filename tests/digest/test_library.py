"""The library file: Zotero's BibTeX and CSL JSON, the site's Starred-page BibTeX; bad input is one line."""

from __future__ import annotations

import json

import pytest

from core.config import ConfigError
from digest import library
from website import bibtex

ZOTERO_BIB = r"""
@article{smith_neural_2024,
	title = {Neural {Codec} Language Models for M{\"u}ller's {TTS}},
	url = {http://arxiv.org/abs/2401.01234},
	abstract = {We train a codec language model.},
	number = {{arXiv}:2401.01234},
	publisher = {{arXiv}},
	author = {Smith, Ann},
	note = {{arXiv}:2401.01234 [cs]},
}

@inproceedings{doe_2023,
	title = {A conference paper with no arXiv id},
	abstract = {Speech synthesis at scale.},
}

@misc{roe_2023,
	title = {{DOI} only},
	doi = {10.48550/arXiv.2312.09999},
}
"""


def test_zotero_bibtex(tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(ZOTERO_BIB)
    entries = library.read(path, "library.bib")
    assert [(e.key, e.id) for e in entries] == [("smith_neural_2024", "2401.01234"), ("doe_2023", None),
                                               ("roe_2023", "2312.09999")]
    assert entries[0].title == "Neural Codec Language Models for Müller's TTS"
    assert entries[0].text == "Neural Codec Language Models for Müller's TTS\nWe train a codec language model."


def test_the_sites_starred_export_reads_back(tmp_path):
    papers = [{"id": "2401.01234", "version": 2, "title": "Braces {x} & 50% of $O(n^2)$ Ünïcode", "authors": ["A B"],
               "published": "2024-01-02T00:00:00Z", "primary_category": "cs.CL"}]
    keys = bibtex.citation_keys(papers)
    path = tmp_path / "starred.bib"
    path.write_text(bibtex.bib_file(papers, bibtex.entries(papers, keys), "Starred"))
    [entry] = library.read(path)
    assert entry.id == "2401.01234"
    assert "Braces" in entry.title and "50% of" in entry.title and "Ünïcode" in entry.title


def test_csl_json(tmp_path):
    items = [{"id": "http://zotero.org/users/1/items/ABC", "type": "article", "title": "Codec TTS",
              "abstract": "A model.", "URL": "http://arxiv.org/abs/2401.01234v3", "number": "arXiv:2401.01234"},
             {"id": "2312.00001", "title": "Just an id"},
             {"id": "x", "title": "", "abstract": "Only an abstract", "DOI": "10.48550/arXiv.2311.00002"}]
    path = tmp_path / "library.json"
    path.write_text(json.dumps(items))
    assert [(e.id, e.title, e.abstract) for e in library.read(path)] == [
        ("2401.01234", "Codec TTS", "A model."), ("2312.00001", "Just an id", ""),
        ("2311.00002", "", "Only an abstract")]


@pytest.mark.parametrize("name, text, message", [
    ("lib.bib", "@article{a, title={ok}}\n@article{b, title={x}, author={\n", "lib.bib:2: entry 'b' cannot be parsed"),
    ("lib.bib", "@article{a, title={ok}}\n@article{a, title={x}}\n", "lib.bib:2: entry key 'a' is used twice"),
    ("lib.bib", "@article{empty, author={A B}}\n", "lib.bib: entry 'empty' has neither a title nor an abstract"),
    ("lib.json", "[{\"id\": 1,", "lib.json:1: not valid JSON"),
    ("lib.json", "{\"a\": 1}", "lib.json: a CSL JSON library must be a list of items"),
    ("lib.json", "[{\"id\": \"k\", \"author\": []}]", "lib.json: entry 'k' has neither a title nor an abstract"),
    ("lib.bib", b"\xff\xfe@", "lib.bib: cannot read the library file"),
])
def test_bad_library_is_one_line(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ConfigError) as caught:
        library.read(path, name)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_missing_file_and_too_many_entries(tmp_path):
    with pytest.raises(ConfigError, match="^gone.bib: library file not found; fix interests.library"):
        library.read(tmp_path / "gone.bib", "gone.bib")
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"id": str(i), "title": f"t{i}"} for i in range(library.MAX_ENTRIES + 1)]))
    with pytest.raises(ConfigError, match="5,001 entries are more than 5,000"):
        library.read(path, "big.json")
