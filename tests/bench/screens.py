"""README as GitHub shows it (issue 34): rows per screen, the first paper row's y, the widest row vs its box.

README.md is rendered from a copy of the shipped store (data/) with cmarkgfm and GitHub's extensions (table,
autolink, strikethrough, tagfilter), wrapped in GitHub's markdown CSS (tests/fixtures/github-markdown.css) and
laid out in headless Chromium: an 896 px README box at a 1280x900 viewport and the whole width at 390x844. The
copy gets what a working fork has: deterministic summaries of 200-240 characters (most from a model, some from
Semantic Scholar, the rest keep their key sentence) and a digest of the 20 newest papers, so the Today block and
the "new" markers show.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CSS = REPO / "tests" / "fixtures" / "github-markdown.css"
SITE = "https://reader.github.io/daily-papers/"
SIZES = ((1280, 900, 896, 32), (390, 844, 390, 16))  # viewport width, height; README box width; its padding
NEW_TODAY = 20

MEASURE_JS = """() => {
  const box = document.querySelector('article');
  const boxWidth = box.clientWidth - parseFloat(getComputedStyle(box).paddingLeft)
                   - parseFloat(getComputedStyle(box).paddingRight);
  const top = box.getBoundingClientRect().top + window.scrollY;
  const papers = [...document.querySelectorAll('article table')].filter(
    t => /^(Paper|Title)$/.test(t.rows[0].cells[0].innerText.trim()));
  const rows = papers.flatMap(t => [...t.tBodies[0].rows]);
  const heights = rows.map(r => r.getBoundingClientRect().height);
  const first = rows.length ? rows[0].getBoundingClientRect().top + window.scrollY - top : -1;
  let widest = 0;
  for (const t of papers) widest = Math.max(widest, t.scrollWidth);
  return {heights, first, widest, boxWidth};
}"""


def summary_text(paper: dict[str, Any]) -> str:
    """A deterministic stand-in summary of 200-240 characters: the abstract's start, cut at a word."""
    length = 200 + int(hashlib.sha1(paper["id"].encode()).hexdigest(), 16) % 41
    words, text = str(paper.get("abstract") or paper["title"]).split(), ""
    for word in words:
        if len(text) + len(word) + 1 > length - 1:
            break
        text = f"{text} {word}".strip()
    return text.rstrip(".,;:") + "."


def working_copy(target: Path) -> None:
    """The shipped keywords.yaml and store, with summaries a fork has and a digest of the newest papers."""
    shutil.copy(REPO / "keywords.yaml", target / "keywords.yaml")
    shutil.copytree(REPO / "data" / "papers", target / "data" / "papers")
    papers: dict[str, dict[str, Any]] = {}
    for shard in sorted((target / "data" / "papers").glob("*.json")):
        data = json.loads(shard.read_text(encoding="utf-8"))
        for paper in data.values():
            kind = int(hashlib.sha1(paper["id"].encode()).hexdigest(), 16) % 10
            if kind < 8:
                paper["tldr"] = {"text": summary_text(paper), "version": paper.get("version"), "model": "gpt-4.1-mini"}
            elif kind == 8:
                paper["s2_tldr"] = {"text": summary_text(paper), "paper": hashlib.sha1(paper["id"].encode()).hexdigest()}
            papers[paper["id"]] = paper
        shard.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    newest = sorted(papers.values(), key=lambda p: (p["updated"], p["id"]), reverse=True)[:NEW_TODAY]
    new: dict[str, list[str]] = {}
    for paper in newest:
        for topic in paper["topics"]:
            new.setdefault(topic, []).append(paper["id"])
    day = newest[0]["updated"][:10]
    (target / "data" / "digests").mkdir(parents=True)
    (target / "data" / "digests" / f"{day}.json").write_text(
        json.dumps({"date": day, "new": new, "picks": []}, indent=1, sort_keys=True), encoding="utf-8")


def readme_html(root: Path) -> tuple[str, int]:
    """README.md of the copy rendered as GitHub renders it (cmarkgfm, GFM extensions), and its bytes."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    sys.path.insert(0, str(REPO / "scripts"))
    from core import config as cfg
    from daily import render

    config = cfg.load(root / "keywords.yaml")
    papers = [p for shard in sorted((root / "data" / "papers").glob("*.json"))
              for p in json.loads(shard.read_text(encoding="utf-8")).values()]
    renderer = render.Renderer(config, render.page_model(config, papers), None, root, site_url=SITE, published_site=SITE)
    text = renderer.readme()
    body = cmarkgfm.markdown_to_html_with_extensions(
        text.decode("utf-8"), options=Options.CMARK_OPT_UNSAFE,
        extensions=["table", "autolink", "strikethrough", "tagfilter"])
    return body, len(text)


def page(body: str, box: int, padding: int) -> str:
    """README's HTML in a box like GitHub's, with GitHub's markdown CSS."""
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS.read_text(encoding='utf-8')}\n"
            f"body{{margin:0}} article{{box-sizing:border-box;width:{box}px;max-width:100%;margin:0 auto;"
            f"padding:{padding}px}}</style></head><body><article class='markdown-body'>{body}</article></body></html>")


def screens(shots: Path | None) -> int:
    """Print the figures at both sizes; with shots, save a screenshot of README's top at each."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        working_copy(root)
        body, size = readme_html(root)
    print(f"README with summaries: {size:,} bytes, {body.count('<tr>') - body.count('<thead>')} table rows "
          "(paper tables only are measured: the widest is the widest paper table's scroll width)")
    print(f"{'viewport':>10} {'rows':>6} {'row px':>7} {'rows/screen':>12} {'first row y':>12} {'widest/box px':>14}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"])
        for width, height, box, padding in SIZES:
            view = browser.new_page(viewport={"width": width, "height": height})
            view.set_content(page(body, box, padding))
            got = view.evaluate(MEASURE_JS)
            mean = statistics.fmean(got["heights"]) if got["heights"] else 0.0
            per_screen = height / mean if mean else 0.0
            print(f"{width}x{height:<5} {len(got['heights']):>6} {mean:>7.0f} {per_screen:>12.1f} "
                  f"{got['first']:>12.0f} {got['widest']:>6.0f}/{got['boxWidth']:<7.0f}")
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                view.screenshot(path=str(shots / f"readme-{width}x{height}.png"))
            view.close()
        browser.close()
    return 0
