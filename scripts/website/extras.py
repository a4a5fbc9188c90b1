"""Everything issue 17 adds to the site, computed once per build: the one call site.py makes.

    extras = build_extras(config, papers, shown)
    extras.bibtex[id], extras.keys[id]   # BibTeX entry and citation key per shown paper
    extras.similar[id]                   # up to 5 ids of similar shown papers
    extras.coins[id]                     # title attribute of <span class="Z3988">
    extras.bib_files[topic.name]         # the topic's .bib text (listed papers, newest first)
    extras.charts[topic.name]            # inline SVG: papers per month
    extras.reasons[topic.name]           # why.Reasons: listed and hidden papers with reasons
    extras.why[topic.name][id]           # the reason a listed paper is listed ('listed: "TTS" in title')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from config import Config
from website import bibtex, cite, similar, trends, why


@dataclass
class Extras:
    """Per-paper and per-topic extras, looked up by the site's templates."""

    keys: dict[str, str]
    bibtex: dict[str, str]
    coins: dict[str, str]
    similar: dict[str, list[str]]
    bib_files: dict[str, str]
    charts: dict[str, str]
    reasons: dict[str, why.Reasons]
    why: dict[str, dict[str, str]]


def build_extras(config: Config, papers: Iterable[dict[str, Any]], shown: Iterable[dict[str, Any]] | None = None) -> Extras:
    """Compute the extras from the store: `papers` is every stored paper (hidden ones too, for the reasons),
    `shown` the papers the site has pages for (default: those listed in some topic); similar papers
    and BibTeX are computed for those only, so every link resolves."""
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
        similar=similar.similar_papers(shown),
        bib_files={name: bibtex.bib_file([p for p in group if p["id"] in entries], entries, name)
                   for name, group in listed.items()},
        charts={name: trends.chart(name, group) for name, group in listed.items()},
        reasons=reasons,
        why={name: {paper["id"]: reason for paper, reason in r.listed} for name, r in reasons.items()},
    )

