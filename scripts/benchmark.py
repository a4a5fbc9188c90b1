"""Benchmark one daily run on synthetic stores: load, merge 200 new papers, render everything, write, commit.

The repository is in the state a daily run finds it: the store, and the outputs the last run wrote.
Two figures per size: the daily run as the workflow runs it (topic parts whose inputs did not change
are kept, see manifest.MANIFEST), and a full re-render of every page (as after a template change).

    python scripts/benchmark.py                 # 10,000 / 20,000 / 40,000 papers over 20 topics
    python scripts/benchmark.py --sizes 5000
    python scripts/benchmark.py --fetch         # a day with arXiv: requests and wall time (fake arXiv, real pacing)
    python scripts/benchmark.py --authors       # filling the shipped papers' authors: id_list requests, wall time
    python scripts/benchmark.py --summaries     # a model's TL;DRs: requests, tokens, wall time; swapped ones kept
    python scripts/benchmark.py --exclusions-only   # relevance with 10,000 exclude phrases (below)
    python scripts/benchmark.py --site          # the site (scripts/site.py): build, size, first load, search speed
    python scripts/benchmark.py --only-extras  # just the site's extras (similar papers, BibTeX, charts, reasons)
    python scripts/benchmark.py --ranking      # picks (issue 23): P@5/P@10 vs date order; 200 new vs 5,000 liked
    python scripts/benchmark.py --key-sentences  # issue 31: key-sentence accuracy vs two baselines; time per 1,000
    python scripts/benchmark.py --s2            # issue 31: Semantic Scholar requests on a normal day and a first day

Each size is built once, then measured --repeat times (default 3), each run in a fresh process on a
fresh copy, so its peak memory (max RSS) is its own; the median run is shown.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TOPICS = 20
FIRST_DAY, LAST_DAY = datetime.date(2017, 1, 1), datetime.date(2026, 11, 19)  # then 200 new on 2026-11-20
WORDS = ("speech synthesis neural codec language model audio zero-shot diffusion prosody speaker "
         "text-to-speech vocoder evaluation benchmark large streaming expressive emotion the of and with").split()


def synthetic(i: int, rng: random.Random, day: str) -> dict:
    """One realistic-sized paper (about 1.3 kB of abstract), matching its topic's query."""
    topic = f"Topic {i % TOPICS}"
    abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 250)))
    return {"id": f"{day[2:4]}{day[5:7]}.{i:05d}", "version": 1 + i % 3, "title": "Speech " + " ".join(rng.choice(WORDS) for _ in range(10)),
            "authors": [f"Author {j}" for j in range(rng.randint(1, 8))], "abstract": "speech " + abstract,
            "comment": "12 pages, 4 figures, accepted at ICASSP 2026" if i % 2 else "",
            "categories": ["cs.SD", "eess.AS"], "primary_category": "cs.SD", "published": f"{day}T10:00:00Z",
            "updated": f"{day}T10:00:00Z", "topics": [topic]}


def build(root: Path, size: int) -> list[dict]:
    """Write a store of `size` papers, a keywords.yaml and yesterday's outputs; return 200 new papers to merge."""
    from core import config as cfg
    from daily import outputs
    from daily import render
    from core import store as st

    rng = random.Random(size)
    s = st.Store(root)
    for i in range(size):
        day = (FIRST_DAY + datetime.timedelta(days=i * (LAST_DAY - FIRST_DAY).days // size)).isoformat()
        s.put(synthetic(i, rng, day))
    s.save()
    topics = [{"name": f"Topic {t}", "query": '"speech" OR codec', "categories": ["cs.SD", "eess.*"]} for t in range(TOPICS)]
    (root / "keywords.yaml").write_text(json.dumps({"topics": topics}))
    outputs.write_outputs(root, render.Renderer(cfg.load(root / "keywords.yaml"), list(s.papers.values())).outputs())
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                                                    "commit", "-qm", "Yesterday"]):
        subprocess.run(["git", *command], cwd=root, check=True)  # yesterday's commit, so today's can be timed
    new = [synthetic(size + i, rng, "2026-11-20") for i in range(200)]
    for number, paper in enumerate(new):
        paper["id"] = f"2611.{90000 + number:05d}"
    return new


def measure(root: Path, size: int, mode: str) -> dict:
    """Time one daily run (update.apply, as the workflow runs it) on the store built in root.

    mode "daily": as in the workflow, with the last run's manifest; "full": without it, every page rendered.
    """
    from core import config as cfg
    from daily import manifest
    from daily import publish
    from daily import report
    from core import store as st
    import update
    from daily.models import TopicRun

    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=root, check=False)  # a copy: as after checkout
    if mode == "full":
        (root / manifest.MANIFEST).unlink()
    new = json.loads((root / "new.json").read_text())
    runs: dict[str, TopicRun] = {}
    for paper in new:
        runs.setdefault(paper["topics"][0], TopicRun(paper["topics"][0])).records.append(
            {k: v for k, v in paper.items() if k != "topics"})
    started, cpu_started = time.perf_counter(), time.process_time()
    config = cfg.load(root / "keywords.yaml")
    checkout = publish.preflight(root, [root / "keywords.yaml"], push=False)
    store = st.load(root)
    loaded = time.perf_counter()
    outcome = update.apply(root, config, list(runs.values()), write=True, store=store,
                           baseline=publish.baseline(checkout))
    done, cpu_done = time.perf_counter(), time.process_time()
    update.publish_with_retry(checkout, root / "keywords.yaml", store, outcome.runs, outcome, do_push=False)
    committed = time.perf_counter()
    assert report.commit_message(outcome).startswith("200 new"), report.commit_message(outcome)
    outputs = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts
               and p.name not in ("new.json", "keywords.yaml")]
    return {"papers": size, "seconds": round(done - started, 2), "load": round(loaded - started, 2),
            "apply": round(done - loaded, 2), "cpu": round(cpu_done - cpu_started, 2),
            "commit": round(committed - done, 2),
            "new": sum(len(r.new) for r in outcome.runs),
            "readme_bytes": (root / "README.md").stat().st_size, "files": len(outputs),
            "changed": len(outcome.changed_files),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


RARE = [f"{a}{b}{c}" for a in ("tensor", "graph", "token", "image", "robot", "quantum", "market", "protein")
        for b in ("net", "flow", "scale", "rank", "time", "field", "train", "search") for c in range(40)]  # 2,560 words


def exclusion_phrases(count: int, rng: random.Random) -> list[str]:
    """Exclude phrases as people write them: a common word and a rarer one, or two rarer ones."""
    return [f"{rng.choice(WORDS)} {rng.choice(RARE)}" if i % 2 else f"{rng.choice(RARE)} {rng.choice(RARE)}"
            for i in range(count)]


def exclusion_benchmark(papers: int = 40_000, phrase_counts: tuple[int, ...] = (0, 10, 1_000, 4_000, 4_200, 10_000)) -> str:
    """Seconds relevance.listed takes for 1 topic with many exclude phrases over many papers (time must grow linearly).

    Each synthetic paper also names five of the rarer words, so some phrases are tried on it and some hide it.
    """
    from core import config as cfg
    from core import query as q
    from core import relevance

    rng = random.Random(1)
    store = [synthetic(i * TOPICS, rng, "2026-01-01") for i in range(papers)]  # all in "Topic 0"
    for paper in store:
        paper["abstract"] += " " + " ".join(rng.choice(RARE) for _ in range(5))
    lines = []
    for count in phrase_counts:
        topic = cfg.Topic(name="Topic 0", query='"speech" OR codec', tree=q.parse('"speech" OR codec'),
                          exclude=tuple(exclusion_phrases(count, rng)))
        started, cpu_started = time.perf_counter(), time.process_time()
        shown = relevance.listed(topic, store)
        lines.append(f"1 topic x {count:>6,} exclude phrases over {papers:,} papers: "
                     f"{time.perf_counter() - started:6.2f} s ({time.process_time() - cpu_started:.2f} s CPU), "
                     f"{papers - len(shown):,} hidden")
    return "\n".join(lines)


def site_store(root: Path, size: int) -> None:
    """A store of `size` papers over 20 topics for the site, with abstracts drawn from the real store's words.

    The words of the repository's own abstracts, sampled by frequency, give the search index a realistic
    vocabulary (the daily-run benchmark's 20 words would make it unrealistically small).
    """
    from core import config as cfg
    from core import store as st

    words = [w for p in st.load(Path(__file__).resolve().parent.parent).papers.values()
             for w in p["abstract"].split()] or list(WORDS)
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
    """Run --site-build in a fresh process, sampling the memory of it and its fork every 50 ms."""
    process = subprocess.Popen([sys.executable, __file__, "--site-build", str(root), str(outdir)],
                               stdout=subprocess.PIPE, text=True)
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
                fresh = browser.new_page()
                started = time.perf_counter()
                fresh.goto(f"http://127.0.0.1:{server.server_port}/search.html?q={query}")
                fresh.wait_for_selector(f'#results[data-query="/search.html?q={query}"]', state="attached")
                cold.append((time.perf_counter() - started) * 1000)
                fresh.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    worst = max(range(len(times)), key=times.__getitem__)
    return {"search_ms": round(statistics.median(times)), "search_worst_ms": round(times[worst]),
            "worst_query": queries[worst], "cold_ms": round(statistics.median(cold))}


def site_benchmark(sizes: list[int]) -> None:
    """Build the site for each size in a fresh process; print build time, memory, sizes and search speed."""
    queries = ["neural", "codec", "prosody", "speaker", "diffusion", "emotion", "streaming", "benchmark",
               "vocoder", "latency", "multilingual", "dataset", "tokens", "expressive", "recognition",
               "evaluation", "zero-shot", "transformer", "language", "quality"]
    print(f"{'papers':>8} {'build s':>8} {'peak MB':>8} {'site MB':>8} {'files':>7} "
          f"{'home gzip KB':>13} {'search ms (median, worst)':>26} {'link ms':>8}  largest file")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root, outdir = Path(tmp) / "repo", Path(tmp) / "site"
            root.mkdir()
            subprocess.run([sys.executable, __file__, "--site-store", str(root), str(size)], check=True)
            r = {**watched_build(root, outdir), **site_sizes(outdir), **site_search(outdir, queries)}
            print(f"{size:>8} {r['seconds']:>8} {r['peak_mb']:>8} {r['site_mb']:>8} "
                  f"{r['files']:>7} {r['home_gzip_kb']:>13} {r['search_ms']:>11}, {r['search_worst_ms']:>4} "
                  f"({r['worst_query']:<9}) {r['cold_ms']:>8}  {r['largest']}", flush=True)
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")


def abstracts(size: int, seed: int = 17) -> tuple[list[str], list[int]]:
    """Title+abstract texts with a natural word distribution (Zipf over 60,000 words, stop words included)
    and 300 subjects with words of their own, so TF-IDF sees what real abstracts give it; and each text's subject.

    The daily-run papers above use 20 words, which every paper shares: no signal for similar papers.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    words = np.array([f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}ex{i}" for i in range(60_000)])
    words[:8] = ["the", "of", "and", "a", "to", "in", "we", "is"]
    weights = 1 / np.arange(1, len(words) + 1) ** 1.07
    cumulative = np.cumsum(weights / weights.sum())
    subject_words = rng.integers(2_000, len(words), size=(300, 40))
    subjects = rng.integers(0, 300, size=size).tolist()
    texts = []
    for subject in subjects:  # one paper at a time, so the corpus costs memory only as text
        length = int(rng.integers(150, 250))
        own = rng.choice(subject_words[subject], size=length // 7)
        common = np.minimum(np.searchsorted(cumulative, rng.random(length - len(own))), len(words) - 1)
        texts.append(" ".join(words[np.concatenate([common, own])].tolist()))
    return texts, subjects


EXTRAS_MARKUP = (r'<span class="why">.*?</span>|<button type="button" class="star[^>]*>.*?</button>'
                 r'|<details class="(?:cite|similar)".*?</details>\n?|<span class="Z3988"[^>]*></span>\n?')


def extras_papers(size: int) -> tuple[list[dict], list[int]]:
    """`size` synthetic papers over 20 topics (one each) with Zipf-distributed words, and each one's subject."""
    texts, subjects = abstracts(size)
    rng = random.Random(size)
    papers = []
    for i, text in enumerate(texts):
        day = FIRST_DAY + datetime.timedelta(days=i * (LAST_DAY - FIRST_DAY).days // size)
        paper = synthetic(i, rng, day.isoformat())
        paper["id"] = f"{paper['id'][:4]}.{i:05d}"
        paper["title"], paper["abstract"] = text[:80], "speech " + text[80:]
        papers.append(paper)
    return papers, subjects


def extras_config() -> object:
    """The 20 topics the extras and day-page benchmarks share, loaded as a keywords.yaml is (validated)."""
    from core import config as cfg

    topics = [{"name": f"Topic {t}", "query": '"speech" OR codec', "categories": ["cs.SD", "eess.*"]}
              for t in range(TOPICS)]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "keywords.yaml").write_text(json.dumps({"topics": topics}))
        return cfg.load(Path(tmp) / "keywords.yaml")


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
    then every page of the site rendered with them (no search index: that is --site's part)."""
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
    renderer = render.Renderer(config, papers)
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
        out = subprocess.run([sys.executable, __file__, "--measure-extras", str(size)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        lines.append(f"{r['papers']:>8} {r['similar']:>10} {r['extras']:>13} {r['cpu']:>6} {r['model']:>8} "
                     f"{r['pages']:>8} {r['pages_mb']:>9} {r['bib_mb']:>8} {r['largest_mb']:>11} {r['entries']:>8} "
                     f"{r['bytes_per_entry']:>15} "
                     f"{r['same_subject']:>19} {r['peak_mb']:>8} {r['before_mb']:>15}")
    return lines


def days_benchmark(size: int = 10_000, day_count: int = 365) -> str:
    """The site's day pages (issue 23) for a year of digests over `size` papers: build and render time, bytes."""
    import gzip

    from daily import render
    from website import days, pages
    from website.build import shown_papers
    from website.extras import build_extras
    from website.model import build_model

    papers, _ = extras_papers(size)
    config = extras_config()
    renderer = render.Renderer(config, papers)
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
    for paper in newest[:2_000]:
        first["new"].setdefault(paper["topics"][0], []).append(paper["id"])
    site.days = [days.build_day(first, site)]
    first_run = len(dict(pages.day_pages(site, extras))["today.html"])
    return (f"a first run's day (2,000 new papers over 20 topics): {first_run / 1e3:.0f} KB\n"
            f"{day_count} days of {per_day} new papers (10 picks each) over {size} papers: {len(made)} pages, "
            f"model {built - started:.2f} s, rendered in {rendered - built:.2f} s "
            f"({(rendered - built) / day_count * 1000:.0f} ms a day page), {total / 1e6:.1f} MB in all "
            f"({total / day_count / 1e3:.0f} KB a day), largest {largest / 1e3:.0f} KB, "
            f"today.html {len(today) / 1e3:.0f} KB gzipped")


def renames_figures(sizes: list[int]) -> list[str]:
    """A renamed topic on the site (issue 21): its old addresses' files and bytes, and the id lookup's size, per
    store size (site_store's 20 topics, one renamed with an alias; rendered in memory, no similar papers)."""
    import gzip

    from core import config as cfg
    from core import store as st
    from website import build as site_build_module, moved

    lines = [f"{'papers':>8} {'old files':>10} {'old KB':>7} {'lookup files':>13} {'lookup KB':>10} "
             f"{'gzip KB':>8} {'largest shard KB':>17} {'seconds':>8}"]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            site_store(root, size)
            raw = json.loads((root / "keywords.yaml").read_text())
            raw["topics"][0] = {**raw["topics"][0], "name": "Topic 0 renamed", "aliases": ["Topic 0"]}
            (root / "keywords.yaml").write_text(json.dumps(raw))
            config, store = cfg.load(root / "keywords.yaml"), st.load(root)
            st.adopt_topics(store, {"Topic 0": "Topic 0 renamed"})
            papers = list(store.papers.values())
            site, renderer = site_build_module.model_of(config, papers)
            extras = site_build_module.build_extras(config, papers, site_build_module.shown_papers(renderer),
                                                    similar_ids={})
            started = time.perf_counter()
            old = list(moved.old_addresses(site, extras, renderer))
            lookup = list(moved.lookup_files(site))
            seconds = time.perf_counter() - started
        kb = lambda files: sum(len(data) for _, data in files) / 1000  # noqa: E731
        zipped = sum(len(gzip.compress(data)) for _, data in lookup) / 1000
        lines.append(f"{size:>8} {len(old):>10} {kb(old):>7.0f} {len(lookup):>13} {kb(lookup):>10.0f} {zipped:>8.0f} "
                     f"{max(len(data) for _, data in lookup) / 1000:>17.1f} {seconds:>8.2f}")
    return lines


def calibration() -> float:
    """Seconds a fixed pure-Python loop takes now: shared machines vary run to run, so say how fast this one was."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return round(time.perf_counter() - started, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is shown")
    parser.add_argument("--exclusions-only", action="store_true", help="only the exclude-phrase benchmark")
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--fetch", action="store_true",
                        help="instead: a normal day and a day with one HTTP 406 on the shipped keywords.yaml and store")
    parser.add_argument("--split", action="store_true",
                        help="instead: a day with one topic arXiv rejects (HTTP 400) among 4 and among 20, real pacing")
    parser.add_argument("--authors", action="store_true",
                        help="instead: filling the shipped papers' authors with id_list requests, real pacing")
    parser.add_argument("--mail", action="store_true", help="the digest email's size on a typical and a big day")
    parser.add_argument("--summaries", action="store_true",
                        help="instead: TL;DRs for the shipped papers and for 200 new ones, against the fake model")
    parser.add_argument("--site", action="store_true", help="benchmark the site (scripts/site.py) instead")
    parser.add_argument("--site-store", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--site-build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--measure-extras", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--only-extras", action="store_true", help="measure only the site's extras (issue 17)")
    parser.add_argument("--ranking", action="store_true",
                        help="instead: picks' precision at 5 and 10 on the labelled set, and the ranking time")
    parser.add_argument("--days", action="store_true", help="measure only the site's day pages (issue 23)")
    parser.add_argument("--s2", action="store_true",
                        help="Semantic Scholar (issue 31): batch requests on a normal day and a fork's first day")
    parser.add_argument("--key-sentences", action="store_true",
                        help="key sentences (issue 31): accuracy on the labelled set vs baselines; time per 1,000")
    parser.add_argument("--renames", action="store_true", help="measure a renamed topic's old site addresses and "
                                                               "the id lookup (issue 21)")
    args = parser.parse_args()
    if args.key_sentences:
        return key_sentence_figures(args.repeat)
    if args.s2:
        return s2_figures()
    if args.ranking:
        return ranking_figures(args.repeat)
    if args.days:
        print(days_benchmark(), f"machine speed: a 5,000,000-step Python loop took {calibration()} s", sep="\n")
        return 0
    if args.fetch:
        return fetch_days()
    if args.split:
        return split_days()
    if args.mail:
        return mail_sizes()
    if args.authors:
        return authors_fill()
    if args.summaries:
        return summaries_runs()
    if args.site_store:
        site_store(Path(args.site_store[0]), int(args.site_store[1]))
        return 0
    if args.site_build:
        print(json.dumps(site_build(Path(args.site_build[0]), Path(args.site_build[1]))))
        return 0
    if args.measure_extras:
        print(json.dumps(measure_extras(args.measure_extras)))
        return 0
    if args.only_extras:
        print("Site extras (similar papers, BibTeX, COinS, charts, reasons; realistic word distribution):")
        print(*extras_table(args.sizes), sep="\n")
        print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
        return 0
    if args.site:
        site_benchmark(args.sizes)
        return 0
    if args.renames:
        print("A renamed topic on the site (its old pages and feed) and the id -> page lookup:",
              *renames_figures(args.sizes), sep="\n")
        return 0
    if args.build:
        root = Path(args.build[0])
        (root / "new.json").write_text(json.dumps(build(root, int(args.build[1]))))
        return 0
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), int(args.measure[1]), args.measure[2])))
        return 0
    if args.exclusions_only:
        print("Relevance with many exclude phrases:", exclusion_benchmark(), sep="\n")
        print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
        return 0
    header = (f"{'papers':>8} {'seconds':>8} {'CPU s':>6} {'load':>6} {'merge+render+write':>19} {'new':>4} "
              f"{'peak MB':>8} {'README bytes':>13} {'files changed (store too)':>26} {'commit s':>9}")
    results: dict[str, list[str]] = {"daily": [], "full": []}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "built"
            built.mkdir()
            subprocess.run([sys.executable, __file__, "--build", str(built), str(size)], check=True)
            for mode, lines in results.items():
                lines.append(median_line(built, size, mode, args.repeat))
    print("Daily run (as the workflow runs it: parts whose papers did not change are kept):")
    print(header, *results["daily"], sep="\n")
    print("\nFull re-render (no manifest: every page rendered from the store):")
    print(header, *results["full"], sep="\n")
    print(f"\nmedian of {args.repeat} runs, each in a fresh process on a fresh copy; peak MB is the highest max RSS")
    print("\nRelevance with many exclude phrases:", exclusion_benchmark(), sep="\n")
    print("\nSite extras (similar papers, BibTeX, COinS, charts, reasons; realistic word distribution, one run each):")
    print(*extras_table(args.sizes), sep="\n")
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s (compare figures taken at similar speeds)")
    return 0


def median_line(built: Path, size: int, mode: str, repeat: int) -> str:
    """Run one size `repeat` times on fresh copies of the built repository; format the median run."""
    runs = []
    for attempt in range(repeat):
        root = built.parent / f"{mode}{attempt}"
        shutil.copytree(built, root)
        out = subprocess.run([sys.executable, __file__, "--measure", str(root), str(size), mode],
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
        shutil.rmtree(root)
    r = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    peak = max(run["peak_mb"] for run in runs)
    return (f"{r['papers']:>8} {r['seconds']:>8} {r['cpu']:>6} {r['load']:>6} {r['apply']:>19} {r['new']:>4} "
            f"{peak:>8} {r['readme_bytes']:>13} {r['changed']:>18} of {r['files']:<6} {r['commit']:>9}")


def split_days() -> int:
    """Issue 21: one topic's query rejected among 4 and among 20 topics, against the fake arXiv with arXiv's real
    pacing (3 s, 5 s backoff): the requests and wall time of that day, and of the next (the topic asks alone)."""
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import update
    from conftest import NOW, write_keywords
    from fake_arxiv import FakeArxiv, paper
    from test_split import FOUR, WORDS, reject, twenty

    print(f"{'topics':>6} {'requests':>8} {'extra':>5} {'bound':>5} {'wall s':>7} {'next day':>8} {'wall s':>7}")
    for size in (4, 20):
        topics, words = (FOUR, WORDS) if size == 4 else twenty()
        term = "caption" if size == 4 else "topic13x"
        with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as fake:
            root = Path(tmp)
            os.environ.update(ARXIV_API_URL=fake.url, ARXIV_REQUEST_DELAY="0", ARXIV_BACKOFF_SECONDS="0.01",
                              DAILY_PAPERS_NOW=NOW)
            write_keywords(root, topics, {"max_tries": 4})
            fake.papers += [paper(f"2602.{i:05d}", f"A {w} paper", updated="2026-02-10T00:00:00Z")
                            for i, w in enumerate(words.values())]
            update.main(["--root", str(root), "-q"])
            fake.papers += [paper(f"2602.{500 + i:05d}", f"Another {w} paper", updated="2026-02-12T10:00:00Z")
                            for i, w in enumerate(words.values())]
            fake.requests.clear()
            fake.faults.append(reject(term))
            os.environ.update(ARXIV_REQUEST_DELAY="3", ARXIV_BACKOFF_SECONDS="5")
            started = time.monotonic()
            update.main(["--root", str(root), "-q"])
            day, asked = time.monotonic() - started, len(fake.requests)
            fake.requests.clear()
            os.environ["DAILY_PAPERS_NOW"] = "2026-02-14T00:00:00Z"
            started = time.monotonic()
            update.main(["--root", str(root), "-q"])
            bound = 2 * (size - 1).bit_length()
            print(f"{size:>6} {asked:>8} {asked - 1:>5} {bound:>5} {day:>7.1f} {len(fake.requests):>8} "
                  f"{time.monotonic() - started:>7.1f}", flush=True)
    return 0


def fetch_days() -> int:
    """The shipped keywords.yaml and store against the fake arXiv (tests/fake_arxiv.py) with arXiv's real pacing
    (3 s between requests, 5 s backoff base): a normal day, and a day whose first answer is HTTP 406."""
    import contextlib
    import io
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import update
    from fake_arxiv import Fault, FakeArxiv, paper

    repo = Path(__file__).resolve().parent.parent
    print(f"{'day':<28} {'requests':>8} {'wall s':>7}  status")
    for label, faults in (("normal day", []), ("a day with one HTTP 406", [Fault("status", 406, times=1)])):
        with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as server:
            root = Path(tmp)
            shutil.copytree(repo / "data", root / "data")
            shutil.copy(repo / "keywords.yaml", root / "keywords.yaml")
            stored = [json.loads(f.read_text()) for f in (root / "data" / "papers").glob("*.json")]
            server.papers = [paper(r["id"], r["title"], r["abstract"], version=r["version"], comment=r["comment"],
                                   updated=r["updated"] if "T" in r["updated"] else r["updated"] + "T10:00:00Z")
                             for shard in stored for r in shard.values()]
            os.environ.update(ARXIV_API_URL=server.url, ARXIV_REQUEST_DELAY="3", ARXIV_BACKOFF_SECONDS="5",
                              DAILY_PAPERS_NOW="2026-01-30T01:17:00Z")
            with contextlib.redirect_stdout(io.StringIO()):
                update.main(["--root", str(root), "-q"])  # yesterday's run: the state a normal day starts from
            server.papers += [paper(f"2601.9{i:04d}", f"Zero-shot text-to-speech {i}",
                                    updated="2026-01-30T20:00:00Z") for i in range(30)]
            server.faults, server.requests = faults, []
            os.environ["DAILY_PAPERS_NOW"] = "2026-01-31T01:17:00Z"
            out = io.StringIO()
            started = time.perf_counter()
            with contextlib.redirect_stdout(out):
                update.main(["--root", str(root), "-q"])
            seconds = time.perf_counter() - started
            status = next(line for line in out.getvalue().splitlines() if line.startswith("Status:"))
            print(f"{label:<28} {len(server.requests):>8} {seconds:>7.1f}  {status[8:90]}")
    return 0


def authors_fill() -> int:
    """Issue 22: the shipped store's papers without authors, filled from the fake arXiv with arXiv's real pacing
    (3 s from the end of each answer): id_list requests and wall time, then the next run's (nothing to ask)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from daily import fetch
    from daily import lookup
    from core import store as st
    from fake_arxiv import FakeArxiv, paper

    repo = Path(__file__).resolve().parent.parent
    print(f"{'run':<10} {'papers':>6} {'filled':>6} {'requests':>8} {'ids/request':>11} {'wall s':>7}")
    with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as server:
        root = Path(tmp)
        shutil.copytree(repo / "data", root / "data")
        store = st.load(root)
        server.papers = [paper(i, r["title"], version=r["version"]) for i, r in store.papers.items()]
        wanted = sum(lookup.needs_authors(r) for r in store.papers.values())
        for label in ("first", "next"):
            fetcher = fetch.Fetcher(url=server.url, delay=3.0, backoff_base=5.0)
            server.requests.clear()
            started = time.perf_counter()
            report = lookup.fill_authors(store, fetcher, root)
            seconds = time.perf_counter() - started
            sizes = [len(batch) for batch in server.id_list_requests]
            print(f"{label:<10} {wanted if label == 'first' else 0:>6} {len(report.filled):>6} {report.requests:>8} "
                  f"{max(sizes, default=0):>11} {seconds:>7.1f}", flush=True)
    return 0


def ranking_figures(repeat: int) -> int:
    """Issue 23: precision at 5 and 10 of the picks ranker and of date order on tests/fixtures/ranking, and the
    time to rank 200 new papers against a 5,000-entry library (Zipf-worded texts), pinned to one core."""
    import os

    from digest import quality, rank

    data = quality.load()
    scored = {p.id: p.score for p in rank.rank(data.day, data.liked, limit=len(data.day), floor=-1.0)}
    print(f"labelled set: {len(data.liked)} library papers, {len(data.day)} new, "
          f"{sum(data.relevant.values())} relevant by hand")
    print(f"{'order':<12} {'P@5':>5} {'P@10':>5}")
    for label, order in (("ranker", quality.ranker_order(data)), ("date order", quality.date_order(data))):
        print(f"{label:<12} {quality.precision(order, data.relevant, 5):>5.2f} "
              f"{quality.precision(order, data.relevant, 10):>5.2f}")
    relevant = [scored[i] for i, yes in data.relevant.items() if yes]
    others = [scored[i] for i, yes in data.relevant.items() if not yes]
    print(f"scores: relevant {min(relevant):.3f}..{max(relevant):.3f}, others {min(others):.3f}..{max(others):.3f}; "
          f"floor {rank.FLOOR}: picks {sum(v >= rank.FLOOR for v in scored.values())} "
          f"({sum(scored[i] >= rank.FLOOR for i, yes in data.relevant.items() if yes)} relevant)")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts, _ = abstracts(5_200)
    liked = [rank.Liked(str(i), t[:60], t) for i, t in enumerate(texts[:5_000])]
    new = [(f"n{i}", t) for i, t in enumerate(texts[5_000:])]
    times = []
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        rank.rank(new, liked, limit=10)
        times.append(time.perf_counter() - started)
    print(f"ranking 200 new against 5,000 liked, one core: median {sorted(times)[len(times) // 2]:.3f} s "
          f"(best {min(times):.3f} s of {len(times)}; target 0.5 s)")
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
    return 0


def key_sentence_figures(repeat: int) -> int:
    """Issue 31: how often the key sentence is one the labeller marked as stating the paper's contribution, on the
    held-out and the tuning part of tests/fixtures/key_sentences.json, beside the first-sentence and first-'we'
    baselines; and the time to choose and cut the key sentences of 1,000 abstracts (cache cleared), one core."""
    import os

    from core import key_sentence
    from digest import sentence_quality

    papers = sentence_quality.load()
    parts = {name: [p for p in papers if p.set == name] for name in ("heldout", "tune")}
    print(f"labelled set: {len(papers)} shipped abstracts, {len(parts['heldout'])} held out (never tuned on), "
          f"{len(parts['tune'])} for tuning; a choice is good when the labeller marked it")
    print(f"{'chooser':<28} {'held out':>10} {'tuning':>10}")
    for label, choose in sentence_quality.CHOOSERS.items():
        cells = []
        for part in parts.values():
            good, total = sentence_quality.accuracy(part, choose)
            cells.append(f"{good}/{total}")
        print(f"{label:<28} {cells[0]:>10} {cells[1]:>10}")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = [p.abstract for p in papers]
    thousand = [f"{texts[i % len(texts)]} ({i})" for i in range(1_000)]  # distinct texts: the cache does not help
    times = []
    for _ in range(max(repeat, 1)):
        key_sentence.choose.cache_clear()
        started = time.perf_counter()
        for text in thousand:
            key_sentence.shown(text)
        times.append(time.perf_counter() - started)
    lengths = sorted(len(key_sentence.shown(t)) for t in texts)
    print(f"shown length: median {lengths[len(lengths) // 2]} characters, longest {lengths[-1]} (cut at about "
          f"{key_sentence.SHOWN_CHARS})")
    print(f"choosing and cutting 1,000 key sentences, one core: median {sorted(times)[len(times) // 2] * 1000:.0f} ms "
          f"(best {min(times) * 1000:.0f} ms of {len(times)})")
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
    return 0


SUMMARY = ("A streaming codec language model that predicts speech tokens from text and a short voice prompt, "
           "cutting latency to 80 ms while matching the naturalness of larger offline text-to-speech systems.")


def mail_day(papers: list[dict], topics: int, picks: int) -> tuple[dict, dict]:
    """A day's record and store for the digest: the papers spread over `topics` topics (0: their own), each with a
    TL;DR of its version as long as a real one (about 200 characters), the first `picks` picked because of the last."""
    store, new = {}, {}
    for n, record in enumerate(papers):
        topic = f"Topic {n % topics + 1}" if topics else record["topics"][0]
        record = {**record, "topics": [topic], "tldr": {"model": "openai/gpt-4.1-mini", "version": record["version"],
                                                      "text": SUMMARY}}
        store[record["id"]] = record
        new.setdefault(topic, []).append(record["id"])
    liked = papers[-1]
    chosen = [{"id": p["id"], "score": 0.4, "because": {"id": liked["id"], "title": liked["title"]}} for p in papers[:picks]]
    return {"date": "2026-12-03", "new": new, "picks": chosen}, store


def mail_sizes() -> int:
    """Issue 23: the digest email's size (whole message as sent, and each part) and compose time, for the shipped
    store's 14 newest papers in their topics with 3 picks, and for a big day of 1,200 papers over 20 topics."""
    from core import store as st
    from digest import mail

    repo = Path(__file__).resolve().parent.parent
    newest = sorted(st.load(repo).papers.values(), key=lambda r: r["updated"], reverse=True)
    rng = random.Random(5)
    big = [synthetic(i, rng, f"2026-12-0{1 + i % 3}") for i in range(1_200)]
    big = [{**p, "topics": ["x"], "version": 1, "id": f"2612.{i:05d}"} for i, p in enumerate(big)]
    print(f"{'day':<34} {'new':>5} {'listed':>6} {'message bytes':>13} {'text chars':>10} {'html chars':>10} {'ms':>6}")
    for label, papers, topics, picks in (("typical: 14 newest shipped, 3 picks", newest[:14], 0, 3),
                                         ("big: 1,200 papers, 20 topics", big, 20, 10)):
        day, store = mail_day(papers, topics, picks)
        started = time.perf_counter()
        message = mail.compose(day, store, "https://owner.github.io/repo/", "Daily Papers",
                               mail.address("bot@example.org", "MAIL_FROM"), (mail.address("me@example.org", "MAIL_TO"),))
        raw = message.as_bytes()
        ms = (time.perf_counter() - started) * 1000
        text, html = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
        listed = text.count("\n- ")
        print(f"{label:<34} {len(papers):>5} {listed:>6} {len(raw):>13,} {len(text):>10,} {len(html):>10,} {ms:>6.0f}")
def summaries_runs() -> int:
    """Issues 22 and 31: a model's TL;DRs of a day of 200 new papers, then of the shipped store, against the fake
    model (tests/fake_llm.py) over real HTTP: requests, estimated input tokens a request, and the wall time added at
    the default pace (LLM_REQUEST_DELAY, 1 s; the waits are counted, not slept); then the same shipped papers with
    the fake model swapping the summaries within each request: how many swapped summaries are kept (target 0)."""

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from core import config as cfg
    from core import store as st
    from digest import summaries
    from fake_llm import FakeLLM

    repo = Path(__file__).resolve().parent.parent
    config = cfg.load(repo / "keywords.yaml")
    print(f"{'run':<24} {'papers':>6} {'done':>5} {'requests':>8} {'papers/req':>10} {'max tokens':>10} "
          f"{'mean tokens':>11} {'added wall s':>12}")
    with tempfile.TemporaryDirectory() as tmp, FakeLLM() as server:
        root = Path(tmp)
        shutil.copytree(repo / "data", root / "data")
        store = st.load(root)
        shipped = list(store.papers.values())
        rng = random.Random(22)
        topic = config.topics[0].name
        for i in range(200):  # a day's new papers: real abstracts (their length spread), new ids, one topic
            model = rng.choice(shipped)
            store.put({**model, "id": f"2612.{90000 + i}", "updated": "2026-12-02T20:00:00Z", "topics": [topic],
                       "title": f"{config.topics[0].query} {model['title']}"[:300]})
        new_ids = {f"2612.{90000 + i}" for i in range(200)}
        runs = [("200 new papers", {"max_summaries_per_run": 200}),
                (f"{len(shipped)} shipped papers", {"max_summaries_per_run": 1000}),
                ("next day, nothing new", {"max_summaries_per_run": 1000})]
        for label, settings in runs:
            if label.endswith("shipped papers"):
                for paper_id in new_ids:
                    store.papers.pop(paper_id)
            run_config = cfg.Config(config.path, config.topics,
                                    {**config.settings, "summary_model": "benchmark-model", **settings})
            slept = [0.0]
            env = {"LLM_BASE_URL": server.url, "LLM_API_KEY": "benchmark"}
            report = summaries.summarize(store, run_config, env=env, clock=lambda: time.monotonic() + slept[0],
                                         sleep=lambda s: slept.__setitem__(0, slept[0] + s), budget=3600)
            tokens = report.tokens or [0]
            per = report.wanted / report.requests if report.requests else 0
            print(f"{label:<24} {report.wanted:>6} {len(report.done):>5} {report.requests:>8} {per:>10.1f} "
                  f"{max(tokens):>10} {sum(tokens) / len(tokens):>11.0f} {report.seconds:>12.1f}", flush=True)
        for swap in (1, 3):  # each paper gets the summary of the paper `swap` places on in its request
            fresh = st.load(root)
            server.swap = swap
            run_config = cfg.Config(config.path, config.topics, {**config.settings, "summary_model": "benchmark-model",
                                                                  "max_summaries_per_run": 1000})
            report = summaries.summarize(fresh, run_config, env={**env, "LLM_REQUEST_DELAY": "0"}, budget=3600)
            print(f"swapped by {swap} within each request: {len(report.done)} of {report.wanted} swapped summaries "
                  f"kept (target 0), in {report.requests} requests")
    return 0


def s2_figures() -> int:
    """Issue 31: Semantic Scholar batch requests on a normal day (target 1) and on a fresh fork's first day, against
    the local stand-in (tests/fake_s2.py) over real HTTP, and how many a day of n papers would take."""
    from datetime import timedelta

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from core import config as cfg
    from core import store as st
    from digest import semantic_scholar as s2
    from fake_s2 import FakeS2

    repo = Path(__file__).resolve().parent.parent
    config = cfg.load(repo / "keywords.yaml")
    with tempfile.TemporaryDirectory() as tmp, FakeS2() as server:
        root = Path(tmp)
        shutil.copytree(repo / "data", root / "data")
        store = st.load(root)
        server.tldrs = {i: f"A TL;DR of paper {i}." for i in store.papers}
        newest = max(datetime.datetime.fromisoformat(r["updated"][:10]) for r in store.papers.values())
        first = newest.replace(tzinfo=datetime.timezone.utc) + timedelta(hours=12)
        env = {"S2_API_URL": server.url}
        print(f"{'day':<44} {'asked':>6} {'stored':>7} {'requests':>8}")
        report = s2.fetch_tldrs(store, config, first, env=env)
        print(f"{'first day (shipped store, its newest day)':<44} {report.asked:>6} {len(report.stored):>7} "
              f"{report.requests:>8}")
        topic = config.topics[1]
        for i in range(40):  # the next day: 40 new listed papers
            model = list(store.papers.values())[i]
            store.put({**model, "id": f"2602.{80000 + i}", "updated": (first + timedelta(days=1)).isoformat()[:10],
                       "topics": [topic.name], "title": f"TTS {model['title']}"})
            server.tldrs[f"2602.{80000 + i}"] = "A TL;DR."
        report = s2.fetch_tldrs(store, config, first + timedelta(days=1, hours=1), env=env)
        print(f"{'normal day (40 new listed papers)':<44} {report.asked:>6} {len(report.stored):>7} {report.requests:>8}")
        report = s2.fetch_tldrs(store, config, first + timedelta(days=2, hours=1), env=env)
        print(f"{'next day, nothing new':<44} {report.asked:>6} {len(report.stored):>7} {report.requests:>8}")
    for count in (1, 80, 400, 500, 501, 2_000):
        print(f"{count:>5} papers without a TL;DR: {s2.requests_needed(count)} request(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
