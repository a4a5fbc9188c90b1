"""Where the run keeps what it reads and writes, each path named once (repository-relative, as git spells them).

STATE_FILES is the registry of the run's own state beside the store: every file in it is committed with the
store (daily/publish.py owns what it lists), and says how two versions of it merge when a push race makes the
commit again on origin's new tip. A new state file added here is committed and merged; one left out never is.
"""

from __future__ import annotations

from dataclasses import dataclass

DATA = "data"  # the store and the run's state
STORE = f"{DATA}/papers"  # the papers, one JSON shard a month (core/store.py)
DIGESTS = f"{DATA}/digests"  # the day's records, YYYY-MM-DD.json (digest/picks.py)
STATE = f"{DATA}/state.json"  # each topic's last successful fetch (daily/state.py)
BACKFILL = f"{DATA}/backfill.json"  # the months each topic has backfilled (daily/backfill.py)
LOOKUPS = f"{DATA}/lookups.json"  # arXiv's answers to id lookups (daily/lookup.py)
DELIVERED = f"{DATA}/delivered.json"  # what each email and chat channel has delivered (core/sent.py)
README = "README.md"  # the rendered front page
PAGES = "papers"  # the topics' rendered pages
FEEDS = "feeds"  # the topics' Atom feeds
MANIFEST = f"{PAGES}/manifest.json"  # what each topic's pages were rendered from (daily/manifest.py)

# How two versions of a state file merge in a push race's rebuild (daily/publish.py maps each to its function):
UNION_MONTHS = "union of months"  # each topic's months from both
UNION_LOOKUPS = "union of lookups"  # both runs' answers (daily/lookup.py merge_files)
REBUILT = "advanced by the rebuild"  # the rebuild writes it anew from the tip's version and this run's fetches
UNION_DELIVERED = "union of deliveries"  # each channel's delivered ids from both (core/sent.py merge_files)
MERGES = (UNION_MONTHS, UNION_LOOKUPS, REBUILT, UNION_DELIVERED)


@dataclass(frozen=True)
class StateFile:
    """One state file the run commits beside the store, and how two versions of it merge."""

    path: str
    merge: str  # one of MERGES


STATE_FILES = (StateFile(BACKFILL, UNION_MONTHS), StateFile(LOOKUPS, UNION_LOOKUPS), StateFile(STATE, REBUILT),
               StateFile(DELIVERED, UNION_DELIVERED))


def state_paths() -> tuple[str, ...]:
    """Every registered state file's path, sorted: what a run commits beside the store."""
    return tuple(sorted(f.path for f in STATE_FILES))
