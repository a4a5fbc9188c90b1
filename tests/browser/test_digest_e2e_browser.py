"""Issue 23's "done when", end to end: one daily run of scripts/update.py with --push, against the fake arXiv over
real HTTP, a library file, liked ids and an interests/*.txt, real git with a bare origin, the fake model for the
TL;DRs and a real SMTP server (aiosmtpd); then the site built from what origin holds, in headless Chromium.

Each test reads one thing the reader gets from that one run: the pushed record and README, the email, the site's
day page, and the Starred page's Save button (its URL is decoded, never followed).
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import pytest
from browsers import chromium
from conftest import NOW
from fake_arxiv import FakeArxiv
from fake_llm import FakeLLM
from fake_smtp import Server
from site_server import serving
from test_picks import DAY, LIBRARY, LIKED, NEW

import update
from website import build

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")

CLOSE, OTHER = "2601.00001", "2601.00002"  # test_picks.NEW: the codec paper the library is about; one that is not
BECAUSE = "2501.00007"  # the library's entry CLOSE is closest to
OWNER_REPO = "octo/papers"


def keywords() -> str:
    """Two topics, the email on, and interests from all three sources: ids, a library file, interests/*.txt."""
    return json.dumps({"topics": [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}],
                       "interests": {"papers": ["2501.00009"], "library": "library.bib", "picks": 3},
                       "settings": {"email": "digest", "summary_model": "openai/gpt-4.1-mini"}}, indent=2)


def origin_with_interests(top: Path) -> tuple[git.Repo, Path]:
    """A bare origin whose one commit holds the user's files, and a clone of it to run in."""
    bare = git.Repo.init(top / "remote.git", bare=True, initial_branch="main")
    work = top / "work"
    clone = git.Repo.clone_from(str(top / "remote.git"), work)
    files = {"keywords.yaml": keywords(), "library.bib": LIBRARY, "interests/stars.txt": "# from the site\n2501.00009\n"}
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    clone.git.checkout("-b", "main")
    clone.git.add(*files)
    clone.git.commit("-m", "My topics and interests")
    clone.git.push("origin", "main")
    return bare, work


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The run, once: what origin holds after it (a checkout at top/pushed), the mail received, the site's URL."""
    top = tmp_path_factory.mktemp("digest-e2e")
    with pytest.MonkeyPatch.context() as env, FakeArxiv() as arxiv, FakeLLM() as model, Server("none") as smtp:
        for name, value in {"ARXIV_API_URL": arxiv.url, "ARXIV_REQUEST_DELAY": "0", "ARXIV_BACKOFF_SECONDS": "0.01",
                            "DAILY_PAPERS_NOW": NOW, "LLM_BASE_URL": model.url, "LLM_API_KEY": "test-key",
                            "LLM_REQUEST_DELAY": "0", "GITHUB_REPOSITORY": OWNER_REPO, "GITHUB_REF_NAME": "main",
                            "SITE_URL": "https://octo.github.io/papers/",  # the update job's Pages check: published
                            "GITHUB_REF_TYPE": "branch", "GIT_AUTHOR_NAME": "bot", "GIT_COMMITTER_NAME": "bot",
                            "GIT_AUTHOR_EMAIL": "bot@example.invalid", "GIT_COMMITTER_EMAIL": "bot@example.invalid",
                            **smtp.env("none")}.items():
            env.setenv(name, value)
        for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
            env.delenv(name, raising=False)
        bare, work = origin_with_interests(top)
        arxiv.papers = [*NEW, LIKED]
        assert update.main(["--root", str(work), "--push"]) == 0
        pushed = git.Repo.clone_from(str(top / "remote.git"), top / "pushed").working_tree_dir
        assert build.main([str(top / "site"), "--root", pushed, "--base-url", "https://octo.github.io/papers/",
                           "-q"]) == 0
        mails = list(smtp.inbox.received)
    with serving(top) as base:
        yield {"pushed": Path(pushed), "mails": mails, "base": base, "bare": bare}
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(day: dict[str, Any]) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page whose script errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors


def test_origin_holds_the_days_record_and_readme_shows_the_pick_first(day: dict[str, Any]) -> None:
    pushed = day["pushed"]
    record = json.loads((pushed / "data" / "digests" / f"{DAY}.json").read_text())
    assert [p["id"] for p in record["picks"]] == [CLOSE] and record["picks"][0]["because"]["id"] == BECAUSE
    assert {i for ids in record["new"].values() for i in ids} == {p["id"] for p in NEW}
    readme = (pushed / "README.md").read_text()
    picks = readme.split("## Picks for you")[1].split("\n## ")[0]
    assert readme.index("## Picks for you") < readme.index("## Codec")
    assert f"(https://arxiv.org/abs/{CLOSE})" in picks and f"(https://arxiv.org/abs/{BECAUSE})" in picks
    assert f"abs/{OTHER})" not in picks and "TL;DR (AI, gpt-4.1-mini):" in picks  # the model's summary, labelled
    assert git.Repo(pushed).head.commit.author.name == "bot"


def test_one_email_with_the_pick_first_and_a_link_to_the_day(day: dict[str, Any]) -> None:
    (received,) = day["mails"]
    message = received.message
    title = next(p["title"] for p in NEW if p["id"] == CLOSE)
    head = f"Daily Papers, {DAY}: 3 new — "
    assert message["Subject"].startswith(head) and title.startswith(message["Subject"][len(head):].rstrip("…"))
    for kind in ("plain", "html"):
        body = message.get_body((kind,)).get_content()
        ids = re.findall(r"https://arxiv\.org/pdf/(\d{4}\.\d{5})", body)  # one PDF link an entry
        assert ids[0] == CLOSE and set(ids) >= {p["id"] for p in NEW}, kind  # the pick, then each topic's papers
        assert f"https://octo.github.io/papers/days/{DAY}.html" in body, kind
        for paper in NEW:  # each paper once, with its PDF and its card on the day's page
            assert body.count(f"https://arxiv.org/pdf/{paper['id']}") == 1, kind
            assert body.count(f"https://octo.github.io/papers/days/{DAY}.html#p-{paper['id']}") == 1, kind


def test_the_day_page_shows_the_pick_first_with_its_reason(day: dict[str, Any], page: Any) -> None:
    page.goto(day["base"] + "today.html")
    assert page.locator("main h2").all_inner_texts()[:2] == ["Picks for you", "Codec"]
    first = page.locator("article.paper").first
    assert first.get_attribute("id") == f"p-{CLOSE}"
    assert "Because you liked" in page.locator("p.because").first.inner_text()
    assert BECAUSE in page.locator("p.because a").first.get_attribute("href")  # its arXiv page: in no topic
    page.get_by_role("link", name="Every day", exact=True).first.click()
    page.locator(f'a[href="{DAY}.html"]').first.click()
    page.wait_for_url(day["base"] + f"days/{DAY}.html")
    assert page.locator("article.paper").first.get_attribute("id") == f"p-{CLOSE}"


def test_a_star_saved_from_the_day_page_goes_to_the_repositorys_interests(day: dict[str, Any], page: Any) -> None:
    page.goto(day["base"] + "today.html")
    page.locator(f'[id="p-{CLOSE}"] button.star').click()
    page.goto(day["base"] + "starred.html")
    page.wait_for_selector("[data-save-status]:not(:empty)")
    link = page.locator("a.save-link")
    assert link.count() == 1 and link.inner_text() == "Save to my repository"
    url = urllib.parse.urlsplit(link.get_attribute("href"))
    query = urllib.parse.parse_qs(url.query, strict_parsing=True)
    assert (url.scheme, url.netloc, url.path) == ("https", "github.com", f"/{OWNER_REPO}/new/main")
    assert re.fullmatch(r"interests/[\w.-]+\.txt", query["filename"][0])
    ids = [line for line in query["value"][0].splitlines() if line and not line.startswith("#")]
    assert ids == [CLOSE]
