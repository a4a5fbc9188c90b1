"""website.pages: every page escapes arXiv text, runs no inline script, and has landmarks, labels and feeds."""

from __future__ import annotations


import pytest

import config as cfg
import store as st
from site_html import Parsed, parse
from site_repo import HOSTILE, make_repo
from website import model, pages


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Parsed]:
    root = make_repo(tmp_path_factory.mktemp("pages") / "repo")
    site = model.build_model(cfg.load(root / "keywords.yaml"), list(st.load(root).papers.values()))
    return {path: parse(data.decode("utf-8")) for path, data in pages.all_pages(site)}


def test_every_page_is_rendered(rendered: dict[str, Parsed]) -> None:
    assert {"index.html", "search.html", "404.html", "topics/speech-synthesis/index.html",
            "topics/speech-synthesis/2026-01.html", "topics/codec/2025-11.html"} <= set(rendered)


def test_hostile_title_is_text_everywhere(rendered: dict[str, Parsed]) -> None:
    shown = [path for path, page in rendered.items() if HOSTILE in "".join(page.text)]
    assert "index.html" in shown and "topics/speech-synthesis/2026-01.html" in shown
    for path, page in rendered.items():
        assert not page.all("img"), path
        assert all(e.attrs.get("src", "").endswith((".js",)) for e in page.all("script")), path


def test_no_inline_script_and_a_strict_policy(rendered: dict[str, Parsed]) -> None:
    for path, page in rendered.items():
        assert not "".join(page.script_text).strip(), f"{path}: inline script"
        assert not [a for e in page.elements for a in e.attrs if a.startswith("on")], f"{path}: event handler"
        (policy,) = [e.attrs["content"] for e in page.all("meta") if e.attrs.get("http-equiv") == "Content-Security-Policy"]
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src")).split()
        assert script_src == ["script-src", "'self'"]
        assert "unsafe" not in policy and "object-src 'none'" in policy and "worker-src 'none'" in policy


def test_every_page_links_each_topic_feed(rendered: dict[str, Parsed]) -> None:
    for path, page in rendered.items():
        feeds = [e.attrs for e in page.all("link") if e.attrs.get("rel") == "alternate"]
        assert [f["type"] for f in feeds] == ["application/atom+xml"] * 2, path
        assert [f["href"].rsplit("/", 2)[-2:] for f in feeds] == [["feeds", "speech-synthesis.xml"],
                                                                  ["feeds", "codec.xml"]], path


def test_landmarks_and_labels(rendered: dict[str, Parsed]) -> None:
    for path, page in rendered.items():
        tags = [e.tag for e in page.elements]
        assert tags.count("main") == 1 and "header" in tags and "footer" in tags, path
        assert all(e.attrs.get("aria-label") for e in page.all("nav")), path
        assert any(e.attrs.get("role") == "search" for e in page.all("form")), path
        labelled = {e.attrs["for"] for e in page.all("label")}
        for control in page.all("input") + page.all("select"):
            assert control.attrs["id"] in labelled, f"{path}: {control.attrs['id']} has no label"
        assert page.all("html")[0].attrs["lang"] == "en"


def test_topic_pages_show_each_paper_with_an_anchor_collapsed_abstract_and_links(rendered: dict[str, Parsed]) -> None:
    page = rendered["topics/codec/2025-11.html"]
    articles = [e.attrs["id"] for e in page.all("article")]
    assert articles == ["p-2511.00003", "p-2511.00015"]
    assert len(page.all("details")) == 2 and len(page.all("summary")) == 2
    hrefs = [e.attrs.get("href", "") for e in page.all("a")]
    assert "https://arxiv.org/pdf/2511.00015" in hrefs and "#p-2511.00015" in hrefs
    assert "https://github.com/example/codec-repo" not in hrefs  # n=5 has no code link
    assert "https://github.com/example/codec-repo" in [e.attrs.get("href") for e in rendered["topics/codec/2025-07.html"].all("a")]
