"""A fake arXiv API on 127.0.0.1: real HTTP, Atom feeds in arXiv's post-2025 layout, fault injection.

It understands start, max_results, sortBy, sortOrder, id_list (as arXiv answers it: the listed ids it has, a
versioned id as that version, unknown ids left out, a malformed one refused with HTTP 400) and enough of
search_query (fields ti/abs/all/cat, quoted phrases, AND/OR/ANDNOT, parentheses, submittedDate ranges) for the
tests. Like
arXiv it matches loosely: a term matches any word that starts with its stem, so `TTS` also
finds `TT-rank`, which is what the local relevance check must undo.
"""

from __future__ import annotations

import email.utils
import gzip
import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, quoteattr

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "arxiv-api"


def fixture(name: str) -> bytes:
    """A recorded arXiv response, byte for byte."""
    return (FIXTURES / name).read_bytes()


@dataclass
class Fault:
    """One injected failure: used for requests whose query contains `match`, `times` times."""

    kind: str  # status | malformed | empty | hang | drip (the body a few bytes at a time) | huge (a gzip bomb)
    status: int = 503
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    match: str = ""
    times: int = 1
    seconds: float = 5.0
    start: int | None = None  # only for requests of this page offset


def error_feed(message: str, anchor: str = "invalid_query") -> bytes:
    """An arXiv error feed laid out like the recorded HTTP 400 answer, with another message."""
    body = fixture("2026-04_new-format_idlist_abc_error-http400.xml").decode("utf-8")
    return body.replace("incorrect_id_format_for_abc", anchor).replace("incorrect id format for abc",
                                                                        escape(message)).encode("utf-8")


def paper(paper_id: str, title: str, abstract: str = "", *, version: int = 1, updated: str = "2026-02-10T12:00:00Z",
          published: str | None = None, categories: tuple[str, ...] = ("cs.SD", "eess.AS"), comment: str = "",
          authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing")) -> dict[str, Any]:
    """A paper for the fake server's index."""
    return {"id": paper_id, "version": version, "title": title, "abstract": abstract or f"About {title}.",
            "updated": updated, "published": published or updated, "categories": list(categories),
            "primary_category": categories[0] if categories else "", "comment": comment, "authors": list(authors)}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _stem(word: str) -> str:
    word = word.lower()
    return word[:-1] if len(word) > 3 and word.endswith("s") else word.rstrip("s") or word


_ID = re.compile(r"^(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?$")
_TOKENS = re.compile(r'\s*(\(|\)|[a-zA-Z]+:\[[^\]]*\]|[a-zA-Z]+:"[^"]*"|"[^"]*"|[^\s()]+)')


class _Query:
    """A loose boolean search over title, abstract and categories."""

    def __init__(self, text: str):
        self.tokens = [t for t in _TOKENS.findall(text) if t.strip()]
        self.pos = 0
        self.tree = self._or() if self.tokens else ("all",)

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> tuple:
        node = self._and()
        while self._peek() == "OR":
            self.pos += 1
            node = ("or", node, self._and())
        return node

    def _and(self) -> tuple:
        node = self._atom()
        while self._peek() not in (None, ")", "OR"):
            op = self._peek()
            if op in ("AND", "ANDNOT"):
                self.pos += 1
            node = ("andnot" if op == "ANDNOT" else "and", node, self._atom())
        return node

    def _atom(self) -> tuple:
        tok = self._peek()
        self.pos += 1
        if tok == "(":
            node = self._or()
            self.pos += 1
            return node
        field_name, _, value = tok.partition(":") if ":" in tok and not tok.startswith('"') else ("all", "", tok)
        return ("term", field_name, value.strip('"'))

    def match(self, p: dict[str, Any], node: tuple | None = None) -> bool:
        node = node or self.tree
        kind = node[0]
        if kind == "all":
            return True
        if kind == "or":
            return self.match(p, node[1]) or self.match(p, node[2])
        if kind == "and":
            return self.match(p, node[1]) and self.match(p, node[2])
        if kind == "andnot":
            return self.match(p, node[1]) and not self.match(p, node[2])
        _, field_name, value = node
        if field_name == "cat":
            return value in p["categories"] or (value.endswith("*") and any(c.startswith(value[:-1]) for c in p["categories"]))
        if field_name == "submittedDate":
            low, high = re.findall(r"\d{8}", value)
            day = p["published"][:10].replace("-", "")
            return low <= day <= high
        if field_name == "id":
            return p["id"] == value
        text = {"ti": p["title"], "abs": p["abstract"]}.get(field_name, p["title"] + " " + p["abstract"])
        return _loose(value, _words(text))


def _loose(value: str, words: list[str]) -> bool:
    """Stem-prefix match of a word or phrase, as loose as arXiv's stemming."""
    stems = [_stem(w) for w in _words(value)]
    if not stems:
        return False
    for i in range(len(words) - len(stems) + 1):
        if all(words[i + j].startswith(stems[j]) for j in range(len(stems))):
            return True
    return False


def entry_xml(p: dict[str, Any]) -> str:
    """One <entry> in arXiv's new layout."""
    vid = f"{p['id']}v{p['version']}"
    cats = "".join(f'\n    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>' for c in p["categories"])
    authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in p["authors"])
    comment = f"\n    <arxiv:comment>{escape(p['comment'])}</arxiv:comment>" if p.get("comment") else ""
    return f"""  <entry>
    <id>http://arxiv.org/abs/{vid}</id>
    <title>{escape(p['title'])}</title>
    <updated>{p['updated']}</updated>
    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>
    <summary>{escape(p['abstract'])}</summary>{cats}
    <published>{p['published']}</published>{comment}
    <arxiv:primary_category term={quoteattr(p['primary_category'] or 'cs.SD')}/>{authors}
  </entry>
"""


def feed_xml(entries: list[dict[str, Any]], total: int, start: int, query: str) -> bytes:
    """A whole feed page."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = "".join(entry_xml(p) for p in entries)
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: search_query={escape(query)}&amp;start={start}&amp;max_results={len(entries)}</title>
  <updated>{now}</updated>
  <opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
{body}</feed>
""".encode()


class FakeArxiv:
    """The server; use as a context manager. `.url` goes into ARXIV_API_URL."""

    def __init__(self, papers: list[dict[str, Any]] | None = None):
        self.papers: list[dict[str, Any]] = list(papers or [])
        self.fixtures: dict[str, bytes] = {}  # query substring -> recorded body
        self.faults: list[Fault] = []
        self.requests: list[dict[str, str]] = []
        self.arrivals: list[tuple[float, dict[str, str]]] = []  # (time.monotonic() on arrival, request headers)
        self.reorder: Any = None  # a function of the sorted results, to serve them out of order
        self.date: str | None = None  # the Date header's moment (ISO); None: DAILY_PAPERS_NOW when set, else now
        self.send_date = True  # False: answers carry no Date header (an odd mirror)
        self.min_gap = 0.0  # like a peer's edge: HTTP 429 to a request arriving sooner after the previous answer
        self.gaps: list[float] = []  # per request after the first: seconds since the previous answer began
        self.answered: float | None = None  # time.monotonic() when the last answer began to be sent
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # clients that time out hang up on us
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/query"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)  # shutdown() waits up to one poll: 0.5 s by default, per test

    def __enter__(self) -> FakeArxiv:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests_for(self, text: str) -> int:
        """How many requests asked a query containing text."""
        return sum(text in r.get("search_query", "") for r in self.requests)

    @property
    def id_list_requests(self) -> list[list[str]]:
        """The ids each id_list request asked for, in order of arrival."""
        return [r["id_list"].split(",") for r in self.requests if r.get("id_list")]

    def by_id_list(self, asked: list[str]) -> list[dict[str, Any]] | str:
        """The papers an id_list names, as arXiv answers it (in the list's order), or the first malformed id."""
        found: list[dict[str, Any]] = []
        for text in asked:
            match = _ID.match(text.strip())
            if not match:
                return text
            version = int(match.group("v")) if match.group("v") else None
            held = next((p for p in self.papers if p["id"] == match.group("id")), None)
            if held is not None and (version is None or version <= held["version"]):
                found.append(held if version is None else {**held, "version": version})
        return found

    def date_header(self) -> str:
        """arXiv's own time, as its Date header says it: the test's moment, the simulated one, or the real one."""
        stamp = self.date or os.environ.get("DAILY_PAPERS_NOW")
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else datetime.now(UTC)
        return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)

    def _take_fault(self, query: str, start: int) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match in query and fault.start in (None, start):
                    fault.times -= 1
                    return fault
        return None

    def respond(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes, float]:
        """Status, headers, body and a delay for one request."""
        query = params.get("search_query", "")
        id_list = params.get("id_list", "")
        start = int(params.get("start", 0))
        fault = self._take_fault(f"{query} id_list:{id_list}".strip() if id_list else query, start)
        for key, body in self.fixtures.items():
            if key in query:
                return 200, {}, body, 0.0
        size = int(params.get("max_results", 10))
        listed = self.by_id_list(id_list.split(",")) if id_list else self.papers
        if isinstance(listed, str):
            return 400, {}, error_feed(f"incorrect id format for {listed}", f"incorrect_id_format_for_{listed}"), 0.0
        found = [p for p in listed if not query or _Query(query).match(p)]
        key = "published" if params.get("sortBy") == "submittedDate" else "updated"
        if not id_list:  # arXiv keeps an id_list's own order
            found.sort(key=lambda p: (p[key], p["id"]), reverse=params.get("sortOrder", "descending") == "descending")
        if self.reorder is not None:
            found = self.reorder(found)
        page = found[start:start + size]
        body = feed_xml(page, len(found), start, query)
        if fault is None:
            return 200, {}, body, 0.0
        if fault.kind == "status":
            return fault.status, fault.headers, fault.body or b"error", 0.0
        if fault.kind == "malformed":
            return 200, {}, body[: max(200, len(body) * 2 // 3)], 0.0
        if fault.kind == "empty":
            return 200, {}, feed_xml([], len(found), start, query), 0.0
        if fault.kind == "hang":
            return 200, {}, body, fault.seconds
        if fault.kind == "drip":
            return 200, {"X-Drip": str(fault.seconds)}, body, 0.0
        if fault.kind == "huge":
            return 200, {"Content-Encoding": "gzip"}, gzip.compress(body + b" " * (fault.status * 1024 * 1024)), 0.0
        raise ValueError(fault.kind)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query, keep_blank_values=True).items()}
                with fake.lock:
                    arrived = time.monotonic()
                    fake.requests.append(params)
                    fake.arrivals.append((arrived, dict(self.headers.items())))
                    gap = None if fake.answered is None else arrived - fake.answered
                    if gap is not None:
                        fake.gaps.append(gap)
                if gap is not None and gap < fake.min_gap:
                    status, headers, body, delay = 429, {}, b"Rate exceeded.", 0.0
                else:
                    status, headers, body, delay = fake.respond(params)
                if delay:
                    time.sleep(delay)
                with fake.lock:
                    fake.answered = time.monotonic()  # before sending: a client sees the answer end later
                drip = float(headers.pop("X-Drip", 0))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if drip:
                        self._drip(body, drip)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

            def _drip(self, body: bytes, seconds: float) -> None:
                """Send a few bytes every 0.1 s for at most `seconds` (a bounded loop), then hang up."""
                ends = time.monotonic() + seconds
                for offset in range(0, len(body), 16):
                    if time.monotonic() > ends:
                        return
                    self.wfile.write(body[offset:offset + 16])
                    self.wfile.flush()
                    time.sleep(0.1)

            def send_response(self, code: int, message: str | None = None) -> None:
                self.send_response_only(code, message)
                self.send_header("Server", "fake-arxiv")
                if fake.send_date:
                    self.send_header("Date", fake.date_header())

            def log_message(self, *args: object) -> None:
                pass

        return Handler
