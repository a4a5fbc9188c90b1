"""Why a paper is listed in a topic, or hidden: the reasons `update.py --explain` prints, for the site."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core import relevance
from core.config import Topic


@dataclass
class Reasons:
    """A topic's papers split into listed and hidden, each paper with the reason in words, newest first."""

    listed: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    hidden: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def reasons(topic: Topic, papers: Iterable[dict[str, Any]]) -> Reasons:
    """Decide every paper found for the topic (listed or not) and keep the reason, for "show hidden papers"."""
    result = Reasons()
    found = [p for p in papers if topic.name in (p.get("topics") or ())]
    for paper in relevance.newest_first(found):
        decision = relevance.decide(topic, paper)
        (result.listed if decision.listed else result.hidden).append((paper, decision.reason))
    return result

