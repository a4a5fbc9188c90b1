"""The day's picks (issue 23): the papers new this run, ranked against the reader's interests, kept in data/digests/.

After the merge, the daily run ranks the papers it made new (Outcome.new_papers, across topics) against the
library and the liked ids, and writes data/digests/<date>.json (INTERFACES.md, "The day's digest record"): the
date by arXiv's clock (the runs' arxiv_time), the local clock only when arXiv sent none. A second run on the
same day merges into that day's file (union of ids; picks recomputed). README's "## Picks for you" section is
rendered from the newest record and the store, so re-rendering gives the same bytes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from core import interests, jsonfile, layout, links, pickrecord, tldr
from core import store as st
from core import text as border
from core.config import Config, ConfigError
from core.mdtext import fit_cells, short
from daily import lookup
from digest import learn, library, model_cache, rank

log = logging.getLogger("daily_papers.picks")

DIGESTS = Path(layout.DIGESTS)
BACKFILLED = "backfilled"  # the day's record's ids a --backfill run stored: shown as the day's, never sent (delivery)
MIN_LIKED = 5  # liked papers the ranker learns from; with fewer it ranks by similarity (cold start)
MIN_UNLIKED = 20  # stored papers not liked: what the learning ranker calibrates its floor on
TITLE_CHARS = 300  # a library title shown after "because you liked" (the user's file: any length)
TextLookup = Callable[[list[str]], tuple[dict[str, dict[str, Any]], list[str]]]  # ids -> (texts found, unknown)


def wanted(config: Config) -> bool:
    """Whether keywords.yaml asks for picks: an interests block with picks above 0."""
    return config.interests is not None and config.interests.on


def record_text(record: dict[str, Any]) -> str:
    """What is ranked: title and abstract."""
    return f"{record.get('title') or ''}\n{record.get('abstract') or ''}".strip()


def liked_local(config: Config, root: Path, store: st.Store) -> tuple[list[rank.Liked], list[str]]:
    """The library's entries and the liked ids found in it or in the store; and the liked ids found in neither.

    Raises ConfigError (one line: file, entry, fix) for a missing or broken library or interests/*.txt file."""
    if not wanted(config):
        return [], []
    chosen = config.interests
    entries = library.read(interests.library_file(chosen, root, config.path.name), chosen.library) \
        if chosen.library else []
    liked = [rank.Liked(e.id, e.title or e.abstract[:80], e.text) for e in entries]
    have = {e.id for e in entries if e.id}
    missing = []
    for paper_id in interests.all_ids(chosen, root):
        if paper_id in have:
            continue
        have.add(paper_id)
        record = store.papers.get(paper_id)
        if record is not None:
            liked.append(rank.Liked(paper_id, record.get("title") or paper_id, record_text(record)))
        else:
            missing.append(paper_id)
    return liked, missing


def refused_ids(config: Config, root: Path) -> frozenset[str]:
    """The ids marked not for me (interests.not and interests/not-for-me/*.txt): never picked, learnt from as
    negatives. Raises ConfigError (one line: file, line, fix) for a bad file."""
    if not wanted(config):
        return frozenset()
    return frozenset(interests.not_for_me_ids(config.interests, root))


def warn_liked_and_refused(config: Config, root: Path, liked: list[rank.Liked], refused: frozenset[str]) -> None:
    """One warning line when a paper is both liked and marked not for me (not for me wins), naming both places, so
    the reader can delete the one they no longer mean."""
    both = sorted({entry.id for entry in liked if entry.id in refused})
    if not both:
        return
    more = f" (and {len(both) - 1} more)" if len(both) > 1 else ""
    log.warning("warning: interests: %s%s is liked (%s) and not for me (%s); it counts as not for me, delete the "
                "line you no longer mean", both[0], more, where_listed(config, root, both[0]),
                interests.where_not_listed(config.interests, root, both[0], config.path.name))


def complete(config: Config, root: Path, store: st.Store, liked: list[rank.Liked], missing: list[str],
             look_up: TextLookup | None) -> list[rank.Liked]:
    """liked plus the missing ids' texts: from the store (a paper this run fetched), then look_up (lookup.known_texts:
    data/lookups.json or one id_list request), or without it data/lookups.json only. Raises ConfigError for an id
    arXiv says it does not have."""
    liked = list(liked)
    rest = []
    for paper_id in missing:
        record = store.papers.get(paper_id)
        if record is not None:
            liked.append(rank.Liked(paper_id, record.get("title") or paper_id, record_text(record)))
        else:
            rest.append(paper_id)
    if not rest:
        return liked
    if look_up is not None:
        found, unknown = look_up(rest)
    else:
        try:
            found, unknown = lookup.load(root)["papers"], []
        except st.StoreError:
            found, unknown = {}, []
        left = [i for i in rest if i not in found]
        if left:
            log.warning("warning: interests: %d liked ids are in neither your library nor the store, and this run "
                        "does not ask arXiv; they count from the next run that fetches", len(left))
    if unknown:
        raise ConfigError(f"{where_listed(config, root, unknown[0])}: interests: arXiv has no paper {unknown[0]!r}"
                          f"{f' (and {len(unknown) - 1} more)' if len(unknown) > 1 else ''}; "
                          "fix the id or remove it")
    for paper_id in rest:
        if paper_id in found:
            text = found[paper_id]
            liked.append(rank.Liked(paper_id, text.get("title") or paper_id, record_text(text)))
    return liked


def where_listed(config: Config, root: Path, paper_id: str) -> str:
    """file:line of a liked id: keywords.yaml's papers: line, or its line in an interests/*.txt file; else the
    library file, where the rest come from."""
    if paper_id in config.interests.papers:
        return f"{config.path.name}:{config.interests.papers_line}"
    for path in sorted((root / "interests").glob("*.txt")):
        for number, line in enumerate(interests.read_lines(path, root), 1):
            if paper_id in line.split("#", 1)[0]:
                return f"{path.relative_to(root).as_posix()}:{number}"
    return str(config.interests.library) if config.interests.library else config.path.name


def path_of(date: str) -> Path:
    """data/digests/YYYY-MM-DD.json"""
    return DIGESTS / f"{date}.json"


def load_record(root: Path, date: str) -> dict[str, Any] | None:
    """A day's record, or None when there is none or it cannot be read (it is then written anew)."""
    try:
        data = json.loads((root / path_of(date)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("new"), dict) else None


def latest_record(root: Path) -> dict[str, Any] | None:
    """The newest day's record in data/digests/, for README."""
    for path in sorted((root / DIGESTS).glob("????-??-??.json"), reverse=True):
        record = load_record(root, path.stem)
        if record is not None:
            return record
    return None


def newest_first(ids: Iterable[str], papers: dict[str, dict[str, Any]]) -> list[str]:
    """Ids once each, newest first by the stored date (ids not stored last, in id order)."""
    unique = sorted(set(ids))
    return sorted(unique, key=lambda i: (i in papers, (papers.get(i) or {}).get("updated") or "", i), reverse=True)


def build_record(date: str, new_papers: dict[str, list[dict[str, Any]]], papers: dict[str, dict[str, Any]],
                 liked: list[rank.Liked], limit: int, previous: dict[str, Any] | None = None,
                 refused: frozenset[str] = frozenset(), root: Path | None = None, keep: bool = True,
                 backfill: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The day's record: each topic's new ids (merged with the day's earlier record), picks over all of them.

    refused: the ids marked not for me, never picked and learnt from as negatives; root: where the fitted ranker is
    cached (.cache/picks), None to fit without it; keep: whether a new fit is saved there (not in a dry run);
    backfill: the papers a --backfill run stored that the daily fetch would not have brought
    (daily/backfill.older_than_windows): also listed under "backfilled", so no channel is ever sent them."""
    new: dict[str, list[str]] = {}
    for topic, ids in ((previous or {}).get("new") or {}).items():
        if isinstance(ids, list):
            new.setdefault(str(topic), []).extend(str(i) for i in ids)
    for topic, records in new_papers.items():
        new.setdefault(topic, []).extend(r["id"] for r in records)
    new = {topic: newest_first(ids, papers) for topic, ids in sorted(new.items()) if ids}
    liked = [entry for entry in liked if entry.id not in refused]  # not for me wins over liked
    already = {entry.id for entry in liked if entry.id}  # the reader has it: news to nobody
    titles = liked_titles(liked)
    day_ids = {i for ids in new.values() for i in ids}
    candidates = [(i, record_text(papers[i])) for i in sorted(day_ids)
                  if i in papers and i not in already and i not in refused
                  and title_key(papers[i].get("title")) not in titles]
    chosen, ranker = choose(candidates, liked, teaching(papers, liked, refused, day_ids), limit, root, keep)
    backfilled = backfilled_ids(previous) | {r["id"] for records in new_papers.values() for r in records
                                             if r["id"] in backfill}
    return {"date": date, "new": new, "ranker": ranker,
            "picks": [{"id": p.id, "score": p.score, "because": {"id": p.because.id, "title": p.because.title},
                       **({"words": list(p.words)} if p.words else {})} for p in chosen],
            **({BACKFILLED: sorted(backfilled)} if backfilled else {})}


def backfilled_ids(record: dict[str, Any] | None) -> set[str]:
    """The ids a day's earlier --backfill run stored (kept when a later run adds to the day)."""
    found = (record or {}).get(BACKFILLED)
    return {i for i in found if isinstance(i, str)} if isinstance(found, list) else set()


def title_key(title: Any) -> str:
    """A title reduced to lower-case letters and digits: the same paper in a library export and in the store."""
    return " ".join(re.findall(r"[a-z0-9]+", str(title or "").lower()))


def liked_titles(liked: list[rank.Liked]) -> set[str]:
    """The liked papers' title keys (long enough to name one paper)."""
    return {key for entry in liked if len(key := title_key(entry.title)) >= 20}


def teaching(papers: dict[str, dict[str, Any]], liked: list[rank.Liked], refused: frozenset[str],
             day_ids: set[str]) -> learn.Teaching:
    """What the ranker learns from: the liked papers, the stored papers marked not for me, and every other stored
    paper that is not new today (the everyday papers of the reader's topics)."""
    skip = {entry.id for entry in liked if entry.id} | set(refused) | day_ids
    titles = liked_titles(liked)  # a library entry without an arXiv id is known by its title
    unliked = [(i, record_text(paper)) for i, paper in sorted(papers.items())
               if i not in skip and title_key(paper.get("title")) not in titles]
    known_refused = [(i, record_text(papers[i])) for i in sorted(refused) if i in papers]
    return learn.Teaching(liked, unliked, known_refused)


def choose(candidates: list[tuple[str, str]], liked: list[rank.Liked], taught: learn.Teaching, limit: int,
           root: Path | None, keep: bool = True) -> tuple[list[rank.Pick], str]:
    """The picks and how they were chosen: "learned" (a model per interest, digest/learn.py) from MIN_LIKED liked
    papers and MIN_UNLIKED stored unliked ones on (a first run has nothing to learn against), "similarity"
    (digest/rank.py) below, "none" without liked papers."""
    if not liked or limit <= 0:
        return [], "none"
    if len(liked) < MIN_LIKED or len(taught.unliked) < MIN_UNLIKED:
        return rank.rank(candidates, liked, limit), "similarity"
    try:
        model = model_cache.fitted(root, taught, keep) if root is not None else learn.fit(taught)
        return learn.rank(candidates, liked, model, limit), "learned"
    except (ValueError, ArithmeticError) as err:  # texts with no usable words, say: rank by likeness instead
        log.warning("warning: picks: cannot learn from these liked papers (%s); ranked by likeness this run",
                    border.log_line(str(err))[:120])
        return rank.rank(candidates, liked, limit), "similarity"


def dumps(record: dict[str, Any]) -> bytes:
    """Sorted, indented JSON like the store's."""
    return jsonfile.dumps(record)


def record_day(root: Path, config: Config, new_papers: dict[str, list[dict[str, Any]]],
               papers: dict[str, dict[str, Any]], liked: list[rank.Liked], date: str,
               write: bool, refused: frozenset[str] = frozenset(), backfill: frozenset[str] = frozenset()
               ) -> tuple[dict[str, Any] | None, list[str]]:
    """The day's record for a run that stored new papers (None otherwise), and the files it (would) change."""
    if not any(new_papers.values()):
        return None, []
    limit = config.interests.picks if wanted(config) else 0
    record = build_record(date, new_papers, papers, liked, limit, load_record(root, date), refused, root,
                          keep=write, backfill=backfill)
    path, data = path_of(date), dumps(record)
    if write:
        changed = jsonfile.atomic_write(root / path, data)
    else:
        target = root / path
        changed = not target.is_file() or target.read_bytes() != data
    return record, [path.as_posix()] if changed else []


def readme_view(config: Config, views: list[Any], papers: dict[str, dict[str, Any]],
                record: dict[str, Any] | None, liked_count: int | None = None,
                refused: frozenset[str] = frozenset()) -> dict[str, Any] | None:
    """What README's "## Picks for you" shows: None without interests or without a liked paper (liked_count 0);
    else the record's date and its picks that are stored (title, TL;DR when it is for the stored version, the
    topics that list it, the liked paper and the words it matched), and whether to say how to teach the ranker. A
    pick marked not for me since its day was recorded is not shown again."""
    if not wanted(config) or liked_count == 0:
        return None
    teach = (liked_count is not None and liked_count < MIN_LIKED) or (record or {}).get("ranker") == "similarity"
    if record is None:
        return {"date": None, "count": 0, "picks": [], "teach": teach, "min_liked": MIN_LIKED}
    anchors = {v.name: v.anchor for v in views}
    shown = []
    found = record.get("picks")
    for pick in found if isinstance(found, list) else []:  # the record is a file in the repository: hand-editable
        paper_id = pick.get("id") if isinstance(pick, dict) else None
        paper = papers.get(paper_id) if isinstance(paper_id, str) else None
        if paper is None or paper_id in refused:
            continue
        because = pick["because"] if isinstance(pick.get("because"), dict) else {}
        shown.append({"paper": fit_cells(paper), "tldr": tldr.shown(paper, tldr.enabled(config.settings)),
                      "topics": [(t, anchors[t]) for t in paper.get("topics", []) if t in anchors],
                      "because_id": because["id"] if isinstance(because.get("id"), str) and links.valid_id(because["id"]) else None,
                      "because_title": short(str(because.get("title") or "a paper in your library"), TITLE_CHARS),
                      "words": pickrecord.pick_words(pick)})
    found_new = record.get("new")
    new: dict[str, Any] = found_new if isinstance(found_new, dict) else {}
    count = len({i for ids in new.values() if isinstance(ids, list) for i in ids if isinstance(i, str)})
    return {"date": record.get("date"), "count": count, "picks": shown, "teach": teach, "min_liked": MIN_LIKED}
