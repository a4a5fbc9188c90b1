"""interests/*.txt: one arXiv id a line; a bad line is one file:line error. interests/not-for-me/*.txt and `not:` the same, apart."""

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
    ("interests:\n  library: \"lib\\0.json\"\n", "keywords.yaml:5: interests: 'library' must be a file name"),  # NUL
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


def symlink(link, target):
    """A real symbolic link, as a commit can hold one."""
    link.symlink_to(target)
    return link


@pytest.mark.parametrize("library", ["/etc/passwd", "../outside.bib", "a/../../outside.bib", "~/library.bib",
                                     "C:\\Users\\me\\library.bib"])
def test_library_path_leaving_the_repository_is_one_line_naming_the_setting(tmp_path, library):
    """Issue 33: interests.library took an absolute path or ../, and a title from outside the repository got
    published; the docs say it is a file in the repository."""
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, f"interests:\n  library: '{library}'\n")
    message = str(caught.value)
    assert message.startswith("keywords.yaml:5: interests.library ") and ", fix: " in message and "\n" not in message


def test_library_link_leaving_the_repository_is_refused_unread(tmp_path):
    """Issue 33: a committed symlink whose target is outside the repository; the message quotes the setting only."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.bib").write_text("@misc{k, title={A secret title}}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    symlink(repo / "library.bib", outside / "secret.bib")
    got = load(repo, "interests:\n  library: library.bib\n").interests
    with pytest.raises(ConfigError) as caught:
        interests.library_file(got, repo, "keywords.yaml")
    message = str(caught.value)
    assert message.startswith("keywords.yaml:5: interests.library 'library.bib' leads outside the repository, fix:")
    assert "secret" not in message.replace("library.bib", "") and "\n" not in message
    symlink(repo / "inside.bib", repo / "sub" / "real.bib")  # a link within the repository is fine
    assert interests.library_file(interests.Interests(library="inside.bib"), repo, "k") == repo / "inside.bib"


def test_id_file_linked_to_a_system_file_is_refused_without_quoting_it(tmp_path):
    """Issue 33: interests/x.txt -> /etc/passwd printed that file's first line in the error."""
    (tmp_path / "outside.txt").write_text("root:x:0:0:root:/root:/bin/bash\n")
    repo = tmp_path / "repo"
    (repo / "interests").mkdir(parents=True)
    symlink(repo / "interests" / "x.txt", tmp_path / "outside.txt")
    with pytest.raises(ConfigError) as caught:
        interests.read_id_files(repo)
    assert str(caught.value).startswith("interests/x.txt: is a link to a file outside the repository, fix:")
    assert "root" not in str(caught.value)


def test_id_file_and_id_caps_are_checked_before_reading(tmp_path):
    """Issue 33: each interests/*.txt at most 1 MB, and 5,000 liked ids in all (50,000 took 22.6 s)."""
    folder = tmp_path / "interests"
    folder.mkdir()
    (folder / "big.txt").write_text("2401.01234\n" * 100_000)
    with pytest.raises(ConfigError, match=r"^interests/big\.txt: 1,100,000 bytes are more than 1,000,000, fix:"):
        interests.read_id_files(tmp_path)
    (folder / "big.txt").unlink()
    many = [f"24{month:02d}.{n:05d}" for month in range(1, 13) for n in range(1, 5_001)][:50_000]
    (folder / "a.txt").write_text("\n".join(many[:3_000]) + "\n")
    (folder / "b.txt").write_text("\n".join(many[3_000:50_000]) + "\n")
    with pytest.raises(ConfigError, match=r"^interests/b\.txt: interests: more than 5,000 liked ids"):
        interests.read_id_files(tmp_path)
    got = load(tmp_path, "interests:\n  papers: ['2510.00981']\n").interests
    (folder / "b.txt").write_text("\n".join(many[3_000:4_999]) + "\n")
    assert len(interests.all_ids(got, tmp_path)) == 5_000
    (folder / "b.txt").write_text("\n".join(many[3_000:5_000]) + "\n")
    with pytest.raises(ConfigError, match="more than 5,000 liked ids"):
        interests.all_ids(got, tmp_path)


def test_ids_arxiv_cannot_have_are_skipped_with_one_warning(tmp_path, caplog):
    """Issue 33: 1999.99999 and issues/1234567 have id syntax but no real month or archive: skipped, not refused."""
    (tmp_path / "interests").mkdir()
    (tmp_path / "interests" / "a.txt").write_text("2401.01234\n1999.99999\nissues/1234567\n0703.0001\n")
    with caplog.at_level("WARNING"):
        assert interests.read_id_files(tmp_path) == ["2401.01234"]
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("warning: interests/a.txt:2: '1999.99999' (and 2 more) cannot be an arXiv id")


def test_lines_pass_the_border_and_a_refused_line_is_log_safe(tmp_path):
    """Issue 33: invisible characters around a pasted id are blanks; a quoted bad line cannot act as a workflow command."""
    (tmp_path / "interests").mkdir()
    (tmp_path / "interests" / "a.txt").write_text("\ufeff\u200b2401.01234\u202e\U000e0041\n")
    assert interests.read_id_files(tmp_path) == ["2401.01234"]
    (tmp_path / "interests" / "a.txt").write_text("::error::owned\n")
    with pytest.raises(ConfigError) as caught:
        interests.read_id_files(tmp_path)
    assert "'::error" not in str(caught.value) and "': :error::owned'" in str(caught.value)


def test_library_link_outside_exits_2_through_the_run(tmp_path, capsys):
    """Issue 33: the refusal is the run's one line and exit status 2, before arXiv is asked."""
    (tmp_path / "secret.bib").write_text("@misc{k, title={A secret title}}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    symlink(repo / "library.bib", tmp_path / "secret.bib")
    (repo / "keywords.yaml").write_text(GOOD_TOPIC + "interests:\n  library: library.bib\n")
    assert update.main(["--root", str(repo), "--no-fetch"]) == 2
    err = capsys.readouterr().err
    assert "keywords.yaml:5: interests.library 'library.bib' leads outside the repository" in err
    assert "secret title" not in err


def test_not_for_me_block_and_folder_are_read_apart_from_the_liked(tmp_path):
    """Issue 36: interests: {not: [...]} and interests/not-for-me/*.txt are the papers not for me, never liked ones;
    the liked reader globs interests/*.txt only, so the folder below it is not read as liked."""
    folder = tmp_path / "interests" / "not-for-me"
    folder.mkdir(parents=True)
    (tmp_path / "interests" / "starred.txt").write_text("2401.00001\n")
    (folder / "b.txt").write_text("# not for me\n2402.00002v3\n\narXiv:2402.00003 # a look-alike\n2402.00002\n")
    (folder / "a.txt").write_text("2402.00001\n")
    (folder / "notes.md").write_text("2402.09999\n")  # only .txt files are lists
    got = load(tmp_path, "interests:\n  papers: ['2510.00981']\n  not: ['2403.00001v2', 'arXiv:2402.00001']\n").interests
    assert (got.not_for_me, got.not_line) == (("2403.00001", "2402.00001"), 6)
    assert interests.all_ids(got, tmp_path) == ["2510.00981", "2401.00001"]
    assert interests.read_id_files(tmp_path) == ["2401.00001"]
    assert interests.not_for_me_ids(got, tmp_path) == ["2403.00001", "2402.00001", "2402.00002", "2402.00003"]
    assert interests.not_for_me_ids(interests.Interests(), tmp_path) == ["2402.00001", "2402.00002", "2402.00003"]
    assert interests.where_not_listed(got, tmp_path, "2403.00001", "keywords.yaml") == "keywords.yaml:6"
    assert interests.where_not_listed(got, tmp_path, "2402.00003", "keywords.yaml") == "interests/not-for-me/b.txt:4"
    assert interests.where_not_listed(got, tmp_path, "2401.00001", "keywords.yaml") == "keywords.yaml"


def test_no_not_for_me_folder_means_none(tmp_path):
    assert interests.not_for_me_ids(interests.Interests(), tmp_path) == []
    assert load(tmp_path, "interests:\n  picks: 3\n").interests.not_for_me == ()


@pytest.mark.parametrize("text, message", [
    ("interests:\n  not: [2510.00981]\n", "keywords.yaml:5: interests: not: '2510.00981' is not an arXiv id; "
                                          "write each id in quotes"),
    ("interests:\n  papers: ['2510.00981']\n  not: ['2510.00982', 'x']\n",
     "keywords.yaml:6: interests: not: 'x' is not an arXiv id"),
    ("interests:\n  not: {a: 1}\n", "keywords.yaml:5: interests: 'not' must be a list of arXiv ids, like not: ["),
])
def test_bad_not_block_is_one_line_with_its_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_bad_not_for_me_line_names_the_file_and_line(tmp_path):
    (tmp_path / "interests" / "not-for-me").mkdir(parents=True)
    (tmp_path / "interests" / "not-for-me" / "x.txt").write_text("2401.01234\nhttps://arxiv.org/abs/2401.01235\n")
    with pytest.raises(ConfigError, match=r"^interests/not-for-me/x\.txt:2: 'https://arxiv\.org/abs/2401\.01235' is "
                                          r"not an arXiv id, fix:"):
        interests.not_for_me_ids(interests.Interests(), tmp_path)


def test_not_for_me_ids_skip_unreal_ones_with_one_warning(tmp_path, caplog):
    (tmp_path / "interests" / "not-for-me").mkdir(parents=True)
    (tmp_path / "interests" / "not-for-me" / "x.txt").write_text("1999.99999\n2401.01234\nissues/1234567\n")
    with caplog.at_level("WARNING"):
        assert interests.not_for_me_ids(interests.Interests(), tmp_path) == ["2401.01234"]
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("warning: interests/not-for-me/x.txt:1: '1999.99999' (and 1 more) cannot be an arXiv id")


def test_not_for_me_cap_is_counted_apart_from_the_liked_ids(tmp_path):
    """Issue 36: 5,000 liked ids and 5,000 not-for-me ids are both fine; one more not-for-me id is refused, naming
    the file that passed the cap."""
    many = [f"24{month:02d}.{n:05d}" for month in range(1, 13) for n in range(1, 5_001)][:10_001]
    folder = tmp_path / "interests" / "not-for-me"
    folder.mkdir(parents=True)
    (tmp_path / "interests" / "liked.txt").write_text("\n".join(many[:5_000]) + "\n")
    (folder / "a.txt").write_text("\n".join(many[5_000:7_000]) + "\n")
    (folder / "b.txt").write_text("\n".join(many[7_000:10_000]) + "\n")
    got = interests.Interests(papers=())
    assert len(interests.all_ids(got, tmp_path)) == 5_000
    assert len(interests.not_for_me_ids(got, tmp_path)) == 5_000
    with pytest.raises(ConfigError) as caught:
        interests.not_for_me_ids(interests.Interests(not_for_me=(many[10_000],)), tmp_path)
    message = str(caught.value)
    assert message.startswith("interests/not-for-me/b.txt: interests: more than 5,000 not-for-me ids (interests.not "
                              "and interests/not-for-me/*.txt together), fix: ") and "\n" not in message
    too_many = "interests:\n  not: [" + ", ".join(f"'{paper}'" for paper in many[:5_001]) + "]\n"
    with pytest.raises(ConfigError, match=r"^keywords\.yaml:5: interests: not: 5,001 ids are more than 5,000;"):
        load(tmp_path, too_many)


def test_not_for_me_file_linked_outside_the_repository_is_refused_unread(tmp_path):
    (tmp_path / "outside.txt").write_text("root:x:0:0:root:/root:/bin/bash\n")
    repo = tmp_path / "repo"
    (repo / "interests" / "not-for-me").mkdir(parents=True)
    symlink(repo / "interests" / "not-for-me" / "x.txt", tmp_path / "outside.txt")
    with pytest.raises(ConfigError) as caught:
        interests.not_for_me_ids(interests.Interests(), repo)
    assert str(caught.value).startswith("interests/not-for-me/x.txt: is a link to a file outside the repository")
    assert "root" not in str(caught.value)
    (repo / "interests" / "not-for-me" / "x.txt").unlink()
    (repo / "interests" / "not-for-me").rmdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "y.txt").write_text("2401.01234\n")
    symlink(repo / "interests" / "not-for-me", tmp_path / "out")  # the folder itself a link out of the repository
    with pytest.raises(ConfigError, match=r"^interests/not-for-me/y\.txt: is a link to a file outside the repository"):
        interests.not_for_me_ids(interests.Interests(), repo)
