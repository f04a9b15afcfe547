"""The consultation form in Japanese: the worker's Japanese answers are read, the questions and
the summary are Japanese (issue 6). The English form is tested in test_consultation_form.py."""
from __future__ import annotations

import pytest

from actions.consultation_form import (
    ActionAskConsultConsent,
    ActionAskConsultTopic,
    ActionSubmitConsultation,
    changed_field,
)
from tests.actions.test_consultation_form import Form, run, tracker


def ja_form(kb, domain) -> Form:
    return Form(kb, domain, language="ja").start("担当の人と話したいです")


def test_a_whole_request_in_japanese_is_stored(kb, domain, store):
    form = ja_form(kb, domain)
    assert form.requested == "consult_topic"
    _, texts, messages = run(ActionAskConsultTopic, kb, domain, tracker("", "nlu_fallback", form.slots))
    assert "お困りごと" in texts[0]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "解雇・雇止め・退職強要" in titles and "その他" in titles

    form.reply("解雇・雇止め・退職強要")  # the button's payload is its title
    assert form.slots["consult_topic"] == "dismissal" and form.requested == "consult_description"
    form.reply("スキップ")
    assert form.requested == "consult_prefecture"
    form.reply("京都です", "ask_locals", prefecture="Kyoto")
    assert form.slots["consult_prefecture"] == "Kyoto" and form.requested == "consult_industry"
    form.reply("介護の仕事です", "nlu_fallback", industry="healthcare")
    assert form.slots["consult_industry"] == "healthcare" and form.requested == "consult_contact_method"
    form.reply("電話")
    assert form.slots["consult_contact_method"] == "phone" and form.requested == "consult_contact_value"
    form.reply("０９０－１２３４－５６７８")
    assert form.slots["consult_contact_value"] == "09012345678" and form.requested == "consult_consent"

    _, texts, _ = run(ActionAskConsultConsent, kb, domain, tracker("", "nlu_fallback", form.slots))
    summary = texts[0]
    assert "解雇・雇止め・退職強要" in summary and "京都府" in summary and "医療・介護" in summary
    assert "（未回答）" in summary and "09012345678" in summary

    form.reply("はい、保存してください")
    assert form.slots["consult_consent"] is True
    _, texts, _ = run(ActionSubmitConsultation, kb, domain, tracker("はい", "affirm", form.slots), store=store)
    assert "受付番号" in texts[0]
    [stored] = store.list()
    assert (stored.topic, stored.prefecture, stored.contact_method) == ("dismissal", "Kyoto", "phone")


@pytest.mark.parametrize("answer", ["スキップ", "特になし", "なし", "答えたくないです", "パス"])
def test_japanese_ways_to_skip_an_optional_question(kb, domain, answer):
    form = ja_form(kb, domain)
    form.reply("賃金未払い・残業代")
    form.reply(answer)
    assert form.slots["consult_description"] == "-" and form.requested == "consult_prefecture"


@pytest.mark.parametrize("answer, method", [
    ("メール", "email"), ("メールでお願いします", "email"), ("電話で", "phone"), ("携帯に電話ください", "phone"),
    ("連絡は不要", "none"), ("連絡はいらないです", "none"), ("なし", "none"),
])
def test_japanese_contact_methods(kb, domain, answer, method):
    form = Form(kb, domain, language="ja", consult_topic="dismissal", consult_description="-",
                consult_prefecture="Osaka", consult_industry="-", requested_slot="consult_contact_method")
    form.reply(answer)
    assert form.slots["consult_contact_method"] == method


@pytest.mark.parametrize("answer, consent", [
    ("はい", True), ("はい、保存してください", True), ("同意します", True), ("お願いします", True),
    ("いいえ", False), ("いいえ、保存しないでください", False), ("同意しません", False),
])
def test_japanese_consent(kb, domain, answer, consent):
    form = Form(kb, domain, language="ja", consult_topic="dismissal", consult_description="-",
                consult_prefecture="Osaka", consult_industry="-", consult_contact_method="none",
                requested_slot="consult_consent")
    form.reply(answer)
    assert form.slots["consult_consent"] is consent


@pytest.mark.parametrize("text, slot", [
    ("都道府県を変更", "consult_prefecture"), ("テーマを変更", "consult_topic"),
    ("連絡先を変更", "consult_contact_method"), ("業種を訂正したい", "consult_industry"),
])
def test_japanese_requests_to_change_an_answer(text, slot):
    assert changed_field(text) == slot


def test_other_topic_in_japanese(kb, domain):
    form = ja_form(kb, domain)
    form.reply("その他")
    assert form.slots["consult_topic"] == "other"


def test_a_long_japanese_question_is_a_side_question_not_an_answer(kb, domain):
    form = Form(kb, domain, language="ja", consult_topic="dismissal", requested_slot="consult_prefecture")
    form.reply("ところで連合の会長は誰ですか", "ask_leadership", confidence=0.95)
    assert form.answered == {}  # rejected: the digression rule answers, then the form asks again
    form.reply("大阪です", "ask_locals", confidence=0.95, prefecture="Osaka")
    assert form.slots["consult_prefecture"] == "Osaka"


def test_a_language_switch_during_the_form_is_left_to_its_rule(kb, domain):
    form = Form(kb, domain, language="en", consult_topic="dismissal", requested_slot="consult_description")
    form.reply("日本語でお願いします", "switch_language", confidence=1.0)
    assert form.answered == {}  # not taken as the description


def test_cancel_in_japanese(kb, domain):
    form = ja_form(kb, domain)
    form.reply("やっぱりやめます", "cancel")
    assert form.answered == {}
