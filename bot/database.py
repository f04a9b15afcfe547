"""Opening the project's own SQL databases the same way everywhere.

Every store that can hold what workers wrote (consultation requests, LINE
events, the staff console) opens its engine here: the SQLite file's folder is
created, connections are checked before use, statement parameters never reach
logs or error messages (``hide_parameters``), and on SQLite foreign keys are
enforced and a busy database is waited for instead of failing at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 5000


def open_engine(url: str) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL) with the settings above."""
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_tables(engine: Engine, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` that do not exist yet, also when another process does
    the same at the same moment (``make run`` starts the console server and its command line
    together on a fresh database). ``create_all`` checks, then creates: the loser of that race
    gets "table ... already exists". Each such failure means one more table now exists, so
    one round per table plus one always ends; any other error is passed on in the end."""
    attempts = len(metadata.sorted_tables) + 1
    for attempt in range(1, attempts + 1):
        try:
            metadata.create_all(engine)
            return
        except DatabaseError:
            if attempt == attempts:
                raise


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()
