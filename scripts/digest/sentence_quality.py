"""Key-sentence quality on the hand-labelled set tests/fixtures/key_sentences.json (issue 31).

Each labelled paper keeps its abstract as the labeller saw it, split into sentences, with the indices of every
sentence that states what the paper does. A choice is good when it is one of those sentences; the chooser's
own splitting may differ a little from the labeller's, so sentences are compared by their folded start.
Shared by python -m tests.bench key-sentences (prints the figures) and tests/core/test_key_sentence.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core import key_sentence

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "key_sentences.json"
PREFIX = 40  # characters of a folded sentence compared: enough to tell sentences apart, robust to a cut
_WE = re.compile(r"\bwe\b", re.IGNORECASE)
_FOLD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Labelled:
    """One paper: its id, which set it is in (heldout or tune), its sentences and the good ones' indices."""

    id: str
    set: str
    sentences: tuple[str, ...]
    good: frozenset[int]

    @property
    def abstract(self) -> str:
        """The abstract as stored (the labeller's sentences joined by single spaces)."""
        return " ".join(self.sentences)


def load(path: Path = FIXTURE) -> list[Labelled]:
    """The labelled papers, sorted by set and id."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Labelled(p["id"], p["set"], tuple(p["sentences"]), frozenset(p["good"])) for p in data["papers"]]


def fold(text: str) -> str:
    """A sentence's start as compared: lowercase letters and digits only."""
    return _FOLD.sub("", text.lower())[:PREFIX]


def is_good(chosen: str, paper: Labelled) -> bool:
    """Whether a chosen sentence is one the labeller marked good (by its start, either way round)."""
    mine = fold(chosen)
    if not mine:
        return False
    for index in paper.good:
        theirs = fold(paper.sentences[index])
        if theirs and (mine.startswith(theirs[:len(mine)]) or theirs.startswith(mine[:len(theirs)])):
            return True
    return False


def first_sentence(abstract: str) -> str:
    """Baseline: the abstract's first sentence."""
    found = key_sentence.sentences(abstract)
    return found[0] if found else ""


def first_we_sentence(abstract: str) -> str:
    """Baseline: the first sentence that says 'we', else the first sentence."""
    found = key_sentence.sentences(abstract)
    return next((s for s in found if _WE.search(s)), found[0] if found else "")


CHOOSERS: dict[str, Callable[[str], str]] = {
    "first sentence": first_sentence,
    "first sentence with 'we'": first_we_sentence,
    "key sentence": key_sentence.choose,
}


def accuracy(papers: list[Labelled], choose: Callable[[str], str]) -> tuple[int, int]:
    """How many papers' chosen sentence is good, of how many."""
    return sum(is_good(choose(p.abstract), p) for p in papers), len(papers)


def misses(papers: list[Labelled], choose: Callable[[str], str]) -> list[tuple[Labelled, str]]:
    """The papers whose chosen sentence is not good, with what was chosen (for looking at, on the tune set)."""
    return [(p, chosen) for p in papers if not is_good(chosen := choose(p.abstract), p)]
