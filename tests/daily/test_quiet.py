"""daily.quiet, issue 33: arXiv's announcement calendar, and the topics that listed nothing new on too many
announcement days in a row (a query arXiv started to answer with nothing looks like a quiet day)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from conftest import write_keywords

from core import config as cfg
from core import store as st
from core.models import TopicRun
from daily import pagemodel, quiet

MONDAY_EVENING = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # Monday 7 December 2026, 21:00 US Eastern


def test_arxiv_announces_sunday_to_thursday_but_not_on_its_holidays() -> None:
    week = [date(2026, 12, d) for d in range(6, 13)]  # Sunday 6 to Saturday 12 December 2026
    assert [quiet.announces(d) for d in week] == [True, True, True, True, True, False, False]
    assert not quiet.announces(date(2025, 12, 25)) and not quiet.announces(date(2026, 1, 1))  # both Thursdays


def test_a_paper_before_the_cutoff_is_announced_that_evening_after_it_on_the_next_announcement_day() -> None:
    thursday_morning = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # 10:00 US Eastern
    assert quiet.announced_at(thursday_morning) == quiet.at(date(2026, 12, 3), quiet.ANNOUNCED)
    thursday_afternoon = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # 15:00, past the 14:00 cutoff
    assert quiet.announced_at(thursday_afternoon) == quiet.at(date(2026, 12, 6), quiet.ANNOUNCED)  # Sunday


def test_what_comes_from_friday_afternoon_to_monday_noon_is_announced_on_monday() -> None:
    """arXiv's schedule: Friday 14:00 to Monday 14:00 (US Eastern) is Monday evening's announcement, not Sunday's."""
    monday = quiet.at(date(2026, 12, 7), quiet.ANNOUNCED)
    for stamp in ("2026-12-04T21:00:00Z", "2026-12-05T12:00:00Z", "2026-12-06T15:00:00Z", "2026-12-07T18:00:00Z"):
        assert quiet.announced_at(datetime.fromisoformat(stamp)) == monday, stamp  # Fri 16:00 ... Mon 13:00
    friday_morning = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    assert quiet.announced_at(friday_morning) == quiet.at(date(2026, 12, 6), quiet.ANNOUNCED)


def test_weekends_do_not_count_as_quiet_days() -> None:
    days = quiet.quiet_days("2026-12-03T15:00:00Z", None, MONDAY_EVENING)  # announced Thursday
    assert days == [date(2026, 12, 6), date(2026, 12, 7)]  # Sunday and Monday; Friday and Saturday announce nothing


def test_a_holiday_does_not_count_as_a_quiet_day() -> None:
    monday = datetime(2025, 12, 30, 2, 0, tzinfo=UTC)  # Monday 29 December 2025, 21:00 US Eastern
    days = quiet.quiet_days("2025-12-23T15:00:00Z", None, monday)  # announced Tuesday 23
    assert days == [date(2025, 12, 24), date(2025, 12, 28), date(2025, 12, 29)]  # not Christmas, a Thursday


def test_a_new_topic_counts_from_its_first_fetch_not_from_its_old_newest_paper() -> None:
    sunday_noon = "2026-12-06T17:00:00Z"
    assert quiet.quiet_days("2024-01-10T10:00:00Z", sunday_noon, MONDAY_EVENING) == [date(2026, 12, 6),
                                                                                     date(2026, 12, 7)]
    assert len(quiet.quiet_days("2024-01-10T10:00:00Z", None, MONDAY_EVENING)) > 700
    assert quiet.quiet_days(None, None, MONDAY_EVENING) == []  # nothing to count from


def record(paper_id: str, topic: str, updated: str) -> dict[str, Any]:
    return st.new_record(id=paper_id, version=1, title=f"A {topic} paper", abstract="About it.", updated=updated,
                         published=updated, categories=["cs.SD"], topics=[topic])


def find(root: Path, topics: list[dict[str, Any]], papers: list[dict[str, Any]],
         state: dict[str, dict[str, str]] | None = None) -> list[Any]:
    write_keywords(root, topics)
    config = cfg.load(root / "keywords.yaml")
    views = pagemodel.topic_views(config, papers)
    runs = [TopicRun(t.name, query="asked") for t in config.topics]
    return quiet.find(config, views, runs, state or {}, MONDAY_EVENING, quiet.first_stored(papers))


def test_a_topic_quiet_past_its_days_is_found_and_past_four_more_is_failing(tmp_path: Path) -> None:
    topics = [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}]
    today = record("2612.00002", "Vocoder", "2026-12-07T10:00:00Z")
    three = find(tmp_path, topics, [record("2612.00001", "Codec", "2026-12-02T15:00:00Z"), today])
    assert [(q.topic, len(q.days), q.failing) for q in three] == [("Codec", 3, False)]  # Thu, Sun, Mon
    seven = find(tmp_path, topics, [record("2611.00001", "Codec", "2026-11-26T15:00:00Z"), today])
    assert [(q.topic, len(q.days), q.failing, q.since) for q in seven] == [("Codec", 7, True, "2026-11-26")]
    assert find(tmp_path, topics, [record("2612.00001", "Codec", "2026-12-03T15:00:00Z"), today]) == []  # 2 days


def test_quiet_days_ok_silences_a_rare_topic(tmp_path: Path) -> None:
    topics = [{"name": "Codec", "query": "codec", "quiet_days_ok": 30}, {"name": "Vocoder", "query": "vocoder"}]
    papers = [record("2611.00001", "Codec", "2026-11-25T15:00:00Z"), record("2612.00002", "Vocoder",
                                                                           "2026-12-07T10:00:00Z")]
    assert find(tmp_path, topics, papers) == []


def test_every_topic_quiet_is_one_entry_for_the_whole_run(tmp_path: Path) -> None:
    topics = [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}]
    papers = [record("2611.00001", "Codec", "2026-11-25T15:00:00Z"), record("2612.00002", "Vocoder",
                                                                           "2026-12-02T15:00:00Z")]
    found = find(tmp_path, topics, papers)
    assert [(q.topic, len(q.days), q.failing) for q in found] == [(None, 3, True)]


def test_a_new_topic_with_nothing_listed_counts_from_its_first_fetch(tmp_path: Path) -> None:
    topics = [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}]
    papers = [record("2612.00002", "Vocoder", "2026-12-07T10:00:00Z")]
    assert find(tmp_path, topics, papers) == []  # never fetched with a first day recorded: nothing to count from
    first = {"Codec": {"fetched": "2026-12-07T01:00:00Z", "query": "codec", "first": "2026-12-06T01:00:00Z"}}
    assert find(tmp_path, topics, papers, first) == []  # Sunday and Monday: two days, normal
    first["Codec"]["first"] = "2026-12-03T01:00:00Z"  # Wednesday, as its evening's announcement came out
    assert [(q.topic, len(q.days)) for q in find(tmp_path, topics, papers, first)] == [("Codec", 3)]


def test_the_count_runs_to_arxivs_clock_so_a_local_clock_years_ahead_makes_no_topic_quiet() -> None:
    runs = [TopicRun("Codec", arxiv_time="2026-12-08T02:00:00Z"), TopicRun("Vocoder")]
    assert quiet.arxiv_now(runs, datetime(2030, 1, 1, tzinfo=UTC)) == MONDAY_EVENING
    assert quiet.arxiv_now([TopicRun("Codec")], MONDAY_EVENING) == MONDAY_EVENING  # no Date sent: the run's own


def test_a_topic_whose_exclusion_hides_everything_it_stores_counts_from_its_oldest_paper(tmp_path: Path) -> None:
    topics = [{"name": "Codec", "query": "codec", "exclude": ["codec"]}, {"name": "Vocoder", "query": "vocoder"}]
    papers = [record("2611.00001", "Codec", "2026-11-24T15:00:00Z"), record("2612.00001", "Codec",
                                                                           "2026-12-07T10:00:00Z"),
              record("2612.00002", "Vocoder", "2026-12-07T10:00:00Z")]
    found = find(tmp_path, topics, papers)  # new hidden papers every day, none listed since 24 November
    assert [(q.topic, q.failing, q.since) for q in found] == [("Codec", True, "2026-11-24")]
