"""Backfill: month by month by submission date, saved as it goes, resumable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import load_store, write_keywords
from fake_arxiv import FakeArxiv, Fault, paper

import update
from daily import backfill


def test_months_cover_the_range_newest_first() -> None:
    assert backfill.months(date(2025, 11, 15), date(2026, 1, 10)) == [
        (date(2026, 1, 1), date(2026, 1, 10)), (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2025, 11, 15), date(2025, 11, 30))]
    assert backfill.month_query("codec", date(2026, 1, 1), date(2026, 1, 31)) == \
        "(codec) AND submittedDate:[202601010000 TO 202601312359]"


def test_backfill_fetches_older_papers_and_resumes_after_a_failure(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"initial_results": 1, "max_tries": 1})
    fake.papers = [paper(f"2{m:03d}.{i:05d}", f"codec {m} {i}", updated=f"2026-{m:02d}-10T00:00:00Z")
                   for m in range(1, 11) for i in range(3)]
    assert update.main(["--root", str(tmp_path)]) == 0
    assert len(load_store(tmp_path)) == 1
    fake.faults.append(Fault("status", 503, match="202603010000", times=1))
    assert update.main(["--root", str(tmp_path), "--backfill", "2026-01-01"]) == 1
    assert len(load_store(tmp_path)) == 3 * 7  # October back to April saved, then March failed
    fake.requests.clear()
    assert update.main(["--root", str(tmp_path), "--backfill", "2026-01-01"]) == 0
    assert len(load_store(tmp_path)) == 30
    assert all("2026" in r["search_query"] for r in fake.requests)
    assert not any("202604" in r["search_query"] for r in fake.requests), "done months are not fetched again"
