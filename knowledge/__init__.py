"""RENGO's knowledge base: the brochure and curated facts as typed, read-only lookups.

Nothing is opened at import time; ``KnowledgeBase`` is imported lazily so that
importing ``knowledge`` (for example ``knowledge.records`` in the action server)
does not pull in SQLAlchemy.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from knowledge.queries import KnowledgeBase

__all__ = ["KnowledgeBase"]


def __getattr__(name: str) -> Any:
    if name == "KnowledgeBase":
        from knowledge.queries import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
