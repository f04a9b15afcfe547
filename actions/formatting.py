"""Layout of lists of facts inside responses (no sentences live here)."""
from __future__ import annotations

from typing import Iterable, Optional

from knowledge.records import HistoryEvent, Leader, Organisation


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def numbered(items: Iterable[str]) -> str:
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


def names(items: Iterable[str]) -> str:
    return ", ".join(items)


def when(event: HistoryEvent) -> str:
    parts = [p for p in (event.month_display, str(event.year) if event.year else None) if p]
    return " ".join(parts)


def event_line(event: HistoryEvent) -> str:
    stamp = when(event)
    return f"{stamp}: {event.text}" if stamp else event.text


def leader_with_affiliate(leader: Leader) -> str:
    return f"{leader.name} ({leader.affiliate})"


def leader_with_role(leader: Leader) -> str:
    return f"{leader.name} ({leader.role})"


def organisation_label(org: Organisation) -> str:
    return f"{org.short_name} ({org.full_name})"


def acronym_part(acronym: Optional[str]) -> str:
    return f" ({acronym})" if acronym else ""
