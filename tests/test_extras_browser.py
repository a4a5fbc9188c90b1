"""Issue 17's parts in a real headless Chromium: stars (star, reload, export, import), copied BibTeX,
similar papers, hidden papers with reasons, the trend chart; pages built from the real modules and
the site's macros (templates/site/_extras.html.j2), served on 127.0.0.1 under a CSP with no inline script.

Until the site (scripts/site.py) renders these macros itself, this test builds two small pages with them.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import bibtexparser
import jinja2
import pytest
from playwright.sync_api import expect

import config as cfg
from conftest import REPO, write_keywords
from website.extras import Extras, build_extras

LABELLED = Path(__file__).parent / "fixtures" / "labelled_papers.json"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"
TOPICS = [
    {"name": "Speech", "query": '"speech synthesis" OR TTS OR "text-to-speech" OR "audio captioning" OR captions'},
    {"name": "Science", "query": "protein OR traffic OR robot OR quantum", "exclude": ["reinforcement learning"]},
]
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<title>{{ title }}</title>
<script src="assets/stars.js" defer></script>
</head><body><main>
<h1>{{ title }}</h1>
{% if topic %}
{{ x.trend(extras, topic) }}
{% for paper, reason in extras.reasons[topic].listed %}
<article class="paper" id="p-{{ paper.id }}">
<h2>{{ paper.title }}</h2>
{{ x.why_listed(reason) }}
{{ x.star_button(paper, href(paper.id)) }}
{{ x.cite(paper, extras) }}
{{ x.similar_list(paper, extras, href, title_of) }}
</article>
{% endfor %}
{{ x.hidden_papers(extras.reasons[topic]) }}
{% else %}
{{ x.starred_view() }}
{% endif %}
</main></body></html>
"""


def browser_or_skip() -> str:
    """The system Chromium; in CI a missing browser fails the test instead of skipping it."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} missing: CI must run browser tests (apt-get install chromium)")
    pytest.skip("no browser: install one with `apt-get install chromium` to run the site's browser tests")


def papers_for_test() -> list[dict[str, Any]]:
    """The labelled papers, assigned to topics as a fetch would: speech and captioning papers (and two
    quantum papers arXiv matched loosely) found for Speech; the rest found for Science."""
    papers = json.loads(LABELLED.read_text(encoding="utf-8"))
    for paper in papers:
        speech = paper["subject"] in ("tts", "caption")
        paper["topics"] = ["Speech"] if speech else ["Science"]
    quantum = [p for p in papers if p["subject"] == "quantum"]
    quantum[0]["topics"].append("Speech")
    quantum[1]["topics"].append("Speech")
    return papers


def build_site(root: Path, papers: list[dict[str, Any]]) -> Extras:
    """Two topic pages and a Starred page from the real modules and macros, plus stars.js."""
    write_keywords(root, TOPICS)
    config = cfg.load(root / "keywords.yaml")
    extras = build_extras(config, papers)
    by_id = {p["id"]: p for p in papers}
    page_of = {p["id"]: slug(name) for name, r in extras.reasons.items() for p, _ in r.listed}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "templates" / "site"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    page = env.from_string("{% import '_extras.html.j2' as x %}" + PAGE)
    site = root / "site"
    (site / "assets").mkdir(parents=True)
    shutil.copy(REPO / "templates" / "site" / "assets" / "stars.js", site / "assets" / "stars.js")
    common = {"csp": CSP, "extras": extras, "href": lambda i: f"{page_of[i]}.html#p-{i}",
              "title_of": lambda i: by_id[i]["title"]}
    for topic in config.topics:
        (site / f"{slug(topic.name)}.html").write_text(page.render(title=topic.name, topic=topic.name, **common))
        (site / f"{slug(topic.name)}.bib").write_text(extras.bib_files[topic.name])
    (site / "starred.html").write_text(page.render(title="Starred", topic=None, **common))
    return extras


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Extras, list[dict[str, Any]]]]:
    """The built pages over HTTP on 127.0.0.1."""
    root = tmp_path_factory.mktemp("extras")
    papers = papers_for_test()
    extras = build_site(root, papers)
    handler = functools.partial(Quiet, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", extras, papers
    finally:
        server.shutdown()
        server.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser: Any, errors: list[str]) -> Any:
    """A page in a fresh context (a fresh 'machine': its own localStorage), collecting script errors and CSP reports."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return page


def starred_ids(page: Any) -> list[str]:
    return page.locator("[data-starred-list] li").evaluate_all("els => els.map(e => e.dataset.paperId)")


def test_star_reload_export_import(browser: Any, served: tuple, tmp_path: Path) -> None:
    base, extras, papers = served
    errors: list[str] = []
    page = new_page(browser, errors)
    page.goto(f"{base}/speech.html")
    listed = [p["id"] for p, _ in extras.reasons["Speech"].listed]
    first, second = listed[0], listed[3]
    for paper_id in (first, second):
        button = page.locator(f'button.star[data-paper-id="{paper_id}"]')
        assert button.is_visible()
        button.click()
        assert button.get_attribute("aria-pressed") == "true"
    page.reload()
    assert page.locator('button.star[aria-pressed="true"]').evaluate_all(
        "els => els.map(e => e.dataset.paperId)") == [first, second]
    page.locator(f'button.star[data-paper-id="{second}"]').click()  # unstar, then star again
    page.locator(f'button.star[data-paper-id="{second}"]').click()

    page.goto(f"{base}/starred.html")
    assert sorted(starred_ids(page)) == sorted([first, second])
    titles = page.locator("[data-starred-list] li a").all_inner_texts()
    assert sorted(titles) == sorted(p["title"] for p in papers if p["id"] in (first, second))
    link = page.locator(f'[data-starred-list] li[data-paper-id="{first}"] a').get_attribute("href")
    assert link == f"{base}/speech.html#p-{first}"

    with page.expect_download() as download:
        page.get_by_role("button", name="Export BibTeX").click()
    bib = tmp_path / "starred.bib"
    download.value.save_as(bib)
    library = bibtexparser.parse_string(bib.read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert sorted(e["eprint"] for e in library.entries) == sorted([first, second])
    assert {e.key for e in library.entries} == {extras.keys[first], extras.keys[second]}
    with page.expect_download() as download:
        page.get_by_role("button", name="Export arXiv ids").click()
    ids = tmp_path / "ids.txt"
    download.value.save_as(ids)
    assert sorted(ids.read_text().split()) == sorted([first, second])

    other = new_page(browser, errors)  # another machine: nothing starred yet
    other.goto(f"{base}/starred.html")
    assert starred_ids(other) == []
    other.locator('input[data-stars-action="import-file"]').set_input_files(str(bib))
    expect(other.locator("[data-starred-list] li")).to_have_count(2)
    assert sorted(other.locator("[data-starred-list] li a").all_inner_texts()) == sorted(titles)
    assert "Imported 2 new stars" in other.locator("[data-stars-status]").inner_text()
    other.reload()
    assert sorted(starred_ids(other)) == sorted([first, second])

    third = new_page(browser, errors)  # a third machine imports the id list by pasting it
    third.goto(f"{base}/starred.html")
    third.locator("[data-stars-import-text]").fill(ids.read_text())
    third.get_by_role("button", name="Import", exact=True).click()
    assert sorted(starred_ids(third)) == sorted([first, second])
    third.goto(f"{base}/speech.html")  # the topic page fills in titles and BibTeX of imported stars
    assert third.locator(f'button.star[data-paper-id="{first}"]').get_attribute("aria-pressed") == "true"
    third.goto(f"{base}/starred.html")
    assert third.locator(f'[data-starred-list] li[data-paper-id="{first}"] a').inner_text() == \
        next(p["title"] for p in papers if p["id"] == first)
    with third.expect_download() as download:
        third.get_by_role("button", name="Export BibTeX").click()
    again = tmp_path / "again.bib"
    download.value.save_as(again)
    assert {e.key for e in bibtexparser.parse_string(again.read_text(encoding="utf-8")).entries} >= {extras.keys[first]}
    assert errors == []


def test_copied_bibtex_parses_and_names_the_id(browser: Any, served: tuple) -> None:
    base, extras, _ = served
    errors: list[str] = []
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/science.html")
    paper_id = next(p["id"] for p, _ in extras.reasons["Science"].listed)
    page.locator(f'article[id="p-{paper_id}"] details.cite summary').click()
    page.locator(f'button.copy-bibtex[data-paper-id="{paper_id}"]').click()
    expect(page.locator(f'button.copy-bibtex[data-paper-id="{paper_id}"]')).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    library = bibtexparser.parse_string(copied)
    assert not library.failed_blocks and len(library.entries) == 1
    assert library.entries[0]["eprint"] == paper_id and library.entries[0]["archivePrefix"] == "arXiv"
    assert errors == []
    context.close()


def test_similar_papers_link_the_labelled_neighbours(browser: Any, served: tuple) -> None:
    base, extras, papers = served
    subject = {p["id"]: p["subject"] for p in papers}
    page = new_page(browser, [])
    page.goto(f"{base}/speech.html")
    known = next(p["id"] for p in papers if p["title"].startswith("Zero-Shot Text-to-Speech"))
    neighbour = next(p["id"] for p in papers if p["title"].startswith("Streaming Text-to-Speech"))
    block = page.locator(f'details.similar[data-paper-id="{known}"]')
    block.locator("summary").click()
    links = block.locator("a")
    shown = links.evaluate_all("els => els.map(e => e.dataset.paperId)")
    assert neighbour in shown
    assert subject[shown[0]] == "tts"
    links.first.click()
    page.wait_for_url(f"**#p-{shown[0]}")
    assert page.locator(f'article[id="p-{shown[0]}"]').is_visible()


def test_hidden_papers_show_their_reasons(browser: Any, served: tuple) -> None:
    base, extras, papers = served
    page = new_page(browser, [])
    page.goto(f"{base}/science.html")
    hidden = page.locator("details.hidden-papers")
    assert "Show 5 hidden papers" in hidden.locator("summary").inner_text()
    assert not hidden.locator(".reason").first.is_visible()
    hidden.locator("summary").click()
    reasons = dict(zip(hidden.locator("li").evaluate_all("els => els.map(e => e.dataset.paperId)"),
                       hidden.locator(".reason").all_inner_texts()))
    robots = {p["id"] for p in papers if p["subject"] == "robot" and "reinforcement learning" in p["abstract"]}
    assert set(reasons) == robots
    assert all(r == 'hidden: excluded by "reinforcement learning" in abstract' or
               r == 'hidden: excluded by "reinforcement learning" in title' for r in reasons.values())
    page.goto(f"{base}/speech.html")
    page.locator("details.hidden-papers summary").click()
    texts = page.locator("details.hidden-papers .reason").all_inner_texts()
    assert texts == ["hidden: no query term occurs as a whole word in the title or abstract"] * 2
    why = page.locator("article.paper .why").first.inner_text()
    assert why.startswith("Why listed: ") and " in " in why


def test_chart_numbers_equal_the_store_counts(browser: Any, served: tuple) -> None:
    base, extras, papers = served
    page = new_page(browser, [])
    for topic in ("Speech", "Science"):
        page.goto(f"{base}/{slug(topic)}.html")
        bars = page.locator("svg.trend rect").evaluate_all(
            "els => els.map(e => [e.dataset.month, Number(e.dataset.count)])")
        listed = [p for p, _ in extras.reasons[topic].listed]
        expected: dict[str, int] = {}
        for paper in listed:
            expected[paper["updated"][:7]] = expected.get(paper["updated"][:7], 0) + 1
        assert {m: c for m, c in bars if c} == expected
        label = page.locator("svg.trend").get_attribute("aria-label")
        assert label.startswith(f"{topic}: {len(listed)} papers from ")
