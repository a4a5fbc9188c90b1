"""digest.mail: the day's digest email, composed from the record and the store, sent to a real SMTP server
(aiosmtpd on 127.0.0.1) with smtplib: plain, STARTTLS and implicit TLS; every failure one line; end to end
through scripts/update.py with the fake arXiv and a bare remote."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import git
import hostile_inputs as hostile
import pytest
from conftest import git_remote, write_keywords
from fake_arxiv import FakeArxiv, paper
from fake_smtp import PASSWORD, USER, Server, certificate, free_port, trusted  # noqa: F401 (fixtures)
from site_html import parse
from site_repo import HOSTILE

import update
from core import config as cfg
from core import links, mdtext, paperlinks
from core import store as st
from daily import run as pipeline
from digest import mail

BOT = "41898282+github-actions[bot]@users.noreply.github.com"
SITE = "https://owner.github.io/repo/"


def record(paper_id: str, title: str, topics: list[str], version: int = 1, **extra: Any) -> dict[str, Any]:
    """A stored paper."""
    return st.new_record(id=paper_id, version=version, title=title, abstract="An abstract.", comment="",
                         authors=["Ada Lovelace", "Alan Turing"], categories=["cs.SD"], primary_category="cs.SD",
                         published="2026-12-02T10:00:00Z", updated="2026-12-02T10:00:00Z", topics=topics) | extra


def day_of_three() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A day with a pick, a summary of the current version, a stale summary, a hostile title and a missing id."""
    papers = {p["id"]: p for p in [
        record("2612.00001", "Codec language models", ["Codec"],
               tldr={"model": "openai/gpt-4.1-mini", "text": "A codec <b>that</b> works.", "version": 1}),
        record("2612.00002", HOSTILE, ["Codec", "TTS"],
               tldr={"model": "m", "text": "<script>alert(3)</script> old summary", "version": 1}, version=2),
        record("2612.00003", "Flow matching TTS", ["TTS"]),
    ]}
    day = {"date": "2026-12-03", "new": {"Codec": ["2612.00001", "2612.00002", "2612.09999"],
                                         "TTS": ["2612.00002", "2612.00003"]},
           "picks": [{"id": "2612.00003", "score": 0.42,
                      "because": {"id": "2510.00981", "title": "A liked <em>paper</em>"},
                      "words": ["flow matching", "tts", "<b>x</b>"]},
                     {"id": "2612.09998", "score": 0.3, "because": {"id": None, "title": "gone"}}]}
    return day, papers


def day_commit(bare: Any) -> Any:
    """The day's commit on origin's main: the tip, or under the record of what was sent (a failed first send is
    recorded too, so it is caught up: "Delivered: nothing yet …")."""
    tip = bare.commit("main")
    return tip.parents[0] if tip.message.startswith("Delivered:") else tip


def parts(message: Any) -> tuple[str, str]:
    """The plain-text and HTML bodies, decoded."""
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


# --- Composing --------------------------------------------------------------------------------------------------

def test_the_digest_is_multipart_with_picks_first_summaries_and_the_day_page() -> None:
    day, papers = day_of_three()
    message = mail.compose(day, papers, SITE, "Daily Papers")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "Daily Papers, 2026-12-03: 3 new — Flow matching TTS"  # 2612.00002 counts once;
    text, html = parts(message)  # missing ids are skipped; the pick's title names the day
    for body in (text, html.split("</head>", 1)[1]):  # the HTML's <title> is the subject
        assert body.index("Picks for you") < body.index("Flow matching TTS") < body.index("New in Codec")
        assert body.index("New in Codec") < body.index("Codec language models") < body.index("New in TTS")
        assert "TL;DR (AI, gpt-4.1-mini)" in body and "old summary" not in body  # the v1 summary of a v2
        assert "https://arxiv.org/abs/2612.00001" in body and "https://arxiv.org/abs/2510.00981" in body
        assert f"{SITE}days/2026-12-03.html" in body and "2612.09999" not in body and "2612.09998" not in body
    assert ("Because you liked: A liked <em>paper</em> <https://arxiv.org/abs/2510.00981> (matched: flow matching, "
            "tts)") in text
    assert "· matched: flow matching, tts</span>" in html  # what is not a ranker's word is dropped


def test_hostile_arxiv_and_model_text_is_inert_in_both_parts() -> None:
    day, papers = day_of_three()
    papers["2612.00001"]["tldr"]["text"] = '<img src="https://evil.example/x.png"> "quoted" & <a href=x>link</a>'
    text, html = parts(mail.compose(day, papers, SITE, "Daily Papers"))
    page = parse(html)
    assert HOSTILE in "".join(page.text) and "<img src=\"https://evil.example/x.png\">" in "".join(page.text)
    assert not page.all("img") and not page.all("script") and not page.all("style") and not page.all("link")
    assert not [a for e in page.elements for a in e.attrs if a.startswith("on") or a == "src"]
    ids = ("2612.00001", "2612.00002", "2612.00003")
    assert {e.attrs["href"] for e in page.all("a")} == {
        *(f"https://arxiv.org/{kind}/{i}" for kind in ("abs", "pdf") for i in ids),
        *(f"{SITE}days/2026-12-03.html#p-{i}" for i in ids),
        "https://arxiv.org/abs/2510.00981", f"{SITE}days/2026-12-03.html", S2_CREDIT}
    assert HOSTILE in text and "\r" not in text  # plain text is shown as text by every client


S2_CREDIT = "https://www.semanticscholar.org"  # the footer credits Semantic Scholar's TL;DRs, as its terms ask
ALLOWED_TAGS = {"html", "head", "meta", "title", "body", "h1", "h2", "p", "ol", "ul", "li", "a", "br", "span", "strong"}
ALLOWED_ATTRS = {"lang", "charset", "name", "content", "style", "href"}


@pytest.mark.parametrize("text", [t for _, t in hostile.MAIL_TEXTS], ids=[i for i, _ in hostile.MAIL_TEXTS])
def test_every_hostile_text_stays_text_in_every_part(text: str) -> None:
    day, papers = day_of_three()
    papers["2612.00001"]["title"] = text
    papers["2612.00001"]["tldr"] = {"model": text, "text": text, "version": 1}
    papers["2612.00003"]["topics"] = [text]
    day["picks"][0]["because"]["title"] = text
    day["new"][text] = day["new"].pop("TTS")
    message = mail.compose(day, papers, SITE, "Daily Papers", mail.address("bot@example.org", "MAIL_FROM"),
                           (mail.address("me@example.org", "MAIL_TO"),))
    again = message_from_bytes(message.as_bytes(), policy=policy.default)  # what the reader's client parses
    assert [p.get_content_type() for p in again.walk()] == ["multipart/alternative", "text/plain", "text/html"]
    assert set(again.keys()) == set(message.keys()) and again["Subject"] == message["Subject"]
    assert "Bcc" not in again and "victim" not in str(again["Subject"]) + str(again["To"])
    text_part, html = (body.replace("\r\n", "\n") for body in parts(again))  # as sent: CRLF line ends
    page = parse(html)
    assert {e.tag for e in page.elements} <= ALLOWED_TAGS
    assert {a for e in page.elements for a in e.attrs} <= ALLOWED_ATTRS
    assert all(e.attrs["href"].startswith(("https://arxiv.org/abs/", "https://arxiv.org/pdf/", SITE))
               or e.attrs["href"] == S2_CREDIT
               for e in page.all("a"))
    assert all(c.isprintable() or c == "\n" for c in text_part)
    assert len(html.encode("utf-8")) <= mail.HTML_BYTES and max(map(len, text_part.splitlines())) <= 1_000
    assert mdtext.short(text, 60).rstrip("…") in "".join(page.text)


HEADERS = {"Subject", "From", "Message-ID", "To", "MIME-Version", "Content-Type"}


@pytest.mark.parametrize("title,subject", [
    ("Title\r\nBcc: victim@example.org\r\n\r\nbody", "Title Bcc: victim@example.org…"),
    ("Title\nTo: victim@example.org\nContent-Type: text/html", "Title To: victim@example.org…"),
    ("FlashVoice: fast zero-shot TTS with a streaming codec language model", "FlashVoice: fast zero-shot TTS…"),
    ("Synthèse vocale expressive: 日本語の音声合成 for everyone", "Synthèse vocale expressive…"),
    ("\u202egnp.exe\u202c \x00 \x1b[31m red \u2066x\u2069", "gnp.exe [31m red x"),  # bidi and controls dropped
    ("=?utf-8?b?QmNjOiB2aWN0aW1AZXhhbXBsZS5vcmc=?=", "= ?utf-8?b?QmNjOiB2aWN0aW1AZXhhb…"),  # no encoded word of its own
    ("a\u2028b\u0085c\td\x0bf", "a b c d f"),  # every line break and tab is a space
    ("word " * 5000, "word word word word word word…"),
    ("x" * 200, "x" * 32 + "…"),
], ids=["bcc", "to and content-type", "long", "non-ascii", "bidi and controls", "encoded word", "line breaks",
        "megabyte", "one long word"])
def test_the_subject_names_the_top_pick_cleaned_for_a_header(title: str, subject: str) -> None:
    day, papers = day_of_three()
    papers["2612.00003"]["title"] = title  # the top pick: its title goes into the subject
    message = mail.compose(day, papers, None, "Daily Papers", mail.address("bot@example.org", "MAIL_FROM"),
                           (mail.address("me@example.org", "MAIL_TO"),))
    raw = message.as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and max(map(len, head.split(b"\r\n"))) <= 78  # RFC 2047 words, folded: no raw 8-bit
    again = message_from_bytes(raw, policy=policy.default)  # what the reader's client parses
    assert set(again.keys()) == HEADERS and len(again.keys()) == len(HEADERS)
    assert str(again["Subject"]) == f"Daily Papers, 2026-12-03: 3 new — {subject}"
    assert len(str(again["Subject"])) <= mail.SUBJECT_CHARS + 2
    assert [str(a) for a in again["To"].addresses] == ["me@example.org"]


def test_a_hostile_settings_title_stays_one_subject_line() -> None:
    day, papers = day_of_three()
    message = mail.compose(day, papers, None, "Papers\r\nBcc: evil@example.org",
                           mail.address("bot@example.org", "MAIL_FROM"), (mail.address("me@example.org", "MAIL_TO"),))
    again = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert set(again.keys()) == HEADERS and "Bcc" not in again
    assert again["Subject"] == "Papers Bcc: evil@example.org, 2026-12-03: 3 new — Flow matching TTS"


def test_the_subject_names_the_newest_paper_without_picks_and_keeps_room_for_it() -> None:
    day, papers = day_of_three()
    day["picks"] = []
    papers["2612.00001"]["published"] = "2026-12-02T23:00:00Z"  # submitted last
    assert mail.compose(day, papers, None, "Daily Papers")["Subject"] == \
        "Daily Papers, 2026-12-03: 3 new — Codec language models"
    subject = mail.compose(day, papers, None, "My own very long digest title " * 4)["Subject"]
    assert subject.endswith(" 3 new — Codec language models")  # a long settings.title still leaves the lead room


def test_a_day_without_picks_or_site_says_so_plainly() -> None:
    day, papers = day_of_three()
    day["picks"] = []
    message = mail.compose(day, papers, None, "My Papers")
    assert message["Subject"] == "My Papers, 2026-12-03: 3 new — Flow matching TTS"  # the newest (last id of a tie)
    text, html = parts(message)
    assert "Picks for you" not in text + html and "days/" not in text + html


def test_a_big_day_is_capped_per_topic_with_the_rest_on_the_site() -> None:
    papers = {f"2612.{i:05d}": record(f"2612.{i:05d}", f"Paper {i} " + "word " * 30, [f"T{i % 8}"],
                                      tldr={"model": "m", "text": "A summary. " * 30, "version": 1})
              for i in range(1200)}
    day = {"date": "2026-12-03", "new": {f"T{t}": [i for i in papers if int(i[5:]) % 8 == t] for t in range(8)},
           "picks": [{"id": i, "score": 0.5, "because": {"id": "2510.00981", "title": "Liked"}}
                     for i in list(papers)[:10]]}
    message = mail.compose(day, papers, SITE, "Daily Papers")
    text, html = parts(message)
    assert message["Subject"] == "Daily Papers, 2026-12-03: 1200 new — Paper 0 word word word word…"
    own = [150 - (2 if t < 2 else 1) for t in range(8)]  # less the picks (papers 0-9), listed above
    listed, left = divmod(text.count("\n- Paper ") - 10, 8)  # each topic lists as many (fewer if the HTML is long)
    assert not left and 1 <= listed <= mail.per_topic_limit(own) and 10 + 8 * listed <= 10 + mail.PAPERS_IN_MAIL
    assert all(f"... and {n - listed} more on the site: {SITE}days/" in text for n in own)
    assert len(message.as_bytes()) < 400_000


def test_a_day_of_the_longest_texts_lists_fewer_papers_so_gmail_does_not_clip_it() -> None:
    long = {"title": "@\U0001d41a " * 5000, "authors": ["An Author " * 50] * 10}
    papers = {f"2612.{i:05d}": record(f"2612.{i:05d}", long["title"], [f"T{i % 30}"], authors=long["authors"],
                                      tldr={"model": "m" * 500, "text": "word " * 5000, "version": 1})
              for i in range(600)}
    day = {"date": "2026-12-03", "new": {f"T{t}": [i for i in papers if int(i[5:]) % 30 == t] for t in range(30)},
           "picks": [{"id": i, "because": {"id": None, "title": long["title"]}} for i in list(papers)[:40]]}
    text, html = parts(mail.compose(day, papers, SITE, "Daily Papers"))
    assert len(html.encode("utf-8")) <= mail.HTML_BYTES
    assert all(re.search(rf"New in T{t} \(20[,)]", text) for t in range(30)) and text.count("... and ") == 30
    assert text.count("TL;DR (AI, ") >= 5 and len(max(text.splitlines(), key=len)) < 1_000  # picks come first


def test_ids_missing_from_the_store_are_skipped_and_an_empty_day_has_no_sections() -> None:
    day = {"date": "2026-12-03", "new": {"A": ["2612.00001"]}, "picks": [{"id": "2612.00001", "because": None}]}
    digest = mail.digest_of(day, {}, SITE, "Daily Papers")
    assert digest.new == 0 and not digest.sections and not digest.picks


# --- Each paper once, with its PDF; site links only when the site is published -----------------------------------

TOPICS = ["Speech Synthesis", "TTS", "Codec"]


def day_of_twenty() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The issue's day: 20 new papers in three topics, 7 of them in two, and 2 picks (each also in its topics), so
    listing every topic in full gave 29 entries: FlashVoice three times (a pick, Speech Synthesis, TTS)."""
    papers, new = {}, {name: [] for name in TOPICS}
    for n in range(20):
        paper_id = f"2602.{n + 1:05d}"
        topics = [TOPICS[n % 3]] + ([TOPICS[(n + 1) % 3]] if n < 7 else [])
        title = "FlashVoice: fast zero-shot TTS with a streaming codec" if n == 0 else f"Paper {n} on speech"
        papers[paper_id] = record(paper_id, title, topics, published=f"2026-02-10T{n:02d}:00:00Z")
        for name in topics:
            new[name].append(paper_id)
    picks = [{"id": i, "score": 0.5, "because": {"id": "2510.00981", "title": "Liked"}} for i in ("2602.00001", "2602.00004")]
    return {"date": "2026-02-11", "new": new, "picks": picks}, papers


def entries(message: Any) -> tuple[dict[str, int], dict[str, int]]:
    """How many entries each paper has in the plain part ('- ' lines, keyed by their arXiv line) and the HTML part
    (<li> items, keyed by their title's link)."""
    text, html = parts(message)
    in_text: dict[str, int] = {}
    for entry in re.split(r"^- ", text, flags=re.M)[1:]:
        (paper_id,) = re.findall(r"^  arXiv: https://arxiv\.org/abs/(\S+)$", entry, flags=re.M)
        in_text[paper_id] = in_text.get(paper_id, 0) + 1
    in_html: dict[str, int] = {}
    elements = parse(html).elements
    for n, li in enumerate(elements):
        if li.tag == "li":  # the entry's first link is its title's
            first = next(e for e in elements[n:] if e.tag == "a").attrs["href"]
            paper_id = first.removeprefix("https://arxiv.org/abs/")
            in_html[paper_id] = in_html.get(paper_id, 0) + 1
    return in_text, in_html


def test_each_paper_is_one_entry_in_both_parts_picks_first_and_two_topics_named() -> None:
    day, papers = day_of_twenty()
    message = mail.compose(day, papers, None, "Daily Papers")
    for counted in entries(message):
        assert counted == {i: 1 for i in papers}, counted  # 20 entries for 20 papers (29 when topics repeated them)
    text, html = parts(message)
    for body in (text, html):
        assert body.index("FlashVoice") < body.index("New in Speech Synthesis")  # the pick, above the topics
        assert "New in TTS (10, 3 listed above)" in re.sub(r"<[^>]+>", "", body)  # its count says how many are above
    second = text.split("- Paper 1 on speech\n", 1)[1].split("\n- ", 1)[0]  # in Speech Synthesis... and TTS
    assert "  Topics: TTS, Codec\n" in second
    assert text.index("- Paper 1 on speech") < text.index("New in Codec")  # under its first topic only


def test_every_entry_links_its_pdf_and_no_site_page_when_the_site_is_not_published() -> None:
    day, papers = day_of_twenty()
    text, html = parts(mail.compose(day, papers, None, "Daily Papers"))
    page = parse(html)
    hrefs = [e.attrs["href"] for e in page.all("a")]
    for paper_id in papers:
        assert hrefs.count(f"https://arxiv.org/pdf/{paper_id}") == 1 and text.count(f"PDF: https://arxiv.org/pdf/{paper_id}\n") == 1
    assert not [h for h in hrefs if "github.io" in h or "/days/" in h] and "github.io" not in text and "Site:" not in text


def test_every_entry_links_its_card_on_the_days_page_when_the_site_is_published() -> None:
    day, papers = day_of_twenty()
    text, html = parts(mail.compose(day, papers, SITE, "Daily Papers"))
    hrefs = [e.attrs["href"] for e in parse(html).all("a")]
    for paper_id in papers:
        card = f"{SITE}days/2026-02-11.html#p-{paper_id}"
        assert hrefs.count(card) == 1 and text.count(f"  Site: {card}\n") == 1


@pytest.mark.parametrize("value,site", [
    ("https://octo.github.io/papers/", "https://octo.github.io/papers/"),
    ("https://octo.github.io/papers", "https://octo.github.io/papers/"),
    ("https://papers.example.org/", "https://papers.example.org/"),  # a custom domain: the Pages API's html_url
    ("", None), ("http://octo.github.io/papers/", None), ("javascript:alert(1)", None),
    ('https://x.example/"><script>', None), ("https://x.example/?q=1", None), ("https://u@x.example/", None),
    ("https://x.example/\u202e/", None),
    ("https://:secret@u.github.io/r/", None), ("https://u.github.io:99999/r", None),  # issue 34 review
    ("https://u.github.io:443/r/", None), (" https://octo.github.io/papers/ ", "https://octo.github.io/papers/"),
])
def test_the_site_is_linked_only_from_the_workflows_pages_check(value: str, site: str | None) -> None:
    assert links.published_site({"SITE_URL": value}) == site
    assert links.published_site({"GITHUB_REPOSITORY": "octo/papers"}) is None  # a repository alone is no signal


@pytest.mark.parametrize("gh_out,gh_status,url", [
    ("workflow https://o.github.io/r/", 0, "https://o.github.io/r/"),
    ("legacy https://o.github.io/r/", 0, None),  # published from a branch: not this workflow's site
    ("", 1, None),  # 404 (Pages off), 403 or 5xx: no site links, and the update goes on
])
def test_the_update_jobs_pages_check_passes_site_url_only_when_the_site_is_published(
        gh_out: str, gh_status: int, url: str | None, tmp_path: Path) -> None:
    from test_workflows import load, run_step

    job = load("update.yml")["jobs"]["update"]
    assert job["permissions"].get("pages") == "read"
    check = next(s for s in job["steps"] if s.get("id") == "pages")
    update_step = next(s for s in job["steps"] if "update.py" in s.get("run", ""))
    assert update_step["env"]["SITE_URL"] == "${{ steps.pages.outputs.url }}"
    status, printed, output = run_step(check["run"], tmp_path, gh_out, "gh: HTTP error", gh_status)
    assert status == 0, printed
    assert output == (f"url={url}\n" if url else ""), output


# --- Settings ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("env,expected", [
    ({}, ("ssl", 465)),
    ({"SMTP_PORT": "587"}, ("starttls", 587)),
    ({"SMTP_PORT": "465"}, ("ssl", 465)),
    ({"SMTP_SECURITY": "STARTTLS"}, ("starttls", 587)),
    ({"SMTP_SECURITY": "", "SMTP_PORT": ""}, ("ssl", 465)),  # unset secrets reach the step as empty text
])
def test_security_and_port_defaults(env: dict[str, str], expected: tuple[str, int]) -> None:
    base = {"SMTP_SERVER": "smtp.gmail.com", "SMTP_USERNAME": "me@gmail.com", "SMTP_PASSWORD": "s3cret-pw",
            "MAIL_TO": ""}
    smtp = mail.smtp_settings(base | env)
    assert (smtp.security, smtp.port) == expected
    assert smtp.sender.addr_spec == "me@gmail.com" and [r.addr_spec for r in smtp.recipients] == ["me@gmail.com"]
    assert "s3cret-pw" not in repr(smtp)  # a log line showing the settings never shows the password


@pytest.mark.parametrize("env,words", [
    ({"SMTP_SERVER": ""}, "the secret SMTP_SERVER is not set"),
    ({"SMTP_SECURITY": "tls"}, "SMTP_SECURITY is 'tls'; set it to ssl"),
    ({"SMTP_PORT": "smtp"}, "SMTP_PORT is 'smtp'"),
    ({"SMTP_PORT": "70000"}, "SMTP_PORT is '70000'"),
    ({"SMTP_PASSWORD": ""}, "SMTP_USERNAME is set but SMTP_PASSWORD is not"),
    ({"SMTP_SECURITY": "none"}, "SMTP_SECURITY is none, which would send SMTP_PASSWORD unencrypted to smtp.example.org"),
    ({"MAIL_TO": "me@example.org, not an address"}, "MAIL_TO: 'not an address' is not a mail address"),
    ({"MAIL_TO": "me@example.org,,you@example.org"}, "MAIL_TO has an empty entry"),
    ({"MAIL_FROM": "bot@"}, "MAIL_FROM: 'bot@' is not a mail address"),
    ({"MAIL_FROM": "", "SMTP_USERNAME": "login-name"}, "the secret MAIL_FROM is not set"),
])
def test_bad_secrets_are_one_line_naming_the_secret(env: dict[str, str], words: str) -> None:
    base = {"SMTP_SERVER": "smtp.example.org", "SMTP_USERNAME": "me@example.org", "SMTP_PASSWORD": "pw",
            "MAIL_FROM": "me@example.org", "MAIL_TO": "me@example.org"}
    with pytest.raises(mail.MailError) as caught:
        mail.smtp_settings(base | env)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_plain_smtp_is_allowed_to_the_loopback_or_without_a_login() -> None:
    base = {"SMTP_SECURITY": "none", "MAIL_FROM": "me@example.org"}
    assert mail.smtp_settings(base | {"SMTP_SERVER": "127.0.0.1", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"}).port == 25
    assert mail.smtp_settings(base | {"SMTP_SERVER": "localhost", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"})
    assert mail.smtp_settings(base | {"SMTP_SERVER": "::1", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"})
    assert mail.smtp_settings(base | {"SMTP_SERVER": "relay.example.org"}).username is None


@pytest.mark.parametrize("text,value", [("email: off", "off"), ("email: 'off'", "off"), ("email: digest", "digest"),
                                        ("title: A", "off")])
def test_settings_email_is_off_or_digest(tmp_path: Path, text: str, value: str) -> None:
    (tmp_path / "keywords.yaml").write_text(f"topics:\n  - name: A\n    query: x\nsettings:\n  {text}\n")
    assert cfg.load(tmp_path / "keywords.yaml").settings["email"] == value


@pytest.mark.parametrize("text", ["email: on", "email: weekly", "email: 1"])
def test_other_email_settings_are_one_line_errors(tmp_path: Path, text: str) -> None:
    (tmp_path / "keywords.yaml").write_text(f"topics:\n  - name: A\n    query: x\nsettings:\n  {text}\n")
    with pytest.raises(cfg.ConfigError, match=r"^keywords.yaml:5: settings: 'email' must be off or digest"):
        cfg.load(tmp_path / "keywords.yaml")


# --- Sending to a real SMTP server --------------------------------------------------------------------------------

def composed() -> Any:
    day, papers = day_of_three()
    return mail.compose(day, papers, SITE, "Daily Papers")


def test_plain_smtp_on_the_loopback_delivers_to_every_recipient_each_addressed_alone() -> None:
    """Issue 37: each address in MAIL_TO gets its own message with only its address in To:, in one session."""
    with Server("none") as server:
        smtp = mail.smtp_settings(server.env("none", to="a@example.org, B <b@example.org>, c@example.org"))
        assert mail.send(composed(), smtp) == ["a@example.org", "b@example.org", "c@example.org"]
    got = server.inbox.received
    assert [r.recipients for r in got] == [["a@example.org"], ["b@example.org"], ["c@example.org"]]
    assert [str(r.message["To"]) for r in got] == ["a@example.org", "B <b@example.org>", "c@example.org"]
    assert all(r.sender == "bot@example.org" and not r.tls for r in got)
    assert len({r.message["Message-ID"] for r in got}) == 3
    for received in got:
        assert received.message["Subject"] == "Daily Papers, 2026-12-03: 3 new — Flow matching TTS"
        assert "Flow matching TTS" in received.message.get_body(("html",)).get_content()
        assert "example.org" not in received.data.split(b"\r\n\r\n", 1)[1].decode()  # no address in the body


def test_several_recipients_share_one_smtp_session() -> None:
    with Server("none") as server:
        sessions: list[object] = []
        original = server.inbox.handle_DATA

        async def note(srv: Any, session: Any, envelope: Any) -> str:
            sessions.append(session)
            return await original(srv, session, envelope)

        server.inbox.handle_DATA = note  # type: ignore[method-assign]
        mail.send(composed(), mail.smtp_settings(server.env("none", to="a@example.org, b@example.org")))
    assert len(sessions) == 2 and sessions[0] is sessions[1]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd counts only STARTTLS as TLS
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_login_delivers(trusted: tuple[Path, Path], security: str) -> None:
    with Server(security, trusted, login=True) as server:
        mail.send(composed(), mail.smtp_settings(server.env(security, login=True)))
    (got,) = server.inbox.received
    assert got.tls and got.login == USER and got.recipients == ["reader@example.org"]


def test_a_refused_login_names_username_and_password(trusted: tuple[Path, Path]) -> None:
    with Server("starttls", trusted, login=True) as server:
        env = server.env("starttls", login=True) | {"SMTP_PASSWORD": "wrong"}
        with pytest.raises(mail.MailError, match=r"refused the login of SMTP_USERNAME \(535 .*check SMTP_USERNAME "
                                                 r"and SMTP_PASSWORD \(Gmail needs an app password"):
            mail.send(composed(), mail.smtp_settings(env))
    assert not server.inbox.received


def test_a_password_outside_ascii_is_one_line_that_does_not_quote_it(trusted: tuple[Path, Path]) -> None:
    with Server("starttls", trusted, login=True) as server:
        env = server.env("starttls", login=True) | {"SMTP_PASSWORD": "pässwörd-SECRET"}
        with pytest.raises(mail.MailError, match=r"SMTP_USERNAME or SMTP_PASSWORD has a character outside ASCII") \
                as raised:
            mail.send(composed(), mail.smtp_settings(env))
    assert "SECRET" not in str(raised.value) and "ä" not in str(raised.value) and not server.inbox.received


def test_ssl_to_a_plain_port_is_a_tls_mismatch(trusted: tuple[Path, Path]) -> None:
    with Server("none") as server:
        with pytest.raises(mail.MailError, match=r"TLS failed .*SMTP_SECURITY=ssl does not match the port"):
            mail.send(composed(), mail.smtp_settings(server.env("ssl")), timeout=5)


def test_starttls_to_a_server_without_it_says_so() -> None:
    with Server("none") as server:
        with pytest.raises(mail.MailError, match=r"does not offer STARTTLS; set SMTP_SECURITY=ssl"):
            mail.send(composed(), mail.smtp_settings(server.env("starttls")), timeout=5)


def test_starttls_to_an_implicit_tls_port_times_out_in_one_line(certificate: tuple[Path, Path]) -> None:
    with Server("ssl", certificate) as server:
        with pytest.raises(mail.MailError, match=r"did not answer within 1 s; check SMTP_SERVER and SMTP_PORT"):
            mail.send(composed(), mail.smtp_settings(server.env("starttls")), timeout=1)


def test_an_untrusted_certificate_is_refused(certificate: tuple[Path, Path]) -> None:
    with Server("ssl", certificate) as server:
        with pytest.raises(mail.MailError, match=r"certificate is not trusted .*check that SMTP_SERVER"):
            mail.send(composed(), mail.smtp_settings(server.env("ssl")), timeout=5)
    assert not server.inbox.received


def test_a_refused_recipient_names_mail_to() -> None:
    with Server("none") as server:
        server.inbox.refuse.add("gone@example.org")
        with pytest.raises(mail.MailError, match=r"refused the recipient gone@example.org \(550 .*\); fix MAIL_TO"):
            mail.send(composed(), mail.smtp_settings(server.env("none", to="gone@example.org")))


def test_one_refused_recipient_of_three_is_named_and_the_others_get_it() -> None:
    with Server("none") as server:
        server.inbox.refuse.add("gone@example.org")
        with pytest.raises(mail.PartlySent, match=r"^sent, but 127.0.0.1:\d+ refused the recipient gone@example.org "
                                                  r"\(550 5.1.1 no such user here\); fix MAIL_TO$"):
            mail.send(composed(), mail.smtp_settings(server.env("none", to="me@example.org, gone@example.org, "
                                                                           "you@example.org")))
    assert [r.recipients for r in server.inbox.received] == [["me@example.org"], ["you@example.org"]]
    assert [str(r.message["To"]) for r in server.inbox.received] == ["me@example.org", "you@example.org"]


def test_a_message_refused_at_data_for_one_recipient_does_not_stop_the_others() -> None:
    with Server("none") as server:
        server.inbox.refuse_data.add("b@example.org")
        with pytest.raises(mail.PartlySent) as caught:
            mail.send(composed(), mail.smtp_settings(server.env("none", to="a@example.org, b@example.org, "
                                                                           "c@example.org")))
    assert [r.recipients for r in server.inbox.received] == [["a@example.org"], ["c@example.org"]]
    assert re.fullmatch(r"sent, but 127\.0\.0\.1:\d+ refused the message to b@example\.org \(550 5\.7\.1 message "
                        r"rejected as spam\); its answer says why .*, or drop it from MAIL_TO", str(caught.value))
    assert "check the SMTP" not in str(caught.value)


def test_a_refused_recipient_and_a_refused_message_are_both_named() -> None:
    with Server("none") as server:
        server.inbox.refuse.add("gone@example.org")
        server.inbox.refuse_data.add("b@example.org")
        with pytest.raises(mail.MailError, match=r"^127.0.0.1:\d+ refused the recipient gone@example.org \(550 .*\); "
                                                  r"fix MAIL_TO; and .* refused the message to b@example.org \(550 "):
            mail.send(composed(), mail.smtp_settings(server.env("none", to="gone@example.org, b@example.org")))
    assert not server.inbox.received


def test_an_unreachable_server_names_server_and_port() -> None:
    env = {"SMTP_SERVER": "127.0.0.1", "SMTP_PORT": str(free_port()), "SMTP_SECURITY": "none",
           "MAIL_FROM": "bot@example.org"}
    with pytest.raises(mail.MailError, match=r"^could not reach 127.0.0.1:\d+ \(Connection refused\); check "
                                             r"SMTP_SERVER and SMTP_PORT$"):
        mail.send(composed(), mail.smtp_settings(env))


# --- End to end through scripts/update.py -----------------------------------------------------------------------

@pytest.fixture
def remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[git.Repo, Path]:
    """A bare origin with keywords.yaml (email: digest), and a clone to run in."""
    return git_remote(tmp_path, [{"name": "Codec", "query": "codec"}, {"name": "Vocoder", "query": "vocoder"}],
                      monkeypatch, {"email": "digest"}, name="github-actions[bot]", email=BOT)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Server:
    """A plain SMTP server on the loopback, its secrets in the environment as the workflow passes them."""
    with Server("none") as server:
        for name, value in server.env("none").items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
        monkeypatch.setenv("SITE_URL", SITE)  # the workflow's Pages check found the site published
        yield server


def mailed_ids(server: Server) -> list[list[str]]:
    """The arXiv ids each delivered digest lists, in order of delivery."""
    return [sorted(set(re.findall(r"https://arxiv\.org/abs/(\d{4}\.\d{5})", r.message.get_body(("plain",)).get_content())))
            for r in server.inbox.received]


def test_one_mail_per_run_with_new_papers_none_on_dry_run_or_rerun(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                                   smtp: Server, caplog: pytest.LogCaptureFixture) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    assert update.main(["--root", str(work), "--dry-run"]) == 0
    assert not smtp.inbox.received
    assert update.main(["--root", str(work), "--push"]) == 0
    assert mailed_ids(smtp) == [["2601.00001", "2601.00002"]]
    size = len(smtp.inbox.received[0].data)
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("emailed")]
    assert re.fullmatch(r"emailed the digest of 2026-02-1\d to 1 address \(([\d,]+) bytes\)", said[0])
    assert abs(int(re.search(r"([\d,]+) bytes", said[0]).group(1).replace(",", "")) - size) < 200
    got = smtp.inbox.received[0].message
    assert re.fullmatch(r"Daily Papers, 2026-02-1\d: 2 new — A vocoder", got["Subject"]), got["Subject"]
    assert "https://owner.github.io/repo/days/2026-02-1" in got.get_body(("html",)).get_content()
    assert update.main(["--root", str(work), "--push"]) == 0  # a rerun: the papers are stored, nothing is new
    fake.papers.append(paper("2601.00003", "Another codec"))
    assert update.main(["--root", str(work), "--dry-run"]) == 0
    assert len(smtp.inbox.received) == 1
    assert update.main(["--root", str(work)]) == 0  # without --commit: after the files are written
    assert mailed_ids(smtp) == [["2601.00001", "2601.00002"], ["2601.00003"]]


def test_without_the_pages_checks_signal_the_mail_links_no_site(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                                 smtp: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    bare, work = remote
    monkeypatch.delenv("SITE_URL")  # a local run, or a fork whose Pages are off: GITHUB_REPOSITORY alone says nothing
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 0
    (got,) = smtp.inbox.received
    for kind in ("plain", "html"):
        body = got.message.get_body((kind,)).get_content()
        assert "https://arxiv.org/pdf/2601.00001" in body and "github.io" not in body and "days/" not in body


def test_no_mail_when_email_is_off(tmp_path: Path, fake: FakeArxiv, smtp: Server) -> None:
    write_keywords(tmp_path, [{"name": "Codec", "query": "codec"}])
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(tmp_path)]) == 0
    assert st.load(tmp_path).papers and not smtp.inbox.received


def test_a_failing_server_costs_no_paper_commit_or_exit_status(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    monkeypatch.setenv("SMTP_SERVER", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))
    monkeypatch.setenv("SMTP_SECURITY", "none")
    monkeypatch.setenv("MAIL_FROM", "bot@example.org")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 0
    assert day_commit(bare).message.startswith("1 new") and "2601.00001" in st.load(work).papers
    err = [line for line in capsys.readouterr().err.splitlines() if "email" in line]
    assert len(err) == 1
    assert re.fullmatch(r"warning: email not sent: could not reach 127\.0\.0\.1:\d+ \(Connection refused\); "
                        r"check SMTP_SERVER and SMTP_PORT", err[0]), err
    assert "⚠️ warning: email not sent\\: could not reach 127.0.0.1\\:" in summary.read_text()  # escaped for Markdown


def test_missing_secrets_with_email_digest_are_one_warning(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    monkeypatch.setenv("SMTP_SERVER", "")  # what the workflow passes when the secret is not set
    fake.papers = [paper("2601.00001", "A codec")]
    assert update.main(["--root", str(work), "--push"]) == 0
    assert day_commit(bare).message.startswith("1 new")
    assert "warning: email not sent: settings.email is digest but the secret SMTP_SERVER is not set" in \
        capsys.readouterr().err


def test_a_push_race_mails_each_paper_once(remote: tuple[git.Repo, Path], fake: FakeArxiv, smtp: Server,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare, work = remote
    fake.papers = [paper("2601.00001", "A codec"), paper("2601.00002", "A vocoder")]
    other = git.Repo.clone_from(str(tmp_path / "remote.git"), tmp_path / "other")
    real, first = pipeline.fetch_topics, []

    def race(*args: Any, **kwargs: Any) -> Any:
        runs = real(*args, **kwargs)
        if not first:  # another run of the bot pushes the codec paper while ours talks to arXiv
            first.append(1)
            assert update.main(["--root", other.working_tree_dir, "--push", "--topic", "Codec"]) == 0
        return runs

    monkeypatch.setattr(pipeline, "fetch_topics", race)
    assert update.main(["--root", str(work), "--push"]) == 0
    log = [c.message.strip() for c in bare.iter_commits("main")]
    assert log[1] == "1 new, 0 updated: Vocoder +1" and re.fullmatch(r"Delivered: email: 1 paper of 2026-\S+", log[0])
    assert re.fullmatch(r"Delivered: email: 1 paper of 2026-\S+", log[2])  # the other run's record of its send
    assert mailed_ids(smtp) == [["2601.00001"], ["2601.00002"]]  # the other run's, then ours after the rebuild
    monkeypatch.setattr(pipeline, "fetch_topics", real)
    assert update.main(["--root", str(work), "--push"]) == 0  # retried: nothing new, nothing mailed
    assert len(smtp.inbox.received) == 2


def test_a_broken_mail_template_is_one_warning_after_the_push(remote: tuple[git.Repo, Path], fake: FakeArxiv,
                                                              smtp: Server, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    bare, work = remote
    edited = tmp_path / "templates" / "mail"
    edited.mkdir(parents=True)
    (edited / "digest.txt.j2").write_text((mail.TEMPLATES / "digest.txt.j2").read_text())
    (edited / "digest.html.j2").write_text("<p>\n{{ d.nope.deeper }}\n</p>\n")
    monkeypatch.setattr(mail, "TEMPLATES", edited)
    mail.environment.cache_clear()
    try:
        fake.papers = [paper("2601.00001", "A codec")]
        assert update.main(["--root", str(work), "--push"]) == 0
    finally:
        mail.environment.cache_clear()
    assert day_commit(bare).message.startswith("1 new") and not smtp.inbox.received
    assert "warning: email not sent: templates/mail/digest.html.j2:2: " in capsys.readouterr().err


def test_each_entry_shows_its_venue_chip_beside_the_authors_in_both_parts() -> None:
    """Issue 35: the venue read from the comment (its chip, never the raw comment); none for a look-alike."""
    papers = {p["id"]: p for p in [
        record("2612.00001", "Codec language models", ["Codec"], comment="5 pages; Accepted to ICASSP 2026"),
        record("2612.00002", "Flow matching TTS", ["Codec"], comment="Submitted to IEEE/ACM TASLP <b>"),
        record("2612.00003", "A look-alike", ["Codec"], comment="Accepted to \u0406CASSP 2026"),
    ]}
    day = {"date": "2026-12-03", "new": {"Codec": list(papers)}, "picks": []}
    text, html = parts(mail.compose(day, papers, None, "Daily Papers"))
    assert "  Ada Lovelace, Alan Turing · ICASSP 2026\n" in text
    assert "  Ada Lovelace, Alan Turing · submitted: TASLP\n" in text
    assert text.count("Ada Lovelace, Alan Turing\n") == 1  # the look-alike: the authors alone
    assert "Ada Lovelace, Alan Turing · <strong>ICASSP 2026</strong>" in html
    assert "<strong>submitted: TASLP</strong>" in html and "CASSP" not in html.replace("ICASSP 2026", "")
    assert mail.item(papers["2612.00003"]).venue is None


def linked_day(abstract: str, comment: str = "") -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A day of one paper whose abstract and comment give the authors' links."""
    papers = {"2612.00001": record("2612.00001", "Codec language models", ["Codec"], abstract=abstract,
                                   comment=comment)}
    return {"date": "2026-12-03", "new": {"Codec": ["2612.00001"]}, "picks": []}, papers


def test_each_entry_shows_the_authors_links_after_its_pdf_named_by_kind_with_their_hosts() -> None:
    """Issue 35: the authors' own links, Demo first, each with its host visible, in both parts."""
    day, papers = linked_day("Code: https://github.com/espnet/espnet. Audio samples at x.github.io/demo.",
                             "Weights: https://huggingface.co/org/model")
    text, html = parts(mail.compose(day, papers, SITE, "Daily Papers"))
    pdf = '<a href="https://arxiv.org/pdf/2612.00001">PDF</a>'
    assert (f'{pdf} · <a href="https://x.github.io/demo">🔊 Demo</a> (x.github.io)'
            ' · <a href="https://github.com/espnet/espnet">Code</a> (github.com)'
            ' · <a href="https://huggingface.co/org/model">🤗 Model</a> (huggingface.co)'
            f' · <a href="{SITE}days/2026-12-03.html#p-2612.00001">On the site</a>') in html
    assert ("  PDF: https://arxiv.org/pdf/2612.00001\n"
            "  🔊 Demo (x.github.io): https://x.github.io/demo\n"
            "  Code (github.com): https://github.com/espnet/espnet\n"
            "  🤗 Model (huggingface.co): https://huggingface.co/org/model\n"
            f"  Site: {SITE}days/2026-12-03.html#p-2612.00001\n") in text


def test_an_entry_shows_four_of_the_authors_links_and_counts_the_rest() -> None:
    day, papers = linked_day(" ".join(f"https://lab.org/{n}" for n in range(6)) + " demo: y.github.io/d")
    text, html = parts(mail.compose(day, papers, None, "Daily Papers"))
    assert html.count("</a> (") == mail.LINKS_IN_MAIL == 4 and "🔊 Demo</a> (y.github.io)" in html
    assert " · 3 more in the abstract</span>" in html and "  3 more links in the abstract\n" in text
    assert text.count("  Link (lab.org): https://lab.org/") == 3


HOSTILE_LINKS = [
    ("javascript", "Demo: javascript:alert(1) and JAVASCRIPT://x.github.io/%0aalert(1)", ""),
    ("data", "Samples: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== here", "data:,x"),
    ("quotes", 'Code: https://github.com/a/b"onmouseover="alert(1) and https://c.org/\'><script>x</script>', ""),
    ("markup", '<a href="https://evil.example/">demo</a> <img src=x onerror=alert(1)> https://ok.org/a<b>', ""),
    ("user and look-alike", "https://arxiv.org@evil.example/x and https://gіthub.com/a/b (a Cyrillic i)", ""),
    ("latex and spaces", r"\url{https://x.github.io/a\_b} https://lab.org/a b https:/ /y.org", "  https://z.org/\t"),
]


@pytest.mark.parametrize("abstract,comment", [(a, c) for _, a, c in HOSTILE_LINKS], ids=[i for i, _, _ in HOSTILE_LINKS])
def test_only_the_links_paperlinks_returns_reach_either_part(abstract: str, comment: str) -> None:
    """Issue 35: a URL reaches the email only as core/paperlinks.py returns it, checked http(s); nothing else in
    the text becomes a link, an attribute or a line of its own."""
    day, papers = linked_day(abstract, comment)
    given = {k.url for k in paperlinks.of(abstract, comment)}
    assert all(u.startswith(("https://", "http://")) and not set(u) & set("\"'<> ") for u in given)
    text, html = parts(mail.compose(day, papers, SITE, "Daily Papers"))
    page = parse(html)
    assert {e.tag for e in page.elements} <= ALLOWED_TAGS
    assert {a for e in page.elements for a in e.attrs} <= ALLOWED_ATTRS
    hrefs = [e.attrs["href"] for e in page.all("a")]
    authors = [h for h in hrefs if not h.startswith(("https://arxiv.org/abs/", "https://arxiv.org/pdf/", SITE))
               and h != S2_CREDIT]
    assert sorted(authors) == sorted(given)
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    shown = [line.rsplit(": ", 1)[1] for line in text.splitlines() if re.match(r"  \S.* \([a-z0-9.-]+\): http", line)]
    assert sorted(shown) == sorted(given)


@pytest.mark.parametrize(("every", "phrase"), [("week", "Earlier this week: "),
                                               ("day", "Also from days not sent before: ")])
def test_the_email_says_earlier_this_week_in_a_weekly_digest_and_not_sent_before_in_a_catch_up(
        every: str, phrase: str) -> None:
    from digest.delivery import tell

    day, papers = day_of_three()
    earlier = {"date": "2026-12-01", "new": {"TTS": ["2612.00003"]}, "picks": []}
    today = {**day, "new": {"Codec": ["2612.00001"]}, "picks": []}
    told = tell.build([today, earlier], papers, "Daily Papers", "2026-12-03", every, SITE)
    for body in parts(mail.compose_tell(told, papers)):
        assert phrase in body
