"""interests/*.txt: one arXiv id a line; a bad line is one file:line error."""

from __future__ import annotations

import pytest

import update
from core import config as cfg
from core import interests
from core.config import ConfigError


def test_ids_comments_blank_lines_and_versions(tmp_path):
    (tmp_path / "interests").mkdir()
    (tmp_path / "interests" / "a.txt").write_text("# mine\n2401.01234v2\n\narXiv:2401.01234\nhep-th/9901001 # old\n")
    (tmp_path / "interests" / "b.txt").write_text("2312.00001\n")
    assert interests.read_id_files(tmp_path) == ["2401.01234", "hep-th/9901001", "2312.00001"]


def test_bad_line_is_file_and_line(tmp_path):
    (tmp_path / "interests").mkdir()
    (tmp_path / "interests" / "a.txt").write_text("2401.01234\nnot an id\n")
    with pytest.raises(ConfigError, match=r"^interests/a\.txt:2: 'not an id' is not an arXiv id, fix:"):
        interests.read_id_files(tmp_path)


def test_no_folder_means_no_ids(tmp_path):
    assert interests.read_id_files(tmp_path) == []


GOOD_TOPIC = "topics:\n  - name: TTS\n    query: 'TTS'\n"


def load(tmp_path, text):
    """keywords.yaml with these lines after one topic, validated."""
    path = tmp_path / "keywords.yaml"
    path.write_text(GOOD_TOPIC + text)
    return cfg.load(path)


def test_block_defaults_and_values(tmp_path):
    assert load(tmp_path, "").interests is None
    got = load(tmp_path, "interests:\n  papers: ['2510.00981v2', 'arXiv:2506.23325', '2510.00981']\n"
                         "  library: library.bib\n").interests
    assert (got.papers, got.library, got.picks, got.on) == (("2510.00981", "2506.23325"), "library.bib", 10, True)
    assert load(tmp_path, "interests:\n  picks: 0\n").interests.on is False


@pytest.mark.parametrize("text, message", [
    ("interests: [1]\n", "keywords.yaml:4: 'interests' must be a mapping"),
    ("interests:\n  paper: ['2510.00981']\n", "keywords.yaml:5: interests: unknown key 'paper'; known keys are"),
    ("interests:\n  papers: [2510.00981]\n", "keywords.yaml:5: interests: papers: '2510.00981' is not an arXiv id; "
                                             "write each id in quotes"),
    ("interests:\n  papers: ['x']\n", "keywords.yaml:5: interests: papers: 'x' is not an arXiv id"),
    ("interests:\n  papers: {a: 1}\n", "keywords.yaml:5: interests: 'papers' must be a list of arXiv ids"),
    ("interests:\n  library: [a]\n", "keywords.yaml:5: interests: 'library' must be a file name"),
    ("interests:\n  picks: 101\n", "keywords.yaml:5: interests: 'picks' must be a whole number from 0 to 100"),
    ("interests:\n  picks: true\n", "keywords.yaml:5: interests: 'picks' must be a whole number"),
])
def test_bad_block_is_one_line_with_file_line_and_fix(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_bad_block_exits_2_before_anything_is_written(tmp_path, capsys):
    (tmp_path / "keywords.yaml").write_text(GOOD_TOPIC + "interests:\n  picks: -1\n")
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 2
    assert "keywords.yaml:5: interests: 'picks'" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keywords.yaml"]


def test_all_ids_joins_the_block_and_the_files(tmp_path):
    (tmp_path / "interests").mkdir()
    (tmp_path / "interests" / "stars.txt").write_text("2506.23325\n2401.00001\n")
    got = load(tmp_path, "interests:\n  papers: ['2510.00981', '2506.23325']\n").interests
    assert interests.all_ids(got, tmp_path) == ["2510.00981", "2506.23325", "2401.00001"]
