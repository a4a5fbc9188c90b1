"""The reader's interests (issue 23): arXiv ids listed in interests/*.txt, one a line.

Blank lines and # comments are allowed; a bad line raises config.ConfigError "file:line: what, fix".
"""

from __future__ import annotations

import re
from pathlib import Path

from config import ConfigError

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
