"""The console's own tables (SQLAlchemy 1.4, 2.0-style use), prefixed ``console_``.

They may share a PostgreSQL database with the tracker store, the consultation
requests and the knowledge base. What they hold about workers is an index of
the tracker store that is already redacted (``console_conversations.preview``,
``console_search``): the unredacted text stays only in Rasa's ``events`` table.

Search: ``console_search`` is a SQLite FTS5 table with the trigram tokenizer,
or on PostgreSQL a plain table with a pg_trgm GIN index. Both make
``LIKE '%words%'`` (case-insensitive substring, any script, Japanese included)
an index lookup for three characters or more. On SQLite,
``console_search_bigrams`` also answers two-character Japanese words
(bot/console/bigrams.py).
"""
from __future__ import annotations

import logging

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    literal_column,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import declarative_base

from bot.consultation.schema import UTCDateTime
from bot.database import create_tables

logger = logging.getLogger(__name__)

ROLES = ("reviewer", "counsellor", "admin")

Base = declarative_base()


class UserRow(Base):
    __tablename__ = "console_users"
    __table_args__ = (CheckConstraint(literal_column("role").in_(ROLES), name="ck_console_users_role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(100), nullable=False, unique=True)
    password_hash = Column(Text, nullable=False)
    role = Column(String(20), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False)
    password_changed_at = Column(UTCDateTime, nullable=False)


class SessionRow(Base):
    """A login. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    last_seen_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)


class LoginAttemptRow(Base):
    """Failed logins, counted per account name and per client address for rate limiting."""

    __tablename__ = "console_login_attempts"
    __table_args__ = (
        Index("ix_console_login_attempts_username", "username", "attempted_at"),
        Index("ix_console_login_attempts_address", "address", "attempted_at"),
    )

    id = Column(Integer, primary_key=True)
    username = Column(String(100), nullable=False)
    address = Column(String(64), nullable=False)
    attempted_at = Column(UTCDateTime, nullable=False)


class AuditRow(Base):
    """Who viewed, exported, changed or deleted what; never the content itself."""

    __tablename__ = "console_audit"
    __table_args__ = (Index("ix_console_audit_at", "at"), Index("ix_console_audit_username", "username", "at"))

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False)
    username = Column(String(100), nullable=False)
    role = Column(String(20))
    action = Column(String(40), nullable=False)
    target = Column(String(255))
    detail = Column(Text)  # JSON: filters of an export, the count, the new status...
    address = Column(String(64))


class ConversationRow(Base):
    """One conversation (a tracker ``sender_id``), summarised by bot/console/indexer.py."""

    __tablename__ = "console_conversations"
    __table_args__ = (
        Index("ix_console_conversations_last", "last_event_at", "id"),
        Index("ix_console_conversations_started_day", "started_day"),
        Index("ix_console_conversations_channel", "channel", "last_event_at"),
        Index("ix_console_conversations_fallback", "fallback", "last_event_at"),
        Index("ix_console_conversations_urgent", "urgent", "last_event_at"),
        Index("ix_console_conversations_consultation", "consultation_requested", "last_event_at"),
        Index("ix_console_conversations_reviewed", "reviewed", "last_event_at"),
        Index("ix_console_conversations_flagged", "flagged", "last_event_at"),
        Index("ix_console_conversations_confidence", "min_confidence"),
    )

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, unique=True)
    channel = Column(String(50))
    started_at = Column(UTCDateTime, nullable=False)
    last_event_at = Column(UTCDateTime, nullable=False)
    started_day = Column(String(10), nullable=False)  # YYYY-MM-DD (UTC), for per-day charts
    user_messages = Column(Integer, nullable=False, default=0)
    min_confidence = Column(Float)  # lowest intent confidence of a user message
    fallback = Column(Boolean, nullable=False, default=False)
    urgent = Column(Boolean, nullable=False, default=False)
    consultation_requested = Column(Boolean, nullable=False, default=False)
    consultation_reference = Column(String(20))
    preview = Column(String(200))  # the first user message, redacted, shortened
    last_event_id = Column(Integer, nullable=False)  # highest tracker event id summarised
    # the staff's work on it
    reviewed = Column(Boolean, nullable=False, default=False)
    reviewed_by = Column(String(100))
    flagged = Column(Boolean, nullable=False, default=False)


class ConversationIntentRow(Base):
    __tablename__ = "console_conversation_intents"
    __table_args__ = (Index("ix_console_conversation_intents_intent", "intent", "conversation_id"),)

    conversation_id = Column(Integer, ForeignKey("console_conversations.id", ondelete="CASCADE"), primary_key=True)
    intent = Column(String(100), primary_key=True)
    messages = Column(Integer, nullable=False)


class ConversationTagRow(Base):
    __tablename__ = "console_conversation_tags"
    __table_args__ = (Index("ix_console_conversation_tags_tag", "tag", "conversation_id"),)

    conversation_id = Column(Integer, ForeignKey("console_conversations.id", ondelete="CASCADE"), primary_key=True)
    tag = Column(String(40), primary_key=True)
    added_by = Column(String(100), nullable=False)
    added_at = Column(UTCDateTime, nullable=False)


class ConversationNoteRow(Base):
    __tablename__ = "console_conversation_notes"
    __table_args__ = (Index("ix_console_conversation_notes_conversation", "conversation_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Integer, ForeignKey("console_conversations.id", ondelete="CASCADE"), nullable=False)
    staff = Column(String(100), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class StateRow(Base):
    """Small key/value state, e.g. the highest tracker event id already indexed."""

    __tablename__ = "console_state"

    key = Column(String(50), primary_key=True)
    value = Column(String(255), nullable=False)


#: The search table as SQLAlchemy sees it on PostgreSQL (``conversation_id``, ``text``).
#: On SQLite the same name is an FTS5 table whose ``rowid`` is the conversation id.
search_metadata = MetaData()
search_table = Table(
    "console_search",
    search_metadata,
    Column("conversation_id", Integer, ForeignKey(ConversationRow.__table__.c.id, ondelete="CASCADE"), primary_key=True),
    Column("text", Text, nullable=False),
)


def create_schema(engine: Engine) -> None:
    """Create the tables that do not exist yet, the search table for this backend included."""
    create_tables(engine, Base.metadata)
    with engine.begin() as connection:
        _create_search(connection)


def _create_search(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(
            text("CREATE VIRTUAL TABLE IF NOT EXISTS console_search USING fts5(text, tokenize='trigram')")
        )
        # two-character Japanese words (bot/console/bigrams.py); rowid = conversation id too
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS console_search_bigrams"
                " USING fts5(text, tokenize='unicode61', detail='none')"
            )
        )
        return
    connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    if not connection.execute(text("SELECT show_trgm('残業代')")).scalar():
        # A database created with LC_CTYPE 'C' gives kanji and kana no trigrams at all.
        logger.warning(
            "PostgreSQL finds no trigrams in Japanese text (the database's LC_CTYPE is probably 'C'):"
            " Japanese search will scan instead of using its index; create the database with a UTF-8"
            " ctype such as C.UTF-8 (docs/console.md)"
        )
    search_table.create(connection, checkfirst=True)
    connection.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_console_search_trgm"
            " ON console_search USING gin (text gin_trgm_ops)"
        )
    )
