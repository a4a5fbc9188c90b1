"""The day pages and the Save button in headless Chromium: the small site with three days of digests, built by
scripts/site.py as the workflow builds it (GITHUB_REPOSITORY set) and served under /REPO/ on 127.0.0.1.

The Save button's links are read, never followed: each GitHub editor URL is decoded back to its file and ids.
Screenshots at 1280 and 390 px go to /work/shots/days/ when that folder can be made (else the test's tmp).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsers import chromium, collect_errors
from site_repo import HOSTILE, make_repo
from site_server import built_for_octo
from test_days import DIGESTS, MIDDLE, NEWEST, OLDEST, PICK, write_digests

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")
LIMIT = 6000  # bytes per editor URL (templates/site/assets/save.js)
SHOTS = Path("/work/shots/days")
MISSING = "no/such/page.html"  # served as 404.html with status 404 (the console's one expected error)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site's base URL, http://127.0.0.1:PORT/REPO/, built for octo/papers on branch main."""
    top = tmp_path_factory.mktemp("days-served")
    root = make_repo(top / "repo")
    write_digests(root, DIGESTS)
    with built_for_octo(root, top) as base:
        yield base


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[playwright_api.Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def page(request: pytest.FixtureRequest, browser: playwright_api.Browser) -> Iterator[playwright_api.Page]:
    """A fresh context (its own localStorage) at each width; a dialog, script error or CSP error fails the test."""
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    context.set_default_timeout(90_000)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    collect_errors(opened, problems, ignore=lambda message: MISSING in message.location["url"])
    yield opened
    context.close()
    assert not problems, problems


def shot(page: playwright_api.Page, name: str, tmp_path: Path, selector: str | None = None) -> None:
    """A full-page screenshot (or of one element) for people to look at, named by page and width."""
    folder = SHOTS
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = tmp_path
    path = str(folder / f"{name}-{page.viewport_size['width']}.png")
    if selector:
        page.locator(selector).screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)


def fits(page: playwright_api.Page) -> None:
    """No sideways scrolling at the page's width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_today_link_from_every_kind_of_page_and_day_to_day(page, served: str, tmp_path: Path) -> None:
    for start in ("index.html", "topics/codec/index.html", "search.html", "starred.html", MISSING):
        page.goto(served + start)
        page.click("a.nav-today")
        page.wait_for_url(served + "today.html")
    assert page.inner_text("h1") == f"Today: new on {NEWEST}"
    fits(page)
    shot(page, "today", tmp_path)
    page.click(f'nav[aria-label="Days, top"] >> text=Previous day: {MIDDLE}')
    page.wait_for_url(served + f"days/{MIDDLE}.html")
    assert page.inner_text("h1") == f"New on {MIDDLE}"
    page.click(f'nav[aria-label="Days, bottom"] >> text=Previous day: {OLDEST}')
    page.wait_for_url(served + f"days/{OLDEST}.html")
    assert page.locator("text=Previous day").count() == 0
    page.click(f'nav[aria-label="Days, top"] >> text=Next day: {MIDDLE}')
    page.click(f'nav[aria-label="Days, top"] >> text=Next day: {NEWEST}')
    page.wait_for_url(served + f"days/{NEWEST}.html")
    page.click('nav[aria-label="Days, top"] >> text=Every day')
    page.wait_for_url(served + "days/index.html")
    assert page.locator("ul.days li a").all_inner_texts() == [NEWEST, MIDDLE, OLDEST]
    fits(page)


def test_picks_first_with_their_reason_hostile_text_inert_and_stars_work(page, served: str, tmp_path: Path) -> None:
    page.goto(served + f"days/{NEWEST}.html")
    headings = page.locator("main h2").all_inner_texts()
    assert headings[:2] == ["Picks for you", "Speech Synthesis"]
    first = page.locator("article.paper").first
    assert first.get_attribute("id") == f"p-{PICK}" and first.locator("h3 a").first.inner_text() == HOSTILE
    because = page.locator("p.because a").first
    assert because.inner_text() == HOSTILE
    assert because.get_attribute("href") == "../topics/speech-synthesis/2024-05.html#p-2405.00007"
    assert page.locator("main img, main script").count() == 0  # the hostile titles are text
    assert '"speech synthesis" in title' in page.locator(".day-topic article").first.text_content()  # why listed
    assert page.locator(".day-topic .also .why").first.inner_text() == 'Why listed: "speech synthesis" in title'
    fits(page)
    shot(page, "day", tmp_path)
    first.locator("button.star").click()
    page.locator(".also a", has_text=HOSTILE).first.click()  # "shown above" jumps to the pick's card
    assert page.evaluate("location.hash") == f"#p-{PICK}"
    page.goto(served + "starred.html")
    assert page.locator("[data-starred-list] li").count() == 1
    (link,) = save_links(page)
    assert link[0] == "Save to my repository"


def save_links(page: playwright_api.Page) -> list[tuple[str, str]]:
    """The Save links shown: (label, href)."""
    page.wait_for_selector("[data-save-status]:not(:empty)")
    links = page.locator("a.save-link")
    return [(links.nth(n).inner_text(), links.nth(n).get_attribute("href") or "") for n in range(links.count())]


def decoded(url: str) -> tuple[str, str, list[str], list[str]]:
    """An editor URL's path, file name, the ids in its file, and its comment lines."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"filename", "value"} and parts.scheme == "https" and parts.netloc == "github.com"
    lines = query["value"][0].split("\n")
    assert lines[-1] == ""
    return (parts.path, query["filename"][0], [line for line in lines[:-1] if not line.startswith("#")],
            [line for line in lines if line.startswith("#")])


def test_many_stars_are_saved_in_parts_each_url_within_the_limit(page, served: str, tmp_path: Path) -> None:
    starred = [f"2601.{n:05d}" for n in range(1000, 2200)] + ["hep-th/9901001", "math.AG/0501001"]
    page.goto(served + "starred.html")
    page.fill("[data-stars-import-text]", "\n".join(starred))
    page.click('[data-stars-action="import-text"]')
    page.wait_for_selector("text=Imported 1202 new stars.")
    links = save_links(page)
    assert len(links) == 3, [label for label, _ in links]
    assert [label for label, _ in links] == [f"Save part {n} of 3" for n in (1, 2, 3)]
    saved: list[str] = []
    for number, (_, url) in enumerate(links, 1):
        assert len(url.encode("utf-8")) <= LIMIT
        path, name, ids, comments = decoded(url)
        assert path == "/octo/papers/new/main"
        assert name.startswith("interests/starred-") and name.endswith(f"-{number}.txt")
        assert comments == [f"# Starred on the site, saved {name[18:28]} (part {number} of 3)"]
        saved += ids
    assert len(saved) == len(set(saved)) and sorted(saved) == sorted(starred)
    assert page.inner_text("[data-save-status]").startswith("1202 ids in 3 files")
    fits(page)
    shot(page, "starred-save", tmp_path, "section.save")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.fill("[data-stars-import-text]", "\n".join(starred[:400]))
    page.click('[data-stars-action="import-text"]')
    page.wait_for_selector("text=Imported 400 new stars.")
    ((label, url),) = save_links(page)
    assert label == "Save to my repository" and sorted(decoded(url)[2]) == sorted(starred[:400])
    assert decoded(url)[1].count("-") == 3  # interests/starred-YYYY-MM-DD.txt: no part number


def encode(text: str) -> str:
    """JavaScript's encodeURIComponent."""
    return urllib.parse.quote(text, safe="-_.!~*'()")


def test_a_url_just_over_the_limit_splits(page, served: str) -> None:
    """The split is by bytes: the most ids one URL holds (worked out here from the URL's form) make one link,
    one id more makes two."""
    page.goto(served + "starred.html")
    date = page.evaluate("(() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]"
                         ".map((n) => String(n).padStart(2, '0')).join('-'); })()")
    base = len("https://github.com/octo/papers/new/main?filename=" + encode(f"interests/starred-{date}.txt")
               + "&value=" + encode(f"# Starred on the site, saved {date}\n"))
    most = (LIMIT - base) // len(encode("2602.00000\n"))
    page.fill("[data-stars-import-text]", "\n".join(f"2602.{n:05d}" for n in range(most)))
    page.click('[data-stars-action="import-text"]')
    page.wait_for_selector(f"text=Imported {most} new stars.")
    ((_, url),) = save_links(page)
    assert LIMIT - 13 < len(url) <= LIMIT and len(decoded(url)[2]) == most
    page.fill("[data-stars-import-text]", f"2602.{most:05d}")
    page.click('[data-stars-action="import-text"]')
    page.wait_for_selector("text=Imported 1 new star.")
    assert [label for label, _ in save_links(page)] == ["Save part 1 of 2", "Save part 2 of 2"]
    page.locator("button.unstar").first.click()  # the links follow the list
    page.wait_for_selector(f"[data-save-status] >> text={most} ids in one file")
    assert len(save_links(page)) == 1


def test_the_branch_goes_in_the_path_segment_by_segment(page, served: str) -> None:
    page.goto(served + "starred.html")
    page.evaluate("document.querySelector('[data-save]').setAttribute('data-branch', 'feature/daily-papers')")
    page.fill("[data-stars-import-text]", "2401.00001 hep-th/9901001")
    page.click('[data-stars-action="import-text"]')
    page.wait_for_selector("text=Imported 2 new stars.")
    ((_, url),) = save_links(page)
    path, name, ids, _ = decoded(url)
    assert path == "/octo/papers/new/feature/daily-papers" and ids == ["2401.00001", "hep-th/9901001"]
    assert "value=%23%20Starred%20on%20the%20site" in url and "hep-th%2F9901001%0A" in url  # encodeURIComponent


def test_only_real_arxiv_ids_are_saved(page, served: str) -> None:
    """Issue 33: stars imported before the import knew arXiv's real shapes (issues/1234567 from a GitHub address,
    1999.99999) were saved with the rest, and every later daily run stopped with exit 2. Save leaves them out
    (core/ids.py real_id's rule, through stars.js) and its status line names them, so the reader can remove them."""
    page.goto(served + "starred.html")
    kept = {paper: {"title": paper, "url": f"https://arxiv.org/abs/{paper}", "bibtex": "", "starred": "2026-12-01"}
            for paper in ("2401.00001", "hep-th/9901001", "issues/1234567", "1999.99999", "cs/0704001")}
    page.evaluate("stars => localStorage.setItem('daily-papers.stars:' + new URL('..', document.querySelector("
                  "'script[src$=\"stars.js\"]').src).pathname, JSON.stringify(stars))", kept)
    page.reload()
    assert page.locator("[data-starred-list] li").count() == 5  # still listed: the reader's to remove
    ((label, url),) = save_links(page)
    assert label == "Save to my repository" and decoded(url)[2] == ["2401.00001", "hep-th/9901001"]
    assert page.inner_text("[data-save-status]") == (
        "2 ids in one file: commit it in GitHub's editor. Left out, not arXiv ids: 1999.99999, cs/0704001, "
        "issues/1234567 (remove them from the list).")
