"""Ask arXiv about papers by id (batched id_list requests): authors for seed papers, texts for the reader's ids.

Papers imported from a DailyArXiv README have no authors or categories. fill_authors asks arXiv for each
one's stored version, after the day's topics and within what is left of the fetch budget, and copies only
the authors and categories: never a version, a date, a title, an abstract or a summary. known_texts gives
the title and abstract of ids that are neither stored nor in the reader's library (issue 23's interests).
Both keep what arXiv answered in data/lookups.json, so no id is asked twice:
  "fill_missing": stored papers the fill asked for and arXiv had no entry for (withdrawn, or unknown);
  "papers": {id: {"abstract", "id", "title", "version"}}: texts known_texts got;
  "unknown": ids known_texts asked for and arXiv does not know.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import jsonfile, layout
from core import store as st
from core.ids import split_id
from daily import fetch

log = logging.getLogger("daily_papers.lookup")

PATH = Path(layout.LOOKUPS)
BATCH = 200  # ids per id_list request: a URL of about 3.2 kB; arXiv answers 414 near 640 ids (~10 kB)
MAX_FILL_REQUESTS = 10  # a big seed (2,000 papers) fills over several runs rather than lengthen one
TEXT_KEYS = ("abstract", "id", "title", "version")
FILLED = ("authors", "categories", "primary_category")  # all the fill may change in a record
_FIX = f"fix it or delete {PATH} (it only remembers arXiv's answers; the next run asks again)"


@dataclass
class FillReport:
    """What the author fill did this run, for one console line."""

    wanted: int = 0  # stored papers without authors or categories that were not asked before
    filled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # asked; arXiv returned no entry (recorded, never asked again)
    requests: int = 0
    error: str | None = None  # why the fill stopped early; the rest are asked next run

    def line(self) -> str | None:
        """One line for the console: a warning when it stopped early, otherwise what it filled; None if idle."""
        if not self.wanted:
            return None
        done = (f"authors: filled {len(self.filled)} of {self.wanted} stored papers that had none, in "
                f"{self.requests} id_list {'request' if self.requests == 1 else 'requests'}")
        if self.missing:
            done += f"; {len(self.missing)} not on arXiv (recorded in {PATH.as_posix()}, not asked again)"
        if self.error:
            return f"warning: {done}; stopped: {self.error}; the rest are asked next run"
        left = self.wanted - len(self.filled) - len(self.missing)
        return done + (f"; {left} left for the next run" if left else "")


def dumps(data: dict[str, Any]) -> bytes:
    """Stable JSON, like the store's."""
    return jsonfile.dumps(data)


def load(root: Path) -> dict[str, Any]:
    """data/lookups.json, checked; empty parts when it does not exist. Raises StoreError with the fix."""
    path = root / PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    except (UnicodeDecodeError, json.JSONDecodeError, OSError) as exc:
        raise st.StoreError(f"{PATH}: cannot be read ({exc}); {_FIX}") from None
    problem = shape_problem(data)
    if problem:
        raise st.StoreError(f"{PATH}: {problem}; {_FIX}")
    return {"fill_missing": list(data.get("fill_missing", [])), "papers": dict(data.get("papers", {})),
            "unknown": list(data.get("unknown", []))}


def shape_problem(data: Any) -> str | None:
    """What is wrong with the file's shape, or None."""
    if not isinstance(data, dict):
        return "expected an object"
    for name in ("fill_missing", "unknown"):
        if not (isinstance(data.get(name, []), list) and all(isinstance(i, str) for i in data.get(name, []))):
            return f'"{name}" must be a list of arXiv ids'
    papers = data.get("papers", {})
    if not isinstance(papers, dict):
        return '"papers" must be an object of papers by id'
    for key, text in papers.items():
        if (not isinstance(text, dict) or sorted(text) != sorted(TEXT_KEYS) or text["id"] != key
                or not all(isinstance(text[k], str) for k in ("abstract", "title")) or type(text["version"]) is not int):
            return f'"papers" → {key[:40]}: expected {{"abstract", "id", "title", "version"}}'
    return None


def save(root: Path, data: dict[str, Any]) -> bool:
    """Write the file atomically, lists sorted and without repeats; True when it changed."""
    shaped = {"fill_missing": sorted(set(data["fill_missing"])), "papers": data["papers"],
              "unknown": sorted(set(data["unknown"]))}
    return jsonfile.atomic_write(root / PATH, dumps(shaped))


def merge_files(ours: bytes, theirs: bytes) -> bytes:
    """Two lookups files as one (a push race's rebuild keeps both runs' answers); ours if either is broken."""
    try:
        first, second = json.loads(ours), json.loads(theirs)
        if shape_problem(first) or shape_problem(second):
            return ours
    except ValueError:
        return ours
    return dumps({"fill_missing": sorted(set(first.get("fill_missing", [])) | set(second.get("fill_missing", []))),
                  "papers": {**second.get("papers", {}), **first.get("papers", {})},
                  "unknown": sorted(set(first.get("unknown", [])) | set(second.get("unknown", [])))})


def needs_authors(record: dict[str, Any]) -> bool:
    """A stored paper the fill is for: no authors or no categories (a DailyArXiv import)."""
    return not record.get("authors") or not record.get("categories")


def fill_authors(store: st.Store, fetcher: fetch.Fetcher, root: Path, skip: Iterable[str] = (),
                 save_file: bool = True) -> FillReport:
    """Give stored papers without authors their authors and categories from arXiv, for their stored version.

    Newest ids first, BATCH ids a request, at most MAX_FILL_REQUESTS; stops at the first failure (a throttled
    answer is not retried: the day's papers are already fetched). skip: ids this run fetched anyway. Never raises
    for arXiv or the lookups file: the report says what to do.
    """
    report = FillReport()
    skipped = set(skip)
    pending = [r for r in store.papers.values() if needs_authors(r) and r["id"] not in skipped]
    if not pending:
        return report  # the usual day: nothing to ask, and the lookups file is not even read
    try:
        data = load(root)
    except st.StoreError as exc:
        report.wanted, report.error = len(pending), str(exc)
        return report
    asked_before = set(data["fill_missing"])
    wanted = sorted((r for r in pending if r["id"] not in asked_before), key=lambda r: r["id"], reverse=True)
    report.wanted = len(wanted)
    for start in range(0, min(len(wanted), BATCH * MAX_FILL_REQUESTS), BATCH):
        batch = wanted[start:start + BATCH]
        before = fetcher.requests
        try:
            answers = fetcher.fetch_ids([f"{r['id']}v{r['version']}" for r in batch], retry_throttling=False)
        except fetch.TopicFailed as exc:
            report.requests += fetcher.requests - before
            report.error = str(exc)
            break
        report.requests += fetcher.requests - before
        by_id = {a["id"]: a for a in answers}
        for record in batch:
            answer = by_id.get(record["id"])
            if answer is None or not answer["authors"]:
                report.missing.append(record["id"])
                continue
            store.put(filled_record(record, answer))
            report.filled.append(record["id"])
    if report.missing and save_file:
        data["fill_missing"] += report.missing
        try:
            save(root, data)
        except st.WriteError as exc:
            report.error = report.error or exc.where(root)
    return report


def filled_record(record: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The stored record with arXiv's authors and categories, and nothing else of the answer."""
    return {**record, **{k: answer[k] for k in FILLED if answer.get(k)}}


def known_texts(root: Path, ids: list[str], fetcher: fetch.Fetcher,
                save_file: bool = True) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Title and abstract of arXiv ids, from data/lookups.json or one id_list request; and the ids arXiv lacks.

    For ids neither stored nor in the reader's library (the caller checks those first). Returns
    ({id: {"id", "title", "abstract", "version"}}, unknown ids), keyed by the id without its version. An id
    that is not an arXiv id is unknown without asking. At most BATCH new ids are asked per run (one request):
    ids past that, or all new ids when the request fails (one warning line), are in neither part this run.
    Raises StoreError when data/lookups.json is broken (one line with the fix).
    """
    data = load(root)
    found: dict[str, dict[str, Any]] = {}
    unknown: list[str] = []
    ask: list[str] = []
    cached_unknown = set(data["unknown"])
    for text in dict.fromkeys(ids):
        parsed = split_id(text) if isinstance(text, str) else None
        if parsed is None:
            unknown.append(text)
            continue
        paper_id = parsed[0]
        if paper_id in data["papers"]:
            found[paper_id] = dict(data["papers"][paper_id])
        elif paper_id in cached_unknown:
            unknown.append(paper_id)
        elif paper_id not in ask:
            ask.append(paper_id)
    if not ask:
        return found, unknown
    if len(ask) > BATCH:
        log.warning("warning: lookups: %d arXiv ids to look up; asking for %d this run, the rest on the next runs",
                    len(ask), BATCH)
        ask = ask[:BATCH]
    try:
        answers = fetcher.fetch_ids(ask)
    except fetch.TopicFailed as exc:
        log.warning("warning: lookups: could not ask arXiv for %d ids (%s); they are asked again next run",
                    len(ask), exc)
        return found, unknown
    by_id = {a["id"]: a for a in answers}
    for paper_id in ask:
        answer = by_id.get(paper_id)
        if answer is None:
            unknown.append(paper_id)
            data["unknown"].append(paper_id)
            continue
        texts = {k: answer[k] for k in TEXT_KEYS}
        found[paper_id] = data["papers"][paper_id] = texts
    if save_file:
        save(root, data)
    return found, unknown


def fill_after_topics(runs: list[Any], store: st.Store, fetcher: fetch.Fetcher, root: Path, write: bool) -> int:
    """The daily run's author fill, after its topics: not when arXiv throttled them; one line; papers filled."""
    if any(run.throttled for run in runs):
        return 0
    fetched = {record["id"] for run in runs if not run.error for record in run.records}
    report = fill_authors(store, fetcher, root, skip=fetched, save_file=write)
    line = report.line()
    if line and report.error:
        log.warning("%s", line)
    elif line:
        log.info("%s", line)
    return len(report.filled)
