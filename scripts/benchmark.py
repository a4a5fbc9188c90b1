"""Benchmark one daily run on synthetic stores: load, merge 200 new papers, render everything, write.

The repository is in the state a daily run finds it: the store, and the outputs the last run wrote.

    python scripts/benchmark.py                 # 10,000 / 20,000 / 40,000 papers over 20 topics
    python scripts/benchmark.py --sizes 5000

Each size runs in a fresh process so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

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
    import config as cfg
    import render
    import store as st

    rng = random.Random(size)
    s = st.Store(root)
    for i in range(size):
        day = (FIRST_DAY + datetime.timedelta(days=i * (LAST_DAY - FIRST_DAY).days // size)).isoformat()
        s.put(synthetic(i, rng, day))
    s.save()
    topics = [{"name": f"Topic {t}", "query": '"speech" OR codec', "categories": ["cs.SD", "eess.*"]} for t in range(TOPICS)]
    (root / "keywords.yaml").write_text(json.dumps({"topics": topics}))
    render.write_outputs(root, render.Renderer(cfg.load(root / "keywords.yaml"), list(s.papers.values())).outputs())
    new = [synthetic(size + i, rng, "2026-11-20") for i in range(200)]
    for paper in new:
        paper["id"] = f"2611.{90000 + new.index(paper):05d}"
    return new


def measure(root: Path, size: int) -> dict:
    """Time one run on the store built in root (in this process, so max RSS is the run's own)."""
    import config as cfg
    import render
    import store as st

    new = json.loads((root / "new.json").read_text())
    started = time.perf_counter()
    config = cfg.load(root / "keywords.yaml")
    s = st.load(root)
    loaded = time.perf_counter()
    by_topic: dict[str, list[dict]] = {}
    for paper in new:
        by_topic.setdefault(paper["topics"][0], []).append({k: v for k, v in paper.items() if k != "topics"})
    for topic, records in by_topic.items():
        st.merge(s, topic, records)
    merged = time.perf_counter()
    renderer = render.Renderer(config, list(s.papers.values()))
    decided = time.perf_counter()
    sizes: dict[str, int] = {}

    def counted(outputs: Iterator[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        for path, data in outputs:
            sizes[path] = len(data)
            yield path, data

    changed = [str(path) for path in s.save()] + render.write_outputs(root, counted(renderer.outputs()))
    written = time.perf_counter()
    return {"papers": size, "seconds": round(written - started, 2), "load": round(loaded - started, 2),
            "merge": round(merged - loaded, 2), "rows": round(decided - merged, 2),
            "write": round(written - decided, 2), "readme_bytes": sizes["README.md"], "files": len(sizes),
            "changed": len(changed), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        root = Path(args.build[0])
        (root / "new.json").write_text(json.dumps(build(root, int(args.build[1]))))
        return 0
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), int(args.measure[1]))))
        return 0
    print(f"{'papers':>8} {'seconds':>8} {'load':>6} {'merge':>6} {'rows':>6} {'pages':>6} {'peak MB':>8} {'README bytes':>13} {'files changed':>14}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, __file__, "--build", tmp, str(size)], check=True)
            out = subprocess.run([sys.executable, __file__, "--measure", tmp, str(size)],
                                 capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(f"{r['papers']:>8} {r['seconds']:>8} {r['load']:>6} {r['merge']:>6} {r['rows']:>6} {r['write']:>6} "
              f"{r['peak_mb']:>8} {r['readme_bytes']:>13} {r['changed']:>6} of {r['files']:<6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
