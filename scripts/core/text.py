"""The border for outside text: what arXiv, a model, Semantic Scholar, a library or an interests file says passes
clean() once where it enters, so everything stored and shown holds only characters every output can carry.

Each output still escapes for itself (mdtext.md for Markdown, Jinja's autoescape for HTML, the feed's XML, BibTeX's
braces); this module only decides which characters exist at all. log_line() and command_value() are the second
half: outside text on its way into the Actions log, where a line may otherwise act as a workflow command.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Dropped: controls that no output shows, lone surrogates (no UTF-8 file can hold them), noncharacters (not allowed
# in XML) and tag characters (invisible text that still reaches a model).
_DROPPED = [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0),
            *range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0),
            *(plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)),
            *range(0xE0000, 0xE0080)]
# Folded to a space, as every output has blanked them so far: the invisible and bidi format characters that can
# make one title look like another (zero-width space and joiners, direction marks, bidi embeddings, overrides and
# isolates, word joiner and invisible operators, byte order mark, interlinear annotation).
_INVISIBLE = [0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070), 0xFEFF,
              *range(0xFFF9, 0xFFFC)]
# Kept as what they mean: carriage returns and Unicode's own line breaks become newlines, the other
# whitespace controls (vertical tab, form feed, the separators, next line) become spaces.
_FOLDED = {0x0D: "\n", 0x2028: "\n", 0x2029: "\n", 0x0B: " ", 0x0C: " ", 0x1C: " ", 0x1D: " ", 0x1E: " ",
           0x1F: " ", 0x85: " ", **dict.fromkeys(_INVISIBLE, " ")}
_BORDER = {**dict.fromkeys(_DROPPED), **_FOLDED}
_CRLF = "\r\n"
# Every line break a log reader (or the Actions runner's line splitter) may honour, for log_line().
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_RUNNER_LINES = re.compile(r"\r\n|\r|\n")  # how the runner splits a step's output into lines
_COMMAND_START = re.compile(r"^(\s*):(?=:)")  # the runner trims leading whitespace and then looks for '::'
_V1_COMMAND = "##["  # the older '##[command]' syntax, honoured anywhere in a line


def is_clean(text: str) -> bool:
    """Whether text needs no work at the border: printable ASCII, tabs and newlines (nearly every arXiv field)."""
    return text.isascii() and (text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable())


def clean(text: Any) -> str:
    """Outside text as it may be stored: every character any output can carry, newlines and tabs kept.

    Not a string (a JSON number, null, a list where text belongs) gives "", so one odd field never stops a run.
    """
    if not isinstance(text, str):
        return ""
    if is_clean(text):
        return text
    if _CRLF in text:
        text = text.replace(_CRLF, "\n")
    return text.translate(_BORDER)


def clean_lines(lines: list[Any]) -> list[str]:
    """Each entry of an outside list (authors, categories) through clean(); entries that are not text dropped."""
    return [clean(item) for item in lines if isinstance(item, str)]


def log_line(text: Any) -> str:
    """Outside text for one line of the Actions log: on a single line, and never read as a workflow command.

    The runner reads '::command::' after leading whitespace and '##[command]' anywhere in a line; both are broken
    with a space, which a reader hardly notices and the runner does not parse.
    """
    return _inert_line(_LINE_BREAKS.sub(" ", clean(text)))


def _inert_line(line: str) -> str:
    """One log line the runner does not read as a command: '::' at its start and '##[' anywhere broken by a space."""
    line = _COMMAND_START.sub(r"\1: ", line)
    return line.replace(_V1_COMMAND, "## [") if _V1_COMMAND in line else line


def inert_commands(log: str) -> str:
    """Text of any number of lines, none of which the runner reads as a workflow command: the log's last guard,
    for a message that quotes outside text some caller forgot to pass through log_line()."""
    return "\n".join(_inert_line(line) for line in _RUNNER_LINES.split(log))


class InertFormatter(logging.Formatter):
    """The logging formatter of the daily run: every record ends up as lines that cannot act as workflow commands."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as the base formatter writes it, through inert_commands()."""
        return inert_commands(super().format(record))


def command_value(text: Any) -> str:
    """Outside text for the data of a workflow command this program prints (::group::…): log_line(), then the
    runner's escapes (%25, %0D, %0A), so a '%0A' in a title stays those three characters."""
    return log_line(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
