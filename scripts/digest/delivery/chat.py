"""Chat and push channels through Apprise (Slack, Discord, Telegram, Lark/Feishu, ntfy, generic webhooks…).

NOTIFY_URLS holds one or more Apprise URLs (whitespace or new lines between them). Each is one channel, named by its
position and the kind of service ("chat 2 (discord)"): never by its URL, which holds a token. The message is the
shared model (delivery/tell.py) rendered from templates/chat/ in the richest format the service takes (Markdown,
else Telegram's HTML, else plain text), every outside text escaped for it, each "@" made inert (Discord turns
@everyone, @here and <@id> in a body into pings), and cut to fit the service's length limit.

Apprise logs webhook URLs with their tokens at DEBUG and quotes a URL it cannot parse, so its logger is silenced
here; urllib3 and requests quote the request's URL too (urllib3 warns "Failed to parse headers (url=…)" with a
traceback when a server's headers are malformed), so what they log or warn from a send's own thread is dropped,
and their lines from the rest of the run (the arXiv fetch) still reach the log. A failure is one line naming the
channel and what went wrong (an HTTP status, a timeout), nothing it said.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from core import links, mdtext, templates, tldr
from digest.delivery.tell import Tell

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "chat"
SECRET = "NOTIFY_URLS"
PAPERS = 10  # at most this many papers a message, then "and N more"
MESSAGE_CHARS = 4000  # whatever the service allows, a message stays short
TITLE_CHARS = 150
LINE_CHARS = 200  # a paper's one-line summary
TIMEOUT = 15.0  # seconds to connect, and between bytes of the answer
DEADLINE = 60.0  # seconds for one channel's whole send (a service that retries or trickles is cut off here)
PREFERRED = {"telegram": ("html", "markdown", "text")}  # Telegram's HTML is strict and documented; its Markdown is not
DEFAULT_ORDER = ("markdown", "html", "text")
_SPLIT = re.compile(r"\s+|[,;](?=\s*[A-Za-z][A-Za-z0-9+.-]*://)")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")
_SLACK_SPECIAL = re.compile(r"[\\<>\[\]()!#*`_~]")
_SLACK_AS = {"*": "\u2217", "`": "\u02cb", "_": "\u200b_\u200b", "~": "\u200b~\u200b", "\\": "\\\u200b"}
WORKER = "notify-"  # each send's thread is named so: what it logs through LIBRARIES or warns is dropped
LIBRARIES = ("urllib3", "requests")  # HTTP libraries under Apprise whose log lines quote the request's URL


class ChatError(Exception):
    """One channel could not be reached or set up; str() is one line without the URL."""


@dataclass
class Channel:
    """One NOTIFY_URLS entry: its position (from 1), the service's kind, Apprise's plugin, and its URL's key."""

    position: int
    kind: str
    plugin: Any
    key: str = ""  # key_of(its URL): which channel it is, wherever it stands in NOTIFY_URLS

    @property
    def name(self) -> str:
        """The ledger's name of the channel: its URL's key, so removing or reordering entries keeps each history."""
        return f"chat-{self.key}"

    @property
    def label(self) -> str:
        """How warnings name it: position and kind, never the URL."""
        return f"chat {self.position} ({self.kind})"


class _Kept(logging.Filter):
    """On Apprise's logger: drops every record before any handler sees it (Apprise writes URLs with their tokens at
    DEBUG, and quotes a URL it cannot parse); a send's thread's lines are kept in memory, for reason() only."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: dict[str, list[str]] = {}  # a listening thread's name -> what Apprise said in it

    def filter(self, record: logging.LogRecord) -> bool:
        lines = self.heard.get(str(record.threadName))
        if lines is not None:
            try:
                lines.append(record.getMessage())
            except Exception:  # noqa: BLE001 - a log line that cannot be formatted tells nothing
                pass
        return False


class _NotFromASend(logging.Filter):
    """On the HTTP libraries' loggers: drops a record logged from a send's thread (it can quote the URL); every other
    thread's lines (the arXiv fetch's) pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.threadName).startswith(WORKER)


_KEPT, _NOT_FROM_A_SEND = _Kept(), _NotFromASend()
_SHOWWARNING_WRAPPERS: list[Callable[..., None]] = []
_SENDS = itertools.count(1)


def contain() -> None:
    """Keep what Apprise logs, and what a send's thread logs or warns, out of every output.

    A logger's filter runs before any of its handlers (a test's capture handlers included) but does not see its
    children's records, so each HTTP library logger gets one; warnings.showwarning is wrapped to say nothing in a
    send's thread. Idempotent; the run's own lines from these libraries still show."""
    import requests  # noqa: F401 - imports urllib3's modules, whose loggers must exist to be filtered

    apprise_logger = logging.getLogger("apprise")
    apprise_logger.setLevel(logging.DEBUG)  # every line reaches _KEPT (which drops it): the failure's reason
    apprise_logger.propagate = False
    if _KEPT not in apprise_logger.filters:
        apprise_logger.addFilter(_KEPT)
    prefixes = tuple(f"{name}." for name in LIBRARIES)
    for name in [*LIBRARIES, *list(logging.root.manager.loggerDict)]:
        if name in LIBRARIES or name.startswith(prefixes):
            logger = logging.getLogger(name)
            if _NOT_FROM_A_SEND not in logger.filters:
                logger.addFilter(_NOT_FROM_A_SEND)
    if warnings.showwarning not in _SHOWWARNING_WRAPPERS:  # pytest and logging.captureWarnings replace it too
        _SHOWWARNING_WRAPPERS.append(_outside_sends(warnings.showwarning))
        warnings.showwarning = _SHOWWARNING_WRAPPERS[-1]


def _outside_sends(show: Callable[..., None]) -> Callable[..., None]:
    """warnings.showwarning that says nothing for a warning raised in a send's thread (it can quote the URL)."""

    def showwarning(*args: Any, **kwargs: Any) -> None:
        if not threading.current_thread().name.startswith(WORKER):
            show(*args, **kwargs)

    return showwarning


def entries(text: str | None) -> list[str]:
    """NOTIFY_URLS split into its URLs (whitespace, new lines, or a comma or semicolon before the next URL)."""
    return [e for e in _SPLIT.split(text or "") if e]


def channels(environ: Mapping[str, str], timeout: float = TIMEOUT) -> tuple[list[Channel], list[str]]:
    """The channels NOTIFY_URLS names, and one line for each entry Apprise cannot use (named by position only)."""
    import apprise  # a heavy import, only for runs that chat

    contain()
    found, problems = [], []
    for position, url in enumerate(entries(environ.get(SECRET)), start=1):
        try:
            plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        except Exception:  # noqa: BLE001 - whatever Apprise raises quotes the URL: only its position is named
            plugin = None
        if plugin is None:
            problems.append(f"{SECRET} entry {position} is not an Apprise URL this version can use; check the "
                            f"entry's format in docs/chat.md (its text is not shown: it holds a token)")
            continue
        plugin.socket_connect_timeout = plugin.socket_read_timeout = timeout
        found.append(Channel(position, kind_of(plugin), plugin, key_of(url)))
    return found, problems


def key_of(url: str) -> str:
    """A channel's name in the public ledger: 12 hex characters derived from its URL as written. A webhook's token
    is long and random, so the key gives nothing away; a slow derivation (PBKDF2, 100,000 rounds) makes guessing a
    short one (an ntfy topic's name) costly too. It is written to data/delivered.json only, beside the kind, never
    beside the position or in any output."""
    return hashlib.pbkdf2_hmac("sha256", url.encode(), b"daily-papers chat channel", 100_000)[:6].hex()


def kind_of(plugin: Any) -> str:
    """The service's short name: the URL scheme's word (discord, slack, tgram → telegram, json, ntfy…)."""
    protocol = plugin.protocol or plugin.secure_protocol  # the plain scheme's word: "matrix", not "matrixs"
    name = (protocol[0] if isinstance(protocol, tuple | list) else protocol) or "webhook"
    name = {"tgram": "telegram", "jsons": "json", "forms": "form", "ntfys": "ntfy"}.get(name, name)
    return re.sub(r"[^a-z0-9-]", "", str(name).lower())[:30] or "webhook"


def format_of(plugin: Any, kind: str) -> str:
    """The richest format the service takes as it is (Apprise then converts nothing but its own dialect); Slack's
    Markdown is "slack": the Markdown template with Slack's own escape (slack_text)."""
    from apprise import NotifyFormat

    for wanted in PREFERRED.get(kind, DEFAULT_ORDER):
        if plugin.resolve_format(NotifyFormat(wanted)) == NotifyFormat(wanted):
            return "slack" if kind == "slack" and wanted == "markdown" else wanted
    return "text"


def limit_of(plugin: Any) -> int:
    """The most characters a message may have on this service."""
    maxlen = getattr(plugin, "body_maxlen", 0) or MESSAGE_CHARS
    return max(200, min(int(maxlen), MESSAGE_CHARS))


# --- the message ------------------------------------------------------------------------------------------------

def inert_at(text: str) -> str:
    """Every '@' followed by a zero-width space: no @everyone, @here or <@id> can ping anyone."""
    return text.replace("@", "@\u200b")


def md_text(text: Any) -> str:
    """Outside text as literal Markdown: one plain line, Markdown's characters escaped, '@' inert."""
    return inert_at(_MD_SPECIAL.sub(r"\\\1", mdtext.plain(str(text))))


def slack_text(text: Any) -> str:
    """Outside text for Slack, through Apprise's Markdown-to-mrkdwn step: mrkdwn has no backslash escapes (Apprise
    drops the backslash only before ( ) [ ] ! # and turns an escaped < > into &lt; &gt;, Slack's documented escape;
    it turns a bare & into &amp; itself), so '*' and '`', which Apprise would pair into markup, become look-alikes
    (∗ ˋ), '_' and '~' get a zero-width space on each side (inside a word Slack formats nothing), a backslash is
    followed by one (it escapes nothing then), and '@' is made inert."""
    return inert_at(_SLACK_SPECIAL.sub(lambda m: _SLACK_AS.get(m[0], "\\" + m[0]), mdtext.plain(str(text))))


def plain_text(text: Any) -> str:
    """Outside text as one plain line, '@' inert."""
    return inert_at(mdtext.plain(str(text)))


@dataclass
class Paper:
    """One paper as a chat message shows it (texts plain and cut, not yet escaped)."""

    title: str
    url: str
    line: str | None
    topics: list[str]
    day: str | None  # its own date when the message covers several days
    because: str | None = None


@dataclass
class View:
    """What the chat templates draw."""

    heading: str
    date: str
    every: str
    new: int
    counts: list[tuple[str, int]]
    picks: list[Paper]
    others: list[Paper]
    more: int
    day_url: str | None
    caught_up: list[tuple[str, int, str | None]]  # earlier days listed: date, papers, page
    linked: list[tuple[str, int, str | None]]  # days past the cap: date, papers, page
    test: bool = False
    counts_more: int = 0  # topics counted but not named (a message that would not fit otherwise)
    caught_more: int = 0  # earlier days counted but not named
    linked_more: int = 0


def view(tell: Tell, papers: Mapping[str, dict[str, Any]], most: int = PAPERS, key_sentences: bool = True) -> View:
    """The message's content: counts per topic, the picks then the topics' papers (at most `most`), the links."""
    record = tell.record
    several = len(tell.days) > 1 or tell.every == "week"

    def paper(paper_id: str, topics: list[str], because: Any = None) -> Paper:
        stored = papers[paper_id]
        shown = tldr.shown(stored, key_sentences)
        because_title = because.get("title") or because.get("id") if isinstance(because, dict) else None
        return Paper(mdtext.short(mdtext.plain(stored.get("title") or paper_id), TITLE_CHARS), links.abs_url(paper_id),
                     mdtext.short(mdtext.plain(shown.text), LINE_CHARS) if shown else None, topics,
                     tell.day_of.get(paper_id) if several else None,
                     mdtext.short(mdtext.plain(str(because_title)), 100) if because_title else None)

    named: dict[str, list[str]] = {}
    for topic, ids in record["new"].items():
        for paper_id in ids:
            named.setdefault(paper_id, []).append(mdtext.short(mdtext.plain(topic), 60))
    picks: list[Paper] = []
    listed: set[str] = set()
    for pick in record["picks"]:
        if len(picks) < most and pick["id"] in papers and pick["id"] not in listed:
            picks.append(paper(pick["id"], named.get(pick["id"], []), pick.get("because")))
            listed.add(pick["id"])
    others: list[Paper] = []
    for paper_id in named:
        if paper_id not in listed and paper_id in papers and len(picks) + len(others) < most:
            others.append(paper(paper_id, named[paper_id]))
    count = len(named)
    heading = f"{mdtext.plain(tell.title)}, " + (f"week to {tell.date}" if tell.every == "week" else tell.date)
    return View(heading=heading, date=tell.date, every=tell.every, new=count,
                counts=[(mdtext.short(mdtext.plain(t), 60), len(ids)) for t, ids in record["new"].items()],
                picks=picks, others=others, more=count - len(picks) - len(others),
                day_url=tell.day_url(tell.date),
                caught_up=[(d, sum(1 for v in tell.day_of.values() if v == d), tell.day_url(d)) for d in tell.caught_up()],
                linked=[(d, n, tell.day_url(d)) for d, n in sorted(tell.linked.items(), reverse=True)],
                test=tell.every == "test")


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Jinja2 for chat: autoescape for the HTML template (Telegram's)."""
    env = templates.environment(TEMPLATES, jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                                                    default_for_string=False))
    return env


ESCAPES = {"markdown": md_text, "slack": slack_text, "html": inert_at, "text": plain_text}  # html: autoescape too
NOTIFY_FORMATS = {"slack": "markdown"}  # what Apprise is told a format is (Slack's plugin makes it mrkdwn)


def render(message: View, fmt: str) -> str:
    """The message in one format: markdown, slack (Markdown with Slack's escape), html (Telegram's subset) or text;
    esc() is that format's escape (a function in the context, not a filter: the README renderer compiles every
    template under templates/)."""
    name = {"markdown": "message.md.j2", "slack": "message.md.j2", "html": "message.html.j2"}.get(fmt, "message.txt.j2")
    return environment().get_template(name).render(v=message, esc=ESCAPES.get(fmt, plain_text)).strip() + "\n"


def fit(tell: Tell, papers: Mapping[str, dict[str, Any]], fmt: str, limit: int, key_sentences: bool = True) -> str:
    """The message in `fmt`, with as many papers (up to PAPERS) as fit in `limit` characters; when not even the
    counts fit (dozens of long topic names, weeks of earlier days), fewer topics and days are named (the rest
    counted) and then the heading is cut. Each try is rendered whole, so no cut splits an entity or an escape, and
    the day's link stays."""
    for most in range(PAPERS, -1, -1):
        body = render(view(tell, papers, most, key_sentences), fmt)
        if len(body) <= limit:
            return body
    for smaller in shrunk(view(tell, papers, 0, key_sentences)):
        body = render(smaller, fmt)
        if len(body) <= limit:
            return body
    return body  # the least message: a short heading, the counts and the link (limit_of allows at least 200)


def shrunk(message: View) -> Iterator[View]:
    """Ever shorter forms of a message without papers: fewer topics named, then fewer earlier days, then a shorter
    heading."""
    counts, caught, linked = message.counts, message.caught_up, message.linked
    for keep in range(len(counts) - 1, -1, -1):
        yield replace(message, counts=counts[:keep], counts_more=len(counts) - keep)
    message = replace(message, counts=[], counts_more=len(counts))
    for keep in range(len(linked) - 1, -1, -1):
        yield replace(message, linked=linked[:keep], linked_more=len(linked) - keep)
    message = replace(message, linked=[], linked_more=len(linked))
    for keep in range(len(caught) - 1, -1, -1):
        yield replace(message, caught_up=caught[:keep], caught_more=len(caught) - keep)
    message = replace(message, caught_up=[], caught_more=len(caught))
    for chars in (80, 40, 20):
        yield replace(message, heading=mdtext.short(message.heading, chars))


# --- sending ------------------------------------------------------------------------------------------------------

def send(channel: Channel, body: str, fmt: str, deadline: float = DEADLINE) -> None:
    """Post the message to one channel; ChatError (one line naming the channel, not its URL) on any failure."""
    from apprise import NotifyFormat

    contain()
    result: list[bool] = []

    def post() -> None:
        try:
            result.append(bool(channel.plugin.notify(body=body, title="",
                                                     body_format=NotifyFormat(NOTIFY_FORMATS.get(fmt, fmt)))))
        except Exception:  # noqa: BLE001 - its text can quote the URL: only that it failed is told
            result.append(False)

    name = f"{WORKER}{channel.position}-{next(_SENDS)}"
    heard = _KEPT.heard[name] = []  # what Apprise says in this thread, for reason(): never printed
    worker = threading.Thread(target=post, daemon=True, name=name)
    try:
        worker.start()
        worker.join(deadline)
    finally:
        _KEPT.heard.pop(name, None)
    if worker.is_alive():
        raise ChatError(f"{channel.label} did not finish within {deadline:g} s")
    if not result or not result[0]:
        raise ChatError(f"{channel.label} {reason(heard, channel.plugin)}")


def reason(said: list[str], plugin: Any) -> str:
    """Why a send failed, from what Apprise logged: an HTTP status, a timeout, or no connection (no quoted text)."""
    text = " ".join(said)
    status = re.search(r"error=([45]\d\d)\b", text) or re.search(r"\b(?:HTTP|status|code)\D{0,3}([45]\d\d)\b", text)
    if status:
        code = int(status.group(1))
        fix = "check the URL's token or ids in NOTIFY_URLS" if code in (401, 403, 404) else \
            "the service refused or failed; the next run tries again"
        return f"answered HTTP {code}; {fix}"
    if re.search(r"(?i)timed? ?out|timeout", text):
        return (f"did not answer within {plugin.socket_read_timeout:g} s; the next run tries again")
    if re.search(r"(?i)connect|resolve|unreachable|refused", text):
        return "could not be reached; check the service's address in NOTIFY_URLS"
    return "was not sent (the service gave no reason); check the entry in NOTIFY_URLS"
