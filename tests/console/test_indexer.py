"""The conversation index, built from a tracker store that Rasa's own SQLTrackerStore wrote."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
import yaml
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bot.console.indexer import (
    FAILURE_RESPONSES,
    MARK_KEY,
    OVERLAP_IDS,
    Indexer,
    SyncResult,
    summarise,
)
from bot.console.redaction import Redactor
from bot.console.schema import (
    ConversationIntentRow,
    ConversationNoteRow,
    ConversationRow,
    ConversationTagRow,
    StateRow,
)
from bot.console.tracker import TrackerReader
from tracker_writer import (
    REPO,
    T0,
    action,
    bot,
    exchange,
    loop,
    session,
    slot,
    user,
)

PHONE = "080-2468-1357"
CONTACT = "hanako_line_88"  # a LINE id the worker gives as contact: only the form knows it is personal
NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


@pytest.fixture
def indexer(rasa, console_engine, tmp_path):
    tracker_engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True, hide_parameters=True)
    yield Indexer(console_engine, tracker_engine, Redactor.from_repo())
    tracker_engine.dispose()


def consultation(at: float) -> list:
    """A worker asks for a person, gives a phone number in passing and a contact in the form."""
    return [
        *session(at),
        user(f"I need to talk to someone, call me on {PHONE}", "request_consultation", 0.91, at + 1, "line"),
        action("utter_consultation_intro", at + 2),
        action("consultation_form", at + 2),
        loop("consultation_form", at + 2),
        bot("How can a counsellor reach you?", "utter_ask_consult_contact_method", at + 3),
        action("action_listen", at + 3),
        user(f"my line is {CONTACT}", "nlu_fallback", 0.3, at + 10, "line"),
        slot("consult_contact_value", CONTACT, at + 11),
        slot("consultation_reference", "RG-7K3M-Q9XD", at + 12),
        slot("consult_contact_value", None, at + 12),
        loop(None, at + 12),
        bot("Stored: RG-7K3M-Q9XD", "utter_consultation_stored_none", at + 13),
        action("action_listen", at + 13),
    ]


def row(engine, sender_id: str) -> ConversationRow:
    with Session(engine, future=True) as s:
        found = s.scalars(select(ConversationRow).where(ConversationRow.sender_id == sender_id)).one_or_none()
        if found is not None:
            s.expunge(found)
        return found


def intents(engine, sender_id: str) -> dict:
    with Session(engine, future=True) as s:
        return dict(s.execute(
            select(ConversationIntentRow.intent, ConversationIntentRow.messages)
            .join(ConversationRow, ConversationRow.id == ConversationIntentRow.conversation_id)
            .where(ConversationRow.sender_id == sender_id)
        ).all())


def search(engine, conversation_id: int):
    with engine.connect() as c:
        return c.execute(text("SELECT text FROM console_search WHERE rowid = :id"), {"id": conversation_id}).scalar()


def all_search_text(engine) -> str:
    with engine.connect() as c:
        return "\n".join(c.execute(text("SELECT text FROM console_search")).scalars())


def count(engine, table) -> int:
    with Session(engine, future=True) as s:
        return s.scalar(select(func.count()).select_from(table))


def snapshot(engine) -> list:
    """Every index row as plain tuples, to compare two syncs."""
    with engine.connect() as c:
        return [
            list(c.execute(text(query)).all())
            for query in (
                "SELECT * FROM console_conversations ORDER BY id",
                "SELECT * FROM console_conversation_intents ORDER BY conversation_id, intent",
                "SELECT rowid, text FROM console_search ORDER BY rowid",
                "SELECT * FROM console_state ORDER BY key",
            )
        ]


# --- the summary ---------------------------------------------------------------------------


def test_every_summary_field_from_a_consultation(rasa, indexer, console_engine):
    rasa.save("worker-1", consultation(T0))

    result = indexer.sync()

    assert isinstance(result, SyncResult) and result.conversations == 1
    assert result.last_event_id == TrackerReader(indexer.tracker.engine).max_event_id() == 16
    got = row(console_engine, "worker-1")
    assert got.channel == "line"
    assert got.started_at == datetime.fromtimestamp(T0, timezone.utc) and got.started_at.tzinfo == timezone.utc
    assert got.last_event_at == datetime.fromtimestamp(T0 + 13, timezone.utc)
    assert got.started_day == "2025-03-01"
    assert got.user_messages == 2
    # the contact answer was nlu_fallback at 0.3, but inside the form, which read it: neither counts
    assert got.min_confidence == pytest.approx(0.91)
    assert got.fallback is False
    assert got.urgent is False
    assert got.consultation_requested is True
    assert got.consultation_reference == "RG-7K3M-Q9XD"
    assert got.preview == "I need to talk to someone, call me on [phone]"
    assert got.last_event_id == 16
    assert (got.reviewed, got.reviewed_by, got.flagged) == (False, None, False)
    assert intents(console_engine, "worker-1") == {"request_consultation": 1, "nlu_fallback": 1}
    assert search(console_engine, got.id) == "I need to talk to someone, call me on [phone]\nmy line is [personal]"


def test_summarise_is_pure_and_keeps_personal_values_out_of_its_repr(rasa, indexer):
    rasa.save("worker-1", consultation(T0))
    events = indexer.tracker.conversation("worker-1")

    summary = summarise("worker-1", events, Redactor())

    assert summary.intents == Counter({"request_consultation": 1, "nlu_fallback": 1})
    assert summary.known == (CONTACT,)
    assert summary.search_text.endswith("my line is [personal]")
    assert CONTACT not in repr(summary) and "[phone]" not in repr(summary)
    assert summarise("worker-1", list(reversed(events)), Redactor()) == summary
    with pytest.raises(ValueError):
        summarise("worker-1", [], Redactor())


def test_a_conversation_without_user_messages(rasa, indexer, console_engine):
    rasa.save("opened-only", session(T0))

    indexer.sync()

    got = row(console_engine, "opened-only")
    assert (got.channel, got.user_messages, got.min_confidence, got.preview) == (None, 0, None, None)
    assert (got.fallback, got.urgent, got.consultation_requested) == (False, False, False)
    assert search(console_engine, got.id) is None and intents(console_engine, "opened-only") == {}


def test_the_channel_is_the_first_user_messages(rasa, indexer, console_engine):
    rasa.save("w", session(T0) + exchange("hello", "greet", T0 + 1, channel="socketio")
              + exchange("again", "greet", T0 + 5, channel="line"))

    indexer.sync()

    got = row(console_engine, "w")
    assert got.channel == "socketio" and got.user_messages == 2
    assert intents(console_engine, "w") == {"greet": 2}


@pytest.mark.parametrize(
    "events, fallback",
    [
        (exchange("blorp", "nlu_fallback", T0, confidence=0.2, act="action_handle_unclear"), True),
        (exchange("who is x", "ask_leadership", T0, act="action_default_fallback", response="utter_default"), True),
        (exchange("what is zork", "ask_organisation", T0, act="action_handle_unclear", response="utter_dont_know"), True),
        (exchange("who is taro", "ask_leadership", T0, act="action_handle_unclear", response="utter_unknown_name"), True),
        ([user("x", "greet", 0.9, T0), action("action_default_fallback", T0 + 1)], True),
        (exchange("weather in osaka?", "out_of_scope", T0, act="action_handle_out_of_scope",
                  response="utter_out_of_scope"), False),
        (exchange("who leads rengo", "ask_leadership", T0, act="action_answer_leadership",
                  response="utter_leadership_overview"), False),
    ],
    ids=["nlu_fallback", "utter_default", "utter_dont_know", "utter_unknown_name", "action_default_fallback",
         "out_of_scope_is_an_answer", "answered"],
)
def test_fallback(rasa, indexer, console_engine, events, fallback):
    rasa.save("w", session(T0 - 1) + events)
    indexer.sync()
    assert row(console_engine, "w").fallback is fallback


def test_failure_responses_are_domain_responses_that_admit_failure():
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    responses = domain["responses"]
    assert FAILURE_RESPONSES <= set(responses)
    assert "utter_out_of_scope" not in FAILURE_RESPONSES
    assert {"utter_default", "utter_dont_know", "utter_unknown_name", "utter_missing_fact"} <= FAILURE_RESPONSES
    # every "unknown"/"not understood" response counts, except the form's validation messages
    assert not {r for r in FAILURE_RESPONSES if r.startswith("utter_invalid_")}
    admits = {r for r in responses if (r.endswith("_unknown") or "not_understood" in r or "unknown_for" in r)}
    assert {r for r in admits if not r.startswith("utter_invalid_")} <= FAILURE_RESPONSES


@pytest.mark.parametrize(
    "events, urgent",
    [
        (exchange("i want to die", "report_urgent", T0, act="action_respond_urgent", response="utter_urgent"), True),
        (exchange("help", "problem_harassment", T0) + [slot("urgent_flag", True, T0 + 3)], True),
        (exchange("help", "problem_harassment", T0) + [slot("urgent_flag", False, T0 + 3)], False),
    ],
    ids=["intent", "slot", "slot_false"],
)
def test_urgent(rasa, indexer, console_engine, events, urgent):
    rasa.save("w", session(T0 - 1) + events)
    indexer.sync()
    assert row(console_engine, "w").urgent is urgent


@pytest.mark.parametrize(
    "events, requested, reference",
    [
        ([loop("consultation_form", T0 + 3), loop(None, T0 + 4)], True, None),  # started, then cancelled
        ([slot("consultation_reference", "RG-AAAA-BBBB", T0 + 3)], True, "RG-AAAA-BBBB"),
        ([slot("consultation_reference", "RG-AAAA-BBBB", T0 + 3), slot("consultation_reference", "", T0 + 4),
          slot("consultation_reference", "RG-CCCC-DDDD", T0 + 5), slot("consultation_reference", None, T0 + 6)],
         True, "RG-CCCC-DDDD"),
        ([loop("other_form", T0 + 3)], False, None),
    ],
    ids=["form_activated", "reference", "last_non_empty_reference", "other_form"],
)
def test_consultation(rasa, indexer, console_engine, events, requested, reference):
    rasa.save("w", session(T0 - 1) + exchange("talk to a person", "request_consultation", T0) + events)
    indexer.sync()
    got = row(console_engine, "w")
    assert (got.consultation_requested, got.consultation_reference) == (requested, reference)


def test_the_preview_is_redacted_then_shortened(rasa, indexer, console_engine):
    long = f"My number is {PHONE}. " + "overtime " * 40
    rasa.save("w", session(T0) + exchange(long, "problem_unpaid_wages", T0 + 1) + exchange("and?", "affirm", T0 + 9))

    indexer.sync()

    got = row(console_engine, "w")
    assert got.preview.startswith("My number is [phone]. overtime")
    assert len(got.preview) == 200 and got.preview.endswith("…")
    assert search(console_engine, got.id).endswith("\nand?")


# --- personal data stays out of the index ----------------------------------------------------


def test_search_and_preview_hold_redacted_text_only(rasa, indexer, console_engine):
    rasa.save("worker-1", consultation(T0))
    rasa.save("worker-2", session(T0 + 100) + exchange(f"携帯は{PHONE}です", "inform", T0 + 101))

    indexer.sync()

    everything = all_search_text(console_engine)
    previews = [row(console_engine, s).preview for s in ("worker-1", "worker-2")]
    for secret in (PHONE, "2468", CONTACT, "hanako"):
        assert secret not in everything
        assert all(secret not in p for p in previews)
    assert previews[1] == "携帯は[phone]です"
    # the FTS5 trigram search finds words around the masks, and the masks themselves
    with console_engine.connect() as c:
        found = c.execute(text("SELECT rowid FROM console_search WHERE text LIKE :q"), {"q": "%talk to some%"}).scalars()
        assert list(found) == [row(console_engine, "worker-1").id]
        assert c.execute(text("SELECT count(*) FROM console_search WHERE console_search MATCH :q"),
                         {"q": '"[phone]"'}).scalar() == 2


# --- syncing again ---------------------------------------------------------------------------


def review(engine, sender_id: str) -> int:
    """Staff work on a conversation: reviewed, flagged, tagged, a note."""
    with Session(engine, future=True) as s, s.begin():
        conv = s.scalars(select(ConversationRow).where(ConversationRow.sender_id == sender_id)).one()
        conv.reviewed, conv.reviewed_by, conv.flagged = True, "sato", True
        s.add(ConversationTagRow(conversation_id=conv.id, tag="training-data", added_by="sato", added_at=NOW))
        s.add(ConversationNoteRow(conversation_id=conv.id, staff="sato", text="check the form", created_at=NOW))
        return conv.id


def test_a_second_sync_updates_the_row_keeps_staff_work_and_asks_for_a_new_review(rasa, indexer, console_engine):
    rasa.save("w", session(T0) + exchange("hello", "greet", T0 + 1))
    rasa.save("other", session(T0 + 50) + exchange("hi", "greet", T0 + 51))
    indexer.sync()
    conversation_id = review(console_engine, "w")
    review(console_engine, "other")

    rasa.append("w", exchange("who is zork?", "ask_organisation", T0 + 600, confidence=0.5,
                              response="utter_organisation_unknown"))
    result = indexer.sync()

    assert result.conversations == 1  # "other" had nothing new
    got = row(console_engine, "w")
    assert got.id == conversation_id
    assert got.user_messages == 2 and got.fallback is True and got.min_confidence == pytest.approx(0.5)
    assert got.last_event_at == datetime.fromtimestamp(T0 + 602, timezone.utc)
    assert got.last_event_id == result.last_event_id
    assert got.reviewed is False  # the worker wrote more: review again
    assert (got.reviewed_by, got.flagged) == ("sato", True)
    assert count(console_engine, ConversationTagRow) == 2 and count(console_engine, ConversationNoteRow) == 2
    assert intents(console_engine, "w") == {"greet": 1, "ask_organisation": 1}
    assert search(console_engine, conversation_id) == "hello\nwho is zork?"
    assert row(console_engine, "other").reviewed is True


def test_new_events_without_a_user_message_keep_the_review(rasa, indexer, console_engine):
    rasa.save("w", session(T0) + exchange("hello", "greet", T0 + 1))
    indexer.sync()
    review(console_engine, "w")

    rasa.append("w", [bot("Anything else?", "utter_anything_else", T0 + 30)])
    assert indexer.sync().conversations == 1

    got = row(console_engine, "w")
    assert got.reviewed is True and got.last_event_at == datetime.fromtimestamp(T0 + 30, timezone.utc)


def test_syncing_again_changes_nothing(rasa, indexer, console_engine):
    rasa.save("worker-1", consultation(T0))
    rasa.save("worker-2", session(T0 + 100) + exchange("hello", "greet", T0 + 101))
    first = indexer.sync()
    before = snapshot(console_engine)

    again = indexer.sync()
    rebuilt = indexer.sync(full=True)

    assert again == SyncResult(conversations=0, last_event_id=first.last_event_id)
    assert rebuilt == SyncResult(conversations=2, last_event_id=first.last_event_id)
    assert snapshot(console_engine) == before


def test_many_conversations_in_batches_with_progress(rasa, indexer, console_engine):
    for n in range(23):
        rasa.save(f"w{n:02}", session(T0 + n * 60) + exchange(f"question {n}", "ask_history", T0 + n * 60 + 1))
    calls = []

    result = indexer.sync(batch=4, progress=lambda done, total: calls.append((done, total)))

    assert result.conversations == 23
    assert calls[-1] == (23, 23) and len(calls) >= 6
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert count(console_engine, ConversationRow) == 23
    assert indexer.last_event_id() == result.last_event_id == 23 * 7


@pytest.mark.parametrize("window_factor", [50, 1])
def test_interleaved_conversations_across_pages(rasa, indexer, console_engine, monkeypatch, window_factor):
    """A sender whose events straddle pages is summarised from all of them, once per sync."""
    import bot.console.indexer as indexer_module

    monkeypatch.setattr(indexer_module, "WINDOW_FACTOR", window_factor)  # 1: windows of 2 ids
    for turn in range(3):
        for n in range(5):
            at = T0 + turn * 1000 + n
            if turn == 0:
                rasa.save(f"w{n}", exchange(f"turn {turn}", "greet", at))
            else:
                rasa.append(f"w{n}", exchange(f"turn {turn}", "greet", at))
    calls = []

    assert indexer.sync(batch=2, progress=lambda *args: calls.append(args)).conversations == 5
    for n in range(5):
        assert row(console_engine, f"w{n}").user_messages == 3
    assert calls[-1] == (5, 5)
    assert indexer.sync(batch=2).conversations == 0
    assert indexer.sync(batch=2, full=True).conversations == 5


def test_a_late_commit_below_the_mark_is_still_indexed(rasa, indexer, console_engine):
    """On PostgreSQL an event id can become visible after a higher one: the overlap re-reads it."""
    rasa.save("late", session(T0) + exchange("first", "greet", T0 + 1))
    rasa.save("early", session(T0 + 10) + exchange("second", "greet", T0 + 11))
    with indexer.tracker.engine.begin() as c:  # hide "late"'s rows as if its transaction had not committed
        c.execute(text("CREATE TABLE pending AS SELECT * FROM events WHERE sender_id = 'late'"))
        c.execute(text("DELETE FROM events WHERE sender_id = 'late'"))
    assert indexer.sync().conversations == 1
    assert indexer.last_event_id() == 14

    with indexer.tracker.engine.begin() as c:  # ...and now it commits, with ids below the mark
        c.execute(text("INSERT INTO events SELECT * FROM pending"))
    assert indexer.sync().conversations == 1
    assert row(console_engine, "late").user_messages == 1
    assert OVERLAP_IDS >= 7


def test_ids_that_sqlite_hands_out_again_after_a_deletion_are_indexed(rasa, indexer, console_engine, monkeypatch):
    """SQLite numbers a new event after the highest id left, so deleting the latest
    conversation makes the next one reuse ids at or below the mark: ``forget`` lowers it."""
    import bot.console.indexer as indexer_module

    monkeypatch.setattr(indexer_module, "OVERLAP_IDS", 0)  # the overlap would hide the problem
    rasa.save("w", session(T0) + exchange("hello", "greet", T0 + 1))
    rasa.save("deleted", session(T0 + 10) + exchange("forget me", "greet", T0 + 11))
    indexer.sync()
    assert indexer.last_event_id() == 14

    indexer.tracker.delete_conversation("deleted")
    indexer.forget(["deleted"])
    assert indexer.last_event_id() == 7
    rasa.save("new", session(T0 + 20) + exchange("hi", "greet", T0 + 21))  # ids 8 to 14 again

    assert indexer.sync().conversations == 1
    assert row(console_engine, "new").user_messages == 1 and row(console_engine, "deleted") is None


def test_forget_removes_every_index_row(rasa, indexer, console_engine):
    rasa.save("w", consultation(T0))
    rasa.save("keep", session(T0 + 100) + exchange("hello", "greet", T0 + 101))
    indexer.sync()
    review(console_engine, "w")
    review(console_engine, "keep")

    assert indexer.forget(["w", "never-seen"]) == 1

    assert row(console_engine, "w") is None
    assert count(console_engine, ConversationRow) == 1
    assert count(console_engine, ConversationTagRow) == 1 and count(console_engine, ConversationNoteRow) == 1
    assert count(console_engine, ConversationIntentRow) == 1
    assert all_search_text(console_engine) == "hello"
    assert indexer.forget([]) == 0
    # the tracker still holds it: a full re-sync brings it back, without the staff's work
    indexer.sync(full=True)
    assert row(console_engine, "w").reviewed is False


def test_the_mark_is_stored_in_console_state(rasa, indexer, console_engine):
    assert indexer.sync() == SyncResult(conversations=0, last_event_id=0)
    rasa.save("w", session(T0) + exchange("hello", "greet", T0 + 1))
    indexer.sync()
    with Session(console_engine, future=True) as s:
        assert s.get(StateRow, MARK_KEY).value == "7"


def test_a_fallback_counts_outside_a_form_only(rasa, indexer, console_engine):
    rasa.save("outside", session(T0) + exchange("blorf wug", "nlu_fallback", T0 + 1, confidence=0.2))
    rasa.save("inside", consultation(T0))
    rasa.save("after", consultation(T0) + exchange("blorf wug", "nlu_fallback", T0 + 20, confidence=0.2))
    indexer.sync()
    assert (row(console_engine, "outside").fallback, row(console_engine, "outside").min_confidence) == (True, 0.2)
    assert row(console_engine, "inside").fallback is False
    assert (row(console_engine, "after").fallback, row(console_engine, "after").min_confidence) == (True, 0.2)
