"""bot.sanic_compat: websockets on Sanic 21.12 under Python 3.11, on a real server."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import sanic_compat

ECHO = Path(__file__).with_name("sanic_ws_echo.py")


def echo(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ECHO), *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_with_the_fix_a_websocket_message_round_trips():
    assert echo("--apply-fix") == "echo:hello"


@pytest.mark.skipif(not sanic_compat.needed(), reason="this stack has no websocket bug to fix")
def test_without_the_fix_this_stack_drops_every_websocket():
    # Proves the fix is still needed: when Rasa moves to a Sanic that works on
    # this Python, this test is skipped and bot/sanic_compat.py can go.
    assert echo().startswith("closed:")


def test_needed_only_on_python_311_with_sanic_before_22():
    assert sanic_compat.needed((3, 11), "21.12.2")
    assert sanic_compat.needed((3, 12), "21.12.2")
    assert not sanic_compat.needed((3, 10), "21.12.2")
    assert not sanic_compat.needed((3, 11), "22.6.0")


def test_apply_is_idempotent_and_keeps_the_original_behind_it():
    from sanic.server.websockets.frame import WebsocketFrameAssembler

    if not sanic_compat.needed():
        assert sanic_compat.apply() is False
        return
    assert sanic_compat.apply() is True
    patched = WebsocketFrameAssembler.get
    assert sanic_compat.apply() is True
    assert WebsocketFrameAssembler.get is patched
    assert patched.__wrapped__.__qualname__ == "WebsocketFrameAssembler.get"
