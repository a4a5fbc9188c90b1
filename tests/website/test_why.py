"""Why listed: every paper found for a topic, listed or hidden, with the reason --explain gives."""

from __future__ import annotations

from conftest import REPO, load_store

from core import config as cfg
from core import query as q
from core import relevance
from website.why import reasons


def topic(query: str, exclude: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> cfg.Topic:
    return cfg.Topic(name="T", query=query, tree=q.parse(query), categories=categories, exclude=exclude)


def record(paper_id: str, title: str, categories: list[str] | None = None, topics: tuple[str, ...] = ("T",)) -> dict:
    return {"id": paper_id, "title": title, "abstract": "", "categories": categories or ["cs.SD"],
            "topics": list(topics), "updated": f"2026-01-{paper_id[-2:]}"}


def test_listed_and_hidden_with_reasons() -> None:
    papers = [record("2601.00001", "A new TTS model"),
              record("2601.00002", "TT-rank compression"),
              record("2601.00003", "TTS with test-time scaling"),
              record("2601.00004", "TTS for proteins", categories=["q-bio.BM"]),
              record("2601.00005", "TTS elsewhere", topics=("Other",))]
    split = reasons(topic('TTS OR "text-to-speech"', exclude=("test-time scaling",), categories=("cs.SD",)), papers)
    assert [(p["id"], r) for p, r in split.listed] == [("2601.00001", 'listed: "TTS" in title')]
    hidden = dict((p["id"], r) for p, r in split.hidden)
    assert list(hidden) == ["2601.00004", "2601.00003", "2601.00002"]  # newest first; other topics left out
    assert hidden["2601.00002"].startswith("hidden: no query term")
    assert hidden["2601.00003"] == 'hidden: excluded by "test-time scaling" in title'
    assert hidden["2601.00004"] == "hidden: categories q-bio.BM are outside cs.SD"


def test_shipped_store_reasons_match_explain() -> None:
    """On the shipped store, the split equals relevance.listed and each reason is decide()'s."""
    config = cfg.load(REPO / "keywords.yaml")
    papers = list(load_store(REPO).values())
    for t in config.topics:
        split = reasons(t, papers)
        assert [p["id"] for p, _ in split.listed] == [p["id"] for p in relevance.listed(t, papers)]
        found = {p["id"] for p in papers if t.name in p["topics"]}
        assert {p["id"] for p, _ in split.listed + split.hidden} == found
        by_id = {p["id"]: reason for p, reason in split.listed + split.hidden}
        assert all(by_id[p["id"]] == relevance.decide(t, p).reason for p in papers if p["id"] in found)
        assert all(r.startswith("listed: ") for _, r in split.listed)
        assert all(r.startswith("hidden: ") for _, r in split.hidden)
