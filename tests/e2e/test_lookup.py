"""Asking arXiv by id (scripts/daily/lookup.py): the seed's authors, and texts of the reader's ids, over real HTTP."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest
from conftest import load_store, snapshot
from fake_arxiv import FIXTURES, FakeArxiv, Fault, paper
from test_publish import _other_clone, _push_during_fetch, _user_commit, remote  # noqa: F401 - a fixture

import update
from core import store as st
from daily import fetch, lookup

MISSING = "2505.01263"  # a seed paper the fake arXiv does not have (withdrawn)


def served_seed(stored: dict[str, dict]) -> list[dict]:
    """The stored seed papers as arXiv holds them: authors and categories, and other titles, abstracts and dates
    (which the fill must not copy), so no topic's search finds them."""
    return [paper(i, f"Changed title {i}", "Changed abstract.", version=r["version"] + 1,
                  updated="2026-01-05T10:00:00Z", categories=("eess.AS", "cs.CL"),
                  authors=(f"Author {i}", "Grace Hopper"))
            for i, r in stored.items() if i != MISSING]


def imported(seeded: Path) -> dict[str, dict]:
    """The seed imported into the store, without asking arXiv."""
    assert update.main(["--root", str(seeded), "--no-fetch", "-q"]) == 0
    return load_store(seeded)


def test_seed_papers_get_authors_in_two_requests_and_nothing_else_changes(
        seeded: Path, fake: FakeArxiv, caplog: pytest.LogCaptureFixture) -> None:
    before = imported(seeded)
    assert len(before) == 337 and all(not r["authors"] for r in before.values())
    fake.papers = served_seed(before)
    fake.requests.clear()
    assert update.main(["--root", str(seeded)]) == 0
    asked = fake.id_list_requests
    assert len(asked) == 2 and all(len(batch) <= lookup.BATCH for batch in asked)
    assert sorted(i for batch in asked for i in batch) == sorted(f"{i}v{r['version']}" for i, r in before.items())
    after = load_store(seeded)
    for paper_id, old in before.items():
        new = after[paper_id]
        if paper_id == MISSING:
            assert new == old
            continue
        assert new["authors"] == [f"Author {paper_id}", "Grace Hopper"]
        assert new["categories"] == ["eess.AS", "cs.CL"] and new["primary_category"] == "eess.AS"
        assert {k: v for k, v in new.items() if k not in lookup.FILLED} == \
               {k: v for k, v in old.items() if k not in lookup.FILLED}, paper_id
    recorded = json.loads((seeded / "data" / "lookups.json").read_text(encoding="utf-8"))
    assert recorded["fill_missing"] == [MISSING]
    assert "authors: filled 336 of 337 stored papers that had none, in 2 id_list requests; 1 not on arXiv" \
        in caplog.text
    readme = (seeded / "README.md").read_text(encoding="utf-8")
    assert "Author 2601.20481, Grace Hopper" in readme  # the row's authors cell
    from website import build

    assert build.main([str(seeded / "site"), "--root", str(seeded), "-q"]) == 0
    cards = "".join(page.read_text(encoding="utf-8") for page in (seeded / "site").rglob("*.html"))
    assert "Author 2601.20481, Grace Hopper" in cards  # the site's paper cards
    shutil.rmtree(seeded / "site")
    # The next run asks nothing: every paper has its authors, and the one arXiv lacks was asked once.
    fake.requests.clear()
    files = snapshot(seeded)
    assert update.main(["--root", str(seeded)]) == 0
    assert fake.id_list_requests == [] and len(fake.requests) == 1
    assert snapshot(seeded) == files


def test_a_throttled_fill_costs_nothing_of_the_day_and_the_next_run_fills(
        seeded: Path, fake: FakeArxiv, caplog: pytest.LogCaptureFixture) -> None:
    before = imported(seeded)
    repo = git.Repo.init(seeded, initial_branch="main")
    repo.git.add("-A")
    repo.git.commit("-m", "Seed", env={"GIT_AUTHOR_NAME": "u", "GIT_AUTHOR_EMAIL": "u@x", "GIT_COMMITTER_NAME": "u",
                                       "GIT_COMMITTER_EMAIL": "u@x"})
    fake.papers = served_seed(before) + [paper("2602.00001", "Zero-shot text-to-speech", updated="2026-02-12T08:00:00Z")]
    fake.faults = [Fault("status", 429, match="id_list:", times=10)]
    fake.requests.clear()
    assert update.main(["--root", str(seeded), "--commit"]) == 0  # as without the fill
    assert len(fake.id_list_requests) == 1  # a throttled answer stops the fill: not retried, no second batch
    head = repo.head.commit
    assert head.message.startswith("1 new, 0 updated: TTS +1")
    assert "2602.00001" in (head.tree / "data/papers/2602.json").data_stream.read().decode()
    assert all(not r["authors"] for i, r in load_store(seeded).items() if i in before)
    assert "warning: authors: filled 0 of 337" in caplog.text and "the rest are asked next run" in caplog.text
    assert not (seeded / "data" / "lookups.json").exists()  # nothing recorded as asked
    fake.faults.clear()
    fake.requests.clear()
    assert update.main(["--root", str(seeded), "--commit"]) == 0
    assert len(fake.id_list_requests) == 2
    assert repo.head.commit.message.startswith("Refresh metadata of 336 papers")
    assert "data/lookups.json" in {p.path for p in repo.head.commit.tree.traverse()}


def test_a_dry_run_fills_in_memory_and_writes_nothing(seeded: Path, fake: FakeArxiv,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    fake.papers = served_seed(imported(seeded))
    files = snapshot(seeded)
    assert update.main(["--root", str(seeded), "--dry-run"]) == 0
    assert snapshot(seeded) == files
    assert "data/papers/2601.json" in capsys.readouterr().out


def test_a_server_error_is_retried_and_a_spent_budget_asks_nothing(tmp_path: Path, fake: FakeArxiv) -> None:
    store = st.Store(tmp_path)
    store.put(st.new_record(id="2601.00001", version=2, title="T", abstract="A", updated="2026-01-02",
                                   topics=["TTS"]))
    fake.papers = [paper("2601.00001", "Other", version=2)]
    spent = fetch.Fetcher(url=fake.url, delay=0, budget=0)
    report = lookup.fill_authors(store, spent, tmp_path)
    assert report.error and "time budget" in report.error and fake.requests == []
    fake.faults = [Fault("status", 500, match="id_list:")]
    report = lookup.fill_authors(store, fetch.Fetcher(url=fake.url, delay=0, backoff_base=0.01), tmp_path)
    assert report.filled == ["2601.00001"] and report.requests == 2 and len(fake.requests) == 2
    assert store.papers["2601.00001"]["authors"] == ["Ada Lovelace", "Alan Turing"]
    assert store.papers["2601.00001"]["title"] == "T" and store.papers["2601.00001"]["version"] == 2


def test_known_texts_asks_once_for_new_ids_and_never_again(tmp_path: Path, fake: FakeArxiv) -> None:
    fake.papers = [paper("2510.00981", "Liked paper", "Its abstract.", version=3), paper("hep-th/9901001", "Old one")]
    fetcher = fetch.Fetcher(url=fake.url, delay=0)
    ids = ["2510.00981", "hep-th/9901001v1", "2599.99999", "not-an-id"]
    found, unknown = lookup.known_texts(tmp_path, ids, fetcher)
    assert fake.id_list_requests == [["2510.00981", "hep-th/9901001", "2599.99999"]]
    assert found == {"2510.00981": {"id": "2510.00981", "title": "Liked paper", "abstract": "Its abstract.",
                                    "version": 3},
                     "hep-th/9901001": {"id": "hep-th/9901001", "title": "Old one", "abstract": "About Old one.",
                                        "version": 1}}
    assert sorted(unknown) == ["2599.99999", "not-an-id"]
    saved = (tmp_path / "data" / "lookups.json").read_bytes()
    assert saved == lookup.dumps(json.loads(saved))  # sorted, stable JSON
    again = lookup.known_texts(tmp_path, ids, fetch.Fetcher(url=fake.url, delay=0))
    assert len(fake.requests) == 1 and again[0] == found and sorted(again[1]) == sorted(unknown)


def test_known_texts_fails_soft_and_asks_again_next_run(tmp_path: Path, fake: FakeArxiv,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    fake.papers = [paper("2510.00981", "Liked paper")]
    fake.faults = [Fault("status", 429, match="id_list:", times=10)]
    fetcher = fetch.Fetcher(url=fake.url, delay=0, backoff_base=0.01, max_tries=2)
    assert lookup.known_texts(tmp_path, ["2510.00981", "2599.99999"], fetcher) == ({}, [])
    assert "they are asked again next run" in caplog.text
    fake.faults.clear()
    found, unknown = lookup.known_texts(tmp_path, ["2510.00981", "2599.99999"], fetch.Fetcher(url=fake.url, delay=0))
    assert list(found) == ["2510.00981"] and unknown == ["2599.99999"]


def test_known_texts_asks_one_request_a_run_at_most(tmp_path: Path, fake: FakeArxiv) -> None:
    ids = [f"2601.{i:05d}" for i in range(lookup.BATCH + 50)]
    fake.papers = [paper(i, f"Paper {i}") for i in ids]
    found, unknown = lookup.known_texts(tmp_path, ids, fetch.Fetcher(url=fake.url, delay=0))
    assert len(fake.requests) == 1 and len(found) == lookup.BATCH and unknown == []
    found, _ = lookup.known_texts(tmp_path, ids, fetch.Fetcher(url=fake.url, delay=0))
    assert len(fake.requests) == 2 and len(found) == len(ids)


def test_a_broken_lookups_file_is_one_line_with_the_fix(tmp_path: Path, fake: FakeArxiv) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "lookups.json").write_text('{"papers": []}')
    with pytest.raises(st.StoreError, match=r"^data/lookups.json: \"papers\" must be an object.*delete"):
        lookup.known_texts(tmp_path, ["2510.00981"], fetch.Fetcher(url=fake.url, delay=0))
    assert fake.requests == []


def test_the_fake_answers_id_lists_as_the_recorded_arxiv_answers(fake: FakeArxiv) -> None:
    import requests

    def ask(ids: str) -> requests.Response:
        return requests.get(fake.url, params={"search_query": "", "id_list": ids, "start": 0, "max_results": 100})

    unknown, recorded = ask("0808.05394"), (FIXTURES / "2026-04_new-format_idlist_0808.05394_zero-entries.xml")
    assert fetch.check_response(unknown) == (0, set())
    assert unknown.text.count("<entry>") == 0 == recorded.read_text().count("<entry>")
    bad = ask("abc")
    assert bad.status_code == 400 and "incorrect id format for abc" in bad.text
    with pytest.raises(fetch.Fault) as caught:
        fetch.check_response(bad)
    assert caught.value.rejected


def test_a_push_race_keeps_the_filled_authors_and_the_recorded_ids(
        remote: tuple[git.Repo, Path], fake: FakeArxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec", updated="2026-02-11T00:00:00Z")]
    assert update.main(["--root", str(work), "--push"]) == 0
    shard = work / "data" / "papers" / "2601.json"
    records = json.loads(shard.read_text(encoding="utf-8"))
    for paper_id, title in (("2601.00001", "A codec"), ("2601.00009", "A withdrawn codec")):
        records[paper_id] = st.new_record(**{**records["2601.00001"], "id": paper_id, "title": title,
                                                    "authors": [], "categories": [], "primary_category": ""})
    repo = git.Repo(work)
    _user_commit(repo, {"data/papers/2601.json": st.dumps(records).decode()}, "Imported papers")
    fake.papers = [paper("2601.00001", "Other title", authors=("Grace Hopper",), categories=("cs.SD",))]
    other = _other_clone(tmp_path)
    _push_during_fetch(monkeypatch, lambda: _user_commit(other, {"notes.txt": "mine"}, "A note of mine"))
    assert update.main(["--root", str(work), "--push"]) == 0
    head = bare.commit("main")
    assert head.parents[0].message.strip() == "A note of mine"  # rebuilt on the tip the other clone pushed
    stored = json.loads((head.tree / "data/papers/2601.json").data_stream.read())
    assert stored["2601.00001"]["authors"] == ["Grace Hopper"] and stored["2601.00001"]["title"] == "A codec"
    assert json.loads((head.tree / "data/lookups.json").data_stream.read())["fill_missing"] == ["2601.00009"]


def test_a_broken_lookups_file_costs_the_daily_run_nothing_but_the_fill(
        seeded: Path, fake: FakeArxiv, caplog: pytest.LogCaptureFixture) -> None:
    fake.papers = served_seed(imported(seeded)) + [paper("2602.00001", "Zero-shot TTS", updated="2026-02-12T08:00:00Z")]
    (seeded / "data" / "lookups.json").write_text("{broken", encoding="utf-8")
    assert update.main(["--root", str(seeded)]) == 0
    assert fake.id_list_requests == [] and "2602.00001" in load_store(seeded)
    assert "warning: authors: filled 0 of 337" in caplog.text and "delete data/lookups.json" in caplog.text
    assert (seeded / "data" / "lookups.json").read_text(encoding="utf-8") == "{broken"
