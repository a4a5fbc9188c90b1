"""The picks that learn (issue 36): a small linear model per interest of the reader, over TF-IDF words and phrases.

Positives are the liked papers (library, liked ids, stars). Negatives are the store's papers the reader did not like
(weighted low: most are everyday papers of the reader's topics, a few are good ones not yet liked) and the papers
marked not for me (weighted high). The liked papers are split into interests (clusters), and each interest gets its
own model, so a small second interest is not averaged away by a large first one. Each interest's score is
calibrated on unliked papers the model did not see: 0 is the score that only FLOOR_SHARE of the reader's everyday
papers reach, 1 the score of the interest's typical liked paper. A new paper is picked when its best interest scores
0 or more: it looks like the papers the reader liked, not like the topics' everyday papers. A day with nothing like
that has no picks. Fitting, scoring and explaining are separate functions; fitting is the slow part, and its result
(Model) is cached by the caller (digest/model_cache.py) until the liked or refused papers change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core import pickrecord
from digest.rank import DIGITS, Liked, Pick, words

if TYPE_CHECKING:
    from scipy import sparse

TRAIN_UNLIKED = 3_000  # store papers the models learn from: subsampled, so 40,000 stored papers fit in seconds
CALIBRATE_UNLIKED = 2_000  # other store papers, unseen by the models, that set each interest's floor
FLOOR_SHARE = 0.10  # an interest's floor: the score that only this share of the unseen unliked papers reach
UNLIKED_WEIGHT = 1.0  # the unliked papers together weigh this many times the interest's liked papers
REFUSED_WEIGHT = 2.0  # one paper marked not for me weighs this many liked papers
C = 4.0  # inverse regularisation of each interest's logistic regression
MIN_DF = 2  # a word or phrase in fewer training texts is no feature: it cannot generalise
MAX_INTERESTS = 8
TURNED_AWAY = 1.0  # an interest whose papers are all refused needs this much more score to be picked


@dataclass(frozen=True)
class Teaching:
    """What the reader has told the ranker: liked papers, the store's unliked papers, the papers marked not for me."""

    liked: list[Liked]
    unliked: list[tuple[str, str]]  # (id, title and abstract), the store's papers not liked and not new today
    refused: list[tuple[str, str]]  # (id, text) marked not for me and known to the store


@dataclass(frozen=True)
class Interest:
    """One cluster of liked papers and its model: a linear score, its floor and its scale."""

    coef: np.ndarray  # one weight per feature
    intercept: float
    floor: float  # raw score only FLOOR_SHARE of the unseen unliked papers reach
    scale: float  # the interest's median liked raw score minus the floor (at least the unseen papers' spread)
    members: tuple[int, ...]  # indices into the liked list
    refused: int = 0  # papers marked not for me that are closest to this interest


@dataclass(frozen=True)
class Model:
    """A fitted ranker: the features (vocabulary and idf) and one model per interest."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    interests: tuple[Interest, ...]
    offset: float = 0.0  # subtracted from the best interest's score, so only FLOOR_SHARE of unseen papers pass it
    unliked: int = 0  # stored unliked papers when fitted: a store that has grown much since calls for a refit


@dataclass(frozen=True)
class Scored:
    """A new paper's calibrated score (above 0: picked) and the interest it scored best in."""

    score: float
    interest: int


def terms(text: str) -> list[str]:
    """The words of a text (rank.words) and each pair of neighbouring words as a phrase ("language model")."""
    tokens = words(text)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def stable_order(ids: list[str]) -> list[int]:
    """Positions of ids in an order fixed by their hash: a subsample that is the same every run and every machine."""
    return sorted(range(len(ids)), key=lambda i: hashlib.sha1(ids[i].encode("utf-8")).digest())


def split_unliked(unliked: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The unliked texts to learn from and the disjoint ones to calibrate on, subsampled to TRAIN_UNLIKED and
    CALIBRATE_UNLIKED; a small store is split in half."""
    order = stable_order([i for i, _ in unliked])
    train_count = min(TRAIN_UNLIKED, (len(order) + 1) // 2 if len(order) < TRAIN_UNLIKED + CALIBRATE_UNLIKED
                      else TRAIN_UNLIKED)
    train = [unliked[i][1] for i in order[:train_count]]
    calibrate = [unliked[i][1] for i in order[train_count:train_count + CALIBRATE_UNLIKED]]
    return train, calibrate


def fit_features(texts: list[str]) -> tuple[dict[str, int], np.ndarray, sparse.csr_matrix]:
    """The vocabulary (terms in at least MIN_DF texts), the smoothed idf and the texts' weighted rows, from one pass
    over the training texts (splitting texts into terms is most of the time)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=terms, min_df=min(MIN_DF, len(texts)), dtype=np.float32)
    counts = vectorizer.fit_transform(texts).tocsr()
    vocabulary = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
    return vocabulary, idf, weigh(counts, idf)


def weigh(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Term counts as log-scaled counts times idf, rows L2-normalised."""
    from sklearn.preprocessing import normalize

    counts = counts.astype(np.float32, copy=True)
    counts.data = np.log(counts.data) + 1
    return normalize(counts.multiply(idf).tocsr(), copy=False)


def features(vocabulary: dict[str, int], idf: np.ndarray, texts: list[str]) -> sparse.csr_matrix:
    """Texts as weighted rows (weigh) over a fitted vocabulary; terms outside it are dropped."""
    from scipy import sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer

    if not texts:
        return sp.csr_matrix((0, len(vocabulary)), dtype=np.float32)
    return weigh(CountVectorizer(analyzer=terms, vocabulary=vocabulary, dtype=np.float32).transform(texts).tocsr(), idf)


def interest_count(size: int) -> int:
    """How many interests to look for among `size` liked papers: about one per 6, at most MAX_INTERESTS."""
    return max(1, min(MAX_INTERESTS, round(size / 6)))


def cluster(liked: sparse.csr_matrix) -> list[list[int]]:
    """The liked papers split into interests by spherical k-means (rows are normalised), each a list of indices;
    fixed seed, so the same library gives the same interests."""
    count = interest_count(liked.shape[0])
    if count == 1:
        return [list(range(liked.shape[0]))]
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():  # identical liked texts give fewer clusters than asked: fine, empty ones go
        warnings.simplefilter("ignore")
        labels = KMeans(n_clusters=count, n_init=4, random_state=0).fit_predict(liked)
    groups = [[int(i) for i in np.flatnonzero(labels == label)] for label in range(count)]
    return sorted((g for g in groups if g), key=lambda g: g[0])


def fit_interest(positives: sparse.csr_matrix, unliked: sparse.csr_matrix, refused: sparse.csr_matrix,
                 calibrate: sparse.csr_matrix, members: list[int]) -> Interest:
    """One interest's logistic regression (liked against unliked and refused papers), its floor and its scale."""
    from scipy import sparse as sp
    from sklearn.linear_model import LogisticRegression

    rows = sp.vstack([positives, unliked, refused]).tocsr()
    target = np.r_[np.ones(positives.shape[0]), np.zeros(unliked.shape[0] + refused.shape[0])]
    weight = np.r_[np.ones(positives.shape[0]),
                   np.full(unliked.shape[0], UNLIKED_WEIGHT * positives.shape[0] / max(unliked.shape[0], 1)),
                   np.full(refused.shape[0], REFUSED_WEIGHT)]
    model = LogisticRegression(C=C, solver="liblinear", max_iter=200, random_state=0).fit(rows, target,
                                                                                        sample_weight=weight)
    coef, intercept = model.coef_[0].astype(np.float32), float(model.intercept_[0])
    liked_raw = positives @ coef + intercept
    unseen = calibrate @ coef + intercept if calibrate.shape[0] else np.zeros(1, dtype=np.float32)
    floor = float(np.quantile(unseen, 1 - FLOOR_SHARE))
    # an interest whose liked papers score no better than the floor still gets a scale the size of the spread
    scale = max(float(np.median(liked_raw)) - floor, float(np.std(unseen)), 1e-3)
    return Interest(coef, intercept, floor, scale, tuple(members))


def fit(teaching: Teaching) -> Model:
    """The ranker fitted to what the reader has told it (seconds for 5,000 liked and 40,000 stored papers)."""
    train, calibrate = split_unliked(teaching.unliked)
    liked_texts = [entry.text for entry in teaching.liked]
    refused_texts = [text for _, text in teaching.refused]
    vocabulary, idf, rows = fit_features(liked_texts + train + refused_texts)
    liked, unliked = rows[:len(liked_texts)], rows[len(liked_texts):len(liked_texts) + len(train)]
    refused, held_out = rows[len(liked_texts) + len(train):], features(vocabulary, idf, calibrate)
    groups = cluster(liked)
    turned = turned_away(liked, groups, refused)
    interests = tuple(dataclasses.replace(fit_interest(liked[members], unliked, refused, held_out, members),
                                          refused=count) for members, count in zip(groups, turned, strict=True))
    model = Model(vocabulary, idf, interests, unliked=len(teaching.unliked))
    return dataclasses.replace(model, offset=union_offset(model, held_out))


def union_offset(model: Model, held_out: sparse.csr_matrix) -> float:
    """How much to raise every interest's floor so that FLOOR_SHARE of the unseen unliked papers pass the best of
    them: each interest alone lets FLOOR_SHARE through, and a paper is picked when any one passes it, so with several
    interests more would (0 when they pass no more than that)."""
    if held_out.shape[0] == 0:
        return 0.0
    best = raw_scores(model, held_out).max(axis=1)
    return max(float(np.quantile(best, 1 - FLOOR_SHARE)), 0.0)


def turned_away(liked: sparse.csr_matrix, groups: list[list[int]], refused: sparse.csr_matrix) -> list[int]:
    """How many refused papers each interest is the closest to (cosine with its centroid): the reader turning away
    from an interest they once liked (a broad library where only one sub-area is still wanted)."""
    counts = [0] * len(groups)
    if not refused.shape[0]:
        return counts
    centroids = np.vstack([np.asarray(liked[g].mean(axis=0)).ravel() for g in groups])
    for index in np.asarray((refused @ centroids.T).argmax(axis=1)).ravel():
        counts[int(index)] += 1
    return counts


def raw_scores(model: Model, rows: sparse.csr_matrix) -> np.ndarray:
    """Each row's calibrated score in each interest, one column per interest: (raw - floor) / scale, less the share
    of the interest's papers (liked and refused) that were refused (an interest the reader is turning away from must
    score more to be picked), less the model's offset (union_offset)."""
    coef = np.stack([i.coef for i in model.interests], axis=1)
    offset = np.array([i.intercept - i.floor for i in model.interests], dtype=np.float32)
    scale = np.array([i.scale for i in model.interests], dtype=np.float32)
    penalty = np.array([i.refused / (i.refused + len(i.members)) for i in model.interests], dtype=np.float32)
    return np.asarray((rows @ coef + offset) / scale - TURNED_AWAY * penalty - model.offset)


def score(model: Model, texts: list[str]) -> list[Scored]:
    """Each text's best calibrated score over the interests, and which interest gave it."""
    if not texts:
        return []
    table = raw_scores(model, features(model.vocabulary, model.idf, texts))
    best = table.argmax(axis=1)
    return [Scored(float(table[row, column]), int(column)) for row, column in enumerate(best)]


def top_words(model: Model, text: str, interest: int, count: int = pickrecord.TOP_WORDS) -> list[str]:
    """The terms of a text its score in an interest owes most to (weight times the term's value), best first; a
    word already inside a shown phrase is not shown again."""
    row = features(model.vocabulary, model.idf, [text])
    coef = model.interests[interest].coef
    contribution = row.data * coef[row.indices]
    present = set(row.indices.tolist())
    names = {index: term for term, index in model.vocabulary.items() if index in present}
    shown: list[str] = []
    for position in np.argsort(-contribution, kind="stable"):
        if contribution[position] <= 0 or len(shown) == count:
            break
        term = names[int(row.indices[position])]
        if any(term in other.split(" ") or other in term.split(" ") for other in shown):
            continue
        shown.append(term)
    return shown


def closest_liked(model: Model, liked: list[Liked], texts: list[str], interests: list[int]) -> list[int]:
    """For each text, the index of the liked paper in the interest that picked it most like it (cosine of
    features); each interest's liked papers are weighed once."""
    rows = features(model.vocabulary, model.idf, texts)
    found: list[int] = []
    members_rows: dict[int, sparse.csr_matrix] = {}
    for row, interest in enumerate(interests):
        members = list(model.interests[interest].members)
        if interest not in members_rows:
            members_rows[interest] = features(model.vocabulary, model.idf, [liked[i].text for i in members])
        similarity = (members_rows[interest] @ rows[row].T).toarray().ravel()
        found.append(members[int(similarity.argmax())])
    return found


def rank(new: list[tuple[str, str]], liked: list[Liked], model: Model, limit: int,
         refused: frozenset[str] = frozenset()) -> list[Pick]:
    """The best `limit` new papers (id, text) scoring above 0, best first (ties in id order), never one marked
    not for me; each with the closest liked paper in its interest and its top words."""
    if limit <= 0 or not new or not liked:
        return []
    candidates = [(i, text) for i, text in new if i not in refused]
    scored = [(paper_id, text, s) for (paper_id, text), s in zip(candidates, score(model, [t for _, t in candidates]),
                                                                  strict=True) if s.score > 0]
    scored.sort(key=lambda item: (-item[2].score, item[0]))
    chosen = scored[:limit]
    closest = closest_liked(model, liked, [text for _, text, _ in chosen], [s.interest for _, _, s in chosen])
    return [Pick(paper_id, round(s.score, DIGITS), liked[near], tuple(top_words(model, text, s.interest)))
            for (paper_id, text, s), near in zip(chosen, closest, strict=True)]
