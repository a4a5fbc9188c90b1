"""A renamed topic on the site (issue 21): its old addresses' files and bytes, and the id -> page lookup."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from tests.bench.site import site_store


def renames_figures(sizes: list[int]) -> list[str]:
    """A renamed topic on the site (issue 21): its old addresses' files and bytes, and the id lookup's size, per
    store size (site_store's 20 topics, one renamed with an alias; rendered in memory, no similar papers)."""
    import gzip

    from core import config as cfg
    from core import store as st
    from website import build as site_build_module
    from website import moved

    lines = [f"{'papers':>8} {'old files':>10} {'old KB':>7} {'lookup files':>13} {'lookup KB':>10} "
             f"{'gzip KB':>8} {'largest shard KB':>17} {'seconds':>8}"]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            site_store(root, size)
            raw = json.loads((root / "keywords.yaml").read_text())
            raw["topics"][0] = {**raw["topics"][0], "name": "Topic 0 renamed", "aliases": ["Topic 0"]}
            (root / "keywords.yaml").write_text(json.dumps(raw))
            config, store = cfg.load(root / "keywords.yaml"), st.load(root)
            st.adopt_topics(store, {"Topic 0": "Topic 0 renamed"})
            papers = list(store.papers.values())
            site, renderer = site_build_module.model_of(config, papers)
            extras = site_build_module.build_extras(config, papers, site_build_module.shown_papers(renderer),
                                                    similar_ids={})
            started = time.perf_counter()
            old = list(moved.old_addresses(site, extras, renderer))
            lookup = list(moved.lookup_files(site))
            seconds = time.perf_counter() - started
        kb = lambda files: sum(len(data) for _, data in files) / 1000  # noqa: E731
        zipped = sum(len(gzip.compress(data)) for _, data in lookup) / 1000
        lines.append(f"{size:>8} {len(old):>10} {kb(old):>7.0f} {len(lookup):>13} {kb(lookup):>10.0f} {zipped:>8.0f} "
                     f"{max(len(data) for _, data in lookup) / 1000:>17.1f} {seconds:>8.2f}")
    return lines
