"""The key sentence: the abstract's own sentence that says what the paper does, chosen with no model.

Every fork shows it from its first run, with no key, no account and no network: a pure function of the stored
abstract, so nothing is stored and `--no-fetch` renders it. It is the authors' own words, labelled as such
("Key sentence"), and stands in wherever no model summary or Semantic Scholar TL;DR exists (digest/tldr.py).
It imports nothing of the daily run: the site, the email and README all show it.

The choice scores each sentence for a contribution cue ("we propose", "this paper introduces", "we find"),
against background, results-only and availability sentences, and takes the best, the earliest on a tie.
Measured on the hand-labelled abstracts in tests/fixtures/key_sentences.json (python -m tests.bench
key-sentences).
"""

from __future__ import annotations

import re
from functools import lru_cache

SHOWN_CHARS = 240  # about this long on every surface, cut at a clause boundary
MIN_CLAUSE = 100  # a cut before this many characters would lose too much: cut at a word instead
MAX_ABSTRACT = 5_000  # characters read (arXiv's abstracts stop at 1,920; a hand edit may be longer)
MAX_SENTENCES = 60  # sentences scored; an abstract with more is not an abstract

# Abbreviations whose period does not end a sentence (compared lowercased, without the final period).
ABBREVIATIONS = frozenset("""
e.g i.e et al etc vs cf fig figs eq eqs sec secs tab no nos approx resp w.r.t dr mr ms prof st jr sr
ref refs vol pp ca al ch app def thm lem prop cor ex viz inc ltd co corp dept univ est
""".split())
_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9$\\])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_SPACE = re.compile(r"\s+")

_SELF = r"(?:we|this (?:paper|work|study|letter|article|thesis|report|contribution|manuscript|survey|review|overview|tutorial)|" \
        r"in this (?:paper|work|study|letter|article)|here|our (?:work|paper|study|approach|method|framework|model|system))"
_MAKE = (r"propos\w*|present\w*|introduc\w*|develop\w*|design\w*|buil[dt]\w*|construct\w*|releas\w*|"
         r"contribut\w*|describ\w*|devis\w*|creat\w*|curat\w*|collect\w*|formulat\w*|establish\w*|"
         r"offer\w*|provid\w*|put forward|extend\w*|adapt\w*|unif\w*|integrat\w*|leverag\w*|employ\w*|"
         r"pioneer\w*|reformulat\w*|redesign\w*|repurpos\w*|open-sourc\w*|launch\w*|bridg\w*|enabl\w*")
_STUDY = (r"stud\w*|investigat\w*|explor\w*|examin\w*|analy[sz]\w*|evaluat\w*|benchmark\w*|assess\w*|"
          r"compar\w*|revisit\w*|tackl\w*|address\w*|focus\w*|conduct\w*|aim\w*|seek\w*|characteri[sz]\w*|"
          r"quantif\w*|measur\w*|audit\w*|survey\w*|review\w*|train\w*|fine-tun\w*|apply\w*|appl(?:y|ies|ied)")
_FIND = r"find\w*|found|show\w*|demonstrat\w*|reveal\w*|observ\w*|discover\w*|report\w*|argu\w*|prov(?:e|es|ed)"

_GAP = r"(?:[ ,]+(?:\w+ly|also|further|first|then|here|now|thus|therefore|hence|instead|have|has|had|can|will))*[ ,]+"
_MAKE_CUE = re.compile(rf"\b{_SELF}{_GAP}(?:{_MAKE})\b")
_STUDY_CUE = re.compile(rf"\b{_SELF}{_GAP}(?:{_STUDY})\b")
_FIND_CUE = re.compile(rf"\b{_SELF}{_GAP}(?:{_FIND})\b")
_WE = re.compile(r"\b(?:we|our)\b")
_NOVEL = re.compile(r"\b(?:novel|new|first|proposed|propose[sd]?|introduce[sd]?|present(?:s|ed)?)\b")
_BACKGROUND = re.compile(r"^(?:however|although|despite|while|recent(?:ly)?|in recent|traditional(?:ly)?|"
                         r"existing|conventional|current|prior|previous|most|many|yet|but|unfortunately|"
                         r"nowadays|to date|over the past|with the|as )\b")
_RESULTS = re.compile(r"^(?:experiment\w*|(?:the )?results?|extensive|evaluations?|empirical\w*|"
                      r"(?:both )?objective and subjective|subjective|comprehensive|our (?:experiments?|results?|"
                      r"evaluations?|analys[ie]s))\b")
_AVAILABLE = re.compile(r"\b(?:(?:is|are|will be|be|been) (?:made )?(?:publicly |freely |openly )?(?:available|released|"
                        r"accessible)|available (?:at|online|on)|can be (?:found|accessed|heard)|project page|"
                        r"demo (?:page|website)|github)\b|https?://|www\.")
_CLOSING = re.compile(r"^(?:we (?:hope|believe|expect|anticipate|envision)|insights? from|overall|in summary|"
                      r"in conclusion|to conclude|taken together|these (?:findings|results|insights)|"
                      r"(?:our|the) (?:findings|work|study) (?:highlight|underscore|suggest|pave|open|provide))\b|"
                      r"\b(?:pav(?:e|es|ing) the way|provides? (?:\w+ )?insights?|shed(?:s|ding)? light|"
                      r"future (?:work|research|directions?))\b")
_AVAILABLE_HINTS = ("availab", "releas", "accessib", "found", "heard", "http", "www.", "github", "page", "website")
_CLOSING_HINTS = ("we hope", "we believe", "we expect", "we anticipate", "we envision", "insight", "overall",
                  "summary", "conclu", "together", "these ", "findings", "work ", "study ", "pav", "shed", "future")
_ACHIEVE = re.compile(r"\bwe (?:achieve|obtain|attain|outperform|surpass|reach|improve)\w*\b")
_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")
_NUMBERS = re.compile(r"\d+(?:\.\d+)?\s*(?:%|percent|dB|x\b)|\b(?:WER|CER|MOS|EER|BLEU|SI-SNR|PESQ)\b")


def _ends_sentence(text: str) -> bool:
    """Whether the text before a candidate break really ends a sentence (not 'e.g.', 'et al.', 'Fig.', 'J.')."""
    match = _WORD_BEFORE.search(text)
    if not match:
        return True
    word = match.group(1).rstrip("\"'”’)]").lower()
    if not word.endswith("."):
        return True  # '!' or '?'
    bare = word[:-1].lstrip("(\"'“‘[")
    if bare in ABBREVIATIONS or bare.split(".")[-1] in ("e", "i") and "." in bare:
        return False
    return not (len(bare) == 1 and bare.isalpha())  # an initial: "J. Smith"


def sentences(abstract: str) -> list[str]:
    """The abstract's sentences, whitespace folded; abbreviations, initials and decimals do not split."""
    text = _SPACE.sub(" ", abstract[:MAX_ABSTRACT]).strip()
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if _ends_sentence(text[max(start, match.start() - 100):match.start()]):  # the word before is enough
            piece = text[start:match.start()].strip()
            if piece:
                out.append(piece)
            start = match.end()
        if len(out) >= MAX_SENTENCES:
            break
    rest = text[start:].strip()
    if rest and len(out) < MAX_SENTENCES:
        out.append(rest)
    return out


def score(sentence: str, index: int) -> float:
    """How surely a sentence states the paper's contribution; higher is surer (cheap checks guard slow ones)."""
    low = sentence.lower()
    value = 0.0
    if _MAKE_CUE.search(low):
        value += 6
    elif _STUDY_CUE.search(low):
        value += 4.5
    elif _FIND_CUE.search(low):
        value += 3
    elif "we" in low and _WE.search(low):
        value += 1.5
    if _NOVEL.search(low):
        value += 1
    if _BACKGROUND.match(low):
        value -= 1.5
    if _RESULTS.match(low):
        value -= 2.5
    if any(hint in low for hint in _AVAILABLE_HINTS) and _AVAILABLE.search(low):
        value -= 3
    if any(hint in low for hint in _CLOSING_HINTS) and _CLOSING.search(low):
        value -= 3
    if "we " in low and _ACHIEVE.search(low) and not _MAKE_CUE.search(low):
        value -= 2
    if _NUMBERS.search(sentence):
        value -= 0.5
    if len(sentence) < 40:
        value -= 2
    return value - 0.05 * index


@lru_cache(maxsize=50_000)  # README, pages, site and mail ask again for the same abstracts
def choose(abstract: str) -> str:
    """The abstract's key sentence, whole ('' for an empty abstract); the first sentence when none has a cue."""
    found = sentences(abstract)
    if not found:
        return ""
    best = max(range(len(found)), key=lambda i: (score(found[i], i), -i))
    return found[best]


def cut(sentence: str, limit: int = SHOWN_CHARS) -> str:
    """A sentence of at most about `limit` characters: cut at the last clause boundary before it, else a word."""
    if len(sentence) <= limit:
        return sentence
    head = sentence[:limit]
    clause = max(head.rfind(mark) for mark in (", ", "; ", ": ", " – ", " — ", " - ", " ("))
    if clause >= MIN_CLAUSE:
        return head[:clause].rstrip(" ,;:–—-(") + " …"
    word = head.rsplit(" ", 1)[0] if " " in head[MIN_CLAUSE:] else head
    return word.rstrip(" ,;:–—-(") + " …"


def shown(abstract: str) -> str:
    """The key sentence as every surface shows it: chosen, its addresses written '(link)' (mail clients would make
    them live links, and the paper's own links have a place of their own), then cut to about SHOWN_CHARS."""
    return cut(_URL.sub("(link)", choose(abstract)))
