"""The socket.io channel end to end: a standard socket.io client on the websocket
transport only, against the real bot (scripts/run_servers.sh).

Without bot/sanic_compat.py every websocket connection fails on this stack
(Python 3.11, Sanic 21.12), so these tests are the proof that the fix is
loaded by the server at start-up.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, Dict, List

import pytest
import socketio
import sqlalchemy

from tests.e2e.servers import BotServers


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    bot = BotServers(
        rasa_port=5405, actions_port=5455, workdir=tmp_path_factory.mktemp("socketio")
    )
    bot.start()
    yield bot
    bot.stop()


class Conversation:
    """One socket.io client speaking Rasa's events, websocket transport only."""

    def __init__(self, url: str, origin: str = "https://union.example.org") -> None:
        self.url = url
        self.origin = origin
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self.confirmed: "asyncio.Queue[str]" = asyncio.Queue()
        self.client.on("bot_uttered", self.replies.put_nowait)
        self.client.on("session_confirm", self.confirmed.put_nowait)

    async def open(self, session_id: str) -> str:
        await self.client.connect(
            self.url, transports=["websocket"], headers={"Origin": self.origin}
        )
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text: str, session_id: str) -> List[Dict[str, Any]]:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id})
        replies = [await asyncio.wait_for(self.replies.get(), 30)]
        while True:  # a turn can bring several messages; they come together
            try:
                replies.append(await asyncio.wait_for(self.replies.get(), 1.5))
            except asyncio.TimeoutError:
                return replies

    async def close(self) -> None:
        await self.client.disconnect()


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def stored_user_texts(servers: BotServers, session_id: str) -> List[str]:
    """The worker's messages in the tracker store (Rasa's SQL `events` table)."""
    engine = sqlalchemy.create_engine(servers.environment()["TRACKER_STORE_URL"])
    with engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text(
                "SELECT data FROM events WHERE sender_id = :id AND type_name = 'user' ORDER BY id"
            ),
            {"id": session_id},
        )
        texts = [json.loads(data)["text"] for (data,) in rows]
    engine.dispose()
    return texts


def test_a_question_is_answered_over_the_websocket_transport(servers):
    async def scenario():
        talk = Conversation(servers.rasa_url)
        session = uuid.uuid4().hex
        assert await talk.open(session) == session
        assert talk.client.transport() == "websocket"
        replies = await talk.say("who is the president of rengo?", session)
        await talk.close()
        return replies

    replies = run(scenario())
    text = " ".join(reply.get("text", "") for reply in replies)
    assert "President" in text and "YOSHINO" in text.upper(), text


def test_buttons_arrive_as_quick_replies_and_their_payload_is_understood(servers):
    async def scenario():
        talk = Conversation(servers.rasa_url)
        session = uuid.uuid4().hex
        await talk.open(session)
        greeting = await talk.say("hello", session)
        quick = [q for reply in greeting for q in reply.get("quick_replies", [])]
        affiliates = next(q for q in quick if q["title"] == "Affiliated unions")
        answer = await talk.say(affiliates["payload"], session)
        await talk.close()
        return quick, answer

    quick, answer = run(scenario())
    assert all(q["content_type"] == "text" and q["payload"].startswith("/") for q in quick)
    assert "affiliate" in " ".join(reply.get("text", "") for reply in answer).lower()


def test_a_reconnect_with_the_same_session_id_continues_the_conversation(servers):
    session = uuid.uuid4().hex

    async def first_visit():
        talk = Conversation(servers.rasa_url)
        await talk.open(session)
        await talk.say("who is the president of rengo?", session)
        await talk.close()

    async def after_reload():
        talk = Conversation(servers.rasa_url)
        assert await talk.open(session) == session
        replies = await talk.say("thank you", session)
        await talk.close()
        return replies

    run(first_visit())
    assert run(after_reload())
    # one conversation in the store, not two: the second visit joined the first
    assert stored_user_texts(servers, session) == ["who is the president of rengo?", "thank you"]
