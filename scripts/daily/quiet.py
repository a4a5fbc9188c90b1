"""arXiv's announcement calendar, and the topics that listed nothing new on too many announcement days in a row.

A query arXiv starts to answer with nothing (a changed syntax, a retired category, an exclusion that hides
everything) looks like a quiet day. Counting the announcement days since each topic's newest listed paper tells
the two apart, from the store alone: nothing is written for it, so a quiet day still makes no commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from core import clock
from core.models import Quiet

if TYPE_CHECKING:
    from core.config import Config
    from core.models import TopicRun
    from daily.pagemodel import TopicView

QUIET_DAYS_OK = 2  # announcement days without a new paper that are normal for a topic (keywords.yaml: quiet_days_ok)
FAIL_AFTER = 4  # more quiet days past the warning before the run exits with EXIT_QUIET
CUTOFF, ANNOUNCED = time(14, 0), time(20, 0)  # US Eastern: submissions before the cutoff are announced that evening
HOLIDAYS = frozenset({(1, 1), (12, 25)})  # (month, day): arXiv announces nothing on New Year's Day and Christmas
ANNOUNCES = frozenset({6, 0, 1, 2, 3})  # date.weekday(): Sunday to Thursday
CUTOFF_DAYS, FRIDAY = frozenset(range(5)), 4  # submissions close at CUTOFF Monday to Friday; Friday's on Sunday


def eastern() -> tzinfo:
    """US Eastern time, where arXiv's calendar is kept; a fixed UTC-5 without a time zone database (an hour off
    in summer, which moves no day: announcements are hours from midnight)."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/New_York")
    except Exception:  # noqa: BLE001 - no tz database on this machine
        from datetime import timezone

        return timezone(timedelta(hours=-5))


def announces(day: date) -> bool:
    """Whether arXiv announces new papers on the evening of this (US Eastern) day: Sunday to Thursday, no holiday."""
    return day.weekday() in ANNOUNCES and (day.month, day.day) not in HOLIDAYS


def at(day: date, moment: time) -> datetime:
    """That US Eastern wall-clock time on that day, as an aware time."""
    return datetime.combine(day, moment, tzinfo=eastern())


def announced_at(stamp: datetime) -> datetime:
    """When a paper stamped at this time was announced: after the first weekday cutoff (14:00, Monday to Friday)
    after it, that evening, or Sunday's for Friday's (what came from Friday 14:00 to Monday 14:00 is Monday's).
    A paper held back by arXiv comes later, which only delays the count."""
    day = stamp.astimezone(eastern()).date()
    while not (day.weekday() in CUTOFF_DAYS and (day.month, day.day) not in HOLIDAYS and at(day, CUTOFF) > stamp):
        day += timedelta(days=1)
    return at(day + timedelta(days=2) if day.weekday() == FRIDAY else day, ANNOUNCED)


def announcement_days(after: datetime, now: datetime) -> list[date]:
    """The announcement days whose evening came after `after` and by `now`, oldest first."""
    day, last = after.astimezone(eastern()).date(), now.astimezone(eastern()).date()
    days = []
    while day <= last:
        if announces(day) and after < at(day, ANNOUNCED) <= now:
            days.append(day)
        day += timedelta(days=1)
    return days


def quiet_days(newest: str | None, first: str | None, now: datetime) -> list[date]:
    """The announcement days since a topic last listed a new paper, counted from its first fetch when that is later.

    newest: the newest listed paper's stamp; its own announcement is no quiet day. first: when the topic was first
    fetched (state.json, since issue 33), so a new topic whose newest paper is old is not quiet from its first
    day. With neither (a topic fetched before `first` was recorded that lists nothing) there is nothing to count
    from, and the topic is not counted: the topic's own line says it lists nothing.
    """
    anchors = [announced_at(clock.parse_time(newest))] if newest else []
    anchors += [clock.parse_time(first)] if first else []
    return announcement_days(max(anchors), now) if anchors else []


def first_stored(papers: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each topic's oldest stored paper's stamp, hidden ones included: where a topic that lists nothing at all (an
    exclusion that hides everything it stores) starts to count, as it could have listed a paper since then."""
    first: dict[str, str] = {}
    for paper in papers:
        for topic in paper.get("topics") or ():
            if topic not in first or paper["updated"] < first[topic]:
                first[topic] = paper["updated"]
    return first


def find(config: Config, views: Iterable[TopicView], runs: Iterable[TopicRun], state: dict[str, dict[str, str]],
         now: datetime, stored: dict[str, str] | None = None) -> list[Quiet]:
    """The topics fetched this run whose quiet days exceed their quiet_days_ok; one entry for all when all are.

    stored (first_stored): for a topic that lists nothing, its oldest stored paper stands in for the newest listed."""
    fetched = {r.name for r in runs if not r.error and r.query}  # asked and answered this run
    found, counted = [], 0
    for view in views:
        if view.name not in fetched:
            continue
        newest = max((p["updated"] for p in view.papers), default=None) or (stored or {}).get(view.name)
        days = quiet_days(newest, state.get(view.name, {}).get("first"), now)
        counted += newest is not None or "first" in state.get(view.name, {})
        ok = QUIET_DAYS_OK if view.topic.quiet_days_ok is None else view.topic.quiet_days_ok
        if len(days) > ok:
            found.append(Quiet(view.name, days, (newest or state[view.name]["first"])[:10], len(days) > ok + FAIL_AFTER))
    if len(found) > 1 and len(found) == counted == len(config.topics):
        shortest = min(found, key=lambda q: len(q.days))
        return [Quiet(None, shortest.days, max(q.since for q in found), any(q.failing for q in found))]
    return found



def arxiv_now(runs: Iterable[TopicRun], now: datetime) -> datetime:
    """The moment to count to: arXiv's clock (the latest Date it sent this run), else the run's own, so a local
    clock that is wrong (years ahead) makes no topic look quiet."""
    stamps = [clock.parse_time(r.arxiv_time) for r in runs if r.arxiv_time]
    return max(stamps) if stamps else now
