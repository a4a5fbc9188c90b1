"""Issue 35's search in headless Chromium: the venue, has-code and has-demo filters with their counts, the
`venue:` and `has:` operators typed in the box, a shared link restoring them, and result cards with the venue chip
and the authors' labelled links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsers import chromium, watched_page
from conftest import write_repo
from site_repo import TOPICS
from site_server import serving
from test_site_browser import result_count, result_ids, search, wait_for_results
from test_site_venues import HOSTILE_LINKS, ICASSP_SUBMITTED, INTERSPEECH_NEW, INTERSPEECH_OLD, venue_papers

from website import build

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small store with the venue papers, built and served under /REPO/."""
    top = tmp_path_factory.mktemp("venues-served")
    root = write_repo(top / "repo", TOPICS, venue_papers())
    assert build.main([str(top / "site"), "--root", str(root), "-q"]) == 0
    with serving(top) as base:
        yield base


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[playwright_api.Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: playwright_api.Browser) -> Iterator[playwright_api.Page]:
    """A fresh wide page (the filters fold is open); a dialog or script error fails the test."""
    with watched_page(browser, 1280, 900, dialogs=True) as opened:
        yield opened


def options(page: playwright_api.Page, name: str) -> list[str]:
    """A filter's options as shown, with their counts."""
    return page.eval_on_selector_all(f"#f-{name} option", "found => found.map(o => o.textContent)")


def test_the_venue_and_demo_filters_show_counts_and_narrow(page, served: str) -> None:  # noqa: F811
    search(page, served, "?q=synthesis")
    assert options(page, "venue") == ["Any", "ICASSP (1)", "Interspeech (2)"]
    assert options(page, "demo")[1:] == ["with a demo (2)", f"without a demo ({result_count(page) - 2})"]
    page.select_option("#f-venue", "Interspeech")
    wait_for_results(page)
    assert result_ids(page) == [INTERSPEECH_NEW, INTERSPEECH_OLD]
    assert "venue=Interspeech" in page.evaluate("location.search")
    assert options(page, "demo")[1:] == ["with a demo (1)", "without a demo (1)"]  # counts among the venue's papers
    page.select_option("#f-demo", "yes")
    wait_for_results(page)
    assert result_ids(page) == [INTERSPEECH_NEW]
    chips = page.eval_on_selector_all("#results .venue", "found => found.map(c => c.textContent)")
    assert chips == ["Interspeech 2025"]
    links = page.eval_on_selector_all("#results a.plink", "found => found.map(a => [a.textContent, a.href, a.title])")
    assert links == [["🔊 Demo", "https://anon.github.io/tts-demo/", "anon.github.io"],
                     ["Code", "https://github.com/lab/tts", "github.com"]]


@pytest.mark.parametrize("query,expected", [
    ("venue:interspeech", [INTERSPEECH_NEW, INTERSPEECH_OLD]),
    ("venue:Interspeech2024", [INTERSPEECH_OLD]),
    ("venue:icassp synthesis", [ICASSP_SUBMITTED]),
    ("has:demo", [ICASSP_SUBMITTED, INTERSPEECH_NEW]),
    ("has:demo has:code", [INTERSPEECH_NEW]),
    ("odd has:code", [HOSTILE_LINKS]),
    ("venue:nosuchvenue", []),
])
def test_operators_in_the_box_narrow_and_a_shared_link_keeps_them(page, served: str, query: str,
                                                                  expected: list[str]) -> None:  # noqa: F811
    search(page, served)
    page.fill("#q", query)
    wait_for_results(page)
    assert result_ids(page) == expected
    if not expected:
        assert page.inner_text("#status") == "No paper matches."
    shared = page.evaluate("location.href")
    other = page.context.new_page()  # someone opening the shared link
    other.goto(shared)
    wait_for_results(other)
    assert other.input_value("#q") == query and result_ids(other) == expected
    other.close()


def test_a_shared_link_restores_the_filters_and_their_counts_among_each_other(page, served: str) -> None:  # noqa: F811
    search(page, served, "?venue=Interspeech&demo=no")
    assert result_ids(page) == [INTERSPEECH_OLD]
    assert page.input_value("#f-venue") == "Interspeech" and page.input_value("#f-demo") == "no"
    assert options(page, "venue") == ["Any", "Interspeech (1)"] and "(2 chosen)" in page.inner_text("#filters-chosen")


def test_the_venues_page_links_its_search_and_its_cards(page, served: str) -> None:  # noqa: F811
    page.goto(served + "venues.html")
    page.click("#v-icassp a[href^='search.html']")
    wait_for_results(page)
    assert result_ids(page) == [ICASSP_SUBMITTED] and page.input_value("#f-venue") == "ICASSP"
    page.goto(served + "venues.html")
    page.click(f"li[data-paper-id='{INTERSPEECH_OLD}'] > a")
    page.wait_for_url(f"**/topics/speech-synthesis/2025-02.html#p-{INTERSPEECH_OLD}")
    assert page.is_visible(f'[id="p-{INTERSPEECH_OLD}"] .venue')


@pytest.mark.parametrize("path", ["venues.html", "search.html?q=has%3Ademo", "topics/speech-synthesis/2025-11.html"])
def test_390_px_wide_has_no_horizontal_scroll(page, served: str, path: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served + path)
    if path.startswith("search"):
        wait_for_results(page)
    page.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
