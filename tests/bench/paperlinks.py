"""Issue 35: the authors' links on the hand-labelled set (tests/fixtures/links): how many get a link, how many get
the right kind, beside today's links.code_links; and the time to read a 5,000-character abstract full of URLs."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from typing import Any

from tests.bench import REPO
from tests.bench.common import machine_speed

LABELS = REPO / "tests" / "fixtures" / "links" / "labels.json"


def _key(url: str) -> str:
    """One URL however it is written: case, a trailing slash, the scheme and .git do not count."""
    rest = url.split("://", 1)[1].lower().rstrip("/")
    rest = rest[4:] if rest.startswith("www.") else rest
    return rest[:-4] if rest.endswith(".git") else rest


def _store() -> dict[str, dict[str, Any]]:
    """The shipped papers by id."""
    papers: dict[str, dict[str, Any]] = {}
    for path in sorted((REPO / "data" / "papers").glob("*.json")):
        papers.update(json.loads(path.read_text(encoding="utf-8")))
    return papers


_OLD_CODE = re.compile(  # the rule README's Links cell had before issue 35 (core/links.code_links)
    r"https?://(?:www\.)?(?P<host>github\.com|gitlab\.com|huggingface\.co)/"
    r"(?P<path>(?:spaces/|datasets/)?[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)", re.IGNORECASE)
_OLD_NOT_REPOS = {"orgs", "features", "topics", "about", "sponsors", "settings", "marketplace"}


def old_code_links(*texts: str | None) -> list[str]:
    """The baseline: repository URLs of GitHub, GitLab and Hugging Face in the text, de-duplicated, at most 2."""
    found: dict[str, str] = {}
    for text in texts:
        for m in _OLD_CODE.finditer(text or ""):
            host, path = m.group("host").lower(), m.group("path").rstrip(".").removesuffix(".git")
            if host == "github.com" and path.split("/")[0].lower() in _OLD_NOT_REPOS:
                continue
            found.setdefault(f"https://{host}/{path}".lower(), f"https://{host}/{path}")
    return list(found.values())[:2]


def _baseline(paper: dict[str, Any]) -> dict[str, str]:
    """What the old code_links gave: each URL it linked, all shown as code (at most 2)."""
    return {_key(url): "Code" for url in old_code_links(paper.get("abstract"), paper.get("comment"))}


def _module(paper: dict[str, Any]) -> dict[str, str]:
    """What core.paperlinks gives: each URL and its kind."""
    from core import paperlinks

    return {_key(link.url): link.kind for link in paperlinks.of(paper.get("abstract"), paper.get("comment"))}


def _score(rows: list[dict[str, str]], papers: dict[str, dict[str, Any]], reader: Any) -> tuple[int, int, int, int]:
    """(URLs linked, kinds right, labelled URLs, links to no labelled URL) over the rows' papers."""
    linked = right = 0
    got_by_paper = {pid: reader(papers[pid]) for pid in {row["id"] for row in rows}}
    for row in rows:
        kind = got_by_paper[row["id"]].get(_key(row["url"]))
        linked += kind is not None
        right += kind == row["kind"]
    labelled = {(row["id"], _key(row["url"])) for row in rows}
    extra = sum((pid, key) not in labelled for pid, got in got_by_paper.items() for key in got)
    return linked, right, len(rows), extra


def links_figures(tiny: bool = False) -> int:
    """Print the table: link share and kind accuracy, all and held out, for the module and the baseline."""
    from core import paperlinks

    data = json.loads(LABELS.read_text(encoding="utf-8"))
    rows, held = data["links"], set(data["held_out"])
    papers = _store()
    parts = {"all": rows, "held out": [r for r in rows if r["id"] in held]}
    kinds = Counter(row["kind"] for row in rows)
    print(f"labelled set: {len(rows)} URLs in {len({r['id'] for r in rows})} of {len(papers)} shipped papers "
          f"({len(parts['held out'])} URLs in {len(held)} held-out papers); kinds: "
          + ", ".join(f"{k} {kinds[k]}" for k in paperlinks.KINDS))
    print(f"{'reader':<22} {'part':<9} {'linked':>8} {'share':>6} {'kind right':>11} {'accuracy':>9} {'extra':>6}")
    for name, reader in (("core.paperlinks", _module), ("links.code_links", _baseline)):
        for part, part_rows in parts.items():
            linked, right, total, extra = _score(part_rows, papers, reader)
            print(f"{name:<22} {part:<9} {linked:>3}/{total:<4} {linked / total:>6.2f} {right:>5}/{total:<5} "
                  f"{right / total:>9.2f} {extra:>6}")
    unlabelled = [pid for pid, p in papers.items() if pid not in {r["id"] for r in rows}
                  and paperlinks.of(p.get("abstract"), p.get("comment"))]
    print(f"papers with no labelled URL that get a link anyway: {len(unlabelled)}")
    unit = "Samples at https://a.github.io/x/. Code: github.com/o/r, e.g. v1.2 (b.org) https:/c.org/d-\ne/f "
    text = (unit * (5_000 // len(unit) + 1))[:5_000]
    repeat = 5 if tiny else 200
    started = time.perf_counter()
    for _ in range(repeat):
        found = paperlinks.of(text, None)
    print(f"a 5,000-character abstract with {len(found)} distinct of {text.count('http') + text.count('github.com/')} "
          f"URLs written: {(time.perf_counter() - started) / repeat * 1000:.2f} ms")
    print(machine_speed())
    return 0
