"""Every outside text, however hostile its characters, reaches every output as text that output can parse.

Random Unicode (surrogates, noncharacters, tag characters, bidi and zero-width characters, controls included)
goes into each field where outside text enters: arXiv's fields (fetch.to_record, from the arxiv package's own
Result), a model's summary (summaries.clean), Semantic Scholar's TL;DR (semantic_scholar.clean_text) and a
library entry (library.from_csl_json). README.md must parse as GFM, every feed as XML, the email through the
email package, the BibTeX entry through bibtexparser, and none may carry a character the border drops.
"""

from __future__ import annotations

import email
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email import policy
from typing import Any

import arxiv
import bibtexparser
import cmarkgfm
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from rendering import make_config

from core import text
from core.config import ConfigError
from daily import fetch, render
from digest import library, mail, semantic_scholar, summaries
from website import bibtex

HOSTILE_CHARACTERS = [
    "\ud800", "\udfff", "\ufdd0", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff",  # surrogates, noncharacters
    "\U000e0001", "\U000e0041", "\U000e007f",  # tag characters
    "\u202e", "\u2066", "\u200b", "\u200d", "\u200f", "\ufeff", "\u061c",  # bidi and invisible
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\r", "\n", "\t", "\u2028",  # controls and line breaks
    "<", "&", "|", "]]>", "*", "#", "@", "{", "}", "\\", "%", "$", "::", "--",  # what each output escapes
]
outside_text = hs.one_of(
    hs.text(hs.characters(codec=None, categories=None, exclude_categories=()), max_size=40),
    hs.lists(hs.one_of(hs.sampled_from(HOSTILE_CHARACTERS), hs.text(max_size=6)), max_size=12).map("".join),
)
# What no output may carry: what the border drops, and the invisible and bidi characters the outputs blank.
FORBIDDEN = re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff\U0010fffe\U0010ffff"
                       "\U000e0000-\U000e007f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060-\u2064\ufeff\u061c"
                       "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PAPER_ID = "2601.00001"
DAY = "2026-01-05"


def arxiv_record(fields: dict[str, str]) -> dict[str, Any]:
    """The store record fetch makes of an arxiv.Result carrying these fields."""
    moment = datetime(2026, 1, 5, 12, tzinfo=UTC)
    result = arxiv.Result(entry_id=f"http://arxiv.org/abs/{PAPER_ID}v1", updated=moment, published=moment,
                          title=fields["title"], authors=[arxiv.Result.Author(fields["author"])],
                          summary=fields["abstract"], comment=fields["comment"],
                          categories=["cs.SD", fields["category"]], primary_category="cs.SD")
    record = fetch.to_record(result, moment)
    assert record is not None
    return {**record, "topics": ["Speech"]}


def with_summaries(record: dict[str, Any], answer: str, tldr: str) -> dict[str, Any]:
    """The record with a model's summary and Semantic Scholar's TL;DR, each as its entry point stores it."""
    shown, s2_text = summaries.clean(answer), semantic_scholar.clean_text(tldr)
    if shown:
        record["tldr"] = {"model": "local-model", "text": shown, "version": 1}
    if s2_text:
        record["s2_tldr"] = {"fetched": "2026-01-05T12:00:00Z", "model": "tldr", "paper": "a" * 40, "text": s2_text}
    return record


def library_title(title: str, abstract: str) -> str:
    """A CSL JSON library entry's title as the library reader gives it (the 'because' of a pick); an entry left
    with no visible title or abstract is the reader's one-line error, which is no output."""
    try:
        entries = library.from_csl_json(json.dumps([{"id": "k", "title": title, "abstract": abstract}]), "lib.json")
    except ConfigError as err:
        assert "\n" not in str(err) and "neither a title nor an abstract" in str(err)
        return ""
    return entries[0].title if entries else ""


def outputs(record: dict[str, Any], because: str) -> dict[str, str]:
    """README, the feeds, the email's parts and the BibTeX entry of one record, each checked to parse."""
    rendered = render.for_papers(make_config(["Speech"]), [record]).render_all()
    found: dict[str, str] = {}
    for path, body in rendered.items():
        if body is None or not path.endswith((".md", ".xml")):
            continue
        found[path] = body.decode("utf-8")
        if path.endswith(".xml"):
            ET.fromstring(body)
        else:
            cmarkgfm.github_flavored_markdown_to_html(found[path])
    day = {"date": DAY, "new": {"Speech": [PAPER_ID]}, "picks": [{"id": PAPER_ID, "because": {"title": because}}]}
    message = mail.compose(day, {PAPER_ID: record}, "https://example.org/papers/", "Daily Papers")
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    for part in ("plain", "html"):
        found[f"mail.{part}"] = parsed.get_body((part,)).get_content()  # type: ignore[union-attr]
    found["mail.subject"] = str(parsed["Subject"])
    entry = bibtex.entry(record, "key2026")
    assert not bibtexparser.parse_string(entry).failed_blocks
    found["entry.bib"] = entry
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=outside_text, author=outside_text, abstract=outside_text, comment=outside_text, category=outside_text,
       answer=outside_text, tldr=outside_text, library_text=outside_text)
def test_random_outside_text_reaches_every_output_parseable_and_clean(
        title: str, author: str, abstract: str, comment: str, category: str, answer: str, tldr: str,
        library_text: str) -> None:
    fields = {"title": title or "x", "author": author, "abstract": abstract, "comment": comment, "category": category}
    record = with_summaries(arxiv_record(fields), answer, tldr)
    because = library_title(library_text, abstract)
    for value in [*record.values(), because]:
        shown = json.dumps(value, ensure_ascii=False)
        assert not FORBIDDEN.search(shown), value
    for path, body in outputs(record, because).items():
        assert not FORBIDDEN.search(body), (path, FORBIDDEN.search(body))


@pytest.mark.parametrize("hostile", HOSTILE_CHARACTERS)
def test_each_hostile_character_alone_in_every_field(hostile: str) -> None:
    fields = dict.fromkeys(("title", "author", "abstract", "comment", "category"), f"A{hostile}B codec")
    record = with_summaries(arxiv_record(fields), f"The authors{hostile} study codecs.", f"A{hostile} codec.")
    for path, body in outputs(record, library_title(f"Mine{hostile}", "")).items():
        assert not FORBIDDEN.search(body), path
    assert text.clean(record["title"]) == record["title"]
