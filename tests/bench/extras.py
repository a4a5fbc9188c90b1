"""The site's extras (issue 17): similar papers, BibTeX, COinS, charts, reasons; every page rendered with them."""

from __future__ import annotations

import json
import resource
import subprocess
import time

from tests.bench import REPO
from tests.bench.common import extras_config, extras_papers, fresh

EXTRAS_MARKUP = (r'<span class="why">.*?</span>|<button type="button" class="star[^>]*>.*?</button>'
                 r'|<details class="(?:cite|similar)".*?</details>\n?|<span class="Z3988"[^>]*></span>\n?')


def site_pages_bytes(site: object, extras: object) -> dict:
    """Render every page and .bib of the site in memory: total bytes, largest file, and the bytes the
    extras' markup (why, Star, Cite with COinS, similar papers) adds per paper entry on a page."""
    import re

    from website import pages

    markup = re.compile(EXTRAS_MARKUP, re.S)
    total = bib = added = entries = largest = 0
    for path, data in pages.all_pages(site, extras):  # type: ignore[arg-type]
        total += len(data)
        largest = max(largest, len(data))
        if path.endswith(".bib"):
            bib += len(data)
        elif path.endswith(".html"):
            text = data.decode("utf-8")
            entries += text.count('<article class="paper"')
            added += sum(len(m.encode("utf-8")) for m in markup.findall(text))
    return {"pages_mb": round(total / 1e6, 1), "bib_mb": round(bib / 1e6, 1), "largest_mb": round(largest / 1e6, 2),
            "entries": entries, "bytes_per_entry": round(added / max(entries, 1))}


def measure_extras(size: int) -> dict:
    """Time the site's extras on `size` papers over 20 topics: similar papers alone, all of build_extras,
    then every page of the site rendered with them (no search index: that is the site measure's part)."""
    from daily import render
    from website.build import shown_papers
    from website.extras import build_extras
    from website.model import build_model
    from website.similar import similar_papers

    papers, subjects = extras_papers(size)
    config = extras_config()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    similar = similar_papers(papers)
    similar_done = time.perf_counter()
    renderer = render.for_papers(config, papers)
    site = build_model(config, papers, renderer)
    model_done, cpu_started = time.perf_counter(), time.process_time()
    extras = build_extras(config, papers, shown_papers(renderer))
    done, cpu_done = time.perf_counter(), time.process_time()
    sizes = site_pages_bytes(site, extras)
    pages_done = time.perf_counter()
    same = [subjects[int(other[-5:])] == subjects[int(paper_id[-5:])]
            for paper_id, ids in similar.items() for other in ids[:1]]
    return {"papers": size, "similar": round(similar_done - started, 2), "extras": round(done - model_done, 2),
            "cpu": round(cpu_done - cpu_started, 2), "model": round(model_done - similar_done, 2),
            "pages": round(pages_done - done, 2), **sizes,
            "same_subject": round(sum(same) / max(len(same), 1), 3),
            "before_mb": round(before / 1024),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def extras_table(sizes: list[int]) -> list[str]:
    """One line per size, each measured in a fresh process so its peak memory is its own."""
    lines = [f"{'papers':>8} {'similar s':>10} {'all extras s':>13} {'CPU s':>6} {'model s':>8} {'pages s':>8} "
             f"{'pages MB':>9} {'.bib MB':>8} {'largest MB':>11} {'entries':>8} {'extras B/entry':>15} "
             f"{'top-1 same subject':>19} {'peak MB':>8} {'(papers alone)':>15}"]
    for size in sizes:
        out = subprocess.run(fresh(*MEASURE_EXTRAS, str(size)), cwd=REPO, capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        lines.append(f"{r['papers']:>8} {r['similar']:>10} {r['extras']:>13} {r['cpu']:>6} {r['model']:>8} "
                     f"{r['pages']:>8} {r['pages_mb']:>9} {r['bib_mb']:>8} {r['largest_mb']:>11} {r['entries']:>8} "
                     f"{r['bytes_per_entry']:>15} "
                     f"{r['same_subject']:>19} {r['peak_mb']:>8} {r['before_mb']:>15}")
    return lines


MEASURE_EXTRAS = ("_measure-extras",)  # the hidden step (tests/bench/cli.py) run in a fresh process
