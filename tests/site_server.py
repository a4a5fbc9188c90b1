"""Build the small repository's site once and serve it on 127.0.0.1, as GitHub Pages would serve it."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

import pytest

from site_repo import make_repo
from website import build, model


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Requests are not logged: the tests check what they need."""


def build_small_site(folder: Path) -> Path:
    """The site of site_repo's store, with 5 papers a page so a busy month has parts; returns OUTDIR."""
    root = make_repo(folder / "repo")
    outdir = folder / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "PAGE_PAPERS", 5)
        assert build.main([str(outdir), "--root", str(root), "-q"]) == 0
    return outdir


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small site's base URL (under a sub-path, as on https://OWNER.github.io/REPO/)."""
    top = tmp_path_factory.mktemp("served")
    build_small_site(top)
    (top / "REPO").symlink_to(top / "site")
    handler = functools.partial(Quiet, directory=str(top))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/REPO/"
    finally:
        server.shutdown()
        server.server_close()
