"""Without LINE's secrets the server still runs: one warning, and a clear 503 for LINE."""
from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from typing import Any, List, Tuple

import aiohttp
from sanic import Sanic

from bot.channels.line import LineInput


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve_and_post(channel: LineInput, heard: List[Any]) -> List[Tuple[int, Any]]:
    """Mount the channel as Rasa does (``/webhooks/line``) on a real Sanic server and call it."""

    async def on_new_message(message: Any) -> None:
        heard.append(message)

    app = Sanic(f"line_unconfigured_{uuid.uuid4().hex[:8]}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    results = []
    try:
        async with aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{port}/webhooks/line"
            async with session.post(
                f"{base}/webhook", data=b'{"destination":"U1","events":[]}', headers={"X-Line-Signature": "x"}
            ) as response:
                results.append((response.status, await response.json()))
            async with session.get(f"{base}/") as response:
                results.append((response.status, await response.json()))
    finally:
        server.close()
        await server.wait_closed()
    return results


def test_the_webhook_answers_503_with_a_clear_error_and_start_up_warns_once(caplog, monkeypatch, tmp_path) -> None:
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LINE_EVENT_STORE_URL", f"sqlite:///{tmp_path / 'line-events.sqlite3'}")
    caplog.set_level(logging.INFO, logger="bot.channels.line")
    channel = LineInput.from_credentials(None)  # as Rasa creates it from credentials.yml
    heard: List[Any] = []

    (status, body), (health_status, health) = asyncio.run(serve_and_post(channel, heard))

    assert status == 503
    assert "LINE_CHANNEL_SECRET" in body["error"] and "LINE_CHANNEL_ACCESS_TOKEN" in body["error"]
    assert (health_status, health) == (200, {"status": "ok", "configured": False})
    assert heard == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "not configured" in r.getMessage()]
    assert len(warnings) == 1
