"""Issue 35: the venue read from the arXiv comment (core/venue.py) against the hand labels, beside two baselines.

Precision: of the papers given a venue, the share whose venue is the labelled one (a wrong venue counts against it);
recall: of the labelled venues, the share found (a missed one counts against it); status and year accuracy: over the
papers with a venue in both. On every labelled comment and on the held-out half (every other id), which the rules
were not tuned on. Then the time of one hostile comment, 2,000 characters naming 12 venues, and of one ten times
longer: linear time keeps their ratio near 10.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core import venue

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "venues" / "labels.json"
Reader = Callable[[str], "venue.Venue | None"]


@dataclass(frozen=True)
class Figures:
    """One reader's figures on one part of the labelled set."""

    papers: int
    labelled: int
    given: int
    right: int
    status_right: int
    year_right: int
    both: int

    def row(self) -> str:
        """Its table row: precision, recall, status and year accuracy (a dash when undefined)."""
        def share(part: int, whole: int) -> str:
            return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"
        return (f"{self.papers:>6} {self.labelled:>6}  {share(self.right, self.given):>17} "
                f"{share(self.right, self.labelled):>17} {share(self.status_right, self.both):>17} "
                f"{share(self.year_right, self.both):>17}")


def load() -> list[dict]:
    """The labelled comments."""
    return json.loads(LABELS.read_text(encoding="utf-8"))["papers"]


def naive(comment: str) -> venue.Venue | None:
    """The naive baseline: the first known alias anywhere in the comment (any case, even inside a word), accepted,
    with a year only when four digits follow it."""
    table = venue.known()
    lowered = comment.lower()
    hits = [(lowered.find(alias.lower()), alias) for alias in table.names if alias.lower() in lowered]
    if not hits:
        return None
    at, alias = min(hits, key=lambda hit: (hit[0], -len(hit[1])))
    year = re.match(r"\s*((?:19|20)\d{2})", comment[at + len(alias):])
    return venue.Venue(table.names[alias], int(year.group(1)) if year else None, venue.ACCEPTED)


READERS: dict[str, Reader] = {"core.venue": venue.of, "naive: first alias": naive, "no venue": lambda _: None}


def figures(papers: list[dict], read: Reader) -> Figures:
    """A reader's counts on some labelled papers."""
    given = right = status_right = year_right = both = 0
    for paper in papers:
        found = read(paper["comment"])
        given += found is not None
        if found is None or paper["venue"] is None:
            continue
        both += 1
        right += found.name == paper["venue"]
        status_right += found.status == paper["status"]
        year_right += found.year == paper["year"]
    return Figures(len(papers), sum(p["venue"] is not None for p in papers), given, right, status_right, year_right,
                   both)


def hostile(length: int) -> str:
    """A comment of about `length` characters naming 12 venues over and over, with cue words and years."""
    names = ["ICASSP", "Interspeech", "NeurIPS", "ACL", "EMNLP", "TASLP", "IEEE SPL", "ACM MM", "SLT", "ASRU",
             "ICLR", "ICML"]
    parts, i = [], 0
    while sum(map(len, parts)) < length:
        parts.append(f"{'submitted to' if i % 3 else 'not accepted to'} {names[i % 12]} 20{20 + i % 7}, ")
        i += 1
    return "".join(parts)[:length]


def seconds(comment: str, repeat: int) -> float:
    """The median time of reading one comment's venue."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        venue.of(comment)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def venue_figures(repeat: int = 50) -> int:
    """Print the table: each reader on all labelled comments and on the held-out half; then the hostile timing."""
    papers = load()
    parts = {"all": papers, "held-out": [p for p in papers if p["split"] == "held-out"]}
    print(f"Venue of the arXiv comment (issue 35): {len(papers)} hand-labelled comments of the shipped store, "
          f"{sum(p['venue'] is not None for p in papers)} naming a venue; targets: precision >= 0.97, "
          "recall >= 0.93, status >= 0.95")
    print(f"{'set':<9} {'reader':<19} {'papers':>6} {'venues':>6}  {'precision':>17} {'recall':>17} "
          f"{'status':>17} {'year':>17}")
    for part, chosen in parts.items():
        for name, read in READERS.items():
            print(f"{part:<9} {name:<19} {figures(chosen, read).row()}")
    short, long = hostile(2_000), hostile(20_000)
    venue.of(short)
    a, b = seconds(short, repeat), seconds(long, max(repeat // 5, 1))
    print(f"hostile comment, 12 venues: 2,000 characters {a * 1e3:.2f} ms, 20,000 characters {b * 1e3:.2f} ms "
          f"(ratio {b / a:.1f}; linear is about 10)")
    return 0
