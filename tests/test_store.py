"""The store: merge rules, stable JSON, atomic writes, and refusing corrupt files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import store as st
import update
from conftest import snapshot, write_keywords


def rec(paper_id: str, version: int = 1, title: str = "T", **kw: object) -> dict:
    return {"id": paper_id, "version": version, "title": title, "abstract": "A", "updated": "2026-01-01", **kw}


def test_newer_version_replaces_in_place_older_is_ignored(tmp_path: Path) -> None:
    s = st.Store(tmp_path)
    st.merge(s, "A", [rec("2601.00001", 1, "Old")])
    counts = st.merge(s, "A", [rec("2601.00001", 3, "New", updated="2026-02-01")])
    assert counts.updated == ["2601.00001"] and s.papers["2601.00001"]["title"] == "New"
    st.merge(s, "A", [rec("2601.00001", 2, "Stale")])
    assert s.papers["2601.00001"]["version"] == 3 and len(s.papers) == 1


def test_same_paper_in_two_topics_is_one_record(tmp_path: Path) -> None:
    s = st.Store(tmp_path)
    st.merge(s, "B", [rec("2601.00001")])
    counts = st.merge(s, "A", [rec("2601.00001")])
    assert counts.new == ["2601.00001"] and counts.created == []
    assert s.papers["2601.00001"]["topics"] == ["A", "B"]


def test_same_version_fills_missing_metadata_only(tmp_path: Path) -> None:
    s = st.Store(tmp_path)
    st.merge(s, "A", [rec("2601.00001", title="Imported")])
    counts = st.merge(s, "A", [rec("2601.00001", title="Other", categories=["cs.SD"], authors=["X"])])
    assert counts.refreshed == ["2601.00001"]
    assert s.papers["2601.00001"]["categories"] == ["cs.SD"] and s.papers["2601.00001"]["title"] == "Imported"


def test_json_is_sorted_indented_and_sharded_by_id_month(tmp_path: Path) -> None:
    s = st.Store(tmp_path)
    st.merge(s, "A", [rec("2601.00002"), rec("2601.00001"), rec("2512.00001"), rec("astro-ph/0601001")])
    s.save()
    assert sorted(p.name for p in s.directory.iterdir()) == ["0601.json", "2512.json", "2601.json"]
    text = (s.directory / "2601.json").read_text()
    assert list(json.loads(text)) == ["2601.00001", "2601.00002"] and text.endswith("}\n")
    assert st.load(tmp_path).papers == s.papers


@pytest.mark.parametrize("content,message", [
    ("{not json", "invalid JSON"),
    ("[]", "expected an object of papers by id"),
    ('{"2601.00001": {"id": "2601.00001"}}', "missing version"),
    ('{"2601.00001": ' + json.dumps(rec("2601.00009", topics=[])) + "}", "does not match its key"),
    (b"\xff\xfe".decode("latin-1"), "not UTF-8"),
])
def test_corrupt_store_is_refused_with_exit_2_and_nothing_overwritten(
        content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "codec"}])
    shard = tmp_path / "data" / "papers" / "2601.json"
    shard.parent.mkdir(parents=True)
    shard.write_bytes(content.encode("latin-1") if message == "not UTF-8" else content.encode())
    before = snapshot(tmp_path)
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    err = capsys.readouterr().err
    assert "data/papers/2601.json" in err and message in err and "git checkout" in err
    assert snapshot(tmp_path) == before


def test_missing_store_under_a_generated_readme_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "codec"}])
    (tmp_path / "README.md").write_text(update.GENERATED_MARK + " ... -->\n# Daily Papers\n")
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    assert "data/papers/ is missing" in capsys.readouterr().err


def test_a_killed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old\n")
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent / 'scripts')!r})
        import store
        real_replace = os.replace
        def killed(*a, **k):
            os._exit(9)  # the process dies after writing the temp file, before the rename
        os.replace = killed
        store.atomic_write(__import__('pathlib').Path({str(target)!r}), b"new" * 100000)
    """)
    result = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert result.returncode == 9
    assert target.read_text() == "old\n"
    assert st.atomic_write(target, b"new\n") and target.read_text() == "new\n"
    assert not st.atomic_write(target, b"new\n"), "an unchanged file is not rewritten"
    leftovers = [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    assert len(leftovers) == 1  # the killed run's temp file; harmless, ignored by git
