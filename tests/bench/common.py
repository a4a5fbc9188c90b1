"""What the measures share: synthetic papers, the calibration loop, the median, and running a step in a fresh process."""

from __future__ import annotations

import datetime
import json
import random
import sys
import tempfile
import time
from pathlib import Path

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


def calibration() -> float:
    """Seconds a fixed pure-Python loop takes now: shared machines vary run to run, so say how fast this one was."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return round(time.perf_counter() - started, 2)


def machine_speed() -> str:
    """The line every measure ends with: compare figures taken at similar calibration speeds."""
    return f"machine speed: a 5,000,000-step Python loop took {calibration()} s"


def median(values: list[float]) -> float:
    """The middle value (the upper one of an even count), as every table here reports it."""
    return sorted(values)[len(values) // 2]


def fresh(*args: str) -> list[str]:
    """The command that runs one step of a benchmark (a hidden subcommand) in a fresh Python process, so its peak
    memory is its own; run it with cwd=REPO."""
    return [sys.executable, "-m", "tests.bench", *args]
