"""Benchmarks of Daily Papers, one subcommand per measure; run from the repository root:

    python -m tests.bench daily              # the daily run at 10,000 / 20,000 / 40,000 papers over 20 topics
    python -m tests.bench daily --sizes 5000
    python -m tests.bench fetch              # a day with arXiv: requests and wall time (fake arXiv, real pacing)
    python -m tests.bench site --sizes 10000 # the site (scripts/site.py): build, size, first load, search speed
    python -m tests.bench starred            # issue 33: the Starred page's import of 200 KB and 1 MB of pasted text
    python -m tests.bench key-sentences      # issue 31: key-sentence accuracy vs two baselines; time per 1,000
    python -m tests.bench venues             # issue 35: the venue's precision, recall and status vs two baselines
    python -m tests.bench library            # issue 33: the library file's parse time at 1, 5 and 10 MB
    python -m tests.bench links              # issue 35: the authors' links: share linked, kind accuracy vs code_links
    python -m tests.bench screens --shots /tmp/shots  # issue 34: README as GitHub shows it, rows per screen

The timing measures end with the calibration loop's time (machine speed): compare figures taken at similar speeds.
--tiny runs a measure at a size that takes seconds, for tests/bench/test_bench_smoke.py: its figures mean nothing.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from tests.bench import (
    arxiv,
    daily,
    days,
    digest,
    exclusions,
    extras,
    library,
    paperlinks,
    renames,
    screens,
    site,
    venues,
)
from tests.bench.common import machine_speed

SIZES = [10_000, 20_000, 40_000]
TINY_SIZES = [100]


def run_daily(args: argparse.Namespace) -> int:
    if args.tiny:
        daily.daily_run(TINY_SIZES, 1, exclusion_papers=400, phrase_counts=(0, 10, 100))
    else:
        daily.daily_run(args.sizes, args.repeat)
    return 0


def run_exclusions(args: argparse.Namespace) -> int:
    figures = exclusions.exclusion_benchmark(400, (0, 10, 100)) if args.tiny else exclusions.exclusion_benchmark()
    print("Relevance with many exclude phrases:", figures, machine_speed(), sep="\n")
    return 0


def run_fetch(args: argparse.Namespace) -> int:
    return arxiv.fetch_days(delay=0, backoff=0.01) if args.tiny else arxiv.fetch_days()


def run_split(args: argparse.Namespace) -> int:
    return arxiv.split_days(sizes=(4,), delay=0, backoff=0.01) if args.tiny else arxiv.split_days()


def run_authors(args: argparse.Namespace) -> int:
    return arxiv.authors_fill(delay=0, backoff=0.01) if args.tiny else arxiv.authors_fill()


def run_mail(args: argparse.Namespace) -> int:
    return digest.mail_sizes(big_count=60) if args.tiny else digest.mail_sizes()


def run_summaries(args: argparse.Namespace) -> int:
    return digest.summaries_runs(new_count=20) if args.tiny else digest.summaries_runs()


def run_s2(args: argparse.Namespace) -> int:
    return digest.s2_figures()  # a second or so as it is: --tiny changes nothing


def run_chat(args: argparse.Namespace) -> int:
    return digest.chat_sizes()  # well under a second: --tiny changes nothing


def run_ranking(args: argparse.Namespace) -> int:
    if args.tiny:
        return digest.ranking_figures(1, liked_count=200, new_count=20, store_count=400)
    return digest.ranking_figures(args.repeat)


def run_key_sentences(args: argparse.Namespace) -> int:
    return digest.key_sentence_figures(1 if args.tiny else args.repeat)


def run_venues(args: argparse.Namespace) -> int:
    return venues.venue_figures(5 if args.tiny else 50)


def run_site(args: argparse.Namespace) -> int:
    if args.tiny:
        site.site_benchmark(TINY_SIZES, site.QUERIES[:2])
    else:
        site.site_benchmark(args.sizes)
    return 0


def run_starred(args: argparse.Namespace) -> int:
    if args.tiny:
        site.starred_benchmark([("mixed", 20_000)], repeat=1)
    else:
        site.starred_benchmark([("mixed", 200_000), ("runs", 200_000), ("mixed", 1_000_000)], args.repeat)
    return 0


def run_site_screens(args: argparse.Namespace) -> int:
    site.screens_benchmark(tiny=args.tiny)
    return 0


def run_extras(args: argparse.Namespace) -> int:
    print("Site extras (similar papers, BibTeX, COinS, charts, reasons; realistic word distribution):")
    print(*extras.extras_table(TINY_SIZES if args.tiny else args.sizes), sep="\n")
    print(machine_speed())
    return 0


def run_days(args: argparse.Namespace) -> int:
    figures = days.days_benchmark(size=200, day_count=5, first_day=40) if args.tiny else days.days_benchmark()
    print(figures, machine_speed(), sep="\n")
    return 0


def run_renames(args: argparse.Namespace) -> int:
    print("A renamed topic on the site (its old pages and feed) and the id -> page lookup:",
          *renames.renames_figures(TINY_SIZES if args.tiny else args.sizes), sep="\n")
    return 0


def run_library(args: argparse.Namespace) -> int:
    return library.library_figures(library.TINY_SIZES_MB, json_mb=0.05) if args.tiny else library.library_figures()


def run_links(args: argparse.Namespace) -> int:
    return paperlinks.links_figures(tiny=args.tiny)


def run_screens(args: argparse.Namespace) -> int:
    return screens.screens(None if args.tiny else args.shots)


# name: (what it prints, its function, its options: "sizes" and/or "repeat"; every measure takes --tiny)
MEASURES: dict[str, tuple[str, Callable[[argparse.Namespace], int], tuple[str, ...]]] = {
    "daily": ("the daily run as the workflow runs it and a full re-render, per store size; then the exclude phrases "
              "and the site extras (what scripts/benchmark.py ran by default)", run_daily, ("sizes", "repeat")),
    "exclusions": ("relevance with 0 to 10,000 exclude phrases over 40,000 papers", run_exclusions, ()),
    "fetch": ("a normal day and a day with one HTTP 406 on the shipped keywords.yaml and store (fake arXiv, "
              "real pacing)", run_fetch, ()),
    "split": ("a day with one topic arXiv rejects (HTTP 400) among 4 and among 20, and the next day (fake arXiv, "
              "real pacing)", run_split, ()),
    "authors": ("filling the shipped papers' authors with id_list requests (fake arXiv, real pacing)", run_authors, ()),
    "mail": ("the digest email's size and compose time on a typical and a big day", run_mail, ()),
    "summaries": ("a model's TL;DRs for 200 new papers and the shipped ones (fake model); swapped ones kept",
                  run_summaries, ()),
    "s2": ("Semantic Scholar's batch requests on a fork's first day and a normal day (local stand-in)", run_s2, ()),
    "chat": ("the chat message per service (Discord, Slack, Telegram, plain text): characters and papers listed "
             "for a day of 20 and of 80 papers", run_chat, ()),
    "ranking": ("the picks' P@5, P@10, nDCG@10, control-day picks and never-picked relevant papers on the labelled "
                "readers vs date order and TF-IDF; ranking 200 new against 5,000 liked and 40,000 stored",
                run_ranking, ("repeat",)),
    "key-sentences": ("the key sentence's accuracy on the labelled set vs two baselines; time per 1,000",
                      run_key_sentences, ("repeat",)),
    "venues": ("the venue read from the comment: precision, recall, status and year accuracy on the labelled set "
               "(all and held-out) vs two baselines; a hostile 2,000-character comment's time", run_venues, ()),
    "site": ("the site (scripts/site.py): build time and memory, size, first load, search speed in Chromium",
             run_site, ("sizes",)),
    "starred": ("the Starred page's import in Chromium: 200 KB and 1 MB of pasted text, longest task and stall",
                run_starred, ("repeat",)),
    "site-screens": ("search results a screen at 1280x900 and 390x844 on a realistic site; screenshots of Today and "
                "search into /tmp/shots/site-*.png", run_site_screens, ()),
    "extras": ("the site's extras: similar papers, BibTeX, COinS, charts, reasons; every page rendered",
               run_extras, ("sizes",)),
    "days": ("the site's day pages: a year of digests rendered, a fork's first day", run_days, ()),
    "renames": ("a renamed topic's old site addresses and the id -> page lookup", run_renames, ("sizes",)),
    "library": ("the reader's library file: parse time of Zotero-like BibTeX at 1, 5 and 10 MB, and CSL JSON",
                run_library, ()),
    "links": ("issue 35: the authors' links on the labelled set (all, held out): share linked, kind accuracy, vs "
              "links.code_links; time on a 5,000-character abstract", run_links, ()),
    "screens": ("README as GitHub shows it in Chromium (cmarkgfm, GitHub's CSS) at 1280x900 and 390x844: rows per "
                "screen with summaries, the first paper row's y, the widest table vs its box", run_screens, ("shots",)),
}


def build_store(args: argparse.Namespace) -> int:
    (args.root / "new.json").write_text(json.dumps(daily.build(args.root, args.size)))
    return 0


def measure_run(args: argparse.Namespace) -> int:
    print(json.dumps(daily.measure(args.root, args.size, args.mode)))
    return 0


def site_store(args: argparse.Namespace) -> int:
    site.site_store(args.root, args.size)
    return 0


def site_build(args: argparse.Namespace) -> int:
    print(json.dumps(site.site_build(args.root, args.outdir)))
    return 0


def measure_extras(args: argparse.Namespace) -> int:
    print(json.dumps(extras.measure_extras(args.size)))
    return 0


# The steps a measure runs in a fresh process (common.fresh), so each one's peak memory is its own; not listed in -h.
HIDDEN: dict[str, tuple[Callable[[argparse.Namespace], int], tuple[tuple[str, type], ...]]] = {
    "_build": (build_store, (("root", Path), ("size", int))),
    "_measure": (measure_run, (("root", Path), ("size", int), ("mode", str))),
    "_site-store": (site_store, (("root", Path), ("size", int))),
    "_site-build": (site_build, (("root", Path), ("outdir", Path))),
    "_measure-extras": (measure_extras, (("size", int),)),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="measure", required=True, metavar="MEASURE")
    for name, (summary, run, options) in MEASURES.items():
        command = sub.add_parser(name, help=summary, description=summary)
        if "sizes" in options:
            command.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="papers in each store")
        if "shots" in options:
            command.add_argument("--shots", type=Path, help="save a screenshot of README's top at each size here")
        if "repeat" in options:
            command.add_argument("--repeat", type=int, default=3, help="runs per size; the median is shown")
        command.add_argument("--tiny", action="store_true", help="a tiny size, for the smoke test: figures mean nothing")
        command.set_defaults(run=run)
    for name, (run, arguments) in HIDDEN.items():
        command = sub.add_parser(name)
        for argument, kind in arguments:
            command.add_argument(argument, type=kind)
        command.set_defaults(run=run)
    args = parser.parse_args(argv)
    return args.run(args) or 0
