"""The site in a real browser: headless Chromium (Playwright) on the small site served from 127.0.0.1.

Uses the system's Chromium (Debian package `chromium`, which .ci/run installs) or Playwright's own.
In CI (CI=true) these tests must run: a missing browser fails them. Elsewhere they skip, saying how
to install one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsers import chromium, watched_page
from site_repo import BOTH_ID, HOSTILE, HOSTILE_MODEL, HOSTILE_TLDR, STALE_ID, UNIQUE_ID, UNIQUE_WORD
from site_server import served  # noqa: F401 - the fixture

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")

@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[playwright_api.Browser]:  # noqa: F811
    """Headless Chromium for this module's tests (the site is built first: Playwright runs an event loop)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: playwright_api.Browser) -> Iterator[playwright_api.Page]:
    """A fresh 390 px wide page; any dialog, script error or console error (a CSP violation) fails the test."""
    with watched_page(browser, 390, 844, dialogs=True) as opened:
        yield opened


def search(page: playwright_api.Page, base: str, query: str = "") -> None:
    """Open the search page with a query string and wait until its results are shown."""
    page.goto(f"{base}search.html{query}")
    wait_for_results(page)


def wait_for_results(page: playwright_api.Page) -> None:
    """Wait until the results on screen are those of the URL now in the address bar.

    (A selector, not wait_for_function: the site's policy forbids the eval that one needs. The address
    is read in the page: page.url learns of history.replaceState only later.)
    """
    shown = page.evaluate("location.pathname + location.search")
    page.wait_for_selector(f'#results[data-query="{shown}"]', state="attached")


def result_count(page: playwright_api.Page) -> int:
    """How many papers the search found (the status line; only the first page of them is shown)."""
    return int(page.inner_text("#status").split()[0])


def result_ids(page: playwright_api.Page) -> list[str]:
    """The arXiv ids of the results shown, in order."""
    return page.eval_on_selector_all("#results h3 a", "links => links.map(a => a.href.split('#p-')[1])")


def test_a_word_only_in_one_abstract_finds_that_paper_highlighted(page, served: str) -> None:  # noqa: F811
    page.goto(served + "search.html")
    page.wait_for_selector("#status:not(:empty)")
    page.fill("#q", UNIQUE_WORD)
    wait_for_results(page)
    assert result_ids(page) == [UNIQUE_ID]
    assert page.inner_text("#results mark").lower() == UNIQUE_WORD
    assert page.evaluate("location.search") == f"?q={UNIQUE_WORD}"
    page.click("#results h3 a")
    page.wait_for_url(f"**/topics/speech-synthesis/2024-05.html#p-{UNIQUE_ID}")
    assert page.is_visible(f'[id="p-{UNIQUE_ID}"]')


@pytest.mark.parametrize("name,value", [("topic", "Codec"), ("year", "2025"), ("month", "2024-05"),
                                        ("category", "cs.CL"), ("code", "yes")])
def test_each_filter_narrows_the_results(page, served: str, name: str, value: str) -> None:  # noqa: F811
    search(page, served, "?q=speech")
    everything = result_count(page)
    page.click("#filters-fold > summary")  # a phone keeps the filters folded
    page.select_option(f"#f-{name}", value)
    wait_for_results(page)
    assert 0 < result_count(page) < everything and len(result_ids(page)) == min(result_count(page), 10)
    assert f"{name}={value}" in page.evaluate("location.search")
    for item in page.query_selector_all("#results li"):
        line = item.query_selector(".meta").text_content()  # a phone hides the categories
        if name in ("topic", "category"):
            assert value in line
        elif name in ("year", "month"):
            assert f" · {value}" in line
        else:
            assert item.query_selector("text=Code") is not None


def test_filters_alone_list_newest_first(page, served: str) -> None:  # noqa: F811
    search(page, served, "?topic=Codec")
    ids = result_ids(page)
    assert ids[0] == BOTH_ID and len(ids) == 7
    dates = page.eval_on_selector_all("#results .meta", "lines => lines.map(l => l.textContent.split(' · ')[1])")
    assert dates == sorted(dates, reverse=True)


def test_more_results_shows_the_next_page(page, served: str) -> None:  # noqa: F811
    search(page, served, "?q=speech")
    total = result_count(page)
    assert total > 10 and len(result_ids(page)) == 10
    page.click("#more")
    page.wait_for_selector(f"#results li:nth-child({min(total, 20)})")
    assert len(set(result_ids(page))) == min(total, 20) and page.is_hidden("#more") == (total <= 20)


def test_reload_and_back_keep_the_query_and_filters(page, served: str) -> None:  # noqa: F811
    search(page, served)
    page.fill("#q", "synthesis")
    wait_for_results(page)
    page.click("#filters-fold > summary")
    page.select_option("#f-year", "2024")
    wait_for_results(page)
    shown = result_ids(page)
    page.reload()
    wait_for_results(page)
    assert page.input_value("#q") == "synthesis" and page.input_value("#f-year") == "2024"
    assert result_ids(page) == shown
    page.click("#results h3 a")
    page.wait_for_url("**/topics/**")
    page.go_back()
    wait_for_results(page)
    assert page.input_value("#q") == "synthesis" and page.input_value("#f-year") == "2024"
    assert result_ids(page) == shown
    page.go_back()  # before the year was chosen
    wait_for_results(page)
    assert page.input_value("#f-year") == "" and result_count(page) > len(shown)


def test_hostile_title_is_text_and_runs_nothing(page, served: str) -> None:  # noqa: F811
    search(page, served, "?q=hostile")
    assert page.inner_text("#results h3 a") == HOSTILE
    assert page.inner_text("#results li:has(h3 a) .tldr >> nth=0") == f"TL;DR (AI, {HOSTILE_MODEL}) {HOSTILE_TLDR}"
    assert page.locator("#results img, #results script, #results a[href^=javascript], #results b").count() == 0
    page.goto(served + "topics/speech-synthesis/2026-01-2.html")
    assert HOSTILE in page.inner_text("main")
    hostile_card = page.locator("article.paper", has=page.locator("h3", has_text=HOSTILE))
    assert hostile_card.locator("p.tldr").inner_text() == f"TL;DR (AI, {HOSTILE_MODEL}) {HOSTILE_TLDR}"  # text too
    assert page.locator("main a[href^=javascript], main b, main [onmouseover]").count() == 0
    page.hover(".tldr")
    page.goto(served + "index.html")
    assert HOSTILE in page.inner_text("main") and page.locator("main img").count() == 0
    # the page fixture fails the test on any dialog (alert) or script error


def test_a_v2_with_only_its_v1_summary_shows_its_key_sentence_in_results_and_on_its_card(page, served: str) -> None:  # noqa: F811,E501
    search(page, served, "?q=streaming")
    assert STALE_ID in result_ids(page)
    stale = page.locator("#results li", has=page.locator(f"h3 a[href$='#p-{STALE_ID}']"))
    assert stale.count() == 1 and stale.locator(".tldr .tldr-label").inner_text() == "Key sentence"
    assert "v2 no longer" not in page.inner_text("#results")
    page.goto(stale.locator("h3 a").first.get_attribute("href"))  # the result's link: its card on a topic page
    card = page.locator(f"article[id='p-{STALE_ID}']")
    assert card.count() == 1 and card.locator("p.tldr .tldr-label").inner_text() == "Key sentence"
    assert "v2 no longer" not in page.inner_text("main")


@pytest.mark.parametrize("path", ["index.html", "search.html?q=speech", "topics/speech-synthesis/index.html",
                                  "topics/speech-synthesis/2026-01.html", "404.html"])
def test_390_px_wide_has_no_horizontal_scroll(page, served: str, path: str) -> None:  # noqa: F811
    page.goto(served + path)
    if path.startswith("search"):
        wait_for_results(page)
    page.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_slash_focuses_search_and_dark_mode_follows_the_system(page, served: str) -> None:  # noqa: F811
    page.goto(served + "topics/codec/index.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "quick-q"
    page.keyboard.type("codec")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=codec")
    wait_for_results(page)
    assert page.input_value("#q") == "codec" and result_ids(page)
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)" and dark != light


TRICKY_TEXTS = ["Zero-Shot TTS: VALL-E 2, x_vector", "ｆｕｌｌ－ｗｉｄｔｈ", "İstanbul ΣΊΣΥΦΟΣ Straße", "nai\u0308ve cafe\u0301",
                "日本語の音声合成", "emoji🙂speech", "हिन्दी भाषा", "٣٤ digits ²", "a" * 41 + " ok", HOSTILE]


def test_the_page_finds_words_as_the_index_does(page, served: str) -> None:  # noqa: F811
    """search.js splits a query into words exactly as search.py split the papers when indexing."""
    from website import search as index

    page.goto(served + "search.html")
    page.wait_for_selector("#status:not(:empty)")
    split = page.evaluate("async texts => { const m = await import('./assets/search.js'); "
                          "return texts.map(text => m.words(text)); }", TRICKY_TEXTS)
    assert split == [index.words(text) for text in TRICKY_TEXTS]


def test_a_word_finds_the_words_it_begins_highlighted(page, served: str) -> None:  # noqa: F811
    search(page, served, "?q=token")  # the codec papers say "tokens"
    assert result_count(page) == 6 and page.inner_text("#results mark").lower() == "tokens"
    search(page, served, "?q=to")  # two letters match whole words only
    assert page.inner_text("#status") == "No paper matches."
