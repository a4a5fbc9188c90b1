"""A local Semantic Scholar Academic Graph stand-in on 127.0.0.1, for the real requests client in tests.

It answers POST .../graph/v1/paper/batch?fields=... with {"ids": ["ARXIV:<id>", ...]} like the real API: a
JSON list aligned with the ids, null for an id it does not know, else {"paperId": <40 hex>, "tldr":
{"model", "text"} or null} (tldr only when asked for in fields), HTTP 400 for more than 500 ids. It records
every request and can be told to misbehave: 429 with or without Retry-After, 5xx, a slow answer, malformed
JSON, a list of the wrong length or shape, hostile TL;DR text.
"""

from __future__ import annotations

import hashlib
import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from stand_in import StandIn, send_json

MODEL = "tldr@v2.0.0"
NO_TLDR = object()  # a paper Semantic Scholar knows, without a TL;DR yet


def paper_id(arxiv_id: str) -> str:
    """Semantic Scholar's id of a paper: 40 lowercase hex, stable per arXiv id."""
    return hashlib.sha1(arxiv_id.encode(), usedforsecurity=False).hexdigest()


class FakeS2(StandIn):
    """The server; set its attributes to shape the next answers. Use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []  # each: {"method", "path", "query", "headers", "body"}
        self.tldrs: dict[str, Any] = {}  # arXiv id -> TL;DR text, or NO_TLDR; ids not here answer null
        self.model = MODEL
        self.script: list[str] = []  # faults for the next requests: "429", "500", "503", "malformed", "short", "dict"
        self.retry_after: str | None = "1"  # on a 429
        self.delay = 0.0  # seconds before each answer (timeouts)
        self.trickle = 0.0  # seconds between the answer's bytes (a server that never quite times out)
        self.answer_ids: dict[str, str] = {}  # arXiv id -> a paperId to answer instead of paper_id() (odd ids)
        self._serve(self._handler())

    @property
    def url(self) -> str:
        """The base for S2_API_URL (the client appends /paper/batch)."""
        return self.origin + "/graph/v1"

    def asked_ids(self) -> list[list[str]]:
        """The ids each recorded request asked about, as sent ("ARXIV:2601.00001")."""
        return [list(r["body"].get("ids", [])) if isinstance(r["body"], dict) else [] for r in self.requests]

    def entry(self, raw_id: Any, fields: set[str]) -> dict[str, Any] | None:
        """One answer entry: null for an id it does not know."""
        if not isinstance(raw_id, str) or not raw_id.startswith("ARXIV:") or raw_id[6:] not in self.tldrs:
            return None
        arxiv_id = raw_id[6:]
        out: dict[str, Any] = {"paperId": self.answer_ids.get(arxiv_id, paper_id(arxiv_id))}
        if "tldr" in fields:
            text = self.tldrs[arxiv_id]
            out["tldr"] = None if text is NO_TLDR else {"model": self.model, "text": text}
        return out

    def answer(self, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request."""
        fault = self.script.pop(0) if self.script else "ok"
        if fault == "429":
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return 429, headers, json.dumps({"message": "Too Many Requests. Please wait and try again or apply "
                                                        "for a key for higher rate limits."}).encode()
        if fault in ("500", "502", "503", "504"):
            return int(fault), {}, json.dumps({"message": "Internal Server Error"}).encode()
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list):
            return 400, {}, json.dumps({"error": "Unacceptable request body"}).encode()
        if len(ids) > 500:
            return 400, {}, json.dumps({"error": "Cannot process more than 500 ids"}).encode()
        fields = set(",".join(query.get("fields", [])).split(","))
        entries = [self.entry(i, fields) for i in ids]
        if fault == "malformed":
            return 200, {}, json.dumps(entries).encode()[:-7]
        if fault == "short":
            entries = entries[:-1]
        if fault == "dict":
            return 200, {}, json.dumps({"data": entries}).encode()
        return 200, {}, json.dumps(entries).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                query = parse_qs(parts.query)
                fake.requests.append({"method": "POST", "path": parts.path, "query": query,
                                      "headers": dict(self.headers), "body": body})
                if fake.delay:
                    time.sleep(fake.delay)
                if parts.path != "/graph/v1/paper/batch":
                    status, headers, data = 404, {}, json.dumps({"error": "Not found"}).encode()
                else:
                    status, headers, data = fake.answer(query, body)
                send_json(self, status, headers, data, fake.trickle)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
