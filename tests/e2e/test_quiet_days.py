"""Issue 33, never stale in silence: a topic whose query arXiv starts to answer with nothing warns after 3
announcement days and fails the run (exit status 4) after 7, over days of whole runs with the fake arXiv and real
git; the papers of the other topics are committed and pushed as on any day, and quiet_days_ok silences a rare topic."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from conftest import git_remote, load_store, write_keywords
from fake_arxiv import FakeArxiv, paper

import update

TOPICS = [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}]


def day_of(fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], work: Path,
           evening: str, run_at: str) -> tuple[int, str]:
    """One day: a codec paper on an announcement day (none about vocoders), then the run at run_at."""
    if evening:
        fake.papers.append(paper(f"2612.{len(fake.papers):05d}", f"A codec of {evening}",
                                 updated=f"{evening}T15:00:00Z"))
    monkeypatch.setenv("DAILY_PAPERS_NOW", run_at)
    capsys.readouterr()
    status = update.main(["--root", str(work), "--push", "-q"])
    return status, capsys.readouterr().out


def quiet_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "new paper on the last" in line]


def test_a_topic_arxiv_answers_with_nothing_warns_at_3_days_and_fails_at_7(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = git_remote(tmp_path, TOPICS, monkeypatch)
    fake.papers = [paper("2611.99999", "A vocoder", updated="2026-11-30T15:00:00Z")]
    runs = {"2026-11-30": "2026-12-01T02:00:00Z", "2026-12-01": "2026-12-02T02:00:00Z",
            "2026-12-02": "2026-12-03T02:00:00Z", "2026-12-03": "2026-12-04T02:00:00Z"}
    for evening, run_at in runs.items():
        status, out = day_of(fake, monkeypatch, capsys, work, evening, run_at)
        assert status == 0, out
        assert bool(quiet_lines(out)) == (evening == "2026-12-03"), (evening, out)
    state = json.loads((work / "data" / "state.json").read_text())["topics"]
    assert state["Vocoder"]["first"] < state["Vocoder"]["fetched"]  # kept from the first fetch, a new topic's floor
    warning = quiet_lines(out)[0]
    assert warning == (
        'warning: topic "Vocoder" listed no new paper on the last 3 announcement days (2026-12-01, '
        '2026-12-02, 2026-12-03; newest 2026-11-30); arXiv may have stopped answering the query: check update.py '
        '--explain "Vocoder", its categories and its exclusions; a rare topic can set quiet_days_ok in keywords.yaml')

    head = git.Repo(work).head.commit.hexsha
    status, out = day_of(fake, monkeypatch, capsys, work, "", "2026-12-05T02:00:00Z")  # Friday: no announcement
    assert status == 0 and quiet_lines(out) == [warning] and "nothing to commit" in out
    assert git.Repo(work).head.commit.hexsha == head  # the count is derived from the store: a quiet day writes nothing

    for evening, run_at in (("2026-12-06", "2026-12-07T02:00:00Z"), ("2026-12-07", "2026-12-08T02:00:00Z"),
                            ("2026-12-08", "2026-12-09T02:00:00Z")):
        status, out = day_of(fake, monkeypatch, capsys, work, evening, run_at)
        assert status == 0 and len(quiet_lines(out)) == 1, out
    assert "no new paper on the last 6 announcement days" in out and "exit status 4" not in out
    status, out = day_of(fake, monkeypatch, capsys, work, "2026-12-09", "2026-12-10T02:00:00Z")
    assert status == 4, out
    assert quiet_lines(out)[0].endswith("; exit status 4 until a paper is listed")
    assert "no new paper on the last 7 announcement days (2026-12-01 to 2026-12-09" in out
    assert "A codec of 2026-12-09" in {p["title"] for p in load_store(work).values()}  # stored, committed, pushed
    assert bare.head.commit.hexsha == git.Repo(work).head.commit.hexsha
    assert "Codec +1" in bare.head.commit.message

    write_keywords(work, [TOPICS[0], {**TOPICS[1], "quiet_days_ok": 30}])  # a rare topic: a month is normal
    repo = git.Repo(work)
    repo.git.add("keywords.yaml")
    repo.git.commit("-m", "Vocoder is rare")
    repo.git.push("origin", "main")
    status, out = day_of(fake, monkeypatch, capsys, work, "", "2026-12-10T03:00:00Z")
    assert status == 0 and quiet_lines(out) == [], out
