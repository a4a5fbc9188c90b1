"""Rendering: hostile text through the real templates, parsed by GitHub's GFM parser; sizes; feeds; slugs."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import config as cfg
import query as q
import anchors
import manifest
import mdtext
import outputs
import pagemodel
import relevance
import render


def make_config(names: list[str], **settings_: object) -> cfg.Config:
    topics = tuple(cfg.Topic(name=n, query="cat:cs.SD", tree=q.parse("cat:cs.SD")) for n in names)
    return cfg.Config(path=Path("keywords.yaml"), topics=topics, settings={**cfg.DEFAULT_SETTINGS, **settings_})


def record(i: int, title: str = "x paper", abstract: str = "x", comment: str = "", topic: str = "A",
           day: str = "2026-01-01", authors: list[str] | None = None, version: int = 1) -> dict:
    return {"id": f"2601.{i:05d}", "version": version, "title": title, "abstract": abstract, "comment": comment,
            "authors": ["A. Author"] if authors is None else authors, "categories": ["cs.SD"],
            "primary_category": "cs.SD", "published": None, "updated": day, "topics": [topic]}


class Table(HTMLParser):
    """Rows of the first table: each cell's visible text and whether it holds foreign tags/links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None
        self._summary = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" or self.rows:
            self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "summary":
            self._summary = True
        elif tag == "a" and self.rows:
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "summary":
            self._summary = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._summary:
            self._cell.append(data)


def gfm(markdown: str) -> Table:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    table = Table()
    table.feed(html)
    return table


def render_one(paper: dict) -> Table:
    renderer = render.Renderer(make_config(["A"]), [paper])
    page = renderer.topic_pages(renderer.views[0])["papers/a.md"].decode()
    return gfm(page)


COLUMNS = ["Title", "Authors", "Date", "Abstract", "Comment", "Links"]


def check_row(paper: dict) -> None:
    table = render_one(paper)
    assert len(table.rows) == 2, table.rows
    header, row = table.rows
    assert header == COLUMNS and len(row) == len(header)
    cells = dict(zip(header, row))
    names = [mdtext.plain(name) for name in paper["authors"]]
    assert cells["Title"] == mdtext.plain(paper["title"])
    assert cells["Authors"] == ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    full_list = f"Authors: {', '.join(names)}" if len(names) > 3 else ""
    assert cells["Abstract"] == full_list + mdtext.plain(paper["abstract"])
    assert cells["Comment"] == mdtext.plain(paper["comment"])
    assert table.tags <= {"table", "thead", "tbody", "tr", "th", "td", "strong", "a", "details", "summary", "br"}
    assert all(link.startswith(("https://arxiv.org/abs/2601.", "https://arxiv.org/pdf/2601.", "https://github.com/",
                                "https://gitlab.com/", "https://huggingface.co/")) for link in table.links)


text = hs.text(hs.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80).filter(lambda s: mdtext.plain(s))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=text, abstract=text, comment=hs.one_of(hs.just(""), text), authors=hs.lists(text, max_size=6))
def test_any_text_keeps_the_row_intact_and_readable(title: str, abstract: str, comment: str,
                                                    authors: list[str]) -> None:
    check_row(record(1, title, abstract, comment, authors=authors))


clean_ascii = hs.text(hs.sampled_from([*"aW .", *"|\\$@w:_"]), max_size=30)
odd_ascii = hs.text(hs.sampled_from([*"a .|@w", *"\t\n\r\x00\x1f\x7f\x85\xa0\u200b\u202e\ufeff\u2028\u2065"]), max_size=30)


@settings(max_examples=500, deadline=None)
@given(value=hs.one_of(clean_ascii, odd_ascii, hs.text()))
def test_fast_paths_give_what_the_plain_definitions_give(value: str) -> None:
    """plain() and md() skip work on already-clean text; they must still equal the simple definitions."""
    invisible = {c: " " for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010),
                                  *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0xFEFF]}
    expected = " ".join(value.translate(invisible).split())
    assert mdtext.plain(value) == expected
    escaped = expected.translate(str.maketrans({c: "\\" + c for c in "\\`*_[]<|$~&:#"}))
    escaped = re.sub(r"@(?=\w)", "@<!-- -->", escaped)
    assert mdtext.md(value) == re.sub(r"(?i)(?<=www)\.", r"\\.", escaped)


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
    assert row["Abstract"] == "Authors: Ada Lovelace, @octocat, Grace Hopper, Alan Turing, Kurt GödelWe study speech."
    line = render.Renderer(make_config(["A"]), [record(1, authors=names)]).rows.line(record(1, authors=names))
    assert "@octocat" not in line, "an author named like a GitHub user must not notify them"
    three = cells(record(1, abstract="We study speech.", authors=names[:3]))
    assert three["Authors"] == "Ada Lovelace, @octocat, Grace Hopper" and three["Abstract"] == "We study speech."
    assert cells(record(1, authors=[]))["Authors"] == ""  # imported from an old README: authors unknown


def test_a_revision_says_which_version_in_the_date_cell() -> None:
    assert cells(record(1, day="2026-02-03T10:00:00Z", version=2))["Date"] == "2026-02-03 (v2)"
    assert cells(record(1, day="2026-02-03T10:00:00Z", version=1))["Date"] == "2026-02-03"


def links_cell(abstract: str, comment: str = "") -> tuple[str, list[str]]:
    """The Links cell's text and its link targets."""
    table = render_one(record(1, abstract=abstract, comment=comment))
    return table.rows[1][COLUMNS.index("Links")], table.links[1:]


def test_code_links_come_from_text_and_only_recognised_hosts() -> None:
    text, links = links_cell("Code: https://github.com/espnet/espnet/tree/speechlm. Demo http://x.y/z",
                             "Weights at https://huggingface.co/org/model and https://evil.com/a/b")
    assert links == ["https://arxiv.org/pdf/2601.00001", "https://github.com/espnet/espnet",
                     "https://huggingface.co/org/model"]
    assert text == "PDF · GitHub · Hugging Face"


@pytest.mark.parametrize("abstract,expected", [
    ("https://gitlab.com/group/tool", "PDF · GitLab"),
    ("https://github.com/org/encoder and https://github.com/org/vocoder.", "PDF · encoder · vocoder"),
    ("https://github.com/alice/tts_kit and https://github.com/bob/tts_kit", "PDF · alice/tts_kit · bob/tts_kit"),
    ("https://github.com/Org/Repo and again https://github.com/org/repo.git", "PDF · GitHub"),
    ("code at https://github.com/org/repo", "PDF · GitHub"),
])
def test_code_links_are_labelled_by_what_they_point_to_once_each(abstract: str, expected: str) -> None:
    text, links = links_cell(abstract)
    assert text == expected and "Code" not in text
    assert len(set(link.lower() for link in links)) == len(links), links


def test_readme_stays_under_the_limit_with_a_huge_store() -> None:
    rng = random.Random(7)
    names = [f"Topic {i}" for i in range(20)]
    words = "speech synthesis model neural codec with the of and audio language large zero-shot".split()
    papers = []
    for i in range(40_000):
        abstract = " ".join(rng.choice(words) for _ in range(rng.randint(120, 260)))
        papers.append(record(i, f"Paper {i} " + " ".join(rng.choice(words) for _ in range(12)), abstract,
                             "12 pages, 5 figures" if i % 3 else "", names[i % 20],
                             f"20{18 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                             authors=[f"Author Name{k} Surname{i % 97}" for k in range(rng.randint(1, 12))],
                             version=1 + i % 3))
    config = make_config(names)
    files = render.Renderer(config, papers).render_all()
    readme = files["README.md"]
    assert 450_000 < len(readme) <= config.settings["readme_max_bytes"] < pagemodel.GITHUB_LIMIT
    assert all(len(data) < pagemodel.GITHUB_LIMIT for data in files.values())
    counts = [int(m) for m in re.findall(rb"Showing the latest (\d+) of", readme)]
    assert len(counts) == 20 and max(counts) - min(counts) <= 1, counts  # fair share
    listed = {p["id"] for p in papers}
    on_pages = set()
    for path, data in files.items():
        if path.startswith("papers/"):
            on_pages |= set(re.findall(r"arxiv\.org/abs/(\d{4}\.\d{5})\)", data.decode()))
    assert on_pages == listed, "every paper must be on its topic's pages"
    assert any(path.count("/") == 2 for path in files), "big topics must split into parts"


def test_a_new_paper_leaves_older_parts_byte_identical() -> None:
    """Daily diffs stay small: only the newest part, the index, the feed and README change."""
    abstract = " ".join(["speech synthesis with a neural codec"] * 25)
    papers = [record(i, f"Paper {i}", abstract, topic="A", day=f"{2023 + i % 3}-{1 + i % 12:02d}-10")
              for i in range(900)]
    before = render.Renderer(make_config(["A"]), papers).render_all()
    assert {"papers/a/2023.md", "papers/a/2024.md", "papers/a/2025.md"} <= set(before)
    after = render.Renderer(make_config(["A"]), [*papers, record(5000, "New", abstract, topic="A",
                                                                  day="2025-12-30")]).render_all()
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert changed == {"papers/a/2025.md", "papers/a.md", "feeds/a.xml", "README.md", manifest.MANIFEST}


def test_readme_fits_with_the_most_topics_allowed() -> None:
    names = [f"A rather long topic name about speech and audio number {i:03d}" for i in range(cfg.MAX_TOPICS)]
    papers = [record(i, f"Paper {i}", "speech " * 200, topic=names[i % len(names)]) for i in range(2000)]
    readme = render.Renderer(make_config(names), papers).readme()
    assert len(readme) <= cfg.DEFAULT_SETTINGS["readme_max_bytes"]
    assert readme.count(b"Showing the latest ") == len(names) and b"Showing the latest 0 of" not in readme


def test_fixed_cap_per_topic() -> None:
    papers = [record(i, topic="A", day=f"2026-01-{1 + i % 28:02d}") for i in range(30)]
    readme = render.Renderer(make_config(["A"], readme_papers_per_topic=5), papers).readme().decode()
    assert readme.count("| **[") == 5 and "Showing the latest 5 of 30 papers" in readme


def test_feed_is_valid_atom() -> None:
    papers = [record(i, f"Title <{i}> & co", f"abstract \x0b{i}") for i in range(60)]
    feed = render.Renderer(make_config(["A"]), papers).render_all()["feeds/a.xml"]
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


@pytest.mark.parametrize("name,expected", [
    ("Speech Synthesis", "speech-synthesis"), ("TTS", "tts"), ("Audio/Video: LLMs", "audio-video-llms"),
])
def test_slugs_are_readable_for_latin_names(name: str, expected: str) -> None:
    assert pagemodel.slug(name) == expected


def test_slugs_are_stable_and_safe_for_any_name() -> None:
    for name in ["语音合成", "Синтез речи", "Café ünïcode", "../../etc", "a" * 300, "  "]:
        s = pagemodel.slug(name)
        assert s == pagemodel.slug(name) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", s) and len(s) <= 80
    assert pagemodel.slug("语音合成") != pagemodel.slug("语音识别")


def test_a_month_too_big_for_one_page_splits_into_numbered_parts() -> None:
    abstract = " ".join(["large language models for speech"] * 30)
    papers = [record(i, f"Paper {i}", abstract, topic="A", day=f"2026-03-{1 + i % 28:02d}") for i in range(1200)]
    files = render.Renderer(make_config(["A"]), papers).render_all()
    parts = sorted(path for path in files if path.startswith("papers/a/"))
    assert parts == [f"papers/a/2026-03-part{n}.md" for n in range(1, len(parts) + 1)] and len(parts) >= 3
    assert all(len(data) <= pagemodel.PAGE_LIMIT for data in files.values())
    found = [i for path in parts for i in re.findall(r"arxiv\.org/abs/(\d{4}\.\d{5})\)", files[path].decode())]
    assert found == [p["id"] for p in relevance.newest_first(papers)], "each paper once, newest first, across parts"
    index = files["papers/a.md"].decode()
    assert "[2026-03-part1](a/2026-03-part1.md) — " in index


def _write(root: Path, config: cfg.Config, papers: list[dict], incremental: bool) -> render.Renderer:
    previous = manifest.load_manifest(root) if incremental else None
    renderer = render.Renderer(config, papers, previous, root)
    outputs.write_outputs(root, renderer.outputs())
    return renderer


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("seed", range(8))
def test_keeping_unchanged_parts_gives_exactly_what_a_full_render_gives(seed: int, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Differential test: random edits, each followed by an incremental and a from-scratch render, compared."""
    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 40_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 32_000)
    rng = random.Random(seed)
    config = make_config(["A", "B"], readme_papers_per_topic=5 if seed % 2 else "auto")
    words = "speech codec model | $x$ www.a.org @me *b* neural audio".split()

    def new_paper(i: int, year: int) -> dict:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(20, 160)))
        return record(i, f"Paper {i} {rng.choice(words)}", text, rng.choice(["", "5 pages", "x " * 40]),
                      rng.choice(["A", "B"]), f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")

    papers = [new_paper(i, rng.choice([2023, 2024, 2025, 2026])) for i in range(120)]
    live = tmp_path / "live"
    _write(live, config, papers, incremental=True)
    for step in range(8):
        action = rng.choice(["add", "version", "refresh", "untopic", "delete", "edit", "burst", "nothing"])
        pages = sorted(p for p in live.glob("papers/*/*.md"))
        if action == "add":
            papers += [new_paper(1000 + step * 10 + k, 2026) for k in range(rng.randint(1, 5))]
        elif action == "version":
            paper = rng.choice(papers)
            paper.update(version=paper["version"] + 1, updated=f"{rng.choice([2024, 2026])}-06-0{step + 1}",
                         title=paper["title"] + " v2")
        elif action == "refresh":
            rng.choice(papers)["comment"] = f"accepted at venue {step}"
        elif action == "untopic":
            rng.choice(papers)["topics"] = ["C"]
        elif action == "delete" and pages:
            rng.choice(pages).unlink()
        elif action == "edit" and pages:
            with rng.choice(pages).open("a", encoding="utf-8") as handle:
                handle.write("hand edit\n")
        elif action == "burst":
            papers += [new_paper(2000 + step * 100 + k, 2025) for k in range(60)]
            for paper in papers[-60:]:
                paper["updated"] = "2025-03-15"
        _write(live, config, papers, incremental=True)
        fresh = tmp_path / f"fresh{step}"
        _write(fresh, config, papers, incremental=False)
        assert _tree(live) == _tree(fresh), f"seed {seed}, step {step}: {action}"
    assert any("/" in path.removeprefix("papers/") for path in _tree(live)), "the store must split into parts"


def test_a_daily_run_renders_only_the_changed_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 40_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 32_000)
    config = make_config(["A"], readme_papers_per_topic=10)
    papers = [record(i, f"Paper {i}", "speech " * 100, topic="A", day=f"{2020 + i % 6}-05-0{1 + i % 9}")
              for i in range(150)]  # each year fits one page, the topic does not
    _write(tmp_path, config, papers, incremental=True)
    papers.append(record(9999, "New", "speech " * 100, topic="A", day="2025-12-30"))
    renderer = render.Renderer(config, papers, manifest.load_manifest(tmp_path), tmp_path)
    outputs = dict(renderer.outputs())
    rendered = {path for path, data in outputs.items() if data is not None and path.startswith("papers/a/")}
    kept = {path for path, data in outputs.items() if data is None}
    assert rendered == {"papers/a/2025.md"}, rendered
    assert kept == {f"papers/a/{year}.md" for year in range(2020, 2025)}
    assert len(renderer.rows.lines) <= 27, "rows of kept parts are not rendered"
    full = render.Renderer(config, papers).render_all()
    assert {path: data if data is not None else (tmp_path / path).read_bytes() for path, data in outputs.items()} == full


def test_templates_code_or_settings_changed_renders_every_part_again(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 40_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 32_000)
    config = make_config(["A"])
    papers = [record(i, f"Paper {i}", "speech " * 100, topic="A", day=f"{2020 + i % 6}-05-01") for i in range(150)]
    _write(tmp_path / "repo", config, papers, incremental=True)
    base = manifest.code_stamp(config.settings, render.TEMPLATES)
    assert manifest.code_stamp({**config.settings, "title": "Other"}, render.TEMPLATES) != base
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    (templates / "topic.md.j2").write_text((templates / "topic.md.j2").read_text() + "\n", encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", templates)
    render.environment.cache_clear()
    try:
        assert manifest.code_stamp(config.settings, templates) != base
        outputs = dict(render.Renderer(config, papers, manifest.load_manifest(tmp_path / "repo"),
                                       tmp_path / "repo").outputs())
    finally:
        render.environment.cache_clear()
    assert None not in outputs.values(), "a changed template must render every part again"


@pytest.mark.parametrize("damage", [
    lambda m: "<<<<<<< HEAD\n" + m, lambda m: m.replace('"rows"', '"rowz"'), lambda m: m.replace('"parts": [', '"parts": 7, "x": ['),
    lambda m: "[]", lambda m: m.replace('"files": {', '"files": {"papers/a/x.md": "big", '),
])
def test_a_damaged_manifest_means_a_full_render(damage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 40_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 32_000)
    config = make_config(["A"])
    papers = [record(i, f"Paper {i}", "speech " * 100, topic="A", day=f"{2020 + i % 6}-05-01") for i in range(150)]
    live, full = tmp_path / "live", tmp_path / "full"
    _write(live, config, papers, incremental=True)
    assert manifest.manifest_is_sound(manifest.load_manifest(live))
    path = live / manifest.MANIFEST
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert manifest.load_manifest(live) is None
    _write(live, config, papers, incremental=True)
    _write(full, config, papers, incremental=False)
    assert _tree(live) == _tree(full)


def test_readme_carries_the_daily_workflow_badge_next_to_the_newest_paper_date() -> None:
    """A relative badge: GitHub resolves it to this repository's (or this fork's) own workflow, live."""
    from conftest import REPO

    papers = [record(1, day="2026-01-05T10:00:00Z"), record(2, day="2026-01-07T10:00:00Z", topic="Other")]
    html = cmarkgfm.github_flavored_markdown_to_html(
        render.Renderer(make_config(["A"]), papers).readme().decode(), options=Options.CMARK_OPT_UNSAFE)
    found = re.search(r'<p><a href="([^"]+)"><img src="([^"]+)" alt="Daily update" /></a>'
                      r' · newest paper: (\S+) ·', html)
    assert found, html[:800]
    page, badge, newest = found.groups()
    assert newest == "2026-01-05", "the newest paper listed in a followed topic"
    assert badge == page + "/badge.svg" and page.startswith("../../actions/workflows/")
    workflow = REPO / ".github" / "workflows" / page.rsplit("/", 1)[1]
    assert "schedule" in workflow.read_text(encoding="utf-8"), "the badge shows the scheduled daily workflow"
    assert "Last update" not in html



def test_stale_removal_deletes_only_generated_files(tmp_path: Path) -> None:
    """Pages and feeds the run generated go when stale; files the user put under papers/ and feeds/ stay."""
    files = {"papers/old.md": "<!-- Generated by scripts/update.py from templates/topic.md.j2 -->\n# Old\n",
             "papers/old/2025.md": "<!-- Generated by scripts/update.py from templates/topic.md.j2 -->\n",
             "papers/listed.md": "# customised template without the mark\n",
             "feeds/old.xml": '<?xml version="1.0"?>\n<feed><id>urn:daily-papers:topic:old</id></feed>\n',
             "papers/README.md": "# About\n", "papers/notes/todo.md": "- read\n",
             "feeds/combined.xml": "<?xml version='1.0'?><feed><id>mine</id></feed>\n", "papers/kept.md": "kept\n"}
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    gone = {"papers/old.md", "papers/old/2025.md", "feeds/old.xml", "papers/listed.md"}
    assert set(outputs.remove_stale(tmp_path, {"papers/kept.md"}, dry_run=True, known={"papers/listed.md"})) == gone
    assert all((tmp_path / p).exists() for p in files)
    assert set(outputs.remove_stale(tmp_path, {"papers/kept.md"}, dry_run=False, known={"papers/listed.md"})) == gone
    assert {p for p in files if (tmp_path / p).exists()} == set(files) - gone
    assert not (tmp_path / "papers/old").exists() and (tmp_path / "papers/notes").is_dir()


@pytest.mark.parametrize("text, expected", [
    ("fixes #12", "fixes #\u200b12"), ("owner/repo#45", "owner/repo#\u200b45"), ("GH-7 and gh-8", "GH\u200b-7 and gh\u200b-8"),
    ("@octocat, @org/team", "@\u200boctocat, @\u200borg/team"), ("C# and #hashtag", "C# and #hashtag"),
    ("me@example.org", "me@\u200bexample.org"), ("plain", "plain")])
def test_inert_breaks_references_and_mentions_only(text: str, expected: str) -> None:
    assert mdtext.inert(text) == expected

# --- limits and anchors under hostile input (the cases are in tests/hostile_inputs.py) ---

import json as _json  # noqa: E402
import unicodedata  # noqa: E402
from urllib.parse import unquote  # noqa: E402

import hostile_inputs as hostile  # noqa: E402

# github-slugger's rule, written as what it removes: other numbers, punctuation but '-' and connectors, symbols,
# controls, private use, format characters, unassigned code points and separators but ' '.
_SLUG_REMOVES = {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sc", "Sk", "Sm", "So", "Cc", "Co", "Cf", "Cn", "Zs", "Zl",
                 "Zp"}


def github_ids(headings: list[str]) -> list[str]:
    """Heading ids as GitHub gives them, in document order (an independent implementation of github-slugger)."""
    seen: dict[str, int] = {}
    ids = []
    for text in headings:
        base = "".join(c for c in text.lower()
                       if c in " -" or unicodedata.category(c) not in _SLUG_REMOVES).replace(" ", "-")
        result = base
        while result in seen:
            seen[base] += 1
            result = f"{base}-{seen[base]}"
        seen[result] = 0
        ids.append(result)
    return ids


class Outline(HTMLParser):
    """Headings (their text, as GitHub reads it: no comments, entities decoded) and every link with its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._heading: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        elif tag == "a" and "href" in dict(attrs):
            self._link = (dict(attrs)["href"], [])

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], "".join(self._link[1])))
            self._link = None

    def handle_data(self, data: str) -> None:
        for part in (self._heading, self._link[1] if self._link else None):
            if part is not None:
                part.append(data)


def outline(markdown: bytes) -> Outline:
    parsed = Outline()
    parsed.feed(cmarkgfm.github_flavored_markdown_to_html(markdown.decode("utf-8"), options=Options.CMARK_OPT_UNSAFE))
    return parsed


def test_every_readme_link_lands_on_its_own_section_for_hostile_topic_names() -> None:
    names = hostile.TOPIC_NAMES
    papers = [record(i, f"Paper {i}", topic=name) for i, name in enumerate(names)]
    renderer = render.Renderer(make_config(names), papers)
    files = renderer.render_all()
    parsed = outline(files["README.md"])
    ids = github_ids(parsed.headings)
    assert len(set(ids)) == len(ids)
    topic_ids = ids[2:2 + len(names)]  # the title, Contents, then one heading per topic
    assert parsed.headings[2:2 + len(names)] == [mdtext.plain(n) for n in names]
    anchors = [(unquote(href[1:]), text) for href, text in parsed.links if href.startswith("#")]
    intro, contents, rest = anchors[0], anchors[1:1 + len(names)], anchors[1 + len(names):]
    assert [a for a, _ in contents] == topic_ids, "each Contents entry goes to its own topic"
    docs = dict(zip(parsed.headings[2 + len(names):], ids[2 + len(names):]))
    for anchor, text in [intro, *rest]:
        assert anchor == docs[text], f"the docs' link {text!r} must go to the docs' heading, not a topic's"
    assert len(anchors) > len(names) + 4
    for view, anchor in zip(renderer.views, topic_ids):
        page = files[view.page].decode()
        assert f"README.md#{anchor})" in page, "the page's link back lands on its section"


def test_ids_are_computed_as_github_computes_them() -> None:
    slugger = anchors.Slugger()
    got = [slugger.slug(h) for h in ["Speech-LM", "Speech LM", "FAQ", "faq", "C #", "हिन्दी", "Ⅻ ½", "a_b"]]
    assert got == ["speech-lm", "speech-lm-1", "faq", "faq-1", "c-", "हिन्दी", "ⅻ-", "a_b"]


def _config_file(tmp_path: Path, names: list[str], title: str) -> cfg.Config:
    """A keywords.yaml with these names, loaded by the validator (so they are names it accepts)."""
    path = tmp_path / "keywords.yaml"
    path.write_text(_json.dumps({"topics": [{"name": n, "query": "speech"} for n in names],
                                 "settings": {"title": title}}, ensure_ascii=False), encoding="utf-8")
    return cfg.load(path)


def test_readme_and_pages_fit_with_100_topics_of_the_longest_names_accepted(tmp_path: Path) -> None:
    config = _config_file(tmp_path, hostile.LONGEST_NAMES, hostile.LONGEST_TITLE)
    assert len(config.topics) == cfg.MAX_TOPICS and all(len(t.name) == cfg.MAX_NAME for t in config.topics)
    papers = [record(i, f"Speech paper {i} @{'x' * 50}", "speech " * 200, topic=config.topics[i % 100].name,
                     day=f"2026-01-{1 + i % 28:02d}") for i in range(3000)]
    files = render.Renderer(config, papers).render_all()
    readme = files["README.md"]
    assert len(readme) <= config.settings["readme_max_bytes"] < pagemodel.GITHUB_LIMIT
    assert readme.count(b"Showing the latest ") == 100 and b"Showing the latest 0 of" not in readme
    assert all(len(data) < pagemodel.GITHUB_LIMIT for data in files.values() if data is not None)


@pytest.mark.parametrize("field,value", hostile.HUGE_FIELDS, ids=[f for f, _ in hostile.HUGE_FIELDS])
def test_one_huge_field_is_cut_and_every_page_stays_under_the_limit(field: str, value: object) -> None:
    papers = [record(i, f"Paper {i}", "speech " * 100, "5 pages", day=f"2026-{12 - i // 28:02d}-{28 - i % 28:02d}")
              for i in range(60)]  # newest first
    papers[1][field] = value
    files = render.Renderer(make_config(["A"], readme_papers_per_topic=20), papers).render_all()
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
