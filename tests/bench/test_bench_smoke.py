"""Every benchmark (tests/bench) runs at a tiny size and prints its figures, so none can rot unnoticed.

Each measure runs as a developer runs it, `python -m tests.bench MEASURE --tiny` from the repository root, two at
a time (the machine's two cores); the figures themselves mean nothing at this size and are not checked, only that
the measure finishes and prints its table. Nothing reaches the internet: arXiv, the model and Semantic Scholar are
the tests' stand-ins on 127.0.0.1 (the daily runs inside fetch and split ask this module's Semantic Scholar).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fake_s2 import FakeS2

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent.parent
NUMBER = r"[\d.,]+"
MACHINE_SPEED = r"^machine speed: a 5,000,000-step Python loop took [\d.]+ s"

# measure: lines its output must hold (regular expressions, each matched against a whole line's start)
PRINTS: dict[str, list[str]] = {
    "daily": [r"^Daily run \(as the workflow runs it", r"^Full re-render \(no manifest",
              rf"^ +100 +{NUMBER} +{NUMBER} +{NUMBER} +{NUMBER} +200 +\d+ +\d+ +\d+ of \d+ +{NUMBER}$",
              r"^Relevance with many exclude phrases:$", r"^1 topic x +100 exclude phrases over 400 papers: ",
              r"^Site extras ", rf"^ +100 +{NUMBER} +{NUMBER}", MACHINE_SPEED],
    "exclusions": [r"^Relevance with many exclude phrases:$",
                   rf"^1 topic x +100 exclude phrases over 400 papers: +{NUMBER} s \({NUMBER} s CPU\), \d+ hidden$",
                   MACHINE_SPEED],
    "fetch": [r"^day +requests +wall s +status$", rf"^normal day +\d+ +{NUMBER}  new papers: ",
              rf"^a day with one HTTP 406 +\d+ +{NUMBER}  new papers: "],
    "split": [r"^topics requests extra bound  wall s next day  wall s$",
              rf"^ +4 +\d+ +-?\d+ +\d+ +{NUMBER} +\d+ +{NUMBER}$"],
    "authors": [rf"^first +\d+ +\d+ +\d+ +\d+ +{NUMBER}$", rf"^next +\d+ +\d+ +\d+ +\d+ +{NUMBER}$"],
    "mail": [rf"^typical: 14 newest shipped, 3 picks +\d+ +\d+ +{NUMBER} +{NUMBER} +{NUMBER} +\d+$",
             rf"^big: 60 papers, 20 topics +60 +\d+ +{NUMBER} +{NUMBER} +{NUMBER} +\d+$"],
    "summaries": [rf"^20 new papers +\d+ +\d+ +\d+ +{NUMBER} +\d+ +\d+ +{NUMBER}$",
                  r"^swapped by 1 within each request: \d+ of \d+ swapped summaries kept"],
    "s2": [r"^first day \(shipped store, its newest day\) +\d+ +\d+ +\d+$",
           r"^normal day \(40 new listed papers\) +\d+ +\d+ +\d+$", r"^ 2000 papers without a TL;DR: \d+ request"],
    "chat": [r"^day +service +format +limit +chars +listed +ms$",
             r"^20 papers, 3 picks +Discord +markdown +2,000 +(?:1,\d{3}|\d{3}) +[1-9]\d* ",
             r"^80 papers, 3 picks +Telegram +html +4,096 "],
    "ranking": [rf"^captioning +learned +{NUMBER}  +{NUMBER}  +{NUMBER} +\d+ +\d+/12 ",
                r"^control +learned +- +- +- +\d+ +0/0 ",
                rf"^overall +date order +{NUMBER}  +{NUMBER}  +{NUMBER} control 10 picks, never picked \d+/\d+",
                rf"^overall +learned +{NUMBER}  +{NUMBER}  +{NUMBER} control \d+ picks",
                r"^held out broad +liked picked \d+/\d+; unliked picked ",
                r"^ranking 20 new against 200 liked and 400 stored, one core, a fresh process each \(imports counted\): "
                r"fitted ", MACHINE_SPEED],
    "key-sentences": [r"^key sentence +\d+/\d+ +\d+/\d+$", r"^first sentence +\d+/\d+ +\d+/\d+$",
                      r"^choosing and cutting 1,000 key sentences, one core: median \d+ ms", MACHINE_SPEED],
    "venues": [r"^Venue of the arXiv comment ",
               rf"^all +core\.venue +193 +\d+ +{NUMBER} \(\d+/\d+\) +{NUMBER} \(\d+/\d+\)",
               r"^held-out +naive: first alias +\d+ +\d+ ", r"^held-out +no venue ",
               rf"^hostile comment, 12 venues: 2,000 characters {NUMBER} ms"],
    "site": [r"^ +papers +build s +peak MB +site MB", rf"^ +100 +{NUMBER} +\d+ +{NUMBER} +\d+ +{NUMBER} +\d+, +\d+ ",
             MACHINE_SPEED],
    "starred": [r"^Starred page import ", r"^prose, ids and look-alikes +20 +\d+ +\d+ +\d+ +\d+$", MACHINE_SPEED],
    "site-screens": [r"^screen +first result y", r"^1280x900 +\d+ +\d+ +[\d.]+ +\d+$", r"^390x844 +\d+ +\d+ +[\d.]+ +\d+$",
                MACHINE_SPEED],
    "extras": [r"^Site extras ", rf"^ +100 +{NUMBER} +{NUMBER} +{NUMBER}", MACHINE_SPEED],
    "days": [r"^a first run's day \(40 new papers over 20 topics\): \d+ KB$",
             r"^5 days of \d+ new papers \(10 picks each\) over 200 papers: \d+ pages", MACHINE_SPEED],
    "renames": [r"^A renamed topic on the site", rf"^ +100 +\d+ +\d+ +\d+ +\d+ +\d+ +{NUMBER} +{NUMBER}$"],
    "library": [r"^The reader's library file ", rf"^bibtex +{NUMBER} +{NUMBER} +{NUMBER}$",
                rf"^csl json +{NUMBER} +{NUMBER} +{NUMBER}$", MACHINE_SPEED],
    "links": [r"^labelled set: \d+ URLs in \d+ of \d+ shipped papers",
              rf"^core\.paperlinks +all +\d+/\d+ +{NUMBER} +\d+/\d+ +{NUMBER} +\d+$",
              rf"^links\.code_links +held out +\d+/\d+ +{NUMBER} +\d+/\d+ +{NUMBER} +\d+$",
              r"^a 5,000-character abstract with \d+ distinct", MACHINE_SPEED],
    "screens": [r"^README with summaries: ", rf"^ *1280x900 +\d+ +\d+ +{NUMBER} +-?\d+ +\d+/\d+",
                rf"^ *390x844 +\d+ +\d+ +{NUMBER} +-?\d+ +\d+/\d+"],
}
OUTER = ("ARXIV_", "DAILY_PAPERS_", "GITHUB_", "LLM_", "S2_", "SMTP_", "MAIL_")  # the environment's, not the tests'


def has_chromium() -> bool:
    return bool(shutil.which("chromium") or os.path.exists("/usr/bin/chromium"))


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, tuple[subprocess.CompletedProcess, float]]]:
    """Every measure run once with --tiny, two at a time: its finished process and its seconds."""
    with FakeS2() as s2:  # knows no paper: the daily runs inside fetch and split ask it, not the real one
        env = {k: v for k, v in os.environ.items() if not k.startswith(OUTER)} | {"S2_API_URL": s2.url}

        def one(measure: str) -> tuple[subprocess.CompletedProcess, float]:
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "tests.bench", measure, "--tiny"], cwd=REPO, env=env,
                                  capture_output=True, text=True, timeout=180)
            return done, time.perf_counter() - started

        measures = [m for m in PRINTS if m not in ("site", "starred", "site-screens", "screens") or has_chromium()]
        with ThreadPoolExecutor(max_workers=2) as pool:
            yield dict(zip(measures, pool.map(one, measures)))


@pytest.mark.parametrize("measure", list(PRINTS))
def test_each_measure_runs_at_a_tiny_size_and_prints_its_figures(
        runs: dict[str, tuple[subprocess.CompletedProcess, float]], measure: str) -> None:
    if measure not in runs:  # only the site, the Starred page's import and the screen measures need a browser
        if os.environ.get("CI") == "true":
            pytest.fail("no Chromium: CI must run the site benchmark (sudo apt-get install chromium)")
        pytest.skip("no Chromium: install one with 'sudo apt-get install chromium'")
    done, seconds = runs[measure]
    assert done.returncode == 0, f"python -m tests.bench {measure} --tiny: exit {done.returncode}\n{done.stderr[-3000:]}"
    lines = done.stdout.splitlines()
    for pattern in PRINTS[measure]:
        assert any(re.match(pattern, line) for line in lines), f"{measure}: no line matches {pattern!r}\n{done.stdout}"
    assert seconds < 90, f"{measure} --tiny took {seconds:.0f} s: make its tiny size smaller"


def test_every_measure_is_smoke_tested() -> None:
    """A new subcommand gets its tiny run here too."""
    listed = subprocess.run([sys.executable, "-c", "from tests.bench.cli import MEASURES; print(*MEASURES)"],
                            cwd=REPO, capture_output=True, text=True, check=True)
    assert sorted(listed.stdout.split()) == sorted(PRINTS)
