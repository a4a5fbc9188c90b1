"""Ranking quality on the labelled set in tests/fixtures/ranking (issue 23): precision at k, ranker vs date order.

Shared by python -m tests.bench ranking (prints the figures) and tests/digest/test_rank.py (holds a floor).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from digest import library, rank

FOLDER = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ranking"


@dataclass(frozen=True)
class Labelled:
    """A library, a day of papers (newest first, as README lists them) and the hand labels."""

    liked: list[rank.Liked]
    day: list[tuple[str, str]]  # (id, title and abstract), newest first
    relevant: dict[str, bool]


def load(folder: Path = FOLDER) -> Labelled:
    """The labelled set: library.bib, day.json, labels.json."""
    liked = [rank.Liked(e.id, e.title, e.text) for e in library.read(folder / "library.bib")]
    day = json.loads((folder / "day.json").read_text(encoding="utf-8"))
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return Labelled(liked, [(p["id"], f"{p['title']}\n{p['abstract']}") for p in day],
                    {i: bool(v["relevant"]) for i, v in labels.items()})


def precision(order: list[str], relevant: dict[str, bool], k: int) -> float:
    """The share of relevant papers among the first k."""
    return sum(relevant[i] for i in order[:k]) / k


def ranker_order(data: Labelled) -> list[str]:
    """The day's ids by the ranker's score, floor ignored (precision at k needs k of them)."""
    return [p.id for p in rank.rank(data.day, data.liked, limit=len(data.day), floor=-1.0)]


def date_order(data: Labelled) -> list[str]:
    """The day's ids newest first: what README shows without picks."""
    return [i for i, _ in data.day]
