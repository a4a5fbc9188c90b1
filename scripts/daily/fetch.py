"""Ask arXiv for papers with the `arxiv` package, politely and within a time budget.

The package (4.x) has no request timeout, retries without backoff, paces only after a success
and reads a malformed page as "no results". We keep its Client for URLs, paging and parsing,
and put a requests adapter under it that paces every request (3 s from the end of the previous
answer, failures included, so arXiv never sees a shorter gap), names us (User-Agent, Accept), bounds each whole answer in time and size, drops
entries whose dates cannot be read, and turns bad answers into exceptions we retry with
exponential backoff and jitter, honouring Retry-After. HTTP 429 and 406 are throttling.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import arxiv
import requests
import urllib3
from lxml import etree

from core import text
from core.http import retry_after_seconds
from core.ids import split_id

log = logging.getLogger("daily_papers.fetch")

DEFAULT_URL = "https://export.arxiv.org/api/query"
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ACCEPT = "application/atom+xml"
PROJECT = "daily-papers/2"
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a page of 2,000 entries is about 6 MB; anything near this is broken
MAX_WAIT = 120.0  # a Retry-After longer than this ends the request at once: the next run catches up
THROTTLE_CODES = (429, 406)  # arXiv's edge sheds load with 406 as often as 429 (since 2026-09)
MAX_REASON = 300  # characters of arXiv's own error message kept for the summary
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+$")


BAD_ANSWER, TIMED_OUT, NO_CONNECTION = "a bad answer", "timed out", "no connection"  # Fault.kind, beside "HTTP 5xx"


class Fault(Exception):
    """A failed request: why (in words), whether a retry may help, and how long arXiv asked us to wait."""

    def __init__(self, why: str, retryable: bool = True, retry_after: float | None = None,
                 throttled: int | None = None, rejected: bool = False, kind: str = BAD_ANSWER):
        super().__init__(why)
        self.why = why
        self.kind = kind  # the fault in two or three words, for a day-long outage's one line: 'HTTP 503', TIMED_OUT
        self.retryable = retryable
        self.retry_after = retry_after
        self.throttled = throttled  # the HTTP status when arXiv shed load (429, 406)
        self.rejected = rejected  # arXiv refused this query (HTTP 4xx, an error feed): asking it again cannot help


class TopicFailed(Exception):
    """A request could not be answered after all tries; str() says why, for the summary."""

    def __init__(self, why: str, throttled: int | None = None, tries: int = 0, rejected: bool = False,
                 out_of_time: bool = False, kind: str | None = None):
        super().__init__(why)
        self.kind = kind  # the last failed try's Fault.kind; None when no try failed (the budget ended it first)
        self.throttled = throttled  # the last throttling status, when throttling is why it failed
        self.tries = tries
        self.rejected = rejected  # arXiv refused the query itself (HTTP 400 and the like), not a passing fault
        self.out_of_time = out_of_time  # the run's budget ended it: nothing said about the query

    @property
    def server_fault(self) -> bool:
        """A failure of arXiv's (5xx, timeout, bad page), not of the query, of throttling or of our budget."""
        return not (self.throttled or self.rejected or self.out_of_time)

    @property
    def arxiv_down(self) -> bool:
        """A try failed by arXiv's own fault (5xx, timeout, no connection, a bad page), whether or not the run's
        budget then ended the retries: what a day-long outage is made of."""
        return self.kind is not None and not (self.throttled or self.rejected)


def user_agent() -> str:
    """Who is asking: this project and the repository (GITHUB_REPOSITORY in Actions), as arXiv asks clients to say."""
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    where = f"https://github.com/{repository}" if _REPOSITORY.match(repository) else "a local clone"
    return f"{PROJECT} (+{where}; daily arXiv digest, one request every 3 s)"


def _error_feed_message(content: bytes) -> str | None:
    """The message of an arXiv error feed (an entry whose id is under /api/errors), if any."""
    try:
        root = etree.fromstring(content)
    except etree.XMLSyntaxError:
        return None
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if "/api/errors" in entry_id:
            message = text.log_line(" ".join((entry.findtext(f"{ATOM}summary") or "error").split()))
            return message if len(message) <= MAX_REASON else message[:MAX_REASON - 1] + "…"
    return None


def check_response(response: requests.Response) -> tuple[int, set[str]]:
    """Raise a Fault for anything but a well-formed Atom feed; return its totalResults and the entries to skip.

    An entry whose dates cannot be read gets a placeholder date in the body, and its id is returned
    (with a warning naming it), so one bad entry costs that entry, not the page: the arxiv package
    would fail on the whole page, and removing the entry would shift its paging.
    """
    status = response.status_code
    if status in THROTTLE_CODES:
        raise Fault(f"arXiv throttled us (HTTP {status})", True, retry_after_seconds(response.headers.get("Retry-After")),
                    throttled=status)
    if status >= 500:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if status == 503 and retry_after is not None:  # arXiv's older way of shedding load
            raise Fault(f"arXiv throttled us (HTTP 503, Retry-After {retry_after:.0f} s)", True, retry_after, throttled=503)
        raise Fault(f"arXiv had a server error (HTTP {status})", True, retry_after, kind=f"HTTP {status}")
    if status != 200:
        message = _error_feed_message(response.content)
        detail = f": {message}" if message else ""
        retryable = status in (408, 425)
        raise Fault(f"arXiv rejected the request (HTTP {status}{detail})", retryable, rejected=not retryable)
    try:
        root = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        raise Fault("malformed response (not well-formed XML)") from None
    total = root.findtext(f"{OPENSEARCH}totalResults")
    if root.tag != f"{ATOM}feed" or total is None or not total.strip().isdigit():
        raise Fault("malformed response (not an arXiv Atom feed)")
    message = _error_feed_message(response.content)
    if message:
        raise Fault(f"arXiv answered with an error: {message}", retryable=False, rejected=True)
    undated = mark_undated_entries(root)
    if undated:
        response._content = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return int(total), undated


def mark_undated_entries(root: etree._Element) -> set[str]:
    """Ids of entries whose updated or published stamp is not a date, given a placeholder so the page parses."""
    undated = set()
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
        for tag in ("updated", "published"):
            element = entry.find(f"{ATOM}{tag}")
            if element is None or parse_stamp(element.text) is None:
                log.warning("skipped %s: its <%s> %s is not a date", text.log_line(entry_id) or "an entry", tag,
                            text.log_line(repr(None if element is None else element.text)))
                undated.add(entry_id)
                for name in ("updated", "published"):
                    stamp = entry.find(f"{ATOM}{name}")
                    if stamp is None:
                        stamp = etree.SubElement(entry, f"{ATOM}{name}")
                    stamp.text = "1970-01-01T00:00:00Z"
                break
    return undated


def parse_stamp(text: str | None) -> datetime | None:
    """An Atom timestamp as aware UTC, or None when it is missing or malformed."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_body(response: requests.Response, deadline: float, max_bytes: int, clock: Callable[[], float]) -> bytes:
    """The whole (decompressed) body, failing past the deadline or the size cap; never more than the cap in memory."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise Fault(f"arXiv's answer is {int(length):,} bytes, over the {max_bytes:,}-byte cap", retryable=False)
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - clock()
        if left <= 0:
            raise Fault("arXiv timed out: the answer was still arriving when its time ran out", kind=TIMED_OUT)
        try:
            chunk = response.raw.read1(256 * 1024, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError:
            raise Fault("arXiv timed out: the answer was still arriving when its time ran out", kind=TIMED_OUT) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise Fault(f"arXiv's answer broke off ({type(exc).__name__})") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise Fault(f"arXiv's answer passed the {max_bytes:,}-byte cap (after decompression)", retryable=False)
        chunks.append(chunk)


class _Watchdog:
    """Shuts the socket of the request in flight when its deadline passes, so no trickle (headers or body) outlasts it."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.timer: threading.Timer | None = None
        self.fired = False

    def arm(self, seconds: float) -> None:
        """Start counting down for one request."""
        self.fired = False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def disarm(self) -> None:
        """The request is over (answered or failed)."""
        if self.timer is not None:
            self.timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)


def _watched(pool_class: type, watchdog: _Watchdog) -> type:
    """A urllib3 pool class whose connections report their socket to the watchdog."""
    class WatchedConnection(pool_class.ConnectionCls):  # type: ignore[name-defined]
        def connect(self) -> None:
            super().connect()
            watchdog.sock = self.sock

    return type(f"Watched{pool_class.__name__}", (pool_class,), {"ConnectionCls": WatchedConnection})


class _PoliteAdapter(requests.adapters.HTTPAdapter):
    """Paces, names and bounds every request the arxiv package makes, and checks every answer."""

    def __init__(self, fetcher: Fetcher):
        self.watchdog = _Watchdog()
        super().__init__(max_retries=0)
        self.fetcher = fetcher

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            scheme: _watched(cls, self.watchdog) for scheme, cls in self.poolmanager.pool_classes_by_scheme.items()}
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)

    # requests' stubs spell out send's keyword arguments; this override passes them all on unchanged
    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        fetcher = self.fetcher
        fetcher.pace()
        request.headers["User-Agent"] = fetcher.agent
        request.headers["Accept"] = ACCEPT
        limit = fetcher.request_timeout()
        deadline = fetcher.clock() + limit
        kwargs.update(timeout=limit, stream=True)
        self.watchdog.arm(limit)
        try:
            response = super().send(request, **kwargs)
            response._content = read_body(response, deadline, fetcher.max_bytes, fetcher.clock)
        except Exception:
            if self.watchdog.fired:
                raise Fault(f"arXiv timed out: no whole answer within {limit:.0f} s", kind=TIMED_OUT) from None
            raise
        finally:
            self.watchdog.disarm()
            fetcher.last_end = fetcher.clock()
        fetcher.note_date(response.headers.get("Date"))
        if response.is_redirect:
            return response  # requests follows it (to https, or a moved mirror) with a new, paced request
        fetcher.last_total, undated = check_response(response)
        fetcher.undated |= undated
        return response


def to_record(result: arxiv.Result, now: datetime | None = None) -> dict[str, Any] | None:
    """An arxiv.Result as a store record (without topics); None if its id is not an arXiv id.

    A stamp later than now (arXiv's time from its Date header; a bad answer) is clamped to now with a warning, so it can
    neither sort above every real paper for ever nor claim a date that has not happened.
    """
    parsed = split_id(result.get_short_id())
    if parsed is None:
        return None
    paper_id, version = parsed
    now = now or datetime.now(UTC)
    for name in ("updated", "published"):
        stamp = getattr(result, name)
        if stamp > now + timedelta(hours=1):
            log.warning("%s: its %s date %s is in the future; stored as %s", paper_id, name, _iso(stamp), _iso(now))
            setattr(result, name, now)
    return {
        "id": paper_id,
        "version": version,
        "title": flat(result.title),
        "authors": [flat(a.name) for a in result.authors],
        "abstract": flat(result.summary),
        "comment": flat(result.comment),
        "categories": [flat(c) for c in result.categories],
        "primary_category": flat(result.primary_category),
        "published": _iso(result.published),
        "updated": _iso(result.updated),
    }


def flat(value: Any) -> str:
    """One arXiv field as stored: through the border for outside text (text.clean), whitespace collapsed."""
    return " ".join(text.clean(value).split())


def _iso(moment: datetime) -> str:
    """UTC timestamp in the store's format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Fetcher:
    """One polite arXiv client for a whole run: one connection, paced, bounded in time and size."""

    url: str = DEFAULT_URL
    delay: float = 3.0
    timeout: float = 60.0
    max_tries: int = 4
    budget: float = 900.0
    backoff_base: float = 5.0
    page_size: int = 2000
    max_bytes: int = MAX_RESPONSE_BYTES
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    now: datetime | None = None  # the run's moment, for clamping future stamps (tests and simulations set it)
    requests: int = 0
    last_total: int = 0
    undated: set[str] = field(default_factory=set)  # entry ids whose dates could not be read: skipped
    throttles: list[int] = field(default_factory=list)  # the status of every throttled answer, in order
    started: float = field(default=0.0)
    last_start: float | None = None
    last_end: float | None = None  # when the last answer was wholly read (or the request failed)
    arxiv_now: datetime | None = None  # arXiv's own time: the Date header of its latest answer
    answered_at: datetime | None = None  # the Date of the first answer to the latest fetch(); None without one

    def note_date(self, header: str | None) -> None:
        """Keep arXiv's own time from an answer's Date header: future stamps are judged by it, not our clock."""
        try:
            moment = email.utils.parsedate_to_datetime(header) if header else None
        except (TypeError, ValueError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            self.arxiv_now = moment.astimezone(UTC)

    def __post_init__(self) -> None:
        self.started = self.clock()
        self.agent = user_agent()
        self.client = arxiv.Client(page_size=self.page_size, delay_seconds=0, num_retries=0)  # we pace and retry
        self.client.query_url_format = self.url + "?{}"
        session = requests.Session()
        adapter = _PoliteAdapter(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self.client._session = session  # the package keeps its session here; no public hook exists

    def pace(self) -> None:
        """Wait until `delay` seconds have passed since the last answer ended (failed or not), then count this one.

        Counted from the end, not the start: however long an answer takes, the server's own gap between our
        requests (from its answer, or from the previous arrival) is never under `delay`.
        """
        previous = self.last_end if self.last_end is not None else self.last_start
        if previous is not None:
            wait = previous + self.delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.last_start = self.clock()
        self.requests += 1

    def time_left(self) -> float:
        """Seconds left of the run's fetch budget."""
        return self.budget - (self.clock() - self.started)

    def request_timeout(self) -> float:
        """Time for one whole answer, never past the end of the budget."""
        return max(0.5, min(self.timeout, self.time_left()))

    def _page(self, query: str, offset: int, size: int, retry_failures: bool = True) -> list[arxiv.Result]:
        """One page of results, retried with backoff; raises TopicFailed when it cannot be had.

        Without retry_failures only throttling is retried: a part of a split request, whose whole already spent
        its tries, asks once.
        """
        search = arxiv.Search(query=query, max_results=offset + size,
                              sort_by=arxiv.SortCriterion.LastUpdatedDate,
                              sort_order=arxiv.SortOrder.Descending)

        def ask() -> list[arxiv.Result]:
            self.client.page_size = size
            page = list(self.client.results(search, offset=offset))
            if len(page) < size and offset + len(page) < self.last_total:
                raise Fault(f"arXiv sent an empty page in the middle of the results (start={offset + len(page)})")
            return page

        return self._retrying(ask, retry_failures)

    def _retrying(self, ask: Callable[[], Any], retry_failures: bool = True, retry_throttling: bool = True) -> Any:
        """ask() until it answers, with backoff, within the budget; raises TopicFailed when it cannot be had.

        Without retry_throttling a throttled answer ends it at once: an optional request stops rather than earn
        more throttling.
        """
        throttled: int | None = None  # any throttled try makes the failure a throttling, whatever the last try said
        kind: str | None = None  # the last failed try's fault
        for attempt in range(1, self.max_tries + 1):
            if self.time_left() <= 0:
                raise TopicFailed("the run's time budget for arXiv ran out", throttled, attempt - 1, out_of_time=True,
                                  kind=kind)
            try:
                return ask()
            except Exception as exc:  # noqa: BLE001 - every failure is classified below
                fault = classify(exc)
            kind = fault.kind
            if fault.throttled:
                self.throttles.append(fault.throttled)
                throttled = fault.throttled
            tries = f"{attempt} {'try' if attempt == 1 else 'tries'}"
            if (not fault.retryable or attempt == self.max_tries or not (retry_failures or fault.throttled)
                    or (fault.throttled and not retry_throttling)):
                raise TopicFailed(f"{fault.why} after {tries}", throttled, attempt, fault.rejected, kind=fault.kind)
            wait = self.backoff(attempt, fault.retry_after)
            if wait > MAX_WAIT:
                raise TopicFailed(f"{fault.why} after {tries}; arXiv asked us to wait {wait:.0f} s, longer than this run "
                                  "waits", throttled, attempt, kind=fault.kind)
            if wait > self.time_left():
                raise TopicFailed(f"{fault.why} after {tries}; no time left in the run's budget to wait {wait:.0f} s",
                                  throttled, attempt, out_of_time=True, kind=fault.kind)
            log.warning("%s; retrying in %.1f s", fault.why, wait)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def fetch_ids(self, ids: list[str], retry_throttling: bool = True) -> list[dict[str, Any]]:
        """The records arXiv has for these ids, in one id_list request (a versioned id asks for that version).

        One page of len(ids) entries and no paging: arXiv leaves out ids it does not know, and a totalResults
        that still counts them must not send the client after a page that is not there. Ids arXiv left out are
        simply absent; raises TopicFailed when the request cannot be answered.
        """
        if not ids:
            return []
        search = arxiv.Search(id_list=list(ids), max_results=len(ids))

        def ask() -> list[arxiv.Result]:
            url = self.client._format_url(search, 0, len(ids))  # the package's URL, without its paging loop
            return list(self.client._parse_feed(url, first_page=True).results)

        results = self._retrying(ask, retry_throttling=retry_throttling)
        now = self.arxiv_now or self.now or datetime.now(UTC)
        records: dict[str, dict[str, Any]] = {}
        for result in results:
            record = None if result.entry_id in self.undated else to_record(result, now)
            if record is not None:
                records.setdefault(record["id"], record)
        return list(records.values())

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with full jitter, at least arXiv's delay and any Retry-After."""
        wait = self.backoff_base * (2 ** (attempt - 1)) * (0.5 + random.random() / 2)
        return max(wait, self.delay, retry_after or 0.0)

    def fetch(self, query: str, since: str | None, limit: int, page_size: int | None = None,
              retry_failures: bool = True) -> tuple[list[dict[str, Any]], bool]:
        """Newest-first records back to `since` (all of them if None), at most `limit`; and whether the limit cut it.

        An entry older than `since` is skipped, not the end: an out-of-order entry must not drop the rest of its
        page (see window_ended for when paging stops). Raises TopicFailed, and then nothing is kept: a partial
        window would leave a gap the next run skips.
        """
        page_size = min(page_size or self.page_size, self.page_size)
        records: list[dict[str, Any]] = []
        offset = 0
        self.arxiv_now = self.answered_at = None
        while offset < limit:
            size = min(page_size, limit - offset)
            page = self._page(query, offset, size, retry_failures)
            self.answered_at = self.answered_at or self.arxiv_now
            now = self.arxiv_now or self.now or datetime.now(UTC)  # the local clock only as a fallback
            stamps = []
            for result in page:
                record = None if result.entry_id in self.undated else to_record(result, now)
                if record is None:
                    continue
                stamps.append(record["updated"])
                if since is None or record["updated"] >= since:
                    records.append(record)
            if len(page) < size or (since is not None and window_ended(stamps, since)):
                return records, False
            offset += len(page)
        return records, since is not None


def window_ended(stamps: list[str], since: str) -> bool:
    """Whether a page's tail shows the window is over: its last entries, at least 3 and a tenth of the page, are older.

    A few out-of-order entries at the end of a page do not end it; a page asked for about twice the window
    (plan.py) ends with a long run of older entries.
    """
    tail = max(3, len(stamps) // 10)
    return len(stamps) >= tail and all(stamp < since for stamp in stamps[-tail:])


def classify(exc: Exception) -> Fault:
    """Turn any exception from a request into a Fault with words a user can act on."""
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, requests.exceptions.Timeout):
        return Fault("arXiv timed out", kind=TIMED_OUT)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return Fault("could not connect to arXiv", kind=NO_CONNECTION)
    if isinstance(exc, arxiv.UnexpectedEmptyPageError):
        return Fault("arXiv sent an empty page in the middle of the results")
    if isinstance(exc, arxiv.HTTPError):
        throttled = exc.status if exc.status in THROTTLE_CODES else None
        return Fault(f"arXiv answered HTTP {exc.status}", throttled is not None or exc.status >= 500, throttled=throttled,
                     kind=f"HTTP {exc.status}")
    if isinstance(exc, requests.exceptions.RequestException):
        return Fault(f"request failed ({type(exc).__name__})")
    return Fault(f"unexpected error ({type(exc).__name__}: {exc})", retryable=False)
