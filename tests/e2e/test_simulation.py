"""Issue 33: two forks over two simulated weeks, one fault-free (the control), one with a fault on chosen days.

The standard an independent 45-day simulation set, held here at a size the suite can afford: against the control,
the faulty fork loses 0 papers, mails no day (and no paper) twice, and no run prints a traceback; every run exits
with the status the command line documents (0 done, 1 a topic could not be fetched, 3 arXiv throttled us), and the
reader's own edits reach origin and stay there.

Each fork is a bare origin that each day's run gets a fresh clone of (as actions/checkout gives the workflow), runs
scripts/update.py in its own process as the workflow does (`--commit --push`, time moved with DAILY_PAPERS_NOW),
asks its own fake arXiv on 127.0.0.1 (both serve the one list of papers, appearing on arXiv's announcement days,
some of them late with earlier dates), mails its digest to its own aiosmtpd server, which requires a login, and posts
it to its own chat webhook (issue 37, through Apprise's json:// URL). Only the faulty fork's arXiv, SMTP server, chat
webhook and reader misbehave; a day whose email or chat failed is caught up by the next good send (issue 37), so
every paper reaches each channel exactly once.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import git
import pytest
from aiosmtpd.controller import Controller
from conftest import REPO, load_store
from fake_arxiv import FakeArxiv, Fault, paper
from fake_chat import FakeChat
from fake_s2 import FakeS2
from fake_smtp import PASSWORD, USER, Inbox, check_login, free_port

# aiosmtpd counts only STARTTLS as TLS; the login goes in plain text to 127.0.0.1, which the run allows (loopback)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

UPDATE = REPO / "scripts" / "update.py"
DROPPED = ("GITHUB_", "LLM_", "S2_", "SMTP_", "MAIL_", "ARXIV_", "DAILY_PAPERS_", "GIT_", "CI")  # the outer world's
START = date(2026, 11, 16)  # a Monday
DAYS = 14
RUN_AT = "T01:30:00Z"  # the workflow's cron: after arXiv's 00:00 UTC announcement
TOPICS = {"Codec": "codec", "Vocoder": "vocoder", "Caption": '"audio caption"'}
WORDS = {"Codec": "codec", "Vocoder": "vocoder", "Caption": "audio caption"}
RENAMED = {"Vocoder": "Neural vocoders"}  # the faulty fork's reader renames a topic (with an alias)
SETTINGS = {"email": "digest", "notify": "chat", "max_tries": 2, "request_timeout": 1, "time_budget": 20}
READER = ("Reader", "reader@example.invalid")
STAR = "2611.00003"  # the paper the reader stars on the site during the race day's run

# The faulty fork's day (1-based) -> its fault, and every day's exit status the command line documents.
RACE, RENAME, RERUN = 8, 10, 11
ARXIV_FAULTS = {
    2: Fault("status", 503, b"Service Unavailable", times=99),  # arXiv down all run: topics not fetched
    4: Fault("status", 429, b"Rate exceeded.", times=99),  # throttled
    5: Fault("status", 406, b"Not Acceptable", times=99),  # arXiv's edge shedding load the 2026 way
    9: Fault("hang", seconds=2.5, times=99),  # answers that never come within request_timeout
    12: Fault("status", 503, b"Service Unavailable", times=1),  # one bad answer, the retry succeeds
}
SMTP_FAULTS = {1: "refuse", 6: "refuse", 11: "drop"}  # day 1: a channel's first send fails (caught up too)
CHAT_FAULTS = {1: 503, 3: 503, 10: 404, 11: 500}  # the chat webhook's answer on those days
EXPECTED_FAULTY = {2: 1, 4: 3, 5: 3, 9: 1}  # any other day: 0


# --- the world ----------------------------------------------------------------------------------------------------

class Mailbox(Inbox):
    """An SMTP server's handler that can refuse the day's message (451 at DATA) or hang up after MAIL FROM."""

    mode: str = "ok"

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802 - aiosmtpd's
                          options: list[str]) -> str:
        if self.mode == "drop":
            server.transport.close()
            return "421 4.3.2 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's
        if self.mode == "refuse":
            return "451 4.3.0 mailbox temporarily unavailable, try again later"
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Fork:
    """A bare origin, its fake arXiv and SMTP server, and what each run printed and returned."""

    name: str
    top: Path
    bare: git.Repo
    arxiv: FakeArxiv
    inbox: Mailbox
    env: dict[str, str]
    chat: FakeChat
    codes: dict[str, int] = field(default_factory=dict)  # run label -> exit status
    outputs: dict[str, str] = field(default_factory=dict)  # run label -> stdout + stderr

    def clone(self, label: str) -> Path:
        target = self.top / label
        git.Repo.clone_from(str(self.bare.git_dir), target)
        return target

    def run(self, label: str, moment: str) -> None:
        """One workflow run: a fresh checkout of origin, then update.py --commit --push at the given moment."""
        work = self.clone(label)
        self.arxiv.date = moment
        done = subprocess.run([sys.executable, str(UPDATE), "--root", str(work), "--commit", "--push", "-q"],
                              env=self.env | {"DAILY_PAPERS_NOW": moment}, capture_output=True, text=True,
                              timeout=120)
        self.codes[label] = done.returncode
        self.outputs[label] = done.stdout + done.stderr

    def reader_commits(self, label: str, path: str, text: str, message: str) -> str:
        """The reader edits a file on GitHub (or the site's Save button does): a commit pushed to origin."""
        clone = git.Repo.clone_from(str(self.bare.git_dir), self.top / label)
        with clone.config_writer() as writer:
            writer.set_value("user", "name", READER[0]).set_value("user", "email", READER[1])
        target = Path(clone.working_tree_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        clone.git.add(path)
        clone.git.commit("-m", message)
        clone.git.push("origin", "main")
        return clone.head.commit.hexsha


def keywords(renamed: bool) -> str:
    topics = []
    for name, query in TOPICS.items():
        topic: dict[str, Any] = {"name": RENAMED.get(name, name) if renamed else name, "query": query}
        if renamed and name in RENAMED:
            topic["aliases"] = [name]
        topics.append(topic)
    return json.dumps({"topics": topics, "settings": SETTINGS}, indent=2) + "\n"


def make_fork(top: Path, name: str, papers: list[dict[str, Any]], s2: str, chat: FakeChat) -> tuple[Fork, Controller]:
    top = top / name
    top.mkdir()
    bare = git.Repo.init(top / "remote.git", bare=True, initial_branch="main")
    arxiv = FakeArxiv()
    arxiv.papers = papers  # the same list as the other fork's: one arXiv, two endpoints
    inbox = Mailbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check_login, auth_required=True,
                            auth_require_tls=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)} | {
        "GIT_AUTHOR_NAME": "github-actions[bot]", "GIT_COMMITTER_NAME": "github-actions[bot]",
        "GIT_AUTHOR_EMAIL": "bot@example.invalid", "GIT_COMMITTER_EMAIL": "bot@example.invalid",
        "ARXIV_API_URL": arxiv.url, "ARXIV_REQUEST_DELAY": "0", "ARXIV_BACKOFF_SECONDS": "0.01",
        "GITHUB_REPOSITORY": f"octo/{name}", "S2_API_URL": s2,
        "SMTP_SERVER": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_SECURITY": "none", "SMTP_USERNAME": USER,
        "SMTP_PASSWORD": PASSWORD, "MAIL_FROM": f"Daily Papers <{USER}>", "MAIL_TO": "reader@example.org",
        "NOTIFY_URLS": f"json://{chat.hostport}/{name}"}
    fork = Fork(name, top, bare, arxiv, inbox, env, chat)
    fork.reader_commits("setup", "keywords.yaml", keywords(renamed=False), "My topics")
    return fork, controller


# --- arXiv's papers, day by day -----------------------------------------------------------------------------------

def stamp(day: date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def announce(papers: list[dict[str, Any]], day: date, rng: random.Random, serial: list[int]) -> None:
    """What arXiv announces at 00:00 UTC of `day` (Monday to Friday): each topic's new papers, dated the previous
    day or, when moderation held them, up to 9 days earlier; sometimes one of two topics, or a paper's new version."""
    if day.weekday() >= 5:
        return
    for word in WORDS.values():
        for _ in range(rng.randint(1, 3)):
            serial[0] += 1
            late = rng.choice([1, 1, 1, 2, 4, 7, 9])
            papers.append(paper(f"2611.{serial[0]:05d}", f"A {word} model number {serial[0]}",
                                updated=stamp(day - timedelta(days=late), rng.randint(0, 23))))
    if rng.random() < 0.5:
        serial[0] += 1
        papers.append(paper(f"2611.{serial[0]:05d}", f"A codec inside a neural vocoder {serial[0]}",
                            updated=stamp(day - timedelta(days=1), 15)))
    if rng.random() < 0.4:
        old = rng.choice(papers)
        old.update(version=old["version"] + 1, updated=stamp(day - timedelta(days=1), 18))


def day_of(number: int) -> date:
    return START + timedelta(days=number - 1)


# --- the simulation -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Fork, Fork]:
    """Both forks after DAYS days (and one re-run the same day in each): the control and the faulty one."""
    rng = random.Random(33)
    serial = [0]
    papers: list[dict[str, Any]] = []
    for back in range(10, 3, -1):  # what arXiv holds before the forks' first run
        announce(papers, START - timedelta(days=back), rng, serial)
    top = tmp_path_factory.mktemp("simulation")
    with FakeS2() as s2, FakeChat() as control_chat, FakeChat() as faulty_chat:
        control, control_smtp = make_fork(top, "control", papers, s2.url, control_chat)
        faulty, faulty_smtp = make_fork(top, "faulty", papers, s2.url, faulty_chat)
        with control.arxiv, faulty.arxiv:
            control_smtp.start()
            faulty_smtp.start()
            try:
                for number in range(1, DAYS + 1):
                    day = day_of(number)
                    announce(papers, day, rng, serial)
                    moment = day.isoformat() + RUN_AT
                    control.run(f"day{number:02d}", moment)
                    prepare_faults(faulty, number)
                    faulty.run(f"day{number:02d}", moment)
                    faulty.arxiv.faults.clear()
                    faulty.arxiv.reorder = None
                    faulty.inbox.mode = "ok"
                    faulty.chat.status = 200
                    if number == RERUN:  # the job re-run by hand later the same day
                        for fork in (control, faulty):
                            fork.run(f"day{number:02d}-rerun", day.isoformat() + "T09:00:00Z")
            finally:
                control_smtp.stop()
                faulty_smtp.stop()
    return control, faulty


def prepare_faults(fork: Fork, number: int) -> None:
    """The faulty fork's trouble for day `number`."""
    if number in ARXIV_FAULTS:
        fault = ARXIV_FAULTS[number]
        fork.arxiv.faults.append(Fault(fault.kind, fault.status, fault.body, dict(fault.headers), fault.match,
                                       fault.times, fault.seconds))
    fork.inbox.mode = SMTP_FAULTS.get(number, "ok")
    fork.chat.status = CHAT_FAULTS.get(number, 200)
    if number == RENAME:
        fork.reader_commits("rename", "keywords.yaml", keywords(renamed=True), "Rename Vocoder, keep its old name")
    if number == RACE:
        raced: list[str] = []

        def star_during_the_run(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
            """While the run talks to arXiv, the reader's Save button commits a starred id: origin moves on."""
            if not raced:
                raced.append(fork.reader_commits("star", "interests/starred.txt", f"{STAR}\n", "Save starred papers"))
            return found

        fork.arxiv.reorder = star_during_the_run


# --- what each fork ended with --------------------------------------------------------------------------------------

def published(fork: Fork) -> Path:
    target = fork.top / "published"
    if not target.exists():
        git.Repo.clone_from(str(fork.bare.git_dir), target)
    return target


def membership(records: dict[str, dict[str, Any]]) -> dict[str, tuple[int, frozenset[str]]]:
    """Each stored paper's version and topics, the renamed topic counted under its new name."""
    return {pid: (r["version"], frozenset(RENAMED.get(t, t) for t in r["topics"])) for pid, r in records.items()}


def mailed_ids(fork: Fork) -> list[str]:
    """The papers each message listed, in the plain-text part, message after message."""
    ids: list[str] = []
    for received in fork.inbox.received:
        plain = received.message.get_body(("plain",)).get_content()
        ids += list(dict.fromkeys(re.findall(r"arxiv\.org/abs/(2611\.\d{5})", plain)))
    return ids


def digest_dates(fork: Fork) -> list[str]:
    return [re.sub(r"^Daily Papers, (\d{4}-\d{2}-\d{2}):.*$", r"\1", r.message["Subject"]) for r in fork.inbox.received]


def test_no_run_prints_a_traceback(simulated: tuple[Fork, Fork]) -> None:
    for fork in simulated:
        broken = {label: out for label, out in fork.outputs.items() if "Traceback" in out}
        assert not broken, f"{fork.name}: {next(iter(broken.values()), '')[-3000:]}"


def test_every_run_exits_with_its_documented_status(simulated: tuple[Fork, Fork]) -> None:
    control, faulty = simulated
    assert set(control.codes.values()) == {0}, {k: (c, control.outputs[k]) for k, c in control.codes.items() if c}
    expected = {label: EXPECTED_FAULTY.get(int(label[3:5]), 0) for label in faulty.codes}
    wrong = {label: (code, faulty.outputs[label][-1500:]) for label, code in faulty.codes.items()
             if code != expected[label]}
    assert not wrong, wrong


def test_the_faulty_fork_loses_no_paper_of_the_control(simulated: tuple[Fork, Fork]) -> None:
    control, faulty = simulated
    ours, theirs = load_store(published(control)), load_store(published(faulty))
    assert len(ours) > 40
    lost = sorted(set(ours) - set(theirs))
    assert not lost, f"{len(lost)} of {len(ours)} papers the control stored are missing: {lost[:10]}"
    expected, got = membership(ours), membership(theirs)
    differ = {pid: (expected[pid], got[pid]) for pid in expected if got[pid] != expected[pid]}
    assert not differ, differ
    assert set(theirs) == set(ours), sorted(set(theirs) - set(ours))


def test_the_control_mails_every_paper_once_and_one_message_a_day(simulated: tuple[Fork, Fork]) -> None:
    control, _ = simulated
    dates = digest_dates(control)
    assert dates and len(dates) == len(set(dates)), Counter(dates)
    ids = mailed_ids(control)
    assert sorted(ids) == sorted(load_store(published(control))), "each stored paper mailed exactly once"


def test_the_faulty_fork_mails_every_paper_once_catching_up_the_failed_days(simulated: tuple[Fork, Fork]) -> None:
    """Issue 37: the papers of the days the SMTP server refused or hung up are in the next email that went through,
    marked with their own date; every stored paper is mailed exactly once (the simulation lost 18 before)."""
    _, faulty = simulated
    dates = digest_dates(faulty)
    assert len(dates) == len(set(dates)), Counter(dates)
    message_ids = [r.message["Message-ID"] for r in faulty.inbox.received]
    assert len(message_ids) == len(set(message_ids))
    ids = mailed_ids(faulty)
    twice = [pid for pid, n in Counter(ids).items() if n > 1]
    assert not twice, twice
    root = published(faulty)
    failed: set[str] = set()
    for number in SMTP_FAULTS:
        record = json.loads((root / "data" / "digests" / f"{day_of(number).isoformat()}.json").read_text())
        failed |= {pid for ids_ in record["new"].values() for pid in ids_}
        assert "warning: email not sent" in faulty.outputs[f"day{number:02d}"]
    assert failed, "the SMTP faults fell on days with nothing new: they tested nothing"
    bodies = [r.message.get_body(("plain",)).get_content() for r in faulty.inbox.received]
    # a catch-up of day 1 (46 papers) lists 25 a topic, as any email does; the rest are counted ("... and 1 more")
    beyond = sum(int(n) for body in bodies for n in re.findall(r"^\.\.\. and (\d+) more", body, re.MULTILINE))
    assert set(ids) <= set(load_store(root)) and len(ids) + beyond == len(load_store(root)), \
        sorted(set(load_store(root)) - set(ids))
    assert any(f"Also from days not sent before: {day_of(6).isoformat()}" in b for b in bodies)
    assert any(f"Also from days not sent before: {day_of(1).isoformat()}" in b for b in bodies)


@pytest.mark.parametrize("which", [0, 1])
def test_each_fork_posts_every_paper_to_its_chat_once(simulated: tuple[Fork, Fork], which: int) -> None:
    """Issue 37: the chat channel's record (data/delivered.json, pushed after each send) holds every stored paper,
    and no paper is listed in two posts that went through, though the faulty fork's webhook failed on three days."""
    fork = simulated[which]
    root = published(fork)
    ledger = json.loads((root / "data" / "delivered.json").read_text())["channels"]
    chat = next(name for name in ledger if name.startswith("chat-"))  # named by its URL's key, not its position
    assert set(ledger) == {chat, "email"} and ledger[chat]["kind"] == "json" and ledger["email"]["kind"] == "email"
    assert not any(chat.removeprefix("chat-") in out for out in fork.outputs.values())  # the key is the ledger's alone
    for channel in (chat, "email"):
        got = [i for ids_ in ledger[channel]["days"].values() for i in ids_]
        assert sorted(got) == sorted(load_store(root)), channel
    statuses = CHAT_FAULTS if fork.name == "faulty" else {}
    taken = [p for p in fork.chat.posted if p.status == 200]
    assert len(taken) < len(fork.chat.posted) if statuses else taken == fork.chat.posted
    listed = [i for p in taken for i in dict.fromkeys(re.findall(r"arxiv\.org/abs/(2611\.\d{5})", p.json()["message"]))]
    assert len(listed) == len(set(listed)) and listed
    for number in statuses:
        assert "warning: chat not sent: chat 1 (json)" in fork.outputs[f"day{number:02d}"]


def test_the_readers_own_edits_reach_origin_and_stay(simulated: tuple[Fork, Fork]) -> None:
    _, faulty = simulated
    log = list(faulty.bare.iter_commits("main"))
    by_reader = [c for c in log if c.author.name == READER[0]]
    assert {c.message.strip() for c in by_reader} == {"My topics", "Save starred papers",
                                                      "Rename Vocoder, keep its old name"}
    root = published(faulty)
    assert (root / "interests" / "starred.txt").read_text() == f"{STAR}\n"
    assert (root / "keywords.yaml").read_text() == keywords(renamed=True)
    assert "push rejected" in faulty.outputs[f"day{RACE:02d}"], "the race day's push was never raced"
    star = next(i for i, c in enumerate(log) if c.message.strip() == "Save starred papers")
    rebuilt = log[star - 1]  # the race day's commit, made again on the reader's
    assert rebuilt.author.name == "github-actions[bot]" and rebuilt.parents == (log[star],)
    assert faulty.bare.is_ancestor(log[star].hexsha, log[0].hexsha)
