"""Make Sanic 21.12's websockets work on Python 3.11.

Rasa 3.6 pins Sanic 21.12. Its ``WebsocketImplProtocol.recv`` and
``recv_burst`` hand a bare coroutine, ``self.assembler.get(...)``, to
``asyncio.wait``; Python 3.11 refuses that (``TypeError: Passing coroutines is
forbidden, use tasks explicitly``), so every websocket connection dies on its
first read. For the socket.io channel that means the ``websocket`` transport
never works: clients stay on long-polling, and clients that insist on
websockets (botfront's rasa-webchat among them) never become ready.

Later Sanic releases wrap that coroutine in a task. We do the same without
editing installed files: :func:`apply` replaces ``WebsocketFrameAssembler.get``
with a function that returns a task, which ``asyncio.wait`` accepts and which
can be awaited exactly like the coroutine it wraps (those two calls in
``impl.py`` are its only callers). It is applied when our socket.io channel
builds its routes (:mod:`bot.channels.socketio`), i.e. at server start-up, and
only where it is needed: Python 3.11 or later with a Sanic older than 22.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import sys
from typing import Any, Optional

logger = logging.getLogger(__name__)

_PATCHED = "_rengo_returns_task"


def needed(python: tuple = sys.version_info[:2], sanic_version: Optional[str] = None) -> bool:
    """True where Sanic's websocket reads break: Python >= 3.11 with Sanic < 22."""
    if sanic_version is None:
        import sanic

        sanic_version = sanic.__version__
    major = int(sanic_version.split(".")[0])
    return tuple(python) >= (3, 11) and major < 22


def apply() -> bool:
    """Patch the websocket frame assembler once; return True if it is patched now."""
    if not needed():
        return False
    from sanic.server.websockets.frame import WebsocketFrameAssembler

    original = WebsocketFrameAssembler.get
    if getattr(original, _PATCHED, False):
        return True

    @functools.wraps(original)
    def get(self: Any, timeout: Optional[float] = None) -> "asyncio.Task[Any]":
        return asyncio.ensure_future(original(self, timeout))

    setattr(get, _PATCHED, True)
    WebsocketFrameAssembler.get = get  # type: ignore[assignment]
    logger.debug("Sanic websocket fix applied (Python 3.11, Sanic < 22)")
    return True
