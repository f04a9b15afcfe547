"""Fixtures shared by the console's tests: the console's tables on a fresh SQLite file,
and Rasa's own SQL tracker store."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from bot.console.schema import create_schema
from tracker_writer import RasaTracker


@pytest.fixture
def console_engine(tmp_path):
    """The console's tables on a fresh SQLite file."""
    engine = create_engine(f"sqlite:///{tmp_path / 'console.db'}", future=True, hide_parameters=True)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def rasa(tmp_path):
    """Rasa's SQLTrackerStore on ``tmp_path/tracker.db``."""
    tracker = RasaTracker(f"sqlite:///{tmp_path / 'tracker.db'}")
    yield tracker
    tracker.dispose()
