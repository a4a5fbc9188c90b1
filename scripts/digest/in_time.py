"""A call with a wall-clock limit, for the optional services' HTTP requests (the model, Semantic Scholar).

Their clients time out per read, so a server sending a byte a second never times out; the call runs in a thread of
its own, and one still running at its limit is left to finish unread (it holds only its own answer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class TooSlow(Exception):
    """The call had not returned within its limit."""


def call_within(seconds: float, call: Callable[[], T], name: str = "request") -> T:
    """call()'s result, or what it raised, if it ends within seconds; else TooSlow."""
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread as it is
            outcome.append(exc)
    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        raise TooSlow(f"no answer within {seconds:.0f} s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
