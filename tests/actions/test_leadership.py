"""Leadership answers by role, person and union, including follow-ups."""
from actions.leadership import ActionAnswerLeadership


def test_overview_names_president_and_general_secretary(run_action):
    run = run_action(ActionAnswerLeadership, "who leads rengo", "ask_leadership")
    assert "Tomoko YOSHINO" in run.text and "Hideyuki SHIMIZU" in run.text
    assert "Vice President (15)" in run.text
    assert {b["title"] for b in run.buttons} == {
        "Deputy President",
        "Vice President",
        "Assistant General Secretary",
    }


def test_role(run_action):
    run = run_action(
        ActionAnswerLeadership, "who are the deputy presidents", "ask_leadership",
        entities={"role": "Deputy President"},
    )
    assert run.responses == ["utter_leadership_role_plural"]
    assert "Akihiko MATSUURA (UA ZENSEN)" in run.text
    assert "Chihiro ISHIGAMI (JICHIRO)" in run.text


def test_person(run_action):
    run = run_action(
        ActionAnswerLeadership, "who is jimbo", "ask_leadership", entities={"person": "Masashi JIMBO"}
    )
    assert "Masashi JIMBO is Vice President of RENGO" in run.text
    assert "DENKI RENGO" in run.text
    assert run.slot("person") == "Masashi JIMBO"
    assert run.slot("last_subject") == "person"


def test_leaders_from_an_affiliate(run_action):
    run = run_action(
        ActionAnswerLeadership, "leaders from jam", "ask_leadership", entities={"organisation": "JAM"}
    )
    assert "Tomoko YOSHINO (President)" in run.text
    assert "Katahiro YASUKOCHI (Vice President)" in run.text


def test_follow_up_uses_the_previous_union(run_action):
    run = run_action(
        ActionAnswerLeadership, "which leaders come from it?", "ask_leadership",
        slots={"organisation": "NIKKYOSO", "last_subject": "organisation"},
    )
    assert "Hideyuki SHIMIZU (General Secretary)" in run.text
    assert "Yoshiko NORIMATSU" in run.text


def test_without_a_back_reference_the_previous_union_is_not_assumed(run_action):
    run = run_action(
        ActionAnswerLeadership, "who are the leaders", "ask_leadership",
        slots={"organisation": "NIKKYOSO", "last_subject": "organisation"},
    )
    assert run.responses == ["utter_leadership_overview"]


def test_union_without_leaders(run_action):
    run = run_action(
        ActionAnswerLeadership, "leaders from zen zohei", "ask_leadership",
        entities={"organisation": "ZEN ZOHEI"},
    )
    # The question may really be about the union, so it is described too.
    assert run.responses == ["utter_no_leaders_from_organisation", "utter_organisation_affiliate"]
    assert "All Mint Labour Union" in run.text


def test_past_leaders_are_not_known(run_action):
    run = run_action(
        ActionAnswerLeadership, "who was president in 1995", "ask_leadership",
        entities={"year": "1995", "role": "President"},
    )
    assert run.responses == ["utter_leadership_no_history"]
    assert "I don't know" in run.text


def test_the_only_holder_of_a_role_becomes_the_subject(run_action):
    run = run_action(ActionAnswerLeadership, "who is the president", "ask_leadership",
                     entities={"role": "President"})
    assert "Tomoko YOSHINO (JAM)" in run.text
    assert run.slot("person") == "Tomoko YOSHINO"
    assert run.slot("last_subject") == "person"


def test_which_union_is_she_from_as_a_leadership_question(run_action):
    run = run_action(ActionAnswerLeadership, "which union is she from?", "ask_leadership",
                     slots={"person": "Tomoko YOSHINO", "last_subject": "person"})
    assert "Tomoko YOSHINO is President of RENGO, from JAM" in run.text
