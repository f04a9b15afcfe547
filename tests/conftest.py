"""Shared fixtures: one knowledge base per test session, a fresh consultation store per test."""
from __future__ import annotations

import pytest

from bot.consultation.store import ConsultationStore
from knowledge.build import build
from knowledge.queries import KnowledgeBase


@pytest.fixture(scope="session")
def kb_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite knowledge base built into a temporary directory."""
    path = tmp_path_factory.mktemp("kb") / "knowledge.sqlite3"
    url = f"sqlite:///{path}"
    build(url, log=lambda message: None)
    return url


@pytest.fixture(scope="session")
def kb(kb_url: str) -> KnowledgeBase:
    return KnowledgeBase.from_url(kb_url)


@pytest.fixture
def store(tmp_path) -> ConsultationStore:
    """A consultation store on a fresh SQLite file."""
    store = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'consultations.sqlite3'}")
    yield store
    store.engine.dispose()
