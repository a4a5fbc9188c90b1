"""The daily run's one call after the push: each channel (the email, each NOTIFY_URLS entry) gets what it is due.

Each channel fails on its own: one warning line naming it (the email by the secret to fix, a chat channel by its
position and kind, never its URL or the key the ledger knows it by), and the others still go. What each one delivered is noted in the ledger
(core/sent.py), which the caller commits and pushes when it changed.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from core import links, sent, templates, tldr
from core import text as border
from digest import mail
from digest.delivery import chat, due, tell

log = logging.getLogger("daily_papers")


@dataclass
class Delivered:
    """What the sends did: the warnings for the job summary, and the ledger when a send was tried and it changed."""

    warnings: list[str] = field(default_factory=list)
    ledger: sent.Ledger | None = None  # changed: commit it
    told: list[str] = field(default_factory=list)  # "email: 12 papers (2026-11-20, 2026-11-21)", for the commit


def wants_chat(settings: Mapping[str, Any]) -> bool:
    """Whether settings.notify names chat."""
    return "chat" in notify_list(settings)


def notify_list(settings: Mapping[str, Any]) -> list[str]:
    """settings.notify as a list (config normalises it; a bare value from older code still works)."""
    value = settings.get("notify", [])
    return [value] if isinstance(value, str) else list(value)


def warn(line: str) -> str:
    """Say it on stderr as one warning line; the same line goes to the job summary."""
    print(f"warning: {border.log_line(line)}", file=sys.stderr)
    return line


def no_urls() -> str:
    """The line for settings.notify naming chat while NOTIFY_URLS is unset or blank."""
    return (f"chat not sent: settings.notify names chat but the secret {chat.SECRET} is not set; add one or more "
            f"Apprise URLs (docs/chat.md), or drop chat")


def readme_url(root: Path) -> str | None:
    """The repository's README on GitHub, linked when there is no site."""
    repository = links.this_repository(root)
    return f"https://github.com/{repository}#readme" if repository else None


def deliver(settings: Mapping[str, Any], root: Path, run_record: dict[str, Any] | None,
            papers: Mapping[str, dict[str, Any]], environ: Mapping[str, str], now: datetime, today: str,
            chat_timeout: float = chat.TIMEOUT, chat_deadline: float = chat.DEADLINE,
            refused: frozenset[str] = frozenset()) -> Delivered:
    """Send each channel what it is due today; note what went (never raises for a channel's failure). refused: the
    papers marked not for me, never shown as picks (an earlier day's pick marked since stays in its topic)."""
    result = Delivered()
    email, chatting = settings.get("email", "off") == "digest", wants_chat(settings)
    if not email and not chatting:
        return result
    ledger, problems = sent.read(root, today)
    result.warnings += [warn(p) for p in problems]
    before = sent.dumps(ledger)
    every, digest_day = str(settings.get("digest_every", "day")), str(settings.get("digest_day", "monday"))
    title = str(settings.get("title") or "Daily Papers")
    site, readme = links.published_site(environ), readme_url(root)
    key_sentences = tldr.enabled(dict(settings))
    tried: set[str] = set()

    def told(channel: str, kind: str) -> tell.Tell | None:
        entry = sent.entry_of(ledger, channel, kind)
        if not due.sends_today(entry, every, digest_day, today):
            return None
        records = [{**r, "picks": [p for p in r.get("picks") or [] if not (isinstance(p, dict) and p.get("id") in refused)]}
                   for r in due.due(root, entry, every, today, run_record)]
        message = tell.build(records, papers, title, today, every, site, readme)
        return message if message.day_of else None

    def one(name: str, kind: str, label: str, send: Callable[[tell.Tell], bool]) -> None:
        """One channel: what it is due, recorded at the try (a first send that fails is caught up too), noted when
        it went; an unexpected error is this channel's warning only (its class, never its text: it may quote a
        URL)."""
        try:
            message = told(name, kind)
            if message is None:
                return
            tried.add(name)
            sent.begin(ledger, name, kind, message.ids(), today)
            if send(message):
                sent.note(ledger, name, kind, message.ids(), today)
                result.told.append(f"{label}: {papers_of(message)}")
        except Exception as exc:  # a last resort: the other channels still go and the ledger is still committed
            what = "email not sent" if kind == "email" else f"chat not sent: {label}"
            result.warnings.append(warn(f"{what}: an unexpected {type(exc).__name__} (a bug; please report it)"))

    if email:
        one("email", "email", "email", lambda m: send_mail(m, papers, environ, now, key_sentences, result))
    if chatting:
        if not chat.entries(environ.get(chat.SECRET)):
            result.warnings.append(warn(no_urls()))
        else:
            found, problems = chat.channels(environ, chat_timeout)
            result.warnings += [warn(f"chat not sent: {p}") for p in problems]
            done: set[str] = set()
            for channel in found:
                if channel.name in done:  # the same URL listed twice is one channel: sent once
                    continue
                done.add(channel.name)
                one(channel.name, channel.kind, channel.label,
                    functools.partial(send_chat, channel, papers=papers, key_sentences=key_sentences,
                                      deadline=chat_deadline, result=result))
    sent.prune(ledger, today, keep=tried.__contains__)
    if sent.dumps(ledger) != before and tried:  # a quiet day, nothing tried, commits nothing
        result.ledger = ledger
    return result


def papers_of(message: tell.Tell) -> str:
    """'12 papers of 2026-11-20, 2026-11-21' for the record's commit message."""
    count = len(message.day_of)
    return f"{count} paper{'' if count == 1 else 's'} of {', '.join(sorted(set(message.day_of.values())))}"


def send_mail(message: tell.Tell, papers: Mapping[str, dict[str, Any]], environ: Mapping[str, str], now: datetime,
              key_sentences: bool, result: Delivered) -> bool:
    """The email of the message; True when at least one recipient took it."""
    try:
        smtp = mail.smtp_settings(environ)
        email = mail.compose_tell(message, papers, smtp.sender, smtp.recipients, now, key_sentences)
        accepted = mail.send(email, smtp)
    except mail.PartlySent as exc:
        result.warnings.append(warn(f"email not sent to everyone: {exc}"))
        return True
    except mail.MailError as exc:
        result.warnings.append(warn(f"email not sent: {exc}"))
        return False
    except Exception as exc:  # an edited templates/mail/ file that fails: the papers are pushed, so only a warning
        if not isinstance(exc, jinja2.TemplateError) and not templates.from_template(exc):
            raise
        result.warnings.append(warn(f"email not sent: {templates.template_problem(exc)}"))
        return False
    earlier = f" (with {len(message.caught_up()) + len(message.linked)} earlier days)" \
        if message.caught_up() or message.linked else ""
    log.info("emailed the digest of %s%s to %d address%s (%s bytes)", message.date, earlier, len(accepted),
             "" if len(accepted) == 1 else "es", f"{len(email.as_bytes()):,}")
    return True


def send_chat(channel: chat.Channel, message: tell.Tell, papers: Mapping[str, dict[str, Any]], key_sentences: bool,
              deadline: float, result: Delivered) -> bool:
    """The chat message to one channel; True when the service took it."""
    try:
        fmt = chat.format_of(channel.plugin, channel.kind)
        body = chat.fit(message, papers, fmt, chat.limit_of(channel.plugin), key_sentences)
        chat.send(channel, body, fmt, deadline)
    except chat.ChatError as exc:
        result.warnings.append(warn(f"chat not sent: {exc}"))
        return False
    except Exception as exc:
        if not isinstance(exc, jinja2.TemplateError) and not templates.from_template(exc):
            raise
        result.warnings.append(warn(f"chat not sent: {channel.label}: {templates.template_problem(exc)}"))
        return False
    log.info("sent %s papers to %s (%s characters, %s)", len(message.day_of), channel.label, f"{len(body):,}", fmt)
    return True


def test_send(settings: Mapping[str, Any], environ: Mapping[str, str], now: datetime, today: str,
              root: Path, chat_timeout: float = chat.TIMEOUT, chat_deadline: float = chat.DEADLINE) -> list[str]:
    """--test-notify: a short test message to every recipient and channel set up; the warnings (none: all went).
    Nothing tried at all (no email set up, no usable chat URL) is a warning too: the setup is what is tested."""
    result = Delivered()
    message = tell.Tell(title=str(settings.get("title") or "Daily Papers"), date=today, every="test",
                        record={"date": today, "new": {}, "picks": []}, site_url=links.published_site(environ),
                        readme_url=readme_url(root))
    tried = 0
    if settings.get("email", "off") == "digest" or environ.get("SMTP_SERVER"):
        tried += 1
        if send_mail(message, {}, environ, now, True, result):
            print("test email sent")
    urls = chat.entries(environ.get(chat.SECRET))
    if wants_chat(settings) and not urls:
        result.warnings.append(warn(no_urls()))
    if urls:
        found, problems = chat.channels(environ, chat_timeout)
        result.warnings += [warn(f"chat not sent: {p}") for p in problems]
        for channel in found:
            tried += 1
            if send_chat(channel, message, {}, True, chat_deadline, result):
                print(f"test message sent to {channel.label}")
    if not tried:
        why = (f"no entry of {chat.SECRET} could be used (each is named above)" if urls else
               "settings.email is not digest and no SMTP_SERVER is set, and "
               + (f"the secret {chat.SECRET} is not set" if wants_chat(settings) else "settings.notify does not name chat"))
        result.warnings.append(warn(f"nothing was sent: {why}; set settings.email: digest with the SMTP_* secrets "
                                    f"(docs/email.md), or settings.notify: chat with the {chat.SECRET} secret "
                                    f"(docs/chat.md)"))
    return result.warnings
