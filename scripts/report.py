"""What the run tells people: console lines, Actions log groups, job summary, commit message, issue."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import render
from store import atomic_write

if TYPE_CHECKING:
    from config import Config
    from models import Outcome, TopicRun

ISSUE_LIMIT = 60_000  # GitHub refuses issue bodies over 65,536 characters


def in_actions() -> bool:
    """Whether we run inside GitHub Actions (log groups and job summary are then used)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def group_start(title: str) -> None:
    """Open a collapsible log group in Actions."""
    if in_actions():
        print(f"::group::{title}", flush=True)


def group_end() -> None:
    """Close the log group."""
    if in_actions():
        print("::endgroup::", flush=True)


def plural(count: int, word: str) -> str:
    """'1 request', '2 requests'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def topic_line(run: "TopicRun") -> str:
    """One line per topic for the console and the log."""
    if run.error:
        return f"{run.name}: FAILED: {run.error}; its stored papers are kept and the next run catches up"
    line = (f"{run.name}: {len(run.new)} new, {len(run.updated)} updated, {run.listed} listed"
            f" ({run.hidden} hidden), {plural(run.requests, 'request')}")
    if run.capped:
        line += "; more papers than max_results_per_topic since the last run: use --backfill to fill the gap"
    return line


def totals(runs: list["TopicRun"]) -> tuple[int, int]:
    """Papers new to the store, and papers replaced by a newer version, across topics."""
    new = {i for r in runs for i in r.created}
    updated = {i for r in runs for i in r.updated} - new
    return len(new), len(updated)


def commit_message(outcome: "Outcome") -> str:
    """'12 new, 1 updated: TTS +3, Speech Synthesis +9', or what else changed."""
    new, updated = totals(outcome.runs)
    parts = [f"{r.name} +{len(r.new)}" for r in outcome.runs if r.new]
    head = f"{new} new, {updated} updated"
    if parts:
        head += ": " + ", ".join(parts)
    extra = []
    if outcome.imported:
        extra.append(f"import {plural(outcome.imported, 'paper')} from the DailyArXiv README")
    if outcome.refreshed:
        extra.append(f"refresh metadata of {plural(outcome.refreshed, 'paper')}")
    failed = [r.name for r in outcome.runs if r.error]
    if failed:
        extra.append(f"not fetched: {', '.join(failed)}")
    if not new and not updated and extra:
        return "; ".join(extra).capitalize()
    return "; ".join([head, *extra]) if extra else head


def print_summary(runs: list["TopicRun"], outcome: "Outcome | None", quiet: bool = False) -> None:
    """One line per topic, then the totals."""
    for run in runs:
        if not quiet or run.error:
            print(topic_line(run))
    new, updated = totals(runs)
    failed = [r for r in runs if r.error]
    status = (f"{len(failed)} of {len(runs)} topics failed" if failed
              else "all topics fetched" if runs else "nothing fetched (re-rendered from the store)")
    if outcome is None:
        print(f"Summary: {status}; nothing written")
        return
    print(f"Summary: {new} new, {updated} updated, {len(outcome.changed_files)} files changed; {status}")


def print_dry_run(outcome: "Outcome") -> None:
    """What a real run would change."""
    print("Dry run: nothing was written. A real run would change:")
    for path in sorted(set(outcome.changed_files)) or ["(nothing)"]:
        print(f"  {path}")
    for topic, papers in outcome.new_papers.items():
        for paper in papers:
            print(f"  + {topic}: {paper['id']} {render.plain(paper['title'])[:80]}")


def summary_markdown(runs: list["TopicRun"], outcome: "Outcome | None", config: "Config") -> str:
    """The job summary: a table of topics and the new papers, linked."""
    template = render.environment().get_template("summary.md.j2")
    new, updated = totals(runs)
    return template.render(runs=runs, outcome=outcome, config=config, new=new, updated=updated,
                           advice=advice)


def advice(error: str) -> str:
    """Words a user can act on for a failure."""
    if "429" in error:
        return "arXiv rate-limited the shared GitHub runner; nothing to do, the next run catches up."
    if "rejected the request" in error or "error:" in error:
        return "arXiv refused the query; check this topic's query in keywords.yaml (try it on arxiv.org/search)."
    if "timed out" in error or "connect" in error or "server error" in error or "malformed" in error:
        return "arXiv was unavailable or answered badly; the next run catches up from the stored papers."
    if "budget" in error:
        return "the run's time budget ran out; raise settings.time_budget or the next run catches up."
    return "see the log of this step for details."


def write_job_summary(runs: list["TopicRun"], outcome: "Outcome | None", config: "Config") -> None:
    """Append the summary to $GITHUB_STEP_SUMMARY when it is set."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(summary_markdown(runs, outcome, config))


def issue_markdown(outcome: "Outcome", config: "Config") -> str | None:
    """The notification issue body, or None when there are no new papers; kept under GitHub's limit."""
    papers = {topic: items for topic, items in outcome.new_papers.items() if items}
    if not papers:
        return None
    template = render.environment().get_template("issue.md.j2")
    limit = max(len(items) for items in papers.values())
    while True:
        body = template.render(papers=papers, limit=limit, config=config, last_update=_newest(papers))
        if len(body) <= ISSUE_LIMIT or limit == 1:
            return body
        limit = max(1, limit * 2 // 3)


def _newest(papers: dict[str, list[dict[str, Any]]]) -> str:
    return max(render.day(p["updated"]) for items in papers.values() for p in items)


def write_issue(path: Path, outcome: "Outcome", config: "Config") -> None:
    """Write the issue body to a file for the workflow's `gh issue create` step (nothing if no news)."""
    body = issue_markdown(outcome, config)
    if body is None:
        path.unlink(missing_ok=True)
        return
    atomic_write(path, body.encode("utf-8"))
    print(f"notification issue written to {path}", file=sys.stderr)
