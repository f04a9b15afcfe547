"""Database tables of consultation requests (SQLAlchemy 1.4, 2.0-style use).

Tables are prefixed ``consultation_`` so they can share a PostgreSQL database
with Rasa's tracker store and the knowledge base. Plain portable types only;
the rules that protect workers (consent given, a contact value only when a
contact method was chosen, known statuses) are also CHECK constraints, so a
row that breaks them cannot be written by any code path.

Timestamps are stored in UTC and read back timezone-aware on every backend
(SQLite has no time zones, so ``UTCDateTime`` stores naive UTC there).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    literal_column,
    true,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

from bot.database import create_tables

STATUSES = ("new", "in_progress", "closed")
CONTACT_METHODS = ("none", "email", "phone")

Base = declarative_base()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _one_of(column: str, values: tuple[str, ...]) -> Any:
    return literal_column(column).in_(values)


class ConsultationRequestRow(Base):
    """A worker's request for a consultation, with the staff's follow-up state."""

    __tablename__ = "consultation_requests"
    __table_args__ = (
        CheckConstraint(literal_column("consent") == true(), name="ck_consultation_requests_consent"),
        CheckConstraint(_one_of("status", STATUSES), name="ck_consultation_requests_status"),
        CheckConstraint(_one_of("contact_method", CONTACT_METHODS), name="ck_consultation_requests_contact_method"),
        CheckConstraint(
            "(contact_method = 'none' AND contact_value IS NULL)"
            " OR (contact_method <> 'none' AND contact_value IS NOT NULL)",
            name="ck_consultation_requests_contact_value",
        ),
        Index("ix_consultation_requests_status_created", "status", "created_at"),
        Index("ix_consultation_requests_topic", "topic"),
        Index("ix_consultation_requests_prefecture", "prefecture"),
    )

    id = Column(Integer, primary_key=True)
    #: What the worker quotes on the phone (``RG-7K3M-Q9XD``); random, not derived from ``id``.
    reference = Column(String(12), nullable=False, unique=True)
    topic = Column(String(30), nullable=False)
    description = Column(Text)
    prefecture = Column(String(50), nullable=False)
    industry = Column(String(100))
    contact_method = Column(String(10), nullable=False)
    contact_value = Column(String(254))
    consent = Column(Boolean, nullable=False)
    consented_at = Column(UTCDateTime, nullable=False)
    channel = Column(String(50), nullable=False)
    conversation_id = Column(String(255), nullable=False)
    status = Column(String(20), nullable=False, default="new")
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)
    #: The staff member who last changed the status or added a note.
    updated_by = Column(String(100))


class ConsultationNoteRow(Base):
    """A staff note on a request; notes are only ever added, never edited."""

    __tablename__ = "consultation_notes"
    __table_args__ = (Index("ix_consultation_notes_request", "request_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("consultation_requests.id", ondelete="CASCADE"), nullable=False)
    staff = Column(String(100), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


def create_schema(engine: Engine) -> None:
    """Create the tables that do not exist yet (existing tables are left as they are)."""
    create_tables(engine, Base.metadata)
