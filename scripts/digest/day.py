"""The day's content for the email: the digest record the picks step made, or one built from the run's new papers.

The record is shaped as INTERFACES.md fixes it (data/digests/YYYY-MM-DD.json): {"date", "new": {topic: [ids]},
"picks": [{"id", "score", "because": {"id", "title"}}]}. It holds ids only; details come from the store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core import clock


def from_new_papers(new_papers: dict[str, list[dict[str, Any]]], day: str) -> dict[str, Any]:
    """A record without picks, from Outcome.new_papers: used until the picks step sets outcome.day."""
    return {"date": day, "new": {topic: [p["id"] for p in papers] for topic, papers in new_papers.items() if papers},
            "picks": []}


def record_of(outcome: Any, now: datetime) -> dict[str, Any]:
    """This run's part of the day's record: outcome.day when the picks step made one, else one without picks.

    The day's record is the union of the day's runs (a second run merges into it), but each run mails only the
    papers it made new, so no paper is mailed twice: the record is cut to this run's papers and their picks.
    """
    ours = from_new_papers(outcome.new_papers, clock.run_day((getattr(r, "arxiv_time", None) for r in outcome.runs), now))
    made = getattr(outcome, "day", None)
    return only_ours(made, ours) if made else ours


def only_ours(record: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """The record's topics and picks limited to this run's new papers, in the record's order (its date kept)."""
    new = {}
    for topic, ids in ours["new"].items():
        mine = set(ids)
        listed = [i for i in (record.get("new") or {}).get(topic, []) if i in mine]
        new[topic] = listed + [i for i in ids if i not in set(listed)]
    kept = {i for ids in new.values() for i in ids}
    picks = [p for p in record.get("picks") or [] if isinstance(p, dict) and p.get("id") in kept]
    return {"date": record.get("date") or ours["date"], "new": new, "picks": picks}


def new_ids(record: dict[str, Any]) -> list[str]:
    """Every paper new this day, once each, in the record's order (a paper of two topics counts once)."""
    seen: dict[str, None] = {}
    for ids in (record.get("new") or {}).values():
        seen.update((i, None) for i in ids)
    return list(seen)
