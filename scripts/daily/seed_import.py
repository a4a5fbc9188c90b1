"""One-time import of a DailyArXiv README's tables, so a migrating fork keeps its history."""

from __future__ import annotations

import re
from typing import Any

from core import text as border
from core.errors import UserError
from core.store import new_record, split_id

HEADER = re.compile(r"^\|\s*\*\*Title\*\*\s*\|\s*\*\*Link\*\*\s*\|\s*\*\*Abstract\*\*\s*\|", re.MULTILINE)
_ROW = re.compile(
    r"^\| \*\*\[(?P<title>.*?)\]\(https?://arxiv\.org/abs/(?P<id>[^)\s]+)\)\*\* \|"
    r"(?P<link>[^|]*)\|"
    r" (?:<details><summary>Show</summary><p>(?P<abstract>.*?)</p></details>)? ?\|"
    r" (?P<date>\d{4}-\d{2}-\d{2}) \|"
    r"(?P<comment>.*)\|\s*$"
)
_DETAILS = re.compile(r"^<details><summary>.*?</summary><p>(?P<full>.*)</p></details>$")


class ImportError_(UserError):
    """A DailyArXiv table row that could not be read; names the line."""


def looks_like_dailyarxiv(text: str) -> bool:
    """Whether a README holds DailyArXiv-style paper tables."""
    return bool(HEADER.search(text))


def _comment(cell: str) -> str:
    """The full comment, unwrapping DailyArXiv's collapsed '<details>' form."""
    cell = cell.strip()
    m = _DETAILS.match(cell)
    return m.group("full") if m else cell


def parse_readme(text: str, source: str = "README.md") -> dict[str, list[dict[str, Any]]]:
    """Rows of each '## Topic' section as store records, in the README's order."""
    sections: dict[str, list[dict[str, Any]]] = {}
    topic: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            topic = " ".join(line[3:].split())
            sections.setdefault(topic, [])
            continue
        if not line.startswith("| **[") or topic is None:
            continue
        m = _ROW.match(line)
        parsed = split_id(m.group("id")) if m else None
        if not m or not parsed:
            raise ImportError_(f"{source}:{number}: cannot read this DailyArXiv table row; fix or delete it")
        paper_id, version = parsed
        sections[topic].append(new_record(
            id=paper_id,
            version=version,
            title=border.clean(m.group("title")).strip(),  # another tool's README: outside text, through the border
            abstract=border.clean(m.group("abstract")).strip(),
            comment=_comment(border.clean(m.group("comment"))),
            updated=m.group("date"),
            topics=[topic],
        ))
    return sections
