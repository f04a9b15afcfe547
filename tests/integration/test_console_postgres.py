"""The conversation index and deletion on a real PostgreSQL server.

Rasa's SQLTrackerStore writes the conversations into PostgreSQL, and the
console's tables (pg_trgm search included) live in the same database, as in
production. PostgreSQL is started on loopback by tests/integration/servers.py;
in CI (CI=true) a missing server package is a failure, not a skip.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bot.console.indexer import Indexer
from bot.console.redaction import Redactor
from bot.console.retention import Deleted, delete_conversation, purge
from bot.console.schema import (
    ConversationIntentRow,
    ConversationNoteRow,
    ConversationRow,
    ConversationTagRow,
    create_schema,
    search_table,
)
from bot.console.tracker import TrackerReader
from bot.consultation.store import ConsultationStore, NewRequest
from tests.console.tracker_writer import RasaTracker, action, exchange, loop, session, slot, user

PHONE = "080-2468-1357"
CONTACT = "hanako_line_88"
NOW = datetime.now(timezone.utc)
RECENT = (NOW - timedelta(days=3)).timestamp()
OLD = (NOW - timedelta(days=400)).timestamp()



def consultation(at: float) -> list:
    return [
        *session(at),
        user(f"残業代が出ません。電話は{PHONE}です", "problem_unpaid_wages", 0.8, at + 1, "line"),
        action("action_give_guidance", at + 2),
        user("talk to a person", "request_consultation", 0.4, at + 5, "line"),
        action("consultation_form", at + 6),
        loop("consultation_form", at + 6),
        user(f"my line is {CONTACT}", "nlu_fallback", 0.3, at + 10, "line"),
        slot("consult_contact_value", CONTACT, at + 11),
        slot("consultation_reference", "RG-7K3M-Q9XD", at + 12),
        loop(None, at + 12),
        action("action_listen", at + 13),
    ]


def test_index_search_and_delete_on_postgresql(postgres_url):
    rasa = RasaTracker(postgres_url)
    engine = create_engine(postgres_url, future=True, hide_parameters=True)
    create_schema(engine)
    consultations = ConsultationStore.from_url(postgres_url)
    tracker = TrackerReader(engine)
    indexer = Indexer(engine, engine, Redactor.from_repo())
    try:
        assert engine.dialect.name == "postgresql"
        rasa.save("worker-1", consultation(RECENT))
        rasa.save("worker-2", session(RECENT + 100) + exchange("who is the president?", "ask_leadership", RECENT + 101))
        rasa.save("old", session(OLD) + exchange("hello", "greet", OLD + 1))

        first = indexer.sync(batch=2)
        assert first.conversations == 3 and first.last_event_id == tracker.max_event_id()

        with Session(engine, future=True) as s:
            row = s.scalars(select(ConversationRow).where(ConversationRow.sender_id == "worker-1")).one()
            # its nlu_fallback (0.3) came inside the form, which read the answer: not a fallback
            assert (row.channel, row.user_messages, row.fallback, row.consultation_requested) == ("line", 3, False, True)
            assert row.consultation_reference == "RG-7K3M-Q9XD"
            assert row.min_confidence == pytest.approx(0.4)
            assert row.started_at.tzinfo is not None
            assert row.preview == "残業代が出ません。電話は[phone]です"
            row.reviewed, row.reviewed_by = True, "sato"
            s.add(ConversationTagRow(conversation_id=row.id, tag="follow-up", added_by="sato", added_at=NOW))
            s.add(ConversationNoteRow(conversation_id=row.id, staff="sato", text="check", created_at=NOW))
            s.commit()

        # search: pg_trgm-indexed ILIKE over redacted text only
        with engine.connect() as c:
            def found(words: str) -> list:
                query = (
                    select(ConversationRow.sender_id)
                    .join(search_table, search_table.c.conversation_id == ConversationRow.id)
                    .where(search_table.c.text.ilike(f"%{words}%"))
                    .order_by(ConversationRow.sender_id)
                )
                return list(c.execute(query).scalars())

            assert found("残業代") == ["worker-1"]
            assert found("PRESIDENT") == ["worker-2"]
            assert found("[phone]") == ["worker-1"] and found("[personal]") == ["worker-1"]
            assert found(PHONE) == [] and found(CONTACT) == [] and found("2468") == []
            assert c.execute(text(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_console_search_trgm'")).scalar() == 1

        # more messages: the row is updated, the staff's work kept, the review asked again
        rasa.append("worker-1", exchange("thanks", "thank", RECENT + 50, channel="line"))
        second = indexer.sync()
        assert second.conversations == 1
        assert indexer.sync().conversations == 0  # idempotent: the overlap re-reads nothing new
        with Session(engine, future=True) as s:
            row = s.scalars(select(ConversationRow).where(ConversationRow.sender_id == "worker-1")).one()
            assert (row.user_messages, row.reviewed, row.reviewed_by) == (4, False, "sato")
            assert s.scalar(select(func.count()).select_from(ConversationTagRow)) == 1

        # a worker asks to be forgotten
        consultations.submit(NewRequest(
            topic="unpaid_wages", prefecture="Osaka", contact_method="none", consent=True,
            channel="line", conversation_id="worker-1",
        ))
        deleted = delete_conversation("worker-1", tracker=tracker, indexer=indexer, consultations=consultations)
        assert deleted == Deleted(events=len(consultation(RECENT)) + 4, requests=1)
        assert rasa.retrieve("worker-1") is None
        with Session(engine, future=True) as s:
            assert list(s.scalars(select(ConversationRow.sender_id).order_by(ConversationRow.sender_id))) == [
                "old", "worker-2"]
            for table in (ConversationTagRow, ConversationNoteRow):
                assert s.scalar(select(func.count()).select_from(table)) == 0
            assert s.scalar(select(func.count()).select_from(ConversationIntentRow)) == 2
            assert s.scalar(select(func.count()).select_from(search_table)) == 2

        # the retention period
        purged = purge(NOW - timedelta(days=365), tracker=tracker, indexer=indexer, consultations=consultations)
        assert (purged.conversations, purged.events) == (1, 7)
        assert rasa.retrieve("old") is None and rasa.retrieve("worker-2") is not None
        with Session(engine, future=True) as s:
            assert list(s.scalars(select(ConversationRow.sender_id))) == ["worker-2"]
    finally:
        rasa.dispose()
        consultations.engine.dispose()
        engine.dispose()
