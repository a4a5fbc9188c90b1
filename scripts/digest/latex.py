"""LaTeX in a library's fields made plain text in one linear pass (issue 33): bibtexparser's LatexDecodingMiddleware
(pylatexenc) took 34 s on a 10 MB library and grew faster than the file; this decodes what Zotero and the site's
Starred page write: accents ({\\"u}, \\c{c}, {\\'\\i}), letters (\\ss, \\o), escapes (\\%, \\&), dashes and quotes.

Math ($...$) is kept as written; any other command is dropped and its braced argument kept. Braces are left for the
caller (library._clean drops them all).
"""

from __future__ import annotations

import re
import unicodedata

# The accent commands and the combining character each puts on its letter.
_ACCENTS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "u": "\u0306", "v": "\u030c", "H": "\u030b", "r": "\u030a", "k": "\u0328", "c": "\u0327", "d": "\u0323",
            "b": "\u0331"}
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon "
          "phi chi psi omega").split()


def _unicode(greek: str) -> str:
    """A Greek letter's name as Unicode spells it (LaTeX's lambda is Unicode's LAMDA)."""
    return greek.upper().replace("LAMBDA", "LAMDA")


_WORDS = {"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "l": "ł",
          "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
          "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "copyright": "©", "S": "§", "P": "¶", "pounds": "£",
          "euro": "€", "dots": "…", "ldots": "…", "textellipsis": "…", "textendash": "–", "textemdash": "—",
          "textquotedblleft": "“", "textquotedblright": "”", "textquoteleft": "‘", "textquoteright": "’",
          "textasciitilde": "~", "textbackslash": "\\", "textdegree": "°", "textmu": "µ", "checkmark": "✓",
          "slash": "/", "textbar": "|", "textless": "<", "textgreater": ">", "textregistered": "®",
          "texttrademark": "™", "textsection": "§", "quad": " ", "qquad": " ", "newline": " ", "par": " ",
          **{name: unicodedata.lookup(f"GREEK SMALL LETTER {_unicode(name)}") for name in _GREEK},
          **{name.capitalize(): unicodedata.lookup(f"GREEK CAPITAL LETTER {_unicode(name)}") for name in _GREEK}}
_SIGNS = {"\\": "\n", " ": " ", ",": " ", ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": ""}
_LIGATURES = {"---": "—", "--": "–", "``": "“", "''": "”", "~": "\u00a0"}
# One token at a time, left to right, so '\\' (a line break) is never read as the start of an accent after it.
_TOKEN = re.compile(r"""
    \\(?P<accent>[`'^"~=.]\s*|[uvHrkcdb](?:\s+|(?=\{)))
        (?:\{\s*(?P<braced>\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(?P<letter>\\[ij](?![A-Za-z])|[A-Za-z]))
  | \\(?P<word>[A-Za-z]+)\s*
  | \\(?P<sign>.)
  | (?P<math>\$[^$]*\$)
  | (?P<ligature>---|--|``|''|~)
""", re.VERBOSE | re.DOTALL)


def decode(text: str) -> str:
    """A BibTeX field's LaTeX as Unicode text, in time linear in its length (no nesting is followed)."""
    if "\\" not in text and "$" not in text and "-" not in text and "`" not in text and "'" not in text \
            and "~" not in text:
        return text
    return _TOKEN.sub(_token, text)


def _token(match: re.Match[str]) -> str:
    """The text one LaTeX token stands for."""
    kind = match.lastgroup
    if match.group("accent") is not None:
        base = match.group("braced") or match.group("letter")
        base = base[1] if base.startswith("\\") else base  # \"\i is ï, not a dotless i with dots
        return unicodedata.normalize("NFC", base + _ACCENTS[match.group("accent").strip()])
    if kind == "word":
        return _WORDS.get(match.group("word"), "")
    if kind == "sign":
        sign = match.group("sign")
        return _SIGNS.get(sign, sign)
    if kind == "math":
        return match.group("math")
    return _LIGATURES[match.group("ligature")]
