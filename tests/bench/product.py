"""The daily run's entry points the benchmarks call, all here: when the run's modules move, re-point these.

Imported where a benchmark starts (not where it times), so the product's modules load before any clock starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import update
from daily import publish
from daily import run as pipeline


def run(argv: list[str]) -> int:
    """A whole daily run, as the workflow starts it (`python scripts/update.py ARGS`)."""
    return update.main(argv)


def preflight(root: Path, reads: list[Path]) -> Any:
    """The checkout a run builds on, checked as the workflow's run checks it (nothing is pushed here)."""
    return publish.preflight(root, reads, push=False)


def baseline(checkout: Any) -> Any:
    """The store of the commit the run builds on."""
    return publish.baseline(checkout)


def apply(root: Path, config: Any, runs: list[Any], **options: Any) -> Any:
    """Merge fetched papers into the store, render and write: the daily run's middle, timed by `daily`."""
    return pipeline.apply(root, config, runs, **options)


def commit(checkout: Any, config_path: Path, store: Any, outcome: Any) -> Any:
    """The bot's commit of what the run wrote (not pushed)."""
    return pipeline.publish_with_retry(checkout, config_path, store, outcome.runs, outcome, do_push=False)
