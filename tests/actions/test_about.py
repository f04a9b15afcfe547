"""Answers about RENGO itself, checked against the brochure's words."""
from actions.about import (
    ActionAnswerActionPolicies,
    ActionAnswerContact,
    ActionAnswerMascot,
    ActionAnswerMission,
    ActionAnswerOrganisationFact,
    ActionAnswerPresidentMessage,
    ActionAnswerPrinciples,
    ActionAnswerRengoOverview,
    ActionAnswerVision,
)


def test_overview_states_founding_membership_and_vision(run_action):
    run = run_action(ActionAnswerRengoOverview, "what is rengo", "ask_rengo_overview")
    assert run.responses == ["utter_rengo_overview"]
    assert "1989" in run.text
    assert "seven million" in run.text
    assert "Secure Society based on Work" in run.text
    assert run.slot("last_subject") == "rengo"


def test_founding_lists_the_inauguration(run_action):
    run = run_action(ActionAnswerOrganisationFact, "when was rengo founded", "ask_founding")
    assert run.responses == ["utter_founding"]
    assert "1989" in run.text
    assert "78 affiliates with 8 million members" in run.text


def test_membership_and_structure_and_slogan(run_action):
    assert "seven million" in run_action(
        ActionAnswerOrganisationFact, "how many members", "ask_membership"
    ).text
    structure = run_action(ActionAnswerOrganisationFact, "how is it organised", "ask_structure").text
    assert "enterprise-based unions" in structure and "47" in structure
    slogan = run_action(ActionAnswerOrganisationFact, "slogan?", "ask_slogan").text
    assert "forward together in all kinds of work" in slogan


def test_president_message_is_signed(run_action):
    run = run_action(ActionAnswerPresidentMessage, "president's message", "ask_president_message")
    assert "Tomoko Yoshino" in run.text or "Tomoko YOSHINO" in run.text
    assert "COVID-19" in run.text


def test_mission_has_five_items(run_action):
    run = run_action(ActionAnswerMission, "mission", "ask_mission")
    assert "5. We are deeply aware" in run.text
    assert "full employment" in run.text


def test_all_principles_with_their_date(run_action):
    run = run_action(ActionAnswerPrinciples, "rengo principles", "ask_principles")
    assert "6 October 2005" in run.text
    assert "7. We will engage in a wide range of social activities" in run.text


def test_one_principle_by_article(run_action):
    run = run_action(
        ActionAnswerPrinciples, "what does article 6 say", "ask_principles", entities={"article": "6"}
    )
    assert run.responses == ["utter_principle_article"]
    assert "protect personal information" in run.text
    assert "Article 6" in run.text


def test_preamble(run_action):
    run = run_action(ActionAnswerPrinciples, "what does the preamble say", "ask_principles")
    assert run.responses == ["utter_preamble"]
    assert "checking the actions of management" in run.text


def test_vision_lists_bridges_and_one_bridge_has_items(run_action):
    run = run_action(ActionAnswerVision, "secure society based on work", "ask_vision")
    assert "Connect Education and Work" in run.text
    assert "Create Healthy and Longevous Society" in run.text
    bridge = run_action(ActionAnswerVision, "bridge 2", "ask_vision", entities={"bridge": "II"})
    assert "Connect Life and Work" in bridge.text
    assert "child-care and nursing care" in bridge.text


def test_action_policies_and_one_area_with_sdgs(run_action):
    run = run_action(ActionAnswerActionPolicies, "action policies", "ask_action_policies")
    assert "Pursuit of Collective Industrial Relations" in run.text
    assert "action_policies.html" in run.text
    area = run_action(
        ActionAnswerActionPolicies,
        "priority area 3",
        "ask_action_policies",
        entities={"policy_area": "priority-3"},
    )
    assert "True Diversity" in area.text
    assert "Labour Consultations" in area.text
    assert "Related SDGs: 1, 2, 4, 5, 8, 10" in area.text


def test_mascot_and_contact(run_action):
    assert "UNIONION" in run_action(ActionAnswerMascot, "mascot", "ask_mascot").text
    contact = run_action(ActionAnswerContact, "address", "ask_contact").text
    assert "3-2-11 Kanda-Surugadai" in contact
    assert "https://www.jtuc-rengo.org" in contact


def test_a_named_person_wins_over_a_confused_intent(run_action):
    run = run_action(ActionAnswerRengoOverview, "what does yasuhiro naito do at rengo",
                     "ask_rengo_overview", entities={"person": "Yasuhiro NAITO"})
    assert "Yasuhiro NAITO is Assistant General Secretary of RENGO" in run.text
    assert "DENRYOKU SOREN" in run.text


def test_membership_of_an_affiliate_is_not_known(run_action):
    run = run_action(ActionAnswerOrganisationFact, "how many members does JAM have",
                     "ask_membership", entities={"organisation": "JAM"})
    assert run.responses[0] == "utter_membership_unknown_for_organisation"
    assert "I don't know how many members JAM has" in run.text
    assert "seven million" not in run.text


def test_founding_of_a_related_organisation(run_action):
    run = run_action(ActionAnswerOrganisationFact, "when was ilec founded", "ask_founding",
                     entities={"related_org": "ILEC"})
    assert "December 1995" in run.text


def test_vision_question_about_one_item_shows_its_bridge(run_action):
    run = run_action(ActionAnswerVision, "does rengo want free education", "ask_vision")
    assert run.responses == ["utter_vision", "utter_passage_answer"]
    assert "Free education" in run.text


def test_policy_question_about_one_item_shows_its_area(run_action):
    run = run_action(ActionAnswerActionPolicies, "what is the organizational expansion plan 2030",
                     "ask_action_policies")
    assert "Organizational Expansion Plan 2030" in run.text
    assert "Priority Areas" in run.text and "Areas for Advancement" in run.text


def test_context_years_do_not_change_the_subject(run_action):
    run = run_action(ActionAnswerActionPolicies, "action policies 2024-2025", "ask_action_policies",
                     entities={"year": ["2024", "2025"]})
    assert run.responses[0] == "utter_action_policies"


def test_an_incidental_industry_word_does_not_change_the_subject(run_action):
    run = run_action(ActionAnswerContact, "is rengo on social media", "ask_contact",
                     entities={"industry": "media"})
    assert "https://www.jtuc-rengo.or.jp/link" in run.text


def test_a_back_reference_reaches_the_previous_person_whatever_the_intent(run_action):
    run = run_action(ActionAnswerRengoOverview, "which union is she from?", "ask_rengo_overview",
                     slots={"person": "Tomoko YOSHINO", "last_subject": "person"})
    assert "Tomoko YOSHINO is President of RENGO, from JAM" in run.text


def test_another_leader_named_with_the_message_intent_gets_who_they_are(run_action):
    # 「みぶ もりや さんって何してる人？」 was classified ask_president_message (fourth-round model)
    run = run_action(ActionAnswerPresidentMessage, "みぶ もりや さんって何してる人？", "ask_president_message",
                     entities={"person": "Moriya MIBU"}, slots={"language": "ja"})
    assert run.responses == ["utter_leader"]
    assert "MIBU" in run.text and "COVID-19" not in run.text


def test_president_message_about_a_topic(run_action):
    run = run_action(ActionAnswerPresidentMessage, "what does yoshino say about deflation",
                     "ask_president_message", entities={"person": "Tomoko YOSHINO"})
    assert "over 30 years" in run.text
