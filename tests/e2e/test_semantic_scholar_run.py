"""Semantic Scholar's TL;DRs in the daily run: update.py against the fake arXiv and the local S2 stand-in."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from conftest import git_remote, load_store
from fake_arxiv import FakeArxiv, paper
from fake_llm import free_port
from fake_s2 import NO_TLDR, FakeS2, paper_id

import update

TOPIC = [{"name": "Codec", "query": "codec"}]
LABEL = "TL;DR (Semantic Scholar)"


@pytest.fixture
def s2(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeS2]:
    """The stand-in, reached by the daily run through S2_API_URL."""
    with FakeS2() as server:
        monkeypatch.setenv("S2_API_URL", server.url)
        yield server


@pytest.fixture
def work(tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of a bare origin, two codec papers on the fake arXiv, the run's moment the day after them."""
    _, root = git_remote(tmp_path, TOPIC, monkeypatch, {"readme_layout": "classic"})  # the label on each row
    fake.papers = [paper("2602.00001", "A neural codec", "We build a neural audio codec at 6 kbps.",
                         updated="2026-02-12T10:00:00Z"),
                   paper("2602.00002", "Codec language models", "We train a speech language model on codec tokens.",
                         updated="2026-02-12T11:00:00Z")]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T01:00:00Z")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    return root


def row(root: Path, paper_id_: str) -> str:
    """The README row of a paper."""
    return next(line for line in (root / "README.md").read_text().splitlines() if f"{paper_id_})" in line)


def test_a_daily_run_stores_shows_and_never_asks_again(work: Path, s2: FakeS2, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    s2.tldrs = {"2602.00001": "A 6 kbps neural audio codec that rivals 12 kbps baselines.", "2602.00002": NO_TLDR}
    assert update.main(["--root", str(work), "--push"]) == 0
    assert s2.asked_ids() == [["ARXIV:2602.00002", "ARXIV:2602.00001"]], "one request, newest first"
    stored = load_store(work)
    assert stored["2602.00001"]["s2_tldr"] == {"fetched": "2026-02-13T01:00:00Z", "model": "tldr@v2.0.0",
                                               "paper": paper_id("2602.00001"),
                                               "text": "A 6 kbps neural audio codec that rivals 12 kbps baselines."}
    assert "s2_tldr" not in stored["2602.00002"], "no TL;DR yet: asked again on a later run"
    head = git.Repo(work).head.commit
    committed = json.loads((head.tree / "data" / "papers" / "2602.json").data_stream.read())
    assert committed["2602.00001"]["s2_tldr"] == stored["2602.00001"]["s2_tldr"], "committed with the papers"
    link = f"https://www.semanticscholar.org/paper/{paper_id('2602.00001')}"
    assert f"**[{LABEL}]({link}):** A 6 kbps neural audio codec that rivals 12 kbps baselines." in row(work, "2602.00001")
    assert LABEL not in row(work, "2602.00002") and "Key sentence" in row(work, "2602.00002")
    summary = (tmp_path / "summary.md").read_text()
    assert "📝 Semantic Scholar\\: 1 TL;DR stored for 2 papers asked in 1 request" in summary

    s2.tldrs["2602.00002"] = "Codec tokens make a speech language model."  # it arrives a day later
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-14T01:00:00Z")
    assert update.main(["--root", str(work), "--push"]) == 0
    assert s2.asked_ids()[1:] == [["ARXIV:2602.00002"]], "only the paper without one is asked again"
    assert load_store(work)["2602.00002"]["s2_tldr"]["text"] == "Codec tokens make a speech language model."
    assert f"**[{LABEL}](" in row(work, "2602.00002")
    assert git.Repo(work).head.commit.message == "Add 1 TL;DR from Semantic Scholar\n", "a day of only TL;DRs says so"

    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-15T01:00:00Z")
    head = git.Repo(work).head.commit
    assert update.main(["--root", str(work), "--push"]) == 0
    assert len(s2.requests) == 2, "every listed paper has one: nothing is asked"
    assert git.Repo(work).head.commit == head
    assert update.main(["--root", str(work), "--no-fetch"]) == 0 and len(s2.requests) == 2


def test_a_dry_run_asks_nothing_and_says_so(work: Path, s2: FakeS2, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="daily_papers"):
        assert update.main(["--root", str(work), "--dry-run"]) == 0
    assert s2.requests == []
    assert ("Semantic Scholar: not asked in a dry run (it writes nothing); a real run asks about 2 papers in 1 request"
            in caplog.messages)


def test_semantic_scholar_off_with_summaries_off(work: Path, s2: FakeS2) -> None:
    (work / "keywords.yaml").write_text(json.dumps({"topics": TOPIC, "settings": {"summaries": "off",
                                                                                   "readme_layout": "classic"}}))
    assert update.main(["--root", str(work)]) == 0
    assert s2.requests == [] and "2602.00001" in load_store(work)


@pytest.mark.parametrize("down", ["refused", "503", "429", "timeout", "malformed"])
def test_semantic_scholar_down_costs_no_paper_commit_or_exit_status(down: str, work: Path, s2: FakeS2,
                                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    s2.tldrs = {"2602.00001": "A codec.", "2602.00002": "Another codec."}
    monkeypatch.setenv("S2_API_KEY", "s2-secret-key-123")
    if down == "refused":
        monkeypatch.setenv("S2_API_URL", f"http://127.0.0.1:{free_port()}/graph/v1")
    elif down == "timeout":
        s2.delay = 1.5
        monkeypatch.setenv("S2_TIMEOUT", "0.3")
    elif down == "429":
        s2.script, s2.retry_after = ["429"], None
    else:
        s2.script = [down]
    with caplog.at_level(logging.INFO, logger="daily_papers"):
        assert update.main(["--root", str(work), "--push"]) == 0
    stored = load_store(work)
    assert sorted(stored) == ["2602.00001", "2602.00002"] and not any("s2_tldr" in r for r in stored.values())
    head = git.Repo(work).head.commit
    assert head.message.startswith("2 new") and "2602.json" in {b.name for b in (head.tree / "data" / "papers")}
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("warning: Semantic Scholar: 0 TL;DRs stored for 2 papers")
    assert "Key sentence" in row(work, "2602.00001") and LABEL not in row(work, "2602.00001")
    summary = (tmp_path / "summary.md").read_text()
    assert "⚠️ warning\\: Semantic Scholar\\: 0 TL;DRs stored" in summary
    out = capsys.readouterr()
    assert "s2-secret-key-123" not in out.out + out.err + caplog.text + summary

    monkeypatch.setenv("S2_API_URL", s2.url)  # it is back the next day: the papers are asked again
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-14T01:00:00Z")
    s2.script, s2.delay = [], 0.0
    asked_before = len(s2.requests)
    assert update.main(["--root", str(work), "--push"]) == 0
    assert s2.asked_ids()[asked_before:] == [["ARXIV:2602.00002", "ARXIV:2602.00001"]]
    assert all("s2_tldr" in r for r in load_store(work).values())


def test_after_a_push_race_the_rebuilt_commit_keeps_this_runs_tldrs(work: Path, s2: FakeS2, fake: FakeArxiv,
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    assert update.main(["--root", str(work), "--push"]) == 0  # Semantic Scholar has none yet
    other = tmp_path / "other"
    shutil.copytree(work, other)
    fake.papers.append(paper("2602.00003", "Codec vocoders", "We build a vocoder for codec tokens.",
                             updated="2026-02-12T12:00:00Z"))
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T02:00:00Z")
    assert update.main(["--root", str(other), "--push"]) == 0  # another run lands first, still without any
    bare = git.Repo(tmp_path / "remote.git")
    landed = bare.commit("main")
    s2.tldrs = {f"2602.0000{i}": f"Codec TL;DR {i}." for i in (1, 2, 3)}
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-13T03:00:00Z")
    assert update.main(["--root", str(work), "--push"]) == 0  # asks, is rejected, rebuilt on the tip
    assert len(s2.requests) == 3, "the rebuild does not ask again"
    head = bare.commit("main")
    assert head != landed and landed in head.parents
    assert head.message == "Add 3 TL;DRs from Semantic Scholar\n", "the rebuilt commit says what it adds"
    stored = json.loads((head.tree / "data/papers/2602.json").data_stream.read())
    assert {i: r["s2_tldr"]["text"] for i, r in stored.items()} == {f"2602.0000{i}": f"Codec TL;DR {i}."
                                                                    for i in (1, 2, 3)}
    assert (head.tree / "README.md").data_stream.read().decode().count(f"**[{LABEL}](") == 3
    last = (tmp_path / "summary.md").read_text().rsplit("## ", 1)[1]
    assert "📝 Semantic Scholar\\: 3 TL;DRs stored for 3 papers asked in 1 request" in last
