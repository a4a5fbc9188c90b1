"""Relevance with many exclude phrases: one topic over many papers (time must grow linearly with what is tried)."""

from __future__ import annotations

import random
import time

from tests.bench.common import TOPICS, WORDS, synthetic

RARE = [f"{a}{b}{c}" for a in ("tensor", "graph", "token", "image", "robot", "quantum", "market", "protein")
        for b in ("net", "flow", "scale", "rank", "time", "field", "train", "search") for c in range(40)]  # 2,560 words


def exclusion_phrases(count: int, rng: random.Random) -> list[str]:
    """Exclude phrases as people write them: a common word and a rarer one, or two rarer ones."""
    return [f"{rng.choice(WORDS)} {rng.choice(RARE)}" if i % 2 else f"{rng.choice(RARE)} {rng.choice(RARE)}"
            for i in range(count)]


PHRASE_COUNTS = (0, 10, 1_000, 4_000, 4_200, 10_000)


def exclusion_benchmark(papers: int = 40_000, phrase_counts: tuple[int, ...] = PHRASE_COUNTS) -> str:
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
