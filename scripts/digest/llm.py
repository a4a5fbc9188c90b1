"""The model client: one chat completion at a time on an OpenAI-compatible endpoint (GitHub Models by default).

The openai package does the HTTP; its own retries are off (max_retries=0) so every wait is ours: paced to
the free tier's 15 requests a minute, following the endpoint's Retry-After and x-ratelimit-* headers, and
never past the summaries' time budget. Every failure becomes one ModelError whose message says what to do;
nothing here raises anything else, so the model can never cost the run a paper, a commit or its exit status.
"""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import openai

DEFAULT_BASE_URL = "https://models.github.ai/inference"
MIN_INTERVAL = 60 / 15  # seconds between requests: GitHub Models' free tier allows 15 a minute for small models
MAX_THROTTLED = 3  # 429 answers in one run before we stop asking (the next run asks again)
MAX_WAIT = 65.0  # the longest wait for a rate limit to reset; a longer one (a daily limit) ends the run's asking
SERVER_TRIES = 2  # tries of one request on a 5xx answer or a timeout
_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)(?P<unit>ms|h|m|s)")


class ModelError(Exception):
    """A request that got no usable answer; str() is one line; stop: asking more this run is pointless."""

    def __init__(self, message: str, stop: bool = False, throttled: bool = False):
        super().__init__(message)
        self.stop, self.throttled = stop, throttled


def one_line(text: Any, width: int = 160) -> str:
    """An endpoint's own words (untrusted) as a short single line for a message."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[:width] + "…"


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
    api_key: str
    model: str
    deadline: float
    timeout: float = 60.0
    min_interval: float = MIN_INTERVAL
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    structured: bool = True  # ask with response_format json_schema until the endpoint refuses it
    requests: int = 0
    throttled: int = 0
    waited: float = 0.0
    _next_start: float = 0.0
    _client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._client = openai.OpenAI(base_url=self.base_url, api_key=self.api_key, max_retries=0,
                                     timeout=self.timeout)

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

    def ask(self, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int) -> str:
        """The answer's text for one chat request; raises ModelError (its .stop says whether to go on)."""
        server_tries = 0
        while True:
            self._pace()
            self._next_start = self.clock() + self.min_interval
            try:
                return self._send(messages, schema, max_tokens)
            except openai.RateLimitError as exc:
                self.throttled += 1
                wait = retry_wait(exc.response.headers)
                if self.throttled >= MAX_THROTTLED:
                    raise ModelError(f"the endpoint kept refusing with HTTP 429 (rate limit; {self.throttled} "
                                     f"times this run); the free tier allows about 150 requests a day",
                                     stop=True, throttled=True) from None
                if wait is not None and (wait > MAX_WAIT or wait > self.left() - 5):
                    raise ModelError(f"HTTP 429: the rate limit resets in {wait:.0f} s, past this run's budget "
                                     f"(the free tier allows about 150 requests a day)", stop=True,
                                     throttled=True) from None
                self._next_start = max(self._next_start, self.clock() + (self.min_interval if wait is None else wait))
            except openai.AuthenticationError as exc:
                raise ModelError(f"HTTP 401: the endpoint refused LLM_API_KEY ({one_line(exc.message)}); in "
                                 f"GitHub Actions the update job needs 'permissions: models: read'; elsewhere set "
                                 f"LLM_API_KEY to a key the endpoint accepts", stop=True) from None
            except openai.PermissionDeniedError as exc:
                raise ModelError(f"HTTP 403: the key may not use this model ({one_line(exc.message)}); add "
                                 f"'permissions: models: read' to the update job, or your organisation has "
                                 f"disabled GitHub Models (use your own endpoint: LLM_BASE_URL and LLM_API_KEY)",
                                 stop=True) from None
            except openai.NotFoundError as exc:
                raise ModelError(f"HTTP 404: the endpoint does not serve model {self.model!r} or has no "
                                 f"/chat/completions ({one_line(exc.message)}); check settings.summary_model "
                                 f"and LLM_BASE_URL", stop=True) from None
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                if self.structured:  # most likely response_format json_schema; plain JSON is asked from now on
                    self.structured = False
                    self._next_start = self.clock()  # a refusal is no answer: no need to wait a turn for it
                    continue
                raise ModelError(f"HTTP {exc.status_code}: the endpoint refused the request "
                                 f"({one_line(exc.message)})") from None
            except openai.APITimeoutError:
                server_tries += 1
                if server_tries >= SERVER_TRIES:
                    raise ModelError(f"no answer within {self.timeout:.0f} s ({server_tries} tries)") from None
            except openai.APIConnectionError as exc:
                raise ModelError(f"could not connect to {self.base_url} ({one_line(exc.__cause__ or exc)}); "
                                 f"check LLM_BASE_URL", stop=True) from None
            except openai.APIStatusError as exc:
                server_tries += 1
                if server_tries >= SERVER_TRIES or exc.status_code < 500:
                    raise ModelError(f"HTTP {exc.status_code} from the endpoint ({one_line(exc.message)}, "
                                     f"{server_tries} tries)") from None
            except openai.OpenAIError as exc:  # an answer the client could not read
                raise ModelError(f"an answer the client could not read ({one_line(exc)})") from None

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
            return (completion.choices[0].message.content or "") if completion.choices else ""
        except (AttributeError, IndexError, TypeError, ValueError) as exc:
            raise ModelError(f"an answer that is not a chat completion ({one_line(exc)})") from None
