"""Commit and push the day's changes with GitPython, surviving a push race."""

from __future__ import annotations

import os
from pathlib import Path

import git

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
TRACKED = ("data", "papers", "feeds", "README.md")


class PublishError(Exception):
    """Git could not commit or push; str() says what to do."""


def open_repo(root: Path) -> git.Repo:
    """The git repository at root, or a PublishError saying how to make one."""
    try:
        return git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PublishError(f"{root}: not a git repository; run 'git init' or drop --commit") from None


def _identity_args(repo: git.Repo) -> list[str]:
    """Use the GIT_* identity from the environment, else the repo's, else github-actions[bot]."""
    if os.environ.get("GIT_AUTHOR_NAME") or os.environ.get("GIT_COMMITTER_NAME"):
        return []
    reader = repo.config_reader()
    if reader.has_option("user", "name") and reader.has_option("user", "email"):
        return []
    return ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]


def commit(root: Path, message: str, paths: tuple[str, ...] = TRACKED) -> str | None:
    """Stage the store and rendered files and commit them; None when nothing changed."""
    repo = open_repo(root)
    present = [p for p in paths if (root / p).exists() or _tracked(repo, p)]
    if not present:
        return None
    repo.git.add("-A", "--", *present)
    if repo.head.is_valid():
        if not repo.index.diff("HEAD"):
            return None
    elif not repo.index.entries:
        return None
    repo.git.execute(["git", *_identity_args(repo), "commit", "--quiet", "-m", message])
    return repo.head.commit.hexsha


def _tracked(repo: git.Repo, path: str) -> bool:
    """Whether git tracks anything at path (so a deletion can be staged)."""
    return bool(repo.git.ls_files("--", path)) if repo.head.is_valid() else False


def branch_name(repo: git.Repo) -> str:
    """The checked-out branch (GitHub Actions checks out a branch, not a detached head)."""
    try:
        return repo.active_branch.name
    except TypeError:
        raise PublishError("HEAD is detached; check out a branch before --push") from None


def push(root: Path) -> bool:
    """Push HEAD to origin; False when the remote moved on (non-fast-forward), error otherwise."""
    repo = open_repo(root)
    branch = branch_name(repo)
    try:
        origin = repo.remote("origin")
    except ValueError:
        raise PublishError("no remote named 'origin'; add one or drop --push") from None
    try:
        infos = origin.push(refspec=f"HEAD:refs/heads/{branch}")
    except git.GitCommandError as exc:
        text = str(exc)
        if "non-fast-forward" in text or "fetch first" in text or "rejected" in text:
            return False
        raise PublishError(f"git push failed: {' '.join(text.split())[:300]}") from None
    for info in infos:
        if info.flags & (git.PushInfo.REJECTED | git.PushInfo.REMOTE_REJECTED):
            return False
        if info.flags & git.PushInfo.ERROR:
            raise PublishError(f"git push failed: {info.summary.strip()}")
    return True


def reset_to_remote(root: Path) -> None:
    """Fetch origin and move to its tip, dropping our local commit (it is re-made on top)."""
    repo = open_repo(root)
    branch = branch_name(repo)
    repo.remote("origin").fetch()
    repo.git.reset("--hard", f"origin/{branch}")
