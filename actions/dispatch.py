"""Answer a message by the things it names, whatever the intent said."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from actions.context import Turn

# Which answer serves each kind of named thing, most specific first: a person
# or role with a year still goes to leadership, which knows it has no past
# leaders; a union with a year goes to the union.
ORDER = (
    "person",
    "role",
    "organisation",
    "related_org",
    "prefecture",
    "year",
    "article",
    "bridge",
    "policy_area",
    "industry",
)


def answer_by_entity(turn: Turn) -> List[Dict[Text, Any]]:
    from actions import about, history, leadership, organisations

    actions = {
        "person": leadership.ActionAnswerLeadership,
        "role": leadership.ActionAnswerLeadership,
        "organisation": organisations.ActionAnswerOrganisation,
        "related_org": organisations.ActionAnswerRelatedOrganisations,
        "prefecture": organisations.ActionAnswerLocals,
        "year": history.ActionAnswerHistory,
        "article": about.ActionAnswerPrinciples,
        "bridge": about.ActionAnswerVision,
        "policy_area": about.ActionAnswerActionPolicies,
        "industry": organisations.ActionAnswerOrganisation,
    }
    for entity in ORDER:
        if turn.all(entity):
            return actions[entity](turn.kb).respond(turn)
    return []
