"""The store of papers: JSON shards under data/papers/, one record per paper, the source of truth.

Papers are sharded by the year and month in their arXiv id (2601.20481 -> 2601.json), which
never changes, so a day's diff touches one or two small files and a write rewrites only those.
"""

from __future__ import annotations

import gc
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

REQUIRED = ("id", "version", "title", "abstract", "updated", "topics")
_REQUIRED = frozenset(REQUIRED)
FIELDS = ("id", "version", "title", "authors", "abstract", "comment", "categories",
          "primary_category", "published", "updated", "topics")
_NEW_ID = re.compile(r"^\d{4}\.\d{4,5}$")
_OLD_ID = re.compile(r"^[a-z\-]+(?:\.[A-Z]{2})?/\d{7}$")
_VERSIONED = re.compile(r"^(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?$")


class StoreError(Exception):
    """The store cannot be read safely; str() is a one-line message with the fix."""


def split_id(text: str) -> tuple[str, int] | None:
    """'2601.20481v2' -> ('2601.20481', 2); a bare id has version 1; junk gives None."""
    m = _VERSIONED.match(text.strip())
    if not m:
        return None
    return m.group("id"), int(m.group("v") or 1)


def valid_id(paper_id: str) -> bool:
    """Whether a string is an arXiv id without version, safe to put into a link."""
    return bool(_NEW_ID.match(paper_id) or _OLD_ID.match(paper_id))


def shard_name(paper_id: str) -> str:
    """The shard file for an id: its yymm, which old-style ids carry after the slash."""
    digits = paper_id.split("/")[-1]
    return f"{digits[:4]}.json"


def atomic_write(path: Path, data: bytes) -> bool:
    """Write via a temp file and rename, so a killed run leaves the old or new file; True if changed."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def dumps(records: dict[str, dict[str, Any]]) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return (json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass
class Store:
    """All stored papers by id, plus which shards need writing."""

    root: Path
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)

    @property
    def directory(self) -> Path:
        return self.root / "data" / "papers"

    def exists(self) -> bool:
        """Whether a store has been written before (any shard present)."""
        return self.directory.is_dir() and any(self.directory.glob("*.json"))

    def put(self, record: dict[str, Any]) -> None:
        """Insert or replace a record and mark its shard for writing."""
        self.papers[record["id"]] = record
        self.dirty.add(shard_name(record["id"]))

    def save(self) -> list[Path]:
        """Write every dirty shard atomically; returns the files that changed."""
        by_shard: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in self.dirty}
        for paper_id, record in self.papers.items():
            name = shard_name(paper_id)
            if name in by_shard:
                by_shard[name][paper_id] = record
        changed = []
        for name, records in sorted(by_shard.items()):
            path = self.directory / name
            if atomic_write(path, dumps(records)):
                changed.append(path)
        self.dirty.clear()
        return changed

    def topic_papers(self, topic: str) -> list[dict[str, Any]]:
        """Papers that were found for a topic (listed or not)."""
        return [p for p in self.papers.values() if topic in p["topics"]]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cycle collection during bulk work: it would rescan tens of thousands of records many times."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(root: Path) -> Store:
    """Read every shard, refusing (never guessing) on any corrupt or hand-broken file."""
    with gc_paused():
        return _load(root)


def _load(root: Path) -> Store:
    store = Store(root)
    if not store.directory.is_dir():
        return store
    for path in sorted(store.directory.glob("*.json")):
        rel = path.relative_to(root)
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise StoreError(f"{rel}: not UTF-8; restore it with 'git checkout -- {rel}'") from None
        except json.JSONDecodeError as exc:
            raise StoreError(
                f"{rel}:{exc.lineno}: invalid JSON ({exc.msg}); fix that line or restore the file "
                f"with 'git checkout -- {rel}'"
            ) from None
        if not isinstance(records, dict):
            raise StoreError(f"{rel}:1: expected an object of papers by id; restore it with 'git checkout -- {rel}'")
        shard = path.name
        for key, record in records.items():
            problem = record_problem(key, record)
            if problem:
                raise StoreError(f"{rel}: paper '{key}': {problem}; fix it or restore it with 'git checkout -- {rel}'")
            if shard_name(key) != shard:
                raise StoreError(f"{rel}: paper '{key}' belongs in {shard_name(key)}; move it there")
        store.papers.update(records)
    return store


def record_problem(key: str, record: Any) -> str | None:
    """What is wrong with a stored record, or None."""
    if not isinstance(record, dict):
        return "not an object"
    if not _REQUIRED.issubset(record):
        return f"missing {', '.join(f for f in REQUIRED if f not in record)}"
    if record["id"] != key or not valid_id(key):
        return f"id {record['id']!r} does not match its key or is not an arXiv id"
    if not isinstance(record["version"], int) or record["version"] < 1:
        return "version must be a whole number >= 1"
    if not isinstance(record["topics"], list):
        return "topics must be a list"
    for text_field in ("title", "abstract", "updated"):
        if not isinstance(record[text_field], str):
            return f"{text_field} must be text"
    return None


def new_record(**values: Any) -> dict[str, Any]:
    """A record with every field present, in the store's shape."""
    record: dict[str, Any] = {"authors": [], "categories": [], "comment": "", "primary_category": "",
                              "published": None}
    record.update(values)
    record["topics"] = sorted(set(record.get("topics", [])))
    return {k: record[k] for k in FIELDS}


def adopt_topics(store: Store, renames: dict[str, str]) -> int:
    """Move papers stored under old topic names to the names that claim them now; returns papers moved."""
    moved = 0
    for record in list(store.papers.values()):
        topics = sorted({renames.get(t, t) for t in record["topics"]})
        if topics != record["topics"]:
            store.put({**record, "topics": topics})
            moved += 1
    return moved


def clamp_future(store: Store, now: str, limit: str) -> list[str]:
    """Bring stored dates later than limit back to now (a bad answer stored before fetch clamped them); returns ids."""
    fixed = []
    for record in list(store.papers.values()):
        late = {k: now for k in ("updated", "published") if isinstance(record.get(k), str) and record[k] > limit}
        if late:
            store.put({**record, **late})
            fixed.append(record["id"])
    return fixed


def topic_names(store: Store) -> dict[str, int]:
    """Every topic name in the store, with how many papers carry it."""
    counts: dict[str, int] = {}
    for record in store.papers.values():
        for name in record["topics"]:
            counts[name] = counts.get(name, 0) + 1
    return counts


@dataclass
class MergeCounts:
    """What a merge changed for one topic."""

    new: list[str] = field(default_factory=list)  # newly in this topic
    created: list[str] = field(default_factory=list)  # newly in the store
    updated: list[str] = field(default_factory=list)  # a newer version replaced the stored one
    refreshed: list[str] = field(default_factory=list)


def merge(store: Store, topic: str, incoming: Iterable[dict[str, Any]]) -> MergeCounts:
    """Merge fetched records for a topic: newer versions replace older in place; nothing is dropped."""
    counts = MergeCounts()
    for record in incoming:
        old = store.papers.get(record["id"])
        if old is None:
            store.put(new_record(**{**record, "topics": [topic]}))
            counts.new.append(record["id"])
            counts.created.append(record["id"])
            continue
        merged = dict(old)
        if topic not in old["topics"]:
            merged["topics"] = sorted(set(old["topics"]) | {topic})
            counts.new.append(record["id"])
        if record["version"] > old["version"]:
            merged.update({k: v for k, v in record.items() if k not in ("topics", "id")})
            counts.updated.append(record["id"])
        elif record["version"] == old["version"]:
            filled = {k: v for k, v in record.items()
                      if k not in ("topics", "id", "version", "updated") and v and not old.get(k)}
            if filled:
                merged.update(filled)
                counts.refreshed.append(record["id"])
        if merged != old:
            store.put(new_record(**merged))
    return counts
