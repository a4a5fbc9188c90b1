"""Render README.md, per-topic pages and Atom feeds to bytes, from the page model, with Jinja2 templates.

The rendering step of the daily run (update.py -> ... -> store -> pagemodel/render/manifest/outputs ->
publish). Rendering is a pure function of the store and keywords.yaml: the same input gives the same
bytes, so a run with nothing new changes nothing. pagemodel decides what each page holds, mdtext and
anchors supply the template filters, manifest says which parts the last run rendered from the same
inputs (those are yielded as None: keep the file), and outputs writes the result.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from core import layout, links, paperlinks, templates, tldr, venue
from core.config import DEFAULT_SETTINGS, Config
from core.mdtext import all_authors, atom_time, dated, day, first_authors, inert, md, plain, short
from daily import pagemodel
from daily.anchors import docs_links, github_anchor
from daily.manifest import MANIFEST, Manifest, code_stamp, year_digest
from daily.pagemodel import PageModel, Paper, Today, TopicView

ROW_CHUNK = 2_000  # rows per template pass: fast like one pass, without one huge string in memory
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def templates_of(root: Path | None) -> Path:
    """The templates a repository renders with: its own templates/ folder, else the ones beside this script."""
    own = root / "templates" if root else None
    return own if own is not None and own.is_dir() else TEMPLATES


@functools.lru_cache(maxsize=4)
def environment(directory: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment for a templates folder (default: beside this script), built once: templates compile once."""
    env = templates.environment(directory or TEMPLATES, jinja2.select_autoescape(
        enabled_extensions=("xml", "xml.j2"), default_for_string=False))
    env.filters.update(md=md, plain=plain, inert=inert, day=day, atom_time=atom_time, short=short, anchor=github_anchor,
                       first_authors=first_authors, all_authors=all_authors, dated=dated,
                       abs_url=links.abs_url, pdf_url=links.pdf_url, paper_links=paperlinks.of,
                       line=shown_line, venue=venue.chip)
    return env


def shown_line(paper: Paper, settings: dict[str, Any]) -> tldr.Shown | None:
    """The template filter `line`: the paper's one line and its label (digest.tldr), by the reader's settings."""
    return tldr.shown(paper, tldr.enabled(settings))


def newest_digest(root: Path) -> dict[str, Any] | None:
    """The newest readable day's record in data/digests/ (what the "new" markers and README's Today block show)."""
    for path in sorted((root / layout.DIGESTS).glob("????-??-??.json"), reverse=True):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if pagemodel.Today.of(record) is not None:
            return dict(record)
    return None


class Rows:
    """Each paper's table row, rendered once from _row.md.j2 and reused by README and pages, with its size."""

    def __init__(self, template: jinja2.Template, settings: dict[str, Any] | None = None,
                 context: dict[str, Any] | None = None) -> None:
        """template: _row.md.j2, which renders a list of papers to one line each, by the reader's settings;
        context: what every row may show besides its paper (the newest digest's ids, the table's line source)."""
        self.template, self.settings = template, settings or dict(DEFAULT_SETTINGS)
        self.context: dict[str, Any] = context if context is not None else {
            "new": {}, "sources": pagemodel.sources_of([], key_sentences=True)}
        self.lines: dict[str, str] = {}
        self.sizes: dict[str, int] = {}

    def reset(self, context: dict[str, Any]) -> None:
        """Render every row anew with another context (the newest digest changed)."""
        self.context = context
        self.lines.clear()
        self.sizes.clear()

    def has(self, paper: Paper) -> bool:
        """Whether the paper's row is rendered already."""
        return paper["id"] in self.sizes

    def measure(self, papers: list[Paper]) -> None:
        """Render the rows not rendered yet, a chunk per template pass (one pass per row would be slow)."""
        missing = [p for p in papers if p["id"] not in self.lines]
        for start in range(0, len(missing), ROW_CHUNK):
            chunk = missing[start:start + ROW_CHUNK]
            text = self.template.render(papers=chunk, settings=self.settings, **self.context)
            if text.count("\n") != len(chunk) or not text.endswith("\n"):
                raise jinja2.TemplateAssertionError("each paper's row must be exactly one line, ending in a newline",
                                                    1, "_row.md.j2", self.template.filename)
            lines = text[:-1].split("\n")
            for paper, line in zip(chunk, lines, strict=True):
                self.lines[paper["id"]] = line
                self.sizes[paper["id"]] = (len(line) if line.isascii() else len(line.encode("utf-8"))) + 1

    def line(self, paper: Paper) -> str:
        """One paper's table row (templates call row(paper))."""
        if paper["id"] not in self.lines:
            self.measure([paper])
        return self.lines[paper["id"]]

    def size(self, paper: Paper) -> int:
        """Bytes the paper's row takes in a table, newline included."""
        if paper["id"] not in self.sizes:
            self.measure([paper])
        return self.sizes[paper["id"]]


class Renderer:
    """Renders every output file for a config and a store's papers, from the page model it builds."""

    def __init__(self, config: Config, model: PageModel, previous: dict[str, Any] | None = None,
                 root: Path | None = None, site_url: str | None = None, picks: dict[str, Any] | None = None,
                 published_site: str | None = None):
        """model: the page model, built once by the caller (the run counts listed papers from the same views).
        previous: the last run's manifest, and root: where its files are; with both, unchanged parts are kept.
        site_url: where this repository's site would be published (README's How to use names it), when known.
        published_site: the site's address when the workflow saw Pages publish it: the Today block links it only then.
        picks: what README's "Picks for you" shows (digest.picks.readme_view), made by the run, not here."""
        self.config = config
        self.site_url, self.published_site = site_url, published_site
        self.model = model
        self.views = model.views
        self.templates = templates_of(root)
        self.env = environment(self.templates)
        for name in self.env.list_templates(extensions=["j2"]):  # a broken template fails before anything is written
            self.env.get_template(name)
        self.manifest = Manifest(code_stamp(config.settings, self.templates), previous, root)
        self.root = root
        listed = {p["id"]: p for v in self.views for p in v.papers}.values()
        self.sources = pagemodel.sources_of(listed, tldr.enabled(config.settings))
        self.day: dict[str, Any] | None = None  # the newest digest record, set by set_day or read from root
        self.day_given = self.day_read = False
        self.today: Today | None = None
        self.new_total = 0
        self.brief = False  # README's fixed part alone passes the budget: the Today block and tables say less
        self.rows = Rows(self.env.get_template("_row.md.j2"), config.settings, self._context())
        self._read_day()
        self.picks = picks
        self.rows.measure([v.papers[0] for v in self.views if v.papers])  # a broken row template fails here, too
        self._preflight()

    def set_day(self, record: dict[str, Any] | None) -> None:
        """The newest digest record (the run's own day, before it is written), instead of data/digests/ on disk."""
        self.day_given = True
        self._use_day(record)

    def _read_day(self) -> None:
        """The newest digest on disk, unless the run gave its own: read again before writing, since the run records
        its day after this renderer is made."""
        if not self.day_given and self.root is not None:
            self._use_day(newest_digest(self.root))

    def _use_day(self, record: dict[str, Any] | None) -> None:
        """Mark the papers of this digest record new, everywhere rows show (rows rendered before are dropped)."""
        if self.day_read and record == self.day:
            return
        self.day_read = True
        self.day, self.today = record, Today.of(record)
        self.new_total = self.today.count(self.views) if self.today else 0
        if not self.today:
            for view in self.views:
                view.new = 0
        self.rows.reset(self._context())

    def _context(self) -> dict[str, Any]:
        """What every row may show besides its paper: the new ids with their day, the table's line source."""
        today = self.today
        return {"new": dict.fromkeys(today.ids, today.date) if today else {}, "sources": self.sources}

    def set_picks(self, picks: dict[str, Any] | None) -> None:
        """README's picks from this day's record (the run's own, made after the merge)."""
        self.picks = picks

    def section(self, heading: str) -> str:
        """README's link to a docs heading (templates call section("FAQ")): '#id' for one in _docs.md.j2 (README's
        own How to use), else its page in docs/ with the id, so a moved or renamed heading fails the render."""
        if heading in self.model.sections:
            return "#" + self.model.sections[heading]
        if link := docs_links().get(heading):
            return link
        raise jinja2.TemplateRuntimeError(f"section({heading!r}): no such heading in _docs.md.j2 or docs/*.md "
                                          "(or one on two docs pages)")

    def _preflight(self) -> None:
        """Run every template once before anything is written, so a broken template stops the run early."""
        self._render_readme()
        if not self.views:
            return
        view = self.views[0]
        self._page(view, view.papers[:1], parts=[], part_label=None)
        self._index(view, [])
        self.feed(view)

    def outputs(self) -> Iterator[tuple[str, bytes | None]]:
        """Every output file as (path, bytes), or (path, None) for a file kept as it is; one topic at a time."""
        self._read_day()
        taken = {view.feed for view in self.views}
        for view in self.views:
            yield from self.topic_pages(view).items()
            yield view.feed, self.feed(view)
            for path, old_slug in view.alias_feeds.items():
                if path not in taken:
                    taken.add(path)
                    yield path, self.feed(view, old_slug)
        pages = {view.page for view in self.views}
        for view in self.views:
            yield from self.moved_pages(view, pages)
        yield "README.md", self.readme()
        yield MANIFEST, self.manifest.to_bytes()

    def render_all(self) -> dict[str, bytes | None]:
        """Every output: README.md, papers/*.md, feeds/*.xml, the manifest, as path -> bytes (None: kept)."""
        return dict(self.outputs())

    def readme(self) -> bytes:
        """README.md within the byte budget, topics given rows fairly in turn."""
        self._read_day()
        budget = int(self.config.settings["readme_max_bytes"])
        for view in self.views:
            view.shown = 0
        self.brief = False
        self.brief = len(self._render_readme()) > budget  # many long topic names: no per-topic counts, no line above
        while self.picks and self.picks["picks"] and len(self._render_readme()) > budget:
            self.picks["picks"].pop()  # 100 picks of long titles could pass a small budget on their own
        room = budget - len(self._render_readme())
        pagemodel.share_readme_rows(self.views, pagemodel.readme_cap(self.config.settings), room, self.rows)
        text = self._render_readme()
        while len(text) > budget and pagemodel.take_back_row(self.views):
            text = self._render_readme()
        return text

    def _render_readme(self) -> bytes:
        """README.md with the rows each view shows now."""
        template = self.env.get_template("README.md.j2")
        text = template.render(config=self.config, settings=self.config.settings, views=self.views,
                               newest_paper=self.model.newest_paper, row=self.rows.line, section=self.section,
                               total=self.model.total, site_url=self.site_url, picks=self.picks,
                               today=self.today, new_total=self.new_total, sources=self.sources, brief=self.brief,
                               published_site=self.published_site)
        return text.encode("utf-8")

    def topic_pages(self, view: TopicView) -> dict[str, bytes | None]:
        """The topic's full page; split by year, then month, then into numbered parts, when it would pass the limit.

        A year whose papers, code and parts list are as in the last run's manifest keeps its files (value None).
        """
        years = self._years(view)
        whole = self._whole_page(view, years)
        return {view.page: whole} if whole is not None else self._part_pages(view, years)

    def _whole_page(self, view: TopicView, years: dict[str, dict[str, Any]]) -> bytes | None:
        """The topic on one page, or None when its rows or the page would pass the limits."""
        if sum(y["rows"] for y in years.values()) > pagemodel.PAGE_ROWS_LIMIT:
            return None
        whole = self._page(view, view.papers, parts=[], part_label=None)
        if len(whole) > pagemodel.PAGE_LIMIT:
            return None
        self.manifest.remember(view, years, parts=[])
        return whole

    def _part_pages(self, view: TopicView, years: dict[str, dict[str, Any]]) -> dict[str, bytes | None]:
        """The index and parts of a topic too big for one page; a year's parts as the last run left them are kept."""
        for year, entry in years.items():
            if not (entry["kept"] and entry.get("parts")):
                entry["groups"] = pagemodel.split_year(year, entry["papers"], entry["rows"], self.rows)
                entry["parts"] = [[label, len(items)] for label, items in entry["groups"].items()]
        parts = [[label, view.part(label)] for y in years.values() for label, _ in y["parts"]]
        files: dict[str, bytes | None] = {
            view.page: self._index(view, [(label, view.part(label), count)
                                          for y in years.values() for label, count in y["parts"]])}
        same_parts = parts == self.manifest.parts_before(view)
        for year, entry in years.items():
            paths = [f"papers/{view.part(label)}" for label, _ in entry["parts"]]
            if entry["kept"] and same_parts and all(self.manifest.unchanged(path) for path in paths):
                files.update(dict.fromkeys(paths))
                self.manifest.keep(paths)
                continue
            groups = entry.get("groups") or pagemodel.split_year(year, entry["papers"], entry["rows"], self.rows)
            for label, items in groups.items():
                path = f"papers/{view.part(label)}"
                page = self._page(view, items, parts=[tuple(p) for p in parts], part_label=label)
                files[path] = page
                self.manifest.wrote(path, len(page))
        self.manifest.remember(view, years, parts=parts)
        return files

    def _years(self, view: TopicView) -> dict[str, dict[str, Any]]:
        """The topic's papers by year, each kept as the manifest had it or measured now (rows: its rows' bytes)."""
        years: dict[str, dict[str, Any]] = {}
        for year, items in pagemodel.group_by_date(view.papers, 4, "undated").items():
            digest = year_digest(view, year, items, f"{self.sources}", self.rows.context["new"])
            old = self.manifest.kept_year(view, year, digest)
            if old:
                years[year] = {**old, "papers": items, "kept": True}
            else:
                self.rows.measure(items)
                years[year] = {"digest": digest, "rows": sum(self.rows.size(p) for p in items), "papers": items,
                               "kept": False}
        return years

    def _page(self, view: TopicView, papers: list[Paper], parts: list[tuple[str, str]],
              part_label: str | None) -> bytes:
        """A topic page (or one part of it) with these papers' rows and the list of parts."""
        template = self.env.get_template("topic.md.j2")
        self.rows.measure(papers)
        up = "../" * (1 + bool(part_label))
        return template.render(view=view, papers=papers, rows=[self.rows.lines[p["id"]] for p in papers],
                               parts=parts, part_label=part_label, up=up, today=self.today, sources=self.sources,
                               settings=self.config.settings).encode("utf-8")

    def moved_pages(self, view: TopicView, taken: set[str]) -> Iterator[tuple[str, bytes]]:
        """A short page at each earlier name's address (from aliases) that links to the topic's page now,
        so links shared before a rename keep working; it goes when the alias does."""
        template = self.env.get_template("moved.md.j2")
        for old_slug, old_name in sorted(view.earlier.items()):
            path = f"papers/{old_slug}.md"
            if path not in taken:
                taken.add(path)
                yield path, template.render(view=view, old_name=old_name, old_feed=f"feeds/{old_slug}.xml").encode()

    def _index(self, view: TopicView, parts: list[tuple[str, str, int]]) -> bytes:
        """A split topic's page: the list of its parts."""
        template = self.env.get_template("topic_index.md.j2")
        return template.render(view=view, parts=parts, today=self.today,
                               settings=self.config.settings).encode("utf-8")

    def feed(self, view: TopicView, feed_slug: str | None = None) -> bytes:
        """An Atom 1.0 feed of the topic's latest papers; under an earlier name's slug (and id) for its subscribers."""
        template = self.env.get_template("feed.xml.j2")
        papers = view.papers[: int(self.config.settings["feed_papers"])]
        updated = atom_time(papers[0]["updated"]) if papers else "1970-01-01T00:00:00Z"
        return template.render(view=view, papers=papers, updated=updated, feed_slug=feed_slug or view.slug,
                               settings=self.config.settings).encode("utf-8")


def page_model(config: Config, papers: list[Paper]) -> PageModel:
    """The page model of a store's papers: what README, the pages, the feeds and the site list (built once a run)."""
    return PageModel.build(config, papers, (TEMPLATES / "_docs.md.j2").read_text(encoding="utf-8"))


def for_papers(config: Config, papers: list[Paper], previous: dict[str, Any] | None = None,
               root: Path | None = None, site_url: str | None = None) -> Renderer:
    """A renderer of these papers with their page model and no picks (the site, the benchmark, tests)."""
    return Renderer(config, page_model(config, papers), previous, root, site_url)
