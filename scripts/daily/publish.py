"""Commit and push what the run generated, and nothing else, with real git (GitPython).

The bot's commit is built in a temporary index from the commit the run started on plus the files the
run owns (the store, its state, README.md, the generated pages and feeds, the manifest), so the
user's index, staged files and uncommitted edits are never read into it or changed. The branch moves
by compare-and-swap, and only after origin took the commit when pushing; the user's index and files
are then updated for the paths that commit changed, and only where they hold no edit of the user's.
After a push race the commit is rebuilt on origin's new tip (update.rebuild_on); nothing is reset.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterator

import git

from daily import announce
from daily import lookup
from daily import outputs
from core import store as st
from daily.manifest import MANIFEST, load_manifest, manifest_is_sound

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
STORE = "data/papers"
DIGESTS = "data/digests"
STATE_FILES = ("data/backfill.json", "data/lookups.json", "data/state.json")  # the run's own state beside the store
BACKFILL_STATE = "data/backfill.json"
LOOKUPS = "data/lookups.json"
LOCK_NAME = "daily-papers.lock"
LOCK_WAIT = float(os.environ.get("DAILY_PAPERS_LOCK_WAIT", "300"))  # a daily run takes minutes, not more
ZERO = "0" * 40
log = logging.getLogger("daily_papers.publish")


class PublishError(Exception):
    """Git could not commit or push; str() is one line saying what and how to fix it."""


@dataclass
class Checkout:
    """The repository a run commits to: its branch and the commit the run builds on (None: unborn)."""

    repo: git.Repo
    root: Path
    branch: str
    head: str | None
    hand_edited: tuple[str, ...] = ()  # store shards the user changed by hand before the run: never the bot's to commit


# --- one run at a time --------------------------------------------------------------------------

def lock_path(root: Path) -> Path:
    """The lock file: in the checkout's git directory (one per worktree), else in the temp folder, per folder."""
    try:
        return Path(git.Repo(root).git_dir) / LOCK_NAME
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        digest = hashlib.sha1(str(root.resolve()).encode(), usedforsecurity=False).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"{LOCK_NAME}.{digest}"


def _try_lock(handle: IO[str]) -> bool:
    """Take an exclusive lock on the open file without waiting; the OS drops it when the process dies."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


@contextmanager
def run_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the checkout's lock for the run; wait up to `wait` seconds for another run, then give up."""
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + wait
    with open(path, "a+", encoding="utf-8") as handle:
        told = False
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                raise PublishError(f"{path}: another update.py run (pid {holder}) is working in this checkout; "
                                   f"waited {wait:.0f} s; run again when it has finished")
            if not told:
                log.warning("another update.py run is working in this checkout; waiting up to %.0f s", wait)
                told = True
            time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


# --- git plumbing, every failure one line -------------------------------------------------------

def one_line(text: str) -> str:
    """The most telling line of git's output (its error, else the last), whitespace collapsed."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (errors or lines or ["(no output)"])[0][:300]


def _git(repo: git.Repo, *args: str, env: dict[str, str] | None = None, stdin: str | None = None,
         strip: bool = True, cwd: Path | None = None) -> str:
    """Run one git command (in cwd as the work tree, if given); a failure is one line, naming a lock file."""
    runner, env = repo.git, dict(env or {})
    if cwd is not None:
        runner = git.Git(str(cwd))
        env.update(GIT_DIR=str(repo.git_dir), GIT_WORK_TREE=str(cwd))
    try:
        return runner.execute(["git", *args], env=env, istream=None if stdin is None else _stdin(stdin),
                              strip_newline_in_stdout=strip)
    except git.GitCommandError as exc:
        raise PublishError(_failure(repo, args[0], str(exc.stderr or exc))) from None


def _stdin(text: str) -> IO[bytes]:
    """Text as a file object for a git command's standard input."""
    handle = tempfile.TemporaryFile()
    handle.write(text.encode("utf-8"))
    handle.seek(0)
    return handle


def _failure(repo: git.Repo, command: str, stderr: str) -> str:
    """One line for a failed git command: a lock file named with its fix, else git's own error."""
    lock = re.search(r"Unable to create '([^']+\.lock)'", stderr)
    if lock:
        return (f"{lock.group(1)} exists: another git command is running in this checkout, or one crashed; "
                f"if none is running, delete {lock.group(1)} and run again")
    return f"git {command} failed: {one_line(stderr)}"


def open_repo(root: Path) -> git.Repo:
    """The git repository at root, or a PublishError saying how to make one."""
    try:
        return git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PublishError(f"{root}: not a git repository; run 'git init' or drop --commit") from None


def branch_name(repo: git.Repo) -> str:
    """The checked-out branch; a detached HEAD is refused (the commit would belong to no branch)."""
    try:
        return repo.active_branch.name
    except TypeError:
        raise PublishError("HEAD is detached; check out a branch first (git switch main), "
                           "then run again") from None


def head_commit(repo: git.Repo, branch: str) -> str | None:
    """The branch's commit, or None before its first commit."""
    try:
        return repo.git.rev_parse("--verify", "--quiet", f"refs/heads/{branch}^{{commit}}") or None
    except git.GitCommandError:
        return None


def _identity_env(repo: git.Repo) -> dict[str, str]:
    """The GIT_* identity from the environment, else the repository's, else github-actions[bot]."""
    reader = repo.config_reader()
    name, email = reader.get_value("user", "name", BOT_NAME), reader.get_value("user", "email", BOT_EMAIL)
    env: dict[str, str] = {}
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = os.environ.get(f"GIT_{role}_NAME") or str(name)
        env[f"GIT_{role}_EMAIL"] = os.environ.get(f"GIT_{role}_EMAIL") or str(email)
    return env


def index_lock(repo: git.Repo) -> Path:
    """The path of the checkout's index lock file."""
    return Path(repo.git_dir) / "index.lock"


# --- before anything is fetched or written ------------------------------------------------------

def preflight(root: Path, reads: list[Path], push: bool) -> Checkout:
    """Refuse what would make the commit wrong before fetching: detached HEAD, lock, uncommitted inputs."""
    repo = open_repo(root)
    branch = branch_name(repo)
    lock = index_lock(repo)
    if lock.exists():
        raise PublishError(_failure(repo, "status", f"Unable to create '{lock}': File exists."))
    busy = [name for name in ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply")
            if (Path(repo.git_dir) / name).exists()]
    if busy:
        raise PublishError(f"{Path(repo.git_dir) / busy[0]}: a merge, cherry-pick, revert or rebase is in progress; "
                           f"finish or abort it (git status says how), then run again")
    head = head_commit(repo, branch)
    forget_committed(repo, head)
    dirty = uncommitted(repo, root, reads)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise PublishError(f"{shown}: uncommitted changes; the commit would show pages rendered from files it "
                           f"does not contain: commit them (git commit {' '.join(sorted(set(_top(d) for d in dirty)))})"
                           f" or stash them (git stash), then run again")
    refuse_edited_outputs(repo, root)
    if push:
        _check_remote(repo, branch, head)
    return Checkout(repo, root, branch, head, tuple(edited_shards(repo, root)))


def edited_shards(repo: git.Repo, root: Path) -> list[str]:
    """Tracked store shards that differ from HEAD (staged or not) before the run, and not as a run wrote them:
    the user's hand edits."""
    return not_as_written(repo, root, changed_paths(repo, [STORE], untracked=False))


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
            and ".." not in parts and (path == "README.md" or parts[0] in ("papers", "feeds", "data")))


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
        blobs = worktree_blobs(repo, root, paths)
        _note(repo, {path: blobs.get(path) for path in paths})


def note_to_write(root: Path, contents: dict[str, bytes]) -> None:
    """Record files before they are written, so a run killed halfway through still knows them as its own."""
    repo = repo_at(root) if contents else None
    if repo is not None:
        fmt = _git(repo, "rev-parse", "--show-object-format")
        digest = hashlib.sha256 if fmt == "sha256" else hashlib.sha1
        _note(repo, {path: digest(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
                     for path, data in contents.items()})


def shard_recorder(root: Path) -> Callable[[dict[Path, bytes]], None]:
    """What store.save calls before it writes: the shards noted as the run's, so a run killed while saving leaves
    papers the next run commits, not files it takes for the user's hand edits."""
    return lambda contents: note_to_write(root, {p.relative_to(root).as_posix(): b for p, b in contents.items()})


def _note(repo: git.Repo, blobs: dict[str, str | None]) -> None:
    """Add these blobs to the record, each with HEAD's blob of its path now (a later commit there ends it)."""
    head = _head_sha(repo)
    paths = [p for p in blobs if _recordable(p)]
    before = tree_entries(repo, head, paths) if paths else {}
    fresh = {p: {"blob": blobs[p], "was": _sha(before.get(p))} for p in paths}
    _write_record(repo, _read_written(repo) | fresh)


def _write_record(repo: git.Repo, record: dict[str, Entry]) -> None:
    """Save the record atomically (a run stopped halfway leaves the old one or the new one)."""
    st.atomic_write(_written_record(repo), (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())


def forget_committed(repo: git.Repo, commit: str | None) -> None:
    """Drop the entries whose path a commit holds otherwise than HEAD did when the run wrote it (the run's commit
    took it, or the user committed there since): from then on a change there is the user's."""
    record = _read_written(repo)
    if not record or commit is None:
        return
    held = tree_entries(repo, commit, sorted(record))
    kept = {path: entry for path, entry in record.items() if _sha(held.get(path)) == entry["was"]}
    if kept != record:
        _write_record(repo, kept)


def not_as_written(repo: git.Repo, root: Path, paths: list[str]) -> list[str]:
    """The paths whose file on disk is not what a run last wrote there (missing: removed by it): the user's."""
    record = _read_written(repo)
    mine = [p for p in paths if p in record]
    blobs = worktree_blobs(repo, root, mine)
    return [p for p in paths if p not in record or blobs.get(p) != record[p]["blob"]]


def without_hand_edits(checkout: Checkout, paths: list[str], written: list[str]) -> list[str]:
    """The owned paths less the shards the user edited by hand; refuses when this run changed one of them too."""
    both = [p for p in checkout.hand_edited if p in written]
    if both:
        raise PublishError(f"{both[0]}: you edited this store file by hand and this run changed it too; nothing was "
                           f"committed (both changes are in the file); commit your edit yourself (git commit "
                           f"{both[0]}) or drop it (git checkout -- {both[0]}), then run again")
    return [p for p in paths if p not in checkout.hand_edited]


GENERATED = ("README.md", "papers", "feeds")  # what every run rewrites; files of the user's own there are kept


def check_local_run(root: Path) -> None:
    """For a run without --commit in a clone: end what commits since hold, then refuse the user's changed outputs."""
    repo = repo_at(root)
    if repo is not None:
        forget_committed(repo, _head_sha(repo))
        refuse_edited_outputs(repo, root)


def _head_sha(repo: git.Repo) -> str | None:
    """HEAD's commit, or None on a branch with no commit yet."""
    return repo.head.commit.hexsha if repo.head.is_valid() else None


def refuse_edited_outputs(repo: git.Repo | None, root: Path) -> None:
    """Stop before anything is written when the user changed or deleted a generated file the run would rewrite
    (with or without --commit; outside a git repository there is no telling, so nothing is checked)."""
    edited = edited_outputs(repo, root) if repo is not None else []
    if edited:
        raise PublishError(f"{edited[0]}: you changed or deleted this generated file (staged or not), and the run "
                           f"would overwrite it; nothing was written; to keep the edit, make it in templates/ (README.md "
                           f"and the pages are rendered from there) and commit that, or commit the file elsewhere; "
                           f"or drop it (git checkout HEAD -- {edited[0]}), then run again")


def edited_outputs(repo: git.Repo, root: Path) -> list[str]:
    """Tracked generated files that differ from HEAD (staged or not, deleted too) and not as a run wrote them: a
    note the user wrote, or a removal, that a run would undo. The user's own files there are never written."""
    head = _head_sha(repo)
    changed = not_as_written(repo, root, changed_paths(repo, list(GENERATED), untracked=False))
    committed, manifest = tree_entries(repo, head, changed), _committed_manifest(repo, head)
    return [p for p in changed if p in ("README.md", MANIFEST) or p in manifest
            or (p in committed and outputs.looks_generated(p, read_blob(repo, committed[p][1])[:1024]))]


def _top(path: str) -> str:
    """'templates/x.j2' -> 'templates'."""
    return path.split("/", 1)[0]


def uncommitted(repo: git.Repo, root: Path, paths: list[Path]) -> list[str]:
    """Which of these files (or files under these folders) differ from HEAD, staged, unstaged or new."""
    inside = []
    for path in paths:
        try:
            inside.append(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            continue  # outside the repository: not part of what is committed
    if not inside:
        return []
    return changed_paths(repo, inside, untracked=True)


def changed_paths(repo: git.Repo, pathspecs: list[str], untracked: bool) -> list[str]:
    """Files under these pathspecs that differ from HEAD, staged or not (and new ones, with untracked)."""
    out = _git(repo, "status", "--porcelain=v1", "-z", "--no-renames",
               f"--untracked-files={'all' if untracked else 'no'}", "--", *pathspecs, strip=False)
    return sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})


def _check_remote(repo: git.Repo, branch: str, head: str | None) -> None:
    """Fetch origin's branch and refuse when ours holds commits origin lacks (we never publish them)."""
    try:
        repo.remote("origin")
    except ValueError:
        raise PublishError("no remote named 'origin'; add one (git remote add origin URL) or drop --push") from None
    tip = fetch_tip(repo, branch)
    if head is None or tip is None:
        if head is not None:
            raise PublishError(f"origin has no branch {branch}: push it yourself first "
                               f"(git push -u origin {branch}), then run again")
        return
    ahead = _git(repo, "rev-list", "--count", f"{tip}..{head}")
    if int(ahead or 0):
        raise PublishError(f"{branch} has {ahead} commit(s) that origin/{branch} lacks; --push publishes only "
                           f"the bot's own commit: push yours first (git push), or use --commit to commit "
                           f"locally, then run again")


def fetch_tip(repo: git.Repo, branch: str) -> str | None:
    """Fetch origin's branch and return its commit; None when origin has no such branch."""
    if not _remote_has(repo, branch):
        return None
    _git(repo, "fetch", "--quiet", "--no-tags", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
    return _git(repo, "rev-parse", "--verify", f"refs/remotes/origin/{branch}^{{commit}}")


def _remote_has(repo: git.Repo, branch: str) -> bool:
    """Whether origin has the branch (asks origin)."""
    return bool(_git(repo, "ls-remote", "--heads", "origin", f"refs/heads/{branch}"))


# --- reading trees and files --------------------------------------------------------------------

def tree_entries(repo: git.Repo, commit: str | None, paths: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """path -> (mode, blob) in a commit, for everything or under these paths."""
    if commit is None:
        return {}
    out = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *(paths or []), strip=False)
    entries = {}
    for line in out.split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            mode, _, sha = meta.split(" ")
            entries[path] = (mode, sha)
    return entries


def worktree_blobs(repo: git.Repo, root: Path, paths: list[str]) -> dict[str, str]:
    """path -> the blob id git would store for the file on disk (missing files left out)."""
    present = [p for p in paths if (root / p).is_file() or (root / p).is_symlink()]
    if not present:
        return {}
    out = _git(repo, "hash-object", "--stdin-paths", stdin="\n".join(present) + "\n", cwd=root)
    return dict(zip(present, out.split(), strict=True))


def index_blobs(repo: git.Repo, paths: list[str]) -> dict[str, str]:
    """path -> the blob staged in the checkout's index."""
    if not paths:
        return {}
    out = _git(repo, "ls-files", "-s", "-z", "--", *paths, strip=False)
    staged = {}
    for line in out.split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            staged[path] = meta.split(" ")[1]
    return staged


def maybe_changed(repo: git.Repo, root: Path, parent: str | None, pathspecs: list[str]) -> set[str] | None:
    """Paths under pathspecs whose file may differ from parent, found from the index's stat data without
    reading unchanged files (a big store is not hashed every day); None when the index cannot tell."""
    try:
        same_checkout = Path(repo.working_tree_dir or "").resolve() == root.resolve()
        at_parent = parent is not None and repo.head.commit.hexsha == parent
    except ValueError:  # no commit yet
        return None
    if not (same_checkout and at_parent):
        return None
    found: set[str] = set()
    for args in (("diff-files", "-z", "--name-only"), ("diff-index", "--cached", "-z", "--name-only", parent),
                 ("ls-files", "--others", "-z")):
        found.update(p for p in _git(repo, *args, "--", *pathspecs, strip=False).split("\0") if p)
    return found


def read_blob(repo: git.Repo, sha: str) -> bytes:
    """A blob's bytes."""
    return repo.odb.stream(bytes.fromhex(sha)).read()


def baseline(checkout: Checkout) -> announce.Baseline:
    """The store of the commit the run builds on, and which shards on disk already differ from it."""
    repo, root, head = checkout.repo, checkout.root, checkout.head
    committed = {Path(p).name: sha for p, (_, sha) in tree_entries(repo, head, [STORE]).items()
                 if p.endswith(".json") and p.count("/") == 2}

    def changed() -> set[str]:
        on_disk = [f"{STORE}/{p.name}" for p in sorted((root / STORE).glob("*.json"))]
        maybe = maybe_changed(repo, root, head, [STORE])
        on_disk = on_disk if maybe is None else [p for p in on_disk if p in maybe]
        return {Path(p).name for p, sha in worktree_blobs(repo, root, on_disk).items()
                if committed.get(Path(p).name) != sha}

    def read(names: set[str]) -> announce.Records:
        records: announce.Records = {}
        for name in sorted(names & committed.keys()):
            try:
                records.update(json.loads(read_blob(repo, committed[name])))
            except ValueError:
                continue  # a broken committed shard: every record in it counts as changed
        return records

    return announce.Baseline(read=read, changed=changed)


# --- what the bot owns --------------------------------------------------------------------------

def owned_paths(repo: git.Repo, root: Path, parent: str | None) -> list[str]:
    """Everything the run may commit: the store, its state, README.md, the manifest, generated pages and feeds.

    A page or feed counts only when generated (listed in the manifest or carrying the generated mark),
    so a file of the user's under papers/ or feeds/ is never committed or deleted; a generated file the
    parent has but the disk lacks (removed as stale) is committed as deleted.
    """
    paths = {"README.md", MANIFEST, *STATE_FILES}
    paths.update(f"{STORE}/{p.name}" for p in (root / STORE).glob("*.json"))
    paths.update(f"{DIGESTS}/{p.name}" for p in (root / DIGESTS).glob("*.json"))  # the days' records (issue 23)
    previous = load_manifest(root) or {}
    known = set(previous.get("files", {}))
    for folder, pattern in outputs.GENERATED_GLOBS:
        for path in (root / folder).glob(pattern):
            rel = path.relative_to(root).as_posix()
            if not path.is_symlink() and (rel in known or outputs.is_generated(path)):
                paths.add(rel)
    committed_manifest = _committed_manifest(repo, parent)
    for rel, (mode, sha) in tree_entries(repo, parent, [folder for folder, _ in outputs.GENERATED_GLOBS]).items():
        if (root / rel).exists() or not outputs.in_generated_folder(rel):
            continue
        if rel in committed_manifest or outputs.looks_generated(rel, read_blob(repo, sha)[:1024]):
            paths.add(rel)
    return sorted(paths)


def _committed_manifest(repo: git.Repo, commit: str | None) -> set[str]:
    """The files a commit's manifest lists."""
    entry = tree_entries(repo, commit, [MANIFEST]).get(MANIFEST)
    if not entry:
        return set()
    try:
        manifest = json.loads(read_blob(repo, entry[1]))
        return set(manifest["files"]) if manifest_is_sound(manifest) else set()
    except ValueError:
        return set()


# --- commit -------------------------------------------------------------------------------------

def build_commit(repo: git.Repo, worktree: Path, parent: str | None, paths: list[str], message: str) -> str | None:
    """A commit of parent's tree with these paths as on disk under worktree (missing: deleted); None if no change.

    Built in a temporary index, so the checkout's index and every other file stay as they are.
    """
    maybe = maybe_changed(repo, worktree, parent, sorted({p.split("/", 1)[0] for p in paths}))
    if maybe is not None:
        paths = [p for p in paths if p in maybe]  # the others are as in parent
    with tempfile.TemporaryDirectory(prefix="daily-papers-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if parent:
            _git(repo, "read-tree", parent, env=env, cwd=worktree)
        blobs = worktree_blobs(repo, worktree, paths)
        if blobs:
            _git(repo, "update-index", "--add", "-z", "--stdin", env=env, cwd=worktree, stdin="\0".join(blobs) + "\0")
        gone = [p for p in paths if p not in blobs]
        if gone and parent:
            _git(repo, "update-index", "--force-remove", "-z", "--stdin", env=env, cwd=worktree,
                 stdin="\0".join(gone) + "\0")
        tree = _git(repo, "write-tree", env=env, cwd=worktree)
    if parent and tree == _git(repo, "rev-parse", f"{parent}^{{tree}}"):
        return None
    args = ["commit-tree", tree, *(["-p", parent] if parent else [])]
    return _git(repo, *args, env=_identity_env(repo), stdin=message if message.endswith("\n") else message + "\n")


# --- push ---------------------------------------------------------------------------------------

def push(repo: git.Repo, sha: str, branch: str) -> bool:
    """Push the commit to origin's branch: True done, False origin moved on (a race); any other refusal raises.

    The push is a compare-and-swap (--force-with-lease on the commit it was built on), so it lands only where
    origin's branch still is that commit: it can never recreate history the owner force-pushed away or a branch
    they deleted. git's "cannot lock ref" (two pushes at one moment) is a race too.
    """
    parents = repo.commit(sha).parents
    expected = parents[0].hexsha if parents else ""  # "": the branch must not exist yet
    try:
        status, out, err = repo.git.execute(["git", "push", "--porcelain", f"--force-with-lease=refs/heads/{branch}:"
                                             f"{expected}", "origin", f"{sha}:refs/heads/{branch}"],
                                            with_extended_output=True, with_exceptions=False)
    except git.GitCommandError as exc:  # git could not even start
        raise PublishError(f"git push failed: {one_line(str(exc))}") from None
    if status == 0:
        return True
    refs = [line for line in str(out).splitlines() if line.startswith("!\t")]
    if refs and all(_is_race(line, str(err)) for line in refs):
        return False
    raise PublishError(push_problem(repo, branch, refs, str(err), hook_output(str(out))))


def hook_output(stdout: str) -> str:
    """What a pre-push hook printed on its standard output (git passes it through), without push's own lines."""
    porcelain = ("To ", "Done", "!\t", "=\t", " \t", "+\t", "-\t", "*\t")
    return "\n".join(line for line in stdout.splitlines() if line.strip() and not line.startswith(porcelain))


def _is_race(ref_line: str, stderr: str) -> bool:
    """Whether a refused ref in `git push --porcelain` means origin moved meanwhile (so rebuild and retry).

    When another push lands between origin's lease check and its ref update, the ref line says only
    "failed to update ref" and origin's "cannot lock ref … is at X but expected Y" comes on stderr."""
    if "[rejected]" in ref_line:
        return any(w in ref_line for w in ("fetch first", "non-fast-forward", "stale info"))
    return "[remote rejected]" in ref_line and "cannot lock ref" in ref_line + stderr


def _hook_words(stderr: str) -> str:
    """What a hook printed, without git's own generic lines around it."""
    generic = ("error: failed to push some refs", "To ", "hint:")
    return all_said([line for line in stderr.splitlines() if not line.startswith(generic)]) or one_line(stderr)


def all_said(lines: list[str]) -> str:
    """Every line a hook printed, as one, so a reason on its second line is not lost."""
    said = [" ".join(line.split()) for line in lines]
    return " / ".join(line for line in said if line)[:300]


def push_problem(repo: git.Repo, branch: str, refs: list[str], stderr: str, hook_said: str = "") -> str:
    """One line naming why origin refused a push that was not a race; nothing is retried."""
    said = all_said([line for line in stderr.splitlines() if line.startswith("remote:")]) or one_line(stderr)
    if refs and "[remote rejected]" in refs[0]:
        reason = refs[0].split("[remote rejected]", 1)[1].strip(" ()")
        return (f"origin refused the push to {branch}: {reason} ({said}): a protected branch or a server-side "
                f"hook, not a race, so it was not retried; allow the workflow to push to {branch} "
                f"(branch protection rules) or run with --commit only")
    hook = Path(_git(repo, "rev-parse", "--git-path", "hooks/pre-push"))
    hook = hook if hook.is_absolute() else Path(repo.working_tree_dir or ".") / hook
    if not refs and hook.is_file() and os.access(hook, os.X_OK):
        return (f"the pre-push hook {hook} refused the push: {_hook_words(hook_said + chr(10) + stderr)}; "
                f"fix what it reports or ask its owner, then run again")
    lowered = stderr.lower()
    if any(word in lowered for word in ("permission", "403", "denied", "authentication", "could not read")):
        return (f"origin refused access ({one_line(stderr)}): a permissions problem, not a race; give the token "
                f"'contents: write' (the workflow does) or check your credentials")
    return f"git push failed: {one_line(stderr)}"


# --- move the checkout --------------------------------------------------------------------------

def follow(checkout: Checkout, new: str, ours: str | None) -> list[str]:
    """Move the branch to `new` and update the index and files it changed, where the user has no edit there.

    `ours` is the commit the run first built (its files are what the run wrote to disk). Returns the
    paths that block the move (then nothing moved); [] when the checkout now is `new`.
    """
    repo, root, old = checkout.repo, checkout.root, checkout.head
    changed = (_git(repo, "diff-tree", "-r", "-z", "--name-only", "--no-renames", old, new, strip=False)
               .split("\0") if old else list(tree_entries(repo, new)))
    changed = [p for p in changed if p]
    if not changed:
        return _move_ref(checkout, new)
    before, after = tree_entries(repo, old, changed), tree_entries(repo, new, changed)
    written = tree_entries(repo, ours, changed) if ours else {}
    staged, on_disk = index_blobs(repo, changed), worktree_blobs(repo, root, changed)
    blocked = [p for p in changed
               if staged.get(p) != _sha(before.get(p))
               or on_disk.get(p) not in {_sha(before.get(p)), _sha(written.get(p)), _sha(after.get(p))}]
    if blocked:
        return blocked
    moved = _move_ref(checkout, new)
    if moved:
        return moved
    info = "".join(f"{after[p][0]} {after[p][1]}\t{p}\0" if p in after else f"0 {ZERO}\t{p}\0" for p in changed)
    _git(repo, "update-index", "-z", "--index-info", stdin=info)
    stale = [p for p in changed if p in after and on_disk.get(p) != after[p][1]]
    if stale:
        _git(repo, "checkout-index", "-f", "-z", "--stdin", stdin="\0".join(stale) + "\0", cwd=root)
    for p in changed:
        if p not in after and (root / p).is_file():
            (root / p).unlink()
    try:
        _git(repo, "update-index", "-q", "--refresh", cwd=root)  # stat data only, so status is quick
    except PublishError:
        pass  # an unmerged entry of the user's: git status refreshes later
    checkout.head = new
    return []


def put_back(checkout: Checkout, ours: str) -> list[str]:
    """Return the files the run wrote to the branch's version (they are on origin now), so a later pull is clean.

    For when the checkout cannot follow a pushed commit; a file changed since the run wrote it stays.
    """
    repo, root, old = checkout.repo, checkout.root, checkout.head
    changed = [p for p in (_git(repo, "diff-tree", "-r", "-z", "--name-only", "--no-renames", old, ours, strip=False)
                           .split("\0") if old else list(tree_entries(repo, ours))) if p]
    before, written = tree_entries(repo, old, changed), tree_entries(repo, ours, changed)
    staged, on_disk = index_blobs(repo, changed), worktree_blobs(repo, root, changed)
    back = [p for p in changed if on_disk.get(p) == _sha(written.get(p)) and staged.get(p) == _sha(before.get(p))]
    for p in back:
        if p not in before:
            (root / p).unlink(missing_ok=True)
    restore = [p for p in back if p in before]
    if restore:
        _git(repo, "checkout-index", "-f", "-z", "--stdin", stdin="\0".join(restore) + "\0", cwd=root)
    return back


def _sha(entry: tuple[str, str] | None) -> str | None:
    return entry[1] if entry else None


def _move_ref(checkout: Checkout, new: str) -> list[str]:
    """Compare-and-swap the branch from the run's start commit to `new`; ['refs/heads/B'] if it moved meanwhile."""
    try:
        checkout.repo.git.update_ref("-m", "daily papers: update", f"refs/heads/{checkout.branch}", new,
                                     checkout.head or ZERO)
    except git.GitCommandError as exc:
        if "index.lock" in str(exc) or ".lock" in str(exc):
            raise PublishError(_failure(checkout.repo, "update-ref", str(exc.stderr))) from None
        return [f"refs/heads/{checkout.branch}"]
    checkout.head = new
    return []


def commit_files(repo: git.Repo, sha: str) -> list[str]:
    """The paths a commit changed over its parent (all of them for a first commit)."""
    out = _git(repo, "diff-tree", "-r", "-z", "--root", "--no-commit-id", "--name-only", "--no-renames", sha,
               strip=False)
    return sorted(p for p in out.split("\0") if p)


def export(repo: git.Repo, commit: str, dest: Path) -> None:
    """Write a commit's files into dest (a scratch folder), through a temporary index."""
    with tempfile.TemporaryDirectory(prefix="daily-papers-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "read-tree", commit, env=env, cwd=dest)
        _git(repo, "checkout-index", "-a", "-f", env=env, cwd=dest)


def merge_state(repo: git.Repo, root: Path, parent: str | None, dest: Path) -> None:
    """Carry the backfilled months and arXiv's id answers to a rebuild in dest, as unions (data/state.json is
    advanced by the rebuild)."""
    unions = {BACKFILL_STATE: _union_months, LOOKUPS: lookup.merge_files}
    committed = tree_entries(repo, parent, list(unions))
    mine = worktree_blobs(repo, root, list(unions))
    for rel, sha in mine.items():
        if _sha(committed.get(rel)) == sha:
            continue  # unchanged by this run: the tip's version stands
        data = (root / rel).read_bytes()
        if (dest / rel).is_file():
            data = unions[rel](data, (dest / rel).read_bytes())
        st.atomic_write(dest / rel, data)


def _union_months(ours: bytes, theirs: bytes) -> bytes:
    """Two data/backfill.json files merged: each topic's months from both."""
    try:
        first, second = json.loads(ours), json.loads(theirs)
        merged: dict[str, Any] = {k: sorted(set(first.get(k, [])) | set(second.get(k, [])))
                                  for k in sorted(set(first) | set(second))}
    except (ValueError, TypeError, AttributeError):
        return ours
    return (json.dumps(merged, indent=2, sort_keys=True) + "\n").encode()
