"""The model client: one chat completion at a time on the OpenAI-compatible endpoint the reader names.

There is no default endpoint, model or key: GitHub Models, the old default, was retired on 2026-07-30 and
answers HTTP 410. The reader sets LLM_BASE_URL, the LLM_API_KEY secret and settings.summary_model.
The openai package does the HTTP; its own retries are off (max_retries=0) and it follows no redirect, so every
wait is ours (paced by min_interval, following the endpoint's Retry-After and x-ratelimit-* headers, never past
the summaries' time budget) and no request, key or paper goes to a host the reader did not name. Before any
request, refusal() keeps a GitHub token from any endpoint, and any key off plain http:// unless the host is
this machine or the reader opted in (LLM_ALLOW_PLAIN_HTTP_KEY). Every failure becomes one ModelError whose
message says what to do, with any key or token in the endpoint's words masked; nothing here raises anything
else, so the model can never cost the run a paper, a commit or its exit status.
"""

from __future__ import annotations

import email.utils
import ipaddress
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import openai

from core import text as border
from digest import in_time

MIN_INTERVAL = 1.0  # seconds between requests by default, for any endpoint; LLM_REQUEST_DELAY sets another
MAX_THROTTLED = 3  # 429 answers in one run before we stop asking (the next run asks again)
MAX_WAIT = 65.0  # the longest wait for a rate limit to reset; a longer one (a daily limit) ends the run's asking
SERVER_TRIES = 2  # tries of one request on a 5xx answer or a timeout
NO_KEY = "unused"  # what a keyless local server gets as its Bearer key: the client needs one; it is no secret
PLAIN_HTTP_OPT_IN = "LLM_ALLOW_PLAIN_HTTP_KEY"  # =yes: send the key over plain http:// to a host on your LAN
RETIRED_HOSTS = frozenset({"models.github.ai", "models.inference.ai.azure.com"})  # GitHub Models, retired
GITHUB_TOKEN = re.compile(r"^(?:ghs_|github_pat_|ghp_|gho_|ghu_|ghr_)")
TO_SET = ("set the variable LLM_BASE_URL to an OpenAI-compatible endpoint, the secret LLM_API_KEY to its key "
          "and settings.summary_model to a model it serves (docs/summaries.md#a-model-of-your-own-with-one-secret)")
RETIRED = ("GitHub Models, the old default, is retired (since 2026-07-30: its endpoint answers HTTP 410, and "
           "the workflow no longer passes github.token as LLM_API_KEY); for model summaries, " + TO_SET)
GITHUB_TOKEN_SENT = ("LLM_API_KEY looks like a GitHub token (ghs_, ghp_, github_pat_ …), which is never sent to "
                     "a model endpoint; the workflow no longer passes github.token: set your own LLM_API_KEY "
                     "secret, the key of the endpoint LLM_BASE_URL names")
_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)(?P<unit>ms|h|m|s)")
_TOKENS = re.compile(r"(?i)\bbearer\s+\S+|\b(?:sk|rk|pk)-[A-Za-z0-9_\-]{6,}|\b(?:ghs|ghp|gho|ghu|ghr)_[A-Za-z0-9]{6,}"
                     r"|\bgithub_pat_[A-Za-z0-9_]{6,}|\bAIza[0-9A-Za-z_\-]{10,}")
_ASSIGNED = re.compile(r"(?i)\b(api[_-]?key|access[_-]?token|secret|password)(\s*[=:]\s*[\"']?)[^\s\"',;]+")
MASK = "***"


class ModelError(Exception):
    """A request that got no usable answer; str() is one line; stop: asking more this run is pointless;
    retired: the endpoint is gone for good (HTTP 410 or GitHub Models), so the message is the whole story."""

    def __init__(self, message: str, stop: bool = False, throttled: bool = False, retired: bool = False):
        super().__init__(message)
        self.stop, self.throttled, self.retired = stop, throttled, retired


def visible(text: str) -> str:
    """An endpoint's or a model's words through the border for outside text (core.text.clean): nothing a file, log
    or feed cannot hold, and no invisible characters."""
    return border.clean(text)


def mask(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Text with the given secrets and anything shaped like a key or token (sk-…, ghs_…, Bearer …) masked."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _ASSIGNED.sub(r"\1\2" + MASK, _TOKENS.sub(MASK, text))


def one_line(text: Any, width: int = 160, secrets: tuple[str, ...] = ()) -> str:
    """An endpoint's own words (untrusted) as a short single line for a message, keys and tokens masked first."""
    flat = " ".join(mask(visible(str(text)), secrets).split())
    flat = "".join(c if c.isprintable() else " " for c in flat)
    return flat if len(flat) <= width else flat[:width] + "…"


def host_of(base_url: str) -> str:
    """The host a base URL names, lowercased, without brackets, port or userinfo ('' when it names none)."""
    try:
        return (urlsplit(base_url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""


def shown_url(base_url: str) -> str:
    """A base URL for a message: scheme, host, port and path, never userinfo or a query that may hold a key."""
    try:
        parts = urlsplit(base_url.strip())
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "LLM_BASE_URL (not a URL)"
    return one_line(f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}", 120)


def is_loopback(host: str) -> bool:
    """Whether a host is this machine (localhost, 127.0.0.0/8, ::1): a key sent there never crosses a network."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_retired(base_url: str) -> bool:
    """Whether a base URL is GitHub Models' (retired on 2026-07-30; no request goes there)."""
    host = host_of(base_url)
    return host in RETIRED_HOSTS or any(host.endswith("." + h) for h in RETIRED_HOSTS)


def looks_like_github_token(key: str) -> bool:
    """Whether a key is shaped like a GitHub token (the job's own token, a PAT, an app's): never a model key."""
    return bool(GITHUB_TOKEN.match(key.strip()))


def refusal(base_url: str, api_key: str, allow_plain_http: bool = False) -> str | None:
    """Why no request may go to this endpoint with this key (one line naming what to set), or None."""
    if is_retired(base_url):
        return RETIRED
    try:
        parts = urlsplit(base_url.strip())
        scheme, _port = parts.scheme.lower(), parts.port  # a port that is no number raises here, not mid-run
        host_name = parts.hostname or ""
        host_name.encode("idna")  # nor does a host no resolver could look up ('a..b')
        if not all(c.isalnum() or c in ".-_:" for c in host_name):  # a soft hyphen or space would be dropped
            raise ValueError(host_name)
    except (ValueError, UnicodeError):
        scheme = ""
    host = host_of(base_url)
    if scheme not in ("http", "https") or not host:
        return (f"LLM_BASE_URL ({one_line(base_url, 80, (api_key,))}) is not an http:// or https:// URL; set it "
                f"to the endpoint's base URL, like https://api.openai.com/v1")
    if looks_like_github_token(api_key):
        return GITHUB_TOKEN_SENT
    if api_key and not (api_key.isascii() and api_key.isprintable()):
        return ("LLM_API_KEY holds a character no HTTP header can carry (a pasted quote, space or line break?); "
                "set the secret again, copied as plain text")
    if not api_key and not is_loopback(host):
        return (f"LLM_BASE_URL names {host} but LLM_API_KEY is not set; set the LLM_API_KEY secret to its key "
                f"(only a server on this machine, like Ollama on localhost, may go without one)")
    if api_key and scheme == "http" and not is_loopback(host) and not allow_plain_http:
        return (f"LLM_BASE_URL is plain http:// to {host}: the key would cross the network unencrypted; use "
                f"https://, or, for a server on your own network, set {PLAIN_HTTP_OPT_IN}=yes")
    return None


def seconds_of(value: str | None, now: float | None = None) -> float | None:
    """A wait from a header: '12', '1.5', '6m0s', '20ms', or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parts = _DURATION.findall(value)
    if parts and "".join(n + u for n, u in parts) == value:
        scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
        return sum(float(n) * scale[u] for n, u in parts)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_wait(headers: Any) -> float | None:
    """How long a 429 asks us to wait: retry-after-ms, Retry-After, else the x-ratelimit reset of what ran out."""
    get = headers.get if headers is not None else (lambda _name: None)
    ms = seconds_of(get("retry-after-ms"))
    if ms is not None:
        return ms / 1000
    wait = seconds_of(get("retry-after"))
    if wait is not None:
        return wait
    resets = [seconds_of(get(f"x-ratelimit-reset-{kind}")) for kind in ("requests", "tokens")]
    known = [r for r in resets if r is not None]
    return max(known) if known else None


def exhausted_wait(headers: Any) -> float:
    """After a success: the wait before the next request when x-ratelimit-remaining-* says none are left."""
    wait = 0.0
    for kind in ("requests", "tokens"):
        remaining = headers.get(f"x-ratelimit-remaining-{kind}")
        if remaining is not None and remaining.strip() in ("0", "0.0"):
            wait = max(wait, seconds_of(headers.get(f"x-ratelimit-reset-{kind}")) or MIN_INTERVAL)
    return wait


@dataclass
class Endpoint:
    """A model on an endpoint, asked one request at a time within a deadline (clock() seconds)."""

    base_url: str
    api_key: str  # '' for a keyless server on this machine (it gets NO_KEY)
    model: str
    deadline: float
    timeout: float = 60.0
    min_interval: float = MIN_INTERVAL
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    allow_plain_http: bool = False  # LLM_ALLOW_PLAIN_HTTP_KEY=yes: the reader sends the key over http:// knowingly
    structured: bool = True  # ask with response_format json_schema until the endpoint refuses it
    requests: int = 0
    throttled: int = 0
    waited: float = 0.0
    _next_start: float = 0.0
    _refused: str | None = field(default=None, repr=False)
    _client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._refused = refusal(self.base_url, self.api_key, self.allow_plain_http)
        if self._refused is None:  # no redirect is followed: each request goes to the host the reader named
            self._client = openai.OpenAI(base_url=self.base_url, api_key=self.api_key or NO_KEY, max_retries=0,
                                         timeout=self.timeout,
                                         http_client=openai.DefaultHttpxClient(follow_redirects=False))

    def __repr__(self) -> str:
        return f"Endpoint({shown_url(self.base_url)!r}, model={self.model!r})"  # never the key

    def left(self) -> float:
        """Seconds of the time budget still left."""
        return self.deadline - self.clock()

    def _wait(self, seconds: float) -> None:
        """Sleep, and count it (the benchmark reports waiting apart from asking)."""
        if seconds > 0:
            self.sleep(seconds)
            self.waited += seconds

    def _pace(self) -> None:
        """Wait for the request's turn; ModelError(stop) when the turn comes after the budget ends."""
        wait = self._next_start - self.clock()
        if wait > 0 and wait >= self.left() - 1:
            raise ModelError("the time budget for summaries ran out", stop=True)
        self._wait(wait)
        if self.left() < 2:
            raise ModelError("the time budget for summaries ran out", stop=True)

    def _quote(self, text: Any) -> str:
        """The endpoint's words for a message: one short line, this key and anything like a key masked."""
        return one_line(text, secrets=(self.api_key,))

    def ask(self, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int) -> str:
        """The answer's text for one chat request; raises ModelError (its .stop says whether to go on)."""
        if self._refused:
            raise ModelError(self._refused, stop=True, retired=self._refused == RETIRED)
        host = host_of(self.base_url)
        server_tries = 0
        while True:
            self._pace()
            self._next_start = self.clock() + self.min_interval
            try:
                return self._send_in_time(messages, schema, max_tokens)
            except openai.RateLimitError as exc:
                self.throttled += 1
                wait = retry_wait(exc.response.headers)
                if self.throttled >= MAX_THROTTLED:
                    raise ModelError(f"the endpoint kept refusing with HTTP 429 (rate limit; {self.throttled} "
                                     f"times this run)", stop=True, throttled=True) from None
                if wait is not None and wait > MAX_WAIT:
                    raise ModelError(f"HTTP 429: the endpoint asks to wait {wait:.0f} s, longer than the "
                                     f"{MAX_WAIT:.0f} s this run waits", stop=True, throttled=True) from None
                if wait is not None and wait > self.left() - 5:
                    raise ModelError(f"HTTP 429: the endpoint asks to wait {wait:.0f} s, longer than the "
                                     f"{max(0.0, self.left()):.0f} s left of this run's time for summaries",
                                     stop=True, throttled=True) from None
                self._next_start = max(self._next_start, self.clock() + (self.min_interval if wait is None else wait))
            except openai.AuthenticationError as exc:
                raise ModelError(f"HTTP 401: {host} refused LLM_API_KEY ({self._quote(exc.message)}); set the "
                                 f"LLM_API_KEY secret to a key this endpoint accepts", stop=True) from None
            except openai.PermissionDeniedError as exc:
                raise ModelError(f"HTTP 403: {host} refused this key the model {self.model!r} "
                                 f"({self._quote(exc.message)}); check the key's access and "
                                 f"settings.summary_model", stop=True) from None
            except openai.NotFoundError as exc:
                raise ModelError(f"HTTP 404: {host} does not serve model {self.model!r} or has no "
                                 f"/chat/completions under {shown_url(self.base_url)} "
                                 f"({self._quote(exc.message)}); check settings.summary_model and LLM_BASE_URL",
                                 stop=True) from None
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                if self.structured:  # most likely response_format json_schema; plain JSON is asked from now on
                    self.structured = False
                    self._next_start = self.clock()  # a refusal is no answer: no need to wait a turn for it
                    continue
                raise ModelError(f"HTTP {exc.status_code}: the endpoint refused the request "
                                 f"({self._quote(exc.message)})") from None
            except openai.APITimeoutError:
                server_tries += 1
                if server_tries >= SERVER_TRIES:
                    raise ModelError(f"no answer within {self.timeout:.0f} s ({server_tries} tries)") from None
            except openai.APIConnectionError as exc:
                raise ModelError(f"could not connect to {shown_url(self.base_url)} "
                                 f"({self._quote(exc.__cause__ or exc)}); check LLM_BASE_URL", stop=True) from None
            except openai.APIStatusError as exc:
                if exc.status_code == 410:
                    raise ModelError(f"{shown_url(self.base_url)} answers HTTP 410 (Gone): the endpoint is "
                                     f"retired; {TO_SET}", stop=True, retired=True) from None
                if 300 <= exc.status_code < 400:
                    where = host_of(exc.response.headers.get("location") or "") or "another address"
                    raise ModelError(f"HTTP {exc.status_code}: the endpoint redirects to {one_line(where, 80)}, "
                                     f"and no request follows a redirect (the key goes only where LLM_BASE_URL "
                                     f"says); set LLM_BASE_URL to the address the endpoint names", stop=True) from None
                server_tries += 1
                if server_tries >= SERVER_TRIES or exc.status_code < 500:
                    raise ModelError(f"HTTP {exc.status_code} from the endpoint ({self._quote(exc.message)}, "
                                     f"{server_tries} tries)") from None
            except openai.OpenAIError as exc:  # an answer the client could not read
                raise ModelError(f"an answer the client could not read ({self._quote(exc)})") from None
            except ModelError:
                raise
            except Exception as exc:  # noqa: BLE001 - an optional part: whatever the client raised is one line
                raise ModelError(f"the request failed ({type(exc).__name__}: {self._quote(exc)})", stop=True) from None

    def _send_in_time(self, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int) -> str:
        """_send within its timeout in all: the client's timeout is per read, so an endpoint sending a byte a second
        would never time out (digest/in_time.py)."""
        seconds = max(1.0, min(self.timeout, self.left() - 1))
        try:
            return in_time.call_within(seconds + 1, lambda: self._send(messages, schema, max_tokens), "model-request")
        except in_time.TooSlow:
            raise ModelError(f"no whole answer within {seconds:.0f} s (the endpoint kept sending slowly)",
                             stop=True) from None

    def _send(self, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int) -> str:
        """One request; the text of its first choice ('' for none)."""
        extra: dict[str, Any] = {}
        if self.structured:
            extra["response_format"] = {"type": "json_schema", "json_schema": schema}
        self.requests += 1
        raw = self._client.chat.completions.with_raw_response.create(
            model=self.model, messages=messages, temperature=0.2, max_tokens=max_tokens,
            timeout=max(1.0, min(self.timeout, self.left() - 1)), **extra)
        self._next_start = max(self._next_start, self.clock() + exhausted_wait(raw.headers))
        try:
            completion = raw.parse()
            content = (completion.choices[0].message.content or "") if completion.choices else ""
        except (AttributeError, LookupError, TypeError, ValueError) as exc:
            raise ModelError(f"an answer that is not a chat completion ({self._quote(exc)})") from None
        if not isinstance(content, str):  # the client does not check types: a proxy may send a number or parts
            raise ModelError(f"an answer whose content is not text ({type(content).__name__})")
        return content
