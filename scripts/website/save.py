"""Where the Starred page's "Save to my repository" button opens GitHub's editor: the repository and branch.
(Both of its Save buttons: the stars to interests/, the papers marked not for me to interests/not-for-me/.)

The button (templates/site/assets/save.js) opens https://github.com/OWNER/REPO/new/BRANCH?filename=…&value=…
with the starred ids. OWNER/REPO is GITHUB_REPOSITORY; BRANCH is the branch the build runs on
(GITHUB_REF_NAME, when GITHUB_REF_TYPE is a branch: the daily workflow's is the default branch), else
DEFAULT_BRANCH. Without a repository (a local build) the page says why there is no button.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from core import links

DEFAULT_BRANCH = "main"  # GitHub's default for new repositories, when the build does not name its branch
_BRANCH = re.compile(r"(?!-)(?!.*(?:\.\.|//|@\{|\.lock$|[./]$))[A-Za-z0-9._/-]{1,200}")


@dataclass(frozen=True)
class SaveTarget:
    """The repository and branch the saved interests/*.txt (and interests/not-for-me/*.txt) files are committed to."""

    repository: str  # OWNER/REPO
    branch: str


def branch_of(environ: Mapping[str, str]) -> str:
    """The build's branch (GITHUB_REF_NAME of a branch build, a valid git branch name), else DEFAULT_BRANCH."""
    name = environ.get("GITHUB_REF_NAME", "")
    if environ.get("GITHUB_REF_TYPE", "branch") != "branch" or not _BRANCH.fullmatch(name) or name.startswith("/"):
        return DEFAULT_BRANCH
    return name


def save_target(environ: Mapping[str, str]) -> SaveTarget | None:
    """Where the Save button commits, from the build's environment; None without a valid GITHUB_REPOSITORY."""
    repository = links.repository(environ.get("GITHUB_REPOSITORY"))
    return SaveTarget(repository, branch_of(environ)) if repository else None
