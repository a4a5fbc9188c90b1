"""Everything issue 17 adds to the site, computed once per build: the one call site.py makes.

    extras = build_extras(config, papers, shown)
    extras.bibtex[id], extras.keys[id]   # BibTeX entry and citation key per shown paper
    extras.similar[id]                   # up to 5 ids of similar shown papers
    extras.coins[id]                     # title attribute of <span class="Z3988">
    extras.bib_file(topic.name)          # the topic's .bib text (listed papers, newest first), made when asked
    extras.charts[topic.name]            # inline SVG: papers per month
    extras.reasons[topic.name]           # why.Reasons: listed and hidden papers with reasons
    extras.why[topic.name][id]           # the reason a listed paper is listed ('listed: "TTS" in title')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.config import Config
from website import bibtex, cite, similar, trends, why


@dataclass
class Extras:
    """Per-paper and per-topic extras, looked up by the site's templates."""

    keys: dict[str, str]
    bibtex: dict[str, str]
    coins: dict[str, str]
    similar: dict[str, list[str]]
    listed: dict[str, list[dict[str, Any]]]  # topic name -> its shown papers, newest first
    charts: dict[str, str]
    reasons: dict[str, why.Reasons]
    why: dict[str, dict[str, str]]

    def bib_file(self, topic: str) -> str:
        """The topic's .bib text, made when asked: holding every topic's text at once would cost a copy of
        every entry per topic that lists it."""
        return bibtex.bib_file(self.listed[topic], self.bibtex, topic)

    def bib_parts(self, topic: str, limit: int) -> list[str]:
        """The topic's .bib in parts of at most `limit` bytes (one part for any usual topic), newest papers first."""
        return bibtex.bib_parts(self.listed[topic], self.bibtex, topic, limit)


def build_extras(config: Config, papers: Iterable[dict[str, Any]],
                 shown: Iterable[dict[str, Any]] | None = None,
                 similar_ids: dict[str, list[str]] | None = None) -> Extras:
    """Compute the extras from the store: `papers` is every stored paper (hidden ones too, for the reasons),
    `shown` the papers the site has pages for (default: those listed in some topic); similar papers
    and BibTeX are computed for those only, so every link resolves. similar_ids: the similar papers,
    when another process computed them already."""
    papers = list(papers)
    reasons = {topic.name: why.reasons(topic, papers) for topic in config.topics}
    listed = {topic.name: [paper for paper, _ in reasons[topic.name].listed] for topic in config.topics}
    if shown is None:
        shown = list({p["id"]: p for group in listed.values() for p in group}.values())
    shown = list(shown)
    keys = bibtex.citation_keys(shown)
    entries = bibtex.entries(shown, keys)
    return Extras(
        keys=keys,
        bibtex=entries,
        coins={p["id"]: cite.coins_title(p) for p in shown},
        similar=similar.similar_papers(shown) if similar_ids is None else similar_ids,
        listed={name: [p for p in group if p["id"] in entries] for name, group in listed.items()},
        charts={name: trends.chart(name, group) for name, group in listed.items()},
        reasons=reasons,
        why={name: {paper["id"]: reason for paper, reason in r.listed} for name, r in reasons.items()},
    )

