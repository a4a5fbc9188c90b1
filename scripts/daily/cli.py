"""The command line of the daily run (scripts/update.py): its arguments, logging, and the exit status."""


from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import git
import jinja2

from core import errors, templates, text
from core.errors import UserError
from daily import gitio, lock
from daily.run import run

ROOT = Path(__file__).resolve().parents[2]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; every option is documented in docs/command-line.md."""
    parser = argparse.ArgumentParser(
        prog="update.py",
        description="Fetch new arXiv papers for the topics in keywords.yaml, merge them into data/, "
        "and render README.md, papers/ and feeds/.",
        epilog="Exit status: 0 done (new papers, or nothing new), 1 a topic could not be fetched (others were "
               "updated), 2 bad input or git refused (one line says why), 3 arXiv throttled us (the next run catches up), "
               "4 a topic listed nothing new for too many announcement days (its warning line says what to check).",
    )
    parser.add_argument("--config", type=Path, default=None, metavar="FILE",
                        help="the topics file (default: keywords.yaml in the repository)")
    parser.add_argument("--root", type=Path, default=None, metavar="DIR",
                        help="the repository to update (default: the one holding this script)")
    parser.add_argument("--topic", action="append", default=[], metavar="NAME",
                        help="fetch only this topic (repeatable); the others are still rendered")
    parser.add_argument("--dry-run", action="store_true",
                        help="fetch, merge and render in memory, print what would change, write nothing")
    parser.add_argument("--no-fetch", action="store_true",
                        help="do not ask arXiv; re-render from the store (after editing keywords.yaml)")
    parser.add_argument("--explain", metavar="TOPIC",
                        help="show for each stored paper of TOPIC why it is listed or hidden, then exit")
    parser.add_argument("--backfill", metavar="YYYY-MM-DD", type=_date,
                        help="also fetch older papers, month by month back to this date (resumable)")
    parser.add_argument("--commit", action="store_true", help="commit the changes with git")
    parser.add_argument("--push", action="store_true", help="push the commit to origin (implies --commit)")
    parser.add_argument("--issue-file", type=Path, metavar="FILE",
                        help="write the notification issue body here when settings.notify is 'issue'")
    parser.add_argument("--test-notify", action="store_true",
                        help="send a short test message to every email recipient and chat channel, then exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every request and decision")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    args = parser.parse_args(argv)
    if args.push:
        args.commit = True
    if args.dry_run and args.commit:
        parser.error("--dry-run writes nothing, so it cannot be combined with --commit or --push")
    return args


def _date(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def setup_logging(verbose: bool, quiet: bool) -> None:
    """Warnings always; request-level detail with -v."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    for handler in logging.getLogger().handlers:  # no log line, whatever it quotes, acts as a workflow command
        if type(handler) is logging.StreamHandler:  # the one basicConfig made (a test's capture handlers stay)
            handler.setFormatter(text.InertFormatter("%(message)s"))
    logging.getLogger("daily_papers").setLevel(level)
    logging.getLogger("arxiv").setLevel(logging.INFO if verbose else logging.WARNING)


@dataclass(frozen=True)
class RunOptions:
    """What the flags ask of the run, decided once: every step reads these, none reads the flags."""

    root: Path
    config_path: Path
    topics: tuple[str, ...] = ()
    write: bool = True  # False: --dry-run, everything in memory
    fetch: bool = True  # False: --no-fetch, re-render from the store
    explain: str | None = None
    backfill: date | None = None
    commit: bool = False
    push: bool = False
    issue_file: Path | None = None
    quiet: bool = False
    test_notify: bool = False  # --test-notify: a test message to every channel, nothing else


def options_from(args: argparse.Namespace) -> RunOptions:
    """The run's options from the parsed command line."""
    root = (args.root or ROOT).resolve()
    return RunOptions(root=root, config_path=args.config or root / "keywords.yaml", topics=tuple(args.topic),
                      write=not args.dry_run, fetch=not args.no_fetch, explain=args.explain, backfill=args.backfill,
                      commit=args.commit, push=args.push, issue_file=args.issue_file, quiet=args.quiet,
                      test_notify=args.test_notify)


def main(argv: list[str] | None = None) -> int:
    """Run the daily update; returns the exit status. Every error the user fixes ends here as one line, exit 2."""
    args = parse_args(argv)
    setup_logging(args.verbose, args.quiet)
    options = options_from(args)
    try:
        if not options.write or options.explain or options.test_notify:  # these write nothing: no lock
            return run(options)
        with lock.run_lock(options.root):
            return run(options)
    except Exception as exc:
        line = problem(exc, options.root)
        if line is None:
            raise
        return errors.report(line)


def problem(exc: Exception, root: Path) -> str | None:
    """The one line for an error the user fixes, or None for a bug (which keeps its traceback)."""
    if isinstance(exc, UserError):
        return exc.line(root)
    if isinstance(exc, git.GitCommandError):  # a git step gitio does not name more precisely
        return (f"git {exc.command[1] if len(exc.command) > 1 else ''} failed: "
                f"{gitio.one_line(str(exc.stderr or exc))}; nothing was pushed")
    if isinstance(exc, OSError):  # an input that is not a readable file, or a write outside atomic_write
        return errors.os_problem(exc, root)
    if isinstance(exc, jinja2.TemplateError) or templates.from_template(exc):  # a template that fails while rendering
        return templates.template_problem(exc)
    return None
