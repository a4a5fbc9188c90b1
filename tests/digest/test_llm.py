"""The model client (digest/llm.py): the real openai client over HTTP against a local OpenAI-compatible server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import formatdate

import pytest
from fake_llm import FakeLLM, free_port

from digest import llm, summaries

PAPER = {"id": "2601.00001", "version": 1, "title": "Flow matching for speech",
         "abstract": "We propose a flow matching text to speech model that is fast and natural."}


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


class Waits:
    """A clock that moves only when slept: waits are recorded, never spent."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def endpoint(url: str, waits: Waits, budget: float = 300.0, **kw: object) -> llm.Endpoint:
    return llm.Endpoint(base_url=url, api_key="test-key", model="openai/gpt-4.1-mini", deadline=waits.now + budget,
                        clock=waits.clock, sleep=waits.sleep, **kw)


def auth(request: dict) -> str:
    """The Authorization header a recorded request carried ('' for none)."""
    return {k.lower(): v for k, v in request["headers"].items()}.get("authorization", "")


def ask(point: llm.Endpoint) -> str:
    return point.ask(summaries.messages_for([PAPER], "English"), summaries.SCHEMA, 400)


@pytest.mark.parametrize("text, seconds", [("12", 12.0), ("1.5", 1.5), ("6m0s", 360.0), ("20ms", 0.02),
                                           ("1m30s", 90.0), ("", None), ("soon", None), (None, None)])
def test_waits_are_read_from_every_header_form(text: str | None, seconds: float | None) -> None:
    assert llm.seconds_of(text) == seconds


def test_an_http_date_retry_after_is_seconds_from_now() -> None:
    now = time.time()
    assert 25 <= llm.seconds_of(formatdate(now + 30, usegmt=True), now=now) <= 31


def test_retry_wait_prefers_retry_after_then_the_reset_of_what_ran_out() -> None:
    assert llm.retry_wait({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert llm.retry_wait({"retry-after": "9", "x-ratelimit-reset-requests": "20s"}) == 9
    assert llm.retry_wait({"x-ratelimit-reset-requests": "20s", "x-ratelimit-reset-tokens": "1m"}) == 60
    assert llm.retry_wait({}) is None
    assert llm.exhausted_wait({"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "7s"}) == 7
    assert llm.exhausted_wait({"x-ratelimit-remaining-requests": "14"}) == 0


def test_requests_are_paced_and_carry_the_key_model_and_json_schema(fake_llm: FakeLLM) -> None:
    waits = Waits()
    point = endpoint(fake_llm.url, waits)
    assert "flow matching" in ask(point)
    assert "flow matching" in ask(point)
    assert waits.slept == [pytest.approx(llm.MIN_INTERVAL)] and llm.MIN_INTERVAL == 1.0, "1 s between requests"
    first = fake_llm.requests[0]
    assert first["path"] == "/inference/chat/completions"
    assert auth(first) == "Bearer test-key"
    assert first["body"]["model"] == "openai/gpt-4.1-mini" and first["body"]["max_tokens"] == 400
    assert first["body"]["response_format"]["type"] == "json_schema"


def test_a_429_waits_its_retry_after_then_asks_again(fake_llm: FakeLLM) -> None:
    fake_llm.script, fake_llm.retry_after = ["429"], "7"
    waits = Waits()
    point = endpoint(fake_llm.url, waits)
    assert "flow matching" in ask(point)
    assert waits.slept == [pytest.approx(7)] and point.requests == 2 and point.throttled == 1


def test_repeated_429s_stop_the_run_asking(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["429"] * 5
    fake_llm.retry_after = "1"
    point = endpoint(fake_llm.url, Waits())
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    assert caught.value.stop and caught.value.throttled and "429" in str(caught.value)
    assert len(fake_llm.requests) == llm.MAX_THROTTLED


def test_a_daily_limit_retry_after_is_not_waited_for_and_said_as_it_is(fake_llm: FakeLLM) -> None:
    fake_llm.script, fake_llm.retry_after = ["429"], "43200"
    waits = Waits()
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, waits))
    assert caught.value.stop and str(caught.value) == ("HTTP 429: the endpoint asks to wait 43200 s, longer than "
                                                       "the 65 s this run waits")
    assert waits.slept == [] and len(fake_llm.requests) == 1


def test_a_retry_after_past_the_budget_says_the_time_left(fake_llm: FakeLLM) -> None:
    fake_llm.script, fake_llm.retry_after = ["429"], "50"
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, Waits(), budget=30))
    assert caught.value.stop and "asks to wait 50 s, longer than the 30 s left" in str(caught.value)


def test_no_message_speaks_of_a_free_tier_or_github_models_advice() -> None:
    import inspect

    source = inspect.getsource(llm) + inspect.getsource(summaries)
    for gone in ("150 requests", "free tier", "models: read", "models.github.ai/inference\"", "DEFAULT_BASE_URL"):
        assert gone not in source, gone


def test_a_429_without_retry_after_waits_a_turn(fake_llm: FakeLLM) -> None:
    fake_llm.script, fake_llm.retry_after = ["429"], None
    waits = Waits()
    assert "flow" in ask(endpoint(fake_llm.url, waits))
    assert waits.slept == [pytest.approx(llm.MIN_INTERVAL)]


def test_a_server_error_is_tried_again_once(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["500"]
    point = endpoint(fake_llm.url, Waits())
    assert "flow" in ask(point) and point.requests == 2
    fake_llm.script = ["500", "503"]
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    assert not caught.value.stop and "HTTP 503" in str(caught.value)


def test_a_refused_connection_stops_with_the_url_to_check() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(url, Waits()))
    assert caught.value.stop and "LLM_BASE_URL" in str(caught.value) and url in str(caught.value)


@pytest.mark.parametrize("status, words", [(401, "set the LLM_API_KEY secret"), (403, "settings.summary_model")])
def test_refused_keys_stop_and_say_what_to_set(fake_llm: FakeLLM, status: int, words: str) -> None:
    fake_llm.status_for_auth = status
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, Waits()))
    assert caught.value.stop and words in str(caught.value) and f"HTTP {status}" in str(caught.value)
    assert "models: read" not in str(caught.value) and "GitHub" not in str(caught.value)
    assert "test-key" not in str(caught.value)
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("key", ["test-key-0123456789", "sk-proj-AbC123xyz789_secret", "gsk_9f8e7d6c5b4a3210"])
def test_an_endpoint_that_echoes_the_key_is_quoted_with_it_masked(fake_llm: FakeLLM, key: str) -> None:
    fake_llm.status_for_auth, fake_llm.echo_key = 401, True
    waits = Waits()
    point = llm.Endpoint(base_url=fake_llm.url, api_key=key, model="m", deadline=100, clock=waits.clock,
                         sleep=waits.sleep)
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    said = str(caught.value)
    assert key not in said and key[:8] not in said and "Bearer" not in said, said
    assert "incorrect API key provided: ***" in said and key not in repr(point)
    assert auth(fake_llm.requests[0]) == f"Bearer {key}", "the fake did see it"


def test_key_and_token_shapes_are_masked_in_any_quoted_text() -> None:
    text = ("bad key sk-abc123DEF456 for Bearer eyJhbGciOi.x.y; ghs_16C7e42F292c6912E7710c838347Ae178B4a and "
            "github_pat_11ABCDEFG0123456789_abcdef; api_key=hunter2hunter2 password: 'swordfish'; AIzaSyA1234567890abcdef")
    masked = llm.mask(text, ("hunter2hunter2",))
    for secret in ("sk-abc123", "eyJhbG", "ghs_16C7", "github_pat_11", "hunter2", "swordfish", "AIzaSy"):
        assert secret not in masked, secret
    assert "api_key=***" in masked and masked.startswith("bad key *** for ***")
    assert llm.one_line("x \ud800 \uffff y\n z") == "x y z"


def test_a_retired_endpoint_answering_410_stops_at_once_saying_what_to_set(fake_llm: FakeLLM) -> None:
    fake_llm.status_for_auth = 410
    point = endpoint(fake_llm.url, Waits())
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    said = str(caught.value)
    assert caught.value.stop and caught.value.retired and len(fake_llm.requests) == 1
    assert "HTTP 410" in said and "retired" in said and "LLM_BASE_URL" in said and "summary_model" in said
    assert "LLM_API_KEY" in said and "\n" not in said


@pytest.mark.parametrize("url", ["https://models.github.ai/inference", "https://MODELS.github.ai./inference/",
                                 "https://models.inference.ai.azure.com"])
def test_github_models_is_never_asked(url: str) -> None:
    point = llm.Endpoint(base_url=url, api_key="ghs_abcdefghijklmnop", model="openai/gpt-4.1-mini", deadline=9e9)
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    assert caught.value.retired and caught.value.stop and str(caught.value) == llm.RETIRED
    assert "2026-07-30" in llm.RETIRED and "LLM_BASE_URL" in llm.RETIRED and point.requests == 0
    assert point._client is None, "no client was even made: nothing can reach the network"


@pytest.mark.parametrize("key", ["ghs_16C7e42F292c6912E7710c838347Ae178B4a", "github_pat_11ABC_def", "ghp_abc123",
                                 "gho_x1", "ghu_x1", "ghr_x1", " ghs_padded"])
def test_a_github_token_is_never_sent_to_a_model_endpoint(fake_llm: FakeLLM, key: str) -> None:
    point = llm.Endpoint(base_url=fake_llm.url, api_key=key, model="m", deadline=9e9)
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    assert fake_llm.requests == [] and caught.value.stop
    assert "GitHub token" in str(caught.value) and "github.token" in str(caught.value)
    assert key.strip() not in str(caught.value)


def test_a_keyless_local_server_gets_a_placeholder_that_is_no_secret(fake_llm: FakeLLM) -> None:
    point = llm.Endpoint(base_url=fake_llm.url, api_key="", model="m", deadline=9e9, min_interval=0)
    assert "flow" in ask(point)
    assert auth(fake_llm.requests[0]) == f"Bearer {llm.NO_KEY}"


@pytest.mark.parametrize("url, key, allow, refused", [
    ("http://127.0.0.1:8080/v1", "k", False, None),
    ("http://127.5.6.7:8080/v1", "k", False, None),
    ("http://[::1]:11434/v1", "k", False, None),
    ("http://localhost:11434/v1", "", False, None),
    ("http://192.168.1.20:8000/v1", "k", False, "plain http"),
    ("http://gpu-box.lan:8000/v1", "k", False, "LLM_ALLOW_PLAIN_HTTP_KEY=yes"),
    ("http://gpu-box.lan:8000/v1", "k", True, None),
    ("http://127.0.0.1.evil.example/v1", "k", False, "plain http"),
    ("http://localhost.evil.example/v1", "k", False, "plain http"),
    ("https://api.openai.com/v1", "k", False, None),
    ("https://api.openai.com/v1", "", False, "LLM_API_KEY is not set"),
    ("api.openai.com/v1", "k", False, "not an http"),
    ("ftp://api.openai.com/v1", "k", False, "not an http"),
    ("https://api.openai.com/v1", "ghs_abc", True, "GitHub token"),
])
def test_a_key_goes_over_plain_http_only_to_this_machine_or_when_the_reader_says_so(
        url: str, key: str, allow: bool, refused: str | None) -> None:
    said = llm.refusal(url, key, allow)
    assert (said is None) if refused is None else (refused in said), said


def test_a_redirect_is_not_followed_so_no_key_or_paper_reaches_another_host(fake_llm: FakeLLM) -> None:
    with FakeLLM() as elsewhere:
        fake_llm.redirect_to = elsewhere.url + "/chat/completions"
        with pytest.raises(llm.ModelError) as caught:
            ask(endpoint(fake_llm.url, Waits()))
        assert elsewhere.requests == [] and len(fake_llm.requests) == 1
    assert caught.value.stop and "HTTP 307" in str(caught.value) and "redirect" in str(caught.value)


def test_the_installed_client_drops_the_key_on_a_redirect_to_another_origin_anyway() -> None:
    """Belt and braces: were a redirect ever followed, httpx strips Authorization when the origin changes."""
    import httpx2 as httpx

    client = httpx.Client()
    request = client.build_request("POST", "http://127.0.0.1:1/v1/chat/completions",
                                   headers={"Authorization": "Bearer k"})
    moved = client._redirect_headers(request, httpx.URL("http://127.0.0.1:2/v1/chat/completions"), "POST")
    assert "Authorization" not in moved


def test_an_unknown_model_stops_naming_the_setting(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["404"]
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, Waits()))
    assert caught.value.stop and "summary_model" in str(caught.value)


def test_an_endpoint_refusing_json_schema_is_asked_for_plain_json_from_then_on(fake_llm: FakeLLM) -> None:
    fake_llm.refuse_schema = True
    waits = Waits()
    point = endpoint(fake_llm.url, waits)
    text = ask(point)
    assert summaries.parse_answer(text)[0]["id"] == PAPER["id"]
    ask(point)
    formats = [r["body"].get("response_format") for r in fake_llm.requests]
    assert formats[0]["type"] == "json_schema" and formats[1:] == [None, None]
    assert waits.slept == [pytest.approx(llm.MIN_INTERVAL)], "the refusal is no answer: no turn waited for it"


def test_no_rate_limit_left_waits_for_its_reset(fake_llm: FakeLLM) -> None:
    fake_llm.headers = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "30s"}
    waits = Waits()
    point = endpoint(fake_llm.url, waits)
    ask(point)
    ask(point)
    assert waits.slept == [pytest.approx(30)]


def test_the_time_budget_ends_the_asking(fake_llm: FakeLLM) -> None:
    waits = Waits()
    point = endpoint(fake_llm.url, waits, budget=4.5, min_interval=4)
    ask(point)
    with pytest.raises(llm.ModelError) as caught:
        ask(point)  # the next turn comes 4 s later, past what is left
    assert caught.value.stop and "budget" in str(caught.value) and len(fake_llm.requests) == 1


def test_a_slow_endpoint_times_out_twice_then_gives_up(fake_llm: FakeLLM) -> None:
    fake_llm.delay = 3.0
    point = endpoint(fake_llm.url, Waits(), timeout=1, min_interval=0)
    started = time.monotonic()
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    assert not caught.value.stop and "no answer within" in str(caught.value)
    assert time.monotonic() - started < 2.9 and point.requests == llm.SERVER_TRIES


def test_an_answer_trickling_in_past_the_timeout_stops_the_asking(fake_llm: FakeLLM) -> None:
    fake_llm.trickle = 0.02  # each byte well within the client's per-read timeout; the whole answer takes ~10 s
    point = endpoint(fake_llm.url, Waits(), timeout=1, min_interval=0)
    started = time.monotonic()
    with pytest.raises(llm.ModelError) as caught:
        ask(point)
    assert caught.value.stop and "no whole answer within 1 s" in str(caught.value)
    assert time.monotonic() - started < 4 and point.requests == 1


def test_an_answer_that_is_not_a_chat_completion_is_one_error(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["not json"]
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, Waits()))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("shape", [{"content": 42}, {"content": [{"type": "text", "text": "{}"}]}, {"choices": {"0": {}}},
                                   {"choices": [{"index": 0}]}, {"choices": "none"}])
def test_an_answer_of_an_unexpected_shape_is_one_error(fake_llm: FakeLLM, shape: dict) -> None:
    fake_llm.shape = shape
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, Waits()))
    assert "\n" not in str(caught.value) and len(fake_llm.requests) == 1


@pytest.mark.parametrize("url", ["https://api.openai.com:v1", "https://a..b/v1", "https://exa\u00admple.com/v1",
                                 "http://[::1/v1"])
def test_a_base_url_no_client_could_use_is_refused_before_any_request(url: str) -> None:
    refused = llm.refusal(url, "sk-test")
    assert refused is not None and "is not an http:// or https:// URL" in refused and "sk-test" not in refused
    with pytest.raises(llm.ModelError):
        ask(endpoint(url, Waits()))


def test_a_key_no_http_header_can_carry_is_refused_and_not_shown() -> None:
    refused = llm.refusal("https://api.example.org/v1", "sk-abc\u2019def")
    assert refused is not None and "LLM_API_KEY holds a character" in refused and "abc" not in refused
