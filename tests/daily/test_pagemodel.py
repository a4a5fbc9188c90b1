"""pagemodel: README's fair share within its byte budget, slugs, and topics split into parts that fit a page."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import hostile_inputs as hostile
import pytest
from rendering import make_config, record

from core import config as cfg
from core import relevance
from daily import manifest, pagemodel, render


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
    files = render.for_papers(config, papers).render_all()
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
    before = render.for_papers(make_config(["A"]), papers).render_all()
    assert {"papers/a/2023.md", "papers/a/2024.md", "papers/a/2025.md"} <= set(before)
    after = render.for_papers(make_config(["A"]), [*papers, record(5000, "New", abstract, topic="A",
                                                                  day="2025-12-30")]).render_all()
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert changed == {"papers/a/2025.md", "papers/a.md", "feeds/a.xml", "README.md", manifest.MANIFEST}


def test_readme_fits_with_the_most_topics_allowed() -> None:
    names = [f"A rather long topic name about speech and audio number {i:03d}" for i in range(cfg.MAX_TOPICS)]
    papers = [record(i, f"Paper {i}", "speech " * 200, topic=names[i % len(names)]) for i in range(2000)]
    readme = render.for_papers(make_config(names), papers).readme()
    assert len(readme) <= cfg.DEFAULT_SETTINGS["readme_max_bytes"]
    assert readme.count(b"Showing the latest ") == len(names) and b"Showing the latest 0 of" not in readme


def test_fixed_cap_per_topic() -> None:
    papers = [record(i, topic="A", day=f"2026-01-{1 + i % 28:02d}") for i in range(30)]
    readme = render.for_papers(make_config(["A"], readme_papers_per_topic=5), papers).readme().decode()
    assert readme.count("| **[") == 5 and "Showing the latest 5 of 30 papers" in readme


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
    files = render.for_papers(make_config(["A"]), papers).render_all()
    parts = sorted(path for path in files if path.startswith("papers/a/"))
    assert parts == [f"papers/a/2026-03-part{n}.md" for n in range(1, len(parts) + 1)] and len(parts) >= 3
    assert all(len(data) <= pagemodel.PAGE_LIMIT for data in files.values())
    found = [i for path in parts for i in re.findall(r"arxiv\.org/abs/(\d{4}\.\d{5})\)", files[path].decode())]
    assert found == [p["id"] for p in relevance.newest_first(papers)], "each paper once, newest first, across parts"
    index = files["papers/a.md"].decode()
    assert "[2026-03-part1](a/2026-03-part1.md) — " in index


def _config_file(tmp_path: Path, names: list[str], title: str) -> cfg.Config:
    """A keywords.yaml with these names, loaded by the validator (so they are names it accepts)."""
    path = tmp_path / "keywords.yaml"
    path.write_text(json.dumps({"topics": [{"name": n, "query": "speech"} for n in names],
                                 "settings": {"title": title}}, ensure_ascii=False), encoding="utf-8")
    return cfg.load(path)


def test_readme_and_pages_fit_with_100_topics_of_the_longest_names_accepted(tmp_path: Path) -> None:
    config = _config_file(tmp_path, hostile.LONGEST_NAMES, hostile.LONGEST_TITLE)
    assert len(config.topics) == cfg.MAX_TOPICS and all(len(t.name) == cfg.MAX_NAME for t in config.topics)
    papers = [record(i, f"Speech paper {i} @{'x' * 50}", "speech " * 200, topic=config.topics[i % 100].name,
                     day=f"2026-01-{1 + i % 28:02d}") for i in range(3000)]
    files = render.for_papers(config, papers).render_all()
    readme = files["README.md"]
    assert len(readme) <= config.settings["readme_max_bytes"] < pagemodel.GITHUB_LIMIT
    assert readme.count(b"Showing the latest ") == 100 and b"Showing the latest 0 of" not in readme
    assert all(len(data) < pagemodel.GITHUB_LIMIT for data in files.values() if data is not None)



def test_the_smallest_budget_allowed_still_lists_every_shipped_topic() -> None:
    """The docs and headings always show, so the range's floor must leave room for rows: this fails when README's
    fixed part (docs, FAQ, code map) grows past what the smallest readme_max_bytes a user may set can hold."""
    root = Path(__file__).resolve().parents[2]
    config = cfg.load(root / "keywords.yaml")
    smallest = int(cfg._RANGES["readme_max_bytes"][0])
    config = cfg.Config(config.path, config.topics, {**config.settings, "readme_max_bytes": smallest})
    papers = list(json.loads(f.read_text()).values() for f in sorted((root / "data" / "papers").glob("*.json")))
    readme = render.for_papers(config, [p for shard in papers for p in shard]).readme()
    assert len(readme) <= smallest
    assert readme.count(b"Showing the latest ") == len(config.topics) and b"Showing the latest 0 of" not in readme


def measured_rows(papers: list[dict]) -> render.Rows:
    """The real table rows of these papers, rendered and measured by the real row template."""
    rows = render.Rows(render.environment().get_template("_row.md.j2"))
    rows.measure(papers)
    return rows


@pytest.mark.parametrize("seed", range(4))
def test_chunks_are_the_fewest_consecutive_runs_that_each_fit_a_page(seed: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 6_000)
    rng = random.Random(seed)
    papers = [record(i, f"Paper {i}", "speech " * rng.randint(5, 400), day="2026-03-01") for i in range(120)]
    rows = measured_rows(papers)
    runs = pagemodel.chunks(papers, rows)
    assert [p for run in runs for p in run] == papers, "every paper once, in order"
    assert all(pagemodel.fits(run, rows) or len(run) == 1 for run in runs)
    assert all(not pagemodel.fits([*run, following[0]], rows) for run, following in itertools.pairwise(runs)), \
        "a run ends only where the next paper would not fit"


def test_readme_rows_are_shared_fairly_within_the_room(monkeypatch: pytest.MonkeyPatch) -> None:
    config = make_config(["A", "B", "C"])
    papers = [record(i, f"Paper {i}", "speech", topic="ABC"[i % 3] if i < 90 else "A") for i in range(300)]
    views = pagemodel.topic_views(config, papers)
    rows = measured_rows(papers)
    room = sum(rows.size(p) for p in papers[:45])
    pagemodel.share_readme_rows(views, None, room, rows)
    shown = [v.shown for v in views]
    assert max(shown) - min(shown) <= 1 and sum(shown) >= 40, shown
    assert sum(rows.size(p) for v in views for p in v.papers[:v.shown]) <= room
    pagemodel.share_readme_rows(views, 4, room, rows)
    assert [v.shown for v in views] == [4, 4, 4], "a fixed cap stops each topic at the cap"


@pytest.mark.parametrize("layout", ["compact", "classic"])
def test_a_day_marking_every_paper_new_keeps_readme_within_the_smallest_budget(tmp_path: Path, layout: str) -> None:
    """Issue 34 review: the Today block (each topic's name and count) and the line above each table grew README's
    fixed part past readme_max_bytes (126 KB for a 100 KB budget that fit without a digest). Then they say less."""
    names = [f"{i:03d} " + "𝐀&<|>*_`[]" + "x" * 86 for i in range(cfg.MAX_TOPICS)]
    config = _config_file(tmp_path, names, "Daily Papers")
    config = cfg.Config(config.path, config.topics, {**config.settings, "readme_max_bytes": 100_000,
                                                     "readme_layout": layout})
    papers = [record(i, f"Speech paper {i}", "speech " * 20, topic=config.topics[i % 100].name, day="2026-01-02")
              for i in range(3000)]

    def readme() -> bytes:
        return render.Renderer(config, render.page_model(config, papers), None, tmp_path,
                               site_url="https://octo.github.io/papers/").readme()
    assert len(readme()) <= 100_000  # without a digest it fits
    (tmp_path / "data" / "digests").mkdir(parents=True)
    day = {"date": "2026-01-02", "new": {t.name: [p["id"] for p in papers if p["topics"] == [t.name]]
                                         for t in config.topics}, "picks": []}
    (tmp_path / "data" / "digests" / "2026-01-02.json").write_text(json.dumps(day), encoding="utf-8")
    text = readme()
    assert len(text) <= 100_000 and b"New on 2026-01-02: 3000 papers" in text
    assert text.count(b"\n## ") >= 100  # every topic's heading still shows
