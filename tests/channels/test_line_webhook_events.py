"""What the LINE channel makes of a webhook: who signed it, what Rasa hears, where the answer goes."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from typing import Any, Dict, Optional

import pytest

from bot.channels.line import LineSettings, signature_is_valid
from bot.channels.line_messages import parse_event, to_incoming

SECRET = "0123456789abcdef0123456789abcdef"
BODY = '{"destination":"Ubot","events":[]}'.encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event(kind: str, source: Optional[Dict[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    raw = {
        "type": kind,
        "mode": "active",
        "timestamp": 1764140000000,
        "webhookEventId": "01JDXYZ0000000000000000001",
        "deliveryContext": {"isRedelivery": False},
        "source": source or {"type": "user", "userId": "U4af4980629aaaabbbbccccddddeeeeff"},
        "replyToken": "reply-token-1",
    }
    raw.update(fields)
    return raw


def incoming(raw: Dict[str, Any]):
    parsed = parse_event(raw)
    return to_incoming(parsed) if parsed is not None else None


def test_only_lines_signature_over_the_exact_body_is_accepted() -> None:
    assert signature_is_valid(SECRET, BODY, sign(BODY))
    assert not signature_is_valid(SECRET, BODY, None)
    assert not signature_is_valid(SECRET, BODY, "")
    assert not signature_is_valid(SECRET, BODY, sign(BODY, secret="another-channel-secret"))
    assert not signature_is_valid(SECRET, BODY + b" ", sign(BODY))
    assert not signature_is_valid(SECRET, BODY, sign(BODY) + "é")  # odd header bytes: refused, no error
    assert not signature_is_valid("", BODY, sign(BODY, secret=""))  # no secret configured: nothing passes


def test_a_text_message_goes_to_rasa_as_typed_with_metadata_but_no_text() -> None:
    item = incoming(event("message", message={"type": "text", "id": "1", "text": "残業代が出ません", "quoteToken": "q"}))
    assert item.text == "残業代が出ません"
    assert item.conversation_id == "U4af4980629aaaabbbbccccddddeeeeff"
    assert item.reply_token == "reply-token-1"
    assert item.metadata == {
        "line": {
            "event_type": "message",
            "message_type": "text",
            "source_type": "user",
            "user_id": "U4af4980629aaaabbbbccccddddeeeeff",
            "webhook_event_id": "01JDXYZ0000000000000000001",
            "redelivery": False,
            "timestamp": 1764140000000,
        },
        "language": "ja",
    }
    assert "残業代" not in repr(item)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "sticker", "id": "1", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC", "quoteToken": "q"},
        {"type": "image", "id": "2", "contentProvider": {"type": "line"}, "quoteToken": "q"},
        {"type": "video", "id": "3", "duration": 1000, "contentProvider": {"type": "line"}, "quoteToken": "q"},
        {"type": "audio", "id": "4", "duration": 1000, "contentProvider": {"type": "line"}},
        {"type": "file", "id": "5", "fileName": "payslip.pdf", "fileSize": 2048},
        {"type": "location", "id": "6", "latitude": 35.68, "longitude": 139.76},
    ],
)
def test_stickers_photos_files_and_places_ask_rasa_for_the_media_answer(message: Dict[str, Any]) -> None:
    assert incoming(event("message", message=message)).text == "/send_media"


def test_following_or_joining_a_group_greets() -> None:
    assert incoming(event("follow")).text == '/greet{"language": "ja"}'  # LINE greets in Japanese
    joined = incoming(event("join", source={"type": "group", "groupId": "Cgroup0123456789"}))
    assert (joined.text, joined.conversation_id) == ('/greet{"language": "ja"}', "Cgroup0123456789")


def test_a_quick_reply_tap_sends_its_payload_to_rasa() -> None:
    item = incoming(event("postback", postback={"data": "/ask_consultation_routes"}))
    assert item.text == "/ask_consultation_routes"


def test_groups_and_rooms_are_one_conversation_each_even_without_a_user_id() -> None:
    text = {"type": "text", "id": "1", "text": "hello", "quoteToken": "q"}
    group = incoming(event("message", source={"type": "group", "groupId": "Cgroup1", "userId": "Uspeaker"}, message=text))
    room = incoming(event("message", source={"type": "room", "roomId": "Rroom1"}, message=text))
    assert (group.conversation_id, group.metadata["line"]["source_type"], group.metadata["line"]["user_id"]) == (
        "Cgroup1", "group", "Uspeaker",
    )
    assert (room.conversation_id, room.metadata["line"]["source_type"]) == ("Rroom1", "room")
    assert "user_id" not in room.metadata["line"]


@pytest.mark.parametrize(
    "raw",
    [
        event("unfollow"),
        event("leave", source={"type": "group", "groupId": "Cgroup1"}),
        event("unsend", unsend={"messageId": "1"}),
        event("memberJoined", source={"type": "group", "groupId": "Cgroup1"}, joined={"members": []}),
        event("message", mode="standby", message={"type": "text", "id": "1", "text": "hi", "quoteToken": "q"}),
        event("postback", postback={"data": ""}),
        event("somethingLineAddsNextYear"),
        {"type": "message"},  # broken: no id, no source
        "not an event",
    ],
)
def test_events_that_need_no_answer_are_ignored_without_error(raw: Any) -> None:
    assert incoming(raw) is None


def test_settings_come_from_the_environment_with_safe_defaults() -> None:
    bare = LineSettings.from_env({})
    assert not bare.configured
    assert bare.api_base_url == "https://api.line.me"
    assert bare.event_store_url.startswith("sqlite:///") and bare.event_store_url.endswith("build/line-events.sqlite3")

    settings = LineSettings.from_env({
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": "token",
        "LINE_API_BASE_URL": "http://127.0.0.1:9999/",
        "LINE_EVENT_STORE_URL": "postgresql://rengo@db/rengo",
        "LINE_API_ATTEMPTS": "2",
        "LINE_API_RETRY_DELAY_SECONDS": "0.05",
        "LINE_EVENT_RETENTION_DAYS": "not a number",
    })
    assert settings.configured
    assert settings.api_base_url == "http://127.0.0.1:9999"
    assert settings.event_store_url == "postgresql://rengo@db/rengo"
    assert (settings.api_attempts, settings.retry_delay) == (2, 0.05)
    assert settings.retention == timedelta(days=7)
    assert SECRET not in repr(settings) and "token" not in repr(settings)


def test_greeting_and_messages_carry_the_channel_language():
    parsed = parse_event(event("follow"))
    assert to_incoming(parsed, "en").text == '/greet{"language": "en"}'
    text = parse_event(event("message", message={"type": "text", "id": "1", "text": "JAM", "quoteToken": "q"}))
    assert to_incoming(text).metadata["language"] == "ja"
    assert to_incoming(text, "en").metadata["language"] == "en"


def test_default_language_comes_from_the_environment(caplog):
    from bot.channels.line import LineSettings

    assert LineSettings.from_env({}).language == "ja"
    assert LineSettings.from_env({"LINE_DEFAULT_LANGUAGE": " EN "}).language == "en"
    assert LineSettings.from_env({"LINE_DEFAULT_LANGUAGE": "fr"}).language == "ja"
    assert "LINE_DEFAULT_LANGUAGE" in caplog.text
