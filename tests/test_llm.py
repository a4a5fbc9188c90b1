"""The model client (digest/llm.py): the real openai client over HTTP against a local OpenAI-compatible server."""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Iterator

import pytest

from digest import llm, summaries
from fake_llm import FakeLLM, free_port

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
    assert waits.slept == [pytest.approx(llm.MIN_INTERVAL)], "15 requests a minute: 4 s between them"
    first = fake_llm.requests[0]
    assert first["path"] == "/inference/chat/completions"
    assert {k.lower(): v for k, v in first["headers"].items()}["authorization"] == "Bearer test-key"
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


def test_a_daily_limit_retry_after_is_not_waited_for(fake_llm: FakeLLM) -> None:
    fake_llm.script, fake_llm.retry_after = ["429"], "43200"
    waits = Waits()
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, waits))
    assert caught.value.stop and "150 requests a day" in str(caught.value)
    assert waits.slept == [] and len(fake_llm.requests) == 1


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


@pytest.mark.parametrize("status, words", [(401, "models: read"), (403, "models: read")])
def test_refused_keys_stop_and_say_what_to_add(fake_llm: FakeLLM, status: int, words: str) -> None:
    fake_llm.status_for_auth = status
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, Waits()))
    assert caught.value.stop and words in str(caught.value) and f"HTTP {status}" in str(caught.value)
    assert "test-key" not in str(caught.value)
    assert len(fake_llm.requests) == 1


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
    point = endpoint(fake_llm.url, waits, budget=4.5)
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


def test_an_answer_that_is_not_a_chat_completion_is_one_error(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["not json"]
    with pytest.raises(llm.ModelError) as caught:
        ask(endpoint(fake_llm.url, Waits()))
    assert "\n" not in str(caught.value)
