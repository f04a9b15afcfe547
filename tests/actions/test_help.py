"""Routes to a person, follow-ups and unclear messages."""
import pytest

from actions.guidance import ActionAnswerConsultationRoutes
from actions.help import ActionAcknowledge, ActionHandleOutOfScope, ActionHandleUnclear
from actions.organisations import ActionAnswerLocals


def test_routes_name_the_hotline_line_and_wor_q(run_action):
    run = run_action(ActionAnswerConsultationRoutes, "I need help at work", "ask_consultation_routes")
    assert "0120-154-052" in run.text
    assert "LINE" in run.text
    assert "Wor-Q" in run.text


def test_routes_add_the_local_and_industry(run_action):
    run = run_action(ActionAnswerConsultationRoutes, "I'm a nurse in osaka, help",
                     "ask_consultation_routes",
                     entities={"prefecture": "Osaka", "industry": "healthcare"})
    assert "RENGO Osaka" in run.text
    assert "HEALTH CARE ROKYO" in run.text


def test_a_bare_fragment_is_answered_by_what_it_names(run_action):
    # "and kyoto?" may be read as any question; the entity decides the answer.
    assert "RENGO Kyoto" in run_action(
        ActionAnswerLocals, "and kyoto?", "ask_locals", entities={"prefecture": "Kyoto"}).text
    assert "Confederation of Japan Automobile Workers' Unions" in run_action(
        ActionHandleUnclear, "what about JAW?", "nlu_fallback",
        entities={"organisation": "JIDOSHA SOREN"}).text
    assert "Great East Japan Earthquake" in run_action(
        ActionAnswerLocals, "and 2011?", "ask_locals", entities={"year": "2011"}).text


def test_unclear_offers_did_you_mean_buttons(run_action):
    run = run_action(
        ActionHandleUnclear, "xyzzy plugh", "nlu_fallback",
        ranking=[
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "ask_history", "confidence": 0.35},
            {"name": "greet", "confidence": 0.2},
            {"name": "ask_leadership", "confidence": 0.2},
        ],
    )
    assert "utter_did_you_mean" in run.responses
    assert [b["payload"] for b in run.buttons] == ["/ask_history", "/ask_leadership"]
    assert run.buttons[0]["title"] == "RENGO's history"


def test_unclear_with_nothing_known_says_so(run_action):
    run = run_action(ActionHandleUnclear, "xyzzy plugh", "nlu_fallback",
                     ranking=[{"name": "nlu_fallback", "confidence": 0.9}])
    assert run.responses == ["utter_dont_know"]
    assert "I don't know" in run.text


def test_unclear_answers_from_a_passage(run_action):
    run = run_action(ActionHandleUnclear, "checking the actions of management and social justice",
                     "nlu_fallback", ranking=[{"name": "nlu_fallback", "confidence": 0.9}])
    assert run.responses[0] == "utter_passage_answer"
    assert "social justice" in run.text


def test_out_of_scope_is_refused_honestly(run_action):
    run = run_action(ActionHandleOutOfScope, "what's the weather in osaka", "out_of_scope",
                     entities={"prefecture": "Osaka"})
    assert run.responses == ["utter_out_of_scope"]
    assert "outside what I can answer" in run.text


def test_out_of_scope_guess_yields_to_a_known_name(run_action):
    run = run_action(ActionHandleOutOfScope, "yukitaka narita", "out_of_scope",
                     entities={"person": "Yukitaka NARITA"})
    assert "UNYU ROREN" in run.text


@pytest.mark.parametrize("text, entities, expected", [
    ("ブリッジⅡ", {"bridge": "II"}, "utter_vision_bridge"),
    ("推進分野2って何", {"policy_area": "advancement-2"}, "utter_policy_area"),
])
def test_out_of_scope_guess_yields_to_rengos_own_numbering(run_action, text, entities, expected):
    run = run_action(ActionHandleOutOfScope, text, "out_of_scope", entities=entities, slots={"language": "ja"})
    assert run.responses[0] == expected


def test_unclear_but_named_is_answered_by_the_name(run_action):
    run = run_action(ActionHandleUnclear, "fukuoka", "nlu_fallback",
                     entities={"prefecture": "Fukuoka"})
    assert "RENGO Fukuoka" in run.text


def test_an_action_passes_a_question_about_something_else_on(run_action):
    run = run_action(ActionAnswerLocals, "who is kyoichi ando", "ask_locals",
                     entities={"person": "Kyoichi ANDO"})
    assert "Kyoichi ANDO is Vice President of RENGO" in run.text
    assert "JOHO ROREN" in run.text


def test_capabilities_unless_something_is_named(run_action):
    from actions.help import ActionAnswerCapabilities

    plain = run_action(ActionAnswerCapabilities, "what can you do", "ask_capabilities")
    assert plain.responses == ["utter_capabilities"]
    named = run_action(ActionAnswerCapabilities, "what's FNIU", "ask_capabilities",
                       entities={"organisation": "SOMPO ROREN"})
    assert "Federation of Non-Life Insurance Workers' Unions of Japan" in named.text
    pointed = run_action(ActionAnswerCapabilities, "which union is he from", "ask_capabilities",
                         slots={"person": "Hideyuki SHIMIZU", "last_subject": "person"})
    assert "NIKKYOSO" in pointed.text


def test_a_yes_or_no_outside_a_question_asks_for_more(run_action):
    for text, intent in (("yes please", "affirm"), ("nope", "deny")):
        run = run_action(ActionAcknowledge, text, intent)
        assert run.responses == ["utter_anything_else"]


def test_a_bare_name_read_as_a_yes_is_answered_by_the_name(run_action):
    # A name alone can look like "ok" to the classifier; it asks about the name.
    run = run_action(ActionAcknowledge, "FNIU?", "affirm", entities={"organisation": "SOMPO ROREN"})
    assert "SOMPO ROREN" in run.text
    run = run_action(ActionAcknowledge, "松浦昭彦", "affirm",
                     entities={"person": "Akihiko MATSUURA"}, slots={"language": "ja"})
    assert "松浦昭彦" in run.text and "UAゼンセン" in run.text
    run = run_action(ActionAcknowledge, "はい、JAMの人に相談したいです", "affirm",
                     entities={"organisation": "JAM"}, slots={"language": "ja"})
    assert run.responses == ["utter_anything_else"]


@pytest.mark.parametrize("text, year", [
    ("Wor-Qのサイトはいつ開設されましたか", "2020"),
    ("when was the Wor-Q website launched?", "2020"),
    ("LINE相談っていつ始まったの", "2018"),
])
def test_when_a_route_began_is_answered_from_the_history(run_action, text, year):
    run = run_action(ActionAnswerConsultationRoutes, text, "ask_consultation_routes")
    assert run.responses[0] == "utter_history_events" and year in run.texts[0]
    assert "utter_consultation_routes" not in run.responses


@pytest.mark.parametrize("text", [
    "when can I call the hotline?", "いつでも相談できますか", "いつ電話すればいいですか", "LINEで相談したい",
])
def test_when_a_route_is_open_is_answered_with_the_routes(run_action, text):
    run = run_action(ActionAnswerConsultationRoutes, text, "ask_consultation_routes")
    assert run.responses[0] == "utter_consultation_routes"


def test_a_bot_challenge_unless_something_is_named(run_action):
    from actions.help import ActionAnswerBotChallenge

    plain = run_action(ActionAnswerBotChallenge, "これってボット？", "bot_challenge", slots={"language": "ja"})
    assert plain.responses == ["utter_bot_challenge"]
    person = run_action(ActionAnswerBotChallenge, "みぶ もりや さんって何してる人？", "bot_challenge",
                        entities={"person": "Moriya MIBU"}, slots={"language": "ja"})
    assert "utter_bot_challenge" not in person.responses and "電力総連" in person.text
    bridge = run_action(ActionAnswerBotChallenge, "ブリッジⅡの内容は？", "bot_challenge",
                        entities={"bridge": "II"}, slots={"language": "ja"})
    assert bridge.responses[0] == "utter_vision_bridge"


def test_an_unclear_problem_gets_guidance_before_its_place(run_action):
    # the classifier's fallback, with a problem topic its best guess: the problem, not the local
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "problem_unpaid_wages", "confidence": 0.40},
               {"name": "problem_safety_injury", "confidence": 0.10}]
    run = run_action(ActionHandleUnclear, "神戸の病院で看護師をしています。残業代が出ません", "nlu_fallback",
                     entities={"prefecture": "Hyogo", "industry": "healthcare"}, ranking=ranking,
                     slots={"language": "ja"})
    assert run.responses[0] == "utter_guidance" and "0120-154-052" in run.text  # the local follows, as a route
    # a place named with no problem in sight is still answered by the place
    place = run_action(ActionHandleUnclear, "fukuoka", "nlu_fallback", entities={"prefecture": "Fukuoka"},
                       ranking=[{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_locals", "confidence": 0.3}])
    assert "RENGO Fukuoka" in place.text


def test_an_unclear_who_question_is_answered_by_the_name_whatever_the_guess(run_action):
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "problem_harassment", "confidence": 0.40}]
    run = run_action(ActionHandleUnclear, "who is kyoichi ando", "nlu_fallback",
                     entities={"person": "Kyoichi ANDO"}, ranking=ranking)
    assert "Kyoichi ANDO is Vice President of RENGO" in run.text
