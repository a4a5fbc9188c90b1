"""website.build: the whole site from the store, every internal link resolving, OUTDIR replaced safely."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from site_html import parse
from site_repo import make_repo
from site_server import build_small_site, served  # noqa: F401 - the fixture

from website import build, search


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_every_internal_link_resolves(served: str) -> None:  # noqa: F811
    """Crawl from the home page: every page, asset, feed and anchor the site links to is there."""
    missing = served + "topics/no-such-topic/2020-01.html"  # Pages serves 404.html here: its links must work too
    todo, seen, anchors_wanted = [served + "index.html", served + "404.html", missing], set(), []
    ids: dict[str, set[str]] = {}
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body = fetch(url)
        assert status == (404 if url == missing else 200), f"{url}: {status}"
        if not url.endswith(".html"):
            continue
        page = parse(body.decode("utf-8"))
        ids[url] = page.ids
        for element in page.elements:
            ref = element.attrs.get("href") or element.attrs.get("src")
            if not ref or element.tag not in ("a", "link", "script") or ref.startswith("data:"):
                continue
            target = urllib.parse.urljoin(url, ref)
            if not target.startswith(served):
                assert target.startswith("https://"), f"{url}: {ref}"
                continue
            address, _, fragment = target.partition("#")
            address = address.split("?")[0]
            todo.append(address)
            if fragment:
                anchors_wanted.append((url, address, fragment))
    assert len(seen) > 20 and served + "topics/speech-synthesis/2026-01-2.html" in seen
    assert served + "feeds/codec.xml" in seen and served + "assets/search.js" in seen
    for source, address, fragment in anchors_wanted:
        assert fragment in ids[address], f"{source}: #{fragment} is not on {address}"


def test_search_index_holds_each_listed_paper_once(tmp_path: Path) -> None:
    outdir = build_small_site(tmp_path)
    index = json.loads((outdir / search.INDEX_DIR / "index.json").read_text())
    assert index["papers"] == 22 and len(index["paper_months"]) == 22  # 23 stored, one excluded by its topic
    docs = json.loads((outdir / search.INDEX_DIR / index["build"] / "docs" / "0.json").read_text())
    assert len({d[3] for d in docs}) == 22 and [d[2] for d in docs] == sorted((d[2] for d in docs), reverse=True)
    assert (outdir / build.MARKER).is_file() and (outdir / "feeds" / "speech-synthesis.xml").is_file()


def test_a_rebuild_replaces_the_site_and_leaves_no_scratch(tmp_path: Path) -> None:
    outdir = build_small_site(tmp_path)
    (outdir / "stale.html").write_text("old")
    root = tmp_path / "repo"
    assert build.main([str(outdir), "--root", str(root), "-q"]) == 0
    assert not (outdir / "stale.html").exists() and (outdir / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


@pytest.mark.parametrize("base_url,repository,path", [
    ("https://octo.github.io/papers/", None, "/papers/"), ("https://octo.github.io/papers", "x/y", "/papers/"),
    ("https://papers.example.org/", "octo/papers", "/"), (None, "octo/papers", "/papers/"),
    (None, "octo/Octo.github.io", "/"), (None, None, "/")])
def test_the_404_page_links_from_where_the_site_is_served(base_url: str | None, repository: str | None,
                                                          path: str) -> None:
    assert build.base_path(base_url, repository) == path


def test_what_a_killed_build_left_is_cleared(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    (tmp_path / ".site.building-x1" / "topics").mkdir(parents=True)  # killed while writing
    (tmp_path / "site.old-1").mkdir()  # killed between the two renames: the last site, set aside
    (tmp_path / "site.old-1" / build.MARKER).write_text("")
    (tmp_path / "site.old-2").mkdir()  # the same name, but not ours: kept
    assert build.main([str(tmp_path / "site"), "--root", str(root), "-q"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site", "site.old-2"]


def test_a_broken_site_template_is_one_line_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from website import pages

    templates = tmp_path / "templates" / "site"
    shutil.copytree(pages.TEMPLATES, templates)
    (templates / "topic.html.j2").write_text("{% extends 'base.html.j2' %}\n{% block main %}{{ topic.nope() }}{% endblock %}")
    monkeypatch.setattr(pages, "TEMPLATES", templates)
    pages.environment.cache_clear()
    try:
        assert build.main([str(tmp_path / "site"), "--root", str(make_repo(tmp_path / "repo"))]) == 2
    finally:
        pages.environment.cache_clear()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: templates/site/topic.html.j2:2: ")
    assert "git checkout -- templates/site/topic.html.j2" in err and not (tmp_path / "site").exists()


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(tmp_path / "repo")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    assert build.main([str(mine), "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {mine}: exists and is not a site") and "choose" in err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_bad_keywords_is_one_line_and_keeps_the_last_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outdir = build_small_site(tmp_path)
    before = (outdir / "index.html").read_bytes()
    (tmp_path / "repo" / "keywords.yaml").write_text("topics: [\n")
    assert build.main([str(outdir), "--root", str(tmp_path / "repo")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "keywords.yaml" in err
    assert (outdir / "index.html").read_bytes() == before


def test_the_command_line_builds_the_site(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import REPO

    root = make_repo(tmp_path / "repo")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "site.py"), str(tmp_path / "out"), "--root", str(root)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("site: 2 topics, 22 papers (22 searchable)")
    assert (tmp_path / "out" / "search.html").is_file()


def test_a_build_on_two_cores_writes_what_one_writes(tmp_path: Path) -> None:
    """The command line forks (similar papers, half the pages); with threads running, all is done in one process."""
    import subprocess
    import sys
    import threading

    from conftest import REPO

    root = make_repo(tmp_path / "repo")
    subprocess.run([sys.executable, str(REPO / "scripts" / "site.py"), str(tmp_path / "two"), "--root", str(root), "-q"],
                   check=True, timeout=120)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert build.main([str(tmp_path / "one"), "--root", str(root), "-q"]) == 0
    finally:
        stop.set()
        other.join()

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert sorted(one) == sorted(two) and len(one) > 40
    assert [name for name in one if one[name] != two[name]] == []
