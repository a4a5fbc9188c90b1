"""Jinja2 as every output uses it, made in one place, and the one line a broken template gets.

Templates are the user's to edit (templates/), so undefined names are errors, never blanks, and an error inside a
template is told as 'templates/x.j2:LINE: what; fix' by whichever entry point meets it.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2


def environment(folder: Path, autoescape: object, keep_trailing_newline: bool = True) -> jinja2.Environment:
    """A Jinja2 environment for a templates folder: strict undefined names, block tags trimmed, autoescape as the
    format needs (HTML and feeds escape; Markdown and plain text do not)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=autoescape,  # type: ignore[arg-type]
                              keep_trailing_newline=keep_trailing_newline, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def from_template(exc: BaseException) -> bool:
    """Whether an exception was raised while a template ran (Jinja puts the .j2 file into the traceback)."""
    return any(frame.f_code.co_filename.endswith(".j2") for frame, _ in traceback.walk_tb(exc.__traceback__))


def template_problem(exc: Exception) -> str:
    """A one-line 'templates/x.j2:LINE: what; fix' for a template error (the line from Jinja's rewritten traceback)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    for frame, frame_line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.endswith(".j2"):
            filename, line = frame.f_code.co_filename, frame_line
    path = template_path(filename)
    where = f"{path}:{line}" if line else path
    what = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    what = " ".join(str(what).split())[:200]
    return f"{where}: {what}; fix the template or restore it with 'git checkout -- {path}'"


def template_path(filename: str | None) -> str:
    """Where a template is in the repository (templates/x.j2, templates/site/x.j2): what a user opens or restores."""
    if not filename:
        return "templates/a template"
    parts = Path(filename).parts
    if "templates" not in parts:
        return f"templates/{Path(filename).name}"
    return "/".join(parts[len(parts) - 1 - parts[::-1].index("templates"):])
