"""Shared fixtures: one knowledge base, freshly built from the sources, per test session."""
from __future__ import annotations

import pytest

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
