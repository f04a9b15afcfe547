"""A consultation store on a fresh SQLite file per test."""
from __future__ import annotations

import pytest

from bot.consultation.store import ConsultationStore


@pytest.fixture
def store(tmp_path) -> ConsultationStore:
    store = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'consultations.sqlite3'}")
    yield store
    store.engine.dispose()
