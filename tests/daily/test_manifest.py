"""manifest: a run that keeps the unchanged parts gives exactly the bytes a full render gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rendering import make_config, record, tree, write_run

from daily import manifest, pagemodel, render


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
    write_run(live, config, papers, incremental=True)
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
        write_run(live, config, papers, incremental=True)
        fresh = tmp_path / f"fresh{step}"
        write_run(fresh, config, papers, incremental=False)
        assert tree(live) == tree(fresh), f"seed {seed}, step {step}: {action}"
    assert any("/" in path.removeprefix("papers/") for path in tree(live)), "the store must split into parts"


def test_a_daily_run_renders_only_the_changed_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 40_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 32_000)
    config = make_config(["A"], readme_papers_per_topic=10)
    papers = [record(i, f"Paper {i}", "speech " * 100, topic="A", day=f"{2020 + i % 6}-05-0{1 + i % 9}")
              for i in range(150)]  # each year fits one page, the topic does not
    write_run(tmp_path, config, papers, incremental=True)
    papers.append(record(9999, "New", "speech " * 100, topic="A", day="2025-12-30"))
    renderer = render.for_papers(config, papers, manifest.load_manifest(tmp_path), tmp_path)
    outputs = dict(renderer.outputs())
    rendered = {path for path, data in outputs.items() if data is not None and path.startswith("papers/a/")}
    kept = {path for path, data in outputs.items() if data is None}
    assert rendered == {"papers/a/2025.md"}, rendered
    assert kept == {f"papers/a/{year}.md" for year in range(2020, 2025)}
    assert len(renderer.rows.lines) <= 27, "rows of kept parts are not rendered"
    full = render.for_papers(config, papers).render_all()
    assert {path: data if data is not None else (tmp_path / path).read_bytes() for path, data in outputs.items()} == full


def test_templates_code_or_settings_changed_renders_every_part_again(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 40_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 32_000)
    config = make_config(["A"])
    papers = [record(i, f"Paper {i}", "speech " * 100, topic="A", day=f"{2020 + i % 6}-05-01") for i in range(150)]
    write_run(tmp_path / "repo", config, papers, incremental=True)
    base = manifest.code_stamp(config.settings, render.TEMPLATES)
    assert manifest.code_stamp({**config.settings, "title": "Other"}, render.TEMPLATES) != base
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    (templates / "topic.md.j2").write_text((templates / "topic.md.j2").read_text() + "\n", encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", templates)
    render.environment.cache_clear()
    try:
        assert manifest.code_stamp(config.settings, templates) != base
        outputs = dict(render.for_papers(config, papers, manifest.load_manifest(tmp_path / "repo"),
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
    write_run(live, config, papers, incremental=True)
    assert manifest.manifest_is_sound(manifest.load_manifest(live))
    path = live / manifest.MANIFEST
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert manifest.load_manifest(live) is None
    write_run(live, config, papers, incremental=True)
    write_run(full, config, papers, incremental=False)
    assert tree(live) == tree(full)

