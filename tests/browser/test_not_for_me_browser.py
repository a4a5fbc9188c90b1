"""Not for me (issue 36) in headless Chromium: the button beside Star on every card, the Starred page's second list
and its Save link, on the small site with its day pages, built as the workflow builds it (GITHUB_REPOSITORY set) and
served under /REPO/ on 127.0.0.1. The Save links are read, never followed: each editor URL is decoded back to its
file name and ids."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from browsers import chromium, watched_page
from site_repo import make_repo
from site_server import built_for_octo
from test_days import DIGESTS, NEWEST, PICK, write_digests

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")
expect = playwright_api.expect
SAVE = "[data-save-kind='not-for-me']"  # the Starred page's not-for-me Save section


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site's base URL, http://127.0.0.1:PORT/REPO/, built for octo/papers on branch main."""
    top = tmp_path_factory.mktemp("not-for-me-served")
    root = make_repo(top / "repo")
    write_digests(root, DIGESTS)
    with built_for_octo(root, top) as base:
        yield base


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    with watched_page(browser, request.param, 900, dialogs=True) as opened:
        yield opened


def saved(page: Any) -> tuple[str, str, list[str], list[str]] | None:
    """The not-for-me Save link's editor URL as (path, file name, ids, comment lines); None when there is no link."""
    links = page.locator(f"{SAVE} a.save-link")
    if not links.count():
        return None
    (link,) = links.all()
    assert link.inner_text() == "Save the not-for-me list to my repository"
    parts = urllib.parse.urlsplit(link.get_attribute("href") or "")
    query = urllib.parse.parse_qs(parts.query, strict_parsing=True)
    assert (parts.scheme, parts.netloc, set(query)) == ("https", "github.com", {"filename", "value"})
    lines = query["value"][0].split("\n")
    assert lines[-1] == ""
    return (parts.path, query["filename"][0], [line for line in lines[:-1] if not line.startswith("#")],
            [line for line in lines if line.startswith("#")])


def test_not_for_me_is_saved_to_its_folder_and_undo_takes_it_out(page: Any, served: str) -> None:
    page.goto(served + f"days/{NEWEST}.html")
    card = page.locator(f"article[id='p-{PICK}']")
    button = card.locator(".links button.not-for-me")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("button", name="Not for me").first).to_be_visible()  # its name, at either width
    star = card.locator(".links button.star")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    button.focus()  # by keyboard
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(star).to_have_attribute("aria-pressed", "false")  # starred or not for me, never both
    assert card.get_attribute("data-not-for-me") == ""
    other = page.locator("article.paper .links button.not-for-me").nth(3)
    other_id = other.get_attribute("data-paper-id")
    other.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.goto(served + "starred.html")
    assert page.locator("[data-starred-list] li").count() == 0
    listed = page.locator("[data-not-for-me-list] li")
    expect(listed).to_have_count(2)
    assert sorted(listed.evaluate_all("all => all.map(li => li.dataset.paperId)")) == sorted([PICK, other_id])
    assert page.inner_text("[data-not-for-me-count]") == "2 papers not for me"
    got = saved(page)
    assert got is not None
    path, name, ids, comments = got
    assert path == "/octo/papers/new/main" and ids == sorted([PICK, other_id])
    assert name.startswith("interests/not-for-me/not-for-me-") and name.endswith(".txt") and name.count("/") == 2
    assert comments == [f"# Not for me, marked on the site, saved {name[32:42]}"]
    assert page.inner_text(f"{SAVE} [data-save-status]") == "2 ids in one file: commit it in GitHub's editor."
    assert page.locator("section.save a.save-link").count() == 0  # the stars' Save has nothing to save

    undo = page.locator(f"[data-not-for-me-list] li[data-paper-id='{other_id}'] button.unmark")
    assert undo.inner_text() == "Undo" and undo.get_attribute("aria-label").startswith("Undo not for me: ")
    undo.click()
    expect(listed).to_have_count(1)
    got = saved(page)
    assert got is not None and got[2] == [PICK]  # the next file leaves the undone paper out
    page.locator("[data-not-for-me-list] button.unmark").click()
    expect(listed).to_have_count(0)
    assert saved(page) is None
    assert page.inner_text(f"{SAVE} [data-save-status]") == ("Mark papers not for me first: their ids are what is "
                                                              "saved.")
    page.goto(served + f"days/{NEWEST}.html")
    expect(page.locator(f"article[id='p-{PICK}'] .links button.not-for-me")).to_have_attribute("aria-pressed", "false")


def test_starring_a_paper_unmarks_it_and_search_cards_get_the_button(page: Any, served: str) -> None:
    page.goto(served + f"days/{NEWEST}.html")
    card = page.locator(f"article[id='p-{PICK}']")
    card.locator(".links button.not-for-me").click()
    card.locator(".links button.star").click()
    expect(card.locator(".links button.not-for-me")).to_have_attribute("aria-pressed", "false")
    assert card.get_attribute("data-not-for-me") is None
    page.goto(served + "starred.html")
    expect(page.locator("[data-starred-list] li")).to_have_count(1)
    expect(page.locator("[data-not-for-me-list] li")).to_have_count(0)
    page.goto(served + "search.html?q=speech")
    result = page.locator("article .links button.not-for-me").first
    expect(result).to_be_visible()
    result.click()
    expect(result).to_have_attribute("aria-pressed", "true")
    page.goto(served + "starred.html")
    expect(page.locator("[data-not-for-me-list] li")).to_have_count(1)
