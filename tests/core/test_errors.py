"""core.errors: a user error is one line on stderr and exit 2, whatever outside text it quotes."""

from __future__ import annotations

import pytest
from test_text import commands_in

from core import errors


def test_a_reported_error_quoting_outside_text_is_one_inert_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = errors.report("library.bib: entry 'k\n::error::pwned\r##[add-path]/tmp' has no title; add one")
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and err.startswith("error: library.bib: entry 'k")
    assert commands_in(err) == []
