"""The consultation request form, turn by turn, as the Rasa server drives it.

Each test plays the validation action the way Rasa calls it during a form
(``requested_slot`` set, the worker's message as the latest one) and applies
its events, so the conversation's state moves as it would in the bot. The
store is a real SQLite database per test. End-to-end runs through the trained
bot are in tests/conversations/ (run by scripts/test.sh).
"""
from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.consultation_form import (
    SKIPPED,
    ActionAskConsultConsent,
    ActionAskConsultContactValue,
    ActionAskConsultTopic,
    ActionCancelConsultation,
    ActionSubmitConsultation,
    ValidateConsultationForm,
    changed_field,
)
from bot.consultation.store import ConsultationStore
from tests.actions.conftest import render
from tests.support import make_tracker

ROOT = Path(__file__).resolve().parents[2]


def tracker(text: str, intent: str, slots: Dict[str, Any], entities: Optional[Dict[str, str]] = None,
            confidence: float = 0.9, active: bool = True, channel: str = "rest") -> Tracker:
    """A message during the form (``active``) or the one that starts it."""
    t = make_tracker(text, intent, entities=entities, slots=slots, confidence=confidence,
                     active_loop="consultation_form" if active else None, channel=channel)
    t.sender_id = "worker-1"
    return t


class Form:
    """A conversation's slots, moved on by the validation action one reply at a time."""

    def __init__(self, kb, domain, **slots: Any) -> None:
        self.kb, self.domain = kb, domain
        self.slots: Dict[str, Any] = dict(slots)
        self.texts: List[str] = []
        self.events: List[Dict[str, Any]] = []

    def start(self, text: str = "i want to talk to a person", intent: str = "request_consultation", **entities):
        return self._run(tracker(text, intent, self.slots, entities, active=False))

    def reply(self, text: str, intent: str = "nlu_fallback", confidence: float = 0.9, **entities):
        return self._run(tracker(text, intent, self.slots, entities, confidence))

    def _run(self, t: Tracker) -> "Form":
        dispatcher = CollectingDispatcher()
        self.events = asyncio.run(ValidateConsultationForm(self.kb).run(dispatcher, t, self.domain))
        for event in self.events:
            self.slots[event["name"]] = event["value"]
        self.texts = [render(self.domain, m, self.slots.get("language")) for m in dispatcher.messages]
        self.responses = [m.get("response") for m in dispatcher.messages]
        return self

    @property
    def requested(self) -> Optional[str]:
        return self.slots.get("requested_slot")

    @property
    def answered(self) -> Dict[str, Any]:
        """Slots this reply set, apart from requested_slot (empty: Rasa rejects the form)."""
        return {e["name"]: e["value"] for e in self.events if e["name"] != "requested_slot"}


def run(action, kb, domain, t: Tracker, **kwargs):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action(kb, **kwargs).run(dispatcher, t, domain))
    language = t.get_slot("language")
    return events, [render(domain, m, language) for m in dispatcher.messages], dispatcher.messages


def filled(**overrides: Any) -> Dict[str, Any]:
    slots = {
        "consult_topic": "unpaid_wages",
        "consult_description": "no overtime pay for three months",
        "consult_prefecture": "Osaka",
        "consult_industry": "healthcare",
        "consult_contact_method": "email",
        "consult_contact_value": "taro@example.jp",
        "consult_consent": True,
        "requested_slot": None,
    }
    slots.update(overrides)
    return slots


# --------------------------------------------------------------------------- the happy path


def test_happy_path_asks_each_question_in_order_then_stores_with_consent(kb, domain, store):
    form = Form(kb, domain).start()
    assert form.requested == "consult_topic"
    form.reply("Dismissal, non-renewal of a fixed-term contract, pressure to resign")
    assert form.slots["consult_topic"] == "dismissal" and form.requested == "consult_description"
    form.reply("they told me on friday not to come back after 6 years", "problem_dismissal")
    assert form.slots["consult_description"].startswith("they told me") and form.requested == "consult_prefecture"
    form.reply("i work in sapporo", "ask_locals", prefecture="Hokkaido")
    assert form.slots["consult_prefecture"] == "Hokkaido" and form.requested == "consult_industry"
    form.reply("i'm a nurse", "nlu_fallback", industry="healthcare")
    assert form.slots["consult_industry"] == "healthcare" and form.requested == "consult_contact_method"
    form.reply("phone")
    assert form.slots["consult_contact_method"] == "phone" and form.requested == "consult_contact_value"
    form.reply("０９０－１２３４－５６７８")
    assert form.slots["consult_contact_value"] == "09012345678" and form.requested == "consult_consent"

    _, texts, _ = run(ActionAskConsultConsent, kb, domain, tracker("", "nlu_fallback", form.slots))
    summary = texts[0]
    assert "Dismissal, non-renewal" in summary and "Hokkaido" in summary
    assert "Health care" in summary and "09012345678" in summary and "May RENGO store" in summary

    form.reply("yes", "affirm")
    assert form.slots["consult_consent"] is True and form.requested is None  # the form is done

    events, texts, _ = run(ActionSubmitConsultation, kb, domain,
                           tracker("yes", "affirm", form.slots, channel="socketio"), store=store)
    [stored] = store.list()
    assert stored.reference in texts[0] and "call the number you gave" in texts[0]
    assert (stored.topic, stored.prefecture, stored.industry) == ("dismissal", "Hokkaido", "healthcare")
    assert (stored.contact_method, stored.contact_value) == ("phone", "09012345678")
    assert stored.consent is True and stored.consented_at is not None
    assert (stored.channel, stored.conversation_id, stored.status) == ("socketio", "worker-1", "new")
    assert stored.description.startswith("they told me")
    assert "0120-154-052" in "\n".join(texts)  # the routes still follow
    slots = {e["name"]: e["value"] for e in events}
    assert slots["consultation_reference"] == stored.reference
    assert all(slots[s] is None for s in ("consult_topic", "consult_contact_value", "consult_consent"))


def test_activation_takes_what_the_conversation_already_said(kb, domain):
    form = Form(kb, domain, problem_topic="harassment", prefecture="Kyoto", industry="retail").start()
    assert form.slots["consult_topic"] == "harassment"
    assert form.slots["consult_prefecture"] == "Kyoto"
    assert form.slots["consult_industry"] == "retail"
    assert form.requested == "consult_description"


def test_optional_answers_can_be_skipped_and_no_contact_needs_no_value(kb, domain, store):
    form = Form(kb, domain, consult_topic="union", requested_slot="consult_description")
    form.reply("skip")
    assert form.slots["consult_description"] == SKIPPED and form.requested == "consult_prefecture"
    form.reply("Okinawa", "ask_locals", prefecture="Okinawa")
    form.reply("no", "deny")
    assert form.slots["consult_industry"] == SKIPPED
    form.reply("please don't contact me")
    assert form.slots["consult_contact_method"] == "none"
    assert form.requested == "consult_consent"  # no address or number asked
    form.reply("yes", "affirm")
    run(ActionSubmitConsultation, kb, domain, tracker("yes", "affirm", form.slots), store=store)
    [stored] = store.list()
    assert stored.description is None and stored.industry is None
    assert (stored.contact_method, stored.contact_value) == ("none", None)


def test_an_address_typed_instead_of_the_method_fills_both(kb, domain):
    form = Form(kb, domain, **filled(consult_contact_method=None, consult_contact_value=None,
                                     consult_consent=None, requested_slot="consult_contact_method"))
    form.reply("you can mail me at ｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ")
    assert form.slots["consult_contact_method"] == "email"
    assert form.slots["consult_contact_value"] == "hana@example.jp"
    assert form.requested == "consult_consent"


# --------------------------------------------------------------------------- validation failures


@pytest.mark.parametrize("requested, reply, response", [
    ("consult_prefecture", "narnia", "utter_invalid_prefecture_unknown"),
    ("consult_description", "x" * 1001, "utter_invalid_description_too_long"),
    ("consult_industry", "y" * 101, "utter_invalid_industry_too_long"),
])
def test_invalid_free_text_answers_are_asked_again_with_the_reason(kb, domain, requested, reply, response):
    slots = filled(**{requested: None, "consult_consent": None, "requested_slot": requested})
    form = Form(kb, domain, **slots).reply(reply)
    assert form.responses == [response]
    assert form.slots[requested] is None and form.requested == requested


@pytest.mark.parametrize("method, reply, response", [
    ("email", "taro at example dot jp", "utter_invalid_email_invalid"),
    ("email", "a@" + "b" * 250 + ".jp", "utter_invalid_email_too_long"),
    ("phone", "090-1234-567", "utter_invalid_phone_wrong_length"),
    ("phone", "+1 415 555 0100", "utter_invalid_phone_not_japanese"),
    ("phone", "0120-154-052", "utter_invalid_phone_service_number"),
    ("phone", "020-1234-5678", "utter_invalid_phone_invalid"),
    ("phone", "090-1234-abcd", "utter_invalid_phone_invalid_characters"),
])
def test_invalid_contact_details_are_asked_again_with_the_reason(kb, domain, method, reply, response):
    slots = filled(consult_contact_method=method, consult_contact_value=None, consult_consent=None,
                   requested_slot="consult_contact_value")
    form = Form(kb, domain, **slots).reply(reply)
    assert form.responses == [response], form.texts
    assert form.slots["consult_contact_value"] is None and form.requested == "consult_contact_value"
    assert reply not in " ".join(form.texts)  # the worker's answer is not echoed back


def test_a_short_vague_reply_is_asked_again_not_taken_for_a_side_question(kb, domain):
    form = Form(kb, domain, **filled(consult_consent=None, requested_slot="consult_consent"))
    form.reply("hmm maybe", "problem_dismissal", confidence=0.93)
    assert form.responses == ["utter_not_understood_consult_consent"]


@pytest.mark.parametrize("reply", ["hmm maybe", "yes maybe", "ok i guess", "i don't know", "sure, probably",
                                   "うーん", "たぶん大丈夫", "はい、かな？", "迷ってます", "ちょっと考えさせて"])
def test_a_hesitant_answer_to_the_consent_question_stores_nothing_even_read_as_affirm(kb, domain, reply):
    # The classifier has read "hmm maybe" as affirm (0.9); consent must be a clear yes.
    form = Form(kb, domain, **filled(consult_consent=None, requested_slot="consult_consent"))
    form.reply(reply, "affirm", confidence=0.9)
    assert form.responses == ["utter_not_understood_consult_consent"]
    assert form.slots["consult_consent"] is None and form.requested == "consult_consent"


@pytest.mark.parametrize("reply", ["yes", "yes please", "sure", "ok", "はい", "はい、お願いします", "同意します"])
def test_a_clear_yes_is_consent(kb, domain, reply):
    form = Form(kb, domain, **filled(consult_consent=None, requested_slot="consult_consent"))
    form.reply(reply, "affirm", confidence=0.9)
    assert form.slots["consult_consent"] is True


@pytest.mark.parametrize("requested, reply", [
    ("consult_topic", "hmm well"),
    ("consult_contact_method", "carrier pigeon"),
    ("consult_consent", "maybe later"),
])
def test_replies_that_answer_nothing_are_asked_again(kb, domain, requested, reply):
    slots = filled(**{requested: None, "consult_consent": None, "requested_slot": requested})
    form = Form(kb, domain, **slots).reply(reply, "nlu_fallback", confidence=0.3)
    assert form.responses == [f"utter_not_understood_{requested}"]
    assert form.requested == requested


def test_every_problem_the_validators_name_has_a_re_prompt(domain):
    source = (ROOT / "bot" / "consultation" / "validation.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'InvalidAnswer\("(\w+)"\)', source)) | set(re.findall(r'_text\(value, "(\w+)"\)', source))
    # consent is a button, reference numbers are typed only in the staff console
    codes -= {"consent_required", "reference_invalid"}
    assert len(codes) >= 14
    missing = sorted(c for c in codes if f"utter_invalid_{c}" not in domain["responses"])
    assert not missing


def test_every_slot_has_a_question_and_a_not_understood_reply(domain):
    actions = set(domain["actions"])
    for slot in domain["forms"]["consultation_form"]["required_slots"]:
        assert f"utter_ask_{slot}" in domain["responses"] or f"action_ask_{slot}" in actions, slot
        assert f"utter_not_understood_{slot}" in domain["responses"], slot


# --------------------------------------------------------------------------- corrections


def test_change_an_answer_from_the_summary(kb, domain):
    form = Form(kb, domain, **filled(consult_consent=None, requested_slot="consult_consent"))
    form.reply("change the prefecture")
    assert form.slots["consult_prefecture"] is None and form.requested == "consult_prefecture"
    form.reply("kobe", "ask_locals", prefecture="Hyogo")
    assert form.slots["consult_prefecture"] == "Hyogo"
    assert form.slots["consult_topic"] == "unpaid_wages"  # the other answers are kept
    assert form.requested == "consult_consent"


def test_changing_the_contact_forgets_the_old_address(kb, domain):
    form = Form(kb, domain, **filled(consult_consent=None, requested_slot="consult_consent"))
    form.reply("change the contact")
    assert form.slots["consult_contact_method"] is None and form.slots["consult_contact_value"] is None
    assert form.requested == "consult_contact_method"


def test_actually_with_another_prefecture_replaces_the_answer(kb, domain):
    form = Form(kb, domain, **filled(consult_consent=None, requested_slot="consult_consent"))
    form.reply("oh actually i work in kyoto", "ask_locals", prefecture="Kyoto")
    assert form.slots["consult_prefecture"] == "Kyoto" and form.requested == "consult_consent"


def test_a_different_contact_method_while_asked_for_the_address(kb, domain):
    form = Form(kb, domain, **filled(consult_contact_value=None, consult_consent=None,
                                     requested_slot="consult_contact_value"))
    form.reply("actually call me instead")
    assert form.slots["consult_contact_method"] == "phone" and form.requested == "consult_contact_value"


def test_changed_field_reads_common_phrasings():
    assert changed_field("change the topic") == "consult_topic"
    assert changed_field("my phone number is wrong") == "consult_contact_method"
    assert changed_field("I'd like to correct my prefecture") == "consult_prefecture"
    assert changed_field("the prefecture is Osaka") is None  # no request to change


# --------------------------------------------------------------------------- side questions, cancel


@pytest.mark.parametrize("intent", ["ask_consultation_routes", "ask_founding", "problem_paid_leave", "out_of_scope"])
def test_a_side_question_lets_the_rules_answer_it(kb, domain, intent):
    form = Form(kb, domain, **filled(consult_prefecture=None, consult_consent=None,
                                     requested_slot="consult_prefecture"))
    form.reply("what's the hotline number again?", intent, confidence=0.95)
    assert form.answered == {}  # nothing extracted: Rasa rejects the form and a rule answers
    assert form.responses == []
    assert form.requested == "consult_prefecture"  # and the form comes back to this question


def test_a_description_that_looks_like_another_question_is_still_the_description(kb, domain):
    form = Form(kb, domain, **filled(consult_description=None, consult_consent=None,
                                     requested_slot="consult_description"))
    form.reply("I did about 60 hours of overtime in October and got nothing", "ask_history", confidence=0.97)
    assert form.slots["consult_description"].startswith("I did about 60 hours")
    form = Form(kb, domain, **filled(consult_description=None, consult_consent=None,
                                     requested_slot="consult_description"))
    form.reply("what is the hotline number?", "ask_consultation_routes", confidence=0.97)
    assert form.answered == {}  # a question: answered by its rule, then asked again


@pytest.mark.parametrize("requested, reply, value", [
    ("consult_description", "skip", SKIPPED),
    ("consult_industry", "retail", "retail"),
])
def test_a_short_answer_misread_as_cancel_is_still_an_answer(kb, domain, requested, reply, value):
    form = Form(kb, domain, **filled(**{requested: None, "consult_consent": None, "requested_slot": requested}))
    form.reply(reply, "cancel", confidence=0.82)
    assert form.slots[requested] == value  # the worker's answers are not thrown away


@pytest.mark.parametrize("intent", ["cancel", "report_urgent"])
def test_cancel_and_urgent_messages_are_never_taken_as_answers(kb, domain, intent):
    form = Form(kb, domain, **filled(consult_description=None, consult_consent=None,
                                     requested_slot="consult_description"))
    form.reply("stop, i don't want this", intent)
    assert form.answered == {} and form.responses == []


def test_cancel_stores_nothing_forgets_everything_and_still_gives_routes(kb, domain, store):
    events, texts, _ = run(ActionCancelConsultation, kb, domain,
                           tracker("cancel", "cancel", filled(consult_consent=None)))
    assert store.list() == []
    assert "nothing has been stored" in texts[0]
    assert "0120-154-052" in "\n".join(texts)
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert all(e["value"] is None for e in events if e.get("event") == "slot")


def test_no_consent_stores_nothing_and_still_gives_routes(kb, domain, store):
    form = Form(kb, domain, **filled(consult_consent=None, requested_slot="consult_consent"))
    form.reply("no", "deny")
    assert form.slots["consult_consent"] is False and form.requested is None
    _, texts, _ = run(ActionSubmitConsultation, kb, domain, tracker("no", "deny", form.slots), store=store)
    assert store.list() == []
    assert "nothing has been stored" in texts[0]
    assert "0120-154-052" in "\n".join(texts)


def test_a_database_outage_loses_no_route(kb, domain, tmp_path):
    broken = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    broken.engine.dispose()
    (tmp_path / "c.sqlite3").unlink()
    (tmp_path / "c.sqlite3").mkdir()  # the database file is now a directory: every write fails
    _, texts, _ = run(ActionSubmitConsultation, kb, domain, tracker("yes", "affirm", filled()), store=broken)
    assert "could not be stored" in texts[0]
    assert "0120-154-052" in "\n".join(texts)


# --------------------------------------------------------------------------- the questions


def test_topic_question_offers_every_topic_and_something_else(kb, domain):
    _, texts, messages = run(ActionAskConsultTopic, kb, domain, tracker("", "request_consultation", {}))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert len(titles) == len(kb.guidance_topics()) + 1 and titles[-1] == "Something else"


def test_contact_question_follows_the_method(kb, domain):
    _, texts, _ = run(lambda kb: ActionAskConsultContactValue(), kb, domain,
                      tracker("", "nlu_fallback", {"consult_contact_method": "email"}))
    assert "e-mail address" in texts[0]


def test_form_rules_for_side_questions_are_up_to_date():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_form_digressions.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
