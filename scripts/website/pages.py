"""The site's HTML pages, rendered with Jinja2 from templates/site/ with autoescape on for every page.

Every arXiv text reaches the page through autoescape, so a title such as `<img src=x onerror=...>`
is text. The Content-Security-Policy allows scripts only from the site itself: no inline script, no eval.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterator

import jinja2

from website.model import TOPIC_LATEST, Page, Site, TopicSite

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "site"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; worker-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'")
FILTERS = (("topic", "Topic"), ("year", "Year"), ("month", "Month"), ("category", "Category"), ("code", "Code"))


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Jinja2 for HTML: autoescape always on, undefined names are errors, templates compiled once."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def render(name: str, site: Site, root: str, **context: object) -> bytes:
    """One page; root is the way back to the site's top ('' or '../../'), so the site works under any path."""
    html = environment().get_template(name).render(site=site, root=root, csp=CSP, **context)
    return html.encode("utf-8")


def topic_pages(site: Site, topic: TopicSite) -> Iterator[tuple[str, bytes]]:
    """A topic's front page (latest papers, every month) and one page per month or part."""
    root = "../../"
    yield f"{topic.directory}/index.html", render("topic.html.j2", site, root, topic=topic, latest=TOPIC_LATEST)
    pages: list[Page | None] = [None, *topic.pages, None]
    for newer, page, older in zip(pages, pages[1:], pages[2:]):
        assert page is not None
        yield (f"{topic.directory}/{page.file}",
               render("page.html.j2", site, root, topic=topic, page=page, newer=newer, older=older))


def all_pages(site: Site, site_path: str = "/") -> Iterator[tuple[str, bytes]]:
    """Every HTML page of the site as (path, bytes), one at a time; site_path is where the site is served."""
    yield "index.html", render("index.html.j2", site, "")
    yield "search.html", render("search.html.j2", site, "", filters=FILTERS)
    yield "404.html", render("404.html.j2", site, site_path)  # served at any missing address: links from the top
    for topic in site.topics:
        yield from topic_pages(site, topic)
