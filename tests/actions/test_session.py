"""A new session takes the reply language from the channel's metadata (actions/session.py)."""
import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from tests.support import make_tracker


def start(metadata) -> list:
    tracker = make_tracker("", "session_start", slots={"session_started_metadata": metadata})
    return asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker, {}))


def test_the_channels_language_is_the_sessions_first_language():
    events = start({"line": {"event_type": "message"}, "language": "ja"})
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]
    assert (events[1]["name"], events[1]["value"]) == ("language", "ja")
    assert events[2]["name"] == "action_listen"  # Rasa then waits for the message


def test_without_a_known_language_the_slot_stays_empty():
    for metadata in (None, {}, {"language": "fr"}, {"language": None}, "ja"):
        assert [e["event"] for e in start(metadata)] == ["session_started", "action"], metadata


def test_a_page_language_with_a_region_still_names_the_language():
    events = start({"language": "ja-JP"})
    assert ("language", "ja") in [(e.get("name"), e.get("value")) for e in events if e["event"] == "slot"]
