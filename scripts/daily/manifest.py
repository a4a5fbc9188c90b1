"""The incremental manifest (papers/manifest.json): what each topic's pages were rendered from.

A step of rendering in the daily run (pagemodel/render/manifest/outputs). The manifest records a
fingerprint of each year's papers, one of the templates, code and settings (code_stamp), the parts
each topic was split into and the size of each file written. The next run keeps a part whose
fingerprint, list of parts and file size are unchanged, and renders the rest, which gives the bytes a
full render gives (a differential test checks it). A missing, damaged or hand-edited manifest, or a
different code stamp, means a full render. publish.py and outputs.py read the last manifest's list of
files to know which files the bot wrote.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import jinja2

from core import layout
from daily.pagemodel import Paper, TopicView

MANIFEST = layout.MANIFEST  # what each topic's pages were rendered from, so unchanged parts are kept
RENDER_CODE = (  # every module daily.render loads, so a change to any of them renders every page anew
    "core/config.py", "core/errors.py", "core/ids.py", "core/key_sentence.py", "core/layout.py", "core/links.py",
    "core/mdtext.py", "core/paperlinks.py", "core/query.py", "core/relevance.py", "core/taxonomy.py",
    "core/templates.py", "core/text.py", "core/tldr.py", "core/venue.py", "daily/anchors.py", "daily/manifest.py",
    "daily/pagemodel.py", "daily/render.py",
)  # tests/daily/test_render_code.py checks it against what importing daily.render loads
RENDER_DATA = ("core/venues.json",)  # data files the rendering code reads: the known venues (core/venue.py)
_HERE = Path(__file__).resolve().parents[1]  # scripts/


def code_stamp(settings: dict[str, Any], templates: Path) -> str:
    """A fingerprint of everything besides the papers that pages depend on: templates, the rendering code, settings."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(templates.glob("*.j2")) + [_HERE / name for name in RENDER_CODE + RENDER_DATA]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps([settings, jinja2.__version__, sys.version_info[:2], unicodedata.unidata_version],
                             sort_keys=True, default=str).encode())
    return digest.hexdigest()


def year_digest(view: TopicView, label: str, papers: list[Paper], context: str = "",
                new: dict[str, str] | None = None) -> str:
    """A fingerprint of everything a part's rows and header are rendered from (the code is in the manifest).

    context: what the part's header says besides the papers (the lines' source); new: the newest digest's ids and
    its day, so a part whose rows carry (or carried) a "new" marker is rendered anew, and no other part is."""
    digest = hashlib.sha1(f"{view.slug}\0{view.name}\0{view.anchor}\0{label}\0{context}".encode(),
                          usedforsecurity=False)
    new = new or {}
    for p in papers:
        if p["id"] in new:
            digest.update(f"\0new {new[p['id']]}".encode())
        digest.update(f"\0{p['id']}\0{p.get('version')}\0{p['updated']}\0{p['title']}\0{p.get('authors')}"
                      f"\0{p.get('comment')}\0{p['abstract']}\0{p.get('tldr')}\0{p.get('s2_tldr')}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load_manifest(root: Path) -> dict[str, Any] | None:
    """The last run's manifest, or None when it is missing or unreadable (then every page is rendered)."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if manifest_is_sound(manifest) else None


def _is_parts(value: Any) -> bool:
    """Whether a value is a list of [label, path-or-count] pairs, as the manifest stores parts."""
    return isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value)


def manifest_is_sound(manifest: Any) -> bool:
    """Whether a manifest has the shape this code writes (a hand-edited or conflicted one is ignored)."""
    try:
        return (isinstance(manifest["code"], str)
                and all(isinstance(k, str) and isinstance(v, int) for k, v in manifest["files"].items())
                and all(_is_parts(t["parts"]) and all(isinstance(y["digest"], str) and isinstance(y["rows"], int)
                                                      and _is_parts(y["parts"]) for y in t["years"].values())
                        for t in manifest["topics"].values()))
    except (TypeError, KeyError, AttributeError):
        return False


class Manifest:
    """This run's manifest, built as pages are rendered, beside the last run's (used only if made by the same code)."""

    def __init__(self, code: str, previous: dict[str, Any] | None, root: Path | None) -> None:
        """previous: the last run's manifest, and root: where its files are; with both, unchanged parts are kept."""
        self.previous = previous if previous and previous.get("code") == code and root else {}
        self.root = root
        self.record: dict[str, Any] = {"code": code, "files": {}, "topics": {}}

    def kept_year(self, view: TopicView, year: str, digest: str) -> dict[str, Any] | None:
        """The last run's entry for a year of the topic, when it was rendered from the same inputs."""
        old = self.previous.get("topics", {}).get(view.slug, {}).get("years", {}).get(year)
        return old if old and old["digest"] == digest else None

    def parts_before(self, view: TopicView) -> list[list[str]] | None:
        """The topic's list of parts in the last run (a part's navigation lists them all)."""
        return self.previous.get("topics", {}).get(view.slug, {}).get("parts")

    def unchanged(self, path: str) -> bool:
        """Whether a file the last run wrote is still there as it was (same size)."""
        size = self.previous.get("files", {}).get(path)
        target = self.root / path if self.root else None
        return size is not None and target is not None and target.is_file() and target.stat().st_size == size

    def keep(self, paths: list[str]) -> None:
        """Carry kept files over from the last run's record."""
        self.record["files"].update({path: self.previous["files"][path] for path in paths})

    def wrote(self, path: str, size: int) -> None:
        """Record a rendered file's size, so the next run can tell whether it was edited or deleted."""
        self.record["files"][path] = size

    def remember(self, view: TopicView, years: dict[str, dict[str, Any]], parts: list[list[str]]) -> None:
        """Record what this topic's pages were rendered from, for the next run."""
        self.record["topics"][view.slug] = {
            "parts": parts,
            "years": {year: {"digest": y["digest"], "rows": y["rows"], "parts": y.get("parts") if parts else []}
                      for year, y in years.items()},
        }

    def to_bytes(self) -> bytes:
        """The manifest file's bytes: stable sorted JSON, so an unchanged run changes nothing."""
        return (json.dumps(self.record, indent=1, sort_keys=True) + "\n").encode("utf-8")
