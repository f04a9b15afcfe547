"""What one user turn asks about: its entities, its text and the slots before it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Dict, FrozenSet, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import Names, language_of
from knowledge.config import database_url
from knowledge.queries import KnowledgeBase

# Words by which a worker points back at what was just discussed
# ("which leaders come from it?", 「その組合の会長は？」), per language.
_BACK_REFERENCES = {
    "en": re.compile(
        r"\b(it|its|it's|they|them|their|this|that|these|those|she|her|he|his|"
        r"the union|that union|this union|same)\b",
        re.IGNORECASE,
    ),
    "ja": re.compile(
        r"(その|この|あの|そこ|ここ|あそこ|それ|これ|彼女|彼|同じ|そちら|こちら|"
        r"その人|この人|その方|同組合|当該)"
    ),
}


# Entity types that name a subject the knowledge base can answer about.
SUBJECT_ENTITIES = frozenset({
    "organisation", "related_org", "person", "role", "industry", "prefecture",
    "year", "article", "bridge", "policy_area",
})
# Kinds that also occur as mere context of another question ("action policies
# 2024-2025", "the president's message", "is rengo on social media").
CONTEXT_ENTITIES = frozenset({"year", "role", "industry"})
# Subjects a back-reference ("it", "she", "that year") can point at; each is a slot.
REFERABLE_SUBJECTS = ("person", "organisation", "related_org", "prefecture", "year")


@lru_cache(maxsize=None)
def default_kb(url: Optional[str] = None) -> KnowledgeBase:
    """One knowledge base per action-server process, opened on first use."""
    return KnowledgeBase.from_url(url or database_url())


@dataclass
class Turn:
    """The latest user message, reduced to what actions need."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    domain: Dict[Text, Any]
    kb: KnowledgeBase
    text: str = ""
    intent: str = ""
    entities: Dict[str, List[str]] = field(default_factory=dict)
    #: The reply language (the ``language`` slot): ``en`` or ``ja``.
    lang: str = "en"

    @cached_property
    def names(self) -> Names:
        """Names, dates and lists as the reply's language writes them (one per turn)."""
        return Names(self.kb, self.lang)

    @classmethod
    def of(cls, dispatcher, tracker, domain, kb) -> "Turn":
        message = tracker.latest_message or {}
        entities: Dict[str, List[str]] = {}
        for entity in message.get("entities") or []:
            values = entities.setdefault(entity["entity"], [])
            value = str(entity.get("value"))
            if value not in values:
                values.append(value)
        turn = cls(
            dispatcher=dispatcher,
            tracker=tracker,
            domain=domain or {},
            kb=kb,
            text=message.get("text") or "",
            intent=(message.get("intent") or {}).get("name") or "",
            entities=entities,
            lang=language_of(tracker),
        )
        turn._resolve_back_reference()
        return turn

    def _resolve_back_reference(self) -> None:
        """ "which union is she from?": add the previous subject as if it were named."""
        if self.named() or not self.refers_back():
            return
        subject = self.tracker.get_slot("last_subject")
        value = self.tracker.get_slot(subject) if subject in REFERABLE_SUBJECTS else None
        if value:
            self.entities[subject] = [str(value)]

    def named(self) -> FrozenSet[str]:
        """The kinds of knowledge-base things the message names (months alone don't count)."""
        return frozenset(name for name in self.entities if name in SUBJECT_ENTITIES)

    def all(self, entity: str) -> List[str]:
        return list(self.entities.get(entity, []))

    def refers_back(self) -> bool:
        """True when the message points at the previous subject ("it", "she")."""
        return any(pattern.search(self.text) for pattern in _BACK_REFERENCES.values())

    def say(self, response: str, **values: Any) -> None:
        self.dispatcher.utter_message(response=response, **values)

    def label(self, response: str) -> Optional[str]:
        """The text of a domain response in the reply's language (for button titles)."""
        variants = (self.domain.get("responses") or {}).get(response) or []
        for variant in variants:
            if _variant_language(variant) == self.lang:
                return variant.get("text")
        return variants[0].get("text") if variants else None


def _variant_language(variant: Dict[str, Any]) -> str:
    """``ja`` for a variant conditioned on ``language == ja``, else ``en``."""
    for condition in variant.get("condition") or []:
        if condition.get("name") == "language":
            return str(condition.get("value"))
    return "en"
