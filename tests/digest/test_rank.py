"""The ranker: deterministic TF-IDF best matches; a floor date order fails on the labelled set; nothing close, no picks."""

from __future__ import annotations

import json

from conftest import REPO

from digest import quality, rank

OFF_SUBJECT = ["2302.01584", "2302.02913", "2505.08437", "2505.20323", "2511.04653", "2511.13738", "2601.01903",
               "2512.00438", "2508.08273", "2507.18537", "2510.05096"]  # named like TTS topics, about other things


def test_labelled_set_holds_a_floor_that_date_order_fails():
    data = quality.load()
    ranked, by_date = quality.ranker_order(data), quality.date_order(data)
    assert quality.precision(ranked, data.relevant, 5) >= 0.8 and quality.precision(ranked, data.relevant, 10) >= 0.7
    assert quality.precision(by_date, data.relevant, 5) < 0.8 and quality.precision(by_date, data.relevant, 10) < 0.7


def test_relevant_papers_clear_the_floor_and_off_subject_ones_do_not():
    data = quality.load()
    picked = {p.id for p in rank.rank(data.day, data.liked, limit=100)}
    assert {i for i, yes in data.relevant.items() if yes} <= picked
    stored = {}
    for path in (REPO / "data" / "papers").glob("*.json"):
        stored.update(json.loads(path.read_text(encoding="utf-8")))
    off = [(i, f"{stored[i]['title']}\n{stored[i]['abstract']}") for i in OFF_SUBJECT]
    assert rank.rank(off, data.liked, limit=10) == []


def test_because_is_the_closest_library_paper_and_ties_go_by_id():
    liked = [rank.Liked("1", "Audio captioning", "audio captioning with transformers decoding captions"),
             rank.Liked(None, "Speech codecs", "neural speech codec quantization bitrate")]
    new = [("b", "a low bitrate neural speech codec with residual quantization"),
           ("a", "a low bitrate neural speech codec with residual quantization"),
           ("c", "captioning audio clips: transformers decoding captions")]
    picks = rank.rank(new, liked, limit=10, floor=0.0)
    order = [p.id for p in picks]
    assert order.index("a") + 1 == order.index("b") and picks[order.index("a")].score == picks[order.index("b")].score
    assert {p.id: p.because.title for p in picks} == {"a": "Speech codecs", "b": "Speech codecs",
                                                      "c": "Audio captioning"}
    assert rank.rank(new, liked, limit=1, floor=0.0) == picks[:1] and len(picks) == 3
    assert rank.rank(new, liked, limit=0) == [] and rank.rank([], liked, limit=5) == []
    assert rank.rank(new, [], limit=5) == []


def test_same_texts_same_picks():
    data = quality.load()
    assert rank.rank(data.day, data.liked, 10) == rank.rank(list(data.day), list(data.liked), 10)
