"""Publishing with real git through GitPython: temporary repositories and a bare remote."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest
from conftest import REPO, git_remote, load_store, snapshot, write_keywords
from fake_arxiv import FakeArxiv, Fault, paper

import update
from core import store as st
from daily import gitio, ledger, lock
from daily import run as pipeline

BOT = "41898282+github-actions[bot]@users.noreply.github.com"


@pytest.fixture
def remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[git.Repo, Path]:
    """A bare remote holding one commit with keywords.yaml, and a clone of it to run in; Vocoder gets few papers
    in these tests, so it says it is rare (quiet_days_ok), else a run weeks later would exit 4 (issue 33)."""
    return git_remote(tmp_path, [{"name": "Codec", "query": "codec"},
                                 {"name": "Vocoder", "query": "vocoder", "quiet_days_ok": 1000}],
                      monkeypatch, name="github-actions[bot]", email=BOT)


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
    other = pushed_then_cloned(work, fake, tmp_path)
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
    from daily import manifest, pagemodel

    monkeypatch.setattr(pagemodel, "PAGE_LIMIT", 12_000)
    monkeypatch.setattr(pagemodel, "PAGE_ROWS_LIMIT", 9_000)
    bare, work = remote
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2025-01-20T00:00:00Z")
    fake.papers = [paper(f"2{y % 100:02d}1.000{i:02d}", f"A codec {y} {i}", "A speech codec. " * 20,
                         updated=f"20{y % 100:02d}-01-{i + 1:02d}T12:00:00Z") for y in (2024, 2025) for i in range(12)]
    assert update.main(["--root", str(work), "--push"]) == 0
    assert {"papers/codec/2024.md", "papers/codec/2025.md", manifest.MANIFEST} <= {
        item.path for item in bare.commit("main").tree.traverse()}
    # The first day's papers (both years) carry "new" markers; the next day moves them to its own paper, a 2025 one.
    fake.papers.append(paper("2501.00050", "A later codec", "A speech codec. " * 20, updated="2025-01-25T12:00:00Z"))
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2025-01-26T00:00:00Z")
    assert update.main(["--root", str(work), "--push"]) == 0
    fake.papers.append(paper("2502.00001", "A new codec", "A speech codec. " * 20, updated="2025-02-01T12:00:00Z"))
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2025-02-02T00:00:00Z")
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.message.startswith("1 new")
    changed = set(head.stats.files)
    assert "papers/codec/2025.md" in changed and "papers/codec/2024.md" not in changed
    assert changed <= {"README.md", "data/papers/2502.json", "papers/codec.md", "papers/codec/2025.md",
                       "feeds/codec.xml", manifest.MANIFEST, "data/state.json",
                       "data/digests/2025-02-02.json"}  # the day's record (issue 23)


# --- Safety with the user's repository (issue 13): real git, a bare origin and a second clone -----

def _other_clone(tmp_path: Path) -> git.Repo:
    """A second clone of origin: the user pushing from elsewhere (the web editor, another machine)."""
    return git.Repo.clone_from(str(tmp_path / "remote.git"), tmp_path / f"other{len(list(tmp_path.glob('other*')))}")


def _push_during_fetch(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> None:
    """Make `change` (a push from another clone) happen while the run talks to arXiv: a real push race."""
    real = pipeline.fetch_topics

    def fetch_then_race(*args: Any, **kwargs: Any) -> Any:
        runs = real(*args, **kwargs)
        change()
        return runs

    monkeypatch.setattr(pipeline, "fetch_topics", fetch_then_race)


def _push_topics(work: Path, topics: list[dict[str, str]], settings: dict[str, str] | None, message: str) -> git.Repo:
    """Edit keywords.yaml, commit and push it, as a user does on GitHub; returns the checkout's repo."""
    write_keywords(work, topics, settings)
    repo = git.Repo(work)
    repo.git.commit("-am", message)
    repo.git.push("origin", "HEAD:main")
    return repo


def pushed_then_cloned(work: Path, fake: FakeArxiv, tmp_path: Path) -> Path:
    """A run pushes a codec paper; then a copy of that checkout, as another run's (a push race's other side)."""
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-11T00:00:00Z")]
    assert update.main(["--root", str(work), "--push"]) == 0
    other = tmp_path / "other"
    shutil.copytree(work, other)
    return other


def _user_commit(repo: git.Repo, files: dict[str, str], message: str, push: bool = True) -> str:
    """Write files, commit them as the user, optionally push."""
    root = Path(repo.working_tree_dir)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    repo.git.add("--", *files)
    repo.git.commit("-m", message)
    if push:
        repo.git.push("origin", "HEAD:main")
    return repo.head.commit.hexsha


def _blob(commit: git.Commit, path: str) -> str | None:
    """A file's text in a commit, or None."""
    try:
        return (commit.tree / path).data_stream.read().decode()
    except KeyError:
        return None


def _staged(repo: git.Repo) -> dict[str, str]:
    """path -> blob of every index entry that differs from HEAD."""
    return {d.a_path or d.b_path: (d.b_blob or d.a_blob).hexsha for d in repo.index.diff("HEAD", R=True)}


def test_a_push_race_keeps_every_edit_of_the_user_and_renders_with_the_tips_settings(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare, work = remote
    repo = git.Repo(work)
    shutil.copytree(REPO / "templates", work / "templates")
    repo.git.add("templates")
    _user_commit(repo, {"notes.txt": "mine\n"}, "Notes and templates")
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder"), paper("2601.00003", "A tokenizer")]
    # The user's local state: an uncommitted edit, a staged new file, an untracked file.
    (work / "notes.txt").write_text("mine, edited\n")
    (work / "secrets.env").write_text("TOKEN=1\n")
    repo.git.add("secrets.env")
    (work / "scratch.py").write_text("print(1)\n")
    staged = _staged(repo)
    other = _other_clone(tmp_path)

    def user_pushes_a_topic_and_a_template() -> None:
        topics = json.loads((Path(other.working_tree_dir) / "keywords.yaml").read_text())
        topics["topics"].append({"name": "Tokenizer", "query": "tokenizer"})
        readme = (Path(other.working_tree_dir) / "templates/README.md.j2").read_text()
        _user_commit(other, {"keywords.yaml": json.dumps(topics, indent=2),
                             "templates/README.md.j2": readme + "\nEdited on the web.\n"}, "Add a topic")

    _push_during_fetch(monkeypatch, user_pushes_a_topic_and_a_template)
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.parents[0].message.strip() == "Add a topic"  # the user's commit is kept, ours on top
    readme = _blob(head, "README.md")
    assert "Edited on the web." in readme and "2601.00003" not in readme  # the tip's template; Tokenizer not fetched
    assert "\n## Tokenizer\n" in readme and _blob(head, "papers/tokenizer.md") is not None  # the tip's topic
    assert _blob(head, "keywords.yaml") == _blob(head.parents[0], "keywords.yaml")
    assert "secrets.env" not in {i.path for i in head.tree.traverse()}
    # Locally: the branch is the pushed commit, and the user's edits are all still there.
    assert repo.head.commit.hexsha == head.hexsha
    assert (work / "notes.txt").read_text() == "mine, edited\n"
    assert _staged(repo) == staged and (work / "scratch.py").read_text() == "print(1)\n"
    assert "Tokenizer" in (work / "keywords.yaml").read_text()  # followed the tip (it was clean here)
    assert (work / "README.md").read_text() == readme
    assert set(repo.git.status("--porcelain").splitlines()) == {"M  secrets.env".replace("M ", "A "), " M notes.txt",
                                                                "?? scratch.py"}


def test_after_a_race_a_file_the_user_edits_and_the_tip_changed_keeps_the_checkout_where_it_was(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    bare, work = remote
    repo = git.Repo(work)
    start = _user_commit(repo, {"notes.txt": "v1\n"}, "Notes")
    (work / "notes.txt").write_text("my local edit\n")
    fake.papers = [paper("2601.00001", "A codec")]
    other = _other_clone(tmp_path)
    _push_during_fetch(monkeypatch, lambda: _user_commit(other, {"notes.txt": "edited on the web\n"}, "Web edit"))
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.parents[0].message.strip() == "Web edit" and head.message.startswith("1 new")
    # The checkout cannot follow without overwriting the edit: it stays, the edit stays, the user pulls later.
    assert repo.head.commit.hexsha == start and (work / "notes.txt").read_text() == "my local edit\n"
    assert any("your checkout stays at" in r.getMessage() and "notes.txt" in r.getMessage() for r in caplog.records)
    assert repo.git.status("--porcelain") == " M notes.txt"  # what the run wrote is on origin, not left here
    repo.git.stash()
    repo.git.pull("--ff-only", "origin", "main")
    assert repo.head.commit == head and "my local edit" in repo.git.stash("show", "-p")


def test_push_with_unpushed_commits_of_the_user_refuses_before_fetching(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    repo = git.Repo(work)
    mine = _user_commit(repo, {"notes.txt": "draft\n"}, "My draft", push=False)
    fake.papers = [paper("2601.00001", "A codec")]
    before = bare.commit("main").hexsha
    assert update.main(["--root", str(work), "--push"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "1 commit(s) that origin/main lacks" in err[0] and "git push" in err[0]
    assert not fake.requests and not (work / "data").exists()
    assert bare.commit("main").hexsha == before and repo.head.commit.hexsha == mine
    # --commit alone commits on top of the user's commit, which stays.
    assert update.main(["--root", str(work), "--commit"]) == 0
    assert repo.head.commit.parents[0].hexsha == mine and bare.commit("main").hexsha == before


@pytest.mark.parametrize("edit", ["keywords.yaml", "templates/_row.md.j2", "templates/new.md.j2"])
def test_uncommitted_settings_or_templates_refuse_commit_before_fetching(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, capsys: pytest.CaptureFixture[str], edit: str) -> None:
    bare, work = remote
    repo = git.Repo(work)
    shutil.copytree(REPO / "templates", work / "templates")
    repo.git.add("templates")
    _user_commit(repo, {"notes.txt": ""}, "Templates")
    (work / edit).write_text((work / edit).read_text() + "\n" if (work / edit).exists() else "new\n")
    fake.papers = [paper("2601.00001", "A codec")]
    for flag in ("--commit", "--push"):
        assert update.main(["--root", str(work), flag]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"error: {edit}: uncommitted changes") and "git stash" in err[0]
    assert not fake.requests and not (work / "data").exists() and repo.head.commit == bare.commit("main")


def test_staged_files_of_the_user_are_never_committed_or_pushed(remote: tuple[git.Repo, Path], fake: FakeArxiv) -> None:
    bare, work = remote
    repo = git.Repo(work)
    _user_commit(repo, {"tool.py": "v1\n"}, "Tool")
    (work / "secrets.env").write_text("TOKEN=1\n")
    (work / "tool.py").write_text("v2 staged\n")
    repo.git.add("secrets.env", "tool.py")
    (work / "tool.py").write_text("v3 on disk\n")
    staged = _staged(repo)
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.message.startswith("1 new")
    assert set(head.stats.files) <= {"README.md", "data/papers/2601.json", "papers/codec.md", "papers/vocoder.md",
                                     "feeds/codec.xml", "feeds/vocoder.xml", "papers/manifest.json", "data/state.json",
                                     "data/digests/2026-02-13.json"}  # the day's record (issue 23)
    assert _blob(head, "secrets.env") is None and _blob(head, "tool.py") == "v1\n"
    assert _staged(repo) == staged and (work / "tool.py").read_text() == "v3 on disk\n"
    assert repo.head.commit == head and not repo.is_dirty(path="README.md")


def test_files_the_user_put_under_papers_and_feeds_are_never_deleted(
        remote: tuple[git.Repo, Path], fake: FakeArxiv) -> None:
    bare, work = remote
    repo = git.Repo(work)
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    assert update.main(["--root", str(work), "--push"]) == 0
    mine = {"papers/README.md": "# About these pages\n", "papers/notes/todo.md": "- read\n",
            "feeds/combined.xml": "<?xml version='1.0'?><feed/>\n"}
    _user_commit(repo, mine, "My own files")
    # Vocoder is renamed: its generated page and feed are stale and go; the user's files stay.
    write_keywords(work, [{"name": "Codec", "query": "codec"}, {"name": "Vocoders", "query": "vocoder"}])
    repo.git.commit("-am", "Rename a topic")
    repo.git.push("origin", "HEAD:main")
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    for path, text in mine.items():
        assert (work / path).read_text() == text and _blob(head, path) == text
    assert _blob(head, "papers/vocoder.md") is None and _blob(head, "feeds/vocoder.xml") is None
    assert not (work / "papers/vocoder.md").exists() and _blob(head, "papers/vocoders.md") is not None
    assert not repo.is_dirty(untracked_files=True)


def test_a_protected_branch_is_named_and_not_retried(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                     capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bare, work = remote
    calls = tmp_path / "hook-calls"
    hook = Path(bare.git_dir) / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho called >> {calls}\necho 'GH006: Protected branch update failed' >&2\nexit 1\n")
    hook.chmod(0o755)
    repo = git.Repo(work)
    before = repo.head.commit.hexsha
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "origin refused the push to main" in err[0] and "not a race" in err[0]
    assert "Protected branch" in err[0] and calls.read_text().count("called") == 1
    assert bare.commit("main").hexsha == before and repo.head.commit.hexsha == before
    # The store keeps what was fetched; the next run (once allowed) commits and announces it.
    hook.unlink()
    assert update.main(["--root", str(work), "--push"]) == 0
    assert bare.commit("main").message.startswith("1 new, 0 updated: Codec +1")


@pytest.mark.parametrize("stream", [">&2", ""], ids=["stderr", "stdout"])
def test_a_failing_pre_push_hook_is_named(stream: str, remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """In its own words, whichever stream it wrote them to (git passes a pre-push hook's stdout on as its own)."""
    bare, work = remote
    hook = work / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\necho 'lint failed' {stream}\nexit 1\n")
    hook.chmod(0o755)
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pre-push hook" in err[0] and str(hook) in err[0]
    assert "refused the push: lint failed;" in err[0] and "failed to push some refs" not in err[0], err  # its own words
    assert git.Repo(work).head.commit == bare.commit("main")


def test_detached_head_merge_in_progress_and_index_lock_are_refused_before_anything_is_written(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    repo = git.Repo(work)
    fake.papers = [paper("2601.00001", "A codec")]
    repo.git.checkout("--detach")
    assert update.main(["--root", str(work), "--commit"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "HEAD is detached" in err[0] and "git switch" in err[0]
    repo.git.checkout("main")
    (work / ".git" / "MERGE_HEAD").write_text(repo.head.commit.hexsha + "\n")
    assert update.main(["--root", str(work), "--commit"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "MERGE_HEAD: a merge, cherry-pick, revert or rebase is in progress" in err[0]
    (work / ".git" / "MERGE_HEAD").unlink()
    lock = work / ".git" / "index.lock"
    lock.write_text("")
    assert update.main(["--root", str(work), "--push"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{lock} exists" in err[0] and f"delete {lock}" in err[0]
    assert not fake.requests and not (work / "data").exists() and repo.head.commit == bare.commit("main")


def test_papers_stored_by_a_killed_run_are_announced_by_the_next(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare, work = remote
    _push_topics(work, [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}],
                 {"notify": "issue"}, "Notify by issue")
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]

    def killed(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # the runner was cancelled right after the store was saved

    build_commit = gitio.build_commit
    monkeypatch.setattr(gitio, "build_commit", killed)
    with pytest.raises(KeyboardInterrupt):
        update.main(["--root", str(work), "--push"])
    monkeypatch.setattr(gitio, "build_commit", build_commit)
    assert "2601.00001" in (work / "data/papers/2601.json").read_text() and bare.commit("main").message == "Notify by issue\n"
    issue = tmp_path / "issue.md"
    assert update.main(["--root", str(work), "--push", "--topic", "Codec", "--issue-file", str(issue)]) == 0
    head = bare.commit("main")
    assert head.message.strip() == "2 new, 0 updated: Codec +1, Vocoder +1"
    body = issue.read_text()
    assert "A codec" in body and "A vocoder" in body
    assert update.main(["--root", str(work), "--push", "--issue-file", str(issue)]) == 0
    assert bare.commit("main") == head and not issue.exists()  # announced once


def test_the_run_that_loses_a_race_reports_only_what_it_committed(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    other = _other_clone(tmp_path)
    # The other clone runs the bot too, for one topic, and pushes the same codec paper first.
    real = pipeline.fetch_topics
    first = []

    def race(*args: Any, **kwargs: Any) -> Any:
        runs = real(*args, **kwargs)
        if not first:
            first.append(1)
            assert update.main(["--root", other.working_tree_dir, "--push", "--topic", "Codec"]) == 0
        return runs

    monkeypatch.setattr(pipeline, "fetch_topics", race)
    capsys.readouterr()
    assert update.main(["--root", str(work), "--push"]) == 0
    out = capsys.readouterr().out
    head = bare.commit("main")
    assert head.message.strip() == "1 new, 0 updated: Vocoder +1"
    assert head.parents[0].message.strip() == "1 new, 0 updated: Codec +1"
    assert "Codec: 0 new" in out.split("committed ")[-1] and "Vocoder: 1 new" in out.split("committed ")[-1]
    ours = out.split("committed ")[-1]  # the other clone's run printed its own lines during ours
    changed = int(re.search(r"^Summary: 1 new, 0 updated, (\d+) files changed", ours, re.MULTILINE).group(1))
    assert changed == len(head.stats.files)
    assert git.Repo(work).head.commit == head and not git.Repo(work).is_dirty(untracked_files=True)


def test_a_backfill_survives_a_push_race(remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from daily import backfill

    bare, work = remote
    fake.papers = [paper(f"2601.0000{i}", f"A codec {i}", updated=f"2026-01-0{i}T12:00:00Z") for i in range(1, 4)]
    other = _other_clone(tmp_path)
    real = backfill.run

    def backfill_then_race(*args: Any, **kwargs: Any) -> Any:
        runs = real(*args, **kwargs)
        _user_commit(other, {"notes.txt": "pushed meanwhile\n"}, "Notes")
        return runs

    monkeypatch.setattr(backfill, "run", backfill_then_race)
    assert update.main(["--root", str(work), "--push", "--topic", "Codec", "--backfill", "2026-01-01"]) == 0
    head = bare.commit("main")
    assert head.parents[0].message.strip() == "Notes" and head.message.startswith("3 new, 0 updated: Codec +3")
    assert all(f"2601.0000{i}" in _blob(head, "data/papers/2601.json") for i in range(1, 4))
    assert "Codec" in json.loads(_blob(head, "data/backfill.json"))
    assert (work / "notes.txt").read_text() == "pushed meanwhile\n" and git.Repo(work).head.commit == head


def test_dry_run_backfill_writes_nothing(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec", updated="2026-01-05T12:00:00Z")]
    before = snapshot(work)
    assert update.main(["--root", str(work), "--dry-run", "--topic", "Codec", "--backfill", "2026-01-01"]) == 0
    assert snapshot(work) == before and fake.requests
    assert "+ Codec: 2601.00001" in capsys.readouterr().out


def test_a_second_run_in_the_checkout_waits_for_the_lock_then_gives_up_in_one_line(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec")]
    monkeypatch.setattr(lock, "LOCK_WAIT", 0.3)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; sys.path.insert(0, 'scripts'); from daily import lock\n"
                               f"with lock.run_lock(__import__('pathlib').Path({str(work)!r})):\n"
                               "    print('held', flush=True); time.sleep(30)"],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert update.main(["--root", str(work), "--commit"]) == 2
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (f"error: {work}/.git/daily-papers.lock: another update.py run (pid {holder.pid}) is working "
                       f"in this checkout; waited 0 s; run again when it has finished")
    assert not fake.requests and not (work / "data").exists()
    assert update.main(["--root", str(work), "--commit"]) == 0  # the lock died with its holder


def test_two_runs_at_once_in_one_checkout_keep_both_topics(remote: tuple[git.Repo, Path], fake: FakeArxiv) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    fake.faults += [Fault("hang", match="codec", seconds=1.0), Fault("hang", match="vocoder", seconds=1.0)]
    script = str(REPO / "scripts" / "update.py")
    runs = [subprocess.Popen([sys.executable, script, "--root", str(work), "--topic", name, "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name in ("Codec", "Vocoder")]
    results = [r.communicate(timeout=60) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], results
    stored = load_store(work)
    assert set(stored) == {"2601.00001", "2601.00002"}
    assert {t for p in stored.values() for t in p["topics"]} == {"Codec", "Vocoder"}


HOSTILE_TITLES = ["Fixes #12: closing issues from an arXiv title", "See owner/repo#45 and GH-7 for details",
                  "Thanks @octocat and @github/security-team", "cc @me-too (or me@example.org)", "#1#2#3 in a row",
                  "A (#99) study", "gh-100 in lower case", "Issue #5, and x#6 glued to a word", "@-leading dash @a-b"]
GITHUB_LINKS = [re.compile(r"(?<![\w/])#\d+"), re.compile(r"[\w.-]+/[\w.-]+#\d+"), re.compile(r"(?i)\bGH-\d+"),
                re.compile(r"(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*")]  # what GitHub links in commits and issues


def links_in(text: str) -> list[str]:
    """Every cross-reference or mention GitHub would make of this text."""
    return [m.group(0) for pattern in GITHUB_LINKS for m in pattern.finditer(text)]


def test_hostile_titles_and_topic_names_stay_inert_in_the_commit_and_the_issue(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path) -> None:
    bare, work = remote
    _push_topics(work, [{"name": "Codec #3 @team", "query": "codec"},
                        {"name": "GH-4 owner/repo#5", "query": "vocoder"}], {"notify": "issue"}, "Hostile topic names")
    fake.papers = [paper(f"2601.{i:05d}", f"{title} codec vocoder") for i, title in enumerate(HOSTILE_TITLES, 1)]
    for item in fake.papers:
        item["authors"] = ["@mallory", "Bob #7"]
    issue = tmp_path / "issue.md"
    assert all(links_in(title) for title in HOSTILE_TITLES)  # the list really is hostile
    assert update.main(["--root", str(work), "--push", "--issue-file", str(issue)]) == 0
    message = bare.commit("main").message
    body = issue.read_text()
    assert message.startswith("9 new, 0 updated: Codec #\u200b3 @\u200bteam +9, GH\u200b-4 owner/repo#\u200b5 +9")
    assert links_in(message) == [] and links_in(body) == []
    for title in HOSTILE_TITLES:  # still readable: only zero-width spaces and comments were added
        visible = body.replace("\u200b", "").replace("<!-- -->", "").replace("\\", "")
        assert title in visible


@pytest.mark.parametrize("stderr, refs, expected", [
    ("remote: Permission to owner/papers.git denied to github-actions[bot].\nfatal: unable to access "
     "'https://github.com/owner/papers/': The requested URL returned error: 403", [],
     "origin refused access (fatal: unable to access 'https://github.com/owner/papers/': The requested URL returned "
     "error: 403): a permissions problem, not a race"),
    ("remote: error: GH006: Protected branch update failed for refs/heads/main.\nerror: failed to push some refs",
     ["!\trefs/heads/main:refs/heads/main\t[remote rejected] (protected branch hook declined)"],
     "origin refused the push to main: protected branch hook declined (remote: error: GH006: Protected branch update "
     "failed for refs/heads/main.): a protected branch or a server-side hook, not a race"),
])
def test_github_push_refusals_are_named_as_what_they_are(remote: tuple[git.Repo, Path], stderr: str,
                                                         refs: list[str], expected: str) -> None:
    """GitHub's own words for a missing permission and a protected branch (as its git server prints them)."""
    _, work = remote
    assert gitio.push_problem(git.Repo(work), "main", refs, stderr).startswith(expected)


def test_origin_moving_before_every_push_gives_up_after_four_and_the_next_run_announces(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    bare, work = remote
    repo = git.Repo(work)
    start = repo.head.commit.hexsha
    fake.papers = [paper("2601.00001", "A codec")]
    other = _other_clone(tmp_path)
    real = gitio.fetch_tip
    pushes = iter(range(100))

    def busy_origin() -> None:
        _user_commit(other, {"notes.txt": f"edit {next(pushes)}\n"}, "Busy")

    def fetch_then_move(*args: Any) -> Any:
        tip = real(*args)
        busy_origin()  # someone pushes right after each of our fetches
        return tip

    fetch_topics = pipeline.fetch_topics
    _push_during_fetch(monkeypatch, busy_origin)
    monkeypatch.setattr(gitio, "fetch_tip", fetch_then_move)
    assert update.main(["--root", str(work), "--push"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: origin/main moved on before each of 4 pushes; nothing was pushed")
    assert sum("making the commit again" in r.getMessage() for r in caplog.records) == 3
    assert bare.commit("main").message.strip() == "Busy" and repo.head.commit.hexsha == start
    # Once origin is quiet, the next run makes the commit on its tip and announces the stored paper.
    monkeypatch.setattr(gitio, "fetch_tip", real)
    monkeypatch.setattr(pipeline, "fetch_topics", fetch_topics)
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.message.strip() == "1 new, 0 updated: Codec +1" and head.parents[0].message.strip() == "Busy"
    assert repo.head.commit == head and (work / "notes.txt").read_text() == "edit 4\n"  # 5 pushes: preflight, fetch, 3 rebuilds
    assert not repo.is_dirty(untracked_files=True)


@pytest.mark.parametrize("owner", ["force-pushes an older history", "deletes the branch"])
def test_history_the_owner_removes_during_a_run_is_never_pushed_back(
        owner: str, remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 21: the bot's push fast-forwarded the removed commit, republishing it; the lease refuses now."""
    bare, work = remote
    first = bare.commit("main").hexsha
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-11T00:00:00Z")]
    assert update.main(["--root", str(work), "--push"]) == 0
    removed = bare.commit("main").hexsha
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    other = _other_clone(tmp_path)

    def owner_acts() -> None:
        if owner == "deletes the branch":
            bare.git.config("receive.denyDeleteCurrent", "ignore")  # GitHub lets an owner delete any branch
            other.git.push("origin", "--delete", "main")
        else:
            other.git.push("--force", "origin", f"{first}:refs/heads/main")

    _push_during_fetch(monkeypatch, owner_acts)
    capsys.readouterr()
    assert update.main(["--root", str(work), "--push"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nothing was pushed" in err, err
    heads = {ref.name: ref.commit.hexsha for ref in bare.heads}
    assert heads == ({} if owner == "deletes the branch" else {"main": first}), heads
    assert removed not in bare.git.rev_list("--all").split()
    assert "2601.00002" in load_store(work), "the papers stay stored for the next run"


@pytest.mark.parametrize("staged", [False, True], ids=["unstaged", "staged"])
@pytest.mark.parametrize("generated", ["README.md", "papers/codec.md", "feeds/codec.xml"])
def test_a_note_the_user_wrote_in_a_generated_file_is_refused_before_anything_is_written(
        staged: bool, generated: str, remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 21: an unstaged README note was overwritten by --commit with exit 0 (a staged one on disk, then refused)."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    repo = git.Repo(work)
    path = work / generated
    edited = "My own note, kept by nobody else\n" + path.read_text()
    path.write_text(edited)
    if staged:
        repo.git.add(generated)
    err = refused_before_fetching(work, fake, capsys)
    assert len(err) == 1 and err[0].startswith(f"error: {generated}: ") and "templates/" in err[0], err
    assert path.read_text() == edited
    repo.git.checkout(*re.search(r"\(git checkout (HEAD -- \S+)\)", err[0]).group(1).split())  # its fix works
    assert not repo.is_dirty()


def refused_before_fetching(work: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """A --commit run on a day with news: it must stop (exit 2) before asking arXiv or writing a file; its stderr."""
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    fake.requests.clear()
    before = snapshot(work)
    capsys.readouterr()
    assert update.main(["--root", str(work), "--commit"]) == 2
    assert not fake.requests and snapshot(work) == before
    return capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize(("same_shard", "race"), [(True, False), (False, False), (False, True)],
                         ids=["run-changes-that-shard", "run-changes-another", "run-changes-another-after-a-race"])
def test_a_hand_edit_to_a_store_shard_is_never_committed_under_the_bots_message(
        same_shard: bool, race: bool, remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 21: an unstaged hand edit to data/papers/ was committed under the bot's message without a word, and
    after a push race the commit rebuilt on origin's tip carried it too."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    if race:
        _user_commit(_other_clone(tmp_path), {"notes.txt": "pushed meanwhile\n"}, "Meanwhile")
    shard = work / "data" / "papers" / "2601.json"
    records = json.loads(shard.read_text(encoding="utf-8"))
    records["2601.00001"]["comment"] = "retitled by hand"  # a field arXiv's answer does not overwrite
    shard.write_text(json.dumps(records, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    before = bare.commit("main").hexsha
    fake.papers.append(paper("2601.00002" if same_shard else "2602.00002", "Another codec",
                             updated="2026-02-12T00:00:00Z"))
    capsys.readouterr()
    status = update.main(["--root", str(work), "--push"])
    captured = capsys.readouterr()
    head = bare.commit("main")
    committed = (head.tree / "data/papers/2601.json").data_stream.read().decode()
    assert "retitled by hand" not in committed, "the hand edit went out under the bot's message"
    assert "retitled by hand" in shard.read_text(encoding="utf-8"), "the hand edit is kept on disk"
    if same_shard:
        assert status == 2 and head.hexsha == before
        err = captured.err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: data/papers/2601.json: ") and "git commit" in err[0], err
    else:
        assert status == 0 and head.hexsha != before and "2602.00002" in (head.tree / "data/papers/2602.json"
                                                                          ).data_stream.read().decode()
        assert "data/papers/2601.json" in captured.out + captured.err and "uncommitted" in captured.out + captured.err


def test_a_push_that_loses_the_race_inside_origin_is_rebuilt_and_lands(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """origin's ref moves after git checked the lease but before it locked the ref ("cannot lock ref … is at X but
    expected Y", as receive-pack says when another push lands in between): a race, rebuilt on the new tip."""
    bare, work = remote
    other = _other_clone(tmp_path)
    side = _user_commit(other, {"notes.txt": "pushed meanwhile\n"}, "Meanwhile", push=False)
    other.git.push("origin", "HEAD:refs/heads/side")
    hook = Path(bare.git_dir) / "hooks" / "pre-receive"
    once = tmp_path / "moved"  # the other push lands inside our first push only
    hook.write_text(f"#!/bin/sh\ncat >/dev/null\n[ -e {once} ] && exit 0\ntouch {once}\n"
                    f"env -u GIT_QUARANTINE_PATH git update-ref refs/heads/main {side}\n")
    hook.chmod(0o755)
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 0
    assert once.exists() and any("making the commit again" in r.getMessage() for r in caplog.records)
    head = bare.commit("main")
    assert head.message.startswith("1 new, 0 updated: Codec +1") and head.parents[0].hexsha == side
    assert git.Repo(work).head.commit == head and (work / "notes.txt").read_text() == "pushed meanwhile\n"


@pytest.mark.parametrize("first", ["refused push", "plain run"])
def test_files_a_run_wrote_but_did_not_commit_are_the_next_runs_to_commit_and_announce(
        first: str, remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A refused push (or a run without --commit) leaves README, pages and shards as it wrote them: the next run
    must take them as its own, not refuse them as the user's edits or leave the papers uncommitted."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    hook = work / ".git" / "hooks" / "pre-push"
    if first == "refused push":
        hook.write_text("#!/bin/sh\necho 'not now' >&2\nexit 1\n")
        hook.chmod(0o755)
        assert update.main(["--root", str(work), "--push"]) == 2
        hook.unlink()
    else:
        assert update.main(["--root", str(work)]) == 0
    assert "2601.00002" in load_store(work) and git.Repo(work).is_dirty()
    capsys.readouterr()
    assert update.main(["--root", str(work), "--push"]) == 0, capsys.readouterr().err
    captured = capsys.readouterr()
    head = bare.commit("main")
    assert head.message.startswith("1 new, 0 updated: Codec +1"), head.message
    assert "2601.00002" in (head.tree / "data/papers/2601.json").data_stream.read().decode()
    assert "uncommitted" not in captured.out + captured.err
    assert not git.Repo(work).is_dirty(untracked_files=True)


@pytest.mark.parametrize("staged", [False, True], ids=["unstaged", "staged"])
def test_a_generated_page_the_user_deleted_is_refused_before_anything_is_written(
        staged: bool, remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A staged deletion (git rm) of a generated page went through the first check: arXiv was asked and files
    written before the run refused."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    repo = git.Repo(work)
    if staged:
        repo.git.rm("-q", "papers/codec.md")
    else:
        (work / "papers" / "codec.md").unlink()
    err = refused_before_fetching(work, fake, capsys)
    assert len(err) == 1 and err[0].startswith("error: papers/codec.md: "), err
    repo.git.checkout(*re.search(r"\(git checkout (HEAD -- \S+)\)", err[0]).group(1).split())  # its fix works
    assert not repo.is_dirty()


def test_an_edit_to_the_users_own_file_under_papers_neither_blocks_the_run_nor_goes_in_its_commit(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path) -> None:
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    repo = git.Repo(work)
    _user_commit(repo, {"papers/reading-list.md": "# My reading list\n"}, "My list")
    (work / "papers" / "reading-list.md").write_text("# My reading list\n- 2601.00001\n")
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.message.startswith("1 new, 0 updated: Codec +1")
    assert (head.tree / "papers/reading-list.md").data_stream.read() == b"# My reading list\n"
    assert (work / "papers" / "reading-list.md").read_text() == "# My reading list\n- 2601.00001\n"


def test_a_hook_refusal_is_quoted_whole_when_it_spans_lines(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A server hook that gives its reason on a second line used to be quoted by its first line only."""
    bare, work = remote
    hook = Path(bare.git_dir) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\ncat >/dev/null\necho 'POLICY CHECK FAILED' >&2\necho 'commits must be signed' >&2\n"
                    "exit 1\n")
    hook.chmod(0o755)
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "POLICY CHECK FAILED" in err[0] and "commits must be signed" in err[0], err


def commit_own_title_then_put_back(work: Path, paper_id: str, title: str) -> bytes:
    """The user commits their own title in a paper's shard, then puts the shard back as it was, uncommitted."""
    shard = work / "data" / "papers" / f"{paper_id.split('.')[0]}.json"
    before = shard.read_bytes()
    records = json.loads(before)
    records[paper_id]["title"] = title
    _user_commit(git.Repo(work), {shard.relative_to(work).as_posix(): json.dumps(records, indent=2, sort_keys=True)
                                  + "\n"}, "My version")
    shard.write_bytes(before)
    return before


def test_what_a_run_wrote_stops_counting_as_its_own_once_committed(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                                    tmp_path: Path) -> None:
    """The record of what runs wrote outlived their commits: a shard the user later put back to an old bot version
    (uncommitted) went out under the bot's message instead of being left as the user's edit."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    shard = work / "data" / "papers" / "2601.json"
    bot_version = commit_own_title_then_put_back(work, "2601.00001", "A codec (fixed by me)")
    fake.papers.append(paper("2602.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(work), "--push", "-q"]) == 0
    head = bare.commit("main")
    assert head.message.startswith("1 new, 0 updated: Codec +1")
    assert "fixed by me" in (head.tree / "data/papers/2601.json").data_stream.read().decode()
    assert shard.read_bytes() == bot_version, "the user's uncommitted change stays as it is"


def test_a_run_killed_while_saving_the_store_leaves_papers_the_next_run_commits(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Killed after the first shard was saved: that shard was not yet recorded, so the next run took it for the
    user's hand edit and left its papers uncommitted."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    fake.papers += [paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"),
                    paper("2602.00002", "A codec of February", updated="2026-02-12T00:00:00Z")]
    real, calls = st.atomic_write, []

    def killed_at_the_second(path: Path, data: bytes) -> bool:
        calls.extend([path] if path.parent.name == "papers" else [])  # shards only (the record is written this way too)
        if len(calls) == 2:
            raise SystemExit("killed")
        return real(path, data)

    monkeypatch.setattr(st, "atomic_write", killed_at_the_second)
    with pytest.raises(SystemExit):
        update.main(["--root", str(work), "--push", "-q"])
    monkeypatch.setattr(st, "atomic_write", real)
    assert "2601.00002" in (work / "data" / "papers" / "2601.json").read_text()
    capsys.readouterr()
    assert update.main(["--root", str(work), "--push"]) == 0
    captured = capsys.readouterr()
    assert "uncommitted" not in captured.out + captured.err
    head = bare.commit("main")
    assert head.message.startswith("2 new, 0 updated: Codec +2"), head.message
    assert "2601.00002" in (head.tree / "data/papers/2601.json").data_stream.read().decode()


def test_a_later_commit_of_the_user_ends_what_a_run_wrote_there(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                                tmp_path: Path) -> None:
    """A plain run wrote a shard; the user committed their own version, then put the run's bytes back on disk
    (uncommitted): the bot committed that as its own."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(work), "-q"]) == 0
    shard = work / "data" / "papers" / "2601.json"
    runs_bytes = commit_own_title_then_put_back(work, "2601.00002", "Another codec (mine)")
    assert update.main(["--root", str(work), "--push", "-q"]) == 0
    assert "(mine)" in (bare.commit("main").tree / "data/papers/2601.json").data_stream.read().decode()
    assert shard.read_bytes() == runs_bytes


@pytest.mark.parametrize("key", ["../outside", "", "/abs/path", ":(glob)**", "data/../x"])
def test_a_damaged_record_of_what_runs_wrote_costs_nothing(key: str, remote: tuple[git.Repo, Path],
                                                           fake: FakeArxiv) -> None:
    bare, work = remote
    record = work / ".git" / ledger.WRITTEN
    record.write_text(json.dumps({key: {"blob": None, "was": None}, "README.md": "not an entry"}))
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push", "-q"]) == 0
    assert bare.commit("main").message.startswith("1 new, 0 updated")


def test_a_run_without_commit_keeps_the_users_note_in_a_generated_file_too(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A local run without --commit overwrote a README note with exit 0; its own earlier output never blocks it."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(work), "-q"]) == 0  # writes README: its own, not a note of the user's
    assert update.main(["--root", str(work), "-q", "--no-fetch"]) == 0
    readme = work / "README.md"
    noted = "My own note\n" + readme.read_text()
    readme.write_text(noted)
    before = snapshot(work)
    capsys.readouterr()
    assert update.main(["--root", str(work), "-q", "--no-fetch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: README.md: ") and "templates/" in err[0], err
    assert readme.read_text() == noted and snapshot(work) == before


def test_a_run_without_commit_ends_what_a_commit_of_the_user_holds(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                                   tmp_path: Path) -> None:
    """After the user commits their own README over a run's, the run's old bytes put back on disk are the user's
    change (a revert), not the run's output: a run without --commit refuses it too."""
    bare, work = remote
    pushed_then_cloned(work, fake, tmp_path)
    fake.papers.append(paper("2601.00002", "Another codec", updated="2026-02-12T00:00:00Z"))
    assert update.main(["--root", str(work), "-q"]) == 0
    readme = work / "README.md"
    runs_bytes = readme.read_bytes()
    _user_commit(git.Repo(work), {"README.md": "Mine\n" + runs_bytes.decode()}, "My README")
    readme.write_bytes(runs_bytes)
    assert update.main(["--root", str(work), "-q", "--no-fetch"]) == 2
    assert readme.read_bytes() == runs_bytes
