"""Issue 34's site for the morning triage, built for real and read as HTML: the newest digest's papers marked "new"
on the home, topic and month pages and in the search index, the home page's line to Today, Save before Import on the
Starred page, and a rebuild with no new digest (a quiet day) that changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_days import DIGESTS, NEWEST, Built, build_site, built  # noqa: F401 - the module's fixture

from website import search

ARTICLE = re.compile(r'<article class="paper" id="p-([^"]+)".*?</article>', re.S)


def newest_ids() -> set[str]:
    digest = DIGESTS[NEWEST]
    return {i for ids in digest["new"].values() for i in ids} | {p["id"] for p in digest["picks"]}


def marked(html: str) -> dict[str, bool]:
    """Each card's paper id and whether it carries the "new" marker."""
    return {m.group(1): 'class="new"' in m.group(0) for m in ARTICLE.finditer(html)}


def test_new_markers_are_exactly_on_the_newest_digests_papers(built: Built) -> None:  # noqa: F811
    pages = [p for p in built.html if p == "index.html" or (p.startswith("topics/") and "hidden" not in p)]
    seen_new = seen_old = 0
    for path in pages:
        for paper, is_marked in marked(built.html[path]).items():
            assert is_marked == (paper in newest_ids()), (path, paper)
            seen_new += is_marked
            seen_old += not is_marked
    assert seen_new and seen_old
    assert f'<strong class="new">new <time datetime="{NEWEST}">{NEWEST}</time></strong>' in built.html["index.html"]
    for path in ("today.html", f"days/{NEWEST}.html"):  # every paper of a day page is that day's: no marker
        assert 'class="new"' not in built.html[path]


def test_the_search_index_names_the_newest_digests_papers(built: Built) -> None:  # noqa: F811
    index = json.loads((built.out / search.INDEX_DIR / "index.json").read_text())
    assert index["new_day"] == NEWEST and index["format"] == search.FORMAT == 3
    per_file = index["docs_per_file"]
    ids = [json.loads((built.out / search.INDEX_DIR / index["build"] / "docs" / f"{n // per_file}.json").read_text())
           [n % per_file][12] for n in range(index["papers"])]
    assert {ids[n] for n in index["new"]} == newest_ids() & set(ids) and index["new"]


def test_the_home_page_says_how_many_are_new_today_and_links_there(built: Built) -> None:  # noqa: F811
    html = built.html["index.html"]
    line = re.search(r'<p class="today-line"><a href="([^"]+)">([^<]+)</a>', html)
    assert line and line.group(1) == "today.html" and line.group(2) == "6 new today · 3 picks →"
    assert html.index('class="today-line"') < html.index("<article")


def test_save_to_my_repository_comes_before_the_import(built: Built) -> None:  # noqa: F811
    html = built.html["starred.html"]
    assert html.index('id="save-h"') < html.index("data-starred-list") < html.index("stars-import-text")
    assert "data-star-count" in built.html["index.html"]


def test_a_quiet_day_rebuild_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    first = build_site(tmp_path / "a", monkeypatch, capsys, DIGESTS)
    again = build_site(tmp_path / "b", monkeypatch, capsys, DIGESTS)

    def files(out: Path) -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    assert files(first.out) == files(again.out)
