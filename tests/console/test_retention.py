"""Deleting conversations: on a worker's request, and after the retention period."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bot.console.indexer import Indexer
from bot.console.redaction import Redactor
from bot.console.retention import Deleted, Purged, delete_conversation, purge
from bot.console.schema import (
    ConversationIntentRow,
    ConversationNoteRow,
    ConversationRow,
    ConversationTagRow,
    create_schema,
)
from bot.console.tracker import TrackerReader
from bot.consultation.schema import ConsultationNoteRow, ConsultationRequestRow
from bot.consultation.store import ConsultationStore, NewRequest
from tracker_writer import exchange, session

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
OLD = (NOW - timedelta(days=400)).timestamp()
RECENT = (NOW - timedelta(days=10)).timestamp()
CUTOFF = NOW - timedelta(days=365)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def parts(rasa, tmp_path):
    """The tracker reader, the indexer and the consultation store, each on its own SQLite file."""
    console = create_engine(f"sqlite:///{tmp_path / 'console.db'}", future=True, hide_parameters=True)
    create_schema(console)
    tracker_engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True, hide_parameters=True)
    opened = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'consultations.db'}")
    clock = Clock(NOW)
    consultations = ConsultationStore(opened.engine, clock=clock)
    yield TrackerReader(tracker_engine), Indexer(console, tracker_engine, Redactor.from_repo()), consultations, clock
    for engine in (console, tracker_engine, opened.engine):
        engine.dispose()


def request(conversation_id: str) -> NewRequest:
    return NewRequest(
        topic="harassment", description="My manager shouts at me.", prefecture="Osaka",
        contact_method="email", contact_value="worker@example.org", consent=True,
        channel="socketio", conversation_id=conversation_id,
    )


def index_counts(indexer: Indexer) -> tuple:
    with Session(indexer.engine, future=True) as s:
        counted = tuple(
            s.scalar(select(func.count()).select_from(table))
            for table in (ConversationRow, ConversationIntentRow, ConversationTagRow, ConversationNoteRow)
        )
    with indexer.engine.connect() as c:
        return counted + (c.execute(text("SELECT count(*) FROM console_search")).scalar(),)


def annotate(indexer: Indexer, sender_id: str) -> None:
    with Session(indexer.engine, future=True) as s, s.begin():
        conv = s.scalars(select(ConversationRow).where(ConversationRow.sender_id == sender_id)).one()
        s.add(ConversationTagRow(conversation_id=conv.id, tag="follow-up", added_by="sato", added_at=NOW))
        s.add(ConversationNoteRow(conversation_id=conv.id, staff="sato", text="called back", created_at=NOW))


def request_count(consultations: ConsultationStore) -> tuple:
    with Session(consultations.engine, future=True) as s:
        return (
            s.scalar(select(func.count()).select_from(ConsultationRequestRow)),
            s.scalar(select(func.count()).select_from(ConsultationNoteRow)),
        )


# --- a worker asks to be forgotten -------------------------------------------------------


def test_delete_conversation_removes_events_index_rows_and_requests(rasa, parts):
    tracker, indexer, consultations, _ = parts
    rasa.save("forget-me", session(RECENT) + exchange("my boss shouts at me", "problem_harassment", RECENT + 1)
              + exchange("talk to a person", "request_consultation", RECENT + 10))
    rasa.save("keep", session(RECENT + 100) + exchange("hello", "greet", RECENT + 101))
    indexer.sync()
    annotate(indexer, "forget-me")
    first = consultations.submit(request("forget-me"))
    second = consultations.submit(request("forget-me"))
    consultations.add_note(first.reference, "sato", "left a message")
    consultations.set_status(second.reference, "closed", "sato")
    kept = consultations.submit(request("keep"))
    assert rasa.retrieve("forget-me") is not None

    deleted = delete_conversation("forget-me", tracker=tracker, indexer=indexer, consultations=consultations)

    assert deleted == Deleted(events=11, requests=2)
    assert rasa.retrieve("forget-me") is None  # Rasa's own store finds nothing left
    assert rasa.retrieve_latest("forget-me") is None
    assert tracker.conversation("forget-me") == []
    assert index_counts(indexer) == (1, 1, 0, 0, 1)  # "keep" only
    assert request_count(consultations) == (1, 0)
    assert consultations.get(first.reference) is None and consultations.get(kept.reference) is not None
    assert len(tracker.conversation("keep")) == 7
    # a second request to forget finds nothing, and nothing comes back on sync
    assert delete_conversation("forget-me", tracker=tracker, indexer=indexer,
                               consultations=consultations) == Deleted(events=0, requests=0)
    indexer.sync()
    assert index_counts(indexer)[0] == 1


def test_a_conversation_after_a_deletion_is_indexed_though_sqlite_reuses_its_ids(rasa, parts, monkeypatch):
    import bot.console.indexer as indexer_module

    monkeypatch.setattr(indexer_module, "OVERLAP_IDS", 0)
    tracker, indexer, consultations, _ = parts
    rasa.save("first", session(RECENT) + exchange("hello", "greet", RECENT + 1))
    rasa.save("latest", session(RECENT + 10) + exchange("forget me", "greet", RECENT + 11))
    indexer.sync()

    delete_conversation("latest", tracker=tracker, indexer=indexer, consultations=consultations)
    rasa.save("next", session(RECENT + 20) + exchange("hi", "greet", RECENT + 21))
    assert tracker.max_event_id() == 14  # the deleted conversation's ids, handed out again

    indexer.sync()
    with Session(indexer.engine, future=True) as s:
        assert sorted(s.scalars(select(ConversationRow.sender_id))) == ["first", "next"]


def test_delete_conversation_needs_a_sender_id(parts):
    tracker, indexer, consultations, _ = parts
    with pytest.raises(ValueError):
        delete_conversation("", tracker=tracker, indexer=indexer, consultations=consultations)


# --- the retention period ----------------------------------------------------------------


def test_purge_deletes_old_conversations_and_old_closed_requests_but_never_open_ones(rasa, parts):
    tracker, indexer, consultations, clock = parts
    for n in range(5):
        rasa.save(f"old-{n}", session(OLD + n) + exchange("when was rengo founded", "ask_founding", OLD + n + 1))
    rasa.save("old-then-back", session(OLD) + exchange("hello", "greet", OLD + 1))
    rasa.append("old-then-back", exchange("me again", "greet", RECENT))
    rasa.save("recent", session(RECENT) + exchange("hello", "greet", RECENT + 1))
    indexer.sync()
    annotate(indexer, "old-0")

    clock.now = NOW - timedelta(days=400)
    still_open = consultations.submit(request("old-0"))
    in_progress = consultations.submit(request("old-1"))
    consultations.set_status(in_progress.reference, "in_progress", "sato")
    closed_long_ago = consultations.submit(request("old-2"))
    consultations.add_note(closed_long_ago.reference, "sato", "done")
    consultations.set_status(closed_long_ago.reference, "closed", "sato")
    closed_lately = consultations.submit(request("old-3"))
    clock.now = NOW - timedelta(days=5)
    consultations.set_status(closed_lately.reference, "closed", "sato")
    clock.now = NOW
    calls = []

    purged = purge(CUTOFF, tracker=tracker, indexer=indexer, consultations=consultations, batch=2,
                   progress=lambda done, total: calls.append((done, total)))

    assert purged == Purged(conversations=5, events=35, requests=1)
    assert calls == [(2, 5), (4, 5), (5, 5)]
    for n in range(5):
        assert rasa.retrieve(f"old-{n}") is None
    assert rasa.retrieve("old-then-back") is not None and rasa.retrieve("recent") is not None
    with Session(indexer.engine, future=True) as s:
        assert sorted(s.scalars(select(ConversationRow.sender_id))) == ["old-then-back", "recent"]
    assert index_counts(indexer) == (2, 2, 0, 0, 2)
    remaining = {r.reference: r.status for r in consultations.list()}
    assert remaining == {still_open.reference: "new", in_progress.reference: "in_progress",
                         closed_lately.reference: "closed"}
    assert request_count(consultations) == (3, 0)
    # nothing more to purge
    assert purge(CUTOFF, tracker=tracker, indexer=indexer, consultations=consultations) == Purged(0, 0, 0)


def test_purge_drops_index_rows_left_without_their_events(rasa, parts):
    tracker, indexer, consultations, _ = parts
    rasa.save("old", session(OLD) + exchange("hello", "greet", OLD + 1))
    indexer.sync()
    tracker.delete_conversation("old")  # e.g. a sync that raced a deletion left its row behind

    assert purge(CUTOFF, tracker=tracker, indexer=indexer, consultations=consultations).conversations == 0
    assert index_counts(indexer) == (0, 0, 0, 0, 0)


def test_purge_before_rasa_created_its_tables_still_purges_requests(tmp_path):
    tracker_engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}", future=True)
    console = create_engine(f"sqlite:///{tmp_path / 'console.db'}", future=True)
    create_schema(console)
    clock = Clock(NOW - timedelta(days=400))
    consultations = ConsultationStore(ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.db'}").engine, clock=clock)
    stored = consultations.submit(request("gone"))
    consultations.set_status(stored.reference, "closed", "sato")

    purged = purge(CUTOFF, tracker=TrackerReader(tracker_engine), indexer=Indexer(console, tracker_engine, Redactor()),
                   consultations=consultations)

    assert purged == Purged(conversations=0, events=0, requests=1)
    with pytest.raises(ValueError):
        purge(CUTOFF.replace(tzinfo=None), tracker=TrackerReader(tracker_engine),
              indexer=Indexer(console, tracker_engine, Redactor()), consultations=consultations)
    for engine in (tracker_engine, console, consultations.engine):
        engine.dispose()
