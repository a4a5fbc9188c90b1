"""The errors a user fixes: one type, one line ("where: what; fix"), exit status 2, printed by each entry point.

Soft failures (the model, Semantic Scholar, mail, a fetch fault) are not UserErrors: they are told in one line where
they happen and never change what is stored, committed or the exit status; their classes say so in their docstrings.
"""

from __future__ import annotations

import sys
from pathlib import Path

from core import text

EXIT_USER_ERROR = 2  # bad input, or git refused: one line says why


class UserError(Exception):
    """Something the user can fix; str() is one line naming the file or setting, what is wrong and the fix."""

    def line(self, root: Path | None = None) -> str:
        """The one line to print; `root` lets a message name a path relative to the repository."""
        return str(self)


def os_problem(exc: OSError, root: Path) -> str:
    """One line for an OS error on a file: which file (relative to the repository), what the OS said, the fix."""
    path = Path(exc.filename) if exc.filename else None
    where = path.relative_to(root).as_posix() if path and path.is_relative_to(root) else (str(path) if path else "a file")
    return f"{where}: {exc.strerror or exc}; check that it is a readable file in a writable folder, then run again"


def report(line: str) -> int:
    """Print a user error's one line on stderr (it may quote outside text: made an inert log line); the exit status
    every entry point returns for it."""
    print(f"error: {text.log_line(line)}", file=sys.stderr)
    return EXIT_USER_ERROR
