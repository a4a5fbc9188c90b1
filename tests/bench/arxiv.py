"""Days with arXiv, against the fake arXiv (tests' stand-in, 127.0.0.1) with arXiv's real pacing (3 s between
requests, 5 s backoff base): a normal day and one with HTTP 406 (fetch), one topic arXiv rejects among 4 and 20
(split, issue 21), the shipped papers' authors filled with id_list requests (authors, issue 22)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench import REPO

# Copied from tests/conftest.py (NOW, write_keywords) and tests/e2e/test_split.py (FOUR, WORDS, REASON, twenty, reject):
# the split day is the one tests/e2e/test_split.py checks, and a benchmark imports no test file.
NOW = "2026-02-13T00:00:00Z"
FOUR = [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"},
        {"name": "Audio Caption", "query": '"audio caption"'}, {"name": "Speech LM", "query": '"speech language model"'}]
FOUR_WORDS = {"Codec": "codec", "Vocoder": "vocoder", "Audio Caption": "audio caption",
              "Speech LM": "speech language model"}
REASON = "syntax error in query near caption"


def write_keywords(root: Path, topics: list[dict[str, Any]], settings: dict[str, Any] | None = None) -> None:
    """A keywords.yaml (JSON is YAML) for a test repository."""
    (root / "keywords.yaml").write_text(json.dumps({"topics": topics, "settings": settings or {}}, indent=2))


def twenty() -> tuple[list[dict], dict[str, str]]:
    """Twenty topics whose words are no prefix of one another (the fake matches loosely)."""
    topics = [{"name": f"Topic {i:02d}", "query": f"topic{i:02d}x"} for i in range(20)]
    return topics, {t["name"]: t["query"] for t in topics}


def reject(term: str, times: int = 999) -> Any:
    """arXiv's HTTP 400 with its error feed, for every query that contains term."""
    from fake_arxiv import Fault, error_feed

    return Fault("status", 400, error_feed(REASON), match=term, times=times)


def split_days(sizes: tuple[int, ...] = (4, 20), delay: float = 3.0, backoff: float = 5.0) -> int:
    """Issue 21: one topic's query rejected among 4 and among 20 topics, against the fake arXiv with arXiv's real
    pacing (3 s, 5 s backoff): the requests and wall time of that day, and of the next (the topic asks alone)."""
    from fake_arxiv import FakeArxiv, paper

    from tests.bench import product

    print(f"{'topics':>6} {'requests':>8} {'extra':>5} {'bound':>5} {'wall s':>7} {'next day':>8} {'wall s':>7}")
    for size in sizes:
        topics, words = (FOUR, FOUR_WORDS) if size == 4 else twenty()
        term = "caption" if size == 4 else "topic13x"
        with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as fake:
            root = Path(tmp)
            os.environ.update(ARXIV_API_URL=fake.url, ARXIV_REQUEST_DELAY="0", ARXIV_BACKOFF_SECONDS="0.01",
                              DAILY_PAPERS_NOW=NOW)
            write_keywords(root, topics, {"max_tries": 4})
            fake.papers += [paper(f"2602.{i:05d}", f"A {w} paper", updated="2026-02-10T00:00:00Z")
                            for i, w in enumerate(words.values())]
            product.run(["--root", str(root), "-q"])
            fake.papers += [paper(f"2602.{500 + i:05d}", f"Another {w} paper", updated="2026-02-12T10:00:00Z")
                            for i, w in enumerate(words.values())]
            fake.requests.clear()
            fake.faults.append(reject(term))
            os.environ.update(ARXIV_REQUEST_DELAY=f"{delay:g}", ARXIV_BACKOFF_SECONDS=f"{backoff:g}")
            started = time.monotonic()
            product.run(["--root", str(root), "-q"])
            day, asked = time.monotonic() - started, len(fake.requests)
            fake.requests.clear()
            os.environ["DAILY_PAPERS_NOW"] = "2026-02-14T00:00:00Z"
            started = time.monotonic()
            product.run(["--root", str(root), "-q"])
            bound = 2 * (size - 1).bit_length()
            print(f"{size:>6} {asked:>8} {asked - 1:>5} {bound:>5} {day:>7.1f} {len(fake.requests):>8} "
                  f"{time.monotonic() - started:>7.1f}", flush=True)
    return 0


def fetch_days(delay: float = 3.0, backoff: float = 5.0) -> int:
    """The shipped keywords.yaml and store against the fake arXiv (tests' fake_arxiv.py) with arXiv's real pacing
    (3 s between requests, 5 s backoff base): a normal day, and a day whose first answer is HTTP 406."""
    import contextlib
    import io

    from fake_arxiv import FakeArxiv, Fault, paper

    from tests.bench import product

    print(f"{'day':<28} {'requests':>8} {'wall s':>7}  status")
    for label, faults in (("normal day", []), ("a day with one HTTP 406", [Fault("status", 406, times=1)])):
        with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as server:
            root = Path(tmp)
            shutil.copytree(REPO / "data", root / "data")
            shutil.copy(REPO / "keywords.yaml", root / "keywords.yaml")
            stored = [json.loads(f.read_text()) for f in (root / "data" / "papers").glob("*.json")]
            server.papers = [paper(r["id"], r["title"], r["abstract"], version=r["version"], comment=r["comment"],
                                   updated=r["updated"] if "T" in r["updated"] else r["updated"] + "T10:00:00Z")
                             for shard in stored for r in shard.values()]
            os.environ.update(ARXIV_API_URL=server.url, ARXIV_REQUEST_DELAY=f"{delay:g}", ARXIV_BACKOFF_SECONDS=f"{backoff:g}",
                              DAILY_PAPERS_NOW="2026-01-30T01:17:00Z")
            with contextlib.redirect_stdout(io.StringIO()):
                product.run(["--root", str(root), "-q"])  # yesterday's run: the state a normal day starts from
            server.papers += [paper(f"2601.9{i:04d}", f"Zero-shot text-to-speech {i}",
                                    updated="2026-01-30T20:00:00Z") for i in range(30)]
            server.faults, server.requests = faults, []
            os.environ["DAILY_PAPERS_NOW"] = "2026-01-31T01:17:00Z"
            out = io.StringIO()
            started = time.perf_counter()
            with contextlib.redirect_stdout(out):
                product.run(["--root", str(root), "-q"])
            seconds = time.perf_counter() - started
            status = next(line for line in out.getvalue().splitlines() if line.startswith("Status:"))
            print(f"{label:<28} {len(server.requests):>8} {seconds:>7.1f}  {status[8:90]}")
    return 0


def authors_fill(delay: float = 3.0, backoff: float = 5.0) -> int:
    """Issue 22: the shipped store's papers without authors, filled from the fake arXiv with arXiv's real pacing
    (3 s from the end of each answer): id_list requests and wall time, then the next run's (nothing to ask)."""
    from fake_arxiv import FakeArxiv, paper

    from core import store as st
    from daily import fetch, lookup

    print(f"{'run':<10} {'papers':>6} {'filled':>6} {'requests':>8} {'ids/request':>11} {'wall s':>7}")
    with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as server:
        root = Path(tmp)
        shutil.copytree(REPO / "data", root / "data")
        store = st.load(root)
        server.papers = [paper(i, r["title"], version=r["version"]) for i, r in store.papers.items()]
        wanted = sum(lookup.needs_authors(r) for r in store.papers.values())
        for label in ("first", "next"):
            fetcher = fetch.Fetcher(url=server.url, delay=delay, backoff_base=backoff)
            server.requests.clear()
            started = time.perf_counter()
            report = lookup.fill_authors(store, fetcher, root)
            seconds = time.perf_counter() - started
            sizes = [len(batch) for batch in server.id_list_requests]
            print(f"{label:<10} {wanted if label == 'first' else 0:>6} {len(report.filled):>6} {report.requests:>8} "
                  f"{max(sizes, default=0):>11} {seconds:>7.1f}", flush=True)
    return 0
