"""After the sends: what each channel delivered (data/delivered.json) in a small commit of its own, pushed.

The sends come after the day's push (a paper is announced only once it is on GitHub), so their record cannot ride
in the day's commit; it follows it, under the same push-race rules: a compare-and-swap push, and on a race the
commit made again on origin's new tip with both versions of the record merged (their union), four tries. A run
that tried no send makes no commit; one whose sends all failed commits the channels it recorded at their first try
(so their papers are due next run). Without --commit the file is only written (the next commit takes it).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from core import jsonfile, layout, sent
from core.mdtext import inert
from daily import gitio, ledger, publish

PATH = layout.DELIVERED
TRIES = 4


def record(checkout: publish.Checkout | None, root: Path, delivered: sent.Ledger, told: list[str],
           push: bool) -> str | None:
    """Write the record; commit (and push) it when the run commits; one warning line when it could not be pushed
    (then the next run may send those papers again: never lost, at worst twice)."""
    sent.save(root, delivered)
    ledger.note_written(root, [PATH])
    if checkout is None:
        return None
    message = inert("Delivered: " + ("; ".join(told) or "nothing yet (each send failed; due next run)")) + "\n"
    try:
        return _commit(checkout, root, message, push)
    except gitio.PublishError as exc:
        return (f"the record of what was sent ({PATH}) was not pushed: {exc}; the next run may send these papers "
                f"again")


def _commit(checkout: publish.Checkout, root: Path, message: str, push: bool) -> str | None:
    """Commit the record on the checkout's branch and push it, remaking it on origin's tip after a race."""
    repo = checkout.repo
    ours = gitio.build_commit(repo, root, checkout.head, [PATH], message)
    if ours is None:
        return None
    if not push:
        publish.follow_or_refuse(checkout, ours, ours, pushed=False)
        return None
    sha: str | None = ours
    for _ in range(TRIES):
        if sha is not None and gitio.push(repo, sha, checkout.branch):
            publish.follow_or_refuse(checkout, sha, ours, pushed=True)
            return None
        tip = gitio.fetch_tip(repo, checkout.branch)
        if tip is None:
            raise gitio.PublishError(f"origin/{checkout.branch} was deleted during the run")
        sha = on_tip(repo, root, tip, message)
        if sha is None:  # origin already holds this record
            publish.follow_or_refuse(checkout, tip, ours, pushed=True)
            return None
    raise gitio.PublishError(f"origin/{checkout.branch} moved on before each of {TRIES} pushes")


def on_tip(repo: object, root: Path, tip: str, message: str) -> str | None:
    """The record's commit made again on origin's tip: this run's record merged with the tip's."""
    import git

    assert isinstance(repo, git.Repo)
    data = (root / PATH).read_bytes()
    entry = gitio.tree_entries(repo, tip, [PATH]).get(PATH)
    if entry is not None:
        data = sent.merge_files(data, gitio.read_blob(repo, entry[1]))
    with tempfile.TemporaryDirectory(prefix="daily-papers-delivered-") as scratch:
        folder = Path(scratch)
        jsonfile.atomic_write(folder / PATH, data)
        return gitio.build_commit(repo, folder, tip, [PATH], message)
