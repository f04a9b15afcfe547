"""A question for a fact the knowledge base never holds is refused, not answered with something nearby.

"How old is the president?" was answered with her message, "the phone number of RENGO Osaka"
with the consultation hotline. The knowledge base holds no one's age, birthday, salary or
home, and no phone number, e-mail or address of a leader, a local or an affiliate: the reply
says so ("I don't know" / 情報がありません, the phrases the questions harness looks for), then
offers a way to a person. Questions the knowledge base does answer keep their answers.
"""
from __future__ import annotations

import pytest

from actions.about import ActionAnswerContact, ActionAnswerOrganisationFact, ActionAnswerPresidentMessage
from actions.context import Turn
from actions.guidance import ActionAnswerConsultationRoutes, ActionGiveGuidance
from actions.help import ActionHandleOutOfScope, ActionHandleUnclear
from actions.leadership import ActionAnswerLeadership
from actions.missing_fact import asked_attribute, missing_fact
from actions.organisations import ActionAnswerLocals, ActionAnswerOrganisation, ActionAnswerRelatedOrganisations
from knowledge.normalize import JAPANESE_LETTER
from tests.support import make_tracker

JA = {"language": "ja"}
EN = {"language": "en"}
YOSHINO = {"person": "Tomoko YOSHINO"}
PRESIDENT = {"role": "President"}
OSAKA = {"prefecture": "Osaka"}
HOTLINE = "0120-154-052"


def turn_of(kb, domain, text, intent, entities=None, slots=None, **kwargs) -> Turn:
    from rasa_sdk.executor import CollectingDispatcher

    tracker = make_tracker(text, intent, entities=entities, slots=slots, **kwargs)
    return Turn.of(CollectingDispatcher(), tracker, domain, kb)


# --- the questions of the report, with the intent and entities the NLU gives them -----------------


@pytest.mark.parametrize(
    "action, text, intent, entities, subject, label",
    [
        (ActionAnswerPresidentMessage, "芳野会長は何歳？", "ask_president_message", {**YOSHINO, **PRESIDENT},
         "芳野友子（Tomoko YOSHINO、会長）", "年齢"),
        (ActionAnswerPresidentMessage, "芳野会長っていくつ？", "ask_president_message", {**YOSHINO, **PRESIDENT},
         "芳野友子", "年齢"),
        (ActionAnswerPresidentMessage, "芳野会長の年収は？", "ask_president_message", {**YOSHINO, **PRESIDENT},
         "芳野友子", "給与・収入"),
        (ActionAnswerLeadership, "芳野さんの誕生日は", "ask_leadership", YOSHINO, "芳野友子", "生年月日"),
        (ActionAnswerLeadership, "芳野会長はどこに住んでいますか", "ask_leadership", {**YOSHINO, **PRESIDENT},
         "芳野友子", "自宅の住所"),
        (ActionAnswerLeadership, "事務局長のメールアドレスを教えて", "ask_leadership", {"role": "General Secretary"},
         "事務局長", "メールアドレス"),
    ],
)
def test_a_leaders_personal_facts_are_refused_in_japanese(run_action, action, text, intent, entities, subject, label):
    run = run_action(action, text, intent, entities=entities, slots=JA)
    assert run.responses[0] == "utter_missing_fact"
    assert "情報がありません" in run.texts[0]
    assert subject in run.texts[0] and f"の{label}について" in run.texts[0]
    assert "utter_president_message" not in run.responses and "utter_leader" not in run.responses


@pytest.mark.parametrize(
    "action, text, intent, entities, label",
    [
        (ActionAnswerLeadership, "how old is the president?", "ask_leadership", PRESIDENT, "age"),
        (ActionAnswerLeadership, "when was Tomoko Yoshino born", "ask_leadership", YOSHINO, "date of birth"),
        (ActionHandleOutOfScope, "what's the president's salary", "out_of_scope", PRESIDENT, "salary"),
        (ActionAnswerLeadership, "where does Yoshino live", "ask_leadership", YOSHINO, "home address"),
        (ActionAnswerLeadership, "what is yoshino's age", "ask_leadership", YOSHINO, "age"),
        (ActionAnswerPresidentMessage, "how much does the president earn?", "ask_president_message", PRESIDENT,
         "salary"),
    ],
)
def test_a_leaders_personal_facts_are_refused_in_english(run_action, action, text, intent, entities, label):
    run = run_action(action, text, intent, entities=entities, slots=EN)
    assert run.responses == ["utter_missing_fact"]
    assert "I don't know" in run.text and f"the {label}" in run.text and "Tomoko YOSHINO" in run.text
    assert not JAPANESE_LETTER.search(run.text)  # the harness reads a reply with kana as Japanese
    assert run.slot("person") == "Tomoko YOSHINO"  # "and which union is she from?" comes next


def test_a_leaders_email_is_refused_and_rengo_itself_offered(run_action):
    run = run_action(ActionAnswerLeadership, "email address of the general secretary", "ask_leadership",
                     entities={"role": "General Secretary"}, slots=EN)
    assert run.responses == ["utter_missing_fact", "utter_missing_fact_rengo_contact"]
    assert "I don't know the e-mail address of Hideyuki SHIMIZU (General Secretary)" in run.text
    assert "Kanda-Surugadai" in run.text and "https://www.jtuc-rengo.org" in run.text
    assert not JAPANESE_LETTER.search(run.text)


def test_a_role_held_by_several_is_named_by_the_role(run_action):
    run = run_action(ActionAnswerLeadership, "how old are the vice presidents", "ask_leadership",
                     entities={"role": "Vice President"}, slots=EN)
    assert run.responses == ["utter_missing_fact"]
    assert "the age of RENGO's Vice Presidents" in run.text


def test_she_after_the_president_is_the_president(run_action):
    run = run_action(ActionAnswerLeadership, "how old is she?", "ask_leadership",
                     slots={**EN, "last_subject": "person", "person": "Tomoko YOSHINO"})
    assert run.responses == ["utter_missing_fact"] and "Tomoko YOSHINO" in run.text


# --- locals, affiliates and related organisations ----------------------------------------------------


def test_a_locals_phone_number_is_refused_in_japanese_with_the_routes(run_action):
    run = run_action(ActionAnswerConsultationRoutes, "連合大阪の電話番号を教えて", "ask_consultation_routes",
                     entities=OSAKA, slots=JA)
    assert run.responses == ["utter_missing_fact", "utter_consultation_routes"]
    assert "連合大阪（RENGO Osaka）の電話番号については、私の知識ベースに情報がありません" in run.texts[0]
    # then where the local is found, and the hotline: both facts of the knowledge base
    assert "地方連合会の一覧" in run.texts[1] and "https://www.jtuc-rengo.or.jp/" in run.texts[1]
    assert HOTLINE in run.texts[1] and HOTLINE not in run.texts[0]
    assert run.slot("prefecture") == "Osaka"


@pytest.mark.parametrize(
    "action, text, intent, label",
    [
        (ActionAnswerOrganisation, "what is the phone number of RENGO Osaka?", "ask_organisation", "phone number"),
        (ActionAnswerContact, "what is the address of RENGO Osaka", "ask_contact", "address"),
        (ActionAnswerLocals, "email of rengo osaka", "ask_locals", "e-mail address"),
        (ActionAnswerContact, "what is the website of RENGO Osaka", "ask_contact", "website"),
    ],
)
def test_a_locals_contact_details_are_refused_in_english(run_action, action, text, intent, label):
    run = run_action(action, text, intent, entities=OSAKA, slots=EN)
    assert run.responses == ["utter_missing_fact", "utter_consultation_routes"]
    assert f"I don't know the {label} of RENGO Osaka" in run.text
    assert "list of locals on RENGO's Japanese website" in run.text and HOTLINE in run.text
    assert not JAPANESE_LETTER.search(run.text)


@pytest.mark.parametrize("text, slots", [("連合大阪の住所", JA), ("連合大阪のホームページ", JA)])
def test_a_locals_address_and_website_are_refused_in_japanese(run_action, text, slots):
    run = run_action(ActionAnswerLocals, text, "ask_locals", entities=OSAKA, slots=slots)
    assert run.responses[0] == "utter_missing_fact" and "情報がありません" in run.texts[0]


def test_an_affiliates_phone_number_is_refused(run_action):
    run = run_action(ActionAnswerOrganisation, "UA ZENSEN phone number", "ask_organisation",
                     entities={"organisation": "UA ZENSEN"}, slots=EN)
    assert run.responses == ["utter_missing_fact", "utter_consultation_routes"]
    assert "I don't know the phone number of UA ZENSEN" in run.text and HOTLINE in run.text
    ja = run_action(ActionAnswerConsultationRoutes, "JAMの電話番号", "ask_consultation_routes",
                    entities={"organisation": "JAM"}, slots=JA)
    assert ja.responses[0] == "utter_missing_fact" and "JAMの電話番号については" in ja.texts[0]
    assert "情報がありません" in ja.texts[0]


def test_a_related_organisations_phone_is_refused_but_its_website_is_given(run_action, kb):
    assert kb.related_organisation("JILAF").url
    phone = run_action(ActionAnswerRelatedOrganisations, "what's the phone number of JILAF",
                       "ask_related_organisations", entities={"related_org": "JILAF"}, slots=EN)
    assert phone.responses == ["utter_missing_fact", "utter_related_organisation"]
    assert "I don't know the phone number of JILAF" in phone.text and kb.related_organisation("JILAF").url in phone.text
    website = run_action(ActionAnswerRelatedOrganisations, "what is JILAF's website", "ask_related_organisations",
                         entities={"related_org": "JILAF"}, slots=EN)
    assert website.responses == ["utter_related_organisation"] and "I don't know" not in website.text


def test_a_related_organisation_without_a_website_is_refused_its_website(run_action, kb):
    lacking = next(r.name for r in kb.related_organisations() if not r.url)
    run = run_action(ActionAnswerRelatedOrganisations, f"what is the website of {lacking}",
                     "ask_related_organisations", entities={"related_org": lacking}, slots=EN)
    assert run.responses[0] == "utter_missing_fact" and f"the website of {lacking}" in run.text


# --- what the knowledge base does answer keeps its answer -----------------------------------------


def test_rengos_own_phone_number_is_answered_with_its_contacts_and_the_hotline(run_action):
    # misread as a question about an unknown organisation, which said "I couldn't find" it
    run = run_action(ActionAnswerOrganisation, "what is RENGO's phone number", "ask_organisation", slots=EN)
    assert run.responses == ["utter_contact", "utter_consultation_routes"]
    assert "Kanda-Surugadai" in run.text and HOTLINE in run.text
    assert "I don't know" not in run.text and "couldn't find" not in run.text
    assert not JAPANESE_LETTER.search(run.text)


@pytest.mark.parametrize(
    "action, text, intent, slots",
    [
        (ActionAnswerConsultationRoutes, "連合の電話番号", "ask_consultation_routes", JA),
        (ActionAnswerConsultationRoutes, "相談ダイヤルの電話番号", "ask_consultation_routes", JA),
        (ActionAnswerConsultationRoutes, "hotline number", "ask_consultation_routes", EN),
        (ActionAnswerConsultationRoutes, "what's the hotline phone number in Osaka", "ask_consultation_routes", EN),
        (ActionAnswerConsultationRoutes, "大阪で相談できる電話番号を教えて", "ask_consultation_routes", JA),
    ],
)
def test_the_hotlines_number_is_answered(run_action, action, text, intent, slots):
    entities = OSAKA if "Osaka" in text or "大阪" in text else None
    run = run_action(action, text, intent, entities=entities, slots=slots)
    assert "utter_missing_fact" not in run.responses
    assert HOTLINE in run.text
    assert "情報がありません" not in run.text and "I don't know" not in run.text


@pytest.mark.parametrize(
    "action, text, intent, entities, slots, response",
    [
        (ActionAnswerContact, "what is the address of rengo", "ask_contact", None, EN, "utter_contact"),
        (ActionAnswerContact, "連合の住所", "ask_contact", None, JA, "utter_contact"),
        (ActionAnswerContact, "what's RENGO's website", "ask_contact", None, EN, "utter_contact"),
        (ActionAnswerOrganisationFact, "how old is RENGO", "ask_founding", None, EN, "utter_founding"),
        (ActionAnswerOrganisationFact, "連合は何年にできた", "ask_founding", None, JA, "utter_founding"),
        (ActionAnswerLeadership, "who is the president", "ask_leadership", PRESIDENT, EN, "utter_leadership_role"),
        (ActionAnswerLeadership, "連合の会長は誰ですか", "ask_leadership", PRESIDENT, JA, "utter_leadership_role"),
        (ActionAnswerLocals, "連合大阪はどこ", "ask_locals", OSAKA, JA, "utter_local"),
        (ActionAnswerLocals, "where is RENGO Osaka", "ask_locals", OSAKA, EN, "utter_local"),
        (ActionAnswerLeadership, "芳野さんはどこの出身", "ask_leadership", YOSHINO, JA, "utter_leader"),
        (ActionAnswerLeadership, "which union is the president from", "ask_leadership", PRESIDENT, EN,
         "utter_leadership_role"),
        (ActionAnswerPresidentMessage, "what does the president say about wages and income?", "ask_president_message",
         PRESIDENT, EN, "utter_president_message"),
        (ActionAnswerPresidentMessage, "芳野会長は給料の格差をどう考えていますか", "ask_president_message",
         {**YOSHINO, **PRESIDENT}, JA, "utter_president_message"),
        (ActionAnswerPresidentMessage, "the president's message", "ask_president_message", PRESIDENT, EN,
         "utter_president_message"),
    ],
)
def test_what_the_knowledge_base_holds_is_still_answered(run_action, action, text, intent, entities, slots, response):
    run = run_action(action, text, intent, entities=entities, slots=slots)
    assert run.responses[0] == response
    assert "utter_missing_fact" not in run.responses


def test_a_described_problem_is_never_taken_for_a_question(run_action):
    run = run_action(ActionGiveGuidance, "my company president did not pay my salary", "problem_unpaid_wages",
                     entities=PRESIDENT, slots=EN)
    assert "utter_missing_fact" not in run.responses and "utter_guidance" in run.responses


def test_the_workers_own_details_are_not_asked_for(kb, domain):
    turn = turn_of(kb, domain, "my phone number is 090-1234-5678, I live in Osaka", "ask_locals", OSAKA)
    assert missing_fact(turn) is None
    turn = turn_of(kb, domain, "私の電話番号は大阪の番号です", "ask_locals", OSAKA, JA)
    assert missing_fact(turn) is None


def test_nothing_is_refused_inside_the_form(kb, domain):
    turn = turn_of(kb, domain, "what is the phone number of RENGO Osaka?", "ask_organisation", OSAKA,
                   active_loop="consultation_form")
    assert missing_fact(turn) is None


def test_an_unclear_message_is_refused_too(run_action):
    run = run_action(ActionHandleUnclear, "yoshino birthday?", "nlu_fallback", entities=YOSHINO, slots=EN)
    assert run.responses == ["utter_missing_fact"]


# --- what counts as asking for an attribute ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("how old is she", "age"),
        ("what's her age?", "age"),
        ("when was she born", "birthday"),
        ("where was she born", "birthplace"),
        ("her birthday", "birthday"),
        ("what's his salary", "salary"),
        ("how much does he earn", "salary"),
        ("where does he live", "home"),
        ("his home address", "home"),
        ("phone number of X", "phone"),
        ("telephone", "phone"),
        ("e-mail address", "email"),
        ("email", "email"),
        ("postal address", "address"),
        ("website", "website"),
        ("会長は何歳", "age"),
        ("会長の年齢", "age"),
        ("会長っておいくつ？", "age"),
        ("会長の生年月日", "birthday"),
        ("会長はいつ生まれましたか", "birthday"),
        ("会長の出身地", "birthplace"),
        ("会長の年収", "salary"),
        ("会長の給料", "salary"),
        ("会長の住所", "address"),
        ("会長はどこに住んでいる", "home"),
        ("電話番号", "phone"),
        ("メアド教えて", "email"),
        ("メールアドレス", "email"),
        ("ホームページ", "website"),
        ("ＦＡＸ番号", "fax"),
        ("how many members does JAM have", "members"),
        ("what is the membership size of UA Zensen", "members"),
        ("JAMの組合員数は？", "members"),
        ("自動車総連って組合員何人くらいいるの", "members"),
        ("UAゼンセンの規模", "members"),
        ("連合大阪は何人いますか", "members"),
    ],
)
def test_attribute_kinds(text, kind):
    assert asked_attribute(text) == kind


@pytest.mark.parametrize(
    "text",
    ["who is the president", "wage increases", "passage", "page 3", "芳野さんはどこの出身",
     "連合大阪はどこ", "会長は誰", "構成組織の一覧", "massage", "the aging society"],
)
def test_no_attribute(text):
    assert asked_attribute(text) is None


def test_an_affiliates_age_is_its_unknown_founding(run_action):
    run = run_action(ActionAnswerOrganisation, "how old is JAM", "ask_organisation",
                     entities={"organisation": "JAM"}, slots=EN)
    assert run.responses == ["utter_founding_unknown_for_organisation", "utter_organisation_affiliate"]
    assert "I don't know when JAM was founded" in run.text


def test_an_affiliates_website_is_refused(run_action):
    run = run_action(ActionAnswerContact, "JAM website", "ask_contact", entities={"organisation": "JAM"}, slots=EN)
    assert run.responses == ["utter_missing_fact", "utter_consultation_routes"]
    assert "I don't know the website of JAM" in run.text


def test_a_role_of_another_body_is_not_rengos_leader(kb, domain):
    # "the president of RENGO Osaka" is not Tomoko YOSHINO: the local is what the question is about
    turn = turn_of(kb, domain, "phone number of the president of RENGO Osaka", "ask_leadership",
                   {**PRESIDENT, **OSAKA})
    found = missing_fact(turn)
    assert (found.attribute, found.subject) == ("phone", "prefecture")
    turn = turn_of(kb, domain, "how old is the president of JAM", "ask_leadership",
                   {**PRESIDENT, "organisation": "JAM"})
    assert missing_fact(turn) is None


def test_rengos_phone_number_asked_as_a_contact_question_gets_the_hotline_too(run_action):
    run = run_action(ActionAnswerContact, "連合本部の電話番号を教えていただけますか", "ask_contact", slots=JA)
    assert run.responses == ["utter_contact", "utter_consultation_routes"]
    assert "住所：" in run.text and HOTLINE in run.text and "情報がありません" not in run.text


@pytest.mark.parametrize("text, intent, slots, phrase", [
    ("how much is the rengo membership fee", "ask_membership", EN, "I don't know the membership fee of RENGO"),
    ("RENGO dues?", "ask_membership", EN, "I don't know the membership fee of RENGO"),
    ("連合の会費はいくらですか", "ask_membership", JA, "連合の会費については、私の知識ベースに情報がありません"),
])
def test_rengos_membership_fee_is_not_known(run_action, text, intent, slots, phrase):
    run = run_action(ActionHandleOutOfScope, text, intent, slots=slots)
    assert run.responses[0] == "utter_missing_fact"
    assert phrase in run.texts[0]
    assert HOTLINE in run.text


def test_an_affiliates_fee_is_not_known_and_membership_is_still_answered(run_action):
    run = run_action(ActionAnswerOrganisation, "what are the JAM union dues", "ask_organisation",
                     entities={"organisation": "JAM"}, slots=EN)
    assert run.responses[0] == "utter_missing_fact"
    run = run_action(ActionHandleOutOfScope, "how many members does rengo have", "ask_membership", slots=EN)
    assert "utter_missing_fact" not in run.responses


# --- member counts: only RENGO's own is in the brochure ------------------------------------------


def test_an_affiliates_member_count_is_not_known_and_what_is_known_follows(run_action):
    run = run_action(ActionAnswerOrganisation, "how many members does JAM have", "ask_membership",
                     entities={"organisation": "JAM"}, slots=EN)
    assert run.responses == ["utter_membership_unknown_for_organisation", "utter_organisation_affiliate"]
    assert "I don't know how many members JAM has" in run.texts[0]
    # read as a question about JAM, not about membership: the same answer
    ja = run_action(ActionAnswerOrganisation, "JAMの組合員数は？", "ask_organisation",
                    entities={"organisation": "JAM"}, slots=JA)
    assert ja.responses == ["utter_membership_unknown_for_organisation", "utter_organisation_affiliate"]
    assert "JAMの組合員数については" in ja.texts[0] and "情報がありません" in ja.texts[0]


def test_a_locals_member_count_is_not_known(run_action):
    run = run_action(ActionAnswerLocals, "連合大阪の組合員は何人？", "ask_locals", entities=OSAKA, slots=JA)
    assert run.responses == ["utter_missing_fact", "utter_consultation_routes"]
    assert "組合員数については" in run.texts[0] and "情報がありません" in run.texts[0]


def test_rengos_own_member_count_and_a_count_of_officers_are_answered(kb, domain):
    assert missing_fact(turn_of(kb, domain, "how many members does rengo have", "ask_membership", slots=EN)) is None
    assert missing_fact(turn_of(kb, domain, "連合の組合員数は？", "ask_membership", slots=JA)) is None
    turn = turn_of(kb, domain, "JAMの副会長は何人いる？", "ask_leadership",
                   {"organisation": "JAM", "role": "Vice President"}, JA)
    assert missing_fact(turn) is None
