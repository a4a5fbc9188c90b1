"""The records a run passes between fetch, merge, render and report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class TopicRun:
    """What happened to one topic in this run."""

    name: str
    records: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    throttled: int | None = None  # the HTTP status arXiv shed load with, when that is why the topic failed
    requests: int = 0
    capped: bool = False
    since: str | None = None
    new_topic: bool = False  # fetched as new (first run, or its query changed): only its latest papers
    fetched: str | None = None  # when the successful fetch started (arXiv's time); becomes state.json's window start
    arxiv_time: str | None = None  # arXiv's own time (its answer's Date header), when it sent one
    start: str | None = None  # a new topic's oldest paper: its later windows reach back no further
    query: str = ""
    new: list[str] = field(default_factory=list)  # listed in this topic for the first time (new or joined)
    created: list[str] = field(default_factory=list)  # new to the store
    updated: list[str] = field(default_factory=list)
    hidden_updated: list[str] = field(default_factory=list)  # revised, but this topic hides them
    listed: int = 0
    hidden: int = 0
    alone: bool | None = None  # asks alone next run (its query failed on its own); False once it succeeds

    @property
    def joined(self) -> list[str]:
        """Papers already stored that joined this topic (counted apart from new ones)."""
        created = set(self.created)
        return [i for i in self.new if i not in created]

    @property
    def fresh(self) -> list[str]:
        """Papers new to the store that this topic lists."""
        created = set(self.created)
        return [i for i in self.new if i in created]


@dataclass
class S2Step:
    """What the Semantic Scholar step did this run (digest/semantic_scholar.py): for the job summary and benchmark."""

    requests: int = 0  # batch requests sent (1 on a normal day)
    asked: int = 0  # papers asked about
    stored: int = 0  # TL;DRs stored
    line: str | None = None  # the step's one line ('warning: Semantic Scholar: ...' when it failed)


@dataclass(frozen=True)
class Quiet:
    """A topic (or, with topic None, every topic) that listed nothing new on more announcement days than is normal."""

    topic: str | None
    days: list[date]  # the announcement days with nothing new, oldest first
    since: str  # the day of the newest listed paper, or of the topic's first fetch
    failing: bool  # past quiet_days_ok + daily.quiet.FAIL_AFTER: the run exits with report.EXIT_QUIET


@dataclass
class Outcome:
    """The result of merging and rendering: what changed, for the report and the commit."""

    runs: list[TopicRun]
    imported: int = 0
    refreshed: int = 0
    changed_files: list[str] = field(default_factory=list)
    new_papers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # new to the store, per topic
    renamed: dict[str, str] = field(default_factory=dict)  # stored topic name -> the topic that claimed it
    orphans: dict[str, int] = field(default_factory=dict)  # stored topic names no topic claims -> papers
    day: dict[str, Any] | None = None  # the day's digest record this run wrote (data/digests/), None without new papers
    warnings: list[str] = field(default_factory=list)  # optional parts that failed soft, for the job summary
    summarized: int = 0  # papers given a machine summary this run (digest/summaries.py)
    summaries: str | None = None  # the summaries step's one line, for the job summary
    retried: int = 0  # papers whose model answer was dropped this run: asked again next run (tldr_tries)
    s2: S2Step = field(default_factory=S2Step)  # Semantic Scholar's TL;DRs this run; asked once, kept on a rebuild
    quiet: list[Quiet] = field(default_factory=list)  # topics quiet for too many announcement days (daily.quiet)

    @property
    def failed(self) -> list[TopicRun]:
        return [r for r in self.runs if r.error]


@dataclass
class FetchReport:
    """How the run went with arXiv as a whole, for the status line."""

    requests: int = 0
    seconds: float = 0.0
    throttles: list[int] = field(default_factory=list)  # every throttled answer's status, in order
    skipped: list[str] = field(default_factory=list)  # topics not asked because arXiv kept throttling
    now: datetime | None = None  # the run's moment (DAILY_PAPERS_NOW in simulations), for the announcement note
    unreachable: str | None = None  # 'arXiv was unreachable (HTTP 503 on all 6 requests)': no request answered
