"""Fetching over real HTTP: recorded responses, paging, and every fault arXiv throws at us."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

import fetch
import update
from conftest import load_store, snapshot, write_keywords
from fake_arxiv import Fault, FakeArxiv, fixture, paper

TOPICS = [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}]


def fetcher(url: str, **kw: float) -> fetch.Fetcher:
    return fetch.Fetcher(url=url, delay=0, backoff_base=0.01, **kw)


def test_recorded_new_format_feed_parses_into_records(fake: FakeArxiv) -> None:
    fake.fixtures["testing"] = fixture("2026-04_new-format_search_all-testing_start0_max10.xml")
    records, capped = fetcher(fake.url, page_size=10).fetch("testing", None, 10, 10)
    assert len(records) == 10 and not capped
    first = records[0]
    assert first["id"] == "2202.12139" and first["version"] == 1
    assert first["title"].startswith("Testing Deep Learning Models")
    assert first["categories"] == ["cs.SE", "cs.LG"] and first["primary_category"] == "cs.SE"
    assert first["authors"][:2] == ["Mohit Kumar Ahuja", "Arnaud Gotlieb"]
    assert first["comment"].startswith("Artificial Intelligence in Software Testing")
    assert first["updated"] == "2022-02-24T15:05:19Z"
    assert sum(r["version"] > 1 for r in records) == 5


def test_recorded_classic_format_and_old_style_ids(fake: FakeArxiv) -> None:
    fake.fixtures["neural"] = fixture("2025-10_classic-format_search_cat-cs.RO-AND-neural_start0_max2.xml")
    records, _ = fetcher(fake.url, page_size=10).fetch("neural", None, 2, 2)
    assert len(records) == 2 and all("\n" not in r["abstract"] and "  " not in r["title"] for r in records)
    fake.fixtures = {"astro": fixture("2026-05_new-format_idlist_astro-ph-0601001_affiliations.xml")}
    records, _ = fetcher(fake.url, page_size=10).fetch("astro", None, 10, 10)
    assert [r["id"] for r in records] == ["astro-ph/0601001"]
    assert not records[0]["abstract"].startswith(" ")


def test_recorded_zero_entries_is_a_valid_empty_answer(fake: FakeArxiv) -> None:
    fake.fixtures["nothing"] = fixture("2026-04_new-format_idlist_0808.05394_zero-entries.xml")
    assert fetcher(fake.url).fetch("nothing", None, 100, 100) == ([], False)


def test_recorded_http_400_error_feed_is_reported_not_retried(fake: FakeArxiv) -> None:
    fake.faults.append(Fault("status", 400, fixture("2026-04_new-format_idlist_abc_error-http400.xml")))
    f = fetcher(fake.url)
    with pytest.raises(fetch.TopicFailed, match=r"HTTP 400: incorrect id format for abc\) after 1 try"):
        f.fetch("abc", None, 10, 10)
    assert f.requests == 1


def test_paging_stops_at_the_window(fake: FakeArxiv) -> None:
    fake.papers = [paper(f"2601.{i:05d}", f"codec {i}", updated=f"2026-01-{i + 1:02d}T00:00:00Z") for i in range(30)]
    f = fetcher(fake.url, page_size=10)
    records, capped = f.fetch("codec", "2026-01-08", 100, 100)
    assert [r["id"] for r in records] == [f"2601.{i:05d}" for i in range(29, 6, -1)]
    assert f.requests == 3 and not capped


def test_cap_is_reported(fake: FakeArxiv) -> None:
    fake.papers = [paper(f"2601.{i:05d}", f"codec {i}", updated=f"2026-01-{i + 1:02d}T00:00:00Z") for i in range(30)]
    records, capped = fetcher(fake.url, page_size=10).fetch("codec", "2025-01-01", 100, 15)
    assert len(records) == 15 and capped


FAULTS = {
    "503": Fault("status", 503, b"Service Unavailable"),
    "429": Fault("status", 429, b"Rate exceeded."),
    "429 with Retry-After": Fault("status", 429, b"Rate exceeded.", {"Retry-After": "1"}),
    "malformed page": Fault("malformed"),
    "empty later page": Fault("empty", start=10),
    "hang": Fault("hang", seconds=3),
}
WHY = {
    "503": "server error (HTTP 503)",
    "429": "rate-limited us (HTTP 429)",
    "429 with Retry-After": "rate-limited us (HTTP 429)",
    "malformed page": "malformed response",
    "empty later page": "empty page",
    "hang": "timed out",
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_one_fault_is_retried_and_the_run_succeeds(name: str, tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, TOPICS, {"request_timeout": 1, "page_size": 10})
    fake.papers = [paper(f"2601.{i:05d}", f"codec {i}", updated=f"2026-01-{i + 1:02d}T00:00:00Z") for i in range(15)]
    fake.faults.append(Fault(**{**FAULTS[name].__dict__, "match": "codec", "times": 1}))
    started = time.monotonic()
    assert update.main(["--root", str(tmp_path), "--topic", "Codec"]) == 0
    assert len(load_store(tmp_path)) == 15
    assert fake.requests_for("codec") >= 2
    if name == "429 with Retry-After":
        assert time.monotonic() - started >= 1.0, "Retry-After was not honoured"


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_topic_that_keeps_failing_keeps_its_papers_and_others_update(
        name: str, tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, TOPICS, {"request_timeout": 1, "max_tries": 2, "page_size": 10})
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    assert update.main(["--root", str(tmp_path)]) == 0
    codec_page = (tmp_path / "papers" / "codec.md").read_bytes()
    readme_codec = (tmp_path / "README.md").read_text().split("## Codec")[1].split("## Vocoder")[0]
    fake.papers += [paper("2601.00003", "Another codec", updated="2026-02-11T00:00:00Z"),
                    paper("2601.00004", "Another vocoder", updated="2026-02-11T00:00:00Z")]
    if name == "empty later page":  # an empty page only means trouble after a full first page
        fake.papers += [paper(f"2601.{i:05d}", f"codec {i}", updated="2026-02-12T00:00:00Z") for i in range(10, 25)]
    fake.faults.append(Fault(**{**FAULTS[name].__dict__, "match": "codec", "times": 99}))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "Codec: FAILED: " in out and WHY[name] in out.split("Codec: FAILED: ")[1].splitlines()[0]
    stored = load_store(tmp_path)
    assert "2601.00004" in stored, "the healthy topic was not updated"
    assert "2601.00003" not in stored
    assert (tmp_path / "papers" / "codec.md").read_bytes() == codec_page
    assert (tmp_path / "README.md").read_text().split("## Codec")[1].split("## Vocoder")[0] == readme_codec


def test_every_topic_failing_writes_nothing(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, TOPICS, {"max_tries": 2})
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    assert update.main(["--root", str(tmp_path)]) == 0
    before = snapshot(tmp_path)
    fake.faults.append(Fault("status", 503, times=99))
    assert update.main(["--root", str(tmp_path)]) == 1
    assert snapshot(tmp_path) == before


def test_connection_refused_fails_every_topic_cleanly(tmp_path: Path, fake: FakeArxiv,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ARXIV_API_URL", f"http://127.0.0.1:{port}/api/query")
    write_keywords(tmp_path, TOPICS, {"max_tries": 2})
    assert update.main(["--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "Codec: FAILED: could not connect to arXiv after 2 tries" in out
    assert not (tmp_path / "data").exists() and not (tmp_path / "README.md").exists()


def test_the_next_run_fills_in_what_a_failed_day_missed(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, TOPICS, {"max_tries": 1, "page_size": 10})
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-01T00:00:00Z"),
                   paper("2601.00002", "A vocoder", updated="2026-02-01T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    missed = [paper(f"2602.{i:05d}", f"codec {i}", updated=f"2026-02-{2 + i % 5:02d}T00:00:00Z") for i in range(25)]
    fake.papers += missed
    fake.faults.append(Fault("status", 503, match="codec", times=1))
    assert update.main(["--root", str(tmp_path)]) == 1
    assert update.main(["--root", str(tmp_path)]) == 0
    assert {p["id"] for p in missed} <= set(load_store(tmp_path))


def test_time_budget_bounds_the_run(tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, TOPICS, {"request_timeout": 1, "time_budget": 10, "max_tries": 10})
    fake.faults.append(Fault("status", 429, b"Rate exceeded.", {"Retry-After": "30"}, times=99))
    started = time.monotonic()
    assert update.main(["--root", str(tmp_path)]) == 1
    assert time.monotonic() - started < 10
    assert "no time left" in capsys.readouterr().out


def test_retry_after_parses_seconds_and_dates() -> None:
    assert fetch.retry_after_seconds("7") == 7.0
    assert fetch.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert fetch.retry_after_seconds("soon") is None and fetch.retry_after_seconds(None) is None


def test_backoff_grows_and_honours_retry_after() -> None:
    f = fetch.Fetcher(url="http://127.0.0.1:9/", delay=3.0, backoff_base=5.0)
    assert 2.5 <= f.backoff(1, None) <= 5.0 and 10.0 <= f.backoff(3, None) <= 20.0
    assert f.backoff(1, 60.0) == 60.0
    assert fetch.Fetcher(url="http://127.0.0.1:9/", delay=3.0, backoff_base=0.01).backoff(1, None) == 3.0
