"""Reproducers from the adversarial review of issue 12 (never miss a paper). Each test states what should happen."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import git
import pytest
from conftest import git_remote, load_store, write_keywords
from fake_arxiv import FakeArxiv, Fault, paper

import update
from daily import fetch

# Each marked test fails on the code as reviewed; strict, so a fix turns it into an XPASS failure: then drop the mark.
DEFECT = pytest.mark.xfail(strict=True, reason="review 12: open defect")


def fetcher(url: str, **kw: float) -> fetch.Fetcher:
    return fetch.Fetcher(url=url, delay=0, backoff_base=0.01, **kw)


def test_two_out_of_order_entries_at_a_page_end_do_not_end_the_window(fake: FakeArxiv) -> None:
    """Out-of-order entries are skipped, 'not the end of the page' -- nor the end of the window at a page boundary."""
    fresh = [paper(f"2602.{i:05d}", f"codec {i}", updated=f"2026-02-{10 + i // 10:02d}T{i % 10:02d}:00:00Z")
             for i in range(25)]
    stale = [paper(f"2512.{i:05d}", f"old codec {i}", updated="2025-12-01T00:00:00Z") for i in range(2)]
    fake.papers = fresh + stale

    def two_stale_at_the_end_of_page_one(found: list) -> list:
        old = [p for p in found if p["id"].startswith("2512.")]
        rest = [p for p in found if not p["id"].startswith("2512.")]
        return rest[:8] + old + rest[8:]

    fake.reorder = two_stale_at_the_end_of_page_one
    records, _ = fetcher(fake.url, page_size=10).fetch("codec", "2026-02-01T00:00:00Z", 1000, 10)
    assert len(records) == 25, f"{25 - len(records)} papers inside the window were never asked for"


def test_a_hand_edited_state_date_is_one_error_line_not_a_traceback(
        tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2602.00001", "A codec")]
    assert update.main(["--root", str(tmp_path)]) == 0
    path = tmp_path / "data" / "state.json"
    state = json.loads(path.read_text())
    state["topics"]["Codec"]["fetched"] = "2026-02-30T00:00:00Z"  # 20 characters, not a date
    path.write_text(json.dumps(state))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: data/state.json") and err.count("\n") == 1, err


def test_a_backfill_run_does_not_say_nothing_was_fetched(
        tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2602.00001", "A codec", updated="2026-02-10T00:00:00Z"),
                   paper("2601.00001", "An older codec", updated="2026-01-10T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "--backfill", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    status = [line for line in out.splitlines() if line.startswith("Status:")]
    assert status and "re-rendered from the store" not in status[0], status


def test_a_throttled_backfill_says_throttled(tmp_path: Path, fake: FakeArxiv,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"max_tries": 2})
    fake.papers = [paper("2602.00001", "A codec", updated="2026-02-10T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    fake.faults.append(Fault("status", 429, b"Rate exceeded.", times=99))
    capsys.readouterr()
    code = update.main(["--root", str(tmp_path), "--backfill", "2026-01-01"])
    out = capsys.readouterr().out
    assert code == 3 and "Status: throttled" in out, (code, out)


def test_a_busy_topic_still_catches_a_late_paper_with_default_settings(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """100 papers a day (a busy topic, e.g. LLMs) with default settings: the 14-day overlap alone passes the
    1000-paper cap every day, so a paper announced 11 days late is cut off (and 'capped' is printed daily)."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    for day in range(1, 17):
        fake.papers += [paper(f"2602.{day:02d}{i:03d}", f"Codec {day} {i}", updated=f"2026-02-{day:02d}T{i % 24:02d}:00:00Z")
                        for i in range(100)]
        if day == 16:
            fake.papers.append(paper("2602.99999", "A late codec", updated="2026-02-05T12:00:00Z"))
        monkeypatch.setenv("DAILY_PAPERS_NOW", f"2026-02-{day + 1:02d}T01:00:00Z")
        assert update.main(["--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2602.99999" in load_store(tmp_path), "the late paper (11 days, inside overlap_days) was missed"
    assert "max_results_per_topic" not in out, "capped although fewer than 1000 papers came out since the last run"


class _SlowHeaders(BaseHTTPRequestHandler):
    """An edge that sends the status line at once, then one header byte every 0.2 s for 12 s."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Pad: ")
            self.wfile.flush()
            for _ in range(60):
                time.sleep(0.2)
                self.wfile.write(b"a")
                self.wfile.flush()
            self.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


def test_headers_arriving_slowly_are_bounded_by_the_time_budget_too() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHeaders)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        f = fetch.Fetcher(url=f"http://127.0.0.1:{server.server_address[1]}/api/query", delay=0, backoff_base=0.01,
                          timeout=1.5, budget=3, max_tries=1)
        started = time.monotonic()
        with pytest.raises(fetch.TopicFailed):
            f.fetch("codec", None, 10, 10)
        assert time.monotonic() - started < 4.5, f"took {time.monotonic() - started:.1f} s with a 3 s budget"
    finally:
        server.shutdown()
        server.server_close()


def test_thirty_days_of_late_announcements_throttling_and_renames_miss_nothing(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import random

    rng = random.Random(12)
    topics = {"Codec": "codec", "Vocoder": "vocoder", "Caption": '"audio caption"'}
    names = {"Codec": "Codec", "Vocoder": "Vocoder", "Caption": "Caption"}
    extra: dict = {}

    def keywords() -> None:
        write_keywords(tmp_path, [{"name": names[k], "query": q, **extra.get(k, {})} for k, q in topics.items()],
                       {"max_tries": 2})

    keywords()
    words = {"Codec": "codec", "Vocoder": "vocoder", "Caption": "audio caption"}
    expected: dict[str, str] = {}
    serial = 0
    codes = []
    for day in range(1, 31):
        date = f"2026-03-{day:02d}"
        if day % 7 not in (5, 6):  # announcement days
            for key, word in words.items():
                for _ in range(rng.randint(0, 4)):
                    serial += 1
                    late = rng.choice([0, 0, 0, 1, 2, 5, 9, 13])
                    stamp_day = day - late
                    stamp = f"2026-03-{stamp_day:02d}T{rng.randint(0, 23):02d}:00:00Z" if stamp_day >= 1 else \
                        f"2026-02-{28 + stamp_day:02d}T10:00:00Z"
                    pid = f"2603.{serial:05d}"
                    fake.papers.append(paper(pid, f"A {word} paper {serial}", updated=stamp))
                    expected[pid] = key
        if day == 8:
            names["Codec"] = "codec"  # rename by case
        if day == 12:
            names["Vocoder"] = "Neural vocoder"
            extra["Vocoder"] = {"aliases": ["Vocoder"]}
        if day == 20:
            names["Neural vocoder"] = "Vocoders"
            names["Vocoder"] = "Vocoders"
            extra["Vocoder"] = {"aliases": ["Neural vocoder", "Vocoder"]}
        keywords()
        if day == 10:
            fake.faults.append(Fault("status", 406, b"Not Acceptable", times=1))
        if day in (15, 16):
            fake.faults.append(Fault("status", 429, b"Rate exceeded.", times=2))
        argv = ["--root", str(tmp_path), "-q"]
        if day == 22:
            argv += ["--topic", "Caption"]
        monkeypatch.setenv("DAILY_PAPERS_NOW", f"{date}T01:30:00Z")
        codes.append(update.main(argv))
    assert codes.count(3) == 2 and set(codes) <= {0, 3}, codes
    stored = load_store(tmp_path)
    # everything dated up to the last run's moment minus the latest lateness is certain to have been announced
    missing = [pid for pid in expected if pid not in stored]
    assert not missing, f"{len(missing)} of {len(expected)} papers never stored: {missing[:5]}"
    final = {"Codec": "codec", "Vocoder": "Vocoders", "Caption": "Caption"}
    wrong = [pid for pid, key in expected.items() if stored[pid]["topics"] != [final[key]]]
    assert not wrong, [(pid, stored[pid]["topics"]) for pid in wrong[:5]]


def test_a_future_stamp_stored_before_the_fix_is_repaired(tmp_path: Path, fake: FakeArxiv) -> None:
    """Forks already hit by the 2099 entry keep it in data/: README must stop saying 'Last update: 2099-12-31'."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-10T00:00:00Z"),
                   paper("2601.00002", "A codec from the future", updated="2099-12-31T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    for path in (tmp_path / "data" / "papers").glob("*.json"):  # what the version before this change stored
        path.write_text(path.read_text().replace('"updated": "2026-02-13T00:00:00Z"', '"updated": "2099-12-31T00:00:00Z"'))
    assert "2099-12-31" in json.dumps(load_store(tmp_path))
    fake.papers.append(paper("2602.00003", "Next day's codec", updated="2026-02-12T20:00:00Z"))
    assert update.main(["--root", str(tmp_path)]) == 0
    assert "2602.00003" in load_store(tmp_path)
    assert "2099" not in (tmp_path / "README.md").read_text(), "README still dated 2099 for good"


def test_throttled_tries_ending_in_one_server_error_still_stop_the_run(
        tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    """429, 429, 429 then 503: arXiv kept throttling; the run must stop asking and say throttled."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"max_tries": 4})
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-10T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}],
                   {"max_tries": 4})
    fake.faults += [Fault("status", 429, b"Rate exceeded.", match="codec", times=3),
                    Fault("status", 503, b"Unavailable", match="codec", times=1)]
    fake.requests.clear()
    capsys.readouterr()
    code = update.main(["--root", str(tmp_path)])
    out = capsys.readouterr().out
    assert fake.requests_for("vocoder") == 0, "kept asking arXiv after three throttled answers in a row"
    assert code == 3 and "Status: throttled" in out, (code, out)



def test_a_day_with_nothing_new_makes_no_commit(tmp_path: Path, fake: FakeArxiv,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The FAQ: 'The run then says Status: nothing new, makes one request and no commit.' Real days differ in NOW."""
    _, work = git_remote(tmp_path, [{"name": "Codec", "query": "codec"}], monkeypatch)
    fake.papers = [paper("2602.00001", "A codec", updated="2026-02-12T10:00:00Z")]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T01:00:00Z")
    assert update.main(["--root", str(work), "--push"]) == 0
    first = git.Repo(work).head.commit.hexsha
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-14T01:00:00Z")  # Friday evening: nothing announced
    assert update.main(["--root", str(work), "--push"]) == 0
    head = git.Repo(work).head.commit
    assert head.hexsha == first, f"committed {head.message.strip()!r} touching {sorted(head.stats.files)}"


def test_catching_up_after_weeks_off_uses_large_pages(tmp_path: Path, fake: FakeArxiv,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """'Pages as large as arXiv allows where that saves requests': after 40 days without a run (workflow disabled,
    or the first run after upgrading a store), 1200 papers came out; page_size is 2000, so one request holds them.
    Vocoder gets none in those weeks: it is a rare topic (quiet_days_ok), else the run would exit 4 (issue 33)."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"},
                              {"name": "Vocoder", "query": "vocoder", "quiet_days_ok": 60}])
    fake.papers = [paper(f"2601.{i:05d}", f"A codec {i}", updated="2026-01-01T10:00:00Z") for i in range(10)]
    fake.papers += [paper(f"2601.{100 + i:05d}", f"A vocoder {i}", updated="2026-01-01T10:00:00Z") for i in range(10)]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-01-02T01:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    fake.papers += [paper(f"2602.{i:05d}", f"A codec {i}", updated=f"2026-02-{1 + i % 10:02d}T10:00:00Z")
                    for i in range(1200)]
    fake.requests.clear()
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-11T01:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    assert sum(p["id"].startswith("2602.") for p in load_store(tmp_path).values()) == 1200
    assert len(fake.requests) <= 2, [r["max_results"] for r in fake.requests]


def test_a_new_paper_in_two_topics_is_new_in_both(tmp_path: Path, fake: FakeArxiv,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A paper new to the store today that both topics list is news for both; it did not 'join from the store'."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}])
    fake.papers = [paper("2602.00001", "A codec", updated="2026-02-10T00:00:00Z"),
                   paper("2602.00002", "A vocoder", updated="2026-02-10T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    fake.papers.append(paper("2602.00003", "A codec inside a vocoder", updated="2026-02-12T00:00:00Z"))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+ Codec: 2602.00003" in out and "+ Vocoder: 2602.00003" in out, out
    assert "already stored joined" not in out, out


def test_a_case_only_rename_of_a_non_latin_name_keeps_its_feed(tmp_path: Path, fake: FakeArxiv) -> None:
    """'A change of case or spacing only needs no alias' and 'subscribers are not silently cut off'."""
    write_keywords(tmp_path, [{"name": "Synthèse vocale", "query": "vocoder"}])
    fake.papers = [paper("2602.00001", "A vocoder", updated="2026-02-10T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    feeds = sorted(p.name for p in (tmp_path / "feeds").glob("*.xml"))
    write_keywords(tmp_path, [{"name": "synthèse vocale", "query": "vocoder", "aliases": ["Synthèse vocale"]}])
    fake.papers.append(paper("2602.00002", "Another vocoder", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(tmp_path)]) == 0
    for name in feeds:
        path = tmp_path / "feeds" / name
        assert path.exists() and "2602.00002" in path.read_text(), f"feeds/{name} was deleted or no longer updated"


def test_a_redirect_from_arxiv_is_followed(fake: FakeArxiv) -> None:
    """arXiv (or a mirror) answering 301 to a moved endpoint, e.g. http -> https, must not fail every run."""
    target = fake.url

    class Moved(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(301)
            self.send_header("Location", target + "?" + self.path.split("?", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Moved)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fake.papers = [paper("2601.00001", "A codec")]
        f = fetcher(f"http://127.0.0.1:{server.server_address[1]}/api/query", max_tries=1)
        records, _ = f.fetch("codec", None, 10, 10)
        assert [r["id"] for r in records] == ["2601.00001"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_throttled_run_is_never_shown_as_0_new(tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: 'Never a throttled run shown as "0 new"' -- in the console and on the job summary."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"max_tries": 2})
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-10T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    fake.faults.append(Fault("status", 406, b"Not Acceptable", times=99))
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 3
    out = capsys.readouterr().out
    assert "0 new" not in out, out
    assert "0 new" not in summary.read_text(), summary.read_text()


def test_a_malformed_daily_papers_now_is_one_error_line(tmp_path: Path, fake: FakeArxiv,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    monkeypatch.setenv("DAILY_PAPERS_NOW", "yesterday")
    assert update.main(["--root", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: DAILY_PAPERS_NOW")


def test_a_long_retry_after_does_not_spend_the_budget_waiting(fake: FakeArxiv) -> None:
    """'When arXiv keeps throttling, stop early with a clear line rather than spending the whole budget':
    a Retry-After of 850 s (of a 900 s budget) is slept through, then the run gives up anyway."""
    fake.papers = [paper("2601.00001", "A codec")]
    fake.faults.append(Fault("status", 429, b"Rate exceeded.", {"Retry-After": "850"}, times=99))
    slept: list[float] = []
    f = fetch.Fetcher(url=fake.url, delay=3, max_tries=4, budget=900, sleep=slept.append,
                      clock=lambda: time.monotonic() + sum(slept))
    with pytest.raises(fetch.TopicFailed):
        f.fetch("codec", None, 10, 10)
    assert sum(slept) < 300, f"waited {sum(slept):.0f} s of a 900 s budget before giving up"


def test_the_day_after_a_new_topic_does_not_dump_its_last_fortnight_as_new(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A new topic 'gets its latest initial_results'; on the next day, with nothing announced, the overlap must not
    pull in 14 days of older papers and report them as new (commit message, notification issue)."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"initial_results": 5})
    fake.papers = [paper(f"2602.{i:05d}", f"A codec {i}", updated=f"2026-02-{1 + i % 10:02d}T{i % 24:02d}:00:00Z")
                   for i in range(30)]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-11T01:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    assert len(load_store(tmp_path)) == 5
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-12T01:00:00Z")  # nothing new was announced
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Status: nothing new" in out, out


from test_publish import pushed_then_cloned, remote  # noqa: E402,F401 - the bare-remote fixture


def test_after_a_push_race_a_paper_the_other_run_stored_is_not_called_new(
        remote: tuple, fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs fetch the same new paper; the second, merged again on the remote tip, adds nothing new to the store."""
    import git

    bare, work = remote
    other = pushed_then_cloned(work, fake, tmp_path)
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T02:00:00Z")
    assert update.main(["--root", str(other), "--push"]) == 0  # a manual run lands first
    landed = bare.commit("main")
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T03:00:00Z")
    assert update.main(["--root", str(work), "--push"]) == 0  # the scheduled run: rejected, merged again
    head = bare.commit("main")
    later = list(bare.iter_commits(f"{landed.hexsha}..{head.hexsha}"))  # what the race loser added
    assert not any(c.message.startswith("1 new") for c in later), [(c.message, sorted(c.stats.files)) for c in later]
    assert git.Repo(work).head.commit == head  # and its checkout followed origin
