"""core.clock: the run's moment, the store's time format, and the one rule for the run's day.

The day rule was written twice (picks.day_of filed the day's record, day.run_date dated the email) and the two
disagreed for a DAILY_PAPERS_NOW that is not in UTC (issue 32); test_the_day_is_arxivs_and_the_local_clock_only_without_it
came from tests/digest/test_picks.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core import clock
from core.errors import UserError
from digest import day


def test_the_day_is_arxivs_and_the_local_clock_only_without_it() -> None:
    now = datetime(2026, 2, 14, 1, 0, tzinfo=UTC)
    assert clock.run_day([None, "2026-02-13T23:59:00Z", "2026-02-13T01:00:00Z"], now) == "2026-02-13"
    assert clock.run_day([None], now) == "2026-02-14"


def test_a_clock_that_is_not_utc_gives_the_utc_day_to_the_record_and_the_email_alike() -> None:
    """22:00 in New York on the 13th is the 14th in UTC: the record and the email both say the 14th."""
    now = datetime(2026, 2, 13, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert clock.run_day([], now) == "2026-02-14"

    class Outcome:  # what the email reads of a run
        runs: list[object] = []
        new_papers = {"Codec": [{"id": "2602.00001"}]}
        day = None

    assert day.record_of(Outcome(), now)["date"] == "2026-02-14"


def test_a_moment_is_read_and_written_in_the_stores_format() -> None:
    moment = clock.parse_time("2026-01-28T10:00:00Z")
    assert moment == datetime(2026, 1, 28, 10, tzinfo=UTC)
    assert clock.iso(moment.astimezone(timezone(timedelta(hours=9)))) == "2026-01-28T10:00:00Z"
    assert clock.parse_time("2026-01-28") == datetime(2026, 1, 28, tzinfo=UTC)


def test_daily_papers_now_pretends_a_moment_and_a_bad_one_is_a_users_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T01:17:00")
    assert clock.run_moment() == datetime(2026, 2, 13, 1, 17, tzinfo=UTC)
    monkeypatch.setenv("DAILY_PAPERS_NOW", "yesterday")
    with pytest.raises(UserError, match=r"^DAILY_PAPERS_NOW='yesterday' is not a time like .*; fix it or unset it$"):
        clock.run_moment()
