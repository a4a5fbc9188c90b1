"""The store of papers: JSON shards under data/papers/, one record per paper, the source of truth.

Papers are sharded by the year and month in their arXiv id (2601.20481 -> 2601.json), which
never changes, so a day's diff touches one or two small files and a write rewrites only those.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core import layout

# The id syntax is core/ids.py's and the file plumbing core/jsonfile.py's; these names stay importable from here.
from core.ids import split_id as split_id
from core.ids import valid_id
from core.jsonfile import StoreError as StoreError
from core.jsonfile import WriteError as WriteError
from core.jsonfile import atomic_write
from core.jsonfile import dumps as dumps

REQUIRED = ("id", "version", "title", "abstract", "updated", "topics")
_REQUIRED = frozenset(REQUIRED)
FIELDS = ("id", "version", "title", "authors", "abstract", "comment", "categories",
          "primary_category", "published", "updated", "topics")
# Fields a record holds only once they have a value, so the shards of papers without one stay as they were.
SPARSE_FIELDS = ("s2_tldr", "tldr", "tldr_tries")
TLDR_KEYS = ("model", "text", "version")
S2_TLDR_KEYS = ("fetched", "model", "paper", "text")  # Semantic Scholar's TL;DR (digest/semantic_scholar.py)
_S2_PAPER = re.compile(r"^[0-9a-f]{40}$")


def shard_name(paper_id: str) -> str:
    """The shard file for an id: its yymm, which old-style ids carry after the slash."""
    digits = paper_id.split("/")[-1]
    return f"{digits[:4]}.json"


@dataclass
class Store:
    """All stored papers by id, plus which shards need writing."""

    root: Path
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)

    @property
    def directory(self) -> Path:
        return self.root / layout.STORE

    def exists(self) -> bool:
        """Whether a store has been written before (any shard present)."""
        return self.directory.is_dir() and any(self.directory.glob("*.json"))

    def put(self, record: dict[str, Any]) -> None:
        """Insert or replace a record and mark its shard for writing."""
        self.papers[record["id"]] = record
        self.dirty.add(shard_name(record["id"]))

    def save(self, before: Callable[[dict[Path, bytes]], None] | None = None) -> list[Path]:
        """Write every dirty shard atomically; returns the files that changed.

        before, if given, sees every shard's bytes before any is written (the run records them as its own first).
        """
        by_shard: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in self.dirty}
        for paper_id, record in self.papers.items():
            name = shard_name(paper_id)
            if name in by_shard:
                by_shard[name][paper_id] = record
        contents = {self.directory / name: dumps(records) for name, records in sorted(by_shard.items())}
        if before is not None:
            before(contents)
        changed = [path for path, data in contents.items() if atomic_write(path, data)]
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
        rel = path.relative_to(root).as_posix()
        restore = f"restore it with 'git checkout -- {rel}'"
        try:
            text = path.read_text(encoding="utf-8")
            records = json.loads(text)
        except UnicodeDecodeError:
            raise StoreError(f"{rel}: not UTF-8; {restore}") from None
        except json.JSONDecodeError as exc:
            raise StoreError(f"{rel}:{exc.lineno}: invalid JSON ({exc.msg}); fix that line or {restore}") from None
        except OSError as exc:
            raise StoreError(f"{rel}: cannot read ({exc.strerror or exc}); make it a readable file or {restore}") from None
        if not isinstance(records, dict):
            raise StoreError(f"{rel}:1: expected an object of papers by id; {restore}")
        if len(_ID_KEY.findall(text)) > len(records):
            twice = _repeated_key(text)
            if twice:
                raise StoreError(f"{rel}:{twice}: this paper is in the file twice; keep one copy (the newer version)")
        shard = path.name
        for key, record in records.items():
            problem = record_problem(key, record)
            if problem:
                raise StoreError(f"{rel}:{_clip(key)}: {problem}; fix it or {restore}")
            if shard_name(key) != shard:
                raise StoreError(f"{rel}:{key}: this paper belongs in {shard_name(key)}; move it there")
            for name, default in OPTIONAL.items():
                if name not in record:  # a hand-written record may leave these out
                    record[name] = list(default) if isinstance(default, list) else default
        store.papers.update(records)
    return store


_ID_KEY = re.compile(r'"id"\s*:')
_STAMP = re.compile(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
OPTIONAL: dict[str, Any] = {"authors": [], "categories": [], "comment": "", "primary_category": "",
                            "published": None}
STAMP_HELP = "a date like 2026-01-31 or a time like 2026-01-31T10:00:00Z"


def _repeated_key(text: str) -> str | None:
    """The first paper id written twice at the top of a shard (json.loads silently keeps the last)."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        if len(keys) != len(set(keys)) and not found:
            found.append(next(k for i, k in enumerate(keys) if k in keys[:i]))
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return found[0] if found else None


def _clip(text: str, width: int = 40) -> str:
    """A stored value short enough for a one-line message, lone surrogates shown as escapes."""
    shown = text if len(text) <= width else text[:width] + "…"
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")


def is_stamp(value: Any) -> bool:
    """Whether a value is an ISO date or UTC/offset timestamp, as fetch writes them (and a real calendar day)."""
    if not isinstance(value, str) or not _STAMP.fullmatch(value):
        return False
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _is_text(value: Any) -> bool:
    """Text that can be written as UTF-8: a str without lone surrogates (JSON may spell them as \\ud800)."""
    return isinstance(value, str) and (value.isascii() or not _SURROGATE.search(value))


def record_problem(key: str, record: Any) -> str | None:
    """What is wrong with a stored record, checked for types and values, or None."""
    if not isinstance(record, dict):
        return "not an object"
    if not _REQUIRED.issubset(record):
        return f"missing {', '.join(f for f in REQUIRED if f not in record)}; add it"
    if record["id"] != key or not valid_id(key):
        return f"id {_clip(str(record['id']))!r} does not match its key or is not an arXiv id"
    if type(record["version"]) is not int or record["version"] < 1:
        return f"version must be a whole number >= 1, got {_clip(repr(record['version']))}"
    for name in ("title", "abstract", "comment", "primary_category"):
        if name in record and not _is_text(record[name]):
            return f"{name} must be text (UTF-8, no lone surrogates), got {_kind(record[name])}"
    for name in ("authors", "categories", "topics"):
        if name in record and not (isinstance(record[name], list) and all(_is_text(v) for v in record[name])):
            return f"{name} must be a list of text, like [\"a\", \"b\"]"
    if not is_stamp(record["updated"]):
        return f"updated must be {STAMP_HELP}, got {_clip(repr(record['updated']))}"
    if record.get("published") is not None and not is_stamp(record["published"]):
        return f"published must be {STAMP_HELP} or null, got {_clip(repr(record['published']))}"
    if record.get("tldr") is not None and (problem := tldr_problem(record["tldr"])):
        return problem
    if record.get("s2_tldr") is not None and (problem := s2_tldr_problem(record["s2_tldr"])):
        return problem
    if record.get("tldr_tries") is not None:
        return tries_problem(record["tldr_tries"])
    return None


def tries_problem(tries: Any) -> str | None:
    """What is wrong with a stored count of a model's dropped answers ({"version", "count"}), or None."""
    if not (isinstance(tries, dict) and sorted(tries) == ["count", "version"]
            and all(type(tries[k]) is int and tries[k] >= 1 for k in ("count", "version"))):
        return f'tldr_tries must be null or {{"count": N, "version": N}} (whole numbers >= 1), got {_clip(repr(tries))}'
    return None


def tldr_problem(tldr: Any) -> str | None:
    """What is wrong with a stored machine summary ({"model", "text", "version"}), or None."""
    if not isinstance(tldr, dict) or sorted(tldr) != sorted(TLDR_KEYS):
        return 'tldr must be null or {"model": "...", "text": "...", "version": N}'
    if not (_is_text(tldr["model"]) and _is_text(tldr["text"])):
        return "tldr model and text must be text (UTF-8, no lone surrogates)"
    if type(tldr["version"]) is not int or tldr["version"] < 1:
        return f"tldr version must be a whole number >= 1, got {_clip(repr(tldr['version']))}"
    return None


def s2_tldr_problem(tldr: Any) -> str | None:
    """What is wrong with a stored Semantic Scholar TL;DR ({"fetched", "model", "paper", "text"}), or None."""
    if not isinstance(tldr, dict) or sorted(tldr) != sorted(S2_TLDR_KEYS):
        return 's2_tldr must be null or {"fetched": "<time>", "model": "...", "paper": "<40 hex>", "text": "..."}'
    if not all(_is_text(tldr[k]) and tldr[k].strip() for k in ("model", "text")):
        return "s2_tldr model and text must be text that is not empty (UTF-8, no lone surrogates)"
    if not is_stamp(tldr["fetched"]):
        return f"s2_tldr fetched must be {STAMP_HELP}, got {_clip(repr(tldr['fetched']))}"
    if not (isinstance(tldr["paper"], str) and _S2_PAPER.match(tldr["paper"])):
        return f"s2_tldr paper must be Semantic Scholar's id (40 lowercase hex), got {_clip(repr(tldr['paper']))}"
    return None


def _kind(value: Any) -> str:
    """A short description of a wrong value: its type, or the text with a lone surrogate."""
    if isinstance(value, str):
        return f"text with a lone surrogate {_clip(value)!r}"
    return f"{type(value).__name__} {_clip(repr(value))}"


def new_record(**values: Any) -> dict[str, Any]:
    """A record with every field present, in the store's shape."""
    record: dict[str, Any] = {name: list(v) if isinstance(v, list) else v for name, v in OPTIONAL.items()}
    record.update(values)
    record["topics"] = sorted(set(record.get("topics", [])))
    shaped = {k: record[k] for k in FIELDS}
    shaped.update({k: record[k] for k in SPARSE_FIELDS if record.get(k) is not None})
    return shaped


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
