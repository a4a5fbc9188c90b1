"""BibTeX for the site: one @misc entry per paper (arXiv's own fields), a .bib text per topic.

Every arXiv text is escaped, so a title with {, }, %, \\ or & cannot break the entry or the
document that cites it: braces become \\textbraceleft{}/\\textbraceright{} (BibTeX counts
a bare or backslashed brace as nesting). Words with capitals are braced so styles keep their
case. Simple inline math such as $O(n^2)$ (no commands, balanced braces) is kept as math.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from core import mdtext

_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile(r"[\\{}%&#$_~^]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WORD = re.compile(r"[^ ]+")
_SIMPLE_MATH = re.compile(r"\$[A-Za-z0-9 +\-*/=<>^_{}().,|'!:;\[\]]+\$")
_KEY_WORD_SKIP = frozenset("a an the on of for in to and with from towards toward via is are".split())


def escape(text: str) -> str:
    """LaTeX-safe text: every special character written as a command; control characters removed."""
    text = _CONTROL.sub(" ", text)
    return _SPECIAL.sub(lambda m: _SPECIALS[m.group()], text)


def balanced(text: str) -> bool:
    """Whether braces nest properly (a math part with unbalanced braces would break the entry)."""
    depth = 0
    for c in text:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def protect_word(word: str) -> str:
    """One title word escaped, braced if it has a capital letter so a style cannot lower-case it."""
    escaped = escape(word) if _SPECIAL.search(word) or _CONTROL.search(word) else word
    return "{" + escaped + "}" if any(c.isupper() for c in word) else escaped


def title_field(title: str) -> str:
    """A title ready for BibTeX: whitespace collapsed, capitals protected, specials escaped, simple math kept."""
    title = mdtext.plain(title)  # the visible text every other output shows: no bidi, zero-width or tag characters
    out, position = [], 0
    for math in _SIMPLE_MATH.finditer(title):
        if not balanced(math.group()[1:-1]):
            continue
        out.append(protected_words(title[position:math.start()]))
        out.append("{" + math.group() + "}")
        position = math.end()
    out.append(protected_words(title[position:]))
    return "".join(out)


def protected_words(text: str) -> str:
    """Text with each space-separated word run through protect_word, spaces kept."""
    return _WORD.sub(lambda m: protect_word(m.group()), text)


def author_field(authors: Sequence[str]) -> str:
    """Authors joined with ' and '; a name containing ' and ' or a comma is braced so BibTeX keeps it whole."""
    names = []
    for name in authors:
        name = escape(mdtext.plain(name))
        if not name:
            continue
        if "," in name or re.search(r"\band\b", name, re.IGNORECASE):
            name = "{" + name + "}"
        names.append(name)
    return " and ".join(names)


def ascii_letters(text: str) -> str:
    """Letters folded to lower-case ASCII (Müller -> muller): what a citation key may contain."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in folded.lower() if c.isalnum())


def year_of(paper: dict[str, Any]) -> str:
    """The year of the first version: from `published`, else from the new-style id (2401.01234 -> 2024)."""
    published = paper.get("published") or ""
    if re.match(r"\d{4}", published):
        return published[:4]
    digits = paper["id"].split("/")[-1]
    year = int(digits[:2])
    return str(2000 + year if year < 91 else 1900 + year)


def base_key(paper: dict[str, Any]) -> str:
    """firstauthorlastname + year + first real title word, e.g. smith2024neural."""
    authors = paper.get("authors") or []
    last = ascii_letters(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = (ascii_letters(w) for w in (paper.get("title") or "").split())
    first = next((w for w in words if w and w not in _KEY_WORD_SKIP), "")
    return f"{last or 'arxiv'}{year_of(paper)}{first}"


def citation_keys(papers: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Paper id -> a unique key; clashing keys get b, c, ... in id order, so keys are stable run to run."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for paper in sorted(papers, key=lambda p: p["id"]):
        key, suffix = base_key(paper), 0
        candidate = key
        while candidate in taken:
            suffix += 1
            candidate = key + suffix_letters(suffix)
        taken.add(candidate)
        keys[paper["id"]] = candidate
    return keys


def suffix_letters(number: int) -> str:
    """1 -> b, 2 -> c, ..., 25 -> z, 26 -> ba: letters, since keys with digits after the year read badly."""
    letters = ""
    while True:
        number, rest = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
        if not number:
            break
    return letters


def entry(paper: dict[str, Any], key: str) -> str:
    """One @misc entry with arXiv's fields: eprint, archivePrefix, primaryClass, versioned url, version, DOI
    (nothing twice: it is repeated on every page that lists the paper)."""
    paper_id, version = paper["id"], int(paper.get("version") or 1)
    fields = [
        ("title", "{" + title_field(paper.get("title") or "") + "}"),
        ("author", author_field(paper.get("authors") or [])),
        ("year", year_of(paper)),
        ("eprint", paper_id),
        ("archivePrefix", "arXiv"),
        ("primaryClass", escape(mdtext.plain(primary_class(paper)))),
        ("doi", f"10.48550/arXiv.{paper_id}"),
        ("url", f"https://arxiv.org/abs/{paper_id}v{version}"),
        ("version", str(version)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}\n"


def primary_class(paper: dict[str, Any]) -> str:
    """The primary category, or the first listed one when the store has none."""
    return paper.get("primary_category") or next(iter(paper.get("categories") or []), "")


def entries(papers: Iterable[dict[str, Any]], keys: dict[str, str]) -> dict[str, str]:
    """Paper id -> its entry, for embedding in pages (copy button, stars export)."""
    return {p["id"]: entry(p, keys[p["id"]]) for p in papers}


def bib_file(papers: Iterable[dict[str, Any]], entries: dict[str, str], topic: str) -> str:
    """A topic's .bib: a comment line naming the topic, then the papers' entries (from entries()) in the order given."""
    name = " ".join(topic.replace("@", " ").split())  # an @ outside an entry would start one
    header = f"% {name}: papers listed by Daily Papers\n"
    return header + "\n".join(entries[p["id"]] for p in papers)


def bib_parts(papers: Iterable[dict[str, Any]], entries: dict[str, str], topic: str, limit: int) -> list[str]:
    """A topic's .bib cut at entry boundaries into parts of at most `limit` bytes (a lone longer entry is a
    part of its own), each with the header, so no file of the site passes its size limit; papers in the order given."""
    whole = bib_file([], entries, topic)
    parts: list[str] = []
    current: list[str] = []
    size = len(whole.encode("utf-8"))
    header = size
    for paper in papers:
        text = entries[paper["id"]]
        length = len(text.encode("utf-8")) + 1
        if current and size + length > limit:
            parts.append(whole + "\n".join(current))
            current, size = [], header
        current.append(text)
        size += length
    parts.append(whole + "\n".join(current))
    return parts
