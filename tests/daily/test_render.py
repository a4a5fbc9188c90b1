"""render: hostile text through the real templates, parsed by GitHub's GFM parser; rows, links, feeds, the badge."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs
from rendering import Table, gfm, make_config, record

from core import mdtext, paperlinks, tldr, venue
from daily import render

COLUMNS = ["Title", "Authors", "Date", "Abstract", "Comment", "Links"]  # readme_layout: classic (DailyArXiv's)
COMPACT = ["Paper", "Links"]  # the default


def render_one(paper: dict, layout: str = "classic") -> Table:
    """The paper's topic page, parsed as GitHub parses it (the classic columns unless told)."""
    renderer = render.for_papers(make_config(["A"], readme_layout=layout), [paper])
    return gfm(renderer.topic_pages(renderer.views[0])["papers/a.md"].decode())


class Cells(HTMLParser):
    """A compact table's cells: text outside any <summary>, each <summary>'s text, and each <sub>'s text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[dict[str, list[str]]] = []
        self.where: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("td", "th"):
            self.cells.append({"text": [], "summary": [], "sub": []})
            self.inside = True
        if tag in ("summary", "sub") and self.inside:
            self.where.append(tag)
            self.cells[-1][tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("summary", "sub") and self.where:
            self.where.pop()
        elif tag in ("td", "th"):
            self.inside = False

    def handle_data(self, data: str) -> None:
        if not self.inside:
            return
        cell = self.cells[-1]
        if "summary" in self.where:
            cell["summary"][-1] += data
        else:
            cell["text"].append(data)
            if "sub" in self.where:
                cell["sub"][-1] += data


def compact_cells(markdown: str) -> list[dict[str, list[str]]]:
    """The cells of every table in a compact page, header cells included."""
    parser = Cells()
    parser.feed(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))
    return parser.cells


def check_compact_row(paper: dict) -> None:
    renderer = render.for_papers(make_config(["A"]), [paper])
    page = renderer.topic_pages(renderer.views[0])["papers/a.md"].decode()
    table = gfm(page)
    assert table.rows[0] == COMPACT and len(table.rows) == 2 and len(table.rows[1]) == 2, table.rows
    paper_cell, _ = compact_cells(page)[2:]
    names = [mdtext.plain(name) for name in paper["authors"]]
    small = " · ".join(part for part in (", ".join(names[:3]) + (" et al." if len(names) > 3 else ""),
                                         mdtext.dated(paper), venue.chip(paper["comment"])) if part)
    assert paper_cell["sub"] == [small]
    shown = tldr.shown(paper)
    assert paper_cell["summary"] == [mdtext.plain(shown.text) if shown else "Abstract"]
    full_list = f"Authors: {', '.join(names)}" if len(names) > 3 else ""
    comment = mdtext.plain(paper["comment"])
    folded = f"Comment: {comment}" if comment else ""  # whole, in the fold; the small line has only the venue
    found = paperlinks.of(paper["abstract"], paper["comment"])
    more = ("Links: " + " · ".join(link.label for link in found[4:])) if found[4:] else ""
    assert "".join(paper_cell["text"]) == (mdtext.plain(paper["title"]) + small + full_list
                                           + mdtext.plain(paper["abstract"]) + folded + more)
    assert table.tags <= {"table", "thead", "tbody", "tr", "th", "td", "strong", "a", "details", "summary", "br",
                          "sub"}
    authors = {link.url for link in found}  # only the checked links the authors' own text gives
    assert all(link.startswith(("https://arxiv.org/abs/2601.", "https://arxiv.org/pdf/2601.")) or link in authors
               for link in table.links)


def check_row(paper: dict) -> None:
    check_compact_row(paper)
    table = render_one(paper)
    assert len(table.rows) == 2, table.rows
    header, row = table.rows
    assert header == COLUMNS and len(row) == len(header)
    cells = dict(zip(header, row))
    names = [mdtext.plain(name) for name in paper["authors"]]
    assert cells["Title"] == mdtext.plain(paper["title"])
    assert cells["Authors"] == ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    full_list = f"Authors: {', '.join(names)}" if len(names) > 3 else ""
    shown = tldr.shown(paper)
    line = f"{shown.label}: {mdtext.plain(shown.text)}" if shown else ""  # the key sentence, above the fold
    assert cells["Abstract"] == line + full_list + mdtext.plain(paper["abstract"])
    assert cells["Comment"] == mdtext.plain(paper["comment"])
    assert table.tags <= {"table", "thead", "tbody", "tr", "th", "td", "strong", "a", "details", "summary", "br"}
    found = paperlinks.of(paper["abstract"], paper["comment"])
    authors = {link.url for link in found}  # only the checked links the authors' own text gives
    assert all(link.startswith(("https://arxiv.org/abs/2601.", "https://arxiv.org/pdf/2601.")) or link in authors
               for link in table.links)


text = hs.text(hs.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80).filter(lambda s: mdtext.plain(s))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=text, abstract=text, comment=hs.one_of(hs.just(""), text), authors=hs.lists(text, max_size=6))
@example(title="0", abstract="0", comment="", authors=["0@.A"])  # cmark-gfm made a mailto: link of "0@.A"
def test_any_text_keeps_the_row_intact_and_readable(title: str, abstract: str, comment: str,
                                                    authors: list[str]) -> None:
    check_row(record(1, title, abstract, comment, authors=authors))


HOSTILE = [
    "p < 10^{-15}, Cohen's d = 2.18", r"\textbf{ES4R} and \textbf{U}ltra", r"$O(d^\ell \cdot 2^d)$ time",
    r"($97\,\mathrm{ms}$) latency", "a | b || c", "</details></td></tr><script>alert(1)</script>",
    "[click]() and [x](javascript:alert(1)) and ![img](http://evil/x.png)", "javascript:alert(1)",
    "line one\nline two\r\n\tline three", "*bold* _it_ ~~strike~~ `code` <b>b</b> &amp; &lt; &#124;",
    "https://github.com/espnet/espnet and www.example.com and mail@example.com",
    "Arabic \u0627\u0644\u0643\u0644\u0627\u0645 with \u202etxt.exe\u202c bidi and \u4e2d\u6587 \u200b zero width",
    "trailing backslash \\", "# not a heading", "- not a list", "1. not a list", "> not a quote", "@octocat #123",
    "<!-- comment --> and <details>", ":smile: ::: a:b", "~~~ code fence ~~~", "```fence```",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_real_arxiv_oddities_render_as_text(hostile: str) -> None:
    check_row(record(1, hostile, hostile, hostile, authors=[hostile, "B. Two", hostile, "D. Four"]))


def cells(paper: dict) -> dict[str, str]:
    """The paper's row as column name -> visible text."""
    header, row = render_one(paper).rows
    return dict(zip(header, row))


def test_authors_show_the_first_three_and_the_full_list_opens_with_the_abstract() -> None:
    names = ["Ada Lovelace", "@octocat", "Grace Hopper", "Alan Turing", "Kurt Gödel"]
    row = cells(record(1, abstract="We study speech.", authors=names))
    assert row["Authors"] == "Ada Lovelace, @octocat, Grace Hopper et al."
    assert row["Abstract"] == ("Key sentence: We study speech.Authors: Ada Lovelace, @octocat, Grace Hopper, Alan Turing, "
                               "Kurt GödelWe study speech.")
    line = render.for_papers(make_config(["A"]), [record(1, authors=names)]).rows.line(record(1, authors=names))
    assert "@octocat" not in line, "an author named like a GitHub user must not notify them"
    three = cells(record(1, abstract="We study speech.", authors=names[:3]))
    assert three["Authors"] == "Ada Lovelace, @octocat, Grace Hopper"
    assert three["Abstract"] == "Key sentence: We study speech.We study speech."
    assert cells(record(1, authors=[]))["Authors"] == ""  # imported from an old README: authors unknown


def test_a_revision_says_which_version_in_the_date_cell() -> None:
    assert cells(record(1, day="2026-02-03T10:00:00Z", version=2))["Date"] == "2026-02-03 (v2)"
    assert cells(record(1, day="2026-02-03T10:00:00Z", version=1))["Date"] == "2026-02-03"


def links_cell(abstract: str, comment: str = "") -> tuple[str, list[str]]:
    """The Links cell's text and its link targets."""
    table = render_one(record(1, abstract=abstract, comment=comment))
    return table.rows[1][COLUMNS.index("Links")], table.links[1:]


def test_the_authors_links_come_from_their_text_named_by_kind_demo_first() -> None:
    text, links = links_cell("Code: https://github.com/espnet/espnet/tree/speechlm. Demo http://x.y/z, "
                             "samples at x.github.io/demo", "Weights at https://huggingface.co/org/model and "
                             "https://lab.org/a/b; javascript:alert(1) https://a.org/x\"onclick")
    assert links == ["https://arxiv.org/pdf/2601.00001", "https://x.github.io/demo",
                     "https://github.com/espnet/espnet/tree/speechlm", "https://huggingface.co/org/model",
                     "https://lab.org/a/b"]
    assert text == "PDF · 🔊 Demo · Code · 🤗 Model · Link"


@pytest.mark.parametrize("abstract,expected", [
    ("https://gitlab.com/group/tool", "PDF · Code"),
    ("https://github.com/Org/Repo and again https://github.com/org/repo.git", "PDF · Code"),
    ("data: https://huggingface.co/datasets/o/d and https://zenodo.org/records/1", "PDF · 🤗 Dataset · Dataset"),
    ("try https://huggingface.co/spaces/o/s", "PDF · 🤗 Space"),
    ("a https://a.org/1 b https://a.org/2 c https://a.org/3 d https://a.org/4 e https://a.org/5 demo: y.github.io/d",
     "PDF · 🔊 Demo · Link · Link · Link"),
])
def test_the_links_cell_shows_at_most_four_short_labels_once_each(abstract: str, expected: str) -> None:
    text, links = links_cell(abstract)
    assert text == expected
    assert len(set(link.lower() for link in links)) == len(links), links


@pytest.mark.parametrize("odd", ["\ud800", "\uffff", "\ufffe", "\ufdd0"])
def test_a_lone_surrogate_or_noncharacter_anywhere_leaves_every_feed_xml(odd: str) -> None:
    paper = record(1, f"Title {odd} one", f"We propose {odd} a codec. It works.")
    paper["tldr"] = {"model": f"m{odd}", "text": f"A codec {odd} that works.", "version": 1}
    paper["s2_tldr"] = {"model": "tldr@v2.0.0", "text": f"S2 {odd}.", "fetched": "2026-01-01", "paper": "a" * 40}
    for shown in (paper, {**paper, "tldr": None}, {**paper, "tldr": None, "s2_tldr": None}):
        feed = render.for_papers(make_config(["A"]), [shown]).render_all()["feeds/a.xml"]
        text = feed.decode("utf-8")
        summary = ET.fromstring(feed).find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
        assert odd not in text and summary is not None and summary.text and summary.text.split(":")[0] in (
            "TL;DR (AI, m)", "TL;DR (Semantic Scholar)", "Key sentence")


def test_feed_is_valid_atom() -> None:
    papers = [record(i, f"Title <{i}> & co", f"abstract \x0b{i}") for i in range(60)]
    feed = render.for_papers(make_config(["A"]), papers).render_all()["feeds/a.xml"]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(feed)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"a:{name}", ns) is not None
    entries = root.findall("a:entry", ns)
    assert len(entries) == 50
    for entry in entries:
        for name in ("id", "title", "updated", "summary", "link"):
            assert entry.find(f"a:{name}", ns) is not None
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext("a:updated", namespaces=ns))
    assert entries[0].findtext("a:title", namespaces=ns).startswith("Title <")


def test_readme_carries_the_daily_workflow_badge_next_to_the_newest_paper_date() -> None:
    """A relative badge: GitHub resolves it to this repository's (or this fork's) own workflow, live."""
    from conftest import REPO

    papers = [record(1, day="2026-01-05T10:00:00Z"), record(2, day="2026-01-07T10:00:00Z", topic="Other")]
    html = cmarkgfm.github_flavored_markdown_to_html(
        render.for_papers(make_config(["A"]), papers).readme().decode(), options=Options.CMARK_OPT_UNSAFE)
    found = re.search(r'<p><a href="([^"]+)"><img src="([^"]+)" alt="Daily update" /></a>'
                      r' · newest paper: (\S+) ·', html)
    assert found, html[:800]
    page, badge, newest = found.groups()
    assert newest == "2026-01-05", "the newest paper listed in a followed topic"
    assert badge == page + "/badge.svg" and page.startswith("../../actions/workflows/")
    workflow = REPO / ".github" / "workflows" / page.rsplit("/", 1)[1]
    assert "schedule" in workflow.read_text(encoding="utf-8"), "the badge shows the scheduled daily workflow"
    assert "Last update" not in html



def test_the_venue_chip_shows_in_the_compact_rows_small_line_and_in_the_feed_with_the_comment_folded() -> None:
    """Issue 35: the chip, not the comment cut short; a look-alike venue shows none, and the comment stays whole."""
    comments = {1: "5 pages; Accepted to ICASSP 2026. Code: https://github.com/a/b", 2: "Submitted to TASLP",
                3: "Accepted to \u0406CASSP 2026", 4: "12 pages"}
    papers = [record(i, comment=c) for i, c in comments.items()]
    outputs = render.for_papers(make_config(["A"]), papers).render_all()
    page = outputs["papers/a.md"].decode()
    small = sorted(cell["sub"][0] for cell in compact_cells(page)[2::2])  # each row's Paper cell, as GitHub shows it
    assert small == ["A. Author · 2026-01-01", "A. Author · 2026-01-01", "A. Author · 2026-01-01 · ICASSP 2026",
                     "A. Author · 2026-01-01 · submitted: TASLP"]
    for comment in comments.values():
        assert f"**Comment:** {mdtext.md(comment)}" in page  # whole, in the fold
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summaries = {e.findtext("a:id", namespaces=ns)[-5:]: e.findtext("a:summary", namespaces=ns)
                 for e in ET.fromstring(outputs["feeds/a.xml"]).findall("a:entry", ns)}
    assert summaries["00001"].startswith("Venue: ICASSP 2026 — ")
    assert summaries["00002"].startswith("Venue: submitted: TASLP — ")
    assert not summaries["00003"].startswith("Venue") and not summaries["00004"].startswith("Venue")


def test_feed_entries_list_the_authors_links_by_kind_and_nothing_hostile_becomes_one() -> None:
    """Issue 35: each entry's summary ends with the links core/paperlinks.py returns (Demo first, escaped by the
    XML autoescape, the feed parses); javascript:, data: and quotes never make one."""
    texts = {1: ("Code: https://github.com/a/b. Samples: x.github.io/demo & more <b>",
                 "Weights at https://huggingface.co/o/m"),
             2: ('Demo: javascript:alert(1) data:text/html,<script>x</script> https://c.org/x"onclick=alert(1)\'&<', ""),
             3: ("No links here.", "")}
    papers = [record(i, abstract=a, comment=c) for i, (a, c) in texts.items()]
    feed = render.for_papers(make_config(["A"]), papers).render_all()["feeds/a.xml"]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summaries = {e.findtext("a:id", namespaces=ns)[-1]: e.findtext("a:summary", namespaces=ns)
                 for e in ET.fromstring(feed).findall("a:entry", ns)}
    assert summaries["1"].endswith(" — Links: 🔊 Demo: https://x.github.io/demo · Code: https://github.com/a/b"
                                   " · 🤗 Model: https://huggingface.co/o/m")
    assert summaries["2"].split(" — Links: ")[1] == "🔊 Demo: https://c.org/x"  # the quote ends the URL
    assert [k.url for k in paperlinks.of(*texts[2])] == ["https://c.org/x"]
    assert "Links:" not in summaries["3"]
