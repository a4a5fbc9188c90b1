"""core.layout: every data path named once, and the registry of state files a run commits and merges.

A state file left out of the registry would never be committed (publish.STATE_FILES reads it) nor merged in a push
race's rebuild (publish.merge_state reads it); these checks hold the registry, publish and the modules together."""

from __future__ import annotations

import json
from pathlib import Path

import git

from core import layout
from core import store as st
from daily import backfill, lookup, manifest, publish, state
from digest import picks
from website import days


def test_every_state_file_has_a_merge_rule_that_publish_knows() -> None:
    paths = [f.path for f in layout.STATE_FILES]
    assert len(paths) == len(set(paths)), "a state file is registered twice"
    for entry in layout.STATE_FILES:
        assert entry.merge in layout.MERGES, f"{entry.path}: unknown merge rule {entry.merge!r}"
        assert entry.merge in publish.MERGES, f"{entry.path}: publish has no function for {entry.merge!r}"
    assert set(publish.MERGES) == set(layout.MERGES)
    assert [r for r, f in publish.MERGES.items() if f is None] == [layout.REBUILT]


def test_state_files_are_the_registry_and_all_under_data() -> None:
    assert publish.STATE_FILES == layout.state_paths() == tuple(sorted(publish.STATE_FILES))
    assert {layout.STATE, layout.BACKFILL, layout.LOOKUPS, layout.DELIVERED} == set(publish.STATE_FILES)
    for path in publish.STATE_FILES:
        assert path.startswith(f"{layout.DATA}/") and path.endswith(".json") and ".." not in path.split("/")


def test_the_modules_take_their_paths_from_the_layout(tmp_path: Path) -> None:
    assert state.PATH.as_posix() == layout.STATE
    assert lookup.PATH.as_posix() == layout.LOOKUPS
    assert backfill.STATE.as_posix() == layout.BACKFILL
    assert picks.DIGESTS.as_posix() == days.DIGESTS.as_posix() == publish.DIGESTS == layout.DIGESTS
    assert st.Store(tmp_path).directory == tmp_path / "data" / "papers" and publish.STORE == layout.STORE
    assert manifest.MANIFEST == layout.MANIFEST and manifest.MANIFEST.startswith(f"{layout.PAGES}/")


def test_owned_paths_of_a_repository_include_every_registered_state_file(tmp_path: Path) -> None:
    repo = git.Repo.init(tmp_path)
    (tmp_path / layout.STORE).mkdir(parents=True)
    (tmp_path / layout.STORE / "2601.json").write_text("{}\n")
    owned = publish.owned_paths(repo, tmp_path, None)
    assert {f.path for f in layout.STATE_FILES} <= set(owned)
    assert {layout.README, layout.MANIFEST, f"{layout.STORE}/2601.json"} <= set(owned)


def merge_of(rule: str) -> publish.Merge:
    """publish's function for a merge rule (REBUILT has none)."""
    merge = publish.MERGES[rule]
    assert merge is not None
    return merge


def test_two_backfill_files_merge_as_a_union_of_months() -> None:
    ours = json.dumps({"Codec": ["2026-01"], "Vision": ["2025-12"]}).encode()
    theirs = json.dumps({"Codec": ["2025-12", "2026-01"], "Speech": ["2026-02"]}).encode()
    merged = merge_of(layout.UNION_MONTHS)(ours, theirs)
    assert json.loads(merged) == {"Codec": ["2025-12", "2026-01"], "Speech": ["2026-02"], "Vision": ["2025-12"]}
    assert merge_of(layout.UNION_MONTHS)(b"not json", theirs) == b"not json"


def test_two_lookups_files_merge_as_a_union_of_answers() -> None:
    text = {"abstract": "A", "id": "2601.00001", "title": "T", "version": 1}
    ours = lookup.dumps({"fill_missing": ["2601.00009"], "papers": {"2601.00001": text}, "unknown": []})
    theirs = lookup.dumps({"fill_missing": ["2601.00008"], "papers": {}, "unknown": ["2601.99999"]})
    merged = json.loads(merge_of(layout.UNION_LOOKUPS)(ours, theirs))
    assert merged == {"fill_missing": ["2601.00008", "2601.00009"], "papers": {"2601.00001": text},
                      "unknown": ["2601.99999"]}


def test_merge_state_unions_each_registered_file_this_run_changed(tmp_path: Path) -> None:
    """The rebuild's folder holds the tip's versions; this run's changes are merged in, state.json is left to the
    rebuild, and a file this run did not change keeps the tip's version."""
    root, dest = tmp_path / "work", tmp_path / "rebuild"
    repo = git.Repo.init(root)
    for rel, data in ((layout.BACKFILL, {"Codec": ["2026-01"]}), (layout.STATE, {"topics": {}})):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(json.dumps(data))
    repo.index.add([layout.BACKFILL, layout.STATE])
    parent = repo.index.commit("start", author=git.Actor("t", "t@t"), committer=git.Actor("t", "t@t")).hexsha
    (root / layout.BACKFILL).write_text(json.dumps({"Codec": ["2025-12", "2026-01"]}))
    (root / layout.STATE).write_text(json.dumps({"topics": {"Codec": {}}}))
    (dest / layout.DATA).mkdir(parents=True)
    (dest / layout.BACKFILL).write_text(json.dumps({"Codec": ["2026-01"], "Speech": ["2026-02"]}))
    (dest / layout.STATE).write_text("the tip's\n")
    publish.merge_state(repo, root, parent, dest)
    assert json.loads((dest / layout.BACKFILL).read_text()) == {"Codec": ["2025-12", "2026-01"], "Speech": ["2026-02"]}
    assert (dest / layout.STATE).read_text() == "the tip's\n"
    assert not (dest / layout.LOOKUPS).exists()
