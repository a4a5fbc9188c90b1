"""arXiv text as the pages show it: escaped for Markdown, made plain for feeds and logs, cut to size.

A step of rendering in the daily run (update.py -> ... -> pagemodel/render): the template filters
(md, plain, inert, short, day, dated, first_authors, all_authors, atom_time) and fit_cells, which cuts an
over-long record before it reaches a page. Used by report.py and the site's model too, so every place
that shows arXiv text shows the same visible text.
"""

from __future__ import annotations

import re
from typing import Any

from core import links
from core.text import clean as border_clean

_INVISIBLE = {c: " " for c in [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010),
                              *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0xFEFF,
                              *range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0), 0xFFFE, 0xFFFF]}
# Lone surrogates cannot be written as UTF-8 and noncharacters are not allowed in XML: a model's or a service's
# answer may carry them (JSON spells them as \ud800), so visible text never does.
_ASCII_CONTROLS = bytes([*range(0x20), 0x7F])
_MD_SPECIALS = "\\`*_[]<|$~&:#"  # backslash first, so the escapes added later are not escaped again; # ends headings
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")
_EMAIL_AT = re.compile(r"@(?=[\w.+-])")  # cmark-gfm links "0@.A" too: any address-like character after @
CELL_LIMITS = {"title": 1_000, "abstract": 5_000, "comment": 2_000, "primary_category": 100}  # characters
LIST_LIMITS = {"authors": (100, 200), "categories": (20, 100)}  # (items, characters each)


class Cut(str):
    """Text cut to its cell's limit (ends in ' …'); md() adds a link to the full text on arXiv."""

    url: str = ""

    @classmethod
    def of(cls, text: str, limit: int, url: str) -> Cut:
        """The text's first `limit` characters and ' …', remembering where the full text is."""
        cut = cls(text[:limit].rstrip() + " …")
        cut.url = url
        return cut


def _short_items(values: list[str] | None, items: int, chars: int) -> bool:
    """Whether a list is within its limits: at most `items` entries of at most `chars` characters."""
    return not values or (len(values) <= items and max(map(len, values)) <= chars)


def fit_cells(paper: dict[str, Any]) -> dict[str, Any]:
    """The paper as the pages show it: over-long texts and lists cut, so one record cannot break a size limit.

    arXiv's own limits are far below these (abstracts stop at 1,920 characters); only a hand edit or a broken
    answer reaches them. The paper itself is returned when nothing needs cutting (nearly always).
    """
    long_text = [k for k, limit in CELL_LIMITS.items() if len(paper.get(k) or "") > limit]
    long_list = [k for k, (items, chars) in LIST_LIMITS.items() if not _short_items(paper.get(k), items, chars)]
    if not long_text and not long_list:
        return paper
    url = links.abs_url(paper["id"])
    fitted = dict(paper)
    for key in long_text:
        fitted[key] = Cut.of(paper[key], CELL_LIMITS[key], url)
    for key in long_list:
        items, chars = LIST_LIMITS[key]
        fitted[key] = [v if len(v) <= chars else v[:chars] + " …" for v in paper[key][:items]]
    return fitted


def is_plain(text: str) -> bool:
    """Whether text is already plain: printable ASCII, single spaces, no edge spaces (most stored text)."""
    return (text.isascii() and text[0] != " " and text[-1] != " " and "  " not in text
            and len(text.encode("ascii").translate(None, _ASCII_CONTROLS)) == len(text))


def plain(text: str | None) -> str:
    """Visible text: control and bidi characters dropped, whitespace collapsed to single spaces."""
    if not text:
        return ""
    if isinstance(text, Cut):
        return Cut.of(plain(str(text)), len(text), text.url)
    if is_plain(text):  # the fast path: fetch already collapsed whitespace
        return text
    flat = " ".join(text.split())
    if not flat.isprintable():  # every character the border drops or _INVISIBLE blanks is unprintable
        flat = " ".join(border_clean(flat).translate(_INVISIBLE).split())
    return flat


def md(text: str | None) -> str:
    """Escape arXiv text for a GFM table cell: no `|` breaks, no live HTML or links, no math, no markup."""
    escaped = plain(text)
    for char in _MD_SPECIALS:
        if char in escaped:
            escaped = escaped.replace(char, "\\" + char)
    if "@" in escaped:  # break e-mail autolinks and @mentions
        escaped = _EMAIL_AT.sub("@<!-- -->", escaped)
    if "ww" in escaped.lower():  # break www. autolinks
        escaped = _WWW_DOT.sub(r"\\.", escaped)
    if isinstance(text, Cut):
        escaped += f" [full text on arXiv]({text.url})"
    return escaped


_REFERENCE_HASH = re.compile(r"#(?=\d)")
_MENTION = re.compile(r"@(?=[\w-])")
_GH_REFERENCE = re.compile(r"(?i)\b(GH)-(?=\d)")


def inert(text: str) -> str:
    """Text GitHub will not link: `#12`, `owner/repo#12`, `GH-12`, `@name` and addresses get a zero-width space (after `#`, `@`,
    `GH`, and in `://`).

    For commit messages and issue bodies, where GitHub turns those into cross-references (which can close
    issues: "fixes #12") and mentions that notify people; the text still reads the same.
    """
    if "#" in text:
        text = _REFERENCE_HASH.sub("#\u200b", text)
    if "@" in text:
        text = _MENTION.sub("@\u200b", text)
    if "-" in text:
        text = _GH_REFERENCE.sub("\\1\u200b-", text)
    if "://" in text:  # a whole address of an issue ("Closes https://github.com/o/r/issues/7") is a reference too
        text = text.replace("://", ":\u200b//")
    return text


def day(stamp: str | None) -> str:
    """The date part of a stored timestamp."""
    return (stamp or "")[:10]


def atom_time(stamp: str | None) -> str:
    """An RFC 3339 time for Atom, from a stored date or timestamp."""
    stamp = stamp or "1970-01-01"
    return stamp if "T" in stamp else f"{stamp}T00:00:00Z"


def short(text: str, width: int = 40) -> str:
    """The start of a long text, cut at a word, for a collapsed summary."""
    text = plain(text)
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0] or text[:width]
    return cut.rstrip(" ,;:.") + "…"


def first_authors(authors: list[str] | None, count: int = 3) -> str:
    """The first few names and 'et al.': who wrote it, short enough for a table cell."""
    names = [plain(name) for name in (authors or [])[:count + 1]]
    return ", ".join(names[:count]) + (" et al." if len(names) > count else "")


def all_authors(authors: list[str] | None) -> str:
    """Every name, comma-separated (the full list behind 'et al.')."""
    return ", ".join(plain(name) for name in authors or [])


def dated(paper: dict[str, Any]) -> str:
    """The latest version's date, and which version when it is a revision: '2026-02-03 (v2)'."""
    version = paper.get("version") or 1
    return day(paper["updated"]) + (f" (v{version})" if version > 1 else "")
