"""interests/*.txt: one arXiv id a line; a bad line is one file:line error."""

from __future__ import annotations

import pytest

from config import ConfigError
from digest import interests


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
