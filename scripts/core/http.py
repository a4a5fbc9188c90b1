"""HTTP helpers more than one client needs (arXiv's fetch, Semantic Scholar), so each header is read one way."""

from __future__ import annotations

import email.utils
import time


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse Retry-After: either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # '²' is a digit to str.isdigit, not to float()
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date without a zone: no moment to count from
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)
