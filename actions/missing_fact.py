"""Questions for a fact the knowledge base never holds ("how old is the president?", 「連合大阪の電話番号」).

The knowledge base knows RENGO's leaders by name, role and union, its locals by name and
prefecture, its affiliates by name, and a short description (and sometimes a website) of the
related organisations. It holds nothing personal about anyone (age, birthday, salary, home) and
no phone number, e-mail or address of a leader, a local or an affiliate. Without this check such
a question is answered with whatever is nearest (the president's message for her age, the
consultation hotline for a local's phone number), which reads as if it were the answer.

So: when a question asks for one of those attributes about something the message names (a
person, a role, a local, an affiliate, a related organisation), the bot says it has no such
information, then, where it makes sense, a way to reach a person, stating only facts the
knowledge base holds. A question for RENGO's own phone number, address or website is answered
with RENGO's contact details (the headquarters' address and websites, and the hotline for a
phone number), whatever the classifier made of it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from actions.base import about
from actions.context import Turn
from actions.formatting import bullets
from actions.guidance import route_line
from knowledge.normalize import JAPANESE_LETTER

# --- what is asked for ------------------------------------------------------------------------

# Attribute kinds, most specific first ("e-mail address" is an e-mail, not an address; "where was
# she born" is a birthplace, not a birthday). Each: English pattern, Japanese pattern.
_ATTRIBUTES: Tuple[Tuple[str, "re.Pattern[str]", "re.Pattern[str]"], ...] = tuple(
    (kind, re.compile(en, re.IGNORECASE), re.compile(ja, re.IGNORECASE))
    for kind, en, ja in (
        ("email",
         r"\be-?mails?\b|\bemail\s+address",
         r"メール|メアド|(?<![a-z])e-?mail"),
        ("fax",
         r"\bfax\b|\bfacsimile\b",
         r"ファックス|ファクス|(?<![a-z])fax(?![a-z])"),
        ("phone",
         r"\b(?:tele)?phones?\b|\btel\b|\bmobile\s+number\b|\bcell\s*phone\b|\bcontact\s+number\b",
         r"電話|でんわ|携帯番号|ケータイ番号|(?<![a-z])tel(?![a-z])"),
        ("birthplace",
         r"\bwhere\b.*\bborn\b|\bbirth\s*place\b|\bplace\s+of\s+birth\b|\bhome\s*town\b",
         r"出身地|出生地|どこ(?:で|の)生まれ|生まれ(?:は|って)どこ|故郷"),
        ("birthday",
         r"\bborn\b|\bbirth\s*days?\b|\bbirth\s*date\b|\bdate\s+of\s+birth\b|\bbirth\s*year\b|\byear\s+of\s+birth\b",
         r"誕生日|生年月日|生まれ"),
        ("age",
         r"\bhow\s+old\b|\bages?d?\b|\byears?\s+old\b",
         r"何歳|なんさい|年齢|歳|年令|(?:は|って)(?:今|いま)?(?:お)?いくつ"),
        ("members",
         r"\bhow\s+many\s+(?:union\s+)?members\b|\bnumber\s+of\s+(?:union\s+)?members\b"
         r"|\bmember(?:ship)?\s+(?:size|figures?|numbers?|count|total)\b",
         r"(?:組合員|会員|メンバー|加盟者)の?(?:数|人数)|人数|規模"
         r"|(?:組合員|会員|メンバー)(?:は|って|が)?(?:何人|なんにん|何名|どのくらい|どれくらい|どのぐらい|どれぐらい)"
         r"|何人(?:くらい|ぐらい)?(?:いる|います|いるの|の組合員|の会員)"),
        ("fee",
         r"\b(?:membership|joining|union|affiliation)\s+(?:fees?|dues|costs?)\b|\bdues\b|\bfees?\b",
         r"会費|組合費|加盟費|入会金|分担金"),
        ("salary",
         r"\bsalar(?:y|ies)\b|\bincome\b|\bearnings\b|\bremuneration\b|\bhow\s+much\b.*\b(?:earn|earns|make|makes|paid)\b"
         r"|(?:'s|\bher|\bhis|\btheir)\s+(?:annual\s+|monthly\s+|yearly\s+)?(?:pay|wages?)\b",
         r"年収|給料|給与|報酬|月給|年俸|収入|稼い|稼ぎ"),
        ("home",
         r"\bwhere\b.*\b(?:live|lives|living|reside|resides)\b|\bhome\s+address\b|\bresidence\b|\bhouse\b",
         r"どこに住|どこ住み|住まい|自宅|住んで|家はどこ|お宅"),
        ("address",
         r"\baddress(?:es)?\b|\bpostal\s+code\b|\bzip\s*code\b|\bpost\s*code\b",
         r"住所|所在地|郵便番号"),
        ("website",
         r"\bweb\s*sites?\b|\bweb\s*pages?\b|\bhome\s*pages?\b|\burls?\b|\bsites?\b",
         r"ホームページ|ウェブサイト|ウェブページ|webサイト|サイト|(?<![a-z])(?:hp|url)(?![a-z])"),
    )
)

# What each kind of subject never has in the knowledge base. A person's "address" is their home.
_MISSING_FOR_PEOPLE = frozenset({"age", "birthday", "birthplace", "salary", "home", "address", "phone", "email", "fax"})
# No body's member count either: the brochure gives only RENGO's own (about seven million).
_MISSING_FOR_BODIES = frozenset({"phone", "email", "fax", "address", "website", "members"})
# An affiliate's age or birth is its founding, which the brochure does not give for affiliates.
_FOUNDING = frozenset({"age", "birthday"})
_BODIES = frozenset({"prefecture", "organisation", "related_org"})
_CONTACT_KINDS = frozenset({"phone", "email", "fax", "address", "website"})

# The attribute asked for is the worker's own ("my phone number is ...", 「私の住所」), not the subject's.
_OWN = re.compile(r"\b(?:my|our)\b|(?:私|わたし|僕|ぼく|俺|おれ|自分|うち|我が家)の", re.IGNORECASE)
# What someone says or thinks about a subject ("what does the president say about income
# inequality?", 「会長は給料の格差をどう考えていますか」) is not a question for their income.
_OPINION = re.compile(
    r"\b(?:say|says|said|think|thinks|thought|views?|opinions?|message|stance|position|speak|speaks|spoke|"
    r"talk|talks|comment|comments|policy|policies|demand|demands)\b"
    r"|どう考え|考え|意見|見解|メッセージ|(?:何|なん)と(?:言|い)|言ってい|言ってる|述べ|主張|訴え|語っ|発言|方針|政策|要求",
    re.IGNORECASE,
)
# The routes' own numbers and pages are known ("the hotline's phone number in Osaka", 「大阪で相談
# できる電話番号」): those questions are about the routes, which their answer gives.
_ROUTE_WORDS = re.compile(
    r"\bhot\s*line\b|\bconsult|\badvice\b|\bhelp\s*line\b|\bfree\s*dial\b|\bunibo\b|\bwor-?q\b"
    r"|相談|ホットライン|ダイヤル|フリーダイヤル|窓口|ユニボ|(?-i:(?<![A-Za-z])LINE(?![A-Za-z]))",
    re.IGNORECASE,
)
# RENGO itself, named without an entity ("RENGO's phone number", 「連合本部の住所」).
_RENGO = re.compile(r"\b(?:rengo|jtuc|headquarters|hq|head\s+office)\b|連合|れんごう|本部", re.IGNORECASE)

# Intents under which a message can be a question for a fact; a described problem, the form
# and the urgent reply are never taken over.
_QUESTION_INTENT_PREFIX = "ask_"
_QUESTION_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})
# Intents whose own answer already serves a question for RENGO's phone number or address.
_ANSWERS_RENGO_CONTACT = frozenset({"ask_consultation_routes", "ask_locals"})

# Labels of the attribute kinds, in domain.yml so that each has its Japanese word.
_LABELS = {
    "age": "utter_fact_label_age",
    "birthday": "utter_fact_label_birthday",
    "birthplace": "utter_fact_label_birthplace",
    "salary": "utter_fact_label_salary",
    "home": "utter_fact_label_home",
    "address": "utter_fact_label_address",
    "phone": "utter_fact_label_phone",
    "email": "utter_fact_label_email",
    "fax": "utter_fact_label_fax",
    "website": "utter_fact_label_website",
    "fee": "utter_fact_label_fee",
    "members": "utter_fact_label_members",
}


@dataclass(frozen=True)
class MissingFact:
    """A question for ``attribute`` (a kind of :data:`_LABELS`) of something the knowledge base lacks it for."""

    attribute: str  # or ``founding``: an affiliate's age or birth
    subject: str  # person, role, prefecture, organisation, related_org, rengo (its contacts) or rengo_itself
    values: Tuple[str, ...]  # the entity values (leaders' names for a role); () for RENGO itself


def asked_attribute(text: str) -> Optional[str]:
    """The kind of attribute a message asks for (``age``, ``phone``...), else None."""
    text = unicodedata.normalize("NFKC", text or "")
    japanese = bool(JAPANESE_LETTER.search(text))
    for kind, english, japanese_pattern in _ATTRIBUTES:
        if (japanese_pattern if japanese else english).search(text):
            return kind
    return None


def _asks_for_a_fact(turn: Turn) -> bool:
    intent = turn.intent or ""
    if not (intent.startswith(_QUESTION_INTENT_PREFIX) or intent in _QUESTION_INTENTS):
        return False
    if (turn.tracker.active_loop or {}).get("name"):
        return False
    text = unicodedata.normalize("NFKC", turn.text or "")
    return not (_OWN.search(text) or _OPINION.search(text))


def missing_fact(turn: Turn) -> Optional[MissingFact]:
    """What the message asks for that the knowledge base does not hold, else None.

    RENGO itself (``subject == "rengo"``) is returned for a question for its phone number,
    address or website, which the knowledge base does answer: the caller answers it.
    """
    if not _asks_for_a_fact(turn):
        return None
    attribute = asked_attribute(turn.text)
    if attribute is None:
        return None
    text = unicodedata.normalize("NFKC", turn.text or "")
    people = [p for p in turn.all("person") if turn.kb.leader(p)]
    if attribute in _MISSING_FOR_PEOPLE and people:
        return MissingFact(attribute, "person", tuple(people))
    # "the president of JAM" is not RENGO's president: a role counts when it names no other body
    roles = [r for r in turn.all("role") if turn.kb.leaders(role=r)]
    if attribute in _MISSING_FOR_PEOPLE and roles and not turn.named() & _BODIES:
        return MissingFact(attribute, "role", tuple(roles))
    organisations = [o for o in turn.all("organisation") if turn.kb.organisation(o)]
    if attribute in _FOUNDING and organisations and not turn.named() & {"role", "prefecture", "related_org"}:
        return MissingFact("founding", "organisation", tuple(organisations))  # "how old is JAM?"
    if attribute == "fee":  # no fee or dues of RENGO or of any union is in the knowledge base
        if organisations:
            return MissingFact("fee", "organisation", tuple(organisations))
        if _RENGO.search(text) and not turn.named() - {"year", "industry"}:
            return MissingFact("fee", "rengo_itself", ())
        return None
    if attribute not in _MISSING_FOR_BODIES or _ROUTE_WORDS.search(text):
        return None
    if attribute == "members" and "role" in turn.named():
        return None  # 「JAMの副会長は何人」 counts officers, which the leadership answer gives
    prefectures = [p for p in turn.all("prefecture") if turn.kb.local(p)]
    if prefectures:
        return MissingFact(attribute, "prefecture", tuple(prefectures))
    if organisations:
        return MissingFact(attribute, "organisation", tuple(organisations))
    related = [r for r in turn.all("related_org") if turn.kb.related_organisation(r)]
    if related:
        # a related organisation's website is known where the knowledge base has its address
        lacking = [r for r in related if attribute != "website" or not turn.kb.related_organisation(r).url]
        return MissingFact(attribute, "related_org", tuple(lacking)) if lacking else None
    if turn.named() - {"year", "industry"}:
        return None  # something else is named: its own answer decides
    if _RENGO.search(text) and attribute in _CONTACT_KINDS and turn.intent not in _ANSWERS_RENGO_CONTACT:
        return MissingFact(attribute, "rengo", ())
    return None


def answer_missing_fact(turn: Turn) -> Optional[List[Dict[Text, Any]]]:
    """Say that the knowledge base lacks what is asked for (or give RENGO's own contact details);
    None (nothing said) when the message asks for no such fact."""
    found = missing_fact(turn)
    if found is None:
        return None
    if found.subject == "rengo":
        return _answer_rengo_contact(turn, found)
    if found.subject == "organisation" and found.attribute in _UNKNOWN_FOR_AFFILIATES:
        return _answer_affiliate_unknown(turn, found)
    label = turn.label(_LABELS[found.attribute]) or found.attribute
    turn.say("utter_missing_fact", attribute=label, subject=_subject(turn, found))
    return _offer_a_route(turn, found)


# --- the reply ---------------------------------------------------------------------------------


def _subject(turn: Turn, found: MissingFact) -> str:
    """Who or what the question is about, as the reply's language names it."""
    n = turn.names
    if found.subject == "person":
        leaders = [turn.kb.leader(p) for p in found.values]
        return n.join(n.leader_with_role(leader) for leader in leaders if leader)
    if found.subject == "role":
        names = []
        for role in found.values:
            holders = turn.kb.leaders(role=role)
            if len(holders) == 1:  # "the president": Tomoko YOSHINO (President)
                names.append(n.leader_with_role(holders[0]))
            else:  # "the vice presidents": all nine of them, by their role
                names.append(f"連合の{n.role(holders[0].role)}" if n.ja else f"RENGO's {holders[0].role}s")
        return n.join(names)
    if found.subject == "prefecture":
        locals_ = [turn.kb.local(p) for p in found.values]
        return n.join(n.local(local.prefecture, local.name) for local in locals_ if local)
    if found.subject == "organisation":
        return n.join(n.organisation(o) for o in found.values)
    if found.subject == "rengo_itself":
        return "連合" if n.ja else "RENGO"
    return n.join(n.related(turn.kb.related_organisation(r).name) for r in found.values)


def _offer_a_route(turn: Turn, found: MissingFact) -> List[Dict[Text, Any]]:
    """After the refusal, a way to a person, where one makes sense; the events of the answer."""
    if found.subject in ("person", "role"):
        leaders = (
            [turn.kb.leader(p) for p in found.values]
            if found.subject == "person"
            else [leader for role in found.values for leader in turn.kb.leaders(role=role)]
        )
        if found.attribute in _CONTACT_KINDS:  # their phone, e-mail or address: RENGO's own instead
            from actions.about import contact_lines

            turn.say("utter_missing_fact_rengo_contact", contacts=bullets(contact_lines(turn)))
        if len(leaders) == 1 and leaders[0]:  # "and where is she from?" comes next
            return about("person", person=leaders[0].name)
        return about("role") if found.subject == "role" else about(None)
    if found.subject == "prefecture":
        _say_routes(turn, ("local", "hotline"))
        return about("prefecture", prefecture=found.values[-1])
    if found.subject == "rengo_itself":  # a person at the hotline or the local can tell
        _say_routes(turn, ("hotline",))
        return about("rengo")
    if found.subject == "organisation":
        _say_routes(turn, ("hotline",))
        return about("organisation", organisation=found.values[-1])
    # a related organisation: what the knowledge base does say about it, its website included
    from actions.organisations import describe_related

    described = [r for r in found.values if describe_related(turn, r)]
    return about("related_org", related_org=described[-1]) if described else about(None)


# What the brochure never gives about an affiliate, said as ActionAnswerOrganisationFact says it
# for "when was JAM founded" / "how many members does JAM have" read as those questions.
_UNKNOWN_FOR_AFFILIATES = {
    "founding": "utter_founding_unknown_for_organisation",
    "members": "utter_membership_unknown_for_organisation",
}


def _answer_affiliate_unknown(turn: Turn, found: MissingFact) -> List[Dict[Text, Any]]:
    """ "How old is JAM?", 「JAMの組合員数は？」: unknown (whatever the intent), then what is known."""
    from actions.organisations import describe_organisation

    for short_name in found.values:
        turn.say(_UNKNOWN_FOR_AFFILIATES[found.attribute], organisation=turn.names.organisation(short_name))
        describe_organisation(turn, short_name, with_leaders=False)
    return about("organisation", organisation=found.values[-1])


def _answer_rengo_contact(turn: Turn, found: MissingFact) -> List[Dict[Text, Any]]:
    """RENGO's contact details; for a phone number, the hotline too (no headquarters number is known)."""
    from actions.about import ActionAnswerContact

    events = ActionAnswerContact(turn.kb).respond(turn)
    if found.attribute == "phone":
        _say_routes(turn, ("hotline",))
    return events


def _say_routes(turn: Turn, keys: Sequence[str]) -> None:
    routes = {r.key: r for r in turn.kb.consultation_routes()}
    # in English without the Japanese name, so that an English reply stays English
    lines = [route_line(routes[k], turn.lang, japanese_name=False) for k in keys if k in routes]
    if lines:
        turn.say("utter_consultation_routes", routes=bullets(lines))
