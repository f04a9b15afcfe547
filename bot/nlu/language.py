"""The language a worker writes in, so the bot answers in it (issue 6).

Every message gets an entity ``language`` (``en`` or ``ja``) when its language is clear; the
domain's ``language`` slot is filled from it and the responses' Japanese variants are chosen by
that slot (``condition: language == ja``). A message whose language is not clear (a bare name
such as ``JAM``, a number, an emoji, ``ok``) gets the language the channel says the worker uses
(``metadata.language``: the widget sends its current language, LINE defaults to Japanese) or,
without one, no entity at all, so the slot keeps the language of the conversation.

How the language is decided (:func:`detect_language`): names the knowledge base knows are left
out (``Who is 芳野友子?`` is English, ``JAMの会長は？`` Japanese), and so are e-mail addresses,
URLs and numbers. What is left is weighed: a Japanese letter counts twice as much as a Latin one,
because Japanese packs a word into two or three characters (``overtimeが払われない`` is Japanese,
``I want to ask about パワハラ`` English; a tie, ``ILECって``, Japanese). Fewer than three Latin
letters and no Japanese decide nothing (``ok``, ``hi``).

A message that only asks for a language (``日本語で``, ``English please``, ``英語でお願いします``)
becomes the intent ``switch_language`` with full confidence and the language it asks for, so
the switch never depends on the classifier; the buttons and the widget's toggle send
``/switch_language{"language": "ja"}`` directly.

    - name: bot.nlu.language.LanguageDetector

It sits after the entity extractor (it needs the names' spans) and after the FallbackClassifier
(so a language request is never turned into ``nlu_fallback``), before UrgentIntentOverride
(nothing overrides a worker in danger).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.languages import channel_language
from bot.nlu.explicit_requests import corrected_intent
from knowledge.normalize import JAPANESE_LETTER

LANGUAGE_ENTITY = "language"
SWITCH_INTENT = "switch_language"

# Weight of one Japanese letter against one Latin letter (see the module docstring).
_JAPANESE_WEIGHT = 2
# Fewer Latin letters than this, and no Japanese, decide nothing ("ok", "hi", "no").
_MIN_LATIN = 3

_LATIN = re.compile(r"[A-Za-z]")
# Not words of any language: addresses, links, numbers with their separators.
_NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|(?:https?://|www\.)\S+"  # links
    r"|\d[\d\s\-+().,:/]*"  # numbers, phone numbers, dates
)

# Messages that only ask for a language. Checked on the NFKC-folded, lower-cased text with
# spaces and punctuation removed.
_POLITE_TAIL = (
    r"(?:で|に)?(?:お願い(?:します|いたします|致します)?|おねがい(?:します)?|話して(?:ください|下さい)?|"
    r"答えて(?:ください|下さい)?|して(?:ください|下さい)?|切り替えて(?:ください|下さい)?|"
    r"切り替え|きりかえ|表示|頼む|たのむ|ください|下さい|可能ですか|できますか|いい|ok)?"
)
_REQUESTS: Tuple[Tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(rf"(?:日本語|にほんご|にっぽんご|japanese){_POLITE_TAIL}")),
    ("en", re.compile(rf"(?:英語|えいご|english){_POLITE_TAIL}")),
    ("ja", re.compile(
        r"(?:(?:please|can\s?you|could\s?you)?(?:speak|answer|reply|talk|write|switch\s?to)?"
        r"(?:in)?japanese(?:please)?|日本語でいい|日本語が?いい(?:です)?|日本語わかる\??)"
    )),
    ("en", re.compile(
        r"(?:(?:please|can\s?you|could\s?you|do\s?you)?(?:speak|answer|reply|talk|write|switch\s?to)?"
        r"(?:in)?english(?:please)?|英語わかる|英語が?いい(?:です)?|英語で話せますか|英語対応)"
    )),
)
_STRIP = re.compile(r"[\s!?.,。、！？・~〜ー\-:;()（）「」\"'😊🙏]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def requested_language(text: str) -> Optional[str]:
    """``ja``/``en`` when the whole message only asks for that language, else None."""
    folded = _STRIP.sub("", _fold(text).lower())
    if not folded or len(folded) > 40:
        return None
    for language, pattern in _REQUESTS:
        if pattern.fullmatch(folded):
            return language
    return None


def _blank(text: str, spans: Iterable[Tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    return "".join(chars)


def detect_language(text: str, name_spans: Iterable[Tuple[int, int]] = ()) -> Optional[str]:
    """The language ``text`` is written in, or None when it is not clear.

    ``name_spans`` are (start, end) offsets into ``text`` of names the knowledge base knows;
    they do not count, unless nothing else is left: a message of only Japanese names
    (``芳野友子``) is Japanese, one of only Latin names (``JAM``) undecided.
    """
    if not text or text.startswith("/"):
        return None
    spans = list(name_spans)
    rest = _NOT_WORDS.sub(" ", _fold(_blank(text, spans)))
    japanese = len(JAPANESE_LETTER.findall(rest))
    latin = len(_LATIN.findall(rest))
    if japanese == 0 and latin < _MIN_LATIN:
        names = _fold("".join(text[s:e] for s, e in spans))
        return "ja" if JAPANESE_LETTER.search(names) else None
    # A tie is a Japanese sentence around a Latin word or name the linker does not know
    # (「ＬＩＮＥ相談」, 「ILECって」, 「2022年のITUC会長」): Japanese.
    return "ja" if japanese * _JAPANESE_WEIGHT >= latin else "en"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class LanguageDetector(GraphComponent):
    """Adds the ``language`` entity; turns bare language requests into ``switch_language``."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != LANGUAGE_ENTITY]
        corrected = corrected_intent((message.get(INTENT) or {}).get(INTENT_NAME_KEY), text)
        if corrected:  # "i want to make a consultation request" read as cancel
            _set_intent(message, corrected)
        requested = requested_language(text)
        if requested:
            _set_intent(message, SWITCH_INTENT)
            language: Optional[str] = requested
        else:
            spans = [(e["start"], e["end"]) for e in entities if "start" in e and "end" in e]
            language = detect_language(text, spans) or channel_language(message.get("metadata"))
        if language is None:
            return
        entity = {
            "entity": LANGUAGE_ENTITY,
            "value": language,
            "start": 0,
            "end": len(text),
            "confidence": 1.0,
            "extractor": self.__class__.__name__,
        }
        message.set(ENTITIES, [*entities, entity], add_to_output=True)


def _set_intent(message: Message, name: str) -> None:
    """Make ``name`` the message's intent, with full confidence, first in the ranking."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, intent, add_to_output=True)
    ranking = [intent, *(r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name)]
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
