"""The layout's boundaries and the code's checks, run by the suite so CI fails when one breaks (issue 32):
import-linter's contracts, ruff and mypy, each at zero findings, with their settings in pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def check(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a checker with this interpreter in the repository; its output is kept for the failure message."""
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_import_linter_keeps_every_contract() -> None:
    """core imports nothing above it; the digest and the site import no daily step but the declared ones."""
    done = check("-c", LINT_IMPORTS, "--no-cache", env={"PYTHONPATH": "scripts"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout and "4 kept" in done.stdout, done.stdout[-2000:]


def test_ruff_finds_nothing() -> None:
    done = check("-m", "ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.slow
def test_mypy_finds_nothing_in_scripts(tmp_path: Path) -> None:
    done = check("-m", "mypy", "--cache-dir", str(tmp_path / "mypy"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
