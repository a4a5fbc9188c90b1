"""The site's paper card (templates/site/_paper.html.j2): title; authors · date · categories and topic chips that
fold out why the paper is listed; the TL;DR of this version, labelled with its model; one row of actions. Model
output is untrusted: every hostile summary is text on the card, cut to its limit, and makes no element."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hostile_inputs import CARD_SUMMARIES
from site_repo import BOTH_ID, make_repo

from core import config as cfg
from core import store as st
from core import tldr as tldr_
from website import build, model, pages

CODE_ID = "2507.00014"  # a codec paper of 2025-07 whose abstract links its code
SUMMARIZED = {"2511.00003": "Codec language models do speech synthesis.",  # BOTH_ID
              "2511.00015": "A codec for speech tokens at a low bitrate.",
              CODE_ID: "A codec with code."}


def render_site(root: Path, summaries: dict[str, dict[str, Any]]) -> dict[str, lxml.html.HtmlElement]:
    """Give the papers these tldr fields and render every page of the site, parsed."""
    store = st.load(root)
    for paper_id, tldr in summaries.items():
        record = dict(store.papers[paper_id])
        record["tldr"] = tldr
        store.put(record)
    store.save()
    site, extras, _ = build.prepare(cfg.load(root / "keywords.yaml"), list(st.load(root).papers.values()))
    return {path: lxml.html.fromstring(data.decode("utf-8")) for path, data in pages.all_pages(site, extras)
            if path.endswith(".html")}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, lxml.html.HtmlElement]:
    root = make_repo(tmp_path_factory.mktemp("cards") / "repo")
    return render_site(root, {i: {"model": "gpt-4.1-mini", "text": t, "version": 1} for i, t in SUMMARIZED.items()})


def card(page: lxml.html.HtmlElement, paper_id: str) -> lxml.html.HtmlElement:
    (found,) = page.xpath(f'//article[@id="p-{paper_id}"]')
    return found


def test_a_card_is_title_meta_tldr_and_one_row_of_actions(rendered: dict[str, lxml.html.HtmlElement]) -> None:
    article = card(rendered["topics/codec/2025-07.html"], CODE_ID)
    assert [(e.tag, e.get("class")) for e in article] == [("h3", None), ("div", "meta"), ("p", "tldr"),
                                                          ("div", "links")]
    row = article.find_class("links")[0]
    actions = [(e.tag, e.get("class"), (e.find("summary").text_content() if e.tag == "details" else e.text_content()))
               for e in row if e.tag != "span"]
    assert actions == [("details", None, "Abstract"), ("a", None, "PDF"), ("a", "plink", "Code"),
                       ("details", "cite", "Cite"), ("details", "similar", "Similar")]
    assert row[1].get("href") == f"https://arxiv.org/pdf/{CODE_ID}"
    assert row[2].get("href") == "https://github.com/example/codec-repo"
    meta = article.find_class("meta")[0]
    assert meta.find_class("authors")[0].text_content() == "Ada Lovelace, Alan Turing"
    assert meta.find("time").get("datetime") == "2025-07-08" and meta.find_class("cats")[0].text_content() == "cs.SD"
    assert article.find_class("tldr")[0].text_content() == "TL;DR (AI, gpt-4.1-mini) A codec with code."


def test_the_topics_fold_says_why_listed(rendered: dict[str, lxml.html.HtmlElement]) -> None:
    topic_page = card(rendered["topics/codec/2025-11.html"], BOTH_ID)
    (fold,) = topic_page.find_class("meta")[0].findall("details")
    assert [chip.text_content() for chip in fold.find("summary").find_class("topic")] == ["Codec", "Speech Synthesis"]
    assert fold.find_class("why")[0].text_content() == 'Why listed: "codec" in title'
    home = card(rendered["index.html"], BOTH_ID)  # elsewhere: the first topic's reason, naming the topic
    (fold,) = home.find_class("meta")[0].findall("details")
    assert [chip.text_content() for chip in fold.find_class("topic")] == ["Speech Synthesis", "Codec"]
    assert fold.find_class("why")[0].text_content().startswith("Why listed in Speech Synthesis: ")


def test_no_model_tldr_without_a_summary_of_this_version(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    store = st.load(root)
    store.put(dict(store.papers[CODE_ID], version=2))  # the v2 keeps its v1 summary until it gets its own
    store.save()
    shown = render_site(root, {CODE_ID: {"model": "m", "text": "About version 1.", "version": 1}})
    (line,) = card(shown["topics/codec/2025-07.html"], CODE_ID).find_class("tldr")  # the key sentence instead
    assert line[0].text_content() == "Key sentence" and "About version 1." not in line.text_content()
    assert not any("About version 1." in page.text_content() for page in shown.values())


@pytest.mark.parametrize("text,model_name", [row[1:] for row in CARD_SUMMARIES], ids=[row[0] for row in CARD_SUMMARIES])
def test_a_hostile_summary_is_text_cut_to_its_limit(tmp_path: Path, text: str, model_name: str) -> None:
    root = make_repo(tmp_path / "repo")
    shown = render_site(root, {CODE_ID: {"model": model_name, "text": text, "version": 1}})
    expected_text, expected_label, _ = model.summary({"version": 1, "abstract": "", "tldr": {
        "model": model_name, "text": text, "version": 1}})
    for path in ("topics/codec/2025-07.html", "topics/codec/index.html", "index.html"):
        article = card(shown[path], CODE_ID)
        (tldr,) = article.find_class("tldr")
        assert list(tldr) == [tldr[0]] and tldr[0].get("class") == "tldr-label", path  # no element but the label
        assert tldr[0].text_content() == expected_label and expected_label.startswith("TL;DR (AI, ")
        assert tldr.text_content() == f"{expected_label} {expected_text}"
        assert len(expected_text) <= model.TLDR_LIMIT and len(expected_label) <= len("TL;DR (AI, )") + tldr_.MODEL_LIMIT
        assert not article.xpath(".//img | .//script | .//iframe | .//*[@onerror or @onmouseover or @onfocus]")
        assert not article.xpath('.//a[starts-with(normalize-space(@href), "javascript")]')
    assert not any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E for c in expected_text + expected_label)
