"""Trends: a topic's papers per month as a small inline SVG bar chart (no chart library, no script).

Built with ElementTree, so every text is escaped and the markup is well-formed. The chart is an
image to screen readers (role="img", <title>, <desc>, aria-label with the summary); each bar
carries its month and count as data attributes and a <title> tooltip, and the axis has text labels.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from typing import Any

WIDTH, HEIGHT = 640, 160
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 24
SVG_NS = "http://www.w3.org/2000/svg"


def month_of(paper: dict[str, Any]) -> str:
    """The month (YYYY-MM) of the paper's date as the site and README show it (its latest version), so a
    bar counts the papers of that month's page."""
    return (paper.get("updated") or "")[:7]


def monthly_counts(papers: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(month, papers) for every month from the first to the last, months without papers as 0."""
    counts = Counter(m for m in map(month_of, papers) if len(m) == 7)
    if not counts:
        return []
    months = []
    year, month = map(int, min(counts).split("-"))
    last = max(counts)
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        months.append((key, counts.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def summary(topic: str, months: list[tuple[str, int]]) -> str:
    """One sentence a screen reader says for the chart."""
    if not months:
        return f"{topic}: no papers yet."
    total = sum(count for _, count in months)
    peak_month, peak = max(months, key=lambda item: (item[1], item[0]))
    return (f"{topic}: {total} papers from {months[0][0]} to {months[-1][0]}, "
            f"most in {peak_month} ({peak}).")


def chart(topic: str, papers: Iterable[dict[str, Any]]) -> str:
    """The SVG markup of a topic's papers per month (by the date the site shows); pass the papers listed in the topic."""
    months = monthly_counts(papers)
    label = summary(topic, months)
    svg = ET.Element("svg", {"xmlns": SVG_NS, "class": "trend", "role": "img", "aria-label": label,
                             "viewBox": f"0 0 {WIDTH} {HEIGHT}", "width": str(WIDTH), "height": str(HEIGHT)})
    ET.SubElement(svg, "title").text = f"Papers per month: {topic}"
    ET.SubElement(svg, "desc").text = label
    if months:
        draw_bars(svg, months)
    return ET.tostring(svg, encoding="unicode", short_empty_elements=True)


def draw_bars(svg: ET.Element, months: list[tuple[str, int]]) -> None:
    """One bar per month scaled to the busiest month, a baseline, the peak count and the first/last month as text."""
    peak = max(count for _, count in months) or 1
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / len(months)
    bars = ET.SubElement(svg, "g", {"class": "bars", "fill": "currentColor"})
    for index, (month, count) in enumerate(months):
        height = plot_height * count / peak
        bar = ET.SubElement(bars, "rect", {
            "x": f"{LEFT + index * step + step * 0.1:.2f}", "y": f"{TOP + plot_height - height:.2f}",
            "width": f"{step * 0.8:.2f}", "height": f"{height:.2f}",
            "data-month": month, "data-count": str(count)})
        ET.SubElement(bar, "title").text = f"{month}: {count} paper{'' if count == 1 else 's'}"
    base = f"{TOP + plot_height}"
    ET.SubElement(svg, "line", {"x1": str(LEFT), "x2": str(WIDTH - RIGHT), "y1": base, "y2": base,
                                "stroke": "currentColor", "stroke-width": "1"})
    text = {"fill": "currentColor", "font-size": "11"}
    ET.SubElement(svg, "text", {**text, "class": "peak", "x": str(LEFT - 4), "y": str(TOP + 8),
                                "text-anchor": "end"}).text = str(peak)
    ET.SubElement(svg, "text", {**text, "class": "zero", "x": str(LEFT - 4), "y": base,
                                "text-anchor": "end"}).text = "0"
    ET.SubElement(svg, "text", {**text, "class": "first-month", "x": str(LEFT), "y": str(HEIGHT - 6)}).text = months[0][0]
    ET.SubElement(svg, "text", {**text, "class": "last-month", "x": str(WIDTH - RIGHT), "y": str(HEIGHT - 6),
                                "text-anchor": "end"}).text = months[-1][0]
