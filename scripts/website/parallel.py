"""One part of the site build in a second process while the rest goes on: the build has two cores' worth of work.

The part runs in a fork, so it sees the build's model as it is (nothing is copied or pickled) and the pages
it does not write stay shared with the parent. Its result, or the exception it raised, comes back through a
pipe. Where forking is unsafe (other threads running, as under a test server) or impossible, the part
runs at once, in this process: the same files, only slower.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


class WorkerDied(Exception):
    """The second process ended without a result (killed, or out of memory)."""


def started(work: Callable[[], T]) -> Callable[[], T]:
    """Start work in a forked process; returns the call that waits for its result (or raises its exception)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        result = work()
        return lambda: result
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send what came of it, and leave without running the parent's cleanup
        os.close(reader)
        try:
            _send(writer, _outcome(work))
        finally:
            os._exit(0)
    os.close(writer)
    return lambda: _wait(pid, reader)


@contextlib.contextmanager
def awaited(result: Callable[[], object]) -> Iterator[None]:
    """If the block fails, still wait for the second process (no orphan writing into a folder being removed)."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(BaseException):
            result()
        raise


def _outcome(work: Callable[[], T]) -> bytes:
    """The pickled ("ok", result) or ("error", exception) of the work; an exception that won't pickle as text."""
    try:
        return pickle.dumps(("ok", work()))
    except BaseException as exc:  # noqa: BLE001 - whatever it was, the parent raises it
        try:
            pickle.loads(data := pickle.dumps(("error", exc)))  # some exceptions pickle but cannot be rebuilt
            return data
        except Exception:  # noqa: BLE001 - e.g. an exception holding a traceback or a lock
            return pickle.dumps(("error", WorkerDied(f"{type(exc).__name__}: {exc}")))


def _send(fd: int, data: bytes) -> None:
    """Write all of data to the pipe."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)


def _wait(pid: int, fd: int) -> T:  # type: ignore[type-var]
    """Read the child's outcome, reap it, and return its result or raise its exception."""
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise WorkerDied(f"the site build's second process ended without a result (wait status {status})")
    kind, value = pickle.loads(data)
    if kind == "error":
        raise value
    return value
