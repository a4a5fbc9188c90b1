"""core.paperlinks: every link the authors give, recovered as a reader would, named by kind, safe to put in an href."""

from __future__ import annotations

import time

import pytest

from core import paperlinks
from core.paperlinks import Link

# (text, the (kind, URL) pairs of() gives for it as an abstract)
RECOVERY = [
    ("Code is at https://github.com/a/b.", [("Code", "https://github.com/a/b")]),
    ("Samples: https:/x.github.io/demo/.", [("Demo", "https://x.github.io/demo/")]),
    ("Listen at x.github.io/demo", [("Demo", "https://x.github.io/demo")]),
    ("bare with a path: lab.example.org/tts/ here", [("Link", "https://lab.example.org/tts/")]),
    ("a demo host alone: x.github.io.", [("Demo", "https://x.github.io")]),
    ("web app (chatglm.cn).", [("Link", "https://chatglm.cn")]),
    ("HTTPS://GitHub.com/Org/Repo", [("Code", "https://github.com/Org/Repo")]),
    ("in parentheses (https://github.com/a/b) and", [("Code", "https://github.com/a/b")]),
    ("balanced https://en.wikipedia.org/wiki/Foo_(bar).", [("Link", "https://en.wikipedia.org/wiki/Foo_%28bar%29")]),  # brackets encoded for Markdown
    ("a list https://a.org/x, https://b.org/y; https://c.org/z:", [
        ("Link", "https://a.org/x"), ("Link", "https://b.org/y"), ("Link", "https://c.org/z")]),
    ("quoted 'https://a.org/x' and \"https://b.org/y\"", [("Link", "https://a.org/x"), ("Link", "https://b.org/y")]),
    ("footnote\\footnote{demo at \\url{https://huggingface.co/spaces/o/n}}.",
     [("Space", "https://huggingface.co/spaces/o/n")]),
    ("\\href{https://github.com/a/b}{https://github.com/a/b}", [("Code", "https://github.com/a/b")]),
    ("LaTeX escapes \\url{https://github.com/a/my\\_repo}", [("Code", "https://github.com/a/my_repo")]),
    ("broken after a slash https://github.com/ org/repo here", [("Code", "https://github.com/org/repo")]),
    ("broken by a line https://x.github.io/long-\nname/ here", [("Demo", "https://x.github.io/long-name/")]),
    ("a slash then a word https://x.github.io/ and code", [("Demo", "https://x.github.io/")]),
    ("a path then a word https://github.com/a/b and more", [("Code", "https://github.com/a/b")]),
    ("a path then a name https://github.com/a/ b", [("Link", "https://github.com/a/")]),
    ("http stays http: http://lab.kr/demo", [("Demo", "http://lab.kr/demo")]),
    ("Chinese full stop https://github.com/a/b。", [("Code", "https://github.com/a/b")]),
]

NOT_URLS = [
    "e.g. this, i.e. that, v1.2, Phi-3.5-Mini, 3.8-billion, Fig.3 and Eq.(2)",
    "models. Co-training, mixtures. Com, voices. De",
    "demos are provided via Z.ai to users",  # a name, not an address
    "ASP.NET and Node.js and config.json and README.md",
    "write to someone@lab.edu for access",
    "ftp://files.org/a and file:///etc/passwd and mailto:a@b.org",
    "https:// alone, https://, http://localhost/x",
]

HOSTILE = [  # (text, the only URLs allowed out)
    ('see https://a.org/x"onmouseover="alert(1) now', ["https://a.org/x"]),
    ("see https://a.org/x'><script>alert(1)</script>", ["https://a.org/x"]),
    ("javascript:alert(1) and javascript://github.com/%0aalert(1)", []),
    ("data:text/html;base64,PHNjcmlwdD4= and data:text/html,<a href=x>", []),
    ("\\url{javascript:alert(1)} and \\url{data:text/html,hi}", []),
    ("\\url{https://a.org/x\"y}", ["https://a.org/x"]),
    ("<https://a.org/x> and <a href='https://b.org/y'>", ["https://a.org/x", "https://b.org/y"]),
    ("https://github.com@evil.com/a/b and https://user:pw@a.org/x", []),
    ("https://gіthub.com/a/b (Cyrillic i) and https://ｇithub.com/a/b", []),
    ("https://a.org/x\u202eexe.txt", ["https://a.org/x"]),
    ("https://a.org:99999/x and https://a.org:80/x", ["https://a.org:80/x"]),
    ("https://" + "a" * 400 + ".org/x", []),
    ("https://a.org/" + "x" * 400, []),
]


@pytest.mark.parametrize(("text", "expected"), RECOVERY)
def test_each_url_is_recovered_as_a_reader_reads_it(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(link.kind, link.url) for link in paperlinks.of(text, None)] == expected


@pytest.mark.parametrize("text", NOT_URLS)
def test_abbreviations_names_and_versions_are_not_urls(text: str) -> None:
    assert paperlinks.of(text, None) == []


@pytest.mark.parametrize(("text", "allowed"), HOSTILE)
def test_hostile_text_gives_only_checked_http_urls(text: str, allowed: list[str]) -> None:
    got = paperlinks.of(text, text)
    assert [link.url for link in got] == allowed
    for link in got:
        assert paperlinks.safe_url(link.url) == link.url and link.url.startswith(("http://", "https://"))


KINDS = [  # (sentence, URL, kind)
    ("Code:", "https://github.com/o/r", "Code"),
    ("Code:", "https://gitlab.com/o/r", "Code"),
    ("Code:", "https://codeberg.org/o/r", "Code"),
    ("Code:", "https://bitbucket.org/o/r", "Code"),
    ("Project page:", "https://github.com/o/r", "Code"),  # a repository is code whatever it is called
    ("The author:", "https://github.com/someone", "Link"),
    ("See", "https://github.com/orgs/o/repositories", "Link"),
    ("Checkpoints:", "https://huggingface.co/o/model-7b", "Model"),
    ("Data:", "https://huggingface.co/datasets/o/d", "Dataset"),
    ("Try it:", "https://huggingface.co/spaces/o/s", "Space"),
    ("Docs:", "https://huggingface.co/docs/transformers", "Link"),
    ("Data:", "https://zenodo.org/records/123", "Dataset"),
    ("Data:", "https://doi.org/10.5281/zenodo.123", "Dataset"),
    ("Appendix:", "https://x.github.io/appendix", "Demo"),
    ("", "https://sites.google.com/view/tts-demo", "Demo"),
    ("Audio samples are available at", "https://lab.ac.kr/projects/x/", "Demo"),
    ("Listen to the demos at", "https://tts.ch.dev", "Demo"),
    ("The project webpage can be accessed at", "https://research.example.com/x", "Demo"),
    ("The XYZ dataset is available at", "https://lab.example.com/xyz", "Dataset"),
    ("The code for the datasets and models is at", "https://lab.example.com/xyz", "Link"),
    ("Audio samples are elsewhere. The paper's home is", "https://lab.example.com/xyz", "Link"),
]


@pytest.mark.parametrize(("before", "url", "kind"), KINDS)
def test_each_link_is_named_by_its_host_then_by_its_sentence(before: str, url: str, kind: str) -> None:
    assert [link.kind for link in paperlinks.of(f"{before} {url}", None)] == [kind]


def test_links_come_demo_first_in_text_order_within_a_kind_each_once() -> None:
    abstract = ("Code: https://github.com/o/r. Data: https://zenodo.org/records/1. Samples: https://a.github.io/x/. "
                "Model: https://huggingface.co/o/m and https://lab.org/p, demo https://b.github.io")
    comment = "Code: https://github.com/O/R.git and https://github.com/o/r2; http://A.github.io/x"
    got = paperlinks.of(abstract, comment)
    assert [(link.kind, link.url) for link in got] == [
        ("Demo", "https://a.github.io/x/"), ("Demo", "https://b.github.io"), ("Code", "https://github.com/o/r"),
        ("Code", "https://github.com/o/r2"), ("Model", "https://huggingface.co/o/m"),
        ("Dataset", "https://zenodo.org/records/1"), ("Link", "https://lab.org/p")]


def test_a_later_mention_that_says_what_a_page_is_names_it() -> None:
    got = paperlinks.of("Code and data at: ai.stanford.edu/~x/y/", "Project page: https://ai.stanford.edu/~x/y/")
    assert got == [Link("Demo", "https://ai.stanford.edu/~x/y/", "ai.stanford.edu")]


@pytest.mark.parametrize(("link", "label"), [
    (Link("Demo", "https://x.github.io", "x.github.io"), "🔊 Demo"), (Link("Code", "https://github.com/a/b", "github.com"), "Code"),
    (Link("Model", "https://huggingface.co/a/b", "huggingface.co"), "🤗 Model"),
    (Link("Dataset", "https://huggingface.co/datasets/a/b", "huggingface.co"), "🤗 Dataset"),
    (Link("Dataset", "https://zenodo.org/records/1", "zenodo.org"), "Dataset"),
    (Link("Space", "https://huggingface.co/spaces/a/b", "huggingface.co"), "🤗 Space"),
    (Link("Link", "https://a.org", "a.org"), "Link")])
def test_labels_are_short_and_mark_hugging_face(link: Link, label: str) -> None:
    assert link.label == label


def test_the_host_is_lower_case_without_www() -> None:
    assert paperlinks.of("https://WWW.Lab.ORG/Path", None) == [Link("Link", "https://www.lab.org/Path", "lab.org")]


def test_none_and_empty_give_nothing() -> None:
    assert paperlinks.of(None, None) == [] and paperlinks.of("", "") == []


def test_a_long_abstract_full_of_urls_takes_linear_time() -> None:
    """5,000 characters of URLs, near-URLs and dots scan in milliseconds, and twice the text in about twice that."""
    unit = "see https://a.github.io/x-, x.y.z.w.v.u.t.s.r.q.p e.g. v1.2 https:/ (b.org) github.com/o/r "
    def seconds(n: int) -> float:
        text = (unit * (n // len(unit) + 1))[:n]
        started = time.perf_counter()
        for _ in range(5):
            paperlinks.of(text, text)
        return (time.perf_counter() - started) / 5
    small, big = seconds(5_000), seconds(20_000)
    assert small < 0.05
    assert big < small * 4 * 2.5  # linear: four times the text, well under sixteen times the time
    pathological = "a." * 2_500 + " " + "https://x.org/" + "-/" * 2_000 + " " + "(" * 2_000
    started = time.perf_counter()
    paperlinks.of(pathological, None)
    assert time.perf_counter() - started < 0.2


def test_brackets_never_end_or_open_a_markdown_link_and_bad_punycode_is_no_link() -> None:
    """Issue 35 review: 'a)[PDF](https://evil.com/x)' kept balanced brackets, so README's [label](url) ended early and
    a second link with the attacker's label followed; 'xn--a.com' passed the host check but no browser parses it."""
    found = paperlinks.of("Code: https://x.com/a)[PDF](https://evil.com/x) and https://x.github.io/a)(b", None)
    assert all(not set(link.url) & set("()[]") for link in found) and len(found) == 2
    for bad in ("https://xn--a.com/x", "https://a.xn--a/x", "https://xn--.com/"):
        assert paperlinks.of(bad, None) == [], bad
    assert [link.url for link in paperlinks.of("https://xn--bcher-kva.de/x", None)] == ["https://xn--bcher-kva.de/x"]
