"""Headless Chromium for the browser tests: the system's (Debian package chromium) or Playwright's own.

In CI (CI=true) the browser tests must run: a missing browser fails them. Elsewhere they skip, saying
how to install one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
INSTALL = "no Chromium: install one with 'sudo apt-get install chromium' (or 'python -m playwright install chromium')"


def system_chromium() -> str | None:
    """The system's Chromium, if installed."""
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium, closed after; without one, fail in CI and skip elsewhere."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")
    with sync_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=system_chromium(), args=CHROMIUM_ARGS)
        except sync_api.Error as exc:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{INSTALL}: {exc}".splitlines()[0])
            pytest.skip(INSTALL)
        try:
            yield launched
        finally:
            launched.close()


def collect_errors(page: Any, problems: list[str], ignore: Callable[[Any], bool] = lambda message: False) -> Any:
    """Send page's script errors and console errors (a CSP violation is one) to problems, so a test fails on
    them; ignore(message) spares the console errors a test expects (a 404 it asked for)."""
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and not ignore(message)
            and problems.append(f"console: {message.text}"))
    return page


@contextlib.contextmanager
def watched_page(browser: Any, width: int, height: int, timeout_ms: int = 90_000,
                 dialogs: bool = False) -> Iterator[Any]:
    """A fresh page of that size in its own context; its script and console errors (and, with dialogs, any dialog,
    dismissed) fail the test when the page is done. The timeout is generous: a loaded machine is slow, a real
    failure still fails."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(timeout_ms)
    opened = context.new_page()
    problems: list[str] = []
    if dialogs:
        opened.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    collect_errors(opened, problems)
    yield opened
    context.close()
    assert not problems, problems
