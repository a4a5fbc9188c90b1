"""The ledger of what runs wrote and did not commit (.git/daily-papers-written.json): how a run tells its own files
from the user's hand edits, even after a run that was refused or killed halfway."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import git

from core import jsonfile, layout
from daily import gitio

WRITTEN = "daily-papers-written.json"  # in .git/: what runs wrote and did not commit
Entry = dict[str, str | None]  # {"blob": what a run wrote (None: it removed the file), "was": HEAD's blob then}


def _written_record(repo: git.Repo) -> Path:
    """Where the checkout keeps what runs wrote: inside .git, so it is never committed or published."""
    return Path(repo.git_dir) / WRITTEN


def _read_written(repo: git.Repo) -> dict[str, Entry]:
    """What earlier runs wrote here; entries of any other shape, or paths outside the generated and stored files,
    are left out (a damaged record costs only that the next run takes those files for the user's)."""
    try:
        record = json.loads(_written_record(repo).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict):
        return {}
    return {path: entry for path, entry in record.items() if _recordable(path) and isinstance(entry, dict)
            and set(entry) == {"blob", "was"} and all(v is None or isinstance(v, str) for v in entry.values())}


def _recordable(path: str) -> bool:
    """A plain repository path of a file the run writes (no '..', no pathspec magic, no absolute path)."""
    parts = path.split("/")
    return (bool(path) and not path.startswith((":", "/")) and "" not in parts and "." not in parts
            and ".." not in parts and (path == layout.README or parts[0] in (layout.PAGES, layout.FEEDS, layout.DATA)))


def repo_at(root: Path) -> git.Repo | None:
    """The git repository at root, or None (a run outside git keeps no record and checks no edits)."""
    try:
        return git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def note_written(root: Path, paths: list[str]) -> None:
    """Record the files a run just wrote or removed, so a later run tells them from the user's edits (a refused or
    stopped run leaves them uncommitted)."""
    repo = repo_at(root) if paths else None
    if repo is not None:
        blobs = gitio.worktree_blobs(repo, root, paths)
        _note(repo, {path: blobs.get(path) for path in paths})


def note_to_write(root: Path, contents: dict[str, bytes]) -> None:
    """Record files before they are written, so a run killed halfway through still knows them as its own."""
    repo = repo_at(root) if contents else None
    if repo is not None:
        fmt = gitio.run_git(repo, "rev-parse", "--show-object-format")
        digest = hashlib.sha256 if fmt == "sha256" else hashlib.sha1
        _note(repo, {path: digest(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
                     for path, data in contents.items()})


def shard_recorder(root: Path) -> Callable[[dict[Path, bytes]], None]:
    """What store.save calls before it writes: the shards noted as the run's, so a run killed while saving leaves
    papers the next run commits, not files it takes for the user's hand edits."""
    return lambda contents: note_to_write(root, {p.relative_to(root).as_posix(): b for p, b in contents.items()})


def _note(repo: git.Repo, blobs: dict[str, str | None]) -> None:
    """Add these blobs to the record, each with HEAD's blob of its path now (a later commit there ends it)."""
    head = gitio.head_sha(repo)
    paths = [p for p in blobs if _recordable(p)]
    before = gitio.tree_entries(repo, head, paths) if paths else {}
    fresh = {p: {"blob": blobs[p], "was": gitio.blob_of(before.get(p))} for p in paths}
    _write_record(repo, _read_written(repo) | fresh)


def _write_record(repo: git.Repo, record: dict[str, Entry]) -> None:
    """Save the record atomically (a run stopped halfway leaves the old one or the new one)."""
    jsonfile.write_json(_written_record(repo), record, indent=1, ensure_ascii=True)


def forget_committed(repo: git.Repo, commit: str | None) -> None:
    """Drop the entries whose path a commit holds otherwise than HEAD did when the run wrote it (the run's commit
    took it, or the user committed there since): from then on a change there is the user's."""
    record = _read_written(repo)
    if not record or commit is None:
        return
    held = gitio.tree_entries(repo, commit, sorted(record))
    kept = {path: entry for path, entry in record.items() if gitio.blob_of(held.get(path)) == entry["was"]}
    if kept != record:
        _write_record(repo, kept)


def not_as_written(repo: git.Repo, root: Path, paths: list[str]) -> list[str]:
    """The paths whose file on disk is not what a run last wrote there (missing: removed by it): the user's."""
    record = _read_written(repo)
    mine = [p for p in paths if p in record]
    blobs = gitio.worktree_blobs(repo, root, mine)
    return [p for p in paths if p not in record or blobs.get(p) != record[p]["blob"]]
