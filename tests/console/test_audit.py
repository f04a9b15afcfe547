"""The audit log: known actions only, JSON details kept as written, newest first, filters and paging."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from console_clock import Clock
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.audit import ACTIONS, AuditEntry, AuditLog
from bot.console.schema import AuditRow

JST = timezone(timedelta(hours=9))


@pytest.fixture
def engine(console_engine):
    return console_engine


@pytest.fixture
def clock() -> Clock:
    """Starts in Japan time, to check the conversion to UTC."""
    return Clock(datetime(2024, 5, 1, 9, 0, tzinfo=JST))


@pytest.fixture
def audit(engine, clock) -> AuditLog:
    return AuditLog(engine, clock=clock.now)


def raw_rows(engine) -> list[AuditRow]:
    with Session(engine, future=True) as s:
        return list(s.scalars(select(AuditRow).order_by(AuditRow.id)))


def test_actions_are_the_agreed_tuple():
    assert isinstance(ACTIONS, tuple)
    assert len(ACTIONS) == len(set(ACTIONS)) == 22
    assert {"login", "login_failed", "login_throttled", "export", "delete_conversation", "user_active"} <= set(ACTIONS)


def test_record_and_read_back_an_entry(audit, clock):
    audit.record(
        username="alice",
        role="admin",
        action="export",
        target="conversations",
        detail={"filters": {"channel": "socketio", "急ぎ": True}, "count": 12},
        address="192.0.2.10",
    )

    [entry] = audit.list()
    assert entry == AuditEntry(
        id=entry.id,
        at=datetime(2024, 5, 1, 0, 0, tzinfo=timezone.utc),
        username="alice",
        role="admin",
        action="export",
        target="conversations",
        detail={"filters": {"channel": "socketio", "急ぎ": True}, "count": 12},
        address="192.0.2.10",
    )
    assert entry.at == clock.current


def test_detail_is_stored_as_json_without_ascii_escapes(audit, engine):
    audit.record(username="alice", role="counsellor", action="tag", target="sender-1", detail={"tag": "残業代"})

    [row] = raw_rows(engine)
    assert row.detail == '{"tag": "残業代"}'


def test_optional_fields_may_be_left_out(audit, engine):
    audit.record(username="mallory", role=None, action="login_failed")

    [entry] = audit.list()
    assert (entry.role, entry.target, entry.detail, entry.address) == (None, None, None, None)
    [row] = raw_rows(engine)
    assert row.detail is None


def test_a_datetime_in_the_detail_is_written_as_text(audit):
    audit.record(username="alice", role="admin", action="purge", detail={"before": datetime(2023, 5, 1)})
    assert audit.list()[0].detail == {"before": "2023-05-01 00:00:00"}


@pytest.mark.parametrize("action", ["hack", "", None, "LOGIN", "login "])
def test_unknown_actions_are_rejected(audit, engine, action):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(username="alice", role="admin", action=action)
    assert raw_rows(engine) == []


def test_every_known_action_is_accepted(audit):
    for action in ACTIONS:
        audit.record(username="alice", role="admin", action=action)
    assert audit.count() == len(ACTIONS)


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(role="root"), "role must be one of"),
        (dict(username=None), "username must be a string"),
        (dict(detail=["not", "a", "dict"]), "detail must be a dict"),
        (dict(detail="{}"), "detail must be a dict"),
        (dict(target=42), "target must be a string"),
        (dict(address=b"192.0.2.1"), "address must be a string"),
    ],
)
def test_bad_values_are_rejected(audit, engine, changes, message):
    values = dict(username="alice", role="admin", action="login")
    values.update(changes)
    with pytest.raises(ValueError, match=message):
        audit.record(**values)
    assert raw_rows(engine) == []


def test_overlong_values_are_cut_to_the_column_widths(audit):
    audit.record(username="u" * 5000, role=None, action="login_failed", target="t" * 300, address="a" * 100)

    [entry] = audit.list()
    assert (len(entry.username), len(entry.target), len(entry.address)) == (100, 255, 64)
    assert audit.count(username="u" * 5000) == 1  # the filter is cut the same way


def test_list_is_newest_first_with_paging(audit, clock):
    for n in range(5):
        audit.record(username="alice", role="reviewer", action="view_conversation", target=f"sender-{n}")
        clock.advance(minutes=1)
    audit.record(username="alice", role="reviewer", action="view_conversation", target="same-time")

    assert [e.target for e in audit.list()] == ["same-time", "sender-4", "sender-3", "sender-2", "sender-1", "sender-0"]
    assert [e.target for e in audit.list(limit=2)] == ["same-time", "sender-4"]
    assert [e.target for e in audit.list(limit=2, offset=4)] == ["sender-1", "sender-0"]
    assert audit.list(offset=6) == []


def test_entries_at_the_same_moment_are_ordered_by_insertion(audit):
    for n in range(3):
        audit.record(username="alice", role="reviewer", action="note", target=f"sender-{n}")
    assert [e.target for e in audit.list()] == ["sender-2", "sender-1", "sender-0"]


def test_filters_by_username_and_action_and_count(audit, clock):
    audit.record(username="alice", role="admin", action="login")
    audit.record(username="alice", role="admin", action="export", detail={"count": 3})
    audit.record(username="bob", role="reviewer", action="login")
    audit.record(username="bob", role="reviewer", action="flag", target="sender-9")
    audit.record(username="bob", role="reviewer", action="login")

    assert [e.action for e in audit.list(username="alice")] == ["export", "login"]
    assert [e.username for e in audit.list(action="login")] == ["bob", "bob", "alice"]
    assert [e.target for e in audit.list(username="bob", action="flag")] == ["sender-9"]
    assert audit.list(username="carol") == []
    assert audit.count() == 5
    assert audit.count(username="bob") == 3
    assert audit.count(action="login") == 3
    assert audit.count(username="alice", action="login") == 1
    assert audit.count(username="carol") == 0


def test_filtering_by_an_unknown_action_matches_nothing(audit):
    audit.record(username="alice", role="admin", action="login")
    assert audit.list(action="hack") == []
    assert audit.count(action="hack") == 0


def test_usernames_are_stored_and_filtered_case_insensitively(audit):
    audit.record(username="Alice", role=None, action="login_failed")
    audit.record(username="alice", role="admin", action="login")

    assert [e.username for e in audit.list()] == ["alice", "alice"]
    assert audit.count(username="ALICE") == 2
    assert [e.action for e in audit.list(username="aLiCe")] == ["login", "login_failed"]


@pytest.mark.parametrize("limit, offset", [(0, 0), (501, 0), (10, -1)])
def test_list_rejects_bad_paging(audit, limit, offset):
    with pytest.raises(ValueError):
        audit.list(limit=limit, offset=offset)


def test_a_corrupt_detail_reads_as_none(audit, engine):
    audit.record(username="alice", role="admin", action="purge", detail={"count": 1})
    with Session(engine, future=True) as s, s.begin():
        s.scalars(select(AuditRow)).one().detail = "not json"
    assert audit.list()[0].detail is None


def test_naive_clock_is_refused(engine):
    audit = AuditLog(engine, clock=lambda: datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        audit.record(username="alice", role="admin", action="login")
