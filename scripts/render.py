"""Render README.md, per-topic pages and Atom feeds from the store with Jinja2 templates.

Rendering is a pure function of the store and keywords.yaml: the same input gives the same
bytes, so a run with nothing new changes nothing. README.md stays under GitHub's 512,000-byte
rendering limit by construction: it shows the latest papers per topic within a byte budget,
and every paper is on its topic's full page (split by year, then month, then numbered parts,
when one page is too big). papers/manifest.json remembers what each part was rendered from, so
a daily run keeps the parts whose inputs did not change and gives the bytes a full render gives.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
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
PAGE_ROWS_LIMIT = PAGE_LIMIT - 20_000  # the rows of one page, leaving room for its header and navigation
MANIFEST = "papers/manifest.json"  # what each topic's pages were rendered from, so unchanged parts are kept
ROW_CHUNK = 2_000  # rows per template pass: fast like one pass, without one huge string in memory
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_INVISIBLE = {c: " " for c in [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010),
                              *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0xFEFF]}
_ASCII_CONTROLS = bytes([*range(0x20), 0x7F])
_MD_SPECIALS = "\\`*_[]<|$~&:#"  # backslash first, so the escapes added later are not escaped again; # ends headings
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")
_EMAIL_AT = re.compile(r"@(?=\w)")
_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc"})
CELL_LIMITS = {"title": 1_000, "abstract": 5_000, "comment": 2_000, "primary_category": 100}  # characters
LIST_LIMITS = {"authors": (100, 200), "categories": (20, 100)}  # (items, characters each)


class Cut(str):
    """Text cut to its cell's limit (ends in ' …'); md() adds a link to the full text on arXiv."""

    url: str = ""

    @classmethod
    def of(cls, text: str, limit: int, url: str) -> "Cut":
        cut = cls(text[:limit].rstrip() + " …")
        cut.url = url
        return cut


def _short_items(values: list[str] | None, items: int, chars: int) -> bool:
    """Whether a list is within its limits: at most `items` entries of at most `chars` characters."""
    return not values or (len(values) <= items and max(map(len, values)) <= chars)


def fit_cells(paper: dict[str, Any]) -> dict[str, Any]:
    """The paper as the pages show it: over-long texts and lists cut, so one record cannot break a size limit.

    arXiv's own limits are far below these (abstracts stop at 1,920 characters); only a hand edit or a broken
    answer reaches them. The paper itself is returned when nothing needs cutting (nearly always).
    """
    long_text = [k for k, limit in CELL_LIMITS.items() if len(paper.get(k) or "") > limit]
    long_list = [k for k, (items, chars) in LIST_LIMITS.items() if not _short_items(paper.get(k), items, chars)]
    if not long_text and not long_list:
        return paper
    url = links.abs_url(paper["id"])
    fitted = dict(paper)
    for key in long_text:
        fitted[key] = Cut.of(paper[key], CELL_LIMITS[key], url)
    for key in long_list:
        items, chars = LIST_LIMITS[key]
        fitted[key] = [v if len(v) <= chars else v[:chars] + " …" for v in paper[key][:items]]
    return fitted


def is_plain(text: str) -> bool:
    """Whether text is already plain: printable ASCII, single spaces, no edge spaces (most stored text)."""
    return (text.isascii() and text[0] != " " and text[-1] != " " and "  " not in text
            and len(text.encode("ascii").translate(None, _ASCII_CONTROLS)) == len(text))


def plain(text: str | None) -> str:
    """Visible text: control and bidi characters dropped, whitespace collapsed to single spaces."""
    if not text:
        return ""
    if isinstance(text, Cut):
        return Cut.of(plain(str(text)), len(text), text.url)
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
    if isinstance(text, Cut):
        escaped += f" [full text on arXiv]({text.url})"
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
    """The id GitHub gives a heading's text (github-slugger): lower case; letters, marks, digits, '_', '-' and
    spaces kept, everything else dropped; spaces to '-'. Repeats are numbered by Slugger."""
    return "".join(c for c in heading.lower()
                   if c in " -" or unicodedata.category(c) in _WORD_CATEGORIES).replace(" ", "-")


class Slugger:
    """Heading ids for one document, in order: a repeated id gets -1, -2, … as on GitHub."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def slug(self, heading: str) -> str:
        """The id of the next heading with this text."""
        base = result = github_anchor(heading)
        while result in self.seen:
            self.seen[base] += 1
            result = f"{base}-{self.seen[base]}"
        self.seen[result] = 0
        return result


def docs_headings(source: str) -> list[str]:
    """The Markdown headings of a template with fixed headings (the docs), in order, skipping code blocks."""
    headings, fenced = [], False
    for line in source.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"#{1,6} +(.+?) *$", line)):
            headings.append(m.group(1))
    return headings


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


def first_authors(authors: list[str] | None, count: int = 3) -> str:
    """The first few names and 'et al.': who wrote it, short enough for a table cell."""
    names = [plain(name) for name in (authors or [])[:count + 1]]
    return ", ".join(names[:count]) + (" et al." if len(names) > count else "")


def all_authors(authors: list[str] | None) -> str:
    """Every name, comma-separated (the full list behind 'et al.')."""
    return ", ".join(plain(name) for name in authors or [])


def dated(paper: dict[str, Any]) -> str:
    """The latest version's date, and which version when it is a revision: '2026-02-03 (v2)'."""
    version = paper.get("version") or 1
    return day(paper["updated"]) + (f" (v{version})" if version > 1 else "")


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
                       first_authors=first_authors, all_authors=all_authors, dated=dated,
                       abs_url=links.abs_url, pdf_url=links.pdf_url, code_links=links.labelled_code_links)
    return env


@dataclass
class TopicView:
    """What the templates need to know about one topic."""

    topic: Topic
    slug: str
    papers: list[dict[str, Any]]
    shown: int = 0
    hidden: int = 0
    anchor: str = ""  # the README heading's id, set by Renderer (it depends on the headings before it)

    @property
    def name(self) -> str:
        return self.topic.name

    @property
    def page(self) -> str:
        return f"papers/{self.slug}.md"

    def part(self, label: str) -> str:
        """A part page's path under papers/, e.g. 'tts/2025.md'."""
        return f"{self.slug}/{label}.md"

    @property
    def feed(self) -> str:
        return f"feeds/{self.slug}.xml"

    @property
    def alias_feeds(self) -> dict[str, str]:
        """Feeds under the topic's earlier names (path -> earlier slug), so a rename cuts no subscriber off."""
        slugs = {slug(alias) for alias in self.topic.aliases} - {self.slug}
        return {f"feeds/{s}.xml": s for s in sorted(slugs)}


class Renderer:
    """Renders every output file for a config and a store's papers."""

    def __init__(self, config: Config, papers: list[dict[str, Any]], previous: dict[str, Any] | None = None,
                 root: Path | None = None):
        """previous: the last run's manifest, and root: where its files are; with both, unchanged parts are kept."""
        self.config = config
        self.env = environment()
        for name in self.env.list_templates(extensions=["j2"]):  # a broken template fails before anything is written
            self.env.get_template(name)
        self.code = code_stamp(config.settings)
        self.previous = previous if previous and previous.get("code") == self.code and root else {}
        self.root = root
        self.manifest: dict[str, Any] = {"code": self.code, "files": {}, "topics": {}}
        self._rows: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        self.views = self._views(papers)
        self.sections = self._anchors()
        self.render_rows([v.papers[0] for v in self.views if v.papers])  # a broken row template fails here, too
        names = {t.name for t in config.topics}
        self.newest_paper = max((day(p["updated"]) for p in papers if not names.isdisjoint(p["topics"])),
                                default="none yet")
        self._preflight()

    def _anchors(self) -> dict[str, str]:
        """README's heading ids in document order (title, Contents, topics, docs), so each link finds its section.

        Returns the docs' ids by heading text; the topics' ids go into their views.
        """
        slugger = Slugger()
        slugger.slug(plain(self.config.settings["title"]))
        slugger.slug("Contents")
        for view in self.views:
            view.anchor = slugger.slug(plain(view.name))
        docs = (TEMPLATES / "_docs.md.j2").read_text(encoding="utf-8")
        return {heading: slugger.slug(heading) for heading in docs_headings(docs)}

    def section(self, heading: str) -> str:
        """The '#id' link to one of the docs' headings (templates call section("FAQ"))."""
        if heading not in self.sections:
            raise jinja2.TemplateRuntimeError(f"section({heading!r}): no such heading in _docs.md.j2")
        return "#" + self.sections[heading]

    def _preflight(self) -> None:
        """Run every template once before anything is written, so a broken template stops the run early."""
        self._render_readme()
        if not self.views:
            return
        view = self.views[0]
        self._page(view, view.papers[:1], parts=[], part_label=None)
        self._index(view, [])
        self.feed(view)

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
            shown = [fit_cells(p) for p in listed(topic, found)]
            views.append(TopicView(topic, topic_slug, shown, hidden=len(found) - len(shown)))
        return views

    def render_rows(self, papers: list[dict[str, Any]]) -> None:
        """Render the table rows not rendered yet (reused by README and pages), a chunk per template pass."""
        template = self.env.get_template("_row.md.j2")
        missing = [p for p in papers if p["id"] not in self._rows]
        for start in range(0, len(missing), ROW_CHUNK):
            chunk = missing[start:start + ROW_CHUNK]
            text = template.render(papers=chunk)
            if text.count("\n") != len(chunk) or not text.endswith("\n"):
                raise jinja2.TemplateAssertionError("each paper's row must be exactly one line, ending in a newline",
                                                    1, "_row.md.j2", template.filename)
            lines = text[:-1].split("\n")
            for paper, line in zip(chunk, lines, strict=True):
                self._rows[paper["id"]] = line
                self._sizes[paper["id"]] = (len(line) if line.isascii() else len(line.encode("utf-8"))) + 1

    def row(self, paper: dict[str, Any]) -> str:
        """One paper's table row."""
        if paper["id"] not in self._rows:
            self.render_rows([paper])
        return self._rows[paper["id"]]

    def row_size(self, paper: dict[str, Any]) -> int:
        """Bytes the paper's row takes in a table, newline included."""
        if paper["id"] not in self._sizes:
            self.render_rows([paper])
        return self._sizes[paper["id"]]

    def outputs(self) -> Iterator[tuple[str, bytes | None]]:
        """Every output file as (path, bytes), or (path, None) for a file kept as it is; one topic at a time."""
        taken = {view.feed for view in self.views}
        for view in self.views:
            yield from self.topic_pages(view).items()
            yield view.feed, self.feed(view)
            for path, old_slug in view.alias_feeds.items():
                if path not in taken:
                    taken.add(path)
                    yield path, self.feed(view, old_slug)
        yield "README.md", self.readme()
        yield MANIFEST, (json.dumps(self.manifest, indent=1, sort_keys=True) + "\n").encode("utf-8")

    def render_all(self) -> dict[str, bytes | None]:
        """Every output: README.md, papers/*.md, feeds/*.xml, the manifest, as path -> bytes (None: kept)."""
        return dict(self.outputs())

    def readme(self) -> bytes:
        """README.md within the byte budget, topics given rows fairly in turn."""
        setting = self.config.settings["readme_papers_per_topic"]
        cap = None if setting == "auto" else int(setting)
        budget = int(self.config.settings["readme_max_bytes"])
        for view in self.views:
            view.shown = 0
        overhead = len(self._render_readme())
        remaining = budget - overhead
        progress = True
        while progress:
            progress = False
            for view in self.views:
                limit = len(view.papers) if cap is None else min(cap, len(view.papers))
                if view.shown >= limit:
                    continue
                if view.papers[view.shown]["id"] not in self._sizes:  # the next rows of this topic, in one pass
                    self.render_rows(view.papers[view.shown:view.shown + 100])
                size = self.row_size(view.papers[view.shown])
                if size <= remaining:
                    remaining -= size
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
                               newest_paper=self.newest_paper, row=self.row, section=self.section,
                               total=len({p["id"] for v in self.views for p in v.papers}))
        return text.encode("utf-8")

    def topic_pages(self, view: TopicView) -> dict[str, bytes | None]:
        """The topic's full page; split by year, then month, then into numbered parts, when it would pass the limit.

        A year whose papers, code and parts list are as in the last run's manifest keeps its files (value None).
        """
        before = self.previous.get("topics", {}).get(view.slug, {})
        years: dict[str, dict[str, Any]] = {}
        for year, items in group_by_date(view.papers, 4, "undated").items():
            digest = self._digest(view, year, items)
            old = before.get("years", {}).get(year)
            if old and old["digest"] == digest:
                years[year] = {**old, "papers": items, "kept": True}
            else:
                self.render_rows(items)
                years[year] = {"digest": digest, "rows": sum(self.row_size(p) for p in items), "papers": items,
                               "kept": False}
        if sum(y["rows"] for y in years.values()) <= PAGE_ROWS_LIMIT:
            whole = self._page(view, view.papers, parts=[], part_label=None)
            if len(whole) <= PAGE_LIMIT:
                self._remember(view, years, parts=[])
                return {view.page: whole}
        for year, entry in years.items():
            if not (entry["kept"] and entry.get("parts")):
                entry["groups"] = self._split_year(year, entry["papers"], entry["rows"])
                entry["parts"] = [[label, len(items)] for label, items in entry["groups"].items()]
        parts = [[label, view.part(label)] for y in years.values() for label, _ in y["parts"]]
        files: dict[str, bytes | None] = {
            view.page: self._index(view, [(label, view.part(label), count)
                                          for y in years.values() for label, count in y["parts"]])}
        same_parts = parts == before.get("parts")
        for year, entry in years.items():
            paths = [f"papers/{view.part(label)}" for label, _ in entry["parts"]]
            if entry["kept"] and same_parts and all(self._unchanged(path) for path in paths):
                files.update(dict.fromkeys(paths))
                self.manifest["files"].update({path: self.previous["files"][path] for path in paths})
                continue
            groups = entry.get("groups") or self._split_year(year, entry["papers"], entry["rows"])
            for label, items in groups.items():
                path = f"papers/{view.part(label)}"
                files[path] = self._page(view, items, parts=[tuple(p) for p in parts], part_label=label)
                self.manifest["files"][path] = len(files[path])
        self._remember(view, years, parts=parts)
        return files

    def _digest(self, view: TopicView, label: str, papers: list[dict[str, Any]]) -> str:
        """A fingerprint of everything a part's rows and header are rendered from (the code is in the manifest)."""
        digest = hashlib.sha1(f"{view.slug}\0{view.name}\0{view.anchor}\0{label}".encode(), usedforsecurity=False)
        for p in papers:
            digest.update(f"\0{p['id']}\0{p.get('version')}\0{p['updated']}\0{p['title']}\0{p.get('authors')}"
                          f"\0{p.get('comment')}\0{p['abstract']}".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _unchanged(self, path: str) -> bool:
        """Whether a file the last run wrote is still there as it was (same size)."""
        size = self.previous.get("files", {}).get(path)
        target = self.root / path if self.root else None
        return size is not None and target is not None and target.is_file() and target.stat().st_size == size

    def _remember(self, view: TopicView, years: dict[str, dict[str, Any]], parts: list[list[str]]) -> None:
        """Record what this topic's pages were rendered from, for the next run."""
        self.manifest["topics"][view.slug] = {
            "parts": parts,
            "years": {year: {"digest": y["digest"], "rows": y["rows"], "parts": y.get("parts") if parts else []}
                      for year, y in years.items()},
        }

    def _split_year(self, year: str, papers: list[dict[str, Any]], rows: int) -> dict[str, list[dict[str, Any]]]:
        """A year's parts: the year; or its months; or a month's numbered parts when a month is too big."""
        if rows <= PAGE_ROWS_LIMIT:
            return {year: papers}
        self.render_rows(papers)
        groups: dict[str, list[dict[str, Any]]] = {}
        for month, month_items in group_by_date(papers, 7, year).items():
            if self._fits(month_items):
                groups[month] = month_items
                continue
            for number, chunk in enumerate(self._chunks(month_items), 1):
                groups[f"{month}-part{number}"] = chunk
        return groups

    def _fits(self, papers: list[dict[str, Any]]) -> bool:
        """Whether these rows fit one page, with room for its header and navigation."""
        return sum(self.row_size(p) for p in papers) <= PAGE_ROWS_LIMIT

    def _chunks(self, papers: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Consecutive runs of papers that each fit one page (for a month too big for one)."""
        chunks: list[list[dict[str, Any]]] = [[]]
        size = 0
        for paper in papers:
            if chunks[-1] and size + self.row_size(paper) > PAGE_ROWS_LIMIT:
                chunks.append([])
                size = 0
            chunks[-1].append(paper)
            size += self.row_size(paper)
        return chunks

    def _page(self, view: TopicView, papers: list[dict[str, Any]], parts: list[tuple[str, str]],
              part_label: str | None) -> bytes:
        template = self.env.get_template("topic.md.j2")
        self.render_rows(papers)
        up = "../" * (1 + bool(part_label))
        return template.render(view=view, papers=papers, rows=[self._rows[p["id"]] for p in papers], parts=parts,
                               part_label=part_label, up=up, settings=self.config.settings).encode("utf-8")

    def _index(self, view: TopicView, parts: list[tuple[str, str, int]]) -> bytes:
        template = self.env.get_template("topic_index.md.j2")
        return template.render(view=view, parts=parts, settings=self.config.settings).encode("utf-8")

    def feed(self, view: TopicView, feed_slug: str | None = None) -> bytes:
        """An Atom 1.0 feed of the topic's latest papers; under an earlier name's slug (and id) for its subscribers."""
        template = self.env.get_template("feed.xml.j2")
        papers = view.papers[: int(self.config.settings["feed_papers"])]
        updated = atom_time(papers[0]["updated"]) if papers else "1970-01-01T00:00:00Z"
        return template.render(view=view, papers=papers, updated=updated, feed_slug=feed_slug or view.slug,
                               settings=self.config.settings).encode("utf-8")


def code_stamp(settings: dict[str, Any]) -> str:
    """A fingerprint of everything besides the papers that pages depend on: templates, this code, settings."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(TEMPLATES.glob("*.j2")) + [Path(__file__), Path(links.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps([settings, jinja2.__version__, sys.version_info[:2], unicodedata.unidata_version],
                             sort_keys=True, default=str).encode())
    return digest.hexdigest()


def load_manifest(root: Path) -> dict[str, Any] | None:
    """The last run's manifest, or None when it is missing or unreadable (then every page is rendered)."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if manifest_is_sound(manifest) else None


def manifest_is_sound(manifest: Any) -> bool:
    """Whether a manifest has the shape this code writes (a hand-edited or conflicted one is ignored)."""
    def is_parts(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value)

    try:
        return (isinstance(manifest["code"], str)
                and all(isinstance(k, str) and isinstance(v, int) for k, v in manifest["files"].items())
                and all(is_parts(t["parts"]) and all(isinstance(y["digest"], str) and isinstance(y["rows"], int)
                                                     and is_parts(y["parts"]) for y in t["years"].values())
                        for t in manifest["topics"].values()))
    except (TypeError, KeyError, AttributeError):
        return False


def from_template(exc: BaseException) -> bool:
    """Whether an exception was raised while a template ran (Jinja puts the .j2 file into the traceback)."""
    return any(frame.f_code.co_filename.endswith(".j2") for frame, _ in traceback.walk_tb(exc.__traceback__))


def template_problem(exc: Exception) -> str:
    """A one-line 'templates/x.j2:LINE: what; fix' for a template error (the line from Jinja's rewritten traceback)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    for frame, frame_line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.endswith(".j2"):
            filename, line = frame.f_code.co_filename, frame_line
    name = Path(filename).name if filename else "a template"
    where = f"templates/{name}:{line}" if line else f"templates/{name}"
    what = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    what = " ".join(str(what).split())[:200]
    return f"{where}: {what}; fix the template or restore it with 'git checkout -- templates/{name}'"


def group_by_date(papers: list[dict[str, Any]], width: int, fallback: str) -> dict[str, list[dict[str, Any]]]:
    """Papers (newest first) grouped by the first `width` characters of their date: 4 for years, 7 for months."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for paper in papers:
        groups.setdefault(day(paper["updated"])[:width] or fallback, []).append(paper)
    return groups


def write_outputs(root: Path, files: Iterable[tuple[str, bytes | None]]) -> list[str]:
    """Write rendered files atomically as they come (None: keep the file), remove stale pages; returns changes."""
    from store import atomic_write

    written, changed = set(), []
    for path, data in files:
        written.add(path)
        if data is not None and atomic_write(root / path, data):
            changed.append(path)
    changed += remove_stale(root, written, dry_run=False)
    return sorted(changed)


def changed_outputs(root: Path, files: Iterable[tuple[str, bytes | None]]) -> list[str]:
    """The paths write_outputs would change, writing nothing (for --dry-run)."""
    written, changed = set(), []
    for path, data in files:
        written.add(path)
        target = root / path
        if data is not None and (not target.is_file() or target.read_bytes() != data):
            changed.append(path)
    return sorted(changed + remove_stale(root, written, dry_run=True))


def remove_stale(root: Path, written: set[str], dry_run: bool) -> list[str]:
    """Generated pages and feeds this run did not produce (a renamed topic, a merged part): removed."""
    stale = [old.relative_to(root).as_posix()
             for folder, pattern in (("papers", "**/*.md"), ("feeds", "*.xml"))
             for old in sorted((root / folder).glob(pattern))
             if old.relative_to(root).as_posix() not in written]
    if not dry_run:
        for rel in stale:
            (root / rel).unlink()
        for folder in ("papers", "feeds"):
            for directory in sorted((root / folder).glob("*/"), reverse=True):
                if directory.is_dir() and not any(directory.iterdir()):
                    directory.rmdir()
    return stale
