"""Git plumbing with real git (GitPython), every failure one line; it knows nothing of this project's data."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

import git

from core.errors import UserError

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
ZERO = "0" * 40


class PublishError(UserError):
    """Git could not commit or push; str() is one line saying what and how to fix it."""


# --- git plumbing, every failure one line -------------------------------------------------------

def one_line(text: str) -> str:
    """The most telling line of git's output (its error, else the last), whitespace collapsed."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (errors or lines or ["(no output)"])[0][:300]


def run_git(repo: git.Repo, *args: str, env: dict[str, str] | None = None, stdin: str | None = None,
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
        raise PublishError(failure_line(repo, args[0], str(exc.stderr or exc))) from None


def _stdin(text: str) -> BinaryIO:
    """Text as a file object for a git command's standard input."""
    handle = tempfile.TemporaryFile()
    handle.write(text.encode("utf-8"))
    handle.seek(0)
    return handle


def failure_line(repo: git.Repo, command: str, stderr: str) -> str:
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


def identity_env(repo: git.Repo) -> dict[str, str]:
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


def head_sha(repo: git.Repo) -> str | None:
    """HEAD's commit, or None on a branch with no commit yet."""
    return repo.head.commit.hexsha if repo.head.is_valid() else None


def changed_paths(repo: git.Repo, pathspecs: list[str], untracked: bool) -> list[str]:
    """Files under these pathspecs that differ from HEAD, staged or not (and new ones, with untracked)."""
    out = run_git(repo, "status", "--porcelain=v1", "-z", "--no-renames",
               f"--untracked-files={'all' if untracked else 'no'}", "--", *pathspecs, strip=False)
    return sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})


def fetch_tip(repo: git.Repo, branch: str) -> str | None:
    """Fetch origin's branch and return its commit; None when origin has no such branch."""
    if not _remote_has(repo, branch):
        return None
    run_git(repo, "fetch", "--quiet", "--no-tags", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
    return run_git(repo, "rev-parse", "--verify", f"refs/remotes/origin/{branch}^{{commit}}")


def _remote_has(repo: git.Repo, branch: str) -> bool:
    """Whether origin has the branch (asks origin)."""
    return bool(run_git(repo, "ls-remote", "--heads", "origin", f"refs/heads/{branch}"))


# --- reading trees and files --------------------------------------------------------------------

def tree_entries(repo: git.Repo, commit: str | None, paths: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """path -> (mode, blob) in a commit, for everything or under these paths."""
    if commit is None:
        return {}
    out = run_git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *(paths or []), strip=False)
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
    out = run_git(repo, "hash-object", "--stdin-paths", stdin="\n".join(present) + "\n", cwd=root)
    return dict(zip(present, out.split(), strict=True))


def index_blobs(repo: git.Repo, paths: list[str]) -> dict[str, str]:
    """path -> the blob staged in the checkout's index."""
    if not paths:
        return {}
    out = run_git(repo, "ls-files", "-s", "-z", "--", *paths, strip=False)
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
        found.update(p for p in run_git(repo, *args, "--", *pathspecs, strip=False).split("\0") if p)
    return found


def read_blob(repo: git.Repo, sha: str) -> bytes:
    """A blob's bytes."""
    return repo.odb.stream(bytes.fromhex(sha)).read()


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
            run_git(repo, "read-tree", parent, env=env, cwd=worktree)
        blobs = worktree_blobs(repo, worktree, paths)
        if blobs:
            run_git(repo, "update-index", "--add", "-z", "--stdin", env=env, cwd=worktree, stdin="\0".join(blobs) + "\0")
        gone = [p for p in paths if p not in blobs]
        if gone and parent:
            run_git(repo, "update-index", "--force-remove", "-z", "--stdin", env=env, cwd=worktree,
                 stdin="\0".join(gone) + "\0")
        tree = run_git(repo, "write-tree", env=env, cwd=worktree)
    if parent and tree == run_git(repo, "rev-parse", f"{parent}^{{tree}}"):
        return None
    args = ["commit-tree", tree, *(["-p", parent] if parent else [])]
    return run_git(repo, *args, env=identity_env(repo), stdin=message if message.endswith("\n") else message + "\n")


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
    hook = Path(run_git(repo, "rev-parse", "--git-path", "hooks/pre-push"))
    hook = hook if hook.is_absolute() else Path(repo.working_tree_dir or ".") / hook
    if not refs and hook.is_file() and os.access(hook, os.X_OK):
        return (f"the pre-push hook {hook} refused the push: {_hook_words(hook_said + chr(10) + stderr)}; "
                f"fix what it reports or ask its owner, then run again")
    lowered = stderr.lower()
    if any(word in lowered for word in ("permission", "403", "denied", "authentication", "could not read")):
        return (f"origin refused access ({one_line(stderr)}): a permissions problem, not a race; give the token "
                f"'contents: write' (the workflow does) or check your credentials")
    return f"git push failed: {one_line(stderr)}"


def blob_of(entry: tuple[str, str] | None) -> str | None:
    return entry[1] if entry else None


def commit_files(repo: git.Repo, sha: str) -> list[str]:
    """The paths a commit changed over its parent (all of them for a first commit)."""
    out = run_git(repo, "diff-tree", "-r", "-z", "--root", "--no-commit-id", "--name-only", "--no-renames", sha,
               strip=False)
    return sorted(p for p in out.split("\0") if p)


def export(repo: git.Repo, commit: str, dest: Path) -> None:
    """Write a commit's files into dest (a scratch folder), through a temporary index."""
    with tempfile.TemporaryDirectory(prefix="daily-papers-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        run_git(repo, "read-tree", commit, env=env, cwd=dest)
        run_git(repo, "checkout-index", "-a", "-f", env=env, cwd=dest)
