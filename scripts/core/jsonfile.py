"""Files the run keeps (the store's shards, its state, the day's records): written whole or not at all, as stable JSON.

atomic_write is the one way a file is replaced (temp file, fsync, rename), and dumps/write_json the one way a
sorted JSON file is spelled, so the same data always gives the same bytes and a diff shows only what changed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from core.errors import UserError


class StoreError(UserError):
    """The store (data/) cannot be read or written safely; str() is a one-line message with the fix."""


class WriteError(StoreError):
    """The OS refused a write (permissions, a full disk); the file keeps its old content."""

    def __init__(self, path: Path, error: OSError):
        self.path, self.reason = path, error.strerror or str(error)
        if isinstance(error, (FileExistsError, NotADirectoryError)):
            self.reason = "a file is where its folder should be"
        super().__init__(self.where(None))

    def line(self, root: Path | None = None) -> str:
        """The one line, with the path relative to the repository."""
        return self.where(root)

    def where(self, root: Path | None) -> str:
        """The one-line message, with the path relative to the repository when it is inside it."""
        path = self.path
        if root is not None and path.is_relative_to(root):
            path = path.relative_to(root)
        return (f"{path.as_posix()}: cannot write ({self.reason}); free disk space or make the folder writable, "
                "then run again (files already written are whole, and the store is never half-written)")


def atomic_write(path: Path, data: bytes) -> bool:
    """Write via a temp file and rename, so a killed run leaves the old or new file; True if changed.

    An OS error (no permission, disk full) becomes WriteError, after the temp file is removed.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise WriteError(path, exc) from None
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise WriteError(path, exc) from None
    except BaseException:
        _remove_quietly(tmp)
        raise
    return True


def _remove_quietly(tmp: str | None) -> None:
    """Remove a temp file if it was made; a failure here must not hide the error that led here."""
    if tmp is not None:
        try:
            Path(tmp).unlink(missing_ok=True)
        except OSError:
            pass


def dumps(data: Any, *, indent: int = 2, ensure_ascii: bool = False) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline (older files keep their indent and
    escapes through the keywords, so their bytes never change)."""
    return (json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=ensure_ascii) + "\n").encode("utf-8")


def write_json(path: Path, data: Any, *, indent: int = 2, ensure_ascii: bool = False) -> bool:
    """Write data as dumps spells it, atomically; True if the file changed."""
    return atomic_write(path, dumps(data, indent=indent, ensure_ascii=ensure_ascii))
