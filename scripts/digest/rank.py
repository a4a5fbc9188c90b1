"""Rank new papers by how close they are to the reader's library (issue 23): TF-IDF over title and abstract.

Since issue 36 this is the cold start: with fewer than picks.MIN_LIKED liked papers (or a store with nothing yet to
learn against) the picks rank by likeness here; from then on digest/learn.py learns a model per interest.

A paper's score is the mean cosine similarity of its TOP_K best matches in the library (its best match counts
most, and one stray shared word with a single library paper counts less than a close neighbourhood), not its
similarity to the library's centroid, which blurs a library of several subjects into none. No model, no
randomness: the same texts give the same picks. A paper whose score is below FLOOR is never picked, so a day
with nothing close to the library shows no picks. `because` is the library paper it is closest to.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

TOP_K = 5  # library matches averaged into a paper's score
FLOOR = 0.095  # below: "nothing close". Set on the first labelled set (issue 23); the hand-labelled readers of
# issue 36 show no fixed floor works for every reader (12 picks on the control day, tests.bench ranking), which is
# why the picks learn once there are liked papers to learn from
DIGITS = 4  # the score as stored in the day's record
_WORD = re.compile(r"[a-z][a-z0-9]+")


@dataclass(frozen=True)
class Liked:
    """A library paper as the ranker sees it."""

    id: str | None  # arXiv id, when the entry has one
    title: str
    text: str  # title and abstract


@dataclass(frozen=True)
class Pick:
    """One new paper chosen for the reader, with the library paper it is closest to."""

    id: str
    score: float
    because: Liked
    words: tuple[str, ...] = ()  # the learning ranker's top words for this pick (digest/learn.py)


def words(text: str) -> list[str]:
    """Lower-case words of two or more characters starting with a letter, English stop words dropped.

    One C-level findall per text: sklearn's default token pattern takes twice as long on 5,000 abstracts."""
    stop = stop_words()
    return [w for w in _WORD.findall(text.lower()) if w not in stop]


@functools.cache
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, imported when first ranked: importing sklearn takes a second or more,
    and every render imports this package."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def tfidf(texts: list[str]) -> sparse.csr_matrix:
    """Words weighted by rarity across the library and the day (log-scaled counts; rows L2-normalised).

    Words are hashed to 2**20 columns rather than counted into a vocabulary: the same weights but for rare
    collisions, in half the time (sklearn builds a vocabulary in a Python loop); the hash is fixed, so
    the result is the same every run."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    counts = HashingVectorizer(analyzer=words, n_features=2**20, alternate_sign=False, norm=None,
                               dtype=np.float32).transform(texts)
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts)


def scores(new_texts: list[str], liked_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each new text's score (mean of its TOP_K best cosines with the library) and the index of its best match."""
    if not new_texts or not liked_texts:
        return np.zeros(len(new_texts)), np.zeros(len(new_texts), dtype=int)
    matrix = tfidf(liked_texts + new_texts)  # rows are L2-normalised: dot = cosine
    liked, new = matrix[:len(liked_texts)], matrix[len(liked_texts):]
    similarity = (new @ liked.T).toarray()
    k = min(TOP_K, len(liked_texts))
    top = -np.sort(-similarity, axis=1)[:, :k]
    return top.mean(axis=1), similarity.argmax(axis=1)


def rank(new: list[tuple[str, str]], liked: list[Liked], limit: int, floor: float = FLOOR) -> list[Pick]:
    """The best `limit` new papers (id, text) above the floor, best first; ties in id order."""
    if limit <= 0 or not new or not liked:
        return []
    score, best = scores([text for _, text in new], [entry.text for entry in liked])
    picks = [Pick(paper_id, round(float(value), DIGITS), liked[int(index)])
             for (paper_id, _), value, index in zip(new, score, best, strict=True) if value >= floor]
    picks.sort(key=lambda p: (-p.score, p.id))
    return picks[:limit]
