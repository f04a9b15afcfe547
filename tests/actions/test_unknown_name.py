"""Questions about a name the knowledge base does not know get an honest answer."""
import pytest

from actions.help import ActionHandleUnclear
from actions.leadership import ActionAnswerLeadership

FALLBACK = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_organisation", "confidence": 0.3}]


@pytest.mark.parametrize("text", ["who is taro yamada", "Who is Mr. Suzuki?", "who's hanako tanaka"])
def test_an_unknown_person_is_not_answered_with_the_leadership(run_action, text):
    run = run_action(ActionAnswerLeadership, text, "ask_leadership")
    assert run.responses == ["utter_unknown_name"]
    assert "couldn't find" in run.text and "YOSHINO" not in run.text


@pytest.mark.parametrize("text", ["who is in charge", "who leads rengo", "who is the boss"])
def test_questions_without_a_name_still_get_the_leadership(run_action, text):
    run = run_action(ActionAnswerLeadership, text, "ask_leadership")
    assert run.responses[0] == "utter_leadership_overview"


def test_a_known_person_is_answered(run_action):
    run = run_action(ActionAnswerLeadership, "who is yoshino", "ask_leadership",
                     entities={"person": "Tomoko YOSHINO"})
    assert "President" in run.text


def test_an_unknown_organisation_in_an_unclear_message(run_action):
    run = run_action(ActionHandleUnclear, "tell me about the Teamsters", "nlu_fallback", ranking=FALLBACK)
    assert run.responses == ["utter_unknown_name"]
    assert '"Teamsters"' in run.text


def test_a_subject_the_brochure_covers_is_not_called_unknown(run_action):
    run = run_action(ActionHandleUnclear, "tell me about social justice", "nlu_fallback", ranking=FALLBACK)
    assert "utter_unknown_name" not in run.responses


def test_a_name_misread_as_a_problem_or_a_local_is_still_unknown(run_action):
    from actions.guidance import ActionGiveGuidance
    from actions.organisations import ActionAnswerLocals

    assert run_action(ActionGiveGuidance, "tell me about the teamsters", "problem_harassment").responses == [
        "utter_unknown_name"]
    assert run_action(ActionAnswerLocals, "who is taro yamada", "ask_locals").responses == ["utter_unknown_name"]


@pytest.mark.parametrize("text", ["tell me about paid leave", "what is unpaid overtime", "tell me about wor-q"])
def test_topics_of_the_curated_answers_are_not_unknown_names(run_action, text):
    from actions.guidance import ActionGiveGuidance

    run = run_action(ActionGiveGuidance, text, "problem_paid_leave")
    assert "utter_unknown_name" not in run.responses


def test_an_unknown_union_asked_as_an_affiliate(run_action):
    from actions.organisations import ActionListAffiliates

    run = run_action(ActionListAffiliates, "is UNISON a rengo affiliate", "ask_affiliate_list")
    assert run.responses == ["utter_unknown_name"] and '"UNISON"' in run.text
    assert run_action(ActionListAffiliates, "what are rengo's affiliates", "ask_affiliate_list").responses == [
        "utter_affiliate_list"]


def test_a_bare_name_read_as_a_problem_is_answered_as_the_name(run_action):
    from actions.guidance import ActionGiveGuidance

    run = run_action(ActionGiveGuidance, "yukitaka narita", "problem_paid_leave",
                     entities={"person": "Yukitaka NARITA"})
    assert "utter_guidance" not in run.responses and "NARITA" in run.text


def test_a_who_question_about_an_unknown_name_is_refused_whatever_the_intent(run_action):
    from actions.about import ActionAnswerOrganisationFact

    run = run_action(ActionAnswerOrganisationFact, "who is Taro Nonexistent?", "ask_founding")
    assert run.responses == ["utter_unknown_name"]
    assert "1989" not in run.text
    run = run_action(ActionAnswerOrganisationFact, "when was rengo founded?", "ask_founding")
    assert "1989" in run.text
