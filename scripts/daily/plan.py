"""Plan a day's arXiv requests: the topics that fetched before share one query, new ones ask alone.

Each request is one more chance to be throttled, so a normal day sends one query that ORs every
topic's query (with its categories) and shares the answer out with the local check. A query is
split only when it would pass MAX_QUERY_CHARS. The window of each topic reaches back
`overlap_days` before its last successful fetch, so a paper announced days after its stamp
(held in moderation, or late) is still inside it on the day it first appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core import query as q
from core import relevance
from core.clock import iso, parse_time
from core.config import Config, Topic, name_key

MAX_QUERY_CHARS = 2500  # arXiv rejects very long queries (HTTP 414 or 400); ~3.5 KB URL-encoded stays far below 8 KB
MIN_PAGE = 100  # the smallest page a combined query asks for
MAX_OFFSET = 30_000  # arXiv serves at most this many results of one query, in pages of at most 2,000


@dataclass
class SplitPair:
    """The two halves of a failed shared request, asked in turn: a server fault of the first is judged once the
    second has been asked (both failing looks like arXiv being down, not like one topic's query)."""

    first: Request | None = None


@dataclass
class Request:
    """One arXiv query and the topics whose papers it brings."""

    topics: list[Topic]
    query: str
    since: str | None  # ISO time the window reaches back to; None for a new topic's latest `limit` papers
    limit: int
    page_size: int
    starts: tuple[str, ...] = ()  # each shared topic's own window start, so the request can be halved
    part: SplitPair | None = None  # a half of a failed request: what it shares with its other half

    @property
    def shared(self) -> bool:
        """Whether the answer is shared out by the local check (several topics, or one checked like them)."""
        return self.since is not None and all(relevance.checkable(t) for t in self.topics)

    def describe(self) -> str:
        """One line for the log: which topics, back to when."""
        names = ", ".join(t.name for t in self.topics)
        window = f"since {self.since}" if self.since else f"latest {self.limit} (new topic or changed query)"
        return f"{names}: {window}"


def window_start(topic: Topic, state: dict[str, dict[str, str]], papers: list[dict[str, Any]],
                 overlap_days: int, now: datetime) -> str | None:
    """Where a topic's window starts: its last successful fetch minus the overlap; None if it must start anew.

    A topic fetched under another query starts anew. A recorded fetch later than now (a clock was wrong) is
    unknown: like a store from before state.json existed, it windows from the newest stored paper.
    """
    entry = state.get(topic.name) or next((v for k, v in sorted(state.items()) if topic.claims(k)), None)
    overlap = timedelta(days=overlap_days)
    stamps = [p["updated"] for p in papers if p.get("updated")]
    if entry is not None:
        if entry["query"] != query_key(topic):
            return None
        fetched = parse_time(entry["fetched"])
        if fetched <= now:
            since = iso(fetched - overlap)
        elif stamps:  # one of the two clocks was wrong: the fetch is unknown, the stored papers are arXiv's word
            since = iso(min(parse_time(max(stamps)), fetched) - overlap)
        else:
            return None
        return max(since, entry.get("start") or since)
    if not stamps:
        return None
    newest = min(parse_time(max(stamps)), now)
    return iso(newest - overlap)


def clock_warning(state: dict[str, dict[str, str]], now: datetime, fetching: bool) -> str | None:
    """One line when this machine's clock is earlier than a recorded fetch: one of the two clocks was wrong."""
    late = max((e["fetched"] for e in state.values()), default="")
    if not late or parse_time(late) <= now:
        return None
    done = ("windows start from each topic's newest stored paper minus overlap_days, and future dates in arXiv's "
            "answer are judged by arXiv's own time" if fetching else "nothing was fetched")
    return (f"warning: this machine's clock says {iso(now)}, earlier than the fetch recorded in data/state.json at "
            f"{late}: one of the two clocks was wrong; {done}; no stored date was rewritten from this clock")


def query_key(topic: Topic) -> str:
    """What a topic asks, as the user wrote it (spacing aside): a change means it starts anew; our own code's does not."""
    categories = ",".join(topic.expanded_categories)
    return " ".join(topic.query.split()) + (f" | categories: {categories}" if categories else "")


def combined_query(topics: list[Topic]) -> str:
    """Every topic's query, with its categories, joined by OR; topics with the same categories share one cat: clause."""
    if len(topics) == 1:
        return topics[0].arxiv_query()
    by_categories: dict[tuple[str, ...], list[str]] = {}
    for topic in topics:
        by_categories.setdefault(topic.expanded_categories, []).append(f"({q.to_arxiv(topic.tree)})")
    parts = []
    for categories, queries in by_categories.items():
        either = " OR ".join(queries)
        parts.append(f"({either}) AND ({' OR '.join(f'cat:{c}' for c in categories)})" if categories else either)
    return parts[0] if len(parts) == 1 else " OR ".join(f"({part})" for part in parts)


def expected_results(topics: list[Topic], papers: list[dict[str, Any]], since: str, now: datetime) -> int:
    """About what the answer holds: the stored papers inside the window, plus the last 30 stored days' rate times
    the days since the newest of them (a run after weeks off, or the first run on an old store, needs big pages)."""
    keys = {name_key(n) for t in topics for n in (t.name, *t.aliases)}
    stamps = sorted((p["updated"] for p in papers if any(name_key(n) in keys for n in p["topics"])), reverse=True)
    if not stamps:
        return 0
    inside = sum(1 for stamp in stamps if stamp >= since)
    newest = min(parse_time(stamps[0]), now)
    month_before = iso(newest - timedelta(days=30))
    rate = sum(1 for stamp in stamps if stamp >= month_before) / 30
    return inside + round(rate * max(0.0, (now - newest).total_seconds() / 86400))


def plan(config: Config, names: list[str], papers: list[dict[str, Any]], state: dict[str, dict[str, str]],
         now: datetime, solo: frozenset[str] = frozenset()) -> list[Request]:
    """The requests for the named topics: shared queries first (packed under MAX_QUERY_CHARS), then new topics.

    A topic in `solo` (its query failed on its own, see update.after_failure) asks on its own until it succeeds.
    """
    settings = config.settings
    page_size, cap = int(settings["page_size"]), int(settings["max_results_per_topic"])
    by_topic: dict[str, list[dict[str, Any]]] = {}
    for paper in papers:
        for name in paper["topics"]:
            owner = config.claimant(name)  # papers under an earlier name (a rename) count for the topic
            by_topic.setdefault(owner.name if owner else name, []).append(paper)
    shared: list[tuple[Topic, str]] = []
    alone: list[Request] = []
    catch_up = now - timedelta(days=int(settings["overlap_days"]) + 7)  # windows older than this: days were missed
    for topic in (t for t in config.topics if t.name in names):
        since = window_start(topic, state, by_topic.get(topic.name, []), int(settings["overlap_days"]), now)
        if since is None:
            limit = int(settings["initial_results"])
            alone.append(Request([topic], topic.arxiv_query(), None, limit, min(limit, page_size)))
        elif relevance.checkable(topic) and topic.name in solo:
            alone.append(_shared_request([(topic, since)], papers, page_size, cap, now, catch_up))
        elif relevance.checkable(topic):
            shared.append((topic, since))
        else:
            alone.append(Request([topic], topic.arxiv_query(), since, min(MAX_OFFSET, cap + expected_results(
                [topic], papers, since, now)), page_size))
    return [_shared_request(group, papers, page_size, cap, now, catch_up) for group in pack(shared)] + alone


def pack(topics: list[tuple[Topic, str]]) -> list[list[tuple[Topic, str]]]:
    """Consecutive groups of topics whose joined query stays under MAX_QUERY_CHARS (a longer topic goes alone)."""
    groups: list[list[tuple[Topic, str]]] = []
    for item in topics:
        if groups and len(combined_query([t for t, _ in groups[-1]] + [item[0]])) <= MAX_QUERY_CHARS:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _shared_request(group: list[tuple[Topic, str]], papers: list[dict[str, Any]], page_size: int,
                    cap: int, now: datetime, catch_up: datetime) -> Request:
    """One query for a group: the earliest window of its topics, a page of about twice what the window should hold.

    After days without a successful run the page is as large as allowed. The limit counts `max_results_per_topic` new papers per topic on top of those already known in the window,
    so a busy topic's fortnight of overlap never crowds out its late papers.
    """
    topics = [t for t, _ in group]
    since = min(s for _, s in group)
    expected = expected_results(topics, papers, since, now)
    page = min(page_size, max(MIN_PAGE, 2 * expected + MIN_PAGE))
    if parse_time(since) < catch_up:  # catching up after days without a run: the past is no guide, ask for all
        page = page_size
    return Request(topics, combined_query(topics), since, min(MAX_OFFSET, expected + cap * len(topics)), page,
                   tuple(s for _, s in group))


def halves(request: Request, config: Config, papers: list[dict[str, Any]], now: datetime) -> list[Request]:
    """A shared request's topics in two requests, each planned like a day's shared query of its own."""
    settings = config.settings
    page_size, cap = int(settings["page_size"]), int(settings["max_results_per_topic"])
    catch_up = now - timedelta(days=int(settings["overlap_days"]) + 7)
    group = list(zip(request.topics, request.starts, strict=True))
    middle = (len(group) + 1) // 2
    parts = [_shared_request(part, papers, page_size, cap, now, catch_up) for part in (group[:middle], group[middle:])]
    pair = SplitPair(first=parts[0])
    for part in parts:
        part.part = pair
    return parts


def share_out(request: Request, records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The records of each topic of a request: by the local check when shared, else all of them (arXiv's word)."""
    if not request.shared:
        return {t.name: list(records) for t in request.topics}
    return {t.name: [r for r in records if relevance.answers(t, r)] for t in request.topics}
