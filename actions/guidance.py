"""Triage and first guidance: what a worker's problem is about, where they stand, whom to call.

A described problem arrives as one intent per topic (``problem_dismissal``...,
the topics of ``knowledge/curated/guidance.yml``). The answer is that topic's
general information with its legal basis, marked as not legal advice, and
always followed by the routes to a person, chosen by what the worker said: the
local for their prefecture, the affiliates for their industry, Wor-Q for
freelancers. When the classifier hesitates between topics, the bot asks one
clarifying question instead of guessing.
"""
from __future__ import annotations

import re

from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk.events import SlotSet

from actions.base import KnowledgeAction, about
from actions.context import Turn
from actions.dispatch import answer_by_entity
from actions.formatting import bullets
from actions.history import answer_event, asks_when_it_began
from actions.organisations import answer_local
from actions.unknown import answer_unknown_name
from knowledge.normalize import JAPANESE_LETTER, JAPANESE_LETTERS
from knowledge.records import GuidanceTopic, Route

PROBLEM_PREFIX = "problem_"

# Triage hesitates when its best topic is below CONFIDENT and the runner-up
# topic is within MARGIN of it; then it asks instead of answering. Chosen
# before looking at the blind triage set (tests/triage/problems.yml), whose
# report (scripts/evaluate_triage.py) shows how often the question is asked.
CONFIDENT = 0.6
MARGIN = 0.25
# Only topics at least this likely are offered in the clarifying question.
MIN_CANDIDATE = 0.1
MAX_CANDIDATES = 3

FORM_NAME = "consultation_form"
# A message of a few words naming someone or some organisation is a question
# about them, even if the classifier read a problem into it.
NAMES = frozenset({"person", "organisation", "related_org"})
BARE_NAME_WORDS = 4
# Japanese has no spaces: a message is a bare name when, the names taken out, at most this many
# Japanese letters are left (「自動車総連って」, 「成田幸隆さんは」).
BARE_NAME_JAPANESE_LETTERS = 6


def is_bare_name(turn: Turn) -> bool:
    """A message of a few words naming someone or some organisation ("yukitaka narita", 「芳野さん」)."""
    if not turn.named() & NAMES:
        return False
    text = turn.text or ""
    if not JAPANESE_LETTER.search(text):
        return len(text.split()) <= BARE_NAME_WORDS
    spans = [
        (e["start"], e["end"]) for e in (turn.tracker.latest_message or {}).get("entities") or []
        if e.get("entity") in NAMES and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
    ]
    rest = "".join(c for i, c in enumerate(text) if not any(s <= i < e for s, e in spans))
    return len(JAPANESE_LETTER.findall(rest)) <= BARE_NAME_JAPANESE_LETTERS


def topic_of(intent: Optional[str]) -> Optional[str]:
    """``problem_dismissal`` -> ``dismissal``; None for any other intent."""
    if intent and intent.startswith(PROBLEM_PREFIX):
        return intent[len(PROBLEM_PREFIX):]
    return None


def topic_ranking(tracker_message: Dict[str, Any]) -> List[Tuple[str, float]]:
    """The problem topics of the message's intent ranking, most likely first."""
    ranking = tracker_message.get("intent_ranking") or []
    topics = []
    for candidate in ranking:
        topic = topic_of(candidate.get("name"))
        if topic:
            topics.append((topic, float(candidate.get("confidence") or 0.0)))
    return sorted(topics, key=lambda t: -t[1])


def unsure_between(ranking: Sequence[Tuple[str, float]]) -> List[str]:
    """The topics to ask about when triage hesitates, else an empty list."""
    if len(ranking) < 2:
        return []
    (_, best), (_, second) = ranking[0], ranking[1]
    if best >= CONFIDENT or best - second > MARGIN:
        return []
    return [topic for topic, confidence in ranking[:MAX_CANDIDATES] if confidence >= MIN_CANDIDATE]


# An English question for a date: about RENGO's history, never a described problem.
_ASKS_WHEN = re.compile(r"^\s*(?:when\s+(?:was|were|did)|what\s+year|which\s+year|in\s+what\s+year)\b", re.IGNORECASE)

# "Labour Consultation Hotline (なんでも労働相談ホットライン)": the Japanese name in brackets.
_JAPANESE_IN_BRACKETS = re.compile(rf"\s*[(（][^)）]*[{JAPANESE_LETTERS}][^)）]*[)）]")


def route_line(route: Route, language: str = "en", *, japanese_name: bool = True) -> str:
    """A route as one line in the reply's language, its phone number and page included;
    ``japanese_name=False`` leaves the Japanese name out of an English line."""
    if language == "ja":
        line = f"{route.name_ja}：{route.how_ja or route.description_ja}"
    else:
        name = route.name if japanese_name else _JAPANESE_IN_BRACKETS.sub("", route.name)
        line = f"{name}: {route.how or route.description}"
    missing = [p for p in (route.phone, route.url) if p and p not in line]
    return " ".join([line, *missing])


def say_routes(turn: Turn, keys: Optional[Sequence[str]] = None) -> None:
    """The routes to a person (``keys`` in that order, else all), then the ones the worker's words pick.

    The local for a prefecture the worker named (now or earlier) and the
    affiliates of their industry come after the general routes; without a
    prefecture the bot asks for it, since the local is the nearest person.
    """
    routes = {r.key: r for r in turn.kb.consultation_routes()}
    chosen = [routes[k] for k in keys if k in routes] if keys else list(routes.values())
    turn.say("utter_consultation_routes", routes=bullets(route_line(r, turn.lang) for r in chosen))
    prefectures = turn.all("prefecture") or _slot_list(turn, "prefecture")
    for prefecture in prefectures:
        answer_local(turn, prefecture)
    for industry in turn.all("industry") or _slot_list(turn, "industry"):
        orgs = turn.kb.organisations_for_industry(industry)
        if orgs:
            n = turn.names
            turn.say(
                "utter_consultation_routes_industry",
                organisations=n.join(n.organisation_label(o) for o in orgs),
            )
    if not prefectures and "local" in [r.key for r in chosen]:
        turn.say("utter_ask_prefecture_for_local")


def _slot_list(turn: Turn, slot: str) -> List[str]:
    value = turn.tracker.get_slot(slot)
    return [str(value)] if value else []


def topic_buttons(turn: Turn, keys: Optional[Sequence[str]] = None) -> List[Dict[str, str]]:
    """One button per guidance topic (all, or ``keys`` in that order)."""
    topics = {t.key: t for t in turn.kb.guidance_topics()}
    wanted = keys if keys is not None else list(topics)
    return [
        {"title": topic_title(turn, topics[k]), "payload": f"/{PROBLEM_PREFIX}{k}"} for k in wanted if k in topics
    ]


def topic_title(turn: Turn, topic: GuidanceTopic) -> str:
    return topic.title_ja if turn.lang == "ja" else topic.title


def say_guidance(turn: Turn, topic: GuidanceTopic) -> None:
    n = turn.names
    statements = bullets(
        n.paren(s.text_ja if n.ja else s.text, s.basis) for s in topic.statements
    )
    sources = list(dict.fromkeys(s.source for s in topic.statements))
    turn.say("utter_guidance", title=topic_title(turn, topic), statements=statements, sources=" ".join(sources))


def in_form(turn: Turn) -> bool:
    return (turn.tracker.active_loop or {}).get("name") == FORM_NAME


class ActionGiveGuidance(KnowledgeAction):
    """First guidance on a described problem, then the routes to a person."""

    action_name = "action_give_guidance"
    handles = None  # a prefecture or an industry picks routes; it never changes the subject

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        unknown = answer_unknown_name(turn)  # "tell me about the teamsters" misread as a problem
        if unknown is not None:
            return unknown
        if is_bare_name(turn):
            return answer_by_entity(turn)  # "yukitaka narita": a name, not a problem
        if _ASKS_WHEN.match(turn.text or ""):
            # "when was the forum on ... working hours held": an event of RENGO's, however much
            # its words sound like a problem at work
            from actions.history import ActionAnswerHistory

            return ActionAnswerHistory(turn.kb).respond(turn)
        message = turn.tracker.latest_message or {}
        ranking = topic_ranking(message)
        clarified = turn.tracker.get_slot("triage_clarified")
        candidates = [] if clarified or in_form(turn) else unsure_between(ranking)
        if candidates:
            turn.say("utter_clarify_topic", buttons=topic_buttons(turn, candidates) + [_something_else(turn)])
            return [SlotSet("triage_clarified", True)]
        key = topic_of(turn.intent) or (ranking[0][0] if ranking else None)
        topic = turn.kb.guidance(key) if key else None
        if topic is None:  # a problem intent without curated guidance: routes only
            say_routes(turn)
            return about("help") + [SlotSet("triage_clarified", None)]
        say_guidance(turn, topic)
        say_routes(turn, topic.routes)
        if not in_form(turn):
            turn.say("utter_offer_consultation_request")
        return about("help") + [SlotSet("problem_topic", topic.key), SlotSet("triage_clarified", None)]


def _something_else(turn: Turn) -> Dict[str, str]:
    return {"title": turn.label("utter_topic_label_other") or "", "payload": "/ask_consultation_routes"}


class ActionAnswerConsultationRoutes(KnowledgeAction):
    """ "Where can I get help?": every route, and an offer to say what the problem is about."""

    action_name = "action_answer_consultation_routes"
    handles = None  # a prefecture or an industry adds to the routes

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        if not in_form(turn) and asks_when_it_began(turn.text) and answer_event(turn):
            return about("history")  # 「Wor-Qのサイトはいつ開設された？」: a date, not the routes
        say_routes(turn)
        if not in_form(turn):
            turn.say("utter_ask_problem_topic", buttons=topic_buttons(turn))
        return about("help")
