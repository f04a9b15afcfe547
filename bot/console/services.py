"""The console's parts wired together from settings: engines, stores, index, audit.

Created once per process by ``create_app`` (never at import). The conversation
index is brought up to date with the tracker store at most every
``sync_seconds``, by the request that finds it stale, under a lock so that the
server's threads do not index the same events twice.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.console.accounts import Accounts
from bot.console.audit import AuditLog
from bot.console.config import ConsoleSettings
from bot.console.conversations import ConversationIndex
from bot.console.indexer import Indexer, SyncResult
from bot.console.redaction import Redactor
from bot.console.schema import create_schema
from bot.console.tracker import TrackerReader
from bot.consultation.schema import ConsultationRequestRow
from bot.consultation.store import ConsultationStore
from bot.database import open_engine

logger = logging.getLogger(__name__)
#: A sync that (re)indexed this many conversations refreshes the planner's statistics.
ANALYZE_AFTER = 1000


@dataclass
class Console:
    settings: ConsoleSettings
    engine: Engine
    tracker_engine: Engine
    consultations: ConsultationStore
    accounts: Accounts
    audit: AuditLog
    index: ConversationIndex
    tracker: TrackerReader
    indexer: Indexer
    redactor: Redactor
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _synced_at: float = field(default=float("-inf"), repr=False)

    @classmethod
    def from_settings(cls, settings: ConsoleSettings) -> "Console":
        engine = open_engine(settings.console_db_url)
        create_schema(engine)
        tracker_engine = (
            engine if settings.tracker_store_url == settings.console_db_url else open_engine(settings.tracker_store_url)
        )
        redactor = Redactor.from_repo()
        tracker = TrackerReader(tracker_engine)
        return cls(
            settings=settings,
            engine=engine,
            tracker_engine=tracker_engine,
            consultations=ConsultationStore.from_url(settings.consultation_db_url),
            accounts=Accounts(engine, session_hours=settings.session_hours, idle_minutes=settings.idle_minutes),
            audit=AuditLog(engine),
            index=ConversationIndex(engine, low_confidence=settings.low_confidence),
            tracker=tracker,
            indexer=Indexer(engine, tracker_engine, redactor),
            redactor=redactor,
        )

    def tracker_ready(self) -> bool:
        """Rasa creates its ``events`` table when it first starts; before that there is nothing to index."""
        return inspect(self.tracker_engine).has_table("events")

    def sync(
        self,
        *,
        force: bool = False,
        full: bool = False,
        progress: Optional[Callable[[int, int], None]] = None,
    ) -> Optional[SyncResult]:
        """Index new tracker events unless that was done less than ``sync_seconds`` ago
        (``force``: now; ``full``: every conversation again). ``None`` when nothing was tried:
        too soon, or Rasa has not created its ``events`` table yet."""
        if not force and time.monotonic() - self._synced_at < self.settings.sync_seconds:
            return None
        with self._lock:
            if not force and time.monotonic() - self._synced_at < self.settings.sync_seconds:
                return None
            result = self.indexer.sync(full=full, progress=progress) if self.tracker_ready() else None
            if result is not None:
                self.after_sync(result.conversations)
            self._synced_at = time.monotonic()
            return result

    def after_sync(self, conversations: int) -> None:
        """New filter choices may exist; after many new rows the planner needs fresh statistics."""
        if conversations:
            logger.info("indexed %d conversations", conversations)
            self.index.forget_choices()
        if conversations >= ANALYZE_AFTER:
            self.index.analyze()

    def request_counts(self) -> Dict[str, List[Tuple[str, int]]]:
        """Consultation requests by topic and by prefecture (counts only: nothing personal)."""
        out: Dict[str, List[Tuple[str, int]]] = {}
        with Session(self.consultations.engine, future=True) as s:
            for name in ("topic", "prefecture"):
                column = getattr(ConsultationRequestRow, name)
                n = func.count()
                out[name] = [(str(k), int(v)) for k, v in s.execute(
                    select(column, n).group_by(column).order_by(n.desc(), column).limit(15)
                )]
        return out

    def request_prefectures(self) -> List[str]:
        """The prefectures that have requests, for the queue's filter."""
        column = ConsultationRequestRow.prefecture
        with Session(self.consultations.engine, future=True) as s:
            return list(s.scalars(select(column).distinct().order_by(column)))

    def dispose(self) -> None:
        for engine in {self.engine, self.tracker_engine, self.consultations.engine}:
            engine.dispose()
