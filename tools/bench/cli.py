"""Benchmark one daily run on synthetic stores: load, merge 200 new papers, render everything, write, commit.

The flags of scripts/benchmark.py, as it had them (one subcommand per measure comes next):

    python -m tools.bench                 # 10,000 / 20,000 / 40,000 papers over 20 topics
    python -m tools.bench --sizes 5000
    python -m tools.bench --fetch         # a day with arXiv: requests and wall time (fake arXiv, real pacing)
    python -m tools.bench --site          # the site (scripts/site.py): build, size, first load, search speed
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tools.bench import arxiv, daily, days, digest, exclusions, extras, renames, site
from tools.bench.common import calibration


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is shown")
    parser.add_argument("--exclusions-only", action="store_true", help="only the exclude-phrase benchmark")
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--fetch", action="store_true",
                        help="instead: a normal day and a day with one HTTP 406 on the shipped keywords.yaml and store")
    parser.add_argument("--split", action="store_true",
                        help="instead: a day with one topic arXiv rejects (HTTP 400) among 4 and among 20, real pacing")
    parser.add_argument("--authors", action="store_true",
                        help="instead: filling the shipped papers' authors with id_list requests, real pacing")
    parser.add_argument("--mail", action="store_true", help="the digest email's size on a typical and a big day")
    parser.add_argument("--summaries", action="store_true",
                        help="instead: TL;DRs for the shipped papers and for 200 new ones, against the fake model")
    parser.add_argument("--site", action="store_true", help="benchmark the site (scripts/site.py) instead")
    parser.add_argument("--site-store", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--site-build", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--measure-extras", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--only-extras", action="store_true", help="measure only the site's extras (issue 17)")
    parser.add_argument("--ranking", action="store_true",
                        help="instead: picks' precision at 5 and 10 on the labelled set, and the ranking time")
    parser.add_argument("--days", action="store_true", help="measure only the site's day pages (issue 23)")
    parser.add_argument("--s2", action="store_true",
                        help="Semantic Scholar (issue 31): batch requests on a normal day and a fork's first day")
    parser.add_argument("--key-sentences", action="store_true",
                        help="key sentences (issue 31): accuracy on the labelled set vs baselines; time per 1,000")
    parser.add_argument("--renames", action="store_true", help="measure a renamed topic's old site addresses and "
                                                               "the id lookup (issue 21)")
    args = parser.parse_args()
    if args.key_sentences:
        return digest.key_sentence_figures(args.repeat)
    if args.s2:
        return digest.s2_figures()
    if args.ranking:
        return digest.ranking_figures(args.repeat)
    if args.days:
        print(days.days_benchmark(), f"machine speed: a 5,000,000-step Python loop took {calibration()} s", sep="\n")
        return 0
    if args.fetch:
        return arxiv.fetch_days()
    if args.split:
        return arxiv.split_days()
    if args.mail:
        return digest.mail_sizes()
    if args.authors:
        return arxiv.authors_fill()
    if args.summaries:
        return digest.summaries_runs()
    if args.site_store:
        site.site_store(Path(args.site_store[0]), int(args.site_store[1]))
        return 0
    if args.site_build:
        print(json.dumps(site.site_build(Path(args.site_build[0]), Path(args.site_build[1]))))
        return 0
    if args.measure_extras:
        print(json.dumps(extras.measure_extras(args.measure_extras)))
        return 0
    if args.only_extras:
        print("Site extras (similar papers, BibTeX, COinS, charts, reasons; realistic word distribution):")
        print(*extras.extras_table(args.sizes), sep="\n")
        print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
        return 0
    if args.site:
        site.site_benchmark(args.sizes)
        return 0
    if args.renames:
        print("A renamed topic on the site (its old pages and feed) and the id -> page lookup:",
              *renames.renames_figures(args.sizes), sep="\n")
        return 0
    if args.build:
        root = Path(args.build[0])
        (root / "new.json").write_text(json.dumps(daily.build(root, int(args.build[1]))))
        return 0
    if args.measure:
        print(json.dumps(daily.measure(Path(args.measure[0]), int(args.measure[1]), args.measure[2])))
        return 0
    if args.exclusions_only:
        print("Relevance with many exclude phrases:", exclusions.exclusion_benchmark(), sep="\n")
        print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
        return 0
    daily.daily_run(args.sizes, args.repeat)
    return 0
