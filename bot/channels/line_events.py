"""Which LINE webhook events have been answered, so none is answered twice or lost.

LINE identifies every event by ``webhookEventId`` and delivers it again
(``deliveryContext.isRedelivery: true``) when our server did not acknowledge
the webhook with a 2xx, for instance because the process died while
receiving it. This store keeps one row per event in the table
``line_webhook_events`` of the database at ``LINE_EVENT_STORE_URL`` (default:
the SQLite file ``<repo>/build/line-events.sqlite3``; a PostgreSQL URL works
as it is), so the rule below holds across restarts and across several Rasa
processes sharing the database.

The rule ("answered at most once; while LINE redelivers, answered at least once"):

1. Before the webhook is acknowledged, each event is **claimed**: a row
   ``claimed`` by this process (``owner``) is inserted. Only the process that
   inserted it answers the event (``Claim.NEW``).
2. Just before the first call to LINE's API for an event, its row records
   ``sending_at``: from then on part of the answer may have reached the worker.
3. Once an answer has been handed to LINE (or might have been: a timeout after
   the request was sent), the row becomes ``answered``. An answered event is
   never answered again, whoever delivers it, however often (``Claim.ANSWERED``).
4. If processing ends before anything could have reached LINE, the claim is
   ``released``; the next delivery of that event claims it as new.
5. A claim that is neither answered nor released belongs to a process that is
   still working on it, or that died. A fresh claim is left alone
   (``Claim.IN_PROGRESS``): the channel answers the webhook with 503, so that
   LINE delivers it again later. A claim older than the claim timeout (default
   5 minutes, longer than answering can take with every retry) was abandoned
   by a dead process, and the next delivery takes it over: as ``Claim.NEW`` if
   that process never started sending, else as ``Claim.TAKEN_OVER``, which the
   channel answers with the reply token only (single-use, so it cannot double
   an answer) and never by push (which could).

Redeliveries only happen for webhooks we did not acknowledge, and we claim
before acknowledging and start sending only afterwards, so in practice a
redelivered event is either answered already or was claimed by a process that
died before sending anything: it is answered in full, once.

Rows hold no message text and no LINE user id: only the event id, its state,
the claiming process's random id and timestamps. Rows older than the retention
period (``prune``; default 7 days, far beyond LINE's redelivery window) are deleted.
"""
from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Mapping, Optional

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base

from bot.consultation.schema import UTCDateTime, utc_now
from bot.database import create_tables, open_engine

URL_VARIABLE = "LINE_EVENT_STORE_URL"
EVENT_ID_MAX_CHARS = 64
OWNER_MAX_CHARS = 64
DEFAULT_CLAIM_TIMEOUT = timedelta(minutes=5)
DEFAULT_RETENTION = timedelta(days=7)

CLAIMED, ANSWERED, RELEASED = "claimed", "answered", "released"

Base = declarative_base()


class LineEventRow(Base):
    __tablename__ = "line_webhook_events"
    __table_args__ = (
        CheckConstraint("state IN ('claimed', 'answered', 'released')", name="ck_line_webhook_events_state"),
        Index("ix_line_webhook_events_updated_at", "updated_at"),
    )

    webhook_event_id = Column(String(EVENT_ID_MAX_CHARS), primary_key=True)
    state = Column(String(10), nullable=False)
    #: Random id of the process that claimed the event last (not a user id).
    owner = Column(String(OWNER_MAX_CHARS))
    #: How often the event was claimed; also guards takeovers against races.
    claims = Column(Integer, nullable=False)
    claimed_at = Column(UTCDateTime, nullable=False)
    #: When the claiming process started calling LINE's API for this event.
    sending_at = Column(UTCDateTime)
    answered_at = Column(UTCDateTime)
    updated_at = Column(UTCDateTime, nullable=False)


class Claim(enum.Enum):
    """What a process may do with an event it received."""

    NEW = "new"  # nothing was sent for it yet: answer it
    TAKEN_OVER = "taken_over"  # abandoned by a dead process while sending: reply only, never push
    ANSWERED = "answered"  # answered already: never again
    IN_PROGRESS = "in_progress"  # a live claim elsewhere (or here): leave it to its owner

    @property
    def should_answer(self) -> bool:
        return self in (Claim.NEW, Claim.TAKEN_OVER)


@dataclass(frozen=True)
class EventRecord:
    webhook_event_id: str
    state: str
    owner: Optional[str]
    claims: int
    claimed_at: datetime
    sending_at: Optional[datetime]
    answered_at: Optional[datetime]
    updated_at: datetime


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent.parent


def store_url(env: Mapping[str, str] = os.environ) -> str:
    """``LINE_EVENT_STORE_URL`` if set, else the SQLite file ``<repo>/build/line-events.sqlite3``."""
    configured = env.get(URL_VARIABLE, "").strip()
    return configured or f"sqlite:///{repo_root() / 'build' / 'line-events.sqlite3'}"


class LineEventStore:
    """Claims and answers of LINE webhook events; every method is one short unit of work.

    ``clock`` returns the current time (timezone-aware); tests pass their own.
    """

    def __init__(
        self,
        engine: Engine,
        claim_timeout: timedelta = DEFAULT_CLAIM_TIMEOUT,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.claim_timeout = claim_timeout
        self._clock = clock

    @classmethod
    def from_url(
        cls,
        url: Optional[str] = None,
        claim_timeout: timedelta = DEFAULT_CLAIM_TIMEOUT,
        clock: Callable[[], datetime] = utc_now,
    ) -> "LineEventStore":
        """Open the database at ``url`` (default ``store_url()``), creating the table if missing."""
        engine = open_engine(url or store_url())
        create_tables(engine, Base.metadata)
        return cls(engine, claim_timeout=claim_timeout, clock=clock)

    def dispose(self) -> None:
        self.engine.dispose()

    def claim(self, event_id: str, owner: str) -> Claim:
        """Claim ``event_id`` for ``owner`` if the rule above lets it answer the event."""
        _check(event_id, EVENT_ID_MAX_CHARS, "webhook event id")
        _check(owner, OWNER_MAX_CHARS, "owner")
        for _ in range(3):  # a second or third round only after losing a race
            now = self._clock()
            try:
                with Session(self.engine) as session, session.begin():
                    session.add(
                        LineEventRow(
                            webhook_event_id=event_id, state=CLAIMED, owner=owner, claims=1,
                            claimed_at=now, updated_at=now,
                        )
                    )
                return Claim.NEW
            except IntegrityError:
                pass  # the event is known: decide by its row
            with Session(self.engine) as session, session.begin():
                row = session.get(LineEventRow, event_id)
                if row is None:
                    continue  # pruned in between: insert again
                if row.state == ANSWERED:
                    return Claim.ANSWERED
                if row.state == CLAIMED and row.claimed_at > now - self.claim_timeout:
                    return Claim.IN_PROGRESS
                outcome = Claim.TAKEN_OVER if row.sending_at is not None else Claim.NEW
                taken = session.execute(
                    update(LineEventRow)
                    .where(LineEventRow.webhook_event_id == event_id, LineEventRow.claims == row.claims)
                    .values(state=CLAIMED, owner=owner, claims=row.claims + 1, claimed_at=now, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount == 1:
                    return outcome
        return Claim.IN_PROGRESS

    def mark_sending(self, event_id: str, owner: str) -> bool:
        """Record that ``owner`` starts calling LINE for ``event_id``; False if the claim is no longer its own."""
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            marked = session.execute(
                update(LineEventRow)
                .where(
                    LineEventRow.webhook_event_id == event_id,
                    LineEventRow.owner == owner,
                    LineEventRow.state == CLAIMED,
                )
                .values(sending_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            return marked.rowcount == 1

    def mark_answered(self, event_id: str) -> None:
        """Record that an answer to ``event_id`` went (or may have gone) to LINE: final."""
        _check(event_id, EVENT_ID_MAX_CHARS, "webhook event id")
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            row = session.get(LineEventRow, event_id)
            if row is None:  # pruned while being answered (only with a tiny retention)
                session.add(
                    LineEventRow(
                        webhook_event_id=event_id, state=ANSWERED, claims=1,
                        claimed_at=now, answered_at=now, updated_at=now,
                    )
                )
            elif row.state != ANSWERED:
                row.state, row.answered_at, row.updated_at = ANSWERED, now, now

    def release(self, event_id: str, owner: str) -> bool:
        """Give up ``owner``'s claim on an event nothing was sent for; False if it was not ``owner``'s."""
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            released = session.execute(
                update(LineEventRow)
                .where(
                    LineEventRow.webhook_event_id == event_id,
                    LineEventRow.owner == owner,
                    LineEventRow.state == CLAIMED,
                )
                .values(state=RELEASED, sending_at=None, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            return released.rowcount == 1

    def prune(self, retention: timedelta = DEFAULT_RETENTION) -> int:
        """Delete the rows untouched for longer than ``retention``; return how many."""
        cutoff = self._clock() - retention
        with Session(self.engine) as session, session.begin():
            deleted = session.execute(
                delete(LineEventRow)
                .where(LineEventRow.updated_at < cutoff)
                .execution_options(synchronize_session=False)
            )
            return deleted.rowcount

    def get(self, event_id: str) -> Optional[EventRecord]:
        with Session(self.engine) as session:
            row = session.get(LineEventRow, event_id)
            if row is None:
                return None
            return EventRecord(
                webhook_event_id=row.webhook_event_id, state=row.state, owner=row.owner,
                claims=row.claims, claimed_at=row.claimed_at, sending_at=row.sending_at,
                answered_at=row.answered_at,
                updated_at=row.updated_at,
            )


def _check(value: str, max_chars: int, what: str) -> None:
    if not isinstance(value, str) or not value or len(value) > max_chars:
        raise ValueError(f"{what} must be a string of 1 to {max_chars} characters")
