"""arXiv's category taxonomy (https://arxiv.org/category_taxonomy), shipped so config checks run offline."""

from __future__ import annotations

_ARCHIVES: dict[str, str] = {
    "cs": "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI "
    "OH OS PF PL RO SC SD SE SI SY",
    "econ": "EM GN TH",
    "eess": "AS IV SP SY",
    "math": "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT "
    "SG SP ST",
    "astro-ph": "CO EP GA HE IM SR",
    "cond-mat": "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con",
    "nlin": "AO CD CG PS SI",
    "physics": "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph "
    "flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph",
    "q-bio": "BM CB GN MN NC OT PE QM SC TO",
    "q-fin": "CP EC GN MF PM PR RM ST TR",
    "stat": "AP CO ME ML OT TH",
}
_STANDALONE = ["gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph"]

CATEGORIES: frozenset[str] = frozenset(
    [f"{archive}.{sub}" for archive, subs in _ARCHIVES.items() for sub in subs.split()] + _STANDALONE
)
ARCHIVES: frozenset[str] = frozenset(list(_ARCHIVES) + _STANDALONE)


def expand(pattern: str) -> list[str]:
    """Expand `cs.*` to every cs category; a plain name expands to itself; unknown gives []."""
    if pattern.endswith(".*"):
        archive = pattern[:-2]
        return sorted(c for c in CATEGORIES if c.startswith(archive + ".")) if archive in _ARCHIVES else []
    return [pattern] if pattern in CATEGORIES else []


def close_matches(name: str) -> list[str]:
    """Suggest known categories for a misspelt one (case slips first, then near spellings)."""
    import difflib

    same_case = [c for c in CATEGORIES if c.lower() == name.lower()]
    return same_case or difflib.get_close_matches(name, sorted(CATEGORIES), n=3, cutoff=0.7)
