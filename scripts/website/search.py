"""The search index: every listed paper, as small static JSON files that templates/site/assets/search.js reads.

A general static-search engine ranks by relevance and indexes each page as a document; the site needs
neither. Results are listed newest first, so papers are numbered newest first and every word's postings
are an ascending list of paper numbers: the first matches of a query are its newest papers, found by
intersecting a few lists, with no ranking and no engine in the browser. Pagefind did this job first and
was measured out at 40,000 papers (docs/development.md#performance): 105 s and 6.4 GB to index, 6.4 s a search.

    search/index.json                   the build, shard keys, the filters' values (topics, categories, months,
                                        venues), each paper's filter values (its venue, whether it has code and a
                                        demo) and the newest digest's papers (marked "new")
    search/<build>/words/<hex key>.json {word: its papers as base64 varint gaps} for the words under one key
    search/<build>/docs/<n>.json        what a result shows, for papers n*DOCS_PER_FILE ... (n+1)*DOCS_PER_FILE-1

A word belongs to the shard whose key is the longest prefix of it; a key whose words weigh over
SHARD_BYTES is split into keys one character longer, the words no longer than it staying with it.
Words are runs of Unicode letters and digits with their combining marks (NFKC, lower-cased, İ as i, ς as σ);
Kana and Han, written without spaces, are indexed as single characters and pairs. search.js's `words`
follows the same rules (a browser test compares the two on hostile text).
"""

from __future__ import annotations

import array
import base64
import bisect
import functools
import hashlib
import itertools
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from website.model import Entry, Site

INDEX_DIR = "search"  # the index folder in the site; assets/search.js reads search/index.json from it
FORMAT = 3  # bumped when the files' shape changes, so search.js can say the index is from another version
DOCS_PER_FILE = 50  # papers per docs file (about 90 KB, 30 KB gzipped): a screen of ten results often needs one
SHARD_BYTES = 48_000  # a shard over this is split by one more character (one word may still weigh more)
MAX_KEY = 12  # characters of the longest shard key: deep enough for many words sharing a beginning
ENCODE_BATCH = 1_000_000  # papers of words encoded at once (tens of MB of temporary arrays)
MAX_WORD = 40  # longer runs of letters are not words a person types (hashes, run-together URLs)
_ASCII_GAPS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})  # ASCII's non-word characters
_CJK = ("\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\U00020000-\U0003134f")  # Kana and Han: written without spaces between words
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_ONLY = re.compile(f"[{_CJK}]+$")


def _marks() -> str:
    """Every combining mark (Unicode categories M*) as a regex class body: vowel signs and accents stay in their word."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    previous = -2
    for code in range(0x110000):
        if unicodedata.category(chr(code))[0] == "M":
            if code != previous + 1:
                if start is not None:
                    ranges.append((start, previous))
                start = code
            previous = code
    if start is not None:
        ranges.append((start, previous))
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


@functools.lru_cache(maxsize=1)
def _word() -> re.Pattern[str]:
    """A letter or digit, then letters, digits or marks (search.js WORD); compiled on the first non-ASCII text."""
    return re.compile(f"[^\\W_](?:[^\\W_]|[{_marks()}])*")


def words(text: str) -> list[str]:
    """The words a paper is indexed under, in order; Kana and Han runs as each character and each pair."""
    found = []
    for word in _raw_words(text):
        if len(word) > MAX_WORD:
            continue
        if _CJK_ONLY.match(word):
            found += [*word, *(word[i:i + 2] for i in range(len(word) - 1))]
        else:
            found.append(word)
    return found


def query_words(text: str) -> list[str]:
    """The words a query asks for: as indexed, but a Kana or Han run as its pairs (a phrase) and none dropped."""
    found = []
    for word in _raw_words(text):
        if _CJK_ONLY.match(word) and len(word) > 1:
            found += [word[i:i + 2] for i in range(len(word) - 1)]
        else:
            found.append(word)
    return found


def _raw_words(text: str) -> list[str]:
    """Runs of letters and digits (with their marks), NFKC and lower-cased; ASCII text split without a regex."""
    if text.isascii():
        return text.lower().translate(_ASCII_GAPS).split()
    text = unicodedata.normalize("NFKC", text).lower().replace("i\u0307", "i").replace("\u03c2", "\u03c3")
    return _word().findall(_CJK_RUN.sub(r" \g<0> ", text))


def searchable_text(paper: Entry) -> str:
    """What search looks in: title, authors, comment and abstract."""
    return "\n".join((paper.title, " ".join(paper.authors), paper.comment, paper.abstract))


def indexed_papers(site: Site) -> list[tuple[Entry, str]]:
    """Every listed paper once, with the address of its anchor on its first topic's page, newest first."""
    entries: dict[str, Entry] = {}
    for topic in site.topics:
        for paper in topic.papers:
            entries.setdefault(paper.id, paper)
    newest_first = sorted(entries.values(), key=lambda e: (e.date, e.id), reverse=True)
    return [(paper, site.home[paper.id]) for paper in newest_first]


def postings(papers: Iterable[Entry]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every word, where its papers start in the second array, and all papers grouped by word, ascending.

    Each paper's distinct words go into two flat arrays (word id, paper number) by C-level extends, and
    one stable sort groups them by word: a dict of lists appended word by word is three times slower.
    """
    ids: dict[str, int] = {}
    fresh = itertools.count()
    word_ids, numbers = array.array("i"), array.array("i")  # 32 bits: 2 billion word occurrences
    for number, paper in enumerate(papers):
        text = searchable_text(paper)
        distinct = set(_raw_words(text) if text.isascii() else words(text))  # long words go later, once each
        word_ids.extend(map(ids.setdefault, distinct, fresh))
        numbers.extend(itertools.repeat(number, len(distinct)))
    order = np.argsort(np.frombuffer(word_ids, dtype=np.int32), kind="stable")  # stable: papers stay ascending
    grouped = np.frombuffer(word_ids, dtype=np.int32)[order]
    del word_ids
    starts = np.flatnonzero(np.diff(grouped, prepend=-1))
    word_of = {word_id: word for word, word_id in ids.items()}
    found = [word_of[i] for i in grouped[starts].tolist()]
    del grouped
    return found, starts, np.frombuffer(numbers, dtype=np.int32)[order]


def varints(gaps: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Numbers in LEB128 (7 bits a byte, low first, high bit set on all but the last); and where each starts."""
    gaps = gaps.astype(np.uint32)
    sizes = np.ones(len(gaps), dtype=np.int8)
    for bits in (7, 14, 21, 28):
        sizes += gaps >= (1 << bits)
    at = np.cumsum(sizes, dtype=np.int64) - sizes
    out = np.zeros(int(at[-1] + sizes[-1]) if len(gaps) else 0, dtype=np.uint8)
    for byte in range(int(sizes.max(initial=1))):
        more = np.flatnonzero(sizes > byte)
        low = ((gaps[more] >> np.uint32(7 * byte)) & np.uint32(0x7F)).astype(np.uint8)
        out[at[more] + byte] = low | np.where(sizes[more] > byte + 1, 0x80, 0).astype(np.uint8)
    return out.tobytes(), at


def encoded_postings(papers: Iterable[Entry]) -> dict[str, str]:
    """Each word's papers as base64 of the varint gaps between them (from 0): about 1.5 bytes a paper."""
    words_found, starts, numbers = postings(papers)
    encoded: dict[str, str] = {}
    bounds = [*starts.tolist(), len(numbers)]
    first = 0
    while first < len(words_found):  # a batch of words at a time: temporary arrays stay small
        last = max(bisect.bisect_right(bounds, bounds[first] + ENCODE_BATCH, first + 1) - 1, first + 1)
        block = numbers[bounds[first]:bounds[last]]
        gaps = np.diff(block, prepend=0)
        heads = np.asarray(bounds[first:last]) - bounds[first]
        gaps[heads] = block[heads]  # each word's first paper counts from 0
        data, at = varints(gaps)
        ends = [*at[heads].tolist(), len(data)]
        for word, a, b in zip(words_found[first:last], ends, ends[1:]):
            if len(word) <= MAX_WORD:
                encoded[word] = base64.b64encode(data[a:b]).decode("ascii")
        first = last
    return encoded


def shard_key(word: str, keys: set[str]) -> str:
    """The key of the shard a word is in: the longest key that is a prefix of it (search.js: `keyOf`)."""
    for length in range(min(len(word), MAX_KEY), 0, -1):
        if word[:length] in keys:
            return word[:length]
    raise KeyError(word)


def split_shards(encoded: dict[str, str]) -> dict[str, list[str]]:
    """Shard keys and their words: a prefix's words together, split one character deeper while too heavy."""
    shards: dict[str, list[str]] = {}
    pending = defaultdict(list)
    for word in encoded:
        pending[word[:1]].append(word)
    while pending:
        key, group = pending.popitem()
        weight = sum(len(word) + len(encoded[word]) + 4 for word in group)
        if weight <= SHARD_BYTES or len(key) >= MAX_KEY or all(len(word) <= len(key) for word in group):
            shards[key] = group
            continue
        staying = [word for word in group if len(word) <= len(key)]
        shards[key] = staying  # kept even when empty: a shorter word's lookup ends here
        for word in group:
            if len(word) > len(key):
                pending[word[:len(key) + 1]].append(word)
    return shards


def shard_file(key: str) -> str:
    """A shard's file name: its key's UTF-8 bytes in hex, safe in any URL and on any file system."""
    return key.encode("utf-8").hex() + ".json"


def doc(paper: Entry, url: str) -> list[Any]:
    """What a result shows, as a list (keys once per file would double its size): see search.js `show`."""
    return [paper.title, ", ".join(paper.authors), paper.date, url, paper.pdf_url,
            [[link.label, link.url, link.host] for link in paper.links], " · ".join(paper.topics),
            " ".join(paper.categories), paper.comment, paper.abstract, paper.tldr_label if paper.tldr else "",
            paper.tldr, paper.id, 1 if paper.long_tldr else 0, paper.chip]


def filter_values(papers: list[Entry]) -> dict[str, Any]:
    """Each filter's values (sorted) and every paper's choices among them, as indexes into those lists."""
    topics = sorted({t for p in papers for t in p.topics})
    categories = sorted({c for p in papers for c in p.categories})
    months = sorted({p.month for p in papers}, reverse=True)
    topic_at = {t: i for i, t in enumerate(topics)}
    category_at = {c: i for i, c in enumerate(categories)}
    month_at = {m: i for i, m in enumerate(months)}
    venues = sorted({p.venue.name for p in papers if p.venue}, key=str.lower)
    venue_at = {v: i for i, v in enumerate(venues)}
    return {"topics": topics, "categories": categories, "months": months,
            "paper_topics": [[topic_at[t] for t in p.topics] for p in papers],
            "paper_categories": [[category_at[c] for c in p.categories] for p in papers],
            "paper_months": [month_at[p.month] for p in papers],
            "paper_code": "".join("1" if p.code else "0" for p in papers),
            "venues": venues, "paper_venues": [venue_at[p.venue.name] if p.venue else -1 for p in papers],
            "paper_venue_years": [p.venue.year or 0 if p.venue else 0 for p in papers],
            "paper_demo": "".join("1" if p.has_demo else "0" for p in papers)}


def new_papers(site: Site, papers: list[Entry]) -> dict[str, Any]:
    """The newest digest's day and its papers' numbers: search.js marks them "new", as the site's pages do."""
    return {"new_day": site.new_day, "new": [number for number, paper in enumerate(papers) if paper.id in site.new_ids]}


def index_files(site: Site) -> Iterator[tuple[str, bytes]]:
    """Every file of the search index as (path under INDEX_DIR, bytes)."""
    listed = indexed_papers(site)
    papers = [paper for paper, _ in listed]
    encoded = encoded_postings(papers)
    shards = split_shards(encoded)
    for key, group in shards.items():
        yield f"words/{shard_file(key)}", compact({word: encoded[word] for word in sorted(group)}).encode("utf-8")
    for start in range(0, len(listed), DOCS_PER_FILE):
        chunk = [doc(paper, url) for paper, url in listed[start:start + DOCS_PER_FILE]]
        yield f"docs/{start // DOCS_PER_FILE}.json", compact(chunk).encode("utf-8")
    index = {"format": FORMAT, "papers": len(papers), "docs_per_file": DOCS_PER_FILE, "max_key": MAX_KEY,
             "keys": sorted(shards), **filter_values(papers), **new_papers(site, papers)}
    yield "index.json", compact(index).encode("utf-8")


def compact(value: Any) -> str:
    """JSON without spaces; non-ASCII kept as is (UTF-8), so a word's bytes are the word's."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def build_index(site: Site, outdir: Path) -> int:
    """Write the search index into outdir/search; returns the papers it holds.

    The words and docs files go in a folder named by a digest of their content, named in index.json: a page
    opened before a deploy asks for files of its own build, finds them gone, and reloads the index, instead
    of mixing one day's paper numbers with the next day's.
    """
    scratch = outdir / INDEX_DIR / ".building"
    digests: dict[str, str] = {}
    index: dict[str, Any] = {}
    for path, data in index_files(site):
        if path == "index.json":
            index = json.loads(data)
            continue
        digests[path] = hashlib.sha256(data).hexdigest()
        target = scratch / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    listing = "".join(f"{path} {digest}\n" for path, digest in sorted(digests.items()))  # in any order written
    build = hashlib.sha256(f"format {FORMAT}\n{listing}".encode()).hexdigest()[:16]
    scratch.mkdir(parents=True, exist_ok=True)
    scratch.rename(outdir / INDEX_DIR / build)
    (outdir / INDEX_DIR / "index.json").write_bytes(compact({**index, "build": build}).encode("utf-8"))
    return int(index["papers"])
