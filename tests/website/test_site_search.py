"""website.search: the static index the search page reads; each word's papers, filters and results, read back."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from site_repo import BOTH_ID, HIDDEN_ID, HOSTILE, UNIQUE_ID, UNIQUE_WORD, make_repo

from website import build, search
from website.model import Entry


def read_index(outdir: Path) -> dict[str, Any]:
    """The index as search.js reads it."""
    return json.loads((outdir / search.INDEX_DIR / "index.json").read_text(encoding="utf-8"))


def decode(encoded: str) -> list[int]:
    """Paper numbers from base64 varint gaps, as search.js `decode` reads them."""
    numbers, number, gap, shift = [], 0, 0, 0
    for byte in base64.b64decode(encoded):
        gap |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            number += gap
            numbers.append(number)
            gap = shift = 0
    return numbers


def papers_with(outdir: Path, index: dict[str, Any], word: str) -> list[int]:
    """The papers a word is in, found the way search.js finds them: its shard, then the gaps summed."""
    key = search.shard_key(word, set(index["keys"]))
    shard = json.loads((outdir / search.INDEX_DIR / index["build"] / "words" / search.shard_file(key)).read_text(encoding="utf-8"))
    return decode(shard[word]) if word in shard else []


def docs(outdir: Path, index: dict[str, Any]) -> list[list[Any]]:
    """Every paper's result fields, in paper-number order."""
    found = []
    for n in range(0, index["papers"], index["docs_per_file"]):
        found += json.loads((outdir / search.INDEX_DIR / index["build"] / "docs" / f"{n // index['docs_per_file']}.json").read_text())
    return found


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small repository's site, built once."""
    top = tmp_path_factory.mktemp("search")
    outdir = top / "site"
    assert build.main([str(outdir), "--root", str(make_repo(top / "repo")), "-q"]) == 0
    return outdir


def test_words_are_letters_and_digits_lower_cased() -> None:
    assert search.words("Zero-Shot TTS: VALL-E 2, x_vector café") == ["zero", "shot", "tts", "vall", "e", "2", "x",
                                                                        "vector", "café"]
    assert search.words("ｆｕｌｌ－ｗｉｄｔｈ") == ["full", "width"]  # NFKC, as search.js normalises
    assert search.words("a" * 41 + " ok") == ["ok"]
    assert search.words("tab\there\x00nul\x1fus") == ["tab", "here", "nul", "us"]  # the ASCII path splits as the regex


@pytest.mark.parametrize("gaps", [[0], [5], [127], [128], [16_383], [16_384], [2_097_152], [0, 1, 127, 128, 300_000]])
def test_varints_round_trip(gaps: list[int]) -> None:
    numbers = [sum(gaps[:i + 1]) for i in range(len(gaps))]
    data, at = search.varints(np.array(gaps))
    assert decode(base64.b64encode(data).decode()) == numbers and at.tolist() == [len(search.varints(np.array(gaps[:i]))[0]) for i in range(len(gaps))]


def test_every_listed_paper_is_one_result_newest_first(small: Path) -> None:
    index = read_index(small)
    results = docs(small, index)
    ids = [url.rsplit("#p-", 1)[1] for url in (d[3] for d in results)]
    assert len(ids) == len(set(ids)) == index["papers"] == 22 and HIDDEN_ID not in ids
    assert [d[2] for d in results] == sorted((d[2] for d in results), reverse=True)
    assert index["topics"] == ["Codec", "Speech Synthesis"]
    both = ids.index(BOTH_ID)
    assert [index["topics"][i] for i in index["paper_topics"][both]] == ["Speech Synthesis", "Codec"]


def test_a_word_in_one_abstract_is_in_that_paper_only(small: Path) -> None:
    index = read_index(small)
    (number,) = papers_with(small, index, UNIQUE_WORD)
    assert docs(small, index)[number][3].endswith(f"#p-{UNIQUE_ID}")
    assert papers_with(small, index, "nosuchword") == []


def test_each_result_links_to_its_paper_on_the_site(small: Path) -> None:
    index = read_index(small)
    for _title, _, _, url, pdf, found, *_ in docs(small, index):
        page, anchor = url.split("#")
        assert f'id="{anchor}"' in (small / page).read_text(encoding="utf-8"), url
        assert pdf.startswith("https://arxiv.org/pdf/")
        assert all(label == "Code" and href.startswith("https://github.com/") and host == "github.com"
                   for label, href, host in found)


def test_hostile_text_is_data_not_markup(small: Path) -> None:
    index = read_index(small)
    titles = [d[0] for d in docs(small, index)]
    assert HOSTILE in titles  # stored as the text it is; search.js puts it in text nodes only
    for number in papers_with(small, index, "onerror"):
        assert docs(small, index)[number][0] == HOSTILE


def test_filters_hold_each_papers_values(small: Path) -> None:
    index = read_index(small)
    results = docs(small, index)
    for number, result in enumerate(results):
        assert index["months"][index["paper_months"][number]] == result[2][:7]
        assert " ".join(index["categories"][i] for i in index["paper_categories"][number]) == result[7]
        assert index["paper_code"][number] == ("1" if result[5] else "0")


def entry(number: int, text: str) -> Entry:
    """A listed paper holding the text in its abstract."""
    return Entry(id=f"2601.{number:05d}", title="T", authors=(), date="2026-01-01", categories=("cs.SD",), comment="",
                 abstract=text, abs_url="", pdf_url="", code=(), topics=("Topic",))


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.text(alphabet=hs.sampled_from("abcéß1 -"), max_size=60), min_size=1, max_size=40))
def test_every_word_is_found_in_its_shard_whatever_the_split(texts: list[str]) -> None:
    """Tiny shards and batches: each word still lands where the lookup rule looks, with exactly its papers."""
    papers = [entry(n, text) for n, text in enumerate(texts)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_BYTES", 30)
        patch.setattr(search, "ENCODE_BATCH", 3)  # words encoded a few at a time, as a big store's are
        encoded = search.encoded_postings(papers)
        shards = search.split_shards(encoded)
    assert sorted(w for group in shards.values() for w in group) == sorted(encoded)
    keys = set(shards)
    for word in encoded:
        assert word in shards[search.shard_key(word, keys)]
        assert decode(encoded[word]) == [n for n, text in enumerate(texts) if word in search.words("T\n\n\n" + text)]


def test_the_build_is_named_by_its_content(small: Path, tmp_path: Path) -> None:
    """The same papers give the same build (browser caches stay good); other papers, another one."""
    first = read_index(small)["build"]
    root = make_repo(tmp_path / "repo")
    assert build.main([str(tmp_path / "same"), "--root", str(root), "-q"]) == 0
    assert read_index(tmp_path / "same")["build"] == first
    assert sorted(p.name for p in (tmp_path / "same" / search.INDEX_DIR).iterdir()) == sorted([first, "index.json"])
    (root / "data" / "papers").joinpath("2405.json").unlink()  # a month of papers gone
    assert build.main([str(tmp_path / "other"), "--root", str(root), "-q"]) == 0
    assert read_index(tmp_path / "other")["build"] != first


def test_kana_and_han_are_found_by_their_pairs() -> None:
    assert search.words("日本語の音声") == ["日", "本", "語", "の", "音", "声", "日本", "本語", "語の", "の音", "音声"]
    assert search.query_words("音声合成 TTS") == ["音声", "声合", "合成", "tts"]
    assert search.query_words("x" * 50) == ["x" * 50]  # too long to be indexed: found nowhere, never dropped


def test_a_results_tldr_is_of_the_papers_own_version_only() -> None:
    """The doc a result shows carries the line and its label as the card does; a v2 with only its v1's summary
    carries its key sentence instead, and none with key_sentences off (search.js then shows no line)."""
    from core import store as st
    from website import model

    record = st.new_record(id="2601.00001", version=2, title="T", abstract="A", comment="", authors=["Ada"],
                           categories=[], updated="2026-01-05T00:00:00Z", topics=["T"])
    record["tldr"] = {"model": "openai/gpt-4.1-mini", "text": "It does a thing.", "version": 2}
    assert search.doc(model.entry(record, ("T",)), "u")[10:12] == ["TL;DR (AI, gpt-4.1-mini)", "It does a thing."]
    record["tldr"]["version"] = 1
    assert search.doc(model.entry(record, ("T",)), "u")[10:12] == ["Key sentence", "A"]
    assert search.doc(model.entry(record, ("T",), key_sentences=False), "u")[10:12] == ["", ""]
