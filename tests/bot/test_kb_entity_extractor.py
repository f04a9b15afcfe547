"""The Rasa NLU component that adds knowledge-base entities to user messages."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.data import TrainingType
from rasa.shared.nlu.training_data.message import Message

import bot.nlu.kb_entity_extractor as extractor_module
from bot.nlu.kb_entity_extractor import KnowledgeBaseEntityExtractor
from knowledge.linker import AliasEntry, EntityLinker

COMPONENT_PATH = "bot.nlu.kb_entity_extractor.KnowledgeBaseEntityExtractor"


def make_component(tmp_path: Path, config: Dict[str, Any]) -> KnowledgeBaseEntityExtractor:
    """Build the component the way Rasa's graph does: through ``create``."""
    return KnowledgeBaseEntityExtractor.create(
        {**KnowledgeBaseEntityExtractor.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("kb_entity_extractor"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_adds_linked_entities_to_the_message(tmp_path: Path, kb_url: str) -> None:
    component = make_component(tmp_path, {"kb_url": kb_url})
    message = Message.build(text="I'm a nurse in Yokohama, is denki rengu in RENGO?")
    [processed] = component.process([message])
    assert processed.get("entities") == [
        {"entity": "industry", "value": "healthcare", "start": 6, "end": 11,
         "confidence": 1.0, "extractor": "KnowledgeBaseEntityExtractor"},
        {"entity": "prefecture", "value": "Kanagawa", "start": 15, "end": 23,
         "confidence": 1.0, "extractor": "KnowledgeBaseEntityExtractor"},
        {"entity": "organisation", "value": "DENKI RENGO", "start": 28, "end": 39,
         "confidence": pytest.approx(0.909), "extractor": "KnowledgeBaseEntityExtractor"},
    ]


def test_appends_to_entities_from_other_extractors(tmp_path: Path, kb_url: str) -> None:
    component = make_component(tmp_path, {"kb_url": kb_url})
    earlier = {"entity": "time", "value": "2011", "start": 20, "end": 24, "extractor": "Duckling"}
    message = Message.build(text="Who is Yoshino? And 2011?", entities=[dict(earlier)])
    component.process([message])
    entities = message.get("entities")
    assert entities[0] == earlier
    assert [(e["entity"], e["value"]) for e in entities[1:]] == [
        ("person", "Tomoko YOSHINO"),
        ("year", "2011"),
    ]


def test_message_without_entities_gets_an_empty_list(tmp_path: Path, kb_url: str) -> None:
    component = make_component(tmp_path, {"kb_url": kb_url})
    message = Message.build(text="what's the weather today")
    component.process([message])
    assert message.get("entities") == []


def test_knowledge_base_is_opened_lazily_and_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: List[Any] = []

    def fake_loader(url: Any) -> EntityLinker:
        calls.append(url)
        return EntityLinker([AliasEntry("JAM", "organisation", "JAM")])

    monkeypatch.setattr(extractor_module, "load_kb_linker", fake_loader)
    component = make_component(tmp_path, {"kb_url": "sqlite:///somewhere.sqlite3"})
    assert calls == []  # nothing is loaded when Rasa creates the component
    component.process([Message.build(text="jam")])
    component.process([Message.build(text="JAM"), Message.build(text="hi")])
    assert calls == ["sqlite:///somewhere.sqlite3"]


def test_default_url_is_left_to_the_knowledge_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: List[Any] = []
    monkeypatch.setattr(
        extractor_module, "load_kb_linker", lambda url: calls.append(url) or EntityLinker([])
    )
    make_component(tmp_path, {}).process([Message.build(text="hello")])
    assert calls == [None]  # load_kb_linker then uses knowledge.config.database_url()


def test_missing_knowledge_base_leaves_messages_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = f"sqlite:///{tmp_path / 'absent.sqlite3'}"
    component = make_component(tmp_path, {"kb_url": missing})
    message = Message.build(text="denki rengo")
    with caplog.at_level(logging.ERROR, logger=extractor_module.__name__):
        component.process([message])
        component.process([message])
    assert message.get("entities") is None
    assert len([r for r in caplog.records if "could not load" in r.getMessage()]) == 1
    assert not (tmp_path / "absent.sqlite3").exists()


def test_registered_as_untrainable_entity_extractor() -> None:
    registered = DefaultV1Recipe._from_registry(COMPONENT_PATH)
    assert registered.clazz is KnowledgeBaseEntityExtractor
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable is False


def test_runs_in_a_rasa_prediction_graph(tmp_path: Path, kb_url: str) -> None:
    """The component as `rasa run` uses it: from config.yml, inside the predict graph."""
    config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [{"name": "WhitespaceTokenizer"}, {"name": COMPONENT_PATH, "kb_url": kb_url}],
        "policies": [],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    runner = DaskGraphRunner(
        graph.predict_schema,
        LocalModelStorage(tmp_path),
        ExecutionContext(graph.predict_schema, "test"),
    )
    result = runner.run(
        inputs={PLACEHOLDER_MESSAGE: [UserMessage("Who is the gen sec of jidosha sorne?")]},
        targets=["run_RegexMessageHandler"],
    )
    [message] = result["run_RegexMessageHandler"]
    assert [(e["entity"], e["value"], e["extractor"]) for e in message.get("entities")] == [
        ("role", "General Secretary", "KnowledgeBaseEntityExtractor"),
        ("organisation", "JIDOSHA SOREN", "KnowledgeBaseEntityExtractor"),
    ]
