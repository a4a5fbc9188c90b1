"""What the site shows: each topic's listed papers (as README and feeds list them), split into pages.

The topics and their papers come from render's views (relevance.listed, newest first, unique slugs), so
the site lists exactly what README.md, papers/ and feeds/ list. Every paper has one stable anchor,
`p-<id>`, on each topic page that shows it; search results link to the first topic that lists it.
A topic's papers are paged by month (newest first), a busy month in numbered parts, so a page's
address only changes while its month is still filling up.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core import links, mdtext, paperlinks, venue
from core import tldr as one_line
from core.config import Config
from core.venue import Venue
from daily import render

PAGE_PAPERS = 100  # papers per topic page: a month with more is split into numbered parts
TOPIC_LATEST = 20  # papers on a topic's front page, before its list of months
HOME_LATEST = 30  # papers on the home page
TLDR_LIMIT = 300  # characters of a card's one line (a model's text is untrusted and may run long)
PHONE_WHOLE = 240  # a one line up to this long shows whole on a phone; a longer one is cut to 3 lines there


@dataclass(frozen=True)
class Entry:
    """One paper as the site shows it: visible text only (control and bidi characters dropped)."""

    id: str
    title: str
    authors: tuple[str, ...]
    date: str
    categories: tuple[str, ...]
    comment: str
    abstract: str
    abs_url: str
    pdf_url: str
    code: tuple[str, ...]  # the Code-kind links' URLs (the has-code filter, search results' first code link)
    topics: tuple[str, ...] = ()
    tldr: str = ""  # the paper's one line (digest.tldr: model, Semantic Scholar or key sentence); "" when none
    tldr_label: str = ""  # which of them it is: "TL;DR (AI, gpt-4.1-mini)", "TL;DR (Semantic Scholar)", "Key sentence"
    tldr_link: str = ""  # where the label links (Semantic Scholar's page of the paper), or ""
    links: tuple[paperlinks.Link, ...] = ()  # every link the authors give, Demo first (core/paperlinks.py, checked)
    venue: Venue | None = None  # the venue the comment names (core/venue.py), computed at render time

    @property
    def chip(self) -> str:
        """The venue's short badge ("ICASSP 2026", "submitted: TASLP"), or "" when the comment names none."""
        return self.venue.chip if self.venue else ""

    @property
    def has_demo(self) -> bool:
        """Whether the authors give a demo page (the has-demo filter, `has:demo` in search)."""
        return any(link.kind == "Demo" for link in self.links)

    @property
    def anchor(self) -> str:
        """The id attribute a person can link to: p-2601.20481 (old-style ids: p-hep-th-9901001)."""
        return "p-" + self.id.replace("/", "-")

    @property
    def long_tldr(self) -> bool:
        """Whether a phone cuts the one line to 3 lines (the Abstract fold then opens with it whole)."""
        return len(self.tldr) > PHONE_WHOLE

    @property
    def year(self) -> str:
        return self.date[:4] or "undated"

    @property
    def month(self) -> str:
        return self.date[:7] or "undated"


@dataclass
class Page:
    """One page of a topic's papers: a month, or a numbered part of a busy month."""

    label: str  # 2026-11, or 2026-11-2 for a month's second part
    title: str  # November 2026, or November 2026 (part 2 of 3)
    papers: list[Entry]

    @property
    def file(self) -> str:
        return f"{self.label}.html"


@dataclass
class TopicSite:
    """A topic on the site: its papers newest first, its pages, and where its feed is."""

    name: str
    slug: str
    papers: list[Entry]
    pages: list[Page] = field(default_factory=list)

    @property
    def directory(self) -> str:
        return f"topics/{self.slug}"

    @property
    def feed(self) -> str:
        return f"feeds/{self.slug}.xml"

    def months(self) -> dict[str, list[tuple[Page, int]]]:
        """The pages grouped by year, newest first, each with its paper count (for the list of months)."""
        years: dict[str, list[tuple[Page, int]]] = {}
        for page in self.pages:
            years.setdefault(page.label[:4], []).append((page, len(page.papers)))
        return years


@dataclass
class Site:
    """Everything the pages and the search index are built from."""

    title: str
    topics: list[TopicSite]
    latest: list[Entry]
    home: dict[str, str]  # paper id -> its page and anchor on the first topic that lists it
    updated: str
    entries: dict[str, Entry] = field(default_factory=dict)  # paper id -> the paper as shown (similar papers' titles)
    days: list[Any] = field(default_factory=list)  # website.days.Day, newest first (data/digests; build.py sets it)
    save_to: Any = None  # website.save.SaveTarget: where the Starred page's Save button commits (build.py sets it)
    new_day: str = ""  # the newest digest's day: its papers carry a "new" marker (build.py sets it)
    new_ids: frozenset[str] = frozenset()  # the newest digest's papers (new in a topic, or picked)

    @property
    def total(self) -> int:
        return len(self.home)


def summary(paper: dict[str, Any], key_sentences: bool = True) -> tuple[str, str, str]:
    """The paper's one line, its label and the label's link, as every surface shows them (digest.tldr: a model's
    summary of this version, else Semantic Scholar's TL;DR, else the key sentence); ("", "", "") when none."""
    shown = one_line.shown(paper, key_sentences)
    if shown is None:
        return "", "", ""
    return one_line.cut(shown.text, TLDR_LIMIT), shown.label, shown.link


def entry(paper: dict[str, Any], topics: tuple[str, ...], key_sentences: bool = True) -> Entry:
    """A stored paper as the site shows it."""
    plain = mdtext.plain
    tldr, tldr_label, tldr_link = summary(paper, key_sentences)
    found = tuple(paperlinks.of(paper.get("abstract"), paper.get("comment")))
    return Entry(
        id=paper["id"], title=plain(paper["title"]) or paper["id"],
        authors=tuple(plain(a) for a in paper.get("authors") or () if plain(a)),
        date=mdtext.day(paper.get("updated")), categories=tuple(paper.get("categories") or ()),
        comment=plain(paper.get("comment")), abstract=plain(paper.get("abstract")),
        abs_url=links.abs_url(paper["id"]), pdf_url=links.pdf_url(paper["id"]),
        code=tuple(link.url for link in found if link.kind == "Code"), topics=topics,
        tldr=tldr, tldr_label=tldr_label, tldr_link=tldr_link, links=found, venue=venue.of(paper.get("comment")))


@dataclass(frozen=True)
class VenueGroup:
    """A venue on the venues page: its name, its section's anchor and its papers, newest first."""

    name: str
    papers: tuple[Entry, ...]

    @property
    def anchor(self) -> str:
        """The section's id: v-icassp, v-acm-mm, v-icassp-workshop."""
        return "v-" + "-".join("".join(c if c.isalnum() else " " for c in self.name.lower()).split())


def venue_groups(entries: Iterable[Entry]) -> list[VenueGroup]:
    """Each venue the papers' comments name, with its papers newest first; the venue with most papers first."""
    grouped: dict[str, list[Entry]] = {}
    for paper in entries:
        if paper.venue:
            grouped.setdefault(paper.venue.name, []).append(paper)
    groups = [VenueGroup(name, tuple(sorted(papers, key=lambda e: (e.date, e.id), reverse=True)))
              for name, papers in grouped.items()]
    return sorted(groups, key=lambda g: (-len(g.papers), g.name.lower()))


def month_title(label: str) -> str:
    """November 2026 for 2026-11; the label itself when it is not a month."""
    year, _, month = label.partition("-")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return f"{calendar.month_name[int(month)]} {year}"
    return label


def paginate(papers: list[Entry]) -> list[Page]:
    """A topic's papers (newest first) as pages: one per month, a month over PAGE_PAPERS in numbered parts."""
    months: dict[str, list[Entry]] = {}
    for paper in papers:
        months.setdefault(paper.month, []).append(paper)
    pages = []
    for month, items in months.items():
        parts = [items[i:i + PAGE_PAPERS] for i in range(0, len(items), PAGE_PAPERS)]
        for number, part in enumerate(parts, 1):
            label = month if number == 1 else f"{month}-{number}"
            title = month_title(month) + (f" (part {number} of {len(parts)})" if len(parts) > 1 else "")
            pages.append(Page(label, title, part))
    return pages


def build_model(config: Config, papers: list[dict[str, Any]], renderer: render.Renderer | None = None) -> Site:
    """The site's topics, pages and latest papers, from the same views README.md is rendered from."""
    views = renderer.views if renderer else render.page_model(config, papers).views
    listed_in: dict[str, list[str]] = {}
    for view in views:
        for paper in view.papers:
            listed_in.setdefault(paper["id"], []).append(view.name)
    entries: dict[str, Entry] = {}
    topics: list[TopicSite] = []
    home: dict[str, str] = {}
    for view in views:
        shown = []
        for paper in view.papers:
            if paper["id"] not in entries:
                entries[paper["id"]] = entry(paper, tuple(listed_in[paper["id"]]), one_line.enabled(config.settings))
            shown.append(entries[paper["id"]])
        topic = TopicSite(view.name, view.slug, shown, paginate(shown))
        for page in topic.pages:
            for shown_entry in page.papers:
                home.setdefault(shown_entry.id, f"{topic.directory}/{page.file}#{shown_entry.anchor}")
        topics.append(topic)
    latest = sorted(entries.values(), key=lambda e: (e.date, e.id), reverse=True)[:HOME_LATEST]
    return Site(title=mdtext.plain(str(config.settings["title"])), topics=topics, latest=latest, home=home,
                updated=latest[0].date if latest else "never", entries=entries)
