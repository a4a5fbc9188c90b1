"""A renamed topic on the site in headless Chromium: an old address with a paper's #p- anchor ends at the paper on
its new page, a missing address with one finds it too (the 404 page), and a star saved before the rename links to
the paper's page afterwards, with the alias listed and after it is removed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsers import chromium, collect_errors
from site_renamed import NEW, OLD, build_into, rename
from site_repo import UNIQUE_ID, make_repo
from site_server import serving

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")

BUSY_PART_2 = "2601.00100"  # the busy month's oldest paper: on 2026-01-2.html (5 papers a page), not on 2026-01.html


@pytest.fixture(scope="module")
def top(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the small repository (renamed, alias listed) at top/repo and its site at top/site."""
    top = tmp_path_factory.mktemp("moved")
    build_into(rename(make_repo(top / "repo")), top / "site")
    return top


@pytest.fixture(scope="module")
def served(top: Path) -> Iterator[str]:
    with serving(top) as base:
        yield base


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def problems() -> Iterator[list[str]]:
    """Script errors and console errors (a CSP violation, a failed request) the test's pages met: none allowed."""
    found: list[str] = []
    yield found
    assert not found, found


def new_page(context: Any, problems: list[str], missing: bool = False) -> Any:
    """A page of context whose script and console errors go to problems (missing: but the 404 of its address)."""
    context.set_default_timeout(60_000)
    page = context.new_page()
    return collect_errors(page, problems, ignore=lambda message: missing and "status of 404" in message.text)


def landed(page: Any, url: str) -> None:
    """Wait until the address bar shows url and the paper of its #p- anchor is on the page, in view."""
    page.wait_for_url(url)
    anchor = url.rpartition("#")[2]
    assert page.locator(f'[id="{anchor}"]').is_visible()
    assert page.evaluate(f'document.getElementById("{anchor}").getBoundingClientRect().top') < 900


@pytest.mark.parametrize("old,new", [
    (f"topics/{OLD}/2024-05.html#p-{UNIQUE_ID}", f"topics/{NEW}/2024-05.html#p-{UNIQUE_ID}"),
    (f"topics/{OLD}/2026-01.html#p-{BUSY_PART_2}", f"topics/{NEW}/2026-01-2.html#p-{BUSY_PART_2}"),
    (f"topics/{OLD}/index.html#p-{UNIQUE_ID}", f"topics/{NEW}/index.html#p-{UNIQUE_ID}"),  # its latest papers
    (f"topics/{OLD}/2019-01.html#p-{UNIQUE_ID}", f"topics/{NEW}/2024-05.html#p-{UNIQUE_ID}"),  # gone: the 404 page
    (f"topics/{NEW}/2026-01.html#p-{BUSY_PART_2}", f"topics/{NEW}/2026-01-2.html#p-{BUSY_PART_2}"),
])
def test_an_old_address_with_a_paper_anchor_ends_at_the_paper(browser: Any, served: str, problems: list[str],
                                                              old: str, new: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = new_page(context, problems, missing="2019-01" in old)  # Pages answers it with 404.html, status 404
    page.goto(served + old)
    landed(page, served + new)
    context.close()


def test_without_script_the_old_address_still_reaches_the_new_page(browser: Any, served: str,
                                                                   problems: list[str]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = new_page(context, problems)
    page.goto(served + f"topics/{OLD}/2024-05.html#p-{UNIQUE_ID}")
    page.wait_for_url(served + f"topics/{NEW}/2024-05.html")  # the meta refresh drops the #anchor
    assert page.locator(f'[id="p-{UNIQUE_ID}"]').count() == 1
    context.close()


def starred_link(page: Any, paper_id: str) -> Any:
    """The link of paper_id's entry on the Starred page, once it points at a page of the site."""
    link = page.locator(f'[data-starred-list] li[data-paper-id="{paper_id}"] a')
    link.wait_for()
    return link


def test_a_star_saved_before_the_rename_links_to_the_paper_after_it(tmp_path: Path, browser: Any,
                                                                    problems: list[str]) -> None:
    top = tmp_path
    build_into(make_repo(top / "repo"), top / "site")  # before the rename
    with serving(top) as base:
        context = browser.new_context()
        page = new_page(context, problems)
        page.goto(base + f"topics/{OLD}/2024-05.html")
        page.click(f'[id="p-{UNIQUE_ID}"] button.star')
        page.goto(base + "starred.html")
        assert starred_link(page, UNIQUE_ID).get_attribute("href") == base + f"topics/{OLD}/2024-05.html#p-{UNIQUE_ID}"

        for aliases in (True, False):  # renamed with the alias listed; then the alias removed
            build_into(rename(top / "repo", aliases), top / "site")
            page.goto(base + "starred.html")
            expect = base + f"topics/{NEW}/2024-05.html#p-{UNIQUE_ID}"
            link = starred_link(page, UNIQUE_ID)
            playwright_api.expect(link).to_have_attribute("href", expect)
            link.click()
            landed(page, expect)
        context.close()


IDS = ["2405.00007", "0704.0001", "1912.12345", "hep-th/9901001", "math.AG/0601001", "cs/0112017", "not-an-id"]


def test_the_page_finds_a_papers_lookup_file_as_the_build_wrote_it(browser: Any, served: str,
                                                                  problems: list[str]) -> None:
    """moved.js names an id's shard, and reads an id from its anchor, exactly as website.moved and the site do."""
    from website import moved
    from website.model import Entry

    context = browser.new_context()
    page = new_page(context, problems)
    page.goto(served + "index.html")
    assert page.evaluate("ids => ids.map(window.dailyPapersWhere.shard)", IDS) == [moved.shard(i) for i in IDS]
    anchors = [Entry(id=i, title="", authors=(), date="", categories=(), comment="", abstract="", abs_url="",
                     pdf_url="", code=()).anchor for i in IDS[:-1]]
    assert page.evaluate("anchors => anchors.map(window.dailyPapersWhere.idOf)", anchors) == IDS[:-1]
    context.close()
