"""Fetch a topic's older papers month by month, saving after each month so an interrupted backfill resumes."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

from core import jsonfile, layout
from core import store as st
from core.clock import parse_time
from core.config import Config
from core.models import TopicRun
from daily import fetch, ledger, plan
from daily import state as fetch_state

log = logging.getLogger("daily_papers.backfill")
STATE = Path(layout.BACKFILL)


def months(since: date, until: date) -> list[tuple[date, date]]:
    """Calendar months from until back to since, newest first, clipped to both ends."""
    out = []
    end = until
    while end >= since:
        first = end.replace(day=1)
        out.append((max(first, since), end))
        end = first - timedelta(days=1)
    return out


def month_query(query: str, start: date, end: date) -> str:
    """The topic's query limited to papers submitted within [start, end]."""
    return f"({query}) AND submittedDate:[{start:%Y%m%d}0000 TO {end:%Y%m%d}2359]"


def load_state(root: Path) -> dict[str, list[str]]:
    """Months already backfilled per topic ('2025-03'), so a rerun skips them."""
    path = root / STATE
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        raise st.StoreError(f"{STATE}: invalid JSON; delete it to backfill every month again") from None
    return state if isinstance(state, dict) else {}


def run(config: Config, store: st.Store, names: list[str], fetcher: fetch.Fetcher, since: date,
        root: Path, today: date | None = None, save: bool = True) -> list[TopicRun]:
    """Backfill each named topic back to `since`; stops a topic at its first failure (resume later).

    save=False (--dry-run) merges in memory only: no shard and no data/backfill.json is written.
    """
    state = load_state(root)
    runs = []
    cap = int(config.settings["max_results_per_topic"])
    for topic in config.topics:
        if topic.name not in names:
            continue
        topic_run = TopicRun(topic.name)
        done = set(state.get(topic.name, []))
        todo = [m for m in months(since, today or date.today()) if f"{m[1]:%Y-%m}" not in done]
        before = fetcher.requests
        for index, (start, end) in enumerate(todo, 1):
            label = f"{end:%Y-%m}"
            try:
                records, _ = fetcher.fetch(month_query(topic.arxiv_query(), start, end), None, cap, cap)
            except fetch.TopicFailed as exc:
                topic_run.error = f"backfill stopped at {label}: {exc}; run it again to resume"
                topic_run.throttled = exc.throttled
                break
            counts = st.merge(store, topic.name, records)
            topic_run.new += counts.new
            topic_run.created += counts.created
            topic_run.updated += counts.updated
            if save:
                store.save(before=ledger.shard_recorder(root))
            if len(records) >= cap:
                log.warning("%s %s: %d papers, the cap; raise max_results_per_topic to get all", topic.name, label, cap)
            done.add(label)
            state[topic.name] = sorted(done)
            if save:
                jsonfile.write_json(root / STATE, state, ensure_ascii=True)
            print(f"backfill {topic.name} [{index}/{len(todo)}] {label}: {len(records)} papers, "
                  f"{len(counts.new)} new", flush=True)
        topic_run.requests = fetcher.requests - before
        runs.append(topic_run)
    return runs


def daily_windows(config: Config, store: st.Store, root: Path, now: datetime) -> dict[str, str | None]:
    """Where each topic's next daily fetch would start (daily.plan.window_start), taken before the backfill stores
    anything: None for a topic the daily fetch would start anew (no window yet)."""
    state = fetch_state.load(root)
    overlap = int(config.settings["overlap_days"])
    return {t.name: plan.window_start(t, state, store.topic_papers(t.name), overlap, now) for t in config.topics}


def older_than_windows(store: st.Store, runs: list[TopicRun], windows: Mapping[str, str | None]) -> frozenset[str]:
    """The papers the backfill stored that the daily fetch would never have brought: marked "backfilled" in the day's
    record (digest/picks.py), so no channel is sent them.

    Why the daily window and not simply "everything a --backfill stores": a backfill run before the morning's cron
    (or one filling the gap a capped run left, as report.py suggests) also stores papers the next daily run would
    have fetched, stored and sent; those stay news and are sent. A paper is older than the windows when its date
    ("updated", what the windows compare) is before the window start of every configured topic that lists it; a
    topic with no window yet (new, or its query changed) has only history here."""
    found: set[str] = set()
    for paper_id in {i for run in runs for i in run.new}:
        paper = store.papers.get(paper_id) or {}
        stamp = paper.get("updated")
        starts = [windows[t] for t in paper.get("topics", []) if t in windows]
        if not isinstance(stamp, str) or not stamp:
            found.add(paper_id)
            continue
        moment = parse_time(stamp)
        if all(start is None or moment < parse_time(start) for start in starts):
            found.add(paper_id)
    return frozenset(found)
