"""Issue 37: chat and push channels through Apprise, over real HTTP to a webhook on 127.0.0.1.

Apprise's generic json:// and form:// URLs reach the local server as they are; Slack, Discord and Telegram have
their hosts built in, so their plugins' endpoints are pointed at the local server here, and what each would post
is checked: the body, its escaping, its length. A recognisable fake token rides in every URL and must appear in no
output, log line, warning or exception.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import yaml
from conftest import REPO
from fake_chat import FakeChat
from fake_smtp import Server

from digest.delivery import chat, dispatch, tell

TOKEN = "FAKETOKEN7c1d9e"  # must never be printed or logged (letters and digits: every service's token format takes it)
DAY = "2026-11-20"
SITE = "https://owner.github.io/repo/"


def stored(paper_id: str, title: str, line: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"id": paper_id, "title": title, "authors": ["A. Author"], "abstract": "An abstract.",
                              "topics": ["Codec"], "version": 1, "published": f"{DAY}T00:00:00Z"}
    if line:
        record["tldr"] = {"text": line, "model": "m", "source": "model", "version": 1}
    return record


def day_of(count: int, hostile: bool = False) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    papers = {f"2611.{i:05d}": stored(f"2611.{i:05d}", f"Paper {i} on codecs", f"It does thing {i}.")
              for i in range(1, count + 1)}
    if hostile:
        papers["2611.00001"]["title"] = "@everyone <@123456> [click](https://evil.example) *bold* _x_ <b>hi</b> @here"
    ids = list(papers)
    record = {"date": DAY, "new": {"Codec": ids[: count // 2 + 1], "Vocoder": ids[count // 2:]},
              "picks": [{"id": ids[-1], "score": 0.9, "because": {"id": "2601.00001", "title": "A liked paper"}}]}
    return record, papers


def told(record: dict[str, Any], papers: dict[str, Any], every: str = "day") -> tell.Tell:
    return tell.build([record], papers, "Daily Papers", DAY, every, SITE, None)


@pytest.fixture
def server() -> Iterator[FakeChat]:
    with FakeChat() as fake:
        yield fake


@pytest.fixture(autouse=True)
def no_token_anywhere(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """After each test: the fake token is in nothing printed (by Python or below it) or logged (Apprise's and
    urllib3's DEBUG lines included)."""
    caplog.set_level(logging.DEBUG)
    yield
    out, err = capfd.readouterr()
    assert TOKEN not in out + err
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


def send(url: str, message: tell.Tell, papers: dict[str, Any], **kwargs: Any) -> dispatch.Delivered:
    found, problems = chat.channels({"NOTIFY_URLS": url}, kwargs.pop("timeout", 2.0))
    result = dispatch.Delivered()
    for channel in found:
        dispatch.send_chat(channel, message, papers, True, kwargs.pop("deadline", 10.0), result)
    result.warnings += problems
    return result


# --- the message over json:// and form:// ------------------------------------------------------------------------

def test_a_day_goes_to_a_json_webhook_as_short_markdown(server: FakeChat) -> None:
    record, papers = day_of(14)
    result = send(f"json://user:{TOKEN}@{server.hostport}/hook", told(record, papers), papers)
    assert not result.warnings
    (posted,) = server.posted
    assert posted.path == "/hook"
    body = posted.json()["message"]
    assert body.startswith("**Daily Papers, 2026\\-11\\-20**: 14 new (Codec 8, Vocoder 7)") or \
        body.startswith("**Daily Papers, 2026-11-20**: 14 new (Codec 8, Vocoder 7)"), body[:80]
    assert body.count("https://arxiv.org/abs/") == 10, "at most 10 papers"
    assert "**Picks for you**\n• [Paper 14 on codecs](https://arxiv.org/abs/2611.00014)" in body
    assert "It does thing 14\\." in body or "It does thing 14." in body
    assert f"… and 4 more: {SITE}days/{DAY}.html" in body


def test_form_and_plain_text_webhooks_get_plain_text(server: FakeChat) -> None:
    record, papers = day_of(3)
    assert not send(f"form://{server.hostport}/f?format=text", told(record, papers), papers).warnings
    body = server.posted[0].form()["message"]
    assert body.startswith("Daily Papers, 2026-11-20: 3 new (Codec 2, Vocoder 2)")
    assert "- Paper 1 on codecs · Codec\n  It does thing 1.\n  https://arxiv.org/abs/2611.00001" in body
    assert "**" not in body and "[" not in body


def test_hostile_titles_are_escaped_and_ping_nobody_in_every_format(server: FakeChat) -> None:
    record, papers = day_of(3, hostile=True)
    message = told(record, papers)
    for fmt in ("markdown", "text", "html"):
        body = chat.render(chat.view(message, papers), fmt)
        assert "@everyone" not in body and "@here" not in body and "<@123456>" not in body
        assert "@\u200beveryone" in body
        if fmt == "markdown":
            assert "](https://evil.example)" not in body.replace("\\](", "")
    markdown = chat.render(chat.view(message, papers), "markdown")
    assert "\\[click\\]\\(https://evil.example\\) \\*bold\\* \\_x\\_ \\<b\\>hi\\</b\\>" in markdown
    html = chat.render(chat.view(message, papers), "html")
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and "<b>hi</b>" not in html


def catch_up_of(days: int) -> tuple[tell.Tell, dict[str, Any]]:
    """A message for DAY that also carries `days` earlier days of one paper each (the newest 7 listed, the rest
    linked) and 11 papers today, so it lists some, says "and N more" and links the older days."""
    papers = {f"2611.{i:05d}": stored(f"2611.{i:05d}", f"Title {i}", f"Line {i}.") for i in range(1, 12 + days)}
    ids = list(papers)
    records = [{"date": DAY, "new": {"A": ids[:11]}, "picks": [{"id": ids[1], "score": 1.0}]}]
    records += [{"date": f"2026-11-{19 - n:02d}", "new": {"B": [ids[11 + n]]}, "picks": []} for n in range(days)]
    return tell.build(records, papers, "Daily Papers", DAY, "day", SITE, None), papers


@pytest.mark.parametrize(("fmt", "picks", "bullet"), [("markdown", "**Picks for you**", "• ["),
                                                     ("html", "<b>Picks for you</b>", "• <a href"),
                                                     ("text", "Picks for you", "- Title")])
def test_each_summary_is_on_its_own_line_and_a_blank_line_goes_before_each_section(fmt: str, picks: str,
                                                                                   bullet: str) -> None:
    message, papers = catch_up_of(9)
    lines = chat.render(chat.view(message, papers), fmt).split("\n")
    heading = [i for i, line in enumerate(lines) if line in (picks, picks.replace("Picks for you", "New"))]
    assert len(heading) == 2
    starts = ("Also from days", "… and", "... and", "Earlier days")
    sections = heading + [i for i, line in enumerate(lines) if line.startswith(starts)]
    assert len(sections) == 5, lines
    assert all(lines[i - 1] == "" and lines[i - 2] != "" for i in sections), lines  # one blank line before each
    assert lines[0].endswith(": 17 new (A 11, B 6)") and lines[1] == ""  # 7 days listed, 3 linked
    titles = [i for i, line in enumerate(lines) if line.startswith(bullet)]
    assert len(titles) == chat.PAPERS
    for i in titles:
        assert "Line" not in lines[i], lines[i]  # the title line ends before the summary
        summary = lines[i + 1]
        assert re.fullmatch(r"  (<i>)?Line \d+\.(</i>)?", summary), summary
        if fmt == "text":
            assert re.fullmatch(r"  https://arxiv\.org/abs/2611\.\d{5}", lines[i + 2])
    assert lines[-1] == "" and lines[-2].startswith("Earlier days, not listed here: ")


def test_the_markdown_message_is_line_by_line_what_the_reader_sees() -> None:
    message, papers = catch_up_of(1)
    body = chat.render(chat.view(message, papers, most=2), "markdown")
    assert body == (
        "**Daily Papers, 2026-11-20**: 12 new (A 11, B 1)\n"
        "\n"
        f"Also from days not sent before: [2026-11-19]({SITE}days/2026-11-19.html) (1)\n"
        "\n"
        "**Picks for you**\n"
        "• [Title 2](https://arxiv.org/abs/2611.00002) (2026-11-20) · A\n"
        "  Line 2.\n"
        "\n"
        "**New**\n"
        "• [Title 1](https://arxiv.org/abs/2611.00001) (2026-11-20) · A\n"
        "  Line 1.\n"
        "\n"
        f"… and 10 more: {SITE}days/{DAY}.html\n"), body


def many_topics(count: int = 60) -> tuple[tell.Tell, dict[str, Any]]:
    """A day of `count` topics with long names full of characters each format escapes, one paper each."""
    papers = {f"2611.{n:05d}": stored(f"2611.{n:05d}", f"T{n}") for n in range(1, count + 1)}
    record = {"date": DAY, "new": {f"Topic number {n} about <b>speech & audio</b> *stuff* [x]": [f"2611.{n:05d}"]
                                   for n in range(1, count + 1)}, "picks": []}
    return tell.build([record], papers, "Daily Papers", DAY, "day", SITE, None), papers


def markup_is_whole(body: str, fmt: str) -> None:
    """No cut entity, escape or tag: what the cut in fit() used to leave."""
    if fmt == "html":
        assert not re.search(r"&(?!(?:lt|gt|amp|quot|#\d+);)", body), body[-200:]
    if fmt == "slack":  # before Apprise's step, which makes \< &lt; and drops the backslash before ()[]!#
        assert not re.search(r"\\(?![<>\[\]()!#\u200b])", body), body[-200:]
    if fmt == "html":
        for tag in ("b", "i", "a"):
            assert body.count(f"<{tag}>") + body.count(f"<{tag} ") == body.count(f"</{tag}>"), tag
    if fmt == "markdown":
        assert not re.search(r"\\(?![\\`*_{}\[\]()<>#+!|~])", body), body[-200:]
        assert body.count("**") % 2 == 0
    assert not body.rstrip("\n").endswith(("…", "\\", "&", "<"))


@pytest.mark.parametrize(("fmt", "limit"), [("markdown", 2000), ("slack", 2000), ("html", 4000), ("text", 2000),
                                             ("markdown", 200)])
def test_a_day_of_many_long_topic_names_names_fewer_and_keeps_the_link(fmt: str, limit: int) -> None:
    message, papers = many_topics()
    body = chat.fit(message, papers, fmt, limit)
    assert len(body) <= limit
    assert f"{SITE}days/{DAY}.html" in body and re.search(r"(…|\.\.\.) and 60 more", body), body
    assert re.search(r"(, \d+ more topics|\(60 topics)\)\n", body), body
    markup_is_whole(body, fmt)


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_weeks_of_earlier_days_are_counted_when_they_would_not_fit(fmt: str) -> None:
    message, papers = catch_up_of(40)
    body = chat.fit(message, papers, fmt, 300)
    assert len(body) <= 300, body
    assert f"{SITE}days/{DAY}.html" in body and re.search(r"\d+ (more )?days\n", body), body
    markup_is_whole(body, fmt)


# --- Slack, Discord and Telegram: their plugins pointed at the local server ------------------------------------

@pytest.fixture
def services(server: FakeChat, monkeypatch: pytest.MonkeyPatch) -> FakeChat:
    from apprise.plugins import discord, slack, telegram

    monkeypatch.setattr(slack.NotifySlack, "webhook_url", f"{server.origin}/slack")
    monkeypatch.setattr(discord.NotifyDiscord, "notify_url", f"{server.origin}/discord")
    monkeypatch.setattr(telegram.NotifyTelegram, "notify_url", f"{server.origin}/bot")
    return server


def test_slack_gets_mrkdwn_with_its_own_links_and_entities(services: FakeChat) -> None:
    record, papers = day_of(3, hostile=True)
    papers["2611.00002"]["title"] = "`code` ~strike~ a|b 1+1 {x} \\alpha & <!channel> (1) #2 [3]!"
    papers["2611.00002"]["tldr"]["text"] = "It uses *stars* and snake_case_names."
    assert not send(f"slack://T1JJ3T3L2/A1BRTD4JD/{TOKEN}abcdefghi", told(record, papers), papers).warnings
    (posted,) = services.posted
    payload = posted.json()
    assert payload["mrkdwn"] is True  # a webhook URL: Slack's legacy attachment, its text in mrkdwn
    body = payload["attachments"][0]["text"]
    assert body.startswith("*Daily Papers, 2026-11-20*: 3 new (Codec 2, Vocoder 2)\n\n")
    assert "<https://arxiv.org/abs/2611.00003|Paper 3 on codecs>" in body
    # Slack's documented escape for its control characters, & < >; no ping, no live tag
    assert "&lt;@\u200b123456&gt;" in body and "&lt;b&gt;hi&lt;/b&gt;" in body and "<!everyone>" not in body
    assert "@\u200beveryone" in body and "@\u200bhere" in body and "<!channel>" not in body
    assert "[click](https://evil.example)" in body and "|click>" not in body  # text, not a Slack link
    # mrkdwn has no backslash escapes: none is added, and the paper's own markup formats nothing
    title = "ˋcodeˋ \u200b~\u200bstrike\u200b~\u200b a|b 1+1 {x} \\\u200balpha &amp; &lt;!channel&gt; (1) #2 [3]!"
    assert f"<https://arxiv.org/abs/2611.00002|{title}>" in body, body
    assert "\n  It uses ∗stars∗ and snake\u200b_\u200bcase\u200b_\u200bnames.\n" in body
    assert not re.search(r"\\[*_~`|+{}()\[\]!#<>&@-]", body), body


def test_discord_fits_2000_characters_and_pings_nobody(services: FakeChat) -> None:
    record, papers = day_of(60, hostile=True)
    for paper in papers.values():
        paper["title"] = paper["title"] + " with a long subtitle " * 6
    assert not send(f"discord://4174216298/{TOKEN}", told(record, papers), papers).warnings
    (posted,) = services.posted
    payload = posted.json()
    body = payload["content"]
    assert len(body) <= 2000 and body.count("https://arxiv.org/abs/") >= 3
    assert "@everyone" not in body and "@here" not in body and not re.search(r"<@\d", body)
    assert "… and " in body


def test_telegram_gets_html_within_4096_characters(services: FakeChat) -> None:
    record, papers = day_of(60, hostile=True)
    assert not send(f"tgram://123456789:{TOKEN}/-1001234567890", told(record, papers), papers).warnings
    posted = [p for p in services.posted if p.path.endswith("/sendMessage")]
    (message,) = posted
    payload = message.json()
    assert payload["parse_mode"] == "HTML" and len(payload["text"]) <= 4096
    assert '<a href="https://arxiv.org/abs/2611.00060">Paper 60 on codecs</a>' in payload["text"]
    assert "&lt;b&gt;hi&lt;/b&gt;" in payload["text"]
    assert message.path == f"/bot123456789:{TOKEN}/sendMessage"  # Telegram's API: the token is its own path part
    assert payload["chat_id"] == -1001234567890 and TOKEN not in payload["text"]


@pytest.mark.parametrize(("url", "fmt"), [("ntfys://ntfy.sh/my-lab-papers", "text"), ("ntfy://ntfy.sh/topic", "text"),
                                          ("discord://4174216298/abc", "markdown"),
                                          ("slack://T1JJ3T3L2/A1BRTD4JD/abcdefghi", "slack"),
                                          ("tgram://123456789:abc/-1001234567890", "html"),
                                          ("lark://abcdefabcdefabcdefabcdefabcdefab", "text")])
def test_each_kind_gets_the_format_docs_chat_md_names(url: str, fmt: str) -> None:
    (channel,), problems = chat.channels({"NOTIFY_URLS": url})
    assert not problems and chat.format_of(channel.plugin, channel.kind) == fmt
    doc = (REPO / "docs" / "chat.md").read_text()
    named = {"text": "The message is plain text", "markdown": "no paper text can ping anyone",
             "slack": "Slack's own Markdown (mrkdwn)", "html": "Telegram's HTML"}
    assert named[fmt].lower() in doc.lower()


# --- faults: one line naming the channel by position and kind, never its URL -------------------------------------

@pytest.mark.parametrize(("status", "words"), [(404, "answered HTTP 404; check the URL's token"),
                                               (403, "answered HTTP 403"), (503, "answered HTTP 503")])
def test_a_refusing_or_failing_service_is_one_line(server: FakeChat, status: int, words: str) -> None:
    server.status = status
    record, papers = day_of(2)
    result = send(f"json://{server.hostport}/{TOKEN}", told(record, papers), papers)
    assert result.warnings == [f"chat not sent: chat 1 (json) {words}" + result.warnings[0].split(words, 1)[1]]
    assert TOKEN not in result.warnings[0]


def test_a_slow_service_times_out(server: FakeChat) -> None:
    server.delay = 3
    record, papers = day_of(2)
    result = send(f"json://{server.hostport}/{TOKEN}", told(record, papers), papers, timeout=0.5)
    assert len(result.warnings) == 1 and "chat 1 (json)" in result.warnings[0]
    assert re.search(r"did not (answer|finish) within", result.warnings[0]), result.warnings


def test_a_service_that_never_answers_is_cut_off_by_the_deadline(server: FakeChat) -> None:
    server.silent = True
    record, papers = day_of(2)
    started = time.monotonic()
    result = send(f"json://{server.hostport}/{TOKEN}", told(record, papers), papers, timeout=20, deadline=1.5)
    assert time.monotonic() - started < 5
    assert result.warnings == ["chat not sent: chat 1 (json) did not finish within 1.5 s"]


def test_a_malformed_entry_is_named_by_position_and_the_others_still_go(server: FakeChat) -> None:
    record, papers = day_of(2)
    urls = f"json://{server.hostport}/a\nnot-a-url-{TOKEN}\nbogus://{TOKEN}@x\njson://{server.hostport}/b"
    result = send(urls, told(record, papers), papers)
    assert [p.path for p in server.posted] == ["/a", "/b"]
    assert len(result.warnings) == 2
    assert result.warnings[0].startswith("NOTIFY_URLS entry 2 is not an Apprise URL")
    assert result.warnings[1].startswith("NOTIFY_URLS entry 3 is not an Apprise URL")
    assert all(TOKEN not in w for w in result.warnings)


def test_a_malformed_answer_logs_nothing_that_quotes_the_url(server: FakeChat, capfd: pytest.CaptureFixture[str],
                                                              caplog: pytest.LogCaptureFixture) -> None:
    server.malformed = True  # urllib3 warns "Failed to parse headers (url=…/TOKEN)" with a traceback
    record, papers = day_of(2)
    result = send(f"json://{server.hostport}/hooks/{TOKEN}", told(record, papers), papers)
    assert not result.warnings and len(server.posted) == 1
    out, err = capfd.readouterr()
    assert TOKEN not in out + err and "Failed to parse headers" not in err
    assert not [r for r in caplog.records if r.name.startswith(("urllib3", "requests"))]
    logging.getLogger("urllib3.connectionpool").warning("the fetch's own urllib3 lines still reach the log")
    assert "the fetch's own urllib3 lines" in caplog.text, "only the send's threads are silenced"


def test_warnings_and_library_logs_from_a_send_are_kept_in(capfd: pytest.CaptureFixture[str],
                                                           caplog: pytest.LogCaptureFixture) -> None:
    class Leaky:  # a plugin whose libraries warn and log with the URL
        socket_read_timeout = 1.0

        def notify(self, **kwargs: Any) -> bool:
            warnings.warn(f"Unverified request to https://host/{TOKEN}", UserWarning, stacklevel=1)
            for name in ("urllib3.connectionpool", "urllib3.connection", "requests", "apprise"):
                logging.getLogger(name).warning("url=https://host/%s", TOKEN)
            return True

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        chat.send(chat.Channel(1, "json", Leaky()), "body", "text", deadline=5)
    out, err = capfd.readouterr()
    assert TOKEN not in out + err and TOKEN not in caplog.text


def test_update_test_notify_prints_no_token_when_the_answer_is_malformed(server: FakeChat, tmp_path: Any) -> None:
    server.malformed = True
    (tmp_path / "keywords.yaml").write_text("topics:\n  - name: Codec\n    query: codec\nsettings:\n  notify: [chat]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_", "NOTIFY_", "GITHUB_"))}
    env["NOTIFY_URLS"] = f"json://{server.hostport}/hooks/{TOKEN}"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "update.py"), "--root", str(tmp_path),
                           "--test-notify"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "test message sent to chat 1 (json)\n", done.stdout + done.stderr
    assert TOKEN not in done.stdout + done.stderr and "Traceback" not in done.stderr, done.stderr


def test_entries_split_on_lines_spaces_and_commas_before_a_url() -> None:
    assert chat.entries("json://a/b, discord://1/2\n\n  tgram://3/4;ntfys://h/t?x=1,2") == \
        ["json://a/b", "discord://1/2", "tgram://3/4", "ntfys://h/t?x=1,2"]
    assert chat.entries("") == [] and chat.entries(None) == []


def test_the_test_message_reaches_every_channel(server: FakeChat, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Any) -> None:
    env = {"NOTIFY_URLS": f"json://{server.hostport}/one form://{server.hostport}/two?format=text"}
    warnings = dispatch.test_send({"notify": ["chat"], "title": "Lab papers"}, env, datetime(2026, 11, 20), DAY, tmp_path)
    assert not warnings
    assert [p.path for p in server.posted] == ["/one", "/two"]
    assert "Lab papers" in server.posted[0].json()["message"] and "--test-notify" in server.posted[1].form()["message"]


@pytest.mark.parametrize("urls", [None, "", " \n "])
def test_the_test_send_says_so_when_notify_names_chat_but_no_url_is_set(urls: str | None, tmp_path: Any) -> None:
    env = {} if urls is None else {"NOTIFY_URLS": urls}
    warnings = dispatch.test_send({"notify": ["issue", "chat"]}, env, datetime(2026, 11, 20), DAY, tmp_path)
    assert warnings[0] == dispatch.no_urls() and "secret NOTIFY_URLS is not set" in warnings[0]
    assert warnings[1].startswith("nothing was sent: settings.email is not digest and no SMTP_SERVER is set, and the "
                                  "secret NOTIFY_URLS is not set; set settings.email: digest")
    assert len(warnings) == 2


def test_the_test_send_with_nothing_set_up_or_usable_says_nothing_was_sent(tmp_path: Any) -> None:
    (line,) = dispatch.test_send({"notify": ["issue"]}, {}, datetime(2026, 11, 20), DAY, tmp_path)
    assert line.startswith("nothing was sent: settings.email is not digest and no SMTP_SERVER is set, and "
                           "settings.notify does not name chat; set")
    warnings = dispatch.test_send({"notify": ["chat"]}, {"NOTIFY_URLS": f"not-a-url-{TOKEN}"}, datetime(2026, 11, 20),
                                  DAY, tmp_path)
    assert warnings[0].startswith("chat not sent: NOTIFY_URLS entry 1 is not") and len(warnings) == 2
    assert "no entry of NOTIFY_URLS could be used" in warnings[1]


# --- the test send from the command line, and the workflow's button ----------------------------------------------

def test_update_test_notify_sends_to_every_channel_and_recipient_and_prints_no_token(server: FakeChat,
                                                                                     tmp_path: Any) -> None:
    (tmp_path / "keywords.yaml").write_text('topics:\n  - name: Codec\n    query: codec\nsettings:\n  email: digest\n'
                                            '  notify: [issue, chat]\n')
    with Server("none") as smtp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_", "NOTIFY_", "GITHUB_"))}
        env |= smtp.env("none", to="a@example.org, b@example.org") | {
            "NOTIFY_URLS": f"json://{server.hostport}/{TOKEN}\nnot-a-url-{TOKEN}"}
        done = subprocess.run([sys.executable, str(REPO / "scripts" / "update.py"), "--root", str(tmp_path),
                               "--test-notify"], env=env, capture_output=True, text=True, timeout=60)
        assert [r.recipients for r in smtp.inbox.received] == [["a@example.org"], ["b@example.org"]]
        assert smtp.inbox.received[0].message["Subject"] == "Daily Papers: a test message"
    assert done.returncode == 1, done.stderr  # entry 2 is malformed
    assert TOKEN not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert "warning: chat not sent: NOTIFY_URLS entry 2 is not an Apprise URL" in done.stderr
    assert "test message sent to chat 1 (json)" in done.stdout and "test email sent" in done.stdout
    assert len(server.posted) == 1 and "--test-notify" in server.posted[0].json()["message"]
    assert not (tmp_path / "data").exists(), "a test send fetches, stores and commits nothing"


def test_update_test_notify_without_notify_urls_fails_in_two_lines(tmp_path: Any) -> None:
    (tmp_path / "keywords.yaml").write_text("topics:\n  - name: Codec\n    query: codec\nsettings:\n  notify: chat\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_", "NOTIFY_", "GITHUB_"))}
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "update.py"), "--root", str(tmp_path),
                           "--test-notify"], env=env | {"NOTIFY_URLS": ""}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [f"warning: {dispatch.no_urls()}", done.stderr.splitlines()[1]]
    assert done.stderr.splitlines()[1].startswith("warning: nothing was sent: ")


def test_the_workflow_masks_each_url_and_has_a_test_notify_button() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "update.yml").read_text())
    assert workflow[True]["workflow_dispatch"]["inputs"]["test_notify"]["type"] == "boolean"
    steps = workflow["jobs"]["update"]["steps"]
    names = [s.get("name") for s in steps]
    mask, update = steps[names.index("Mask each chat URL")], steps[names.index("Update papers")]
    assert names.index("Mask each chat URL") < names.index("Update papers")
    assert 'mask "$url"' in mask["run"] and mask["env"]["NOTIFY_URLS"] == "${{ secrets.NOTIFY_URLS }}"
    assert update["env"]["NOTIFY_URLS"] == "${{ secrets.NOTIFY_URLS }}"
    assert 'python scripts/update.py --test-notify' in update["run"]
    env = {"PATH": os.environ["PATH"], "NOTIFY_URLS": "json://a/b c,d\nslack://x/y/z"}
    out = subprocess.run(["bash", "-c", mask["run"]], capture_output=True, text=True, check=True, env=env).stdout.split("\n")
    assert [line for line in out if line] == ["::add-mask::json://a/b", "::add-mask::c,d",
                                              "::add-mask::slack://x/y/z"]  # split where the script splits:
    assert chat.entries(env["NOTIFY_URLS"]) == ["json://a/b", "c,d", "slack://x/y/z"]  # the same entries


@pytest.mark.parametrize("fmt", ["markdown", "slack", "html", "text"])
def test_a_weekly_message_says_earlier_this_week_not_a_failed_send(fmt: str) -> None:
    message, papers = catch_up_of(2)
    weekly = tell.Tell(**{**message.__dict__, "every": "week"})
    assert "Earlier this week: " in chat.render(chat.view(weekly, papers), fmt)
    assert "Also from days not sent before: " in chat.render(chat.view(message, papers), fmt)


def test_a_secure_schemes_channel_is_named_by_its_service_not_its_scheme() -> None:
    found, problems = chat.channels({"NOTIFY_URLS": "matrixs://u:p@h/#room gotifys://h/token12345 "
                                                    "rockets://u:p@h/#c jsons://h/p ntfys://ntfy.sh/x"})
    assert problems == [] and [c.kind for c in found] == ["matrix", "gotify", "rocket", "json", "ntfy"]
