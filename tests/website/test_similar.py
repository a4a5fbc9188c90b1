"""Similar papers: the nearest stored papers by title and abstract are on the same subject."""

from __future__ import annotations

import json
from pathlib import Path

from website.similar import K, similar_papers

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "labelled_papers.json"


def labelled() -> list[dict]:
    """30 short papers over 6 subjects (speech synthesis, audio captioning, proteins, traffic, quantum, robots)."""
    return json.loads(LABELLED.read_text(encoding="utf-8"))


def test_top_match_is_on_the_same_subject() -> None:
    papers = labelled()
    subject = {p["id"]: p["subject"] for p in papers}
    result = similar_papers(papers)
    assert set(result) == set(subject)
    for paper_id, neighbours in result.items():
        assert neighbours, paper_id
        assert subject[neighbours[0]] == subject[paper_id], (paper_id, neighbours)


def test_most_of_the_five_share_the_subject() -> None:
    papers = labelled()
    subject = {p["id"]: p["subject"] for p in papers}
    result = similar_papers(papers)
    same = sum(subject[n] == subject[i] for i, ns in result.items() for n in ns)
    assert all(len(ns) <= K for ns in result.values())
    assert same >= 0.75 * sum(len(ns) for ns in result.values())


def test_never_itself_never_twice_and_stable() -> None:
    papers = labelled()
    result = similar_papers(papers)
    for paper_id, neighbours in result.items():
        assert paper_id not in neighbours
        assert len(set(neighbours)) == len(neighbours)
    assert similar_papers(list(reversed(papers))) == result


def test_unrelated_or_empty_papers_get_no_neighbours() -> None:
    papers = [{"id": "2501.00001", "title": "Quantum surface code decoders", "abstract": ""},
              {"id": "2501.00002", "title": "Legged robot locomotion", "abstract": ""},
              {"id": "2501.00003", "title": "", "abstract": ""}]
    assert similar_papers(papers) == {p["id"]: [] for p in papers}
    assert similar_papers([{"id": "2501.00001", "title": "", "abstract": ""}]) == {"2501.00001": []}
    assert similar_papers([]) == {}


def test_a_word_in_every_paper_links_nothing() -> None:
    """A vocabulary every paper shares (as in the benchmark's 20-word papers) tells nothing: no false neighbours."""
    papers = [{"id": f"2501.{i:05d}", "title": "speech codec", "abstract": "speech codec model"} for i in range(10)]
    assert all(ns == [] for ns in similar_papers(papers).values())
