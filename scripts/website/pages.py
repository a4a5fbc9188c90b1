"""The site's HTML pages, rendered with Jinja2 from templates/site/ with autoescape on for every page.

Every arXiv text reaches the page through autoescape, so a title such as `<img src=x onerror=...>`
is text. The Content-Security-Policy allows scripts only from the site itself: no inline script, no eval.
Issue 17's parts (why listed, stars, cite, similar papers, trends, hidden papers) come from
website.extras and are drawn by the macros of templates/site/_extras.html.j2 (the global `x`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from core import ids, templates
from website import days
from website.extras import Extras
from website.model import TOPIC_LATEST, Page, Site, TopicSite, venue_groups

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "site"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; worker-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'")
FILTERS = (("topic", "Topic"), ("year", "Year"), ("month", "Month"), ("category", "Category"), ("venue", "Venue"),
           ("code", "Code"), ("demo", "Demo"))
HIDDEN_INLINE = 50  # hidden papers listed on a topic's page; more get a page of their own (hidden.html)
SIMILAR_TITLE = 72  # characters of a similar paper's title shown in its link
BIB_LIMIT = 4_000_000  # bytes per .bib file: a bigger topic's BibTeX is split into numbered parts


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Jinja2 for HTML: autoescape always on, undefined names are errors, templates compiled once; the
    extras' macros imported once as the global `x` (not once per paper)."""
    env = templates.environment(TEMPLATES, autoescape=True, keep_trailing_newline=False)
    env.globals["link"] = link
    env.globals["similar_list"] = similar_list
    env.globals["x"] = env.get_template("_extras.html.j2").module
    return env


def link(site: Site, paper_id: str, root: str, here: str) -> str:
    """The address of a paper's stable anchor from a page in folder `here` ('topics/tts/'), kept short:
    '2024-05.html#p-…' within the folder, '../codec/…' from another topic's folder, else from the top."""
    target = site.home[paper_id]
    if here and target.startswith(here):
        return target[len(here):]
    if here.startswith("topics/") and target.startswith("topics/"):
        return "../" + target[len("topics/"):]
    return root + target


def short_title(title: str, limit: int = SIMILAR_TITLE) -> str:
    """A title cut at a word before `limit` characters, with an ellipsis (similar papers' links stay short)."""
    if len(title) <= limit:
        return title
    cut = title[:limit - 1].rsplit(" ", 1)[0] or title[:limit - 1]
    return cut.rstrip() + "…"


def similar_list(site: Site, extras: Extras, paper_id: str, root: str, here: str) -> Markup:
    """A paper's folded list of similar papers, each a link to its stable anchor, every text escaped by
    markupsafe (as autoescape does). Made in Python: as Jinja macros, these links took 3.5 s of 8 at 40,000 papers."""
    items = "".join(f'<li><a href="{escape(link(site, other, root, here))}">'
                    f'{escape(short_title(site.entries[other].title))}</a></li>'
                    for other in extras.similar.get(paper_id, ()))
    if not items:
        return Markup("")
    return Markup(f'<details class="similar"><summary>Similar</summary>\n<ol>{items}</ol>\n</details>')


def render(name: str, site: Site, root: str, here: str = "", **context: object) -> bytes:
    """One page; root is the way back to the site's top ('' or '../../'), so the site works under any path;
    here is the page's folder from the top ('topics/tts/'), so links within it can be short."""
    html = environment().get_template(name).render(site=site, root=root, here=here, csp=CSP, **context)
    return html.encode("utf-8")


def bib_names(topic: TopicSite, parts: int) -> list[str]:
    """File names of a topic's .bib parts, in its folder: slug.bib, then slug-2.bib, ... for older papers."""
    return [f"{topic.slug}.bib" if n == 1 else f"{topic.slug}-{n}.bib" for n in range(1, parts + 1)]


def topic_pages(site: Site, extras: Extras, topic: TopicSite) -> Iterator[tuple[str, bytes]]:
    """A topic's front page (latest papers, trend, .bib, hidden papers, every month), one page per month
    or part, its .bib file(s), and hidden.html when it hides more papers than its front page lists."""
    root, here = "../../", f"{topic.directory}/"
    bibs = extras.bib_parts(topic.name, BIB_LIMIT)
    names = bib_names(topic, len(bibs))
    reasons = extras.reasons[topic.name]
    yield f"{topic.directory}/index.html", render("topic.html.j2", site, root, here, topic=topic, latest=TOPIC_LATEST,
                                                  extras=extras, bibs=names, hidden_shown=HIDDEN_INLINE)
    for name, text in zip(names, bibs):
        yield f"{topic.directory}/{name}", text.encode("utf-8")
    if len(reasons.hidden) > HIDDEN_INLINE:
        yield f"{topic.directory}/hidden.html", render("hidden.html.j2", site, root, here, topic=topic, extras=extras)
    pages: list[Page | None] = [None, *topic.pages, None]
    for newer, page, older in zip(pages, pages[1:], pages[2:]):
        assert page is not None
        yield (f"{topic.directory}/{page.file}",
               render("page.html.j2", site, root, here, topic=topic, page=page, newer=newer, older=older, extras=extras))


def all_pages(site: Site, extras: Extras, site_path: str = "/", share: tuple[int, int] = (0, 1)
              ) -> Iterator[tuple[str, bytes]]:
    """Every HTML page of the site (and each topic's .bib) as (path, bytes), one at a time; site_path is where
    the site is served. share (k, n): only the k-th of n even shares of the topics (the rest only in share 0)."""
    if share[0] == 0:
        yield "index.html", render("index.html.j2", site, "", extras=extras)
        yield "search.html", render("search.html.j2", site, "", filters=FILTERS)
        yield "venues.html", render("venues.html.j2", site, "", venues=venue_groups(site.entries.values()))
        yield "starred.html", render("starred.html.j2", site, "", arxiv=ids.page_rule())
        yield "404.html", render("404.html.j2", site, site_path)  # served at any missing address: links from the top
    yield from day_pages(site, extras, share)
    for topic in shares(site.topics, share[1])[share[0]]:
        yield from topic_pages(site, extras, topic)


def day_pages(site: Site, extras: Extras, share: tuple[int, int] = (0, 1)) -> Iterator[tuple[str, bytes]]:
    """today.html (the newest day, or a line saying there is none yet) and days/index.html in share 0; each day's
    page days/YYYY-MM-DD.html, every n-th in share k, each linking the newer and older day."""
    if share[0] == 0:
        newest = site.days[0] if site.days else None
        older = site.days[1] if len(site.days) > 1 else None
        yield "today.html", render("day.html.j2", site, "", day=newest, newer=None, older=older, extras=extras,
                                   today=True, recent=site.days[:days.RECENT], folder=f"{days.FOLDER}/")
        yield f"{days.FOLDER}/index.html", render("days.html.j2", site, "../", f"{days.FOLDER}/")
    for number, (newer, day, older) in enumerate(days.neighbours(site.days)):
        if number % share[1] == share[0]:
            yield (f"{days.FOLDER}/{day.file}", render("day.html.j2", site, "../", f"{days.FOLDER}/", day=day,
                                                        newer=newer, older=older, extras=extras, today=False,
                                                        recent=[], folder=""))


def shares(topics: list[TopicSite], count: int) -> list[list[TopicSite]]:
    """The topics in `count` groups of about as many papers each (biggest first, each to the lightest group)."""
    groups: list[list[TopicSite]] = [[] for _ in range(count)]
    weights = [0] * count
    for topic in sorted(topics, key=lambda t: len(t.papers), reverse=True):
        lightest = weights.index(min(weights))
        groups[lightest].append(topic)
        weights[lightest] += len(topic.papers) + 1
    return groups
