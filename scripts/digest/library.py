"""The reader's library file (issue 23): a BibTeX or CSL JSON export, as Zotero and the site's Starred page write it.

Each entry gives a title, an abstract when there is one, and its arXiv id when it names one (the `eprint`
field, or an arXiv URL or DOI in url/doi/note; in CSL JSON: URL, DOI, number or id). A missing or
unreadable file, an entry that cannot be parsed, or one with neither a title nor an abstract is one
ConfigError line: file, entry key, fix. The file is refused unread above MAX_BYTES; every title, abstract and key
passes text.clean (the border), and LaTeX is decoded in the fields used only, in linear time (digest.latex).
"""

from __future__ import annotations

import json
import logging
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from core import ids
from core import text as border
from core.config import ConfigError
from digest import latex

MAX_ENTRIES = 5_000
MAX_BYTES = 20_000_000  # 5,000 Zotero entries with long abstracts are about 12 MB; read before any parsing
_ID_FIELDS = ("url", "doi", "note", "journal", "howpublished", "eprint")
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
    text = _read_text(path, name)
    is_json = path.suffix.lower() == ".json" or (path.suffix.lower() != ".bib" and text.lstrip()[:1] in "[{")
    entries = from_csl_json(text, name) if is_json else from_bibtex(text, name)
    if len(entries) > MAX_ENTRIES:
        raise ConfigError(f"{name}: {len(entries):,} entries are more than {MAX_ENTRIES:,}; "
                          "export a collection of the papers closest to what you follow")
    return entries


def _read_text(path: Path, name: str) -> str:
    """The file's text, its size checked first, so a huge file or a pipe costs nothing and never hangs a run."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ConfigError(f"{name}: the library is not a regular file; fix interests.library in keywords.yaml "
                              "(a file in the repository)")
        if status.st_size > MAX_BYTES:
            raise ConfigError(f"{name}: the library file is {status.st_size / 1e6:,.1f} MB, more than "
                              f"{MAX_BYTES // 1_000_000} MB; export a collection of the papers closest to what you "
                              "follow")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ConfigError(f"{name}: the library file is more than {MAX_BYTES // 1_000_000} MB; export a "
                              "collection of the papers closest to what you follow")
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{name}: library file not found; fix interests.library in keywords.yaml "
                          f"(a path from the repository's top) or add the file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{name}: cannot read the library file ({err.__class__.__name__}); "
                          f"save it as UTF-8 text, or {_EXPORT}") from None


def from_bibtex(text: str, name: str) -> list[Entry]:
    """BibTeX entries, LaTeX decoded in the fields used ({\\"u} -> ü, protective braces dropped)."""
    import bibtexparser  # here: only a run with a .bib library needs it

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its own report of a bad block: ours is one line
    try:
        library = bibtexparser.parse_string(text)
    except RecursionError:
        raise ConfigError(f"{name}: the library is nested too deeply to read; {_EXPORT}") from None
    for block in library.failed_blocks:
        key = border.clean(getattr(block, "key", None) or _guess_key(block.raw))
        start_line = getattr(block, "start_line", None)
        line = start_line + 1 if start_line is not None else "?"
        if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock):
            raise ConfigError(f"{name}:{line}: entry key {key!r} is used twice; rename or remove one of them")
        raise ConfigError(f"{name}:{line}: entry {key!r} cannot be parsed ({type(block).__name__}); "
                          f"check its braces and commas, or {_EXPORT}")
    entries = []
    for item in library.entries:
        fields = {k.lower(): _clean(latex.decode(border.clean(f.value))) for k, f in item.fields_dict.items()
                  if k.lower() in ("title", "abstract", "archiveprefix", *_ID_FIELDS)}
        arxiv_id = _bare(fields.get("eprint", "")) if "arxiv" in fields.get("archiveprefix", "arxiv").lower() else None
        arxiv_id = arxiv_id or _find_id(" ".join(fields.get(k, "") for k in ("url", "doi", "note", "journal",
                                                                              "howpublished", "eprint")))
        entries.append(_entry(border.clean(item.key), arxiv_id, fields.get("title", ""), fields.get("abstract", ""),
                              name))
    return entries


def from_csl_json(text: str, name: str) -> list[Entry]:
    """CSL JSON items (Zotero's 'CSL JSON' export: a list of objects)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{name}:{err.lineno}: not valid JSON ({err.msg}); {_EXPORT}") from None
    except RecursionError:
        raise ConfigError(f"{name}: the JSON is nested too deeply to read; {_EXPORT}") from None
    except ValueError:  # a number of more than 4,300 digits: Python refuses to read it
        raise ConfigError(f"{name}: the JSON holds a number too long to read; {_EXPORT}") from None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise ConfigError(f"{name}: a CSL JSON library must be a list of items; {_EXPORT}")
    entries = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"{name}: item #{number} is not an object; {_EXPORT}")
        key = _json_text(item.get("id")) or _json_text(item.get("citation-key")) or f"#{number}"
        fields = {k: _clean(_json_text(item.get(k))) for k in ("URL", "DOI", "number", "id", "note")}
        arxiv_id = _bare(fields["number"]) or _find_id(" ".join(fields.values())) or _bare(fields["id"])
        entries.append(_entry(key, arxiv_id, _clean(_json_text(item.get("title"))),
                              _clean(_json_text(item.get("abstract"))), name))
    return entries


def _entry(key: str, arxiv_id: str | None, title: str, abstract: str, name: str) -> Entry:
    """An Entry, or the one-line error for an entry with nothing to compare."""
    if not title and not abstract:
        raise ConfigError(f"{name}: entry {key!r} has neither a title nor an abstract; add one, or remove the entry")
    return Entry(key, arxiv_id, title, abstract)


def _json_text(value: object) -> str:
    """A CSL JSON field as text through the border (lone surrogates dropped); a number as written, else ""."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return border.clean(value)


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
