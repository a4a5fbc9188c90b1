"""A realistic site for the card layout: the seed README's real titles and abstracts, with authors, categories,
comments and a machine TL;DR on every paper (as after the fill and a summarizing run), and how many cards a
screen shows.

    python tests/support/cards_site.py [SHOTS]   # prints cards per screen at 1280x900 and 390x844; SHOTS: save screenshots

Run it on any branch (it only needs the store's optional `tldr` field) to compare layouts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parents[1] / "scripts")]

from conftest import SEED, write_repo  # noqa: E402

from core import store as st  # noqa: E402
from daily import seed_import  # noqa: E402

TOPICS = [{"name": "Speech Synthesis", "query": '"speech synthesis"'},
          {"name": "TTS", "query": 'TTS OR "text-to-speech"'}]
MONTH_PAGE = "topics/speech-synthesis/2026-01.html"  # the seed's busiest month: 40 papers
MODEL = "gpt-4.1-mini"
NAMES = ["Wei Zhang", "Maria Garcia", "Yuki Tanaka", "Olusegun Adeyemi", "Anna Kowalska", "Rahul Sharma",
         "Lena Müller", "Jun-Ho Park", "Fatima Al-Sayed", "Tomás Ruiz", "Chloé Bernard", "Ivan Petrov"]
VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


def tldr_text(abstract: str, limit: int = 200) -> str:
    """A stand-in for the model's one sentence: the abstract's first sentence, cut at a word to about 200 characters."""
    first = re.split(r"(?<=[.!?])\s", abstract.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "."


def realistic_papers() -> list[dict[str, Any]]:
    """The seed's Speech Synthesis and TTS papers as stored records after the fill and a summarizing run."""
    found: dict[str, dict[str, Any]] = {}
    for topic, papers in seed_import.parse_readme(SEED.read_text(encoding="utf-8")).items():
        if topic not in ("Speech Synthesis", "TTS"):
            continue
        for paper in papers:
            found.setdefault(paper["id"], {**paper, "topics": []})["topics"].append(topic)
    records = []
    for n, paper in enumerate(sorted(found.values(), key=lambda p: p["id"])):
        authors = [NAMES[(n + k) % len(NAMES)] for k in range(2 + n % 7)]  # 2 to 8 authors
        categories = ["cs.SD", "eess.AS"] if n % 3 else ["cs.CL", "cs.SD", "eess.AS"]
        comment = "Accepted to ICASSP 2026. 5 pages, 3 figures" if n % 3 == 0 else ""
        record = st.new_record(**{**paper, "authors": authors, "categories": categories,
                                  "primary_category": categories[0], "comment": comment})
        record["tldr"] = {"model": MODEL, "text": tldr_text(paper["abstract"]), "version": record["version"]}
        records.append(record)
    return records


def make_repo(root: Path) -> Path:
    """keywords.yaml and the store of realistic_papers() in root; returns root."""
    return write_repo(root, TOPICS, realistic_papers())


def build_site(folder: Path) -> Path:
    """The realistic site, built by scripts/site.py into folder/site; returns it."""
    from website import build

    root = make_repo(folder / "repo")
    assert build.main([str(folder / "site"), "--root", str(root), "-q"]) == 0
    return folder / "site"


def serving(site: Path) -> Any:
    """The built site (folder/site) on 127.0.0.1, as Pages serves it (site_server.serving); yields its base URL."""
    from site_server import serving as served

    return served(site.parent)


MEASURE = """() => {
  const cards = [...document.querySelectorAll('article.paper')];
  const tops = cards.map(c => c.getBoundingClientRect().top + scrollY);
  const pitch = (tops[tops.length - 1] - tops[0]) / (tops.length - 1);
  return {first: tops.filter(t => t < innerHeight).length, pitch: pitch, per_screen: innerHeight / pitch,
          tldrs: document.querySelectorAll('article.paper .tldr').length, cards: cards.length,
          overflow: document.documentElement.scrollWidth - innerWidth};
}"""


def measure(page: Any, url: str) -> dict[str, float]:
    """Cards whose top is in the first viewport, the mean distance between cards and cards per screen height."""
    page.goto(url)
    page.wait_for_selector("article.paper button.star")  # stars.js has drawn its buttons
    return page.evaluate(MEASURE)


def main(argv: list[str]) -> int:
    """Print the figures for the month page and the home page at both sizes; save screenshots into argv[0]."""
    import tempfile

    from browsers import chromium

    shots = Path(argv[0]) if argv else None
    with tempfile.TemporaryDirectory() as scratch, chromium() as browser:
        site = build_site(Path(scratch))
        with serving(site) as base:
            for size, viewport in VIEWPORTS.items():
                page = browser.new_page(viewport=viewport)
                for path in (MONTH_PAGE, "index.html"):
                    got = measure(page, base + path)
                    print(f"{size}x{viewport['height']} {path}: {got['first']} cards begin in the first screen, "
                          f"one every {got['pitch']:.0f} px = {got['per_screen']:.1f} cards a screen "
                          f"({got['tldrs']} TL;DRs on {got['cards']} cards; overflow {got['overflow']} px)")
                    if shots:
                        shots.mkdir(parents=True, exist_ok=True)
                        name = path.replace("/", "_").removesuffix(".html")
                        page.screenshot(path=str(shots / f"{name}-{size}.png"))
                        page.emulate_media(color_scheme="dark")
                        page.screenshot(path=str(shots / f"{name}-{size}-dark.png"))
                        page.emulate_media(color_scheme="light")
                page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
