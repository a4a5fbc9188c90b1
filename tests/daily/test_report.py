"""What users see: job summary, log groups, notification issue, docs completeness."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, git_remote, write_keywords
from fake_arxiv import FakeArxiv, Fault, paper

import update
from core import config as cfg
from core import interests
from daily import cli, report


def test_job_summary_and_log_groups_in_actions(tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    root = tmp_path / "repo"
    root.mkdir()
    write_keywords(root, [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}],
                   {"max_tries": 2})
    fake.papers = [paper("2601.00001", "A codec | with pipes")]
    fake.faults.append(Fault("status", 503, b"Unavailable", match="vocoder", times=9))
    assert update.main(["--root", str(root)]) == 1  # two new topics: a request each; Vocoder's fails
    out = capsys.readouterr().out
    assert out.count("::group::") == 2 and out.count("::endgroup::") == 2
    text = summary.read_text()
    assert "| Codec | 1 | 0 | 0 | 1 | 🆕 new topic" in text
    assert "arXiv had a server error (HTTP 503) after 2 tries" in text and "the next run catches up" in text
    assert "**Status:** failed\\: Vocoder could not be fetched" in text
    assert "[A codec \\| with pipes](https://arxiv.org/abs/2601.00001)" in text


def test_notification_issue_lists_new_papers_and_stays_under_the_limit(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"notify": "issue", "initial_results": 2000,
                                                                     "page_size": 2000})
    fake.papers = [paper(f"2601.{i:05d}", f"A codec number {i} " + "long title " * 20) for i in range(1500)]
    issue = tmp_path / "issue.md"
    assert update.main(["--root", str(tmp_path), "--issue-file", str(issue)]) == 0
    body = issue.read_text()
    assert len(body) <= report.ISSUE_LIMIT and "## Codec (1500 new)" in body and "more in the README" in body
    assert update.main(["--root", str(tmp_path), "--issue-file", str(issue)]) == 0
    assert not issue.exists(), "no news, no issue"


def test_every_cli_option_and_keywords_key_is_documented() -> None:
    readme = "".join(p.read_text() for p in (REPO / "docs").glob("*.md"))  # the docs moved to docs/ (issue 34)
    parser_help = cli.parse_args.__code__.co_consts
    options = set(re.findall(r"--[a-z][a-z-]+", " ".join(c for c in parser_help if isinstance(c, str))))
    assert {"--dry-run", "--topic", "--explain", "--backfill", "--commit", "--push"} <= options
    for option in options:
        assert f"`{option}" in readme, f"{option} is not documented in docs/"
    for key in (*cfg.TOPIC_KEYS, *cfg.TOP_KEYS, *cfg.DEFAULT_SETTINGS, *interests.KEYS):
        assert f"`{key}`" in readme, f"keywords.yaml key {key} is not documented in docs/"


def test_notification_issue_names_the_authors_and_the_version(tmp_path: Path, fake: FakeArxiv) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"notify": "issue"})
    fake.papers = [paper("2601.00001", "A codec", version=2, updated="2026-02-03T10:00:00Z",
                         authors=("Ada Lovelace", "@octocat", "Grace Hopper", "Alan Turing")),
                   paper("2601.00002", "Another codec", updated="2026-02-02T10:00:00Z", authors=("Kurt Gödel",))]
    issue = tmp_path / "issue.md"
    assert update.main(["--root", str(tmp_path), "--issue-file", str(issue)]) == 0
    lines = [line for line in issue.read_text().splitlines() if line.startswith("- [")]
    heads = [line.split("<br>")[0] for line in lines]
    assert heads == ["- [A codec](https://arxiv.org/abs/2601.00001) — 2026-02-03 (v2), "
                     "Ada Lovelace, @<!-- -->octocat, Grace Hopper et al.",
                     "- [Another codec](https://arxiv.org/abs/2601.00002) — 2026-02-02, Kurt Gödel"]
    assert all(line.count("<br>**Key sentence:** ") == 1 for line in lines)  # each paper's line, labelled


def test_new_counts_only_what_a_table_lists_and_hidden_papers_apart(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = git_remote(tmp_path, [{"name": "Codec", "query": "codec", "exclude": ["watermark"]}], monkeypatch)
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00004", "A watermark codec", updated="2026-02-09T00:00:00Z")]
    assert update.main(["--root", str(work), "--push"]) == 0
    assert bare.commit("main").message.strip() == "1 new, 0 updated, +1 hidden: Codec +1"
    fake.papers += [paper("2601.00002", "Another codec", updated="2026-02-11T00:00:00Z"),
                    paper("2601.00003", "A watermark codec too", updated="2026-02-11T00:00:00Z")]
    fake.papers[1] = paper("2601.00004", "A watermark codec", version=2, updated="2026-02-12T00:00:00Z")
    capsys.readouterr()
    assert update.main(["--root", str(work), "--push"]) == 0
    assert bare.commit("main").message.strip() == "1 new, 0 updated, +2 hidden: Codec +1"
    assert "Status: new papers: 1 new, 0 updated, +2 hidden (" in capsys.readouterr().out


@pytest.mark.parametrize("commit", [False, True])
def test_a_revised_paper_in_two_topics_is_updated_in_both(
        tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        commit: bool) -> None:
    topics = [{"name": "Codec", "query": "codec"}, {"name": "Speech", "query": "speech"}]
    _, work = git_remote(tmp_path, topics, monkeypatch)
    fake.papers = [paper("2601.00001", "A speech codec")]
    flags = ["--commit"] if commit else []
    assert update.main(["--root", str(work), *flags]) == 0
    fake.papers[0] = paper("2601.00001", "A speech codec", version=2, updated="2026-02-12T00:00:00Z")
    capsys.readouterr()
    assert update.main(["--root", str(work), *flags]) == 0
    out = capsys.readouterr().out
    assert "Codec: 0 new, 1 updated" in out and "Speech: 0 new, 1 updated" in out, out


def test_a_renamed_topic_in_the_commit_message_closes_no_issue() -> None:
    """Issue 33: the 'renamed topics:' part carried topic names as they are, so a topic once named "Fixes #1" closed
    issue 1 when the bot's commit reached the default branch."""
    from core.models import Outcome, TopicRun

    outcome = Outcome(runs=[TopicRun("Closes GH-2")], renamed={"Fixes #1": "Closes GH-2", "@owner": "Closes GH-2"})
    message = report.commit_message(outcome)
    assert "renamed topics" in message.lower()
    assert "#1" not in message and "GH-2" not in message and "@owner" not in message, message
    assert "Fixes #\u200b1 -> Closes GH\u200b-2" in message


def test_the_title_setting_is_escaped_in_the_job_summary_heading(tmp_path: Path) -> None:
    """Issue 33: settings.title went into the summary's heading as plain text: Markdown in it was live, and a title
    starting with '::' read like a workflow command."""
    from core.models import FetchReport, TopicRun

    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}], {"title": "::warning::*bold* [x](y) #1"})
    config = cfg.load(tmp_path / "keywords.yaml")
    text = report.summary_markdown([TopicRun("Codec")], None, config, FetchReport(requests=1))
    heading = text.splitlines()[0]
    assert not heading.startswith("## ::") and "*bold*" not in heading and "[x](y)" not in heading, heading
    assert "\\*bold\\*" in heading and "\\[x\\](y)" in heading


def test_a_topic_name_never_acts_as_a_workflow_command_in_the_log(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 33: a topic's name went into console lines and ::group:: titles as written; a newline and '::' in it
    gave the runner a command of its own."""
    from core.models import TopicRun

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    name = "Codec\n::error::owned %0A"
    assert "\n" not in report.topic_line(TopicRun(name))
    report.group_start(f"request 1 of 1: {name}")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "%0A" not in out and "%250A" in out, out
    assert not any(line.lstrip().startswith("::error") for line in out.splitlines())


def test_an_outage_is_one_status_and_one_line_not_every_topic_failed(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 33: on a day arXiv answered nothing, every topic got a FAILED line and the Status named them all."""
    from core.models import FetchReport, TopicRun

    outage = "arXiv was unreachable (HTTP 503 on all 6 requests)"
    runs = [TopicRun(f"Topic {i}", error=outage) for i in range(3)]
    fetched = FetchReport(requests=6, unreachable=outage)
    assert report.status(runs, fetched).startswith(f"unreachable: {outage}; no topic was fetched")
    assert report.exit_status(runs) == report.EXIT_FAILED  # the status such a day always had
    report.print_summary(runs, None, fetched)
    out = capsys.readouterr().out
    assert "FAILED" not in out and out.count(outage) == 2, out


def test_a_topic_quiet_too_long_is_one_warning_in_the_log_and_summary_and_exit_status_4(tmp_path: Path) -> None:
    """Issue 33: a query arXiv started to answer with nothing looked like a quiet day, forever."""
    from datetime import date

    from core.models import FetchReport, Outcome, Quiet, TopicRun

    days = [date(2026, 12, d) for d in (1, 2, 3, 6, 7, 8, 9)]
    runs = [TopicRun("Fixes #1", query="q"), TopicRun("Codec", query="q")]
    warned, failing = Quiet("Fixes #1", days[:3], "2026-11-30", False), Quiet("Fixes #1", days, "2026-11-30", True)
    assert report.exit_status(runs, [warned]) == 0 and report.exit_status(runs, [failing]) == report.EXIT_QUIET == 4
    assert report.exit_status([TopicRun("Codec", error="HTTP 400")], [failing]) == report.EXIT_FAILED
    line = report.quiet_line(failing)
    assert line.startswith('warning: topic "Fixes #1" listed no new paper on the last 7 announcement days '
                           "(2026-12-01 to 2026-12-09; newest 2026-11-30)") and "--explain" in line, line
    assert "\n" not in line and line.endswith("exit status 4 until a paper is listed")
    assert report.quiet_line(Quiet(None, days[:3], "2026-11-30", False)).startswith(
        "warning: no topic listed a new paper on the last 3 announcement days")  # every topic was quiet
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    text = report.summary_markdown(runs, Outcome(runs=runs, quiet=[failing]), cfg.load(tmp_path / "keywords.yaml"),
                                   FetchReport(requests=1))
    assert '❌ warning\\: topic "Fixes \\#1" listed no new paper on the last 7' in text, text
