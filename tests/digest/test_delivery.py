"""Issue 37: what each channel is due, over simulated days: a failed send is caught up by the next good one (each
paper delivered exactly once, marked with its own date), the weekly digest's weeks, the cap, and the ledger.

Each day writes its record (data/digests/DAY.json) as the run does, then calls the delivery as the run does after
its push, and keeps the ledger as the run's follow-up commit does (here the file is written, no git)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_chat import FakeChat
from fake_smtp import Server, free_port

from core import layout, sent
from digest.delivery import chat, dispatch, due, tell

START = date(2026, 11, 16)  # a Monday


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


class World:
    """A repository folder, a store, a chat webhook and an SMTP server; one call a simulated day."""

    def __init__(self, root: Path, chat_server: FakeChat, smtp: Server, settings: dict[str, Any]) -> None:
        self.root, self.chat, self.smtp, self.settings = root, chat_server, smtp, settings
        self.papers: dict[str, dict[str, Any]] = {}
        self.serial = 0
        self.new: dict[str, list[str]] = {}
        self.url = f"json://{chat_server.hostport}/hook"
        self.env = smtp.env("none") | {"NOTIFY_URLS": self.url}
        self.key = f"chat-{chat.key_of(self.url)}"  # the chat channel's name in the ledger
        self.results: dict[str, dispatch.Delivered] = {}

    def run(self, today: str, count: int = 3, chat_status: int = 200, smtp_up: bool = True, urls: str | None = None,
            also: dict[str, list[str]] | None = None) -> dispatch.Delivered:
        """One day: `count` new papers in Codec (and `also`: topic -> ids already stored, new to that topic), the
        record written, the sends to NOTIFY_URLS (`urls`, else the world's webhook), the ledger kept."""
        ids = []
        for _ in range(count):
            self.serial += 1
            paper_id = f"2611.{self.serial:05d}"
            self.papers[paper_id] = {"id": paper_id, "title": f"Paper {self.serial}", "topics": ["Codec"],
                                     "authors": ["A"], "abstract": "x", "version": 1}
            ids.append(paper_id)
        record = {"date": today, "new": {"Codec": ids, **(also or {})},
                  "picks": [{"id": i, "score": 1.0 / (k + 1), "because": {}} for k, i in enumerate(ids[:1])]}
        record["new"] = {t: found for t, found in record["new"].items() if found}
        if record["new"]:
            (self.root / layout.DIGESTS).mkdir(parents=True, exist_ok=True)
            (self.root / layout.DIGESTS / f"{today}.json").write_text(json.dumps(record))
            self.new[today] = ids
        self.chat.status = chat_status
        env = self.env if smtp_up else self.env | {"SMTP_PORT": str(free_port())}
        env = env if urls is None else env | {"NOTIFY_URLS": urls}
        result = dispatch.deliver(self.settings, self.root, record if record["new"] else None, self.papers, env,
                                  datetime.fromisoformat(today + "T01:30:00+00:00"), today, chat_timeout=2,
                                  chat_deadline=10)
        if result.ledger is not None:
            sent.save(self.root, result.ledger)
        self.results[today] = result
        return result

    def chat_ids(self) -> list[str]:
        """The ids of every post the webhook took (a refused post delivered nothing)."""
        return posted_ids(self.chat)

    def mailed_ids(self) -> list[str]:
        return [i for r in self.smtp.inbox.received
                for i in dict.fromkeys(re.findall(r"arxiv\.org/abs/(2611\.\d{5})",
                                                  r.message.get_body(("plain",)).get_content()))]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeChat() as chat_server, Server("none") as smtp:
        yield World(tmp_path, chat_server, smtp, {"email": "digest", "notify": ["chat"], "title": "Daily Papers"})


def posted_ids(server: FakeChat) -> list[str]:
    """The paper ids of every post the server took (a 4xx or 5xx answer is no delivery), a paper twice listed twice."""
    return [i for p in server.posted if p.status < 300
            for i in re.findall(r"arxiv\.org/abs/(2611\.\d{5})", p.json()["message"])]


def test_a_failed_send_is_caught_up_by_the_next_good_one_each_paper_once(world: World) -> None:
    world.run(day(0))
    failed = world.run(day(1), chat_status=503, smtp_up=False)
    assert [w.split(":")[0] for w in failed.warnings] == ["email not sent", "chat not sent"]
    assert failed.ledger is None  # nothing sent: nothing to commit
    caught = world.run(day(2))
    assert not caught.warnings
    world.run(day(3))
    every = [i for ids in world.new.values() for i in ids]
    assert sorted(world.mailed_ids()) == sorted(every), Counter(world.mailed_ids())
    assert [p.status for p in world.chat.posted] == [200, 503, 200, 200]
    assert sorted(world.chat_ids()) == sorted(every)  # the refused post (the second) delivered nothing
    good = [p.json()["message"] for p in world.chat.posted]
    catch_up_mail = world.smtp.inbox.received[1].message.get_body(("plain",)).get_content()
    assert f"Also from days not sent before: {day(1)} (3)" in catch_up_mail
    assert f"- Paper 4 ({day(1)})" in catch_up_mail and f"- Paper 7 ({day(2)})" in catch_up_mail
    catch_up_chat = good[2]
    assert f"Also from days not sent before: [{day(1)}]" in catch_up_chat or f"{day(1)} (3)" in catch_up_chat
    ledger = sent.load(world.root)
    assert set(ledger) == {"email", world.key} and ledger[world.key]["kind"] == "json"
    assert re.fullmatch(r"chat-[0-9a-f]{12}", world.key)
    assert ledger["email"]["days"][day(1)] == world.new[day(1)]


def test_a_quiet_day_sends_and_commits_nothing_unless_something_is_due(world: World) -> None:
    world.run(day(0))
    quiet = world.run(day(1), count=0)
    assert quiet.ledger is None and not quiet.warnings and len(world.chat.posted) == 1
    world.run(day(2), count=2, chat_status=500)
    late = world.run(day(3), count=0)  # a quiet day after a failed send: the catch-up goes, and is recorded
    assert late.ledger is not None and late.told == [f"chat 1 (json): 2 papers of {day(2)}"]
    assert sorted(re.findall(r"abs/(2611\.\d{5})", world.chat.posted[-1].json()["message"])) == world.new[day(2)]


def test_a_long_outage_lists_seven_days_and_links_the_older_ones(world: World) -> None:
    world.settings["email"] = "off"
    world.run(day(0))
    for n in range(1, 10):
        world.run(day(n), count=1, chat_status=503)
    world.settings["title"] = "Lab"
    back = world.run(day(10), count=1)
    assert not back.warnings
    body = world.chat.posted[-1].json()["message"]
    assert "Earlier days, not listed here: " in body
    linked = re.findall(r"\[(\d{4}-\d{2}-\d{2})\]\(https://[^)]*\) \(1\)", body.split("Earlier days")[1])
    assert linked == []  # no site here: the days are named with their counts, unlinked
    assert f"{day(3)} (1)" in body.split("Earlier days")[1] and f"{day(1)} (1)" in body.split("Earlier days")[1]
    assert f"{day(4)} (1)" not in body.split("Earlier days")[1]  # listed: the 7 newest days
    ledger = sent.load(world.root)[world.key]
    assert all(day(n) in ledger["days"] for n in range(0, 11)), "linked days count as delivered: never due again"
    world.run(day(11), count=1)
    assert len(re.findall(r"abs/", world.chat.posted[-1].json()["message"])) == 1


def test_the_weekly_digest_goes_once_a_week_and_covers_the_week(world: World) -> None:
    """Weeks start on digest_day (Monday): 2026-11-16 (first: the last 7 days), 2026-11-23 (the days 17 to 23),
    2026-11-30 (its send fails), sent on Tuesday 2026-12-01 instead (the days 24 to Dec 1)."""
    world.settings.update(digest_every="week", digest_day="monday", email="off")
    assert due.week_start("2026-11-16", "monday") == "2026-11-16"
    assert due.week_start("2026-11-22", "monday") == "2026-11-16"
    assert due.week_start("2026-11-23", "monday") == "2026-11-23"
    assert due.week_start("2026-11-20", "friday") == "2026-11-20"
    assert due.week_start("2026-11-19", "friday") == "2026-11-13"
    for n in range(0, 17):
        status = 503 if day(n) == "2026-11-30" else 200
        world.run(day(n), count=2 if START.weekday() <= (START + timedelta(days=n)).weekday() < 5 else 0,
                  chat_status=status)
    sent_on = [d for d, r in world.results.items() if r.told]
    assert sent_on == ["2026-11-16", "2026-11-23", "2026-12-01"]
    messages = [p.json()["message"] for p in world.chat.posted]
    assert len(messages) == 4 and "week to 2026-11-30" in messages[2]  # the third post was refused
    week2 = messages[1]
    assert week2.startswith("**Daily Papers, week to 2026\\-11\\-23**") or "week to 2026-11-23" in week2
    week2_ids = set(re.findall(r"abs/(2611\.\d{5})", week2))
    expected = {i for d, ids in world.new.items() if "2026-11-17" <= d <= "2026-11-23" for i in ids}
    assert week2_ids <= expected and "… and" in week2 or week2_ids == expected
    every = [i for d, ids in world.new.items() if d <= "2026-12-01" for i in ids]  # Wednesday's wait for next week
    ledger = sent.load(world.root)[world.key]
    assert sorted(i for ids in ledger["days"].values() for i in ids) == sorted(every)
    assert ledger["last"] == "2026-12-01"


def test_weekly_picks_are_the_union_of_the_days_picks_by_score() -> None:
    records = [{"date": "2026-11-17", "new": {"A": ["1", "2"]}, "picks": [{"id": "1", "score": 0.5}]},
               {"date": "2026-11-18", "new": {"A": ["3"], "B": ["2"]}, "picks": [{"id": "3", "score": 0.9},
                                                                                 {"id": "2", "score": 0.1}]}]
    merged = tell.merge(records)
    assert [p["id"] for p in merged["picks"]] == ["3", "1", "2"]
    assert merged["new"] == {"A": ["3", "1", "2"], "B": ["2"]}


def test_two_ledgers_merge_as_a_union_per_channel() -> None:
    ours = sent.dumps({"email": {"kind": "email", "since": "2026-11-16", "last": "2026-11-18",
                                 "days": {"2026-11-18": ["b"]}}})
    theirs = sent.dumps({"email": {"kind": "email", "since": "2026-11-10", "last": "2026-11-17",
                                   "days": {"2026-11-17": ["a"], "2026-11-18": ["c"]}},
                         "chat-0123456789ab": {"kind": "slack", "since": "2026-11-01", "last": "2026-11-17",
                                               "days": {}},
                         "chat 1": {"kind": "slack", "since": "2026-11-01", "last": "2026-11-17", "days": {}}})
    merged = json.loads(sent.merge_files(ours, theirs))["channels"]
    assert merged["email"] == {"kind": "email", "since": "2026-11-10", "last": "2026-11-18",
                               "days": {"2026-11-17": ["a"], "2026-11-18": ["b", "c"]}}
    assert set(merged) == {"email", "chat-0123456789ab"}  # a first-version name by position is dropped
    assert sent.merge_files(b"not json", theirs) == b"not json"


def test_a_new_channel_gets_no_backlog_and_a_new_kind_at_a_position_starts_anew(world: World) -> None:
    world.settings["email"] = "off"
    world.settings["notify"] = []
    world.run(day(0))
    world.settings["notify"] = ["chat"]
    world.run(day(1))
    assert len(world.chat.posted) == 1
    assert sorted(re.findall(r"abs/(2611\.\d{5})", world.chat.posted[0].json()["message"])) == world.new[day(1)]


def test_a_channel_keeps_its_history_when_another_is_removed_or_the_entries_reordered(world: World) -> None:
    """Two webhooks of one kind: the first breaks (404) for two days while the second delivers, then the reader
    removes the first, later adds it back in front and swaps them: the second never gets a paper twice, and the
    first gets its missed days once it is back."""
    world.settings["email"] = "off"
    with FakeChat() as other:
        first, second = f"json://{other.hostport}/first", world.url
        world.run(day(0), count=2, urls=f"{first} {second}")  # two papers a day: a chat message lists ten
        other.status = 404
        failed = world.run(day(1), count=2, urls=f"{first} {second}")
        world.run(day(2), count=2, urls=f"{first} {second}")
        assert [w.split(":")[0] for w in failed.warnings] == ["chat not sent"] and "chat 1 (json)" in failed.warnings[0]
        world.run(day(3), count=2, urls=second)  # the broken one removed: the second is entry 1 now
        other.status = 200
        world.run(day(4), count=2, urls=f"{first} {second}")  # back, in front
        world.run(day(5), count=2, urls=f"{second} {first}")  # swapped
        every = [i for ids in world.new.values() for i in ids]
        assert sorted(world.chat_ids()) == sorted(every), Counter(world.chat_ids())
        assert sorted(posted_ids(other)) == sorted(every), Counter(posted_ids(other))  # day 1 to 3 caught up on day 4
        keys = {f"chat-{chat.key_of(u)}" for u in (first, second)}
        ledger = sent.load(world.root)
        assert set(ledger) == keys and len(keys) == 2
        for result in world.results.values():  # the key is the ledger's alone: warnings and commit say the position
            assert not any(k in line for k in keys for line in result.warnings + result.told)


def test_a_first_version_ledger_by_position_is_dropped_each_channel_starting_anew(world: World) -> None:
    world.settings["email"] = "off"
    legacy = {"chat 1": {"kind": "json", "since": day(0), "last": day(0), "days": {day(0): ["2611.00001"]}}}
    (world.root / sent.PATH).parent.mkdir(parents=True, exist_ok=True)
    (world.root / sent.PATH).write_bytes(sent.dumps(legacy))
    assert sent.load(world.root) == {}
    world.run(day(1))
    assert world.chat_ids() == world.new[day(1)]  # this run's papers only: nothing older, nothing twice
    assert set(sent.load(world.root)) == {world.key}
    assert "chat 1" not in json.loads((world.root / sent.PATH).read_text())["channels"]


def test_the_same_url_twice_is_one_channel_sent_once(world: World) -> None:
    world.settings["email"] = "off"
    world.run(day(0), urls=f"{world.url}\n{world.url}")
    assert world.chat_ids() == world.new[day(0)]


def test_a_weekly_channel_switched_on_on_a_thursday_starts_on_the_next_digest_day(world: World) -> None:
    """Weeks start on Monday: 2026-11-16 to 22, 2026-11-23 to 29. Switched on Thursday 2026-11-19 (no record yet):
    nothing that Thursday or Friday; the first digest on Monday 2026-11-23 covers the last seven days, 17 to 23 (not
    the 16th, a Monday of the week before); the next on Monday 2026-11-30."""
    world.settings.update(digest_every="week", digest_day="monday", email="off")
    assert due.week_start("2026-11-19", "monday") == "2026-11-16"
    assert due.week_start("2026-11-23", "monday") == "2026-11-23"
    assert due.first_week("2026-11-23") == "2026-11-17"
    world.settings["notify"] = []  # chat is off: the days' records are written, nothing is sent
    world.run(day(0))
    world.settings["notify"] = ["chat"]
    for n in range(3, 15):
        world.run(day(n), count=1)
    sent_on = [d for d, r in world.results.items() if r.told]
    assert sent_on == ["2026-11-23", "2026-11-30"]
    first, second = ([re.findall(r"abs/(2611\.\d{5})", p.json()["message"]) for p in world.chat.posted])
    assert sorted(first) == sorted(i for d, ids in world.new.items() if "2026-11-17" <= d <= "2026-11-23"
                                   for i in ids)
    assert sorted(second) == sorted(i for d, ids in world.new.items() if "2026-11-24" <= d <= "2026-11-30"
                                    for i in ids)
    assert not set(world.new[day(0)]) & set(first)


def test_a_paper_new_on_two_caught_up_days_is_sent_once(world: World) -> None:
    """A paper new in Codec on a day whose send failed, and new in Vocoder (a second topic matched it) the next day:
    the catch-up lists it once and notes it under both days, so neither day's copy is sent again."""
    world.settings["email"] = "off"
    world.run(day(0))
    world.run(day(1), chat_status=503)
    twice = world.new[day(1)][0]
    world.run(day(2), also={"Vocoder": [twice]})
    world.run(day(3))
    assert Counter(world.chat_ids())[twice] == 1, Counter(world.chat_ids())
    assert sorted(set(world.chat_ids())) == sorted(world.chat_ids())
    days = sent.load(world.root)[world.key]["days"]
    assert twice in days[day(1)] and twice in days[day(2)]


def test_tell_notes_each_paper_under_every_due_day_it_was_new() -> None:
    records = [{"date": "2026-11-17", "new": {"A": ["1", "2"]}, "picks": []},
               {"date": "2026-11-18", "new": {"B": ["2", "3"]}, "picks": []}]
    papers = {i: {"id": i, "title": i} for i in "123"}
    message = tell.build(records, papers, "T", "2026-11-18", "day")
    assert message.day_of == {"1": "2026-11-17", "2": "2026-11-18", "3": "2026-11-18"}  # shown once, newest day
    assert message.ids() == {"2026-11-17": ["1", "2"], "2026-11-18": ["2", "3"]}


def test_a_days_backfilled_papers_are_never_due(tmp_path: Path) -> None:
    folder = tmp_path / layout.DIGESTS
    folder.mkdir(parents=True)
    (folder / "2026-11-17.json").write_text(json.dumps(
        {"date": "2026-11-17", "new": {"A": ["old1", "new1"], "B": ["old2"]}, "backfilled": ["old1", "old2"],
         "picks": [{"id": "old1", "score": 1.0}, {"id": "new1", "score": 0.5}]}))
    entry = {"kind": "json", "since": "2026-11-16", "last": "2026-11-16", "days": {}}
    assert due.due(tmp_path, entry, "day", "2026-11-18", None) == [
        {"date": "2026-11-17", "new": {"A": ["new1"]}, "picks": [{"id": "new1", "score": 0.5}]}]


def test_a_pick_marked_not_for_me_before_its_catch_up_is_no_pick_but_still_listed(world: World) -> None:
    world.run(day(0))
    world.run(day(1), chat_status=503, smtp_up=False)
    refused = frozenset(world.new[day(1)][:1])  # day 1's pick, marked not for me before the catch-up
    world.chat.status = 200
    env = world.env
    result = dispatch.deliver(world.settings, world.root, None, world.papers, env,
                              datetime.fromisoformat(day(2) + "T01:30:00+00:00"), day(2), chat_timeout=2,
                              chat_deadline=10, refused=refused)
    assert not result.warnings
    mail = world.smtp.inbox.received[-1].message.get_body(("plain",)).get_content()
    posted = world.chat.posted[-1].json()["message"]
    for body in (mail, posted):
        assert "Picks for you" not in body and next(iter(refused)) in body  # listed under its topic, not picked


def test_a_first_send_that_fails_is_caught_up_by_the_next(world: World) -> None:
    """The channels are recorded at their first try (since that day, nothing delivered, no weekly clock), and that
    record is committed though nothing went: the next good send brings the first day's papers too, once."""
    first = world.run(day(0), chat_status=503, smtp_up=False)
    assert [w.split(":")[0] for w in first.warnings] == ["email not sent", "chat not sent"]
    assert first.ledger is not None and not first.told
    assert first.ledger["email"] == {"kind": "email", "since": day(0), "days": {}}
    assert first.ledger[world.key] == {"kind": "json", "since": day(0), "days": {}}
    world.run(day(1))
    world.run(day(2))
    every = [i for ids in world.new.values() for i in ids]
    assert sorted(world.chat_ids()) == sorted(every), Counter(world.chat_ids())
    assert sorted(world.mailed_ids()) == sorted(every), Counter(world.mailed_ids())
    assert sent.load(world.root)["email"]["last"] == day(2)


def test_a_new_weekly_channel_whose_first_digest_fails_sends_its_week_the_next_day(world: World) -> None:
    world.settings.update(digest_every="week", digest_day="monday", email="off")
    for n in range(1, 7):  # Tuesday to Sunday: a new weekly channel waits for Monday
        world.run(day(n), count=1)
    assert not world.chat.posted
    failed = world.run(day(7), count=1, chat_status=503)
    assert failed.ledger is not None and "last" not in failed.ledger[world.key]
    world.run(day(8), count=1)
    expected = [i for d, ids in world.new.items() if day(1) <= d <= day(8) for i in ids]  # the last 7 days of Monday's
    assert sorted(world.chat_ids()) == sorted(expected)
    world.run(day(9), count=1)
    assert len([p for p in world.chat.posted if p.status < 300]) == 1, "the week's digest is sent; next on Monday"


BAD_LEDGERS = {
    "an id that is a list": ({"days": {"2026-11-16": [["x"]]}}, "is not a list of paper ids"),
    "an id that is a number": ({"days": {"2026-11-16": ["2611.00001", 5]}}, "is not a list of paper ids"),
    "since in words": ({"since": "yesterday"}, 'since "yesterday" is not a date'),
    "since unpadded": ({"since": "2026-11-9"}, 'since "2026-11-9" is not a date'),
    "last in the future": ({"last": "2099-01-01"}, "last 2099-01-01 is after the run's day"),
    "a day in words": ({"days": {"monday": []}}, 'a key of "days" "monday" is not a date'),
    "days a list": ({"days": []}, '"days" is not an object'),
}


@pytest.mark.parametrize("case", sorted(BAD_LEDGERS))
def test_a_badly_edited_ledger_entry_is_dropped_with_one_line_and_the_channel_starts_anew(
        world: World, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    world.settings["email"] = "off"
    world.run(day(0))
    edit, said = BAD_LEDGERS[case]
    ledger = json.loads((world.root / sent.PATH).read_text())
    ledger["channels"][world.key].update(edit)
    (world.root / sent.PATH).write_text(json.dumps(ledger))
    capsys.readouterr()
    result = world.run(day(1))
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("warning: data/delivered.json: channel ") and said in lines[0]
    assert lines[0].endswith("(the channel starts anew)") and "fix: " in lines[0]
    assert world.chat_ids() == world.new[day(0)] + world.new[day(1)]  # anew: this run's papers, nothing twice
    assert result.ledger is not None and sent.entry_problem(result.ledger[world.key], day(1)) is None


@pytest.mark.parametrize("text", ["{", '{"channels": []}', "[]", '\xff'])
def test_an_unreadable_ledger_is_said_once_and_every_channel_starts_anew(
        world: World, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    world.run(day(0))
    (world.root / sent.PATH).write_bytes(text.encode("latin-1"))
    capsys.readouterr()
    world.run(day(1))
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("warning: data/delivered.json: ") and "every channel" in lines[0]
    assert sorted(world.chat_ids()) == sorted(world.new[day(0)] + world.new[day(1)])
    assert set(sent.load(world.root)) == {"email", world.key}


def test_merging_ledgers_leaves_out_badly_edited_entries_without_crashing() -> None:
    good = {"kind": "email", "since": "2026-11-16", "last": "2026-11-18", "days": {"2026-11-18": ["b"]}}
    for bad in ({**good, "days": {"2026-11-18": [["x"]]}}, {**good, "since": "yesterday"}, {**good, "last": 3},
                {**good, "days": []}, "email"):
        ours = sent.dumps({"email": good, "chat-0123456789ab": good})
        theirs = jsonfile_dumps({"channels": {"email": bad, "chat-0123456789ab": bad}})
        for merged in (sent.merge_files(ours, theirs), sent.merge_files(theirs, ours)):
            assert json.loads(merged)["channels"] == {"email": good, "chat-0123456789ab": good}
    never = {**good}
    del never["last"]  # recorded at a first try that failed: no "last" yet
    merged = json.loads(sent.merge_files(sent.dumps({"email": never}), sent.dumps({"email": good})))["channels"]
    assert merged["email"]["last"] == "2026-11-18"


def jsonfile_dumps(data: Any) -> bytes:
    return json.dumps(data).encode()


def test_an_unexpected_error_in_one_channel_is_one_line_and_the_others_still_go(
        world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A bug in one channel's send (not a mail or chat error) is a warning naming the channel by kind and position
    and the error's class, never its text (it may quote a URL's token) nor a traceback; the others go and are noted."""
    from digest import mail

    world.run(day(0))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"token-XYZ in {world.url}")

    monkeypatch.setattr(mail, "compose_tell", broken)
    result = world.run(day(1))
    err = capsys.readouterr().err
    assert result.warnings == ["email not sent: an unexpected RuntimeError (a bug; please report it)"]
    assert result.told == [f"chat 1 (json): 3 papers of {day(1)}"] and result.ledger is not None
    monkeypatch.undo()
    monkeypatch.setattr(chat, "send", broken)
    result = world.run(day(2))
    err += capsys.readouterr().err
    assert result.warnings == ["chat not sent: chat 1 (json): an unexpected RuntimeError (a bug; please report it)"]
    assert result.told and result.told[0].startswith("email: 6 papers")  # day 1's, caught up, and day 2's
    assert "token-XYZ" not in err and "Traceback" not in err and world.url not in err
    monkeypatch.undo()
    world.run(day(3))
    every = [i for ids in world.new.values() for i in ids]
    assert sorted(world.chat_ids()) == sorted(every) and sorted(world.mailed_ids()) == sorted(every)


def test_prune_forgets_old_days_and_channels_no_longer_set_up() -> None:
    ledger: sent.Ledger = {
        "email": {"kind": "email", "since": "2026-09-01", "last": "2026-11-20", "days": {"2026-09-02": ["a"]}},
        "chat-000000000001": {"kind": "json", "since": "2026-09-01", "last": "2026-09-02", "days": {"2026-09-02": ["a"]}},
        "chat-000000000002": {"kind": "json", "since": "2026-09-01", "days": {}},  # failing since: tried today
        "chat-000000000003": {"kind": "json", "since": "2026-11-01", "last": "2026-11-01", "days": {}},
    }
    sent.prune(ledger, "2026-11-20", keep={"chat-000000000002"}.__contains__)
    assert ledger == {"email": {"kind": "email", "since": "2026-09-01", "last": "2026-11-20", "days": {}},
                      "chat-000000000002": {"kind": "json", "since": "2026-09-01", "days": {}},
                      "chat-000000000003": {"kind": "json", "since": "2026-11-01", "last": "2026-11-01", "days": {}}}
