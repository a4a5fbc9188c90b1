"""core.text: the border every outside text passes once, and the log's guard against workflow commands."""

from __future__ import annotations

import re

import pytest

from core import text

# One row per character class: (what, a sample, what clean() makes of "a" + sample + "b"). Dropped characters
# vanish; invisible and bidi ones become spaces, as every output has shown them (the outputs collapse spaces).
CHARACTER_CLASSES = [
    ("printable ASCII", "x", "axb"),
    ("tab", "\t", "a\tb"),
    ("newline", "\n", "a\nb"),
    ("carriage return", "\r", "a\nb"),
    ("CR LF", "\r\n", "a\nb"),
    ("NUL", "\x00", "ab"),
    ("bell, backspace", "\x07\x08", "ab"),
    ("vertical tab, form feed", "\x0b\x0c", "a  b"),
    ("escape (terminal colours)", "\x1b[31m", "a[31mb"),
    ("information separators", "\x1c\x1f", "a  b"),
    ("DEL", "\x7f", "ab"),
    ("C1 controls", "\x80\x9b\x9f", "ab"),
    ("next line (C1)", "\x85", "a b"),
    ("no-break space (kept)", "\xa0", "a\xa0b"),
    ("letters and accents (kept)", "é中ß", "aé中ßb"),
    ("emoji with a joiner's neighbours (kept)", "👩🏽", "a👩🏽b"),
    ("zero-width space, non-joiner, joiner", "\u200b\u200c\u200d", "a   b"),
    ("left-to-right and right-to-left marks", "\u200e\u200f", "a  b"),
    ("Arabic letter mark", "\u061c", "a b"),
    ("bidi embeddings and overrides", "\u202a\u202e", "a  b"),
    ("bidi isolates", "\u2066\u2069", "a  b"),
    ("word joiner and invisible operators", "\u2060\u2064", "a  b"),
    ("Mongolian vowel separator", "\u180e", "a b"),
    ("byte order mark", "\ufeff", "a b"),
    ("interlinear annotation", "\ufff9\ufffb", "a  b"),
    ("replacement character (kept)", "\ufffd", "a\ufffdb"),
    ("line and paragraph separators", "\u2028\u2029", "a\n\nb"),
    ("lone surrogates", "\ud800\udfff", "ab"),
    ("noncharacters U+FDD0..U+FDEF", "\ufdd0\ufdef", "ab"),
    ("noncharacters U+FFFE, U+FFFF", "\ufffe\uffff", "ab"),
    ("noncharacters in other planes", "\U0001fffe\U0010ffff", "ab"),
    ("tag characters", "\U000e0001\U000e0041\U000e007f", "ab"),
    ("private use (kept)", "\ue000", "a\ue000b"),
]


@pytest.mark.parametrize(("what", "sample", "expected"), CHARACTER_CLASSES, ids=[row[0] for row in CHARACTER_CLASSES])
def test_clean_keeps_drops_or_folds_each_character_class(what: str, sample: str, expected: str) -> None:
    assert text.clean("a" + sample + "b") == expected, what


def test_clean_gives_empty_text_for_what_is_not_text() -> None:
    assert [text.clean(value) for value in (None, 3, 2.5, ["a"], {"a": 1}, b"a")] == [""] * 6


def test_clean_text_comes_back_as_it_was() -> None:
    sample = "Speech codecs: 3 ways\tto\nsay it"
    assert text.clean(sample) is sample
    assert text.clean_lines(["A", 3, "B\u200bC", None]) == ["A", "B C"]


def test_a_cleaned_text_can_be_written_as_utf8_and_is_clean_again() -> None:
    every = "".join(chr(c) for c in range(0x110000))
    cleaned = text.clean(every)
    cleaned.encode("utf-8")
    assert text.clean(cleaned) == cleaned
    assert not re.search("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U000e0000-\U000e007f\u202a-\u202e\u2066-\u2069]", cleaned)


# The Actions runner's two ways of reading a command from a log line (actions/runner, ActionCommand.cs):
# '::name args::data' after leading whitespace, and '##[name args]data' anywhere in the line.
_V2 = re.compile(r"^::([^:\s]+)[^:]*::")
_V1 = re.compile(r"##\[([^\]\s]+)")


def commands_in(log: str) -> list[str]:
    """The workflow commands the runner would read in a log, line by line as it splits them."""
    found = []
    for line in re.split(r"\r\n|\r|\n", log):
        v2 = _V2.match(line.lstrip())
        found += [v2.group(1)] if v2 else []
        found += _V1.findall(line)
    return found


HOSTILE = ["::error::boom", "  ::stop-commands::abc", "\u3000::warning file=x::y", "2601.00001\n::error::x",
           "a\r::set-output name=x::1", "a\r\n::add-mask::s", "##[set-env name=A;]1", "title ##[add-path]/tmp"]


@pytest.mark.parametrize("sample", HOSTILE)
def test_a_log_line_of_outside_text_is_no_workflow_command(sample: str) -> None:
    assert commands_in(sample), "the sample must be one the runner reads"  # the check itself can fail
    line = text.log_line(sample)
    assert "\n" not in line and "\r" not in line
    assert commands_in(line) == [] and commands_in("  + topic: " + line) == []


def test_log_line_leaves_ordinary_text_alone() -> None:
    assert text.log_line("C++::vector and 50% of a::b") == "C++::vector and 50% of a::b"
    assert text.log_line("one\ntwo\u2028three\x85four") == "one two three four"  # breaks other log readers honour


def test_command_value_keeps_percent_encodings_literal() -> None:
    value = text.command_value("100%0A::error::x\nnext")
    assert "\n" not in value and "%0A" not in value.replace("%250A", "")
    assert commands_in("::group::" + value) == ["group"]

