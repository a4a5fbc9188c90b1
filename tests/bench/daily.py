"""The daily run on synthetic stores: load, merge 200 new papers, render everything, write, commit.

The repository is in the state a daily run finds it: the store, and the outputs the last run wrote.
Two figures per size: the daily run as the workflow runs it (topic parts whose inputs did not change
are kept, see manifest.MANIFEST), and a full re-render of every page (as after a template change).
Each size is built once, then measured --repeat times (default 3), each run in a fresh process on a
fresh copy, so its peak memory (max RSS) is its own; the median run is shown.
"""

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
from tests.bench.common import FIRST_DAY, LAST_DAY, TOPICS, calibration, fresh, synthetic
from tests.bench.exclusions import PHRASE_COUNTS, exclusion_benchmark


def build(root: Path, size: int) -> list[dict]:
    """Write a store of `size` papers, a keywords.yaml and yesterday's outputs; return 200 new papers to merge."""
    from core import config as cfg
    from core import store as st
    from daily import outputs, render

    rng = random.Random(size)
    s = st.Store(root)
    for i in range(size):
        day = (FIRST_DAY + datetime.timedelta(days=i * (LAST_DAY - FIRST_DAY).days // size)).isoformat()
        s.put(synthetic(i, rng, day))
    s.save()
    topics = [{"name": f"Topic {t}", "query": '"speech" OR codec', "categories": ["cs.SD", "eess.*"]} for t in range(TOPICS)]
    (root / "keywords.yaml").write_text(json.dumps({"topics": topics}))
    outputs.write_outputs(root, render.for_papers(cfg.load(root / "keywords.yaml"), list(s.papers.values())).outputs())
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
    from core import store as st
    from core.models import TopicRun
    from daily import manifest, report
    from tests.bench import product

    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=root, check=False)  # a copy: as after checkout
    new = json.loads((root / "new.json").read_text())
    runs: dict[str, TopicRun] = {}
    for paper in new:
        runs.setdefault(paper["topics"][0], TopicRun(paper["topics"][0])).records.append(
            {k: v for k, v in paper.items() if k != "topics"})
    started, cpu_started = time.perf_counter(), time.process_time()
    config = cfg.load(root / "keywords.yaml")
    checkout = product.preflight(root, [root / "keywords.yaml"])
    if mode == "full":  # after the preflight, which refuses a generated file deleted by hand
        (root / manifest.MANIFEST).unlink()
    store = st.load(root)
    loaded = time.perf_counter()
    outcome = product.apply(root, config, list(runs.values()), write=True, store=store,
                            baseline=product.baseline(checkout))
    done, cpu_done = time.perf_counter(), time.process_time()
    product.commit(checkout, root / "keywords.yaml", store, outcome)
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


def median_line(built: Path, size: int, mode: str, repeat: int) -> str:
    """Run one size `repeat` times on fresh copies of the built repository; format the median run."""
    runs = []
    for attempt in range(repeat):
        root = built.parent / f"{mode}{attempt}"
        shutil.copytree(built, root)
        out = subprocess.run(fresh(*MEASURE, str(root), str(size), mode), cwd=REPO,
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
        shutil.rmtree(root)
    r = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    peak = max(run["peak_mb"] for run in runs)
    return (f"{r['papers']:>8} {r['seconds']:>8} {r['cpu']:>6} {r['load']:>6} {r['apply']:>19} {r['new']:>4} "
            f"{peak:>8} {r['readme_bytes']:>13} {r['changed']:>18} of {r['files']:<6} {r['commit']:>9}")


def daily_run(sizes: list[int], repeat: int, exclusion_papers: int = 40_000,
              phrase_counts: tuple[int, ...] = PHRASE_COUNTS) -> None:
    """The daily-run tables for each size, then the exclude phrases' and the site extras' figures (as `exclusions`
    and `extras` print them), then the machine's speed."""
    from tests.bench.extras import extras_table

    header = (f"{'papers':>8} {'seconds':>8} {'CPU s':>6} {'load':>6} {'merge+render+write':>19} {'new':>4} "
              f"{'peak MB':>8} {'README bytes':>13} {'files changed (store too)':>26} {'commit s':>9}")
    results: dict[str, list[str]] = {"daily": [], "full": []}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "built"
            built.mkdir()
            subprocess.run(fresh(*BUILD, str(built), str(size)), cwd=REPO, check=True)
            for mode, lines in results.items():
                lines.append(median_line(built, size, mode, repeat))
    print("Daily run (as the workflow runs it: parts whose papers did not change are kept):")
    print(header, *results["daily"], sep="\n")
    print("\nFull re-render (no manifest: every page rendered from the store):")
    print(header, *results["full"], sep="\n")
    print(f"\nmedian of {repeat} runs, each in a fresh process on a fresh copy; peak MB is the highest max RSS")
    print("\nRelevance with many exclude phrases:", exclusion_benchmark(exclusion_papers, phrase_counts), sep="\n")
    print("\nSite extras (similar papers, BibTeX, COinS, charts, reasons; realistic word distribution, one run each):")
    print(*extras_table(sizes), sep="\n")
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s (compare figures taken at similar speeds)")


BUILD = ("_build",)  # the hidden steps (tests/bench/cli.py) run in fresh processes
MEASURE = ("_measure",)
