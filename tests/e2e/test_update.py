"""End to end: seed README -> fake arXiv -> store -> README, through the real entry point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import hostile_inputs as hostile
import pytest
from conftest import REPO, SEED, load_store, snapshot, write_keywords
from fake_arxiv import FakeArxiv, paper

import update
from core import config as cfg
from core import relevance
from daily import run as pipeline
from daily import seed_import


def seed_as_server_papers() -> list[dict]:
    """The seed's papers, as the fake arXiv would serve them (speech categories)."""
    sections = seed_import.parse_readme(SEED.read_text(encoding="utf-8"))
    out = {}
    for records in sections.values():
        for r in records:
            out[r["id"]] = paper(r["id"], r["title"], r["abstract"], version=r["version"],
                                 updated=r["updated"] + "T10:00:00Z", comment=r["comment"])
    return list(out.values())


def readme_ids(text: str, section: str) -> list[str]:
    """Paper ids of a README section's table, top to bottom."""
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| \*\*\[.*?\]\(https://arxiv\.org/abs/([^)]+)\)\*\*", part, re.MULTILINE)


def test_seed_import_new_papers_and_revision_end_to_end(seeded: Path, fake: FakeArxiv) -> None:
    seed = seed_as_server_papers()
    revised = next(p for p in seed if p["id"] == "2601.20481")
    fake.papers = [p for p in seed if p is not revised]
    fake.papers.append({**revised, "version": 2, "title": "Erasing Your Voice, Revised",
                        "updated": "2026-02-05T09:00:00Z"})
    fake.papers.append(paper("2602.01234", "Zero-shot text-to-speech with flow matching",
                             "We present a text-to-speech model.", updated="2026-02-06T08:00:00Z"))
    fake.papers.append(paper("2602.05678", "Audio captioning with retrieval",
                             "An audio captioning system.", updated="2026-02-06T09:00:00Z"))

    result = subprocess.run([sys.executable, str(REPO / "scripts" / "update.py"), "--root", str(seeded)],
                            capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout

    stored = load_store(seeded)
    seed_ids = {p["id"] for p in seed}
    assert seed_ids <= set(stored), "a seed paper was lost"
    assert len(stored) == len(seed_ids) + 2
    assert stored["2601.20481"]["version"] == 2
    assert stored["2601.20481"]["title"] == "Erasing Your Voice, Revised"

    readme = (seeded / "README.md").read_text(encoding="utf-8")
    assert readme_ids(readme, "TTS")[0] == "2602.01234"
    assert readme_ids(readme, "Audio Caption")[0] == "2602.05678"
    assert readme.count("https://arxiv.org/abs/2601.20481)") == len(stored["2601.20481"]["topics"])
    assert "Erasing Your Voice, Revised" in readme and "Erasing Your Voice Before" not in readme
    pages = "".join(p.read_text(encoding="utf-8") for p in (seeded / "papers").glob("*.md"))
    config = cfg.load(seeded / "keywords.yaml")
    hidden = set()
    for paper_id in seed_ids:
        record = stored[paper_id]
        if any(relevance.decide(config.topic(t), record).listed for t in record["topics"]):
            assert f"https://arxiv.org/abs/{paper_id})" in pages, f"{paper_id} not rendered"
        else:
            hidden.add(paper_id)
    assert "2509.05007" in hidden  # Sticker-TTS: "Test-Time Scaling", not speech
    assert len(hidden) < 25
    assert re.search(r"^Speech Synthesis: 0 new, 1 updated, \d+ listed", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^Summary: \d+ new, 1 updated", result.stdout, re.MULTILINE), result.stdout


def test_second_run_with_nothing_new_changes_no_file(seeded: Path, fake: FakeArxiv) -> None:
    fake.papers = seed_as_server_papers()
    assert update.main(["--root", str(seeded)]) == 0
    before = snapshot(seeded)
    assert update.main(["--root", str(seeded)]) == 0
    assert snapshot(seeded) == before


def test_one_request_for_all_topics_on_a_normal_day(seeded: Path, fake: FakeArxiv,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fake.papers = seed_as_server_papers()
    assert update.main(["--root", str(seeded)]) == 0
    fake.requests.clear()
    fake.papers += [paper(f"2602.{i:05d}", f"Text-to-speech paper {i}", updated=f"2026-02-07T{i % 24:02d}:00:00Z")
                    for i in range(40)]
    capsys.readouterr()
    assert update.main(["--root", str(seeded)]) == 0
    assert len(fake.requests) == 1, fake.requests
    query = fake.requests[0]["search_query"]
    assert all(f"{phrase}" in query for phrase in ('"speech synthesis"', "TTS", '"audio caption"', "SpeechLM"))
    assert sum(1 for p in load_store(seeded).values() if p["id"].startswith("2602.")) == 40
    assert readme_ids((seeded / "README.md").read_text(encoding="utf-8"), "TTS")[0].startswith("2602.")
    assert "Status: new papers: 40 new, 0 updated (1 request in " in capsys.readouterr().out


def test_a_paper_announced_ten_days_after_its_date_is_listed(tmp_path: Path, fake: FakeArxiv,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}])
    fake.papers = [paper("2602.00001", "A codec", updated="2026-02-19T18:00:00Z"),
                   paper("2602.00002", "A vocoder", updated="2026-02-19T18:00:00Z")]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-20T01:17:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    for day in range(21, 26):  # five quiet days, then a paper held in moderation since the 15th appears
        monkeypatch.setenv("DAILY_PAPERS_NOW", f"2026-02-{day}T01:17:00Z")
        assert update.main(["--root", str(tmp_path)]) == 0
    fake.papers.append(paper("2602.00003", "A late codec", updated="2026-02-15T09:00:00Z"))
    fake.requests.clear()
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-26T01:17:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    assert len(fake.requests) == 1
    assert "2602.00003" in readme_ids((tmp_path / "README.md").read_text(encoding="utf-8"), "Codec")
    state = json.loads((tmp_path / "data" / "state.json").read_text())
    assert state["topics"]["Codec"]["fetched"] == "2026-02-26T01:17:00Z"


def test_a_hundred_topics_cost_a_handful_of_requests(tmp_path: Path, fake: FakeArxiv,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from daily import plan

    topics = [{"name": f"Topic {i}", "query": f'"speech topic {i}" OR (ti:codec{i} AND abs:"neural vocoder {i}")',
               "categories": ["cs.SD", "eess.AS"]} for i in range(100)]
    write_keywords(tmp_path, topics, {"initial_results": 5})
    fake.papers = [paper(f"2602.{i:05d}", f"Speech topic {i} study", updated="2026-02-10T00:00:00Z") for i in range(100)]
    assert update.main(["--root", str(tmp_path)]) == 0  # day one: each new topic asks alone
    assert len(fake.requests) == 100
    fake.requests.clear()
    fake.papers += [paper(f"2602.{100 + i:05d}", f"Speech topic {i} again", updated="2026-02-12T00:00:00Z")
                    for i in range(100)]
    assert update.main(["--root", str(tmp_path)]) == 0
    assert 1 < len(fake.requests) <= 10, len(fake.requests)
    assert all(len(r["search_query"]) <= plan.MAX_QUERY_CHARS for r in fake.requests)
    stored = load_store(tmp_path)
    assert all(stored[f"2602.{100 + i:05d}"]["topics"] == [f"Topic {i}"] for i in range(100)), "shared out wrongly"


def test_a_topic_whose_query_changed_is_fetched_like_a_new_one(tmp_path: Path, fake: FakeArxiv,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"initial_results": 5})
    fake.papers = [paper(f"2601.{i:05d}", f"Neural codec and tokenizer {i}", updated=f"2026-01-{i + 1:02d}T12:00:00Z")
                   for i in range(20)]
    assert update.main(["--root", str(tmp_path)]) == 0
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec OR tokenizer"}], {"initial_results": 8})
    fake.requests.clear()
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 0
    assert fake.requests[0]["max_results"] == "8"
    out = capsys.readouterr().out
    assert 'new topic (or changed query)' in out and '--backfill YYYY-MM-DD --topic "Codec"' in out


@pytest.mark.parametrize("new_name,aliases", [("codec", None), ("Neural  Codec", ["Codec"])])
def test_a_renamed_topic_keeps_every_paper_and_its_feed(tmp_path: Path, fake: FakeArxiv, new_name: str,
                                                        aliases: list[str] | None,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"initial_results": 30})
    fake.papers = [paper(f"2601.{i:05d}", f"Neural codec {i}", updated=f"2026-01-{i + 1:02d}T12:00:00Z")
                   for i in range(30)]
    assert update.main(["--root", str(tmp_path)]) == 0
    old_feed = (tmp_path / "feeds" / "codec.xml").read_text()
    topic: dict = {"name": new_name, "query": "codec"}
    if aliases:
        topic["aliases"] = aliases
    write_keywords(tmp_path, [topic], {"initial_results": 5})
    fake.papers.append(paper("2602.00001", "A new codec", updated="2026-02-12T12:00:00Z"))
    fake.requests.clear()
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert len(fake.requests) == 1 and int(fake.requests[0]["max_results"]) > 5, "the rename was taken for a new topic"
    shown = " ".join(new_name.split())
    assert f"{shown}: 1 new, 0 updated, 31 listed" in out, out
    assert "Summary: 1 new, 0 updated" in out
    assert all(p["topics"] == [shown] for p in load_store(tmp_path).values())
    assert len(readme_ids((tmp_path / "README.md").read_text(encoding="utf-8"), shown)) == 31
    feed = (tmp_path / "feeds" / "codec.xml").read_text()  # the old address still gets papers
    assert "2602.00001" in feed and feed.count("<entry>") == 31 and "urn:daily-papers:topic:codec<" in feed
    assert old_feed.split("<entry>")[1] in feed


def test_a_renamed_topics_old_page_becomes_a_link_to_the_new_one_while_the_alias_stays(tmp_path: Path,
                                                                                     fake: FakeArxiv) -> None:
    """Issue 21: with aliases the old page papers/<old>.md was deleted, so links shared before the rename broke."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "Neural codec")]
    assert update.main(["--root", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "papers" / "codec.md").exists()
    write_keywords(tmp_path, [{"name": "Speech tokenizers", "query": "codec", "aliases": ["Codec"]}])
    assert update.main(["--root", str(tmp_path), "-q", "--no-fetch"]) == 0
    moved = (tmp_path / "papers" / "codec.md").read_text(encoding="utf-8")
    assert "](speech-tokenizers.md)" in moved and "2601.00001" not in moved
    assert "2601.00001" in (tmp_path / "papers" / "speech-tokenizers.md").read_text(encoding="utf-8")
    assert (tmp_path / "feeds" / "codec.xml").exists()
    write_keywords(tmp_path, [{"name": "Speech tokenizers", "query": "codec"}])  # the alias goes: so do its addresses
    assert update.main(["--root", str(tmp_path), "-q", "--no-fetch"]) == 0
    assert not (tmp_path / "papers" / "codec.md").exists()


def test_a_stored_topic_no_topic_claims_is_reported_with_the_fix_and_kept(tmp_path: Path, fake: FakeArxiv,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "Neural codec")]
    assert update.main(["--root", str(tmp_path)]) == 0
    write_keywords(tmp_path, [{"name": "Speech tokenizers", "query": "codec"}])
    for _ in range(2):  # reported on every run, never deleted
        capsys.readouterr()
        assert update.main(["--root", str(tmp_path)]) == 0
        out = capsys.readouterr().out
        assert ('warning: 1 stored paper under topic "Codec" belong to no topic in keywords.yaml (kept in data/, '
                'shown nowhere); if a topic was renamed, add aliases: ["Codec"] to it') in out
    assert "Codec" in load_store(tmp_path)["2601.00001"]["topics"]


def test_the_window_starts_overlap_days_before_the_last_fetch_and_says_nothing_new(
        tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}, {"name": "Speech", "query": "speech"}],
                   {"overlap_days": 2})
    fake.papers = [paper(f"2601.{i:05d}", f"Neural codec {i}", updated=f"2026-01-{i + 1:02d}T12:00:00Z")
                   for i in range(20)] + [paper("2602.00001", "Speech", updated="2026-02-12T00:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    assert len(load_store(tmp_path)) == 21
    fake.papers.append(paper("2602.00002", "A speech codec", updated="2026-02-12T06:00:00Z"))
    fake.papers.append(paper("2602.00003", "A codec seen 3 days late", updated="2026-02-10T06:00:00Z"))
    fake.requests.clear()
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert fake.requests[0]["sortBy"] == "lastUpdatedDate" and len(fake.requests) == 1
    stored = load_store(tmp_path)
    assert "2602.00002" in stored and "2602.00003" not in stored, "the window is the last fetch minus 2 days"
    assert "Codec: 1 new, 0 updated, 21 listed" in out and "Speech: 1 new, 0 updated, 2 listed" in out, out
    assert stored["2602.00002"]["topics"] == ["Codec", "Speech"]
    fake.requests.clear()
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path)]) == 0
    assert "Status: nothing new: arXiv answered (1 request in" in capsys.readouterr().out


def test_new_topic_fetches_its_latest_initial_results(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"initial_results": 7})
    fake.papers = [paper(f"2601.{i:05d}", f"Neural codec {i}", updated=f"2026-01-{i + 1:02d}T12:00:00Z")
                   for i in range(20)]
    assert update.main(["--root", str(tmp_path)]) == 0
    stored = load_store(tmp_path)
    assert sorted(stored) == [f"2601.{i:05d}" for i in range(13, 20)]
    assert fake.requests[0]["max_results"] == "7"


def test_paper_in_two_topics_is_stored_once_and_listed_in_both(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, [{"name": "TTS", "query": "TTS"}, {"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "A TTS codec", "A codec for TTS.")]
    assert update.main(["--root", str(tmp_path)]) == 0
    stored = load_store(tmp_path)
    assert list(stored) == ["2601.00001"] and stored["2601.00001"]["topics"] == ["Codec", "TTS"]
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert readme_ids(readme, "TTS") == ["2601.00001"] and readme_ids(readme, "Codec") == ["2601.00001"]


def test_render_is_deterministic_and_says_the_newest_paper_beside_the_live_badge(
        tmp_path: Path, fake: FakeArxiv, capsys: pytest.CaptureFixture[str]) -> None:
    """No run time in README: the badge tells whether the bot ran, so a day with nothing new commits nothing."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "Neural codec", updated="2026-01-05T12:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    first = (tmp_path / "README.md").read_bytes()
    badge = (b"[![Daily update](../../actions/workflows/update.yml/badge.svg)](../../actions/workflows/update.yml)"
             b" \xc2\xb7 newest paper: 2026-01-05 \xc2\xb7 1 papers")
    assert badge in first and b"Last update" not in first
    (tmp_path / "README.md").unlink()
    capsys.readouterr()
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert (tmp_path / "README.md").read_bytes() == first
    assert "Summary: 0 new, 0 updated, 1 files changed; nothing fetched" in capsys.readouterr().out


def test_shipped_repository_holds_the_imported_seed() -> None:
    stored = load_store(REPO)
    sections = seed_import.parse_readme(SEED.read_text(encoding="utf-8"))
    rows = [(topic, r["id"]) for topic, records in sections.items() for r in records]
    assert len(rows) == 353 and len({i for _, i in rows}) == 337
    for topic, paper_id in rows:
        assert topic in stored[paper_id]["topics"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(pipeline.GENERATED_MARK)
    assert len(readme.encode()) < 512_000


def test_shipped_readme_is_what_the_store_renders(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "keywords.yaml", tmp_path / "keywords.yaml")
    assert update.main(["--root", str(tmp_path), "--no-fetch", "-q"]) == 0
    shipped = [REPO / "README.md", *sorted((REPO / "papers").rglob("*.md"))]
    stale = [path.relative_to(REPO).as_posix() for path in shipped
             if (tmp_path / path.relative_to(REPO)).read_bytes() != path.read_bytes()]
    # names only: pytest's diff of two 500 kB files would take many minutes
    assert not stale, f"{stale} differ from what the store renders: run 'python scripts/update.py --no-fetch -q'"


@pytest.mark.parametrize("template,broken,where", [
    ("topic.md.j2", "{% for p in papers %}\nno endfor\n", "templates/topic.md.j2:"),
    ("_row.md.j2", "{% for p in papers %}\n{{ p['no_such_field'] }}\n{% endfor %}\n", "templates/_row.md.j2:2:"),
    ("_row.md.j2", "{% for p in papers %}\n| {{ p.title }} |\n| second line |\n{% endfor %}\n",
     "templates/_row.md.j2:1: each paper's row must be exactly one line"),
])
def test_a_broken_template_is_one_clear_line_and_writes_nothing(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        template: str, broken: str, where: str) -> None:
    import shutil

    from daily import render

    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    (templates / template).write_text(broken, encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", templates)
    render.environment.cache_clear()
    root = tmp_path / "repo"
    root.mkdir()
    write_keywords(root, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "Neural codec")]
    before = snapshot(root)
    try:
        assert update.main(["--root", str(root)]) == 2
    finally:
        render.environment.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {where}"), err
    assert f"git checkout -- templates/{template}" in err[0]
    assert snapshot(root) == before


@pytest.mark.parametrize("template,broken,where", hostile.TEMPLATES, ids=[f"{t}: {w.split(': ', 1)[-1][:30]}"
                                                                         for t, _, w in hostile.TEMPLATES])
def test_a_template_failing_while_it_renders_is_one_line_and_writes_nothing(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        template: str, broken: str, where: str) -> None:
    test_a_broken_template_is_one_clear_line_and_writes_nothing(tmp_path, fake, monkeypatch, capsys, template,
                                                               broken, where)


def test_a_readme_that_is_a_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_keywords(tmp_path, [{"name": "A", "query": "codec"}])
    (tmp_path / "README.md").mkdir()  # what the seed import reads: unreadable, even for root
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: README.md: Is a directory; ") and "\n" not in err, err


@pytest.mark.parametrize("repository,site", [("Octo/speech-papers", "https://octo.github.io/speech-papers/"),
                                             ("octo/Octo.github.io", "https://octo.github.io/")])
def test_readme_links_the_site_of_the_repository_the_workflow_runs_in(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, repository: str, site: str) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2602.00001", "A codec")]
    assert update.main(["--root", str(tmp_path)]) == 0
    assert "github.io" not in (tmp_path / "README.md").read_text()  # not known yet: no site link at all
    monkeypatch.setenv("GITHUB_REPOSITORY", repository)
    assert update.main(["--root", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "data" / "state.json").read_text())["repository"] == repository
    readme = (tmp_path / "README.md").read_text()
    assert f"<{site}>" in readme and "search.html" not in readme  # How to use names it; no Pages seen: no Today links
    monkeypatch.setenv("SITE_URL", site)  # the workflow's Pages check saw the site published
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert json.loads((tmp_path / "data" / "state.json").read_text())["site"] == site
    assert f"]({site}search.html)" in (tmp_path / "README.md").read_text()  # the Today block links it now
    monkeypatch.delenv("SITE_URL")  # a laptop's run: the recorded site stays
    monkeypatch.setenv("GITHUB_REPOSITORY", "not a repository; rm -rf")  # ignored: the recorded one stays
    assert update.main(["--root", str(tmp_path)]) == 0
    monkeypatch.delenv("GITHUB_REPOSITORY")
    before = snapshot(tmp_path)
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0  # rendered on a laptop: the same bytes
    readme = (tmp_path / "README.md").read_text()
    assert snapshot(tmp_path) == before and f"<{site}>" in readme and f"]({site}search.html)" in readme
    monkeypatch.setenv("SITE_URL", "")  # the workflow's check found Pages turned off: the Today links go
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert "search.html" not in (tmp_path / "README.md").read_text()
    assert "site" not in json.loads((tmp_path / "data" / "state.json").read_text())


def _clock_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "clock" in r.getMessage()]


def test_a_clock_behind_rewrites_no_stored_date(tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """DAILY_PAPERS_NOW months behind: --no-fetch changes nothing stored; a fetch clamps by arXiv's Date header."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2602.00001", "A codec", updated="2026-02-10T12:00:00Z", published="2026-02-01T00:00:00Z"),
                   paper("2602.00002", "A codec too", updated="2026-02-09T12:00:00Z")]
    assert update.main(["--root", str(tmp_path)]) == 0
    data = {k: v for k, v in snapshot(tmp_path).items() if k.startswith("data/papers/")}
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2025-01-01T00:00:00Z")
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert {k: v for k, v in snapshot(tmp_path).items() if k.startswith("data/papers/")} == data
    fake.date = "2026-02-14T01:00:00Z"  # arXiv's own time is right
    fake.papers[1] = paper("2602.00002", "A codec too", version=2, updated="2026-02-13T20:00:00Z")
    fake.papers.append(paper("2602.00003", "A codec from the future", updated="2099-12-31T00:00:00Z"))
    caplog.clear()
    assert update.main(["--root", str(tmp_path)]) == 0
    stored = load_store(tmp_path)
    assert stored["2602.00001"]["updated"] == "2026-02-10T12:00:00Z"
    assert stored["2602.00001"]["published"] == "2026-02-01T00:00:00Z"
    assert stored["2602.00002"]["version"] == 2 and stored["2602.00002"]["updated"] == "2026-02-13T20:00:00Z"
    assert stored["2602.00003"]["updated"] == "2026-02-14T01:00:00Z"
    assert len(_clock_lines(caplog)) == 1, _clock_lines(caplog)


def test_a_run_with_the_clock_years_ahead_does_not_hide_a_later_gap(tmp_path: Path, fake: FakeArxiv,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One run years ahead, then 30 days without a run: the papers of the whole gap are fetched."""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "A codec", updated="2026-01-09T12:00:00Z")]
    fake.date = "2026-01-10T01:00:00Z"
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2030-01-01T00:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    fake.date = None
    fake.papers += [paper("2601.00002", "A codec in the gap", updated="2026-01-15T12:00:00Z"),
                    paper("2602.00003", "A recent codec", updated="2026-02-08T12:00:00Z")]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-09T01:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    assert {"2601.00002", "2602.00003"} <= set(load_store(tmp_path))


def test_a_recorded_fetch_later_than_now_windows_from_the_newest_stored_paper(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A future `fetched` (an earlier version's run with a clock ahead) is unknown: one warning line, no gap.
    (Codec lists nothing new for weeks here: a rare topic, else the run would exit 4, issue 33.)"""
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec", "quiet_days_ok": 100}])
    fake.papers = [paper("2601.00001", "A codec", updated="2026-01-09T12:00:00Z")]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-01-10T01:00:00Z")
    assert update.main(["--root", str(tmp_path)]) == 0
    path = tmp_path / "data" / "state.json"
    state = json.loads(path.read_text())
    state["topics"]["Codec"]["fetched"] = "2030-01-01T00:00:00Z"
    path.write_text(json.dumps(state))
    fake.papers += [paper("2601.00002", "A codec in the gap", updated="2026-01-15T12:00:00Z")]
    monkeypatch.setenv("DAILY_PAPERS_NOW", "2026-02-09T01:00:00Z")
    caplog.clear()
    assert update.main(["--root", str(tmp_path)]) == 0
    assert "2601.00002" in load_store(tmp_path)
    lines = _clock_lines(caplog)
    assert len(lines) == 1 and "2030-01-01T00:00:00Z" in lines[0], lines
    assert json.loads(path.read_text())["topics"]["Codec"]["fetched"] == "2026-02-09T01:00:00Z"


def test_a_renamed_topic_whose_address_had_a_hash_keeps_its_old_page_and_feed(tmp_path: Path,
                                                                             fake: FakeArxiv) -> None:
    """"Speech-LM" beside "Speech LM" lives at speech-lm-<hash>; renamed with its alias, that page and feed used
    to be deleted (the alias was looked up at the plain slug, which the other topic has)."""
    write_keywords(tmp_path, [{"name": "Speech LM", "query": "codec"}, {"name": "Speech-LM", "query": "vocoder"}])
    fake.papers = [paper("2601.00001", "Neural codec"), paper("2601.00002", "Neural vocoder")]
    assert update.main(["--root", str(tmp_path), "-q"]) == 0
    hashed = next(p.stem for p in (tmp_path / "feeds").glob("speech-lm-*.xml"))
    old_id = f"<id>urn:daily-papers:topic:{hashed}</id>"
    assert old_id in (tmp_path / "feeds" / f"{hashed}.xml").read_text(encoding="utf-8")
    write_keywords(tmp_path, [{"name": "Speech LM", "query": "codec"},
                              {"name": "Vocoders", "query": "vocoder", "aliases": ["Speech-LM"]}])
    assert update.main(["--root", str(tmp_path), "-q", "--no-fetch"]) == 0
    assert "](vocoders.md)" in (tmp_path / "papers" / f"{hashed}.md").read_text(encoding="utf-8")
    feed = (tmp_path / "feeds" / f"{hashed}.xml").read_text(encoding="utf-8")
    assert old_id in feed and "2601.00002" in feed
    assert "2601.00001" in (tmp_path / "feeds" / "speech-lm.xml").read_text(encoding="utf-8")  # the other's own
