"""The run's clock: now (or the moment DAILY_PAPERS_NOW pretends), the store's time format, and the run's day."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime

from core.errors import UserError


class ClockError(UserError):
    """DAILY_PAPERS_NOW is set but is not a time."""


def run_moment() -> datetime:
    """Now, in UTC; DAILY_PAPERS_NOW (an ISO time) pretends another moment, for simulations and tests."""
    pretend = os.environ.get("DAILY_PAPERS_NOW")
    if pretend:
        try:
            moment = datetime.fromisoformat(pretend.replace("Z", "+00:00"))
        except ValueError:
            raise ClockError(f"DAILY_PAPERS_NOW={pretend!r} is not a time like 2026-02-13T01:17:00Z; "
                             "fix it or unset it") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """A UTC time in the store's format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(stamp: str) -> datetime:
    """A stored time ('2026-01-28T10:00:00Z', or a bare date from the seed import) as aware UTC."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00") if "T" in stamp else f"{stamp}T00:00:00+00:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_day(arxiv_times: Iterable[str | None], now: datetime) -> str:
    """The run's UTC day (YYYY-MM-DD): by arXiv's clock, the latest Date it sent, else by the run's own clock.

    One rule for the day's record and the day's email, so a run whose clock is not UTC files and mails one day."""
    stamps = [parse_time(t) for t in arxiv_times if t]
    return (max(stamps) if stamps else now).astimezone(UTC).date().isoformat()
