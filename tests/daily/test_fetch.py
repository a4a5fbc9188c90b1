"""Fetching over real HTTP: recorded responses, paging, and every fault arXiv throws at us."""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import load_store, snapshot, write_keywords
from fake_arxiv import FakeArxiv, Fault, feed_xml, fixture, paper
from test_text import commands_in

import update
from daily import fetch

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
    records, capped = fetcher(fake.url, page_size=10).fetch("codec", "2025-01-01", 15, 10)
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
    "429": "throttled us (HTTP 429)",
    "429 with Retry-After": "throttled us (HTTP 429)",
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


def codec_section(root: Path) -> str:
    """The table of README's Codec section."""
    return (root / "README.md").read_text().split("## Codec")[1].split("\n## ")[0].split("\n---")[0]


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_request_that_keeps_failing_keeps_its_topics_and_others_update(
        name: str, tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, TOPICS[:1], {"request_timeout": 1, "max_tries": 2, "page_size": 10})
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    assert update.main(["--root", str(tmp_path)]) == 0
    codec_page = (tmp_path / "papers" / "codec.md").read_bytes()
    readme_codec = codec_section(tmp_path)
    state = (tmp_path / "data" / "state.json").read_bytes()
    write_keywords(tmp_path, TOPICS, {"request_timeout": 1, "max_tries": 2, "page_size": 10})  # Vocoder: new, asks alone
    fake.papers += [paper("2601.00003", "Another codec", updated="2026-02-11T00:00:00Z"),
                    paper("2601.00004", "Another vocoder", updated="2026-02-11T00:00:00Z")]
    if name == "empty later page":  # an empty page only means trouble after a full first page
        fake.papers += [paper(f"2601.{i:05d}", f"codec {i}", updated="2026-02-12T00:00:00Z") for i in range(10, 25)]
    fake.faults.append(Fault(**{**FAULTS[name].__dict__, "match": "codec", "times": 99}))
    fake.requests.clear()
    capsys.readouterr()
    throttled = name.startswith("429")
    assert update.main(["--root", str(tmp_path)]) == (3 if throttled else 1)
    out = capsys.readouterr().out
    word = "THROTTLED" if throttled else "FAILED"
    assert f"Codec: {word}: " in out and WHY[name] in out.split(f"Codec: {word}: ")[1].splitlines()[0]
    stored = load_store(tmp_path)
    assert "2601.00003" not in stored
    assert (tmp_path / "papers" / "codec.md").read_bytes() == codec_page
    assert codec_section(tmp_path) == readme_codec
    assert json.loads((tmp_path / "data" / "state.json").read_bytes())["topics"]["Codec"] == \
        json.loads(state)["topics"]["Codec"], "a failed request moved the window"
    if throttled:  # arXiv keeps throttling: the rest is not asked, and the status says so
        assert fake.requests_for("vocoder") == 0 and "2601.00004" not in stored
        assert "Vocoder: THROTTLED: not asked" in out
        assert re.search(r"^Status: throttled: arXiv shed our requests \(HTTP 429 ×2", out, re.MULTILINE), out
    else:
        assert "2601.00004" in stored, "the healthy request was not made"
        assert re.search(r"^Status: failed: Codec could not be fetched", out, re.MULTILINE), out


def test_every_topic_failing_writes_nothing(tmp_path: Path, fake: FakeArxiv,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, TOPICS, {"max_tries": 2})
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    assert update.main(["--root", str(tmp_path)]) == 0
    before = snapshot(tmp_path)
    capsys.readouterr()
    fake.faults.append(Fault("status", 503, times=99))
    assert update.main(["--root", str(tmp_path)]) == 1
    assert snapshot(tmp_path) == before
    out = capsys.readouterr().out  # issue 33: one outage, with the status arXiv really sent, and no topic to blame
    assert "arXiv was unreachable (HTTP 503 on all 4 requests)" in out and "after 1 try" not in out


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
    assert "arXiv was unreachable (no connection on all 4 requests)" in out and "FAILED" not in out  # issue 33
    assert not (tmp_path / "data").exists() and not (tmp_path / "README.md").exists()


def test_the_next_run_fills_in_what_a_failed_day_missed(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, TOPICS, {"max_tries": 1, "page_size": 10})
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-01T00:00:00Z"),
                   paper("2601.00002", "A vocoder", updated="2026-02-01T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    missed = [paper(f"2602.{i:05d}", f"codec {i}", updated=f"2026-02-{2 + i % 5:02d}T00:00:00Z") for i in range(25)]
    fake.papers += missed
    fake.faults.append(Fault("status", 503, match="codec", times=2))  # the shared request, then Codec's half
    assert update.main(["--root", str(tmp_path)]) == 1
    assert update.main(["--root", str(tmp_path)]) == 0
    assert {p["id"] for p in missed} <= set(load_store(tmp_path))


def test_time_budget_bounds_the_run(tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, TOPICS, {"request_timeout": 1, "time_budget": 10, "max_tries": 10})
    fake.faults.append(Fault("status", 429, b"Rate exceeded.", {"Retry-After": "30"}, times=99))
    started = time.monotonic()
    assert update.main(["--root", str(tmp_path)]) == 3
    assert time.monotonic() - started < 10
    assert "no time left" in capsys.readouterr().out


def test_retry_after_parses_seconds_and_dates() -> None:
    assert fetch.retry_after_seconds("7") == 7.0
    assert fetch.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert fetch.retry_after_seconds("soon") is None and fetch.retry_after_seconds(None) is None
    assert fetch.retry_after_seconds("²") is None and fetch.retry_after_seconds("٣") is None  # digits, not ASCII
    assert fetch.retry_after_seconds("Wed, 21 Oct 2015 07:28:00") is None  # no zone: no moment


def test_backoff_grows_and_honours_retry_after() -> None:
    f = fetch.Fetcher(url="http://127.0.0.1:9/", delay=3.0, backoff_base=5.0)
    assert 2.5 <= f.backoff(1, None) <= 5.0 and 10.0 <= f.backoff(3, None) <= 20.0
    assert f.backoff(1, 60.0) == 60.0
    assert fetch.Fetcher(url="http://127.0.0.1:9/", delay=3.0, backoff_base=0.01).backoff(1, None) == 3.0


def test_406_is_throttling_retried_like_429(fake: FakeArxiv) -> None:
    fake.papers = [paper("2601.00001", "A codec")]
    fake.faults.append(Fault("status", 406, b"Not Acceptable", times=1))
    f = fetcher(fake.url, max_tries=2)
    records, _ = f.fetch("codec", None, 10, 10)
    assert [r["id"] for r in records] == ["2601.00001"] and f.requests == 2 and f.throttles == [406]


def test_every_request_names_the_project_and_the_repository(fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "ada/speech-papers")
    fake.papers = [paper("2601.00001", "A codec")]
    fetcher(fake.url).fetch("codec", None, 10, 10)
    monkeypatch.setenv("GITHUB_REPOSITORY", "bad value; with spaces")
    fetcher(fake.url).fetch("codec", None, 10, 10)
    (_, first), (_, second) = fake.arrivals
    assert first["User-Agent"].startswith("daily-papers/") and "https://github.com/ada/speech-papers" in first["User-Agent"]
    assert "python-requests" not in first["User-Agent"] and "arxiv.py" not in first["User-Agent"]
    assert first["Accept"] == "application/atom+xml"
    assert "a local clone" in second["User-Agent"] and "spaces" not in second["User-Agent"]


def test_requests_start_at_least_the_delay_apart_after_failures_too(fake: FakeArxiv) -> None:
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    fake.faults.append(Fault("status", 503, match="codec", times=1))
    f = fetch.Fetcher(url=fake.url, delay=1.0, backoff_base=0.01, max_tries=1)
    with pytest.raises(fetch.TopicFailed):
        f.fetch("codec", None, 10, 10)  # fails on its only try: no backoff sleep follows
    f.fetch("vocoder", None, 10, 10)
    f.fetch("codec", None, 10, 10)
    times = [at for at, _ in fake.arrivals]
    # measured on arrival at the server, so a loaded machine may shift one arrival a little: 0.85 of the delay
    assert len(times) == 3 and min(b - a for a, b in zip(times, times[1:])) >= 0.85, times


def test_a_slow_drip_answer_ends_within_the_time_budget(fake: FakeArxiv) -> None:
    fake.papers = [paper(f"2601.{i:05d}", f"A codec {i}", "words " * 200) for i in range(20)]
    fake.faults.append(Fault("drip", seconds=20, times=9))
    f = fetch.Fetcher(url=fake.url, delay=0, backoff_base=0.01, timeout=1.5, budget=3, max_tries=5)
    started = time.monotonic()
    with pytest.raises(fetch.TopicFailed, match="timed out"):
        f.fetch("codec", None, 20, 20)
    assert time.monotonic() - started < 4.5


def test_an_answer_over_the_size_cap_fails_without_being_held(fake: FakeArxiv) -> None:
    fake.papers = [paper("2601.00001", "A codec")]
    fake.faults.append(Fault("huge", status=40, times=1))  # 40 MB of spaces, gzip-compressed to ~40 KB
    f = fetch.Fetcher(url=fake.url, delay=0, backoff_base=0.01, max_bytes=2 * 1024 * 1024)
    with pytest.raises(fetch.TopicFailed, match="cap .after decompression. after 1 try"):
        f.fetch("codec", None, 10, 10)
    small = fetch.Fetcher(url=fake.url, delay=0, backoff_base=0.01, max_bytes=500)  # Content-Length says too big
    with pytest.raises(fetch.TopicFailed, match="over the 500-byte cap after 1 try"):
        small.fetch("codec", None, 10, 10)


def test_an_out_of_order_entry_keeps_the_rest_of_its_page(fake: FakeArxiv) -> None:
    fake.papers = [paper(f"2601.{i:05d}", f"codec {i}", updated=f"2026-01-{i + 1:02d}T00:00:00Z") for i in range(20)]
    old = paper("2512.00001", "An old codec", updated="2025-12-01T00:00:00Z")
    fake.papers.append(old)
    fake.reorder = lambda found: [p for p in found if p is not old][:5] + [old] + [p for p in found if p is not old][5:]
    records, _ = fetcher(fake.url).fetch("codec", "2026-01-10T00:00:00Z", 100, 100)
    assert [r["id"] for r in records] == [f"2601.{i:05d}" for i in range(19, 8, -1)]


def test_an_entry_whose_date_cannot_be_read_is_skipped_not_its_page(
        fake: FakeArxiv, caplog: pytest.LogCaptureFixture) -> None:
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A broken codec", updated="yesterday"),
                   paper("2601.00003", "Another codec", updated="2026-02-09T00:00:00Z")]
    f = fetcher(fake.url, max_tries=1)
    records, _ = f.fetch("codec", None, 10, 10)
    assert sorted(r["id"] for r in records) == ["2601.00001", "2601.00003"] and f.requests == 1
    assert "2601.00002v1" in caplog.text and "not a date" in caplog.text


def test_a_future_stamp_is_clamped_and_the_next_day_is_still_fetched(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    write_keywords(tmp_path, TOPICS[:1])
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A codec from the future",
                                                         updated="2099-12-31T00:00:00Z")]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-12T01:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    assert "2601.00002: its updated date 2099-12-31T00:00:00Z is in the future" in caplog.text
    assert load_store(tmp_path)["2601.00002"]["updated"] == "2026-02-12T01:00:00Z"
    assert "2099" not in (tmp_path / "README.md").read_text()
    fake.papers.append(paper("2602.00003", "Next day's codec", updated="2026-02-12T20:00:00Z"))
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T01:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    stored = load_store(tmp_path)
    assert "2602.00003" in stored and stored["2601.00002"]["updated"] == "2026-02-12T01:00:00Z"


def test_incoming_future_stamps_are_clamped_to_arxivs_date_not_the_local_clock(fake: FakeArxiv) -> None:
    """The local clock is years ahead: a stamp later than arXiv's own Date header is still in the future."""
    fake.date = "2026-03-01T00:00:00Z"
    fake.papers = [paper("2603.00001", "A codec", updated="2026-03-05T00:00:00Z", published="2026-03-04T00:00:00Z"),
                   paper("2602.00002", "Another codec", updated="2026-02-20T00:00:00Z")]
    f = fetcher(fake.url, now=datetime(2030, 1, 1, tzinfo=UTC))
    records = {r["id"]: r for r in f.fetch("codec", None, 10, 10)[0]}
    assert records["2603.00001"]["updated"] == records["2603.00001"]["published"] == "2026-03-01T00:00:00Z"
    assert records["2602.00002"]["updated"] == "2026-02-20T00:00:00Z"
    assert f.answered_at == datetime(2026, 3, 1, tzinfo=UTC)


def test_without_a_date_header_the_local_clock_is_the_fallback(fake: FakeArxiv) -> None:
    fake.send_date = False
    fake.papers = [paper("2603.00001", "A codec", updated="2026-03-05T00:00:00Z")]
    f = fetcher(fake.url, now=datetime(2026, 3, 2, tzinfo=UTC))
    assert f.fetch("codec", None, 10, 10)[0][0]["updated"] == "2026-03-02T00:00:00Z" and f.answered_at is None


def test_a_server_counting_from_its_own_answers_never_sees_a_gap_under_the_delay(fake: FakeArxiv) -> None:
    """Issue 21: pacing counted from the start of the previous request let an edge that counts from its answer see
    less than the delay after a slow answer, and answer 429. Counted from the end of the answer, it never does."""
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    fake.min_gap = 0.5  # this server answers 429 to a request arriving sooner than 0.5 s after its previous answer
    fake.faults.append(Fault("hang", seconds=0.4, times=2))  # two slow answers: 0.4 s of the 0.5 s pass inside them
    f = fetch.Fetcher(url=fake.url, delay=0.5, backoff_base=0.01, max_tries=1)
    for query in ("codec", "vocoder", "codec", "vocoder"):
        f.fetch(query, None, 10, 10)
    assert f.throttles == [] and len(fake.gaps) == 3
    assert min(fake.gaps) >= 0.5, fake.gaps
    times = [at for at, _ in fake.arrivals]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.5, times


def test_arxiv_text_passes_the_border_before_it_is_stored(fake: FakeArxiv) -> None:
    hidden = "\U000e0049\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065"  # "Ignore" in invisible tag characters
    fake.papers = [paper("2601.00001", f"A codec{hidden} \u202eevil\u202c model\u200b\x85here",
                         f"Abstract{hidden} with\u2066 isolates\u2069 and a\x9b C1 control.",
                         comment=f"5 pages{hidden}\u200f", authors=(f"Ada\u200d Love{hidden}lace", "Alan\u2028Turing"),
                         categories=("cs.SD\u200b", "eess.AS"))]
    [record], _ = fetcher(fake.url).fetch("codec", None, 10, 10)
    assert record["title"] == "A codec evil model here"
    assert record["abstract"] == "Abstract with isolates and a C1 control."
    assert record["comment"] == "5 pages" and record["authors"] == ["Ada Lovelace", "Alan Turing"]
    assert record["categories"] == ["cs.SD", "eess.AS"]


def test_a_hostile_entry_id_in_a_warning_acts_as_no_workflow_command(
        fake: FakeArxiv, caplog: pytest.LogCaptureFixture) -> None:
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A broken codec", updated="yesterday")]
    body = feed_xml(fake.papers, 2, 0, "codec").decode()
    fake.fixtures["codec"] = body.replace("abs/2601.00002v1</id>", "abs/2601.00002v1\n::error::pwned\n##[set-env]x</id>",
                                          1).encode()
    records, _ = fetcher(fake.url, max_tries=1).fetch("codec", None, 10, 10)
    assert [r["id"] for r in records] == ["2601.00001"]
    warning = [r.getMessage() for r in caplog.records if "not a date" in r.getMessage()]
    assert len(warning) == 1 and "pwned" in warning[0] and "\n" not in warning[0]
    assert commands_in(caplog.text) == []


def test_a_failure_the_budget_ends_still_says_arxiv_was_down(fake: FakeArxiv) -> None:
    """Issue 33 review: a 503 whose retry the budget cut short was 'out of time' only, so no outage was seen."""
    moment = [0.0]
    f = fetch.Fetcher(url=fake.url, delay=0, backoff_base=5, budget=10, clock=lambda: moment[0],
                      sleep=lambda seconds: moment.__setitem__(0, moment[0] + seconds))
    fake.faults.append(Fault("status", 503, times=99))
    with pytest.raises(fetch.TopicFailed) as caught:
        f.fetch("codec", None, 10, 10)
    assert caught.value.out_of_time and caught.value.kind == "HTTP 503" and caught.value.arxiv_down
    moment[0] = 11.0  # the budget is spent: the next request gets no try at all
    with pytest.raises(fetch.TopicFailed) as later:
        f.fetch("vocoder", None, 10, 10)
    assert later.value.out_of_time and later.value.kind is None and not later.value.arxiv_down
