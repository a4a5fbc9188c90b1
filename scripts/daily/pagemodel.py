"""Which papers go on which page: each topic's view, README's fair share of rows, and a topic's parts.

A step of rendering in the daily run (update.py -> ... -> store -> pagemodel/render/manifest/outputs):
render.py asks this module what each page holds and renders it. README.md stays under GitHub's
512,000-byte rendering limit by construction: topics get rows in turn within a byte budget. Every paper
is on its topic's full page, split by year, then month, then numbered parts when one page would pass
PAGE_LIMIT. The sizes come from the rendered rows (render.Rows), so the split is exact.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from core import tldr
from core.config import Config, Topic
from core.mdtext import day, fit_cells, plain
from core.relevance import listed
from daily.anchors import Slugger, docs_headings

GITHUB_LIMIT = 512_000
PAGE_LIMIT = 500_000
PAGE_ROWS_LIMIT = PAGE_LIMIT - 20_000  # the rows of one page, leaving room for its header and navigation
README_LOOKAHEAD = 100  # rows of one topic measured in one template pass while README is filled

Paper = dict[str, Any]


class RowSizes(Protocol):
    """The bytes each paper's table row takes, measured by rendering it (render.Rows)."""

    def has(self, paper: Paper) -> bool:
        """Whether the paper's row is measured already."""

    def measure(self, papers: list[Paper]) -> None:
        """Render and measure the rows not measured yet, in one pass."""

    def size(self, paper: Paper) -> int:
        """The row's bytes, newline included."""


def slug(name: str) -> str:
    """A stable, file-safe slug for any topic name; non-Latin names get a short hash."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    if base and ascii_name.strip() == name.strip():
        return base
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{base}-{digest}" if base else f"topic-{digest}"


@dataclass
class TopicView:
    """What the templates need to know about one topic."""

    topic: Topic
    slug: str
    papers: list[Paper]
    shown: int = 0
    hidden: int = 0
    anchor: str = ""  # the README heading's id, set by readme_anchors (it depends on the headings before it)
    earlier: dict[str, str] = field(default_factory=dict)  # earlier slug -> that name (aliases), by topic_views
    new: int = 0  # its papers in the newest digest (Today.count sets it), said under its heading

    @property
    def name(self) -> str:
        """The topic's name, as keywords.yaml spells it."""
        return self.topic.name

    @property
    def page(self) -> str:
        """The topic's full page (or its index of parts), where README's 'all papers' link goes."""
        return f"papers/{self.slug}.md"

    def part(self, label: str) -> str:
        """A part page's path under papers/, e.g. 'tts/2025.md'."""
        return f"{self.slug}/{label}.md"

    @property
    def feed(self) -> str:
        """The topic's Atom feed, named by its slug so subscribers keep it across runs."""
        return f"feeds/{self.slug}.xml"

    @property
    def addresses(self) -> list[str]:
        """Its page and feed, and those of its earlier names: where a run writes for it whatever the papers."""
        return [self.page, self.feed, *(f"papers/{s}.md" for s in sorted(self.earlier)), *self.alias_feeds]

    @property
    def alias_feeds(self) -> dict[str, str]:
        """Feeds under the topic's earlier names (path -> earlier slug), so a rename cuts no subscriber off."""
        return {f"feeds/{s}.xml": s for s in sorted(self.earlier)}


@dataclass
class PageModel:
    """What README.md and the topic pages hold: the topics' views, README's heading ids, the newest paper."""

    views: list[TopicView]
    sections: dict[str, str]  # the docs' heading ids by heading text
    newest_paper: str
    total: int  # distinct papers listed in any topic

    @classmethod
    def build(cls, config: Config, papers: list[Paper], docs: str) -> PageModel:
        """The model for a config and the store's papers; docs: _docs.md.j2's source (its headings follow the topics)."""
        views = topic_views(config, papers)
        picks = config.interests is not None and config.interests.on
        return cls(views=views, sections=readme_anchors(plain(config.settings["title"]), views, docs, picks),
                   newest_paper=newest_paper(config, papers), total=len({p["id"] for v in views for p in v.papers}))


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TAGS = {"model": "AI", "semantic_scholar": "S2", "key_sentence": "KS"}  # a row's tag when its source is not the table's


@dataclass(frozen=True)
class Today:
    """The newest digest as README and the pages show it: its day, the ids it brought, how many picks it made."""

    date: str
    ids: frozenset[str]
    picks: int

    @classmethod
    def of(cls, record: dict[str, Any] | None) -> Today | None:
        """The newest digest record (data/digests/DATE.json) read defensively; None without one or a sound date."""
        if not isinstance(record, dict) or not DATE.match(str(record.get("date") or "")):
            return None
        new = record.get("new")
        lists = new.values() if isinstance(new, dict) else ()
        ids = frozenset(i for v in lists if isinstance(v, list) for i in v if isinstance(i, str))
        picks = record.get("picks")
        return cls(str(record["date"]), ids, len(picks) if isinstance(picks, list) else 0)

    def count(self, views: list[TopicView]) -> int:
        """Set each view's count of new papers it lists; the distinct new papers listed in any topic."""
        listed: set[str] = set()
        for view in views:
            found = {p["id"] for p in view.papers if p["id"] in self.ids}
            view.new = len(found)
            listed |= found
        return len(listed)


@dataclass(frozen=True)
class Sources:
    """Where the one line under titles comes from, once per table: the most common source, and the others' tags."""

    kind: str
    label: str
    link: str
    others: tuple[str, ...]  # the other kinds present, each tagged on its rows (TAGS)

    def tag(self, shown: tldr.Shown | None) -> str:
        """The short tag a row's line carries when its source is not the table's (''); a model's names it."""
        return "" if shown is None or shown.label == self.label else TAGS[shown.kind]


def source(paper: Paper, key_sentences: bool) -> tuple[str, str] | None:
    """The kind and label of a paper's line, read from its fields as tldr.shown picks them (without cutting text)."""
    model = tldr.model_tldr(paper)
    if model is not None and plain(str(model["text"])):
        return "model", f"TL;DR (AI, {tldr.model_name(model)})"
    s2 = tldr.s2_tldr(paper)
    if s2 is not None and plain(str(s2["text"])):
        return "semantic_scholar", tldr.S2_LABEL
    return ("key_sentence", tldr.KEY_LABEL) if key_sentences and paper.get("abstract") else None


def sources_of(papers: Iterable[Paper], key_sentences: bool) -> Sources:
    """The lines' most common source over these papers (cheap: the records' fields, no key sentence is chosen)."""
    counts: dict[tuple[str, str], int] = {}
    for paper in papers:
        found = source(paper, key_sentences)
        if found is not None:
            counts[found] = counts.get(found, 0) + 1
    if not counts:
        return Sources("key_sentence", tldr.KEY_LABEL, "", ())
    kind, label = max(sorted(counts), key=lambda k: counts[k])
    others = tuple(sorted({k for k, lab in counts if lab != label}, key=tldr.KINDS.index))
    return Sources(kind, label, tldr.S2_HOME if kind == "semantic_scholar" else "", others)


def topic_views(config: Config, papers: list[Paper]) -> list[TopicView]:
    """Each topic's listed papers, newest first, with a unique slug."""
    by_topic: dict[str, list[Paper]] = {}
    for paper in papers:
        for name in paper["topics"]:
            by_topic.setdefault(name, []).append(paper)
    views, used = [], set()
    for topic in config.topics:
        topic_slug = slug(topic.name)
        if topic_slug in used:
            topic_slug = _distinct(topic_slug, topic.name)
        used.add(topic_slug)
        found = by_topic.get(topic.name, [])
        shown = [fit_cells(p) for p in listed(topic, found)]
        views.append(TopicView(topic, topic_slug, shown, hidden=len(found) - len(shown)))
    for view in views:
        view.earlier = earlier_slugs(view.topic.aliases, view.slug, used)
    return views


def _distinct(topic_slug: str, name: str) -> str:
    """The slug of a topic whose plain slug an earlier topic has: the name's hash added."""
    return f"{topic_slug}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"


def earlier_slugs(aliases: Iterable[str], own: str, used: set[str]) -> dict[str, str]:
    """The addresses a topic had under its earlier names (slug -> name), none that a topic has now. A name whose
    plain slug another topic has now had the hashed one (it collided then too), so a renamed "Speech-LM" beside
    "Speech LM" keeps its old page and feed."""
    found: dict[str, str] = {}
    for alias in aliases:
        plain_slug = slug(alias)
        earlier = _distinct(plain_slug, alias) if plain_slug in used and plain_slug != own else plain_slug
        if earlier not in used:
            found.setdefault(earlier, alias)
    return found


def newest_paper(config: Config, papers: list[Paper]) -> str:
    """The date of the newest paper in a followed topic, shown beside the daily badge."""
    names = {t.name for t in config.topics}
    return max((day(p["updated"]) for p in papers if not names.isdisjoint(p["topics"])), default="none yet")


def readme_anchors(title: str, views: list[TopicView], docs: str, picks: bool = False) -> dict[str, str]:
    """README's heading ids in document order (title, Contents, topics, docs), so each link finds its section.

    Returns the docs' ids by heading text; the topics' ids go into their views.
    """
    slugger = Slugger()
    slugger.slug(title)
    slugger.slug("Contents")
    if picks:  # README's "## Picks for you" comes before the topics
        slugger.slug("Picks for you")
    for view in views:
        view.anchor = slugger.slug(plain(view.name))
    return {heading: slugger.slug(heading) for heading in docs_headings(docs)}


def readme_cap(settings: dict[str, Any]) -> int | None:
    """The most rows a topic shows in README (readme_papers_per_topic), None for 'auto' (the budget decides)."""
    setting = settings["readme_papers_per_topic"]
    return None if setting == "auto" else int(setting)


def share_readme_rows(views: list[TopicView], cap: int | None, room: int, rows: RowSizes) -> None:
    """Give topics README rows in turn, newest first, while they fit in `room` bytes: a fair share for each."""
    for view in views:
        view.shown = 0
    progress = True
    ceiling: int | None = None  # once a topic's next row does not fit, no topic gets more than one row beyond it
    while progress:
        progress = False
        for view in views:
            limit = len(view.papers) if cap is None else min(cap, len(view.papers))
            if view.shown >= limit or (ceiling is not None and view.shown >= ceiling):
                continue
            paper = view.papers[view.shown]
            if not rows.has(paper):  # the next rows of this topic, in one pass
                rows.measure(view.papers[view.shown:view.shown + README_LOOKAHEAD])
            size = rows.size(paper)
            if size <= room:
                room -= size
                view.shown += 1
                progress = True
            else:
                ceiling = view.shown + 1 if ceiling is None else min(ceiling, view.shown + 1)


def take_back_row(views: list[TopicView]) -> bool:
    """Take one README row from the topic showing most (when the page came out over budget); False if none has rows."""
    if not any(v.shown for v in views):
        return False
    max(views, key=lambda v: v.shown).shown -= 1
    return True


def group_by_date(papers: list[Paper], width: int, fallback: str) -> dict[str, list[Paper]]:
    """Papers (newest first) grouped by the first `width` characters of their date: 4 for years, 7 for months."""
    groups: dict[str, list[Paper]] = {}
    for paper in papers:
        groups.setdefault(day(paper["updated"])[:width] or fallback, []).append(paper)
    return groups


def split_year(year: str, papers: list[Paper], rows_bytes: int, rows: RowSizes) -> dict[str, list[Paper]]:
    """A year's parts: the year; or its months; or a month's numbered parts when a month is too big."""
    if rows_bytes <= PAGE_ROWS_LIMIT:
        return {year: papers}
    rows.measure(papers)
    groups: dict[str, list[Paper]] = {}
    for month, month_items in group_by_date(papers, 7, year).items():
        if fits(month_items, rows):
            groups[month] = month_items
            continue
        for number, chunk in enumerate(chunks(month_items, rows), 1):
            groups[f"{month}-part{number}"] = chunk
    return groups


def fits(papers: list[Paper], rows: RowSizes) -> bool:
    """Whether these rows fit one page, with room for its header and navigation."""
    return sum(rows.size(p) for p in papers) <= PAGE_ROWS_LIMIT


def chunks(papers: list[Paper], rows: RowSizes) -> list[list[Paper]]:
    """Consecutive runs of papers that each fit one page (for a month too big for one)."""
    runs: list[list[Paper]] = [[]]
    size = 0
    for paper in papers:
        if runs[-1] and size + rows.size(paper) > PAGE_ROWS_LIMIT:
            runs.append([])
            size = 0
        runs[-1].append(paper)
        size += rows.size(paper)
    return runs
