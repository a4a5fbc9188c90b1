"""digest.day: the part of the day's record a run mails: its own new papers and their picks, never an earlier run's."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from digest import day

NOW = datetime(2026, 12, 3, 23, 50, tzinfo=UTC)


def outcome(new: dict[str, list[str]], record: dict | None = None, arxiv_time: str | None = None) -> SimpleNamespace:
    """An update.Outcome as far as the email reads it."""
    return SimpleNamespace(new_papers={t: [{"id": i} for i in ids] for t, ids in new.items()}, day=record,
                           runs=[SimpleNamespace(arxiv_time=arxiv_time)])


def test_without_a_record_the_day_is_the_runs_new_papers_without_picks_by_arxivs_date() -> None:
    got = day.record_of(outcome({"A": ["2612.00002", "2612.00001"], "B": []}, arxiv_time="2026-12-04T00:10:00Z"), NOW)
    assert got == {"date": "2026-12-04", "new": {"A": ["2612.00002", "2612.00001"]}, "picks": []}
    assert day.record_of(outcome({"A": ["2612.00001"]}), NOW)["date"] == "2026-12-03"  # no Date from arXiv


def test_a_second_run_of_the_day_mails_only_its_own_papers_and_their_picks() -> None:
    merged = {"date": "2026-12-03", "new": {"A": ["2612.00009", "2612.00001", "2612.00002"], "B": ["2612.00003"]},
              "picks": [{"id": "2612.00001", "score": 0.5, "because": None},
                        {"id": "2612.00009", "score": 0.4, "because": None}]}
    got = day.record_of(outcome({"A": ["2612.00002", "2612.00009"]}, merged), NOW)
    assert got == {"date": "2026-12-03", "new": {"A": ["2612.00009", "2612.00002"]},
                   "picks": [{"id": "2612.00009", "score": 0.4, "because": None}]}
    assert day.new_ids(got) == ["2612.00009", "2612.00002"]


def test_a_paper_of_two_topics_counts_once() -> None:
    assert day.new_ids({"new": {"A": ["2612.00001", "2612.00002"], "B": ["2612.00002"]}}) == ["2612.00001", "2612.00002"]
