"""website.pages: every page escapes arXiv text, runs no inline script, and has landmarks, labels and feeds."""

from __future__ import annotations

import pytest
from site_html import Parsed, parse
from site_repo import HOSTILE, make_repo

from core import config as cfg
from core import store as st
from website import build, pages


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Parsed]:
    root = make_repo(tmp_path_factory.mktemp("pages") / "repo")
    site, extras, _ = build.prepare(cfg.load(root / "keywords.yaml"), list(st.load(root).papers.values()))
    return {path: parse(data.decode("utf-8")) for path, data in pages.all_pages(site, extras) if path.endswith(".html")}


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
    abstracts = [e for e in page.all("details") if not e.attrs.get("class")]
    assert len(abstracts) == 2 and len(page.all("summary")) == len(page.all("details"))
    hrefs = [e.attrs.get("href", "") for e in page.all("a")]
    assert "https://arxiv.org/pdf/2511.00015" in hrefs and "#p-2511.00015" in hrefs
    assert "https://github.com/example/codec-repo" not in hrefs  # n=5 has no code link
    assert "https://github.com/example/codec-repo" in [e.attrs.get("href") for e in rendered["topics/codec/2025-07.html"].all("a")]


def test_each_paper_says_why_it_is_listed_and_carries_star_cite_and_coins(rendered: dict[str, Parsed]) -> None:
    """Every article: a permalink (stars.js makes the Star toggle from it and from the BibTeX), a collapsed BibTeX
    naming its id, one COinS span the Zotero connector reads."""
    from urllib.parse import parse_qs

    for path in ("index.html", "topics/codec/2025-11.html", "topics/speech-synthesis/2026-01.html"):
        page = rendered[path]
        articles = [e.attrs["id"].removeprefix("p-") for e in page.all("article")]
        assert [e.attrs["type"] for e in page.all("button")] == ["submit"], path  # Star, Copy: made by stars.js
        permalinks = [e.attrs["href"] for e in page.all("a") if e.attrs.get("class") == "here"]
        assert [link.rsplit("#", 1)[1] for link in permalinks] == [f"p-{a}" for a in articles], path
        assert [e.attrs["data-paper-id"] for e in page.all("pre")] == articles, path
        coins = [parse_qs(e.attrs["title"]) for e in page.all("span") if e.attrs.get("class") == "Z3988"]
        assert [c["rft_id"][0] for c in coins] == [f"info:arxiv/{a}" for a in articles], path
        assert all(c["rft.au"] == ["Ada Lovelace", "Alan Turing"] and c["rft.atitle"][0] for c in coins), path
    text = "".join(rendered["topics/codec/2025-11.html"].text)
    assert text.count("Why listed:") == 2 and '"codec" in title' in text
    assert "Why listed in Codec:" in "".join(rendered["index.html"].text)  # the home page names the topic
    home = [e.attrs["href"] for e in rendered["index.html"].all("a") if e.attrs.get("class") == "here"]
    assert "topics/codec/2025-11.html#p-2511.00015" in home  # the home page changes daily: permalinks go to month pages


def test_topic_page_links_its_bib_and_draws_its_trend_and_hidden_papers(rendered: dict[str, Parsed]) -> None:
    page = rendered["topics/codec/index.html"]
    assert [e.attrs["href"] for e in page.all("a") if e.attrs.get("class") == "bib"] == ["codec.bib"]
    assert len(page.all("svg")) == 1 and page.all("svg")[0].attrs["role"] == "img"
    bars = {e.attrs["data-month"]: int(e.attrs["data-count"]) for e in page.all("rect")}
    assert bars["2025-11"] == 2 and sum(bars.values()) == 7  # the watermark paper is hidden, not counted
    hidden = [e.attrs["data-paper-id"] for e in page.all("li") if "data-paper-id" in e.attrs]
    assert hidden == ["2511.00099"] and 'hidden: excluded by "watermark"' in "".join(page.text)
    assert not rendered["topics/codec/2025-11.html"].all("svg")  # the chart is on the front page only


def test_the_starred_page_has_its_view_and_every_page_loads_stars_js(rendered: dict[str, Parsed]) -> None:
    view = rendered["starred.html"]
    assert any("data-starred-view" in e.attrs for e in view.all("section"))
    actions = {e.attrs.get("data-stars-action") for e in view.all("button") + view.all("input")}
    assert {"export-bibtex", "export-ids", "import-text", "import-file"} <= actions
    labelled = {e.attrs["for"] for e in view.all("label")}
    assert all(e.attrs["id"] in labelled for e in view.all("textarea"))
    for path, page in rendered.items():
        assert any(e.attrs.get("src", "").endswith("assets/stars.js") for e in page.all("script")), path
        assert any(e.attrs.get("href", "").endswith("starred.html") for e in page.all("a")), path


def test_the_starred_view_carries_real_ids_rule_from_core_ids(rendered: dict[str, Parsed]) -> None:
    """Issue 33: stars.js's import and save.js follow core/ids.py real_id; the archives and months come from it
    through the page (data-arxiv-*), not from a second list in the JavaScript."""
    from core import ids

    (view,) = [e for e in rendered["starred.html"].all("section") if "data-starred-view" in e.attrs]
    assert set(view.attrs["data-arxiv-archives"].split()) == ids.OLD_ARCHIVES
    assert (view.attrs["data-arxiv-first-old"], view.attrs["data-arxiv-first-new"],
            view.attrs["data-arxiv-five-digits"]) == ("9108", "0704", "1501")
    assets = pages.TEMPLATES / "assets"
    for archive in ("hep-th", "astro-ph", "supr-con"):  # no hand-copied list of archives in the scripts
        assert archive not in (assets / "stars.js").read_text() + (assets / "save.js").read_text()


def test_a_big_topic_bib_is_split_under_the_limit() -> None:
    from website import bibtex

    papers = [{"id": f"2501.{n:05d}", "title": f"Paper {n}", "authors": ["A B"], "published": "2025-01-01"}
              for n in range(40)]
    entries = bibtex.entries(papers, bibtex.citation_keys(papers))
    parts = bibtex.bib_parts(papers, entries, "Big", 2_000)
    assert len(parts) > 2 and all(len(part.encode()) <= 2_000 for part in parts)
    assert "".join(parts).count("@misc{") == 40 and all(part.startswith("% Big:") for part in parts)
    assert bibtex.bib_parts(papers, entries, "Big", 10**9) == [bibtex.bib_file(papers, entries, "Big")]


def test_many_hidden_papers_get_a_page_of_their_own(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "repo")
    site, extras, _ = build.prepare(cfg.load(root / "keywords.yaml"), list(st.load(root).papers.values()))
    monkeypatch.setattr(pages, "HIDDEN_INLINE", 0)
    rendered = dict(pages.all_pages(site, extras))
    assert "topics/codec/hidden.html" in rendered and "topics/speech-synthesis/hidden.html" not in rendered
    front = parse(rendered["topics/codec/index.html"].decode("utf-8"))
    assert "hidden.html" in [e.attrs.get("href") for e in front.all("a")]
    own = parse(rendered["topics/codec/hidden.html"].decode("utf-8"))
    assert [e.attrs["data-paper-id"] for e in own.all("li") if "data-paper-id" in e.attrs] == ["2511.00099"]
    assert 'hidden: excluded by "watermark" in title' in "".join(own.text)
