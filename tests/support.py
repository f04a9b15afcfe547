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
) -> Tracker:
    entity_list = []
    for name, values in (entities or {}).items():
        for value in values if isinstance(values, list) else [values]:
            entity_list.append({"entity": name, "value": value, "extractor": "test"})
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entity_list,
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
    }
    return Tracker(
        sender_id="test",
        slots=dict(slots or {}),
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
