"""Issue 35 on the site: each card's venue chip and every link its authors give, labelled, Demo first; the venues page
(each venue, its papers newest first); the search index's venue, year and has-demo fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import write_repo
from site_repo import TOPICS, paper, papers

from website import build, search

INTERSPEECH_NEW = "2511.00201"  # accepted to Interspeech 2025: a demo page and code
INTERSPEECH_OLD = "2502.00203"  # "Interspeech 2024" named alone: accepted; a Hugging Face model
ICASSP_SUBMITTED = "2601.00202"  # submitted to ICASSP 2026: a bare github.io demo page
HOSTILE_LINKS = "2601.00204"  # quotes and a javascript: URL in the text: only the clean URL is a link


def venue_papers() -> list[dict[str, Any]]:
    """The small store and four papers naming venues and links, as authors write them."""
    return [*papers(),
            paper(INTERSPEECH_NEW, "2025-11-14", "Expressive speech synthesis with a demo",
                  "Speech synthesis. Audio samples: https://anon.github.io/tts-demo/ and code at "
                  "https://github.com/lab/tts.", ["Speech Synthesis"], ["eess.AS"],
                  comment="Accepted to Interspeech 2025. 5 pages"),
            paper(INTERSPEECH_OLD, "2025-02-12", "Speech synthesis for small languages",
                  "Speech synthesis. Model: https://huggingface.co/lab/small-tts", ["Speech Synthesis"], ["cs.CL"],
                  comment="Interspeech 2024"),
            paper(ICASSP_SUBMITTED, "2026-01-05", "Codec tokens for speech synthesis",
                  "Speech synthesis from codec tokens; demo page: lab.github.io/codec-tts", ["Speech Synthesis"],
                  ["cs.SD"], comment="Submitted to ICASSP 2026"),
            paper(HOSTILE_LINKS, "2026-01-06", "Speech synthesis with odd links",
                  'Speech synthesis. See javascript:alert(1) and "https://x.example.com/a"onmouseover="b" and '
                  "https://github.com/lab/odd", ["Speech Synthesis"], ["cs.SD"])]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the small store with the venue papers, built once."""
    top = tmp_path_factory.mktemp("venues")
    outdir = top / "site"
    assert build.main([str(outdir), "--root", str(write_repo(top / "repo", TOPICS, venue_papers())), "-q"]) == 0
    return outdir


def parsed(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_text(encoding="utf-8"))


def card(site: Path, path: str, paper_id: str) -> lxml.html.HtmlElement:
    (found,) = parsed(site, path).xpath(f'//article[@id="p-{paper_id}"]')
    return found


def links_of(article: lxml.html.HtmlElement) -> list[tuple[str, str, str | None]]:
    """The row's links after PDF: (label, href, title)."""
    return [(a.text_content(), a.get("href"), a.get("title")) for a in article.find_class("plink")]


def test_a_card_shows_its_venue_chip_after_the_date(site: Path) -> None:
    meta = card(site, "topics/speech-synthesis/2025-11.html", INTERSPEECH_NEW).find_class("meta")[0]
    assert [chip.text_content() for chip in meta.find_class("venue")] == ["Interspeech 2025"]
    assert meta.find_class("venue")[0].getprevious().tag == "time"
    submitted = card(site, "topics/speech-synthesis/2026-01.html", ICASSP_SUBMITTED)
    assert [chip.text_content() for chip in submitted.find_class("venue")] == ["submitted: ICASSP 2026"]
    plain = card(site, "topics/codec/2025-07.html", "2507.00014")  # no venue in its comment: no chip
    assert plain.find_class("venue") == []


def test_a_card_shows_every_link_labelled_demo_first(site: Path) -> None:
    assert links_of(card(site, "topics/speech-synthesis/2025-11.html", INTERSPEECH_NEW)) == [
        ("🔊 Demo", "https://anon.github.io/tts-demo/", "anon.github.io"),
        ("Code", "https://github.com/lab/tts", "github.com")]
    assert links_of(card(site, "topics/speech-synthesis/2025-02.html", INTERSPEECH_OLD)) == [
        ("🤗 Model", "https://huggingface.co/lab/small-tts", "huggingface.co")]
    assert links_of(card(site, "topics/speech-synthesis/2026-01.html", ICASSP_SUBMITTED)) == [
        ("🔊 Demo", "https://lab.github.io/codec-tts", "lab.github.io")]


def test_hostile_text_makes_only_checked_http_links(site: Path) -> None:
    article = card(site, "topics/speech-synthesis/2026-01.html", HOSTILE_LINKS)
    hrefs = [href for _, href, _ in links_of(article)]
    assert "https://github.com/lab/odd" in hrefs
    assert all(href.startswith(("https://", "http://")) and '"' not in href for href in hrefs)
    assert not article.xpath(".//@onmouseover") and not article.xpath('.//a[starts-with(@href, "javascript")]')


def test_the_venues_page_lists_each_venue_and_its_papers_newest_first(site: Path) -> None:
    page = parsed(site, "venues.html")
    toc = [(a.text_content(), a.get("href")) for a in page.xpath('//ul[contains(@class, "venues-toc")]/li/a')]
    assert toc == [("Interspeech", "#v-interspeech"), ("ICASSP", "#v-icassp")]  # most papers first
    sections = page.xpath('//section[contains(@class, "venue-section")]')
    assert [s.get("id") for s in sections] == ["v-interspeech", "v-icassp"]
    interspeech = sections[0]
    assert interspeech.find("h2").text_content().split() == ["Interspeech", "2"]
    items = interspeech.xpath('.//ol[@class="venues-list"]/li')
    assert [li.get("data-paper-id") for li in items] == [INTERSPEECH_NEW, INTERSPEECH_OLD]
    assert [li.find_class("venue")[0].text_content() for li in items] == ["Interspeech 2025", "Interspeech 2024"]
    assert items[0].xpath("./a/@href") == [f"topics/speech-synthesis/2025-11.html#p-{INTERSPEECH_NEW}"]
    assert interspeech.xpath('.//a[starts-with(@href, "search.html")]/@href') == ["search.html?venue=Interspeech"]
    target = parsed(site, "topics/speech-synthesis/2025-11.html")
    assert target.xpath(f'//article[@id="p-{INTERSPEECH_NEW}"]')
    assert parsed(site, "index.html").xpath('//main//a[@href="venues.html"]')


def test_the_search_index_carries_venue_year_demo_chip_and_links(site: Path) -> None:
    index = json.loads((site / search.INDEX_DIR / "index.json").read_text(encoding="utf-8"))
    assert index["format"] == search.FORMAT == 3
    assert index["venues"] == ["ICASSP", "Interspeech"]
    results: list[list[Any]] = []
    for n in range(0, index["papers"], index["docs_per_file"]):
        results += json.loads((site / search.INDEX_DIR / index["build"] / "docs" /
                               f"{n // index['docs_per_file']}.json").read_text(encoding="utf-8"))
    by_id = {result[12]: number for number, result in enumerate(results)}
    expected = {INTERSPEECH_NEW: ("Interspeech", 2025, "1", "1", "Interspeech 2025"),
                INTERSPEECH_OLD: ("Interspeech", 2024, "0", "0", "Interspeech 2024"),
                ICASSP_SUBMITTED: ("ICASSP", 2026, "1", "0", "submitted: ICASSP 2026"),
                HOSTILE_LINKS: (None, 0, "0", "1", "")}
    for paper_id, (name, year, demo, code, chip) in expected.items():
        number = by_id[paper_id]
        at = index["paper_venues"][number]
        assert (index["venues"][at] if at >= 0 else None, index["paper_venue_years"][number]) == (name, year)
        assert (index["paper_demo"][number], index["paper_code"][number], results[number][14]) == (demo, code, chip)
    assert results[by_id[INTERSPEECH_NEW]][5] == [["🔊 Demo", "https://anon.github.io/tts-demo/", "anon.github.io"],
                                                  ["Code", "https://github.com/lab/tts", "github.com"]]
    assert sum(1 for v in index["paper_venues"] if v >= 0) == 3 and index["paper_demo"].count("1") == 2


def test_search_page_offers_venue_and_demo_filters(site: Path) -> None:
    page = parsed(site, "search.html")
    assert [s.get("id") for s in page.xpath("//fieldset//select")] == [
        "f-topic", "f-year", "f-month", "f-category", "f-venue", "f-code", "f-demo"]
