"""What the run tells people: console lines, Actions log groups, job summary, commit message, issue."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import mdtext, text
from core.jsonfile import atomic_write
from daily import render

if TYPE_CHECKING:
    from core.config import Config
    from core.models import FetchReport, Outcome, Quiet, TopicRun

ISSUE_LIMIT = 60_000  # GitHub refuses issue bodies over 65,536 characters
EXIT_FAILED, EXIT_THROTTLED, EXIT_QUIET = 1, 3, 4
CATCH_UP = "no topic was fetched; nothing is lost, the next run catches up from the last successful fetch"


def in_actions() -> bool:
    """Whether we run inside GitHub Actions (log groups and job summary are then used)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def group_start(title: str) -> None:
    """Open a collapsible log group in Actions."""
    if in_actions():
        print(f"::group::{text.command_value(title)}", flush=True)


def group_end() -> None:
    """Close the log group."""
    if in_actions():
        print("::endgroup::", flush=True)


def plural(count: int, word: str) -> str:
    """'1 request', '2 requests'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def topic_line(run: TopicRun) -> str:
    """One line per topic for the console and the log."""
    if run.error:
        what = "THROTTLED" if run.throttled else "FAILED"
        return (f"{text.log_line(run.name)}: {what}: {text.log_line(run.error)}; "
                "its stored papers are kept and the next run catches up")
    line = f"{text.log_line(run.name)}: {len(run.fresh)} new, {len(run.updated)} updated"
    if run.joined:
        line += f", {len(run.joined)} already stored joined it"
    line += f", {run.listed} listed ({run.hidden} hidden)"
    if run.capped:
        line += "; more papers than max_results_per_topic since the last run: use --backfill to fill the gap"
    if run.new_topic:
        line += (f"; new topic (or changed query): fetched its latest papers; for older ones run "
                 f"python scripts/update.py --backfill YYYY-MM-DD --topic \"{text.log_line(run.name)}\"")
    return line


def totals(runs: list[TopicRun]) -> tuple[int, int]:
    """Papers new to the store, and papers replaced by a newer version, that some topic's table lists."""
    new = {i for r in runs for i in r.fresh}
    updated = {i for r in runs for i in r.updated} - new
    return len(new), len(updated)


def hidden_total(runs: list[TopicRun]) -> int:
    """Papers new to the store or revised that every topic hides: counted apart, never as news."""
    listed = {i for r in runs for i in (*r.fresh, *r.updated)}
    return len({i for r in runs for i in (*r.created, *r.hidden_updated)} - listed)


def counts_text(runs: list[TopicRun]) -> str:
    """'3 new, 1 updated', with ', +2 hidden' when papers no table lists came too."""
    new, updated = totals(runs)
    hidden = hidden_total(runs)
    return f"{new} new, {updated} updated" + (f", +{hidden} hidden" if hidden else "")


def status(runs: list[TopicRun], fetch_report: FetchReport | None) -> str:
    """What this run amounted to, in one line: new papers, nothing new (and why that is normal), throttled, or failed."""
    failed = [r for r in runs if r.error and not r.throttled]
    throttled = [r for r in runs if r.error and r.throttled]
    if fetch_report is None or not runs:
        return "nothing fetched (re-rendered from the store)"
    if fetch_report.unreachable:
        return f"unreachable: {fetch_report.unreachable}; {CATCH_UP}"
    if failed:
        return (f"failed: {', '.join(text.log_line(r.name) for r in failed)} could not be fetched "
                f"({text.log_line(failed[0].error)}); "
                "the next run catches up from the last successful fetch")
    if throttled:
        codes = fetch_report.throttles or [r.throttled for r in throttled[:1] if r.throttled]
        shown = ", ".join(f"HTTP {c} ×{codes.count(c)}" for c in sorted(set(codes)))
        return (f"throttled: arXiv shed our requests ({shown}, {plural(len(codes), 'throttled answer')}"
                f" in {plural(fetch_report.requests, 'request')}); not fetched: "
                f"{', '.join(text.log_line(r.name) for r in throttled)};"
                " nothing is lost, the next run catches up from the last successful fetch")
    new, updated = totals(runs)
    asked = f"{plural(fetch_report.requests, 'request')} in {fetch_report.seconds:.1f} s"
    if new or updated:
        return f"new papers: {counts_text(runs)} ({asked})"
    if hidden_total(runs):
        return (f"nothing new listed: {plural(hidden_total(runs), 'paper')} came, hidden by every topic ({asked}); "
                "update.py --explain TOPIC says why")
    return (f"nothing new: arXiv answered ({asked}) but announced nothing new since the last run; "
            f"{announcement_note(fetch_report.now)}")


def announcement_note(now: datetime | None = None) -> str:
    """Why an empty day can be normal: arXiv announces Sunday to Thursday evenings, US Eastern, not on holidays."""
    now = now or datetime.now(UTC)
    try:
        from zoneinfo import ZoneInfo

        eastern = now.astimezone(ZoneInfo("America/New_York"))
    except Exception:  # noqa: BLE001 - no time zone database: say it without the day
        return "arXiv announces new papers Sunday to Thursday at 20:00 US Eastern, not on holidays"
    last_evening = eastern if eastern.hour >= 20 else eastern - timedelta(days=1)
    day = last_evening.strftime("%A")
    usual = day not in ("Friday", "Saturday")
    return (f"arXiv announces Sunday to Thursday at 20:00 US Eastern, not on holidays; the last evening was "
            f"{day}, {'normally an announcement (a holiday?)' if usual else 'no announcement day'}")


def exit_status(runs: list[TopicRun], quiet: list[Quiet] | None = None) -> int:
    """0 fetched (new or not), 1 a topic failed, 3 arXiv throttled us, 4 a topic quiet too long: the workflow
    shows which, and a red badge (and GitHub's email) tells the owner of a query that went silent."""
    if any(r.error and not r.throttled for r in runs):
        return EXIT_FAILED
    if any(r.error for r in runs):
        return EXIT_THROTTLED
    if any(q.failing for q in quiet or []):
        return EXIT_QUIET
    return 0


def quiet_line(quiet: Quiet) -> str:
    """The warning for a topic (or every topic) quiet on too many announcement days: which days, what to check."""
    shown = [d.isoformat() for d in quiet.days]
    days = ", ".join(shown) if len(shown) <= 4 else f"{shown[0]} to {shown[-1]}"
    name = text.log_line(quiet.topic) if quiet.topic else None
    who = f"topic \"{name}\" listed no" if name else "no topic listed a"
    check = (f"update.py --explain \"{name}\", its categories and its exclusions" if name
             else "each topic with update.py --explain TOPIC, its categories and its exclusions")
    line = (f"warning: {who} new paper on the last {plural(len(shown), 'announcement day')} ({days}; "
            f"newest {quiet.since}); arXiv may have stopped answering the query: check {check}; "
            f"a rare topic can set quiet_days_ok in keywords.yaml")
    return line + ("; exit status 4 until a paper is listed" if quiet.failing else "")


def commit_message(outcome: Outcome) -> str:
    """'12 new, 1 updated: TTS +3, Speech Synthesis +9', or what else changed; papers joining a topic apart."""
    new, updated = totals(outcome.runs)
    hidden = hidden_total(outcome.runs)
    parts = [f"{_inert_name(r.name)} +{len(r.fresh)}" for r in outcome.runs if r.fresh]
    head = counts_text(outcome.runs)
    if parts:
        head += ": " + ", ".join(parts)
    extra = []
    joined = [f"{_inert_name(r.name)} +{len(r.joined)}" for r in outcome.runs if r.joined]
    if joined:
        extra.append("joined from the store: " + ", ".join(joined))
    if outcome.renamed:
        extra.append("renamed topics: " + ", ".join(f"{_inert_name(old)} -> {_inert_name(new)}"
                                                    for old, new in sorted(outcome.renamed.items())))
    if outcome.imported:
        extra.append(f"import {plural(outcome.imported, 'paper')} from the DailyArXiv README")
    if outcome.refreshed:
        extra.append(f"refresh metadata of {plural(outcome.refreshed, 'paper')}")
    if outcome.summarized:
        extra.append(f"summarize {plural(outcome.summarized, 'paper')} (TL;DR, AI)")
    if outcome.retried:
        extra.append(f"note {plural(outcome.retried, 'dropped model answer')} (asked again next run)")
    if outcome.s2.stored:
        extra.append(f"add {plural(outcome.s2.stored, 'TL;DR')} from Semantic Scholar")
    failed = [r.name for r in outcome.runs if r.error]
    if failed:
        extra.append(f"not fetched: {', '.join(_inert_name(n) for n in failed)}")
    if not new and not updated and not hidden and extra:
        message = "; ".join(extra)
        return message[:1].upper() + message[1:]
    return "; ".join([head, *extra]) if extra else head


def _inert_name(name: str) -> str:
    """A topic name as it may appear in a commit message: one line, no GitHub references or mentions."""
    return mdtext.inert(mdtext.plain(name))


def print_summary(runs: list[TopicRun], outcome: Outcome | None, fetch_report: FetchReport | None = None,
                  quiet: bool = False) -> None:
    """One line per topic, stored names no topic claims, the totals, then the run's status."""
    outage = fetch_report.unreachable if fetch_report else None
    if outage:  # arXiv's outage, said once rather than as every topic's failure
        print(f"{outage}: {CATCH_UP}")
    for run in runs:
        if not outage and (not quiet or run.error):
            print(topic_line(run))
    for line in orphan_lines(outcome) + [quiet_line(q) for q in (outcome.quiet if outcome else [])]:
        print(line)
    failed = [r for r in runs if r.error]
    counts = (f"{len(failed)} of {len(runs)} topics not fetched" if failed
              else "all topics fetched" if runs else "nothing fetched (re-rendered from the store)")
    if outcome is None:
        print(f"Summary: {counts}; nothing written")
    else:
        print(f"Summary: {counts_text(runs)}, {len(outcome.changed_files)} files changed; {counts}")
    print(f"Status: {status(runs, fetch_report)}")


def orphan_lines(outcome: Outcome | None) -> list[str]:
    """A warning per stored topic name no topic claims, with the exact fix."""
    if outcome is None:
        return []
    return [f"warning: {plural(count, 'stored paper')} under topic \"{text.log_line(name)}\" belong to no topic in "
            f"keywords.yaml (kept in data/, shown nowhere); if a topic was renamed, add aliases: "
            f"[\"{text.log_line(name)}\"] to it"
            for name, count in sorted(outcome.orphans.items())]


def print_dry_run(outcome: Outcome) -> None:
    """What a real run would change."""
    print("Dry run: nothing was written. A real run would change:")
    for path in sorted(set(outcome.changed_files)) or ["(nothing)"]:
        print(f"  {path}")
    for topic, papers in outcome.new_papers.items():
        for paper in papers:
            print(f"  + {text.log_line(topic)}: {text.log_line(paper['id'])} {text.log_line(paper['title'])[:80]}")


def summary_markdown(runs: list[TopicRun], outcome: Outcome | None, config: Config,
                     fetch_report: FetchReport | None = None) -> str:
    """The job summary: the run's status, a table of topics, and the new papers, linked."""
    template = render.environment().get_template("summary.md.j2")
    new, updated = totals(runs)
    line = status(runs, fetch_report)
    return template.render(runs=runs, outcome=outcome, config=config, new=new, updated=updated, advice=advice,
                           hidden=hidden_total(runs), title=mdtext.md(text.log_line(config.settings["title"])),
                           status=line, headline=line.split(":")[0], orphans=orphan_lines(outcome),
                           unreachable=fetch_report.unreachable if fetch_report else None,
                           quiet=[quiet_line(q) for q in (outcome.quiet if outcome else [])])


def advice(error: str) -> str:
    """Words a user can act on for a failure."""
    if "throttled" in error:
        return "arXiv shed load from the shared GitHub runner (HTTP 429 or 406); nothing to do, the next run catches up."
    if "rejected the request" in error or "error:" in error:
        return "arXiv refused the query; check this topic's query in keywords.yaml (try it on arxiv.org/search)."
    if "timed out" in error or "connect" in error or "server error" in error or "malformed" in error:
        return "arXiv was unavailable or answered badly; the next run catches up from the stored papers."
    if "budget" in error:
        return "the run's time budget ran out; raise settings.time_budget or the next run catches up."
    return "see the log of this step for details."


def write_job_summary(runs: list[TopicRun], outcome: Outcome | None, config: Config,
                      fetch_report: FetchReport | None = None) -> None:
    """Append the summary to $GITHUB_STEP_SUMMARY when it is set."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(summary_markdown(runs, outcome, config, fetch_report))


def issue_markdown(outcome: Outcome, config: Config) -> str | None:
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
    return max(mdtext.day(p["updated"]) for items in papers.values() for p in items)


def write_issue(path: Path, outcome: Outcome, config: Config) -> None:
    """Write the issue body to a file for the workflow's `gh issue create` step (nothing if no news)."""
    body = issue_markdown(outcome, config)
    if body is None:
        path.unlink(missing_ok=True)
        return
    atomic_write(path, body.encode("utf-8"))
    print(f"notification issue written to {path}", file=sys.stderr)
