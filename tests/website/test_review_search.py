"""Review of the rewritten search and site build (issue 16): defects found, each a failing test.

Browser-side defects are in test_review_search_browser.py; these need no browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from site_html import parse
from site_repo import make_repo

from website import build, search


def test_a_dotted_capital_i_is_an_i() -> None:
    """Defect: 'İ'.lower() is 'i' + U+0307 (a combining mark, not a letter), so 'İsmail' is indexed as 'i' and
    'smail' and a search for 'ismail' cannot find it. Turkish names with İ are common in arXiv author lists."""
    assert "ismail" in search.words("\u0130smail Y\u0131lmaz")


def test_vowel_signs_stay_in_their_word() -> None:
    """Defect: combining marks (Indic vowel signs and viramas, Thai vowels, Hebrew/Arabic points) end a word:
    हिन्दी becomes ह, न, द, so any text holding those letters in other words matches a query for it."""
    assert search.words("हिन्दी भाषा") == ["हिन्दी", "भाषा"]


def test_a_base_url_without_scheme_is_refused_or_read_as_a_path(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Defect: --base-url octo.github.io/papers (no https://) gives the 404 page relative links
    ('octo.github.io/papers/assets/site.css'), broken at every address Pages serves it at; bad input should
    be one 'error:' line and exit 2 (or the path read as /papers/)."""
    root = make_repo(tmp_path / "repo")
    status = build.main([str(tmp_path / "site"), "--root", str(root), "--base-url", "octo.github.io/papers", "-q"])
    if status == 2:
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: ") and "--base-url" in err
        return
    assert status == 0
    page = parse((tmp_path / "site" / "404.html").read_text(encoding="utf-8"))
    refs = [e.attrs.get("href") or e.attrs.get("src") for e in page.elements if e.tag in ("a", "link", "script")]
    relative = [r for r in refs if r and not r.startswith(("/", "#", "https://", "data:"))]
    assert not relative, relative


def test_what_a_killed_build_left_is_cleared_whatever_the_folder_is_called(tmp_path: Path) -> None:
    """Defect: the leftovers are found with glob patterns built from OUTDIR's name unescaped; a name holding
    glob characters ('site[1]', 'papers [old]') never matches its own scratch folders, which pile up."""
    root = make_repo(tmp_path / "repo")
    (tmp_path / ".site[1].building-x1" / "topics").mkdir(parents=True)  # killed while writing
    assert build.main([str(tmp_path / "site[1]"), "--root", str(root), "-q"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site[1]"]
