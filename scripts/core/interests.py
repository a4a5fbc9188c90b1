"""The reader's interests (issue 23): arXiv ids listed in interests/*.txt, one a line.

Blank lines and # comments are allowed; a bad line raises config.ConfigError "file:line: what, fix".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.config import ConfigError

_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


def read_id_file(path: Path, root: Path | None = None) -> list[str]:
    """The arXiv ids in one interests/*.txt file, in order, versions dropped, duplicates once."""
    name = str(path.relative_to(root)) if root else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{name}: cannot read ({err.__class__.__name__}), fix: save it as UTF-8 text") from None
    ids: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        entry = entry.removeprefix("arXiv:").removeprefix("arxiv:")
        if not _ID.match(entry):
            shown = entry if len(entry) <= 40 else entry[:39] + "…"
            raise ConfigError(f"{name}:{number}: {shown!r} is not an arXiv id, fix: one id a line, "
                              "like 2401.01234 (blank lines and # comments are ok)")
        bare = re.sub(r"v\d+$", "", entry)
        if bare not in ids:
            ids.append(bare)
    return ids


def read_id_files(root: Path) -> list[str]:
    """Every id in root/interests/*.txt (files in name order)."""
    ids: list[str] = []
    for path in sorted((root / "interests").glob("*.txt")):
        for paper in read_id_file(path, root):
            if paper not in ids:
                ids.append(paper)
    return ids


MAX_PICKS = 100  # picks shown in README and the email: a short list is the point
MAX_PAPERS = 5_000  # ids in interests.papers plus interests/*.txt, like the library's bound
KEYS = ("papers", "library", "picks")
DEFAULT_PICKS = 10


@dataclass(frozen=True)
class Interests:
    """The validated `interests:` block of keywords.yaml (ids from interests/*.txt are read at run time)."""

    papers: tuple[str, ...] = ()
    library: str | None = None  # a path relative to keywords.yaml's folder
    picks: int = DEFAULT_PICKS
    papers_line: int = 1  # where `papers:` is, for the unknown-id error
    library_line: int = 1

    @property
    def on(self) -> bool:
        """Whether picks are wanted at all (picks: 0 turns them off)."""
        return self.picks > 0


def parse_block(raw: Any, data: Any, name: str, line_of: Callable[[Any, str | None], int]) -> Interests | None:
    """Validate keywords.yaml's `interests:` mapping; None when absent. Raises ConfigError "file:line: what; fix"."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}:{line_of(data, 'interests')}: 'interests' must be a mapping, like "
                          "interests: {{papers: [\"2401.01234\"], library: library.bib, picks: 10}}")
    for key in raw:
        if key not in KEYS:
            raise ConfigError(f"{name}:{line_of(raw, key)}: interests: unknown key '{key}'; "
                              f"known keys are: {', '.join(KEYS)}")
    papers = _papers(raw.get("papers"), name, line_of(raw, "papers"))
    library = raw.get("library")
    if library is not None and not (isinstance(library, str) and library.strip() and "\n" not in library):
        raise ConfigError(f"{name}:{line_of(raw, 'library')}: interests: 'library' must be a file name, "
                          "like library: library.bib (a BibTeX or CSL JSON export)")
    picks = raw.get("picks", DEFAULT_PICKS)
    if not isinstance(picks, int) or isinstance(picks, bool) or not 0 <= picks <= MAX_PICKS:
        raise ConfigError(f"{name}:{line_of(raw, 'picks')}: interests: 'picks' must be a whole number from 0 "
                          f"to {MAX_PICKS} (0 turns picks off), got {str(picks)[:40]!r}")
    return Interests(tuple(papers), library.strip() if library else None, picks,
                     line_of(raw, "papers"), line_of(raw, "library"))


def _papers(value: Any, name: str, line: int) -> list[str]:
    """interests.papers: a list of arXiv ids (a single id is a list of one), versions dropped, each once."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{name}:{line}: interests: 'papers' must be a list of arXiv ids, "
                          "like papers: [\"2401.01234\"]")
    ids: list[str] = []
    for item in value:
        text = str(item).strip() if isinstance(item, (str, float)) else None
        entry = (text or "").removeprefix("arXiv:").removeprefix("arxiv:")
        if not isinstance(item, str) or not _ID.match(entry):
            raise ConfigError(f"{name}:{line}: interests: papers: {str(item)[:40]!r} is not an arXiv id; "
                              "write each id in quotes, like \"2401.01234\"")
        bare = re.sub(r"v\d+$", "", entry)
        if bare not in ids:
            ids.append(bare)
    if len(ids) > MAX_PAPERS:
        raise ConfigError(f"{name}:{line}: interests: {len(ids):,} papers are more than {MAX_PAPERS:,}; "
                          "keep the ones that say most about what you read")
    return ids


def all_ids(interests: Interests, root: Path) -> list[str]:
    """interests.papers, then every id in root/interests/*.txt, each once."""
    return list(dict.fromkeys([*interests.papers, *read_id_files(root)]))
