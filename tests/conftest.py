"""Shared fixtures: a temporary copy of the repository and the fake arXiv server wired to it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_arxiv import FakeArxiv
from fake_s2 import FakeS2

from core import store as st

FOLDER_MARKS = {"browser": "browser", "e2e": "e2e", "bench": "e2e"}  # tests/<folder>/ -> the mark of every test there
# (the benchmark smoke runs every measure whole, as the end-to-end tests run whole days)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by its folder, so no file can forget: `pytest -m "not browser and not e2e"` is the inner loop."""
    for item in items:
        mark = FOLDER_MARKS.get(item.path.parent.name)
        if mark:
            item.add_marker(mark)

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-02-13T00:00:00Z"
SEED = REPO / "tests" / "fixtures" / "seed" / "daily-papers-readme.md"


OUTER_WORLD = ("GITHUB_REPOSITORY", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "LLM_API_KEY", "LLM_BASE_URL",
               "LLM_ALLOW_PLAIN_HTTP_KEY", "LLM_REQUEST_DELAY", "LLM_TIMEOUT", "S2_API_KEY", "S2_TIMEOUT")


@pytest.fixture(scope="session", autouse=True)
def quiet_s2() -> Iterator[FakeS2]:
    """A Semantic Scholar stand-in that knows no paper: what every daily run in the tests asks by default, set for
    the whole session so that module-scoped fixtures' runs never reach the real one (nor a real model)."""
    with FakeS2() as server, pytest.MonkeyPatch.context() as env:
        for name in OUTER_WORLD:
            env.delenv(name, raising=False)
        env.setenv("S2_API_URL", server.url)
        yield server


@pytest.fixture(autouse=True)
def outside_actions(monkeypatch: pytest.MonkeyPatch, quiet_s2: FakeS2) -> None:
    """Every test runs as on a laptop, also in GitHub's CI: a test that needs Actions' variables sets them
    (and no test reaches a real model or Semantic Scholar: one that needs a model sets LLM_* to the fake one,
    and Semantic Scholar is a local stand-in that knows no paper unless a test points S2_API_URL elsewhere)."""
    for name in OUTER_WORLD:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("S2_API_URL", quiet_s2.url)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArxiv]:
    """A fake arXiv on 127.0.0.1; the real client reaches it through ARXIV_API_URL, without waiting."""
    with FakeArxiv() as server:
        monkeypatch.setenv("ARXIV_API_URL", server.url)
        monkeypatch.setenv("ARXIV_REQUEST_DELAY", "0")
        monkeypatch.setenv("ARXIV_BACKOFF_SECONDS", "0.01")
        monkeypatch.setenv("DAILY_PAPERS_NOW", NOW)  # the fake's papers are from early 2026: runs happen then too
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        yield server


def write_keywords(root: Path, topics: list[dict[str, Any]], settings: dict[str, Any] | None = None) -> None:
    """A keywords.yaml (JSON is YAML) for a test repository."""
    (root / "keywords.yaml").write_text(json.dumps({"topics": topics, "settings": settings or {}}, indent=2))


def write_repo(root: Path, topics: list[dict[str, Any]], records: list[dict[str, Any]]) -> Path:
    """keywords.yaml and a store holding records in root, as a fork's checkout has them; returns root."""
    root.mkdir(parents=True, exist_ok=True)
    write_keywords(root, topics)
    store = st.Store(root)
    for record in records:
        store.put(record)
    store.save()
    return root


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A repository folder that starts from the seed DailyArXiv README and the shipped keywords.yaml."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(SEED, root / "README.md")
    shutil.copy(REPO / "keywords.yaml", root / "keywords.yaml")
    return root


def load_store(root: Path) -> dict[str, dict[str, Any]]:
    """Every stored record, read straight from the JSON files."""
    papers: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "data" / "papers").glob("*.json")):
        papers.update(json.loads(path.read_text(encoding="utf-8")))
    return papers


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, for 'nothing changed' assertions."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


def git_remote(tmp_path: Path, topics: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
               settings: dict[str, Any] | None = None, name: str = "bot",
               email: str = "bot@example.invalid") -> tuple[Any, Path]:
    """A bare origin (tmp_path/remote.git) with one commit holding keywords.yaml, and a clone of it to run in
    (tmp_path/work), committing as name and email (the workflow's are github-actions[bot]'s)."""
    import git

    for variable in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(variable, name)
    for variable in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(variable, email)
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    work = tmp_path / "work"
    clone = git.Repo.clone_from(str(tmp_path / "remote.git"), work)
    write_keywords(work, topics, settings)
    clone.git.checkout("-b", "main")
    clone.git.add("keywords.yaml")
    clone.git.commit("-m", "Topics")
    clone.git.push("origin", "main")
    return bare, work
