"""A new conversation starts in the channel's language (issue 6).

Rasa starts every session with ``action_session_start``; Rasa's own version only marks the
start. This one also sets the ``language`` slot from the metadata of the message that
opened the session, which both channels send: LINE its default language (Japanese unless
``LINE_DEFAULT_LANGUAGE`` says otherwise), the web widget the page's language or the one the
visitor chose with the toggle. Without it, a session opened by something the classifier never
reads (a LINE sticker or photo, a button payload) had no language and got the English
response; a typed message still decides for itself (its ``language`` entity is applied after
this action).

Slots are not carried over into a new session (``session_config`` in domain.yml), so nothing
else is set here; a channel that sends no language (the REST channel of the tests) leaves the
slot empty, as before.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.languages import channel_language

# Rasa puts the first message's metadata into this slot before running the action.
SESSION_METADATA_SLOT = "session_started_metadata"


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        language = channel_language(tracker.get_slot(SESSION_METADATA_SLOT))
        if language:
            events.append(SlotSet("language", language))
        # Rasa waits for the user's message after a session start.
        events.append(ActionExecuted("action_listen"))
        return events
