"""Urgent messages become report_urgent whatever the classifier predicted."""
from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.urgent_intent import URGENT_INTENT, UrgentIntentOverride


def classified(text: str, intent: str = "ask_history") -> Message:
    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.93},
            "intent_ranking": [{"name": intent, "confidence": 0.93}],
            "entities": [],
        }
    )


def test_an_urgent_message_overrides_the_intent():
    message = classified("i want to die, my boss humiliates me every day")
    UrgentIntentOverride().process([message])
    assert message.get("intent") == {"name": URGENT_INTENT, "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == URGENT_INTENT
    assert message.get("intent_ranking")[1]["name"] == "ask_history"
    assert [e["entity"] for e in message.get("entities")] == ["urgent_kind"]
    assert message.get("entities")[0]["value"] == "suicide"


def test_an_ordinary_complaint_keeps_its_intent():
    message = classified("this overtime is killing me", "ask_consultation_routes")
    UrgentIntentOverride().process([message])
    assert message.get("intent")["name"] == "ask_consultation_routes"
    assert message.get("entities") == []
