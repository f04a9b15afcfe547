"""The language a message is written in, and bare requests for a language (bot/nlu/language.py)."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language import LanguageDetector, detect_language, requested_language


def _span(text: str, name: str) -> tuple[int, int]:
    start = text.index(name)
    return start, start + len(name)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what is rengo?", "en"),
        ("残業代が払われない", "ja"),
        ("ざんぎょうだい でない", "ja"),
        ("ﾊﾟﾜﾊﾗ受けてる", "ja"),
        ("overtimeが払われない", "ja"),
        ("I want to ask about パワハラ", "en"),
        ("ＬＩＮＥ相談", "ja"),  # a tie: Japanese around a Latin word
        ("ILECって", "ja"),
        ("what is 連合", "en"),
        ("yes", "en"),
        ("ok", None),
        ("hi", None),
        ("2016", None),
        ("0120-154-052", None),
        ("👍", None),
        ("", None),
        ("/greet", None),
        ("taro@example.com", None),
        ("https://www.jtuc-rengo.or.jp/", None),
        ("メールは taro@example.com です", "ja"),
    ],
)
def test_language_of_plain_text(text, expected):
    assert detect_language(text) == expected


def test_names_do_not_count():
    text = "JAMの会長は？"
    assert detect_language(text, [_span(text, "JAM"), _span(text, "会長")]) == "ja"
    text = "Who is 芳野友子?"
    assert detect_language(text, [_span(text, "芳野友子")]) == "en"
    # Without the name's span the kanji would outweigh "Whois".
    assert detect_language(text) == "ja"
    text = "2022年のITUC会長"  # ITUC is no name the knowledge base knows; 会長 is a linked role
    assert detect_language(text, [_span(text, "2022"), _span(text, "会長")]) == "ja"


def test_a_message_of_names_only():
    assert detect_language("JAM", [(0, 3)]) is None
    assert detect_language("芳野友子", [(0, 4)]) == "ja"
    assert detect_language("ＪＡＭ", [(0, 3)]) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("日本語で", "ja"),
        ("日本語でお願いします", "ja"),
        ("日本語", "ja"),
        ("にほんごで", "ja"),
        ("Japanese please", "ja"),
        ("in Japanese", "ja"),
        ("can you speak japanese?", "ja"),
        ("English please", "en"),
        ("english", "en"),
        ("英語でお願いします", "en"),
        ("英語で話せますか？", "en"),
        ("Can you answer in English?", "en"),
        ("ＥＮＧＬＩＳＨ", "en"),
        # Questions that mention a language are not requests for it.
        ("is there a japanese version of the brochure", None),
        ("日本語の資料はありますか", None),
        ("英語の先生ですが残業代が出ません", None),
        ("my english teacher was fired", None),
        ("", None),
    ],
)
def test_requests_for_a_language(text, expected):
    assert requested_language(text) == expected


def _run(text, entities=(), metadata=None, intent="greet"):
    message = Message(data={"text": text, "metadata": metadata})
    message.set("intent", {"name": intent, "confidence": 0.9})
    message.set("entities", list(entities))
    LanguageDetector().process([message])
    language = [e["value"] for e in message.get("entities") if e["entity"] == "language"]
    return message.get("intent")["name"], language, message


def test_component_adds_the_language_entity():
    assert _run("what is rengo?")[:2] == ("greet", ["en"])
    assert _run("連合って何？")[:2] == ("greet", ["ja"])


def test_component_keeps_other_entities_and_reads_their_spans():
    jam = {"entity": "organisation", "value": "JAM", "start": 0, "end": 3}
    intent, language, message = _run("JAM", [jam], metadata={"language": "ja"})
    assert language == ["ja"]  # undecided text: the channel's language
    assert jam in message.get("entities")
    assert _run("JAM", [jam])[1] == []  # undecided and no channel language: the slot keeps its value


def test_channel_language_is_only_a_default():
    assert _run("what is rengo?", metadata={"language": "ja"})[1] == ["en"]
    assert _run("連合とは", metadata={"language": "en"})[1] == ["ja"]
    assert _run("2016", metadata={"language": "ja-JP"})[1] == ["ja"]
    assert _run("2016", metadata={"language": "fr"})[1] == []
    assert _run("2016", metadata="not a dict")[1] == []


def test_language_request_becomes_switch_language():
    intent, language, message = _run("日本語でお願いします", intent="nlu_fallback")
    assert (intent, language) == ("switch_language", ["ja"])
    assert message.get("intent")["confidence"] == 1.0
    assert message.get("intent_ranking")[0]["name"] == "switch_language"
    assert _run("English please")[:2] == ("switch_language", ["en"])


def test_no_duplicate_language_entity_when_run_twice():
    message = _run("連合とは")[2]
    LanguageDetector().process([message])
    assert [e["value"] for e in message.get("entities") if e["entity"] == "language"] == ["ja"]


@pytest.mark.parametrize("text", [
    "i want to make a consultation request",
    "I'd like to leave a consultation request",
    "相談の申し込みをしたい",
])
def test_a_request_read_as_cancel_becomes_request_consultation(text):
    intent, _, message = _run(text, intent="cancel")
    assert intent == "request_consultation"
    assert message.get("intent_ranking")[0] == {"name": "request_consultation", "confidence": 1.0}


@pytest.mark.parametrize("text", [
    "cancel", "cancel the request", "stop the consultation request please",
    "i don't want to make a request", "キャンセル", "やっぱり相談の申し込みはやめます",
])
def test_a_cancel_stays_a_cancel(text):
    assert _run(text, intent="cancel")[0] == "cancel"


def test_only_cancel_is_corrected():
    assert _run("i want to make a consultation request", intent="ask_consultation_routes")[0] == "ask_consultation_routes"
