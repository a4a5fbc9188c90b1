"""Issue 23 end to end: picks, the day's record, README and the email, through scripts/update.py run as the daily
workflow runs it (a subprocess, `--commit --push`), against the fake arXiv over HTTP, a fake model for the TL;DRs,
a real git clone with a bare origin and a real SMTP server (aiosmtpd) on 127.0.0.1.

The reader's interests are a Zotero-style BibTeX library (abstracts and eprints), ids in keywords.yaml and an
interests/*.txt file, all committed. The fake arXiv serves two topics' new papers: some share the library's rare
words (residual vector quantization, codebooks, quantizer dropout), the others do not. Everything is asserted on
what reached the bare origin (a fresh clone of it) and on what the SMTP server received.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git
import pytest
from conftest import NOW, REPO
from fake_arxiv import FakeArxiv, paper
from fake_llm import FakeLLM
from fake_s2 import FakeS2
from fake_smtp import Server

UPDATE = REPO / "scripts" / "update.py"
SITE = REPO / "scripts" / "site.py"
OWNER_REPO = "octo/papers"
PAGES = "https://octo.github.io/papers/"
DAY = NOW[:10]  # the fake arXiv's clock (its Date header) is DAILY_PAPERS_NOW: the day's record is of that day
BOT = {"GIT_AUTHOR_NAME": "github-actions[bot]", "GIT_COMMITTER_NAME": "github-actions[bot]",
       "GIT_AUTHOR_EMAIL": "bot@example.invalid", "GIT_COMMITTER_EMAIL": "bot@example.invalid"}
DROPPED = ("GITHUB_", "LLM_", "S2_", "SMTP_", "MAIL_", "SITE_", "ARXIV_", "DAILY_PAPERS_", "GIT_", "CI")  # the outer world's

# The library: Zotero's BibTeX export of three arXiv preprints (two on codec quantization, one on birdsong).
LIBRARY_BIB = r"""
@misc{zeghidour_residual_2025,
	title = {Residual Vector Quantization with Codebook Refresh for Neural Speech Codecs},
	url = {http://arxiv.org/abs/2501.01111},
	doi = {10.48550/arXiv.2501.01111},
	abstract = {Residual vector quantization stacks codebooks, but deep codebooks collapse: most codewords go unused. We refresh dead codewords from the encoder's batch statistics and train with quantizer dropout, so one model serves every bitrate. Codebook utilization rises from 41\% to 97\% and the codec beats {EnCodec} at 1.5 kbps.},
	urldate = {2025-02-03},
	publisher = {arXiv},
	author = {Zeghidour, Neil and Défossez, Alexandre},
	month = jan,
	year = {2025},
	note = {arXiv:2501.01111 [eess]},
	keywords = {Electrical Engineering and Systems Science - Audio and Speech Processing},
	eprint = {2501.01111},
	archivePrefix = {arXiv},
	primaryClass = {eess.AS},
}

@misc{kumar_quantizer_2025,
	title = {Quantizer Dropout and Codebook Collapse in Low-Bitrate Audio Tokenizers},
	url = {http://arxiv.org/abs/2502.02222},
	doi = {10.48550/arXiv.2502.02222},
	abstract = {We study why residual codebooks collapse in low-bitrate audio tokenizers. Quantizer dropout, codebook size and commitment loss trade utilization against reconstruction; factorized codes with {L2}-normalized lookups keep every codebook alive at 6 kbps.},
	publisher = {arXiv},
	author = {Kumar, Rithesh and Seetharaman, Prem},
	month = feb,
	year = {2025},
	eprint = {2502.02222},
	archivePrefix = {arXiv},
	primaryClass = {cs.SD},
}

@article{stowell_birdsong_2024,
	title = {Syllable Segmentation of Zebra Finch Birdsong with Weak Labels},
	abstract = {Zebra finch song is segmented into syllables by a convolutional tagger trained from weak, clip-level labels of aviary recordings.},
	journal = {Bioacoustics},
	author = {Stowell, Dan},
	year = {2024},
	eprint = {2403.03333},
	archivePrefix = {arXiv},
}
"""

# Liked ids not in the library: arXiv has them (one id_list request of the run asks for their texts).
LIKED_IN_YAML = "2504.04444"
LIKED_IN_FILE = "2505.05555"
LIKED = [
    paper(LIKED_IN_YAML, "Multi-scale spectral discriminators for adversarial audio synthesis",
          "Adversarial training with multi-scale spectral discriminators sharpens the harmonics of synthesized audio.",
          updated="2025-04-10T12:00:00Z"),
    paper(LIKED_IN_FILE, "Entropy coding of discrete audio tokens with a small transformer prior",
          "A small transformer prior entropy-codes discrete audio tokens, saving a quarter of the bits.",
          updated="2025-05-10T12:00:00Z"),
]

# The day's new papers: two topics, Codec and Vocoder. CLOSE share the library's rare words; FAR do not.
CODEC_CLOSE, VOCODER_CLOSE = "2602.00011", "2602.00021"
CODEC_FAR, CODEC_FAR_2, VOCODER_FAR = "2602.00012", "2602.00013", "2602.00022"
CLOSE = {CODEC_CLOSE, VOCODER_CLOSE}
NEW = [
    paper(CODEC_CLOSE, "Codebook refresh against collapse in residual vector quantization codecs",
          "Residual vector quantization codecs waste most codewords when deep codebooks collapse. We refresh dead "
          "codewords and train with quantizer dropout; codebook utilization reaches 95% at every bitrate.",
          updated="2026-02-12T10:00:00Z"),
    paper(CODEC_FAR, "Rate control for a video codec in cloud gaming streams",
          "We tune a video codec's rate control to the frame deadlines of cloud gaming over lossy wireless links.",
          updated="2026-02-12T09:00:00Z", categories=("cs.MM",)),
    paper(CODEC_FAR_2, "A genomic sequence codec for nanopore reads",
          "A lossless codec compresses nanopore reads by modelling base-calling errors per flow cell.",
          updated="2026-02-11T09:00:00Z", categories=("q-bio.GN",)),
    paper(VOCODER_CLOSE, "A vocoder on residual vector quantization codebooks with quantizer dropout",
          "A neural vocoder decodes residual vector quantization codebooks; quantizer dropout keeps codebook "
          "utilization high and the vocoder serves every bitrate from one model.",
          updated="2026-02-12T08:00:00Z"),
    paper(VOCODER_FAR, "Phase vocoder time stretching of ultrasonic bat echolocation calls",
          "A phase vocoder slows ultrasonic bat echolocation calls into the audible range for field surveys.",
          updated="2026-02-11T08:00:00Z", categories=("q-bio.QM",)),
]
NEW_IDS = {p["id"] for p in NEW}
CODEC_IDS = {CODEC_CLOSE, CODEC_FAR, CODEC_FAR_2}
LIBRARY_IDS = {"2501.01111", "2502.02222"}  # the close papers' nearest library entries

KEYWORDS = """\
# Two topics, picks from the reader's library and liked ids, the digest by email.
topics:
  - name: Codec
    query: codec
  - name: Vocoder
    query: vocoder
interests:
  papers: ["{yaml_id}"]
  library: library.bib
  picks: 5
settings:
  title: Daily Papers
  email: digest
  summary_model: gpt-4.1-mini
"""


@dataclass
class World:
    """A repository with a bare origin, the fake arXiv, the fake model and the SMTP server, and the run's env."""

    top: Path
    bare: git.Repo
    work: Path
    arxiv: FakeArxiv
    smtp: Server
    llm: FakeLLM
    env: dict[str, str] = field(default_factory=dict)
    heads: list[str] = field(default_factory=list)  # origin's main when each message arrived

    def clone(self, name: str) -> Path:
        """A fresh clone of origin (what a reader, or the Pages job, gets)."""
        target = self.top / name
        git.Repo.clone_from(str(self.bare.git_dir), target)
        return target


def base_env() -> dict[str, str]:
    """The process environment less every variable the tests set themselves (a developer's own or CI's)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}


def make_repository(top: Path) -> tuple[git.Repo, Path]:
    """origin (bare) and a clone holding keywords.yaml, library.bib and interests/liked.txt, pushed."""
    bare = git.Repo.init(top / "remote.git", bare=True, initial_branch="main")
    work = top / "work"
    clone = git.Repo.clone_from(str(top / "remote.git"), work)
    (work / "keywords.yaml").write_text(KEYWORDS.format(yaml_id=LIKED_IN_YAML), encoding="utf-8")
    (work / "library.bib").write_text(textwrap.dedent(LIBRARY_BIB).lstrip(), encoding="utf-8")
    (work / "interests").mkdir()
    (work / "interests" / "liked.txt").write_text(f"# liked on the site\n{LIKED_IN_FILE}\n", encoding="utf-8")
    with clone.config_writer() as writer:
        writer.set_value("user", "name", "Reader").set_value("user", "email", "reader@example.invalid")
    clone.git.checkout("-b", "main")
    clone.git.add("keywords.yaml", "library.bib", "interests/liked.txt")
    clone.git.commit("-m", "My topics and interests")
    clone.git.push("origin", "main")
    return bare, work


@contextlib.contextmanager
def world_at(top: Path) -> Iterator[World]:
    """Everything a run needs, started; stopped after."""
    bare, work = make_repository(top)
    with FakeArxiv(LIKED + NEW) as arxiv, Server("none") as smtp, FakeLLM() as llm, FakeS2() as s2:
        arxiv.date = NOW  # its Date header: the run's day by arXiv's clock (the fake reads no env of the run's)
        env = base_env() | BOT | smtp.env("none") | {
            "ARXIV_API_URL": arxiv.url, "ARXIV_REQUEST_DELAY": "0", "ARXIV_BACKOFF_SECONDS": "0.01",
            "DAILY_PAPERS_NOW": NOW, "GITHUB_REPOSITORY": OWNER_REPO, "SITE_URL": PAGES,  # the Pages check: published
            "LLM_BASE_URL": llm.url, "LLM_API_KEY": "test-key", "LLM_REQUEST_DELAY": "0", "S2_API_URL": s2.url}
        world = World(top, bare, work, arxiv, smtp, llm, env)
        received = smtp.inbox.handle_DATA

        async def handle_data(*args: Any) -> str:  # note where origin was: the mail goes after the push
            world.heads.append(bare.git.rev_parse("main"))
            return await received(*args)

        smtp.inbox.handle_DATA = handle_data  # type: ignore[method-assign] - aiosmtpd looks the hook up by name
        yield world


def run_update(world: World, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """scripts/update.py as the workflow's step runs it, in its own process; exit 0 asserted."""
    done = subprocess.run([sys.executable, str(UPDATE), "--root", str(root), "--commit", "--push", *args],
                          env=world.env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def mailed(world: World) -> list[Any]:
    """The messages the SMTP server received, parsed."""
    return [r.message for r in world.smtp.inbox.received]


def bodies(message: Any) -> tuple[str, str]:
    """A message's plain-text and HTML parts."""
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def ids_in(text: str) -> list[str]:
    """The new papers' arXiv ids a text links, in order of first mention."""
    return list(dict.fromkeys(re.findall(r"arxiv\.org/abs/(2602\.\d{5})", text)))


def day_record(root: Path) -> dict[str, Any]:
    return json.loads((root / "data" / "digests" / f"{DAY}.json").read_text(encoding="utf-8"))


# --- One daily run, pushed ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Path, subprocess.CompletedProcess[str]]]:
    """The world after one `update.py --commit --push`, and a fresh clone of what reached origin."""
    with world_at(tmp_path_factory.mktemp("e2e")) as world:
        done = run_update(world, world.work)
        yield world, world.clone("published"), done



def day_commit(bare: git.Repo) -> git.Commit:
    """The newest commit of the day's papers (the record of what was sent follows it: issue 37)."""
    return next(c for c in bare.iter_commits("main") if not c.message.startswith("Delivered: "))

def test_the_pushed_day_record_names_the_close_papers_as_picks_because_of_library_papers(pushed) -> None:
    world, published, done = pushed
    record = day_record(published)
    assert record["date"] == DAY
    assert record["new"] == {"Codec": [CODEC_CLOSE, CODEC_FAR, CODEC_FAR_2], "Vocoder": [VOCODER_CLOSE, VOCODER_FAR]}
    assert {p["id"] for p in record["picks"]} == CLOSE, record["picks"]
    for pick in record["picks"]:
        assert pick["because"]["id"] in LIBRARY_IDS and pick["score"] > 0
        library_titles = (published / "library.bib").read_text(encoding="utf-8")
        assert pick["because"]["title"] in library_titles
    assert [p["score"] for p in record["picks"]] == sorted((p["score"] for p in record["picks"]), reverse=True)
    commit = day_commit(world.bare)
    assert f"data/digests/{DAY}.json" in commit.stats.files and commit.message.startswith("5 new")
    assert world.arxiv.id_list_requests == [[LIKED_IN_YAML, LIKED_IN_FILE]]  # the liked ids' texts: one request


def test_the_pushed_readme_shows_picks_before_the_topics_and_in_contents(pushed) -> None:
    world, published, done = pushed
    readme = (published / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", readme, flags=re.M)
    assert headings[:4] == ["Contents", "Picks for you", "Codec", "Vocoder"], headings
    contents = readme.split("## Contents", 1)[1].split("\n## ", 1)[0]
    assert contents.index("[Picks for you](#picks-for-you)") < contents.index("[Codec](#codec)")
    assert "2 of the 5 papers new on " + DAY in contents
    section = readme.split("## Picks for you", 1)[1].split("\n## ", 1)[0]
    record = day_record(published)
    assert ids_in(section) == [p["id"] for p in record["picks"]]  # best first, as the record
    for pick in record["picks"]:
        line = next(line for line in section.splitlines() if f"abs/{pick['id']}" in line)
        assert f"because you liked [{pick['because']['title']}](https://arxiv.org/abs/{pick['because']['id']})" in line
    assert "TL;DR (AI, " in section  # the fake model's summaries of the picks


def subject_names(subject: str, count: int, paper_id: str) -> bool:
    """Whether a subject is the day's count and the start of the paper's title (cut with '…')."""
    head = f"Daily Papers, {DAY}: {count} new — "
    title = next(p["title"] for p in NEW if p["id"] == paper_id)
    return subject.startswith(head) and title.startswith(subject[len(head):].removesuffix("…"))


def test_one_email_subject_names_the_top_pick_each_paper_once_with_pdf_and_card(pushed) -> None:
    world, published, done = pushed
    (message,) = mailed(world)
    picks = [p["id"] for p in day_record(published)["picks"]]
    assert subject_names(message["Subject"], 5, picks[0]), message["Subject"]
    assert message["To"] == "reader@example.org"
    for text in bodies(message):
        listed = ids_in(text)
        assert listed[:2] == picks and set(listed) == NEW_IDS, listed
        assert text.index("Picks for you") < text.index("Codec") < text.index("Vocoder")
        assert f"{PAGES}days/{DAY}.html" in text
        for paper_id in NEW_IDS:  # each paper once: one PDF link and one card on the day's page
            assert text.count(f"https://arxiv.org/pdf/{paper_id}") == 1
            assert text.count(f"{PAGES}days/{DAY}.html#p-{paper_id}") == 1
        assert "2501.01111" in text or "2502.02222" in text  # "because you liked" links the library paper
    plain, html = bodies(message)
    assert "Because you liked: " in plain
    assert world.heads == [day_commit(world.bare).hexsha]  # sent once the commit had reached origin
    assert "emailed the digest of " + DAY in done.stderr + done.stdout


# --- A push race: another run pushes mid-run -----------------------------------------------------------------------

def test_a_push_race_keeps_the_day_record_and_readme_picks_and_mails_each_paper_once(tmp_path: Path) -> None:
    """While our run talks to arXiv, a second clone's run (another run of the bot, the Codec topic only) pushes;
    ours is rejected, rebuilds its commit on the new tip and pushes that. Origin ends with the whole day's record
    and README's picks of both runs; each run mailed only the papers it made new."""
    with world_at(tmp_path) as world:
        other = world.clone("other")
        raced: list[str] = []

        def race(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
            if not raced:  # our run's first request: the other run goes first, start to push (its requests pass)
                raced.append("started")
                raced.append(run_update(world, other, "--topic", "Codec").stderr)
            return found

        world.arxiv.reorder = race
        done = run_update(world, world.work)
        assert raced and "push rejected" in done.stderr, done.stderr
        published = world.clone("published")
        log = [c for c in world.bare.iter_commits("main") if not c.message.startswith("Delivered: ")]
        assert [c.message.split(";")[0].strip() for c in log[:2]] == ["2 new, 0 updated: Vocoder +2",
                                                                      "3 new, 0 updated: Codec +3"]
        record = day_record(published)
        assert record["new"] == {"Codec": [CODEC_CLOSE, CODEC_FAR, CODEC_FAR_2],
                                 "Vocoder": [VOCODER_CLOSE, VOCODER_FAR]}
        assert {p["id"] for p in record["picks"]} == CLOSE
        assert all(p["because"]["id"] in LIBRARY_IDS for p in record["picks"])
        readme = (published / "README.md").read_text(encoding="utf-8")
        section = readme.split("## Picks for you", 1)[1].split("\n## ", 1)[0]
        assert ids_in(section) == [p["id"] for p in record["picks"]]
        assert "2 of the 5 papers new on " + DAY in readme
        messages = mailed(world)
        assert subject_names(messages[0]["Subject"], 3, CODEC_CLOSE), messages[0]["Subject"]
        assert subject_names(messages[1]["Subject"], 2, VOCODER_CLOSE), messages[1]["Subject"]
        listed = [ids_in(bodies(m)[0]) for m in messages]
        assert listed == [[CODEC_CLOSE, CODEC_FAR, CODEC_FAR_2], [VOCODER_CLOSE, VOCODER_FAR]]  # none twice
        assert all(ids_in(bodies(m)[1]) == ids for m, ids in zip(messages, listed))
        assert world.heads == [log[1].hexsha, log[0].hexsha]  # each after its own push
        run_update(world, world.work)  # the job retried: nothing is new, nothing is mailed again
        assert len(world.smtp.inbox.received) == 2 and day_commit(world.bare) == log[0]
