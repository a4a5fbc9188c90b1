"""Links the tables show: built only from validated arXiv ids and recognised code-host URLs."""

from __future__ import annotations

import re

from store import valid_id

_CODE = re.compile(
    r"https?://(?:www\.)?(?P<host>github\.com|gitlab\.com|huggingface\.co)/"
    r"(?P<path>(?:spaces/|datasets/)?[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)",
    re.IGNORECASE,
)
_NOT_REPOS = {"github.com": {"orgs", "features", "topics", "about", "sponsors", "settings", "marketplace"}}


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


def code_links(*texts: str | None) -> list[str]:
    """Repository URLs named in an abstract or comment, normalised and de-duplicated, at most 2."""
    found: dict[str, None] = {}
    for text in texts:
        if not text or "://" not in text:
            continue
        for m in _CODE.finditer(text):
            host = m.group("host").lower()
            path = m.group("path").rstrip(".")
            if path.endswith(".git"):
                path = path[:-4]
            if path.split("/")[0].lower() in _NOT_REPOS.get(host, set()):
                continue
            found.setdefault(f"https://{host}/{path}", None)
    return list(found)[:2]
