"""Rasa NLU component that lets nothing come before a worker in danger.

When a message speaks of suicide, self-harm, violence or immediate danger
(``knowledge.urgent.UrgentDetector``, patterns in
``knowledge/curated/urgent_patterns.yml``), the predicted intent becomes
``report_urgent`` with full confidence, whatever the classifier thought: the
rule for that intent answers with emergency numbers and consultation lines
first and flags the conversation for staff. It sits last in the pipeline so
that neither the classifier nor the FallbackClassifier can override it.

    - name: bot.nlu.urgent_intent.UrgentIntentOverride
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

if TYPE_CHECKING:  # loaded on first use, not at import
    from knowledge.urgent import UrgentDetector

URGENT_INTENT = "report_urgent"
URGENT_ENTITY = "urgent_kind"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class UrgentIntentOverride(GraphComponent):
    """Overrides the intent of urgent messages; adds the kind as an entity."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UrgentIntentOverride:
        return cls()

    def __init__(self, detector: Optional[UrgentDetector] = None) -> None:
        self._detector = detector
        self._lock = threading.Lock()

    def _get_detector(self) -> UrgentDetector:
        if self._detector is None:
            with self._lock:
                if self._detector is None:
                    from knowledge.urgent import UrgentDetector

                    self._detector = UrgentDetector()
        return self._detector

    def process(self, messages: List[Message]) -> List[Message]:
        detector = self._get_detector()
        for message in messages:
            text = message.get(TEXT)
            match = detector.detect(text) if text else None
            if match is None:
                continue
            urgent = {INTENT_NAME_KEY: URGENT_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, urgent, add_to_output=True)
            ranking = [urgent, *(message.get(INTENT_RANKING_KEY) or [])]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            entity = {
                "entity": URGENT_ENTITY,
                "value": match.kind,
                "start": match.start,
                "end": match.end,
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages
