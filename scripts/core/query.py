"""Parse arXiv search syntax once, so validation, the request and the local check agree."""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = {"ti", "abs", "au", "co", "jr", "cat", "rn", "id", "all"}
TEXT_FIELDS = {None, "ti", "abs", "all"}
OPERATORS = {"AND", "OR", "ANDNOT"}
MAX_LENGTH = 2_000  # characters: arXiv is asked with a GET request, and its URL must stay short
MAX_TERMS = 200  # words and phrases in one query
MAX_DEPTH = 20  # levels of parentheses
MAX_SENT = 2_500  # characters of the query as sent (to_arxiv, with categories): plan.MAX_QUERY_CHARS, arXiv's limit


class QueryError(ValueError):
    """A query arXiv would reject, with the reason in words a user can act on."""


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase, optionally limited to a field such as ti: or cat:."""

    text: str
    field: str | None = None
    phrase: bool = False


@dataclass(frozen=True)
class Op:
    """A boolean operator applied to two sub-queries."""

    op: str
    left: Node
    right: Node


Node = Term | Op

_TOKEN = re.compile(r'\s*(?:(\()|(\))|([A-Za-z]+:)?"([^"]*)"|([^\s()"]+))')


def _tokens(query: str) -> list[tuple[str, str | None, str]]:
    """Split a query into ('(' | ')' | 'op' | 'term' | 'phrase', field, text) tokens."""
    if not query.strip():
        raise QueryError("the query is empty; write at least one word or quoted phrase")
    if len(query) > MAX_LENGTH:
        raise QueryError(f"the query is {len(query):,} characters long, more than {MAX_LENGTH:,}; "
                         "split it into several topics")
    bad = sorted({c for c in query if ord(c) > 126 or (ord(c) < 32 and c not in "\t")})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:3])
        raise QueryError(f"arXiv accepts only ASCII in queries, found {shown}; transliterate it")
    if query.count('"') % 2:
        raise QueryError('unbalanced double quote; close every quoted phrase with "')
    out: list[tuple[str, str | None, str]] = []
    pos = 0
    while pos < len(query):
        if not query[pos:].strip():
            break
        m = _TOKEN.match(query, pos)
        if not m:  # pragma: no cover - the regex matches any non-space start
            raise QueryError(f"cannot read the query at {query[pos:]!r}")
        pos = m.end()
        if m.group(1):
            out.append(("(", None, "("))
        elif m.group(2):
            out.append((")", None, ")"))
        elif m.group(4) is not None:
            field = _field(m.group(3)[:-1]) if m.group(3) else None
            if not m.group(4).strip():
                raise QueryError('empty quoted phrase ""; put words inside the quotes')
            out.append(("phrase", field, " ".join(m.group(4).split())))
        else:
            word = m.group(5)
            if word in OPERATORS:
                out.append(("op", None, word))
                continue
            field = None
            if ":" in word:
                prefix, rest = word.split(":", 1)
                field = _field(prefix)
                word = rest
                if not word:
                    raise QueryError(f"nothing after {prefix}:; write {prefix}:word or {prefix}:\"a phrase\"")
            out.append(("term", field, word))
    _check_size(out)
    return out


def _check_size(tokens: list[tuple[str, str | None, str]]) -> None:
    """Refuse queries past the documented size before parsing, so no step recurses too deep."""
    count = sum(kind in ("term", "phrase") for kind, _, _ in tokens)
    if count > MAX_TERMS:
        raise QueryError(f"the query has {count} terms, more than {MAX_TERMS}; split it into several topics")
    depth = deepest = 0
    for kind, _, _ in tokens:
        depth += (kind == "(") - (kind == ")")
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise QueryError(f"parentheses are nested {deepest} deep, more than {MAX_DEPTH}; remove the extra ones")


def _field(prefix: str) -> str:
    """Check a field prefix against the ones arXiv knows."""
    if prefix not in FIELDS:
        known = ", ".join(sorted(FIELDS))
        raise QueryError(f"unknown field prefix {prefix}:; use one of {known}")
    return prefix


class _Parser:
    """Recursive-descent parser: OR binds loosest, AND/ANDNOT tighter, adjacency means AND."""

    def __init__(self, tokens: list[tuple[str, str | None, str]]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str | None, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:
            if tok[0] == ")":
                raise QueryError("unbalanced parenthesis: a ')' has no matching '('")
            raise QueryError(f"unexpected {tok[2]!r}")  # pragma: no cover - parse_or consumes all else
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while (tok := self.peek()) and tok == ("op", None, "OR"):
            self.pos += 1
            node = Op("OR", node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_atom()
        while (tok := self.peek()) is not None:
            if tok[0] == "op" and tok[2] in ("AND", "ANDNOT"):
                self.pos += 1
                node = Op(tok[2], node, self.parse_atom())
            elif tok[0] in ("term", "phrase", "("):
                node = Op("AND", node, self.parse_atom())
            else:
                break
        return node

    def parse_atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QueryError("the query ends with an operator; add a term after it or remove it")
        kind, field, text = tok
        self.pos += 1
        if kind == "(":
            node = self.parse_or()
            if (close := self.peek()) is None or close[0] != ")":
                raise QueryError("unbalanced parenthesis: a '(' is never closed")
            self.pos += 1
            return node
        if kind == ")":
            raise QueryError("empty or misplaced ')'; check the parentheses")
        if kind == "op":
            raise QueryError(f"operator {text} has no term before it; remove it or add a term")
        return Term(text=text, field=field, phrase=kind == "phrase")


def parse(query: str) -> Node:
    """Parse an arXiv query into a tree, raising QueryError on anything arXiv would reject."""
    return _Parser(_tokens(query)).parse()


def terms(node: Node) -> list[Term]:
    """All terms of a query, left to right."""
    if isinstance(node, Term):
        return [node]
    return terms(node.left) + terms(node.right)


def _quote(term: Term) -> str:
    """A term's text as arXiv expects it: phrases in double quotes."""
    return f'"{term.text}"' if term.phrase or " " in term.text else term.text


def to_arxiv(node: Node) -> str:
    """Serialise with explicit parentheses; unprefixed terms search title and abstract only."""
    if isinstance(node, Term):
        if node.field in (None, "all"):
            return f"(ti:{_quote(node)} OR abs:{_quote(node)})"
        return f"{node.field}:{_quote(node)}"
    left, right = to_arxiv(node.left), to_arxiv(node.right)
    if isinstance(node.left, Op):
        left = f"({left})"
    if isinstance(node.right, Op):
        right = f"({right})"
    return f"{left} {node.op} {right}"
