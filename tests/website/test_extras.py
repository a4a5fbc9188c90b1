"""build_extras: the one call the site makes gives every part for exactly the papers the site shows."""

from __future__ import annotations

import bibtexparser
from conftest import REPO, load_store

from core import config as cfg
from core import relevance
from website.extras import build_extras


def test_extras_cover_the_listed_papers_of_the_shipped_store() -> None:
    config = cfg.load(REPO / "keywords.yaml")
    papers = list(load_store(REPO).values())
    extras = build_extras(config, papers)
    listed = {t.name: relevance.listed(t, papers) for t in config.topics}
    shown = {p["id"] for group in listed.values() for p in group}
    assert set(extras.bibtex) == set(extras.keys) == set(extras.coins) == set(extras.similar) == shown
    assert all(set(ids) <= shown and len(ids) <= 5 for ids in extras.similar.values())
    for topic in config.topics:
        library = bibtexparser.parse_string(extras.bib_file(topic.name))
        assert not library.failed_blocks
        assert [e["eprint"] for e in library.entries] == [p["id"] for p in listed[topic.name]]
        assert list(extras.why[topic.name]) == [p["id"] for p in listed[topic.name]]
        assert extras.charts[topic.name].startswith("<svg")
        assert {p["id"] for p, _ in extras.reasons[topic.name].hidden}.isdisjoint(shown & {p["id"] for p in listed[topic.name]})


def test_shown_limits_bibtex_and_similar() -> None:
    config = cfg.load(REPO / "keywords.yaml")
    papers = list(load_store(REPO).values())
    few = relevance.listed(config.topics[0], papers)[:6]
    extras = build_extras(config, papers, few)
    assert set(extras.similar) == set(extras.bibtex) == {p["id"] for p in few}
    assert all(set(ids) <= set(extras.similar) for ids in extras.similar.values())
