"""Semantic Scholar's TL;DRs: which listed papers to ask about, one batch request, checking and storing answers.

A step of the daily run after the day's topics are merged (update.py -> fetch -> merge -> summaries -> here ->
render). It asks the Academic Graph API's batch endpoint (POST /graph/v1/paper/batch?fields=paperId,tldr with
{"ids": ["ARXIV:<id>", ...]}, up to 500 ids a request; the answer is a list aligned with the ids, null for an
id it does not know) about the listed papers of the last overlap_days that have no TL;DR of its yet, and stores
each as the record's `s2_tldr: {"fetched", "model", "paper", "text"}` once: it has no paper version. A paper
without one (null, or no tldr yet: they often arrive a day or more after arXiv) is asked again on a later run
while it is within overlap_days. The answer is outside text: it is cleaned here, where it enters, and a TL;DR
with anything linkish is dropped. Every failure (429, 5xx, timeouts, a changed answer) is one `warning:` line;
the day's papers, the commit and the exit status never depend on it. digest/tldr.py shows what is stored.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from core import mdtext, relevance, tldr
from core import store as st
from core import text as border
from core.http import retry_after_seconds
from core.models import S2Step
from digest import in_time

log = logging.getLogger("daily_papers.semantic_scholar")

DEFAULT_URL = "https://api.semanticscholar.org/graph/v1"  # S2_API_URL overrides it (a stand-in, a proxy)
FIELDS = "paperId,tldr"  # paperId is always returned; asked for anyway, so the link never depends on a default
BATCH = 500  # ids per request: the batch endpoint's documented maximum
MAX_SECONDS = 60.0  # of the run's leftover time budget, at most, for this step
TIMEOUT = 20.0  # seconds for one request (S2_TIMEOUT overrides it, for tests)
RETRY_AFTER_MAX = 10.0  # a 429's Retry-After this short is waited for once; a longer one ends the step
MAX_BYTES = 5_000_000  # of an answer: 500 TL;DRs are about 200 kB, the API's own cap is 10 MB
TEXT_LIMIT = tldr.SHOWN_LIMIT  # characters of a stored TL;DR, cut at a word
MODEL_LIMIT = 60  # characters of a stored model name; a longer or odd one is stored as "tldr"
PAPER_ID = re.compile(r"^[0-9a-f]{40}$")
_MODEL = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._@:+-]{{0,{MODEL_LIMIT - 1}}}$")  # 'tldr@v2.0.0'
AGENT = "Daily Papers (daily arXiv digest; Semantic Scholar TL;DRs in one batch request a day)"
_LINKISH = re.compile(  # what a reader, GitHub or a mail client could follow: schemes, www., markup, e-mail, domains
    r"(?i)[a-z][a-z0-9+.-]*\s*://|\b(?:javascript|vbscript|mailto)\s*:|\b(?:data|file|tel):(?=\S)|www\s*\.|\]\s*\("
    r"|<\s*[a-z/!?]|[\w.+-]+@[\w-]+\.\w|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/|\b[\w-]+\.(?:com|org|net|io|ai|dev|app|co|me|"
    r"info|biz|xyz|ly|gl|to|gg|cc|site|online|link|click|top|ru|cn|de|uk|fr|jp|edu|gov|shop|live|zip|mov)\b")


class AskFailed(Exception):
    """A request that did not give a usable answer; str() is the reason, never holding the key."""


# --- cleaning the answer, where it enters ----------------------------------------------------------

def clean_text(text: Any) -> str:
    """A TL;DR as stored: one line of visible text cut at a word, or '' when empty or linkish (a TL;DR has no URL)."""
    if not isinstance(text, str):
        return ""
    line = mdtext.plain(border.clean(text))
    if not line or _LINKISH.search(line):
        return ""
    return mdtext.short(line, TEXT_LIMIT)


def clean_model(name: Any) -> str:
    """The TL;DR model's name as stored: a short plain version tag like 'tldr@v2.0.0', else "tldr"."""
    text = mdtext.plain(border.clean(name))
    return text if _MODEL.match(text) and "://" not in text else "tldr"


def entry_tldr(entry: Any, fetched: str) -> dict[str, str] | None:
    """One answer entry as the record's s2_tldr, or None (unknown paper, no TL;DR yet, odd id, linkish text)."""
    if not isinstance(entry, dict):
        return None
    paper, summary = entry.get("paperId"), entry.get("tldr")
    paper = paper.lower() if isinstance(paper, str) else ""
    if not PAPER_ID.match(paper) or not isinstance(summary, dict):
        return None
    text = clean_text(summary.get("text"))
    if not text:
        return None
    return {"fetched": fetched, "model": clean_model(summary.get("model")), "paper": paper, "text": text}


def parse_answer(body: bytes, asked: int) -> list[Any]:
    """The answer's entries, aligned with the ids asked; AskFailed when it is not that (a changed API)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # also UnicodeDecodeError; a deeply nested answer
        raise AskFailed("the answer was not JSON") from None
    if not isinstance(data, list):
        raise AskFailed(f"the answer was a JSON {type(data).__name__}, not the list of papers asked about")
    if len(data) != asked:
        raise AskFailed(f"the answer had {len(data)} entries for {asked} papers asked")
    if not all(e is None or isinstance(e, dict) for e in data):
        raise AskFailed("the answer's entries were not papers or null")
    return data


# --- which papers ----------------------------------------------------------------------------------

def requests_needed(papers: int) -> int:
    """Batch requests for this many papers: 1 on a normal day (the benchmark's figure)."""
    return math.ceil(papers / BATCH) if papers > 0 else 0


def wanted(store: st.Store, config: Any, now: datetime) -> list[dict[str, Any]]:
    """Listed papers of the last overlap_days without a Semantic Scholar TL;DR or a model summary, newest first."""
    since = (now.astimezone(UTC) - timedelta(days=int(config.settings["overlap_days"]))).date().isoformat()
    listed: dict[str, dict[str, Any]] = {}
    for topic in config.topics:
        for record in relevance.listed(topic, store.topic_papers(topic.name)):
            listed[record["id"]] = record
    recent = [r for r in listed.values()
              if max(str(r.get("updated") or "")[:10], str(r.get("published") or "")[:10]) >= since]
    return relevance.newest_first([r for r in recent if tldr.s2_tldr(r) is None and tldr.model_tldr(r) is None])


# --- the endpoint --------------------------------------------------------------------------------

def _loopback(host: str) -> bool:
    """Whether a host is this machine (a local stand-in may be asked over plain http)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Endpoint:
    """Where to ask and with which headers; the key goes only to Semantic Scholar or to the host the reader named."""

    url: str
    headers: dict[str, str] = field(repr=False)  # may hold the key: never in a repr
    timeout: float = TIMEOUT
    key_note: str | None = None  # why a set S2_API_KEY is not sent

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Endpoint:
        """S2_API_URL (else Semantic Scholar), S2_API_KEY as x-api-key where safe, S2_TIMEOUT; raises AskFailed."""
        named = env.get("S2_API_URL", "").strip().rstrip("/")
        url = named or DEFAULT_URL
        try:
            parts = urlsplit(url)
            usable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except ValueError:  # '[::1', a port that is no number
            usable = False
        if not usable:
            raise AskFailed("S2_API_URL is not an http(s) address; fix or unset it")
        try:
            timeout = float(env.get("S2_TIMEOUT") or TIMEOUT)
        except ValueError:
            timeout = TIMEOUT
        headers = {"User-Agent": AGENT, "Accept": "application/json"}
        key, note = env.get("S2_API_KEY", "").strip(), None
        if key and parts.scheme == "http" and not _loopback(parts.hostname or ""):
            note = f"S2_API_KEY is not sent over plain http to {parts.hostname}"
        elif key and not (key.isascii() and key.isprintable()):
            note = "S2_API_KEY holds a character no HTTP header can carry (a pasted quote or space?), so it is not sent"
        elif key:
            headers["x-api-key"] = key
        return cls(url=url, headers=headers, timeout=max(0.1, timeout), key_note=note)

    def masked(self, text: str) -> str:
        """Text to quote, with the key masked should a server or library have echoed it."""
        key = self.headers.get("x-api-key")
        return text.replace(key, "***") if key else text


class StatusError(AskFailed):
    """An answer with an HTTP status other than 200."""

    def __init__(self, status: int, retry_after: str | None) -> None:
        self.status, self.retry_after = status, retry_after
        hint = {429: " (rate limited: unauthenticated callers share one pool; an S2_API_KEY secret has its own)",
                403: " (S2_API_KEY refused?)"}.get(status, "")
        kind = " (a redirect, not followed)" if 300 <= status < 400 else ""
        super().__init__(f"HTTP {status}{hint or kind}")


def post_batch(endpoint: Endpoint, ids: list[str], timeout: float) -> bytes:
    """One POST of a batch within timeout seconds in all; the answer's body, or AskFailed. requests' timeout is per
    read, so a server sending a byte a second would never time out (digest/in_time.py)."""
    try:
        return in_time.call_within(timeout + 1, lambda: _post(endpoint, ids, timeout), "semantic-scholar")
    except in_time.TooSlow:
        raise AskFailed(f"no answer within {timeout:.0f} s") from None


def _post(endpoint: Endpoint, ids: list[str], timeout: float) -> bytes:
    """The POST itself; the answer's body, or AskFailed (HTTP status, timeout, refused, oversized)."""
    try:
        with requests.post(f"{endpoint.url}/paper/batch", params={"fields": FIELDS},
                           json={"ids": [f"ARXIV:{i}" for i in ids]}, headers=endpoint.headers,
                           timeout=timeout, allow_redirects=False, stream=True) as response:
            if response.status_code != 200:
                raise StatusError(response.status_code, response.headers.get("Retry-After"))
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise AskFailed(f"the answer was larger than {MAX_BYTES // 1_000_000} MB")
            return body
    except requests.Timeout:
        raise AskFailed(f"no answer within {timeout:.0f} s") from None
    except requests.ConnectionError as exc:
        refused = "refused" in str(exc).lower()
        raise AskFailed("the connection was refused" if refused else "it could not be reached") from None
    except requests.RequestException as exc:
        raise AskFailed(endpoint.masked(type(exc).__name__)) from None


def _count(n: int, noun: str) -> str:
    """'1 paper', '2 papers': the line reads right."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- the run's step --------------------------------------------------------------------------------

@dataclass
class Report:
    """What the step did this run: for one console line, the job summary and the benchmark."""

    asked: int = 0  # papers asked about
    requests: int = 0
    stored: list[str] = field(default_factory=list)  # ids given a TL;DR this run
    waited: float = 0.0
    seconds: float = 0.0
    error: str | None = None  # why it stopped; the papers not stored are asked again on a later run
    note: str | None = None  # why it did not ask (dry run, no time left), or what else the reader should know

    def line(self) -> str | None:
        """One line for the console and the job summary; starts with 'warning:' when something failed."""
        if not self.asked and not self.error:
            return self.note
        done = (f"Semantic Scholar: {_count(len(self.stored), 'TL;DR')} stored for {_count(self.asked, 'paper')} "
                f"asked in {_count(self.requests, 'request')} ({self.seconds:.0f} s)")
        if self.note:
            done += f"; {self.note}"
        if self.error:
            return f"warning: {done}; stopped: {self.error}; the papers without one are asked again next run"
        left = self.asked - len(self.stored)
        return done + (f"; {left} {'has' if left == 1 else 'have'} none yet, asked again on later runs" if left else "")

    def step(self) -> S2Step:
        """The counts and line the run's outcome keeps (the job summary, the benchmark)."""
        return S2Step(requests=self.requests, asked=self.asked, stored=len(self.stored), line=self.line())


def fetch_tldrs(store: st.Store, config: Any, now: datetime, env: Mapping[str, str] | None = None,
                budget: float = MAX_SECONDS, clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep) -> Report:
    """Ask about the wanted papers in batches of 500 within budget seconds; store each TL;DR. Never raises for S2."""
    env = os.environ if env is None else env
    report = Report()
    if config.settings["summaries"] == "off":
        return report
    papers = wanted(store, config, now)
    if not papers:
        return report
    started, budget = clock(), min(budget, MAX_SECONDS)
    if budget < 1:
        report.note = (f"Semantic Scholar: not asked for {_count(len(papers), 'paper')}: "
                       f"no time left of the run's budget")
        return report
    report.asked = len(papers)
    try:
        endpoint = Endpoint.from_env(env)
        report.note = endpoint.key_note
        fetched = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for start in range(0, len(papers), BATCH):
            batch = papers[start:start + BATCH]
            entries = _ask(endpoint, [r["id"] for r in batch], report, started + budget, clock, sleep)
            for record, entry in zip(batch, entries):
                found = entry_tldr(entry, fetched)
                if found is not None:
                    store.put({**record, "s2_tldr": found})
                    report.stored.append(record["id"])
    except AskFailed as exc:
        report.error = str(exc)
    report.seconds = clock() - started
    return report


def _ask(endpoint: Endpoint, ids: list[str], report: Report, deadline: float, clock: Callable[[], float],
         sleep: Callable[[float], None]) -> list[Any]:
    """One batch's entries: one request, and once more after a short Retry-After of a 429 within the deadline."""
    for attempt in (1, 2):
        left = deadline - clock()
        if left < 0.5:
            raise AskFailed("no time left of the run's budget")
        report.requests += 1
        try:
            return parse_answer(post_batch(endpoint, ids, min(endpoint.timeout, left)), len(ids))
        except StatusError as exc:
            wait = retry_after_seconds(exc.retry_after) if exc.status == 429 else None
            if attempt == 2 or wait is None:
                raise
            if wait > RETRY_AFTER_MAX:
                raise AskFailed(f"{exc}; Retry-After {wait:.0f} s is longer than the {RETRY_AFTER_MAX:.0f} s "
                                f"a run waits") from None
            if clock() + wait + 0.5 > deadline:
                raise AskFailed(f"{exc}; no time left of the run's budget to wait {wait:.0f} s") from None
            sleep(wait)
            report.waited += wait
    raise AssertionError("unreachable")


def for_run(store: st.Store, config: Any, now: datetime, dry_run: bool = False,
            time_left: float | None = None) -> Report:
    """The daily run's step (not in a dry run: it writes nothing), within min(time_left, 60 s); logs its one line."""
    if dry_run:
        report = Report()
        if config.settings["summaries"] != "off" and (count := len(wanted(store, config, now))):
            report.note = (f"Semantic Scholar: not asked in a dry run (it writes nothing); a real run asks about "
                           f"{_count(count, 'paper')} in {_count(requests_needed(count), 'request')}")
    else:
        try:
            report = fetch_tldrs(store, config, now, budget=MAX_SECONDS if time_left is None else time_left)
        except Exception as exc:  # noqa: BLE001 - an optional part: what it stored is whole; the rest asks next run
            report = Report(error=f"an unexpected {type(exc).__name__}")
    line = report.line()
    if line and report.error:
        log.warning("%s", line)
    elif line:
        log.info("%s", line)
    return report
