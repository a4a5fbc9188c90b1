"""A renamed topic keeps its addresses on the site, and every paper can be found by its id wherever it lives now.

For each earlier name of a topic (`aliases:` in keywords.yaml), every page the topic has under topics/<slug>/
is also written under topics/<old slug>/ as a small page that sends the reader to the same page of the new
address (a meta refresh and a visible link; assets/moved.js carries the #p-<id> anchor along, which the meta
refresh drops), and feeds/<old slug>.xml keeps being served with its old Atom id. They are written on every
build while the alias is listed, so they go when it does.

The id lookup: ids/<shard>.json holds, for the papers whose ids begin with one YYMM (old-style ids:
'old-YYMM'), every page that lists each one ({"pages": [...], "papers": {id: [page numbers]}}, the first
topic's page first); ids/index.json lists the shards. assets/moved.js reads it when a #p-<id> anchor is not
on the page it was opened on (a busy month's parts shifted, the 404 page), and stars.js to link a star to
the paper's page now.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from daily import render
from website import pages
from website.extras import Extras
from website.model import Site, TopicSite

LOOKUP_DIR = "ids"  # the lookup's folder in the site; assets/moved.js reads ids/index.json and ids/<shard>.json
FORMAT = 1  # bumped when the lookup's shape changes
_OLD_STYLE = re.compile(r"/(\d{4})\d{3}$")


def shard(paper_id: str) -> str:
    """The lookup file that holds a paper: its id's YYMM ('2405'), 'old-YYMM' for old-style ids (moved.js: shardOf)."""
    if re.match(r"\d{4}\.", paper_id):
        return paper_id[:4]
    found = _OLD_STYLE.search(paper_id)
    return f"old-{found.group(1)}" if found else "other"


def old_slugs(site: Site, renderer: render.Renderer) -> dict[str, TopicSite]:
    """Each earlier name's slug -> the topic that now has it (view.earlier leaves out any address a topic has now;
    of two topics claiming one, the first keeps it)."""
    topics = {topic.name: topic for topic in site.topics}
    found: dict[str, TopicSite] = {}
    for view in renderer.views:
        for old in sorted(view.earlier):
            found.setdefault(old, topics[view.name])
    return found


def html_names(topic: TopicSite, extras: Extras) -> list[str]:
    """The HTML pages a topic has in its folder, as pages.topic_pages writes them."""
    hidden = ["hidden.html"] if len(extras.reasons[topic.name].hidden) > pages.HIDDEN_INLINE else []
    return ["index.html", *hidden, *(page.file for page in topic.pages)]


def old_addresses(site: Site, extras: Extras, renderer: render.Renderer) -> Iterator[tuple[str, bytes]]:
    """Every renamed topic's old pages (redirects) and old feed (its old Atom id), as (path, bytes)."""
    views = {view.name: view for view in renderer.views}
    for old, topic in old_slugs(site, renderer).items():
        old_name = views[topic.name].earlier[old]
        for name in html_names(topic, extras):
            yield (f"topics/{old}/{name}",
                   pages.render("moved.html.j2", site, "../../", f"topics/{old}/", topic=topic, old_name=old_name,
                                target=f"../{topic.slug}/{name}"))
        yield f"feeds/{old}.xml", renderer.feed(views[topic.name], old)


def lookup_files(site: Site) -> Iterator[tuple[str, bytes]]:
    """The id -> page lookup: one small JSON file per shard, and the list of shards."""
    shards: dict[str, dict[str, list[str]]] = {}
    for topic in site.topics:
        for page in topic.pages:
            path = f"{topic.directory}/{page.file}"
            for paper in page.papers:
                shards.setdefault(shard(paper.id), {}).setdefault(paper.id, []).append(path)
    for key, papers in sorted(shards.items()):
        yield f"{LOOKUP_DIR}/{key}.json", compact(shard_data(papers))
    yield f"{LOOKUP_DIR}/index.json", compact({"format": FORMAT, "shards": sorted(shards)})


def shard_data(papers: dict[str, list[str]]) -> dict[str, Any]:
    """One shard: its pages once each, and each paper's page numbers (the first topic's page first)."""
    numbers: dict[str, int] = {}
    for paths in papers.values():
        for path in paths:
            numbers.setdefault(path, len(numbers))
    return {"pages": list(numbers),
            "papers": {pid: [numbers[p] for p in paths] for pid, paths in sorted(papers.items())}}


def compact(data: Any) -> bytes:
    """JSON without spaces: read by scripts only."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
