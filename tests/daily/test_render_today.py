"""Issue 34: README's Today block, the "new" markers of the newest digest, the summary's label once per table, and
the classic layout kept; structure only (the pixels are in `python -m tests.bench screens`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rendering import gfm, make_config, record, tree, write_run
from test_render import COLUMNS, COMPACT, compact_cells

from core import config as cfg
from daily import manifest, outputs, pagemodel, render

SITE = "https://reader.github.io/papers/"
NEW = re.compile(r"\*\*new (\d{4}-\d\d-\d\d)\*\*")


def store() -> list[dict]:
    """Twelve papers over topics A and B (B lists the even ones too), newest first by number."""
    papers = []
    for i in range(1, 13):
        paper = record(i, f"Paper {i}", f"We study speech {i}. It works.", day=f"2026-01-{i:02d}")
        paper["topics"] = ["A", "B"] if i % 2 == 0 else ["A"]
        paper["tldr"] = {"model": "openai/gpt-4.1-mini", "text": f"A model's summary of paper {i}.", "version": 1}
        papers.append(paper)
    papers[2]["tldr"] = None
    papers[2]["s2_tldr"] = {"text": "Semantic Scholar's line.", "paper": "a" * 40}
    return papers


def digest(root: Path, date: str, new: dict[str, list[int]], picks: int = 0) -> None:
    """data/digests/DATE.json as digest/picks.py writes it."""
    folder = root / "data" / "digests"
    folder.mkdir(parents=True, exist_ok=True)
    record_ = {"date": date, "new": {t: [f"2601.{i:05d}" for i in ids] for t, ids in new.items()},
               "picks": [{"id": f"2601.{i:05d}", "score": 1.0, "because": {"id": None, "title": "x"}}
                         for i in range(1, picks + 1)]}
    (folder / f"{date}.json").write_text(json.dumps(record_), encoding="utf-8")


def marked(markdown: str) -> dict[str, str]:
    """The ids of rows that carry a "new" marker, with the marker's day."""
    found = {}
    for line in markdown.splitlines():
        if line.startswith("| **[") and (m := NEW.search(line)):
            found[re.search(r"arxiv\.org/abs/(2601\.\d{5})", line).group(1)] = m.group(1)
    return found


def section(readme: str, heading: str) -> str:
    """One topic's section of README."""
    return readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_today_block_counts_each_topic_and_links_its_section_and_the_site(tmp_path: Path) -> None:
    digest(tmp_path, "2026-01-12", {"A": [12, 11, 10], "B": [12, 10]}, picks=2)
    config = make_config(["A", "B"])
    renderer = render.Renderer(config, render.page_model(config, store()), None, tmp_path, site_url=SITE,
                               published_site=SITE)
    readme = renderer.readme().decode()
    first = readme.split("\n\n")[1]
    assert first.startswith("**New on 2026-01-12: 3 papers** — [A](#a) 3 · [B](#b) 2")
    assert f"[The day on the site →]({SITE}days/2026-01-12.html)" in first and f"({SITE}search.html)" in first
    assert "New arXiv papers" not in first, "the block is a paragraph of its own"
    assert "pick" not in first, "picks are counted only where README has its Picks section (interests on)"
    without_site = render.Renderer(config, render.page_model(config, store()), None, tmp_path).readme().decode()
    assert "New on 2026-01-12: 3 papers" in without_site and "github.io" not in without_site.split("## Contents")[0]


def section(readme: str, heading: str) -> str:
    """One topic's section of README."""
    return readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_today_block_counts_picks_when_readme_shows_them(tmp_path: Path) -> None:
    digest(tmp_path, "2026-01-12", {"A": [12]}, picks=1)
    config = make_config(["A"])
    renderer = render.Renderer(config, render.page_model(config, store()), None, tmp_path,
                               picks={"date": "2026-01-12", "count": 1, "picks": []})
    assert "· [1 pick](#picks-for-you)" in renderer.readme().decode().split("## Contents")[0]


def test_no_digest_no_today_block_and_no_marker(tmp_path: Path) -> None:
    write_run(tmp_path, make_config(["A", "B"]), store(), incremental=False)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "New on" not in readme and not marked(readme) and " new** on" not in readme


def test_new_markers_sit_exactly_on_the_newest_digests_papers_and_anchors_stay(tmp_path: Path) -> None:
    digest(tmp_path, "2026-01-11", {"A": [11, 9]})
    digest(tmp_path, "2026-01-12", {"A": [12, 7], "B": [12]})  # 7: stored earlier, new in A today
    write_run(tmp_path, make_config(["A", "B"]), store(), incremental=False)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert marked(readme) == {"2601.00012": "2026-01-12", "2601.00007": "2026-01-12"}
    for page in ("papers/a.md", "papers/b.md"):
        text = (tmp_path / page).read_text(encoding="utf-8")
        want = {"2601.00012": "2026-01-12", "2601.00007": "2026-01-12"} if page.endswith("a.md") else {
            "2601.00012": "2026-01-12"}
        assert marked(text) == want, page
    assert re.findall(r"^## .*$", readme, re.M)[:3] == ["## Contents", "## A", "## B"]
    assert "(#a)" in readme and "(#b)" in readme
    under = {h: readme.split(f"## {h}\n\n", 1)[1].split("\n", 1)[0] for h in ("A", "B")}
    assert under["A"].startswith("**2 new** on 2026-01-12.") and under["B"].startswith("**1 new** on 2026-01-12.")
    assert "**2 new** on 2026-01-12." in (tmp_path / "papers/a.md").read_text(encoding="utf-8")


def test_the_summarys_label_is_said_once_per_table_and_other_sources_are_tagged(tmp_path: Path) -> None:
    write_run(tmp_path, make_config(["A", "B"]), store(), incremental=False)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| **[")]
    assert len(rows) == 12 + 6
    assert not any("TL;DR" in row or "Key sentence" in row for row in rows), "no label on a row"
    assert readme.count("Under each title: TL;DR (AI, gpt-4.1-mini); S2: Semantic Scholar's.") == 2  # one per table
    cells = compact_cells(readme)
    summaries = [c["summary"][0] for c in cells if c["summary"]]
    assert "Semantic Scholar's line. S2" in summaries and "A model's summary of paper 12." in summaries
    s2_row = next(row for row in rows if "2601.00003" in row)
    assert "<sub>[S2](https://www.semanticscholar.org/paper/" + "a" * 40 + ")</sub>" in s2_row


def test_compact_rows_are_a_paper_cell_beside_links_and_classic_keeps_the_six_columns(tmp_path: Path) -> None:
    digest(tmp_path, "2026-01-12", {"A": [12]})
    write_run(tmp_path, make_config(["A"]), store(), incremental=False)
    assert gfm(section((tmp_path / "README.md").read_text(encoding="utf-8"), "A")).rows[0] == COMPACT
    classic = tmp_path / "classic"
    digest(classic, "2026-01-12", {"A": [12]})
    write_run(classic, make_config(["A"], readme_layout="classic"), store(), incremental=False)
    readme = (classic / "README.md").read_text(encoding="utf-8")
    table = gfm(section(readme, "A"))
    assert table.rows[0] == COLUMNS and all(len(row) == 6 for row in table.rows)
    cells = dict(zip(COLUMNS, table.rows[1]))
    assert cells["Title"] == "Paper 12" and cells["Date"] == "new 2026-01-122026-01-12"
    assert cells["Abstract"].startswith("TL;DR (AI, gpt-4.1-mini): A model's summary of paper 12.")
    assert "<sub>Under each title" not in readme and marked(readme) == {"2601.00012": "2026-01-12"}


def test_a_quiet_day_writes_nothing(tmp_path: Path) -> None:
    digest(tmp_path, "2026-01-12", {"A": [12]})
    config = make_config(["A", "B"])
    write_run(tmp_path, config, store(), incremental=False)
    before = tree(tmp_path)
    renderer = render.for_papers(config, store(), manifest.load_manifest(tmp_path), tmp_path)
    assert outputs.write_outputs(tmp_path, renderer.outputs()) == []
    assert tree(tmp_path) == before


def test_the_day_the_run_records_is_used_even_before_it_is_on_disk(tmp_path: Path) -> None:
    """run.py makes the renderer, then records the day: the renderer reads data/digests/ again before writing."""
    config = make_config(["A"])
    renderer = render.for_papers(config, store(), None, tmp_path)
    digest(tmp_path, "2026-01-12", {"A": [12]})
    files = renderer.render_all()
    assert marked(files["README.md"].decode()) == {"2601.00012": "2026-01-12"}
    given = render.for_papers(config, store(), None, tmp_path)
    given.set_day({"date": "2026-01-13", "new": {"A": ["2601.00011"]}, "picks": []})
    assert marked(given.readme().decode()) == {"2601.00011": "2026-01-13"}


@pytest.mark.parametrize("layout", ["compact", "classic"])
def test_parts_kept_by_the_incremental_render_never_carry_stale_markers(layout: str, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 40_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 32_000)
    papers = [record(i, f"Paper {i} " + "word " * 40, "An abstract. " * 30, day=f"20{20 + i % 6}-0{1 + i % 9}-10")
              for i in range(1, 400)]
    config = make_config(["A"], readme_layout=layout)
    digest(tmp_path, "2026-01-10", {"A": [5, 11]})
    write_run(tmp_path, config, papers, incremental=False)
    assert len(list((tmp_path / "papers" / "a").glob("*.md"))) > 3, "the topic is split into parts"
    digest(tmp_path, "2026-01-11", {"A": [6]})  # the next day: 5 and 11 are no longer new, 6 is
    write_run(tmp_path, config, papers, incremental=True)
    incremental = tree(tmp_path)
    full = tmp_path / "full"
    (full / "data").mkdir(parents=True)
    (full / "data" / "digests").symlink_to(tmp_path / "data" / "digests")
    write_run(full, config, papers, incremental=False)
    assert {k: v for k, v in tree(full).items() if not k.startswith("data/")} == {
        k: v for k, v in incremental.items() if k in tree(full) and not k.startswith("data/")}
    shown = {i: d for path, data in incremental.items() if path.startswith("papers/")
             for i, d in marked(data.decode()).items()}
    assert shown == {"2601.00006": "2026-01-11"}


def test_the_layout_setting_is_validated_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text("topics:\n  - name: A\n    query: a\nsettings:\n  readme_layout: list\n", encoding="utf-8")
    with pytest.raises(cfg.ConfigError, match=r"^keywords.yaml:5: settings: 'readme_layout' must be compact "):
        cfg.load(path)
