"""The day's digest by email: composed from the day's record and the store, sent with smtplib.

compose() builds a multipart/alternative message (plain text and HTML, both from templates/mail/, the HTML
through Jinja autoescape like the site: arXiv and model text are text, no remote images, no scripts).
smtp_settings() reads the SMTP_* and MAIL_* secrets from the environment; send() delivers over implicit TLS,
STARTTLS or (only to the loopback, or without a login) plain SMTP. Email is optional, so
every failure is one line naming the secret or setting to fix (MailError), never a traceback; what is sent when
(the day, a catch-up, the week) is the delivery family's (digest/delivery/), which hands compose_tell() its model.

Each paper is one entry: the picks first, then each topic's papers not already listed (a paper of two topics under
the first, both named). Each entry links arXiv's page and PDF, the links its authors give in its abstract or comment
(core/paperlinks.py: checked http(s), named by kind, host shown; issue 35), and the paper's card on the day's site
page only when the workflow found GitHub Pages publishing the site (SITE_URL, set by the update job's Pages check).
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Any

import jinja2

from core import links, mdtext, paperlinks, pickrecord, templates, tldr, venue
from core.ids import valid_id
from digest.delivery.tell import Tell

log = logging.getLogger("daily_papers")

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "mail"
SECRETS = ("SMTP_SERVER", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USERNAME", "SMTP_PASSWORD", "MAIL_FROM", "MAIL_TO")
LOGIN_SECRETS = ("SMTP_USERNAME", "SMTP_PASSWORD")  # never a workflow variable: variables are shown in logs and settings
SECURITY = ("ssl", "starttls", "none")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
TIMEOUT = 30.0  # seconds per SMTP step: a stuck server costs the run at most this much
PAPERS_PER_TOPIC = 25  # papers listed per topic; the rest are "and N more on the site"
PAPERS_IN_MAIL = 100  # over all topics (the per-topic count shrinks on a big day): Gmail clips HTML past 102 KB
PICKS_IN_MAIL = 20
HTML_BYTES = 100_000  # Gmail clips a message whose HTML passes 102 KB: longer texts list fewer papers
TITLE_CHARS = 300  # a hand-edited store can hold megabyte titles: the mail stays small
SUBJECT_CHARS = 66  # a phone's inbox shows about this much of a subject: the count and the lead paper's title
SUBJECT_TITLE_CHARS = 24  # the lead title's least room, however long settings.title is
LINKS_IN_MAIL = 4  # the authors' links an entry shows, Demo first (as README's Links cell); the rest are counted
LINE_CHARS = 400  # one failure line, at most


class MailError(Exception):
    """Email could not be sent; str() is one line naming the secret or setting to fix."""


class PartlySent(MailError):
    """Some recipients got the email and some did not: still a warning, but the day counts as mailed."""


@dataclass(frozen=True)
class Smtp:
    """Where and how to send: the secrets, validated."""

    server: str
    port: int
    security: str
    username: str | None
    password: str | None = field(repr=False)
    sender: Address
    recipients: tuple[Address, ...]


@dataclass
class Item:
    """One paper as the email shows it: texts already plain and cut, links built from validated ids."""

    id: str
    title: str
    url: str
    pdf_url: str
    authors: str
    topics: list[str]  # the day's topics that list it (its stored topics when the day names none)
    card_url: str | None = None  # its card on the day's site page, only when the site is published
    tldr: str | None = None  # the paper's one line (digest.tldr: model, Semantic Scholar or key sentence)
    tldr_label: str | None = None
    tldr_link: str | None = None  # where the label links (Semantic Scholar's page of the paper)
    because_title: str | None = None
    because_url: str | None = None
    words: list[str] = field(default_factory=list)  # what the learning ranker matched (core.pickrecord)
    venue: str | None = None  # the venue's chip read from the comment ("ICASSP 2026", "submitted: TASLP"; issue 35)
    links: list[paperlinks.Link] = field(default_factory=list)  # the authors' own links, checked http(s) (issue 35)
    more_links: int = 0  # the authors' links past LINKS_IN_MAIL, on arXiv's page and the site
    day: str | None = None  # the day it was new, shown when the email covers several days (a catch-up, a week)


@dataclass
class Section:
    """A topic's new papers, as many as the mail holds, and how many more the site shows."""

    name: str
    items: list[Item]
    more: int = 0
    above: int = 0  # the topic's new papers already listed higher up (picks, or an earlier topic's)


@dataclass
class Digest:
    """What the templates draw."""

    title: str
    date: str
    subject: str
    new: int
    picks: list[Item]
    sections: list[Section]
    day_url: str | None
    site_url: str | None
    limit: int = PAPERS_PER_TOPIC  # papers listed per topic
    every: str = "day"  # "day", "week" or "test" (--test-notify)
    caught_up: list[tuple[str, int, str | None]] = field(default_factory=list)  # earlier days listed: date, papers, page
    linked: list[tuple[str, int, str | None]] = field(default_factory=list)  # days past the catch-up cap: only linked


def _one_line(text: str, limit: int = LINE_CHARS) -> str:
    """Text as one line of at most `limit` characters (server answers can span lines)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def item(record: dict[str, Any], because: dict[str, Any] | None = None, key_sentences: bool = True,
         topics: list[str] | None = None, day_url: str | None = None) -> Item:
    """A stored paper as the email shows it: `topics` are the day's topics that list it, `day_url` the day's site
    page (None when the site is not published: no card link)."""
    paper_id = record["id"]
    found = Item(id=paper_id, title=mdtext.short(record["title"], TITLE_CHARS) or paper_id,
                 url=links.abs_url(paper_id), pdf_url=links.pdf_url(paper_id),
                 authors=mdtext.short(mdtext.first_authors(record.get("authors")), 200),
                 topics=[mdtext.short(t, 100) for t in (topics or record.get("topics", []))],
                 card_url=f"{day_url}#p-{paper_id.replace('/', '-')}" if day_url else None,
                 venue=venue.chip(record.get("comment")) or None)
    given = paperlinks.of(record.get("abstract"), record.get("comment"))
    found.links, found.more_links = given[:LINKS_IN_MAIL], max(0, len(given) - LINKS_IN_MAIL)
    shown = tldr.shown(record, key_sentences)
    if shown is not None:
        found.tldr, found.tldr_label, found.tldr_link = shown.text, shown.label, shown.link or None
    if because:
        found.because_title = mdtext.short(str(because.get("title") or because.get("id") or ""), TITLE_CHARS) or None
        because_id = because.get("id")
        found.because_url = links.abs_url(because_id) if isinstance(because_id, str) and valid_id(because_id) \
            else None
    return found


def per_topic_limit(counts: list[int]) -> int:
    """Papers shown per topic: PAPERS_PER_TOPIC, fewer when all topics together would exceed PAPERS_IN_MAIL."""
    limit = PAPERS_PER_TOPIC
    while limit > 1 and sum(min(c, limit) for c in counts) > PAPERS_IN_MAIL:
        limit -= 1
    return limit


def header_text(text: str) -> str:
    """Text safe in a header: one line (CR, LF and tabs become spaces), no control, bidi or other unprintable
    character, and no '=?' that a mail client would decode as an RFC 2047 encoded word of its own."""
    flat = "".join(c for c in " ".join(str(text).split()) if c.isprintable())
    return " ".join(flat.replace("=?", "= ?").split())


def subject_of(title: str, date: str, new: int, lead: str | None = None, every: str = "day") -> str:
    """'Daily Papers, 2026-02-11: 20 new — FlashVoice: fast zero-shot TTS…': the count and the lead paper's title,
    cut so the whole is about SUBJECT_CHARS; one clean header line (the email package encodes it per RFC 2047)."""
    name = header_text(mdtext.plain(title))[:100] or "Daily Papers"
    if every == "test":
        return header_text(f"{name}: a test message")
    text = header_text(f"{name}, {'week to ' if every == 'week' else ''}{date}: {new} new")
    lead = header_text(mdtext.plain(lead)) if lead else ""
    if lead:
        room = max(SUBJECT_TITLE_CHARS, SUBJECT_CHARS - len(text) - 3)
        cut = mdtext.short(lead, room)
        if len(lead) > room and len(cut) <= room // 2:  # a long first word: cut within it
            cut = lead[:room].rstrip() + "…"
        text += " — " + cut
    return text


def newest(found: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most recently submitted of the day's papers (the subject names it on a day without picks)."""
    return max(found, key=lambda r: (str(r.get("published") or ""), r["id"]), default=None)


def digest_of(record: dict[str, Any], papers: Mapping[str, dict[str, Any]], site_url: str | None,
              title: str, limit: int | None = None, most_picks: int = PICKS_IN_MAIL,
              key_sentences: bool = True, told: Tell | None = None) -> Digest:
    """The email's content, each paper once: picks first, then each topic's new papers not listed above (at most
    `limit` each); ids missing from the store are skipped. With `told` (several days: a catch-up or a week), each
    entry shows its own day and links its card on that day's page."""
    date = str(record.get("date", ""))
    day_url = f"{site_url}days/{date}.html" if site_url and _is_date(date) else None
    several = told is not None and (len(told.days) > 1 or told.every == "week")

    def page(paper_id: str) -> str | None:
        """The site's page of the day the paper was new."""
        own = told.day_of.get(paper_id) if told is not None else None
        return f"{site_url}days/{own}.html" if own and site_url and _is_date(own) else day_url

    def entry(paper: dict[str, Any], because: dict[str, Any] | None, shown_topics: list[str] | None) -> Item:
        found = item(paper, because, key_sentences, shown_topics, page(paper["id"]))
        found.day = told.day_of.get(paper["id"]) if several and told is not None else None
        return found

    topics = {name: [papers[i] for i in dict.fromkeys(ids) if i in papers]
              for name, ids in (record.get("new") or {}).items()}
    topics = {name: found for name, found in topics.items() if found}
    named: dict[str, list[str]] = {}  # paper id -> the day's topics that list it, in the record's order
    for name, found in topics.items():
        for paper in found:
            named.setdefault(paper["id"], []).append(name)
    chosen: list[dict[str, Any]] = []
    for pick in record.get("picks") or []:  # best first, each once
        if isinstance(pick, dict) and pick.get("id") in papers and all(c["id"] != pick["id"] for c in chosen):
            chosen.append(pick)
    chosen = chosen[:most_picks]
    picks = [entry(papers[p["id"]], p.get("because"), named.get(p["id"])) for p in chosen]
    for shown, pick in zip(picks, chosen, strict=True):
        shown.words = pickrecord.pick_words(pick)
    listed = {p.id for p in picks}
    own: dict[str, list[dict[str, Any]]] = {}  # each topic's papers not listed higher up
    for name, found in topics.items():
        own[name] = [r for r in found if r["id"] not in listed]
        listed.update(r["id"] for r in own[name])
    limit = min(PAPERS_PER_TOPIC if limit is None else limit, per_topic_limit([len(found) for found in own.values()]))
    sections = [Section(mdtext.short(name, 100),
                        [entry(r, None, named[r["id"]]) for r in own[name][:limit]],
                        max(0, len(own[name]) - limit), len(found) - len(own[name]))
                for name, found in topics.items()]
    new = len(named)
    lead = papers[chosen[0]["id"]] if chosen else newest([r for found in topics.values() for r in found])
    every = told.every if told is not None else "day"
    caught_up = [(d, sum(1 for v in told.day_of.values() if v == d), told.day_url(d)) for d in told.caught_up()] \
        if told is not None else []
    linked = [(d, n, told.day_url(d)) for d, n in sorted(told.linked.items(), reverse=True)] if told else []
    return Digest(title=mdtext.plain(title), date=date,
                  subject=subject_of(title, date, new, lead["title"] if lead else None, every), new=new,
                  picks=picks, sections=sections, day_url=day_url, site_url=site_url, limit=limit, every=every,
                  caught_up=caught_up, linked=linked)


def _is_date(text: str) -> bool:
    """Whether text is YYYY-MM-DD (the record's date goes into a URL)."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat() == text
    except ValueError:
        return False


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Jinja2 for the email: autoescape for .html templates (as the site), none for the plain-text part."""
    return templates.environment(TEMPLATES, jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                                                     default_for_string=False))


def compose(record: dict[str, Any], papers: Mapping[str, dict[str, Any]], site_url: str | None, title: str,
            sender: Address | None = None, recipients: tuple[Address, ...] = (),
            now: datetime | None = None, key_sentences: bool = True, told: Tell | None = None) -> EmailMessage:
    """The digest email: multipart/alternative, text/plain then text/html, from the record and the store."""
    env = environment()
    limit, most_picks = None, PICKS_IN_MAIL
    while True:  # usually once; a day of long titles and summaries lists fewer papers so the HTML stays whole
        digest = digest_of(record, papers, site_url, title, limit, most_picks, key_sentences, told)
        html = env.get_template("digest.html.j2").render(d=digest)
        if len(html.encode("utf-8")) <= HTML_BYTES:
            break
        if digest.limit > 1:
            limit = max(1, digest.limit * 3 // 4)
        elif most_picks > 5:
            most_picks = 5
        elif digest.limit == 1:
            limit = 0  # a hundred topics of the longest texts: each topic's heading and its count on the site
        else:
            break
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = digest.subject
    if sender is not None:
        message["From"] = sender
        message["Message-ID"] = make_msgid(domain=sender.domain or None)
    if recipients:
        message["To"] = recipients
    if now is not None:
        message["Date"] = format_datetime(now)
    message.set_content(env.get_template("digest.txt.j2").render(d=digest))
    message.add_alternative(html, subtype="html")
    return message


def compose_tell(told: Tell, papers: Mapping[str, dict[str, Any]], sender: Address | None = None,
                 recipients: tuple[Address, ...] = (), now: datetime | None = None,
                 key_sentences: bool = True) -> EmailMessage:
    """The email of the shared model (delivery/tell.py): one day, a catch-up of several, a week, or a test."""
    return compose(told.record, papers, told.site_url, told.title, sender, recipients, now, key_sentences, told)


def _text(environ: Mapping[str, str], name: str) -> str | None:
    """A secret's value; empty (the workflow passes unset secrets as '') is unset."""
    value = (environ.get(name) or "").strip()
    return value or None


def is_loopback(server: str) -> bool:
    """Whether the server is this machine (plain SMTP is safe only there): localhost or a loopback address."""
    if server.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(server.strip("[]")).is_loopback
    except ValueError:
        return False


def address(text: str, name: str) -> Address:
    """One mail address (a bare one, or 'Name <a@b.org>'), or MailError naming the secret."""
    if any(c in text for c in "\r\n\0"):
        raise MailError(f"{name}: an address must be one line; fix the secret {name}")
    found = getaddresses([text])
    if len(found) != 1:
        raise MailError(f"{name}: {_one_line(text, 80)!r} is not one mail address like you@example.org; "
                        f"fix the secret {name}")
    display, spec = found[0]
    local, at, domain = spec.rpartition("@")
    if not at or not local or not domain or "." not in domain.strip(".") and domain != "localhost" \
            or any(c.isspace() for c in spec):
        raise MailError(f"{name}: {_one_line(text, 80)!r} is not a mail address like you@example.org; "
                        f"fix the secret {name}")
    try:
        return Address(display_name=display, addr_spec=spec)
    except (ValueError, IndexError) as exc:
        raise MailError(f"{name}: {_one_line(text, 80)!r} is not a mail address ({_one_line(str(exc), 80)}); "
                        f"fix the secret {name}") from None


def smtp_settings(environ: Mapping[str, str]) -> Smtp:
    """The SMTP secrets from the environment, validated; MailError names the one to fix."""
    server = _text(environ, "SMTP_SERVER")
    if not server:
        raise MailError("settings.email is digest but the secret SMTP_SERVER is not set; add SMTP_SERVER "
                        "(e.g. smtp.gmail.com) and the other SMTP_* and MAIL_* secrets, or set email: off")
    security = (_text(environ, "SMTP_SECURITY") or "").lower() or None
    if security is not None and security not in SECURITY:
        raise MailError(f"SMTP_SECURITY is {_one_line(security, 40)!r}; set it to ssl (port 465), starttls (587) "
                        f"or none (only for a server on this machine)")
    port_text = _text(environ, "SMTP_PORT")
    if port_text is None:
        port = DEFAULT_PORTS[security or "ssl"]
    elif not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise MailError(f"SMTP_PORT is {_one_line(port_text, 40)!r}; set it to a port number like 465 (ssl) or "
                        f"587 (starttls)")
    else:
        port = int(port_text)
    security = security or ("ssl" if port == 465 else "starttls")
    username, password = _text(environ, "SMTP_USERNAME"), environ.get("SMTP_PASSWORD") or None
    if username and not password:
        raise MailError("SMTP_USERNAME is set but SMTP_PASSWORD is not; add the secret SMTP_PASSWORD "
                        "(for Gmail an app password)")
    if password and not username:
        raise MailError("SMTP_PASSWORD is set but SMTP_USERNAME is not; add the secret SMTP_USERNAME")
    if security == "none" and username and not is_loopback(server):
        raise MailError(f"SMTP_SECURITY is none, which would send SMTP_PASSWORD unencrypted to {server}; "
                        f"set SMTP_SECURITY to ssl or starttls (none is only for this machine or a server "
                        f"without login)")
    sender_text = _text(environ, "MAIL_FROM") or (username if username and "@" in username else None)
    if not sender_text:
        raise MailError("the secret MAIL_FROM is not set (and SMTP_USERNAME is no address to send from); "
                        "add MAIL_FROM, e.g. you@gmail.com")
    sender = address(sender_text, "MAIL_FROM" if _text(environ, "MAIL_FROM") else "SMTP_USERNAME")
    to_text = _text(environ, "MAIL_TO")
    parts = [p.strip() for p in to_text.split(",")] if to_text else [sender_text]
    if any(not p for p in parts):
        raise MailError("MAIL_TO has an empty entry; write the addresses separated by single commas")
    recipients = tuple(address(p, "MAIL_TO") for p in parts)
    return Smtp(server=server, port=port, security=security, username=username, password=password,
                sender=sender, recipients=recipients)


def _connect(smtp: Smtp, context: ssl.SSLContext, timeout: float) -> smtplib.SMTP:
    """An open connection, encrypted as SMTP_SECURITY says."""
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(smtp.server, smtp.port, timeout=timeout, context=context)
    client = smtplib.SMTP(smtp.server, smtp.port, timeout=timeout)
    if smtp.security == "starttls":
        client.ehlo()
        if not client.has_extn("starttls"):
            client.close()
            raise MailError(f"{smtp.server}:{smtp.port} does not offer STARTTLS; set SMTP_SECURITY=ssl with "
                            f"SMTP_PORT=465, or the port your provider gives for STARTTLS (often 587)")
        client.starttls(context=context)
        client.ehlo()
    return client


def addressed(message: EmailMessage, recipient: Address, sender: Address | None = None) -> EmailMessage:
    """The message for one recipient: only its own address in To: (no reader sees the others), its own Message-ID."""
    mine = copy.deepcopy(message)
    del mine["To"]
    mine["To"] = recipient
    if mine["Message-ID"] is not None or sender is not None:
        del mine["Message-ID"]
        mine["Message-ID"] = make_msgid(domain=(sender.domain if sender else None) or None)
    return mine


def send(message: EmailMessage, smtp: Smtp, timeout: float = TIMEOUT,
         context: ssl.SSLContext | None = None) -> list[str]:
    """Deliver the message to each recipient on its own (only its address in To:), all in one SMTP session; the
    addresses that took it. MailError (one line, naming what to fix) when none did; PartlySent when some did."""
    where = f"{smtp.server}:{smtp.port}"
    accepted: list[str] = []
    refused: dict[str, Any] = {}  # at RCPT: the address is wrong (fix MAIL_TO)
    rejected: dict[str, Any] = {}  # at DATA, for this recipient: its server's answer says why (a filter, a full box)
    try:
        client = _connect(smtp, context or ssl.create_default_context(), timeout)
        try:
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            for recipient in smtp.recipients:
                try:
                    client.send_message(addressed(message, recipient, smtp.sender), from_addr=smtp.sender.addr_spec,
                                        to_addrs=[recipient.addr_spec])
                except smtplib.SMTPRecipientsRefused as exc:  # this one only: the session goes on to the next
                    refused.update(exc.recipients)
                except smtplib.SMTPSenderRefused:  # MAIL FROM: no recipient can get it
                    raise
                except smtplib.SMTPResponseException as exc:  # refused at DATA: smtplib already sent RSET (or the
                    if exc.smtp_code == 421:  # server closed the session: the next recipient fails on its own line)
                        raise
                    rejected[recipient.addr_spec] = exc
                else:
                    accepted.append(recipient.addr_spec)
        finally:
            _quit(client)
    except Exception as exc:  # noqa: BLE001 - each kind becomes its line in _problem; a bug re-raises there
        line = _problem(exc, smtp, where, timeout)
        if accepted:
            raise PartlySent(f"sent to {_one_line(', '.join(accepted), 120)}, but then {line}") from None
        raise MailError(line) from None
    lines = []
    if refused:
        names = _one_line(", ".join(sorted(refused)), 120)
        lines.append(f"{where} refused the recipient {names} ({_answer(next(iter(refused.values())))}); fix MAIL_TO")
    if rejected:
        names = _one_line(", ".join(sorted(rejected)), 120)
        lines.append(f"{where} refused the message to {names} ({_answer(next(iter(rejected.values())))}); its "
                     f"answer says why (often that recipient's spam filter or a full mailbox), or drop it from MAIL_TO")
    if lines:
        line = "; and ".join(lines)
        raise (PartlySent(f"sent, but {line}") if accepted else MailError(line))
    return accepted


def _problem(exc: Exception, smtp: Smtp, where: str, timeout: float) -> str:
    """The one line for a failed SMTP step, naming the secret to fix; anything else is a bug and re-raises."""
    if isinstance(exc, MailError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (f"{where} refused the login of SMTP_USERNAME ({_answer(exc)}); check SMTP_USERNAME and "
                f"SMTP_PASSWORD (Gmail needs an app password, not your account password)")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (f"{where} does not accept a login on this connection ({_one_line(str(exc), 120)}); set "
                f"SMTP_SECURITY to starttls or ssl, or remove SMTP_USERNAME if the server needs none")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (f"{where} refused the sender {smtp.sender.addr_spec} ({_answer(exc)}); set MAIL_FROM to "
                f"an address this account may send from")
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = _one_line(exc.verify_message or str(exc), 120)
        return (f"{where}: the server's certificate is not trusted ({reason}); "
                f"check that SMTP_SERVER is your provider's host name")
    if isinstance(exc, ssl.SSLError):
        return (f"{where}: TLS failed ({_one_line(exc.reason or str(exc), 80)}): SMTP_SECURITY={smtp.security} "
                f"does not match the port; use ssl with port 465 or starttls with port 587 "
                f"(SMTP_SECURITY, SMTP_PORT)")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        if "timed out" in str(exc):  # smtplib turns a read timeout into a disconnect
            return _silent(where, timeout)
        return (f"{where} closed the connection ({_one_line(str(exc), 120)}); check SMTP_SECURITY "
                f"(ssl for port 465, starttls for 587) and SMTP_PORT")
    if isinstance(exc, smtplib.SMTPException):
        return f"{where} refused the message ({_answer(exc)}); check the SMTP_* and MAIL_* secrets"
    if isinstance(exc, TimeoutError):
        return _silent(where, timeout)
    if isinstance(exc, UnicodeEncodeError):  # smtplib logs in with ASCII only; the text is never quoted (a secret)
        return (f"{where}: SMTP_USERNAME or SMTP_PASSWORD has a character outside ASCII, which SMTP login cannot "
                f"send; use an app password of plain letters and digits")
    if isinstance(exc, OSError):
        return (f"could not reach {where} ({_one_line(exc.strerror or str(exc), 120)}); check SMTP_SERVER "
                f"and SMTP_PORT")
    raise exc


def _silent(where: str, timeout: float) -> str:
    """The line for a server that never answered: wrong host or port, or a TLS port spoken to in plain text."""
    return (f"{where} did not answer within {timeout:g} s; check SMTP_SERVER and SMTP_PORT (a port that expects "
            f"ssl waits silently when SMTP_SECURITY is starttls or none)")


def _answer(exc: Any) -> str:
    """An SMTP error's code and text, short (smtplib keeps them as (code, bytes))."""
    code = getattr(exc, "smtp_code", None)
    text = getattr(exc, "smtp_error", b"")
    if isinstance(exc, tuple) and len(exc) == 2:
        code, text = exc
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _one_line(f"{code} {text}".strip() if code else str(text or exc), 160)


def _quit(client: smtplib.SMTP) -> None:
    """Say goodbye; a server that already hung up is no failure once the message is sent."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
