"""Workers' messages never reach the logs at INFO level (or above)."""
from __future__ import annotations

import asyncio
import logging

from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.guidance import ActionAnswerConsultationRoutes
from actions.help import ActionHandleUnclear
from bot.nlu.kb_entity_extractor import KnowledgeBaseEntityExtractor
from tests.support import make_tracker

SECRET = "my boss Tanaka-san at 090-1234-5678 shouts at me every day in Osaka"


def test_nlu_and_actions_log_no_message_text(kb, kb_url, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    extractor = KnowledgeBaseEntityExtractor({"kb_url": kb_url})
    extractor.process([Message(data={"text": SECRET})])
    for action in (ActionAnswerConsultationRoutes, ActionHandleUnclear):
        tracker = make_tracker(SECRET, "nlu_fallback", entities={"prefecture": "Osaka"})
        asyncio.run(action(kb).run(CollectingDispatcher(), tracker, {"responses": {}}))
    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert all("Tanaka" not in r.getMessage() and "090-1234" not in r.getMessage() for r in loud)
