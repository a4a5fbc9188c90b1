"""Decide locally whether a stored paper belongs in a topic, and say why.

arXiv's search stems words and matches `TTS` against `TT-…`; this check re-reads the query
against the title and abstract with whole-word rules, then applies categories and exclusions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import query as q
from config import Topic

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SEPARATOR = r"[\s\-\u2010\u2011\u2012\u2013/]+"


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
    """A term ready to match: its whole-word regex, and substrings every match contains (a cheap pre-check)."""

    pattern: re.Pattern[str]
    exact_case: bool
    needles: tuple[str, ...]


@lru_cache(maxsize=4096)
def phrase(text: str) -> Phrase:
    """Compile a term once: acronyms exact-case, words any case, separators flexible, plurals allowed."""
    words = tuple(w for w in re.split(r"[\s\-\u2010\u2011\u2012\u2013]+", text) if w)
    exact = len(words) == 1 and is_acronym(words[0])
    body = _SEPARATOR.join(re.escape(w) for w in words) if words else re.escape(text)
    plural = "(?:s|es)?" if words and words[-1][-1:].isalpha() else ""
    pattern = re.compile(rf"(?<!\w){body}{plural}(?!\w)", 0 if exact else re.IGNORECASE)
    # lower() is exact only for ASCII, so only ASCII words pre-check case-insensitive matches
    needles = words if exact else tuple(w.lower() for w in words if w.isascii())
    return Phrase(pattern, exact, needles)


def term_pattern(text: str) -> re.Pattern[str]:
    """Whole-word pattern for a term (see phrase())."""
    return phrase(text).pattern


@dataclass(frozen=True)
class Text:
    """A field's searchable text, and its lower-cased form when that is exact (ASCII text)."""

    raw: str
    lower: str | None

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
    """Whether the term occurs as a whole word; a missing substring answers no without the slow regex."""
    compiled = phrase(term)
    if compiled.exact_case:
        if any(w not in text.raw for w in compiled.needles):
            return False
    elif text.lower is not None and any(w not in text.lower for w in compiled.needles):
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
    """The first exclusion phrase found in the title or abstract, with where, or None."""
    for phrase in topic.exclude:
        for place in ("title", "abstract"):
            if occurs(phrase, texts[place]):
                return f'"{phrase}" in {place}'
    return None


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
