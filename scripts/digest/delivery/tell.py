"""What to tell a channel: the days' papers it is due, merged into one record, each paper with its own date.

One model for every medium: the email (digest/mail.py) and the chat message (delivery/chat.py) both render it.
It is built from the days' records (data/digests/YYYY-MM-DD.json, read for their ids and picks only: {"date",
"new": {topic: [ids]}, "picks": [{"id", "score", "because"}], "backfilled": [ids]}) and the store; ids the store
lacks, and those a --backfill run stored from before the daily fetch's windows ("backfilled"), are left out.

Picks over several days (a catch-up, or the weekly digest) are the union of the days' picks ordered by their
score (each day's ranker scored them against the same interests), best first, each paper once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core import layout

BACKFILLED = "backfilled"  # the day's record's list of the ids a --backfill run stored (digest/picks.py): never sent
LISTED_DAYS = {"day": 7, "week": 14}  # days whose papers a catch-up lists; older due days are linked, not listed


@dataclass
class Tell:
    """One message's content: the merged record, each paper's day, and the days only linked (past the cap)."""

    title: str
    date: str  # the run's day: the message is dated by it
    every: str  # "day", "week", or "test" (--test-notify)
    record: dict[str, Any]  # {"date", "new": {topic: [ids]}, "picks": [...]}: the listed days merged, due ids only
    day_of: dict[str, str] = field(default_factory=dict)  # paper id -> the day it was new (its newest, shown)
    delivers: dict[str, list[str]] = field(default_factory=dict)  # due day -> its ids this message delivers
    days: list[str] = field(default_factory=list)  # the listed days, newest first
    linked: dict[str, int] = field(default_factory=dict)  # days past the cap -> their papers, linked to the site
    site_url: str | None = None  # the published site, with a trailing /
    readme_url: str | None = None  # the repository's README, when there is no site

    def ids(self) -> dict[str, list[str]]:
        """What this message delivers, day by day (listed, or linked past the cap): a paper new on two due days
        counts as delivered on both, so neither day's copy is due again."""
        return {day: list(ids) for day, ids in self.delivers.items()}

    def count(self) -> int:
        """Papers listed (or counted under their topic) in the message."""
        return len({i for ids in self.record["new"].values() for i in ids})

    def day_url(self, day: str) -> str | None:
        """The site's page of a day, else the README (None outside a known repository)."""
        return f"{self.site_url}days/{day}.html" if self.site_url and _is_date(day) else self.readme_url

    def caught_up(self) -> list[str]:
        """The listed days before the run's own: a catch-up of sends that failed, or the rest of a week."""
        return [d for d in self.days if d != self.date]


def _is_date(text: str) -> bool:
    """Whether text is YYYY-MM-DD (it goes into a URL)."""
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def read_records(root: Path, first: str, last: str) -> list[dict[str, Any]]:
    """The days' records from `first` to `last` (YYYY-MM-DD, inclusive), oldest first; a broken file is skipped (the
    picks step that writes them names it)."""
    found = []
    for path in sorted((root / layout.DIGESTS).glob("????-??-??.json")):
        if not first <= path.stem <= last or not _is_date(path.stem):
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("new"), dict):
            whole = {"date": path.stem, "new": record["new"], "picks": record.get("picks") or []}
            found.append(not_backfilled(whole, record.get(BACKFILLED)))
    return found


def not_backfilled(record: dict[str, Any], backfilled: Any) -> dict[str, Any]:
    """The record without the papers a --backfill run stored that day: a backfill sends nothing, now or later."""
    if not isinstance(backfilled, list) or not backfilled:
        return record
    skip = set(backfilled)
    return only(record, [i for i in ids_of(record) if i not in skip])


def ids_of(record: Mapping[str, Any]) -> list[str]:
    """A record's papers, each once, in its order."""
    seen: dict[str, None] = {}
    for ids in (record.get("new") or {}).values():
        if isinstance(ids, list):
            seen.update((i, None) for i in ids if isinstance(i, str))
    return list(seen)


def only(record: Mapping[str, Any], keep: Iterable[str]) -> dict[str, Any]:
    """The record cut to these ids (its topics' order and its picks' kept)."""
    wanted = set(keep)
    new = {t: [i for i in ids if i in wanted] for t, ids in (record.get("new") or {}).items() if isinstance(ids, list)}
    picks = [p for p in record.get("picks") or [] if isinstance(p, dict) and p.get("id") in wanted]
    return {"date": record.get("date"), "new": {t: ids for t, ids in new.items() if ids}, "picks": picks}


def merge(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Several days' records as one, newest day first within each topic; picks ordered by score, each paper once."""
    newest_first = sorted(records, key=lambda r: str(r.get("date")), reverse=True)
    new: dict[str, list[str]] = {}
    for record in newest_first:
        for topic, ids in record["new"].items():
            have = new.setdefault(topic, [])
            have.extend(i for i in ids if i not in have)
    picks: dict[str, dict[str, Any]] = {}
    for record in newest_first:
        for pick in record["picks"]:
            if pick["id"] not in picks:
                picks[pick["id"]] = pick
    ordered = sorted(picks.values(), key=lambda p: -_score(p))
    return {"date": newest_first[0]["date"] if newest_first else None, "new": new, "picks": ordered}


def _score(pick: Mapping[str, Any]) -> float:
    """A pick's score (a missing or broken one ranks last)."""
    score = pick.get("score")
    return float(score) if isinstance(score, int | float) and not isinstance(score, bool) else float("-inf")


def build(due: list[dict[str, Any]], papers: Mapping[str, Any], title: str, today: str, every: str,
          site_url: str | None = None, readme_url: str | None = None) -> Tell:
    """The message for the due days' records (each already cut to the channel's due ids): the newest LISTED_DAYS
    days listed, older ones linked by their day page and counted; ids missing from the store are left out."""
    kept = [only(r, [i for i in ids_of(r) if i in papers]) for r in due]
    kept = sorted((r for r in kept if r["new"]), key=lambda r: str(r["date"]), reverse=True)
    cap = LISTED_DAYS.get(every, LISTED_DAYS["day"])
    listed, beyond = kept[:cap], kept[cap:]
    record = merge(listed) if listed else {"date": today, "new": {}, "picks": []}
    record["date"] = today
    day_of = {i: str(r["date"]) for r in reversed(kept) for i in ids_of(r)}
    delivers = {str(r["date"]): ids_of(r) for r in kept}
    return Tell(title=title, date=today, every=every, record=record, day_of=day_of, delivers=delivers,
                days=[str(r["date"]) for r in listed], linked={str(r["date"]): len(ids_of(r)) for r in beyond},
                site_url=site_url, readme_url=readme_url)
