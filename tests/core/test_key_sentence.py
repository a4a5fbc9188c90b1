"""The key sentence (digest/key_sentence.py) and the line every surface shows (digest/tldr.py): hostile abstracts,
cutting, precedence, the settings that hide it, and its quality on the hand-labelled held-out set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rendering
from conftest import write_keywords
from rendering import render_one

from core import config as cfg
from core import key_sentence, tldr
from core import store as st
from daily import manifest, render
from digest import sentence_quality

CONTRIBUTION = "We propose CodecLM, a streaming codec language model that predicts speech tokens from text."
BACKGROUND = "Neural codecs have become popular for speech generation in recent years."


def test_the_sentence_that_says_what_the_paper_does_is_chosen_over_background_and_results() -> None:
    abstract = (f"{BACKGROUND} However, existing codecs are slow. {CONTRIBUTION} "
                "Experiments show that it outperforms strong baselines by 12% in WER. "
                "Code and samples are available at https://github.com/a/b.")
    assert key_sentence.choose(abstract) == CONTRIBUTION


@pytest.mark.parametrize("abstract, expected", [
    ("", ""),
    ("   \n\t ", ""),
    ("no sentence end at all and no capital letters in it", "no sentence end at all and no capital letters in it"),
    ("One sentence only.", "One sentence only."),
])
def test_empty_and_endless_abstracts_give_what_there_is(abstract: str, expected: str) -> None:
    assert key_sentence.shown(abstract) == expected


@pytest.mark.parametrize("text, pieces", [
    ("We use, e.g., transformers. We propose X.", ["We use, e.g., transformers.", "We propose X."]),
    ("As shown by Smith et al. Our model wins.", ["As shown by Smith et al. Our model wins."]),
    ("See Fig. 2 for details. We propose X.", ["See Fig. 2 for details.", "We propose X."]),
    ("The WER drops to 0.68 on test. We propose X.", ["The WER drops to 0.68 on test.", "We propose X."]),
    ("Written by J. Doe and A. B. Smith. We propose X.", ["Written by J. Doe and A. B. Smith.", "We propose X."]),
    ("It works (i.e. it converges). Does it? Yes!", ["It works (i.e. it converges).", "Does it?", "Yes!"]),
])
def test_abbreviations_initials_and_decimals_do_not_end_a_sentence(text: str, pieces: list[str]) -> None:
    assert key_sentence.sentences(text) == pieces


def test_one_giant_sentence_is_cut_at_a_clause_boundary_near_240_characters() -> None:
    clauses = ", ".join(f"we propose component number {i} that improves the codec" for i in range(40))
    shown = key_sentence.shown(clauses[0].upper() + clauses[1:] + ".")
    assert 100 <= len(shown) <= key_sentence.SHOWN_CHARS + 2 and shown.endswith(" …")
    assert shown[:-2].endswith("codec"), "cut at the comma, not inside a clause"
    wordy = "We propose " + " ".join(["averyveryverylongword"] * 60) + "."
    cut = key_sentence.shown(wordy)
    assert len(cut) <= key_sentence.SHOWN_CHARS + 2 and cut.endswith("averyveryverylongword …")


def test_a_huge_hand_edited_abstract_is_read_only_in_part() -> None:
    shown = key_sentence.shown("We propose Codec. " * 50_000)
    assert shown == "We propose Codec."


@pytest.mark.parametrize("abstract", ["x" * 2500 + " e.g. A" * 350, "y" * 3000 + " Fig. 2" * 280])
def test_each_possible_break_looks_back_only_at_the_word_before(abstract: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking back over the whole sentence at every 'e.g.' made such an abstract take 6 s (quadratic)."""
    seen: list[int] = []
    real = key_sentence._ends_sentence
    monkeypatch.setattr(key_sentence, "_ends_sentence", lambda text: seen.append(len(text)) or real(text))
    assert key_sentence.sentences(abstract) and len(seen) >= 280 and max(seen) <= 100


def test_latex_and_urls_stay_text_and_an_availability_sentence_is_not_chosen() -> None:
    abstract = (r"We propose $\mathcal{O}(n)$ attention with $p < 0.05$ gains. "
                "Our code is available at https://github.com/x/y and www.example.org.")
    assert key_sentence.choose(abstract).startswith(r"We propose $\mathcal{O}(n)$")


def test_a_chosen_sentence_shows_no_address_as_it_was_written() -> None:
    abstract = ("Neural codecs are popular. We release CodecKit, a toolkit for codecs, at https://evil.example/login "
                "and www.evil.example, and invite everyone to log in there.")
    assert key_sentence.shown(abstract) == ("We release CodecKit, a toolkit for codecs, at (link) and (link), and "
                                            "invite everyone to log in there.")


def test_hostile_abstracts_render_as_text_in_a_readme_row() -> None:
    abstract = ("We propose </details><script>alert(1)</script> | [x](javascript:alert(1)) @octocat #12 "
                "<img src=x onerror=alert(1)> for codecs.")
    table = render_one(rendering.record(1, abstract=abstract))
    cell = dict(zip(*table.rows))["Abstract"]
    assert cell.startswith("Key sentence: We propose </details><script>alert(1)</script> | [x](javascript:alert(1))")
    assert table.tags <= {"table", "thead", "tbody", "tr", "th", "td", "strong", "a", "details", "summary", "br"}
    assert all(link.startswith("https://arxiv.org/") for link in table.links)


def record(**kw: Any) -> dict[str, Any]:
    values = {"id": "2602.00001", "version": 2, "title": "A codec", "abstract": f"{BACKGROUND} {CONTRIBUTION}",
              "updated": "2026-02-01T10:00:00Z", "topics": ["Codec"]}
    sparse = {k: kw.pop(k) for k in ("s2_tldr",) if k in kw}  # a record field of its own (digest/semantic_scholar.py)
    return {**st.new_record(**{**values, **kw}), **sparse}


MODEL = {"model": "openai/gpt-4.1-mini", "text": "A streaming codec LM.", "version": 2}
S2 = {"model": "tldr@v2.0.0", "text": "A codec model that streams.", "fetched": "2026-02-03T01:17:00Z",
      "paper": "a" * 40}


def test_precedence_is_model_then_semantic_scholar_then_key_sentence() -> None:
    both = tldr.shown(record(tldr=MODEL, s2_tldr=S2))
    assert both is not None and (both.kind, both.label, both.text) == ("model", "TL;DR (AI, gpt-4.1-mini)",
                                                                        "A streaming codec LM.")
    old_model = tldr.shown(record(tldr={**MODEL, "version": 1}, s2_tldr=S2))  # of version 1: not this version's
    assert old_model is not None and old_model.kind == "semantic_scholar" and old_model.label == "TL;DR (Semantic Scholar)"
    assert old_model.link == "https://www.semanticscholar.org/paper/" + "a" * 40
    bare = tldr.shown(record())
    assert bare is not None and (bare.kind, bare.label, bare.text) == ("key_sentence", "Key sentence", CONTRIBUTION)
    assert tldr.shown(record(), key_sentences=False) is None
    assert tldr.shown(record(abstract="")) is None


def test_a_semantic_scholar_link_is_built_only_from_a_well_formed_paper_id() -> None:
    shown = tldr.shown(record(s2_tldr={**S2, "paper": "javascript:alert(1)//" + "a" * 20}))
    assert shown is not None and shown.link == "https://www.semanticscholar.org"


@pytest.mark.parametrize("value, stored", [("on", "on"), (True, "on"), ("off", "off"), (False, "off")])
def test_key_sentences_setting_takes_yaml_on_and_off(tmp_path: Path, value: Any, stored: str) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"key_sentences": value})
    assert cfg.load(tmp_path / "keywords.yaml").settings["key_sentences"] == stored


def test_key_sentences_off_hides_it_in_rows_and_summaries_off_keeps_it(tmp_path: Path) -> None:
    paper = record(version=1)
    for settings, shown in (({"key_sentences": "off"}, False), ({"summaries": "off"}, True), ({}, True)):
        write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {**settings, "readme_layout": "classic"})
        config = cfg.load(tmp_path / "keywords.yaml")
        line = render.for_papers(config, [paper]).rows.line(paper)
        assert ("**Key sentence:** We propose CodecLM" in line) is shown, settings


def test_the_key_sentence_code_is_part_of_the_render_fingerprint() -> None:
    assert {"core/key_sentence.py", "core/tldr.py"} <= set(manifest.RENDER_CODE)


def test_the_held_out_labelled_abstracts_get_a_good_key_sentence_93_times_in_100() -> None:
    held_out = [p for p in sentence_quality.load() if p.set == "heldout"]
    good, total = sentence_quality.accuracy(held_out, key_sentence.choose)
    baseline, _ = sentence_quality.accuracy(held_out, sentence_quality.first_we_sentence)
    assert total == 100 and good >= 93 and good > baseline, (good, baseline)


def test_the_labelled_set_is_whole_and_its_labels_point_at_sentences() -> None:
    papers = sentence_quality.load()
    assert len({p.id for p in papers}) == len(papers) == 337
    assert all(p.good and max(p.good) < len(p.sentences) for p in papers)
    assert sentence_quality.is_good(papers[0].sentences[min(papers[0].good)], papers[0])
