"""What the bot can do, honest refusals, and what to do when the question is unclear."""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Text

from actions.base import KnowledgeAction, about
from actions.context import Turn
from actions.dispatch import answer_by_entity
from actions.guidance import ActionGiveGuidance, is_bare_name, topic_of, topic_ranking, unsure_between
from actions.unknown import answer_unknown_name

# "when was the forum on ... working hours held": a question about RENGO, never
# a described problem, however much the words sound like one.
_ASKS_WHEN_OR_WHO = re.compile(r"^\s*(when|what year|which year|who)\b", re.IGNORECASE)

# Intents that make sense as "did you mean" suggestions.
SUGGESTIBLE_PREFIX = "ask_"
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.1


class ActionAnswerCapabilities(KnowledgeAction):
    """What the bot can do: unless the message names something ("what's FNIU",
    "which union is he from?"), which the base class answers instead."""

    action_name = "action_answer_capabilities"

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        turn.say("utter_capabilities")
        return []


class ActionAnswerBotChallenge(KnowledgeAction):
    """ "Are you a bot?": unless the message names someone or something, which the base class
    answers instead (「みぶ もりや さんって何してる人？」 and 「ブリッジⅡの内容は？」 were read as this)."""

    action_name = "action_answer_bot_challenge"

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        turn.say("utter_bot_challenge")
        return []


class ActionAcknowledge(KnowledgeAction):
    """A yes or no outside any question of the bot's: "anything else?". A message that only
    names someone or some union (「松浦昭彦」, "FNIU?") can be read as a yes by the classifier;
    it asks about that name, which is answered instead."""

    action_name = "action_acknowledge"
    handles = None

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        if is_bare_name(turn):
            return answer_by_entity(turn)
        turn.say("utter_anything_else")
        return []


class ActionHandleOutOfScope(KnowledgeAction):
    """An honest refusal, unless the message names someone or something we know."""

    action_name = "action_handle_out_of_scope"
    handles = None
    # Names only the knowledge base knows; a place ("weather in osaka") is not enough. A bridge
    # (「ブリッジⅡ」) or a policy area (「推進分野2」) is linked only in RENGO's own numbering.
    KNOWN_NAMES = frozenset({"person", "organisation", "related_org", "bridge", "policy_area"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        if turn.named() & self.KNOWN_NAMES:
            return answer_by_entity(turn)
        turn.say("utter_out_of_scope")
        return about(None)


def _problem_ranked_first(message: Dict[str, Any]) -> bool:
    """Whether the most likely intent after the fallback is a described problem."""
    ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    return bool(ranking) and bool(topic_of(ranking[0].get("name")))


class ActionHandleUnclear(KnowledgeAction):
    """Low NLU confidence: answer by what is named, else from a passage, else say so."""

    action_name = "action_handle_unclear"
    handles = None

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        message = turn.tracker.latest_message or {}
        asks_about_rengo = bool(_ASKS_WHEN_OR_WHO.match(turn.text))
        problem_first = not asks_about_rengo and _problem_ranked_first(message)
        if turn.named() and not problem_first:
            return answer_by_entity(turn)
        if problem_first or (not asks_about_rengo and unsure_between(topic_ranking(message))):
            # a described problem the classifier could not place ("I'm a nurse in Kobe and my
            # overtime isn't paid"): its guidance, or the question which topic, not the local
            return ActionGiveGuidance(turn.kb).respond(turn)
        unknown = answer_unknown_name(turn)  # "tell me about the teamsters": a name the knowledge base lacks
        if unknown is not None:
            return unknown
        buttons = self._suggestions(turn)
        hits = turn.kb.search_passages(turn.text, limit=1) if turn.text else []
        if hits:
            passage = hits[0].passage
            turn.say(
                "utter_passage_answer",
                section=turn.kb.section_title(passage.section),
                passage=passage.text,
            )
            if buttons:
                turn.say("utter_did_you_mean", buttons=buttons)
            return about("passage")
        if buttons:
            turn.say("utter_did_you_mean", buttons=buttons)
            return []
        turn.say("utter_dont_know")
        return about(None)

    @staticmethod
    def _suggestions(turn: Turn) -> List[Dict[str, str]]:
        ranking = (turn.tracker.latest_message or {}).get("intent_ranking") or []
        entities = {k: v[0] for k, v in turn.entities.items()}
        payload_entities = "" if not entities else _json(entities)
        buttons = []
        for candidate in ranking:
            intent = candidate.get("name") or ""
            if not intent.startswith(SUGGESTIBLE_PREFIX):
                continue
            if (candidate.get("confidence") or 0) < MIN_SUGGESTION_CONFIDENCE:
                continue
            title = turn.label(f"utter_intent_label_{intent}")
            if title:
                buttons.append({"title": title, "payload": f"/{intent}{payload_entities}"})
            if len(buttons) == MAX_SUGGESTIONS:
                break
        return buttons


def _json(values: Dict[str, str]) -> str:
    return json.dumps(values, ensure_ascii=False)
