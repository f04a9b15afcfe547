"""Keeping consultation requests, and the staff's follow-up on them.

``ConsultationStore`` is handed an engine (or opens one with ``from_url``), and
every method is one unit of work in its own short session; it returns frozen
records, never ORM objects, so no caller can trigger lazy SQL or hold a session
open across a conversation turn.

Privacy: nothing is stored without the worker's explicit consent
(``ConsentRequired``), the log only ever names a request by its reference
number, and the records' ``repr`` leaves out what the worker wrote and how to
reach them.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.consultation import config
from bot.database import open_engine
from bot.consultation.schema import (
    STATUSES,
    ConsultationNoteRow,
    ConsultationRequestRow,
    create_schema,
    utc_now,
)
from bot.consultation.validation import (
    REFERENCE_ALPHABET,
    REFERENCE_GROUPS,
    InvalidAnswer,
    format_reference,
    validate_contact,
    validate_description,
    validate_industry,
    validate_prefecture,
    validate_reference,
    validate_topic,
)

logger = logging.getLogger(__name__)

#: Fresh references tried before giving up; with 32^8 codes a second try is already rare.
REFERENCE_ATTEMPTS = 10
STAFF_MAX_CHARS = 100
CHANNEL_MAX_CHARS = 50
CONVERSATION_ID_MAX_CHARS = 255
LIST_MAX_LIMIT = 500
#: Conversation ids per ``IN (...)`` list when deleting.
DELETE_CHUNK = 500


class ConsentRequired(ValueError):
    """The worker did not explicitly agree to have the request stored, so nothing was."""


class RequestNotFound(LookupError):
    """No request has this reference number."""


@dataclass(frozen=True, kw_only=True)
class NewRequest:
    """What the consultation form collected; the store validates it again before writing."""

    topic: str
    prefecture: str
    contact_method: str
    consent: bool
    channel: str
    conversation_id: str
    description: Optional[str] = field(default=None, repr=False)
    industry: Optional[str] = field(default=None, repr=False)
    contact_value: Optional[str] = field(default=None, repr=False)


@dataclass(frozen=True, kw_only=True)
class Note:
    """A staff note; its text may quote the worker, so ``repr`` leaves it out."""

    staff: str
    text: str = field(repr=False)
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class StoredRequest:
    """A stored request. Timestamps are timezone-aware UTC; ``notes`` oldest first."""

    reference: str
    topic: str
    prefecture: str
    contact_method: str
    consent: bool
    consented_at: datetime
    channel: str
    conversation_id: str
    status: str
    created_at: datetime
    updated_at: datetime
    updated_by: Optional[str] = None
    description: Optional[str] = field(default=None, repr=False)
    industry: Optional[str] = field(default=None, repr=False)
    contact_value: Optional[str] = field(default=None, repr=False)
    notes: Tuple[Note, ...] = ()


def new_reference() -> str:
    """A random reference such as ``RG-7K3M-Q9XD`` (40 bits from ``secrets``, unrelated to the row id)."""
    return format_reference("".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(sum(REFERENCE_GROUPS))))


class ConsultationStore:
    """Consultation requests in a SQL database (SQLite by default, PostgreSQL by URL)."""

    def __init__(
        self,
        engine: Engine,
        *,
        references: Callable[[], str] = new_reference,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self._references = references
        self._clock = clock

    @classmethod
    def from_url(cls, url: Optional[str] = None) -> "ConsultationStore":
        """Open the database at ``url`` (default ``config.database_url()``), creating missing tables.

        An engine passed to ``__init__`` instead should also be created with
        ``hide_parameters=True``, or a logged SQL statement may hold contact details.
        """
        # open_engine hides parameters: SQL logging and errors must not carry what workers wrote.
        engine = open_engine(url or config.database_url())
        create_schema(engine)
        return cls(engine)

    # --- the worker's side ------------------------------------------------------------

    def submit(self, request: NewRequest) -> StoredRequest:
        """Store ``request`` under a fresh reference number, status ``new``.

        Raises ``ConsentRequired`` unless ``request.consent is True`` (checked before
        anything else), and ``InvalidAnswer`` for a value the form should not have let through.
        """
        if request.consent is not True:
            raise ConsentRequired("the worker did not consent to storing the request")
        method, contact_value = validate_contact(request.contact_method, request.contact_value)
        values: Dict[str, Any] = dict(
            topic=validate_topic(request.topic),
            description=validate_description(request.description),
            prefecture=validate_prefecture(request.prefecture),
            industry=validate_industry(request.industry),
            contact_method=method,
            contact_value=contact_value,
            consent=True,
            channel=_bounded(request.channel, "channel", CHANNEL_MAX_CHARS),
            conversation_id=_bounded(request.conversation_id, "conversation_id", CONVERSATION_ID_MAX_CHARS),
            status="new",
        )
        for _ in range(REFERENCE_ATTEMPTS):
            reference = self._references()
            now = self._now()
            try:
                with Session(self.engine, future=True) as s, s.begin():
                    row = ConsultationRequestRow(
                        reference=reference, consented_at=now, created_at=now, updated_at=now, **values
                    )
                    s.add(row)
                    s.flush()
                    stored = _stored(row, [])
            except IntegrityError:
                if self._exists(reference):
                    continue  # the reference is taken: draw another
                raise
            logger.info("stored consultation request %s (topic %s)", reference, stored.topic)
            return stored
        raise RuntimeError(f"no free reference number after {REFERENCE_ATTEMPTS} attempts")

    # --- the staff's side ---------------------------------------------------------------

    def get(self, reference: str) -> Optional[StoredRequest]:
        """The request and its notes, or ``None``; ``reference`` as a worker reads it (``rg 7k3m q9xd``)."""
        try:
            reference = validate_reference(reference)
        except InvalidAnswer:
            return None
        with Session(self.engine, future=True) as s:
            row = s.scalars(
                select(ConsultationRequestRow).where(ConsultationRequestRow.reference == reference)
            ).first()
            if row is None:
                return None
            return _stored(row, self._notes(s, [row.id]).get(row.id, []))

    def list(
        self,
        status: Optional[str] = None,
        topic: Optional[str] = None,
        prefecture: Optional[str] = None,
        limit: int = 50,
        offset: int = 0,
    ) -> List[StoredRequest]:
        """Requests matching every filter given, newest first, with their notes."""
        query = select(ConsultationRequestRow)
        if status is not None:
            query = query.where(ConsultationRequestRow.status == _status(status))
        if topic is not None:
            query = query.where(ConsultationRequestRow.topic == validate_topic(topic))
        if prefecture is not None:
            query = query.where(ConsultationRequestRow.prefecture == validate_prefecture(prefecture))
        if not 1 <= limit <= LIST_MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {LIST_MAX_LIMIT}")
        if offset < 0:
            raise ValueError("offset must not be negative")
        query = query.order_by(
            ConsultationRequestRow.created_at.desc(), ConsultationRequestRow.id.desc()
        ).limit(limit).offset(offset)
        with Session(self.engine, future=True) as s:
            rows = list(s.scalars(query))
            notes = self._notes(s, [r.id for r in rows])
            return [_stored(r, notes.get(r.id, [])) for r in rows]

    def set_status(self, reference: str, status: str, staff: str) -> StoredRequest:
        """Move a request to ``new``, ``in_progress`` or ``closed`` (``ValueError`` for anything else)."""
        status = _status(status)
        staff = _bounded(staff, "staff", STAFF_MAX_CHARS)
        with Session(self.engine, future=True) as s, s.begin():
            row = self._row(s, reference)
            row.status = status
            row.updated_at = self._now()
            row.updated_by = staff
            s.flush()
            stored = _stored(row, self._notes(s, [row.id]).get(row.id, []))
        logger.info("consultation request %s is now %s", stored.reference, status)
        return stored

    def add_note(self, reference: str, staff: str, text: str) -> Note:
        """Append a staff note to a request (notes are never edited or removed)."""
        staff = _bounded(staff, "staff", STAFF_MAX_CHARS)
        if not isinstance(text, str) or not text.strip():
            raise ValueError("a note needs some text")
        with Session(self.engine, future=True) as s, s.begin():
            row = self._row(s, reference)
            now = self._now()
            note = ConsultationNoteRow(request_id=row.id, staff=staff, text=text.strip(), created_at=now)
            s.add(note)
            row.updated_at = now
            row.updated_by = staff
            s.flush()
            result = _note(note)
            logged = row.reference
        logger.info("note added to consultation request %s", logged)
        return result

    def count(
        self,
        status: Optional[str] = None,
        topic: Optional[str] = None,
        prefecture: Optional[str] = None,
    ) -> int:
        """How many requests ``list`` would return with these filters and no limit (for paging)."""
        query = select(func.count()).select_from(ConsultationRequestRow)
        for condition in _filters(status, topic, prefecture):
            query = query.where(condition)
        with Session(self.engine, future=True) as s:
            return int(s.scalar(query) or 0)

    # --- deletion -----------------------------------------------------------------------

    def delete_for_conversation(self, conversation_id: str) -> int:
        """Delete every request (and its notes) made in this conversation, whatever its status.

        For a worker who asked to be forgotten. Returns the number of requests deleted.
        """
        return self.delete_for_conversations([conversation_id])

    def delete_for_conversations(self, conversation_ids: Iterable[str]) -> int:
        """``delete_for_conversation`` for several conversations in one transaction."""
        ids = sorted({c for c in conversation_ids if isinstance(c, str) and c})
        deleted = 0
        with Session(self.engine, future=True) as s, s.begin():
            for start in range(0, len(ids), DELETE_CHUNK):
                chunk = ids[start : start + DELETE_CHUNK]
                requests = select(ConsultationRequestRow.id).where(ConsultationRequestRow.conversation_id.in_(chunk))
                deleted += _delete_requests(s, requests)
        if deleted:
            logger.info("deleted %d consultation requests with their conversations", deleted)
        return deleted

    def purge_closed_before(self, cutoff: datetime) -> int:
        """Delete ``closed`` requests (and their notes) not updated since ``cutoff``.

        Requests still ``new`` or ``in_progress`` are never purged, however old:
        someone still has to follow them up. Returns the number deleted.
        """
        if cutoff.tzinfo is None or cutoff.utcoffset() is None:
            raise ValueError("cutoff must be timezone-aware")
        requests = select(ConsultationRequestRow.id).where(
            ConsultationRequestRow.status == "closed", ConsultationRequestRow.updated_at < cutoff
        )
        with Session(self.engine, future=True) as s, s.begin():
            deleted = _delete_requests(s, requests)
        if deleted:
            logger.info("purged %d closed consultation requests", deleted)
        return deleted

    # --- helpers ------------------------------------------------------------------------

    def _now(self) -> datetime:
        """The clock's time in UTC, so records read the same before and after a round trip."""
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return now.astimezone(timezone.utc)

    def _exists(self, reference: str) -> bool:
        with Session(self.engine, future=True) as s:
            query = select(ConsultationRequestRow.id).where(ConsultationRequestRow.reference == reference)
            return s.execute(query).first() is not None

    @staticmethod
    def _row(s: Session, reference: str) -> ConsultationRequestRow:
        try:
            reference = validate_reference(reference)
        except InvalidAnswer:
            raise RequestNotFound("not a reference number") from None
        row = s.scalars(
            select(ConsultationRequestRow).where(ConsultationRequestRow.reference == reference)
        ).first()
        if row is None:
            raise RequestNotFound(f"no consultation request {reference}")
        return row

    @staticmethod
    def _notes(s: Session, request_ids: Sequence[int]) -> Dict[int, List[Note]]:
        if not request_ids:
            return {}
        rows = s.scalars(
            select(ConsultationNoteRow)
            .where(ConsultationNoteRow.request_id.in_(request_ids))
            .order_by(ConsultationNoteRow.created_at, ConsultationNoteRow.id)
        )
        notes: Dict[int, List[Note]] = {}
        for row in rows:
            notes.setdefault(row.request_id, []).append(_note(row))
        return notes


def _filters(status: Optional[str], topic: Optional[str], prefecture: Optional[str]) -> List[Any]:
    """The WHERE conditions of ``list``'s filters, validated the same way."""
    conditions: List[Any] = []
    if status is not None:
        conditions.append(ConsultationRequestRow.status == _status(status))
    if topic is not None:
        conditions.append(ConsultationRequestRow.topic == validate_topic(topic))
    if prefecture is not None:
        conditions.append(ConsultationRequestRow.prefecture == validate_prefecture(prefecture))
    return conditions


def _delete_requests(s: Session, request_ids: Any) -> int:
    """Delete the requests selected by ``request_ids`` (a subquery) and their notes.

    The notes' foreign key cascades, but they are deleted explicitly first so that
    an engine handed in without SQLite's ``foreign_keys`` pragma leaves none behind.
    """
    s.execute(
        delete(ConsultationNoteRow)
        .where(ConsultationNoteRow.request_id.in_(request_ids))
        .execution_options(synchronize_session=False)
    )
    result = s.execute(
        delete(ConsultationRequestRow)
        .where(ConsultationRequestRow.id.in_(request_ids))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _status(status: Any) -> str:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    return status


def _bounded(value: Any, name: str, max_chars: int) -> str:
    """A required short identifier (staff name, channel, sender id), stripped."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} is required")
    if len(value.strip()) > max_chars:
        raise ValueError(f"{name} is longer than {max_chars} characters")
    return value.strip()


def _note(row: ConsultationNoteRow) -> Note:
    return Note(staff=row.staff, text=row.text, created_at=row.created_at)


def _stored(row: ConsultationRequestRow, notes: Sequence[Note]) -> StoredRequest:
    return StoredRequest(
        reference=row.reference,
        topic=row.topic,
        prefecture=row.prefecture,
        contact_method=row.contact_method,
        consent=row.consent,
        consented_at=row.consented_at,
        channel=row.channel,
        conversation_id=row.conversation_id,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        description=row.description,
        industry=row.industry,
        contact_value=row.contact_value,
        notes=tuple(notes),
    )

