"""Echo one message over a real Sanic websocket on loopback; print what came back.

Run in its own interpreter by tests/bot/test_sanic_compat.py, because the fix
patches Sanic for the whole process:  python sanic_ws_echo.py [--apply-fix]
Prints ``echo:hello`` when the websocket works, ``closed: ...`` when it does not.
"""
from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


async def main(apply_fix: bool) -> str:
    import websockets
    from sanic import Sanic

    from bot import sanic_compat

    if apply_fix:
        sanic_compat.apply()
    app = Sanic("ws_echo")

    @app.websocket("/ws")
    async def echo(request, ws):  # noqa: ANN001 - Sanic's handler signature
        await ws.send("echo:" + await ws.recv())

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    await server.startup()
    await server.start_serving()
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as client:
            await client.send("hello")
            return await asyncio.wait_for(client.recv(), 5)
    except websockets.ConnectionClosed as closed:
        return f"closed: {closed}"
    finally:
        server.close()
        await server.wait_closed()


if __name__ == "__main__":
    print(asyncio.run(main("--apply-fix" in sys.argv[1:])))
