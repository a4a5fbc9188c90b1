"""Text a reader might paste into the Starred page's import: prose with real arXiv ids and look-alikes (issue 33).

Shared by the import's browser tests and its benchmark (tests/bench/site.py), which each add their own long runs.
"""

from __future__ import annotations

import random


def prose_with_ids(rng: random.Random, length: int, words: list[str]) -> tuple[list[str], set[str], int]:
    """Pieces of about `length` characters: words, real ids (bare, arXiv:, arXiv addresses, in brackets) and
    look-alikes (GitHub issue addresses, impossible months); with the real ids and the count of look-alikes."""
    pieces: list[str] = []
    real: set[str] = set()
    skipped = total = 0
    while total < length:
        roll = rng.random()
        if roll < 0.05:
            paper = f"{rng.randint(15, 26):02d}{rng.randint(1, 12):02d}.{rng.randint(0, 99999):05d}"
            real.add(paper)
            piece = rng.choice([paper, f"arXiv:{paper}v2", f"https://arxiv.org/abs/{paper}", f"({paper})."])
        elif roll < 0.07:
            piece = rng.choice([f"https://github.com/o/r/issues/{rng.randint(10**6, 10**7 - 1)}",
                                f"{rng.randint(10, 26)}{rng.randint(13, 99)}.{rng.randint(10000, 99999)}"])
            skipped += 1
        else:
            piece = rng.choice(words)
        pieces.append(piece)
        total += len(piece) + 1
    return pieces, real, skipped
