"""What each channel has delivered (data/delivered.json), so a failed send is caught up by the next good one.

Each Actions run starts from a fresh checkout and sends after the day's push, so the record is committed and
pushed by a small commit of its own after the sends (daily/delivered.py); it lives in core because both the
delivery family (digest/delivery/) and the push-race merge (daily/publish.py) read it, and only when a send was
tried: a quiet day with nothing due makes no commit. Its shape, stable sorted JSON:

    {"channels": {"email": {"kind": "email", "since": "2026-11-16", "last": "2026-11-20",
                            "days": {"2026-11-20": ["2611.00001", ...]}},
                  "chat-3f9a2c0d1e4b": {"kind": "discord", ...}}}

A channel is "email" or "chat-KEY": KEY is 12 hex characters derived from its NOTIFY_URLS entry (chat.key_of), so a
channel keeps its history when others are removed or reordered, and two channels of one service stay apart; never
the URL, which holds a token. "since" is the first day its first send (tried, not necessarily taken) covered: older
days are never due to it; a channel is recorded at its first try, so a first send that fails is caught up like any
other. "last" is the run's day of its last successful send (the weekly digest's clock; absent until one went), "days"
the ids it delivered per day, kept for LOOKBACK_DAYS; a channel with no day left and nothing since the window is
dropped (a channel removed from the settings is forgotten).

The file is in the repository, so it can be edited by hand: an entry that is not what this code writes (a date not
YYYY-MM-DD or after the run's day, an id that is not a string) is dropped with one warning line, and the channel starts
anew; an unreadable file likewise for every channel.

The first version named a chat channel by its position ("chat 1"); such entries are dropped on reading, as they
cannot be matched to a URL safely: the channel starts anew (its next send has this run's papers; a weekly one's
first digest, on digest_day, the last seven days), so an upgrade loses at most one pending catch-up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core import jsonfile, layout

PATH = Path(layout.DELIVERED)
LOOKBACK_DAYS = 35  # a day older than this is never due again (five weeks: a weekly digest missed four times)

Ledger = dict[str, dict[str, Any]]  # channel -> {"kind", "since", "last" (once sent), "days": {date: [ids]}}
_BY_POSITION = re.compile(r"chat \d+")  # the first version's names: dropped (see above)
_FIX = "fix: correct it or remove that channel's entry"
_ANEW = "(the channel starts anew)"


def load(root: Path, today: str | None = None) -> Ledger:
    """The channels' records (read's, its warnings left out)."""
    return read(root, today)[0]


def read(root: Path, today: str | None = None) -> tuple[Ledger, list[str]]:
    """The channels' records, and one line per entry dropped as not what this code writes (a date after `today`
    counts as such); a missing file is an empty ledger, an unreadable one too, said once (each channel then starts
    anew with this run's papers, as a first send does: nothing is sent twice, at worst a failed day is not caught
    up)."""
    path = root / PATH
    if not path.exists():
        return {}, []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = f"not valid JSON ({exc})" if isinstance(exc, ValueError) else "cannot be read"
        return {}, [f"{PATH.as_posix()}: {why}; fix: correct it or delete the file (every channel starts anew)"]
    channels = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(channels, dict):
        return {}, [f"{PATH.as_posix()}: no \"channels\" object; fix: correct it or delete the file (every channel "
                    f"starts anew)"]
    ledger: Ledger = {}
    problems = []
    for name, entry in channels.items():
        if not _name_ok(name):
            continue
        problem = entry_problem(entry, today)
        if problem is None:
            ledger[name] = entry
        else:
            problems.append(f"{PATH.as_posix()}: channel {json.dumps(name)[:40]}: {problem}; {_FIX} {_ANEW}")
    return ledger, problems


def _name_ok(name: Any) -> bool:
    """Whether a channel's name is one this code keeps (not a first-version name by position)."""
    return isinstance(name, str) and not _BY_POSITION.fullmatch(name)


def entry_problem(entry: Any, today: str | None = None) -> str | None:
    """What is wrong with one channel's record (None: it has the shape this code writes, no date after `today`)."""
    if not isinstance(entry, dict):
        return "not an object"
    if not isinstance(entry.get("kind"), str) or not entry["kind"]:
        return "\"kind\" is not a name"
    dates: list[tuple[str, Any]] = [("since", entry.get("since"))]
    if "last" in entry:
        dates.append(("last", entry["last"]))
    days = entry.get("days")
    if not isinstance(days, dict):
        return "\"days\" is not an object"
    dates += [("a key of \"days\"", day) for day in days]
    for place, value in dates:
        if not is_date(value):
            return f"{place} {json.dumps(value)[:30]} is not a date (YYYY-MM-DD)"
        if today is not None and value > today:
            return f"{place} {value} is after the run's day {today}"
    for day, ids in days.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return f"days[{day}] is not a list of paper ids (strings)"
    return None


def is_date(value: Any) -> bool:
    """Whether value is a YYYY-MM-DD string."""
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def entry_of(ledger: Ledger, channel: str, kind: str) -> dict[str, Any] | None:
    """The channel's record, or None when it has none or it was made for another kind of service."""
    entry = ledger.get(channel)
    return entry if entry is not None and entry["kind"] == kind else None


def delivered(entry: dict[str, Any] | None) -> dict[str, set[str]]:
    """Day -> the ids the channel delivered that day."""
    return {day: set(ids) for day, ids in (entry or {}).get("days", {}).items()}


def begin(ledger: Ledger, channel: str, kind: str, ids: dict[str, list[str]], today: str) -> None:
    """Record a channel at its first try (since: the first day this send covers; nothing delivered, no "last"), so
    the days of a first send that fails are due to the next one."""
    if entry_of(ledger, channel, kind) is None:
        ledger[channel] = {"kind": kind, "since": min([today, *ids]), "days": {}}


def note(ledger: Ledger, channel: str, kind: str, ids: dict[str, list[str]], today: str) -> None:
    """Record a successful send of these ids (day -> ids) on the channel at the run's day `today`."""
    begin(ledger, channel, kind, ids, today)
    entry = ledger[channel]
    entry["last"] = max(entry.get("last") or today, today)
    entry["since"] = min([entry["since"], *ids])
    for day, found in ids.items():
        entry["days"][day] = sorted(set(entry["days"].get(day, [])) | set(found))


def prune(ledger: Ledger, today: str, keep: Callable[[str], bool] = lambda name: False) -> None:
    """Forget the ids of days no longer due (older than LOOKBACK_DAYS), and the channels left with no day whose last
    send and first day are older too (a channel no longer set up), but those `keep` names (tried this run: a long
    outage keeps its channel): the file stays small."""
    oldest = window_start(today)
    for name in list(ledger):
        entry = ledger[name]
        entry["days"] = {d: ids for d, ids in entry["days"].items() if d >= oldest}
        if not entry["days"] and max(entry["since"], entry.get("last") or "") < oldest and not keep(name):
            del ledger[name]


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
    last; a channel whose kind differs keeps ours (the newer NOTIFY_URLS); an entry not of the shape this code
    writes is left out (the next run's read names it)."""
    try:
        mine, other = json.loads(ours)["channels"], json.loads(theirs)["channels"]
    except (ValueError, TypeError, KeyError):
        return ours
    if not isinstance(mine, dict) or not isinstance(other, dict):
        return ours
    merged: Ledger = {k: v for k, v in other.items() if _name_ok(k) and entry_problem(v) is None}
    for name, entry in mine.items():
        if not _name_ok(name) or entry_problem(entry) is not None:
            continue
        have = merged.get(name)
        if have is None or have["kind"] != entry["kind"]:
            merged[name] = entry
            continue
        days = {d: sorted(set(have["days"].get(d, [])) | set(entry["days"].get(d, [])))
                for d in set(have["days"]) | set(entry["days"])}
        merged[name] = {"kind": entry["kind"], "since": min(have["since"], entry["since"]), "days": days}
        last = max(have.get("last") or "", entry.get("last") or "")
        if last:
            merged[name]["last"] = last
    return dumps(merged)
