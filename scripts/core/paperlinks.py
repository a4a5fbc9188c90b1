"""Every link a paper's authors give in its abstract or comment, recovered as a reader would and named by kind.

Pure and linear in the text's length: one regular-expression scan finds each candidate (a URL with a scheme, or a
bare domain of a known suffix), small bounded looks around it recover the URL (`https:/`, no scheme, a break after
a path's `/` or `-`, trailing punctuation) and read its sentence for its kind. Only http(s) URLs of ASCII hosts,
without quotes, spaces, angle brackets or user names, come out: templates may put them in an href as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

KINDS = ("Demo", "Code", "Model", "Dataset", "Space", "Link")  # the order links are shown in
MAX_URL = 300  # longer is not a link a reader types; it is cut from a table cell anyway
_LABELS = {"Demo": "🔊 Demo", "Code": "Code", "Model": "🤗 Model", "Dataset": "Dataset", "Space": "🤗 Space",
           "Link": "Link"}

# suffixes a bare domain (no scheme) may end with: common generic ones and the countries speech labs publish from
_TLDS = ("com|org|net|edu|gov|io|ai|co|dev|app|page|site|me|info|tech|science|xyz|cn|de|uk|fr|jp|kr|il|ch|nl|"
         "se|fi|cz|es|it|pl|tw|hk|sg|in|ca|au|eu|us|ru|br")
_URL_CHAR = r"[^\s<>\"'`{}|\\^\x00-\x1f\x7f]"  # what may follow a scheme: never a quote, space, bracket or backslash
_CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9+.-])(?P<scheme>https?):/{{1,3}}(?P<body>{_URL_CHAR}+)"
    rf"|(?<![\w@./:%\-])(?P<bare>(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.){{1,8}}(?:{_TLDS})(?![\w-])"
    rf"(?:[/?#]{_URL_CHAR}*)?)",
    re.IGNORECASE | re.ASCII,
)
_NEXT = re.compile(rf"[ \t]*\n?[ \t]*({_URL_CHAR}+)")  # the fragment after a break
_PATH_WITH_SLASH = re.compile(r"[A-Za-z0-9._~%-]+/[A-Za-z0-9._~%/-]*|/[A-Za-z0-9._~%-][A-Za-z0-9._~%/-]*")
_PATH_WORD = re.compile(r"[A-Za-z0-9._~%/-]+")
_TRAILING = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_LATEX = (("\\_", "_"), ("\\%", "%"), ("\\#", "#"), ("\\&", "&"), ("\\~{}", "~"), ("\\~", "~"))
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_MARKDOWN_BRACKETS = str.maketrans({"(": "%28", ")": "%29", "[": "%5B", "]": "%5D"})
_CODE_HOSTS = {"github.com", "gitlab.com", "codeberg.org", "bitbucket.org"}
_NOT_REPOS = {"orgs", "features", "topics", "about", "sponsors", "settings", "marketplace", "explore", "login",
              "users", "groups", "search", "collections", "site", "resources"}
_HF_HOSTS = {"huggingface.co", "hf.co"}
_HF_NOT_MODELS = {"docs", "blog", "papers", "collections", "organizations", "models", "learn", "tasks", "join",
                  "login", "pricing", "settings", "posts", "chat", "api"}
_DEMO_HOST_SUFFIXES = (".github.io", ".gitlab.io")
_DEMO_WORDS = re.compile(r"demo|samples?\b|listen|project[\s-]*(?:page|web\s*page|web\s*site|site|home)|"
                         r"web\s*page|web\s*site|home\s*page", re.IGNORECASE)
_DATASET_WORDS = re.compile(r"\b(?:datasets?|corpus|corpora)\b", re.IGNORECASE)
_OTHER_WORDS = re.compile(r"\b(?:code|codes|model|models|checkpoints?|implementation)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")
_CONTEXT = 160  # characters before a URL its sentence is read in


@dataclass(frozen=True)
class Link:
    """One link the authors give: its kind (one of KINDS), its checked http(s) URL and its host without www."""

    kind: str
    url: str
    host: str

    @property
    def label(self) -> str:
        """The short name a row shows instead of the URL: the kind, with a 🤗 for Hugging Face's."""
        if self.kind == "Dataset" and self.host in _HF_HOSTS:
            return "🤗 Dataset"
        return _LABELS[self.kind]


def of(abstract: str | None, comment: str | None) -> list[Link]:
    """The paper's links in the order they are shown: Demo first, then Code, Model, Dataset, Space, Link; each
    URL once (the first way it is written; the most telling kind any of its mentions gives)."""
    found: dict[str, tuple[int, Link]] = {}
    order = 0
    for text in (abstract, comment):
        for link in _scan(text or ""):
            key = _key(link)
            if key not in found:
                found[key] = (order, link)
                order += 1
            elif _rank(link.kind) < _rank(found[key][1].kind):  # "Project page: U" after a bare U says what U is
                first, old = found[key]
                found[key] = (first, Link(link.kind, old.url, old.host))
    ordered = sorted(found.values(), key=lambda pair: (_rank(pair[1].kind), pair[0]))
    return [link for _, link in ordered]


def safe_url(url: str) -> str | None:
    """The URL if it may go into an href as it is: http(s), an ASCII host name, no user name, no quote, space or
    angle bracket, at most MAX_URL characters; else None."""
    if len(url) > MAX_URL or not url.isascii() or re.search(r"[\s<>\"'`\\\x00-\x1f\x7f]", url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or not parts.hostname:
        return None
    if not _HOST.fullmatch(parts.hostname) or (port is not None and not 0 < port < 65536):
        return None
    if "xn--" in parts.hostname and not _valid_punycode(parts.hostname):
        return None  # 'xn--a.com' passes the shape, but no browser parses it (the site's search threw on it)
    return url


def _valid_punycode(host: str) -> bool:
    """Whether every xn-- label of a host decodes as IDNA, as a browser's URL parser requires."""
    try:
        return all(label.encode("ascii").decode("idna") for label in host.split(".") if label.startswith("xn--"))
    except UnicodeError:
        return False


def _scan(raw: str) -> list[Link]:
    """Each link in one text, in text order, with repeats."""
    text = raw
    if "\\" in text:
        for latex, plain in _LATEX:
            text = text.replace(latex, plain)
    links = []
    resume = 0
    previous_end = 0
    for m in _CANDIDATE.finditer(text):
        if m.start() < resume:
            continue  # inside a URL already joined across a break
        if m.group("bare") is not None:
            url, end = m.group("bare"), m.end()
            if not _bare_is_url(text, m.start(), end, url):
                continue
            url = "https://" + url
        else:
            url, end = f"{m.group('scheme').lower()}://{m.group('body')}", m.end()
        url, end = _join_breaks(text, url, end)
        url = _strip_trailing(url)
        url = _cut_non_ascii(url)
        if url is None:
            continue
        url = _lower_host(url)
        if url is not None:  # brackets end or open a Markdown link whatever their count ('a)[PDF](https://…)')
            url = url.translate(_MARKDOWN_BRACKETS)
        if url is None or safe_url(url) is None:
            continue
        resume = end
        host = urlsplit(url).hostname or ""
        host = host[4:] if host.startswith("www.") else host
        links.append(Link(_kind(url, host, text[max(previous_end, m.start() - _CONTEXT):m.start()]), url, host))
        previous_end = end
    return links


def _bare_is_url(text: str, start: int, end: int, bare: str) -> bool:
    """A domain written without a scheme counts when it has a path, a www., a demo host's suffix, or stands alone
    in parentheses: "Z.ai" as a name or "v1.2" or "e.g." never does."""
    host = re.split(r"[/?#]", bare, maxsplit=1)[0].lower()
    if len(bare) > len(host) + 1 or host.startswith("www.") or host.endswith(_DEMO_HOST_SUFFIXES):
        return True
    return start > 0 and text[start - 1] == "(" and text[end:end + 1] == ")"


def _join_breaks(text: str, url: str, end: int) -> tuple[str, int]:
    """The URL with the fragments that clearly continue it across a space or a line: after a `/`, one that is a
    path with a `/` of its own; after a `-` or `_`, one that is path characters; or one that starts with `/`."""
    for _ in range(3):
        m = _NEXT.match(text, end)
        if not m or m.start(1) == end:
            break
        fragment = m.group(1)
        tail = fragment.rstrip(_TRAILING + ")]}")
        if url.endswith("/") and not fragment.startswith("/") and _PATH_WITH_SLASH.fullmatch(tail):
            pass
        elif url.endswith(("-", "_")) and _PATH_WORD.fullmatch(tail) and not tail.startswith("/"):
            pass
        elif fragment.startswith("/") and not url.endswith("/") and _PATH_WITH_SLASH.fullmatch(tail) \
                and url.count("/") >= 2:
            pass
        else:
            break
        url, end = url + fragment, m.end(1)
    return url, end


def _strip_trailing(url: str) -> str:
    """The URL without the sentence's punctuation after it; a closing bracket stays when the URL opened it."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _CLOSERS and url.count(_CLOSERS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url


def _cut_non_ascii(url: str) -> str | None:
    """The URL up to its first non-ASCII character (a sentence's own punctuation or text glued to it); None when
    that falls in the host, where it would be a look-alike of another host."""
    if url.isascii():
        return url
    cut = next(i for i, ch in enumerate(url) if not ch.isascii())
    authority_end = url.find("/", url.index("://") + 3)
    if authority_end == -1 or cut <= authority_end:
        return None
    return _strip_trailing(url[:cut])


def _lower_host(url: str) -> str | None:
    """The URL with its host in lower case (hosts ignore case; paths do not)."""
    scheme, rest = url.split("://", 1)
    authority, slash, path = rest.partition("/")
    if not authority:
        return None
    return f"{scheme}://{authority.lower()}{slash}{path}"


def _kind(url: str, host: str, before: str) -> str:
    """What a link is: from its host and path first, else from the words of its sentence before it (or a path
    that says demo or samples)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if host in _CODE_HOSTS:
        return "Code" if len(segments) >= 2 and segments[0].lower() not in _NOT_REPOS else "Link"
    if host in _HF_HOSTS:
        if segments[:1] == ["spaces"] and len(segments) >= 3:
            return "Space"
        if segments[:1] == ["datasets"] and len(segments) >= 2:
            return "Dataset"
        return "Model" if len(segments) >= 2 and segments[0] not in _HF_NOT_MODELS else "Link"
    if host == "zenodo.org" or (host == "doi.org" and "zenodo" in url.lower()):
        return "Dataset"
    if host.endswith(_DEMO_HOST_SUFFIXES) or (host == "sites.google.com" and segments[:1] == ["view"]):
        return "Demo"
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    sentence = before[ends[-1]:] if ends else before
    if _DEMO_WORDS.search(sentence) or re.search(r"demo|samples", urlsplit(url).path, re.IGNORECASE):
        return "Demo"
    if _DATASET_WORDS.search(sentence) and not _OTHER_WORDS.search(sentence):
        return "Dataset"
    return "Link"


def _key(link: Link) -> str:
    """What makes two written URLs one link: case, a trailing slash, http or https and `.git` do not count."""
    rest = link.url.split("://", 1)[1].lower().rstrip("/")
    if rest.startswith("www."):
        rest = rest[4:]
    return rest[:-4] if rest.endswith(".git") else rest


def _rank(kind: str) -> int:
    """The kind's place in the shown order (Demo first)."""
    return KINDS.index(kind)
