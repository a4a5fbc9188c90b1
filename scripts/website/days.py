"""The site's day pages (issue 23): today.html, one page per day under days/, and their index.

Each daily run that stores new papers writes data/digests/YYYY-MM-DD.json (INTERFACES.md, "The day's
digest record"): the day's new ids per topic and the picks, ids only. A day page shows that day's
papers as the site shows them everywhere: the picks first (each with the library paper it is closest
to), then each topic's new papers with the reason it lists them. A paper is drawn in full once per
page; a later mention (a pick a topic also lists, a paper two topics list) links to it. Ids the site
does not list (gone from the store, or no longer listed) are skipped, never an error. A digest that
cannot be read is one warning line and its day is left out: the rest of the site is still built.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import layout, links, mdtext, pickrecord, text
from core.ids import valid_id
from website.model import Entry, Site, TopicSite

DIGESTS = Path(layout.DIGESTS)
FOLDER = "days"
RECENT = 14  # days listed on today.html (every day is on days/index.html)
TOPIC_NAME = 120  # characters of a topic's name from a digest (keywords.yaml allows 100)
BECAUSE_TITLE = 120  # characters of a library paper's title in "because you liked …"
DAY_CARDS = 50  # papers of a topic drawn in full on a day page (a first run or a backfill makes hundreds new)
PAGE_CARDS = 150  # papers drawn in full on a day page in all (about 4.5 KB each)
DAY_LINKS = 200  # more of a topic's papers as one link each; the rest are counted, and are on the topic's pages
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Pick:
    """A pick on a day page: the paper and the library paper it is closest to (its title cut, its link if any)."""

    paper: Entry
    because_title: str
    because_link: str | None  # a path from the site's top when `inside`, else arXiv's page
    inside: bool = False
    words: list[str] = field(default_factory=list)  # what the learning ranker matched (core.pickrecord)


@dataclass(frozen=True)
class Section:
    """A topic's new papers on a day: the first DAY_CARDS drawn in full (`papers`; PAGE_CARDS on the whole page),
    the next DAY_LINKS as links to their pages (`briefly`), the rest only counted (`beyond`), and those drawn
    higher up the page (`above`, each with whether its card is on this page)."""

    name: str
    topic: TopicSite | None  # None for a topic the site no longer has (renamed or removed since)
    papers: list[Entry]
    above: list[tuple[Entry, bool]]
    briefly: list[Entry] = field(default_factory=list)
    beyond: int = 0


@dataclass(frozen=True)
class Day:
    """One day's page: its picks and its topics' new papers, with the ids the site could not show counted."""

    date: str
    picks: list[Pick]
    sections: list[Section]
    skipped: int = 0
    count: int = field(default=0)  # distinct papers shown
    ranked: bool = False  # the day was ranked against liked papers (so no picks means nothing was like them)

    @property
    def file(self) -> str:
        return f"{self.date}.html"


def warn(message: str) -> None:
    """One warning line: a broken digest costs its day's page, never the site."""
    print(f"warning: {text.log_line(message)}", file=sys.stderr)


def digest_problem(data: Any, stem: str) -> str | None:
    """What is wrong with a digest's content, in words with the fix, or None when it has the agreed shape."""
    if not isinstance(data, dict):
        return "is not a JSON object"
    if data.get("date") != stem:
        return f"its \"date\" is {data.get('date')!r}, not the file's name {stem!r}"
    new = data.get("new", {})
    if not isinstance(new, dict) or not all(isinstance(ids, list) for ids in new.values()):
        return "\"new\" is not an object of topic names to lists of ids"
    picks = data.get("picks", [])
    if not isinstance(picks, list) or not all(isinstance(p, dict) for p in picks):
        return "\"picks\" is not a list of objects"
    return None


def load_digests(root: Path) -> list[dict[str, Any]]:
    """Every readable digest under root/data/digests, newest day first; each unreadable one is one warning."""
    folder = root / DIGESTS
    found = []
    for path in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else ():
        if not _DATE.fullmatch(path.stem):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            warn(f"{DIGESTS / path.name}: cannot be read ({type(exc).__name__}); its day page is left out. "
                 "Fix or delete the file (the next run on that day writes it again)")
            continue
        if problem := digest_problem(data, path.stem):
            warn(f"{DIGESTS / path.name}: {problem}; its day page is left out. Fix or delete the file")
            continue
        found.append(data)
    return found


def because_of(pick: dict[str, Any], site: Site) -> tuple[str, str | None, bool]:
    """The library paper a pick is closest to: its title (visible text, cut) and a link (the site's anchor when
    the site lists it, else arXiv), or no link when the library entry has no valid arXiv id."""
    because = found if isinstance(found := pick.get("because"), dict) else {}
    paper_id = because.get("id") if isinstance(because.get("id"), str) else None
    title = mdtext.plain(because.get("title") if isinstance(because.get("title"), str) else "")
    if not title and paper_id and paper_id in site.entries:
        title = site.entries[paper_id].title
    title = cut(title or paper_id or "a paper in your library", BECAUSE_TITLE)
    if not paper_id or not valid_id(paper_id):
        return title, None, False
    if paper_id in site.home:
        return title, site.home[paper_id], True
    return title, links.abs_url(paper_id), False


def cut(text: str, limit: int) -> str:
    """Text cut at a word before `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    words = head.rsplit(" ", 1)[0].rstrip() if " " in head else ""
    return (words or text[:limit - 1].rstrip()) + "…"


def shown(site: Site, paper_id: Any) -> Entry | None:
    """The paper as the site shows it, or None for an id the site does not list (skipped)."""
    return site.entries.get(paper_id) if isinstance(paper_id, str) else None


def build_day(digest: dict[str, Any], site: Site, refused: frozenset[str] = frozenset()) -> Day:
    """A day's page content from its digest: picks first (never one marked not for me since, in refused), then each
    topic's new papers, each paper drawn once."""
    topics = {topic.name: topic for topic in site.topics}
    drawn: set[str] = set()
    skipped: set[str] = set()
    picks = []
    for pick in digest.get("picks", []):
        if pick.get("id") in refused:
            continue
        paper = shown(site, pick.get("id"))
        if paper is None:
            skipped.add(str(pick.get("id")))
        if paper is None or paper.id in drawn:
            continue
        drawn.add(paper.id)
        picks.append(Pick(paper, *because_of(pick, site), words=pickrecord.pick_words(pick)))
    sections = []
    order = {topic.name: number for number, topic in enumerate(site.topics)}
    carded = {pick.paper.id for pick in picks}
    new = digest.get("new", {})  # its keys are sorted in the file: topics are shown in keywords.yaml's order
    for name, ids in sorted(new.items(), key=lambda item: order.get(item[0], len(order))):
        section = topic_section(name, ids, site, topics.get(name), drawn, carded, skipped)
        if section.papers or section.above or section.briefly or section.beyond:
            sections.append(section)
    return Day(str(digest["date"]), picks, sections, len(skipped - drawn), len(drawn),
               digest.get("ranker") in ("learned", "similarity"))


def topic_section(name: str, ids: list[Any], site: Site, topic: TopicSite | None, drawn: set[str], carded: set[str],
                  skipped: set[str]) -> Section:
    """One topic's part of a day page; drawn, carded (drawn in full) and skipped are the page's, updated here."""
    full: list[Entry] = []
    briefly: list[Entry] = []
    above: list[tuple[Entry, bool]] = []
    beyond = 0
    seen: set[str] = set()
    for paper_id in ids:
        paper = shown(site, paper_id)
        if paper is None:
            skipped.add(str(paper_id))
        elif paper.id in seen:
            continue
        elif paper.id in drawn:
            above.append((paper, paper.id in carded))
        elif len(full) < DAY_CARDS and len(carded) < PAGE_CARDS:
            full.append(paper)
            carded.add(paper.id)
        elif len(briefly) < DAY_LINKS:
            briefly.append(paper)
        else:
            beyond += 1
        if paper is not None:
            seen.add(paper.id)
            drawn.add(paper.id)
    return Section(cut(mdtext.plain(str(name)) or "Untitled topic", TOPIC_NAME), topic, full, above, briefly, beyond)


def build_days(root: Path, site: Site) -> list[Day]:
    """The site's days, newest first, from the repository's digests."""
    return [build_day(digest, site) for digest in load_digests(root)]


def newest(digests: list[dict[str, Any]]) -> tuple[str, frozenset[str]]:
    """The newest digest's day and its papers (new in any topic, or picked), which the site marks "new"; ("", {})
    without one. Only a new digest changes them, so a quiet day's rebuild marks the same papers."""
    if not digests:
        return "", frozenset()
    latest = digests[0]
    found = {paper_id for ids in latest.get("new", {}).values() for paper_id in ids if isinstance(paper_id, str)}
    found |= {pick["id"] for pick in latest.get("picks", []) if isinstance(pick.get("id"), str)}
    return str(latest["date"]), frozenset(found)


def neighbours(days: list[Day]) -> Iterator[tuple[Day | None, Day, Day | None]]:
    """Each day with the next (newer) and previous (older) day, for the links between day pages."""
    padded: list[Day | None] = [None, *days, None]
    for newer, day, older in zip(padded, padded[1:], padded[2:]):
        assert day is not None
        yield newer, day, older
