"""Ranking quality on the labelled sets in tests/fixtures/ranking (issues 23 and 36): precision and nDCG at k,
picks on a day with nothing relevant, relevant papers never picked; the picks beside date order and plain TF-IDF.

Shared by python -m tests.bench ranking (prints the figures) and tests/digest/test_rank.py, test_learn.py (floors).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from digest import learn, library, rank

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


READERS = FOLDER / "readers"
PAPERS = FOLDER.parents[2] / "data" / "papers"


@dataclass(frozen=True)
class Reader:
    """A labelled reader: liked papers, papers marked not for me, the store's other papers, a day and its labels."""

    name: str
    liked: list[rank.Liked]
    refused: list[tuple[str, str]]
    unliked: list[tuple[str, str]]  # the shipped papers in none of the reader's lists nor the day
    day: list[tuple[str, str]]  # newest first
    relevant: dict[str, bool]


def shipped_papers() -> dict[str, dict]:
    """Every paper shipped in data/papers, by id."""
    papers: dict[str, dict] = {}
    for path in sorted(PAPERS.glob("*.json")):
        papers.update(json.loads(path.read_text(encoding="utf-8")))
    return papers


def paper_text(paper: dict) -> str:
    """Title and abstract, as the daily run ranks them."""
    return f"{paper.get('title') or ''}\n{paper.get('abstract') or ''}".strip()


def newest_first(ids: list[str], papers: dict[str, dict]) -> list[tuple[str, str]]:
    """(id, text) of ids, newest first as README lists them."""
    ordered = sorted(ids, key=lambda i: (papers[i].get("updated") or "", i), reverse=True)
    return [(i, paper_text(papers[i])) for i in ordered]


def readers(narrow: bool = False) -> list[Reader]:
    """The first labelled set (one library on audio captioning) and every reader in tests/fixtures/ranking/readers.

    narrow: the store holds only the papers of the liked papers' most common topic, as for a reader who follows
    that one topic (the everyday papers are then nearly all on the reader's own subject)."""
    papers = shipped_papers()
    first = load()
    used = {e.id for e in first.liked} | {i for i, _ in first.day}
    found = [Reader("captioning", first.liked, [], [(i, paper_text(p)) for i, p in sorted(papers.items())
                                                     if i not in used], first.day, first.relevant)]
    for path in sorted(READERS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        liked_ids = list(data["library"]) + list(data.get("starred") or [])
        used = set(liked_ids) | set(data["not_for_me"]) | set(data["day"])
        found.append(Reader(path.stem, [rank.Liked(i, papers[i]["title"], paper_text(papers[i])) for i in liked_ids],
                            [(i, paper_text(papers[i])) for i in data["not_for_me"]],
                            [(i, paper_text(p)) for i, p in sorted(papers.items()) if i not in used],
                            newest_first(list(data["day"]), papers),
                            {i: bool(v["relevant"]) for i, v in data["labels"].items()}))
    return [narrowed(r, papers) for r in found] if narrow else found


def narrowed(reader: Reader, papers: dict[str, dict]) -> Reader:
    """The reader with a store of only their liked papers' most common topic."""
    from collections import Counter

    topics = Counter(t for e in reader.liked if e.id in papers for t in papers[e.id].get("topics", []))
    topic = topics.most_common(1)[0][0]
    return dataclasses.replace(reader, unliked=[(i, t) for i, t in reader.unliked
                                                if topic in papers[i].get("topics", [])])


def ndcg(order: list[str], relevant: dict[str, bool], k: int) -> float:
    """Normalised discounted cumulative gain at k with gains 1 (relevant) and 0; 0 when nothing is relevant."""
    import math

    gain = sum(1 / math.log2(rank_ + 2) for rank_, i in enumerate(order[:k]) if relevant.get(i))
    ideal = sum(1 / math.log2(rank_ + 2) for rank_ in range(min(k, sum(relevant.values()))))
    return gain / ideal if ideal else 0.0


@dataclass(frozen=True)
class Ranked:
    """One way of ranking a reader's day: the whole day in order, and what it picks at picks: 100 (all of the day
    for an order without a floor)."""

    order: list[str]
    picked: list[str]

    @property
    def shown(self) -> int:
        """Picks shown at the default picks: 10."""
        return min(10, len(self.picked))


def date_ranked(reader: Reader) -> Ranked:
    """Date order: what README shows without picks; no floor, so it shows the first 10 of any day."""
    order = [i for i, _ in reader.day]
    return Ranked(order, order[:100])


def max_similarity_ranked(reader: Reader) -> Ranked:
    """Plain TF-IDF: each new paper's best cosine with a liked paper, no floor (it shows 10 of any day)."""
    matrix = rank.tfidf([e.text for e in reader.liked] + [t for _, t in reader.day])
    best = (matrix[len(reader.liked):] @ matrix[:len(reader.liked)].T).toarray().max(axis=1)
    order = [reader.day[i][0] for i in sorted(range(len(reader.day)), key=lambda i: (-best[i], reader.day[i][0]))]
    return Ranked(order, order[:100])


def similarity_ranked(reader: Reader) -> Ranked:
    """Issue 23's ranker (the cold start's): mean of the 5 best cosines, floor 0.095."""
    return Ranked([p.id for p in rank.rank(reader.day, reader.liked, len(reader.day), floor=-1.0)],
                  [p.id for p in rank.rank(reader.day, reader.liked, 100)])


def learned_ranked(reader: Reader) -> Ranked:
    """Issue 36's ranker: a model per interest, learnt from liked, unliked and refused papers."""
    model = learn.fit(learn.Teaching(reader.liked, reader.unliked, reader.refused))
    refused = frozenset(i for i, _ in reader.refused)
    scored = learn.score(model, [t for _, t in reader.day])
    order = [reader.day[i][0] for i in sorted(range(len(reader.day)), key=lambda i: (-scored[i].score,
                                                                                     reader.day[i][0]))]
    return Ranked(order, [p.id for p in learn.rank(reader.day, reader.liked, model, 100, refused)])


RANKERS = {"date order": date_ranked, "TF-IDF max": max_similarity_ranked, "similarity": similarity_ranked,
           "learned": learned_ranked}


def held_out_liked(reader: Reader, share: float = 0.2) -> tuple[str, float]:
    """The floor checked with papers the model never saw: fit without a fixed fifth of the liked papers and a fixed
    fifth of the unliked ones (chosen by id hash), then how many of those liked papers would be picked and what share
    of those unliked ones would be ("picked n/m", share)."""
    order = learn.stable_order([e.id or e.text for e in reader.liked])
    held = set(order[:max(1, round(len(order) * share))])
    kept = [e for n, e in enumerate(reader.liked) if n not in held]
    unliked_order = learn.stable_order([i for i, _ in reader.unliked])
    unseen = set(unliked_order[:max(1, round(len(unliked_order) * share))])
    model = learn.fit(learn.Teaching(kept, [u for n, u in enumerate(reader.unliked) if n not in unseen],
                                     reader.refused))
    through = sum(s.score > 0 for s in learn.score(model, [reader.liked[n].text for n in sorted(held)]))
    above = sum(s.score > 0 for s in learn.score(model, [reader.unliked[n][1] for n in sorted(unseen)]))
    return f"{through}/{len(held)}", above / len(unseen)
