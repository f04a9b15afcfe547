"""Deleting consultation requests (a worker's wish, the retention period) and counting them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.consultation.schema import ConsultationNoteRow, ConsultationRequestRow, create_schema
from bot.consultation.store import ConsultationStore, NewRequest
from bot.consultation.validation import InvalidAnswer

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def request(conversation_id: str = "sender-1", **changes) -> NewRequest:
    fields = dict(
        topic="unpaid_wages", description="No overtime pay since April.", prefecture="Osaka",
        contact_method="phone", contact_value="080-2468-1357", consent=True,
        channel="socketio", conversation_id=conversation_id,
    )
    fields.update(changes)
    return NewRequest(**fields)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def clocked(store: ConsultationStore, clock: Clock) -> ConsultationStore:
    """The conftest's store (SQLite foreign keys on), with a clock the test moves."""
    return ConsultationStore(store.engine, clock=clock)


def counts(store: ConsultationStore) -> tuple:
    with Session(store.engine, future=True) as s:
        return (
            s.scalar(select(func.count()).select_from(ConsultationRequestRow)),
            s.scalar(select(func.count()).select_from(ConsultationNoteRow)),
        )


# --- delete_for_conversation -------------------------------------------------------------


def test_delete_for_conversation_removes_its_requests_of_any_status_with_their_notes(clocked):
    open_one = clocked.submit(request())
    clocked.add_note(open_one.reference, "sato", "called, no answer")
    closed = clocked.submit(request())
    clocked.add_note(closed.reference, "sato", "resolved")
    clocked.set_status(closed.reference, "closed", "sato")
    other = clocked.submit(request("sender-2"))
    clocked.add_note(other.reference, "sato", "someone else")

    assert clocked.delete_for_conversation("sender-1") == 2

    assert counts(clocked) == (1, 1)
    assert clocked.get(open_one.reference) is None and clocked.get(closed.reference) is None
    assert clocked.get(other.reference).notes[0].text == "someone else"
    assert clocked.delete_for_conversation("sender-1") == 0
    assert clocked.delete_for_conversation("never-seen") == 0


def test_notes_go_even_on_an_engine_without_sqlite_foreign_keys(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}", future=True, hide_parameters=True)
    create_schema(engine)
    store = ConsultationStore(engine)
    stored = store.submit(request())
    store.add_note(stored.reference, "sato", "note")
    store.set_status(stored.reference, "closed", "sato")
    stored_too = store.submit(request("sender-2"))
    store.add_note(stored_too.reference, "sato", "note")
    store.set_status(stored_too.reference, "closed", "sato")

    assert store.delete_for_conversation("sender-1") == 1
    assert counts(store) == (1, 1)
    assert store.purge_closed_before(datetime.now(timezone.utc) + timedelta(days=1)) == 1
    assert counts(store) == (0, 0)
    engine.dispose()


def test_delete_for_conversations_in_one_go(clocked):
    for sender in ("a", "b", "c", "a"):
        clocked.submit(request(sender))
    assert clocked.delete_for_conversations(["a", "b", "missing", ""]) == 3
    assert [r.conversation_id for r in clocked.list()] == ["c"]
    assert clocked.delete_for_conversations([]) == 0


# --- purge_closed_before -----------------------------------------------------------------


def test_purge_closed_before_deletes_only_closed_requests_untouched_since_the_cutoff(clocked, clock):
    cutoff = NOW - timedelta(days=365)
    clock.now = NOW - timedelta(days=500)
    old_new = clocked.submit(request())
    old_in_progress = clocked.submit(request())
    clocked.set_status(old_in_progress.reference, "in_progress", "sato")
    old_closed = clocked.submit(request())
    clocked.add_note(old_closed.reference, "sato", "resolved")
    clocked.set_status(old_closed.reference, "closed", "sato")
    reopened_note = clocked.submit(request())
    clocked.set_status(reopened_note.reference, "closed", "sato")
    clock.now = NOW - timedelta(days=30)
    clocked.add_note(reopened_note.reference, "suzuki", "the worker called again")  # an update: keep it
    recently_closed = clocked.submit(request())
    clocked.set_status(recently_closed.reference, "closed", "sato")
    clock.now = NOW

    assert clocked.purge_closed_before(cutoff) == 1

    left = {r.reference for r in clocked.list()}
    assert left == {old_new.reference, old_in_progress.reference, reopened_note.reference,
                    recently_closed.reference}
    assert counts(clocked) == (4, 1)
    assert clocked.purge_closed_before(cutoff) == 0


def test_purge_closed_before_needs_an_aware_cutoff(clocked):
    with pytest.raises(ValueError):
        clocked.purge_closed_before(datetime(2026, 1, 1))


# --- count ---------------------------------------------------------------------------------


def test_count_uses_the_same_filters_as_list(clocked):
    clocked.submit(request(topic="harassment", prefecture="Tokyo"))
    clocked.submit(request(topic="harassment", prefecture="Osaka"))
    closed = clocked.submit(request(topic="unpaid_wages", prefecture="Osaka"))
    clocked.set_status(closed.reference, "closed", "sato")

    assert clocked.count() == 3
    for filters in (
        {"status": "new"},
        {"status": "closed"},
        {"topic": "Harassment"},
        {"prefecture": "osaka-fu"},
        {"status": "new", "topic": "harassment", "prefecture": "Osaka"},
        {"status": "in_progress"},
    ):
        assert clocked.count(**filters) == len(clocked.list(**filters)), filters
    assert clocked.count(prefecture="大阪府", status="new") == 1


def test_count_refuses_what_list_refuses(clocked):
    with pytest.raises(ValueError):
        clocked.count(status="archived")
    with pytest.raises(InvalidAnswer):
        clocked.count(prefecture="Atlantis")
