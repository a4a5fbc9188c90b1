"""The records a run passes between fetch, merge, render and report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TopicRun:
    """What happened to one topic in this run."""

    name: str
    records: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    requests: int = 0
    capped: bool = False
    since: str | None = None
    new: list[str] = field(default_factory=list)  # listed in this topic for the first time
    created: list[str] = field(default_factory=list)  # new to the store
    updated: list[str] = field(default_factory=list)
    listed: int = 0
    hidden: int = 0


@dataclass
class Outcome:
    """The result of merging and rendering: what changed, for the report and the commit."""

    runs: list[TopicRun]
    imported: int = 0
    refreshed: int = 0
    changed_files: list[str] = field(default_factory=list)
    new_papers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def failed(self) -> list[TopicRun]:
        return [r for r in self.runs if r.error]
