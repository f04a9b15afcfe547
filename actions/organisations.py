"""Answers about affiliates, associated and related organisations, and locals."""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional, Text

from actions.base import KnowledgeAction, about
from actions.context import Turn
from actions.formatting import acronym_part
from actions.leadership import answer_organisation_leaders
from actions.unknown import answer_unknown_name
from knowledge.records import Organisation

# "No. 19", "number 19", "#19": the brochure numbers its affiliates 01-47.
_NUMBER = re.compile(
    r"(?:\bno\.?|\bnumber|#|\baffiliate|\bunion|\borgani[sz]ation)\s*(\d{1,2})\b", re.IGNORECASE
)
# The same in Japanese: 「33番」「45番目」「加盟組織の1番は？」 (digits after NFKC, so ３３番 too).
_NUMBER_JA = re.compile(r"(?<!\d)(\d{1,2})\s*番(?:目)?")

# A Japanese proper name of a federation (全農協労連, ＸＹＺ総連): when the linker found no
# organisation in it, it is one the knowledge base does not know, even if an industry word
# (農協) is inside it; guessing the industry's affiliate would answer a different union.
_FEDERATION_NAME_JA = re.compile(r"[^\s、。？?！!「」『』の]{1,12}(?:労連|総連|労協|同盟|ユニオン)")

# How many organisations one answer describes before it becomes a wall of text.
MAX_DESCRIBED = 3


def describe_organisation(turn: Turn, short_name: str, with_leaders: bool = True) -> bool:
    org = turn.kb.organisation(short_name)
    if not org:
        return False
    response = (
        "utter_organisation_associated"
        if org.category == "associated"
        else "utter_organisation_affiliate"
    )
    turn.say(
        response,
        short_name=turn.names.organisation(org.short_name),
        number=f"{org.number:02d}",
        full_name=org.full_name,
        acronym_part=acronym_part(org.acronym),
        as_of=turn.names.month_year(org.as_of),
    )
    if with_leaders and turn.kb.leaders(affiliate=org.short_name):
        answer_organisation_leaders(turn, org.short_name)
    return True


def describe_related(turn: Turn, name: str) -> bool:
    org = turn.kb.related_organisation(name)
    if not org:
        return False
    turn.say(
        "utter_related_organisation",
        name=turn.names.related(org.name),
        description=org.description,
        url_part=f" ({org.url})" if org.url else "",
    )
    return True


def answer_industry(turn: Turn, industry: str) -> List[Organisation]:
    """Name the affiliates covering ``industry``; returns them (empty: nothing said)."""
    orgs = turn.kb.organisations_for_industry(industry)
    if not orgs:
        return []
    n = turn.names
    turn.say(
        "utter_industry_affiliates",
        industry=industry_label(turn, industry),
        organisations=n.join(n.organisation_label(o) for o in orgs),
    )
    return orgs


def answer_local(turn: Turn, prefecture: str) -> bool:
    local = turn.kb.local(prefecture)
    if not local:
        return False
    n = turn.names
    turn.say("utter_local", prefecture=n.prefecture(local.prefecture), local_name=n.local(local.prefecture, local.name))
    return True


def industry_label(turn: Turn, industry: str) -> str:
    """The industry's label in the reply's language (its Japanese label where the file has one)."""
    if turn.lang == "ja":
        label = turn.kb.industry_label_ja(industry)
        if label:
            return label
    return turn.kb.industry_label(industry) or industry


def by_number(turn: Turn) -> Optional[str]:
    """The affiliate a message names by its number in the brochure's list ("no. 19")."""
    text = unicodedata.normalize("NFKC", turn.text or "")
    match = _NUMBER.search(text) or _NUMBER_JA.search(text)
    if not match:
        return None
    org = turn.kb.organisation_by_number(int(match.group(1)))
    return org.short_name if org else None


class ActionAnswerOrganisation(KnowledgeAction):
    action_name = "action_answer_organisation"
    handles = frozenset({"organisation", "related_org", "industry"})
    ignores = frozenset({"year"})  # "which union is the president from" goes to leadership

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        orgs = turn.all("organisation") or [n for n in [by_number(turn)] if n]
        described = [o for o in orgs[:MAX_DESCRIBED] if describe_organisation(turn, o)]
        if described:
            return about("organisation", organisation=described[-1])
        related = [r for r in turn.all("related_org") if describe_related(turn, r)]
        if related:
            return about("related_org", related_org=related[-1])
        if turn.all("industry") and _FEDERATION_NAME_JA.search(unicodedata.normalize("NFKC", turn.text or "")):
            turn.say("utter_organisation_unknown")
            return about(None)
        answered = [(i, orgs) for i in turn.all("industry") if (orgs := answer_industry(turn, i))]
        if answered:
            industry, orgs = answered[-1]
            if len(orgs) == 1:  # "is anyone from that union in the leadership?"
                return about("organisation", organisation=orgs[0].short_name)
            return about("industry", industry=industry)
        turn.say("utter_organisation_unknown")
        return about(None)


class ActionListAffiliates(KnowledgeAction):
    action_name = "action_list_affiliates"
    ignores = frozenset({"year", "role"})  # "affiliates in transport" goes to the industry

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        unknown = answer_unknown_name(turn)  # "is UNISON a rengo affiliate?": not among them
        if unknown is not None:
            return unknown
        affiliates = turn.kb.organisations(category="affiliate")
        associated = turn.kb.organisations(category="associated")
        turn.say(
            "utter_affiliate_list",
            affiliate_count=len(affiliates),
            associated_count=len(associated),
            total=len(affiliates) + len(associated),
            as_of=turn.names.month_year(affiliates[0].as_of) if affiliates else "",
            affiliates=turn.names.join(turn.names.organisation(o.short_name) for o in affiliates),
            associated=turn.names.join(turn.names.organisation(o.short_name) for o in associated),
        )
        return about("rengo")


class ActionAnswerRelatedOrganisations(KnowledgeAction):
    action_name = "action_answer_related_organisations"
    handles = frozenset({"related_org", "organisation"})
    ignores = frozenset({"year"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        related = [r for r in turn.all("related_org") if describe_related(turn, r)]
        if related:
            return about("related_org", related_org=related[-1])
        orgs = [o for o in turn.all("organisation") if describe_organisation(turn, o)]
        if orgs:
            return about("organisation", organisation=orgs[-1])
        turn.say(
            "utter_related_organisations_list",
            names=turn.names.join(turn.names.related(r.name) for r in turn.kb.related_organisations()),
        )
        return about("rengo")


class ActionAnswerLocals(KnowledgeAction):
    action_name = "action_answer_locals"
    handles = frozenset({"prefecture"})
    ignores = frozenset()  # nothing else in a message is context for a local

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        found = [p for p in turn.all("prefecture") if answer_local(turn, p)]
        if found:
            return about("prefecture", prefecture=found[-1])
        unknown = answer_unknown_name(turn)  # "who is taro yamada" misread as a question about locals
        if unknown is not None:
            return unknown
        turn.say("utter_locals_overview", count=len(turn.kb.locals()))
        return about("rengo")
