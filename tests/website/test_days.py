"""website.days: today.html, a page per day and the index of days, built from data/digests by scripts/site.py;
and the Starred page's Save section (website.save). Built for real into a folder and read with html.parser."""

from __future__ import annotations

import contextlib
import io
import json
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from site_html import Parsed, parse
from site_repo import BOTH_ID, HOSTILE, UNIQUE_ID, make_repo

from website import build, days, save

SERVED_AT = "https://octo.github.io/REPO/"
HOSTILE_TOPIC = "<b>Old</b> topic <script>alert(3)</script>"
PICK = "2601.00042"  # the hostile title: picked, and also new in Speech Synthesis that day
NEWEST, MIDDLE, OLDEST = "2026-01-16", "2026-01-15", "2025-11-21"
DIGESTS = {
    NEWEST: {"date": NEWEST,
             "new": {"Speech Synthesis": ["2601.00100", PICK, BOTH_ID, "2601.99999"], "Codec": [BOTH_ID],
                     HOSTILE_TOPIC: ["2601.00101"]},
             "picks": [{"id": PICK, "score": 0.52, "because": {"id": UNIQUE_ID, "title": HOSTILE}},
                       {"id": "2601.00102", "score": 0.31, "because": {"id": "2301.00001", "title": "Not on the site"},
                        "words": ["speech codec", "bitrate", "<b>bold</b>", "four"]},
                       {"id": "2601.88888", "score": 0.30, "because": {"id": None, "title": "Gone"}},
                       {"id": "2601.00103", "score": 0.2, "because": {"id": None, "title": "From my .bib"}}]},
    MIDDLE: {"date": MIDDLE, "new": {"Speech Synthesis": ["2601.00104"]}, "picks": []},
    OLDEST: {"date": OLDEST, "new": {"Codec": ["2511.00015"]}, "picks": []},
}


@dataclass
class Built:
    out: Path
    pages: dict[str, Parsed]
    html: dict[str, str]
    stderr: str


def write_digests(root: Path, digests: dict[str, object]) -> None:
    """data/digests/DATE.json as the daily run writes them (sorted, indented JSON)."""
    folder = root / "data" / "digests"
    folder.mkdir(parents=True, exist_ok=True)
    for date, digest in digests.items():
        (folder / f"{date}.json").write_text(json.dumps(digest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def build_site(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
               digests: dict[str, object], env: dict[str, str] | None = None) -> Built:
    """Build the small repository's site with these digests, as the workflow does (under /REPO/)."""
    root = make_repo(folder / "repo")
    write_digests(root, digests)
    for name in ("GITHUB_REPOSITORY", "GITHUB_REF_NAME", "GITHUB_REF_TYPE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    assert build.main([str(folder / "site"), "--root", str(root), "--base-url", SERVED_AT, "-q"]) == 0
    err = capsys.readouterr().err
    out = folder / "site"
    html = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    return Built(out, {path: parse(text) for path, text in html.items()}, html, err)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The small site with three days of digests, a broken one and a misnamed one, built on branch feature/daily."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("days")
        root = make_repo(folder / "repo")
        write_digests(root, DIGESTS)
        (root / "data" / "digests" / "2026-01-14.json").write_text("{not json", encoding="utf-8")
        write_digests(root, {"2026-01-13": {"date": "2026-01-12", "new": {}, "picks": []}})
        patch.delenv("GITHUB_REF_TYPE", raising=False)
        patch.setenv("GITHUB_REPOSITORY", "octo/papers")
        patch.setenv("GITHUB_REF_NAME", "feature/daily")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            assert build.main([str(folder / "site"), "--root", str(root), "--base-url", SERVED_AT, "-q"]) == 0
    out = folder / "site"
    html = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    return Built(out, {path: parse(text) for path, text in html.items()}, html, err.getvalue())


def hrefs(page: Parsed) -> list[str]:
    return [e.attrs["href"] for e in page.all("a") if "href" in e.attrs]


def articles(page: Parsed) -> list[str]:
    return [e.attrs["id"] for e in page.all("article")]


def test_a_page_per_day_and_today_is_the_newest(built: Built) -> None:
    assert {f"days/{d}.html" for d in DIGESTS} | {"today.html", "days/index.html"} <= set(built.pages)
    today, newest = built.pages["today.html"], built.pages[f"days/{NEWEST}.html"]
    assert articles(today) == articles(newest) and articles(today)
    assert f"Today: new on {NEWEST}" in "".join(today.text) and f"New on {NEWEST}" in "".join(newest.text)


def test_each_day_links_the_previous_and_next_day(built: Built) -> None:
    def pager(path: str) -> list[str]:
        navs = re.findall(r'<nav class="pager" aria-label="Days, (?:top|bottom)">(.*?)</nav>', built.html[path], re.S)
        assert len(navs) == 2 and navs[0] == navs[1], path
        return re.findall(r'href="([^"]*)"', navs[0])
    assert pager("today.html") == [f"days/{MIDDLE}.html", "days/index.html"]
    assert pager(f"days/{NEWEST}.html") == [f"{MIDDLE}.html", "index.html"]
    assert pager(f"days/{MIDDLE}.html") == [f"{OLDEST}.html", "index.html", f"{NEWEST}.html"]
    assert pager(f"days/{OLDEST}.html") == ["index.html", f"{MIDDLE}.html"]
    index = [h for h in hrefs(built.pages["days/index.html"]) if h.endswith(".html") and h[0].isdigit()]
    assert index == [f"{NEWEST}.html", f"{MIDDLE}.html", f"{OLDEST}.html"]
    recent = [h for h in hrefs(built.pages["today.html"]) if h.startswith("days/2")]
    assert recent[-3:] == [f"days/{NEWEST}.html", f"days/{MIDDLE}.html", f"days/{OLDEST}.html"]


def test_every_page_links_today(built: Built) -> None:
    assert len(built.pages) > 20
    for path, page in built.pages.items():
        (today,) = [e.attrs["href"] for e in page.all("a") if e.attrs.get("class") == "nav-today"]
        expected = "/REPO/today.html" if path == "404.html" else "../" * path.count("/") + "today.html"
        assert today == expected, path


def test_picks_come_first_each_with_the_paper_it_is_like(built: Built) -> None:
    page, html = built.pages[f"days/{NEWEST}.html"], built.html[f"days/{NEWEST}.html"]
    assert articles(page)[:3] == [f"p-{PICK}", "p-2601.00102", "p-2601.00103"]  # 2601.88888 is not stored: skipped
    assert html.index('id="picks-h"') < html.index("p-2601.00103") < html.index('id="day-t1"')
    because = re.findall(r'<p class="because">(.*?)</p>', html)
    assert because[0].startswith('Because you liked <a href="../topics/speech-synthesis/2024-05.html#p-2405.00007">')
    assert "&lt;img src=x onerror=alert(1)&gt;" in because[0]
    assert because[1] == ('Because you liked <a href="https://arxiv.org/abs/2301.00001">Not on the site</a> · '
                          "matched <em>speech codec, bitrate, four</em>")  # what is not a ranker's word is dropped
    assert because[2] == "Because you liked <cite>From my .bib</cite>"


def test_then_each_topic_with_why_each_paper_is_listed_and_every_paper_drawn_once(built: Built) -> None:
    page, html = built.pages[f"days/{NEWEST}.html"], built.html[f"days/{NEWEST}.html"]
    ids = articles(page)
    assert len(ids) == len(set(ids)) and len(page.ids) == len([e for e in page.elements if "id" in e.attrs])
    assert ids[3:] == ["p-2601.00100", f"p-{BOTH_ID}", "p-2601.00101"]  # 2601.99999 is not stored: skipped
    topics = re.findall(r'<h2 id="day-t\d">(.*?)</h2>', html)
    assert topics == ['<a href="../topics/speech-synthesis/index.html">Speech Synthesis</a>',
                      '<a href="../topics/codec/index.html">Codec</a>',
                      "&lt;b&gt;Old&lt;/b&gt; topic &lt;script&gt;alert(3)&lt;/script&gt;"]
    speech = html[html.index('id="day-t1"'):html.index('id="day-t2"')]
    assert speech.count("&#34;speech synthesis&#34; in title") >= 3  # why each is listed: 2 cards, 1 shown above
    assert f'<a href="#p-{PICK}">' in speech and "shown above" in speech
    codec = html[html.index('id="day-t2"'):html.index('id="day-t3"')]
    assert f'<a href="#p-{BOTH_ID}">' in codec and "<article" not in codec
    assert "2 more are no longer listed on the site." in "".join(page.text)
    assert "6 new papers, 3 picked for you" in "".join(page.text)


def test_hostile_text_is_inert_and_the_policy_strict(built: Built) -> None:
    for path in ("today.html", f"days/{NEWEST}.html", "days/index.html", "starred.html"):
        page = built.pages[path]
        assert not page.all("img") and not page.all("b"), path
        assert all(e.attrs.get("src", "").endswith(".js") for e in page.all("script")), path
        assert not "".join(page.script_text).strip(), path
        assert not [a for e in page.elements for a in e.attrs if a.startswith("on")], path
        (policy,) = [e.attrs["content"] for e in page.all("meta") if e.attrs.get("http-equiv") == "Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe" not in policy
    assert HOSTILE_TOPIC in "".join(built.pages[f"days/{NEWEST}.html"].text)


def test_a_broken_digest_is_one_warning_and_its_day_is_left_out(built: Built) -> None:
    lines = built.stderr.splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["data/digests/2026-01-14.json",
                                                               "data/digests/2026-01-13.json"]
    assert all(line.startswith("warning: ") and "Fix or delete the file" in line for line in lines)
    assert "'2026-01-12', not the file's name '2026-01-13'" in lines[1]
    assert "days/2026-01-14.html" not in built.pages and "days/2026-01-13.html" not in built.pages


def test_without_digests_today_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    site = build_site(tmp_path, monkeypatch, capsys, {})
    assert "No day's papers yet." in "".join(site.pages["today.html"].text)
    assert "No days yet" in "".join(site.pages["days/index.html"].text)
    assert not site.pages["today.html"].all("article") and not (site.out / "days" / "2026-01-16.html").exists()
    assert site.stderr == ""


def test_the_save_section_names_the_repository_and_branch(built: Built) -> None:
    page = built.pages["starred.html"]
    (section,) = [e.attrs for e in page.all("section") if "data-save" in e.attrs]
    assert section["data-repository"] == "octo/papers" and section["data-branch"] == "feature/daily"
    assert [e.attrs["src"] for e in page.all("script")][-1] == "assets/save.js"
    assert (built.out / "assets" / "save.js").is_file()
    assert any("data-save-links" in e.attrs for e in page.all("p"))


def test_the_not_for_me_list_has_its_own_save_to_the_same_repository(built: Built) -> None:
    """Issue 36: the Starred page's Not for me list is saved like the stars, to interests/not-for-me/ (save.js's kind),
    and says where to delete a line to undo one already committed."""
    page = built.pages["starred.html"]
    (saving,) = [e.attrs for e in page.all("div") if "data-save" in e.attrs]
    assert (saving["data-save-kind"], saving["data-repository"], saving["data-branch"]) == (
        "not-for-me", "octo/papers", "feature/daily")
    assert [e for e in page.all("ol") if "data-not-for-me-list" in e.attrs]
    links = [e.attrs.get("href", "") for e in page.all("a")]
    assert "https://github.com/octo/papers/tree/feature/daily/interests/not-for-me" in links


def test_without_a_repository_the_save_section_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    page = build_site(tmp_path, monkeypatch, capsys, {}).pages["starred.html"]
    (section,) = [e.attrs for e in page.all("section") if "data-save" in e.attrs]
    assert "data-repository" not in section and not any("data-save-links" in e.attrs for e in page.all("p"))
    assert "built without knowing its GitHub repository" in "".join(page.text)
    (saving,) = [e.attrs for e in page.all("div") if "data-save" in e.attrs]
    assert saving["data-save-kind"] == "not-for-me" and "data-repository" not in saving
    assert "so it has no button to save this list" in "".join(page.text)


@pytest.mark.parametrize(("env", "branch"), [
    ({"GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch"}, "main"),
    ({"GITHUB_REF_NAME": "dev/papers"}, "dev/papers"),
    ({"GITHUB_REF_NAME": "v1.0", "GITHUB_REF_TYPE": "tag"}, save.DEFAULT_BRANCH),
    ({"GITHUB_REF_NAME": "12/merge", "GITHUB_REF_TYPE": "branch"}, "12/merge"),
    ({"GITHUB_REF_NAME": "bad..name"}, save.DEFAULT_BRANCH),
    ({"GITHUB_REF_NAME": "x\" onclick=\"y"}, save.DEFAULT_BRANCH),
    ({}, save.DEFAULT_BRANCH),
])
def test_the_branch_is_the_builds_branch_else_the_default(env: dict[str, str], branch: str) -> None:
    assert save.branch_of(env) == branch
    assert save.save_target({**env, "GITHUB_REPOSITORY": "octo/papers"}) == save.SaveTarget("octo/papers", branch)
    assert save.save_target({**env, "GITHUB_REPOSITORY": "not a repo"}) is None


def test_every_link_of_the_day_pages_resolves(built: Built) -> None:
    """From today.html and each day page: every page and anchor they link to inside the site is there."""
    for path in ["today.html", "days/index.html", *(f"days/{d}.html" for d in DIGESTS)]:
        for ref in hrefs(built.pages[path]):
            target = urllib.parse.urljoin(SERVED_AT + path, ref)
            if not target.startswith(SERVED_AT):
                assert target.startswith("https://"), f"{path}: {ref}"
                continue
            address, _, fragment = target[len(SERVED_AT):].partition("#")
            address = address or path
            assert address in built.pages or (built.out / address).is_file(), f"{path}: {ref}"
            if fragment:
                assert fragment in built.pages[address].ids, f"{path}: {ref}"


def test_a_day_whose_ids_are_all_gone_still_has_its_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    site = build_site(tmp_path, monkeypatch, capsys, {
        "2026-02-01": {"date": "2026-02-01", "new": {"Codec": ["2602.00001", 7, None]},
                       "picks": [{"id": 5}, {"because": "x"}, {"id": "2602.00002", "because": None}]}})
    page = site.pages["days/2026-02-01.html"]
    assert not page.all("article") and "0 new papers." in "".join(page.text) and site.stderr == ""
    assert days.cut("word " * 40, 20) == "word word word word…"


def test_the_two_halves_of_a_build_write_each_day_page_once(tmp_path: Path) -> None:
    """The build renders half the pages in a second process: the day pages of both shares are all of them, once."""
    from core import config as cfg
    from core import store as st
    from website import pages

    root = make_repo(tmp_path / "repo")
    write_digests(root, {**DIGESTS, "2026-01-17": {"date": "2026-01-17", "new": {"Codec": [BOTH_ID]}, "picks": []}})
    site, extras, _ = build.prepare(cfg.load(root / "keywords.yaml"), list(st.load(root).papers.values()))
    site.days = days.build_days(root, site)
    whole = dict(pages.day_pages(site, extras))
    halves = [list(pages.day_pages(site, extras, (k, 2))) for k in (0, 1)]
    assert [len(half) for half in halves] == [4, 2]  # today.html, days/index.html and 2 of the 4 days; 2 days
    assert dict(halves[0] + halves[1]) == whole and len(whole) == 6


def test_the_today_link_says_so_on_the_today_page(built: Built) -> None:
    current = {path: [e.attrs.get("aria-current") for e in page.all("a") if e.attrs.get("class") == "nav-today"]
               for path, page in built.pages.items()}
    assert current.pop("today.html") == ["page"] and set(map(tuple, current.values())) == {(None,)}


def test_a_day_with_hundreds_of_new_papers_draws_some_in_full_and_links_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A first run or a backfill makes hundreds of papers new at once: the day page stays small."""
    monkeypatch.setattr(days, "DAY_CARDS", 2)
    monkeypatch.setattr(days, "PAGE_CARDS", 3)
    monkeypatch.setattr(days, "DAY_LINKS", 3)
    speech = ["2601.00100", "2601.00101", "2601.00102", "2601.00103", "2601.00104", "2601.00105", "2601.00106"]
    site = build_site(tmp_path, monkeypatch, capsys, {
        "2026-02-01": {"date": "2026-02-01", "new": {"Speech Synthesis": speech,
                                                     "Codec": ["2601.00106", "2601.00101", "2511.00015", "2507.00014"]},
                       "picks": []}})
    page, html = site.pages["days/2026-02-01.html"], site.html["days/2026-02-01.html"]
    assert articles(page) == ["p-2601.00100", "p-2601.00101", "p-2511.00015"]  # 2 of a topic, 3 of the page
    brief = re.findall(r'<ul class="brief">(.*?)</ul>', html, re.S)[0]
    assert re.findall(r'href="([^"]*)"', brief) == [f"../topics/speech-synthesis/2026-01.html#p-2601.0010{n}"
                                                    for n in (2, 3, 4)]
    assert "And 2 more, on" in "".join(page.text) and "9 new papers." in "".join(page.text)
    assert re.findall(r'<ul class="brief">(.*?)</ul>', html, re.S)[1].count("<li>") == 1  # 2507.00014: page is full
    also = re.findall(r'<ul class="also">(.*?)</ul>', html, re.S)[0]
    assert re.findall(r'href="([^"]*)"', also) == ["../topics/speech-synthesis/2026-01.html#p-2601.00106",
                                                   "#p-2601.00101"]
    assert "listed above" in also and "shown above" in also


def test_a_ranked_day_without_picks_says_nothing_was_like_the_liked_papers(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = build_site(tmp_path, monkeypatch, capsys, {
        "2026-02-01": {"date": "2026-02-01", "new": {"Codec": []}, "picks": [], "ranker": "learned"},
        "2026-02-02": {"date": "2026-02-02", "new": {"Codec": []}, "picks": []}})
    assert "none looks like the papers you liked" in "".join(site.pages["days/2026-02-01.html"].text)
    assert "none looks like" not in "".join(site.pages["days/2026-02-02.html"].text)  # no interests: no ranking


def test_a_pick_marked_not_for_me_after_its_day_leaves_the_day_page(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "repo")
    write_digests(root, {NEWEST: DIGESTS[NEWEST]})
    keywords = json.loads((root / "keywords.yaml").read_text(encoding="utf-8"))  # JSON is YAML
    (root / "keywords.yaml").write_text(json.dumps({**keywords, "interests": {"picks": 5}}), encoding="utf-8")
    (root / "interests" / "not-for-me").mkdir(parents=True)
    (root / "interests" / "not-for-me" / "mine.txt").write_text(f"{PICK}\n")
    for name in ("GITHUB_REPOSITORY", "GITHUB_REF_NAME", "GITHUB_REF_TYPE"):
        monkeypatch.delenv(name, raising=False)
    assert build.main([str(tmp_path / "site"), "--root", str(root), "-q"]) == 0
    page = (tmp_path / "site" / "days" / f"{NEWEST}.html").read_text(encoding="utf-8")
    picks_part = page.split('<section class="picks"')[1].split("</section>")[0]
    assert PICK not in picks_part and "2601.00102" in picks_part
    assert PICK in page  # still listed among its topic's new papers
