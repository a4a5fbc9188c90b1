"""The one line every surface shows under a paper's title, and its label.

The order is fixed: a language model's summary of the paper's current version (digest/summaries.py), else
Semantic Scholar's TL;DR (digest/semantic_scholar.py), else the abstract's own key sentence
(digest/key_sentence.py), which needs nothing and so is there on a fresh fork's first run. README rows, topic
pages, feeds, the notification issue, the email and the site all ask this module, so each shows the same text
with the same label. It reads only the stored record: rendering never asks anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core import key_sentence, mdtext

SHOWN_LIMIT = 300  # characters of a model's or Semantic Scholar's summary any page shows
MODEL_LIMIT = 60  # characters of a model's name in its label
PUBLISHER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/(?=[^/]+$)")  # "openai/" of "openai/gpt-4.1-mini"
S2_PAPER = re.compile(r"^[0-9a-f]{40}$")  # Semantic Scholar's paper id, the only part of its link we take from it
S2_HOME = "https://www.semanticscholar.org"
S2_LABEL = "TL;DR (Semantic Scholar)"
KEY_LABEL = "Key sentence"
KINDS = ("model", "semantic_scholar", "key_sentence")


@dataclass(frozen=True)
class Shown:
    """What a surface shows: which source (KINDS), its label, the visible text, and where the label links ('')."""

    kind: str
    label: str
    text: str
    link: str = ""


def cut(text: str, limit: int) -> str:
    """Visible text of at most `limit` characters: cut at a word in its second half with an ellipsis, else hard
    (a long model answer stays one short line, and a text with no spaces is not cut down to nothing)."""
    text = mdtext.plain(text)
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head[limit // 2:] else head).rstrip() + "…"


def model_tldr(record: dict[str, Any]) -> dict[str, Any] | None:
    """The record's model summary when it is of the record's current version and has text; else None."""
    tldr = record.get("tldr")
    if isinstance(tldr, dict) and tldr.get("version") == record.get("version") and tldr.get("text"):
        return tldr
    return None


def s2_tldr(record: dict[str, Any]) -> dict[str, Any] | None:
    """The record's Semantic Scholar TL;DR when it has text (it has no paper version); else None."""
    tldr = record.get("s2_tldr")
    return tldr if isinstance(tldr, dict) and tldr.get("text") else None


def model_name(tldr: dict[str, Any]) -> str:
    """The model for the label, without a publisher ('openai/gpt-4.1-mini' -> 'gpt-4.1-mini')."""
    name = mdtext.plain(str(tldr.get("model") or ""))
    return cut(PUBLISHER.sub("", name) or name, MODEL_LIMIT) or "unknown model"


def s2_link(tldr: dict[str, Any]) -> str:
    """Semantic Scholar's page of the paper (its terms ask public displays to credit and link it), else its home."""
    paper = tldr.get("paper")
    return f"{S2_HOME}/paper/{paper}" if isinstance(paper, str) and S2_PAPER.match(paper) else S2_HOME


def shown(record: dict[str, Any], key_sentences: bool = True) -> Shown | None:
    """The paper's line by precedence: model, Semantic Scholar, key sentence (unless key_sentences is off)."""
    tldr = model_tldr(record)
    if tldr is not None and (text := cut(str(tldr["text"]), SHOWN_LIMIT)):
        return Shown("model", f"TL;DR (AI, {model_name(tldr)})", text)
    tldr = s2_tldr(record)
    if tldr is not None and (text := cut(str(tldr["text"]), SHOWN_LIMIT)):
        return Shown("semantic_scholar", S2_LABEL, text, s2_link(tldr))
    if key_sentences:
        text = key_sentence.shown(mdtext.plain(record.get("abstract") or ""))
        if text:
            return Shown("key_sentence", KEY_LABEL, text)
    return None


def enabled(settings: dict[str, Any]) -> bool:
    """Whether key sentences show (settings.key_sentences)."""
    return settings.get("key_sentences", "on") != "off"
