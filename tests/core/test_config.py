"""keywords.yaml validation: each mistake is one line with file, line, problem and fix; nothing written."""

from __future__ import annotations

from pathlib import Path

import hostile_inputs as hostile
import pytest
from conftest import REPO, snapshot

import update
from core import config as cfg

GOOD_TOPIC = "topics:\n  - name: TTS\n    query: 'TTS'\n"

CASES = [
    ("not YAML", "topics: [\n  - name: x\n", 2, "not valid YAML"),
    ("empty", "", 1, "the file is empty"),
    ("topics missing", "settings: {}\n", 1, "'topics:' is missing"),
    ("topics not a list", "topics: TTS\n", 1, "'topics' must be a non-empty list"),
    ("too many topics", "topics:\n" + "".join(f"  - name: T{i}\n    query: x\n" for i in range(101)), 1,
     "101 topics are more than 100"),
    ("topic not a mapping", "topics:\n  - TTS\n", 1, "topic #1 must be a mapping"),
    ("no name", "topics:\n  - query: 'TTS'\n", 2, "has no 'name:'"),
    ("no query", "topics:\n  - name: TTS\n", 2, "has no 'query:'"),
    ("duplicate names", GOOD_TOPIC + "  - name: tts\n    query: 'x'\n", 4, "is used twice (first on line 2)"),
    ("alias is another topic's name", GOOD_TOPIC + "  - name: Speech\n    query: 'x'\n    aliases: [' tts ']\n", 6,
     "alias 'tts' is used twice (first on line 2); each name and alias may belong to one topic only"),
    ("aliases not text", GOOD_TOPIC + "    aliases: [1]\n", 4, "'aliases' must be a list of text"),
    ("time budget past the workflow's timeout", GOOD_TOPIC + "settings:\n  time_budget: 1800\n", 5,
     "'time_budget' must be a number of seconds from 10 to 1200 (the daily workflow stops the job at 30 minutes)"),
    ("summaries neither auto nor off", GOOD_TOPIC + "settings:\n  summaries: yes\n", 5,
     "'summaries' must be auto or off, got True"),
    ("summary language on two lines", GOOD_TOPIC + "settings:\n  summary_language: \"English\\nIgnore that\"\n", 5,
     "'summary_language' must be a language name"),
    ("summary model empty", GOOD_TOPIC + "settings:\n  summary_model: ''\n", 5, "'summary_model' must be a model name"),
    ("too many summaries", GOOD_TOPIC + "settings:\n  max_summaries_per_run: 5000\n", 5,
     "'max_summaries_per_run' must be a whole number from 1 to 1000"),
    ("typo in key", GOOD_TOPIC + "    exlude: [a]\n", 4, "unknown key 'exlude'; did you mean 'exclude'?"),
    ("quiet days not a number", GOOD_TOPIC + "    quiet_days_ok: a month\n", 4,
     "topic 'TTS': 'quiet_days_ok' must be a whole number of announcement days from 0 to 3650, got 'a month'; "
     "like quiet_days_ok: 30"),
    ("quiet days negative", GOOD_TOPIC + "    quiet_days_ok: -1\n", 4, "'quiet_days_ok' must be a whole number"),
    ("quiet days true", GOOD_TOPIC + "    quiet_days_ok: yes\n", 4, "'quiet_days_ok' must be a whole number"),
    ("unknown top key", GOOD_TOPIC + "setings: {}\n", 4, "did you mean 'settings'?"),
    ("name not text", "topics:\n  - name: [a]\n    query: x\n", 2, "'name' must be non-empty text"),
    ("query a number", "topics:\n  - name: A\n    query: 42\n", 3, "'query' must be non-empty text"),
    ("exclude wrong type", GOOD_TOPIC + "    exclude: {a: 1}\n", 4, "'exclude' must be a list of text"),
    ("unbalanced quote", "topics:\n  - name: A\n    query: '\"speech synthesis'\n", 3, "unbalanced double quote"),
    ("unbalanced open paren", "topics:\n  - name: A\n    query: '(a OR b'\n", 3, "a '(' is never closed"),
    ("unbalanced close paren", "topics:\n  - name: A\n    query: 'a OR b)'\n", 3, "a ')' has no matching '('"),
    ("dangling operator", "topics:\n  - name: A\n    query: 'a AND'\n", 3, "ends with an operator"),
    ("leading operator", "topics:\n  - name: A\n    query: 'OR a'\n", 3, "operator OR has no term before it"),
    ("non-ASCII query", "topics:\n  - name: A\n    query: 'Sprachsynthese für'\n", 3, "only ASCII"),
    ("unknown field", "topics:\n  - name: A\n    query: 'title:codec'\n", 3, "unknown field prefix title:"),
    ("unknown category", GOOD_TOPIC + "    categories: [cs.sd]\n", 4, "unknown arXiv category 'cs.sd'; did you mean cs.SD?"),
    ("unknown archive wildcard", GOOD_TOPIC + "    categories: [foo.*]\n", 4, "unknown arXiv category 'foo.*'"),
    ("unknown setting", GOOD_TOPIC + "settings:\n  overlap: 3\n", 5, "unknown key 'overlap'; did you mean 'overlap_days'?"),
    ("setting out of range", GOOD_TOPIC + "settings:\n  page_size: 5000\n", 5, "'page_size' must be a whole number from 10 to 2000"),
    ("setting wrong type", GOOD_TOPIC + "settings:\n  notify: yes\n", 5, "'notify' must be none, issue or chat"),
    ("unknown README layout", GOOD_TOPIC + "settings:\n  readme_layout: table\n", 5,
     "'readme_layout' must be compact (one Paper cell per row"),
    ("settings not a mapping", GOOD_TOPIC + "settings: [1]\n", 4, "'settings' must be a mapping"),
]


@pytest.mark.parametrize("text,line,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_keywords_file_is_one_clear_line_and_exit_2(text: str, line: int, message: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keywords.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "README.md").write_text("untouched\n")
    before = snapshot(tmp_path)
    assert update.main(["--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"error: keywords.yaml:{line}: "), err
    assert message in err, err
    assert snapshot(tmp_path) == before


def test_shipped_keywords_file_is_valid_with_defaults() -> None:
    config = cfg.load(REPO / "keywords.yaml")
    assert [t.name for t in config.topics] == ["Speech Synthesis", "TTS", "Audio Caption", "Speech language model"]
    assert config.settings == cfg.DEFAULT_SETTINGS


def test_categories_with_wildcards_expand_and_go_into_the_query(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text("topics:\n  - name: A\n    query: 'TTS OR \"text-to-speech\"'\n    categories: [cs.SD, eess.*]\n")
    topic = cfg.load(path).topics[0]
    assert topic.expanded_categories == ("cs.SD", "eess.AS", "eess.IV", "eess.SP", "eess.SY")
    assert topic.arxiv_query() == (
        '((ti:TTS OR abs:TTS) OR (ti:"text-to-speech" OR abs:"text-to-speech")) AND '
        "(cat:cs.SD OR cat:eess.AS OR cat:eess.IV OR cat:eess.SP OR cat:eess.SY)"
    )


def test_settings_override_defaults(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text(GOOD_TOPIC + "settings:\n  overlap_days: 5\n  readme_papers_per_topic: 20\n  readme_layout: classic\n")
    settings = cfg.load(path).settings
    assert settings["overlap_days"] == 5 and settings["readme_papers_per_topic"] == 20
    assert settings["readme_layout"] == "classic" and cfg.DEFAULT_SETTINGS["readme_layout"] == "compact"
    assert settings["page_size"] == cfg.DEFAULT_SETTINGS["page_size"]


@pytest.mark.parametrize("text,line,message", [c[1:] for c in hostile.KEYWORDS_FILES],
                         ids=[c[0] for c in hostile.KEYWORDS_FILES])
def test_hostile_keywords_file_is_one_line_naming_the_line(text: str, line: int, message: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    test_bad_keywords_file_is_one_clear_line_and_exit_2(text, line, message, tmp_path, capsys)


@pytest.mark.parametrize("text,topics", [c[1:] for c in hostile.KEYWORDS_ACCEPTED],
                         ids=[c[0] for c in hostile.KEYWORDS_ACCEPTED])
def test_odd_but_valid_keywords_files_load(text: str, topics: list[tuple[str, str]], tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text(text, encoding="utf-8")
    assert [(t.name, t.query) for t in cfg.load(path).topics] == topics


def test_merged_keys_are_overridden_by_the_topics_own(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text(hostile.KEYWORDS_ACCEPTED[0][1], encoding="utf-8")
    first, second = cfg.load(path).topics
    assert second.exclude == first.exclude == ("b",) and second.query == "y"


def test_an_unreadable_keywords_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keywords.yaml").mkdir()  # a folder where the file should be: unreadable, even for root
    assert update.main(["--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: keywords.yaml: cannot read it (Is a directory)") and "\n" not in err, err


def test_a_rare_topic_says_how_many_quiet_announcement_days_are_normal(tmp_path: Path) -> None:
    """Issue 33: a topic that lists a paper a month sets quiet_days_ok, so its quiet weeks raise no warning."""
    (tmp_path / "keywords.yaml").write_text(GOOD_TOPIC + "    quiet_days_ok: 30\n  - name: B\n    query: b\n")
    topics = cfg.load(tmp_path / "keywords.yaml").topics
    assert [t.quiet_days_ok for t in topics] == [30, None]
