"""Publishing with real git through GitPython: temporary repositories and a bare remote."""

from __future__ import annotations

import shutil
from pathlib import Path

import git
import pytest

import update
from conftest import write_keywords
from fake_arxiv import FakeArxiv, paper

BOT = "41898282+github-actions[bot]@users.noreply.github.com"


@pytest.fixture
def remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[git.Repo, Path]:
    """A bare remote holding one commit with keywords.yaml, and a clone of it to run in."""
    for name, value in {"GIT_AUTHOR_NAME": "github-actions[bot]", "GIT_AUTHOR_EMAIL": BOT,
                        "GIT_COMMITTER_NAME": "github-actions[bot]", "GIT_COMMITTER_EMAIL": BOT}.items():
        monkeypatch.setenv(name, value)
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    work = tmp_path / "work"
    clone = git.Repo.clone_from(bare.working_dir if not bare.bare else str(tmp_path / "remote.git"), work)
    write_keywords(work, [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}])
    clone.git.checkout("-b", "main")
    clone.git.add("keywords.yaml")
    clone.git.commit("-m", "Topics")
    clone.git.push("origin", "main")
    return bare, work


def test_commit_and_push_land_on_the_remote_with_a_counting_message(remote: tuple[git.Repo, Path],
                                                                    fake: FakeArxiv) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "Another codec"), paper("2601.00003", "A vocoder")]
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.message.strip() == "3 new, 0 updated: Codec +2, Vocoder +1"
    assert head.author.email == BOT and head.committer.name == "github-actions[bot]"
    names = {item.path for item in head.tree.traverse()}
    assert {"README.md", "data/papers/2601.json", "papers/codec.md", "feeds/vocoder.xml"} <= names


def test_second_run_with_nothing_new_makes_no_commit(remote: tuple[git.Repo, Path], fake: FakeArxiv) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 0
    first = bare.commit("main").hexsha
    assert update.main(["--root", str(work), "--push"]) == 0
    assert bare.commit("main").hexsha == first
    assert not git.Repo(work).is_dirty(untracked_files=True)


def test_push_race_lands_both_changes(remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-11T00:00:00Z")]
    assert update.main(["--root", str(work), "--push"]) == 0
    other = tmp_path / "other"
    shutil.copytree(work, other)
    # Another clone runs later in the day, sees a new vocoder paper and pushes first.
    fake.papers.append(paper("2601.00002", "A vocoder", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(other), "--push", "--topic", "Vocoder"]) == 0
    # Our run fetched only the codec topic, which has news too; its push is rejected, then retried.
    fake.papers.append(paper("2601.00003", "Another codec", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(work), "--push", "--topic", "Codec"]) == 0
    head = bare.commit("main")
    assert head.message.strip() == "1 new, 0 updated: Codec +1"
    assert head.parents[0].message.strip() == "1 new, 0 updated: Vocoder +1"
    readme = (head.tree / "README.md").data_stream.read().decode()
    assert "2601.00002" in readme and "2601.00003" in readme
    stored = (head.tree / "data/papers/2601.json").data_stream.read().decode()
    assert all(i in stored for i in ("2601.00001", "2601.00002", "2601.00003"))


def test_commit_without_push_and_dry_run_writes_nothing(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was written" in out and "README.md" in out and "+ Codec: 2601.00001" in out
    assert not (work / "README.md").exists() and not (work / "data").exists()
    listing = out.split("would change:\n")[1].splitlines()
    would_change = {line.strip() for line in listing if line.startswith("  ") and not line.startswith("  +")}
    assert update.main(["--root", str(work), "--commit"]) == 0
    repo = git.Repo(work)
    assert repo.head.commit.message.startswith("1 new") and bare.commit("main") != repo.head.commit
    committed = set(repo.head.commit.stats.files) - set(repo.head.commit.parents[0].stats.files)
    assert would_change == committed and "data/papers/2601.json" in committed


def test_next_day_commit_touches_only_the_newest_part(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With the manifest committed, a day's commit rewrites the newest part only; older parts are kept."""
    import render

    monkeypatch.setattr(render, "PAGE_LIMIT", 12_000)
    monkeypatch.setattr(render, "PAGE_ROWS_LIMIT", 9_000)
    bare, work = remote
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2025-01-20T00:00:00Z")
    fake.papers = [paper(f"2{y % 100:02d}1.000{i:02d}", f"A codec {y} {i}", "A speech codec. " * 20,
                         updated=f"20{y % 100:02d}-01-{i + 1:02d}T12:00:00Z") for y in (2024, 2025) for i in range(12)]
    assert update.main(["--root", str(work), "--push"]) == 0
    assert {"papers/codec/2024.md", "papers/codec/2025.md", render.MANIFEST} <= {
        item.path for item in bare.commit("main").tree.traverse()}
    fake.papers.append(paper("2502.00001", "A new codec", "A speech codec. " * 20, updated="2025-02-01T12:00:00Z"))
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2025-02-02T00:00:00Z")
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.message.startswith("1 new")
    changed = set(head.stats.files)
    assert "papers/codec/2025.md" in changed and "papers/codec/2024.md" not in changed
    assert changed <= {"README.md", "data/papers/2502.json", "papers/codec.md", "papers/codec/2025.md",
                       "feeds/codec.xml", render.MANIFEST, "data/state.json"}
