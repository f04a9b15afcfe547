"""The LINE channel end to end: the real bot (scripts/run_servers.sh) answering signed
webhooks through the LINE stand-in (tests/e2e/line_standin.py), which records every
API call the bot makes. Each test speaks as its own LINE user, group or room.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict

from bot.channels.line_events import LineEventStore
from knowledge.queries import KnowledgeBase
from tests.e2e.line.line_webhook import (
    VALID,
    LineWebhook,
    calls_about,
    eventually,
    pushes_to,
    reply_to,
    settle,
)
from tests.e2e.line_standin import PUSH_PATH, REPLY_PATH, LineStandIn, accepted, pushes, replies
from tests.e2e.servers import BotServers

SEVEN_PRINCIPLES = "principle 1, principle 2, principle 3, principle 4, principle 5, principle 6, principle 7"


def quick_replies(message: Dict[str, Any]) -> list:
    return [item["action"] for item in (message.get("quickReply") or {}).get("items", [])]


def test_a_question_is_answered_in_one_reply_with_the_bots_own_words(line: LineWebhook, api: LineStandIn) -> None:
    worker = line.user()
    question = line.text("who is the president of rengo?", worker)

    posted = line.post([question])

    assert (posted.status, posted.body) == (200, {"status": "ok"})
    reply = reply_to(api, question)
    assert 1 <= len(reply.messages) <= 5
    assert any("Tomoko YOSHINO" in text for text in reply.texts)
    assert reply.headers["authorization"] == f"Bearer {api.access_token}"
    settle(line, api, worker)
    assert calls_about(api.calls, question, to=worker["userId"]) == [reply]  # one call, no push


def test_the_webhook_is_acknowledged_at_once_even_when_line_is_slow(line: LineWebhook, api: LineStandIn) -> None:
    api.set_delay(3.0)
    question = line.text("when was rengo founded?", line.user())

    posted = line.post([question])

    assert posted.status == 200 and posted.seconds < 1.0
    reply = reply_to(api, question)
    assert any("1989" in text for text in reply.texts)


def test_webhooks_not_signed_by_line_are_refused_and_nothing_is_sent(line: LineWebhook, api: LineStandIn) -> None:
    worker = line.user()
    forged = [line.text("what is rengo?", worker) for _ in range(3)]
    body = json.dumps({"destination": "Ubot0000", "events": [forged[2]]}).encode()

    assert line.post([forged[0]], signature=None).status == 401
    assert line.post([forged[1]], signature=line.sign(b"another body")).status == 401
    assert line.post([], body=body, signature=line.sign(body, secret="not-the-channel-secret")).status == 401
    tampered = body.replace(b"what is rengo?", b"what is jtuc?")
    assert line.post([], body=tampered, signature=line.sign(body)).status == 401

    # signed but broken: 400; LINE's "Verify" button (no events): 200
    assert line.post([], body=b'{"events": [', signature=VALID).status == 400
    assert line.post([]).status == 200

    # the same worker's next, genuine message is answered: the forged ones never were
    genuine = line.text("what is rengo?", worker)
    line.post([genuine])
    reply_to(api, genuine)
    assert not [c for event in forged for c in calls_about(api.calls, event, to=worker["userId"])]


def japanese(responses: Dict[str, Any], name: str) -> Dict[str, Any]:
    """The variant of a domain response that Rasa picks when the language slot is ``ja``."""
    return next(
        v for v in responses[name]
        if any(c.get("name") == "language" and c.get("value") == "ja" for c in v.get("condition") or [])
    )


def test_a_new_friend_is_greeted_with_the_domains_buttons_as_quick_replies(
    line: LineWebhook, api: LineStandIn, domain_responses: Dict[str, Any]
) -> None:
    worker = line.user()
    follow = line.event("follow", worker)

    assert line.post([follow]).status == 200

    greeting = japanese(domain_responses, "utter_greet")  # LINE greets in Japanese by default
    reply = reply_to(api, follow)
    assert reply.texts == [greeting["text"]]
    assert quick_replies(reply.messages[-1]) == [
        {
            "type": "postback",
            "label": button["title"] if len(button["title"]) <= 20 else button["title"][:19].rstrip() + "…",
            # Rasa fills {placeholders} in payloads too: the domain doubles a JSON payload's braces
            "data": button["payload"].replace("{{", "{").replace("}}", "}"),
            "displayText": button["title"],
        }
        for button in greeting["buttons"]
    ]

    # tapping 職場で困っています sends its payload to Rasa; the answer stays in Japanese
    tap = line.postback(greeting["buttons"][0]["payload"], worker)
    line.post([tap])
    answer = reply_to(api, tap)
    assert any("0120-154-052" in text and "相談" in text for text in answer.texts)

    # a worker who writes English is answered in English
    question = line.text("who is the president of rengo?", worker)
    line.post([question])
    assert any("Tomoko YOSHINO" in text and "President" in text for text in reply_to(api, question).texts)


def test_a_long_answer_fills_one_reply_and_the_rest_is_pushed(line: LineWebhook, api: LineStandIn) -> None:
    worker = line.user()
    question = line.text(SEVEN_PRINCIPLES, worker)
    line.post([question])

    reply = reply_to(api, question)
    pushes_to(api, worker["userId"], 1)
    settle(line, api, worker)
    [push] = pushes(calls_about(api.calls, question, to=worker["userId"]))

    assert len(reply.messages) == 5
    texts = reply.texts + push.texts
    principles = KnowledgeBase.from_url().principles()
    assert len(texts) == len(principles) == 7
    assert all(p.text[:60] in text for p, text in zip(principles, texts))  # all seven, in order
    assert re.fullmatch(r"[0-9a-f-]{36}", push.headers["x-line-retry-key"])


def test_a_sticker_gets_the_domains_answer_about_media_in_the_conversations_language(
    line: LineWebhook, api: LineStandIn, domain_responses: Dict[str, Any]
) -> None:
    # A sticker opening a conversation: nothing to read, so the channel's language (Japanese
    # on LINE) decides, set by action_session_start from the message's metadata.
    sticker = line.sticker(line.user())
    line.post([sticker])

    media = japanese(domain_responses, "utter_media_not_supported")
    reply = reply_to(api, sticker)
    assert reply.texts == [media["text"]]
    assert [a["data"] for a in quick_replies(reply.messages[-1])] == [b["payload"] for b in media["buttons"]]

    # After a question in English, the same sticker is answered in English.
    worker = line.user()
    question = line.text("who is the president of rengo?", worker)
    line.post([question])
    assert any("Tomoko YOSHINO" in text for text in reply_to(api, question).texts)
    sticker = line.sticker(worker)
    line.post([sticker])
    english = domain_responses["utter_media_not_supported"][0]
    assert not english.get("condition")
    assert reply_to(api, sticker).texts == [english["text"]]


def test_groups_and_rooms_are_answered_and_pushed_to_as_a_whole(
    line: LineWebhook, api: LineStandIn, domain_responses: Dict[str, Any]
) -> None:
    group = line.group(with_user=False)
    joined = line.event("join", group)
    question = line.text("who is the president of rengo?", dict(group, userId=line.user()["userId"]))
    line.post([joined, question])  # one webhook, answered in order

    assert reply_to(api, joined).texts == [japanese(domain_responses, "utter_greet")["text"]]
    assert any("Tomoko YOSHINO" in text for text in reply_to(api, question).texts)
    assert [c.body["replyToken"] for c in accepted(replies(api.calls))
            if c.body["replyToken"] in (joined["replyToken"], question["replyToken"])] == [
        joined["replyToken"], question["replyToken"],
    ]

    room = line.room()  # no user id at all
    long_question = line.text(SEVEN_PRINCIPLES, room)
    line.post([long_question])
    assert len(reply_to(api, long_question).messages) == 5
    pushes_to(api, room["roomId"], 1)
    settle(line, api, room)
    assert [len(p.messages) for p in pushes(calls_about(api.calls, long_question, to=room["roomId"]))] == [2]


def test_a_duplicate_while_answering_is_refused_so_line_retries_later_and_never_doubled(
    line: LineWebhook, api: LineStandIn
) -> None:
    worker = line.user()
    api.set_delay(2.0)  # keep the first answer in flight
    question = line.text("how many members does rengo have?", worker)

    assert line.post([question]).status == 200
    assert line.post([line.redelivered(question)]).status == 503  # still being answered: come back later
    api.set_delay(0)

    settle(line, api, worker)  # the first answer is finished now
    assert line.post([line.redelivered(question)]).status == 200  # answered: acknowledged, ignored

    settle(line, api, worker)
    assert len(calls_about(api.calls, question)) == 1


def test_a_line_outage_is_retried_with_the_same_retry_key_and_the_bot_keeps_working(
    line: LineWebhook, api: LineStandIn
) -> None:
    worker = line.user()
    api.fail_next(1, status=503, path=REPLY_PATH)
    api.fail_next(2, status=500, path=PUSH_PATH)
    question = line.text(SEVEN_PRINCIPLES, worker)
    line.post([question])

    reply = reply_to(api, question)
    [push] = pushes_to(api, worker["userId"], 1)

    # after the outage the same worker is answered as usual
    again = line.text("who is the president of rengo?", worker)
    line.post([again])
    assert any("Tomoko YOSHINO" in text for text in reply_to(api, again).texts)

    attempts = calls_about(api.calls, question, to=worker["userId"])
    assert [(c.path, c.status) for c in attempts] == [
        (REPLY_PATH, 503), (REPLY_PATH, 200), (PUSH_PATH, 500), (PUSH_PATH, 500), (PUSH_PATH, 200),
    ]
    assert len({c.headers["x-line-retry-key"] for c in pushes(attempts)}) == 1
    assert len(reply.messages) + len(push.messages) == 7


def test_an_expired_reply_token_is_answered_by_push_instead(line: LineWebhook, api: LineStandIn) -> None:
    worker = line.user()
    question = line.text("who is the president of rengo?", worker)
    api.expire_reply_token(question["replyToken"])  # e.g. LINE delivered it long ago
    line.post([question])

    [push] = pushes_to(api, worker["userId"], 1)
    assert any("Tomoko YOSHINO" in text for text in push.texts)
    settle(line, api, worker)
    assert [(c.path, c.status) for c in calls_about(api.calls, question, to=worker["userId"])] == [
        (REPLY_PATH, 400), (PUSH_PATH, 200),
    ]


def test_a_reply_whose_confirmation_was_lost_is_not_sent_twice(line: LineWebhook, api: LineStandIn) -> None:
    worker = line.user()
    api.fail_next(1, status=500, path=REPLY_PATH, accept=True)  # LINE sent it, its answer got lost
    question = line.text("who is the president of rengo?", worker)
    line.post([question])
    reply_to(api, question)

    # the retry finds the token used: the worker has the answer, no push repeats it
    settle(line, api, worker)
    attempts = calls_about(api.calls, question, to=worker["userId"])
    assert [(c.path, c.status) for c in attempts] == [(REPLY_PATH, 500), (REPLY_PATH, 400)]
    assert len(accepted(attempts)) == 1


def test_the_server_log_holds_no_message_text_and_no_full_line_ids(
    line: LineWebhook, api: LineStandIn, servers: BotServers
) -> None:
    worker = line.user()
    secret_words = "my manager at Kitsune Logistics shouts at me every day"
    message = line.text(secret_words, worker)
    line.post([message])
    reply_to(api, message)

    log = servers.log_path.read_text(errors="replace")
    assert "LINE webhook: 1 event(s), 1 to answer" in log  # the channel does log, at INFO
    assert "Kitsune" not in log
    leaked = [text for text in line.texts_sent if len(text) > 12 and text in log]
    assert leaked == []
    assert [i for i in line.ids_sent if i in log] == []


def test_a_redelivery_after_a_restart_is_not_answered_again(
    line: LineWebhook, api: LineStandIn, servers: BotServers
) -> None:
    worker = line.user()
    question = line.text("what is rengo's slogan?", worker)
    line.post([question])
    reply_to(api, question)

    servers.restart()

    # LINE delivers the old event again (with a newer one) after the restart
    newer = line.text("who is the president of rengo?", worker)
    assert line.post([line.redelivered(question), newer]).status == 200
    reply_to(api, newer)
    assert len(calls_about(api.calls, question)) == 1

    store = LineEventStore.from_url(f"sqlite:///{servers.workdir / 'line-events.sqlite3'}")
    try:
        assert store.get(question["webhookEventId"]).state == "answered"
        # the newer one is recorded as answered just after LINE took the reply
        assert eventually(lambda: store.get(newer["webhookEventId"]).state == "answered")
    finally:
        store.dispose()
