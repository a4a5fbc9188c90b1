"""daily.schedule, the fetch step, against a scripted arXiv client in the same process: the plan, the splitting of a
refused request, throttling and the time budget in milliseconds (issue 32). tests/e2e/test_split.py and
tests/daily/test_fetch.py check the same rules end to end, through the real arxiv client and the fake arXiv server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conftest import write_keywords

from core import config as cfg
from core import store as st
from daily import fetch, plan, schedule
from daily import state as fetch_state

NOW = datetime(2026, 2, 13, 1, 17, tzinfo=UTC)
TOPICS = [{"name": f"Topic {i}", "query": f"topic{i}x"} for i in range(8)]

Answer = Callable[[str], "fetch.TopicFailed | None"]  # a query -> the failure arXiv gives it, or None: it answers


@dataclass
class ScriptedArxiv:
    """An arXiv client that answers from a script, instantly: one record per topic word found in the query."""

    fails: Answer = lambda query: None
    requests: int = 0
    answered_at: datetime | None = None
    throttles: list[int] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    clock: Callable[[], float] = lambda: 0.0

    def fetch(self, query: str, since: str | None, limit: int, page_size: int | None = None,
              retry_failures: bool = True) -> tuple[list[dict[str, Any]], bool]:
        self.requests += 1
        self.queries.append(query)
        failure = self.fails(query)
        if failure is not None:
            if failure.throttled:
                self.throttles.append(failure.throttled)
            raise failure
        self.answered_at = NOW
        words = [t["query"] for t in TOPICS if t["query"] in query]
        return [st.new_record(id=f"2602.{i:05d}", version=1, title=f"A {w} paper", abstract=f"About {w}.",
                              updated="2026-02-12T10:00:00Z", published="2026-02-12T10:00:00Z",
                              categories=["cs.SD"], topics=[]) for i, w in enumerate(words)], False


def fetched_before(root: Path) -> cfg.Config:
    """A repository whose topics were all fetched yesterday, so today they share one request."""
    write_keywords(root, TOPICS)
    config = cfg.load(root / "keywords.yaml")
    fetch_state.save(root, {t.name: {"fetched": "2026-02-12T01:00:00Z", "query": plan.query_key(t)}
                            for t in config.topics})
    return config


def run_step(root: Path, client: ScriptedArxiv) -> tuple[dict[str, Any], Any]:
    config = fetched_before(root) if not (root / "keywords.yaml").exists() else cfg.load(root / "keywords.yaml")
    runs, report = schedule.fetch_topics(config, st.Store(root), [t["name"] for t in TOPICS], client, root, NOW)
    return {r.name: r for r in runs}, report


def test_a_normal_day_asks_once_for_every_topic_and_shares_the_answer_out(tmp_path: Path) -> None:
    client = ScriptedArxiv()
    runs, report = run_step(tmp_path, client)
    assert client.requests == report.requests == 1
    assert all(not r.error and len(r.records) == 1 for r in runs.values())
    assert runs["Topic 3"].records[0]["title"] == "A topic3x paper"


def test_a_rejected_topic_is_found_by_halving_and_fails_alone(tmp_path: Path) -> None:
    client = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("HTTP 400: syntax error", rejected=True)
                           if "topic5x" in q else None)
    runs, _ = run_step(tmp_path, client)
    assert [n for n, r in runs.items() if r.error] == ["Topic 5"]
    assert runs["Topic 5"].alone and "the query it sent alone" in (runs["Topic 5"].error or "")
    assert client.requests <= 1 + 2 * 3  # log2(8) levels, two halves each
    assert all(len(r.records) == 1 for n, r in runs.items() if n != "Topic 5")


def test_throttling_stops_the_run_and_the_rest_is_not_asked(tmp_path: Path) -> None:
    write_keywords(tmp_path, TOPICS)  # new topics: each asks alone, so there are several requests to skip
    client = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("HTTP 429", throttled=429))
    runs, report = run_step(tmp_path, client)
    assert client.requests == 1
    assert len(report.skipped) == len(TOPICS) - 1 and report.throttles == [429]
    assert all(r.throttled == 429 for r in runs.values())
    assert sum("not asked" in (r.error or "") for r in runs.values()) == len(TOPICS) - 1


def test_a_request_out_of_time_is_not_split(tmp_path: Path) -> None:
    client = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("the run's time budget is spent", out_of_time=True))
    runs, _ = run_step(tmp_path, client)
    assert client.requests == 1
    assert all(r.error and not r.alone for r in runs.values())


def test_both_halves_failing_by_a_server_fault_means_arxiv_is_down_and_nothing_splits_further(tmp_path: Path) -> None:
    client = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("HTTP 503") if " OR " in q or q.count("topic") > 1
                           else None)
    runs, _ = run_step(tmp_path, client)
    assert client.requests == 3  # the shared request, then its two halves; no quarters
    assert all(r.error and not r.alone for r in runs.values())


def test_a_day_arxiv_answers_nothing_is_one_outage_and_no_topic_fails_on_its_own(tmp_path: Path) -> None:
    """Issue 33: every request of the day failed by a server fault: each topic was named failed "after 1 try"."""
    client = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("arXiv had a server error (HTTP 503) after 1 try",
                                                                kind="HTTP 503"))
    runs, report = run_step(tmp_path, client)
    assert report.unreachable == f"arXiv was unreachable (HTTP 503 on all {client.requests} requests)"
    assert all(r.error == report.unreachable and not r.alone for r in runs.values())


def test_an_outage_of_timeouts_and_of_mixed_faults_is_worded_as_such(tmp_path: Path) -> None:
    timeouts = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("arXiv timed out after 2 tries", kind=fetch.TIMED_OUT))
    line = run_step(tmp_path, timeouts)[1].unreachable
    assert line == f"arXiv was unreachable (timed out on all {timeouts.requests} requests)"
    mixed = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("could not connect to arXiv after 1 try", kind=fetch.NO_CONNECTION)
                           if "topic0x" in q else fetch.TopicFailed("arXiv answered HTTP 502 after 1 try", kind="HTTP 502"))
    line = run_step(tmp_path, mixed)[1].unreachable or ""
    assert line == f"arXiv was unreachable (no connection or HTTP 502 on all {mixed.requests} requests)", line


def test_an_outage_the_budget_cut_short_is_still_one_outage(tmp_path: Path) -> None:
    """Issue 33 review: 503s until the budget ended the retries, then requests with no time left: one outage."""
    first = [True]

    def fails(query: str) -> fetch.TopicFailed:
        kind, first[0] = ("HTTP 503" if first[0] else None), False
        return fetch.TopicFailed("arXiv had a server error (HTTP 503) after 2 tries; no time left", out_of_time=True,
                                 kind=kind)
    client = ScriptedArxiv(fails=fails)
    runs, report = run_step(tmp_path, client)
    assert report.unreachable == f"arXiv was unreachable (HTTP 503 on all {client.requests} requests)"
    assert all(r.error == report.unreachable for r in runs.values())
    only_budget = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("the run's time budget ran out", out_of_time=True))
    assert run_step(tmp_path, only_budget)[1].unreachable is None  # no try failed: our budget, not arXiv


def test_a_day_some_request_was_answered_or_rejected_or_throttled_is_no_outage(tmp_path: Path) -> None:
    down_for_one = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("HTTP 503 after 1 try") if "topic5x" in q else None)
    assert run_step(tmp_path, down_for_one)[1].unreachable is None
    rejected = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("HTTP 400: syntax error", rejected=True))
    assert run_step(tmp_path, rejected)[1].unreachable is None
    throttled = ScriptedArxiv(fails=lambda q: fetch.TopicFailed("HTTP 429", throttled=429))
    assert run_step(tmp_path, throttled)[1].unreachable is None
