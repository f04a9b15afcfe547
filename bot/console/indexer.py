"""The conversation index: one redacted summary row per tracker conversation.

Listing and filtering conversations by scanning Rasa's ``events`` table would
read millions of rows per page, so ``Indexer.sync`` keeps ``console_conversations``
(with its intents and its search text) up to date with the tracker store:

- It follows event ids. The highest id indexed is kept in ``console_state``;
  each sync finds the senders with newer events and recomputes each of them
  from ALL its events, so recomputing twice is harmless (idempotent).
- On PostgreSQL a transaction can commit a lower id after a higher one is
  already visible, so each sync re-reads ``OVERLAP_IDS`` ids below the mark.
  A sender whose index row already covers its latest event is skipped, so the
  overlap costs one small query. (Rasa's lock store keeps one conversation's
  events in order, so a late id always belongs to a sender not yet covered.)
- It works in pages of ``batch`` conversations, each committed with the mark
  reached so far: memory stays bounded, and an interrupted sync resumes.

What it stores about workers is redacted (``bot.console.redaction``): the
preview and the search text never hold a phone number, an e-mail address or
the contact value given in the consultation form.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Protocol, Sequence, Tuple

from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.console.bigrams import bigrams
from bot.console.schema import (
    ConversationIntentRow,
    ConversationNoteRow,
    ConversationRow,
    ConversationTagRow,
    StateRow,
    search_table,
)
from bot.console.tracker import TrackerEvent, TrackerReader
from bot.console.transcript import contact_values

#: ``console_state`` key of the highest tracker event id indexed.
MARK_KEY = "tracker_last_event_id"
#: Ids re-read below the mark, for transactions that committed a lower id late (PostgreSQL).
OVERLAP_IDS = 1000
#: A page looks at most ``batch * WINDOW_FACTOR`` event ids, so each page's query stays cheap.
WINDOW_FACTOR = 50
PREVIEW_MAX_CHARS = 200
CHANNEL_MAX_CHARS = 50
INTENT_MAX_CHARS = 100
REFERENCE_MAX_CHARS = 20
#: Ids per ``IN (...)`` list.
IN_CHUNK = 500

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_default_fallback"
URGENT_INTENT = "report_urgent"
URGENT_SLOT = "urgent_flag"
CONSULTATION_FORM = "consultation_form"
REFERENCE_SLOT = "consultation_reference"

#: Responses (domain.yml) by which the bot says it could not answer or did not understand.
#: A conversation with one of them is a "fallback" conversation: something for staff
#: to look at, and perhaps a gap in the training data or the knowledge base.
#:
#: Left out on purpose:
#: - ``utter_out_of_scope``: the designed, correct answer to a question the bot
#:   understood as outside its remit (the weather, a recipe). Counting it would
#:   bury real failures under conversations that need no fix; reviewers find
#:   them by the ``out_of_scope`` intent instead.
#: - ``utter_invalid_*``: the form understood the answer and found it invalid
#:   (a foreign phone number...): validation working, not the bot failing.
#: - ``utter_no_leaders_from_organisation``, ``utter_media_not_supported``,
#:   ``utter_nothing_to_cancel``, ``utter_consultation_not_stored``: answers.
FAILURE_RESPONSES = frozenset(
    {
        # did not understand the message at all
        "utter_default",  # the core fallback (action_default_fallback)
        "utter_dont_know",  # nothing named, no passage, no suggestion
        "utter_did_you_mean",  # "I'm not sure I understood"
        # understood the question, but the knowledge base has no answer
        "utter_unknown_name",
        "utter_missing_fact",  # a fact it never holds (a leader's age, a local's phone)
        "utter_organisation_unknown",
        "utter_history_year_unknown",
        "utter_history_year_without_events",
        "utter_history_unplaced",
        "utter_membership_unknown_for_organisation",
        "utter_founding_unknown_for_organisation",
        "utter_leadership_no_history",
        # the consultation form could not read an answer
        "utter_not_understood_consult_topic",
        "utter_not_understood_consult_description",
        "utter_not_understood_consult_prefecture",
        "utter_not_understood_consult_industry",
        "utter_not_understood_consult_contact_method",
        "utter_not_understood_consult_contact_value",
        "utter_not_understood_consult_consent",
        # the worker asked for a person and the request could not be stored
        "utter_consultation_store_failed",
    }
)


class Redacts(Protocol):
    """What the indexer needs of ``bot.console.redaction.Redactor``."""

    def redact(self, text: str, known: Iterable[str] = ()) -> str:
        ...


@dataclass(frozen=True)
class Summary:
    """What the index keeps of one conversation. Texts are redacted; ``repr`` leaves them out."""

    sender_id: str
    channel: Optional[str]
    started_at: datetime
    last_event_at: datetime
    started_day: str
    user_messages: int
    min_confidence: Optional[float]
    intents: Counter
    fallback: bool
    urgent: bool
    consultation_requested: bool
    consultation_reference: Optional[str]
    last_event_id: int
    preview: Optional[str] = field(default=None, repr=False)
    search_text: str = field(default="", repr=False)
    #: Personal values the worker gave (the form's contact value), redacted wherever they appear.
    known: Tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class SyncResult:
    """``conversations``: how many were (re)summarised; ``last_event_id``: the mark now stored."""

    conversations: int
    last_event_id: int


def summarise(sender_id: str, events: Sequence[TrackerEvent], redactor: Redacts) -> Summary:
    """Summarise one conversation from all its events (pure: no I/O)."""
    if not events:
        raise ValueError("a conversation has at least one event")
    events = sorted(events, key=lambda e: e.id)
    stamps = [e.timestamp for e in events if e.timestamp is not None]
    started_at = _utc(min(stamps) if stamps else 0.0)
    last_event_at = _utc(max(stamps) if stamps else 0.0)

    channel: Optional[str] = None
    texts: List[str] = []
    confidences: List[float] = []
    intents: Counter = Counter()
    user_messages = 0
    fallback = urgent = consultation = False
    form: Optional[str] = None  # the form running when a message came
    reference: Optional[str] = None

    for event in events:
        data = event.data
        kind = event.type_name
        if kind == "user":
            user_messages += 1
            if channel is None and user_messages == 1:
                channel = _short(data.get("input_channel"), CHANNEL_MAX_CHARS)
            message = data.get("text")
            if isinstance(message, str) and message.strip():
                texts.append(message)
            intent = _dict(_dict(data.get("parse_data")).get("intent"))
            name = intent.get("name") or event.intent_name
            if isinstance(name, str) and name:
                intents[name[:INTENT_MAX_CHARS]] += 1
                # Inside a form, nlu_fallback is normal: answers such as an e-mail address are
                # read by the form, not classified; the form's own "not understood" counts instead.
                fallback = fallback or (name == FALLBACK_INTENT and form is None)
                urgent = urgent or name == URGENT_INTENT
            confidence = _classifier_confidence(intent, _dict(data.get("parse_data")).get("intent_ranking"))
            if confidence is not None and form is None:  # a form reads its answers, whatever the intent
                confidences.append(confidence)
        elif kind == "action":
            fallback = fallback or (data.get("name") or event.action_name) == FALLBACK_ACTION
        elif kind == "bot":
            fallback = fallback or _dict(data.get("metadata")).get("utter_action") in FAILURE_RESPONSES
        elif kind == "session_started":
            form = None
        elif kind == "active_loop":
            form = data.get("name") or None
            consultation = consultation or form == CONSULTATION_FORM
        elif kind == "slot":
            slot, value = data.get("name"), data.get("value")
            if slot == URGENT_SLOT and _true(value):
                urgent = True
            elif slot == REFERENCE_SLOT and _filled(value):
                consultation = True
                reference = _short(str(value).strip(), REFERENCE_MAX_CHARS)

    known = contact_values(events)
    redacted = [redactor.redact(message, known) for message in texts]
    return Summary(
        sender_id=sender_id,
        channel=channel,
        started_at=started_at,
        last_event_at=last_event_at,
        started_day=started_at.strftime("%Y-%m-%d"),
        user_messages=user_messages,
        min_confidence=min(confidences) if confidences else None,
        intents=intents,
        fallback=fallback,
        urgent=urgent,
        consultation_requested=consultation,
        consultation_reference=reference,
        last_event_id=events[-1].id,
        preview=_preview(redacted[0]) if redacted else None,
        search_text="\n".join(redacted),
        known=tuple(known),
    )


class Indexer:
    """Keeps the console's conversation index (console engine) in step with the tracker store.

    One sync runs at a time per ``Indexer`` (a lock), so page requests that all
    find the index stale do not race each other.
    """

    def __init__(self, console_engine: Engine, tracker_engine: Engine, redactor: Redacts) -> None:
        self.engine = console_engine
        self.tracker = TrackerReader(tracker_engine)
        self.redactor = redactor
        self._lock = threading.Lock()

    def last_event_id(self) -> int:
        """The mark: the highest tracker event id indexed (0 before the first sync)."""
        with Session(self.engine, future=True) as s:
            return _mark(s)

    def sync(
        self,
        *,
        batch: int = 1000,
        progress: Optional[Callable[[int, int], None]] = None,
        full: bool = False,
    ) -> SyncResult:
        """Bring the index up to date; ``full`` re-summarises every conversation (after the
        redaction rules or FAILURE_RESPONSES changed, or the tracker store was replaced).

        ``progress(done, total)`` is called after each committed page, ``total`` being
        the conversations with events past the mark.
        """
        if batch < 1:
            raise ValueError("batch must be at least 1")
        with self._lock:
            mark = 0 if full else self.last_event_id()
            if not self.tracker.exists():
                return SyncResult(conversations=0, last_event_id=mark)  # Rasa has not started yet
            high = self.tracker.max_event_id()
            # After deletions SQLite reuses ids above the highest one left, so never trust
            # a mark above the store's highest id.
            start = max(min(mark, high) - OVERLAP_IDS, 0)
            total = self.tracker.count_senders_after(start, up_to=high) if high > start else 0
            cursor, done, indexed = start, 0, 0
            # Senders summarised already whose later events lie beyond this page (sender ->
            # the last event id summarised): few, as a conversation rarely spans a window,
            # and not summarised again when a later page meets them with nothing newer.
            ahead: Dict[str, int] = {}
            while cursor < high:
                first = self.tracker.first_id_after(cursor)
                if first is None or first > high:
                    break
                window_end = min(first - 1 + batch * WINDOW_FACTOR, high)
                page = self.tracker.latest_ids_after(cursor, limit=batch, up_to=window_end)
                reached = page[-1][1] if len(page) == batch else window_end
                fresh = [(sender, last) for sender, last in page if last > ahead.get(sender, -1)]
                summarised = self._index_page(fresh, reached, full=full)
                indexed += len(summarised)
                ahead = {k: v for k, v in {**ahead, **summarised}.items() if v > reached}
                cursor = reached
                done += len(fresh)
                if progress is not None:
                    progress(min(done, total), total)
            with Session(self.engine, future=True) as s, s.begin():
                _store_mark(s, high)
            return SyncResult(conversations=indexed, last_event_id=high)

    def forget(self, sender_ids: Iterable[str]) -> int:
        """Remove these conversations from the index (search text, intents, tags, notes, row).

        Returns the number of conversation rows removed. Also lowers the mark to
        the tracker's highest id when events were deleted above it, because
        SQLite hands those ids out again.
        """
        senders = sorted(set(sender_ids))
        with self._lock:
            removed = 0
            with Session(self.engine, future=True) as s, s.begin():
                for chunk in _chunks(senders):
                    ids = list(s.scalars(select(ConversationRow.id).where(ConversationRow.sender_id.in_(chunk))))
                    removed += _delete_rows(s, ids)
                if self.tracker.exists():
                    high = self.tracker.max_event_id()
                    if _mark(s) > high:
                        _store_mark(s, high)
            return removed

    def forget_inactive_before(self, cutoff: datetime) -> int:
        """Remove index rows whose last event is older than ``cutoff`` (rows left by a sync
        that raced a deletion; a conversation still in the tracker returns with its next event)."""
        if cutoff.tzinfo is None or cutoff.utcoffset() is None:
            raise ValueError("cutoff must be timezone-aware")
        with self._lock:
            removed = 0
            while True:
                with Session(self.engine, future=True) as s, s.begin():
                    ids = list(
                        s.scalars(
                            select(ConversationRow.id)
                            .where(ConversationRow.last_event_at < cutoff)
                            .order_by(ConversationRow.id)
                            .limit(IN_CHUNK)
                        )
                    )
                    removed += _delete_rows(s, ids)
                if len(ids) < IN_CHUNK:
                    return removed

    # --- one page -------------------------------------------------------------------------

    def _index_page(self, page: Sequence[Tuple[str, int]], reached: int, *, full: bool) -> Dict[str, int]:
        """Re-summarise the senders of one page that changed, and store the mark ``reached``.

        Returns the senders summarised, each with the last event id its summary covers.
        """
        latest = dict(page)
        with Session(self.engine, future=True) as s:
            covered = dict(
                s.execute(
                    select(ConversationRow.sender_id, ConversationRow.last_event_id).where(
                        ConversationRow.sender_id.in_(list(latest))
                    )
                ).all()
            ) if latest else {}
        stale = [sender for sender, highest in page if full or covered.get(sender, -1) < highest]
        events = self.tracker.events_for(stale) if stale else {}
        summaries = [summarise(sender, events[sender], self.redactor) for sender in stale if sender in events]
        gone = [sender for sender in stale if sender not in events]  # deleted since the page was read
        with Session(self.engine, future=True) as s, s.begin():
            if summaries:
                self._write(s, summaries)
            if gone:
                _delete_rows(
                    s, list(s.scalars(select(ConversationRow.id).where(ConversationRow.sender_id.in_(gone))))
                )
            _store_mark(s, reached)
        return {m.sender_id: m.last_event_id for m in summaries}

    def _write(self, s: Session, summaries: Sequence[Summary]) -> None:
        rows = {
            row.sender_id: row
            for row in s.scalars(
                select(ConversationRow).where(ConversationRow.sender_id.in_([m.sender_id for m in summaries]))
            )
        }
        for summary in summaries:
            row = rows.get(summary.sender_id)
            if row is None:
                row = ConversationRow(sender_id=summary.sender_id, reviewed=False, flagged=False)
                s.add(row)
                rows[summary.sender_id] = row
            elif summary.user_messages > (row.user_messages or 0):
                row.reviewed = False  # the worker wrote more since it was reviewed
            _fill(row, summary)
        s.flush()
        ids = {m.sender_id: rows[m.sender_id].id for m in summaries}
        id_list = list(ids.values())
        s.execute(delete(ConversationIntentRow).where(ConversationIntentRow.conversation_id.in_(id_list)))
        intent_rows = [
            {"conversation_id": ids[m.sender_id], "intent": intent, "messages": count}
            for m in summaries
            for intent, count in sorted(m.intents.items())
        ]
        if intent_rows:
            s.execute(insert(ConversationIntentRow), intent_rows)
        searches = [{"id": ids[m.sender_id], "text": m.search_text} for m in summaries if m.search_text]
        _replace_search(s.connection(), id_list, searches)


# --- helpers --------------------------------------------------------------------------------


def _fill(row: ConversationRow, summary: Summary) -> None:
    row.channel = summary.channel
    row.started_at = summary.started_at
    row.last_event_at = summary.last_event_at
    row.started_day = summary.started_day
    row.user_messages = summary.user_messages
    row.min_confidence = summary.min_confidence
    row.fallback = summary.fallback
    row.urgent = summary.urgent
    row.consultation_requested = summary.consultation_requested
    row.consultation_reference = summary.consultation_reference
    row.preview = summary.preview
    row.last_event_id = summary.last_event_id


def _replace_search(connection: Connection, ids: Sequence[int], rows: Sequence[Mapping[str, Any]]) -> None:
    """Delete the search rows of ``ids`` and insert ``rows`` ({id, text}) for this backend."""
    if connection.dialect.name == "sqlite":
        # FTS5: the rowid is the conversation id.
        for table in ("console_search", "console_search_bigrams"):
            if ids:
                connection.execute(text(f"DELETE FROM {table} WHERE rowid = :id"), [{"id": i} for i in ids])
        if rows:
            connection.execute(text("INSERT INTO console_search(rowid, text) VALUES (:id, :text)"), list(rows))
            connection.execute(
                text("INSERT INTO console_search_bigrams(rowid, text) VALUES (:id, :text)"),
                [{"id": r["id"], "text": bigrams(r["text"])} for r in rows],
            )
        return
    for chunk in _chunks(list(ids)):
        connection.execute(delete(search_table).where(search_table.c.conversation_id.in_(chunk)))
    if rows:
        connection.execute(
            insert(search_table), [{"conversation_id": r["id"], "text": r["text"]} for r in rows]
        )


def _delete_rows(s: Session, ids: Sequence[int]) -> int:
    """Delete conversations and everything hanging off them (explicitly: SQLite may not enforce FKs)."""
    if not ids:
        return 0
    _replace_search(s.connection(), ids, [])
    removed = 0
    for chunk in _chunks(list(ids)):
        for table in (ConversationIntentRow, ConversationTagRow, ConversationNoteRow):
            s.execute(delete(table).where(table.conversation_id.in_(chunk)))
        result = s.execute(delete(ConversationRow).where(ConversationRow.id.in_(chunk)))
        removed += result.rowcount or 0
    return removed


def _mark(s: Session) -> int:
    row = s.get(StateRow, MARK_KEY)
    try:
        return int(row.value) if row is not None else 0
    except ValueError:
        return 0  # a damaged mark only costs a full re-index


def _store_mark(s: Session, value: int) -> None:
    row = s.get(StateRow, MARK_KEY)
    if row is None:
        s.add(StateRow(key=MARK_KEY, value=str(value)))
    else:
        row.value = str(value)


def _chunks(values: Sequence[Any]) -> Iterable[List[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield list(values[start : start + IN_CHUNK])


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _short(value: Any, max_chars: int) -> Optional[str]:
    return value[:max_chars] if isinstance(value, str) and value else None


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _preview(message: str) -> str:
    """At most PREVIEW_MAX_CHARS, cut after redaction so a cut never splits personal data out of a mask."""
    message = " ".join(message.split())
    if len(message) <= PREVIEW_MAX_CHARS:
        return message
    return message[: PREVIEW_MAX_CHARS - 1] + "…"


def _number(value: Any) -> Optional[float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _classifier_confidence(intent: Dict[str, Any], ranking: Any) -> Optional[float]:
    """How sure the intent classifier was of its best guess.

    For ``nlu_fallback`` Rasa's FallbackClassifier reports its own threshold as
    the confidence and moves the classifier's guesses down the ranking; the
    best of those is what "low confidence" should see.
    """
    if intent.get("name") == FALLBACK_INTENT and isinstance(ranking, list):
        guesses = [
            _number(r.get("confidence")) for r in ranking
            if isinstance(r, dict) and r.get("name") != FALLBACK_INTENT
        ]
        guesses = [g for g in guesses if g is not None]
        if guesses:
            return max(guesses)
    return _number(intent.get("confidence"))
