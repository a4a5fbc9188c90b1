"""Render README.md, per-topic pages and Atom feeds from the store with Jinja2 templates.

Rendering is a pure function of the store and keywords.yaml: the same input gives the same
bytes, so a run with nothing new changes nothing. README.md stays under GitHub's 512,000-byte
rendering limit by construction: it shows the latest papers per topic within a byte budget,
and every paper is on its topic's full page (split by year, then month, when one page is too big).
"""

from __future__ import annotations

import functools
import hashlib
import re
import traceback
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import jinja2

import links
from config import Config, Topic
from relevance import listed

GITHUB_LIMIT = 512_000
PAGE_LIMIT = 500_000
ROW_CHUNK = 2_000  # rows per template pass: fast like one pass, without one huge string in memory
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_INVISIBLE = {c: " " for c in [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010),
                              *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0xFEFF]}
_ASCII_CONTROLS = bytes([*range(0x20), 0x7F])
_MD_SPECIALS = "\\`*_[]<|$~&:"  # backslash first, so the escapes added later are not escaped again
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")
_EMAIL_AT = re.compile(r"@(?=\w)")
_ANCHOR_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def is_plain(text: str) -> bool:
    """Whether text is already plain: printable ASCII, single spaces, no edge spaces (most stored text)."""
    return (text.isascii() and text[0] != " " and text[-1] != " " and "  " not in text
            and len(text.encode("ascii").translate(None, _ASCII_CONTROLS)) == len(text))


def plain(text: str | None) -> str:
    """Visible text: control and bidi characters dropped, whitespace collapsed to single spaces."""
    if not text:
        return ""
    if is_plain(text):  # the fast path: fetch already collapsed whitespace
        return text
    text = " ".join(text.split())
    if not text.isprintable():  # every character _INVISIBLE blanks is unprintable
        text = " ".join(text.translate(_INVISIBLE).split())
    return text


def md(text: str | None) -> str:
    """Escape arXiv text for a GFM table cell: no `|` breaks, no live HTML or links, no math, no markup."""
    escaped = plain(text)
    for char in _MD_SPECIALS:
        if char in escaped:
            escaped = escaped.replace(char, "\\" + char)
    if "@" in escaped:  # break e-mail autolinks and @mentions
        escaped = _EMAIL_AT.sub("@<!-- -->", escaped)
    if "ww" in escaped.lower():  # break www. autolinks
        escaped = _WWW_DOT.sub(r"\\.", escaped)
    return escaped


def slug(name: str) -> str:
    """A stable, file-safe slug for any topic name; non-Latin names get a short hash."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    if base and ascii_name.strip() == name.strip():
        return base
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{base}-{digest}" if base else f"topic-{digest}"


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return _ANCHOR_DROP.sub("", heading.strip().lower()).replace(" ", "-")


def day(stamp: str | None) -> str:
    """The date part of a stored timestamp."""
    return (stamp or "")[:10]


def atom_time(stamp: str | None) -> str:
    """An RFC 3339 time for Atom, from a stored date or timestamp."""
    stamp = stamp or "1970-01-01"
    return stamp if "T" in stamp else f"{stamp}T00:00:00Z"


def short(text: str, width: int = 40) -> str:
    """The start of a long text, cut at a word, for a collapsed summary."""
    text = plain(text)
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0] or text[:width]
    return cut.rstrip(" ,;:.") + "…"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment with the filters the templates use (built once: templates are compiled once)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("xml", "xml.j2"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md=md, plain=plain, day=day, atom_time=atom_time, short=short, anchor=github_anchor,
                       abs_url=links.abs_url, pdf_url=links.pdf_url, code_links=links.code_links)
    return env


@dataclass
class TopicView:
    """What the templates need to know about one topic."""

    topic: Topic
    slug: str
    papers: list[dict[str, Any]]
    shown: int = 0
    hidden: int = 0

    @property
    def name(self) -> str:
        return self.topic.name

    @property
    def page(self) -> str:
        return f"papers/{self.slug}.md"

    @property
    def feed(self) -> str:
        return f"feeds/{self.slug}.xml"

    @property
    def anchor(self) -> str:
        return github_anchor(self.topic.name)


class Renderer:
    """Renders every output file for a config and a store's papers."""

    def __init__(self, config: Config, papers: list[dict[str, Any]]):
        self.config = config
        self.env = environment()
        for name in self.env.list_templates(extensions=["j2"]):  # a broken template fails before anything is written
            self.env.get_template(name)
        self._sizes: dict[str, int] = {}
        self.views = self._views(papers)
        self._rows = self.render_rows({p["id"]: p for v in self.views for p in v.papers})
        names = {t.name for t in config.topics}
        self.last_update = max((day(p["updated"]) for p in papers if not names.isdisjoint(p["topics"])),
                               default="never")

    def _views(self, papers: list[dict[str, Any]]) -> list[TopicView]:
        """Each topic's listed papers, newest first, with a unique slug."""
        by_topic: dict[str, list[dict[str, Any]]] = {}
        for paper in papers:
            for name in paper["topics"]:
                by_topic.setdefault(name, []).append(paper)
        views, used = [], set()
        for topic in self.config.topics:
            topic_slug = slug(topic.name)
            if topic_slug in used:
                topic_slug = f"{topic_slug}-{hashlib.sha1(topic.name.encode()).hexdigest()[:6]}"
            used.add(topic_slug)
            found = by_topic.get(topic.name, [])
            shown = listed(topic, found)
            views.append(TopicView(topic, topic_slug, shown, hidden=len(found) - len(shown)))
        return views

    def render_rows(self, papers: dict[str, dict[str, Any]]) -> dict[str, str]:
        """Every listed paper's table row by id (reused by README and pages), a chunk per template pass."""
        template = self.env.get_template("_row.md.j2")
        records, rows = list(papers.values()), {}
        for start in range(0, len(records), ROW_CHUNK):
            chunk = records[start:start + ROW_CHUNK]
            lines = template.render(papers=chunk).split("\n")[: len(chunk)]
            assert len(lines) == len(chunk), "a row must be exactly one line"
            for paper, line in zip(chunk, lines):
                rows[paper["id"]] = line
                self._sizes[paper["id"]] = (len(line) if line.isascii() else len(line.encode("utf-8"))) + 1
        return rows

    def row(self, paper: dict[str, Any]) -> str:
        """One paper's table row."""
        return self._rows[paper["id"]]

    def row_size(self, paper: dict[str, Any]) -> int:
        """Bytes the paper's row takes in a table, newline included."""
        return self._sizes[paper["id"]]

    def outputs(self) -> Iterator[tuple[str, bytes]]:
        """Every output file as (path, bytes), one topic at a time, so a big store is never all in memory."""
        for view in self.views:
            yield from self.topic_pages(view).items()
            yield view.feed, self.feed(view)
        yield "README.md", self.readme()

    def render_all(self) -> dict[str, bytes]:
        """Every output: README.md, papers/*.md, feeds/*.xml, as path -> bytes."""
        return dict(self.outputs())

    def readme(self) -> bytes:
        """README.md within the byte budget, topics given rows fairly in turn."""
        setting = self.config.settings["readme_papers_per_topic"]
        cap = None if setting == "auto" else int(setting)
        budget = int(self.config.settings["readme_max_bytes"])
        for view in self.views:
            view.shown = 0
        overhead = len(self._render_readme())
        sizes = [[self.row_size(p) for p in v.papers[:cap]] for v in self.views]
        remaining = budget - overhead
        progress = True
        while progress:
            progress = False
            for view, row_sizes in zip(self.views, sizes):
                if view.shown < len(row_sizes) and row_sizes[view.shown] <= remaining:
                    remaining -= row_sizes[view.shown]
                    view.shown += 1
                    progress = True
        text = self._render_readme()
        while len(text) > budget and any(v.shown for v in self.views):
            max(self.views, key=lambda v: v.shown).shown -= 1
            text = self._render_readme()
        return text

    def _render_readme(self) -> bytes:
        template = self.env.get_template("README.md.j2")
        text = template.render(config=self.config, settings=self.config.settings, views=self.views,
                               last_update=self.last_update, row=self.row,
                               total=len(self._rows))
        return text.encode("utf-8")

    def topic_pages(self, view: TopicView) -> dict[str, bytes]:
        """The topic's full page; split by year, then month, then into numbered parts, when it would pass the limit."""
        if self._fits(view.papers):
            whole = self._page(view, view.papers, parts=[], part_label=None)
            if len(whole) <= PAGE_LIMIT:
                return {view.page: whole}
        groups = self._split(view.papers)
        parts = [(label, f"{view.slug}/{label}.md") for label in groups]
        files = {view.page: self._index(view, [(label, path, len(groups[label])) for label, path in parts])}
        for label, path in parts:
            files[f"papers/{path}"] = self._page(view, groups[label], parts=parts, part_label=label)
        return files

    def _split(self, papers: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """Group papers by year; a year too big for a page by month; a month too big into numbered parts."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for year, items in group_by_date(papers, 4, "undated").items():
            if self._fits(items):
                groups[year] = items
                continue
            for month, month_items in group_by_date(items, 7, year).items():
                if self._fits(month_items):
                    groups[month] = month_items
                    continue
                for number, chunk in enumerate(self._chunks(month_items), 1):
                    groups[f"{month}-part{number}"] = chunk
        return groups

    def _fits(self, papers: list[dict[str, Any]]) -> bool:
        """Whether these rows fit one page, with room for its header and navigation."""
        return sum(self.row_size(p) for p in papers) <= PAGE_LIMIT - 20_000

    def _chunks(self, papers: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Consecutive runs of papers that each fit one page (for a month too big for one)."""
        chunks: list[list[dict[str, Any]]] = [[]]
        size = 0
        for paper in papers:
            if chunks[-1] and size + self.row_size(paper) > PAGE_LIMIT - 20_000:
                chunks.append([])
                size = 0
            chunks[-1].append(paper)
            size += self.row_size(paper)
        return chunks

    def _page(self, view: TopicView, papers: list[dict[str, Any]], parts: list[tuple[str, str]],
              part_label: str | None) -> bytes:
        template = self.env.get_template("topic.md.j2")
        up = "../" * (1 + bool(part_label))
        return template.render(view=view, papers=papers, rows=[self._rows[p["id"]] for p in papers], parts=parts,
                               part_label=part_label, up=up, settings=self.config.settings).encode("utf-8")

    def _index(self, view: TopicView, parts: list[tuple[str, str, int]]) -> bytes:
        template = self.env.get_template("topic_index.md.j2")
        return template.render(view=view, parts=parts, settings=self.config.settings).encode("utf-8")

    def feed(self, view: TopicView) -> bytes:
        """An Atom 1.0 feed of the topic's latest papers."""
        template = self.env.get_template("feed.xml.j2")
        papers = view.papers[: int(self.config.settings["feed_papers"])]
        updated = atom_time(papers[0]["updated"]) if papers else "1970-01-01T00:00:00Z"
        return template.render(view=view, papers=papers, updated=updated,
                               settings=self.config.settings).encode("utf-8")


def template_problem(exc: jinja2.TemplateError) -> str:
    """A one-line 'templates/x.j2:LINE: what; fix' for a template error (the line from Jinja's rewritten traceback)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    for frame, frame_line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.endswith(".j2"):
            filename, line = frame.f_code.co_filename, frame_line
    name = Path(filename).name if filename else "a template"
    where = f"templates/{name}:{line}" if line else f"templates/{name}"
    return (f"{where}: {exc.message or type(exc).__name__}; fix the template or restore it with "
            f"'git checkout -- templates/{name}'")


def group_by_date(papers: list[dict[str, Any]], width: int, fallback: str) -> dict[str, list[dict[str, Any]]]:
    """Papers (newest first) grouped by the first `width` characters of their date: 4 for years, 7 for months."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for paper in papers:
        groups.setdefault(day(paper["updated"])[:width] or fallback, []).append(paper)
    return groups


def write_outputs(root: Path, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write rendered files atomically as they come, then remove stale generated pages; returns changed paths."""
    from store import atomic_write

    written, changed = set(), []
    for path, data in files:
        written.add(path)
        if atomic_write(root / path, data):
            changed.append(path)
    for folder, pattern in (("papers", "**/*.md"), ("feeds", "*.xml")):
        for old in sorted((root / folder).glob(pattern)):
            rel = old.relative_to(root).as_posix()
            if rel not in written:
                old.unlink()
                changed.append(rel)
        for directory in sorted((root / folder).glob("*/"), reverse=True):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
    return sorted(changed)


def changed_outputs(root: Path, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """The paths write_outputs would change, writing nothing (for --dry-run)."""
    written, changed = set(), []
    for path, data in files:
        written.add(path)
        target = root / path
        if not target.is_file() or target.read_bytes() != data:
            changed.append(path)
    for folder, pattern in (("papers", "**/*.md"), ("feeds", "*.xml")):
        changed += [old.relative_to(root).as_posix() for old in sorted((root / folder).glob(pattern))
                    if old.relative_to(root).as_posix() not in written]
    return sorted(changed)
