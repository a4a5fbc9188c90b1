"""The site's day pages (issue 23): a year of digests rendered in memory; a fork's first day."""

from __future__ import annotations

import time

from tests.bench.common import extras_config, extras_papers


def days_benchmark(size: int = 10_000, day_count: int = 365, first_day: int = 2_000) -> str:
    """The site's day pages (issue 23) for a year of digests over `size` papers: build and render time, bytes."""
    import gzip

    from daily import render
    from website import days, pages
    from website.build import shown_papers
    from website.extras import build_extras
    from website.model import build_model

    papers, _ = extras_papers(size)
    config = extras_config()
    renderer = render.for_papers(config, papers)
    site = build_model(config, papers, renderer)
    extras = build_extras(config, papers, shown_papers(renderer))
    newest = sorted(papers, key=lambda p: p["updated"], reverse=True)
    per_day = max(len(newest) // day_count, 1)
    digests = []
    for n in range(day_count):
        group = newest[n * per_day:(n + 1) * per_day]
        new: dict[str, list[str]] = {}
        for paper in group:
            for topic in paper["topics"]:
                new.setdefault(topic, []).append(paper["id"])
        picks = [{"id": p["id"], "score": 0.3, "because": {"id": newest[-1 - i]["id"], "title": newest[-1 - i]["title"]}}
                 for i, p in enumerate(group[:10])]
        digests.append({"date": f"day-{n}", "new": new, "picks": picks})
    started = time.perf_counter()
    site.days = [days.build_day(digest, site) for digest in digests]
    built = time.perf_counter()
    made = list(pages.day_pages(site, extras))
    rendered = time.perf_counter()
    total = sum(len(data) for _, data in made)
    largest = max(len(data) for _, data in made)
    today = gzip.compress(dict(made)["today.html"])
    first = {"date": "first", "new": {}, "picks": []}  # a fork's first run: every topic's latest 100 are new
    for paper in newest[:first_day]:
        first["new"].setdefault(paper["topics"][0], []).append(paper["id"])
    site.days = [days.build_day(first, site)]
    first_run = len(dict(pages.day_pages(site, extras))["today.html"])
    return (f"a first run's day ({len(newest[:first_day]):,} new papers over 20 topics): {first_run / 1e3:.0f} KB\n"
            f"{day_count} days of {per_day} new papers (10 picks each) over {size} papers: {len(made)} pages, "
            f"model {built - started:.2f} s, rendered in {rendered - built:.2f} s "
            f"({(rendered - built) / day_count * 1000:.0f} ms a day page), {total / 1e6:.1f} MB in all "
            f"({total / day_count / 1e3:.0f} KB a day), largest {largest / 1e3:.0f} KB, "
            f"today.html {len(today) / 1e3:.0f} KB gzipped")
