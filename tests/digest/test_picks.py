"""Picks end to end: the fake arXiv, a library file and liked ids, real git; the day's record and README's section."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from conftest import REPO, load_store
from fake_arxiv import FakeArxiv, paper
from test_publish import remote  # noqa: F401  (the bare remote and its clone)

import update
from core.config import Config
from daily import run as pipeline
from digest import picks, rank

DAY = "2026-02-13"  # conftest's DAILY_PAPERS_NOW: the fake arXiv's Date header
LIBRARY = """@article{mine_codec_2025,
\ttitle = {Residual Vector Quantization for Low-Bitrate Neural Speech Codecs},
\tabstract = {We compress speech with a neural codec: residual vector quantization of encoder frames at low bitrate,
with adversarial training of the decoder.},
\turl = {http://arxiv.org/abs/2501.00007},
}
"""
NEW = [paper("2601.00001", "A neural speech codec at low bitrate",
             "Residual vector quantization of speech frames for a low-bitrate neural codec; decoder trained "
             "adversarially.", updated="2026-02-12T10:00:00Z"),
       paper("2601.00002", "Codec-free singing voice conversion",
             "We convert singing voices with diffusion, without a codec.", updated="2026-02-12T09:00:00Z"),
       paper("2601.00003", "A vocoder for | <b>hostile</b> [titles](javascript:alert(1))",
             "A GAN vocoder for mel spectrograms.", updated="2026-02-11T09:00:00Z")]
LIKED = paper("2501.00009", "Scalar quantization of speech tokens",
              "Finite scalar quantization for discrete speech tokens in a neural audio tokenizer.",
              updated="2025-01-05T00:00:00Z")  # on arXiv, in no topic: found by one id_list request


def keywords(interests: dict | None) -> str:
    """keywords.yaml (JSON is YAML) with two topics and an interests block."""
    data = {"topics": [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}]}
    if interests is not None:
        data["interests"] = interests
    return json.dumps(data, indent=2)


def commit_files(work: Path, files: dict[str, str]) -> None:
    """The user's files, committed and pushed, as on GitHub."""
    repo = git.Repo(work)
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
        repo.git.add(name)
    repo.git.commit("-m", "Interests")
    repo.git.push("origin", "HEAD:main")


def blob(repo: git.Repo, path: str) -> str:
    """A file as committed on origin's main."""
    return (repo.commit("main").tree / path).data_stream.read().decode()


def test_a_day_with_interests_records_picks_and_shows_them_before_the_topics(remote, fake: FakeArxiv) -> None:
    bare, work = remote
    commit_files(work, {"keywords.yaml": keywords({"papers": ["2501.00009"], "library": "library.bib", "picks": 2}),
                        "library.bib": LIBRARY, "interests/stars.txt": "# from the site\n2501.00009\n"})
    fake.papers = [*NEW, LIKED]
    assert update.main(["--root", str(work), "--push"]) == 0
    assert fake.id_list_requests == [["2501.00009"]]
    record = json.loads(blob(bare, f"data/digests/{DAY}.json"))
    assert record["date"] == DAY
    assert record["new"] == {"Codec": ["2601.00001", "2601.00002"], "Vocoder": ["2601.00003"]}
    assert [p["id"] for p in record["picks"]] == ["2601.00001"]  # the others are below the floor
    assert record["picks"][0]["because"] == {"id": "2501.00007",
                                             "title": "Residual Vector Quantization for Low-Bitrate Neural Speech Codecs"}
    assert blob(bare, f"data/digests/{DAY}.json") == picks.dumps(record).decode()
    readme = blob(bare, "README.md")
    assert readme.index("## Picks for you") < readme.index("## Codec") < readme.index("## Vocoder")
    assert "- [Picks for you](#picks-for-you) — 1 of the 3 papers new on 2026-02-13" in readme
    assert "*Ranked by likeness alone until you like 5 papers: star papers on the site" in readme  # 2 liked
    assert ("1. **[A neural speech codec at low bitrate](https://arxiv.org/abs/2601.00001)** · [Codec](#codec) — "
            "because you liked [Residual Vector Quantization for Low-Bitrate Neural Speech Codecs]"
            "(https://arxiv.org/abs/2501.00007)") in readme
    assert json.loads(blob(bare, "data/lookups.json"))["papers"]["2501.00009"]["title"] == LIKED["title"]

    # The same day, later: a new paper; the day's record keeps the first run's ids and ranks them all again.
    fake.papers.append(paper("2601.00004", "Speech codec tokens with residual vector quantization at low bitrate",
                             "A low-bitrate neural speech codec: residual vector quantization and adversarial "
                             "decoder training.", updated="2026-02-12T11:00:00Z"))
    assert update.main(["--root", str(work), "--push"]) == 0
    again = json.loads(blob(bare, f"data/digests/{DAY}.json"))
    assert again["new"] == {"Codec": ["2601.00004", "2601.00001", "2601.00002"], "Vocoder": ["2601.00003"]}
    assert [p["id"] for p in again["picks"]] == ["2601.00004", "2601.00001"]
    assert fake.id_list_requests == [["2501.00009"]], "an id is asked for once, then kept in data/lookups.json"
    assert not git.Repo(work).is_dirty(untracked_files=True)


def test_tldr_is_shown_for_the_stored_version_and_rerendering_keeps_the_picks(remote, fake: FakeArxiv) -> None:
    bare, work = remote
    commit_files(work, {"keywords.yaml": keywords({"library": "library.bib"}), "library.bib": LIBRARY})
    fake.papers = list(NEW)
    assert update.main(["--root", str(work), "--commit"]) == 0
    before = (work / "README.md").read_text()
    shard = work / "data" / "papers" / "2601.json"
    stored = json.loads(shard.read_text())
    stored["2601.00001"]["tldr"] = {"model": "gpt-4o-mini", "version": 1, "text": "A *codec* | " + "long " * 80}
    shard.write_text(json.dumps(stored, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert update.main(["--root", str(work), "--no-fetch"]) == 0
    readme = (work / "README.md").read_text()
    line = next(x for x in readme.splitlines() if "TL;DR (AI, gpt-4o-mini)" in x)
    assert line.startswith("   TL;DR (AI, gpt-4o-mini): A \\*codec\\* \\| long") and line.endswith("…")
    assert len(line) < 340
    assert [x for x in before.splitlines() if x.startswith("1. **[")] == \
           [x for x in readme.splitlines() if x.startswith("1. **[")], "picks come from data/digests, not recomputed"
    stored["2601.00001"]["version"] = 2  # a v2 keeps v1's summary until it gets its own: not shown
    shard.write_text(json.dumps(stored, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert update.main(["--root", str(work), "--no-fetch"]) == 0
    assert "TL;DR" not in (work / "README.md").read_text().split("## Codec")[0]


def test_nothing_close_shows_no_picks_and_no_interests_no_section(remote, fake: FakeArxiv) -> None:
    bare, work = remote
    far = "@misc{far, title = {Protein folding with graph networks}, abstract = {Amino acid contact maps.}}\n"
    commit_files(work, {"keywords.yaml": keywords({"library": "far.bib"}), "far.bib": far})
    fake.papers = list(NEW)
    assert update.main(["--root", str(work), "--push"]) == 0
    assert json.loads(blob(bare, f"data/digests/{DAY}.json"))["picks"] == []
    assert "Nothing new on 2026-02-13 looks like the papers you liked" in blob(bare, "README.md")
    commit_files(work, {"keywords.yaml": keywords(None)})
    assert update.main(["--root", str(work), "--push", "--no-fetch"]) == 0
    assert "## Picks for you" not in blob(bare, "README.md") and "(#picks-for-you)" not in blob(bare, "README.md")


def test_hostile_pick_titles_are_escaped(tmp_path: Path, fake: FakeArxiv) -> None:
    (tmp_path / "keywords.yaml").write_text(keywords({"papers": ["2501.00009"]}))
    fake.papers = [*NEW, paper("2501.00009", "GAN vocoders for mel spectrograms", "A GAN vocoder for mel spectrograms.")]
    assert update.main(["--root", str(tmp_path)]) == 0
    section = (tmp_path / "README.md").read_text().split("## Picks for you")[1].split("\n## ")[0]
    assert "<b>" not in section.replace("\\<b>", "") and "](javascript:" not in section
    assert "\\| \\<b>hostile\\</b> \\[titles\\](javascript\\:alert(1))](https://arxiv.org/abs/2601.00003)" in section


@pytest.mark.parametrize("files, message", [
    ({"keywords.yaml": keywords({"papers": ["2501.99999"]})},
     "error: keywords.yaml:13: interests: arXiv has no paper '2501.99999'; fix the id or remove it"),
    ({"keywords.yaml": keywords({}), "interests/stars.txt": "2601.00002\n\n2501.99999 # gone\n"},
     "error: interests/stars.txt:3: interests: arXiv has no paper '2501.99999'; fix the id or remove it"),
])
def test_an_unknown_liked_id_is_one_line_and_exit_2_with_nothing_committed(remote, fake: FakeArxiv, files, message,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    commit_files(work, files)
    head = bare.commit("main").hexsha
    fake.papers = list(NEW)
    assert update.main(["--root", str(work), "--push"]) == 2
    assert capsys.readouterr().err.strip() == message
    assert bare.commit("main").hexsha == head and not (work / "data" / "papers").exists()


def test_a_missing_library_stops_the_run_before_arxiv_is_asked(tmp_path: Path, fake: FakeArxiv,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keywords.yaml").write_text(keywords({"library": "gone.bib"}))
    fake.papers = list(NEW)
    assert update.main(["--root", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: gone.bib: library file not found; fix interests.library")
    assert fake.requests == [] and sorted(p.name for p in tmp_path.iterdir()) == ["keywords.yaml"]


def test_dry_run_names_the_record_and_writes_nothing(tmp_path: Path, fake: FakeArxiv,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keywords.yaml").write_text(keywords({"papers": ["2501.00009"]}))
    fake.papers = [*NEW, LIKED]
    assert update.main(["--root", str(tmp_path), "--dry-run"]) == 0
    assert f"data/digests/{DAY}.json" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keywords.yaml"]


def test_record_merges_and_skips_ids_missing_from_the_store() -> None:
    papers = {"1": {"id": "1", "title": "speech codec", "abstract": "codec quantization", "updated": "2026-01-02"},
              "2": {"id": "2", "title": "vocoder", "abstract": "mel vocoder", "updated": "2026-01-03"}}
    earlier = {"date": DAY, "new": {"Codec": ["1", "gone"]}, "picks": []}
    liked = [rank.Liked(None, "Codecs", "speech codec quantization")]
    record = picks.build_record(DAY, {"Codec": [papers["2"]]}, papers, liked, 5, earlier)
    assert record["new"] == {"Codec": ["2", "1", "gone"]}
    assert [p["id"] for p in record["picks"]] == ["1"] and record["picks"][0]["because"] == {"id": None,
                                                                                            "title": "Codecs"}



def test_a_paper_the_reader_already_liked_is_not_picked_for_them() -> None:
    """An id in interests that is also new today (starred the day it appeared) is news to nobody: not a pick."""
    papers = {i: {"id": i, "title": "speech codec", "abstract": "codec quantization", "updated": "2026-01-02"}
              for i in ("2601.00001", "2601.00002")}
    liked = [rank.Liked("2601.00001", "speech codec", "speech codec codec quantization"),
             rank.Liked(None, "Codecs", "speech codec quantization")]
    record = picks.build_record(DAY, {"Codec": list(papers.values())}, papers, liked, 5)
    assert [p["id"] for p in record["picks"]] == ["2601.00002"]
    assert set(record["new"]["Codec"]) == set(papers)  # still listed as new in its topic

def test_readme_view_skips_picks_missing_from_the_store(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text(keywords({"picks": 3}))
    from core import config as cfg
    config: Config = cfg.load(path)
    record = {"date": DAY, "new": {"Codec": ["1", "2"]},
              "picks": [{"id": "2", "score": 0.5, "because": {"id": None, "title": "x"}},
                        {"id": "1", "score": 0.4, "because": {"id": "2501.00001", "title": "y"}}]}
    view = picks.readme_view(config, [], {"1": {"id": "1", "title": "t", "topics": ["Codec"], "version": 1}}, record)
    assert [p["paper"]["id"] for p in view["picks"]] == ["1"] and view["count"] == 2
    assert load_store(tmp_path) == {}


def test_picks_fit_readmes_byte_budget(tmp_path: Path, fake: FakeArxiv) -> None:
    long_title = "Neural speech codec residual vector quantization " * 20  # 1,000 characters, cut in README
    lines = "".join(f"@misc{{k{i}, title = {{{long_title} {i}}}}}\n" for i in range(100))
    (tmp_path / "lib.bib").write_text(lines)
    data = json.loads(keywords({"library": "lib.bib", "picks": 100}))
    data["settings"] = {"readme_max_bytes": 100_000}
    (tmp_path / "keywords.yaml").write_text(json.dumps(data))
    fake.papers = [paper(f"2601.{i:05d}", f"{long_title} codec {i}", long_title, updated="2026-02-12T10:00:00Z")
                   for i in range(1, 120)]
    assert update.main(["--root", str(tmp_path)]) == 0
    readme = (tmp_path / "README.md").read_bytes()
    record = json.loads((tmp_path / "data" / "digests" / f"{DAY}.json").read_text())
    shown = readme.decode().split("## Picks for you")[1].split("\n## ")[0].count("because you liked")
    assert len(readme) <= 100_000 and len(record["picks"]) == 100 and 0 < shown < 100


def test_a_push_race_keeps_the_days_picks_and_mails_each_pick_once(remote, fake: FakeArxiv, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another run pushes the codec papers mid-run; ours rebuilds on its tip: the day's record on origin holds both
    runs' papers with the pick, README shows it, and each paper (the pick too) is mailed by one run only."""
    from fake_smtp import Server
    from test_mail import mailed_ids

    bare, work = remote
    commit_files(work, {"keywords.yaml": keywords({"library": "library.bib", "picks": 2}).replace(
        '"topics"', '"settings": {"email": "digest"},\n  "topics"', 1), "library.bib": LIBRARY})
    fake.papers = list(NEW)
    other = git.Repo.clone_from(str(tmp_path / "remote.git"), tmp_path / "other")
    real, first = pipeline.fetch_topics, []

    def race(*args, **kwargs):
        runs = real(*args, **kwargs)
        if not first:  # another run of the bot pushes the Codec topic's papers while ours talks to arXiv
            first.append(1)
            assert update.main(["--root", other.working_tree_dir, "--push", "--topic", "Codec"]) == 0
        return runs

    with Server("none") as smtp:
        for name, value in smtp.env("none").items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(pipeline, "fetch_topics", race)
        assert update.main(["--root", str(work), "--push"]) == 0
        day_commit = next(c for c in bare.iter_commits("main") if not c.message.startswith("Delivered: "))  # issue 37
        assert day_commit.message.strip() == "1 new, 0 updated: Vocoder +1"  # rebuilt on the other's tip
        record = json.loads(blob(bare, f"data/digests/{DAY}.json"))
        assert record["new"] == {"Codec": ["2601.00001", "2601.00002"], "Vocoder": ["2601.00003"]}
        assert [p["id"] for p in record["picks"]] == ["2601.00001"]
        assert "1. **[A neural speech codec at low bitrate](https://arxiv.org/abs/2601.00001)**" in blob(bare, "README.md")
        # the other run's (with the pick's "because you liked" link), then ours: no paper twice
        assert mailed_ids(smtp) == [["2501.00007", "2601.00001", "2601.00002"], ["2601.00003"]]
        first_mail, ours = (r.message for r in smtp.inbox.received)
        assert ": 2 new — A neural speech codec" in first_mail["Subject"] and ": 1 new — " in ours["Subject"]


def test_a_reader_with_a_library_gets_learned_picks_and_never_a_paper_marked_not_for_me(tmp_path: Path,
                                                                                        fake: FakeArxiv) -> None:
    """The shipped store as the reader's everyday papers, the captioning library: the learning ranker picks the
    captioning paper and says what it matched, never picks the captioning paper marked not for me,
    and a bad not-for-me line stops the run with exit 2 before anything is written."""
    import shutil

    shutil.copytree(REPO / "data" / "papers", tmp_path / "data" / "papers")
    shutil.copy(REPO / "tests" / "fixtures" / "ranking" / "library.bib", tmp_path / "library.bib")
    shipped = (REPO / "keywords.yaml").read_text(encoding="utf-8")
    (tmp_path / "keywords.yaml").write_text(shipped + '\ninterests:\n  library: library.bib\n  picks: 5\n')
    (tmp_path / "interests" / "not-for-me").mkdir(parents=True)
    (tmp_path / "interests" / "not-for-me" / "mine.txt").write_text("# from the site\n2602.00002\n")
    text = ("Automated audio captioning with a CLAP audio encoder and a language model decoder: captions for "
            "Clotho and AudioCaps clips, evaluated with caption metrics.")
    fake.papers = [paper("2602.00001", "Audio captioning with CLAP and a language decoder", text),
                   paper("2602.00002", "A learned metric for evaluating audio captions",
                         "Evaluating automated audio captioning: a caption metric that agrees with human judgments "
                         "of caption quality on Clotho and AudioCaps."),
                   paper("2602.00003", "A text-to-speech model with flow matching",
                         "Zero-shot text-to-speech synthesis with flow matching and a speaker prompt.")]
    assert update.main(["--root", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "data" / "digests" / f"{DAY}.json").read_text())
    assert record["ranker"] == "learned" and [p["id"] for p in record["picks"]] == ["2602.00001"]
    assert record["picks"][0]["words"] and all(w in text.lower() for w in record["picks"][0]["words"])
    readme = (tmp_path / "README.md").read_text()
    assert f"· matched *{', '.join(record['picks'][0]['words'])}*" in readme and "2602.00002" not in \
        readme.split("## Picks for you")[1].split("\n## ")[0]
    assert list((tmp_path / ".cache" / "picks").glob("*.npz"))
    (tmp_path / "interests" / "not-for-me" / "later.txt").write_text("2602.00001\n")  # marked after it was picked
    assert update.main(["--root", str(tmp_path), "--no-fetch"]) == 0
    assert "2602.00001" not in (tmp_path / "README.md").read_text().split("## Picks for you")[1].split("\n## ")[0]
    before = (tmp_path / "README.md").read_bytes()
    (tmp_path / "interests" / "not-for-me" / "mine.txt").write_text("2602.00002\nnot an id\n")
    assert update.main(["--root", str(tmp_path)]) == 2
    assert (tmp_path / "README.md").read_bytes() == before


def test_few_liked_papers_say_how_to_teach_the_picks_and_none_show_no_section(tmp_path: Path) -> None:
    from core import config as cfg

    (tmp_path / "keywords.yaml").write_text(keywords({"picks": 5}))
    config = cfg.load(tmp_path / "keywords.yaml")
    record = {"date": DAY, "new": {"Codec": ["1"]}, "picks": [{"id": "1", "because": {"id": None, "title": "x"}}]}
    papers = {"1": {"id": "1", "title": "t", "topics": ["Codec"], "version": 1}}
    assert picks.readme_view(config, [], papers, record, liked_count=0) is None
    assert picks.readme_view(config, [], papers, record, liked_count=4)["teach"] is True
    assert picks.readme_view(config, [], papers, record, liked_count=5)["teach"] is False
    assert picks.readme_view(config, [], papers, record, liked_count=5, refused=frozenset({"1"}))["picks"] == []


def test_a_hand_edited_record_cannot_crash_readme(tmp_path: Path) -> None:
    from core import config as cfg

    (tmp_path / "keywords.yaml").write_text(keywords({"picks": 5}))
    config = cfg.load(tmp_path / "keywords.yaml")
    papers = {"1": {"id": "1", "title": "t", "topics": ["Codec"], "version": 1}}
    record = {"date": DAY, "new": ["1"], "picks": ["1", {"id": 5}, {"id": "1", "because": "notadict", "words": "x"}]}
    view = picks.readme_view(config, [], papers, record, liked_count=5)
    assert view["count"] == 0 and [p["because_title"] for p in view["picks"]] == ["a paper in your library"]
    assert picks.readme_view(config, [], papers, {"date": DAY, "picks": "junk"}, liked_count=5)["picks"] == []


def test_a_paper_both_liked_and_not_for_me_is_one_warning_naming_both_places(tmp_path: Path, fake: FakeArxiv,
                                                                             caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "keywords.yaml").write_text(keywords({"library": "library.bib"}))
    (tmp_path / "library.bib").write_text(LIBRARY)
    (tmp_path / "interests" / "not-for-me").mkdir(parents=True)
    (tmp_path / "interests" / "not-for-me" / "old.txt").write_text("# no more codecs\n2501.00007\n")
    fake.papers = list(NEW)
    assert update.main(["--root", str(tmp_path)]) == 0
    warnings = [r.getMessage() for r in caplog.records if "is liked" in r.getMessage()]
    assert warnings == ["warning: interests: 2501.00007 is liked (library.bib) and not for me "
                        "(interests/not-for-me/old.txt:2); it counts as not for me, delete the line you no longer "
                        "mean"]
    assert "## Picks for you" not in (tmp_path / "README.md").read_text()  # its only liked paper is refused
