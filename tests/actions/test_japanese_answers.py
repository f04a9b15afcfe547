"""Answers when the conversation is in Japanese (the ``language`` slot is ``ja``), issue 6.

The Japanese variant of each response is rendered as Rasa would pick it; names appear in
Japanese only where names_ja.yml has them verified, always with the brochure's spelling; facts
that exist only in English are quoted unchanged; English conversations are unchanged.
"""
from __future__ import annotations

import re

import pytest

from actions.about import ActionAnswerContact, ActionAnswerMission
from actions.guidance import ActionAnswerConsultationRoutes, ActionGiveGuidance
from actions.history import ActionAnswerHistory
from actions.language import Names
from actions.leadership import ActionAnswerLeadership
from actions.organisations import ActionAnswerLocals, ActionAnswerOrganisation, ActionListAffiliates
from actions.unknown import unknown_name
from actions.urgent import ActionRespondUrgent
from actions.context import Turn
from tests.support import make_tracker

JA = {"language": "ja"}
# A sentence of English words: what must not be left in a Japanese reply's own text.
ENGLISH_SENTENCE = re.compile(r"\b(?:the|is|are|you|your|of|and)\s+\w+\s+\w+", re.IGNORECASE)


def test_president_by_role_in_japanese(run_action):
    run = run_action(ActionAnswerLeadership, "連合の会長は誰ですか", "ask_leadership",
                     entities={"role": "President"}, slots=JA)
    assert "芳野友子（Tomoko YOSHINO、JAM）" in run.text
    assert "会長" in run.text and "President" not in run.text


def test_person_names_role_and_union_in_japanese(run_action, kb):
    run = run_action(ActionAnswerLeadership, "芳野さんはどこの出身", "ask_leadership",
                     entities={"person": "Tomoko YOSHINO"}, slots=JA)
    leader = kb.leader("Tomoko YOSHINO")
    union = kb.japanese_name("affiliate", leader.affiliate)
    assert "芳野友子（Tomoko YOSHINO）" in run.text and "会長" in run.text
    assert (union.ja_short or union.ja) in run.text


def test_the_same_question_in_english_is_unchanged(run_action):
    run = run_action(ActionAnswerLeadership, "who is the president", "ask_leadership",
                     entities={"role": "President"}, slots={"language": "en"})
    assert "Tomoko YOSHINO" in run.text and "芳野" not in run.text
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", run.text)


def test_affiliate_by_its_japanese_name(run_action):
    run = run_action(ActionAnswerOrganisation, "自動車総連について教えて", "ask_organisation",
                     entities={"organisation": "JIDOSHA SOREN"}, slots=JA)
    assert "自動車総連（JIDOSHA SOREN）" in run.text


@pytest.mark.parametrize("text, expected", [
    ("加盟組織の1番は？", "UA ZENSEN"),
    ("構成組織33番はどこ", "MEDIA ROREN"),
    ("加盟組織の４５番目", "ZEN ZOHEI"),
    ("20番は？", "KAIIN KUMIAI"),
])
def test_affiliate_by_its_number_in_japanese(run_action, kb, text, expected):
    run = run_action(ActionAnswerOrganisation, text, "ask_organisation", slots=JA)
    assert run.responses[0] == "utter_organisation_affiliate"
    assert run.slot("organisation") == expected


def test_a_number_without_ban_names_no_affiliate_in_japanese(run_action):
    run = run_action(ActionAnswerOrganisation, "2023年の組合", "ask_organisation", slots=JA)
    assert run.responses == ["utter_organisation_unknown"]


def test_an_unknown_federation_named_after_an_industry_is_not_guessed(run_action):
    # 全農協労連 is not in the knowledge base; 農協 inside it must not answer JA RENGO instead.
    run = run_action(ActionAnswerOrganisation, "全農協労連について教えて", "ask_organisation",
                     entities={"industry": "agricultural-cooperative"}, slots=JA)
    assert run.responses == ["utter_organisation_unknown"]
    assert "見つかりませんでした" in run.text
    run = run_action(ActionAnswerOrganisation, "農協の組合はどこ？", "ask_organisation",
                     entities={"industry": "agricultural-cooperative"}, slots=JA)
    assert run.responses == ["utter_industry_affiliates"]


def test_an_unverified_name_is_never_shown_in_japanese(kb):
    unverified = [n for n in kb.japanese_names() if not n.verified]
    assert unverified, "names_ja.yml has unverified entries to test with"
    names = Names(kb, "ja")
    kinds = {"affiliate": names.organisation, "person": names.person, "related": names.related}
    for name in unverified:
        if name.kind in kinds:
            shown = kinds[name.kind](name.key)
            assert name.ja not in shown and (not name.ja_short or name.ja_short not in shown)


def test_local_of_a_prefecture_in_japanese(run_action):
    run = run_action(ActionAnswerLocals, "大阪の地方連合会は", "ask_locals",
                     entities={"prefecture": "Osaka"}, slots=JA)
    assert "連合大阪（RENGO Osaka）" in run.text and "大阪府" in run.text


@pytest.mark.parametrize("prefecture, local", [("Kyoto", "連合京都"), ("Tokyo", "連合東京"), ("Hokkaido", "連合北海道")])
def test_local_names_keep_the_whole_short_name(kb, prefecture, local):
    assert Names(kb, "ja").local(prefecture, f"RENGO {prefecture}") == f"{local}（RENGO {prefecture}）"


def test_history_dates_are_written_the_japanese_way(run_action):
    run = run_action(ActionAnswerHistory, "1989年に何があった", "ask_history",
                     entities={"year": "1989"}, slots=JA)
    assert "1989年11月" in run.text
    assert "November" not in run.text


def test_english_only_facts_are_quoted_not_translated(run_action, kb):
    run = run_action(ActionAnswerMission, "連合のミッションは", "ask_mission", slots=JA)
    for item in kb.mission():
        assert item.text in run.text  # the brochure's English, unchanged
    assert "英語" in run.text  # and said to be a quotation of the English brochure


def test_affiliate_list_uses_verified_japanese_names(run_action):
    run = run_action(ActionListAffiliates, "構成組織の一覧", "ask_affiliate_list", slots=JA)
    assert "電機連合（DENKI RENGO）" in run.text and "、" in run.text


def test_guidance_in_japanese_with_its_legal_basis_and_routes(run_action, kb):
    run = run_action(ActionGiveGuidance, "残業代が払われない", "problem_unpaid_wages", slots=JA)
    topic = kb.guidance("unpaid_wages")
    assert topic.title_ja in run.text
    for statement in topic.statements:
        assert statement.text_ja in run.text and statement.basis in run.text
        assert statement.text not in run.text
    assert "なんでも労働相談ホットライン" in run.text and "0120-154-052" in run.text
    assert "法的な助言ではありません" in run.text


def test_routes_and_topic_buttons_in_japanese(run_action, kb):
    run = run_action(ActionAnswerConsultationRoutes, "どこに相談すればいい", "ask_consultation_routes", slots=JA)
    for route in kb.consultation_routes():
        assert route.name_ja in run.text
    titles = [b["title"] for b in run.buttons]
    assert {t.title_ja for t in kb.guidance_topics()} <= set(titles)


def test_urgent_reply_in_japanese(run_action):
    run = run_action(ActionRespondUrgent, "もう死にたい", "report_urgent", slots=JA)
    assert "110" in run.text and "119" in run.text
    assert "まもろうよ こころ" in run.text
    assert not ENGLISH_SENTENCE.search(run.text)


def test_contact_labels_in_japanese(run_action):
    run = run_action(ActionAnswerContact, "連合の連絡先", "ask_contact", slots=JA)
    assert "住所：" in run.text and "Address" not in run.text


def test_suggestion_and_leadership_buttons_follow_the_language(run_action):
    run = run_action(ActionAnswerLeadership, "連合の役員", "ask_leadership", slots=JA)
    titles = [b["title"] for b in run.buttons]
    assert "副会長" in titles and "Vice President" not in titles
    # the payloads keep the knowledge base's English keys, which the linker and actions read
    assert '/ask_leadership{"role": "Vice President"}' in [b["payload"] for b in run.buttons]


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("山田太郎って誰？", "ask_leadership", "山田太郎"),
        ("田中一郎さんは誰ですか", "nlu_fallback", "田中一郎"),
        ("ABCユニオンとは何ですか", "ask_organisation", "ABCユニオン"),
        ("ＸＹＺ労働組合について教えて", "ask_organisation", None),  # 組合: a kind of thing, not a name
        ("パワハラとは何ですか", "problem_harassment", None),  # not a question about a name
        ("連合の会長は誰", "ask_leadership", None),
        ("あなたは誰？", "bot_challenge", None),
        ("UNISONは連合の構成組織ですか", "ask_affiliate_list", "UNISON"),
        ("全国ＸＹＺ労連って連合に入ってる？", "ask_organisation", "全国XYZ労連"),
    ],
)
def test_unknown_names_asked_about_in_japanese(kb, domain, text, intent, expected):
    tracker = make_tracker(text, intent, slots=JA)
    turn = Turn.of(None, tracker, domain, kb)
    assert unknown_name(turn) == expected


def test_unknown_name_reply_says_not_found_in_japanese(run_action):
    run = run_action(ActionAnswerLeadership, "山田太郎って誰？", "ask_leadership", slots=JA)
    assert "山田太郎" in run.text and "見つかりませんでした" in run.text


def test_a_japanese_problem_that_names_a_union_gets_guidance(run_action):
    """Japanese has no spaces: the whole message is not one "word" of a bare name."""
    text = "UAゼンセンの組合員ですが残業代が3か月出ていません"
    run = run_action(ActionGiveGuidance, text, "problem_unpaid_wages", slots=JA,
                     entities={"organisation": "UA ZENSEN"})
    assert "賃金未払い" in run.text


def test_a_bare_japanese_name_read_as_a_problem_is_answered_as_a_name(run_action, kb):
    run = run_action(ActionGiveGuidance, "成田幸隆さん", "problem_union", slots=JA,
                     entities={"person": "Yukitaka NARITA"})
    assert "成田幸隆" in run.text and "賃金" not in run.text


def test_japanese_names_use_one_pair_of_parentheses(kb):
    names = Names(kb, "ja")
    president = kb.leaders(role="President")[0]
    assert names.leader_with_affiliate(president) == "芳野友子（Tomoko YOSHINO、JAM）"
    assert names.organisation("JAM") == "JAM"  # the same in both languages: not repeated
    kaneko = kb.leader("Akihiro KANEKO")
    assert names.leader_with_role(kaneko) == "金子晃浩（Akihiro KANEKO、副会長）"
    assert Names(kb, "en").leader_with_role(kaneko) == "Akihiro KANEKO (Vice President)"


@pytest.mark.parametrize("text, expected", [("October 2023", "2023年10月"), ("Jan.-Feb. 2023", "2023年1〜2月"),
                                            ("as of 2023", "as of 2023"), (None, "")])
def test_month_and_year_the_japanese_way(kb, text, expected):
    assert Names(kb, "ja").month_year(text) == expected
    assert Names(kb, "en").month_year("October 2023") == "October 2023"
