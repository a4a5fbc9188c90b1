"""The local relevance check: whole words, acronyms, phrases, plurals, exclusions, categories."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_store, write_keywords
from fake_arxiv import FakeArxiv, paper

import update
from core import config as cfg
from core import relevance


def topic(query: str, categories: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> cfg.Topic:
    from core import query as q

    return cfg.Topic(name="T", query=query, tree=q.parse(query), categories=categories, exclude=exclude)


def record(title: str, abstract: str = "", categories: list[str] | None = None) -> dict:
    return {"id": "2601.00001", "title": title, "abstract": abstract, "categories": categories or [],
            "topics": ["T"], "updated": "2026-01-01"}


@pytest.mark.parametrize("text,listed", [
    ("A new TTS model", True),
    ("dMLLM-TTS: self-verified", True),
    ("TTS-based data augmentation", True),
    ("Multi-speaker TTSs", True),
    ("(TTS) systems", True),
    ("TT-FSI: Tensor-Train interactions", False),
    ("TT-rank decomposition", False),
    ("tts in lower case", False),
    ("Tts in title case", False),
    ("attsomething inside a word", False),
    ("code at https://github.com/x/TTS and www.TTS.org", False),
    ("TTS2 is a different token", False),
])
def test_acronyms_match_only_the_whole_upper_case_token(text: str, listed: bool) -> None:
    assert relevance.decide(topic("TTS"), record(text)).listed is listed


@pytest.mark.parametrize("text,listed", [
    ("Zero-shot text-to-speech", True),
    ("Text to speech for Nepali", True),
    ("TEXT-TO-SPEECH at scale", True),
    ("text-to-speeches", True),
    ("context-to-speech conversion", False),
    ("text-to-speechify", False),
])
def test_phrases_ignore_case_and_treat_hyphens_as_spaces(text: str, listed: bool) -> None:
    assert relevance.decide(topic('"text-to-speech"'), record(text)).listed is listed


def test_plural_of_the_last_word_matches() -> None:
    t = topic('"speech language model"')
    assert relevance.decide(t, record("Speech language models are few-shot learners")).listed
    assert not relevance.decide(t, record("Speech language modelling")).listed


def test_abstract_counts_and_reason_names_the_term() -> None:
    decision = relevance.decide(topic('"speech synthesis"'), record("A codec", "Used for speech synthesis."))
    assert decision.listed and decision.reason == 'listed: "speech synthesis" in abstract'


def test_exclusions_hide_and_say_which_phrase() -> None:
    t = topic("TTS", exclude=("test-time scaling",))
    decision = relevance.decide(t, record("FR-TTS: Test-Time Scaling for image generation"))
    assert not decision.listed and decision.reason == 'hidden: excluded by "test-time scaling" in title'
    assert relevance.decide(t, record("Fast TTS")).listed


def test_categories_with_wildcards_and_unknown_categories_pass() -> None:
    t = topic("TTS", categories=("cs.SD", "eess.*"))
    assert relevance.decide(t, record("TTS", categories=["eess.AS"])).listed
    assert relevance.decide(t, record("TTS", categories=["cs.CL", "cs.SD"])).listed
    hidden = relevance.decide(t, record("TTS", categories=["cs.CV"]))
    assert not hidden.listed and "cs.CV" in hidden.reason
    assert relevance.decide(t, record("TTS", categories=[])).listed  # imported: unknown


def test_boolean_query_is_evaluated_locally() -> None:
    t = topic('"voice conversion" ANDNOT singing')
    assert relevance.decide(t, record("Voice conversion for all")).listed
    assert not relevance.decide(t, record("Voice conversion for singing")).listed
    t = topic("(codec OR tokenizer) AND speech")
    assert relevance.decide(t, record("A speech codec")).listed
    assert not relevance.decide(t, record("An image codec")).listed


def test_over_matching_search_is_filtered_and_membership_follows_keywords(tmp_path: Path, fake: FakeArxiv) -> None:
    # The fake server stems like arXiv: its search for TTS also returns the TT-… papers.
    fake.papers = [
        paper("2601.00001", "Fast TTS for Nepali", categories=("cs.SD",)),
        paper("2601.00002", "TT-Edge: Tensor-Train decomposition on the edge", categories=("cs.LG",)),
        paper("2601.00003", "FR-TTS: Test-Time Scaling for image generation", categories=("cs.CV",)),
        paper("2601.00004", "Sticker-TTS: test-time scaling with stickers", categories=("cs.CL",)),
    ]
    write_keywords(tmp_path, [{"name": "TTS", "query": "TTS"}])
    assert update.main(["--root", str(tmp_path)]) == 0
    assert set(load_store(tmp_path)) == {"2601.00001", "2601.00002", "2601.00003", "2601.00004"}
    readme = (tmp_path / "README.md").read_text()
    assert "2601.00002" not in readme and {"2601.00001", "2601.00003", "2601.00004"} <= _ids(readme)

    write_keywords(tmp_path, [{"name": "TTS", "query": "TTS", "exclude": ["test-time scaling"]}])
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert _ids((tmp_path / "README.md").read_text()) == {"2601.00001"}
    assert len(load_store(tmp_path)) == 4, "an exclusion must never delete from the store"

    write_keywords(tmp_path, [{"name": "TTS", "query": "TTS"}])
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert _ids((tmp_path / "README.md").read_text()) == {"2601.00001", "2601.00003", "2601.00004"}


def test_explain_says_why(tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    fake.papers = [paper("2601.00001", "Fast TTS ##[error]x"), paper("2601.00002", "TT-Edge: Tensor-Train")]
    write_keywords(tmp_path, [{"name": "TTS", "query": "TTS"}])
    assert update.main(["--root", str(tmp_path)]) == 0
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "--explain", "tts"]) == 0
    out = capsys.readouterr().out
    assert "LISTED  2601.00001" in out and 'listed: "TTS" in title' in out
    assert "HIDDEN  2601.00002" in out and "no query term occurs" in out
    assert "1 listed, 1 hidden of 2 stored" in out
    assert "##[" not in out, "a title on --explain's lines is no workflow command (issue 33)"


def _ids(text: str) -> set[str]:
    import re

    return set(re.findall(r"\(https://arxiv\.org/abs/(\d{4}\.\d{5})\)", text))


def test_default_keywords_clean_the_seed_tts_section() -> None:
    from conftest import REPO

    config = cfg.load(REPO / "keywords.yaml")
    papers = list(load_store(REPO).values())
    tts = config.topic("TTS")
    found = [p for p in papers if "TTS" in p["topics"]]
    hidden = {p["id"] for p in found if not relevance.decide(tts, p).listed}
    assert hidden == {"2505.20323", "2601.01903", "2512.19433", "2512.00438", "2511.13738", "2511.04653",
                      "2507.18537", "2505.08437", "2509.05007", "2508.14313", "2508.08273", "2302.01584"}
    assert len(found) - len(hidden) == 67
    for name, most_hidden in (("Speech Synthesis", 2), ("Audio Caption", 2), ("Speech language model", 0)):
        topic_ = config.topic(name)
        assert sum(not relevance.decide(topic_, p).listed for p in papers if name in p["topics"]) == most_hidden



def _hypothesis_texts():
    from hypothesis import strategies as hs

    vocab = ["TTS", "tts", "Tts", "speech", "Speech", "SPEECH", "synthesis", "text", "to", "test-time", "scaling",
             "\u212aelvin", "\u017fpeech", "spe\u0435ch", "https://github.com/x/TTS", "www.tts.org", "-", " ", "/",
             "(", ")", "es", "s", "\u2013", "codec", "Codecs", "\u00e9"]
    return hs.lists(hs.sampled_from(vocab), max_size=12).map(lambda parts: "".join(
        p if i % 2 else p + " " for i, p in enumerate(parts)))


def test_the_fast_check_agrees_with_the_explained_decision() -> None:
    """is_listed skips regexes with a substring pre-check and stops at the first hit; it must equal decide()."""
    from hypothesis import given, settings
    from hypothesis import strategies as hs

    queries = ['TTS OR "text-to-speech"', '"speech synthesis" AND NOT codec', "ti:speech OR abs:kelvin",
               '(TTS OR speech) AND (codec OR "test time scaling")', "co:TTS OR ti:synthesis"]
    exclusions = ((), ("test-time scaling",), ("speech", "TT-rank"), ("kelvin",), ("\u017fpeech",))

    @settings(max_examples=400, deadline=None)
    @given(title=_hypothesis_texts(), abstract=_hypothesis_texts(), comment=_hypothesis_texts(),
           query=hs.sampled_from(queries), exclude=hs.sampled_from(exclusions))
    def check(title: str, abstract: str, comment: str, query: str, exclude: tuple[str, ...]) -> None:
        t = topic(query, exclude=exclude)
        paper = {**record(title, abstract), "comment": comment}
        assert relevance.is_listed(t, paper) is relevance.decide(t, paper).listed
        for phrase in (*exclude, "TTS", "speech", "kelvin", "test time scaling"):
            for text in (title, abstract):
                expected = relevance.term_pattern(phrase).search(relevance.searchable(text)) is not None
                assert relevance.occurs(phrase, relevance.Text.of(text)) is expected

    check()


def test_re_folds_exactly_these_non_ascii_characters_onto_ascii_letters() -> None:
    """The exclusion index folds text like re's IGNORECASE; this is the table of characters where lower() differs."""
    import re
    import string

    every = "".join(map(chr, range(0x80, 0x110000)))
    folds = {c: letter for letter in string.ascii_lowercase for c in re.findall(f"(?i){letter}", every)}
    assert folds == {c: relevance._ASCII_FOLD[ord(c)] for c in map(chr, relevance._ASCII_FOLD)}


@pytest.mark.parametrize("index_from", [0, relevance.INDEX_FROM], ids=["indexed", "tried in full"])
def test_exclusions_find_exactly_what_trying_every_phrase_finds(index_from: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import hostile_inputs as hostile
    from hypothesis import given, settings
    from hypothesis import strategies as hs

    monkeypatch.setattr(relevance, "INDEX_FROM", index_from)
    texts = hs.lists(hs.sampled_from(hostile.EXCLUSION_WORDS), max_size=10).map(
        lambda parts: "".join(p if i % 2 else p + " " for i, p in enumerate(parts)))
    phrases = hs.lists(hs.sampled_from(hostile.EXCLUSION_PHRASES), min_size=1, max_size=8)

    @settings(max_examples=600, deadline=None)
    @given(title=texts, abstract=texts, exclude=phrases)
    def check(title: str, abstract: str, exclude: list[str]) -> None:
        exclude_ = tuple(dict.fromkeys(" ".join(e.split()) for e in exclude if e.split()))
        t = topic("x", exclude=exclude_)
        texts_ = relevance.Texts({"title": title, "abstract": abstract})
        expected = next((f'"{p}" in {place}' for p in exclude_ for place in ("title", "abstract")
                         if relevance.term_pattern(p).search(texts_[place].raw)), None)
        assert relevance.exclusion_hit(t, relevance.Texts({"title": title, "abstract": abstract})) == expected

    check()


def test_thousands_of_exclusions_compile_only_the_phrases_a_paper_may_contain() -> None:
    exclude = tuple(f"speech variant{i}" for i in range(5000)) + ("test-time scaling",)
    t = topic("TTS", exclude=exclude)
    papers = [{**record(f"TTS paper {i}", "speech and test-time scaling" if i == 3 else "speech variant17b"),
               "id": f"2601.{i:05d}"} for i in range(50)]
    decisions = [relevance.decide(t, p) for p in papers]
    assert [d.listed for d in decisions].count(False) == 1
    assert decisions[3].reason == 'hidden: excluded by "test-time scaling" in abstract'
    built = relevance.exclusions(exclude)
    assert len(built.phrases) == 5001 and sum("pattern" in vars(p) for p in built._compiled.values()) <= 2
