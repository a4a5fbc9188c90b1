"""The venue an arXiv comment names ("Accepted to ICASSP 2026", "Submitted to TASLP"), computed at render time.

Nothing is stored: improving the rules or scripts/core/venues.json (the known venues and their aliases, data) shows on
every page on the next run. Only ASCII letters match an alias: a look-alike ("ІCASSP" with a Cyrillic І, a
full-width "ＩＣＡＳＳＰ") names no venue, as a reader would not trust it to. Every mention is read through windows of
bounded width around it, so a long comment costs time linear in its length.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VENUES = Path(__file__).resolve().with_name("venues.json")
ACCEPTED, SUBMITTED = "accepted", "submitted"
WINDOW = 100  # characters read before a mention for its status cue, and after it for its year

_FLAGS = re.ASCII | re.IGNORECASE  # ASCII: IGNORECASE must not fold the Kelvin sign or a long s into a letter
_SUBMITTED = re.compile(r"\b(?:submitted|submission|under\s+review|in\s+review)\b", _FLAGS)
_ACCEPTED = re.compile(r"\b(?:accepted|to\s+appear|appears?\s+in|published|presented|proceedings|publication)\b",
                       _FLAGS)
_NEGATED = re.compile(r"\b(?:not|never|rejected|declined)\W+(?:\w+\W+)?$", _FLAGS)  # just before a cue
_REJECTED = re.compile(r"\brejected\b(?:\W+\w+){0,2}\W*$", _FLAGS)  # "rejected from ICASSP"
_CLAUSE_END = re.compile(r"[.;!?](?:\s|$)|\n")
_YEAR_AFTER = re.compile(r"\s*(?:'|’|`)\s*(?P<short>\d{2}|\d{4})(?!\d)|[\s\-_]*(?P<long>(?:19|20)\d{2})(?!\d)", _FLAGS)
_YEAR_BEFORE = re.compile(r"(?<!\d)(?P<long>(?:19|20)\d{2})(?:\s+(?:IEEE|ACM|ISCA|\d+(?:st|nd|rd|th)))*\s+$", _FLAGS)
_YEAR_NEAR = re.compile(r"(?<![\w/-])(?:19|20)\d{2}(?![\w/-])")  # not in a word or an address
_WORKSHOP_AFTER = re.compile(r"\s*(?:[\w'-]+\s+){0,2}?workshops?\b", _FLAGS)
_WORKSHOP_BEFORE = re.compile(r"\bworkshops?\s+(?:on|at)\s+(?:the\s+)?$", _FLAGS)
_CHALLENGE = re.compile(r"^\W*(?:\d{4}\s*)?(?:challenge|technical\s+report)\b|\bchallenge\s+(?:of|at)\s+$", _FLAGS)
# After the venue (and its year): a style, template, checklist, competition or challenge of it, not the paper's venue.
_NOT_THE_PAPERS = re.compile(r"^[\s-]*(?:[\w'-]+\s+){0,3}?(?:style|template|checklist|format(?:ted)?|cup|challenge|"
                             r"grand\s+challenge)\b", _FLAGS)
# Before the venue: an address, a domain or an e-mail ("github.com/acl/…", "icassp@x.org", "interspeech.org").
_IN_ADDRESS_BEFORE = re.compile(r"(?:[/@.]|://)$")
_IN_ADDRESS_AFTER = re.compile(r"^(?:[@/]|\.[a-z]{2,})", _FLAGS)


@dataclass(frozen=True)
class Venue:
    """The venue a comment names as the paper's: its short name, year and whether it is accepted or submitted."""

    name: str
    year: int | None
    status: str  # ACCEPTED or SUBMITTED

    @property
    def chip(self) -> str:
        """The short text pages show for it: "ICASSP 2026", "ICASSP 2026 workshop", "submitted: TASLP"."""
        base, workshop = (self.name.removesuffix(" workshop"), " workshop") if self.name.endswith(" workshop") \
            else (self.name, "")
        text = f"{base} {self.year}{workshop}" if self.year else self.name
        return f"submitted: {text}" if self.status == SUBMITTED else text


@dataclass(frozen=True)
class _Known:
    """The known venues: one pattern over every alias, and each alias's (lower-cased unless cased) venue."""

    pattern: re.Pattern[str]
    names: dict[str, str]
    workshops: frozenset[str]


def _alias_pattern(alias: str) -> str:
    """An alias as a regular expression: any run of spaces matches any whitespace, and a comma may be left out."""
    return r",?\s+".join(re.escape(word.rstrip(",")) for word in alias.split())


def _key(text: str, cased: bool) -> str:
    """An alias or a mention as the table keys it: no commas, single spaces, lower case unless cased."""
    key = " ".join(text.replace(",", " ").split())
    return key if cased else key.lower()


@functools.cache
def known(path: Path = VENUES) -> _Known:
    """venues.json read once and compiled into one alternation, longest alias first ("ACM Multimedia Asia" before
    "ACM Multimedia")."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["venues"]
    names: dict[str, str] = {}
    parts: list[tuple[int, str]] = []
    for name, entry in data.items():
        cased = bool(entry.get("cased"))
        for alias in entry["aliases"]:
            names[_key(alias, cased)] = name
            body = _alias_pattern(alias)
            parts.append((len(alias), f"(?-i:{body})" if cased else body))
    alternation = "|".join(body for _, body in sorted(parts, key=lambda part: -part[0]))
    # not inside an ASCII word (mentions() also checks other scripts' letters); a year may follow at once
    pattern = re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W\d_])", _FLAGS)
    workshops = frozenset(name for name, entry in data.items() if entry.get("workshop"))
    return _Known(pattern, names, workshops)


def _name_of(found: str, table: _Known) -> str | None:
    """The venue a mention stands for (a cased alias as written, else any case)."""
    return table.names.get(_key(found, True)) or table.names.get(_key(found, False))


def _year(text: str, start: int, end: int) -> tuple[int | None, int]:
    """The year written beside a mention ("ICASSP 2026", "ICASSP'26", "the 2026 IEEE …", "…, 2025") and where the
    mention with its year ends."""
    after = _YEAR_AFTER.match(text, end, min(len(text), end + 8))
    if after:
        if after["short"]:
            digits = after["short"]
            return (2000 + int(digits) if len(digits) == 2 else int(digits)), after.end()
        return int(after["long"]), after.end()
    before = _YEAR_BEFORE.search(text, max(0, start - 30), start)
    if before:
        return int(before["long"]), end
    clause = _CLAUSE_END.search(text, end, min(len(text), end + WINDOW))
    near = _YEAR_NEAR.search(text, end, clause.start() if clause else min(len(text), end + 40))
    return (int(near.group()) if near and near.start() - end <= 40 else None), end


def _cue(before: str) -> str | None:
    """The status the clause before a mention gives it: SUBMITTED, ACCEPTED, "negated", or None (no cue)."""
    found = None
    for pattern, status in ((_SUBMITTED, SUBMITTED), (_ACCEPTED, ACCEPTED)):
        for match in pattern.finditer(before):
            if found is None or match.start() > found[0]:
                found = (match.start(), status)
    if _REJECTED.search(before):
        return "negated"
    if found is None:
        return None
    return "negated" if _NEGATED.search(before[:found[0]]) else found[1]


def mentions(comment: str) -> list[tuple[Venue, bool]]:
    """Every known venue the comment names, in order, each with whether a cue word says its status (a negated or a
    challenge-report mention is left out)."""
    table = known()
    found: list[tuple[Venue, bool]] = []
    for match in table.pattern.finditer(comment):
        name = _name_of(match.group(), table)
        if name is None:
            continue
        start, end = match.span()
        if (start and comment[start - 1].isalnum()) or (end < len(comment) and comment[end].isalpha()):
            continue  # inside a word of any script: "ІICASSP" with a Cyrillic І, "ICASSPя"
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(comment, max(0, start - WINDOW), start)),
                           default=max(0, start - WINDOW))
        before = comment[clause_start:start]
        if _IN_ADDRESS_BEFORE.search(comment[max(0, start - 3):start]) or _IN_ADDRESS_AFTER.match(comment[end:end + 8]):
            continue  # part of an address or a domain, not a venue named
        year, tail = _year(comment, start, end)
        if (_CHALLENGE.search(comment[tail:tail + 30]) or _CHALLENGE.search(before[-30:])
                or _NOT_THE_PAPERS.match(comment[tail:tail + 40])):
            continue
        cue = _cue(before)
        if cue is None:
            rest = comment[tail:tail + 40]
            clause = _CLAUSE_END.search(rest)
            cue = SUBMITTED if _SUBMITTED.search(rest[:clause.start()] if clause else rest) else None
        if cue == "negated":
            continue
        if name not in table.workshops and (_WORKSHOP_AFTER.match(comment, tail, tail + 40)
                                            or _WORKSHOP_BEFORE.search(before[-30:])):
            name += " workshop"
        found.append((Venue(name, year, cue or ACCEPTED), cue is not None))
    return found


def of(comment: str | None) -> Venue | None:
    """The venue a comment names as the paper's: the first one a status cue refers to, else the first one named;
    a year written at another mention of the same venue fills a missing one."""
    if not comment:
        return None
    found = mentions(comment)
    if not found:
        return None
    venue = next((v for v, cued in found if cued), found[0][0])
    if venue.year is None:
        year = next((v.year for v, _ in found if v.name == venue.name and v.year), None)
        venue = Venue(venue.name, year, venue.status)
    return venue


def chip(comment: str | None) -> str:
    """The venue's chip for a comment, or "" when it names none (the Jinja filter `venue`)."""
    venue = of(comment)
    return venue.chip if venue else ""
