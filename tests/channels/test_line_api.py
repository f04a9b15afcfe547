"""Reply and push calls against the LINE stand-in: retried safely, never delivered twice."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Iterator

import pytest

from bot.channels.line import LineSettings
from bot.channels.line_api import LineApi, SendOutcome
from bot.channels.line_messages import to_line_messages
from tests.e2e.line_standin import LineStandIn, PUSH_PATH, REPLY_PATH, accepted

TOKEN = "test-access-token"
TEXT = "Your employer must pay overtime at 125% or more."


@pytest.fixture(scope="module")
def standin() -> Iterator[LineStandIn]:
    with LineStandIn(access_token=TOKEN) as api:
        yield api


@pytest.fixture
def api(standin: LineStandIn) -> Iterator[LineStandIn]:
    standin.reset()
    yield standin
    standin.reset()


def call(standin: LineStandIn, use: Callable[[LineApi], Awaitable[SendOutcome]], **settings: Any) -> SendOutcome:
    options = dict(
        channel_secret="secret", access_token=TOKEN, api_base_url=standin.url,
        api_timeout=2.0, api_attempts=4, retry_delay=0.01,
    )
    options.update(settings)

    async def run() -> SendOutcome:
        client = LineApi(LineSettings(**options))
        try:
            return await use(client)
        finally:
            await client.close()

    return asyncio.run(run())


MESSAGES = to_line_messages([{"text": TEXT}])


def test_a_push_is_retried_on_server_errors_with_one_retry_key(api: LineStandIn, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    api.fail_next(2, status=500)
    outcome = call(api, lambda client: client.push("Uworker", MESSAGES))

    assert outcome.accepted
    calls = api.calls
    assert [c.status for c in calls] == [500, 500, 200]
    assert len({c.headers["x-line-retry-key"] for c in calls}) == 1
    assert [c.texts for c in accepted(calls)] == [[TEXT]]
    # failures are logged with LINE's request id, never with the message
    assert calls[0].request_id in caplog.text
    assert TEXT not in caplog.text


def test_a_push_accepted_before_its_answer_was_lost_is_not_sent_again(api: LineStandIn) -> None:
    api.fail_next(1, status=503, accept=True)  # LINE sent it, then the answer got lost
    outcome = call(api, lambda client: client.push("Uworker", MESSAGES))

    assert outcome.accepted
    assert [c.status for c in api.calls] == [503, 409]
    assert len(accepted(api.calls)) == 1


def test_a_rate_limited_push_waits_and_tries_again(api: LineStandIn) -> None:
    api.fail_next(1, status=429)
    assert call(api, lambda client: client.push("Uworker", MESSAGES)).accepted
    assert [c.status for c in api.calls] == [429, 200]


def test_a_push_that_keeps_timing_out_gives_up_and_says_it_may_have_arrived(api: LineStandIn) -> None:
    api.set_delay(1.0)
    outcome = call(api, lambda client: client.push("Uworker", MESSAGES), api_timeout=0.3, api_attempts=2)
    assert not outcome.accepted and outcome.maybe_accepted
    calls = api.wait_for(lambda calls: calls if len(calls) == 2 else None, timeout=10)
    assert len({c.headers["x-line-retry-key"] for c in calls}) == 1
    assert len(accepted(calls)) == 1  # the first attempt got through; the retry did not double it


def test_mistakes_are_not_retried(api: LineStandIn) -> None:
    outcome = call(api, lambda client: client.reply("never-issued", MESSAGES))
    assert (outcome.accepted, outcome.status, outcome.reply_token_refused) == (False, 400, True)

    outcome = call(api, lambda client: client.push("Uworker", MESSAGES), access_token="revoked")
    assert (outcome.accepted, outcome.status, outcome.maybe_accepted) == (False, 401, False)
    assert [(c.path, c.status) for c in api.calls] == [(REPLY_PATH, 400), (PUSH_PATH, 401)]


def test_a_reply_is_retried_with_its_single_use_token(api: LineStandIn) -> None:
    token = api.issue_reply_token()
    api.fail_next(1, status=500, accept=True)  # sent, answer lost: the retry finds the token used
    outcome = call(api, lambda client: client.reply(token, MESSAGES))

    assert not outcome.accepted and outcome.maybe_accepted  # so the channel will not push it again
    assert [c.status for c in api.calls] == [500, 400]
    assert len(accepted(api.calls)) == 1
