"""The small site (site_repo) before and after a rename: "Speech Synthesis" becomes "Text to Speech", listed as
its alias, the store adopting the papers as the daily run does; built and served under /REPO/ as Pages would."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_keywords
from site_repo import TOPICS, make_repo
from site_server import SERVED_AT

from core import config as cfg
from core import store as st
from daily import run as pipeline
from website import build, model

OLD_NAME, NEW_NAME = "Speech Synthesis", "Text to Speech"
OLD, NEW = "speech-synthesis", "text-to-speech"  # the two slugs: topics/<slug>/ and feeds/<slug>.xml


def rename(root: Path, aliases: bool = True) -> Path:
    """Rename the topic in keywords.yaml with the old name as an alias, the store following as a daily run makes
    it; aliases=False: then remove the alias again (the papers stay the new topic's)."""
    renamed = {**TOPICS[0], "name": NEW_NAME}
    write_keywords(root, [{**renamed, "aliases": [OLD_NAME]}, *TOPICS[1:]])
    store = st.load(root)
    renames, _ = pipeline.adopt_renamed_topics(cfg.load(root / "keywords.yaml"), store)
    store.save()
    if not aliases:  # the alias removed later, once the papers are the new topic's
        write_keywords(root, [renamed, *TOPICS[1:]])
    assert renames in ({OLD_NAME: NEW_NAME}, {})
    return root


def build_into(root: Path, outdir: Path) -> Path:
    """Build root's site into outdir with 5 papers a page (the busy month in two parts), served at /REPO/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "PAGE_PAPERS", 5)
        assert build.main([str(outdir), "--root", str(root), "--base-url", SERVED_AT, "-q"]) == 0
    return outdir


def renamed_site(folder: Path, aliases: bool = True) -> Path:
    """The small repository renamed, and its site; returns OUTDIR (the repository is folder/repo)."""
    return build_into(rename(make_repo(folder / "repo"), aliases), folder / "site")
