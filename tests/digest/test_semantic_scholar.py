"""Semantic Scholar's TL;DRs (digest/semantic_scholar.py) over real HTTP against the local stand-in (fake_s2.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import write_keywords
from fake_llm import free_port
from fake_s2 import NO_TLDR, FakeS2, paper_id

from core import config as cfg
from core import store as st
from daily import render
from digest import semantic_scholar as s2

TOPIC = [{"name": "Codec", "query": "codec"}]
NOW = datetime(2026, 2, 13, 1, 0, tzinfo=UTC)
FETCHED = "2026-02-13T01:00:00Z"


@pytest.fixture
def server() -> Iterator[FakeS2]:
    """The stand-in; tests pass its URL as S2_API_URL."""
    with FakeS2() as fake:
        yield fake


def record(i: int, **kw: Any) -> dict[str, Any]:
    """A stored, listed codec paper of 2026-02-12 (inside the 14 overlap days before NOW) unless told otherwise."""
    values = {"id": f"2602.{i:05d}", "version": 1, "title": f"A neural codec number {i}",
              "abstract": f"We build neural audio codec {i} with residual quantization.",
              "updated": f"2026-02-12T{i % 24:02d}:00:00Z", "published": f"2026-02-12T{i % 24:02d}:00:00Z",
              "topics": ["Codec"]}
    values.update(kw)
    return st.new_record(**values)


def setup(tmp_path: Path, records: list[dict[str, Any]], **settings: Any) -> tuple[st.Store, cfg.Config]:
    """A store holding records and the config of the Codec topic."""
    write_keywords(tmp_path, TOPIC, settings)
    store = st.Store(tmp_path)
    for r in records:
        store.put(r)
    store.dirty.clear()
    return store, cfg.load(tmp_path / "keywords.yaml")


def ask(store: st.Store, config: cfg.Config, server: FakeS2 | str, waits: list[float] | None = None,
        budget: float = 60.0, **env: str) -> s2.Report:
    """One step against the stand-in (or a URL), sleeping for real but recording each wait."""
    url = server if isinstance(server, str) else server.url

    def sleep(seconds: float) -> None:
        (waits if waits is not None else []).append(seconds)
        time.sleep(seconds)

    return s2.fetch_tldrs(store, config, NOW, env={"S2_API_URL": url, **env}, budget=budget, sleep=sleep)


# --- what is asked, and what is stored ----------------------------------------------------------

def test_one_request_asks_about_the_recent_listed_papers_without_a_tldr(tmp_path: Path, server: FakeS2) -> None:
    model = {"model": "openai/gpt-4.1-mini", "text": "A codec summary.", "version": 1}
    had = {"fetched": "2026-02-12T01:00:00Z", "model": "tldr@v2.0.0", "paper": "b" * 40, "text": "Had one."}
    store, config = setup(tmp_path, [
        record(1), record(2), record(3),
        record(4, updated="2026-01-20T10:00:00Z", published="2026-01-20T10:00:00Z"),  # before the overlap days
        record(5, updated="2026-02-10T10:00:00Z", published="2026-01-02T10:00:00Z"),  # revised lately: asked
        record(6, tldr=model),  # a model summary of its current version outranks Semantic Scholar's
        record(7, version=2, tldr=model),  # an older version's model summary does not
        record(8, s2_tldr=had),  # has one: never asked again
        record(9, title="Speech enhancement", abstract="We denoise speech."),  # hidden: not about codecs
    ])
    server.tldrs = {"2602.00001": "A neural codec that halves the bitrate.", "2602.00002": NO_TLDR,
                    "2602.00005": "Revised codec.", "2602.00007": "Codec seven."}  # 2602.00003: unknown, null
    report = ask(store, config, server)
    assert len(server.requests) == 1
    sent = server.requests[0]
    assert sent["method"] == "POST" and sent["path"] == "/graph/v1/paper/batch"
    assert sent["query"] == {"fields": ["paperId,tldr"]}
    assert sent["headers"]["Content-Type"] == "application/json" and "x-api-key" not in sent["headers"]
    assert sent["body"] == {"ids": ["ARXIV:2602.00007", "ARXIV:2602.00003", "ARXIV:2602.00002", "ARXIV:2602.00001",
                                    "ARXIV:2602.00005"]}, "newest first, one id each"
    assert store.papers["2602.00001"]["s2_tldr"] == {"fetched": FETCHED, "model": "tldr@v2.0.0",
                                                     "paper": paper_id("2602.00001"),
                                                     "text": "A neural codec that halves the bitrate."}
    assert store.papers["2602.00005"]["s2_tldr"]["text"] == "Revised codec."
    assert store.papers["2602.00007"]["s2_tldr"]["text"] == "Codec seven."
    assert "s2_tldr" not in store.papers["2602.00002"] and "s2_tldr" not in store.papers["2602.00003"]
    assert store.papers["2602.00008"]["s2_tldr"] == had
    assert store.dirty == {"2602.json"}
    assert (report.requests, report.asked, sorted(report.stored)) == (1, 5, ["2602.00001", "2602.00005",
                                                                             "2602.00007"])
    assert report.line() == ("Semantic Scholar: 3 TL;DRs stored for 5 papers asked in 1 request (0 s); 2 have none "
                             "yet, asked again on later runs")
    assert report.step().requests == 1 and report.step().stored == 3
    for r in store.papers.values():
        assert st.record_problem(r["id"], r) is None

    again = ask(store, config, server)  # the next run: only the two without one are asked again
    assert server.asked_ids()[1] == ["ARXIV:2602.00003", "ARXIV:2602.00002"] and again.asked == 2


def test_nothing_to_ask_sends_nothing_and_says_nothing(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1, updated="2025-12-01T10:00:00Z", published="2025-12-01T10:00:00Z")])
    report = ask(store, config, server)
    assert server.requests == [] and report.line() is None and report.requests == 0


def test_summaries_off_turns_semantic_scholar_off(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)], summaries="off")
    server.tldrs = {"2602.00001": "A codec."}
    assert ask(store, config, server).line() is None and server.requests == []


def test_more_than_500_papers_take_one_request_per_500(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(i) for i in range(1, 502)])
    server.tldrs = {f"2602.{i:05d}": f"Codec {i}." for i in range(1, 502)}
    report = ask(store, config, server)
    assert [len(ids) for ids in server.asked_ids()] == [500, 1], "the stand-in refuses more than 500, as S2 does"
    assert report.requests == s2.requests_needed(501) == 2 and len(report.stored) == 501
    assert [s2.requests_needed(n) for n in (0, 1, 337, 500, 501, 1000, 1001)] == [0, 1, 1, 1, 2, 2, 3]


# --- the key --------------------------------------------------------------------------------------

def test_the_key_is_sent_only_when_set_and_never_shown(tmp_path: Path, server: FakeS2,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.tldrs = {"2602.00001": "A codec."}
    ask(store, config, server, S2_API_KEY="  s2-secret-key  ")
    assert server.requests[0]["headers"]["x-api-key"] == "s2-secret-key"
    store, config = setup(tmp_path, [record(2)])
    server.script = ["503"]
    with caplog.at_level(logging.INFO, logger="daily_papers"):
        report = ask(store, config, server, S2_API_KEY="s2-secret-key")
        s2.log.warning("%s", report.line())
    assert server.requests[1]["headers"]["x-api-key"] == "s2-secret-key"
    assert "s2-secret-key" not in (report.line() or "") and "s2-secret-key" not in caplog.text
    ask(store, config, server, S2_API_KEY="")
    assert "x-api-key" not in server.requests[2]["headers"]


@pytest.mark.parametrize("named,sent", [
    ("", True),  # Semantic Scholar itself
    ("https://s2-proxy.example.org/graph/v1", True),  # the reader's own host, over https
    ("http://127.0.0.1:8080/graph/v1", True),  # this machine
    ("http://localhost:8080/graph/v1", True),
    ("http://[::1]:8080/graph/v1", True),
    ("http://s2-proxy.example.org/graph/v1", False),  # plain http over a network: never the key
    ("http://192.168.1.5/graph/v1", False),
])
def test_the_key_goes_only_where_it_is_safe(named: str, sent: bool) -> None:
    endpoint = s2.Endpoint.from_env({"S2_API_URL": named, "S2_API_KEY": "k3y"})
    assert ("x-api-key" in endpoint.headers) is sent
    assert endpoint.url == (named or s2.DEFAULT_URL)
    assert (endpoint.key_note is None) is sent


def test_plain_http_to_another_host_asks_without_the_key_and_says_so(tmp_path: Path) -> None:
    store, config = setup(tmp_path, [record(1)])
    report = ask(store, config, f"http://s2-proxy.invalid:{free_port()}/graph/v1", S2_API_KEY="k3y")
    line = report.line() or ""
    assert "S2_API_KEY is not sent over plain http to s2-proxy.invalid" in line and "k3y" not in line
    assert line.startswith("warning: Semantic Scholar:")  # .invalid never resolves: no request leaves this machine


def test_a_redirect_is_not_followed(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    report = ask(store, config, server.url.replace("/graph/v1", "/moved"), S2_API_KEY="k3y")
    assert "HTTP 404" in (report.error or "")
    assert s2.StatusError(307, None).args[0] == "HTTP 307 (a redirect, not followed)"


def test_an_address_that_is_not_http_is_one_warning(tmp_path: Path) -> None:
    store, config = setup(tmp_path, [record(1)])
    report = ask(store, config, "file:///etc/passwd")
    assert report.error == "S2_API_URL is not an http(s) address; fix or unset it" and not report.stored


# --- failing soft ---------------------------------------------------------------------------------

def test_a_429_with_a_short_retry_after_is_waited_for_once(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.tldrs = {"2602.00001": "A codec."}
    server.script, server.retry_after = ["429"], "1"
    waits: list[float] = []
    report = ask(store, config, server, waits)
    assert waits == [1.0] and len(server.requests) == 2 and report.stored == ["2602.00001"] and not report.error


def test_a_second_429_gives_up(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.script, server.retry_after = ["429", "429"], "0"
    report = ask(store, config, server, [])
    assert len(server.requests) == 2 and report.error and report.error.startswith("HTTP 429 (rate limited")
    assert "s2_tldr" not in store.papers["2602.00001"]


@pytest.mark.parametrize("retry_after,why", [
    (None, "HTTP 429 (rate limited: unauthenticated callers share one pool; an S2_API_KEY secret has its own)"),
    ("30", "Retry-After 30 s is longer than the 10 s a run waits"),
    ("soon", "HTTP 429 (rate limited"),
])
def test_a_429_without_a_short_retry_after_gives_up_at_once(retry_after: str | None, why: str, tmp_path: Path,
                                                             server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.script, server.retry_after = ["429"], retry_after
    waits: list[float] = []
    report = ask(store, config, server, waits)
    assert len(server.requests) == 1 and waits == [] and why in (report.error or "")
    assert (report.line() or "").startswith("warning: Semantic Scholar: 0 TL;DRs stored for 1 paper asked in 1 request")


def test_a_429_whose_wait_the_budget_cannot_hold_gives_up(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.script, server.retry_after = ["429"], "5"
    report = ask(store, config, server, [], budget=3)
    assert len(server.requests) == 1 and "no time left of the run's budget to wait 5 s" in (report.error or "")


@pytest.mark.parametrize("fault,why", [
    ("500", "HTTP 500"),
    ("503", "HTTP 503"),
    ("malformed", "the answer was not JSON"),
    ("short", "the answer had 1 entries for 2 papers asked"),
    ("dict", "the answer was a JSON dict, not the list of papers asked about"),
])
def test_a_failed_or_changed_answer_is_one_warning_and_stores_nothing(fault: str, why: str, tmp_path: Path,
                                                                      server: FakeS2, monkeypatch: pytest.MonkeyPatch,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    store, config = setup(tmp_path, [record(1), record(2)])
    server.tldrs = {"2602.00001": "A codec.", "2602.00002": "Another codec."}
    server.script = [fault]
    monkeypatch.setenv("S2_API_URL", server.url)
    before = {i: dict(r) for i, r in store.papers.items()}
    with caplog.at_level(logging.INFO, logger="daily_papers"):
        report = s2.for_run(store, config, NOW, time_left=60)
    assert len(server.requests) == 1 and report.error == why and report.stored == []
    assert store.papers == before and not store.dirty
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("warning: Semantic Scholar: ") and why in warnings[0]


def test_a_slow_answer_times_out(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.tldrs = {"2602.00001": "A codec."}
    server.delay = 1.5
    started = time.monotonic()
    report = ask(store, config, server, S2_TIMEOUT="0.3")
    assert time.monotonic() - started < 1.4 and report.error == "no answer within 0 s" and report.stored == []


def test_the_budget_bounds_the_request(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.delay = 1.5
    started = time.monotonic()
    report = ask(store, config, server, budget=1.0)  # the request timeout is what is left: 1 s, not 20
    assert time.monotonic() - started < 1.4 and (report.error or "").startswith("no answer within")
    assert ask(store, config, server, budget=0.5).note == ("Semantic Scholar: not asked for 1 paper: no time left "
                                                           "of the run's budget")
    assert len(server.requests) == 1


def test_a_refused_connection_is_one_warning(tmp_path: Path) -> None:
    store, config = setup(tmp_path, [record(1)])
    report = ask(store, config, f"http://127.0.0.1:{free_port()}/graph/v1")
    assert report.error == "the connection was refused" and report.requests == 1
    assert report.line() == ("warning: Semantic Scholar: 0 TL;DRs stored for 1 paper asked in 1 request (0 s); "
                             "stopped: the connection was refused; the papers without one are asked again next run")


# --- the daily run's step: dry runs, logging ----------------------------------------------------------

def test_for_run_logs_one_line_and_a_dry_run_asks_nothing(tmp_path: Path, server: FakeS2,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("S2_API_URL", server.url)
    store, config = setup(tmp_path, [record(1), record(2)])
    server.tldrs = {"2602.00001": "A codec."}
    with caplog.at_level(logging.INFO, logger="daily_papers"):
        dry = s2.for_run(store, config, NOW, dry_run=True)
    assert server.requests == [] and not store.dirty and dry.requests == 0
    assert caplog.messages == ["Semantic Scholar: not asked in a dry run (it writes nothing); a real run asks about "
                               "2 papers in 1 request"]
    caplog.clear()
    monkeypatch.setenv("S2_API_URL", f"http://127.0.0.1:{free_port()}/graph/v1")
    with caplog.at_level(logging.INFO, logger="daily_papers"):
        failed = s2.for_run(store, config, NOW, time_left=900)
    assert [r.levelno for r in caplog.records] == [logging.WARNING] and failed.step().line == caplog.messages[0]
    caplog.clear()
    monkeypatch.setenv("S2_API_URL", server.url)
    with caplog.at_level(logging.INFO, logger="daily_papers"):
        done = s2.for_run(store, config, NOW, time_left=900)
    assert [r.levelno for r in caplog.records] == [logging.INFO] and done.stored == ["2602.00001"]


# --- outside text, cleaned where it enters -------------------------------------------------------------

HOSTILE = {
    "2602.00001": "</details><script>alert(1)</script> A codec.",  # markup: dropped
    "2602.00002": "A codec, see https://evil.example/x for more.",  # a URL: dropped
    "2602.00003": "A codec [click](javascript:alert(1)).",
    "2602.00004": "Mail codec@evil.example for the weights.",
    "2602.00005": "Codec weights on www.evil.example now.",
    "2602.00006": "Get the codec at evil.com today.",
    "2602.00007": "Codec | pipes **bold** @octocat #12 `tick` $x^2$ & <3 dB ~~strike~~ _em_ :smile:",  # kept, escaped
    "2602.00008": "   \n\u200b  ",  # nothing visible: dropped
    "2602.00009": "\u200bCodec \ud800 with a lone surrogate \uffff and\nline\tbreaks \u202eevil\U000e0021\U000e0041.",
    "2602.00010": "codec " * 100,  # cut at a word
}


def test_hostile_tldrs_are_dropped_or_cleaned_at_entry_and_escaped_in_readme(tmp_path: Path,
                                                                                server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(i) for i in range(1, 13)], readme_layout="classic")  # a label a row
    server.tldrs = dict(HOSTILE)
    server.tldrs["2602.00011"] = server.tldrs["2602.00012"] = "A fine codec summary."
    server.answer_ids = {"2602.00011": "NOT-A-PAPER-ID", "2602.00012": "ABCDEF" + "0" * 34}  # upper case: folded
    server.model = "tldr@v2.0.0 <b>https://evil.example</b>"
    report = ask(store, config, server)
    got = {i: store.papers[i]["s2_tldr"] for i in report.stored}
    assert sorted(got) == ["2602.00007", "2602.00009", "2602.00010", "2602.00012"]
    assert got["2602.00007"]["text"] == HOSTILE["2602.00007"]
    assert got["2602.00009"]["text"] == "Codec with a lone surrogate and line breaks evil."
    assert len(got["2602.00010"]["text"]) <= s2.TEXT_LIMIT + 1 and got["2602.00010"]["text"].endswith("codec…")
    assert got["2602.00012"]["paper"] == "abcdef" + "0" * 34
    assert {t["model"] for t in got.values()} == {"tldr"}, "an odd model name is stored as 'tldr'"
    for r in store.papers.values():
        assert st.record_problem(r["id"], r) is None
    store.save()
    assert all(st.record_problem(i, r) is None for i, r in st.load(tmp_path).papers.items())

    readme = render.for_papers(config, list(store.papers.values())).render_all()["README.md"].decode()
    row = next(line for line in readme.splitlines() if "2602.00007)" in line)
    link = f"https://www.semanticscholar.org/paper/{paper_id('2602.00007')}"
    assert f"**[TL;DR (Semantic Scholar)]({link}):**" in row
    cell = row.split(f"({link}):**", 1)[1].split("<br><details>", 1)[0]
    assert "|" not in cell.replace("\\|", "") and "@octocat" not in cell and "\\#12" in cell
    assert "\\*\\*bold\\*\\*" in cell and "\\`tick\\`" in cell and "\\<3 dB" in cell
    for dropped in ("2602.00001", "2602.00002", "2602.00006"):
        line = next(line for line in readme.splitlines() if f"{dropped})" in line)
        assert "Semantic Scholar" not in line and "evil" not in line and "<script" not in line


def test_clean_text_and_model_directly() -> None:
    assert s2.clean_text(None) == "" and s2.clean_text(12) == "" and s2.clean_text("") == ""
    assert s2.clean_text("Training data: 3 hours of speech.") == "Training data: 3 hours of speech."
    assert s2.clean_text("GPT-4.1 beats Llama 3.1 by 2.5 dB.") == "GPT-4.1 beats Llama 3.1 by 2.5 dB."
    assert s2.clean_text("data:text/html,<b>x</b>") == ""
    assert s2.clean_model("tldr@v2.0.0") == "tldr@v2.0.0" and s2.clean_model("x" * 61) == "tldr"
    assert s2.clean_model(None) == "tldr" and s2.clean_model("tldr@v3 <b>") == "tldr"
    assert s2.clean_model("x" * 60) == "x" * 60 and s2.clean_model(" tldr@v2.1.0\u202e ") == "tldr@v2.1.0"


def test_an_answer_trickling_in_past_the_timeout_is_one_failure(tmp_path: Path, server: FakeS2) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.tldrs = {"2602.00001": "A codec. " * 20}
    server.trickle = 0.05  # each byte well within the per-read timeout; the whole answer takes about 10 s
    started = time.monotonic()
    report = ask(store, config, server, S2_TIMEOUT="1")
    assert time.monotonic() - started < 3 and "no answer within 1 s" in (report.error or "")
    assert "s2_tldr" not in store.papers["2602.00001"]


@pytest.mark.parametrize("env, note", [
    ({"S2_API_KEY": "s2-key\u2019x"}, "S2_API_KEY holds a character no HTTP header can carry"),
    ({"S2_API_KEY": "s2-key\u200bx"}, "S2_API_KEY holds a character no HTTP header can carry")])
def test_a_key_no_header_can_carry_is_not_sent_and_the_step_goes_on(tmp_path: Path, server: FakeS2,
                                                                     env: dict[str, str], note: str) -> None:
    store, config = setup(tmp_path, [record(1)])
    server.tldrs = {"2602.00001": "A codec."}
    report = ask(store, config, server, **env)
    assert "x-api-key" not in {k.lower() for k in server.requests[0]["headers"]}
    assert note in (report.line() or "") and "s2-key" not in (report.line() or "")
    assert store.papers["2602.00001"]["s2_tldr"]["text"] == "A codec."


@pytest.mark.parametrize("url", ["http://[::1/graph/v1", "https://api.example.org:port/graph/v1", "ftp://x/y"])
def test_an_s2_api_url_no_client_could_use_is_one_warning(tmp_path: Path, url: str) -> None:
    store, config = setup(tmp_path, [record(1)])
    report = ask(store, config, url)
    assert "S2_API_URL is not an http(s) address" in (report.error or "")


def test_a_deeply_nested_or_odd_answer_is_one_failure_not_a_crash(tmp_path: Path, server: FakeS2) -> None:
    with pytest.raises(s2.AskFailed):
        s2.parse_answer(b"[" * 100_000 + b"]" * 100_000, 1)
    assert s2.Endpoint.from_env({"S2_API_KEY": "s2-secret"}).__repr__().find("s2-secret") == -1


def test_any_unexpected_failure_of_the_step_is_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, config = setup(tmp_path, [record(1)])

    def broken(*_args: Any, **_kw: Any) -> s2.Report:
        raise KeyError("surprise")
    monkeypatch.setattr(s2, "fetch_tldrs", broken)
    report = s2.for_run(store, config, NOW, time_left=5)
    assert (report.line() or "").startswith("warning: Semantic Scholar:") and "KeyError" in (report.line() or "")
