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


# The archives of old-style ids (before April 2007), as arXiv lists them: 'issues/1234567' names none of them.
OLD_ARCHIVES = frozenset("""
acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas cond-mat cs dg-ga
funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph mtrl-th nlin nucl-ex nucl-th patt-sol physics plasm-ph
q-alg q-bio q-fin quant-ph solv-int stat supr-con
""".split())
FIRST_OLD_MONTH = (91, 8)  # old-style ids began in August 1991 (hep-th/9108001)
FIRST_NEW_MONTH = (7, 4)  # new-style ids began with 0704.0001 (April 2007); old-style ones ended the month before
FIVE_DIGITS_FROM = (15, 1)  # and have had five digits after the dot since 1501.00001


def real_id(paper_id: str) -> bool:
    """Whether an id without version has one of arXiv's real shapes, not just its syntax: a new-style id's yymm is
    a month since April 2007 with the right number of digits after it, an old-style id names a real archive and a
    month from August 1991 to March 2007. For text a reader pastes or commits, where look-alikes (1999.99999) occur.
    The site's stars.js follows the same rule with these constants, written into the Starred page (page_rule)."""
    if _NEW_ID.match(paper_id):
        year, month = int(paper_id[:2]), int(paper_id[2:4])
        five = len(paper_id) == 10
        return 1 <= month <= 12 and (year, month) >= FIRST_NEW_MONTH and five == ((year, month) >= FIVE_DIGITS_FROM)
    if _OLD_ID.match(paper_id):
        archive, number = paper_id.split("/")
        year, month = int(number[:2]), int(number[2:4])
        dated = ((year, month) >= FIRST_OLD_MONTH or (year, month) < FIRST_NEW_MONTH) and 1 <= month <= 12
        return archive.split(".")[0] in OLD_ARCHIVES and dated
    return False


def page_rule() -> dict[str, str]:
    """real_id's constants as the Starred page carries them (data-arxiv-* attributes that stars.js reads), so the
    page's import and Save follow this rule with no second copy of the archives: yymm as four digits."""
    return {"archives": " ".join(sorted(OLD_ARCHIVES)), "first-old": yymm(FIRST_OLD_MONTH),
            "first-new": yymm(FIRST_NEW_MONTH), "five-digits": yymm(FIVE_DIGITS_FROM)}


def yymm(month: tuple[int, int]) -> str:
    """(7, 4) -> '0704'."""
    return f"{month[0]:02d}{month[1]:02d}"
