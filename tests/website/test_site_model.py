"""website.model: the site lists what README lists, newest first, paged by month, one home per paper."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_repo import BOTH_ID, BUSY_MONTH, HIDDEN_ID, make_repo

from core import config as cfg
from core import store as st
from core import tldr
from daily import render
from website import model


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> model.Site:
    monkeypatch.setattr(model, "PAGE_PAPERS", 5)
    root = make_repo(tmp_path / "repo")
    return model.build_model(cfg.load(root / "keywords.yaml"), list(st.load(root).papers.values()))


def test_topics_list_exactly_what_the_readme_views_list(site: model.Site, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    views = render.for_papers(cfg.load(root / "keywords.yaml"), list(st.load(root).papers.values())).views
    assert [(t.name, t.slug, [p.id for p in t.papers]) for t in site.topics] == \
        [(v.name, v.slug, [p["id"] for p in v.papers]) for v in views]
    assert HIDDEN_ID not in site.home and all(HIDDEN_ID != p.id for t in site.topics for p in t.papers)


def test_pages_are_months_newest_first_and_a_busy_month_is_split(site: model.Site) -> None:
    topic = site.topics[0]
    labels = [page.label for page in topic.pages]
    assert labels[:2] == [BUSY_MONTH, f"{BUSY_MONTH}-2"] and len(topic.pages[0].papers) == 5
    assert topic.pages[1].title == "January 2026 (part 2 of 2)"
    assert [p for page in topic.pages for p in page.papers] == topic.papers  # each paper once, in order
    dates = [p.date for p in topic.papers]
    assert dates == sorted(dates, reverse=True)
    assert all(p.month == page.label[:7] for page in topic.pages for p in page.papers)


def test_a_paper_in_two_topics_has_one_home_and_both_topics(site: model.Site) -> None:
    first, second = site.topics
    shared = next(p for p in second.papers if p.id == BOTH_ID)
    assert shared.topics == ("Speech Synthesis", "Codec")
    assert site.home[BOTH_ID].startswith(f"{first.directory}/2025-11.html#p-{BOTH_ID}")
    assert site.total == len({p.id for t in site.topics for p in t.papers})


def test_entry_shows_visible_text_links_and_a_stable_anchor() -> None:
    record = st.new_record(id="hep-th/9901001", version=2, title="A\u202etitle\n  with  spaces", abstract="See "
                           "https://github.com/org/repo.", comment="", authors=["B\u200bob"], categories=["hep-th"],
                           updated="1999-01-05T00:00:00Z", topics=["T"])
    shown = model.entry(record, ("T",))
    assert shown.title == "A title with spaces" and shown.anchor == "p-hep-th-9901001"
    assert shown.code == ("https://github.com/org/repo",) and shown.pdf_url == "https://arxiv.org/pdf/hep-th/9901001"
    assert (shown.year, shown.month, shown.date) == ("1999", "1999-01", "1999-01-05")


@pytest.mark.parametrize("label,title", [("2026-02", "February 2026"), ("undated", "undated")])
def test_month_titles(label: str, title: str) -> None:
    assert model.month_title(label) == title


def test_a_card_shows_the_summary_of_its_own_version_only() -> None:
    record = st.new_record(id="2601.00001", version=2, title="T", abstract="A", comment="", authors=[],
                           categories=[], updated="2026-01-05T00:00:00Z", topics=["T"])
    record["tldr"] = {"model": "gpt-4.1-mini", "text": "  It  does\u202e a thing. ", "version": 2}
    shown = model.entry(record, ("T",))
    assert (shown.tldr, shown.tldr_label) == ("It does a thing.", "TL;DR (AI, gpt-4.1-mini)")
    record["tldr"]["version"] = 1  # a v2 keeps the v1 summary in the store until it gets its own: not shown
    key = ("A", "Key sentence", "")  # the abstract's own sentence stands in
    assert (lambda e: (e.tldr, e.tldr_label, e.tldr_link))(model.entry(record, ("T",))) == key
    del record["tldr"]
    assert model.entry(record, ("T",)).tldr_label == "Key sentence"
    assert model.entry(record, ("T",), key_sentences=False).tldr == ""
    record["tldr"] = {"model": "m", "text": "\u200b \u2060", "version": 2}  # nothing visible: not that one
    assert model.entry(record, ("T",)).tldr_label == "Key sentence"


@pytest.mark.parametrize("text", ["word " * 400, "x" * 1000, "a " + "y" * 400])
def test_a_long_summary_is_cut_to_300_characters(text: str) -> None:
    record = st.new_record(id="2601.00001", version=1, title="T", abstract="A", comment="", authors=[],
                           categories=[], updated="2026-01-05T00:00:00Z", topics=["T"])
    record["tldr"] = {"model": "m" * 500, "text": text, "version": 1}
    shown = model.entry(record, ("T",))
    assert len(shown.tldr) <= model.TLDR_LIMIT and shown.tldr.endswith("…") and len(shown.tldr) > 150
    assert len(shown.tldr_label) <= len("TL;DR (AI, )") + tldr.MODEL_LIMIT
