"""What the local HTTP stand-ins (fake_llm, fake_s2) share: sending one JSON answer the way a real server does."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler


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
