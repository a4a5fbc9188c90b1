"""Decide locally whether a stored paper belongs in a topic, and say why.

arXiv's search stems words and matches `TTS` against `TT-…`; this check re-reads the query
against the title and abstract with whole-word rules, then applies categories and exclusions.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from core import query as q
from core.config import Topic

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SEPARATOR = r"[\s\-\u2010\u2011\u2012\u2013/]+"
_PHRASE_SPLIT = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]+")  # how a term is cut into words
_WORD = re.compile(r"\w+")
INDEX_FROM = 64  # exclude lists longer than this are indexed by word; shorter ones are tried phrase by phrase
# The only non-ASCII characters re's IGNORECASE matches to ASCII letters (tests/core/test_relevance.py checks this).
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s"})


@dataclass(frozen=True)
class Decision:
    """Whether a paper is listed in a topic, and the reason in words."""

    listed: bool
    reason: str


def is_acronym(word: str) -> bool:
    """All-caps words like TTS or LLM2 are matched case-sensitively as whole tokens."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Phrase:
    """A term ready to match: substrings every match contains (cheap pre-checks), and its regex, compiled on first use."""

    source: str
    exact_case: bool
    needles: tuple[str, ...]
    squeezed: str | None  # the words, lower case, separators as one space: in every ASCII match, squeezed alike

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The whole-word regex (compiling costs far more than the pre-checks, so a long exclude list compiles late)."""
        words = tuple(w for w in _PHRASE_SPLIT.split(self.source) if w)
        body = _SEPARATOR.join(re.escape(w) for w in words) if words else re.escape(self.source)
        plural = "(?:s|es)?" if words and words[-1][-1:].isalpha() else ""
        return re.compile(rf"(?<!\w){body}{plural}(?!\w)", 0 if self.exact_case else re.IGNORECASE)


def compile_phrase(text: str) -> Phrase:
    """Prepare a term: acronyms exact-case, words any case, separators flexible, plurals allowed."""
    words = tuple(w for w in _PHRASE_SPLIT.split(text) if w)
    exact = len(words) == 1 and is_acronym(words[0])
    # lower() is exact only for ASCII, so only ASCII words pre-check case-insensitive matches
    needles = words if exact else tuple(w.lower() for w in words if w.isascii())
    joined = " ".join(words)
    squeezed = squeeze(joined.lower()) if not exact and len(words) > 1 and joined.isascii() else None
    return Phrase(text, exact, needles, squeezed)


def squeeze(lower: str) -> str:
    """Lower-case ASCII text with each run of spaces, hyphens and slashes as one space, no edge spaces (a pre-check).

    A match of a phrase, squeezed, contains the phrase squeezed (its separators are such runs), so a phrase whose
    squeezed form is not in the squeezed text cannot match. str methods: several times faster than re.sub here.
    """
    return " ".join(lower.replace("-", " ").replace("/", " ").split())


phrase = lru_cache(maxsize=4096)(compile_phrase)  # query terms: a few per topic, compiled once


def term_pattern(text: str) -> re.Pattern[str]:
    """Whole-word pattern for a term (see phrase())."""
    return phrase(text).pattern


@dataclass(frozen=True)
class Text:
    """A field's searchable text, and its lower-cased form when that is exact (ASCII text)."""

    raw: str
    lower: str | None

    @cached_property
    def words(self) -> frozenset[str]:
        """Its words (runs of word characters) folded as IGNORECASE folds them onto ASCII, for exclusion keys."""
        if self.lower is not None:
            return frozenset(_WORD.findall(self.lower))
        return frozenset(w.translate(_ASCII_FOLD).lower() for w in _WORD.findall(self.raw))

    @cached_property
    def squeezed(self) -> str:
        """The lower-cased ASCII text squeezed as phrases are (see squeeze)."""
        return squeeze(self.lower or "")

    @cached_property
    def exact_words(self) -> frozenset[str]:
        """Its words as written, for the keys of exact-case (acronym) exclusions."""
        return frozenset(_WORD.findall(self.raw))

    @classmethod
    def of(cls, text: str | None, keep_urls: bool = False) -> Text:
        """Text with URLs removed (so `github.com/x/tts` is no mention), lower-cased once for pre-checks."""
        raw = text or ""
        lower = raw.lower()
        if not keep_urls and ("://" in raw or "www" in lower):
            raw = _URL.sub(" ", raw)
            lower = raw.lower()
        return cls(raw, lower if raw.isascii() else None)


class Texts:
    """A paper's title and abstract as Text, each prepared only when a term first looks at it."""

    def __init__(self, paper: dict[str, Any]):
        self.paper = paper
        self.prepared: dict[str, Text] = {}

    def __getitem__(self, place: str) -> Text:
        if place not in self.prepared:
            self.prepared[place] = Text.of(self.paper.get(place))
        return self.prepared[place]


def occurs(term: str, text: Text) -> bool:
    """Whether the term occurs as a whole word (see matches)."""
    return matches(phrase(term), text)


def matches(compiled: Phrase, text: Text) -> bool:
    """Whether a compiled term occurs as a whole word; a missing substring answers no without the slow regex."""
    if compiled.exact_case:
        if any(w not in text.raw for w in compiled.needles):
            return False
    elif text.lower is not None:
        if any(w not in text.lower for w in compiled.needles):
            return False
        if compiled.squeezed is not None and compiled.squeezed not in text.squeezed:
            return False
    return compiled.pattern.search(text.raw) is not None


def searchable(text: str | None) -> str:
    """Text with URLs removed, so `github.com/x/tts` never counts as a mention."""
    return Text.of(text).raw


def find_term(term: q.Term, texts: Texts) -> str | None:
    """Where a text term occurs ('title' or 'abstract'), or None."""
    places = {"ti": ("title",), "abs": ("abstract",)}.get(term.field or "", ("title", "abstract"))
    for place in places:
        if occurs(term.text, texts[place]):
            return place
    return None


def _eval(node: q.Node, paper: dict[str, Any], texts: Texts, hits: list[str] | None) -> bool:
    """Evaluate the query tree on a paper; with a hits list, every OR branch runs to collect matched terms."""
    if isinstance(node, q.Op):
        left = _eval(node.left, paper, texts, hits)
        if node.op == "AND":
            return left and _eval(node.right, paper, texts, hits)
        if node.op == "OR":
            if left and hits is None:
                return True
            right = _eval(node.right, paper, texts, hits)
            return left or right
        return left and not _eval(node.right, paper, texts, None)
    return _term_true(node, paper, texts, hits)


def _term_true(term: q.Term, paper: dict[str, Any], texts: Texts, hits: list[str] | None) -> bool:
    """One term: text fields are checked; fields we cannot see locally count as true."""
    if term.field in q.TEXT_FIELDS:
        place = find_term(term, texts)
        if place and hits is not None:
            hits.append(f'"{term.text}" in {place}')
        return place is not None
    if term.field == "au":
        authors = paper.get("authors") or []
        return not authors or any(term.text.lower().strip('"') in a.lower() for a in authors)
    if term.field == "cat":
        cats = paper.get("categories") or []
        if term.text.endswith(".*"):
            return not cats or any(c.startswith(term.text[:-1]) for c in cats)
        return not cats or term.text in cats
    if term.field == "co":
        return occurs(term.text, Text.of(paper.get("comment"), keep_urls=True))
    return True


def exclusion_hit(topic: Topic, texts: Texts) -> str | None:
    """The first exclusion phrase found in the title or abstract, with where, or None.

    Only the phrases whose words the title or abstract contains are tried, in the topic's order, so the time
    does not grow with the number of phrases a paper cannot match.
    """
    if not topic.exclude:
        return None
    found = exclusions(topic.exclude)
    title, abstract = texts["title"], texts["abstract"]
    for index in found.candidates(title, abstract):
        compiled = found.compiled(index)
        for place, text in (("title", title), ("abstract", abstract)):
            if matches(compiled, text):
                return f'"{topic.exclude[index]}" in {place}'
    return None


@dataclass(frozen=True)
class Keys:
    """Words a text must contain for a phrase to match: one of `any_of` (the indexed word), and each of `all_of`."""

    any_of: tuple[str, ...]
    all_of: tuple[str, ...]
    exact: bool


def phrase_needs(text: str) -> tuple[list[tuple[str, ...]], bool]:
    """For each word of a phrase whose match can be checked cheaply, the text words one of which must be there.

    A word's leading run of word characters is a whole word of the text wherever the phrase matches (the
    pattern starts and ends at word boundaries, and its separators are not word characters); the last word may
    carry a plural. Case-insensitive words are used only when ASCII, folded as re folds the text; the bool says
    whether the phrase is an exact-case acronym.
    """
    words = [w for w in _PHRASE_SPLIT.split(text) if w]
    exact = len(words) == 1 and is_acronym(words[0])
    needs: list[tuple[str, ...]] = []
    for position, word in enumerate(words):
        lead = _WORD.match(word)
        if lead is None or (not exact and not word.isascii()):
            continue
        key = lead.group() if exact else lead.group().lower()
        if key == (word if exact else word.lower()) and position == len(words) - 1 and word[-1].isalpha():
            needs.append((key, key + "s", key + "es"))
        else:
            needs.append((key,))
    return needs, exact


class Exclusions:
    """A topic's exclude phrases indexed by a word each must contain; compiled only when a text has that word.

    Each phrase is indexed by its word that fewest other phrases share (then the longest), so a list of
    10,000 phrases that all start with "speech" is not tried in full on every paper that says "speech".
    """

    def __init__(self, phrases: tuple[str, ...]):
        self.phrases = phrases
        needs = [phrase_needs(p) for p in phrases]
        shared: dict[str, int] = {}
        for words, _ in needs:
            for alternatives in words:
                shared[alternatives[0]] = shared.get(alternatives[0], 0) + 1
        self.keys: list[Keys | None] = []
        for words, exact in needs:
            if not words:
                self.keys.append(None)
                continue
            best = min(range(len(words)), key=lambda i: (shared[words[i][0]], -len(words[i][0])))
            self.keys.append(Keys(words[best], tuple(w[0] for i, w in enumerate(words) if i != best and len(w) == 1),
                                  exact))
        self.always = {i for i, k in enumerate(self.keys) if k is None}
        self.by_word: dict[str, list[int]] = {}
        self.by_exact_word: dict[str, list[int]] = {}
        for index, keys in enumerate(self.keys):
            if keys is not None:
                table = self.by_exact_word if keys.exact else self.by_word
                for word in keys.any_of:
                    table.setdefault(word, []).append(index)
        self._compiled: dict[int, Phrase] = {}

    def candidates(self, title: Text, abstract: Text) -> Iterator[int]:
        """The phrases that may occur in the title or abstract, in the topic's order.

        A short list is simply tried in full (tokenizing the text would cost more); a long one yields only the
        phrases keyed by a word the texts contain, whose other words they contain too.
        """
        if len(self.phrases) <= INDEX_FROM:
            yield from range(len(self.phrases))
            return
        lists = [sorted(self.always)]
        for text in (title, abstract):
            if self.by_word:
                lists += [self.by_word[w] for w in text.words & self.by_word.keys()]
            if self.by_exact_word:
                lists += [self.by_exact_word[w] for w in text.exact_words & self.by_exact_word.keys()]
        last = -1
        for index in heapq.merge(*lists):
            if index != last and self._words_present(index, title, abstract):
                yield index
            last = index

    def _words_present(self, index: int, title: Text, abstract: Text) -> bool:
        """Whether the title or the abstract has every word the phrase needs (a cheap check before its regex)."""
        keys = self.keys[index]
        if keys is None or not keys.all_of:
            return True
        for text in (title, abstract):
            words = text.exact_words if keys.exact else text.words
            if any(w in words for w in keys.any_of) and all(w in words for w in keys.all_of):
                return True
        return False

    def compiled(self, index: int) -> Phrase:
        """The phrase prepared for matching (its pre-checks; the regex itself compiles on its first use)."""
        if index not in self._compiled:
            self._compiled[index] = compile_phrase(self.phrases[index])
        return self._compiled[index]


_BUILT: dict[int, tuple[tuple[str, ...], Exclusions]] = {}


def exclusions(phrases: tuple[str, ...]) -> Exclusions:
    """The index of a topic's exclude list, built once (looked up by identity: hashing 10,000 phrases per paper is slow)."""
    entry = _BUILT.get(id(phrases))
    if entry is None or entry[0] is not phrases:
        if len(_BUILT) >= 256:
            _BUILT.clear()
        entry = _BUILT[id(phrases)] = (phrases, Exclusions(phrases))
    return entry[1]


def category_ok(topic: Topic, paper: dict[str, Any]) -> bool:
    """Papers in any of the topic's categories pass; papers with unknown categories pass too."""
    wanted = category_set(topic.expanded_categories)
    cats = paper.get("categories") or []
    return not wanted or not cats or not wanted.isdisjoint(cats)


@lru_cache(maxsize=256)
def category_set(categories: tuple[str, ...]) -> frozenset[str]:
    """The expanded categories as a set, built once per topic (checked for every paper)."""
    return frozenset(categories)


def decide(topic: Topic, paper: dict[str, Any]) -> Decision:
    """List a paper only if the query really matches, its category fits, and nothing excludes it."""
    hits: list[str] = []
    texts = Texts(paper)
    if not _eval(topic.tree, paper, texts, hits):
        return Decision(False, "hidden: no query term occurs as a whole word in the title or abstract")
    if not category_ok(topic, paper):
        cats = ", ".join(paper.get("categories") or [])
        return Decision(False, f"hidden: categories {cats} are outside {', '.join(topic.categories)}")
    excluded = exclusion_hit(topic, texts)
    if excluded:
        return Decision(False, f"hidden: excluded by {excluded}")
    return Decision(True, "listed: " + ("; ".join(dict.fromkeys(hits)) or "matched by a non-text field"))


def is_listed(topic: Topic, paper: dict[str, Any]) -> bool:
    """decide(...).listed without the reasons: stops at the first matching term (used for every paper)."""
    texts = Texts(paper)
    return (_eval(topic.tree, paper, texts, None) and category_ok(topic, paper)
            and exclusion_hit(topic, texts) is None)


def answers(topic: Topic, paper: dict[str, Any]) -> bool:
    """Whether a paper answers the topic's own arXiv query (terms as whole words, categories), exclusions aside.

    Used to share out the answer of one query made for several topics; a paper no topic's terms
    really name (arXiv's loose stemming: `TT-rank` for `TTS`) is then nobody's.
    """
    return _eval(topic.tree, paper, Texts(paper), None) and category_ok(topic, paper)


LOCAL_FIELDS = frozenset({None, "ti", "abs", "all", "au", "cat", "co"})


def checkable(topic: Topic) -> bool:
    """Whether every term of the topic's query can be checked on a stored record (jr:, rn:, id: cannot)."""
    return all(term.field in LOCAL_FIELDS for term in q.terms(topic.tree))


def listed(topic: Topic, papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The papers found for a topic that pass the local check, newest first."""
    return newest_first([p for p in papers if topic.name in p.get("topics", ()) and is_listed(topic, p)])


def newest_first(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort by the latest version's date, newest first, ties by id for stable output."""
    return sorted(papers, key=lambda p: (p.get("updated") or "", p["id"]), reverse=True)
