"""Answers about RENGO's leaders: by role, by name, or by the union they come from."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from actions.base import KnowledgeAction, about
from actions.context import Turn
from actions.unknown import answer_unknown_name
from knowledge.records import Leader

PRESIDENT = "President"
GENERAL_SECRETARY = "General Secretary"


def answer_person(turn: Turn, name: str) -> bool:
    leader = turn.kb.leader(name)
    if not leader:
        return False
    org = turn.kb.organisation(leader.affiliate)
    n = turn.names
    affiliate = n.organisation_label(org) if org else leader.affiliate
    turn.say("utter_leader", name=n.person(leader.name), role=n.role(leader.role), affiliate=affiliate)
    return True


def answer_role(turn: Turn, role: str) -> List[Leader]:
    leaders = turn.kb.leaders(role=role)
    response = "utter_leadership_role_plural" if len(leaders) > 1 else "utter_leadership_role"
    n = turn.names
    turn.say(
        response,
        role=n.role(role),
        names=n.join(n.leader_with_affiliate(l) for l in leaders),
    )
    return leaders


def answer_organisation_leaders(turn: Turn, short_name: str) -> bool:
    leaders = turn.kb.leaders(affiliate=short_name)
    n = turn.names
    if leaders:
        turn.say(
            "utter_leaders_of_organisation",
            organisation=n.organisation(short_name),
            names=n.join(n.leader_with_role(l) for l in leaders),
        )
    else:
        turn.say("utter_no_leaders_from_organisation", organisation=n.organisation(short_name))
    return bool(leaders)


def _single_name(turn: Turn, role: str) -> str:
    leaders = turn.kb.leaders(role=role)
    return turn.names.person(leaders[0].name) if leaders else ""


def answer_overview(turn: Turn) -> None:
    counts: Dict[str, int] = {}
    for leader in turn.kb.leaders():
        if leader.role not in (PRESIDENT, GENERAL_SECRETARY):
            counts[leader.role] = counts.get(leader.role, 0) + 1
    n = turn.names
    turn.say(
        "utter_leadership_overview",
        president=_single_name(turn, PRESIDENT),
        general_secretary=_single_name(turn, GENERAL_SECRETARY),
        counts=n.counts(list(counts.items())),
        buttons=[
            {"title": n.role(role), "payload": f'/ask_leadership{{"role": "{role}"}}'}
            for role in counts
        ],
    )


class ActionAnswerLeadership(KnowledgeAction):
    action_name = "action_answer_leadership"
    handles = frozenset({"person", "role", "organisation", "year"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        if turn.all("year"):
            turn.say("utter_leadership_no_history")
            return about(None)
        people = [p for p in turn.all("person") if answer_person(turn, p)]
        if people:
            return about("person", person=people[-1])
        roles = turn.all("role")
        if roles:
            holders = [leader for role in roles for leader in answer_role(turn, role)]
            if len(holders) == 1:  # "which union is she from?" comes next
                return about("person", person=holders[0].name)
            return about("role")
        orgs = turn.all("organisation")
        if orgs:
            for short_name in orgs:
                if not answer_organisation_leaders(turn, short_name):
                    # "kamipa rengo?" read as a leadership question: say what it is too
                    from actions.organisations import describe_organisation

                    describe_organisation(turn, short_name, with_leaders=False)
            return about("organisation", organisation=orgs[-1])
        unknown = answer_unknown_name(turn)  # "who is taro yamada": not someone the brochure names
        if unknown is not None:
            return unknown
        answer_overview(turn)
        return about("leadership")

