"""Links the pages show: arXiv's, built only from validated ids, and this repository's site (the authors' own links
are core/paperlinks.py's)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core import layout
from core.ids import valid_id

_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def repository(value: str | None) -> str | None:
    """An OWNER/NAME GitHub repository (GITHUB_REPOSITORY's form), or None for anything else."""
    return value if value and _REPOSITORY.fullmatch(value) and value.split("/")[1] not in (".", "..") else None


def recorded_repository(root: Path) -> str | None:
    """The OWNER/NAME the workflow last ran in, if data/state.json records it (daily.state.load has checked it)."""
    path = root / layout.STATE
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return repository(data.get("repository"))


def this_repository(root: Path) -> str | None:
    """The repository a run is in: the workflow's GITHUB_REPOSITORY, else the one the last run recorded (a local
    run of a fork links the fork's own site too)."""
    return repository(os.environ.get("GITHUB_REPOSITORY")) or recorded_repository(root)


def published_site(environ: Mapping[str, str]) -> str | None:
    """The site's address when the workflow's Pages check found GitHub Pages publishing it (SITE_URL: the Pages API's
    html_url), else None: a fork without Pages gets no links to a site that is not there."""
    value = (environ.get("SITE_URL") or "").strip()
    return site_address(value)


def site_address(value: Any) -> str | None:
    """A published site's https address ending in '/', or None for anything else (credentials, a port, a query)."""
    if not isinstance(value, str) or not value or not value.isascii() \
            or any(not c.isprintable() or c.isspace() or c in "\"'<>\\`" for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    if ":" in parts.netloc:  # GitHub Pages serves on 443: any port, even a valid one, is not its address
        return None
    return value if value.endswith("/") else value + "/"


def recorded_site(root: Path) -> str | None:
    """The published site's address the workflow last saw (data/state.json's "site"), for a run that is not told."""
    path = root / layout.STATE
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return site_address(data.get("site")) if isinstance(data, dict) else None


def this_site(root: Path) -> str | None:
    """The published site. The workflow always sets SITE_URL (empty when its Pages check found no site, so a site
    turned off loses its links); a run without it (a laptop) keeps the one the last run recorded."""
    return published_site(os.environ) if "SITE_URL" in os.environ else recorded_site(root)


def pages_url(repo: str | None) -> str | None:
    """Where GitHub Pages serves a repository's site: https://owner.github.io/name/ (a user site at the top)."""
    if not repository(repo):
        return None
    owner, name = repo.split("/")  # type: ignore[union-attr]
    if name.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{name}/"


def abs_url(paper_id: str) -> str:
    """The arXiv abstract page; refuses anything that is not an arXiv id."""
    if not valid_id(paper_id):
        raise ValueError(f"not an arXiv id: {paper_id!r}")
    return f"https://arxiv.org/abs/{paper_id}"


def pdf_url(paper_id: str) -> str:
    """The arXiv PDF of the latest version."""
    if not valid_id(paper_id):
        raise ValueError(f"not an arXiv id: {paper_id!r}")
    return f"https://arxiv.org/pdf/{paper_id}"
