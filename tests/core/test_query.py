"""The arXiv query parser: what it accepts, how it serialises, what it rejects."""

from __future__ import annotations

import pytest

from core import query as q


def test_operators_precedence_and_adjacency() -> None:
    tree = q.parse('a OR b AND c ANDNOT "d e"')
    assert tree == q.Op("OR", q.Term("a"), q.Op("ANDNOT", q.Op("AND", q.Term("b"), q.Term("c")), q.Term("d e", phrase=True)))
    assert q.parse("speech codec") == q.Op("AND", q.Term("speech"), q.Term("codec"))


def test_fields_and_parentheses() -> None:
    tree = q.parse('(ti:codec OR abs:"neural codec") AND cat:cs.SD')
    assert [t.field for t in q.terms(tree)] == ["ti", "abs", "cat"]
    assert q.to_arxiv(tree) == '(ti:codec OR abs:"neural codec") AND cat:cs.SD'


def test_unprefixed_terms_search_title_and_abstract() -> None:
    assert q.to_arxiv(q.parse('TTS OR "text-to-speech"')) == \
        '(ti:TTS OR abs:TTS) OR (ti:"text-to-speech" OR abs:"text-to-speech")'


@pytest.mark.parametrize("text", ['"a', "(a", "a)", "a AND", "AND a", "", "  ", "x:y", "ti:", 'ti:""', "é"])
def test_rejects_what_arxiv_would(text: str) -> None:
    with pytest.raises(q.QueryError):
        q.parse(text)


@pytest.mark.parametrize("text,message", [
    ("(" * (q.MAX_DEPTH + 1) + "a" + ")" * (q.MAX_DEPTH + 1), f"nested {q.MAX_DEPTH + 1} deep"),
    (" OR ".join(["a"] * (q.MAX_TERMS + 1)), f"{q.MAX_TERMS + 1} terms"),
    ("a" * (q.MAX_LENGTH + 1), "characters long"),
    ("(" * 400 + "a" + ")" * 400, "nested 400 deep"),
])
def test_queries_beyond_the_documented_size_are_refused(text: str, message: str) -> None:
    with pytest.raises(q.QueryError, match=message):
        q.parse(text)


def test_the_largest_accepted_query_serialises_and_evaluates_without_deep_recursion() -> None:
    from core import relevance
    from core.config import Topic

    chain = " OR ".join(f"t{i}" for i in range(q.MAX_TERMS - 1))
    text = "(" * q.MAX_DEPTH + chain + ")" * q.MAX_DEPTH + " ANDNOT zz"
    assert len(text) <= q.MAX_LENGTH
    tree = q.parse(text)
    assert len(q.terms(tree)) == q.MAX_TERMS and q.to_arxiv(tree).count("ti:") == q.MAX_TERMS
    topic = Topic(name="T", query=text, tree=tree)
    assert relevance.decide(topic, {"title": "t198", "abstract": "", "topics": ["T"]}).listed


def test_the_sent_query_limit_is_the_one_the_request_planner_uses() -> None:
    from daily import plan

    assert q.MAX_SENT == plan.MAX_QUERY_CHARS
