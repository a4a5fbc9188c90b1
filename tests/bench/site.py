"""The site (scripts/site.py): build time and memory in a fresh process, sizes, first load, search speed in Chromium."""

from __future__ import annotations

import datetime
import json
import random
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.bench import REPO
from tests.bench.common import FIRST_DAY, LAST_DAY, TOPICS, WORDS, calibration, fresh, synthetic
from tests.support.pasted_text import prose_with_ids


def site_store(root: Path, size: int) -> None:
    """A store of `size` papers over 20 topics for the site, with abstracts drawn from the real store's words.

    The words of the repository's own abstracts, sampled by frequency, give the search index a realistic
    vocabulary (the daily-run benchmark's 20 words would make it unrealistically small).
    """
    from core import config as cfg
    from core import store as st

    words = [w for p in st.load(REPO).papers.values() for w in p["abstract"].split()] or list(WORDS)
    rng = random.Random(size)
    s = st.Store(root)
    for i in range(size):
        day = (FIRST_DAY + datetime.timedelta(days=i * (LAST_DAY - FIRST_DAY).days // size)).isoformat()
        paper = synthetic(i, rng, day)
        paper["abstract"] = "speech " + " ".join(rng.choices(words, k=rng.randint(150, 250)))
        paper["title"] = "Speech " + " ".join(rng.choices(words, k=10))
        paper["authors"] = [f"Author{rng.randint(0, 20000)} Name{rng.randint(0, 5000)}" for _ in range(rng.randint(1, 8))]
        if i % 7 == 0:
            paper["comment"] += f" Code: https://github.com/lab{i % 500}/project{i}"
        paper["categories"] = rng.sample(["cs.SD", "eess.AS", "cs.CL", "cs.LG", "cs.AI", "eess.SP"], k=2)
        s.put(paper)
    s.save()
    topics = [{"name": f"Topic {t}", "query": '"speech" OR codec', "categories": ["cs.*", "eess.*"]}
              for t in range(TOPICS)]
    (root / "keywords.yaml").write_text(json.dumps({"topics": topics}))
    cfg.load(root / "keywords.yaml")


def site_build(root: Path, outdir: Path) -> dict:
    """Build the site in this (fresh) process; seconds, and the peak resident memory of this process alone."""
    from website import build

    started = time.perf_counter()
    build.build(root, outdir)
    return {"seconds": round(time.perf_counter() - started, 1),
            "own_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and its children, in KB: memory shared after a fork counted once."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(tree_pss_kb(int(child)) for child in children.read().split())
    except (OSError, StopIteration):
        pass  # the process ended between two looks
    return total


def watched_build(root: Path, outdir: Path) -> dict:
    """Run the site build in a fresh process, sampling the memory of it and its fork every 50 ms."""
    process = subprocess.Popen(fresh(*SITE_BUILD, str(root), str(outdir)), cwd=REPO, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_pss_kb(process.pid))
        time.sleep(0.05)
    out = process.stdout.read() if process.stdout else ""
    if process.returncode:
        raise SystemExit(f"the site build failed ({process.returncode})")
    return {**json.loads(out), "peak_mb": round(peak / 1024)}


def site_sizes(outdir: Path) -> dict:
    """Whole site, largest file, file count, and the home page's first load (HTML, CSS, JS) gzipped."""
    import gzip

    files = [p for p in outdir.rglob("*") if p.is_file()]
    largest = max(files, key=lambda p: p.stat().st_size)
    first_load = ["index.html", "assets/site.css", "assets/site.js"]
    return {"site_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1), "files": len(files),
            "largest": f"{largest.relative_to(outdir)} {largest.stat().st_size / 1e6:.2f} MB",
            "home_gzip_kb": round(sum(len(gzip.compress((outdir / f).read_bytes())) for f in first_load) / 1000, 1)}


def site_search(outdir: Path, queries: list[str]) -> dict:
    """Milliseconds from the last keystroke to results on screen (median, worst), and for a link opened afresh."""
    import functools
    import http.server
    import statistics
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(outdir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times: list[float] = []
    cold: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"])
            page = browser.new_page()
            page.set_default_timeout(300_000)
            page.goto(f"http://127.0.0.1:{server.server_port}/search.html")
            page.wait_for_selector("#status:not(:empty)")
            for query in queries:
                page.fill("#q", query[:-1])  # the query but its last letter, and its results shown
                page.wait_for_selector(f'#results[data-query="/search.html?q={query[:-1]}"]', state="attached")
                page.focus("#q")
                started = time.perf_counter()
                page.keyboard.press(query[-1])
                page.wait_for_selector(f'#results[data-query="/search.html?q={query}"]', state="attached")
                times.append((time.perf_counter() - started) * 1000)
            for query in queries[:5]:  # a shared link: a fresh page, its index and the query's files fetched anew
                fresh_page = browser.new_page()
                started = time.perf_counter()
                fresh_page.goto(f"http://127.0.0.1:{server.server_port}/search.html?q={query}")
                fresh_page.wait_for_selector(f'#results[data-query="/search.html?q={query}"]', state="attached")
                cold.append((time.perf_counter() - started) * 1000)
                fresh_page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    worst = max(range(len(times)), key=times.__getitem__)
    return {"search_ms": round(statistics.median(times)), "search_worst_ms": round(times[worst]),
            "worst_query": queries[worst], "cold_ms": round(statistics.median(cold))}


QUERIES = ["neural", "codec", "prosody", "speaker", "diffusion", "emotion", "streaming", "benchmark",
           "vocoder", "latency", "multilingual", "dataset", "tokens", "expressive", "recognition",
           "evaluation", "zero-shot", "transformer", "language", "quality"]


def site_benchmark(sizes: list[int], queries: list[str] = QUERIES) -> None:
    """Build the site for each size in a fresh process; print build time, memory, sizes and search speed."""
    print(f"{'papers':>8} {'build s':>8} {'peak MB':>8} {'site MB':>8} {'files':>7} "
          f"{'home gzip KB':>13} {'search ms (median, worst)':>26} {'link ms':>8}  largest file")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root, outdir = Path(tmp) / "repo", Path(tmp) / "site"
            root.mkdir()
            subprocess.run(fresh(*SITE_STORE, str(root), str(size)), cwd=REPO, check=True)
            r = {**watched_build(root, outdir), **site_sizes(outdir), **site_search(outdir, queries)}
            print(f"{size:>8} {r['seconds']:>8} {r['peak_mb']:>8} {r['site_mb']:>8} "
                  f"{r['files']:>7} {r['home_gzip_kb']:>13} {r['search_ms']:>11}, {r['search_worst_ms']:>4} "
                  f"({r['worst_query']:<9}) {r['cold_ms']:>8}  {r['largest']}", flush=True)
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")


SITE_STORE = ("_site-store",)  # the hidden steps (tests/bench/cli.py) run in fresh processes
SITE_BUILD = ("_site-build",)


def starred_text(size: int, kind: str, seed: int = 33) -> tuple[str, int, int]:
    """About size characters to paste into the Starred page's import, with the real ids and look-alikes it holds.
    kind "mixed": prose, ids (bare, arXiv:, arXiv addresses), GitHub issue addresses and impossible months;
    "runs": 50 KB runs of dashes and of "a-b-", which the old pattern read in quadratic time."""
    if kind == "runs":
        return "\n".join(["-" * 50_000, "a-b-" * 12_500] * (size // 100_000 + 1))[:size], 0, 0
    pieces, real, skipped = prose_with_ids(random.Random(seed), size, WORDS)
    return " ".join(pieces)[:size], len(real), skipped


STARRED_IMPORT = """async (text) => {
  document.querySelector('[data-stars-import-text]').value = text;
  await new Promise(done => setTimeout(done, 800));  /* the paste's own layout is the browser's, not the import's */
  const longest = [0];
  const watch = new PerformanceObserver(list => list.getEntries().forEach(e => {
    longest[0] = Math.max(longest[0], e.duration); }));
  watch.observe({type: 'longtask'});
  let last = performance.now(), gap = 0;
  const ticker = setInterval(() => { const now = performance.now(); gap = Math.max(gap, now - last); last = now; }, 5);
  document.querySelector('[data-stars-action="import-text"]').click();
  const status = document.querySelector('[data-stars-status]');
  while (!status.textContent.startsWith('Imported')) await new Promise(done => setTimeout(done, 20));
  await new Promise(done => setTimeout(done, 300));
  clearInterval(ticker);
  watch.disconnect();
  return {task: longest[0], stall: gap, status: status.textContent,
          stars: document.querySelectorAll('[data-starred-list] li').length};
}"""


def starred_benchmark(texts: list[tuple[str, int]], repeat: int = 3) -> None:
    """The Starred page's import in Chromium: for each (kind, characters) pasted, the longest task (Chromium's
    long tasks) and the longest stall (the biggest gap of a 5 ms ticker: the task, then the list's style and
    layout), median of repeat runs, each in a fresh page."""
    import functools
    import http.server
    import statistics
    import threading

    from playwright.sync_api import sync_playwright

    from website import build

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    print(f"Starred page import (one paste; median of {repeat}, each in a fresh page):")
    print(f"{'text':<30} {'KB':>5} {'stars':>6} {'skipped':>8} {'task ms':>8} {'stall ms':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        root, outdir = Path(tmp) / "repo", Path(tmp) / "site"
        root.mkdir()
        site_store(root, 100)
        build.build(root, outdir)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(outdir)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--disable-sync"])
                for kind, size in texts:
                    text, real, skipped = starred_text(size, kind)
                    runs = []
                    for _ in range(repeat):
                        page = browser.new_page()
                        page.set_default_timeout(300_000)
                        page.goto(f"http://127.0.0.1:{server.server_port}/starred.html")
                        runs.append(page.evaluate(STARRED_IMPORT, text))
                        page.close()
                    if runs[0]["stars"] != real or (skipped and f"Skipped {skipped} " not in runs[0]["status"]):
                        raise SystemExit(f"the import found other ids than expected: {runs[0]}")
                    label = {"mixed": "prose, ids and look-alikes", "runs": "runs of letters and hyphens"}[kind]
                    print(f"{label:<30} {size // 1000:>5} {real:>6} {skipped:>8} "
                          f"{statistics.median(r['task'] for r in runs):>8.0f} "
                          f"{statistics.median(r['stall'] for r in runs):>9.0f}", flush=True)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")


SCREENS = {"1280x900": {"width": 1280, "height": 900}, "390x844": {"width": 390, "height": 844}}
SCREENS_QUERY = "speech"  # a word in most of the realistic site's papers: a full page of results
RESULTS_ON_SCREEN = """() => {
  const items = [...document.querySelectorAll('#results > li')];
  const tops = items.map(i => i.getBoundingClientRect().top + scrollY);
  const pitch = (tops[tops.length - 1] - tops[0]) / (tops.length - 1);
  return {first_y: Math.round(tops[0]), pitch: pitch, per_screen: innerHeight / pitch, shown: items.length,
          in_first: tops.filter(t => t < innerHeight).length};
}"""


def screens_site(folder: Path) -> Path:
    """The realistic site (tests/support/cards_site.py: the seed's real titles, a TL;DR on each paper) with a digest
    of its 20 newest papers and 2 picks, built by scripts/site.py into folder/site; returns folder/site."""
    import cards_site

    from core import store as st
    from website import build

    root = cards_site.make_repo(folder / "repo")
    newest = sorted(st.load(root).papers.values(), key=lambda p: (p["updated"], p["id"]), reverse=True)[:20]
    day = newest[0]["updated"][:10] if newest else "2026-01-01"
    ids = [p["id"] for p in newest]
    digest = {"date": day, "new": {"Speech Synthesis": ids[:12], "TTS": ids[12:] or ids[:1]},
              "picks": [{"id": paper, "score": 0.4, "because": {"id": None, "title": "A liked paper"}}
                        for paper in ids[:2]]}
    (root / "data" / "digests").mkdir(parents=True, exist_ok=True)
    (root / "data" / "digests" / f"{day}.json").write_text(json.dumps(digest, indent=2, sort_keys=True) + "\n")
    assert build.main([str(folder / "site"), "--root", str(root), "-q"]) == 0
    return folder / "site"


def screens_benchmark(tiny: bool = False, shots: Path | None = Path("/tmp/shots")) -> None:
    """Search results a screen and the first result's y at 1280x900 and 390x844 (search.html?q=speech on the
    realistic site), and screenshots of the Today page and of search at both sizes into shots/site-*.png."""
    import cards_site
    from browsers import chromium

    print(f"{'screen':<9} {'first result y':>14} {'px a result':>12} {'results a screen':>17} {'in the first screen':>20}")
    with tempfile.TemporaryDirectory() as scratch, chromium() as browser:
        site = screens_site(Path(scratch))
        with cards_site.serving(site) as base:
            for size, viewport in SCREENS.items():
                page = browser.new_page(viewport=viewport)
                page.goto(f"{base}search.html?q={SCREENS_QUERY}")
                page.wait_for_selector(f'#results[data-query$="?q={SCREENS_QUERY}"] > li', state="attached")
                got = page.evaluate(RESULTS_ON_SCREEN)
                print(f"{size:<9} {got['first_y']:>14} {got['pitch']:>12.0f} {got['per_screen']:>17.1f} "
                      f"{got['in_first']:>20}")
                if shots and not tiny:
                    shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shots / f"site-search-{size}.png"))
                    page.goto(f"{base}today.html")
                    page.wait_for_selector("article.paper button.star")
                    page.screenshot(path=str(shots / f"site-today-{size}.png"))
                    page.goto(f"{base}index.html")
                    page.wait_for_selector("article.paper button.star")
                    page.screenshot(path=str(shots / f"site-home-{size}.png"))
                page.close()
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
