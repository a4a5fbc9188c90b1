"""website.moved: a renamed topic's old site addresses (redirect pages, the old feed) and the id -> page lookup."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest
from site_html import Parsed, parse
from site_renamed import NEW, NEW_NAME, OLD, OLD_NAME, build_into, rename, renamed_site
from site_repo import BOTH_ID, UNIQUE_ID

from website import pages


def html_files(folder: Path) -> dict[str, Parsed]:
    return {p.name: parse(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.html"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return renamed_site(tmp_path_factory.mktemp("renamed"))


def refresh_target(page: Parsed) -> str:
    (content,) = [e.attrs["content"] for e in page.all("meta") if e.attrs.get("http-equiv", "").lower() == "refresh"]
    delay, _, url = content.partition(";")
    assert delay.strip() == "0" and url.strip().startswith("url=")
    return url.strip()[len("url="):]


def test_each_page_of_the_new_topic_has_a_redirect_at_its_old_address(site: Path) -> None:
    new, old = html_files(site / "topics" / NEW), html_files(site / "topics" / OLD)
    assert {"index.html", "2026-01.html", "2026-01-2.html", "2024-05.html"} <= set(new)
    assert sorted(old) == sorted(new)
    for name, page in old.items():
        assert refresh_target(page) == f"../{NEW}/{name}", name
        links = [e.attrs["href"] for e in page.all("a")]
        assert f"../{NEW}/{name}" in links, name  # a visible link, for when the refresh does not run
        text = " ".join(" ".join(page.text).split())
        assert OLD_NAME in text and NEW_NAME in text and "renamed" in text, name


def test_redirect_pages_keep_the_strict_policy_and_run_no_inline_code(site: Path) -> None:
    old = html_files(site / "topics" / OLD)
    assert len(old) > 5
    for name, page in old.items():
        (policy,) = [e.attrs["content"] for e in page.all("meta")
                     if e.attrs.get("http-equiv") == "Content-Security-Policy"]
        assert policy == pages.CSP, name
        assert not "".join(page.script_text).strip() and not page.all("style"), name
        assert not [a for e in page.elements for a in e.attrs if a.startswith("on") or a == "style"], name
        scripts = [e.attrs for e in page.all("script")]
        assert scripts == [{"src": "../../assets/moved.js", "defer": ""}], name
        assert (site / "assets" / "moved.js").is_file()


def test_every_link_of_a_redirect_page_resolves(site: Path) -> None:
    old = html_files(site / "topics" / OLD)
    assert len(old) > 5
    for name, page in old.items():
        for element in page.elements:
            ref = element.attrs.get("href") or element.attrs.get("src")
            if element.tag in ("a", "link", "script") and ref and not ref.startswith(("data:", "https://")):
                target = urllib.parse.urljoin(f"topics/{OLD}/{name}", ref).partition("#")[0]
                assert (site / target).is_file(), f"{name}: {ref}"


def test_the_old_feed_is_still_served_with_its_old_atom_id(site: Path) -> None:
    old, new = (site / "feeds" / f"{OLD}.xml").read_text(), (site / "feeds" / f"{NEW}.xml").read_text()
    assert f"<id>urn:daily-papers:topic:{OLD}</id>" in old and f"<id>urn:daily-papers:topic:{NEW}</id>" in new
    entries = re.compile(r"<entry>.*?</entry>", re.S)
    assert entries.findall(old) == entries.findall(new) and len(entries.findall(old)) > 5


def anchors_by_page(site: Path) -> dict[str, set[str]]:
    """Which paper anchors each month page of each topic holds (what the lookup must agree with)."""
    found = {}
    for path in sorted((site / "topics").glob("*/*.html")):
        page = parse(path.read_text(encoding="utf-8"))
        if page.all("article"):
            found[path.relative_to(site).as_posix()] = {e.attrs["id"] for e in page.all("article")}
    return found


def test_the_lookup_gives_every_page_that_holds_each_paper(site: Path) -> None:
    index = json.loads((site / "ids" / "index.json").read_text())
    lookup: dict[str, list[str]] = {}
    for shard in index["shards"]:
        data = json.loads((site / "ids" / f"{shard}.json").read_text())
        for paper_id, numbers in data["papers"].items():
            assert paper_id[:4] == shard and paper_id not in lookup
            lookup[paper_id] = [data["pages"][n] for n in numbers]
    holding: dict[str, list[str]] = {}
    for path, anchors in anchors_by_page(site).items():
        if not path.endswith("/index.html") and not path.startswith(f"topics/{OLD}/"):
            for anchor in anchors:
                holding.setdefault(anchor[2:], []).append(path)
    assert {k: sorted(v) for k, v in lookup.items()} == {k: sorted(v) for k, v in holding.items()}
    assert len(lookup) == 22 and lookup[UNIQUE_ID] == [f"topics/{NEW}/2024-05.html"]
    assert sorted(lookup[BOTH_ID]) == ["topics/codec/2025-11.html", f"topics/{NEW}/2025-11.html"]


def test_old_style_ids_have_a_shard_of_their_own() -> None:
    from website import moved

    assert moved.shard("2405.00007") == "2405" and moved.shard("hep-th/9901001") == "old-9901"
    assert moved.shard("math.AG/0601001") == "old-0601"


def test_removing_the_alias_removes_the_old_addresses(tmp_path: Path) -> None:
    site = renamed_site(tmp_path)
    assert (site / "topics" / OLD / "index.html").is_file() and (site / "feeds" / f"{OLD}.xml").is_file()
    build_into(rename(tmp_path / "repo", aliases=False), site)
    assert not (site / "topics" / OLD).exists() and not (site / "feeds" / f"{OLD}.xml").exists()
    assert (site / "topics" / NEW / "index.html").is_file() and (site / "ids" / "index.json").is_file()


def test_an_alias_whose_address_another_topic_has_now_leaves_that_topic_alone(tmp_path: Path) -> None:
    from conftest import write_keywords
    from site_repo import TOPICS, make_repo

    root = make_repo(tmp_path / "repo")
    write_keywords(root, [{**TOPICS[0], "aliases": ["Codec!"]}, TOPICS[1]])  # slug "codec": the Codec topic's own
    site = build_into(root, tmp_path / "site")
    assert "<id>urn:daily-papers:topic:codec</id>" in (site / "feeds" / "codec.xml").read_text()
    assert 'http-equiv="refresh"' not in (site / "topics" / "codec" / "index.html").read_text()
    assert "A neural codec for audio" in (site / "topics" / "codec" / "2025-11.html").read_text()


def test_a_renamed_topic_whose_address_had_a_hash_keeps_its_old_site_pages(tmp_path: Path) -> None:
    from conftest import write_keywords
    from site_repo import TOPICS, make_repo

    from core import config as cfg
    from daily import pagemodel

    root = make_repo(tmp_path / "repo")
    twin = {**TOPICS[1], "name": TOPICS[0]["name"].replace(" ", "-")}  # the same plain slug as the first topic
    write_keywords(root, [TOPICS[0], twin])
    hashed = pagemodel.topic_views(cfg.load(root / "keywords.yaml"), [])[1].slug
    assert hashed.startswith(f"{OLD}-")
    write_keywords(root, [TOPICS[0], {**twin, "name": "Twin renamed", "aliases": [twin["name"]]}])
    site = build_into(root, tmp_path / "site")
    assert 'http-equiv="refresh"' in (site / "topics" / hashed / "index.html").read_text()
    assert f"<id>urn:daily-papers:topic:{hashed}</id>" in (site / "feeds" / f"{hashed}.xml").read_text()
    assert 'http-equiv="refresh"' not in (site / "topics" / OLD / "index.html").read_text()
