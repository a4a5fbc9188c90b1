"""The learning ranker (issue 36) on the shipped papers and the hand-labelled readers: a floor that keeps a day with
nothing relevant quiet, a small second interest scored on its own, not-for-me marks, the cache, the explanation."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from digest import learn, model_cache, picks, quality, rank


@pytest.fixture(scope="module")
def readers() -> dict[str, quality.Reader]:
    return {r.name: r for r in quality.readers()}


def fitted(reader: quality.Reader) -> learn.Model:
    return learn.fit(learn.Teaching(reader.liked, reader.unliked, reader.refused))


def test_a_day_with_nothing_relevant_gets_at_most_two_picks_where_similarity_shows_a_full_list(readers) -> None:
    control = readers["control"]
    assert not any(control.relevant.values())
    assert len(quality.learned_ranked(control).picked) <= 2
    assert len(quality.similarity_ranked(control).picked) >= 10  # issue 23's fixed floor: a full list of near misses


def test_every_labelled_reader_gets_most_of_its_relevant_papers_and_beats_plain_tfidf(readers) -> None:
    for reader in readers.values():
        relevant = {i for i, yes in reader.relevant.items() if yes}
        if not relevant:
            continue
        learned, plain = quality.learned_ranked(reader), quality.max_similarity_ranked(reader)
        assert len(relevant - set(learned.picked)) <= 2, reader.name
        assert quality.ndcg(learned.order, reader.relevant, 10) >= quality.ndcg(plain.order, reader.relevant, 10), \
            reader.name


def synthetic_reader() -> tuple[list[rank.Liked], list[tuple[str, str]]]:
    """15 liked papers on speech codecs, 4 on audio captioning, and 200 stored papers on other speech subjects."""
    codec = [rank.Liked(f"c{i}", f"codec {i}", f"neural speech codec residual vector quantization bitrate "
                                                 f"discrete tokens encoder decoder variant{i} adversarial")
             for i in range(15)]
    caption = [rank.Liked(f"a{i}", f"captions {i}", f"automated audio captioning describes sound events clotho "
                                                     f"audiocaps caption decoder study{i}") for i in range(4)]
    subjects = ["speaker verification embeddings", "speech recognition transducer", "speech enhancement denoising",
                "spoken dialogue turn taking", "emotion recognition from speech"]
    common = ("model trained corpus transformer baseline results data evaluation benchmark large scale self "
              "supervised pretraining fine tuning robust noisy multilingual latency streaming accuracy error rate "
              "attention convolution layers loss objective").split()
    draw = random.Random(0)
    stored = [(f"s{i}", f"{subjects[i % 5]} {' '.join(draw.sample(common, 8))}") for i in range(200)]
    return codec + caption, stored


def test_a_small_second_interest_is_scored_on_its_own() -> None:
    liked, stored = synthetic_reader()
    model = learn.fit(learn.Teaching(liked, stored, []))
    assert len(model.interests) >= 2
    new = [("n1", "audio captioning of sound events: a caption decoder trained on clotho and audiocaps"),
           ("n2", "speaker verification embeddings: a transformer model trained on a large corpus"),
           ("n3", "a neural speech codec with residual vector quantization at low bitrate")]
    chosen = learn.rank(new, liked, model, 10)
    assert {p.id for p in chosen} == {"n1", "n3"}
    by_id = {p.id: p for p in chosen}
    assert by_id["n1"].because.id.startswith("a") and by_id["n3"].because.id.startswith("c")
    assert set(by_id["n1"].words) <= set(learn.terms(new[0][1])) and by_id["n1"].words


def test_a_paper_marked_not_for_me_is_never_picked_and_its_interest_must_score_higher(readers) -> None:
    liked, stored = synthetic_reader()
    new = [("n1", "audio captioning of sound events: a caption decoder trained on clotho and audiocaps")]
    assert [p.id for p in learn.rank(new, liked, learn.fit(learn.Teaching(liked, stored, [])), 5)] == ["n1"]
    assert learn.rank(new, liked, learn.fit(learn.Teaching(liked, stored, [])), 5, refused=frozenset({"n1"})) == []
    refused = [(f"r{i}", f"automated audio captioning sound events caption decoder paper{i}") for i in range(4)]
    turned = learn.fit(learn.Teaching(liked, stored, refused))
    assert learn.rank(new, liked, turned, 5) == []  # the reader turned away from captioning
    broad = readers["broad"]
    with_marks, without = fitted(broad), learn.fit(learn.Teaching(broad.liked, broad.unliked, []))
    day = [t for _, t in broad.day]
    wanted = [n for n, (i, _) in enumerate(broad.day) if broad.relevant[i]]
    others = [n for n in range(len(day)) if n not in wanted]
    picked_others = [sum(learn.score(m, day)[n].score >= 0 for n in others) for m in (with_marks, without)]
    assert picked_others[0] < picked_others[1]


def test_same_texts_same_picks_in_any_order(readers) -> None:
    reader = readers["two-interests"]
    first = learn.rank(reader.day, reader.liked, fitted(reader), 10)
    again = learn.rank(list(reversed(reader.day)), reader.liked,
                       learn.fit(learn.Teaching(reader.liked, list(reversed(reader.unliked)), [])), 10)
    assert first == again and first


def test_the_model_is_cached_until_the_liked_papers_change(tmp_path: Path) -> None:
    liked, stored = synthetic_reader()
    teaching = learn.Teaching(liked, stored, [])
    model = model_cache.fitted(tmp_path, teaching)
    files = sorted((tmp_path / model_cache.FOLDER).glob("*.npz"))
    assert len(files) == 1
    again = model_cache.fitted(tmp_path, learn.Teaching(liked, stored[:150], []))  # more stored papers: no refit
    assert sorted((tmp_path / model_cache.FOLDER).glob("*.npz")) == files
    assert again.vocabulary == model.vocabulary and all(np.array_equal(a.coef, b.coef) and a.members == b.members
                                                        for a, b in zip(again.interests, model.interests, strict=True))
    model_cache.fitted(tmp_path, learn.Teaching(liked[:-1], stored, []))  # one liked paper fewer: a new fit
    model_cache.fitted(tmp_path, learn.Teaching(liked, stored, stored[:1]))  # a new not-for-me mark: a new fit
    assert len(list((tmp_path / model_cache.FOLDER).glob("*.npz"))) == 3


def test_the_cached_model_scores_exactly_as_the_fitted_one_not_for_me_marks_and_all(readers, tmp_path: Path) -> None:
    broad = readers["broad"]
    teaching = learn.Teaching(broad.liked, broad.unliked, broad.refused)
    fitted_now = model_cache.fitted(tmp_path, teaching)
    cached = model_cache.fitted(tmp_path, teaching)
    assert cached is not fitted_now and any(i.refused for i in cached.interests) and cached.offset >= 0
    rows = learn.features(cached.vocabulary, cached.idf, [t for _, t in broad.day])
    assert np.array_equal(learn.raw_scores(cached, rows), learn.raw_scores(fitted_now, rows))
    assert learn.rank(broad.day, broad.liked, cached, 100) == learn.rank(broad.day, broad.liked, fitted_now, 100)


def test_a_store_grown_by_half_since_the_fit_is_fitted_again(tmp_path: Path) -> None:
    liked, stored = synthetic_reader()
    small = model_cache.fitted(tmp_path, learn.Teaching(liked, stored[:40], []))
    assert small.unliked == 40
    assert model_cache.fitted(tmp_path, learn.Teaching(liked, stored[:55], [])).unliked == 40  # grown a little
    assert model_cache.fitted(tmp_path, learn.Teaching(liked, stored[:60], [])).unliked == 60  # grown by half


def hostile_models(model: learn.Model) -> dict[str, learn.Model]:
    """Well-formed .npz files whose numbers would crash the ranker or turn it upside down."""
    first = model.interests[0]
    vocabulary = dict(model.vocabulary)
    duplicated = dict(vocabulary, **{next(iter(vocabulary)): max(vocabulary.values())})
    return {"repeated index": dataclasses.replace(model, vocabulary=duplicated),
            "index past the end": dataclasses.replace(model, vocabulary={**vocabulary, "zzz": len(vocabulary) + 9}),
            "member past the library": dataclasses.replace(model, interests=(
                dataclasses.replace(first, members=(999,)), *model.interests[1:])),
            "negative member": dataclasses.replace(model, interests=(
                dataclasses.replace(first, members=(-1,)), *model.interests[1:])),
            "negative scale": dataclasses.replace(model, interests=(
                dataclasses.replace(first, scale=-1.0), *model.interests[1:])),
            "not a number": dataclasses.replace(model, interests=(
                dataclasses.replace(first, floor=float("nan")), *model.interests[1:]))}


def test_a_broken_or_hostile_cache_file_is_fitted_anew(tmp_path: Path) -> None:
    liked, stored = synthetic_reader()
    teaching = learn.Teaching(liked, stored, [])
    path = tmp_path / model_cache.FOLDER / f"{model_cache.key(teaching)}.npz"
    path.parent.mkdir(parents=True)
    good = learn.fit(teaching)
    files = {"not a zip": b"not a zip", "pickled": pickled_array(), "no interests": no_interests(good)}
    files.update({name: model_cache.to_bytes(bad) for name, bad in hostile_models(good).items()})
    for name, data in files.items():
        path.write_bytes(data)
        with pytest.raises((ValueError, KeyError)):
            model_cache.from_bytes(data, len(liked))
        model = model_cache.fitted(tmp_path, teaching)
        assert [p.id for p in learn.rank([("n", liked[0].text)], liked, model, 1)] == ["n"], name
        assert model_cache.from_bytes(path.read_bytes(), len(liked)).vocabulary == model.vocabulary, name


def no_interests(model: learn.Model) -> bytes:
    """A model file whose arrays say there is no interest at all."""
    import io

    buffer = io.BytesIO()
    with np.load(io.BytesIO(model_cache.to_bytes(model)), allow_pickle=False) as arrays:
        kept = {name: arrays[name] for name in arrays.files}
    kept.update(coef=kept["coef"][:0], numbers=kept["numbers"][:0], sizes=kept["sizes"][:0],
                refused=kept["refused"][:0], members=kept["members"][:0])
    np.savez(buffer, **kept)
    return buffer.getvalue()


def test_texts_with_no_usable_words_rank_by_likeness_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    liked = [rank.Liked(f"l{i}", "音声", f"音声合成 {i}") for i in range(6)]
    stored = [(f"s{i}", f"音声認識 {i}") for i in range(30)]
    chosen, how = picks.choose([("n", "音声合成")], liked, learn.Teaching(liked, stored, []), 5, None)
    assert how == "similarity" and chosen == []
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "warning: picks: cannot learn from these liked papers (empty vocabulary; perhaps the documents only contain "
        "stop words); ranked by likeness this run"]


def test_a_library_entry_without_an_arxiv_id_is_neither_a_negative_nor_a_pick_by_its_title() -> None:
    liked, stored = synthetic_reader()
    title = "Residual Vector Quantization for Neural Speech Codecs"
    entry = rank.Liked(None, title, "a library entry with a DOI only: neural speech codec quantization")
    papers = {i: {"id": i, "title": f"paper {i}", "abstract": text, "updated": "2026-01-01"} for i, text in stored}
    papers["2601.00001"] = {"id": "2601.00001", "title": title.upper() + ".", "abstract": "codec", "updated": "x"}
    papers["2601.00002"] = {"id": "2601.00002", "title": title + "!", "abstract": "codec", "updated": "y"}
    taught = picks.teaching(papers, [*liked, entry], frozenset(), {"2601.00002"})
    assert "2601.00001" not in {i for i, _ in taught.unliked} and len(taught.unliked) == len(stored)
    record = picks.build_record("2026-02-13", {"Codec": [papers["2601.00002"]]}, papers, [*liked, entry], 5)
    assert record["picks"] == [] and record["new"] == {"Codec": ["2601.00002"]}


def pickled_array() -> bytes:
    """An .npz whose array is pickled objects: loading it would run code, so it must be refused."""
    import io

    buffer = io.BytesIO()
    np.savez(buffer, vocabulary=np.array([{"x": 1}], dtype=object))
    return buffer.getvalue()


def test_fewer_than_five_liked_papers_rank_by_likeness_and_none_no_picks() -> None:
    liked, stored = synthetic_reader()
    new = [("n1", liked[0].text), ("n2", stored[0][1])]
    chosen, how = picks.choose(new, liked[:4], learn.Teaching(liked[:4], stored, []), 5, None)
    assert how == "similarity" and [p.id for p in chosen] == ["n1"]
    assert picks.choose(new, [], learn.Teaching([], stored, []), 5, None) == ([], "none")
    assert picks.choose(new, liked, learn.Teaching(liked, stored[:5], []), 5, None)[1] == "similarity"
    assert picks.choose(new, liked, learn.Teaching(liked, stored, []), 5, None)[1] == "learned"
