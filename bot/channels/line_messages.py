"""Translating between LINE and Rasa: LINE's events in, LINE's message objects out.

Pure code, no I/O, so every rule is unit-tested (tests/channels/).

**In.** Each webhook event worth answering becomes one message for Rasa
(``to_incoming``): a text as typed; a postback's data (the payload of a quick
reply we sent); ``/greet`` for follow and join; ``/send_media`` for stickers,
photos, video, audio, files and locations (the domain answers these with
``utter_media_not_supported``: every sentence comes from the domain). Unfollow,
leave, unsend, standby-mode and unknown events need no answer. A group or a
room is one conversation; LINE may leave the member's user id out.

**Out.** What Rasa answered becomes LINE messages within LINE's limits
(https://developers.line.biz/en/reference/messaging-api/):

- at most 5 messages per reply or push call (``MAX_MESSAGES_PER_CALL``);
- a text message holds at most 5,000 characters, which LINE counts in UTF-16
  code units (an emoji such as 🍎 counts twice), so we count the same way;
- a quick reply holds at most 13 items, each label at most 20 characters,
  postback ``data`` and ``displayText`` at most 300 (LINE counts these in
  grapheme clusters; Python's code points are never fewer, so we are safe);
- image URLs must be HTTPS and at most 2,000 characters.

Design choices:

- One Rasa response becomes one LINE speech bubble (``ResponseCollector``).
  Rasa's own ``CollectingOutputChannel`` cuts a text at every blank line; on
  LINE that would spend the 5-message reply on paragraphs and push the rest,
  and pushes count against the account's monthly message quota while replies
  are free. Only a text over LINE's limit is split, at paragraph, then line,
  then sentence, then word boundaries, and only as a last resort inside a word.
- Buttons become quick replies on the very last message, the only place LINE
  shows them. They are the buttons of the latest response that had any: that
  is the question the bot asked last. Each is a postback whose ``data`` is the
  button's payload (sent back to Rasa as the user's message) and whose
  ``displayText`` (what appears in the chat as the user's answer) is its title.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text

from linebot.v3.messaging import (
    ImageMessage,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UserSource,
    VideoMessageContent,
)
from rasa.core.channels.channel import CollectingOutputChannel

logger = logging.getLogger(__name__)

CHANNEL_NAME = "line"
#: The language the bot greets in and falls back to when a message's own language is not clear
#: (``LINE_DEFAULT_LANGUAGE``): Japanese, as most of RENGO's LINE users write Japanese (issue 6).
DEFAULT_LANGUAGE = "ja"
LANGUAGES = ("ja", "en")
#: What Rasa receives for events that carry no text: intents of the domain.
GREET_MESSAGE = "/greet"
MEDIA_MESSAGE = "/send_media"
MEDIA_CONTENT = (
    StickerMessageContent,
    ImageMessageContent,
    VideoMessageContent,
    AudioMessageContent,
    FileMessageContent,
    LocationMessageContent,
)
MAX_MESSAGES_PER_CALL = 5
TEXT_MAX_UNITS = 5000
QUICK_REPLY_MAX_ITEMS = 13
LABEL_MAX_CHARS = 20
POSTBACK_DATA_MAX_CHARS = 300
DISPLAY_TEXT_MAX_CHARS = 300
IMAGE_URL_MAX_CHARS = 2000
ELLIPSIS = "…"

# Where a long text may be cut, best first. Each pattern matches the separator
# that stays at the end of the piece before the cut.
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraphs
    re.compile(r"\n\s*"),  # lines
    re.compile(r"[.!?](?:[\"')\]]*)\s+|[。！？]\s*"),  # sentences (English and Japanese)
    re.compile(r"[、，,;；:]\s*|\s+"),  # clauses and words
)


def utf16_length(text: str) -> int:
    """The length LINE checks a text message against: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_MAX_UNITS) -> List[str]:
    """``text`` in pieces of at most ``limit`` UTF-16 units, cut at the best boundary.

    Whitespace at the cuts is dropped; an empty or blank text gives no piece.
    """
    text = text.strip()
    if not text:
        return []
    if utf16_length(text) <= limit:
        return [text]
    pieces = _split(text, limit, 0)
    return [piece.strip() for piece in pieces if piece.strip()]


def _split(text: str, limit: int, level: int) -> List[str]:
    if utf16_length(text) <= limit:
        return [text]
    if level == len(_BOUNDARIES):
        return _hard_cut(text, limit)
    chunks: List[str] = []
    current, current_units = "", 0
    for piece in _pieces(text, _BOUNDARIES[level]):
        units = utf16_length(piece)
        if current_units + units <= limit:
            current, current_units = current + piece, current_units + units
            continue
        if current:
            chunks.append(current)
        if units <= limit:
            current, current_units = piece, units
        else:
            smaller = _split(piece, limit, level + 1)
            chunks.extend(smaller[:-1])
            current, current_units = smaller[-1], utf16_length(smaller[-1])
    if current:
        chunks.append(current)
    return chunks


def _pieces(text: str, boundary: "re.Pattern[str]") -> List[str]:
    """``text`` cut after every match of ``boundary``; the pieces join back to ``text``."""
    pieces, start = [], 0
    for match in boundary.finditer(text):
        if match.end() > start:
            pieces.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _hard_cut(text: str, limit: int) -> List[str]:
    """Cut between code points, so a surrogate pair (an emoji) is never broken."""
    chunks, current, units = [], [], 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > limit:
            chunks.append("".join(current))
            current, units = [], 0
        current.append(char)
        units += width
    if current:
        chunks.append("".join(current))
    return chunks


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut and ended with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def quick_reply(buttons: Iterable[Dict[str, Any]]) -> Optional[QuickReply]:
    """Rasa buttons as a LINE quick reply, or ``None`` if none can be one.

    A button whose payload is missing or longer than a postback may carry is
    left out (cutting a payload would send Rasa a different message); so are
    repeated payloads, and everything after the 13th item.
    """
    items: List[QuickReplyItem] = []
    seen = set()
    for button in buttons:
        payload = str(button.get("payload") or "").strip()
        title = " ".join(str(button.get("title") or "").split()) or payload
        if not payload or len(payload) > POSTBACK_DATA_MAX_CHARS or payload in seen:
            logger.debug("LINE: a button cannot become a quick reply (payload empty, long or repeated)")
            continue
        seen.add(payload)
        action = PostbackAction(
            label=shorten(title, LABEL_MAX_CHARS),
            data=payload,
            display_text=shorten(title, DISPLAY_TEXT_MAX_CHARS),
        )
        items.append(QuickReplyItem(action=action))
        if len(items) == QUICK_REPLY_MAX_ITEMS:
            break
    return QuickReply(items=items) if items else None


def image_messages(url: str) -> List[Message]:
    """An image message, or the URL as text where LINE would refuse the image (not HTTPS, too long)."""
    url = url.strip()
    if url.lower().startswith("https://") and len(url) <= IMAGE_URL_MAX_CHARS:
        return [ImageMessage(original_content_url=url, preview_image_url=url)]
    return [TextMessage(text=piece) for piece in split_text(url)]


def to_line_messages(responses: Sequence[Dict[str, Any]]) -> List[Message]:
    """The LINE messages for what Rasa answered to one user message, in order.

    ``responses`` are the dicts a ``CollectingOutputChannel`` collects
    (``text``, ``image``, ``buttons``, ``attachment``, ``custom``). Custom
    payloads are Rasa-channel specific and left out.
    """
    messages: List[Message] = []
    buttons: Optional[List[Dict[str, Any]]] = None
    for response in responses:
        for key in ("text", "attachment"):
            value = response.get(key)
            if isinstance(value, str):
                messages.extend(TextMessage(text=piece) for piece in split_text(value))
        image = response.get("image")
        if isinstance(image, str):
            messages.extend(image_messages(image))
        if response.get("buttons"):
            buttons = list(response["buttons"])
        if response.get("custom") is not None:
            logger.debug("LINE: a custom response was left out (not a LINE message)")
    if buttons and messages:
        messages[-1].quick_reply = quick_reply(buttons)
    return messages


def batches(messages: Sequence[Message], size: int = MAX_MESSAGES_PER_CALL) -> List[List[Message]]:
    """``messages`` in consecutive groups of at most ``size``, as one API call may send."""
    return [list(messages[start : start + size]) for start in range(0, len(messages), size)]


# --- LINE events → messages for Rasa ------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One LINE event as a message for Rasa. ``text`` may be what a worker wrote: never log it."""

    event_id: str
    kind: str
    conversation_id: str = field(repr=False)
    text: str = field(repr=False)
    reply_token: Optional[str] = field(repr=False)
    metadata: Dict[str, Any] = field(repr=False)


def parse_event(raw: Any) -> Optional[Event]:
    """The SDK's model of one raw event, or ``None`` for an event type or shape it does not know."""
    try:
        return Event.from_dict(raw)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def greet_message(language: str = DEFAULT_LANGUAGE) -> str:
    """``/greet`` with the greeting's language, so a new friend is greeted in it."""
    return f'{GREET_MESSAGE}{{"language": "{language}"}}' if language in LANGUAGES else GREET_MESSAGE


def to_incoming(event: Event, language: str = DEFAULT_LANGUAGE) -> Optional[Incoming]:
    """The message Rasa should get for ``event``, or ``None`` if the event needs no answer.

    ``language`` greets a follow or join in that language and is the message's
    ``metadata.language``: the bot uses it when a message's own language is not clear.
    """
    if event.mode is not None and getattr(event.mode, "value", event.mode) != "active":
        return None  # standby: another channel (a module) answers this chat
    source = event.source
    user_id = getattr(source, "user_id", None)
    if isinstance(source, GroupSource):
        conversation_id, source_type = source.group_id, "group"
    elif isinstance(source, RoomSource):
        conversation_id, source_type = source.room_id, "room"
    elif isinstance(source, UserSource):
        conversation_id, source_type = user_id, "user"
    else:
        return None
    if not conversation_id:
        return None
    message_type = None
    if isinstance(event, MessageEvent):
        content = event.message
        message_type = getattr(content, "type", None)
        if isinstance(content, TextMessageContent):
            text = content.text or ""
        elif isinstance(content, MEDIA_CONTENT):
            text = MEDIA_MESSAGE
        else:
            return None
    elif isinstance(event, PostbackEvent):
        text = (event.postback.data or "") if event.postback else ""
    elif isinstance(event, (FollowEvent, JoinEvent)):
        text = greet_message(language)
    else:
        return None
    if not text.strip():
        return None
    line: Dict[str, Any] = {
        "event_type": event.type,
        "source_type": source_type,
        "webhook_event_id": event.webhook_event_id,
        "redelivery": bool(event.delivery_context and event.delivery_context.is_redelivery),
        "timestamp": event.timestamp,
    }
    if message_type:
        line["message_type"] = message_type
    if user_id:
        line["user_id"] = user_id
    return Incoming(
        event_id=event.webhook_event_id,
        kind=event.type or "",
        conversation_id=conversation_id,
        text=text,
        reply_token=getattr(event, "reply_token", None),
        metadata={"line": line, "language": language},
    )


class ResponseCollector(CollectingOutputChannel):
    """Collects Rasa's answer to one message, one entry per response.

    Unlike its parent it keeps a text whole instead of cutting it at blank
    lines (see bot/channels/line_messages.py for why), and it is named "line",
    so the domain may give LINE its own variation of a response (``channel: line``).
    """

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))
