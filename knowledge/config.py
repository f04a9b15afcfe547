"""Where the knowledge base lives.

One environment variable decides the database so that the same code runs on the
embedded SQLite file in development and on PostgreSQL in production.
"""
from __future__ import annotations

import os
from pathlib import Path

URL_VARIABLE = "RENGO_KB_URL"


def repo_root() -> Path:
    """The repository root: the parent of the ``knowledge`` package."""
    return Path(__file__).resolve().parent.parent


def sources_dir() -> Path:
    """Documents as received (never edited; clean-up happens in the parser)."""
    return Path(__file__).resolve().parent / "sources"


def curated_dir() -> Path:
    """Hand-kept facts the brochure lacks, each with its public source."""
    return Path(__file__).resolve().parent / "curated"


def default_database_path() -> Path:
    return repo_root() / "build" / "knowledge.sqlite3"


def database_url() -> str:
    """``RENGO_KB_URL`` if set, else the SQLite file under ``<repo>/build``."""
    configured = os.environ.get(URL_VARIABLE, "").strip()
    return configured or f"sqlite:///{default_database_path()}"
