"""core.http: Retry-After is read one way by every client (arXiv's fetch, Semantic Scholar)."""

from __future__ import annotations

from core import http
from daily import fetch
from digest import semantic_scholar


def test_retry_after_is_seconds_or_a_dated_moment() -> None:
    assert http.retry_after_seconds(" 7 ") == 7.0
    assert http.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert http.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0  # past: no wait
    assert http.retry_after_seconds("1.5") is None and http.retry_after_seconds("") is None


def test_the_clients_share_the_one_parser() -> None:
    assert fetch.retry_after_seconds is http.retry_after_seconds
    assert semantic_scholar.retry_after_seconds is http.retry_after_seconds
