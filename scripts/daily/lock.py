"""One run at a time in a checkout: an OS file lock the process holds for the run, dropped when it dies."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import git

from daily import gitio

log = logging.getLogger("daily_papers.publish")
LOCK_NAME = "daily-papers.lock"
LOCK_WAIT = float(os.environ.get("DAILY_PAPERS_LOCK_WAIT", "300"))  # a daily run takes minutes, not more


# --- one run at a time --------------------------------------------------------------------------

def lock_path(root: Path) -> Path:
    """The lock file: in the checkout's git directory (one per worktree), else in the temp folder, per folder."""
    try:
        return Path(git.Repo(root).git_dir) / LOCK_NAME
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        digest = hashlib.sha1(str(root.resolve()).encode(), usedforsecurity=False).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"{LOCK_NAME}.{digest}"


def _try_lock(handle: IO[str]) -> bool:
    """Take an exclusive lock on the open file without waiting; the OS drops it when the process dies."""
    if sys.platform == "win32":
        import msvcrt
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


@contextmanager
def run_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the checkout's lock for the run; wait up to `wait` seconds for another run, then give up."""
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + wait
    with open(path, "a+", encoding="utf-8") as handle:
        told = False
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                raise gitio.PublishError(f"{path}: another update.py run (pid {holder}) is working in this checkout; "
                                   f"waited {wait:.0f} s; run again when it has finished")
            if not told:
                log.warning("another update.py run is working in this checkout; waiting up to %.0f s", wait)
                told = True
            time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
