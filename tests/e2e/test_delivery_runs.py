"""Issue 37 through whole runs of scripts/update.py (DAILY_PAPERS_NOW, the fake arXiv, aiosmtpd and a chat webhook on
127.0.0.1): the weekly digest over simulated weeks with a failed Monday, the record's own push race, and a record
whose push fails (the next run sends those papers again, once)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import git
import pytest
from conftest import git_remote, load_store, write_keywords
from fake_arxiv import FakeArxiv, paper
from fake_chat import FakeChat
from fake_smtp import Server

import update
from daily import gitio
from digest.delivery import dispatch

BOT = "41898282+github-actions[bot]@users.noreply.github.com"


def mailed(smtp: Server) -> list[str]:
    """The papers each email listed, message after message (a paper in two emails counted twice)."""
    return [i for r in smtp.inbox.received for i in dict.fromkeys(
        re.findall(r"arxiv\.org/abs/(\d{4}\.\d{5})", r.message.get_body(("plain",)).get_content()))]


def posted(chat: FakeChat) -> list[str]:
    """The papers each post the webhook took listed."""
    return [i for p in chat.posted if p.status < 300
            for i in dict.fromkeys(re.findall(r"abs/(\d{4}\.\d{5})", p.json()["message"]))]


def test_the_weekly_digest_over_three_weeks_sends_each_paper_once(tmp_path: Path, fake: FakeArxiv,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Weeks start on Monday (digest_day): 2026-02-02 (the first digest: a new channel's last seven days), 02-09,
    02-16 (the chat's send fails: it goes on Tuesday 02-17, the email on Monday), 02-23. Two papers each weekday;
    the papers of 02-24 wait for Monday 03-02: every paper of a day up to 02-23 is sent once per channel."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}],
                   {"notify": ["chat"], "email": "digest", "digest_every": "week", "digest_day": "monday"})
    start, serial, fake.papers = date(2026, 2, 2), 0, []
    with FakeChat() as chat, Server("none") as smtp:
        for key, value in smtp.env("none").items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("NOTIFY_URLS", f"json://{chat.hostport}/hook")
        sent_on: dict[str, list[str]] = {}
        for n in range(23):
            today = start + timedelta(days=n)
            if today.weekday() < 5:
                for _ in range(2):
                    serial += 1
                    fake.papers.append(paper(f"2602.{serial:05d}", f"A codec {serial}",
                                             updated=f"{today - timedelta(days=1)}T12:00:00Z"))
            chat.status = 503 if today == date(2026, 2, 16) else 200
            monkeypatch.setenv("DAILY_PAPERS_NOW", f"{today}T01:30:00Z")
            posts, mails = len(chat.posted), len(smtp.inbox.received)
            assert update.main(["--root", str(tmp_path), "-q"]) == 0
            sent_on[today.isoformat()] = (["chat"] * (len(chat.posted) - posts)
                                          + ["email"] * (len(smtp.inbox.received) - mails))
    assert {d: s for d, s in sent_on.items() if s} == {
        "2026-02-02": ["chat", "email"], "2026-02-09": ["chat", "email"], "2026-02-16": ["chat", "email"],
        "2026-02-17": ["chat"], "2026-02-23": ["chat", "email"]}
    records = {p.stem: json.loads(p.read_text()) for p in (tmp_path / "data" / "digests").glob("*.json")}
    due = sorted(i for d, r in records.items() if d <= "2026-02-23" for ids in r["new"].values() for i in ids)
    assert due and set(due) < set(load_store(tmp_path))  # 02-24's papers wait for next week
    assert sorted(mailed(smtp)) == due, Counter(mailed(smtp))
    ledger = json.loads((tmp_path / "data" / "delivered.json").read_text())["channels"]
    chat_key = next(k for k in ledger if k.startswith("chat-"))
    assert sorted(i for ids in ledger[chat_key]["days"].values() for i in ids) == due
    assert ledger[chat_key]["last"] == ledger["email"]["last"] == "2026-02-23"
    assert len(posted(chat)) == len(set(posted(chat)))  # a chat post lists about ten; none twice


def test_the_records_own_push_race_merges_both_records(tmp_path: Path, fake: FakeArxiv,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """While the run sends (after its day's push), another run pushes its own record of what it delivered: the
    Delivered commit is made again on origin's new tip, both records merged, and the checkout follows origin."""
    bare, work = git_remote(tmp_path, [{"name": "Codec", "query": "codec"}], monkeypatch, {"email": "digest"},
                            name="github-actions[bot]", email=BOT)
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-10T01:30:00Z")
    with Server("none") as smtp:
        for key, value in smtp.env("none").items():
            monkeypatch.setenv(key, value)
        other = git.Repo.clone_from(str(tmp_path / "remote.git"), tmp_path / "other")
        real = dispatch.deliver
        theirs = {"kind": "json", "since": "2026-02-01", "last": "2026-02-09", "days": {"2026-02-09": ["2602.09999"]}}

        def racing(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            other.git.pull("--rebase")
            path = Path(str(other.working_tree_dir)) / "data" / "delivered.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"channels": {"chat-aaaaaaaaaaaa": theirs}}))
            other.index.add([str(path)])
            other.index.commit("Delivered: chat 1 (json): 1 paper of 2026-02-09")
            other.git.push("origin", "HEAD:main")
            return result

        monkeypatch.setattr(dispatch, "deliver", racing)
        fake.papers = [paper("2602.00001", "A codec", updated="2026-02-09T12:00:00Z")]
        assert update.main(["--root", str(work), "--push", "-q"]) == 0
    assert "warning" not in capsys.readouterr().err
    tip = json.loads(bare.git.show("main:data/delivered.json"))["channels"]
    assert tip == {"chat-aaaaaaaaaaaa": theirs,
                   "email": {"kind": "email", "since": "2026-02-10", "last": "2026-02-10",
                             "days": {"2026-02-10": ["2602.00001"]}}}
    log = [c.message.strip() for c in bare.iter_commits("main")][:2]
    assert log[0].startswith("Delivered: email: 1 paper of 2026-02-10") and log[1].startswith("Delivered: chat 1")
    assert git.Repo(work).head.commit.hexsha == bare.commit("main").hexsha
    assert mailed(smtp) == ["2602.00001"]


def test_a_record_whose_push_fails_is_one_line_and_the_next_run_resends_once(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The Delivered push fails (origin refuses it each time): one warning line; the next run, from a fresh checkout
    (the record never reached origin), sends those papers again with its own, once, and no more after."""
    bare, work = git_remote(tmp_path, [{"name": "Codec", "query": "codec"}], monkeypatch, {"email": "digest"},
                            name="github-actions[bot]", email=BOT)
    real_deliver, real_push = dispatch.deliver, gitio.push

    def refusing(*args: Any, **kwargs: Any) -> Any:  # after the day's push: the record's pushes are refused
        monkeypatch.setattr(gitio, "push", lambda *a, **k: False)
        return real_deliver(*args, **kwargs)

    with Server("none") as smtp:
        for key, value in smtp.env("none").items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-09T01:30:00Z")
        fake.papers = [paper("2602.00001", "A codec", updated="2026-02-08T12:00:00Z")]
        assert update.main(["--root", str(work), "--push", "-q"]) == 0  # the email's record reaches origin
        monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-10T01:30:00Z")
        fake.papers.append(paper("2602.00002", "A codec 2", updated="2026-02-09T12:00:00Z"))
        monkeypatch.setattr(dispatch, "deliver", refusing)
        assert update.main(["--root", str(work), "--push", "-q"]) == 0
        lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
        assert len(lines) == 1 and "data/delivered.json) was not pushed" in lines[0], lines
        assert "2026-02-10" not in bare.git.show("main:data/delivered.json"), bare.git.show("main:data/delivered.json")
        monkeypatch.setattr(dispatch, "deliver", real_deliver)
        monkeypatch.setattr(gitio, "push", real_push)
        fresh = git.Repo(work)  # the next Actions run starts from a fresh checkout of origin
        fresh.git.fetch("origin")
        fresh.git.reset("--hard", "origin/main")
        fresh.git.clean("-fdx", "-e", ".cache")
        for n, moment in enumerate(("2026-02-11T01:30:00Z", "2026-02-12T01:30:00Z"), 3):
            fake.papers.append(paper(f"2602.{n:05d}", f"A codec {n}", updated=f"{moment[:10]}T00:00:00Z"))
            monkeypatch.setenv("DAILY_PAPERS_NOW", moment)
            assert update.main(["--root", str(work), "--push", "-q"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert sorted(mailed(smtp)) == ["2602.00001", "2602.00002", "2602.00002", "2602.00003", "2602.00004"]
    assert mailed(smtp)[-1] == "2602.00004"  # the last run sends its own paper only: day 2's went again once
