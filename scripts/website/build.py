"""Build the site into OUTDIR: pages, assets, feeds and the search index, swapped in only when complete.

    python scripts/site.py OUTDIR [--base-url URL]   # the daily workflow publishes OUTDIR to Pages

The site is built in a scratch folder beside OUTDIR and moved into place at the end, so a failed build
leaves the last site as it was. OUTDIR must be new, empty, or a site this command built (it holds
MARKER): a folder of anything else is never replaced. Builds beside one another take turns (a lock on
OUTDIR's parent folder), and the scratch folders a killed build left are removed by the next.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import glob
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from core import config as cfg
from core import interests, templates, text
from core import store as st
from core.errors import UserError
from daily import render
from website import days, moved, pages, parallel, save, search, similar  # noqa: I001 - issue 23: the day pages, the Save button
from website.extras import Extras, build_extras
from website.model import Site, build_model

ROOT = Path(__file__).resolve().parent.parent.parent
ASSETS = pages.TEMPLATES / "assets"
MARKER = ".daily-papers-site"


class OutdirError(UserError):
    """OUTDIR holds something that is not a site this command built."""


class ArgumentError(UserError):
    """A command-line value that cannot be used as given."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (docs/site.md)."""
    parser = argparse.ArgumentParser(prog="site.py", description="Build the static, searchable site from the store.",
                                     epilog="Exit status: 0 built, 2 bad input or a missing tool.")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="where to write the site (replaced whole)")
    parser.add_argument("--root", type=Path, default=ROOT, metavar="DIR",
                        help="the repository to build from (default: the one holding this script)")
    parser.add_argument("--base-url", metavar="URL", default=None,
                        help="where the site is served, e.g. https://OWNER.github.io/REPO/ (default: from "
                             "GITHUB_REPOSITORY); the 404 page, served at any missing address, links from there")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return parser.parse_args(argv)


def base_path(base_url: str | None, repository: str | None) -> str:
    """The site's path on its host ('/REPO/'; '/' for a user site), for links that must work from any address."""
    if base_url:
        path = urlsplit(base_url).path or "/"
        return path if path.endswith("/") else path + "/"
    owner, _, name = (repository or "").partition("/")
    if not name or name.lower() == f"{owner.lower()}.github.io":
        return "/"
    return f"/{name}/"


def check_outdir(outdir: Path) -> None:
    """Refuse to replace a folder that is neither empty nor a site built here."""
    if outdir.exists() and (not outdir.is_dir() or (any(outdir.iterdir()) and not (outdir / MARKER).is_file())):
        raise OutdirError(f"{outdir}: exists and is not a site built by scripts/site.py; "
                          "choose a new or empty folder")


def write_site(site: Site, extras: Extras, renderer: render.Renderer, target: Path, site_path: str = "/") -> None:
    """Every file of the site but the search index into target: pages and each topic's .bib
    (topics/<slug>/<slug>.bib), half of them from a second process, then feeds, renamed topics' old
    addresses, the id lookup and assets."""
    other_half = parallel.started(lambda: write_pages(site, extras, target, site_path, (1, 2)))
    with parallel.awaited(other_half):
        write_pages(site, extras, target, site_path, (0, 2))
        for view in renderer.views:
            write(target / "feeds" / f"{view.slug}.xml", renderer.feed(view))
        for path, data in [*moved.old_addresses(site, extras, renderer), *moved.lookup_files(site)]:
            write(target / path, data)
        shutil.copytree(ASSETS, target / "assets")
        (target / MARKER).write_text("built by scripts/site.py; the whole folder is replaced on each build\n")
    other_half()


def write_pages(site: Site, extras: Extras, target: Path, site_path: str, share: tuple[int, int]) -> None:
    """One share of the pages (pages.all_pages) into target."""
    for path, data in pages.all_pages(site, extras, site_path, share):
        write(target / path, data)


def write(path: Path, data: bytes) -> None:
    """Write one file of the scratch site (not atomic: the whole folder is swapped in at the end)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def swap_in(built: Path, outdir: Path) -> None:
    """Put the finished site at outdir, then remove the old one."""
    old = None
    if outdir.exists():
        old = outdir.with_name(f"{outdir.name}.old-{time.time_ns()}")
        outdir.rename(old)
    built.rename(outdir)
    if old is not None:
        remove_site(old)


def remove_site(folder: Path) -> None:
    """Remove a site this command built, its MARKER last: a kill midway leaves a folder the next build clears."""
    for child in folder.iterdir():
        if child.name != MARKER:
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    shutil.rmtree(folder)


def shown_papers(renderer: render.Renderer) -> list[dict[str, Any]]:
    """The stored papers the site lists (each once): similar papers and BibTeX are made for these only,
    so every similar-paper link resolves to a page of the site."""
    return list({paper["id"]: paper for view in renderer.views for paper in view.papers}.values())


def prepare(config: cfg.Config, papers: list[dict[str, Any]]) -> tuple[Site, Extras, render.Renderer]:
    """The site's model and its extras, from the same views README.md is rendered from (all in this process)."""
    site, renderer = model_of(config, papers)
    return site, build_extras(config, papers, shown_papers(renderer)), renderer


def model_of(config: cfg.Config, papers: list[dict[str, Any]]) -> tuple[Site, render.Renderer]:
    """The site's model, from the same views README.md is rendered from."""
    renderer = render.for_papers(config, papers)
    return build_model(config, papers, renderer), renderer


@contextlib.contextmanager
def taking_turns(outdir: Path) -> Iterator[None]:
    """Lock OUTDIR's parent folder and clear what a killed build left there: one build at a time."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(outdir.parent, os.O_RDONLY)  # a folder can be locked: no lock file left behind
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        name = glob.escape(outdir.name)
        for left in outdir.parent.glob(f".{name}.building-*"):
            shutil.rmtree(left, ignore_errors=True)
        for left in outdir.parent.glob(f"{name}.old-*"):
            if (left / MARKER).is_file():
                remove_site(left)
        yield
    finally:
        os.close(folder)  # closing releases the lock


def build(root: Path, outdir: Path, site_path: str = "/") -> tuple[Site, int]:
    """Build the site for the repository at root into outdir; returns the model and the papers indexed."""
    with taking_turns(outdir):
        return build_unlocked(root, outdir, site_path)


def build_unlocked(root: Path, outdir: Path, site_path: str) -> tuple[Site, int]:
    """Build while holding the lock: model, scratch folder, swap."""
    check_outdir(outdir)
    config = cfg.load(root / "keywords.yaml")
    scratch = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.building-", dir=outdir.parent))
    try:
        with st.gc_paused():
            papers = list(st.load(root).papers.values())
            site, renderer = model_of(config, papers)
            digests = days.load_digests(root)
            refused = frozenset(interests.not_for_me_ids(config.interests, root)) if config.interests else frozenset()
            site.days = [days.build_day(digest, site, refused) for digest in digests]
            site.save_to = save.save_target(os.environ)
            site.new_day, site.new_ids = days.newest(digests)
            shown = shown_papers(renderer)
            # The similar papers on the other core; the rest of the extras and the search index here, meanwhile.
            other_core = parallel.started(lambda: similar.similar_papers(shown))
            with parallel.awaited(other_core):
                extras = build_extras(config, papers, shown, similar_ids={})
                indexed = search.build_index(site, scratch)
            similar_ids = other_core()
        write_site(site, dataclasses.replace(extras, similar=similar_ids), renderer, scratch, site_path)
        swap_in(scratch, outdir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return site, indexed


def main(argv: list[str] | None = None) -> int:
    """Build the site; bad input or a missing tool is one 'error:' line and exit status 2."""
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        if args.base_url and urlsplit(args.base_url).scheme not in ("http", "https"):
            raise ArgumentError(f"--base-url {args.base_url}: give the site's whole address, like https://OWNER.github.io/REPO/")
        site_path = base_path(args.base_url, os.environ.get("GITHUB_REPOSITORY"))
        site, indexed = build(args.root.resolve(), args.outdir.resolve(), site_path)
    except (cfg.ConfigError, st.StoreError, OutdirError, ArgumentError) as exc:
        print(f"error: {text.log_line(str(exc))}", file=sys.stderr)
        return 2
    except jinja2.TemplateError as exc:
        print(f"error: {templates.template_problem(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or args.outdir}: {exc.strerror}; check the folder and free space", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"site: {len(site.topics)} topics, {site.total} papers ({indexed} searchable) in {args.outdir} "
              f"({time.perf_counter() - started:.1f} s)")
    return 0
