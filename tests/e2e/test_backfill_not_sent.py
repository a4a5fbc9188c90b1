"""Issue 37 review: a --backfill run sends nothing, then or later. Its papers go into the day's record (the day page
shows them) under "backfilled" too, which the delivery leaves out, so the next daily run sends only its own news;
a paper a normal run stores the same day is still sent. Whole runs of scripts/update.py against the fake arXiv and
a chat webhook on 127.0.0.1 (Apprise's json:// URL)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_keywords
from fake_arxiv import FakeArxiv, paper
from fake_chat import FakeChat

import update


def sent_ids(chat: FakeChat) -> list[str]:
    """Every paper id the webhook took, in order (a paper twice is listed twice)."""
    return [i for p in chat.posted if p.status < 300 for i in re.findall(r"abs/(\d{4}\.\d{5})", p.json()["message"])]


@contextlib.contextmanager
def first_day(tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChat]:
    """A reader of one topic posting to a chat webhook, after a first daily run on 2026-02-10 that stored and sent
    2602.00001; yields the webhook."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"notify": ["chat"]})
    with FakeChat() as chat:
        monkeypatch.setenv("NOTIFY_URLS", f"json://{chat.hostport}/hook")
        monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-10T01:30:00Z")
        fake.papers = [paper("2602.00001", "A codec", updated="2026-02-09T12:00:00Z")]
        assert update.main(["--root", str(tmp_path), "-q"]) == 0
        yield chat


def test_backfilled_papers_are_never_sent_and_a_same_day_paper_still_is(tmp_path: Path, fake: FakeArxiv,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with first_day(tmp_path, fake, monkeypatch) as chat:
        assert sent_ids(chat) == ["2602.00001"]

        older = [f"2601.{i:05d}" for i in range(1, 31)]
        fake.papers += [paper(i, f"An older codec {i}", updated="2026-01-10T00:00:00Z") for i in older]
        monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-10T09:00:00Z")
        assert update.main(["--root", str(tmp_path), "-q", "--backfill", "2026-01-01"]) == 0
        assert sent_ids(chat) == ["2602.00001"], "a backfill sends nothing"
        record = json.loads((tmp_path / "data" / "digests" / "2026-02-10.json").read_text())
        assert record["backfilled"] == older  # the day page still shows them: "new" lists them as well
        assert set(older) <= set(record["new"]["Codec"]) and "2602.00001" not in record["backfilled"]

        fake.papers.append(paper("2602.00002", "A later codec", updated="2026-02-09T20:00:00Z"))
        monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-10T18:00:00Z")  # a second daily run on the backfill's day
        assert update.main(["--root", str(tmp_path), "-q"]) == 0
        assert json.loads((tmp_path / "data" / "digests" / "2026-02-10.json").read_text())["backfilled"] == older

        monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-11T01:30:00Z")
        fake.papers.append(paper("2602.00003", "Another codec", updated="2026-02-10T12:00:00Z"))
        assert update.main(["--root", str(tmp_path), "-q"]) == 0
        assert sent_ids(chat) == ["2602.00001", "2602.00002", "2602.00003"]


def test_a_backfill_of_the_recent_gap_still_sends_its_papers(tmp_path: Path, fake: FakeArxiv,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A backfill run before the morning's cron stores papers the daily fetch would have brought (inside its window):
    they are news, sent once by the next daily run; only papers older than the window are marked backfilled."""
    with first_day(tmp_path, fake, monkeypatch) as chat:

        fresh = [f"2602.{i:05d}" for i in range(2, 6)]
        fake.papers += [paper(i, f"A fresh codec {i}", updated="2026-02-10T12:00:00Z") for i in fresh]
        fake.papers.append(paper("2512.00001", "An old codec", updated="2025-12-10T00:00:00Z"))
        monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-11T00:30:00Z")
        assert update.main(["--root", str(tmp_path), "-q", "--backfill", "2025-12-01"]) == 0
        assert json.loads((tmp_path / "data" / "digests" / "2026-02-11.json").read_text())["backfilled"] == \
            ["2512.00001"]
        for moment in ("2026-02-11T01:30:00Z", "2026-02-12T01:30:00Z"):
            monkeypatch.setenv("DAILY_PAPERS_NOW", moment)
            assert update.main(["--root", str(tmp_path), "-q"]) == 0
        assert sorted(sent_ids(chat)) == ["2602.00001", *fresh]
