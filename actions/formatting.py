"""Layout of lists of facts inside responses (no sentences live here).

Names, dates and lists that differ by language (``Tomoko YOSHINO (JAM)`` /
``芳野友子（Tomoko YOSHINO、JAM）``) are laid out by ``actions.language.Names``.
"""
from __future__ import annotations

from typing import Iterable, Optional


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def numbered(items: Iterable[str]) -> str:
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


def acronym_part(acronym: Optional[str]) -> str:
    return f" ({acronym})" if acronym else ""
