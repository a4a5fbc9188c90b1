"""arXiv ids, the one place their syntax is written: new-style 2601.20481, old-style hep-th/9901001, either with v2."""

from __future__ import annotations

import re

_NEW = r"\d{4}\.\d{4,5}"  # yymm.number, four digits before 2015, five since
_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"  # archive(.SUBJECT)/yymmnnn, before April 2007
_NEW_ID = re.compile(rf"^{_NEW}$")
_OLD_ID = re.compile(rf"^{_OLD}$")
_VERSIONED = re.compile(rf"^(?P<id>{_NEW}|{_OLD})(?:v(?P<v>\d+))?$")


def split_id(text: str) -> tuple[str, int] | None:
    """'2601.20481v2' -> ('2601.20481', 2); a bare id has version 1; junk gives None."""
    m = _VERSIONED.match(text.strip())
    if not m:
        return None
    return m.group("id"), int(m.group("v") or 1)


def bare_id(text: str) -> str | None:
    """The id of text that is exactly an arXiv id, with or without a version ('2601.20481v2' -> '2601.20481'), else
    None; unlike split_id, surrounding whitespace is not forgiven (a library entry's field is checked as written)."""
    m = _VERSIONED.match(text)
    return m.group("id") if m else None


def valid_id(paper_id: str) -> bool:
    """Whether a string is an arXiv id without version, safe to put into a link."""
    return bool(_NEW_ID.match(paper_id) or _OLD_ID.match(paper_id))
