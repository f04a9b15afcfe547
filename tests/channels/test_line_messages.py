"""What a worker sees on LINE for what Rasa answered: whole, in order, within LINE's limits."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from bot.channels.line_messages import ResponseCollector
from bot.channels.line_messages import (
    ELLIPSIS,
    batches,
    split_text,
    to_line_messages,
    utf16_length,
)
from tests.e2e.line_standin import validate_messages


def as_json(responses: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [message.to_dict() for message in to_line_messages(responses)]


def words(text: str) -> List[str]:
    return text.split()


def test_a_short_answer_is_one_text_message_as_written() -> None:
    text = "RENGO was formed in November 1989.\n\nIt has 7 million members."
    assert as_json([{"text": text}]) == [{"type": "text", "text": text}]


def test_paragraphs_of_one_response_stay_in_one_speech_bubble() -> None:
    collector = ResponseCollector()
    asyncio.run(collector.send_response("U1", {"text": "First paragraph.\n\nSecond paragraph."}))
    asyncio.run(collector.send_response("U1", {"text": "Another response."}))
    assert [m["text"] for m in as_json(collector.messages)] == [
        "First paragraph.\n\nSecond paragraph.",
        "Another response.",
    ]


def test_a_long_text_is_split_at_paragraphs_within_the_limit_and_loses_nothing() -> None:
    paragraphs = [f"Paragraph {n}. " + "Workers have rights. " * 60 for n in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    assert len(paragraphs[0]) == 1273 and len(text) > 15000

    pieces = split_text(text)

    assert len(pieces) == 4  # three whole paragraphs fit in 5,000 characters, four do not
    assert all(utf16_length(p) <= 5000 for p in pieces)
    # every cut is at a paragraph boundary: each piece starts a paragraph and ends one
    assert all(p.startswith("Paragraph ") and p.endswith("rights.") for p in pieces)
    assert words(" ".join(pieces)) == words(text)


def test_a_long_paragraph_is_cut_after_sentences_english_and_japanese() -> None:
    english = " ".join(f"Sentence number {n} is about overtime pay." for n in range(200))
    japanese = "".join(f"残業代が支払われていません{n}。" for n in range(400))
    for text in (english, japanese):
        pieces = split_text(text)
        assert len(pieces) >= 2
        assert all(utf16_length(p) <= 5000 for p in pieces)
        assert all(p.endswith((".", "。")) for p in pieces)
        assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_a_text_without_any_boundary_is_still_cut_to_the_limit() -> None:
    text = "x" * 12001
    pieces = split_text(text)
    assert [len(p) for p in pieces] == [5000, 5000, 2001]


def test_emoji_count_twice_and_are_never_cut_in_half() -> None:
    text = "🍎" * 2600  # 2,600 characters, 5,200 UTF-16 units: too long for LINE
    pieces = split_text(text)
    assert [utf16_length(p) for p in pieces] == [5000, 200]
    assert "".join(pieces) == text


def test_blank_texts_send_nothing() -> None:
    assert as_json([{"text": "  \n\n "}]) == []


def test_buttons_become_quick_replies_on_the_last_message_only() -> None:
    messages = as_json([
        {"text": "Here is the guidance."},
        {
            "text": "Would you like to talk to a person?",
            "buttons": [
                {"title": "Yes, I want to talk to someone at a union", "payload": "/request_consultation"},
                {"title": "No thanks", "payload": "/deny"},
            ],
        },
    ])

    assert "quickReply" not in messages[0]
    items = messages[-1]["quickReply"]["items"]
    assert [item["action"] for item in items] == [
        {
            "type": "postback",
            "label": "Yes, I want to talk" + ELLIPSIS,
            "data": "/request_consultation",
            "displayText": "Yes, I want to talk to someone at a union",
        },
        {"type": "postback", "label": "No thanks", "data": "/deny", "displayText": "No thanks"},
    ]
    assert all(len(item["action"]["label"]) <= 20 for item in items)


def test_quick_replies_follow_the_latest_question_even_after_a_later_text() -> None:
    messages = as_json([
        {"text": "Old question?", "buttons": [{"title": "Old", "payload": "/old"}]},
        {"text": "New question?", "buttons": [{"title": "New", "payload": "/new"}]},
        {"text": "A note after the question."},
    ])
    assert [m.get("quickReply") is not None for m in messages] == [False, False, True]
    assert [i["action"]["data"] for i in messages[-1]["quickReply"]["items"]] == ["/new"]


def test_at_most_13_quick_replies_and_none_that_would_send_rasa_something_else() -> None:
    buttons = [{"title": f"Topic {n}", "payload": f"/topic_{n}"} for n in range(20)]
    buttons.insert(0, {"title": "Way too long", "payload": "/" + "x" * 300})
    buttons.insert(1, {"title": "Duplicate", "payload": "/topic_0"})
    buttons.insert(2, {"title": "No payload"})

    items = as_json([{"text": "Which topic?", "buttons": buttons}])[0]["quickReply"]["items"]

    assert len(items) == 13
    assert [i["action"]["data"] for i in items] == [f"/topic_{n}" for n in range(13)]


def test_images_are_image_messages_when_line_accepts_the_url_else_the_url_as_text() -> None:
    messages = as_json([
        {"image": "https://www.jtuc-rengo.or.jp/img/yuru.png"},
        {"image": "http://example.org/plain-http.png"},
    ])
    assert messages == [
        {
            "type": "image",
            "originalContentUrl": "https://www.jtuc-rengo.or.jp/img/yuru.png",
            "previewImageUrl": "https://www.jtuc-rengo.or.jp/img/yuru.png",
        },
        {"type": "text", "text": "http://example.org/plain-http.png"},
    ]


def test_batches_of_five_in_order() -> None:
    messages = to_line_messages([{"text": f"message {n}"} for n in range(12)])
    groups = batches(messages)
    assert [len(g) for g in groups] == [5, 5, 2]
    assert [m.text for g in groups for m in g] == [f"message {n}" for n in range(12)]


def test_every_call_the_bot_would_make_passes_lines_validation() -> None:
    long_text = "\n\n".join("A paragraph about the 47 prefectural locals. " * 30 for _ in range(10))
    buttons = [{"title": f"A rather long button title number {n}", "payload": f"/b{n}"} for n in range(16)]
    messages = to_line_messages([
        {"text": long_text},
        {"text": "🍎" * 2600},
        {"image": "https://example.org/a.png"},
        {"text": "Pick one", "buttons": buttons},
    ])
    assert len(messages) > 5
    for batch in batches(messages):
        assert validate_messages([m.to_dict() for m in batch]) == []
