"""Conversations written by Rasa's own SQLTrackerStore, for the indexer and retention tests.

Rasa's store and Rasa's event classes write the rows, so the console is
tested against exactly what the running bot stores (on SQLite or PostgreSQL).
"""
from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
#: 2025-03-01 00:00:00 UTC
T0 = 1740787200.0


@lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(str(REPO / "domain.yml"))


class RasaTracker:
    """Rasa's SQL tracker store at a SQLAlchemy URL, driven synchronously."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            self.store = SQLTrackerStore(domain(), dialect="sqlite", db=parsed.database)
        else:
            self.store = SQLTrackerStore(
                domain(), dialect="postgresql", host=parsed.host, port=parsed.port,
                db=parsed.database, username=parsed.username, password=parsed.password,
            )

    def save(self, sender_id: str, events: Sequence[Event]) -> None:
        """A new conversation."""
        asyncio.run(self.store.save(DialogueStateTracker.from_events(sender_id, list(events))))

    def append(self, sender_id: str, events: Sequence[Event]) -> None:
        """More events in an existing conversation, as the bot adds them turn by turn."""
        async def run() -> None:
            tracker = await self.store.retrieve(sender_id)
            assert tracker is not None
            for event in events:
                tracker.update(event)
            await self.store.save(tracker)

        asyncio.run(run())

    def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The whole conversation, every session (None when Rasa finds no events)."""
        return asyncio.run(self.store.retrieve_full_tracker(sender_id))

    def retrieve_latest(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session, as the bot loads it for the next message."""
        return asyncio.run(self.store.retrieve(sender_id))

    def dispose(self) -> None:
        self.store.engine.dispose()


def user(text: str, intent: str, confidence: float, at: float, channel: str = "socketio",
         entities: Sequence[Dict[str, Any]] = ()) -> UserUttered:
    """The worker's message as Rasa parses it. For ``nlu_fallback`` the ranking has the shape
    Rasa's FallbackClassifier gives it: its threshold on top, the classifier's guess
    (``confidence``) below."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "out_of_scope", "confidence": 1 - confidence}]
    if intent == "nlu_fallback":
        ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_mascot", "confidence": confidence},
                   {"name": "out_of_scope", "confidence": confidence / 2}]
    parse = {"text": text, "intent": dict(ranking[0]), "entities": list(entities), "intent_ranking": ranking}
    return UserUttered(text, parse["intent"], list(entities), parse, timestamp=at, input_channel=channel)


def bot(text: str, response: Optional[str], at: float) -> BotUttered:
    return BotUttered(text, metadata={"utter_action": response} if response else {}, timestamp=at)


def action(name: str, at: float, policy: Optional[str] = "policy_1_RulePolicy") -> ActionExecuted:
    """An action the bot ran; ``policy=None`` for those Rasa runs itself (session start, listen)."""
    return ActionExecuted(name, policy=policy, confidence=1.0 if policy else None, timestamp=at)


def slot(name: str, value: Any, at: float) -> SlotSet:
    return SlotSet(name, value, timestamp=at)


def loop(name: Optional[str], at: float) -> ActiveLoop:
    return ActiveLoop(name, timestamp=at)


def session(at: float) -> List[Event]:
    """A new session as Rasa starts it, with no policy behind its actions."""
    return [action("action_session_start", at, policy=None), SessionStarted(timestamp=at),
            action("action_listen", at, policy=None)]


def exchange(text: str, intent: str, at: float, *, confidence: float = 0.95, response: Optional[str] = None,
             act: Optional[str] = None, channel: str = "socketio") -> List[Event]:
    """One turn: the worker's message, the action, the bot's reply, back to listening."""
    return [
        user(text, intent, confidence, at, channel),
        action(act or response or "action_answer", at + 1),
        bot("(reply)", response, at + 1),
        action("action_listen", at + 2),
    ]
