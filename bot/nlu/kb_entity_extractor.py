"""Rasa NLU component that adds knowledge-base entities (unions, people, places...) to messages.

DIET learns intents well but cannot know the 47 affiliates, their aliases and typos; the
knowledge base can. This component runs ``knowledge.linker`` on every message and appends what
it finds, so actions receive canonical values ("DENKI RENGO", "Tomoko YOSHINO").

Use it in ``config.yml`` after the tokenizer and featurizers::

    - name: bot.nlu.kb_entity_extractor.KnowledgeBaseEntityExtractor
      kb_url: null   # default: knowledge.config.database_url() (env RENGO_KB_URL)
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

if TYPE_CHECKING:  # the knowledge base and spaCy are loaded on first use, not at import
    from knowledge.linker import EntityLinker

logger = logging.getLogger(__name__)


def load_kb_linker(kb_url: Optional[str] = None) -> EntityLinker:
    """The process-wide linker for the knowledge base at ``kb_url`` (default: configured URL)."""
    from knowledge.aliases import load_linker
    from knowledge.config import database_url
    from knowledge.queries import KnowledgeBase

    return load_linker(KnowledgeBase.from_url(kb_url or database_url()))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class KnowledgeBaseEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts entities by linking message text to names in the knowledge base."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """``kb_url``: database to read aliases from; None means ``database_url()``."""
        return {"kb_url": None}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeBaseEntityExtractor:
        """Creates the component; nothing is loaded until the first message arrives."""
        return cls(config)

    def __init__(
        self, config: Dict[Text, Any], linker: Optional[EntityLinker] = None
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._linker = linker
        self._lock = threading.Lock()
        self._load_failed = False

    def _get_linker(self) -> EntityLinker:
        """Build (or reuse) the linker for the configured knowledge base, once per process."""
        if self._linker is None:
            with self._lock:
                if self._linker is None:
                    self._linker = load_kb_linker(self._config["kb_url"])
        return self._linker

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends linked entities to each message's existing ``entities``."""
        try:
            linker = self._get_linker()
        except Exception:  # a missing database must not take the whole NLU pipeline down
            if not self._load_failed:
                logger.exception(
                    "KnowledgeBaseEntityExtractor could not load the knowledge base "
                    "(build it with `python -m knowledge.build`); continuing without "
                    "knowledge-base entities and retrying on the next message."
                )
            self._load_failed = True
            return messages
        self._load_failed = False
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = self.add_extractor_name(
                [
                    {
                        ENTITY_ATTRIBUTE_TYPE: linked.entity,
                        ENTITY_ATTRIBUTE_VALUE: linked.value,
                        ENTITY_ATTRIBUTE_START: linked.start,
                        ENTITY_ATTRIBUTE_END: linked.end,
                        ENTITY_ATTRIBUTE_CONFIDENCE: linked.score,
                    }
                    for linked in linker.link(text)
                ]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
