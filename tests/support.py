"""Helpers shared by tests: trackers as the Rasa server sends them to actions."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker


def make_tracker(
    text: str,
    intent: str,
    entities: Optional[Dict[str, Any]] = None,
    slots: Optional[Dict[str, Any]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    confidence: float = 0.9,
    active_loop: Optional[str] = None,
    channel: Optional[str] = None,
) -> Tracker:
    """The tracker an action receives after ``text``; ``active_loop`` names a running form,
    ``channel`` the input channel the message came through."""
    entity_list = []
    for name, values in (entities or {}).items():
        for value in values if isinstance(values, list) else [values]:
            entity_list.append({"entity": name, "value": value, "extractor": "test"})
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entity_list,
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
    }
    return Tracker(
        sender_id="test",
        slots=dict(slots or {}),
        latest_message=message,
        events=[{"event": "user", "text": text, "input_channel": channel}] if channel else [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )
