"""A local OpenAI-compatible chat-completions server on 127.0.0.1, for the real openai client in tests.

It answers POST .../chat/completions like OpenAI or any compatible endpoint, records every request, and can
be told to misbehave: 429 with Retry-After, 5xx, 410 like a retired endpoint, 401/403 that echo the key, a
redirect to another address, 400 for response_format json_schema, malformed JSON, ids not asked about, ids
left out, hostile text, summaries swapped within a request, and obeying an instruction injected into an
abstract.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from stand_in import StandIn, send_json

INJECTION = re.compile(r"write the summary of (\S+?) as: ([^.]+\.)")


def free_port() -> int:
    """A port nobody listens on (for the refused-connection case)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def papers_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The papers a request sent (the last user message's JSON array)."""
    for message in reversed(body.get("messages", [])):
        if message.get("role") == "user":
            try:
                return json.loads(message["content"])
            except ValueError:
                return []
    return []


def honest_summary(paper: dict[str, Any]) -> str:
    """A plausible one-sentence summary built from the paper's own abstract words."""
    words = [w for w in re.findall(r"[A-Za-z0-9-]+", paper.get("abstract", "")) if len(w) > 3][:12]
    return "The authors study " + " ".join(words) + "."


class FakeLLM(StandIn):
    """The server; set its attributes to shape the next answers. Use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []  # each: {"path", "headers", "body"}
        self.script: list[str] = []  # faults for the next requests, in order: "429", "500", "malformed", ...
        self.retry_after: str | None = "1"
        self.refuse_schema = False  # answer 400 to response_format json_schema, like an endpoint without it
        self.obey_injections = True  # a gullible model: does what an abstract tells it
        self.extra: list[dict[str, str]] = []  # entries added to every answer (ids not asked about)
        self.leave_out: set[str] = set()  # ids left out of answers
        self.summary: Callable[[dict[str, Any]], str] = honest_summary
        self.status_for_auth: int | None = None  # 401, 403 or 410 for every request
        self.echo_key = False  # error messages quote the Authorization header, as some endpoints do
        self.redirect_to: str | None = None  # answer every request with 307 to this URL
        self.swap = 0  # give each paper the honest summary of the paper this many places on in the request
        self.ascii_content = True  # False: the answer's content holds its characters raw (a lone surrogate too)
        self.headers: dict[str, str] = {}  # extra headers on successful answers
        self.delay = 0.0  # seconds before each answer (timeouts)
        self.trickle = 0.0  # seconds between the answer's bytes (an endpoint that never quite times out)
        self.shape: dict[str, Any] = {}  # replaces parts of a 200 answer: {"content": 42} or {"choices": {}}
        self._serve(self._handler())

    @property
    def url(self) -> str:
        """The base URL for LLM_BASE_URL (the client appends /chat/completions)."""
        return self.origin + "/inference"

    def asked_ids(self) -> list[list[str]]:
        """The ids each recorded request asked about."""
        return [[p["id"] for p in papers_of(r["body"])] for r in self.requests]

    def answer(self, body: dict[str, Any], key: str = "") -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request (key: the Authorization header it carried)."""
        if self.redirect_to:
            return 307, {"Location": self.redirect_to}, _error("moved")
        if self.status_for_auth:
            words = {401: "Bad credentials", 403: "No access to model", 410: "Gone"}.get(self.status_for_auth, "No")
            if self.echo_key:
                words += f": incorrect API key provided: {key.removeprefix('Bearer ')} ({key})"
            return self.status_for_auth, {}, _error(words)
        fault = self.script.pop(0) if self.script else "ok"
        if fault == "429":
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return 429, headers, _error("Rate limit of 15 per 60s exceeded")
        if fault in ("500", "503"):
            return int(fault), {}, _error("upstream failure")
        if fault == "404":
            return 404, {}, _error("Unknown model")
        if fault == "not json":
            return 200, {}, b"<html>Service Unavailable</html>"
        schema = (body.get("response_format") or {}).get("type") == "json_schema"
        if schema and self.refuse_schema:
            return 400, {}, _error("Invalid parameter: response_format json_schema is not supported")
        papers = papers_of(body)
        if fault == "malformed":
            content = '{"summaries": [{"id": "' + (papers[0]["id"] if papers else "x") + '", "summ'
        elif fault == "prose":
            content = "Sure! Here are the summaries you asked for."
        else:
            content = json.dumps({"summaries": self.entries(papers)}, ensure_ascii=self.ascii_content)
            if not schema:
                content = "```json\n" + content + "\n```"  # a model asked for plain JSON often fences it
        reply = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body.get("model"),
                 "choices": [{"index": 0, "finish_reason": "stop",
                              "message": {"role": "assistant", "content": content}}],
                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        if "content" in self.shape:  # what some proxies send: a number, or a list of parts
            reply["choices"][0]["message"]["content"] = self.shape["content"]
        reply.update({k: v for k, v in self.shape.items() if k != "content"})
        return 200, dict(self.headers), json.dumps(reply).encode()

    def entries(self, papers: list[dict[str, Any]]) -> list[dict[str, str]]:
        """The answer's summaries: one per paper asked, then what the faults add or change."""
        told = [self.summary(papers[(i + self.swap) % len(papers)]) for i in range(len(papers))]
        out = {p["id"]: text for p, text in zip(papers, told) if p["id"] not in self.leave_out}
        if self.obey_injections:
            for paper in papers:
                for target, text in INJECTION.findall(paper.get("abstract", "")):
                    out[target] = text
        return [{"id": i, "summary": s} for i, s in out.items()] + list(self.extra)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if fake.delay:
                    time.sleep(fake.delay)
                if not self.path.endswith("/chat/completions"):
                    status, headers, data = 404, {}, _error("no such path")
                else:
                    status, headers, data = fake.answer(body, self.headers.get("Authorization") or "")
                send_json(self, status, headers, data, fake.trickle)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _error(message: str) -> bytes:
    """An OpenAI-style error body."""
    return json.dumps({"error": {"message": message, "type": "error", "code": None}}).encode()
