"""Rasa's socket.io channel, with websockets that work on Python 3.11.

Registered in credentials.yml as ``bot.channels.socketio.SocketIOInput`` with
the same parameters as Rasa's built-in ``socketio`` channel (event names
``user_uttered``/``bot_uttered``, session persistence). The only difference:
building its routes applies :mod:`bot.sanic_compat`, so that any standard
socket.io client, our web widget included, can upgrade to the websocket
transport instead of staying on long-polling.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

from bot import sanic_compat


class SocketIOInput(RasaSocketIOInput):
    @classmethod
    def name(cls) -> Text:
        # The conversations keep Rasa's channel name, so logs and the staff
        # console see "socketio" whichever class served them.
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sanic_compat.apply()
        return super().blueprint(on_new_message)
