"""What each channel has delivered (data/delivered.json), so a failed send is caught up by the next good one.

Each Actions run starts from a fresh checkout and sends after the day's push, so the record is committed and
pushed by a small commit of its own after the sends (daily/delivered.py); it lives in core because both the
delivery family (digest/delivery/) and the push-race merge (daily/publish.py) read it, and only when something was sent: a quiet
day with nothing due makes no commit. Its shape, stable sorted JSON:

    {"channels": {"email": {"kind": "email", "since": "2026-11-16", "last": "2026-11-20",
                            "days": {"2026-11-20": ["2611.00001", ...]}},
                  "chat-3f9a2c0d1e4b": {"kind": "discord", ...}}}

A channel is "email" or "chat-KEY": KEY is 12 hex characters derived from its NOTIFY_URLS entry (chat.key_of), so a
channel keeps its history when others are removed or reordered, and two channels of one service stay apart; never
the URL, which holds a token. "since" is the first day it delivered (older days are never due to it), "last" the
run's day of its last send (the weekly digest's clock), "days" the ids it delivered per day, kept for LOOKBACK_DAYS.

The first version named a chat channel by its position ("chat 1"); such entries are dropped on reading, as they
cannot be matched to a URL safely: the channel starts anew (its next send has this run's papers; a weekly one's
first digest, on digest_day, the last seven days), so an upgrade loses at most one pending catch-up.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core import jsonfile, layout

PATH = Path(layout.DELIVERED)
LOOKBACK_DAYS = 35  # a day older than this is never due again (five weeks: a weekly digest missed four times)

Ledger = dict[str, dict[str, Any]]  # channel -> {"kind", "since", "last", "days": {date: [ids]}}
_BY_POSITION = re.compile(r"chat \d+")  # the first version's names: dropped (see above)


def load(root: Path) -> Ledger:
    """The channels' records; a missing or broken file is an empty ledger (each channel then starts anew with this
    run's papers, as a first send does: nothing is sent twice, at worst a failed day is not caught up)."""
    try:
        data = json.loads((root / PATH).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    channels = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(channels, dict):
        return {}
    return {name: entry for name, entry in channels.items() if _name_ok(name) and _entry_ok(entry)}


def _name_ok(name: Any) -> bool:
    """Whether a channel's name is one this code keeps (not a first-version name by position)."""
    return isinstance(name, str) and not _BY_POSITION.fullmatch(name)


def _entry_ok(entry: Any) -> bool:
    """Whether one channel's record has the shape this code writes."""
    return (isinstance(entry, dict) and isinstance(entry.get("kind"), str) and isinstance(entry.get("since"), str)
            and isinstance(entry.get("last"), str) and isinstance(entry.get("days"), dict)
            and all(isinstance(k, str) and isinstance(v, list) for k, v in entry["days"].items()))


def entry_of(ledger: Ledger, channel: str, kind: str) -> dict[str, Any] | None:
    """The channel's record, or None when it has none or it was made for another kind of service."""
    entry = ledger.get(channel)
    return entry if entry is not None and entry["kind"] == kind else None


def delivered(entry: dict[str, Any] | None) -> dict[str, set[str]]:
    """Day -> the ids the channel delivered that day."""
    return {day: set(ids) for day, ids in (entry or {}).get("days", {}).items()}


def note(ledger: Ledger, channel: str, kind: str, ids: dict[str, list[str]], today: str) -> None:
    """Record a successful send of these ids (day -> ids) on the channel at the run's day `today`."""
    entry = entry_of(ledger, channel, kind)
    if entry is None:
        entry = ledger[channel] = {"kind": kind, "since": min([today, *ids]), "last": today, "days": {}}
    entry["last"] = max(entry["last"], today)
    entry["since"] = min([entry["since"], *ids])
    for day, found in ids.items():
        entry["days"][day] = sorted(set(entry["days"].get(day, [])) | set(found))


def prune(ledger: Ledger, today: str) -> None:
    """Forget the ids of days no longer due (older than LOOKBACK_DAYS): the file stays small."""
    oldest = window_start(today)
    for entry in ledger.values():
        entry["days"] = {d: ids for d, ids in entry["days"].items() if d >= oldest}


def window_start(today: str) -> str:
    """The oldest day still due to a channel."""
    return (date.fromisoformat(today) - timedelta(days=LOOKBACK_DAYS)).isoformat()


def dumps(ledger: Ledger) -> bytes:
    """Stable sorted JSON."""
    return jsonfile.dumps({"channels": ledger})


def save(root: Path, ledger: Ledger) -> bool:
    """Write the ledger atomically; True when it changed."""
    return jsonfile.atomic_write(root / PATH, dumps(ledger))


def merge_files(ours: bytes, theirs: bytes) -> bytes:
    """Two versions merged (a push race): per channel the union of delivered ids, the earliest since, the latest
    last; a channel whose kind differs keeps ours (the newer NOTIFY_URLS)."""
    try:
        mine, other = json.loads(ours)["channels"], json.loads(theirs)["channels"]
    except (ValueError, TypeError, KeyError):
        return ours
    if not isinstance(mine, dict) or not isinstance(other, dict):
        return ours
    merged: Ledger = {k: v for k, v in other.items() if _name_ok(k) and _entry_ok(v)}
    for name, entry in mine.items():
        if not _name_ok(name) or not _entry_ok(entry):
            continue
        have = merged.get(name)
        if have is None or have["kind"] != entry["kind"]:
            merged[name] = entry
            continue
        days = {d: sorted(set(have["days"].get(d, [])) | set(entry["days"].get(d, [])))
                for d in set(have["days"]) | set(entry["days"])}
        merged[name] = {"kind": entry["kind"], "since": min(have["since"], entry["since"]),
                        "last": max(have["last"], entry["last"]), "days": days}
    return dumps(merged)
