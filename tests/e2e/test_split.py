"""Issue 21: one topic's query must not fail every topic. A failed combined request is split in halves and asked
again, down to one topic; the topic that fails alone is named and asked alone the next days, until it works."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import load_store, write_keywords
from fake_arxiv import FakeArxiv, Fault, error_feed, paper

import update

FOUR = [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"},
        {"name": "Audio Caption", "query": '"audio caption"'}, {"name": "Speech LM", "query": '"speech language model"'}]
WORDS = {"Codec": "codec", "Vocoder": "vocoder", "Audio Caption": "audio caption", "Speech LM": "speech language model"}
REASON = "syntax error in query near caption"


def twenty() -> tuple[list[dict], dict[str, str]]:
    """Twenty topics whose words are no prefix of one another (the fake matches loosely)."""
    topics = [{"name": f"Topic {i:02d}", "query": f"topic{i:02d}x"} for i in range(20)]
    return topics, {t["name"]: t["query"] for t in topics}


def first_day(root: Path, fake: FakeArxiv, topics: list[dict], words: dict[str, str], settings: dict | None = None
              ) -> None:
    """Yesterday's run: every topic fetched once, so today's run asks one combined query."""
    write_keywords(root, topics, settings or {"max_tries": 2})
    fake.papers += [paper(f"2602.{i:05d}", f"A {w} paper", updated="2026-02-10T00:00:00Z")
                    for i, w in enumerate(words.values())]
    assert update.main(["--root", str(root), "-q"]) == 0
    fake.papers += [paper(f"2602.{500 + i:05d}", f"Another {w} paper", updated="2026-02-12T10:00:00Z")
                    for i, w in enumerate(words.values())]
    fake.requests.clear()


def todays_ids(words: dict[str, str]) -> dict[str, str]:
    """The paper of today for each topic, as first_day served it."""
    return {name: f"2602.{500 + i:05d}" for i, name in enumerate(words)}


def reject(term: str, times: int = 999) -> Fault:
    """arXiv's HTTP 400 with its error feed, for every query that contains term."""
    return Fault("status", 400, error_feed(REASON), match=term, times=times)


def stored_alone(root: Path) -> list[str]:
    return json.loads((root / "data" / "state.json").read_text()).get("alone", [])


@pytest.mark.parametrize("size", [4, 20])
def test_one_rejected_topic_fails_alone_and_the_others_get_their_day(
        size: int, tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    topics, words = (FOUR, WORDS) if size == 4 else twenty()
    bad = "Audio Caption" if size == 4 else "Topic 13"
    term = "caption" if size == 4 else "topic13x"
    first_day(tmp_path, fake, topics, words)
    fake.faults.append(reject(term))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    stored = load_store(tmp_path)
    today = todays_ids(words)
    assert [n for n, i in today.items() if i not in stored] == [bad], "a good topic lost its day"
    extra = len(fake.requests) - 1
    assert extra <= 2 * math.ceil(math.log2(size)), [r["search_query"][:60] for r in fake.requests]
    line = next(line for line in out.splitlines() if line.startswith(f"{bad}: FAILED: "))
    assert f"HTTP 400: {REASON}" in line, line
    alone = [r["search_query"] for r in fake.requests if term in r["search_query"]][-1]
    assert alone in line, (alone, line)  # the query it sent, alone
    assert not [n for n in words if n != bad and out.count(f"{n}: FAILED") + out.count(f"{n}: THROTTLED")]
    assert stored_alone(tmp_path) == [bad]


def test_the_next_day_the_failed_topic_asks_alone_and_the_rest_together(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    first_day(tmp_path, fake, FOUR, WORDS)
    fake.faults.append(reject("caption"))
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    fake.papers += [paper(f"2602.{900 + i:05d}", f"Next day's {w} paper", updated="2026-02-13T10:00:00Z")
                    for i, w in enumerate(WORDS.values())]
    fake.requests.clear()
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-14T00:00:00Z")
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    queries = [r["search_query"] for r in fake.requests]
    assert len(queries) == 2, queries  # no failed combined request paid again
    together = [q for q in queries if "caption" not in q]
    assert len(together) == 1 and all(w.split()[0] in together[0] for w in ("codec", "vocoder", "speech"))
    assert {"2602.00900", "2602.00901", "2602.00903"} <= set(load_store(tmp_path))
    assert stored_alone(tmp_path) == ["Audio Caption"]
    fake.faults.clear()  # arXiv takes the query again: it succeeds alone, then rejoins the others
    fake.requests.clear()
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-15T00:00:00Z")
    assert update.main(["--root", str(tmp_path), "-q"]) == 0
    assert len(fake.requests) == 2 and "2602.00902" in load_store(tmp_path)
    assert stored_alone(tmp_path) == []
    fake.requests.clear()
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-16T00:00:00Z")
    assert update.main(["--root", str(tmp_path), "-q"]) == 0
    assert len(fake.requests) == 1


def test_a_topic_that_keeps_failing_on_the_server_is_split_out_too(tmp_path: Path, fake: FakeArxiv) -> None:
    """A 5xx (or a timeout, a malformed page) that only one topic's query triggers: the combined request spends its
    tries, each part then asks once."""
    first_day(tmp_path, fake, FOUR, WORDS)
    fake.faults.append(Fault("status", 503, b"Service Unavailable", match="caption", times=999))
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    stored = load_store(tmp_path)
    assert [n for n, i in todays_ids(WORDS).items() if i not in stored] == ["Audio Caption"]
    assert len(fake.requests) <= 2 + 2 * 2, len(fake.requests)  # 2 tries, then at most 2·log2(4) more


def test_arxiv_down_for_every_query_costs_a_bounded_number_of_requests(tmp_path: Path, fake: FakeArxiv) -> None:
    topics, words = twenty()
    first_day(tmp_path, fake, topics, words)
    fake.faults.append(Fault("status", 503, b"Service Unavailable", times=999))
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    assert len(fake.requests) <= 2 + 2 * math.ceil(math.log2(20)), len(fake.requests)


def test_a_throttled_combined_request_is_never_split(tmp_path: Path, fake: FakeArxiv,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    first_day(tmp_path, fake, FOUR, WORDS)
    fake.faults.append(Fault("status", 429, b"Rate exceeded.", match="caption", times=999))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 3
    assert len(fake.requests) == 2 and all("codec" in r["search_query"] for r in fake.requests)
    assert "Status: throttled" in capsys.readouterr().out
    assert stored_alone(tmp_path) == []


def test_two_rejected_topics_are_both_named_and_the_others_updated(tmp_path: Path, fake: FakeArxiv,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    first_day(tmp_path, fake, FOUR, WORDS)
    fake.faults += [reject("caption"), reject("vocoder")]
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    out = capsys.readouterr().out
    stored = load_store(tmp_path)
    assert sorted(n for n, i in todays_ids(WORDS).items() if i not in stored) == ["Audio Caption", "Vocoder"]
    assert "Audio Caption: FAILED" in out and "Vocoder: FAILED" in out
    assert stored_alone(tmp_path) == ["Audio Caption", "Vocoder"]


def test_a_rejected_first_half_does_not_stop_the_second_half_from_splitting(tmp_path: Path, fake: FakeArxiv) -> None:
    """A 400 in one half and a 5xx that one topic of the other half triggers: only those two topics fail (the
    second half's fault used to count as "arXiv down" because the first half had split)."""
    topics, words = twenty()
    eight = topics[:8]
    first_day(tmp_path, fake, eight, {t["name"]: words[t["name"]] for t in eight})
    fake.faults += [reject("topic01x"), Fault("status", 503, b"Service Unavailable", match="topic06x", times=999)]
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    stored = load_store(tmp_path)
    missing = [t["name"] for i, t in enumerate(eight) if f"2602.{500 + i:05d}" not in stored]
    assert missing == ["Topic 01", "Topic 06"] and stored_alone(tmp_path) == ["Topic 01", "Topic 06"]


def test_with_arxiv_down_no_topic_is_blamed_or_asked_alone_next_day(tmp_path: Path, fake: FakeArxiv,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Every shared query fails on the server: the first half used to split on down to one topic, which was then
    named as failing alone and asked alone the next days."""
    topics, words = twenty()
    first_day(tmp_path, fake, topics[:8], {t["name"]: words[t["name"]] for t in topics[:8]})
    fake.faults.append(Fault("status", 503, b"Service Unavailable", times=999))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    assert "the query it sent alone" not in capsys.readouterr().out
    assert len(fake.requests) == 2 + 2 and stored_alone(tmp_path) == []  # 2 tries, then the two halves once


def test_a_budget_that_runs_out_splits_nothing_and_blames_no_topic(tmp_path: Path, fake: FakeArxiv,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    first_day(tmp_path, fake, FOUR, WORDS, {"max_tries": 2, "time_budget": 10, "request_timeout": 60})
    fake.faults.append(Fault("hang", seconds=11, times=1))  # the combined request takes the whole budget
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    assert len(fake.requests) == 1 and stored_alone(tmp_path) == []
    assert "the query it sent alone" not in capsys.readouterr().out


def test_a_topic_that_always_asks_alone_is_named_with_its_query_when_rejected(
        tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    first_day(tmp_path, fake, FOUR, WORDS)
    write_keywords(tmp_path, FOUR + [{"name": "Journal", "query": 'jr:"Phys Rev"'}], {"max_tries": 2})
    fake.faults.append(reject("Phys"))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    out = capsys.readouterr().out
    assert "Journal: FAILED" in out and 'the query it sent alone: jr:"Phys Rev"' in out, out


def test_a_renamed_topic_that_failed_alone_keeps_asking_alone(tmp_path: Path, fake: FakeArxiv,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first_day(tmp_path, fake, FOUR, WORDS)
    fake.faults.append(reject("caption"))
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    renamed = [dict(t, name="Captions", aliases=["Audio Caption"]) if t["name"] == "Audio Caption" else t for t in FOUR]
    write_keywords(tmp_path, renamed, {"max_tries": 2})
    fake.requests.clear()
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-14T00:00:00Z")
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    assert len(fake.requests) == 2 and stored_alone(tmp_path) == ["Captions"]


def test_a_topic_that_works_again_on_a_quiet_day_changes_no_file(tmp_path: Path, fake: FakeArxiv,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A quiet day makes no commit: rejoining the shared query alone used to rewrite data/state.json."""
    first_day(tmp_path, fake, FOUR, WORDS)
    fake.faults.append(reject("caption"))
    assert update.main(["--root", str(tmp_path), "-q"]) == 1
    fake.faults.clear()
    fake.papers = [p for p in fake.papers if "caption" not in p["title"]]  # nothing new for anyone
    state = (tmp_path / "data" / "state.json").read_bytes()
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-14T00:00:00Z")
    assert update.main(["--root", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "data" / "state.json").read_bytes() == state


def test_a_day_arxiv_answers_503_to_everything_is_said_once_and_blames_no_topic(
        tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Issue 33: with every request answered 503, each topic was reported "FAILED … (HTTP 503) after 1 try", the
    Status line and the job summary said the same, and the log spoke of finding the topic arXiv refuses."""
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    topics, words = twenty()
    first_day(tmp_path, fake, topics[:8], {t["name"]: words[t["name"]] for t in topics[:8]})
    fake.faults.append(Fault("status", 503, b"Service Unavailable", times=999))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 1  # the exit status of a failed fetch, as before
    captured = capsys.readouterr()
    out, err = captured.out, captured.err
    asked = len(fake.requests)
    line = f"arXiv was unreachable (HTTP 503 on all {asked} requests)"
    status = next(x for x in out.splitlines() if x.startswith("Status: "))
    assert line in status and "the next run catches up" in status, status
    assert "after 1 try" not in out + err and "FAILED" not in out, out
    warnings = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING") + err
    assert "refuses" not in warnings and "rejects" not in warnings and "after 1 try" not in warnings, warnings
    assert "asking again in two halves in case one topic's query is what arXiv fails on" in warnings
    assert out.count(line) == 2, out  # the one line for the topics, and the Status line
    text = summary.read_text()
    assert "after 1 try" not in text and "arXiv was unreachable (HTTP 503 on all" in text, text
