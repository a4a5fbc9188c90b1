"""Load and validate keywords.yaml: every mistake becomes one line naming file, line and fix."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core import query as q
from core import taxonomy
from core.errors import UserError


class ConfigError(UserError):
    """A problem in keywords.yaml; str() is the one line shown to the user."""


@dataclass(frozen=True)
class Topic:
    """One README section: what to ask arXiv and what to keep from its answer."""

    name: str
    query: str
    tree: q.Node
    categories: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    quiet_days_ok: int | None = None  # announcement days without a new paper that are normal (daily.quiet)

    def claims(self, stored_name: str) -> bool:
        """Whether papers stored under this name are this topic's: its name or an alias, ignoring case and spacing."""
        key = name_key(stored_name)
        return key == name_key(self.name) or any(key == name_key(a) for a in self.aliases)

    @property
    def expanded_categories(self) -> tuple[str, ...]:
        """Category patterns with `cs.*` wildcards spelled out, sorted and unique."""
        return _expand_all(self.categories)

    def arxiv_query(self) -> str:
        """The search_query sent to arXiv: the user's query, limited to the categories."""
        text = q.to_arxiv(self.tree)
        cats = self.expanded_categories
        if not cats:
            return text
        cat_part = " OR ".join(f"cat:{c}" for c in cats)
        return f"({text}) AND ({cat_part})"


def name_key(name: str) -> str:
    """A topic name as compared for renames: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


@functools.lru_cache(maxsize=256)
def _expand_all(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Expand category patterns once per distinct list (checked for every paper of a topic)."""
    return tuple(sorted({c for pattern in patterns for c in taxonomy.expand(pattern)}))


DEFAULT_SETTINGS: dict[str, Any] = {
    "title": "Daily Papers",
    "initial_results": 100,
    "overlap_days": 14,
    "max_results_per_topic": 1000,
    "page_size": 2000,
    "request_timeout": 60,
    "max_tries": 4,
    "time_budget": 900,
    "readme_papers_per_topic": "auto",
    "readme_max_bytes": 500_000,
    "readme_layout": "compact",
    "feed_papers": 50,
    "notify": [],
    "email": "off",
    "digest_every": "day",
    "digest_day": "monday",
    "summaries": "auto",
    "key_sentences": "on",
    "summary_model": "",
    "summary_language": "English",
    "max_summaries_per_run": 200,
}

_SETTING_HELP: dict[str, str] = {
    "title": "a short text (at most 100 characters, one line)",
    "initial_results": "a whole number from 1 to 2000",
    "overlap_days": "a whole number of days from 0 to 60",
    "max_results_per_topic": "a whole number from 1 to 10000",
    "page_size": "a whole number from 10 to 2000",
    "request_timeout": "a number of seconds from 1 to 300",
    "max_tries": "a whole number from 1 to 10",
    "time_budget": "a number of seconds from 10 to 1200 (the daily workflow stops the job at 30 minutes)",
    "readme_papers_per_topic": "auto, or a whole number from 1 to 2000",
    "readme_max_bytes": "a whole number from 100000 to 511000",
    "readme_layout": "compact (one Paper cell per row: title, a small line, the summary, a fold) or classic "
                     "(Title | Authors | Date | Abstract | Comment | Links, as DailyArXiv)",
    "feed_papers": "a whole number from 1 to 500",
    "notify": "none, issue or chat, or a list of them like [issue, chat] (chat: the NOTIFY_URLS secret says where)",
    "email": "off or digest (the day's new papers by email; the SMTP_* and MAIL_* secrets say where)",
    "digest_every": "day or week (how often the email and chat are sent)",
    "digest_day": "the weekday the weekly digest is sent, like monday",
    "summaries": "auto or off",
    "key_sentences": "on or off",
    "summary_model": "a model name your endpoint (LLM_BASE_URL) serves, like gpt-4.1-mini (one line, at most 100 characters)",
    "summary_language": "a language name, like English or Deutsch (one line, at most 40 characters)",
    "max_summaries_per_run": "a whole number from 1 to 1000",
}

_RANGES: dict[str, tuple[float, float]] = {
    "initial_results": (1, 2000),
    "overlap_days": (0, 60),
    "max_results_per_topic": (1, 10000),
    "page_size": (10, 2000),
    "request_timeout": (1, 300),
    "max_tries": (1, 10),
    "time_budget": (10, 1200),
    "readme_max_bytes": (100_000, 511_000),
    "feed_papers": (1, 500),
    "max_summaries_per_run": (1, 1000),
}

TOPIC_KEYS = ("name", "query", "categories", "exclude", "aliases", "quiet_days_ok")
MAX_QUIET_DAYS = 3650  # announcement days: about 14 years
MAX_TIME_BUDGET = 1200  # the daily workflow's timeout-minutes is 30: the script, not GitHub, must decide when to stop
TOP_KEYS = ("topics", "settings", "interests")
MAX_TOPICS = 100
MAX_NAME = 100  # characters in a topic name or the title: they are headings, and README must fit 512,000 bytes
MAX_EXCLUDE = 10_000  # exclude phrases per topic
MAX_PHRASE = 200  # characters in one exclude phrase


@dataclass(frozen=True)
class Config:
    """The validated keywords.yaml."""

    path: Path
    topics: tuple[Topic, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    interests: Any = None  # digest.interests.Interests, or None without an `interests:` block

    def topic(self, name: str) -> Topic:
        """Find a topic by name or alias, ignoring case and spacing, or raise ConfigError naming the choices."""
        found = self.claimant(name)
        if found is not None:
            return found
        names = ", ".join(t.name for t in self.topics)
        raise ConfigError(f"{self.path.name}: no topic named {name!r}; topics are: {names}")

    def claimant(self, stored_name: str) -> Topic | None:
        """The topic whose name or alias is stored_name (ignoring case and spacing), if any."""
        return next((t for t in self.topics if t.claims(stored_name)), None)


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that remembers the line of every mapping and key, for error messages."""


class _DuplicateKey(yaml.YAMLError):
    """A key written twice in one mapping (YAML keeps the last silently; we refuse it)."""

    def __init__(self, key: Any, first: int, second: int):
        super().__init__(f"key {key!r} on line {second} is already on line {first}")
        self.key, self.first, self.second = key, first, second


class _BadKey(yaml.YAMLError):
    """A key that is a list or mapping, which a dict cannot hold."""

    def __init__(self, line: int):
        super().__init__(f"line {line}: a key must be plain text")
        self.line = line


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Lines:
    """Build a mapping that knows its lines, refusing keys written twice; merge keys (<<: *anchor) work."""
    mapping = _Lines()
    mapping.line = node.start_mark.line + 1
    own: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise _BadKey(line) from None
        if key in own:
            raise _DuplicateKey(key, own[key], line)
        own[key] = line
    loader.flatten_mapping(node)  # merged keys first, then the mapping's own keys, which override them
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


class _Lines(dict):
    """A dict that knows the line it and each of its keys came from."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(mapping: Any, key: str | None = None) -> int:
    """The line of a key in a mapping, or of the mapping itself, or 1."""
    if isinstance(mapping, _Lines):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line or 1
    return 1


def _unknown_key(where: str, key: Any, known: tuple[str, ...]) -> str:
    """Explain an unknown key, suggesting the nearest known one for typos."""
    near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    fix = f"did you mean '{near[0]}'?" if near else f"known keys are: {', '.join(known)}"
    return f"{where}unknown key '{key}'; {fix}"


def load(path: Path) -> Config:
    """Read and validate keywords.yaml, raising ConfigError with a one-line message."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name}: file not found; create it (see docs/configuration.md#keywordsyaml)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read it ({exc.strerror or exc}); make it a readable file") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise ConfigError(f"{name}:{exc.second}: key '{exc.key}' is written twice (first on line {exc.first}); "
                          "keep one of them") from None
    except _BadKey as exc:
        raise ConfigError(f"{name}:{exc.line}: a key must be plain text, not a list or mapping; "
                          "write it as 'name: value'") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{name}:{line}: not valid YAML ({problem}); check indentation and quoting") from None
    return validate(data, path)


def validate(data: Any, path: Path) -> Config:
    """Turn parsed YAML into a Config, or raise ConfigError at the first problem."""
    name = path.name
    if data is None:
        raise ConfigError(f"{name}:1: the file is empty; add a 'topics:' list (see docs/configuration.md#keywordsyaml)")
    if not isinstance(data, dict):
        raise ConfigError(f"{name}:1: expected a mapping with 'topics:' at the top, got {_kind(data)}")
    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(f"{name}:{_line_of(data, key)}: " + _unknown_key("", key, TOP_KEYS))
    if "topics" not in data:
        raise ConfigError(f"{name}:1: 'topics:' is missing; add a list of topics with name and query")
    raw_topics = data["topics"]
    if not isinstance(raw_topics, list) or not raw_topics:
        line = _line_of(data, "topics")
        raise ConfigError(f"{name}:{line}: 'topics' must be a non-empty list of '- name: … query: …' items")
    if len(raw_topics) > MAX_TOPICS:
        raise ConfigError(
            f"{name}:{_line_of(data, 'topics')}: {len(raw_topics)} topics are more than {MAX_TOPICS} (one arXiv "
            f"request every 3 s each, and README must fit GitHub's limit); join related topics with OR"
        )
    topics: list[Topic] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_topics, 1):
        topic = _topic(raw, index, data, name)
        for label, text, line in [("topic name", topic.name, _line_of(raw, "name"))] + [
                ("alias", alias, _line_of(raw, "aliases")) for alias in topic.aliases
                if name_key(alias) != name_key(topic.name)]:
            if name_key(text) in seen:
                raise ConfigError(
                    f"{name}:{line}: {label} '{text}' is used twice (first on line {seen[name_key(text)]}); "
                    "each name and alias may belong to one topic only"
                )
            seen[name_key(text)] = line
        topics.append(topic)
    settings = _settings(data.get("settings"), data, name)
    from core import interests  # late: digest.interests imports ConfigError from here
    return Config(path=path, topics=tuple(topics), settings=settings,
                  interests=interests.parse_block(data.get("interests"), data, name, _line_of))


def _clip(text: str, width: int = 60) -> str:
    """The start of a long value, so an error message stays one readable line."""
    shown = text if len(text) <= width else text[:width] + "…"
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates shown as \ud835


def _kind(value: Any) -> str:
    """A word for a YAML value's type, for error messages."""
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)


def _topic(raw: Any, index: int, data: Any, name: str) -> Topic:
    """Validate one topic entry."""
    if not isinstance(raw, dict):
        line = _line_of(data, "topics")
        raise ConfigError(f"{name}:{line}: topic #{index} must be a mapping with 'name:' and 'query:', got {_kind(raw)}")
    where = f"topic #{index}"
    if isinstance(raw.get("name"), str) and raw["name"].strip():
        where = f"topic '{_clip(raw['name'].strip())}'"
    for key in raw:
        if key not in TOPIC_KEYS:
            raise ConfigError(f"{name}:{_line_of(raw, key)}: " + _unknown_key(f"{where}: ", key, TOPIC_KEYS))
    for key in ("name", "query"):
        if key not in raw:
            raise ConfigError(f"{name}:{_line_of(raw)}: {where} has no '{key}:'; add one")
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise ConfigError(
                f"{name}:{_line_of(raw, key)}: {where}: '{key}' must be non-empty text, got {_kind(raw[key])}; "
                "quote it if it starts with a special character"
            )
    topic_name = " ".join(raw["name"].split())
    _check_surrogates([topic_name], f"{name}:{_line_of(raw, 'name')}: {where}")
    _check_name(topic_name, f"{name}:{_line_of(raw, 'name')}: {where}")
    try:
        tree = q.parse(raw["query"])
    except q.QueryError as exc:
        raise ConfigError(f"{name}:{_line_of(raw, 'query')}: {where}: query: {exc}") from None
    categories = _string_list(raw, "categories", where, name)
    for pattern in categories:
        if not taxonomy.expand(pattern):
            near = taxonomy.close_matches(pattern)
            hint = f"did you mean {', '.join(near)}?" if near else "see https://arxiv.org/category_taxonomy"
            raise ConfigError(f"{name}:{_line_of(raw, 'categories')}: {where}: unknown arXiv category '{pattern}'; {hint}")
    exclude = _string_list(raw, "exclude", where, name)
    _check_surrogates(exclude, f"{name}:{_line_of(raw, 'exclude')}: {where}")
    _check_exclude(exclude, f"{name}:{_line_of(raw, 'exclude')}: {where}")
    aliases = [" ".join(a.split()) for a in _string_list(raw, "aliases", where, name)]
    _check_surrogates(aliases, f"{name}:{_line_of(raw, 'aliases')}: {where}")
    topic = Topic(name=topic_name, query=raw["query"].strip(), tree=tree,
                  categories=tuple(categories), exclude=tuple(" ".join(e.split()) for e in exclude),
                  aliases=tuple(a for a in aliases if a != topic_name), quiet_days_ok=_quiet_days_ok(raw, where, name))
    sent = len(topic.arxiv_query())
    if sent > q.MAX_SENT:
        raise ConfigError(f"{name}:{_line_of(raw, 'query')}: {where}: the query as sent to arXiv is {sent:,} characters, "
                          f"more than {q.MAX_SENT:,} (a term without ti: or abs: is sent twice, once for each); "
                          "shorten it, prefix terms with ti: or abs:, or split the topic")
    return topic


def _quiet_days_ok(raw: dict, where: str, name: str) -> int | None:
    """A rare topic's quiet_days_ok: how many announcement days without a new paper are normal for it."""
    value = raw.get("quiet_days_ok")
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_QUIET_DAYS):
        return value
    raise ConfigError(f"{name}:{_line_of(raw, 'quiet_days_ok')}: {where}: 'quiet_days_ok' must be a whole number of "
                      f"announcement days from 0 to {MAX_QUIET_DAYS}, got {_clip(repr(value))}; like quiet_days_ok: 30")


def _check_name(topic_name: str, where: str) -> None:
    """A name is a heading and a link target: short, and with a letter or digit GitHub can make an anchor of."""
    if len(topic_name) > MAX_NAME:
        raise ConfigError(f"{where}: the name is {len(topic_name):,} characters long, more than {MAX_NAME}; "
                          "shorten it (it is the section heading)")
    if not any(unicodedata.category(c)[0] in "LM" or unicodedata.category(c) in ("Nd", "Nl", "Pc") for c in topic_name):
        raise ConfigError(f"{where}: the name has no letter or digit; add one (it becomes the section's link)")


def _check_surrogates(texts: list[str], where: str) -> None:
    """Refuse lone surrogates (YAML reads "\\ud835\\udc1a" as two of them): they cannot be written as UTF-8."""
    for text in texts:
        bad = None if text.isascii() else next((c for c in text if "\ud800" <= c <= "\udfff"), None)
        if bad is not None:
            raise ConfigError(f"{where}: {bad.encode('utf-8', 'backslashreplace').decode()} is half of a character "
                              "(a lone surrogate); write the character itself, or escape it as \\U0001XXXX")


def _check_exclude(exclude: list[str], where: str) -> None:
    """Exclude lists have a documented size, so relevance time and memory stay bounded."""
    if len(exclude) > MAX_EXCLUDE:
        raise ConfigError(f"{where}: {len(exclude):,} exclude phrases are more than {MAX_EXCLUDE:,}; "
                          "remove some, or narrow the query instead")
    for phrase in exclude:
        if len(phrase) > MAX_PHRASE:
            raise ConfigError(f"{where}: exclude phrase '{phrase[:40]}…' is {len(phrase):,} characters long, "
                              f"more than {MAX_PHRASE}; shorten it")


def _string_list(raw: dict, key: str, where: str, name: str) -> list[str]:
    """An optional list of non-empty strings; a single string is accepted as a list of one."""
    value = raw.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(
            f"{name}:{_line_of(raw, key)}: {where}: '{key}' must be a list of text, like {key}: [\"a\", \"b\"]"
        )
    return [v.strip() for v in value]


def _settings(raw: Any, data: Any, name: str) -> dict[str, Any]:
    """Validate settings and fill in defaults."""
    settings = dict(DEFAULT_SETTINGS)
    if raw is None:
        return settings
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}:{_line_of(data, 'settings')}: 'settings' must be a mapping, like settings: {{}}")
    known = tuple(DEFAULT_SETTINGS)
    for key, value in raw.items():
        line = _line_of(raw, key)
        if key not in DEFAULT_SETTINGS:
            raise ConfigError(f"{name}:{line}: settings: " + _unknown_key("", key, known))
        if not _setting_ok(key, value):
            raise ConfigError(f"{name}:{line}: settings: '{key}' must be {_SETTING_HELP[key]}, got {_clip(repr(value))}")
        settings[key] = _switch(key, value)
    settings["notify"] = notify_channels(settings["notify"])
    return settings


NOTIFY = ("issue", "chat")  # the channels settings.notify can name
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def notify_channels(value: Any) -> list[str]:
    """settings.notify as a list of channels, each once: a single value still works, none is the empty list."""
    values = [value] if isinstance(value, str) else list(value)
    return [v for v in dict.fromkeys(values) if v != "none"]


SWITCHES = {"email": ("off", "digest"), "summaries": ("off", "auto"), "key_sentences": ("off", "on")}


def _switch(key: str, value: Any) -> Any:
    """A setting as stored: YAML reads a bare off as false and on as true, so those become their words."""
    if key in SWITCHES and isinstance(value, bool):
        off, on = SWITCHES[key]
        return on if value else off
    return value


def _short_line(value: Any, limit: int) -> bool:
    """A short one-line printable text (it goes into a prompt, a label or a request)."""
    return (isinstance(value, str) and bool(value.strip()) and len(value) <= limit and value.isprintable()
            and value == value.strip())


def _setting_ok(key: str, value: Any) -> bool:
    """Whether a setting's value has the right type and range."""
    if key == "title":
        return (isinstance(value, str) and bool(value.strip()) and "\n" not in value
                and len(value) <= MAX_NAME and value.isprintable() and value.encode("utf-8", "ignore").decode() == value)
    if key == "notify":
        values = [value] if isinstance(value, str) else value
        return (isinstance(values, list) and all(v in ("none", *NOTIFY) for v in values)
                and ("none" not in values or len(values) == 1))
    if key == "digest_every":
        return value in ("day", "week")
    if key == "digest_day":
        return value in WEEKDAYS
    if key == "readme_layout":
        return value in ("compact", "classic")
    if key in SWITCHES:  # a bare off is false in YAML; a bare on is true, which only key_sentences takes
        return value is False or (value is True and key == "key_sentences") or value in SWITCHES[key]
    if key in ("summary_model", "summary_language"):
        return _short_line(value, 100 if key == "summary_model" else 40)
    if key == "readme_papers_per_topic" and value == "auto":
        return True
    if key == "readme_papers_per_topic":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2000
    low, high = _RANGES[key]
    numeric = (int, float) if key in ("request_timeout", "time_budget") else (int,)
    return isinstance(value, numeric) and not isinstance(value, bool) and low <= value <= high
