"""The pinned requirements: the daily run installs only its own packages, each file checked by hash."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

TEST_TOOLS = {"pytest", "hypothesis", "cmarkgfm", "zizmor", "check-jsonschema"}


def pins(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """name -> (version, hashes) for each requirement line of a pip requirements file; options as found."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        hashes = frozenset(o.removeprefix("--hash=") for o in options if o.startswith("--hash=sha256:"))
        assert version and len(hashes) == len(options), f"{path.name}: {line[:80]}: pin with == and hashes only"
        found[re.sub(r"[-_.]+", "-", name).lower()] = (version, hashes)
    return found


def test_the_runtime_file_pins_every_package_with_hashes_and_no_test_tools() -> None:
    runtime = pins(REPO / "requirements.txt")
    assert {"arxiv", "jinja2", "pyyaml", "gitpython", "requests", "lxml"} <= set(runtime)
    assert not TEST_TOOLS & set(runtime), "test tools belong in requirements/dev.txt"
    assert all(hashes for _, hashes in runtime.values())


def test_the_dev_file_has_the_runtime_packages_at_the_same_versions_and_hashes() -> None:
    """CI tests the bytes the daily run installs; one install command, so every dev line is hashed too."""
    runtime, dev = pins(REPO / "requirements.txt"), pins(REPO / "requirements" / "dev.txt")
    assert TEST_TOOLS <= set(dev)
    assert {name: dev.get(name) for name in runtime} == runtime
    assert all(hashes for _, hashes in dev.values())



def test_each_lock_was_compiled_from_the_repository_root_by_the_documented_command() -> None:
    """pip-tools' commands are written once, in requirements/runtime.in; each lock's header names the one it ran."""
    documented = (REPO / "requirements" / "runtime.in").read_text(encoding="utf-8")
    locks = {"requirements.txt": "requirements/runtime.in", "requirements/site.txt": "requirements/site.in",
             "requirements/dev.txt": "requirements/dev.in"}
    for lock, source in locks.items():
        header = (REPO / lock).read_text(encoding="utf-8").split("\n\n", 1)[0]
        (command,) = [line.removeprefix("#").strip() for line in header.splitlines() if "pip-compile --" in line]
        assert command.startswith("pip-compile --") and command.endswith(f" {source}"), f"{lock}: {command}"
        assert "--generate-hashes" in command and f"#   {command}\n" in documented, f"{lock}: {command}"
