"""Where consultation requests are kept.

One environment variable decides the database, so the same code runs on the
embedded SQLite file in development and on PostgreSQL in production:

- ``CONSULTATION_DB_URL``: SQLAlchemy URL, e.g.
  ``postgresql://rengo:secret@db.example:5432/rengo``. Default: the SQLite
  file ``<repo>/build/consultations.sqlite3``.

The requests hold workers' contact details, so the default file lives under
``build/`` (ignored by git), never beside the code.
"""
from __future__ import annotations

import os
from pathlib import Path

URL_VARIABLE = "CONSULTATION_DB_URL"


def repo_root() -> Path:
    """The repository root: two levels above this package."""
    return Path(__file__).resolve().parent.parent.parent


def default_database_path() -> Path:
    return repo_root() / "build" / "consultations.sqlite3"


def database_url() -> str:
    """``CONSULTATION_DB_URL`` if set, else the SQLite file under ``<repo>/build``."""
    configured = os.environ.get(URL_VARIABLE, "").strip()
    return configured or f"sqlite:///{default_database_path()}"
