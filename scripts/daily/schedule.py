"""The fetch step: ask arXiv as the plan says, split a refused request into halves, stop when arXiv throttles."""


from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from core import clock, text
from core import config as cfg
from core import store as st
from core.models import FetchReport, TopicRun
from daily import fetch, plan, report
from daily import state as fetch_state

log = logging.getLogger("daily_papers")


class ArxivClient(Protocol):
    """What the fetch step needs of an arXiv client: daily.fetch.Fetcher, or a scripted one in the unit tests."""

    requests: int  # requests sent so far (each try counts)
    answered_at: datetime | None  # arXiv's Date on the first answer to the latest fetch
    throttles: list[int]  # the status of every throttled answer, in order

    @property
    def clock(self) -> Callable[[], float]:
        """Seconds on a monotonic clock (read only: the fetch step never sets it)."""
        ...

    def fetch(self, query: str, since: str | None, limit: int, page_size: int | None = None,
              retry_failures: bool = True) -> tuple[list[dict[str, Any]], bool]:
        """Newest-first records back to `since`, at most `limit`, and whether the limit cut them; or TopicFailed."""
        ...


Split = Callable[[plan.Request], list[plan.Request]]  # a failed request's two halves


def fetch_topics(config: cfg.Config, store: st.Store, names: list[str], fetcher: ArxivClient,
                 root: Path, now: datetime) -> tuple[list[TopicRun], FetchReport]:
    """Ask arXiv as the plan says (one shared query on a normal day); a failed request fails its topics only.

    A shared request that arXiv rejects or keeps failing is asked again in halves, down to one topic, so every
    topic whose own query works gets its day (after_failure). When arXiv still throttles after all tries of a
    request, the rest is not asked: more requests would only earn more throttling, and the next run catches up
    from the last successful fetch.
    """
    papers = list(store.papers.values())
    solo = frozenset(owner.name for name in fetch_state.alone(root) if (owner := config.claimant(name)))  # renamed too
    queue = plan.plan(config, names, papers, fetch_state.load(root), now, solo)
    return ask_all(queue, names, fetcher, lambda request: plan.halves(request, config, papers, now), now)


def ask_all(queue: list[plan.Request], names: list[str], fetcher: ArxivClient, split: Split, now: datetime
            ) -> tuple[list[TopicRun], FetchReport]:
    """Ask each planned request in turn, the halves of a failed one next; none after arXiv kept throttling."""
    runs = {name: TopicRun(name) for name in names}
    fetch_report = FetchReport(now=now)
    started, planned = fetcher.clock(), len(queue)
    pending: dict[int, Held] = {}  # first halves that failed by a server fault, judged after their other half
    faults: list[fetch.TopicFailed] = []  # every failed request's failure, in order
    number = 0
    while queue:
        request = queue.pop(0)
        number += 1
        topic_runs = [runs[t.name] for t in request.topics]
        if fetch_report.skipped or any(r.throttled for r in runs.values()):
            skip(fetch_report, topic_runs, next(r.throttled for r in runs.values() if r.throttled))
            continue
        label = f"request {number} of {planned}" if number <= planned else f"request {number} (a part of a split one)"
        queue[:0] = ask_one(request, label, topic_runs, fetcher, split, pending, now, faults)
    for held in pending.values():  # a first half whose other half was never asked (throttling stopped the run)
        fail_request(*held, own=False)
    fetch_report.requests = fetcher.requests
    fetch_report.seconds = fetcher.clock() - started
    fetch_report.throttles = list(fetcher.throttles)
    fetch_report.unreachable = unreachable(faults, number, fetcher.requests, bool(fetcher.throttles))
    if fetch_report.unreachable:  # one outage, said once: no topic failed on its own
        for run in runs.values():
            run.error, run.alone = fetch_report.unreachable, None
    return [runs[n] for n in names], fetch_report


def unreachable(faults: list[fetch.TopicFailed], asked: int, requests: int, throttled: bool) -> str | None:
    """The one line for a day arXiv answered no request (all 5xx, timeouts or no connection), else None.

    Such a day is arXiv's outage, not a topic's fault: it is said once, and the next run catches up from the
    last successful fetch. Throttling or a rejected query are not an outage; the run's budget ending the retries
    of failed tries (or the requests after them) is still one, as the budget only ran out because arXiv was down.
    """
    if not faults or len(faults) < asked or throttled:
        return None
    if not all(f.arxiv_down or (f.out_of_time and f.kind is None) for f in faults) or not any(f.arxiv_down
                                                                                           for f in faults):
        return None
    kinds = list(dict.fromkeys(f.kind for f in faults if f.kind))
    return f"arXiv was unreachable ({' or '.join(kinds)} on all {requests} requests)"


def skip(fetch_report: FetchReport, topic_runs: list[TopicRun], throttled: int | None) -> None:
    """A request not asked because arXiv kept throttling an earlier one: its topics fail, the next run catches up."""
    fetch_report.skipped += [r.name for r in topic_runs]
    for run in topic_runs:
        run.error = "not asked: arXiv kept throttling this run's earlier request"
        run.throttled = throttled


def ask_one(request: plan.Request, label: str, topic_runs: list[TopicRun], fetcher: ArxivClient, split: Split,
            pending: dict[int, Held], now: datetime, faults: list[fetch.TopicFailed]) -> list[plan.Request]:
    """Ask one request and share its answer out; what to ask next because of it (halves after a failure)."""
    report.group_start(f"{label}: {request.describe()}")
    log.info("%s: %s; query: %s", label, text.log_line(request.describe()), text.log_line(request.query))
    before = fetcher.requests
    try:
        records, capped = fetcher.fetch(request.query, request.since, request.limit, request.page_size,
                                        retry_failures=request.part is None)
    except fetch.TopicFailed as exc:
        faults.append(exc)
        after = after_failure(request, topic_runs, exc, split, pending)
    else:
        take_records(request, topic_runs, records, capped, fetcher.answered_at, now)
        after = settle(pending.pop(id(request.part), None), split, arxiv_up=True)
    for run in topic_runs:
        run.requests += fetcher.requests - before
    report.group_end()
    return after


Held = tuple[plan.Request, list[TopicRun], fetch.TopicFailed]  # a failed request whose fate waits on its other half


def after_failure(request: plan.Request, topic_runs: list[TopicRun], exc: fetch.TopicFailed,
                  split: Split, pending: dict[int, Held]) -> list[plan.Request]:
    """What to ask after a failed request: its halves, or nothing (its topics fail).

    A rejection (HTTP 400) is about a query's text, so it splits on at once. A server fault of a first half waits
    for the second half: when that fails by a server fault too, arXiv looks down and neither splits further (no
    topic is blamed, the extra requests stay bounded); when it answers, the first half's fault was its own.
    """
    pair = request.part
    if pair is not None and pair.first is request and exc.server_fault:
        pending[id(pair)] = (request, topic_runs, exc)
        return []
    held = pending.pop(id(pair), None) if pair is not None else None
    if held is not None and exc.server_fault:
        log.warning("%s: %s again, like the other half: arXiv looks down, so neither is split further",
                    _names(t.name for t in request.topics), exc.kind)
        fail_request(*held, own=False)
        fail_request(request, topic_runs, exc, own=False)
        return []
    return split_or_fail(request, topic_runs, exc, split) + settle(
        held, split, arxiv_up=not (exc.throttled or exc.out_of_time))


def settle(held: Held | None, split: Split, arxiv_up: bool
           ) -> list[plan.Request]:
    """A waiting first half, once its other half was asked: split on (arXiv answered that one), or failed."""
    if held is None:
        return []
    if arxiv_up:
        return split_or_fail(*held, split)
    fail_request(*held, own=False)
    return []


def split_or_fail(request: plan.Request, topic_runs: list[TopicRun], exc: fetch.TopicFailed,
                  split: Split) -> list[plan.Request]:
    """A failed request's two halves, or none (throttled, out of time, one topic): then its topics fail."""
    if exc.throttled or exc.out_of_time or len(request.topics) < 2 or len(request.starts) != len(request.topics):
        fail_request(request, topic_runs, exc, own=True)
        return []
    why = ("to find the topic whose query arXiv rejects" if exc.rejected
           else "in case one topic's query is what arXiv fails on (arXiv may also be down)")
    log.warning("%s: %s; asking again in two halves %s", _names(t.name for t in request.topics), exc, why)
    return split(request)


def _names(names: Iterable[str]) -> str:
    """Topic names for a log line: each one line and inert as a workflow command."""
    return ", ".join(text.log_line(n) for n in names)


def fail_request(request: plan.Request, topic_runs: list[TopicRun], exc: fetch.TopicFailed, own: bool) -> None:
    """Mark a request's topics failed; a topic whose query failed on its own (own: not with arXiv down) is named
    with the query it sent and asks alone next run."""
    alone = own and len(topic_runs) == 1 and not exc.throttled and not exc.out_of_time
    for run in topic_runs:
        run.error, run.throttled = str(exc), exc.throttled
        if alone:
            run.error = f"{exc}; the query it sent alone: {request.query}"
            run.alone = True
    if own:
        log.warning("%s: %s", _names(r.name for r in topic_runs), text.log_line(topic_runs[0].error))
    else:  # arXiv looked down: the run's end says so once, for every topic (unreachable) or for these
        log.info("%s: not fetched: %s", _names(r.name for r in topic_runs), exc)


def take_records(request: plan.Request, topic_runs: list[TopicRun], records: list[dict[str, Any]], capped: bool,
                 answered: datetime | None, now: datetime) -> None:
    """Give each topic of an answered request its share, and the window this fetch covered (by arXiv's clock:
    the local one may be wrong either way; ours only when arXiv sent no Date)."""
    shares = plan.share_out(request, records)
    log.info("%d papers from arXiv", len(records))
    for topic, run in zip(request.topics, topic_runs, strict=True):
        run.records, run.since = shares[topic.name], request.since
        run.capped = capped and request.since is not None
        run.new_topic = request.since is None
        run.query = plan.query_key(topic)
        run.arxiv_time = clock.iso(answered) if answered else None
        run.fetched = None if run.capped else clock.iso(answered or now)
        run.alone = False
        if run.new_topic and run.records and len(records) >= request.limit:
            run.start = min(r["updated"] for r in run.records)  # older ones are --backfill's, not news


def next_alone(config: cfg.Config, stored: list[str], runs: list[TopicRun]) -> list[str]:
    """The topics that ask alone next run: those whose query failed alone, until it succeeds; gone topics drop out."""
    decided = {r.name: r.alone for r in runs if r.alone is not None}
    kept = {owner.name for name in stored if (owner := config.claimant(name)) is not None}
    return sorted(n for n in kept | set(decided) if decided.get(n, n in kept))
