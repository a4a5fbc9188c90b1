"""Build the small repository's site once and serve it on 127.0.0.1, as GitHub Pages would serve it."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_repo import make_repo

from website import build, model

SERVED_AT = "https://example.github.io/REPO/"  # where the small site is published: under /REPO/, as a fork's is


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Requests are not logged: the tests check what they need."""


class LikePages(Quiet):
    """Serves a missing address under /REPO/ as GitHub Pages does: the site's 404.html, status 404; and caches as
    Pages does (max-age=600), so a page that needs what a rebuild changed must ask for it anew."""

    def send_head(self):  # type: ignore[no-untyped-def] - the base class's
        """Revalidation always answers the file: If-Modified-Since counts whole seconds, and a test rebuilds faster."""
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "REPO" / "404.html"
        if code != 404 or not self.path.startswith("/REPO/") or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def build_small_site(folder: Path) -> Path:
    """The site of site_repo's store, with 5 papers a page so a busy month has parts; returns OUTDIR."""
    root = make_repo(folder / "repo")
    outdir = folder / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "PAGE_PAPERS", 5)
        assert build.main([str(outdir), "--root", str(root), "--base-url", SERVED_AT, "-q"]) == 0
    return outdir


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small site's base URL (under a sub-path, as on https://OWNER.github.io/REPO/)."""
    top = tmp_path_factory.mktemp("served")
    build_small_site(top)
    with serving(top) as base:
        yield base


@contextlib.contextmanager
def serving(top: Path) -> Iterator[str]:
    """Serve top/site at http://127.0.0.1:PORT/REPO/ (missing addresses get the site's 404.html); a rebuild of
    top/site is served at once."""
    (top / "REPO").symlink_to(top / "site")
    handler = functools.partial(LikePages, directory=str(top))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/REPO/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def built_for_octo(root: Path, top: Path) -> Iterator[str]:
    """root's site built into top/site as the workflow builds it for octo/papers on branch main (GITHUB_REPOSITORY
    set, so the Save buttons have somewhere to save), published at https://octo.github.io/REPO/ and served from top;
    yields the base URL, http://127.0.0.1:PORT/REPO/."""
    import io

    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(io.StringIO()):
        patch.setenv("GITHUB_REPOSITORY", "octo/papers")
        patch.setenv("GITHUB_REF_NAME", "main")
        patch.setenv("GITHUB_REF_TYPE", "branch")
        assert build.main([str(top / "site"), "--root", str(root), "--base-url", "https://octo.github.io/REPO/",
                           "-q"]) == 0
    with serving(top) as base:
        yield base
