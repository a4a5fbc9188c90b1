"""Trends: the SVG's bars are the store's papers per month, and the chart is labelled for everyone."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import REPO, load_store

from core import config as cfg
from core import relevance
from website import trends

SVG = "{http://www.w3.org/2000/svg}"
LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "labelled_papers.json"


def bars(svg: str) -> list[tuple[str, int, float]]:
    """(month, count, height) of every bar, parsed from the markup."""
    root = ET.fromstring(svg)
    return [(r.get("data-month"), int(r.get("data-count")), float(r.get("height"))) for r in root.iter(f"{SVG}rect")]


def test_bars_equal_the_stores_counts_per_month() -> None:
    config = cfg.load(REPO / "keywords.yaml")
    papers = list(load_store(REPO).values())
    for topic in config.topics:
        listed = relevance.listed(topic, papers)
        chart = bars(trends.chart(topic.name, listed))
        assert sum(count for _, count, _ in chart) == len(listed)
        for month, count, _ in chart:
            assert count == sum(1 for p in listed if p["updated"].startswith(month))
        months = [m for m, _, _ in chart]
        assert months == sorted(set(months))


def test_heights_scale_with_counts_and_empty_months_show() -> None:
    papers = json.loads(LABELLED.read_text(encoding="utf-8"))
    papers.append(dict(papers[0], id="2506.00001", updated="2025-06-01T00:00:00Z"))
    chart = bars(trends.chart("Mixed", papers))
    assert [(m, c) for m, c, _ in chart] == [("2025-01", 12), ("2025-02", 6), ("2025-03", 12),
                                             ("2025-04", 0), ("2025-05", 0), ("2025-06", 1)]
    tallest = max(h for _, _, h in chart)
    for _, count, height in chart:
        assert abs(height - tallest * count / 12) < 0.01


def test_chart_is_accessible_and_escaped() -> None:
    svg = trends.chart('A <b>"topic"</b> & co', json.loads(LABELLED.read_text(encoding="utf-8")))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == 'A <b>"topic"</b> & co: 30 papers from 2025-01 to 2025-03, most in 2025-03 (12).'
    assert root.find(f"{SVG}title").text == 'Papers per month: A <b>"topic"</b> & co'
    assert root.find(f"{SVG}desc").text == root.get("aria-label")
    texts = {t.get("class"): t.text for t in root.iter(f"{SVG}text")}
    assert texts == {"peak": "12", "zero": "0", "first-month": "2025-01", "last-month": "2025-03"}
    assert [t.text for t in root.iter(f"{SVG}title")][1:] == ["2025-01: 12 papers", "2025-02: 6 papers", "2025-03: 12 papers"]
    assert "<b>" not in svg


def test_no_papers_gives_a_labelled_empty_chart() -> None:
    root = ET.fromstring(trends.chart("Empty", []))
    assert root.get("aria-label") == "Empty: no papers yet."
    assert list(root.iter(f"{SVG}rect")) == []
