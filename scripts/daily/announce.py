"""What a commit announces: the papers its store adds or revises over the store of the commit it is built on.

Counting against the parent commit's store, not against what this run fetched, keeps the counts true:
papers a killed run stored but never committed are announced by the next commit, and a run that lost a
push race counts only what its rebuilt commit adds on top of the new remote tip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core import store as st
from core.models import TopicRun

Records = dict[str, dict[str, Any]]


@dataclass
class Baseline:
    """The store of the commit a run builds on, read shard by shard when asked."""

    read: Callable[[set[str]], Records]  # that commit's records in these shards (e.g. {'2601.json'})
    changed: Callable[[], set[str]]  # shards on disk that already differ from it (a killed run, a backfill)

    @classmethod
    def of_store(cls, store: st.Store) -> Baseline:
        """A baseline that is the store as it is now (its records are replaced, never mutated, by merges)."""
        snapshot = dict(store.papers)

        def read(names: set[str]) -> Records:
            return {i: r for i, r in snapshot.items() if st.shard_name(i) in names}

        def changed() -> set[str]:  # shards whose records were replaced since, saved or not (a backfill saves)
            return {st.shard_name(i) for i, r in store.papers.items() if snapshot.get(i) is not r}

        return cls(read=read, changed=changed)


def changes(baseline: Baseline, store: st.Store, renamed: dict[str, str] | None = None) -> dict[str, st.MergeCounts]:
    """Per topic: papers new in it, new to the store, or at a newer version than in the baseline.

    renamed maps a stored topic name to the topic that took it over (an alias): its papers are not new there.
    """
    renamed = renamed or {}
    names = baseline.changed() | store.dirty
    before = baseline.read(names)
    out: dict[str, st.MergeCounts] = {}
    for paper_id, record in sorted(store.papers.items()):
        if st.shard_name(paper_id) not in names:
            continue
        old = before.get(paper_id)
        if old == record:
            continue
        old_topics = {renamed.get(t, t) for t in old["topics"]} if old else set()
        newer = old is not None and record["version"] > old["version"]
        for topic in record["topics"]:
            if topic not in old_topics:
                counts = out.setdefault(topic, st.MergeCounts())
                counts.new.append(paper_id)
                if old is None:
                    counts.created.append(paper_id)
            elif newer:
                out.setdefault(topic, st.MergeCounts()).updated.append(paper_id)
    return out


def assign(runs: list[TopicRun], found: dict[str, st.MergeCounts], topics: list[str]) -> list[TopicRun]:
    """Set each configured topic's new/created/updated to what the commit adds; a topic not fetched gets a run."""
    by_name = {r.name: r for r in runs}
    for name in topics:
        counts = found.get(name)
        if counts is None:
            if name in by_name:
                by_name[name].new, by_name[name].created, by_name[name].updated = [], [], []
            continue
        run = by_name.get(name)
        if run is None:
            run = by_name[name] = TopicRun(name)
            runs.append(run)
        run.new, run.created, run.updated = counts.new, counts.created, counts.updated
    return runs
