"""A chat webhook on 127.0.0.1 for the chat tests (issue 37): keeps each request's path, headers and body, and
answers as told: 200, a status, a slow answer, none at all (the connection is held open), or an answer whose
headers are malformed (urllib3 then logs a warning quoting the request's URL)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from stand_in import StandIn, send_json


@dataclass
class Posted:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 200  # what the server answered

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class FakeChat(StandIn):
    """The server: `status` to answer, `delay` seconds before answering, `silent` to never answer, `malformed` to
    answer 200 with a header line that has no name."""

    status: int = 200
    delay: float = 0.0
    silent: bool = False
    malformed: bool = False
    posted: list[Posted] = field(default_factory=list)

    def __post_init__(self) -> None:
        chat = self
        release = self.release = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                chat.posted.append(Posted(self.path, dict(self.headers), self.rfile.read(length),
                                          0 if chat.silent else chat.status))
                if chat.silent:
                    release.wait(30)  # hold the connection: the client must give up on its own
                    return
                if chat.delay:
                    time.sleep(chat.delay)
                if chat.malformed:
                    self.close_connection = True
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n: no name\r\nX-After: y\r\n\r\nok")
                    return
                if self.path.startswith("/slack"):  # Slack's webhook answers the word ok
                    self.send_response(chat.status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                    return
                answer = {"ok": chat.status < 300}
                if "/bot" in self.path:  # Telegram's answer names the message
                    answer["result"] = {"message_id": 1}
                send_json(self, chat.status, {}, json.dumps(answer).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self._serve(Handler)

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        super().__exit__(*exc)

    @property
    def hostport(self) -> str:
        return self.origin.removeprefix("http://")
