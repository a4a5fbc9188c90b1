"""What the local HTTP stand-ins (fake_llm, fake_s2) share: a server on 127.0.0.1, and one JSON answer sent the way
a real server sends it."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


def send_json(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], data: bytes,
              trickle: float = 0.0) -> None:
    """One answer with its status, headers and body (with trickle, a byte every trickle seconds: a server that
    keeps each read under a timeout but never finishes); a client that gave up waiting is no error."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    try:
        if not trickle:
            handler.wfile.write(data)
        for i in range(len(data) if trickle else 0):
            handler.wfile.write(data[i:i + 1])
            handler.wfile.flush()
            time.sleep(trickle)
    except OSError:
        pass


class StandIn:
    """A threaded HTTP server on a free port of 127.0.0.1 for a fake service; use as a context manager."""

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        """Make the server (started on enter); a slow answer in progress does not hold up the test's end."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)  # a quick shutdown: a test may start one per test

    @property
    def origin(self) -> str:
        """http://127.0.0.1:<port>, where the server listens."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
