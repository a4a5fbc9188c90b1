"""Issue 23 end to end, the site, after test_digest_e2e's subprocess run (test_digest_e2e_browser has an
in-process one): the daily run pushes to a bare origin; the Pages job's build
(scripts/site.py, GITHUB_REPOSITORY and the branch set as in Actions) of a fresh clone is served on 127.0.0.1 and
read in headless Chromium. today.html shows the pushed picks first with their reason, then each topic; the day has
its own page; the Starred page's "Save to my repository" link, clicked with stars in localStorage, opens GitHub's
editor for interests/…txt with the starred ids (intercepted, never sent to github.com). Committing that file as
the editor would makes the next day's run pick a paper because of a starred one: the loop closes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import pytest
from browsers import chromium
from fake_arxiv import paper
from site_server import serving
from test_digest_e2e import (
    CLOSE,
    CODEC_CLOSE,
    CODEC_FAR,
    CODEC_FAR_2,
    DAY,
    NEW,
    OWNER_REPO,
    PAGES,
    SITE,
    VOCODER_CLOSE,
    VOCODER_FAR,
    World,
    bodies,
    day_record,
    run_update,
    world_at,
)

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/dev.txt")
TITLES = {p["id"]: p["title"] for p in NEW}
SHOTS = Path("/work/shots/e2e")
NEXT_DAY = "2026-02-14"
BAT_CALLS = "2602.00031"  # the next day's paper: close to a starred paper only


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Path, str]]:
    """One pushed daily run; the site built from a fresh clone of origin as the Pages job builds it, served under
    /REPO/. Yields the world, the clone and the site's base URL."""
    top = tmp_path_factory.mktemp("e2e-site")
    with world_at(top) as world:
        run_update(world, world.work)
        published = world.clone("published")
        build_site(world, published)
        with serving(top) as base:
            yield world, published, base


def build_site(world: World, root: Path) -> None:
    """The Pages job's step, `python scripts/site.py OUTDIR --base-url PAGES_URL`, on a branch build of OWNER/REPO;
    into world.top/site, which is what is served."""
    env = world.env | {"GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch"}
    built = subprocess.run([sys.executable, str(SITE), str(world.top / "site"), "--root", str(root),
                            "--base-url", PAGES], env=env, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stdout + built.stderr


@pytest.fixture(scope="module")
def browser(site: tuple[World, Path, str]) -> Iterator[playwright_api.Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: playwright_api.Browser) -> Iterator[playwright_api.BrowserContext]:
    """A fresh context (its own localStorage); github.com is never reached: its requests are kept and answered
    here. A script error or a dialog on any page fails the test."""
    opened = browser.new_context(viewport={"width": 1280, "height": 900})
    opened.set_default_timeout(30_000)
    problems: list[str] = []
    opened.github = []  # type: ignore[attr-defined] - the URLs a page asked github.com for

    def github(route: Any) -> None:
        opened.github.append(route.request.url)  # type: ignore[attr-defined]
        route.fulfill(status=200, content_type="text/plain", body="intercepted: not sent to github.com")

    opened.route("https://github.com/**", github)
    opened.on("page", lambda page: (page.on("pageerror", lambda error: problems.append(f"page error: {error}")),
                                    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"),
                                                                 d.dismiss()))))
    yield opened
    opened.close()
    assert not problems, problems


def shot(page: playwright_api.Page, name: str, tmp_path: Path) -> None:
    """A full-page screenshot for people to look at (/work/shots/e2e/ when it can be made)."""
    folder = SHOTS
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = tmp_path
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_today_shows_the_pushed_picks_first_with_their_reason_then_each_topic(site, context, tmp_path) -> None:
    world, published, base = site
    record = day_record(published)
    page = context.new_page()
    page.goto(base + "today.html")
    assert page.inner_text("h1") == f"Today: new on {DAY}"
    assert page.inner_text("p.day-summary") == "5 new papers, 2 picked for you by what you liked."
    assert page.locator("main h2").all_inner_texts()[:3] == ["Picks for you", "Codec", "Vocoder"]
    picks = page.locator("section.picks div.pick")
    assert picks.count() == len(record["picks"]) == 2
    for n, pick in enumerate(record["picks"]):
        card = picks.nth(n)
        assert card.locator("article.paper").get_attribute("id") == f"p-{pick['id']}"  # best first
        assert card.locator("article.paper h3 a").first.inner_text() == TITLES[pick["id"]]
        because = card.locator("p.because a")
        assert because.inner_text() == pick["because"]["title"]  # the library paper, on arXiv (not on the site)
        assert because.get_attribute("href") == f"https://arxiv.org/abs/{pick['because']['id']}"
    codec, vocoder = page.locator("section.day-topic").all()
    assert [a.get_attribute("id") for a in codec.locator("article.paper").all()] == [f"p-{CODEC_FAR}",
                                                                                     f"p-{CODEC_FAR_2}"]
    assert [a.get_attribute("id") for a in vocoder.locator("article.paper").all()] == [f"p-{VOCODER_FAR}"]
    assert codec.locator(".also a").all_inner_texts() == [TITLES[CODEC_CLOSE]]  # the pick, drawn above
    assert vocoder.locator(".also a").all_inner_texts() == [TITLES[VOCODER_CLOSE]]
    for section, name in ((codec, "codec"), (vocoder, "vocoder")):  # each with the reason its topic lists it
        for why in section.locator(".why").all():
            assert f'"{name}" in' in why.text_content()
        assert section.locator(".why").count() == section.locator("article.paper, .also li").count()
    assert page.locator("main img, main script").count() == 0
    shot(page, "today", tmp_path)


def test_the_day_has_its_own_page_linked_from_today_and_every_day_and_the_email(site, context) -> None:
    world, published, base = site
    page = context.new_page()
    (message,) = [r.message for r in world.smtp.inbox.received]
    for text in bodies(message):  # the email's link to the day leads to the day's page on the built site
        (day_url,) = set(re.findall(r"https://octo\.github\.io/papers/days/[0-9-]+\.html(?=[\s\"<])", text))
        assert page.goto(day_url.replace(PAGES, base)).status == 200
        assert page.inner_text("h1") == f"New on {DAY}"
        cards = re.findall(r"https://octo\.github\.io/papers/days/[0-9-]+\.html#(p-[0-9.]+)", text)
        assert sorted(cards) == sorted(f"p-{p['id']}" for p in NEW)  # each paper's card link, once
        drawn = set(page.locator("article.paper").evaluate_all("els => els.map(e => e.id)"))
        assert set(cards) <= drawn  # every card link lands on the paper's card on that page
    page.goto(base + "index.html")
    page.click("a.nav-today")
    page.wait_for_url(base + "today.html")
    page.click('nav[aria-label="Days, top"] >> text=Every day')
    page.wait_for_url(base + "days/index.html")
    assert page.locator("ul.days li").all_inner_texts() == [f"{DAY} 5 new, 2 picks"]
    page.click(f"ul.days a >> text={DAY}")
    page.wait_for_url(base + f"days/{DAY}.html")
    assert page.inner_text("h1") == f"New on {DAY}"
    assert [a.get_attribute("id") for a in page.locator("section.picks article.paper").all()] == \
        [f"p-{p['id']}" for p in day_record(published)["picks"]]
    assert set(page.locator("article.paper").evaluate_all("els => els.map(e => e.id.slice(2))")) == \
        {p["id"] for p in NEW}  # every new paper drawn once on its day's page


def saved_file(url: str) -> tuple[str, str, list[str]]:
    """An editor URL's path, the file name and the ids its file would hold (comment lines dropped)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query, strict_parsing=True)
    assert (parts.scheme, parts.netloc, set(query)) == ("https", "github.com", {"filename", "value"}), url
    (name,), (value,) = query["filename"], query["value"]
    return parts.path, name, [line for line in value.splitlines() if line and not line.startswith("#")]


def test_save_to_my_repository_opens_the_editor_for_interests_with_the_starred_ids(site, context,
                                                                                 tmp_path) -> None:
    world, published, base = site
    starred = sorted([VOCODER_FAR, CODEC_FAR])
    page = context.new_page()
    page.goto(base + "starred.html")
    stars = {i: {"title": TITLES[i], "url": f"https://arxiv.org/abs/{i}", "bibtex": ""} for i in starred}
    page.evaluate("([key, stars]) => localStorage.setItem(key, JSON.stringify(stars))",
                  ["daily-papers.stars:/REPO/", stars])
    page.reload()
    assert page.locator("[data-starred-list] li").count() == 2
    link = page.locator("a.save-link")
    assert link.all_inner_texts() == ["Save to my repository"]
    with context.expect_page() as opened:
        link.click()
    editor = opened.value
    editor.wait_for_load_state()
    assert editor.url == context.github[-1] and len(context.github) == 1  # one request, answered here
    path, name, ids = saved_file(editor.url)
    assert path == f"/{OWNER_REPO}/new/main"
    assert name.startswith("interests/starred-") and name.endswith(".txt") and "/" not in name[len("interests/"):]
    assert ids == starred
    assert page.inner_text("[data-save-status]") == "2 ids in one file: commit it in GitHub's editor."
    shot(page, "starred-save", tmp_path)


def test_stars_saved_to_interests_steer_the_next_days_picks(site, context) -> None:
    """The loop closed: the file the editor would commit (the reader stars the bat-call paper and saves it), then the
    next day's run picks a new bat-call paper because of that star, though the library has nothing like it."""
    world, published, base = site
    page = context.new_page()
    page.goto(base + "starred.html")
    page.evaluate("([key, stars]) => localStorage.setItem(key, JSON.stringify(stars))",
                  ["daily-papers.stars:/REPO/", {VOCODER_FAR: {"title": TITLES[VOCODER_FAR], "url": "", "bibtex": ""}}])
    page.reload()
    with context.expect_page() as opened:
        page.locator("a.save-link").click()
    opened.value.wait_for_load_state()
    path, name, ids = saved_file(context.github[-1])
    value = urllib.parse.parse_qs(urllib.parse.urlsplit(context.github[-1]).query)["value"][0]
    assert ids == [VOCODER_FAR]
    reader = world.clone("reader")  # what GitHub's editor commits on the branch
    (reader / name).write_text(value, encoding="utf-8")
    repo = git.Repo(reader)
    repo.git.add(name)
    repo.git.commit("-m", f"Create {name}", env={"GIT_AUTHOR_NAME": "Reader", "GIT_AUTHOR_EMAIL": "r@example.invalid",
                                                 "GIT_COMMITTER_NAME": "Reader",
                                                 "GIT_COMMITTER_EMAIL": "r@example.invalid"})
    repo.git.push("origin", "main")
    git.Repo(world.work).git.pull("--ff-only")
    world.arxiv.date = f"{NEXT_DAY}T00:00:00Z"
    world.arxiv.papers.append(paper(BAT_CALLS, "Echolocation call classification of ultrasonic bat surveys",
                                    "Ultrasonic bat echolocation calls from field surveys are slowed into the audible "
                                    "range with a phase vocoder and classified by species.",
                                    updated="2026-02-13T10:00:00Z"))
    world.env["DAILY_PAPERS_NOW"] = f"{NEXT_DAY}T00:00:00Z"
    run_update(world, world.work)
    after = world.clone("after")
    record = json.loads((after / "data" / "digests" / f"{NEXT_DAY}.json").read_text(encoding="utf-8"))
    assert record["new"] == {"Vocoder": [BAT_CALLS]}
    assert [(p["id"], p["because"]["id"]) for p in record["picks"]] == [(BAT_CALLS, VOCODER_FAR)]
    assert not CLOSE & {p["id"] for p in record["picks"]}
    message = world.smtp.inbox.received[-1].message
    assert message["Subject"] == f"Daily Papers, {NEXT_DAY}: 1 new — Echolocation call…"  # the pick, cut
    assert f"Because you liked: {TITLES[VOCODER_FAR]} <https://arxiv.org/abs/{VOCODER_FAR}>" in bodies(message)[0]
    build_site(world, after)  # the next Pages build: the starred paper is on the site, so the reason links there
    page.goto(base + "today.html")
    assert page.inner_text("h1") == f"Today: new on {NEXT_DAY}"
    because = page.locator("section.picks p.because a")
    assert because.inner_text() == TITLES[VOCODER_FAR]
    page.click("section.picks p.because a")
    assert page.evaluate("location.hash") == f"#p-{VOCODER_FAR}" and "/topics/" in page.url
    assert page.locator(f"article[id=\"p-{VOCODER_FAR}\"]").is_visible()
    page.goto(base + f"days/{NEXT_DAY}.html")
    page.click(f'nav[aria-label="Days, top"] >> text=Previous day: {DAY}')
    page.wait_for_url(base + f"days/{DAY}.html")
