"""The reader's library file (issue 23): a BibTeX or CSL JSON export, as Zotero and the site's Starred page write it.

Each entry gives a title, an abstract when there is one, and its arXiv id when it names one (the `eprint`
field, or an arXiv URL or DOI in url/doi/note; in CSL JSON: URL, DOI, number or id). A missing or
unreadable file, an entry that cannot be parsed, or one with neither a title nor an abstract is one
ConfigError line: file, entry key, fix.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from core import ids
from core.config import ConfigError

MAX_ENTRIES = 5_000
_ARXIV = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arxiv[.:]\s*|10\.48550/arxiv\.)"
                    r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
_BRACES = re.compile(r"[{}]")
_EXPORT = "export it again from Zotero (File > Export Library, BibTeX or CSL JSON) or the site's Starred page"


@dataclass(frozen=True)
class Entry:
    """One library paper: what the ranker compares new papers with."""

    key: str  # the entry's citation key (BibTeX) or id (CSL JSON), for messages
    id: str | None  # its arXiv id without version, when the entry names one
    title: str
    abstract: str = ""

    @property
    def text(self) -> str:
        """Title and abstract, as ranked."""
        return f"{self.title}\n{self.abstract}".strip()


def read(path: Path, shown: str | None = None) -> list[Entry]:
    """The entries of a .bib or CSL .json file (other names: by their first character), in file order."""
    name = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{name}: library file not found; fix interests.library in keywords.yaml "
                          f"(a path from the repository's top) or add the file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{name}: cannot read the library file ({err.__class__.__name__}); "
                          f"save it as UTF-8 text, or {_EXPORT}") from None
    is_json = path.suffix.lower() == ".json" or (path.suffix.lower() != ".bib" and text.lstrip()[:1] in "[{")
    entries = from_csl_json(text, name) if is_json else from_bibtex(text, name)
    if len(entries) > MAX_ENTRIES:
        raise ConfigError(f"{name}: {len(entries):,} entries are more than {MAX_ENTRIES:,}; "
                          "export a collection of the papers closest to what you follow")
    return entries


def from_bibtex(text: str, name: str) -> list[Entry]:
    """BibTeX entries, LaTeX decoded ({\\"u} -> ü, protective braces dropped)."""
    import bibtexparser  # here: only a run with a .bib library needs it
    from bibtexparser import middlewares as mw

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its own report of a bad block: ours is one line
    library = bibtexparser.parse_string(text, append_middleware=[mw.LatexDecodingMiddleware(True)])
    for block in library.failed_blocks:
        key = getattr(block, "key", None) or _guess_key(block.raw)
        start_line = getattr(block, "start_line", None)
        line = start_line + 1 if start_line is not None else "?"
        if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock):
            raise ConfigError(f"{name}:{line}: entry key {key!r} is used twice; rename or remove one of them")
        raise ConfigError(f"{name}:{line}: entry {key!r} cannot be parsed ({type(block).__name__}); "
                          f"check its braces and commas, or {_EXPORT}")
    entries = []
    for item in library.entries:
        fields = {k.lower(): _clean(str(f.value)) for k, f in item.fields_dict.items()}
        arxiv_id = _bare(fields.get("eprint", "")) if "arxiv" in fields.get("archiveprefix", "arxiv").lower() else None
        arxiv_id = arxiv_id or _find_id(" ".join(fields.get(k, "") for k in ("url", "doi", "note", "journal",
                                                                              "howpublished", "eprint")))
        entries.append(_entry(item.key, arxiv_id, fields.get("title", ""), fields.get("abstract", ""), name))
    return entries


def from_csl_json(text: str, name: str) -> list[Entry]:
    """CSL JSON items (Zotero's 'CSL JSON' export: a list of objects)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{name}:{err.lineno}: not valid JSON ({err.msg}); {_EXPORT}") from None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise ConfigError(f"{name}: a CSL JSON library must be a list of items; {_EXPORT}")
    entries = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"{name}: item #{number} is not an object; {_EXPORT}")
        key = str(item.get("id") or item.get("citation-key") or f"#{number}")
        fields = {k: _clean(str(item.get(k) or "")) for k in ("URL", "DOI", "number", "id", "note")}
        arxiv_id = _bare(fields["number"]) or _find_id(" ".join(fields.values())) or _bare(fields["id"])
        entries.append(_entry(key, arxiv_id, _clean(str(item.get("title") or "")),
                              _clean(str(item.get("abstract") or "")), name))
    return entries


def _entry(key: str, arxiv_id: str | None, title: str, abstract: str, name: str) -> Entry:
    """An Entry, or the one-line error for an entry with nothing to compare."""
    if not title and not abstract:
        raise ConfigError(f"{name}: entry {key!r} has neither a title nor an abstract; add one, or remove the entry")
    return Entry(key, arxiv_id, title, abstract)


def _clean(text: str) -> str:
    """Whitespace collapsed, leftover braces dropped."""
    return " ".join(_BRACES.sub("", text).split())


def _bare(text: str) -> str | None:
    """An arXiv id written alone (2401.01234v2, arXiv:2401.01234), without its version."""
    return ids.bare_id(text.strip().removeprefix("arXiv:").removeprefix("arxiv:"))


def _find_id(text: str) -> str | None:
    """The first arXiv id in a URL, DOI or note (arxiv.org/abs/…, 10.48550/arXiv.…, arXiv:…)."""
    match = _ARXIV.search(text)
    return match.group(1) if match else None


def _guess_key(raw: str | None) -> str:
    """The citation key of an entry that failed to parse: what follows '@type{'."""
    match = re.match(r"\s*@\w+\s*\{\s*([^,\s]*)", raw or "")
    return match.group(1) if match and match.group(1) else (raw or "").strip()[:30]
