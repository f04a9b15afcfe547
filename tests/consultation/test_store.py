"""Consultation requests as stored: consent first, reference numbers, staff follow-up."""
from __future__ import annotations

import itertools
import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.consultation import config
from bot.consultation.schema import ConsultationRequestRow
from bot.consultation.store import (
    REFERENCE_ATTEMPTS,
    ConsentRequired,
    ConsultationStore,
    NewRequest,
    RequestNotFound,
)
from bot.consultation.validation import InvalidAnswer

REFERENCE = re.compile(r"RG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
DESCRIPTION = "My manager Tanaka has not paid my overtime since April."
PHONE = "090-1234-5678"
JST = timezone(timedelta(hours=9))


def request(**changes) -> NewRequest:
    fields = dict(
        topic="unpaid_wages",
        description=DESCRIPTION,
        prefecture="Osaka",
        industry="healthcare",
        contact_method="phone",
        contact_value=PHONE,
        consent=True,
        channel="socketio",
        conversation_id="sender-42",
    )
    fields.update(changes)
    return NewRequest(**fields)


def rows(store: ConsultationStore) -> list:
    with Session(store.engine, future=True) as s:
        return list(s.scalars(select(ConsultationRequestRow)))


def count(store: ConsultationStore) -> int:
    with Session(store.engine, future=True) as s:
        return s.scalar(select(func.count()).select_from(ConsultationRequestRow))


class Clock:
    """A clock that moves one minute per reading, starting in Japan time."""

    def __init__(self, start: datetime = datetime(2024, 5, 1, 9, 0, tzinfo=JST)) -> None:
        self.times = (start + timedelta(minutes=n) for n in itertools.count())

    def __call__(self) -> datetime:
        return next(self.times)


# --- submitting -------------------------------------------------------------------------------


def test_submit_stores_a_row_with_consent_recorded_and_status_new(store):
    stored = store.submit(request(topic="Unpaid wages", prefecture="osaka-fu", contact_value="０９０－１２３４－５６７８"))

    [row] = rows(store)
    assert row.reference == stored.reference
    assert row.consent is True and row.consented_at is not None
    assert row.status == "new" and row.updated_by is None
    assert (row.topic, row.prefecture, row.industry) == ("unpaid_wages", "Osaka", "healthcare")
    assert (row.contact_method, row.contact_value) == ("phone", "09012345678")
    assert row.description == DESCRIPTION
    assert (row.channel, row.conversation_id) == ("socketio", "sender-42")
    assert store.get(stored.reference) == stored


def test_reference_numbers_are_short_and_unambiguous(store):
    reference = store.submit(request()).reference
    assert REFERENCE.fullmatch(reference), reference
    assert not set(reference) & set("01OI")


def test_reference_numbers_are_unique_across_1000_submissions(store):
    references = [store.submit(request(conversation_id=f"sender-{n}")).reference for n in range(1000)]
    assert len(set(references)) == 1000
    assert all(REFERENCE.fullmatch(r) for r in references)
    assert count(store) == 1000
    # Random, not a counter: consecutive requests do not share a prefix.
    assert len({r[:6] for r in references}) > 900


def test_a_taken_reference_is_replaced_by_a_fresh_one(tmp_path):
    drawn = iter(["RG-AAAA-AAAA", "RG-AAAA-AAAA", "RG-BBBB-BBBB"])
    store = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store = ConsultationStore(store.engine, references=lambda: next(drawn))

    assert store.submit(request()).reference == "RG-AAAA-AAAA"
    assert store.submit(request()).reference == "RG-BBBB-BBBB"
    assert count(store) == 2


def test_submit_gives_up_when_every_reference_is_taken(tmp_path):
    store = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store = ConsultationStore(store.engine, references=lambda: "RG-AAAA-AAAA")
    store.submit(request())
    with pytest.raises(RuntimeError, match=str(REFERENCE_ATTEMPTS)):
        store.submit(request())
    assert count(store) == 1


@pytest.mark.parametrize("consent", [False, None, "yes", 1])
def test_nothing_is_stored_without_explicit_consent(store, consent):
    with pytest.raises(ConsentRequired):
        store.submit(request(consent=consent))
    assert count(store) == 0


def test_the_database_itself_refuses_a_row_without_consent(store):
    now = datetime.now(timezone.utc)
    values = dict(
        reference="RG-2222-2222", topic="other", prefecture="Osaka", contact_method="none",
        consent=False, consented_at=now, channel="rest", conversation_id="x", status="new",
        created_at=now, updated_at=now,
    )
    with pytest.raises(IntegrityError):
        with Session(store.engine, future=True) as s, s.begin():
            s.execute(insert(ConsultationRequestRow).values(**values))
    assert count(store) == 0


def test_invalid_answers_are_refused_before_anything_is_stored(store):
    with pytest.raises(InvalidAnswer) as error:
        store.submit(request(topic="pay rise"))
    assert error.value.code == "topic_unknown"
    with pytest.raises(InvalidAnswer) as error:
        store.submit(request(contact_method="email", contact_value="not an address"))
    assert error.value.code == "email_invalid"
    with pytest.raises(InvalidAnswer) as error:
        store.submit(request(description="x" * 1001))
    assert error.value.code == "description_too_long"
    assert count(store) == 0


def test_without_a_contact_method_no_contact_value_is_kept(store):
    stored = store.submit(request(contact_method="none", contact_value=PHONE, description="   ", industry=None))
    assert (stored.contact_method, stored.contact_value) == ("none", None)
    assert stored.description is None and stored.industry is None
    [row] = rows(store)
    assert row.contact_value is None


# --- privacy -------------------------------------------------------------------------------------


def test_repr_shows_neither_description_nor_contact_value(store):
    stored = store.submit(request(contact_method="email", contact_value="taro.yamada@example.jp"))
    store.add_note(stored.reference, "sato", "Called Tanaka-san back on 090-1234-5678")
    stored = store.get(stored.reference)
    assert stored.description == DESCRIPTION and stored.contact_value == "taro.yamada@example.jp"
    for text in (repr(stored), str(stored), repr(request()), repr(stored.notes[0])):
        assert "Tanaka" not in text and "overtime" not in text
        assert "taro.yamada" not in text and PHONE not in text and "09012345678" not in text
    assert stored.reference in repr(stored)


def test_the_log_never_holds_description_or_contact(store, caplog):
    caplog.set_level(logging.DEBUG)
    stored = store.submit(request())
    store.set_status(stored.reference, "in_progress", "sato")
    store.add_note(stored.reference, "sato", "Tanaka-san asked to be called after 6pm")
    store.get(stored.reference)
    store.list()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert stored.reference in logged  # the log does say which request changed
    assert "Tanaka" not in logged and "overtime" not in logged
    assert PHONE not in logged and "09012345678" not in logged


def test_sql_logging_and_database_errors_hide_what_workers_wrote(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    store = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    stored = store.submit(request())
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # SQL was logged
    with pytest.raises(IntegrityError) as error:  # a duplicate reference, as a collision would be
        with Session(store.engine, future=True) as s, s.begin():
            s.execute(insert(ConsultationRequestRow).values(
                reference=stored.reference, topic="other", description=DESCRIPTION, prefecture="Osaka",
                contact_method="phone", contact_value="09012345678", consent=True,
                consented_at=stored.created_at, channel="rest", conversation_id="x", status="new",
                created_at=stored.created_at, updated_at=stored.created_at,
            ))
    for text in [str(error.value)] + [r.getMessage() for r in caplog.records]:
        assert "Tanaka" not in text and "09012345678" not in text and PHONE not in text


# --- staff follow-up -----------------------------------------------------------------------------


def test_status_changes_are_recorded_with_who_and_when(tmp_path):
    base = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store = ConsultationStore(base.engine, clock=Clock())
    stored = store.submit(request())

    moved = store.set_status(stored.reference, "in_progress", "sato")
    assert moved.status == "in_progress" and moved.updated_by == "sato"
    assert moved.updated_at > moved.created_at == stored.created_at
    closed = store.set_status(stored.reference.lower(), "closed", "suzuki")  # as read out on the phone
    assert store.get(stored.reference) == closed
    assert (closed.status, closed.updated_by) == ("closed", "suzuki")
    assert [row.status for row in rows(store)] == ["closed"]


@pytest.mark.parametrize("status", ["done", "NEW", "", None])
def test_an_invalid_status_is_refused_and_nothing_changes(store, status):
    stored = store.submit(request())
    with pytest.raises(ValueError):
        store.set_status(stored.reference, status, "sato")
    assert store.get(stored.reference) == stored


def test_unknown_references_are_reported(store):
    assert store.get("RG-2222-2222") is None
    assert store.get("not a reference") is None
    with pytest.raises(RequestNotFound):
        store.set_status("RG-2222-2222", "closed", "sato")
    with pytest.raises(RequestNotFound):
        store.add_note("RG-2222-2222", "sato", "hello")


def test_notes_are_kept_in_order_and_touch_the_request(tmp_path):
    base = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store = ConsultationStore(base.engine, clock=Clock())
    stored = store.submit(request())

    first = store.add_note(stored.reference, "sato", "  Left a voicemail.  ")
    store.add_note(stored.reference, "suzuki", "Spoke to the worker; referred to RENGO Osaka.")

    again = store.get(stored.reference)
    assert [(n.staff, n.text) for n in again.notes] == [
        ("sato", "Left a voicemail."),
        ("suzuki", "Spoke to the worker; referred to RENGO Osaka."),
    ]
    assert again.notes[0] == first
    assert again.updated_by == "suzuki" and again.updated_at == again.notes[-1].created_at
    assert again.status == "new"  # a note alone does not move the request
    with pytest.raises(ValueError):
        store.add_note(stored.reference, "sato", "   ")
    with pytest.raises(ValueError):
        store.add_note(stored.reference, "", "who wrote this?")
    assert len(store.get(stored.reference).notes) == 2


# --- listing ------------------------------------------------------------------------------------


def test_list_filters_by_status_topic_and_prefecture_newest_first(tmp_path):
    base = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store = ConsultationStore(base.engine, clock=Clock())
    wages_osaka = store.submit(request(topic="unpaid_wages", prefecture="Osaka"))
    hours_osaka = store.submit(request(topic="working_hours", prefecture="Osaka"))
    wages_tokyo = store.submit(request(topic="unpaid_wages", prefecture="Tokyo"))
    store.set_status(hours_osaka.reference, "in_progress", "sato")

    refs = lambda found: [r.reference for r in found]
    assert refs(store.list()) == refs([wages_tokyo, hours_osaka, wages_osaka])
    assert refs(store.list(status="new")) == refs([wages_tokyo, wages_osaka])
    assert refs(store.list(status="in_progress")) == [hours_osaka.reference]
    assert store.list(status="closed") == []
    assert refs(store.list(topic="unpaid_wages")) == refs([wages_tokyo, wages_osaka])
    assert refs(store.list(prefecture="osaka-fu")) == refs([hours_osaka, wages_osaka])
    assert refs(store.list(status="new", topic="unpaid_wages", prefecture="Osaka")) == [wages_osaka.reference]
    assert refs(store.list(limit=2)) == refs([wages_tokyo, hours_osaka])
    assert refs(store.list(limit=2, offset=2)) == [wages_osaka.reference]


@pytest.mark.parametrize(
    "filters", [dict(status="open"), dict(topic="pay rise"), dict(prefecture="Atlantis"), dict(limit=0), dict(offset=-1)]
)
def test_list_refuses_unknown_filters(store, filters):
    with pytest.raises(ValueError):
        store.list(**filters)


# --- time and configuration ---------------------------------------------------------------------------


def test_timestamps_are_timezone_aware_utc(tmp_path):
    base = ConsultationStore.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store = ConsultationStore(base.engine, clock=Clock(datetime(2024, 5, 1, 9, 0, tzinfo=JST)))
    stored = store.submit(request())
    note = store.add_note(stored.reference, "sato", "called")
    again = store.get(stored.reference)

    for moment in (again.created_at, again.consented_at, again.updated_at, note.created_at, again.notes[0].created_at):
        assert moment.tzinfo == timezone.utc
    assert again.created_at == datetime(2024, 5, 1, 0, 0, tzinfo=timezone.utc)  # 09:00 in Tokyo
    assert again.created_at.hour == 0 and stored.created_at.hour == 0


def test_the_default_clock_is_utc(store):
    before = datetime.now(timezone.utc)
    stored = store.get(store.submit(request()).reference)
    assert stored.created_at.tzinfo == timezone.utc
    assert before <= stored.created_at <= datetime.now(timezone.utc)


def test_database_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(config.URL_VARIABLE, raising=False)
    assert config.database_url() == f"sqlite:///{config.repo_root() / 'build' / 'consultations.sqlite3'}"

    path = tmp_path / "elsewhere" / "requests.sqlite3"
    monkeypatch.setenv(config.URL_VARIABLE, f"sqlite:///{path}")
    store = ConsultationStore.from_url()
    stored = store.submit(request())
    assert path.exists()
    assert ConsultationStore.from_url().get(stored.reference) == stored


def test_records_are_frozen(store):
    stored = store.submit(request())
    with pytest.raises(AttributeError):
        stored.status = "closed"
    assert isinstance(stored.notes, tuple)
