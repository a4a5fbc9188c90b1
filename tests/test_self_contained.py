"""A fork runs its own tests: everything the tests read is inside the repository."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path

import fake_arxiv
from conftest import REPO, SEED

TESTS = REPO / "tests"
# A path out of the repository to the shared folder next to this project's own CI: '../shared',
# 'parent / "shared"', 'parents[2] / "shared"', or an absolute '/work/shared'.
OUTSIDE = re.compile(r"""\.\./+shared|["']/\w+/shared\b|parents?(\[\d+\])?\s*/\s*["']shared["']""")


def test_no_file_under_tests_reaches_outside_the_repository() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".ini", ".cfg", ".toml", ".txt", ".json", ".yaml", ".yml"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if OUTSIDE.search(line) and path != Path(__file__).resolve():
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, ("tests must read files inside the repository (a fork has nothing beside it):\n"
                           + "\n".join(offenders))


def test_the_pattern_catches_the_ways_out() -> None:
    """The scan above must be able to fail: each way of reaching the shared folder is caught."""
    for line in ['Path("../shared/x")', 'REPO.parent / "shared" / "reference"',
                 "Path(__file__).resolve().parents[2] / 'shared'", 'open("/work/shared/fixtures/a.xml")']:
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search('SEED = REPO / "tests" / "fixtures" / "seed"')


def test_recorded_answers_and_seed_are_in_the_repository() -> None:
    for path in (fake_arxiv.FIXTURES, SEED):
        assert path.exists() and path.resolve().is_relative_to(REPO), path
    recorded = sorted(p.name for p in fake_arxiv.FIXTURES.glob("*.xml"))
    sources = (fake_arxiv.FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    assert recorded and all(f"`{name}`" in sources for name in recorded), "every recorded answer is in SOURCES.md"
    assert (SEED.parent / "SOURCE.md").is_file()


# What a fork's front page lists before README (issue 34): the data and pages readers follow, the code, the runtime
# lock forks install, and one folder or file each for the rest (docs/, requirements/, pyproject.toml's tool settings).
ROOT = {"README.md", "keywords.yaml", "data", "papers", "feeds", "interests", "scripts", "templates", "tests", "docs",
        ".github", ".ci", ".gitignore", "requirements.txt", "requirements", "pyproject.toml"}


def root_entries() -> set[str]:
    """The root's entries as git has them; in CI's copy (no .git) the folder itself, without what .gitignore names."""
    if (REPO / ".git").exists():
        listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
        return {line.split("/", 1)[0] for line in listed.splitlines()}
    ignored = [line.strip().strip("/") for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()]
    return {p.name for p in REPO.iterdir() if not any(fnmatch.fnmatch(p.name, pattern) for pattern in ignored if pattern)}


def test_the_root_holds_only_the_listed_entries() -> None:
    """Anything new goes into a folder: every root entry pushes README further down a fork's front page."""
    assert root_entries() <= ROOT, sorted(root_entries() - ROOT)
