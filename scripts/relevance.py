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


@lru_cache(maxsize=4096)
def term_pattern(text: str) -> re.Pattern[str]:
    """Whole-word pattern for a term: acronyms exact-case, words any case, plurals allowed."""
    words = [w for w in re.split(r"[\s\-\u2010\u2011\u2012\u2013]+", text) if w]
    body = _SEPARATOR.join(re.escape(w) for w in words) if words else re.escape(text)
    plural = "(?:s|es)?" if words and words[-1][-1:].isalpha() else ""
    flags = 0 if len(words) == 1 and is_acronym(words[0]) else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}{plural}(?!\w)", flags)


def searchable(text: str | None) -> str:
    """Text with URLs removed, so `github.com/x/tts` never counts as a mention."""
    text = text or ""
    if "://" not in text and "www" not in text.lower():  # most abstracts: skip the slow regex
        return text
    return _URL.sub(" ", text)


def find_term(term: q.Term, texts: dict[str, str]) -> str | None:
    """Where a text term occurs ('title' or 'abstract'), or None."""
    pattern = term_pattern(term.text)
    places = {"ti": ("title",), "abs": ("abstract",)}.get(term.field or "", ("title", "abstract"))
    for place in places:
        if pattern.search(texts[place]):
            return place
    return None


def texts_of(paper: dict[str, Any]) -> dict[str, str]:
    """Title and abstract without URLs, computed once per paper and decision."""
    return {"title": searchable(paper.get("title")), "abstract": searchable(paper.get("abstract"))}


def _eval(node: q.Node, paper: dict[str, Any], texts: dict[str, str], hits: list[str]) -> bool:
    """Evaluate the query tree on a paper, collecting the terms that matched."""
    if isinstance(node, q.Op):
        left = _eval(node.left, paper, texts, hits)
        if node.op == "AND":
            return left and _eval(node.right, paper, texts, hits)
        if node.op == "OR":
            right = _eval(node.right, paper, texts, hits)
            return left or right
        return left and not _eval(node.right, paper, texts, [])
    return _term_true(node, paper, texts, hits)


def _term_true(term: q.Term, paper: dict[str, Any], texts: dict[str, str], hits: list[str]) -> bool:
    """One term: text fields are checked; fields we cannot see locally count as true."""
    if term.field in q.TEXT_FIELDS:
        place = find_term(term, texts)
        if place:
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
        return bool(term_pattern(term.text).search(paper.get("comment") or ""))
    return True


def exclusion_hit(topic: Topic, texts: dict[str, str]) -> str | None:
    """The first exclusion phrase found in the title or abstract, with where, or None."""
    for phrase in topic.exclude:
        pattern = term_pattern(phrase)
        for place in ("title", "abstract"):
            if pattern.search(texts[place]):
                return f'"{phrase}" in {place}'
    return None


def category_ok(topic: Topic, paper: dict[str, Any]) -> bool:
    """Papers in any of the topic's categories pass; papers with unknown categories pass too."""
    wanted = topic.expanded_categories
    cats = paper.get("categories") or []
    return not wanted or not cats or any(c in wanted for c in cats)


def decide(topic: Topic, paper: dict[str, Any]) -> Decision:
    """List a paper only if the query really matches, its category fits, and nothing excludes it."""
    hits: list[str] = []
    texts = texts_of(paper)
    if not _eval(topic.tree, paper, texts, hits):
        return Decision(False, "hidden: no query term occurs as a whole word in the title or abstract")
    if not category_ok(topic, paper):
        cats = ", ".join(paper.get("categories") or [])
        return Decision(False, f"hidden: categories {cats} are outside {', '.join(topic.categories)}")
    excluded = exclusion_hit(topic, texts)
    if excluded:
        return Decision(False, f"hidden: excluded by {excluded}")
    return Decision(True, "listed: " + ("; ".join(dict.fromkeys(hits)) or "matched by a non-text field"))


def listed(topic: Topic, papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The papers found for a topic that pass the local check, newest first."""
    found = [p for p in papers if topic.name in p.get("topics", ())]
    return newest_first([p for p in found if decide(topic, p).listed])


def newest_first(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort by the latest version's date, newest first, ties by id for stable output."""
    return sorted(papers, key=lambda p: (p.get("updated") or "", p["id"]), reverse=True)
