"""The store: merge rules, stable JSON, atomic writes, and refusing corrupt files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import hostile_inputs as hostile
import pytest
from conftest import snapshot, write_keywords

import update
from core import store as st
from daily import run as pipeline


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


def test_a_summary_is_kept_with_its_record_and_absent_when_there_is_none(tmp_path: Path) -> None:
    s = st.Store(tmp_path)
    tldr = {"model": "m", "text": "It does X.", "version": 1}
    st.merge(s, "A", [rec("2601.00001"), rec("2601.00002", tldr=tldr)])
    assert "tldr" not in s.papers["2601.00001"] and s.papers["2601.00002"]["tldr"] == tldr
    st.merge(s, "A", [rec("2601.00002", 2, "New")])  # a v2 keeps the v1 summary until it gets its own
    assert s.papers["2601.00002"]["tldr"] == tldr and s.papers["2601.00002"]["version"] == 2
    s.save()
    assert st.load(tmp_path).papers["2601.00002"]["tldr"] == tldr


S2 = {"fetched": "2026-02-13T01:00:00Z", "model": "tldr@v2.0.0", "paper": "a" * 40, "text": "It does X."}


def test_a_semantic_scholar_tldr_outlives_a_new_version_and_is_saved_sparse(tmp_path: Path) -> None:
    s = st.Store(tmp_path)
    st.merge(s, "A", [rec("2601.00001"), rec("2601.00002", s2_tldr=S2)])
    assert "s2_tldr" not in s.papers["2601.00001"] and s.papers["2601.00002"]["s2_tldr"] == S2
    st.merge(s, "A", [rec("2601.00002", 2, "New")])  # it has no paper version: a v2 keeps it
    assert s.papers["2601.00002"]["s2_tldr"] == S2
    s.save()
    text = (s.directory / "2601.json").read_text()
    assert text.count('"s2_tldr"') == 1 and st.load(tmp_path).papers["2601.00002"]["s2_tldr"] == S2


@pytest.mark.parametrize("s2_tldr,message", [
    ({**S2, "extra": 1}, "s2_tldr must be null or"),
    ({k: v for k, v in S2.items() if k != "paper"}, "s2_tldr must be null or"),
    ("It does X.", "s2_tldr must be null or"),
    ({**S2, "text": ""}, "s2_tldr model and text must be text that is not empty"),
    ({**S2, "model": " "}, "s2_tldr model and text must be text that is not empty"),
    ({**S2, "text": 3}, "s2_tldr model and text must be text"),
    ({**S2, "text": "bad \ud800 text"}, "no lone surrogates"),
    ({**S2, "fetched": "yesterday"}, "s2_tldr fetched must be a date like"),
    ({**S2, "fetched": "2026-02-30"}, "s2_tldr fetched must be a date like"),
    ({**S2, "paper": "A" * 40}, "40 lowercase hex"),
    ({**S2, "paper": "a" * 39}, "40 lowercase hex"),
    ({**S2, "paper": "javascript:alert(1)//" + "a" * 19}, "40 lowercase hex"),
    ({**S2, "paper": None}, "40 lowercase hex"),
])
def test_a_broken_semantic_scholar_tldr_is_refused(s2_tldr: object, message: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "codec"}])
    shard = tmp_path / "data" / "papers" / "2601.json"
    shard.parent.mkdir(parents=True)
    record = {**rec("2601.00001", topics=["A"]), "s2_tldr": s2_tldr}
    shard.write_text(json.dumps({"2601.00001": record}))
    before = snapshot(tmp_path)
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    err = capsys.readouterr().err
    assert "data/papers/2601.json:2601.00001" in err and message in err
    assert snapshot(tmp_path) == before


def test_a_record_with_both_summaries_is_checked_for_both(tmp_path: Path) -> None:
    good = {**rec("2601.00001", topics=["A"]), "tldr": {"model": "m", "text": "t", "version": 1}, "s2_tldr": S2}
    assert st.record_problem("2601.00001", good) is None
    assert "tldr version" in st.record_problem("2601.00001", {**good, "tldr": {**good["tldr"], "version": 0}})
    assert "s2_tldr paper" in st.record_problem("2601.00001", {**good, "s2_tldr": {**S2, "paper": "x"}})
    assert st.record_problem("2601.00001", {**good, "s2_tldr": None}) is None


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
    (tmp_path / "README.md").write_text(pipeline.GENERATED_MARK + " ... -->\n# Daily Papers\n")
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    assert "data/papers/ is missing" in capsys.readouterr().err


def test_a_killed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old\n")
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2] / 'scripts')!r})
        from core import store
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


@pytest.mark.parametrize("content,message", [c[1:] for c in hostile.STORE_RECORDS],
                         ids=[c[0] for c in hostile.STORE_RECORDS])
def test_a_hostile_record_is_refused_at_load_naming_shard_and_id(content: str, message: str, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "x"}])
    shard = tmp_path / "data" / "papers" / "2601.json"
    shard.parent.mkdir(parents=True)
    shard.write_text(content, encoding="utf-8")
    before = snapshot(tmp_path)
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: data/papers/2601.json:"), err
    assert message in err and ("2601.00001" in err), err
    assert snapshot(tmp_path) == before


def test_a_hand_written_record_without_optional_fields_renders(tmp_path: Path) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "x"}])
    shard = tmp_path / "data" / "papers" / "2601.json"
    shard.parent.mkdir(parents=True)
    shard.write_text(json.dumps({"2601.00001": {"id": "2601.00001", "version": 1, "title": "x", "abstract": "x",
                                                "updated": "2026-01-01", "topics": ["A"]}}))
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert "2601.00001" in (tmp_path / "README.md").read_text()
    assert st.load(tmp_path).papers["2601.00001"]["comment"] == ""


def test_a_shard_that_is_a_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "x"}])
    (tmp_path / "data" / "papers" / "2601.json").mkdir(parents=True)
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: data/papers/2601.json: cannot read (Is a directory)") and "\n" not in err, err


@pytest.mark.parametrize("value,ok", [
    ("2026-01-31", True), ("2026-01-31T10:00:00Z", True), ("2026-01-31T10:00:00+02:00", True),
    ("2026-01-31T10:00:00.5Z", True), ("2026-02-29", False), ("2026-1-31", False), ("31/01/2026", False),
    ("2026-01-31 10:00", False), ("", False), (None, False), (20260131, False),
])
def test_timestamps_are_iso_dates_of_real_days(value: object, ok: bool) -> None:
    assert st.is_stamp(value) is ok


def _read_only(root: Path, command: list[str]) -> list[str]:
    """data/papers read-only for real: chmod for a normal user; for root (whom chmod does not stop), a read-only
    bind mount in a private user and mount namespace."""
    folder = root / "data" / "papers"
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return command
    if not _namespaces_work():
        pytest.skip("running as root without user namespaces: no real way to make a folder read-only")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", str(folder), *command]


def _disk_full(root: Path, command: list[str]) -> list[str]:
    """data/papers on a full file system for real: a small tmpfs filled to the last byte, in a private namespace.
    Without namespaces, a file-size limit (RLIMIT_FSIZE) makes the kernel refuse the write instead (EFBIG)."""
    if not _namespaces_work():
        return ["prlimit", "--fsize=300", *command]
    folder = root / "data" / "papers"  # copied onto the tmpfs; what is left afterwards is copied to papers.after
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
            'set -e; f="$1"; cp -a "$f" "$f.orig"; mount -t tmpfs -o size=64k tmpfs "$f"; cp -a "$f.orig/." "$f"; '
            'head -c 1000000 /dev/zero > "$f/.fill" 2>/dev/null || true; shift; set +e; "$@"; code=$?; '
            'rm "$f/.fill"; mkdir "$f.after"; cp -a "$f/." "$f.after"; exit $code', "sh", str(folder), *command]


def _file_for_folder(root: Path, command: list[str]) -> list[str]:
    """feeds/ is a file: the OS refuses to make the folder, for any user."""
    shutil.rmtree(root / "feeds")
    (root / "feeds").write_text("not a folder\n")
    return command


def _namespaces_work() -> bool:
    """Whether this machine lets us make a private user and mount namespace (many CI runners do not)."""
    try:
        return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.parametrize("situation,path,reason", [
    (_read_only, "data/papers/SHARD", ("Read-only file system", "Permission denied")),
    (_disk_full, "data/papers/SHARD", ("No space left on device", "File too large")),
    (_file_for_folder, "feeds/a.xml", ("a file is where its folder should be",)),
], ids=["read-only data folder", "disk full", "a file where a folder should be"])
def test_a_write_the_os_refuses_is_one_line_and_the_store_stays_whole(situation, path: str, reason: tuple[str, ...],
                                                                      tmp_path: Path, fake) -> None:
    from fake_arxiv import paper

    root = tmp_path / "repo"
    root.mkdir()
    write_keywords(root, [{"name": "A", "query": "codec"}])
    from datetime import datetime, timedelta

    now = datetime.fromisoformat(os.environ["DAILY_PAPERS_NOW"].replace("Z", "+00:00"))  # the runs' clock (conftest)
    day = [(now - timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ") for d in (0, 1, 2)]
    yymm = now.strftime("%y%m")  # papers of this month, dated in the last days: in every fetch window
    path = path.replace("SHARD", f"{yymm}.json")
    fake.papers = [paper(f"{yymm}.00001", "A codec", updated=day[2])]
    script = Path(update.__file__)
    assert subprocess.run([sys.executable, str(script), "--root", str(root), "-q"], timeout=120).returncode == 0
    shard = root / "data" / "papers" / f"{yymm}.json"
    stored = shard.read_bytes()
    fake.papers.append(paper(f"{yymm}.00002", "Another codec " * 30, updated=day[1]))
    command = situation(root, [sys.executable, str(script), "--root", str(root), "-q"])
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        (root / "data" / "papers").chmod(0o755)
    assert result.returncode == 2, result.stderr
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"error: {path}: cannot write (") and any(r in err for r in reason), err
    after = root / "data" / ("papers.after" if (root / "data" / "papers.after").exists() else "papers")
    if path.startswith("data/"):
        assert (after / shard.name).read_bytes() == stored, "the refused shard keeps its old content"
    else:
        assert set(json.loads((after / shard.name).read_text())) == {f"{yymm}.00001", f"{yymm}.00002"}, "written whole"
    assert not [p.name for p in after.iterdir() if p.name.endswith(".tmp")], "no temp file is left behind"


@pytest.mark.parametrize("tries", [{"version": 1}, {"version": 1, "count": 0}, {"version": "1", "count": 1},
                                   {"version": 1, "count": True}, {"version": 1, "count": 1, "x": 2}, 3])
def test_a_broken_count_of_tries_is_refused(tries: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "codec"}])
    shard = tmp_path / "data" / "papers" / "2601.json"
    shard.parent.mkdir(parents=True)
    shard.write_text(json.dumps({"2601.00001": {**rec("2601.00001", topics=["A"]), "tldr_tries": tries}}))
    before = snapshot(tmp_path)
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    err = capsys.readouterr().err
    assert "data/papers/2601.json:2601.00001" in err and "tldr_tries must be null or" in err
    assert snapshot(tmp_path) == before


def test_a_count_of_tries_outlives_a_merge_of_the_same_version(tmp_path: Path) -> None:
    s = st.Store(tmp_path)
    st.merge(s, "A", [rec("2601.00001")])
    s.put({**s.papers["2601.00001"], "tldr_tries": {"count": 2, "version": 1}})
    st.merge(s, "B", [rec("2601.00001")])  # the paper joins another topic: its record is rebuilt
    assert s.papers["2601.00001"]["tldr_tries"] == {"count": 2, "version": 1}
