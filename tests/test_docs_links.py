"""The docs are hand-written pages in docs/: every link to them, from README, the docs themselves, the templates, the
scripts' messages and the workflows, lands on a page and heading that exist (issue 34: docs out of the paper list)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import cmarkgfm
from cmarkgfm.cmark import Options
from conftest import REPO

from daily import anchors

DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md"))
# A docs page named in plain text (a message, a comment, a docstring): docs/summaries.md, docs/faq.md#is-it-running.
MENTION = re.compile(r"\bdocs/([\w.-]+\.md)(?:#([\w%-]+))?")
MENTIONED_IN = ("scripts", "templates", ".github", ".ci", "tools", "tests/README.md", "pyproject.toml",
                "keywords.yaml")


class Links(HTMLParser):
    """Every link's href in rendered Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def hrefs(markdown: Path) -> list[str]:
    """The links of a Markdown file as GitHub renders it."""
    parser = Links()
    parser.feed(cmarkgfm.github_flavored_markdown_to_html(markdown.read_text(encoding="utf-8"),
                                                         options=Options.CMARK_OPT_UNSAFE))
    return parser.hrefs


def ids(page: Path) -> set[str]:
    """The heading ids GitHub gives a Markdown page."""
    return set(anchors.page_anchors(page.read_text(encoding="utf-8")))


def broken(source: Path, href: str) -> str | None:
    """Why a relative link from `source` does not land (its file or heading is missing), or None when it does."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("../../actions/"):  # the badge: GitHub's own pages
        return None
    target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
    if not target.is_relative_to(REPO) or not target.exists():
        return f"{source.relative_to(REPO)}: {href}: no such file"
    if parts.fragment and target.suffix == ".md" and unquote(parts.fragment) not in ids(target):
        return f"{source.relative_to(REPO)}: {href}: no heading #{parts.fragment} in {target.relative_to(REPO)}"
    return None


def test_the_docs_pages_exist_one_per_subject() -> None:
    names = {p.stem for p in PAGES}
    assert {"README", "configuration", "interests", "summaries", "email", "site", "command-line", "faq",
            "development"} <= names
    assert not (REPO / "DEVELOPMENT.md").exists(), "the code map lives in docs/development.md"


def test_every_link_in_readme_and_the_docs_lands() -> None:
    problems = [problem for source in [REPO / "README.md", *PAGES] for href in hrefs(source)
                if (problem := broken(source, href))]
    assert not problems, "\n".join(problems)


def test_readme_links_every_docs_page() -> None:
    linked = {urlsplit(h).path for h in hrefs(REPO / "README.md")}
    assert {f"docs/{p.name}" for p in PAGES} <= linked


def test_every_docs_page_or_heading_named_in_code_messages_and_workflows_exists() -> None:
    problems, found = [], 0
    for root in MENTIONED_IN:
        paths = [REPO / root] if (REPO / root).is_file() else sorted((REPO / root).rglob("*"))
        for path in paths:
            if not path.is_file() or path.suffix in {".png", ".woff2", ".ico"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "DEVELOPMENT.md" not in text, f"{path.relative_to(REPO)}: DEVELOPMENT.md is docs/development.md now"
            for match in MENTION.finditer(text):
                found += 1
                page, anchor = DOCS / match.group(1), match.group(2)
                if not page.is_file():
                    problems.append(f"{path.relative_to(REPO)}: {match.group(0)}: no such page")
                elif anchor and unquote(anchor) not in ids(page):
                    problems.append(f"{path.relative_to(REPO)}: {match.group(0)}: no such heading")
    assert found >= 8, "the scan must see the messages that name docs pages"
    assert not problems, "\n".join(problems)


def test_the_check_can_fail() -> None:
    """A missing page and a missing heading are both caught."""
    assert broken(REPO / "README.md", "docs/nope.md")
    assert broken(REPO / "README.md", "docs/faq.md#no-such-question")
    assert not broken(REPO / "README.md", "docs/faq.md#is-it-running")
    assert not broken(DOCS / "faq.md", "configuration.md#setting-up")
