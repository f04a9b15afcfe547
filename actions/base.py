"""Base class for actions that answer from the knowledge base."""
from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import CONTEXT_ENTITIES, Turn, default_kb
from knowledge.queries import KnowledgeBase


class KnowledgeAction(Action):
    """An action that reads facts from a :class:`KnowledgeBase`.

    The knowledge base is injected in tests and opened lazily in the action
    server, so importing this module does no work.
    """

    action_name = ""
    # Entity types this action can answer about. A question that names only
    # other kinds of things ("who is kyoichi ando" misread as a question about
    # locals) is answered by what it names: the linked entity is more reliable
    # than a confused intent. None: the action answers whatever is named.
    handles: Optional[FrozenSet[str]] = frozenset()
    # Entity types that may accompany this action's question as context without
    # changing its subject ("action policies 2024-2025").
    ignores: FrozenSet[str] = CONTEXT_ENTITIES

    def __init__(self, kb: Optional[KnowledgeBase] = None) -> None:
        self._kb = kb

    def name(self) -> Text:
        return self.action_name

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb or default_kb()

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        turn = Turn.of(dispatcher, tracker, domain, self.kb)
        # "how old is the president?", 「連合大阪の電話番号」: a fact the knowledge base never holds is
        # said to be missing, whatever the intent, before a nearby answer can pass for it.
        from actions.missing_fact import answer_missing_fact

        missing = answer_missing_fact(turn)
        if missing is not None:
            return missing
        from actions.unknown import answer_unknown_person

        unknown = answer_unknown_person(turn)  # "who is Taro Nonexistent?" read as any question
        if unknown is not None:
            return unknown
        named = turn.named()
        if self.handles is not None and named - self.ignores and not named & self.handles:
            from actions.dispatch import answer_by_entity

            return answer_by_entity(turn)
        return self.respond(turn)

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        raise NotImplementedError


def about(subject: Optional[str], **slots: Optional[str]) -> List[Dict[Text, Any]]:
    """Events that remember what the answer was about, for follow-ups."""
    events = [SlotSet("last_subject", subject)]
    events.extend(SlotSet(name, value) for name, value in slots.items())
    return events
