"""Conversations written into a real Rasa SQL tracker store, for the console's tests.

Rasa's own ``SQLTrackerStore`` writes them, with Rasa's own event classes, so
the console reads exactly what the running bot stores.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from rasa.shared.core.events import ActiveLoop, Event, SlotSet

from tracker_writer import RasaTracker, action, bot, session, user

#: 2026-11-20 09:00:00 UTC
BASE = 1795165200.0
MOBILE = "080-2468-1357"
EMAIL = "tanaka.hanako@example.com"


class Clock:
    def __init__(self, start: float) -> None:
        self.t = start

    def __call__(self, step: float = 5.0) -> float:
        self.t += step
        return self.t


def turn(clock: Clock, text: str, intent: str, confidence: float, act: str, reply: str, response: Optional[str],
         channel: str = "socketio") -> List[Event]:
    return [
        user(text, intent, confidence, clock(), channel),
        action(act, clock(1)),
        bot(reply, response, clock(1)),
        action("action_listen", clock(1)),
    ]


def sample_conversations(day_offset: float = 0.0) -> Dict[str, List[Event]]:
    """Five conversations a reviewer would meet: answered, failed, consultation, urgent, Japanese."""
    out: Dict[str, List[Event]] = {}
    c = Clock(BASE + day_offset)
    out["conv-answered"] = session(c(0)) + turn(
        c, "Who is the president of RENGO?", "ask_leadership", 0.97, "action_answer_leadership",
        "The President of RENGO is Tomoko Yoshino.", None)
    c = Clock(BASE + day_offset + 3600)
    out["conv-failed"] = session(c(0)) + turn(
        c, "what is the mascot's favourite food", "nlu_fallback", 0.31, "action_handle_unclear",
        "Sorry, I did not understand that.", "utter_default")
    c = Clock(BASE + day_offset + 7200)
    out["conv-consult"] = session(c(0)) + [
        user(f"I want to talk to someone. My number is {MOBILE}", "request_consultation", 0.91, c(), "line"),
        action("consultation_form", c(1)),
        ActiveLoop("consultation_form", timestamp=c(0)),
        SlotSet("consult_topic", "unpaid_wages", timestamp=c(0)),
        bot("How can a counsellor reach you?", "utter_ask_consult_contact_method", c(1)),
        action("action_listen", c(1)),
        user(EMAIL, "inform", 0.62, c(), "line"),
        SlotSet("consult_contact_value", EMAIL, timestamp=c(1)),
        SlotSet("consultation_reference", "RG-7K3M-Q9XD", timestamp=c(1)),
        ActiveLoop(None, timestamp=c(1)),
        bot(f"Thank you. A counsellor will contact you at {EMAIL}. Your reference is RG-7K3M-Q9XD.", "utter_consultation_stored", c(1)),
        action("action_listen", c(1)),
    ]
    c = Clock(BASE + day_offset + 10800)
    out["conv-urgent"] = session(c(0)) + [
        user("my boss hit me and I am scared", "report_urgent", 0.99, c()),
        action("action_respond_urgent", c(1)),
        SlotSet("urgent_flag", True, timestamp=c(0)),
        bot("If you are in danger now, call 110.", "utter_urgent_danger", c(1)),
        action("action_listen", c(1)),
    ]
    c = Clock(BASE + day_offset + 14400)
    out["conv-japanese"] = session(c(0)) + turn(
        c, "残業代が払われないのですが、どうすればいいですか", "problem_unpaid_wages", 0.42, "action_give_guidance",
        "Unpaid overtime: general information.", None, channel="line")
    return out


def write(url: str, conversations: Dict[str, List[Event]]) -> None:
    """Save each conversation through Rasa's SQL tracker store at ``url``."""
    store = RasaTracker(url)
    for sender_id, events in conversations.items():
        store.save(sender_id, events)
    store.dispose()
