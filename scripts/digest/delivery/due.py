"""What each channel is due on a run: which days' papers, and on which runs (every day, or once a week).

A channel that delivered before is due every paper of the days' records since its first send (at most
sent.LOOKBACK_DAYS back) that it has not delivered: a day whose send failed is caught up by the next good one. A
channel with no record yet is due this run's papers only (a new channel gets no backlog), or with digest_every: week
the last seven days' on the next digest_day (a reader who switches it on on a Thursday gets the first digest on
Monday, not that Thursday). Papers a --backfill run stored from before the daily fetch's windows are never due
(tell.read_records leaves them out); those inside them are news like a daily run's.

The week: `digest_day` starts it. The weekly digest goes out on the first run on or after the week's start that
finds it not yet sent since then (a Monday without a run, or whose send failed, sends on Tuesday), and covers every
paper not yet delivered since the last weekly digest.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core import sent
from digest.delivery import tell

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def week_start(today: str, digest_day: str) -> str:
    """The first day of the week `today` is in, weeks starting on `digest_day`."""
    day = date.fromisoformat(today)
    back = (day.weekday() - WEEKDAYS.index(digest_day)) % 7
    return (day - timedelta(days=back)).isoformat()


def sends_today(entry: dict[str, Any] | None, every: str, digest_day: str, today: str) -> bool:
    """Whether this run sends to the channel: every run (daily), or the first run of the week not yet sent (a channel
    with no record yet: on digest_day itself, since nothing says when in the week it was switched on; one recorded
    at a first try that failed: on every run until one goes)."""
    if every != "week":
        return True
    if entry is None:
        return week_start(today, digest_day) == today
    last = entry.get("last")
    return last is None or bool(last < week_start(today, digest_day))


def due(root: Path, entry: dict[str, Any] | None, every: str, today: str,
        run_record: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The days' records cut to what the channel has not delivered, oldest first (days with nothing left out)."""
    if entry is None and every != "week":
        return [run_record] if run_record and tell.ids_of(run_record) else []
    oldest = sent.window_start(today)
    first = max(entry["since"], oldest) if entry else first_week(today)
    done = sent.delivered(entry)
    found = []
    for record in tell.read_records(root, first, today):
        left = [i for i in tell.ids_of(record) if i not in done.get(record["date"], set())]
        if left:
            found.append(tell.only(record, left))
    return found


def first_week(today: str) -> str:
    """The first day a new weekly channel's first digest covers: the last seven days, today's included."""
    return (date.fromisoformat(today) - timedelta(days=6)).isoformat()
