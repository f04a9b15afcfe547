"""Reading (and, for retention, deleting) conversations in Rasa's SQL tracker store.

Rasa owns the ``events`` table: it creates it and appends one row per event
(``rasa.core.tracker_store.SQLTrackerStore.SQLEvent``). ``events_table`` mirrors
it in a MetaData of its own so the console can query it with SQLAlchemy Core;
production code never creates it (tests let Rasa's store do that).

Event ids are what the conversation index follows: Rasa inserts events in
increasing id order, so "events with an id above the last one indexed" are
the new ones (with the caveats handled in bot/console/indexer.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import Engine

#: Names per ``IN (...)`` list, well below every backend's limit on bound parameters.
IN_CHUNK = 500

events_metadata = MetaData()
events_table = Table(
    "events",
    events_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@dataclass(frozen=True)
class TrackerEvent:
    """One row of ``events``; ``data`` is the event as Rasa serialised it (``Event.as_dict()``).

    ``repr`` leaves ``data`` out: it holds what the worker wrote.
    """

    id: int
    sender_id: str
    type_name: str
    timestamp: Optional[float]
    intent_name: Optional[str]
    action_name: Optional[str]
    data: Dict[str, Any] = field(repr=False, compare=True, hash=False)


class TrackerReader:
    """Queries on Rasa's ``events`` table; each method is one short unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> "TrackerReader":
        """An engine on ``url`` that keeps parameters (message text, sender ids) out of logs and errors."""
        return cls(create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True))

    def exists(self) -> bool:
        """Whether Rasa has created its ``events`` table yet (it does when the bot first starts)."""
        return inspect(self.engine).has_table(events_table.name)

    def max_event_id(self) -> int:
        """The highest event id (0 for an empty store)."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.max(events_table.c.id))).scalar() or 0)

    def senders_after(self, after_id: int, limit: int) -> List[str]:
        """Distinct sender ids having events with ``id > after_id``, those whose latest event is oldest first.

        That order makes paging safe: every sender left out has a later event
        than every sender returned (see ``latest_ids_after``).
        """
        return [sender for sender, _ in self.latest_ids_after(after_id, limit=limit)]

    def latest_ids_after(
        self, after_id: int, *, limit: int, up_to: Optional[int] = None
    ) -> List[Tuple[str, int]]:
        """``(sender_id, highest id)`` over events with ``after_id < id <= up_to``, by that highest id.

        A caller that handles these senders can continue from the last pair's
        id: the senders left out all have an event above it.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        latest = func.max(events_table.c.id).label("latest")
        query = select(events_table.c.sender_id, latest).where(events_table.c.id > after_id)
        if up_to is not None:
            query = query.where(events_table.c.id <= up_to)
        query = query.group_by(events_table.c.sender_id).order_by(latest, events_table.c.sender_id).limit(limit)
        with self.engine.connect() as connection:
            return [(sender, int(highest)) for sender, highest in connection.execute(query)]

    def first_id_after(self, after_id: int) -> Optional[int]:
        """The lowest event id above ``after_id`` (lets a scan jump over gaps in the ids)."""
        with self.engine.connect() as connection:
            found = connection.execute(
                select(func.min(events_table.c.id)).where(events_table.c.id > after_id)
            ).scalar()
        return None if found is None else int(found)

    def count_senders_after(self, after_id: int, *, up_to: Optional[int] = None) -> int:
        """How many distinct senders have events with ``after_id < id <= up_to`` (for progress reports)."""
        query = select(func.count(func.distinct(events_table.c.sender_id))).where(events_table.c.id > after_id)
        if up_to is not None:
            query = query.where(events_table.c.id <= up_to)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def events_for(
        self, sender_ids: Iterable[str], types: Optional[Sequence[str]] = None
    ) -> Dict[str, List[TrackerEvent]]:
        """All events of these senders (only of these ``types``, e.g. ``("user", "bot", "slot")``,
        if given), each list ordered by id; senders without events are absent."""
        found: Dict[str, List[TrackerEvent]] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(sorted(set(sender_ids))):
                query = select(events_table).where(events_table.c.sender_id.in_(chunk))
                if types is not None:
                    query = query.where(events_table.c.type_name.in_(list(types)))
                rows = connection.execute(query.order_by(events_table.c.id))
                for row in rows:
                    found.setdefault(row.sender_id, []).append(_event(row))
        return found

    def conversation(self, sender_id: str) -> List[TrackerEvent]:
        """Every event of one conversation (all its sessions), by id."""
        return self.events_for([sender_id]).get(sender_id, [])

    def delete_conversation(self, sender_id: str) -> int:
        """Delete every event of one conversation; the number of rows deleted."""
        return self.delete_conversations([sender_id])

    def delete_conversations(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of these conversations in one transaction; the number of rows deleted."""
        deleted = 0
        with self.engine.begin() as connection:
            for chunk in _chunks(sorted(set(sender_ids))):
                result = connection.execute(delete(events_table).where(events_table.c.sender_id.in_(chunk)))
                deleted += result.rowcount or 0
        return deleted

    def senders_last_active_before(self, cutoff_timestamp: float, limit: int) -> List[str]:
        """Senders whose latest event (by timestamp) is older than ``cutoff_timestamp`` (Unix seconds)."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        query = (
            select(events_table.c.sender_id)
            .group_by(events_table.c.sender_id)
            .having(func.max(events_table.c.timestamp) < cutoff_timestamp)
            .order_by(events_table.c.sender_id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def count_senders_last_active_before(self, cutoff_timestamp: float) -> int:
        """How many senders ``senders_last_active_before`` would return without a limit."""
        old = (
            select(events_table.c.sender_id)
            .group_by(events_table.c.sender_id)
            .having(func.max(events_table.c.timestamp) < cutoff_timestamp)
            .subquery()
        )
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(old)).scalar() or 0)


def _chunks(values: Sequence[str]) -> Iterator[List[str]]:
    for start in range(0, len(values), IN_CHUNK):
        yield list(values[start : start + IN_CHUNK])


def _event(row: Any) -> TrackerEvent:
    try:
        data = json.loads(row.data) if row.data else {}
    except ValueError:
        data = {}  # a damaged row must not stop the index; its fields below still count
    if not isinstance(data, dict):
        data = {}
    timestamp = row.timestamp if row.timestamp is not None else data.get("timestamp")
    return TrackerEvent(
        id=int(row.id),
        sender_id=row.sender_id,
        type_name=row.type_name,
        timestamp=float(timestamp) if isinstance(timestamp, (int, float)) else None,
        intent_name=row.intent_name,
        action_name=row.action_name,
        data=data,
    )
