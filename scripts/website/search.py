"""The search index: Pagefind (pagefind[bin], through its Python API), one record per listed paper.

Each paper becomes a small HTML record (templates/site/record.html.j2) whose title, authors, comment and
abstract are indexed, with filters (topic, year, month, category, code), a date to sort newest first,
and the address of its anchor on its topic page. The records are written to a scratch folder and
indexed in one call (add_directory): Pagefind's Python API answers one request per 0.1 s, so adding
40,000 records one by one would take over an hour. Only the index goes into the site.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from website.model import Site
from website.pages import environment

INDEX_DIR = "pagefind"  # the index folder in the site; assets/search.js imports pagefind/pagefind.js from it
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says how to fix it."""


def write_records(site: Site, folder: Path) -> int:
    """One HTML record per listed paper, in the folder Pagefind will index; returns how many."""
    template = environment().get_template("record.html.j2")
    written = 0
    for topic in site.topics:
        for paper in topic.papers:
            url = site.home[paper.id]
            if not url.startswith(f"{topic.directory}/"):  # listed by an earlier topic: indexed there
                continue
            name = paper.id.replace("/", "_") + ".html"
            (folder / name).write_text(template.render(p=paper, url=url), encoding="utf-8")
            written += 1
    return written


async def _index(records: Path, output: Path) -> int:
    """Index the records folder and write the bundle to output; returns the number of pages indexed."""
    from pagefind.index import PagefindIndex

    config = {"force_language": "en", "output_path": str(output)}
    async with PagefindIndex(config=config) as index:  # type: ignore[arg-type]
        result = await index.add_directory(str(records))
        return int(result["page_count"])


def build_index(site: Site, outdir: Path) -> int:
    """Write the Pagefind bundle for every listed paper into outdir/pagefind; returns the papers indexed."""
    try:
        import pagefind.index  # noqa: F401
        from pagefind.service import get_executable
    except ImportError:
        raise SearchIndexError("pagefind is not installed; run 'pip install -r requirements-site.txt'") from None
    binary = get_executable()
    if binary is None or not binary.is_file():
        raise SearchIndexError(f"the pagefind binary {binary or ''} is missing; "
                               "run 'pip install -r requirements-site.txt'")
    with tempfile.TemporaryDirectory(prefix="site-records-") as scratch:
        records = Path(scratch)
        expected = write_records(site, records)
        indexed = asyncio.run(_index(records, outdir / INDEX_DIR)) if expected else 0
    if indexed != expected:
        raise SearchIndexError(f"pagefind indexed {indexed} of {expected} papers; run with a fresh OUTDIR")
    for name in UNUSED:  # Pagefind's own UIs: the site has its own small search page
        (outdir / INDEX_DIR / name).unlink(missing_ok=True)
    return indexed
