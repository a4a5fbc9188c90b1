"""One pick as the day's record (data/digests/*.json) keeps it, read defensively: the file is in the repository,
so a hand edit must not put markup into README, the site or the email."""

from __future__ import annotations

import re
from typing import Any

TOP_WORDS = 3  # words shown with a pick: the ones its score owes most to (digest/learn.py)
_WORDS = re.compile(r"[a-z][a-z0-9]{1,39}(?: [a-z][a-z0-9]{1,39})?")


def pick_words(pick: dict[str, Any]) -> list[str]:
    """A recorded pick's top words as the learning ranker writes them (lower-case words and two-word phrases), at
    most TOP_WORDS; anything else is dropped."""
    found = pick.get("words")
    if not isinstance(found, list):
        return []
    return [w for w in found if isinstance(w, str) and _WORDS.fullmatch(w)][:TOP_WORDS]
