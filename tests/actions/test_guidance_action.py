"""Triage, first guidance and routing to a person (actions/guidance.py)."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import (
    ActionAnswerConsultationRoutes,
    ActionGiveGuidance,
    topic_ranking,
    unsure_between,
)
from actions.help import ActionHandleUnclear
from tests.support import make_tracker

TOPICS = [
    "unpaid_wages", "working_hours", "paid_leave", "dismissal", "harassment", "non_regular",
    "safety_injury", "insurance", "union", "freelance", "foreign_workers",
]


def test_every_topic_of_the_issue_has_curated_guidance(kb):
    assert [t.key for t in kb.guidance_topics()] == TOPICS


@pytest.mark.parametrize("topic", TOPICS)
def test_guidance_is_general_information_with_its_basis_then_routes(run_action, kb, topic):
    guidance = kb.guidance(topic)
    run = run_action(ActionGiveGuidance, "my problem", f"problem_{topic}")
    assert run.responses[0] == "utter_guidance"
    first = run.texts[0]
    assert first.startswith(guidance.title) and "not legal advice" in first
    for statement in guidance.statements:
        assert statement.text in first and statement.basis in first and statement.source in first
    assert run.responses[1] == "utter_consultation_routes"  # a person, always
    routes = {r.key: r for r in kb.consultation_routes()}
    for key in guidance.routes:
        assert routes[key].name in run.texts[1]
    assert run.slot("problem_topic") == topic
    assert run.responses[-1] == "utter_offer_consultation_request"  # whose button starts the form


def test_freelancers_are_sent_to_wor_q(run_action):
    run = run_action(ActionGiveGuidance, "client won't pay my invoice", "problem_freelance")
    assert "Wor-Q" in run.text and "https://wor-q.jp/" in run.text


def test_the_prefecture_picks_the_local_and_without_one_the_bot_asks(run_action):
    run = run_action(ActionGiveGuidance, "fired in sapporo", "problem_dismissal", entities={"prefecture": "Hokkaido"})
    assert "RENGO Hokkaido" in run.text
    assert "utter_ask_prefecture_for_local" not in run.responses
    earlier = run_action(ActionGiveGuidance, "fired", "problem_dismissal", slots={"prefecture": "Osaka"})
    assert "RENGO Osaka" in earlier.text  # said earlier in the conversation
    unknown = run_action(ActionGiveGuidance, "fired", "problem_dismissal")
    assert "utter_ask_prefecture_for_local" in unknown.responses


def test_the_industry_picks_its_affiliates(run_action):
    run = run_action(ActionGiveGuidance, "i'm a nurse and never get breaks", "problem_working_hours",
                     entities={"industry": "healthcare"})
    assert "HEALTH CARE ROKYO" in run.text


def test_an_unsure_triage_asks_one_clarifying_question(run_action):
    ranking = [
        {"name": "problem_non_regular", "confidence": 0.42},
        {"name": "problem_dismissal", "confidence": 0.38},
        {"name": "ask_consultation_routes", "confidence": 0.1},
        {"name": "problem_paid_leave", "confidence": 0.05},
    ]
    run = run_action(ActionGiveGuidance, "my contract thing", "problem_non_regular", ranking=ranking)
    assert run.responses == ["utter_clarify_topic"]
    assert [b["payload"] for b in run.buttons] == [
        "/problem_non_regular", "/problem_dismissal", "/ask_consultation_routes"]
    assert run.slot("triage_clarified") is True
    # asked once: the next unsure message gets the best guess
    again = run_action(ActionGiveGuidance, "my contract thing", "problem_non_regular", ranking=ranking,
                       slots={"triage_clarified": True})
    assert again.responses[0] == "utter_guidance"


def test_confident_or_clear_ahead_is_not_asked():
    assert unsure_between([("dismissal", 0.8), ("non_regular", 0.1)]) == []
    assert unsure_between([("dismissal", 0.55), ("non_regular", 0.2)]) == []
    assert unsure_between([("dismissal", 0.5), ("non_regular", 0.4)]) == ["dismissal", "non_regular"]
    assert topic_ranking({"intent_ranking": [{"name": "greet", "confidence": 0.9}]}) == []


def test_a_fallback_between_problem_topics_asks_which(run_action):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.44},
        {"name": "problem_insurance", "confidence": 0.40},
        {"name": "problem_dismissal", "confidence": 0.35},
    ]
    run = run_action(ActionHandleUnclear, "what about the paper from my company", "nlu_fallback", ranking=ranking)
    assert run.responses == ["utter_clarify_topic"]


def test_a_when_question_is_not_taken_for_a_problem(run_action):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "problem_working_hours", "confidence": 0.40},
        {"name": "problem_safety_injury", "confidence": 0.35},
    ]
    run = run_action(ActionHandleUnclear, "when was the forum on shorter working hours held", "nlu_fallback",
                     ranking=ranking)
    assert "utter_clarify_topic" not in run.responses


def test_where_to_get_help_offers_the_topics(run_action, kb):
    run = run_action(ActionAnswerConsultationRoutes, "i have a problem at work", "ask_consultation_routes")
    assert "0120-154-052" in run.text
    assert len([b for b in run.buttons if b["payload"].startswith("/problem_")]) == len(kb.guidance_topics())


def test_no_offer_of_a_new_request_inside_the_form(kb, domain):
    tracker = make_tracker("and my leave is refused too", "problem_paid_leave", active_loop="consultation_form")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionGiveGuidance(kb).run(dispatcher, tracker, domain))
    responses = [m.get("response") for m in dispatcher.messages]
    assert "utter_guidance" in responses and "utter_offer_consultation_request" not in responses


def test_a_question_for_a_date_is_about_history_not_a_problem(run_action):
    # The words sound like a problem (working hours), the question asks when an event was.
    run = run_action(ActionGiveGuidance, "when was the forum on women's participation and shorter working hours held",
                     "problem_working_hours")
    assert "utter_guidance" not in run.responses
    assert "I don't know" in run.text or "year unknown" in run.text
    assert "1987" not in run.text
