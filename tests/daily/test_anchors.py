"""anchors: README's links land on their sections, with ids computed as GitHub (github-slugger) computes them."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

import cmarkgfm
import hostile_inputs as hostile
from cmarkgfm.cmark import Options
from rendering import make_config, record

from core import mdtext
from daily import anchors, render

_SLUG_REMOVES = {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sc", "Sk", "Sm", "So", "Cc", "Co", "Cf", "Cn", "Zs", "Zl",
                 "Zp"}


def github_ids(headings: list[str]) -> list[str]:
    """Heading ids as GitHub gives them, in document order (an independent implementation of github-slugger)."""
    seen: dict[str, int] = {}
    ids = []
    for text in headings:
        base = "".join(c for c in text.lower()
                       if c in " -" or unicodedata.category(c) not in _SLUG_REMOVES).replace(" ", "-")
        result = base
        while result in seen:
            seen[base] += 1
            result = f"{base}-{seen[base]}"
        seen[result] = 0
        ids.append(result)
    return ids


class Outline(HTMLParser):
    """Headings (their text, as GitHub reads it: no comments, entities decoded) and every link with its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._heading: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        elif tag == "a" and "href" in dict(attrs):
            self._link = (dict(attrs)["href"], [])

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], "".join(self._link[1])))
            self._link = None

    def handle_data(self, data: str) -> None:
        for part in (self._heading, self._link[1] if self._link else None):
            if part is not None:
                part.append(data)


def outline(markdown: bytes) -> Outline:
    parsed = Outline()
    parsed.feed(cmarkgfm.github_flavored_markdown_to_html(markdown.decode("utf-8"), options=Options.CMARK_OPT_UNSAFE))
    return parsed


def test_every_readme_link_lands_on_its_own_section_for_hostile_topic_names() -> None:
    names = hostile.TOPIC_NAMES
    papers = [record(i, f"Paper {i}", topic=name) for i, name in enumerate(names)]
    renderer = render.for_papers(make_config(names), papers)
    files = renderer.render_all()
    parsed = outline(files["README.md"])
    ids = github_ids(parsed.headings)
    assert len(set(ids)) == len(ids)
    topic_ids = ids[2:2 + len(names)]  # the title, Contents, then one heading per topic
    assert parsed.headings[2:2 + len(names)] == [mdtext.plain(n) for n in names]
    local = [(unquote(href[1:]), text) for href, text in parsed.links if href.startswith("#")]
    intro, contents, rest = local[0], local[1:1 + len(names)], local[1 + len(names):]
    assert [a for a, _ in contents] == topic_ids, "each Contents entry goes to its own topic"
    docs = dict(zip(parsed.headings[2 + len(names):], ids[2 + len(names):]))
    for anchor, text in [intro, *rest]:
        assert anchor == docs[text], f"the docs' link {text!r} must go to the docs' heading, not a topic's"
    assert len(local) == len(names) + 2, "the intro and Contents link README's How to use; the rest of the docs are pages"
    to_docs = {href for href, _ in parsed.links if href.startswith("docs/")}
    assert to_docs and to_docs <= set(anchors.docs_links().values()), "the other docs links land on docs pages' headings"
    for view, anchor in zip(renderer.views, topic_ids):
        page = files[view.page].decode()
        assert f"README.md#{anchor})" in page, "the page's link back lands on its section"


def test_ids_are_computed_as_github_computes_them() -> None:
    slugger = anchors.Slugger()
    got = [slugger.slug(h) for h in ["Speech-LM", "Speech LM", "FAQ", "faq", "C #", "हिन्दी", "Ⅻ ½", "a_b"]]
    assert got == ["speech-lm", "speech-lm-1", "faq", "faq-1", "c-", "हिन्दी", "ⅻ-", "a_b"]



def test_docs_pages_ids_are_the_ones_github_gives_their_rendered_headings() -> None:
    """anchors.page_anchors reads a hand-written docs page's source; GitHub reads the rendered headings (no backticks)."""
    pages = sorted(anchors.DOCS.glob("*.md"))
    assert pages
    for page in pages:
        source = page.read_text(encoding="utf-8")
        assert anchors.page_anchors(source) == github_ids(outline(source.encode()).headings), page.name


def test_section_links_readme_to_docs_pages_and_their_headings() -> None:
    links = anchors.docs_links()
    assert links["FAQ"] == "docs/faq.md" and links["Settings"] == "docs/configuration.md#settings"
    assert links["How picks are chosen"] == "docs/interests.md#how-picks-are-chosen"
