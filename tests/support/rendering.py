"""Helpers for the rendering tests: configs and records, GitHub's GFM parser on a page, runs written to disk."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options

from core import config as cfg
from core import query as q
from daily import manifest, outputs, render


def make_config(names: list[str], **settings_: object) -> cfg.Config:
    topics = tuple(cfg.Topic(name=n, query="cat:cs.SD", tree=q.parse("cat:cs.SD")) for n in names)
    return cfg.Config(path=Path("keywords.yaml"), topics=topics, settings={**cfg.DEFAULT_SETTINGS, **settings_})


def record(i: int, title: str = "x paper", abstract: str = "x", comment: str = "", topic: str = "A",
           day: str = "2026-01-01", authors: list[str] | None = None, version: int = 1) -> dict:
    return {"id": f"2601.{i:05d}", "version": version, "title": title, "abstract": abstract, "comment": comment,
            "authors": ["A. Author"] if authors is None else authors, "categories": ["cs.SD"],
            "primary_category": "cs.SD", "published": None, "updated": day, "topics": [topic]}


class Table(HTMLParser):
    """Rows of the first table: each cell's visible text and whether it holds foreign tags/links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None
        self._summary = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" or self.rows:
            self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "summary":
            self._summary = True
        elif tag == "a" and self.rows:
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "summary":
            self._summary = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._summary:
            self._cell.append(data)


def gfm(markdown: str) -> Table:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    table = Table()
    table.feed(html)
    return table


def render_one(paper: dict, layout: str = "classic") -> Table:
    """One paper's topic page as a table of cells by column (the classic layout names a column for each field)."""
    renderer = render.for_papers(make_config(["A"], readme_layout=layout), [paper])
    page = renderer.topic_pages(renderer.views[0])["papers/a.md"].decode()
    return gfm(page)


def write_run(root: Path, config: cfg.Config, papers: list[dict], incremental: bool) -> render.Renderer:
    previous = manifest.load_manifest(root) if incremental else None
    renderer = render.for_papers(config, papers, previous, root)
    outputs.write_outputs(root, renderer.outputs())
    return renderer


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

