"""The conversation index as the console reads and annotates it.

Reads only the console's own tables (``bot/console/schema.py``), which the
indexer keeps in step with Rasa's tracker store; the transcript itself is read
from the tracker store by ``bot/console/transcript.py``.

Pages use keyset pagination on ``(last_event_at, id)``, newest first, so the
hundredth page costs what the first does; the total is one COUNT.
"""
from __future__ import annotations

import base64
import binascii
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from sqlalchemy import Integer, and_, bindparam, cast, delete, func, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.console.bigrams import is_japanese_pair
from bot.console.filters import ConversationFilter, FilterError
from bot.console.schema import (
    ConversationIntentRow,
    ConversationNoteRow,
    ConversationRow,
    ConversationTagRow,
    search_table,
)
from bot.consultation.schema import utc_now

PAGE_SIZE = 50
#: How long the filters' choices (channels, intents, tags) are kept before being read again.
CHOICES_SECONDS = 60.0
TAG_MAX_CHARS = 40
NOTE_MAX_CHARS = 4000
#: Search words shorter than this cannot use the trigram index and scan instead.
TRIGRAM = 3


@dataclass(frozen=True)
class Note:
    staff: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Conversation:
    id: int
    sender_id: str
    channel: Optional[str]
    started_at: datetime
    last_event_at: datetime
    user_messages: int
    min_confidence: Optional[float]
    fallback: bool
    urgent: bool
    consultation_requested: bool
    consultation_reference: Optional[str]
    preview: Optional[str]
    reviewed: bool
    reviewed_by: Optional[str]
    flagged: bool
    tags: Tuple[str, ...] = ()
    notes: Tuple[Note, ...] = ()


@dataclass(frozen=True)
class Page:
    rows: List[Conversation]
    total: int
    next_cursor: Optional[str]


def _cursor(row: Conversation) -> str:
    raw = f"{row.last_event_at.timestamp():.6f}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _parse_cursor(cursor: str) -> Tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, row_id = raw.split("|")
        return datetime.fromtimestamp(float(stamp), timezone.utc), int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise FilterError("That page link is broken; start again from the first page") from None


def _tag(tag: str) -> str:
    tag = " ".join((tag or "").split()).lower().replace(" ", "-")
    if not tag or len(tag) > TAG_MAX_CHARS:
        raise ValueError(f"A tag is one word of 1 to {TAG_MAX_CHARS} characters")
    return tag


class ConversationIndex:
    """Lists, counts, searches and annotates the indexed conversations."""

    def __init__(self, engine: Engine, *, low_confidence: float = 0.45, clock: Callable[[], datetime] = utc_now):
        self.engine = engine
        self.low_confidence = low_confidence
        self._clock = clock
        self._choices: Optional[Tuple[float, Dict[str, List[str]]]] = None

    # --- reading ------------------------------------------------------------------------

    def page(self, flt: ConversationFilter, *, cursor: Optional[str] = None, size: int = PAGE_SIZE) -> Page:
        conditions = self._conditions(flt)
        query = select(ConversationRow).where(*conditions)
        if cursor:
            at, row_id = _parse_cursor(cursor)
            query = query.where(
                or_(
                    ConversationRow.last_event_at < at,
                    and_(ConversationRow.last_event_at == at, ConversationRow.id < row_id),
                )
            )
        query = query.order_by(ConversationRow.last_event_at.desc(), ConversationRow.id.desc()).limit(size + 1)
        with Session(self.engine, future=True) as s:
            rows = list(s.scalars(query))
            total = s.scalar(select(func.count()).select_from(ConversationRow).where(*conditions))
            tags = self._tags(s, [r.id for r in rows[:size]])
            found = [_conversation(r, tags.get(r.id, ())) for r in rows[:size]]
        next_cursor = _cursor(found[-1]) if len(rows) > size else None
        return Page(found, int(total or 0), next_cursor)

    def iterate(self, flt: ConversationFilter, *, batch: int = 500) -> Iterator[List[Conversation]]:
        """Every conversation that matches, newest first, a batch at a time (for exports)."""
        cursor: Optional[str] = None
        while True:
            page = self.page(flt, cursor=cursor, size=batch)
            if page.rows:
                yield page.rows
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def count(self, flt: ConversationFilter) -> int:
        with Session(self.engine, future=True) as s:
            return int(s.scalar(select(func.count()).select_from(ConversationRow).where(*self._conditions(flt))) or 0)

    def get(self, sender_id: str) -> Optional[Conversation]:
        with Session(self.engine, future=True) as s:
            row = s.scalars(select(ConversationRow).where(ConversationRow.sender_id == sender_id)).first()
            if row is None:
                return None
            notes = tuple(
                Note(n.staff, n.text, n.created_at)
                for n in s.scalars(
                    select(ConversationNoteRow)
                    .where(ConversationNoteRow.conversation_id == row.id)
                    .order_by(ConversationNoteRow.created_at, ConversationNoteRow.id)
                )
            )
            return _conversation(row, self._tags(s, [row.id]).get(row.id, ()), notes)

    def choices(self) -> Dict[str, List[str]]:
        """The values the channel, intent and tag filters can take (kept for a minute: every list
        page needs them, and reading distinct intents scans an index)."""
        cached = self._choices
        if cached is not None and time.monotonic() - cached[0] < CHOICES_SECONDS:
            return cached[1]
        with Session(self.engine, future=True) as s:
            found = {
                "channel": [c for c in s.scalars(select(ConversationRow.channel).distinct()) if c],
                "intent": list(s.scalars(select(ConversationIntentRow.intent).distinct().order_by(ConversationIntentRow.intent))),
                "tag": list(s.scalars(select(ConversationTagRow.tag).distinct().order_by(ConversationTagRow.tag))),
            }
        self._choices = (time.monotonic(), found)
        return found

    def forget_choices(self) -> None:
        """New conversations or tags: read the filters' choices again on the next page."""
        self._choices = None

    def analyze(self) -> None:
        """Refresh the planner's statistics after many rows changed (a first sync, a purge), so that
        it keeps choosing the indexes (on SQLite the distinct-intents query goes from a scan to a
        skip-scan, docs/benchmarks.md)."""
        tables = ("console_conversations", "console_conversation_intents", "console_conversation_tags")
        with self.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                for table in tables:
                    connection.execute(text(f"ANALYZE {table}"))
            else:
                connection.execute(text("ANALYZE " + ", ".join(tables)))

    # --- the staff's annotations ----------------------------------------------------------

    def add_tag(self, sender_id: str, tag: str, staff: str) -> str:
        tag = _tag(tag)
        with Session(self.engine, future=True) as s, s.begin():
            row_id = self._id(s, sender_id)
            if s.get(ConversationTagRow, (row_id, tag)) is None:
                s.add(ConversationTagRow(conversation_id=row_id, tag=tag, added_by=staff, added_at=self._clock()))
        self.forget_choices()
        return tag

    def remove_tag(self, sender_id: str, tag: str) -> None:
        with Session(self.engine, future=True) as s, s.begin():
            row_id = self._id(s, sender_id)
            s.execute(delete(ConversationTagRow).where(
                ConversationTagRow.conversation_id == row_id, ConversationTagRow.tag == _tag(tag)
            ))
        self.forget_choices()

    def set_flagged(self, sender_id: str, flagged: bool) -> None:
        self._update(sender_id, flagged=bool(flagged))

    def set_reviewed(self, sender_id: str, reviewed: bool, staff: str) -> None:
        self._update(sender_id, reviewed=bool(reviewed), reviewed_by=staff if reviewed else None)

    def add_note(self, sender_id: str, note: str, staff: str) -> None:
        note = (note or "").strip()
        if not note or len(note) > NOTE_MAX_CHARS:
            raise ValueError(f"A note needs some text, at most {NOTE_MAX_CHARS} characters")
        with Session(self.engine, future=True) as s, s.begin():
            s.add(ConversationNoteRow(conversation_id=self._id(s, sender_id), staff=staff, text=note, created_at=self._clock()))

    # --- dashboard ------------------------------------------------------------------------

    def daily(self, days: int = 30) -> List[Tuple[str, int, int]]:
        """``(day, conversations, with fallback)`` for each of the last ``days`` UTC days, oldest first."""
        today = self._clock().date()
        first = today - timedelta(days=days - 1)
        with Session(self.engine, future=True) as s:
            found = {
                day: (int(n), int(fb or 0))
                for day, n, fb in s.execute(
                    select(
                        ConversationRow.started_day,
                        func.count(),
                        func.sum(cast(ConversationRow.fallback, Integer)),
                    )
                    .where(ConversationRow.started_day >= first.isoformat(), ConversationRow.user_messages > 0)
                    .group_by(ConversationRow.started_day)
                )
            }
        out = []
        for i in range(days):
            day = (first + timedelta(days=i)).isoformat()
            n, fb = found.get(day, (0, 0))
            out.append((day, n, fb))
        return out

    def top_intents(self, days: int = 30, limit: int = 10) -> List[Tuple[str, int]]:
        """The intents of the most user messages in conversations started in the last ``days``."""
        first = (self._clock().date() - timedelta(days=days - 1)).isoformat()
        total = func.sum(ConversationIntentRow.messages)
        with Session(self.engine, future=True) as s:
            return [
                (intent, int(n))
                for intent, n in s.execute(
                    select(ConversationIntentRow.intent, total)
                    # from the date index to the intents (a join would scan every intent row)
                    .where(ConversationIntentRow.conversation_id.in_(
                        select(ConversationRow.id).where(ConversationRow.started_day >= first, ConversationRow.user_messages > 0)
                    ))
                    .group_by(ConversationIntentRow.intent)
                    .order_by(total.desc(), ConversationIntentRow.intent)
                    .limit(limit)
                )
            ]

    # --- helpers --------------------------------------------------------------------------

    def _conditions(self, flt: ConversationFilter) -> List[Any]:
        c = ConversationRow
        # A tracker with no message from the worker (a widget that connected and left) is not a conversation.
        out: List[Any] = [c.user_messages > 0]
        start, end = flt.time_range()
        if start is not None:
            out.append(c.last_event_at >= start)
        if end is not None:
            out.append(c.started_at < end)
        if flt.channel:
            out.append(c.channel == flt.channel)
        for name in ("fallback", "urgent", "flagged", "reviewed"):
            value = getattr(flt, name)
            if value is not None:
                out.append(getattr(c, name) == value)
        if flt.consultation is not None:
            out.append(c.consultation_requested == flt.consultation)
        if flt.low_confidence is True:
            out.append(c.min_confidence < self.low_confidence)
        elif flt.low_confidence is False:
            out.append(or_(c.min_confidence.is_(None), c.min_confidence >= self.low_confidence))
        # IN (ids by the intent/tag index) rather than EXISTS: the planner starts from the index
        if flt.intent:
            out.append(c.id.in_(
                select(ConversationIntentRow.conversation_id).where(ConversationIntentRow.intent == flt.intent)
            ))
        if flt.tag:
            out.append(c.id.in_(select(ConversationTagRow.conversation_id).where(ConversationTagRow.tag == flt.tag)))
        for term in flt.terms():
            out.append(c.id.in_(self._search(term)))
        return out

    def _search(self, term: str) -> Any:
        """Ids of conversations whose (redacted) user messages contain ``term``, any case.

        Each word gets its own uniquely named parameter: the subqueries of a
        several-word search are ANDed in one statement.
        """
        if self.engine.dialect.name == "sqlite":
            if len(term) >= TRIGRAM or is_japanese_pair(term):
                table = "console_search" if len(term) >= TRIGRAM else "console_search_bigrams"
                if table == "console_search_bigrams":
                    term = unicodedata.normalize("NFKC", term)
                phrase = bindparam("phrase", '"' + term.replace('"', '""') + '"', unique=True)
                return text(f"SELECT rowid FROM {table} WHERE {table} MATCH :phrase").bindparams(
                    phrase
                ).columns(rowid=Integer)
            # one character, or two that are not kanji/kana: no index can help, scan
            word = bindparam("word", term, unique=True)
            return text("SELECT rowid FROM console_search WHERE instr(lower(text), lower(:word)) > 0").bindparams(
                word
            ).columns(rowid=Integer)
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return select(search_table.c.conversation_id).where(search_table.c.text.ilike(f"%{escaped}%", escape="\\"))

    def _tags(self, s: Session, ids: Sequence[int]) -> Dict[int, Tuple[str, ...]]:
        if not ids:
            return {}
        found: Dict[int, List[str]] = {}
        for row_id, tag in s.execute(
            select(ConversationTagRow.conversation_id, ConversationTagRow.tag)
            .where(ConversationTagRow.conversation_id.in_(ids))
            .order_by(ConversationTagRow.tag)
        ):
            found.setdefault(row_id, []).append(tag)
        return {k: tuple(v) for k, v in found.items()}

    @staticmethod
    def _id(s: Session, sender_id: str) -> int:
        row_id = s.scalar(select(ConversationRow.id).where(ConversationRow.sender_id == sender_id))
        if row_id is None:
            raise LookupError("no such conversation")
        return int(row_id)

    def _update(self, sender_id: str, **values: Any) -> None:
        with Session(self.engine, future=True) as s, s.begin():
            s.execute(update(ConversationRow).where(ConversationRow.id == self._id(s, sender_id)).values(**values))


def _conversation(row: ConversationRow, tags: Tuple[str, ...], notes: Tuple[Note, ...] = ()) -> Conversation:
    return Conversation(
        id=row.id,
        sender_id=row.sender_id,
        channel=row.channel,
        started_at=row.started_at,
        last_event_at=row.last_event_at,
        user_messages=row.user_messages,
        min_confidence=row.min_confidence,
        fallback=bool(row.fallback),
        urgent=bool(row.urgent),
        consultation_requested=bool(row.consultation_requested),
        consultation_reference=row.consultation_reference,
        preview=row.preview,
        reviewed=bool(row.reviewed),
        reviewed_by=row.reviewed_by,
        flagged=bool(row.flagged),
        tags=tags,
        notes=notes,
    )
