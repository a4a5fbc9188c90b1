"""daily.cli: how the run's flags and log are set up."""

from __future__ import annotations

import logging

import pytest
from test_text import commands_in

from daily import cli


def test_the_run_log_formatter_leaves_no_line_a_workflow_command(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = []  # as in the workflow: no handler yet, so the run's own stream handler is made
    try:
        cli.setup_logging(verbose=False, quiet=False)
        logging.getLogger("daily_papers.test").warning("skipped %s", "2601.00001\n::error::x\r##[add-path]/tmp")
    finally:
        root.handlers = saved
    err = capsys.readouterr().err
    assert "skipped 2601.00001" in err and "error::x" in err
    assert commands_in(err) == []
