"""Answers about RENGO itself: facts, message, mission, principles, vision, policies."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from actions.base import KnowledgeAction, about
from actions.context import Turn
from actions.formatting import bullets, numbered


def _fact(turn: Turn, key: str) -> str:
    fact = turn.kb.fact(key)
    return fact.value if fact else ""


class ActionAnswerRengoOverview(KnowledgeAction):
    action_name = "action_answer_rengo_overview"

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        turn.say(
            "utter_rengo_overview",
            name=_fact(turn, "name"),
            national_centre=_fact(turn, "national_centre"),
            founded=_fact(turn, "founded"),
            membership=_fact(turn, "membership"),
            vision=_fact(turn, "vision"),
            structure=_fact(turn, "structure"),
        )
        return about("rengo")


class ActionAnswerOrganisationFact(KnowledgeAction):
    """Founding, membership, structure and slogan: one fact each."""

    action_name = "action_answer_organisation_fact"
    handles = frozenset({"organisation", "related_org"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        if turn.all("related_org"):
            from actions.organisations import ActionAnswerRelatedOrganisations

            return ActionAnswerRelatedOrganisations(turn.kb).respond(turn)
        if turn.all("organisation"):
            return self._about_an_affiliate(turn)
        if turn.intent == "ask_founding":
            founded = _fact(turn, "founded")
            year = int(founded[:4]) if founded[:4].isdigit() else None
            events = turn.kb.history(year=year) if year else []
            turn.say(
                "utter_founding",
                founded=founded,
                events=bullets(turn.names.event_line(e) for e in events),
            )
        elif turn.intent == "ask_membership":
            turn.say(
                "utter_membership",
                membership=_fact(turn, "membership"),
                affiliates_count=_fact(turn, "affiliates_count"),
            )
        elif turn.intent == "ask_slogan":
            turn.say("utter_slogan", slogan=_fact(turn, "slogan"))
        else:
            turn.say(
                "utter_structure",
                structure=_fact(turn, "structure"),
                affiliates_count=_fact(turn, "affiliates_count"),
                locals_count=_fact(turn, "locals_count"),
            )
        return about("rengo")

    @staticmethod
    def _about_an_affiliate(turn: Turn) -> List[Dict[Text, Any]]:
        """The brochure gives affiliates' names only: say so, then what it does give."""
        from actions.organisations import describe_organisation

        unknown = {
            "ask_founding": "utter_founding_unknown_for_organisation",
            "ask_membership": "utter_membership_unknown_for_organisation",
        }.get(turn.intent)
        described = []
        for short_name in turn.all("organisation"):
            if unknown:
                turn.say(unknown, organisation=turn.names.organisation(short_name))
            if describe_organisation(turn, short_name, with_leaders=False):
                described.append(short_name)
        return about("organisation", organisation=described[-1]) if described else about(None)


class ActionAnswerPresidentMessage(KnowledgeAction):
    action_name = "action_answer_president_message"
    handles = frozenset({"person"})  # "what does yoshino say about deflation"
    # The message has no year: "who was president in 1995" goes to the leadership answer.
    ignores = frozenset({"role", "industry"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        author = _fact(turn, "president")
        if any(person != author for person in turn.all("person")):
            from actions.dispatch import answer_by_entity

            # 「壬生守也さんって何してる人？」 read as the message: only the president wrote it, so
            # the person is answered as any named person is (leadership).
            return answer_by_entity(turn)
        turn.say(
            "utter_president_message",
            message=turn.kb.president_message().text,
            signature=_fact(turn, "president"),
        )
        return about("rengo")


class ActionAnswerMission(KnowledgeAction):
    action_name = "action_answer_mission"

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        turn.say("utter_mission", items=numbered(m.text for m in turn.kb.mission()))
        return about("rengo")


class ActionAnswerPrinciples(KnowledgeAction):
    action_name = "action_answer_principles"
    handles = frozenset({"article"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        preamble = turn.kb.preamble()
        articles = turn.all("article")
        if articles:
            for number in articles:
                principle = turn.kb.principle(int(number))
                if principle:
                    turn.say(
                        "utter_principle_article",
                        article=principle.article,
                        text=principle.text,
                    )
            return about("article")
        if _mentions_preamble(turn):
            turn.say(
                "utter_preamble", text=preamble.text, established=preamble.established
            )
            return about("rengo")
        turn.say(
            "utter_principles",
            items=numbered(p.text for p in turn.kb.principles()),
            established=preamble.established,
        )
        return about("rengo")


def _mentions_preamble(turn: Turn) -> bool:
    return "preamble" in turn.text.lower() or "前文" in turn.text


class ActionAnswerVision(KnowledgeAction):
    action_name = "action_answer_vision"
    handles = frozenset({"bridge"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        keys = turn.all("bridge")
        if keys:
            for key in keys:
                bridge = turn.kb.bridge(key)
                if bridge:
                    turn.say(
                        "utter_vision_bridge",
                        title=bridge.title,
                        items=bullets(bridge.items),
                    )
            return about("bridge")
        vision = turn.kb.vision()
        turn.say(
            "utter_vision",
            title=vision.title,
            intro=vision.intro,
            bridges=bullets(b.title for b in vision.bridges),
        )
        add_matching_passage(turn, "vision", skip=vision.intro)
        return about("rengo")


class ActionAnswerActionPolicies(KnowledgeAction):
    action_name = "action_answer_action_policies"
    handles = frozenset({"policy_area"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        areas = turn.kb.action_policies()
        wanted = turn.all("policy_area")
        if wanted:
            for area in areas:
                if f"{area.kind}-{area.number}" in wanted:
                    turn.say(
                        "utter_policy_area",
                        title=area.title,
                        items=numbered(area.items),
                        sdgs=", ".join(str(goal) for goal in area.sdgs),
                    )
            return about("policy_area")
        turn.say(
            "utter_action_policies",
            priority=numbered(a.title for a in areas if a.kind == "priority"),
            advancement=numbered(a.title for a in areas if a.kind == "advancement"),
            url=_fact(turn, "action_policies_url"),
        )
        add_matching_passage(turn, "action_policies", skip=turn.kb.policy_intro().text)
        return about("rengo")


def add_matching_passage(turn: Turn, section: str, skip: str) -> None:
    """After an overview, the part of ``section`` that the question's words point to."""
    hits = turn.kb.search_passages(turn.text, limit=1)
    if hits and hits[0].passage.section == section and hits[0].passage.text != skip:
        turn.say(
            "utter_passage_answer",
            section=turn.kb.section_title(section),
            passage=hits[0].passage.text,
        )


class ActionAnswerMascot(KnowledgeAction):
    action_name = "action_answer_mascot"

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        mascot = turn.kb.mascot()
        turn.say("utter_mascot", name=mascot.name, description=mascot.description)
        return about("rengo")


class ActionAnswerContact(KnowledgeAction):
    action_name = "action_answer_contact"

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        turn.say("utter_contact", contacts=bullets(contact_lines(turn)))
        return about("rengo")


def contact_lines(turn: Turn) -> List[str]:
    """RENGO's contact details, one ``label: value`` line each, labelled in the reply's language."""
    separator = "：" if turn.lang == "ja" else ": "
    return [f"{_contact_label(turn, c.kind, c.label)}{separator}{c.value}" for c in turn.kb.contacts()]


def _contact_label(turn: Turn, kind: str, label: str) -> str:
    """The brochure's label in English; the domain's word for that kind of contact in Japanese."""
    if turn.lang != "ja":
        return label
    return turn.label(f"utter_contact_kind_{kind}") or label
