"""Commit and push what the run generated, and nothing else, with real git (GitPython).

The bot's commit is built in a temporary index from the commit the run started on plus the files the
run owns (the store, its state, README.md, the generated pages and feeds, the manifest), so the
user's index, staged files and uncommitted edits are never read into it or changed. The branch moves
by compare-and-swap, and only after origin took the commit when pushing; the user's index and files
are then updated for the paths that commit changed, and only where they hold no edit of the user's.
After a push race the commit is rebuilt on origin's new tip (update.rebuild_on); nothing is reset.
The lock, the git plumbing and the ledger of what runs wrote are lock.py, gitio.py and ledger.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git

from core import jsonfile, layout, sent, text
from core.models import Outcome
from daily import announce, gitio, ledger, lookup, outputs, report
from daily.manifest import MANIFEST, load_manifest, manifest_is_sound

STORE = layout.STORE
DIGESTS = layout.DIGESTS
STATE_FILES = layout.state_paths()  # the run's own state beside the store (core/layout.py registers each)
log = logging.getLogger("daily_papers.publish")


@dataclass
class Checkout:
    """The repository a run commits to: its branch and the commit the run builds on (None: unborn)."""

    repo: git.Repo
    root: Path
    branch: str
    head: str | None
    hand_edited: tuple[str, ...] = ()  # store shards the user changed by hand before the run: never the bot's to commit


# --- before anything is fetched or written ------------------------------------------------------

def preflight(root: Path, reads: list[Path], push: bool) -> Checkout:
    """Refuse what would make the commit wrong before fetching: detached HEAD, lock, uncommitted inputs."""
    repo = gitio.open_repo(root)
    branch = gitio.branch_name(repo)
    lock = gitio.index_lock(repo)
    if lock.exists():
        raise gitio.PublishError(gitio.failure_line(repo, "status", f"Unable to create '{lock}': File exists."))
    busy = [name for name in ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply")
            if (Path(repo.git_dir) / name).exists()]
    if busy:
        raise gitio.PublishError(f"{Path(repo.git_dir) / busy[0]}: a merge, cherry-pick, revert or rebase is in progress; "
                           f"finish or abort it (git status says how), then run again")
    head = gitio.head_commit(repo, branch)
    ledger.forget_committed(repo, head)
    dirty = uncommitted(repo, root, reads)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise gitio.PublishError(f"{shown}: uncommitted changes; the commit would show pages rendered from files it "
                           f"does not contain: commit them (git commit {' '.join(sorted(set(_top(d) for d in dirty)))})"
                           f" or stash them (git stash), then run again")
    refuse_edited_outputs(repo, root)
    if push:
        _check_remote(repo, branch, head)
    return Checkout(repo, root, branch, head, tuple(edited_shards(repo, root)))


def edited_shards(repo: git.Repo, root: Path) -> list[str]:
    """Tracked store shards that differ from HEAD (staged or not) before the run, and not as a run wrote them:
    the user's hand edits."""
    return ledger.not_as_written(repo, root, gitio.changed_paths(repo, [STORE], untracked=False))


def without_hand_edits(checkout: Checkout, paths: list[str], written: list[str]) -> list[str]:
    """The owned paths less the shards the user edited by hand; refuses when this run changed one of them too."""
    both = [p for p in checkout.hand_edited if p in written]
    if both:
        raise gitio.PublishError(f"{both[0]}: you edited this store file by hand and this run changed it too; nothing was "
                           f"committed (both changes are in the file); commit your edit yourself (git commit "
                           f"{both[0]}) or drop it (git checkout -- {both[0]}), then run again")
    return [p for p in paths if p not in checkout.hand_edited]


GENERATED = (layout.README, layout.PAGES, layout.FEEDS)  # what every run rewrites; files of the user's own there are kept


def check_local_run(root: Path) -> None:
    """For a run without --commit in a clone: end what commits since hold, then refuse the user's changed outputs."""
    repo = ledger.repo_at(root)
    if repo is not None:
        ledger.forget_committed(repo, gitio.head_sha(repo))
        refuse_edited_outputs(repo, root)


def refuse_edited_outputs(repo: git.Repo | None, root: Path) -> None:
    """Stop before anything is written when the user changed or deleted a generated file the run would rewrite
    (with or without --commit; outside a git repository there is no telling, so nothing is checked)."""
    edited = edited_outputs(repo, root) if repo is not None else []
    if edited:
        raise gitio.PublishError(f"{edited[0]}: you changed or deleted this generated file (staged or not), and the run "
                           f"would overwrite it; nothing was written; to keep the edit, make it in templates/ (README.md "
                           f"and the pages are rendered from there) and commit that, or commit the file elsewhere; "
                           f"or drop it (git checkout HEAD -- {edited[0]}), then run again")


def edited_outputs(repo: git.Repo, root: Path) -> list[str]:
    """Tracked generated files that differ from HEAD (staged or not, deleted too) and not as a run wrote them: a
    note the user wrote, or a removal, that a run would undo. The user's own files there are never written."""
    head = gitio.head_sha(repo)
    changed = ledger.not_as_written(repo, root, gitio.changed_paths(repo, list(GENERATED), untracked=False))
    committed, manifest = gitio.tree_entries(repo, head, changed), _committed_manifest(repo, head)
    return [p for p in changed if p in (layout.README, MANIFEST) or p in manifest
            or (p in committed and outputs.looks_generated(p, gitio.read_blob(repo, committed[p][1])[:1024]))]


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
    return gitio.changed_paths(repo, inside, untracked=True)


def _check_remote(repo: git.Repo, branch: str, head: str | None) -> None:
    """Fetch origin's branch and refuse when ours holds commits origin lacks (we never publish them)."""
    try:
        repo.remote("origin")
    except ValueError:
        raise gitio.PublishError("no remote named 'origin'; add one (git remote add origin URL) or drop --push") from None
    tip = gitio.fetch_tip(repo, branch)
    if head is None or tip is None:
        if head is not None:
            raise gitio.PublishError(f"origin has no branch {branch}: push it yourself first "
                               f"(git push -u origin {branch}), then run again")
        return
    ahead = gitio.run_git(repo, "rev-list", "--count", f"{tip}..{head}")
    if int(ahead or 0):
        raise gitio.PublishError(f"{branch} has {ahead} commit(s) that origin/{branch} lacks; --push publishes only "
                           f"the bot's own commit: push yours first (git push), or use --commit to commit "
                           f"locally, then run again")


def baseline(checkout: Checkout) -> announce.Baseline:
    """The store of the commit the run builds on, and which shards on disk already differ from it."""
    repo, root, head = checkout.repo, checkout.root, checkout.head
    committed = {Path(p).name: sha for p, (_, sha) in gitio.tree_entries(repo, head, [STORE]).items()
                 if p.endswith(".json") and p.count("/") == 2}

    def changed() -> set[str]:
        on_disk = [f"{STORE}/{p.name}" for p in sorted((root / STORE).glob("*.json"))]
        maybe = gitio.maybe_changed(repo, root, head, [STORE])
        on_disk = on_disk if maybe is None else [p for p in on_disk if p in maybe]
        return {Path(p).name for p, sha in gitio.worktree_blobs(repo, root, on_disk).items()
                if committed.get(Path(p).name) != sha}

    def read(names: set[str]) -> announce.Records:
        records: announce.Records = {}
        for name in sorted(names & committed.keys()):
            try:
                records.update(json.loads(gitio.read_blob(repo, committed[name])))
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
    paths = {layout.README, MANIFEST, *STATE_FILES}
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
    for rel, (_mode, sha) in gitio.tree_entries(repo, parent, [folder for folder, _ in outputs.GENERATED_GLOBS]).items():
        if (root / rel).exists() or not outputs.in_generated_folder(rel):
            continue
        if rel in committed_manifest or outputs.looks_generated(rel, gitio.read_blob(repo, sha)[:1024]):
            paths.add(rel)
    return sorted(paths)


def _committed_manifest(repo: git.Repo, commit: str | None) -> set[str]:
    """The files a commit's manifest lists."""
    entry = gitio.tree_entries(repo, commit, [MANIFEST]).get(MANIFEST)
    if not entry:
        return set()
    try:
        manifest = json.loads(gitio.read_blob(repo, entry[1]))
        return set(manifest["files"]) if manifest_is_sound(manifest) else set()
    except ValueError:
        return set()


# --- move the checkout --------------------------------------------------------------------------

def follow(checkout: Checkout, new: str, ours: str | None) -> list[str]:
    """Move the branch to `new` and update the index and files it changed, where the user has no edit there.

    `ours` is the commit the run first built (its files are what the run wrote to disk). Returns the
    paths that block the move (then nothing moved); [] when the checkout now is `new`.
    """
    repo, root, old = checkout.repo, checkout.root, checkout.head
    changed = (gitio.run_git(repo, "diff-tree", "-r", "-z", "--name-only", "--no-renames", old, new, strip=False)
               .split("\0") if old else list(gitio.tree_entries(repo, new)))
    changed = [p for p in changed if p]
    if not changed:
        return _move_ref(checkout, new)
    before, after = gitio.tree_entries(repo, old, changed), gitio.tree_entries(repo, new, changed)
    written = gitio.tree_entries(repo, ours, changed) if ours else {}
    staged, on_disk = gitio.index_blobs(repo, changed), gitio.worktree_blobs(repo, root, changed)
    blocked = [p for p in changed
               if staged.get(p) != gitio.blob_of(before.get(p))
               or on_disk.get(p) not in {gitio.blob_of(before.get(p)), gitio.blob_of(written.get(p)), gitio.blob_of(after.get(p))}]
    if blocked:
        return blocked
    moved = _move_ref(checkout, new)
    if moved:
        return moved
    info = "".join(f"{after[p][0]} {after[p][1]}\t{p}\0" if p in after else f"0 {gitio.ZERO}\t{p}\0" for p in changed)
    gitio.run_git(repo, "update-index", "-z", "--index-info", stdin=info)
    stale = [p for p in changed if p in after and on_disk.get(p) != after[p][1]]
    if stale:
        gitio.run_git(repo, "checkout-index", "-f", "-z", "--stdin", stdin="\0".join(stale) + "\0", cwd=root)
    for p in changed:
        if p not in after and (root / p).is_file():
            (root / p).unlink()
    try:
        gitio.run_git(repo, "update-index", "-q", "--refresh", cwd=root)  # stat data only, so status is quick
    except gitio.PublishError:
        pass  # an unmerged entry of the user's: git status refreshes later
    checkout.head = new
    return []


def put_back(checkout: Checkout, ours: str) -> list[str]:
    """Return the files the run wrote to the branch's version (they are on origin now), so a later pull is clean.

    For when the checkout cannot follow a pushed commit; a file changed since the run wrote it stays.
    """
    repo, root, old = checkout.repo, checkout.root, checkout.head
    changed = [p for p in (gitio.run_git(repo, "diff-tree", "-r", "-z", "--name-only", "--no-renames", old, ours, strip=False)
                           .split("\0") if old else list(gitio.tree_entries(repo, ours))) if p]
    before, written = gitio.tree_entries(repo, old, changed), gitio.tree_entries(repo, ours, changed)
    staged, on_disk = gitio.index_blobs(repo, changed), gitio.worktree_blobs(repo, root, changed)
    back = [p for p in changed if on_disk.get(p) == gitio.blob_of(written.get(p)) and staged.get(p) == gitio.blob_of(before.get(p))]
    for p in back:
        if p not in before:
            (root / p).unlink(missing_ok=True)
    restore = [p for p in back if p in before]
    if restore:
        gitio.run_git(repo, "checkout-index", "-f", "-z", "--stdin", stdin="\0".join(restore) + "\0", cwd=root)
    return back


def _move_ref(checkout: Checkout, new: str) -> list[str]:
    """Compare-and-swap the branch from the run's start commit to `new`; ['refs/heads/B'] if it moved meanwhile."""
    try:
        checkout.repo.git.update_ref("-m", "daily papers: update", f"refs/heads/{checkout.branch}", new,
                                     checkout.head or gitio.ZERO)
    except git.GitCommandError as exc:
        if "index.lock" in str(exc) or ".lock" in str(exc):
            raise gitio.PublishError(gitio.failure_line(checkout.repo, "update-ref", str(exc.stderr))) from None
        return [f"refs/heads/{checkout.branch}"]
    checkout.head = new
    return []


def merge_state(repo: git.Repo, root: Path, parent: str | None, dest: Path) -> None:
    """Carry the backfilled months and arXiv's id answers to a rebuild in dest, as unions (data/state.json is
    advanced by the rebuild): each registered state file merged by its rule."""
    unions = {f.path: merge for f in layout.STATE_FILES if (merge := MERGES[f.merge]) is not None}
    committed = gitio.tree_entries(repo, parent, list(unions))
    mine = gitio.worktree_blobs(repo, root, list(unions))
    for rel, sha in mine.items():
        if gitio.blob_of(committed.get(rel)) == sha:
            continue  # unchanged by this run: the tip's version stands
        data = (root / rel).read_bytes()
        if (dest / rel).is_file():
            data = unions[rel](data, (dest / rel).read_bytes())
        jsonfile.atomic_write(dest / rel, data)


def _union_months(ours: bytes, theirs: bytes) -> bytes:
    """Two data/backfill.json files merged: each topic's months from both."""
    try:
        first, second = json.loads(ours), json.loads(theirs)
        merged: dict[str, Any] = {k: sorted(set(first.get(k, [])) | set(second.get(k, [])))
                                  for k in sorted(set(first) | set(second))}
    except (ValueError, TypeError, AttributeError):
        return ours
    return jsonfile.dumps(merged, ensure_ascii=True)


Merge = Callable[[bytes, bytes], bytes]  # this run's version, the tip's -> the version the rebuild commits
MERGES: dict[str, Merge | None] = {  # each merge rule of core/layout.py's state files; None: the rebuild writes it
    layout.UNION_MONTHS: _union_months, layout.UNION_LOOKUPS: lookup.merge_files, layout.REBUILT: None,
    layout.UNION_DELIVERED: sent.merge_files}


# --- commit, push, and a push race ---------------------------------------------------------------

Rebuild = Callable[[str | None], tuple[Outcome, str | None]]  # origin's new tip -> the outcome and commit made on it


def commit_and_push(checkout: Checkout, outcome: Outcome, do_push: bool, rebuild: Rebuild) -> tuple[Outcome, str | None]:
    """Commit the files the run owns; on a push race, make the commit again on origin's new tip (3 times).

    rebuild is the run's own (it renders the tip's store with this run's records); returns the outcome that was
    committed (after a race: what the rebuilt commit adds) and its commit.
    """
    repo, root, start = checkout.repo, checkout.root, checkout.head
    owned = without_hand_edits(checkout, owned_paths(repo, root, start), outcome.changed_files)
    for path in checkout.hand_edited:
        print(f"warning: {text.log_line(path)}: your hand edit is left uncommitted (the bot commits only what it wrote); "
              f"commit it yourself if you mean to keep it")
    ours = gitio.build_commit(repo, root, start, owned, report.commit_message(outcome))
    if ours is None:
        return outcome, None
    if not do_push:
        follow_or_refuse(checkout, ours, ours, pushed=False)
        return outcome, ours
    sha = ours
    for attempt in range(1, 5):
        if gitio.push(repo, sha, checkout.branch):
            follow_or_refuse(checkout, sha, ours, pushed=True)
            return outcome, sha
        if attempt == 4:
            break
        log.warning("push rejected: origin/%s moved on; making the commit again on its tip (attempt %d of 3)",
                    checkout.branch, attempt)
        tip = gitio.fetch_tip(repo, checkout.branch)
        outcome, rebuilt = rebuild(tip)
        if rebuilt is None:  # origin already holds everything this run had (a deleted tip was refused by rebuild)
            follow_or_refuse(checkout, tip or ours, ours, pushed=True)
            return outcome, None
        sha = rebuilt
    raise gitio.PublishError(f"origin/{checkout.branch} moved on before each of 4 pushes; nothing was pushed; "
                             f"the papers stay stored here and the next run commits and announces them")


def follow_or_refuse(checkout: Checkout, new: str, ours: str, pushed: bool) -> None:
    """Bring the checkout to the commit made (or pushed); when the user changed a file it touches, say so."""
    blocked = follow(checkout, new, ours)
    if not blocked:
        return
    shown = ", ".join(blocked[:3]) + (" …" if len(blocked) > 3 else "")
    if not pushed:
        raise gitio.PublishError(f"{shown}: you have changes there (staged, or made during the run) that the "
                                 f"commit would overwrite; nothing was committed; commit, stash or drop them, "
                                 f"then run again")
    put_back(checkout, ours)
    log.warning("warning: pushed %s, but your checkout stays at %s because you changed %s meanwhile; "
                "commit or stash that, then 'git pull'", new[:12], (checkout.head or "")[:12], shown)
