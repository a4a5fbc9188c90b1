"""mdtext: arXiv text escaped for Markdown and made plain; over-long fields cut so no page passes a limit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import hostile_inputs as hostile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from rendering import gfm, make_config, record

from core import mdtext, text
from daily import pagemodel, render

clean_ascii = hs.text(hs.sampled_from([*"aW .", *"|\\$@w:_"]), max_size=30)


odd_ascii = hs.text(hs.sampled_from([*"a .|@w", *"\t\n\r\x00\x1f\x7f\x85\xa0\u200b\u202e\ufeff\u2028\u2065"]), max_size=30)


@settings(max_examples=500, deadline=None)
@given(value=hs.one_of(clean_ascii, odd_ascii, hs.text()))
def test_fast_paths_give_what_the_plain_definitions_give(value: str) -> None:
    """plain() and md() skip work on already-clean text; they must still equal the simple definitions."""

    invisible = {c: " " for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010),
                                  *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0xFEFF,
                                  *range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0), 0xFFFE, 0xFFFF]}
    expected = " ".join(text.clean(value).translate(invisible).split())  # the border's drops, then blanks
    assert mdtext.plain(value) == expected
    escaped = expected.translate(str.maketrans({c: "\\" + c for c in "\\`*_[]<|$~&:#"}))
    escaped = re.sub(r"@(?=[\w.+-])", "@<!-- -->", escaped)
    assert mdtext.md(value) == re.sub(r"(?i)(?<=www)\.", r"\\.", escaped)


@pytest.mark.parametrize("text, expected", [
    ("fixes #12", "fixes #\u200b12"), ("owner/repo#45", "owner/repo#\u200b45"), ("GH-7 and gh-8", "GH\u200b-7 and gh\u200b-8"),
    ("@octocat, @org/team", "@\u200boctocat, @\u200borg/team"), ("C# and #hashtag", "C# and #hashtag"),
    ("me@example.org", "me@\u200bexample.org"), ("plain", "plain"),
    ("Closes https://github.com/o/r/issues/7", "Closes https:\u200b//github.com/o/r/issues/7")])
def test_inert_breaks_references_and_mentions_only(text: str, expected: str) -> None:
    assert mdtext.inert(text) == expected


@pytest.mark.parametrize("field,value", hostile.HUGE_FIELDS, ids=[f for f, _ in hostile.HUGE_FIELDS])
def test_one_huge_field_is_cut_and_every_page_stays_under_the_limit(field: str, value: object) -> None:
    papers = [record(i, f"Paper {i}", "speech " * 100, "5 pages", day=f"2026-{12 - i // 28:02d}-{28 - i % 28:02d}")
              for i in range(60)]  # newest first
    papers[1][field] = value
    files = render.for_papers(make_config(["A"], readme_papers_per_topic=20), papers).render_all()
    assert all(len(data) < pagemodel.GITHUB_LIMIT for data in files.values() if data is not None)
    readme = files["README.md"].decode()
    ids = re.findall(r"\(https://arxiv\.org/abs/(2601\.\d{5})\)\*\*", readme)
    assert ids[:3] == ["2601.00000", "2601.00001", "2601.00002"] and len(ids) == 20, "rows go on past the paper"
    row = next(line for line in readme.splitlines() if "arxiv.org/abs/2601.00001)**" in line)
    assert len(row.encode()) < 50_000
    if field != "authors":
        assert "[full text on arXiv](https://arxiv.org/abs/2601.00001)" in row
    table = gfm("| a | b | c | d | e |\n| --- | --- | --- | --- | --- |\n" + row + "\n")
    assert len(table.rows) == 2 and len(table.rows[1]) == 5, "the cut row is still one intact table row"
    feed = ET.fromstring(files["feeds/a.xml"])
    assert len(files["feeds/a.xml"]) < 200_000 and feed.find("{http://www.w3.org/2005/Atom}entry") is not None

