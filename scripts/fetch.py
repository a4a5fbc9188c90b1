"""Fetch new papers per topic with the `arxiv` package, politely and within a time budget.

The package (4.x) has no request timeout, retries without backoff and reads a malformed page
as "no results". We keep its Client for URLs, paging and parsing, and put a requests adapter
under it that adds a timeout, counts requests and turns bad answers into exceptions we retry
with exponential backoff and jitter, honouring Retry-After.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import arxiv
import requests
from lxml import etree

from store import split_id

log = logging.getLogger("daily_papers.fetch")

DEFAULT_URL = "https://export.arxiv.org/api/query"
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


class Fault(Exception):
    """A failed request: why (in words), whether a retry may help, and how long arXiv asked us to wait."""

    def __init__(self, why: str, retryable: bool = True, retry_after: float | None = None):
        super().__init__(why)
        self.why = why
        self.retryable = retryable
        self.retry_after = retry_after


class TopicFailed(Exception):
    """A topic could not be fetched after all tries; str() says why, for the summary."""


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse Retry-After: either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _error_feed_message(content: bytes) -> str | None:
    """The message of an arXiv error feed (an entry whose id is under /api/errors), if any."""
    try:
        root = etree.fromstring(content)
    except etree.XMLSyntaxError:
        return None
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if "/api/errors" in entry_id:
            return " ".join((entry.findtext(f"{ATOM}summary") or "error").split())
    return None


def check_response(response: requests.Response) -> int:
    """Raise a Fault for anything but a well-formed Atom feed; return its totalResults."""
    status = response.status_code
    if status == 429:
        raise Fault("arXiv rate-limited us (HTTP 429)", True, retry_after_seconds(response.headers.get("Retry-After")))
    if status >= 500:
        raise Fault(f"arXiv had a server error (HTTP {status})", True, retry_after_seconds(response.headers.get("Retry-After")))
    if status != 200:
        message = _error_feed_message(response.content)
        detail = f": {message}" if message else ""
        raise Fault(f"arXiv rejected the request (HTTP {status}{detail})", retryable=status in (408, 425))
    try:
        root = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        raise Fault("malformed response (not well-formed XML)") from None
    total = root.findtext(f"{OPENSEARCH}totalResults")
    if root.tag != f"{ATOM}feed" or total is None or not total.strip().isdigit():
        raise Fault("malformed response (not an arXiv Atom feed)")
    message = _error_feed_message(response.content)
    if message:
        raise Fault(f"arXiv answered with an error: {message}", retryable=False)
    return int(total)


class _PoliteAdapter(requests.adapters.HTTPAdapter):
    """Adds a timeout to every request (the arxiv package sets none) and counts requests."""

    def __init__(self, fetcher: "Fetcher"):
        super().__init__(max_retries=0)
        self.fetcher = fetcher

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.fetcher.requests += 1
        kwargs["timeout"] = self.fetcher.request_timeout()
        response = super().send(request, **kwargs)
        self.fetcher.last_total = check_response(response)
        return response


def to_record(result: arxiv.Result) -> dict[str, Any] | None:
    """An arxiv.Result as a store record (without topics); None if its id is not an arXiv id."""
    parsed = split_id(result.get_short_id())
    if parsed is None:
        return None
    paper_id, version = parsed
    return {
        "id": paper_id,
        "version": version,
        "title": " ".join(result.title.split()),
        "authors": [a.name for a in result.authors],
        "abstract": " ".join((result.summary or "").split()),
        "comment": " ".join((result.comment or "").split()),
        "categories": list(result.categories),
        "primary_category": result.primary_category or "",
        "published": _iso(result.published),
        "updated": _iso(result.updated),
    }


def _iso(moment: datetime) -> str:
    """UTC timestamp in the store's format."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Fetcher:
    """One polite arXiv client for a whole run: one connection, paced, bounded in time."""

    url: str = DEFAULT_URL
    delay: float = 3.0
    timeout: float = 30.0
    max_tries: int = 4
    budget: float = 900.0
    backoff_base: float = 5.0
    page_size: int = 200
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0
    last_total: int = 0
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()
        self.client = arxiv.Client(page_size=self.page_size, delay_seconds=self.delay, num_retries=0)
        self.client.query_url_format = self.url + "?{}"
        session = requests.Session()
        adapter = _PoliteAdapter(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self.client._session = session  # the package keeps its session here; no public hook exists

    def time_left(self) -> float:
        """Seconds left of the run's fetch budget."""
        return self.budget - (self.clock() - self.started)

    def request_timeout(self) -> float:
        """Per-request timeout, never past the end of the budget."""
        return max(0.5, min(self.timeout, self.time_left()))

    def _page(self, query: str, offset: int, size: int) -> list[arxiv.Result]:
        """One page of results, retried with backoff; raises TopicFailed when it cannot be had."""
        search = arxiv.Search(query=query, max_results=offset + size,
                              sort_by=arxiv.SortCriterion.LastUpdatedDate,
                              sort_order=arxiv.SortOrder.Descending)
        self.client.page_size = size
        for attempt in range(1, self.max_tries + 1):
            if self.time_left() <= 0:
                raise TopicFailed("the run's time budget for arXiv ran out")
            try:
                page = list(self.client.results(search, offset=offset))
                if len(page) < size and offset + len(page) < self.last_total:
                    raise Fault(f"arXiv sent an empty page in the middle of the results (start={offset + len(page)})")
                return page
            except Exception as exc:  # noqa: BLE001 - every failure is classified below
                fault = classify(exc)
            tries = f"{attempt} {'try' if attempt == 1 else 'tries'}"
            if not fault.retryable or attempt == self.max_tries:
                raise TopicFailed(f"{fault.why} after {tries}")
            wait = self.backoff(attempt, fault.retry_after)
            if wait > self.time_left():
                raise TopicFailed(f"{fault.why} after {tries}; no time left in the run's budget to wait {wait:.0f} s")
            log.warning("%s; retrying in %.1f s", fault.why, wait)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with full jitter, at least arXiv's delay and any Retry-After."""
        wait = self.backoff_base * (2 ** (attempt - 1)) * (0.5 + random.random() / 2)
        return max(wait, self.delay, retry_after or 0.0)

    def fetch(self, query: str, since: str | None, initial: int, cap: int) -> tuple[list[dict[str, Any]], bool]:
        """Newest-first records until one is older than `since` (or `initial` for a new topic).

        Returns the records and whether the cap cut the window short. Raises TopicFailed, and
        then nothing of the topic is kept: a partial window would leave a gap the next run skips.
        """
        limit = initial if since is None else cap
        records: list[dict[str, Any]] = []
        offset = 0
        while offset < limit:
            size = min(self.page_size, limit - offset)
            page = self._page(query, offset, size)
            for result in page:
                record = to_record(result)
                if record is None:
                    continue
                if since is not None and record["updated"] < since:
                    return records, False
                records.append(record)
            if len(page) < size:
                return records, False
            offset += len(page)
        return records, since is not None


def classify(exc: Exception) -> Fault:
    """Turn any exception from a request into a Fault with words a user can act on."""
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, requests.exceptions.Timeout):
        return Fault("arXiv timed out")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return Fault("could not connect to arXiv")
    if isinstance(exc, arxiv.UnexpectedEmptyPageError):
        return Fault("arXiv sent an empty page in the middle of the results")
    if isinstance(exc, arxiv.HTTPError):
        return Fault(f"arXiv answered HTTP {exc.status}", exc.status == 429 or exc.status >= 500)
    if isinstance(exc, requests.exceptions.RequestException):
        return Fault(f"request failed ({type(exc).__name__})")
    return Fault(f"unexpected error ({type(exc).__name__}: {exc})", retryable=False)
