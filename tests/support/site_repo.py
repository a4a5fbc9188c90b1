"""A small repository to build the site from: two topics, three years, a busy month, odd titles, code links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import write_repo

from core import store as st

HOSTILE = "<img src=x onerror=alert(1)> speech synthesis & <script>alert(2)</script>"
HOSTILE_TLDR = '[run](javascript:alert(3)) <a href="javascript:alert(4)">it</a> <img src=x onerror=alert(5)>'
HOSTILE_MODEL = '<b onmouseover=alert(6)>gpt</b>'
UNIQUE_WORD = "quixotically"  # occurs only in the abstract of UNIQUE_ID
UNIQUE_ID = "2405.00007"
BOTH_ID = "2511.00003"  # listed by both topics
HIDDEN_ID = "2511.00099"  # stored for "Codec" but excluded there
STALE_ID = "2601.00106"  # version 2 with only a summary of version 1
BUSY_MONTH = "2026-01"  # more papers than one page holds when model.PAGE_PAPERS is 5
TOPICS = [{"name": "Speech Synthesis", "query": '"speech synthesis"'},
          {"name": "Codec", "query": "codec", "exclude": ["watermark"]}]


def paper(paper_id: str, day: str, title: str, abstract: str, topics: list[str], categories: list[str],
          comment: str = "") -> dict[str, Any]:
    """A stored record in the store's shape."""
    return st.new_record(id=paper_id, version=1, title=title, abstract=abstract, comment=comment,
                         authors=["Ada Lovelace", "Alan Turing"], categories=categories,
                         primary_category=categories[0], published=f"{day}T10:00:00Z", updated=f"{day}T10:00:00Z",
                         topics=topics)


def papers() -> list[dict[str, Any]]:
    """Every record of the small store."""
    found = []
    days = ["2024-03-04", "2024-05-06", "2024-05-20", "2025-02-11", "2025-07-08", "2025-11-12"]
    for n, day in enumerate(days):
        prefix = day[2:4] + day[5:7]
        found.append(paper(f"{prefix}.{n:05d}", day, f"Prosody control for speech synthesis {n}",
                           f"We study speech synthesis with prosody number {n}.", ["Speech Synthesis"],
                           ["eess.AS", "cs.SD"], comment="5 pages" if n % 2 else ""))
        found.append(paper(f"{prefix}.{n + 10:05d}", day, f"A neural codec for audio {n}",
                           f"A low-bitrate codec for speech tokens {n}." +
                           (" Code: https://github.com/example/codec-repo" if n % 2 == 0 else ""),
                           ["Codec"], ["cs.SD" if n % 3 else "cs.CL"]))
    found.append(paper(UNIQUE_ID, "2024-05-30", "Expressive speech synthesis at scale",
                       f"Speech synthesis that sounds {UNIQUE_WORD} human.", ["Speech Synthesis"], ["cs.CL"]))
    found.append(paper(BOTH_ID, "2025-11-20", "Codec language models for speech synthesis",
                       "A codec language model does speech synthesis.", ["Speech Synthesis", "Codec"], ["cs.SD"]))
    found.append(paper(HIDDEN_ID, "2025-11-21", "A codec watermark", "We hide a watermark in the codec.",
                       ["Codec"], ["cs.CR"]))
    found.append(paper("2601.00042", "2026-01-02", HOSTILE, "A hostile title, shown as text.",
                       ["Speech Synthesis"], ["cs.SD"]))
    found[-1]["tldr"] = {"model": HOSTILE_MODEL, "text": HOSTILE_TLDR, "version": 1}  # model output is untrusted too
    for n in range(7):  # the busy month
        found.append(paper(f"2601.{n + 100:05d}", f"2026-01-{n + 10:02d}", f"Streaming speech synthesis {n}",
                           f"Low-latency speech synthesis, variant {n}.", ["Speech Synthesis"], ["eess.AS"]))
    found[-1]["version"] = 2  # STALE_ID: a v2 whose only summary is of its v1, so it shows no TL;DR
    found[-1]["tldr"] = {"model": "openai/gpt-4.1-mini", "text": "The v1 did a thing v2 no longer does.", "version": 1}
    return found


def make_repo(root: Path) -> Path:
    """Write keywords.yaml and the store into root; returns root."""
    return write_repo(root, TOPICS, papers())
