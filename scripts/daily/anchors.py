"""Heading ids as GitHub gives them (github-slugger), so README's links land on their sections.

A step of rendering in the daily run: pagemodel numbers README's headings (title, Contents, topics,
How to use) in document order with a Slugger, and the templates link to those ids (the `anchor` filter,
section("How to use")). GitHub numbers a repeated heading -1, -2, …, so an id depends on the headings before it.
The rest of the docs are hand-written pages in docs/; section("FAQ") links a heading there (docs_links).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"  # the hand-written docs pages, beside scripts/

_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc"})


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading's text (github-slugger): lower case; letters, marks, digits, '_', '-' and
    spaces kept, everything else dropped; spaces to '-'. Repeats are numbered by Slugger."""
    return "".join(c for c in heading.lower()
                   if c in " -" or unicodedata.category(c) in _WORD_CATEGORIES).replace(" ", "-")


class Slugger:
    """Heading ids for one document, in order: a repeated id gets -1, -2, … as on GitHub."""

    def __init__(self) -> None:
        """A document with no headings yet."""
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


def page_anchors(source: str) -> list[str]:
    """The ids GitHub gives a Markdown page's headings, in order (the targets its '#' links may name)."""
    slugger = Slugger()
    return [slugger.slug(heading) for heading in docs_headings(source)]


@functools.lru_cache(maxsize=4)
def docs_links(folder: Path = DOCS) -> dict[str, str]:
    """Each heading of docs/*.md as README links it: its page for a page's title ('docs/faq.md'), else the page and
    the heading's id ('docs/configuration.md#settings'). A heading on two pages maps to '' (section() refuses it)."""
    links: dict[str, str] = {}
    for page in sorted(folder.glob("*.md")):
        source = page.read_text(encoding="utf-8")
        for number, (heading, anchor) in enumerate(zip(docs_headings(source), page_anchors(source), strict=True)):
            link = f"docs/{page.name}" + ("" if number == 0 else f"#{anchor}")
            links[heading] = "" if heading in links else link
    return links
