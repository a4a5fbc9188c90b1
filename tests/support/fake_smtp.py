"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the email tests: plain, STARTTLS or implicit TLS, with or
without a login, and a self-signed certificate made here with the openssl command line."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "bot@example.org", "app-password"


def free_port() -> int:
    """A port nothing listens on right now (aiosmtpd's controller needs a real port number to check it started)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (openssl req -x509)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@dataclass
class Received:
    """One delivered message, as the server saw it."""

    sender: str
    recipients: list[str]
    data: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Inbox:
    """The server's handler: keeps every message; refuses the recipients named in `refuse` (at RCPT) and the
    message to those in `refuse_data` (at DATA, as a recipient's spam filter does)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refuse_data: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data & set(envelope.rcpt_tos):
            return "550 5.7.1 message rejected as spam"
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                                      session.ssl is not None or _on_tls(server), login))
        return "250 Message accepted"


def _on_tls(server: Any) -> bool:
    """Whether the connection is implicit TLS (aiosmtpd sets session.ssl only after STARTTLS)."""
    transport = getattr(server, "transport", None)
    return transport is not None and transport.get_extra_info("ssl_object") is not None


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    """Accept USER with PASSWORD only (aiosmtpd's authenticator hook)."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(),
                                                                                               PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The server's side of TLS."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class Server:
    """An aiosmtpd server in a thread: mode 'none' (plain), 'starttls' or 'ssl'; login required when `login`."""

    def __init__(self, mode: str, cert: tuple[Path, Path] | None = None, login: bool = False) -> None:
        self.inbox, self.port = Inbox(), free_port()
        kwargs: dict[str, Any] = {}
        if mode == "starttls":
            kwargs.update(tls_context=server_context(*cert), require_starttls=True)  # type: ignore[misc]
        if mode == "ssl":
            kwargs.update(ssl_context=server_context(*cert))  # type: ignore[misc]
        if login:
            # aiosmtpd counts only STARTTLS as TLS: over implicit TLS it would not offer AUTH if it must be on TLS
            kwargs.update(authenticator=check_login, auth_required=True, auth_require_tls=mode == "starttls")
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def env(self, security: str, login: bool = False, to: str = "reader@example.org") -> dict[str, str]:
        """The secrets a workflow would pass to reach this server."""
        values = {"SMTP_SERVER": "127.0.0.1", "SMTP_PORT": str(self.port), "SMTP_SECURITY": security,
                  "MAIL_FROM": "Daily Papers <bot@example.org>", "MAIL_TO": to}
        if login:
            values.update(SMTP_USERNAME=USER, SMTP_PASSWORD=PASSWORD)
        return values


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One self-signed certificate for the session's TLS servers."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """The test's certificate trusted as OpenSSL's default (SSL_CERT_FILE), as a real provider's CA is."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    yield certificate
