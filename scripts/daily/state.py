"""When each topic last fetched successfully (data/state.json), so a window starts from a real fetch.

A window that starts at the newest stored paper misses papers arXiv announces late (their stamp
is the submission time) and can be pushed past today by one bad stamp. The moment of the last
successful fetch is our own clock, moved only by a success, so a failed run leaves the window where
it was. The query is kept too: a topic whose query changed is fetched like a new one. And the
repository the workflow last ran in (GITHUB_REPOSITORY), so README can link a fork's own site the
same way wherever it is rendered, and the site's address when the workflow saw Pages publish it (SITE_URL), so
README's Today block links the site only when it is there. And the topics whose query failed on its own (update.after_failure): they ask
alone until they succeed, so the others' shared query does not fail first every day.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from core import jsonfile, layout
from core.jsonfile import StoreError

PATH = Path(layout.STATE)  # a Path: run.py names it with .as_posix()
_FIX = f"fix it or delete {PATH}: the next run then windows from the stored papers"


def load(root: Path) -> dict[str, dict[str, str]]:
    """Topic name -> {"fetched": ISO time of the last successful fetch, "query": what it asked, and for a
    new topic "start": its oldest paper, below which its windows do not reach; "first": when a topic fetched since
    issue 33 was first fetched (under this query), which daily.quiet counts a new topic's quiet days from}."""
    path = root / PATH
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{PATH}: not valid JSON ({exc}); {_FIX}") from None
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict) or not all(_entry_ok(v) for v in topics.values()):
        raise StoreError(f"{PATH}: expected {{\"topics\": {{name: {{\"fetched\": \"YYYY-MM-DDTHH:MM:SSZ\", "
                         f"\"query\": …}}}}}}; {_FIX}")
    return topics


def alone(root: Path) -> list[str]:
    """The topics that ask alone until their query succeeds (load() has checked the file is JSON)."""
    path = root / PATH
    if not path.exists():
        return []
    names = json.loads(path.read_text(encoding="utf-8")).get("alone", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise StoreError(f"{PATH}: \"alone\" must be a list of topic names; {_FIX}")
    return names


def _entry_ok(entry: Any) -> bool:
    """Whether one topic's entry has the shape this code writes, with a real time."""
    if not (isinstance(entry, dict) and isinstance(entry.get("fetched"), str) and isinstance(entry.get("query"), str)
            and isinstance(entry.get("start", ""), str) and isinstance(entry.get("first", ""), str)):
        return False
    try:
        return datetime.strptime(entry["fetched"], "%Y-%m-%dT%H:%M:%SZ") is not None
    except ValueError:
        return False


def dumps(topics: dict[str, dict[str, str]], repo: str | None = None, solo: list[str] | None = None,
          site: str | None = None) -> bytes:
    """Stable JSON, like the store's; the list of topics asking alone only while it has one, the published site's
    address only while there is one."""
    data: dict[str, Any] = {"topics": topics, **({"repository": repo} if repo else {}),
                            **({"alone": sorted(set(solo))} if solo else {}), **({"site": site} if site else {})}
    return jsonfile.dumps(data)


def save(root: Path, topics: dict[str, dict[str, str]], repo: str | None = None, solo: list[str] | None = None,
         site: str | None = None) -> bool:
    """Write the state atomically; True when it changed."""
    return jsonfile.atomic_write(root / PATH, dumps(topics, repo, solo, site))
