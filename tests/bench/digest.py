"""The digest's parts: the email's size (mail), a model's TL;DRs (summaries), Semantic Scholar's requests (s2),
the picks' precision and speed (ranking), the key sentence's accuracy and speed (key-sentences)."""

from __future__ import annotations

import datetime
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import REPO
from tests.bench.common import abstracts, calibration, synthetic


def ranking_figures(repeat: int, liked_count: int = 5_000, new_count: int = 200, store_count: int = 40_000) -> int:
    """Issues 23 and 36: on each hand-labelled reader (tests/fixtures/ranking), P@5, P@10 and nDCG@10 of the learned
    picks beside date order, plain TF-IDF max-similarity and issue 23's similarity ranker, the picks shown on the
    control day and the relevant papers never picked at picks: 100; the held-out liked papers the floor lets
    through; and the time to rank new_count new papers against liked_count liked and store_count stored ones on one
    core, when the model is fitted and when it is cached."""
    import os

    from digest import quality

    readers = quality.readers()
    print("picks: shown at picks: 10; never: relevant papers not picked at picks: 100 (orders without a floor "
          "show any day's first ones)")
    print(f"{'reader':<17} {'ranker':<11} {'P@5':>5} {'P@10':>5} {'nDCG':>5} {'picks':>6} {'never':>6} {'s':>5}")
    totals: dict[str, list[float]] = {}
    for reader in readers:
        relevant = sum(reader.relevant.values())
        for name, ranker in quality.RANKERS.items():
            started = time.perf_counter()
            ranked = ranker(reader)
            took = time.perf_counter() - started
            never = sum(1 for i, yes in reader.relevant.items() if yes and i not in ranked.picked)
            figures = [quality.precision(ranked.order, reader.relevant, 5),
                       quality.precision(ranked.order, reader.relevant, 10),
                       quality.ndcg(ranked.order, reader.relevant, 10)]
            total = totals.setdefault(name, [0.0] * 7)
            if relevant:
                total[:4] = [total[0] + figures[0], total[1] + figures[1], total[2] + figures[2], total[3] + 1]
            else:
                total[5] += ranked.shown
            total[4] += never
            total[6] += took
            shown = "  ".join(f"{f:>5.2f}" for f in figures) if relevant else f"{'-':>5}  {'-':>5}  {'-':>5}"
            print(f"{reader.name:<17} {name:<11} {shown} {ranked.shown:>6} {never:>2}/{relevant:<3} {took:>5.2f}")
    all_relevant = sum(sum(r.relevant.values()) for r in readers)
    for name, (p5, p10, gain, count, never, control, took) in totals.items():
        print(f"{'overall':<17} {name:<11} {p5 / count:>5.2f}  {p10 / count:>5.2f}  {gain / count:>5.2f} "
              f"control {int(control)} picks, never picked {int(never)}/{all_relevant}, {took:.2f} s")
    narrow = {"P@10": 0.0, "never": 0, "count": 0}
    for reader in quality.readers(narrow=True):
        if any(reader.relevant.values()):
            ranked = quality.learned_ranked(reader)
            narrow["P@10"] += quality.precision(ranked.order, reader.relevant, 10)
            narrow["count"] += 1
            narrow["never"] += sum(1 for i, yes in reader.relevant.items() if yes and i not in ranked.picked)
    print(f"one-topic stores (only the liked papers' main topic) learned: P@10 "
          f"{narrow['P@10'] / narrow['count']:.2f}, never picked {narrow['never']}/{all_relevant}")
    for reader in readers:
        through, store_share = quality.held_out_liked(reader)
        print(f"held out {reader.name:<17} liked picked {through}; unliked picked {store_share:.2f}")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    fit, cached = learned_times(repeat, liked_count, new_count, store_count)
    print(f"ranking {new_count:,} new against {liked_count:,} liked and {store_count:,} stored, one core, a fresh "
          f"process each (imports counted): fitted {fit:.2f} s (target 10 s), cached {cached:.2f} s (target 2 s)")
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
    return 0


def learned_times(repeat: int, liked_count: int, new_count: int, store_count: int) -> tuple[float, float]:
    """Median seconds to choose the picks with a fit (no cached model) and with the cached model, each in a fresh
    Python process as the daily run is (importing scikit-learn counted), through picks.choose on synthetic
    Zipf-worded texts."""
    import json
    import subprocess
    import sys

    texts, _ = abstracts(liked_count + store_count + new_count)
    fits, cached = [], []
    for _ in range(max(repeat, 1)):
        folder = Path(tempfile.mkdtemp(prefix="bench-ranking-"))
        try:
            (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
            for times in (fits, cached):
                answer = subprocess.run([sys.executable, "-c", CHOOSE, str(folder), str(liked_count),
                                         str(store_count)], cwd=REPO, capture_output=True, text=True, check=True)
                times.append(float(answer.stdout.split()[-1]))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return sorted(fits)[len(fits) // 2], sorted(cached)[len(cached) // 2]


CHOOSE = """
import json, os, sys, time
folder, liked_count, store_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
texts = json.load(open(os.path.join(folder, "texts.json"), encoding="utf-8"))
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
started = time.perf_counter()
sys.path.insert(0, "scripts")
from pathlib import Path
from digest import learn, picks, rank
liked = [rank.Liked(str(i), t[:60], t) for i, t in enumerate(texts[:liked_count])]
stored = [(f"s{i}", t) for i, t in enumerate(texts[liked_count:liked_count + store_count])]
new = [(f"n{i}", t) for i, t in enumerate(texts[liked_count + store_count:])]
picks.choose(new, liked, learn.Teaching(liked, stored, []), 10, Path(folder))
print(time.perf_counter() - started)
"""


def key_sentence_figures(repeat: int) -> int:
    """Issue 31: how often the key sentence is one the labeller marked as stating the paper's contribution, on the
    held-out and the tuning part of tests/fixtures/key_sentences.json, beside the first-sentence and first-'we'
    baselines; and the time to choose and cut the key sentences of 1,000 abstracts (cache cleared), one core."""
    import os

    from core import key_sentence
    from digest import sentence_quality

    papers = sentence_quality.load()
    parts = {name: [p for p in papers if p.set == name] for name in ("heldout", "tune")}
    print(f"labelled set: {len(papers)} shipped abstracts, {len(parts['heldout'])} held out (never tuned on), "
          f"{len(parts['tune'])} for tuning; a choice is good when the labeller marked it")
    print(f"{'chooser':<28} {'held out':>10} {'tuning':>10}")
    for label, choose in sentence_quality.CHOOSERS.items():
        cells = []
        for part in parts.values():
            good, total = sentence_quality.accuracy(part, choose)
            cells.append(f"{good}/{total}")
        print(f"{label:<28} {cells[0]:>10} {cells[1]:>10}")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = [p.abstract for p in papers]
    thousand = [f"{texts[i % len(texts)]} ({i})" for i in range(1_000)]  # distinct texts: the cache does not help
    times = []
    for _ in range(max(repeat, 1)):
        key_sentence.choose.cache_clear()
        started = time.perf_counter()
        for text in thousand:
            key_sentence.shown(text)
        times.append(time.perf_counter() - started)
    lengths = sorted(len(key_sentence.shown(t)) for t in texts)
    print(f"shown length: median {lengths[len(lengths) // 2]} characters, longest {lengths[-1]} (cut at about "
          f"{key_sentence.SHOWN_CHARS})")
    print(f"choosing and cutting 1,000 key sentences, one core: median {sorted(times)[len(times) // 2] * 1000:.0f} ms "
          f"(best {min(times) * 1000:.0f} ms of {len(times)})")
    print(f"machine speed: a 5,000,000-step Python loop took {calibration()} s")
    return 0


SUMMARY = ("A streaming codec language model that predicts speech tokens from text and a short voice prompt, "
           "cutting latency to 80 ms while matching the naturalness of larger offline text-to-speech systems.")


def mail_day(papers: list[dict], topics: int, picks: int) -> tuple[dict, dict]:
    """A day's record and store for the digest: the papers spread over `topics` topics (0: their own), each with a
    TL;DR of its version as long as a real one (about 200 characters), the first `picks` picked because of the last."""
    store, new = {}, {}
    for n, record in enumerate(papers):
        topic = f"Topic {n % topics + 1}" if topics else record["topics"][0]
        record = {**record, "topics": [topic], "tldr": {"model": "openai/gpt-4.1-mini", "version": record["version"],
                                                      "text": SUMMARY}}
        store[record["id"]] = record
        new.setdefault(topic, []).append(record["id"])
    liked = papers[-1]
    chosen = [{"id": p["id"], "score": 0.4, "because": {"id": liked["id"], "title": liked["title"]}} for p in papers[:picks]]
    return {"date": "2026-12-03", "new": new, "picks": chosen}, store


def chat_sizes() -> int:
    """Issue 37: the chat message per service format and length limit (Discord's 2,000 characters in Markdown,
    Slack's mrkdwn, Telegram's HTML, plain text for Lark and ntfy), for a day of 20 and of 80 of the shipped store's
    newest papers with 3 picks: characters, papers listed (at most 10, then "and N more") and time to fit."""
    from core import store as st
    from digest.delivery import chat, tell

    newest = sorted(st.load(REPO).papers.values(), key=lambda r: r["updated"], reverse=True)
    services = (("Discord", "markdown", 2000), ("Slack", "slack", 4000), ("Telegram", "html", 4096),
                ("Lark, ntfy", "text", 4000))
    print(f"{'day':<22} {'service':<11} {'format':<9} {'limit':>6} {'chars':>6} {'listed':>6} {'ms':>5}")
    for count in (20, 80):
        day, store = mail_day(newest[:count], 0, 3)
        told = tell.build([day], store, "Daily Papers", day["date"], "day", "https://owner.github.io/repo/")
        for service, fmt, limit in services:
            started = time.perf_counter()
            body = chat.fit(told, store, fmt, limit)
            ms = (time.perf_counter() - started) * 1000
            listed = len(set(re.findall(r"\d{4}\.\d{4,5}", body)))
            print(f"{f'{count} papers, 3 picks':<22} {service:<11} {fmt:<9} {limit:>6,} {len(body):>6,} {listed:>6} "
                  f"{ms:>5.0f}")
    return 0


TRIAGE_TOPICS = ("Speech Synthesis", "TTS", "Codec")


def triage_day() -> tuple[dict, dict]:
    """Issue 34's day: 20 new papers in three topics, 7 of them in two, and 2 picks that their topics list too."""
    store, new = {}, {name: [] for name in TRIAGE_TOPICS}
    for n in range(20):
        topics = [TRIAGE_TOPICS[n % 3]] + ([TRIAGE_TOPICS[(n + 1) % 3]] if n < 7 else [])
        title = "FlashVoice: fast zero-shot TTS with a streaming codec language model" if n == 0 else f"Paper {n}"
        paper_id = f"2602.{n + 1:05d}"
        store[paper_id] = {"id": paper_id, "version": 1, "title": title, "abstract": SUMMARY, "comment": "",
                           "authors": ["Ada Lovelace", "Alan Turing"], "categories": ["cs.SD"],
                           "primary_category": "cs.SD", "published": f"2026-02-10T{n:02d}:00:00Z",
                           "updated": f"2026-02-10T{n:02d}:00:00Z", "topics": topics}
        for name in topics:
            new[name].append(paper_id)
    picks = [{"id": i, "score": 0.5, "because": {"id": "2510.00981", "title": "Liked"}} for i in ("2602.00001", "2602.00004")]
    return {"date": "2026-02-11", "new": new, "picks": picks}, store


def mail_entries() -> int:
    """Issue 34: entries per paper in the digest email (plain and HTML part) on a day of 20 papers, 2 picks and 7
    papers in two topics; runs against any version of scripts/digest/mail.py (an entry's own arXiv link is its
    first that is not a 'because you liked' one)."""
    import re

    from digest import mail

    day, store = triage_day()
    message = mail.compose(day, store, None, "Daily Papers")
    text, html = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    own = re.compile(r"https://arxiv\.org/abs/(\d{4}\.\d{5})")
    in_text = [next(own.search(line).group(1) for line in entry.splitlines()  # type: ignore[union-attr]
                    if own.search(line) and "liked" not in line)
               for entry in re.split(r"^- ", text.replace("\r\n", "\n"), flags=re.M)[1:]]
    in_html = [own.search(item).group(1) for item in re.split(r"<li\b", html)[1:]]  # type: ignore[union-attr]
    for part, found in (("plain", in_text), ("html", in_html)):
        most = max(found.count(i) for i in store)
        print(f"{part}: {len(found)} entries for {len(store)} papers ({len(found) - len(set(found))} repeats; "
              f"the most entries of one paper: {most})")
    print(f"subject: {message['Subject']}")
    pdfs = sum(f"https://arxiv.org/pdf/{i}" in html for i in store)
    print(f"papers with a PDF link: {pdfs} of {len(store)}")
    return 0


def mail_sizes(big_count: int = 1_200) -> int:
    """Issue 23: the digest email's size (whole message as sent, and each part) and compose time, for the shipped
    store's 14 newest papers in their topics with 3 picks, and for a big day of 1,200 papers over 20 topics, also
    with 4 of the authors' links on every paper (issue 35: the HTML stays under HTML_BYTES by listing fewer); then
    issue 34's entries per paper (mail_entries)."""
    from core import store as st
    from digest import mail

    newest = sorted(st.load(REPO).papers.values(), key=lambda r: r["updated"], reverse=True)
    rng = random.Random(5)
    big = [synthetic(i, rng, f"2026-12-0{1 + i % 3}") for i in range(big_count)]
    big = [{**p, "topics": ["x"], "version": 1, "id": f"2612.{i:05d}"} for i, p in enumerate(big)]
    linked = [{**p, "comment": f"Demo: https://lab{n}.github.io/demo Code: https://github.com/lab/repo{n} "
                               f"https://huggingface.co/lab/model{n} https://huggingface.co/datasets/lab/data{n}"}
              for n, p in enumerate(big)]
    print(f"{'day':<34} {'new':>5} {'listed':>6} {'message bytes':>13} {'text chars':>10} {'html chars':>10} {'ms':>6}")
    for label, papers, topics, picks in (("typical: 14 newest shipped, 3 picks", newest[:14], 0, 3),
                                         (f"big: {big_count:,} papers, 20 topics", big, 20, 10),
                                         ("big, 4 authors' links a paper", linked, 20, 10)):
        day, store = mail_day(papers, topics, picks)
        started = time.perf_counter()
        message = mail.compose(day, store, "https://owner.github.io/repo/", "Daily Papers",
                               mail.address("bot@example.org", "MAIL_FROM"), (mail.address("me@example.org", "MAIL_TO"),))
        raw = message.as_bytes()
        ms = (time.perf_counter() - started) * 1000
        text, html = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
        listed = text.count("\n- ")
        print(f"{label:<34} {len(papers):>5} {listed:>6} {len(raw):>13,} {len(text):>10,} {len(html):>10,} {ms:>6.0f}")
    return mail_entries()


def pretended_waits() -> tuple[Callable[[], float], Callable[[float], None]]:
    """A clock and a sleep that only pretends: the model's waits are counted, not slept, so a run takes real time
    only for its requests."""
    slept = [0.0]
    return (lambda: time.monotonic() + slept[0]), (lambda s: slept.__setitem__(0, slept[0] + s))


def summaries_runs(new_count: int = 200) -> int:
    """Issues 22 and 31: a model's TL;DRs of a day of 200 new papers, then of the shipped store, against the fake
    model (tests' fake_llm.py) over real HTTP: requests, estimated input tokens a request, and the wall time added at
    the default pace (LLM_REQUEST_DELAY, 1 s; the waits are counted, not slept); then the same shipped papers with
    the fake model swapping the summaries within each request: how many swapped summaries are kept (target 0)."""
    from fake_llm import FakeLLM

    from core import config as cfg
    from core import store as st
    from digest import summaries

    config = cfg.load(REPO / "keywords.yaml")
    print(f"{'run':<24} {'papers':>6} {'done':>5} {'requests':>8} {'papers/req':>10} {'max tokens':>10} "
          f"{'mean tokens':>11} {'added wall s':>12}")
    with tempfile.TemporaryDirectory() as tmp, FakeLLM() as server:
        root = Path(tmp)
        shutil.copytree(REPO / "data", root / "data")
        store = st.load(root)
        shipped = list(store.papers.values())
        rng = random.Random(22)
        topic = config.topics[0].name
        for i in range(new_count):  # a day's new papers: real abstracts (their length spread), new ids, one topic
            model = rng.choice(shipped)
            store.put({**model, "id": f"2612.{90000 + i}", "updated": "2026-12-02T20:00:00Z", "topics": [topic],
                       "title": f"{config.topics[0].query} {model['title']}"[:300]})
        new_ids = {f"2612.{90000 + i}" for i in range(new_count)}
        runs = [(f"{new_count} new papers", {"max_summaries_per_run": new_count}),
                (f"{len(shipped)} shipped papers", {"max_summaries_per_run": 1000}),
                ("next day, nothing new", {"max_summaries_per_run": 1000})]
        for label, settings in runs:
            if label.endswith("shipped papers"):
                for paper_id in new_ids:
                    store.papers.pop(paper_id)
            run_config = cfg.Config(config.path, config.topics,
                                    {**config.settings, "summary_model": "benchmark-model", **settings})
            clock, sleep = pretended_waits()
            env = {"LLM_BASE_URL": server.url, "LLM_API_KEY": "benchmark"}
            report = summaries.summarize(store, run_config, env=env, clock=clock, sleep=sleep, budget=3600)
            tokens = report.tokens or [0]
            per = report.wanted / report.requests if report.requests else 0
            print(f"{label:<24} {report.wanted:>6} {len(report.done):>5} {report.requests:>8} {per:>10.1f} "
                  f"{max(tokens):>10} {sum(tokens) / len(tokens):>11.0f} {report.seconds:>12.1f}", flush=True)
        for swap in (1, 3):  # each paper gets the summary of the paper `swap` places on in its request
            fresh = st.load(root)
            server.swap = swap
            run_config = cfg.Config(config.path, config.topics, {**config.settings, "summary_model": "benchmark-model",
                                                                  "max_summaries_per_run": 1000})
            report = summaries.summarize(fresh, run_config, env={**env, "LLM_REQUEST_DELAY": "0"}, budget=3600)
            print(f"swapped by {swap} within each request: {len(report.done)} of {report.wanted} swapped summaries "
                  f"kept (target 0), in {report.requests} requests")
    return 0


def s2_figures() -> int:
    """Issue 31: Semantic Scholar batch requests on a normal day (target 1) and on a fresh fork's first day, against
    the local stand-in (tests' fake_s2.py) over real HTTP, and how many a day of n papers would take."""
    from datetime import timedelta

    from fake_s2 import FakeS2

    from core import config as cfg
    from core import store as st
    from digest import semantic_scholar as s2

    config = cfg.load(REPO / "keywords.yaml")
    with tempfile.TemporaryDirectory() as tmp, FakeS2() as server:
        root = Path(tmp)
        shutil.copytree(REPO / "data", root / "data")
        store = st.load(root)
        server.tldrs = {i: f"A TL;DR of paper {i}." for i in store.papers}
        newest = max(datetime.datetime.fromisoformat(r["updated"][:10]) for r in store.papers.values())
        first = newest.replace(tzinfo=datetime.UTC) + timedelta(hours=12)
        env = {"S2_API_URL": server.url}
        print(f"{'day':<44} {'asked':>6} {'stored':>7} {'requests':>8}")
        report = s2.fetch_tldrs(store, config, first, env=env)
        print(f"{'first day (shipped store, its newest day)':<44} {report.asked:>6} {len(report.stored):>7} "
              f"{report.requests:>8}")
        topic = config.topics[1]
        for i in range(40):  # the next day: 40 new listed papers
            model = list(store.papers.values())[i]
            store.put({**model, "id": f"2602.{80000 + i}", "updated": (first + timedelta(days=1)).isoformat()[:10],
                       "topics": [topic.name], "title": f"TTS {model['title']}"})
            server.tldrs[f"2602.{80000 + i}"] = "A TL;DR."
        report = s2.fetch_tldrs(store, config, first + timedelta(days=1, hours=1), env=env)
        print(f"{'normal day (40 new listed papers)':<44} {report.asked:>6} {len(report.stored):>7} {report.requests:>8}")
        report = s2.fetch_tldrs(store, config, first + timedelta(days=2, hours=1), env=env)
        print(f"{'next day, nothing new':<44} {report.asked:>6} {len(report.stored):>7} {report.requests:>8}")
    for count in (1, 80, 400, 500, 501, 2_000):
        print(f"{count:>5} papers without a TL;DR: {s2.requests_needed(count)} request(s)")
    return 0
