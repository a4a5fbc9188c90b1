"""What a commit announces: the store's changes over the parent commit's store."""

from __future__ import annotations

from pathlib import Path

from core import store as st
from core.models import TopicRun
from daily import announce


def rec(paper_id: str, topics: list[str], version: int = 1) -> dict:
    return st.new_record(id=paper_id, version=version, title=f"Paper {paper_id}", abstract="", updated="2026-01-01",
                         topics=topics)


def test_changes_count_what_the_store_adds_over_the_baseline(tmp_path: Path) -> None:
    store = st.Store(tmp_path)
    for record in (rec("2601.00001", ["A"]), rec("2601.00002", ["A"]), rec("2512.00003", ["Old name"])):
        store.put(record)
    store.dirty.clear()
    base = announce.Baseline.of_store(store)
    st.merge(store, "A", [rec("2601.00004", []), rec("2601.00002", [], version=2)])  # new; revised
    st.merge(store, "B", [rec("2601.00001", [])])  # stored already, joins B
    st.adopt_topics(store, {"Old name": "New name"})  # an alias: not news
    found = announce.changes(base, store, {"Old name": "New name"})
    assert {t: (c.new, c.created, c.updated) for t, c in found.items()} == {
        "A": (["2601.00004"], ["2601.00004"], ["2601.00002"]), "B": (["2601.00001"], [], [])}


def test_changes_see_shards_already_on_disk_and_assign_gives_unfetched_topics_a_run(tmp_path: Path) -> None:
    store = st.Store(tmp_path)
    store.put(rec("2601.00001", ["A", "C"]))
    store.dirty.clear()  # saved by a run that was killed before committing: nothing in memory is dirty
    base = announce.Baseline(read=lambda names: {}, changed=lambda: {"2601.json"})
    runs = [TopicRun("A", new=["stale"]), TopicRun("B", new=["stale"])]
    announce.assign(runs, announce.changes(base, store), ["A", "B", "C"])
    assert [(r.name, r.new, r.created) for r in runs] == [
        ("A", ["2601.00001"], ["2601.00001"]), ("B", [], []), ("C", ["2601.00001"], ["2601.00001"])]
