"""daily.manifest.RENDER_CODE: the files whose bytes go into the code stamp that keeps unchanged page parts.

Issue 32: the list was kept by hand and no test checked it, so a move that put a template filter into a new module
left stale page parts after the next change to it. Here it must be exactly the project's modules that importing
daily.render loads, in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from daily import manifest

REPO = Path(__file__).resolve().parents[2]
LOADED = """
import json, sys
sys.path.insert(0, "scripts")
import daily.render
print(json.dumps(sorted(module.__file__ for name, module in sys.modules.items()
                        if name.split(".")[0] in ("core", "daily", "digest", "website") and "." in name)))
"""


def modules_render_loads() -> set[str]:
    """The project's modules (as paths under scripts/) that a fresh `import daily.render` loads."""
    out = subprocess.run([sys.executable, "-c", LOADED], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return {Path(path).resolve().relative_to(REPO / "scripts").as_posix() for path in json.loads(out)}


def test_render_code_is_every_module_rendering_loads() -> None:
    loaded = modules_render_loads()
    assert "daily/render.py" in loaded and "core/templates.py" in loaded
    missing, extra = sorted(loaded - set(manifest.RENDER_CODE)), sorted(set(manifest.RENDER_CODE) - loaded)
    assert not missing, f"add to manifest.RENDER_CODE (pages depend on them): {missing}"
    assert not extra, f"drop from manifest.RENDER_CODE (rendering no longer loads them): {extra}"


def test_a_change_to_any_render_code_file_changes_the_code_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                   ) -> None:
    """The stamp reads every listed file's bytes: one changed byte in the last of them, or in a data file rendering
    reads (the known venues, issue 35), makes a new stamp."""
    templates = REPO / "templates"
    before = manifest.code_stamp({}, templates)
    here = tmp_path / "scripts"
    for name in manifest.RENDER_CODE + manifest.RENDER_DATA:
        (here / name).parent.mkdir(parents=True, exist_ok=True)
        (here / name).write_bytes((REPO / "scripts" / name).read_bytes())
    monkeypatch.setattr(manifest, "_HERE", here)
    for name in (manifest.RENDER_CODE[-1], "core/venues.json"):
        changed = here / name
        changed.write_bytes(changed.read_bytes() + b"\n")
        assert manifest.code_stamp({}, templates) != before, name
        changed.write_bytes((REPO / "scripts" / name).read_bytes())
        assert manifest.code_stamp({}, templates) == before
