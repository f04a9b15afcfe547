"""The consultation request: a Rasa form that hands a worker's problem to a counsellor.

The form (``consultation_form`` in domain.yml) asks, in this order: the topic,
a short description (optional), the prefecture, the industry or job
(optional), how to be contacted (not at all, e-mail or phone), the address or
number when needed, and finally explicit consent after showing a summary.
Only on consent is anything written, by :class:`ActionSubmitConsultation`
through ``bot.consultation.store``; cancelling at any point, or declining
consent, stores nothing and still gives every route to a person.

Every ``consult_*`` slot has a custom mapping: :class:`ValidateConsultationForm`
reads each message itself, because one message may be an answer, a correction
("change the prefecture", "actually I'm in Kyoto"), a side question, a request
to cancel or a cry for help, and only Python can tell these apart reliably:

- an answer to the requested slot, or a value volunteered for another one, is
  extracted, then validated by ``bot.consultation.validation``; an invalid
  answer gets a re-prompt naming the problem (``utter_invalid_<code>``);
- a side question (any ``ask_*``/``problem_*`` intent...) extracts nothing, so
  Rasa rejects the form for this turn and the rules in
  ``data/rules/consultation_form_digressions.yml`` answer it and come back;
- ``cancel`` (when the words confirm it: see ``_CANCEL``) and ``report_urgent``
  also extract nothing; their rules stop or pause the form
  (``data/rules/consultation.yml``);
- anything else is a reply the form did not understand: it says so and asks again.

Privacy: the worker's answers are never logged; a stored request is named in
the log by its reference number only.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import KnowledgeAction
from actions.context import Turn, default_kb
from actions.guidance import FORM_NAME, PROBLEM_PREFIX, say_routes, topic_of, topic_title
from actions.organisations import industry_label
from bot.consultation import validation
from bot.consultation.store import ConsentRequired, ConsultationStore, NewRequest
from bot.consultation.validation import InvalidAnswer
from knowledge.normalize import JAPANESE_LETTER
from knowledge.queries import KnowledgeBase

logger = logging.getLogger(__name__)

FORM = FORM_NAME
TOPIC = "consult_topic"
DESCRIPTION = "consult_description"
PREFECTURE = "consult_prefecture"
INDUSTRY = "consult_industry"
CONTACT_METHOD = "consult_contact_method"
CONTACT_VALUE = "consult_contact_value"
CONSENT = "consult_consent"
REFERENCE = "consultation_reference"
#: Asked in this order; the contact value only when the method needs one.
SLOTS = (TOPIC, DESCRIPTION, PREFECTURE, INDUSTRY, CONTACT_METHOD, CONTACT_VALUE, CONSENT)
#: Value of an optional slot the worker chose to leave out (a slot left None would be asked again).
SKIPPED = "-"

# Words of a request to stop. Cancelling forgets every answer, so the intent
# alone is not enough: a short answer ("skip", "retail") can be misread as
# ``cancel``, and the words must confirm it.
_CANCEL = re.compile(
    r"\b(cancel\w*|stop\w*|quit|abort|exit|halt|scrap|discard|withdraw|delete|drop it|forget|never\s*mind|"
    r"changed my mind|another time|end (the|this|it)|don'?t (want|wish|send|submit|save)|do not (want|wish)|"
    r"let'?s not|no longer|enough)\b|やめ|止め|キャンセル|中止|取り消|取消|もういい",
    re.IGNORECASE,
)
#: Intents answered in the middle of the form (rules in consultation_form_digressions.yml).
DIGRESSION_EXTRA = frozenset(
    {"out_of_scope", "bot_challenge", "request_consultation", "send_media", "switch_language"}
)
#: How sure the classifier must be before a reply that is not an answer counts as a side question.
DIGRESSION_CONFIDENCE = 0.6


def is_digression_intent(intent: str) -> bool:
    """True for intents the form lets the worker ask in between (each has a rule)."""
    return intent.startswith(("ask_", PROBLEM_PREFIX)) or intent in DIGRESSION_EXTRA


_SKIP = re.compile(
    r"^\s*(skip( it| this)?|no|nope|none|nothing|no thanks?|pass|n/?a|-+|"
    r"(i'?d )?rather not( say)?|prefer not to say|not now|leave it( out| blank)?|"
    # Japanese: none / nothing in particular / skip / I'd rather not say
    r"(特に)?(なし|無し|ない|ありません|ないです)|スキップ|とばして|飛ばして|パス|省略|"
    r"(答え|言い|書き)たくない(です)?|秘密|ひみつ)\s*[.!。！]*\s*$",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\s*(yes|y|yeah|yep|ok|okay|sure|i agree|agree|yes,? (please|store it|go ahead)|please do)\b|"
    r"^\s*(はい|ええ|うん|同意します|同意する|同意です|お願いします|おねがいします|了解|オーケー|オッケー)",
    re.IGNORECASE,
)
# Consent to store a request must be explicit: an answer that hesitates is asked again, however
# the classifier read it ("hmm maybe" has been read as affirm).
_HESITANT = re.compile(
    r"\b(maybe|perhaps|possibly|probably|not sure|unsure|i guess|i suppose|dunno|idk|"
    r"(i )?don'?t know|let me think|hm+|um+|uh+)\b|"
    r"多分|たぶん|かも|かな[あぁ]?\s*[?？]?\s*$|迷って|迷う|悩|わから|分から|わかん|どうしよう|どうかな|"
    r"考え(させ|ます|中|てから)|うーん|うーむ|んー",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\s*(no|n|nope|don'?t|do not)\b|^\s*(いいえ|いや|同意しない|同意しません|やめておきます|結構です)",
    re.IGNORECASE,
)
_OTHER_TOPIC = re.compile(
    r"^\s*(other|something else|none of (these|them|the above)|not listed|"
    r"その他|そのほか|ほか|他|どれでもない|どれでもありません|該当なし|当てはまらない)\s*[.!。！]*\s*$",
    re.IGNORECASE,
)

_NO_CONTACT = re.compile(
    r"^\s*(no|none|nothing|not at all|no contact|nobody|no one)\b|"
    r"\b(don'?t|do not|no need to|never)\s+(contact|call|e-?mail|mail|phone|reach)|"
    r"^\s*(なし|無し|不要|いらない|要らない)\s*[。！!]?\s*$|"
    r"連絡(先)?(は|も)?(不要|いらない|要らない|しないで|なし|無し|結構|けっこう|大丈夫|必要ない|教えたくない)",
    re.IGNORECASE,
)
_EMAIL_WORD = re.compile(r"\be-?mail\b|\bmail\b|メール|めーる", re.IGNORECASE)
_PHONE_WORD = re.compile(r"\b(phone|call|tel|telephone|mobile|cell)\b|電話|でんわ|携帯", re.IGNORECASE)
_EMAIL_TOKEN = re.compile(r"\S+[@＠]\S+")
_PHONE_TOKEN = re.compile(r"[+＋]?[0-9０-９][0-9０-９\-－ー‐()（）\s.]{7,}[0-9０-９]")

# "change the prefecture", "my phone number is wrong": which answer to ask again.
_CHANGE = re.compile(r"\b(change|correct|fix|edit|update|wrong|mistake|redo)\b|変更|訂正|間違|直したい|直して", re.IGNORECASE)
_FIELD_WORDS = (
    (TOPIC, re.compile(r"\b(topic|subject)\b|テーマ|分野|種類|トピック", re.IGNORECASE)),
    (DESCRIPTION, re.compile(r"\b(description|what happened|details?)\b|内容|詳細|説明|状況", re.IGNORECASE)),
    (PREFECTURE, re.compile(r"\b(prefecture|place|city|location)\b|都道府県|県|場所|地域", re.IGNORECASE)),
    (INDUSTRY, re.compile(r"\b(industry|job|occupation|sector)\b|業種|職種|業界|仕事", re.IGNORECASE)),
    (CONTACT_METHOD, re.compile(r"\b(contact|e-?mail|mail|phone|number|address)\b|連絡|メール|電話|番号|アドレス", re.IGNORECASE)),
)
# "actually I'm in Kyoto": a value for an answered slot replaces it only with such a cue.
_CORRECTION_CUE = re.compile(
    r"\b(actually|sorry|i meant|mean|instead|not|rather|correction)\b|やっぱり|やはり|じゃなくて|ではなく|実は|すみません|間違",
    re.IGNORECASE,
)


def _message(tracker: Tracker) -> Dict[str, Any]:
    return tracker.latest_message or {}


def _intent(tracker: Tracker) -> tuple[str, float]:
    intent = _message(tracker).get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in _message(tracker).get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


_QUESTION = re.compile(
    r"[?？]|^\s*(what|who|whom|whose|when|where|why|how|which|is|are|am|can|could|do|does|did|will|would|"
    r"should|shall|may|tell me|explain)\b|"
    # Japanese questions often end without a question mark
    r"(ですか|ますか|でしょうか|誰|だれ|どこ|いつ|教えて(ください|下さい)?)\s*[。]?\s*$",
    re.IGNORECASE,
)
#: A Japanese reply of at most this many letters (大阪です, 介護の仕事) is a short answer.
SHORT_JAPANESE = 10


def _is_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


def _short_answer(text: str) -> bool:
    """A reply of a few words and no question mark ("Narnia", 大阪です) is an answer, whatever the intent."""
    if "?" in text or "？" in text:
        return False
    return len(text.split()) <= 3 and len(JAPANESE_LETTER.findall(text)) <= SHORT_JAPANESE


def changed_field(text: str) -> Optional[str]:
    """The slot a worker asks to change ("change the prefecture"), else None."""
    if not _CHANGE.search(text):
        return None
    return next((slot for slot, words in _FIELD_WORDS if words.search(text)), None)


class ValidateConsultationForm(FormValidationAction):
    """Reads each reply during the form: answer, correction, side question, or not understood."""

    def __init__(self, kb: Optional[KnowledgeBase] = None) -> None:
        self._kb = kb

    def name(self) -> Text:
        return "validate_consultation_form"

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb or default_kb()

    # --- which slots, in which order ----------------------------------------------

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # All of them, so that each is validated (and the contact value can be
        # cleared when the method changes); which one is asked is decided below.
        return list(SLOTS)

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Optional[EventType]:
        needs_value = tracker.slots.get(CONTACT_METHOD) in ("email", "phone")
        missing = (s for s in SLOTS if tracker.slots.get(s) is None and (s != CONTACT_VALUE or needs_value))
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    # --- extraction: what does this message say? ----------------------------------

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        values = self.interpret(dispatcher, tracker)
        tracker.slots.update(values)
        return [SlotSet(slot, value) for slot, value in values.items()]

    def interpret(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        requested = tracker.slots.get(REQUESTED_SLOT)
        if tracker.active_loop.get("name") != FORM or requested is None:
            return self._prefill(tracker)
        intent, _ = _intent(tracker)
        text = (_message(tracker).get("text") or "").strip()
        if intent in ("report_urgent", "switch_language") or (intent == "cancel" and _CANCEL.search(text)):
            return {}  # Rasa rejects the form for this turn; the rule for the intent runs
        if requested != DESCRIPTION:
            field = changed_field(text)
            if field:
                return self._reopen(field)
        values = self._answer(requested, tracker, text)
        values.update(self._volunteered(requested, tracker, text, values))
        if values:
            return values
        if self._is_digression(tracker):
            return {}  # Rasa rejects the form for this turn; a rule answers, then the form asks again
        dispatcher.utter_message(response=f"utter_not_understood_{requested}")
        return {requested: None}

    def _prefill(self, tracker: Tracker) -> Dict[str, Any]:
        """At activation: what the conversation already told us (the worker can still change it)."""
        values: Dict[str, Any] = {}
        topic = topic_of(_intent(tracker)[0]) or tracker.slots.get("problem_topic")
        if topic and tracker.slots.get(TOPIC) is None:
            values[TOPIC] = topic
        prefecture = _entity(tracker, "prefecture") or tracker.slots.get("prefecture")
        if prefecture and tracker.slots.get(PREFECTURE) is None:
            values[PREFECTURE] = prefecture
        industry = _entity(tracker, "industry") or tracker.slots.get("industry")
        if industry and tracker.slots.get(INDUSTRY) is None:
            values[INDUSTRY] = industry
        return values

    @staticmethod
    def _reopen(field: str) -> Dict[str, Any]:
        values: Dict[str, Any] = {field: None, CONSENT: None}
        if field == CONTACT_METHOD:
            values[CONTACT_VALUE] = None
        return values

    def _is_digression(self, tracker: Tracker) -> bool:
        """A side question: a confident question intent, and more than a few words or a "?".

        A short reply ("hmm maybe") is an attempt at an answer whatever the
        classifier makes of it: it gets the not-understood re-prompt, not a detour.
        """
        intent, confidence = _intent(tracker)
        text = _message(tracker).get("text") or ""
        return is_digression_intent(intent) and confidence >= DIGRESSION_CONFIDENCE and not _short_answer(text)

    def _answer(self, requested: str, tracker: Tracker, text: str) -> Dict[str, Any]:
        """The value the message gives for the requested slot ({} if it is no answer)."""
        intent, confidence = _intent(tracker)
        if requested == TOPIC:
            topic = topic_of(intent)
            if topic and confidence >= DIGRESSION_CONFIDENCE:
                return {TOPIC: topic}
            if _OTHER_TOPIC.match(text):
                return {TOPIC: "other"}
            titled = self._topic_by_title(text)
            return {TOPIC: titled} if titled else {}
        if requested in (DESCRIPTION, INDUSTRY):
            if intent == "deny" or _SKIP.match(text):
                return {requested: SKIPPED}
            if requested == INDUSTRY:
                industry = _entity(tracker, "industry")
                if industry:
                    return {INDUSTRY: industry}
            if self._is_digression(tracker) and _is_question(text):
                return {}  # a side question; anything else is the worker's own words
            return {requested: text}
        if requested == PREFECTURE:
            prefecture = _entity(tracker, "prefecture")
            if prefecture:
                return {PREFECTURE: prefecture}
            if self._is_digression(tracker) and not _short_answer(text):
                return {}
            return {PREFECTURE: text}  # validated next: an unknown name gets a clear re-prompt
        if requested == CONTACT_METHOD:
            return self._contact_method(intent, text)
        if requested == CONTACT_VALUE:
            method = tracker.slots.get(CONTACT_METHOD)
            token = (_EMAIL_TOKEN if method == "email" else _PHONE_TOKEN).search(text)
            if token:
                return {CONTACT_VALUE: token.group(0)}
            switched = self._contact_method(intent, text)
            if switched and switched[CONTACT_METHOD] != method:
                return switched  # "actually, call me instead"
            if self._is_digression(tracker):
                return {}
            return {CONTACT_VALUE: text}
        if requested == CONSENT:
            if _HESITANT.search(text):
                return {}  # asked again: only a clear yes stores anything
            if intent == "affirm" or _YES.match(text):
                return {CONSENT: True}
            if intent == "deny" or _NO.match(text):
                return {CONSENT: False}
            return {}
        return {}

    @staticmethod
    def _contact_method(intent: str, text: str) -> Dict[str, Any]:
        if intent == "deny" or _NO_CONTACT.search(text):
            return {CONTACT_METHOD: "none", CONTACT_VALUE: None}
        email = _EMAIL_TOKEN.search(text)
        if email or _EMAIL_WORD.search(text):
            return {CONTACT_METHOD: "email", CONTACT_VALUE: email.group(0) if email else None}
        phone = _PHONE_TOKEN.search(text)
        if phone or _PHONE_WORD.search(text):
            return {CONTACT_METHOD: "phone", CONTACT_VALUE: phone.group(0) if phone else None}
        return {}

    def _topic_by_title(self, text: str) -> Optional[str]:
        wanted = text.casefold().strip(" .!?")
        for topic in self.kb.guidance_topics():
            if wanted in (topic.key.replace("_", " "), topic.title.casefold(), topic.title_ja):
                return topic.key
        try:
            return validation.validate_topic(text)
        except InvalidAnswer:
            return None

    @staticmethod
    def _volunteered(requested: str, tracker: Tracker, text: str, answer: Dict[str, Any]) -> Dict[str, Any]:
        """A prefecture or industry named while answering something else ("I work in Osaka and ...")."""
        values: Dict[str, Any] = {}
        for entity, slot in (("prefecture", PREFECTURE), ("industry", INDUSTRY)):
            value = _entity(tracker, entity)
            if not value or slot == requested or slot in answer:
                continue
            current = tracker.slots.get(slot)
            if current in (None, SKIPPED) or (value != current and _CORRECTION_CUE.search(text)):
                values[slot] = value
        return values

    # --- validation: is the value acceptable? -------------------------------------

    def _check(self, slot: str, check, value: Any, dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        if value is None:  # cleared to be asked again: nothing to check
            return {slot: None}
        try:
            return {slot: check(value)}
        except InvalidAnswer as problem:
            dispatcher.utter_message(response=f"utter_invalid_{problem.code}")
            return {slot: None}

    def validate_consult_topic(self, value: Any, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._check(TOPIC, validation.validate_topic, value, dispatcher)

    def validate_consult_description(self, value: Any, dispatcher, tracker, domain) -> Dict[str, Any]:
        if value == SKIPPED:
            return {DESCRIPTION: SKIPPED}
        return self._check(DESCRIPTION, lambda v: validation.validate_description(v) or SKIPPED, value, dispatcher)

    def validate_consult_prefecture(self, value: Any, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._check(PREFECTURE, validation.validate_prefecture, value, dispatcher)

    def validate_consult_industry(self, value: Any, dispatcher, tracker, domain) -> Dict[str, Any]:
        if value == SKIPPED:
            return {INDUSTRY: SKIPPED}
        return self._check(INDUSTRY, lambda v: validation.validate_industry(v) or SKIPPED, value, dispatcher)

    def validate_consult_contact_method(self, value: Any, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._check(CONTACT_METHOD, validation.validate_contact_method, value, dispatcher)

    def validate_consult_contact_value(self, value: Any, dispatcher, tracker, domain) -> Dict[str, Any]:
        method = tracker.slots.get(CONTACT_METHOD)
        check = validation.validate_email if method == "email" else validation.validate_phone
        return self._check(CONTACT_VALUE, check, value, dispatcher)

    def validate_consult_consent(self, value: Any, dispatcher, tracker, domain) -> Dict[str, Any]:
        return {CONSENT: value if isinstance(value, bool) else None}


# --------------------------------------------------------------------------- questions


class ActionAskConsultTopic(KnowledgeAction):
    """The topic question, with one button per guidance topic and "something else"."""

    action_name = "action_ask_consult_topic"
    handles = None  # asked by the form, whatever the last message named

    def respond(self, turn: Turn) -> List[EventType]:
        titles = [topic_title(turn, t) for t in turn.kb.guidance_topics()]
        buttons = [{"title": title, "payload": title} for title in titles]
        other = _label(turn, "utter_topic_label_other")
        turn.say("utter_ask_consult_topic", buttons=buttons + [{"title": other, "payload": other}])
        return []


class ActionAskConsultContactValue(Action):
    """Asks for the e-mail address or the phone number, whichever the worker chose."""

    def name(self) -> Text:
        return "action_ask_consult_contact_value"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        method = tracker.get_slot(CONTACT_METHOD)
        dispatcher.utter_message(response="utter_ask_consult_email" if method == "email" else "utter_ask_consult_phone")
        return []


class ActionAskConsultConsent(KnowledgeAction):
    """Shows what would be stored and asks for explicit consent (or a change)."""

    action_name = "action_ask_consult_consent"
    handles = None

    def respond(self, turn: Turn) -> List[EventType]:
        turn.say("utter_ask_consult_consent", **summary(turn))
        return []


def summary(turn: Turn) -> Dict[str, str]:
    """The values the consent question shows, as the worker will read them."""
    slot = turn.tracker.get_slot
    not_given = _label(turn, "utter_value_not_given")
    topic = turn.kb.guidance(slot(TOPIC)) if slot(TOPIC) else None
    method = slot(CONTACT_METHOD)
    if method in ("email", "phone"):
        contact = f"{_label(turn, f'utter_contact_label_{method}')}: {slot(CONTACT_VALUE)}"
    else:
        contact = _label(turn, "utter_contact_label_none")
    industry = slot(INDUSTRY)

    def shown(value: Any) -> str:
        return not_given if value in (None, SKIPPED) else str(value)

    prefecture = slot(PREFECTURE)
    return {
        "topic": topic_title(turn, topic) if topic else _label(turn, "utter_topic_label_other"),
        "description": shown(slot(DESCRIPTION)),
        "prefecture": turn.names.prefecture(prefecture) if prefecture not in (None, SKIPPED) else not_given,
        "industry": industry_label(turn, industry) if industry not in (None, SKIPPED) else not_given,
        "contact": contact,
    }


def _label(turn: Turn, response: str) -> str:
    return turn.label(response) or ""


# --------------------------------------------------------------------------- the end of the form


def _clear() -> List[EventType]:
    return [SlotSet(slot, None) for slot in SLOTS] + [SlotSet(REQUESTED_SLOT, None)]


class ActionSubmitConsultation(KnowledgeAction):
    """Stores the request on consent and gives the reference number; on refusal stores nothing."""

    action_name = "action_submit_consultation"
    handles = None

    def __init__(self, kb: Optional[KnowledgeBase] = None, store: Optional[ConsultationStore] = None) -> None:
        super().__init__(kb)
        self._store = store

    @property
    def store(self) -> ConsultationStore:
        if self._store is None:
            self._store = ConsultationStore.from_url()
        return self._store

    def respond(self, turn: Turn) -> List[EventType]:
        slot = turn.tracker.get_slot
        if slot(CONSENT) is not True:
            turn.say("utter_consultation_not_stored")
            say_routes(turn, _routes_for(turn, slot(TOPIC)))
            return _clear()
        method = slot(CONTACT_METHOD) or "none"
        request = NewRequest(
            topic=slot(TOPIC),
            description=_given(slot(DESCRIPTION)),
            prefecture=slot(PREFECTURE),
            industry=_given(slot(INDUSTRY)),
            contact_method=method,
            contact_value=slot(CONTACT_VALUE) if method != "none" else None,
            consent=True,
            channel=turn.tracker.get_latest_input_channel() or "unknown",
            conversation_id=turn.tracker.sender_id,
        )
        try:
            stored = self.store.submit(request)
        except (ConsentRequired, InvalidAnswer) as problem:
            # The form validated every answer, so this is a bug; say so without the values.
            logger.error("consultation request rejected by the store: %s", type(problem).__name__)
            return _not_stored(turn)
        except Exception:  # the database is unreachable: the worker must still get help
            logger.exception("consultation request could not be stored")
            return _not_stored(turn)
        turn.say(f"utter_consultation_stored_{method}", reference=stored.reference)
        say_routes(turn, _routes_for(turn, request.topic))
        return _clear() + [SlotSet(REFERENCE, stored.reference)]


def _not_stored(turn: Turn) -> List[EventType]:
    """After a failed write: say so, give every route, forget the answers."""
    turn.say("utter_consultation_store_failed")
    say_routes(turn)
    return _clear()


def _given(value: Any) -> Optional[str]:
    return None if value in (None, SKIPPED) else value


def _routes_for(turn: Turn, topic_key: Optional[str]) -> Optional[List[str]]:
    topic = turn.kb.guidance(topic_key) if topic_key else None
    return list(topic.routes) if topic else None


class ActionCancelConsultation(KnowledgeAction):
    """The worker stopped the form: forget every answer, store nothing, still show the routes."""

    action_name = "action_cancel_consultation"
    handles = None

    def respond(self, turn: Turn) -> List[EventType]:
        turn.say("utter_consultation_cancelled")
        say_routes(turn, _routes_for(turn, turn.tracker.get_slot(TOPIC)))
        return [ActiveLoop(None)] + _clear()
