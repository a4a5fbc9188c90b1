"""Issue 34's site in headless Chromium, on the small site with three days of digests (test_days_browser's fixture):
search results are paper cards with Star and an Abstract fold, their filters folded on a phone, the nav's star count
follows the stars, and the newest digest's papers are marked "new" in the results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsers import chromium, watched_page
from test_days import DIGESTS, NEWEST
from test_days_browser import served  # noqa: F401 - the module's fixture

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")
NEW = {i for ids in DIGESTS[NEWEST]["new"].values() for i in ids} | {p["id"] for p in DIGESTS[NEWEST]["picks"]}


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[playwright_api.Browser]:  # noqa: F811
    with chromium() as launched:
        yield launched


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def page(request: pytest.FixtureRequest, browser: playwright_api.Browser) -> Iterator[playwright_api.Page]:
    with watched_page(browser, request.param, 900 if request.param > 390 else 844) as opened:
        opened.width = request.param
        yield opened


def results(page: playwright_api.Page, served: str, query: str) -> None:  # noqa: F811
    page.goto(f"{served}search.html?q={query}")
    page.wait_for_selector("#results > li article.paper button.star[aria-pressed][data-drawn]")


def test_search_results_are_paper_cards_with_star_and_abstract_fold(page, served: str) -> None:  # noqa: F811
    results(page, served, "speech")
    cards = page.locator("#results > li > article.paper")
    assert cards.count() == page.locator("#results > li").count() == 10
    first = cards.first
    assert first.locator(".links button.star").count() == 1 and first.locator(".links details summary").inner_text() == "Abstract"
    first.locator(".links details summary").click()
    assert first.locator(".links details p").last.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width


def test_filters_are_folded_on_a_phone_and_open_on_a_wide_screen(page, served: str) -> None:  # noqa: F811
    results(page, served, "speech")
    fold = page.locator("#filters-fold")
    if page.width == 390:
        assert fold.get_attribute("open") is None and not page.is_visible("#f-topic")
        assert page.locator("#results > li").first.bounding_box()["y"] < 844 / 2  # the first result, near the top
        fold.locator("summary").click()
        page.select_option("#f-topic", "Codec")
        page.wait_for_selector('#results[data-query*="topic=Codec"]', state="attached")
        assert page.inner_text("#filters-chosen") == " (1 chosen)"
    else:
        assert fold.get_attribute("open") == "" and page.is_visible("#f-topic")


def test_the_nav_counts_the_stars_as_they_change(page, served: str) -> None:  # noqa: F811
    results(page, served, "speech")
    count = page.locator(".nav-starred [data-star-count]")
    assert count.inner_text() == ""
    stars = page.locator("#results button.star")
    stars.nth(0).click()
    stars.nth(1).click()
    assert count.inner_text() == "2" and stars.nth(0).get_attribute("aria-pressed") == "true"
    stars.nth(0).click()
    assert count.inner_text() == "1"
    page.goto(served + "starred.html")
    assert page.locator(".nav-starred [data-star-count]").inner_text() == "1"
    assert page.locator("#save-h").bounding_box()["y"] < page.locator("#stars-import-text").bounding_box()["y"]


def test_new_markers_in_search_results_are_exactly_the_newest_digests_papers(page, served: str) -> None:  # noqa: F811
    results(page, served, "speech")
    while page.is_visible("#more"):
        shown = page.locator("#results > li").count()
        page.click("#more")
        page.wait_for_selector(f"#results > li:nth-child({shown + 1})")
    cards = page.eval_on_selector_all("#results article.paper", """cards => cards.map(c => [
        c.querySelector('button.star').dataset.paperId, c.querySelector('.meta .new')?.textContent || ''])""")
    assert any(marker for _, marker in cards) and not all(marker for _, marker in cards)
    for paper, marker in cards:
        assert marker == (f"new {NEWEST}" if paper in NEW else ""), paper


def test_corrupt_stored_stars_are_skipped_not_fatal(page, served: str) -> None:  # noqa: F811
    """Issue 34 review: a null or numeric entry threw before the nav count and the Starred list were drawn, and keys
    that are no ids counted as stars."""
    page.goto(served + "starred.html")
    page.evaluate("""() => { for (const key of Object.keys(localStorage)) localStorage.removeItem(key);
        const key = "daily-papers.stars:" + new URL("..", document.querySelector("script[src*='stars.js']").src).pathname;
        localStorage.setItem(key, JSON.stringify({"2601.00001": null, "2601.00002": {"starred": 5},
            "2601.00003": {"starred": "2026-01-03T00:00:00Z", "title": "Kept"}, "junk": {}, "x<img>": 1})); }""")
    page.reload()
    assert page.locator(".nav-starred [data-star-count]").inner_text() == "1"
    assert page.inner_text("[data-starred-count]") == "1 starred paper"
