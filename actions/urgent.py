"""The reply to a worker in danger: emergency numbers and people to talk to, first."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk.events import SlotSet

from actions.base import KnowledgeAction
from actions.context import Turn
from actions.formatting import bullets
from knowledge.records import UrgentResource

logger = logging.getLogger(__name__)


def _line(resource: UrgentResource, language: str = "en") -> str:
    reach = " ".join(p for p in (resource.phone, resource.url) if p)
    if language == "ja":
        return f"{resource.name_ja}：{reach}（{resource.what_ja}）"
    return f"{resource.name}: {reach} ({resource.what})"


class ActionRespondUrgent(KnowledgeAction):
    """Runs whenever the NLU marked a message as urgent (bot.nlu.urgent_intent)."""

    action_name = "action_respond_urgent"
    handles = None

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        resources = turn.kb.urgent_resources()
        turn.say(
            "utter_urgent",
            emergency=bullets(_line(r, turn.lang) for r in resources if r.kind == "emergency"),
            support=bullets(_line(r, turn.lang) for r in resources if r.kind != "emergency"),
        )
        # Staff need to find this conversation; the message text stays out of the log.
        logger.warning("urgent situation flagged in conversation %s", turn.tracker.sender_id)
        return [SlotSet("urgent_flag", True), SlotSet("last_subject", None)]
