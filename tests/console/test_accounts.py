"""Staff accounts: hashed passwords, case-insensitive usernames, throttled logins, sessions that end."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from console_clock import Clock
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.console.accounts import (
    FAILURE_WINDOW,
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_USER,
    Accounts,
    InvalidAccount,
    LoginSession,
    LoginThrottled,
    User,
)
from bot.console.schema import LoginAttemptRow, SessionRow, UserRow

PASSWORD = "correct horse battery"
OTHER_PASSWORD = "another long secret"
ADDRESS = "192.0.2.10"


def fast_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def engine(console_engine):
    return console_engine


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(engine, clock) -> Accounts:
    return Accounts(engine, session_hours=8, idle_minutes=60, clock=clock.now, hasher=fast_hasher())


@pytest.fixture
def alice(accounts) -> User:
    return accounts.create_user("alice", PASSWORD, "counsellor")


def user_rows(engine) -> list[UserRow]:
    with Session(engine, future=True) as s:
        return list(s.scalars(select(UserRow)))


def session_rows(engine) -> list[SessionRow]:
    with Session(engine, future=True) as s:
        return list(s.scalars(select(SessionRow)))


def attempts(engine) -> int:
    with Session(engine, future=True) as s:
        return s.scalar(select(func.count()).select_from(LoginAttemptRow))


def fail(accounts: Accounts, username: str = "alice", address: str = ADDRESS, times: int = 1) -> None:
    for _ in range(times):
        assert accounts.authenticate(username, "wrong password!", address) is None


# --- creating and changing accounts -------------------------------------------------------------


def test_create_user_returns_an_active_user(accounts, clock):
    user = accounts.create_user("alice", PASSWORD, "reviewer")

    assert user == User(id=user.id, username="alice", role="reviewer", active=True, created_at=clock.current)
    assert accounts.get_user("alice") == user
    assert accounts.list_users() == [user]


def test_password_is_stored_as_an_argon2id_hash_only(accounts, engine, alice):
    [row] = user_rows(engine)

    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert "password" not in repr(alice).lower()


def test_usernames_are_case_insensitive_and_stored_lower_case(accounts, engine):
    user = accounts.create_user("  Alice.Tanaka@Rengo ", PASSWORD, "admin")

    assert user.username == "alice.tanaka@rengo"
    assert [row.username for row in user_rows(engine)] == ["alice.tanaka@rengo"]
    assert accounts.get_user("ALICE.tanaka@rengo") == user
    assert accounts.authenticate("Alice.Tanaka@RENGO", PASSWORD, ADDRESS) == user
    with pytest.raises(InvalidAccount, match="taken"):
        accounts.create_user("ALICE.TANAKA@RENGO", PASSWORD, "reviewer")


def test_duplicate_username_is_refused(accounts, alice):
    with pytest.raises(InvalidAccount, match="'alice' is taken"):
        accounts.create_user("alice", OTHER_PASSWORD, "reviewer")
    assert len(accounts.list_users()) == 1


@pytest.mark.parametrize("role", ["boss", "", None, "Admin"])
def test_unknown_role_is_refused(accounts, role):
    with pytest.raises(InvalidAccount, match="role must be one of reviewer, counsellor, admin"):
        accounts.create_user("alice", PASSWORD, role)
    assert accounts.list_users() == []


@pytest.mark.parametrize("username", ["ab", "x" * 101, "alice smith", "alice/..", "田中", "", None, "ali\nce", "\u212aate"])
def test_bad_username_is_refused(accounts, username):
    with pytest.raises(InvalidAccount, match="3 to 100 characters"):
        accounts.create_user(username, PASSWORD, "reviewer")


def test_longest_and_shortest_usernames_are_accepted(accounts):
    assert accounts.create_user("abc", PASSWORD, "reviewer").username == "abc"
    assert accounts.create_user("a" * 100, PASSWORD, "reviewer").username == "a" * 100


def test_short_password_is_refused(accounts):
    with pytest.raises(InvalidAccount, match="at least 12 characters"):
        accounts.create_user("alice", "elevenchars", "reviewer")
    assert accounts.create_user("alice", "twelve chars", "reviewer").username == "alice"


def test_password_containing_the_username_is_refused(accounts):
    with pytest.raises(InvalidAccount, match="must not contain the username"):
        accounts.create_user("alice", "my name is ALICE!", "reviewer")


def test_overlong_password_is_refused(accounts):
    with pytest.raises(InvalidAccount, match="at most 1024 characters"):
        accounts.create_user("alice", "x" * 1025, "reviewer")


def test_set_password_changes_the_password(accounts, engine, alice, clock):
    clock.advance(days=1)
    accounts.set_password("Alice", OTHER_PASSWORD)

    assert accounts.authenticate("alice", PASSWORD, ADDRESS) is None
    assert accounts.authenticate("alice", OTHER_PASSWORD, ADDRESS) == alice
    [row] = user_rows(engine)
    assert row.password_changed_at == clock.current


def test_set_password_validates_the_new_password(accounts, alice):
    with pytest.raises(InvalidAccount, match="at least 12"):
        accounts.set_password("alice", "short")
    with pytest.raises(InvalidAccount, match="must not contain the username"):
        accounts.set_password("alice", "hello alice 12345")
    assert accounts.authenticate("alice", PASSWORD, ADDRESS) == alice


def test_changing_an_unknown_user_is_refused(accounts):
    with pytest.raises(InvalidAccount, match="no user 'nobody'"):
        accounts.set_password("nobody", PASSWORD)
    with pytest.raises(InvalidAccount, match="no user"):
        accounts.set_role("nobody", "admin")
    with pytest.raises(InvalidAccount, match="no user"):
        accounts.set_active("nobody", False)


def test_set_role_and_set_active(accounts, alice):
    assert accounts.set_role("alice", "reviewer").role == "reviewer"
    with pytest.raises(InvalidAccount, match="role must be one of"):
        accounts.set_role("alice", "root")
    assert accounts.set_active("alice", False).active is False
    assert accounts.get_user("alice").active is False
    assert accounts.set_active("alice", True).active is True


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(accounts):
    accounts.create_user("admin1", PASSWORD, "admin")
    with pytest.raises(InvalidAccount, match="last active admin"):
        accounts.set_role("admin1", "reviewer")
    with pytest.raises(InvalidAccount, match="last active admin"):
        accounts.set_active("admin1", False)

    accounts.create_user("admin2", PASSWORD, "admin")
    assert accounts.set_active("admin1", False).active is False
    with pytest.raises(InvalidAccount, match="last active admin"):
        accounts.set_role("admin2", "counsellor")
    assert accounts.set_role("admin1", "reviewer").role == "reviewer"  # inactive: not the one keeping access


def test_list_users_is_sorted_by_username(accounts):
    for name in ("carol", "alice", "bob"):
        accounts.create_user(name, PASSWORD, "reviewer")
    accounts.set_active("bob", False)

    assert [(u.username, u.active) for u in accounts.list_users()] == [
        ("alice", True),
        ("bob", False),
        ("carol", True),
    ]


def test_get_user_unknown_is_none(accounts):
    assert accounts.get_user("nobody") is None
    assert accounts.get_user(None) is None


# --- authenticating ----------------------------------------------------------------------------


def test_authenticate_with_the_right_password(accounts, alice, engine):
    assert accounts.authenticate("alice", PASSWORD, ADDRESS) == alice
    assert attempts(engine) == 0


@pytest.mark.parametrize("password", ["wrong password!", "", None, PASSWORD.upper(), PASSWORD + " ", "x" * 5000])
def test_authenticate_with_a_wrong_password_records_a_failure(accounts, alice, engine, password):
    assert accounts.authenticate("alice", password, ADDRESS) is None
    assert attempts(engine) == 1


def test_authenticate_an_unknown_user_records_a_failure(accounts, alice, engine):
    assert accounts.authenticate("mallory", PASSWORD, ADDRESS) is None
    assert accounts.authenticate("x" * 5000, PASSWORD, "y" * 500) is None
    with Session(engine, future=True) as s:
        rows = list(s.scalars(select(LoginAttemptRow).order_by(LoginAttemptRow.id)))
    assert [(r.username, r.address) for r in rows] == [("mallory", ADDRESS), ("x" * 100, "y" * 64)]


def test_unknown_users_cost_the_same_argon2_work(engine, clock):
    class CountingHasher(PasswordHasher):
        verified = 0

        def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
            CountingHasher.verified += 1
            return super().verify(hash, password)

    accounts = Accounts(engine, clock=clock.now, hasher=CountingHasher(time_cost=1, memory_cost=8, parallelism=1))
    accounts.create_user("alice", PASSWORD, "reviewer")

    accounts.authenticate("alice", "wrong password!", ADDRESS)
    assert CountingHasher.verified == 1
    accounts.authenticate("nobody", "wrong password!", ADDRESS)
    assert CountingHasher.verified == 2
    accounts.authenticate("!!", "wrong password!", ADDRESS)  # not even a valid username
    assert CountingHasher.verified == 3


def test_authenticate_an_inactive_user_fails_even_with_the_right_password(accounts, alice, engine):
    accounts.set_active("alice", False)

    assert accounts.authenticate("alice", PASSWORD, ADDRESS) is None
    assert attempts(engine) == 1


def test_success_clears_the_usernames_failures(accounts, alice, engine):
    fail(accounts, times=MAX_FAILURES_PER_USER - 1)
    fail(accounts, "bob", times=2)
    assert accounts.authenticate("alice", PASSWORD, ADDRESS) == alice

    assert attempts(engine) == 2  # bob's remain
    fail(accounts, times=MAX_FAILURES_PER_USER - 1)  # a fresh allowance: no throttling yet
    assert accounts.authenticate("alice", PASSWORD, ADDRESS) == alice


def test_outdated_hash_is_rehashed_on_login(engine, clock):
    old = Accounts(engine, clock=clock.now, hasher=fast_hasher())
    old.create_user("alice", PASSWORD, "reviewer")
    [before] = user_rows(engine)
    assert "t=1," in before.password_hash

    stronger = Accounts(engine, clock=clock.now, hasher=PasswordHasher(time_cost=2, memory_cost=8, parallelism=1))
    assert stronger.authenticate("alice", PASSWORD, ADDRESS) is not None

    [after] = user_rows(engine)
    assert "t=2," in after.password_hash
    assert stronger.authenticate("alice", PASSWORD, ADDRESS) is not None


# --- throttling ---------------------------------------------------------------------------------


def test_throttled_per_username_even_with_the_right_password(accounts, alice, clock, engine):
    fail(accounts, times=MAX_FAILURES_PER_USER - 1)
    assert accounts.authenticate("alice", PASSWORD, "198.51.100.1") == alice  # 4 failures: still allowed
    fail(accounts, times=MAX_FAILURES_PER_USER)

    with pytest.raises(LoginThrottled) as raised:
        accounts.authenticate("alice", PASSWORD, "198.51.100.7")  # another address, the right password
    assert raised.value.retry_after == FAILURE_WINDOW.total_seconds()
    assert isinstance(raised.value.retry_after, int)
    assert attempts(engine) == MAX_FAILURES_PER_USER  # refused attempts are not counted
    with pytest.raises(LoginThrottled):
        accounts.authenticate("ALICE", PASSWORD, ADDRESS)
    # Other usernames from the same address are not affected.
    accounts.create_user("bob", OTHER_PASSWORD, "reviewer")
    assert accounts.authenticate("bob", OTHER_PASSWORD, ADDRESS) is not None


def test_throttling_is_released_after_the_window(accounts, alice, clock):
    fail(accounts, times=MAX_FAILURES_PER_USER)

    clock.advance(seconds=FAILURE_WINDOW.total_seconds() - 1)
    with pytest.raises(LoginThrottled) as raised:
        accounts.authenticate("alice", PASSWORD, ADDRESS)
    assert raised.value.retry_after == 1

    clock.advance(seconds=1)
    assert accounts.authenticate("alice", PASSWORD, ADDRESS) == alice


def test_retry_after_counts_from_the_oldest_failure_in_the_window(accounts, alice, clock):
    fail(accounts)  # at 0:00
    clock.advance(minutes=5)
    fail(accounts, times=MAX_FAILURES_PER_USER - 1)  # at 0:05
    clock.advance(minutes=1, seconds=30)

    with pytest.raises(LoginThrottled) as raised:
        accounts.authenticate("alice", PASSWORD, ADDRESS)
    assert raised.value.retry_after == (15 - 6.5) * 60
    assert "try again in 510 seconds" in str(raised.value)

    clock.advance(seconds=raised.value.retry_after)
    fail(accounts)  # one more allowed after the oldest left; the lock is back for 5 minutes
    with pytest.raises(LoginThrottled) as raised:
        accounts.authenticate("alice", PASSWORD, ADDRESS)
    assert raised.value.retry_after == 5 * 60  # until the failures of 0:05 leave, at 0:20


def test_throttled_per_address_over_different_usernames(accounts, alice, clock):
    for n in range(MAX_FAILURES_PER_ADDRESS):
        fail(accounts, f"guess{n}", times=1)
        clock.advance(seconds=10)

    with pytest.raises(LoginThrottled) as raised:
        accounts.authenticate("alice", PASSWORD, ADDRESS)  # a username with no failures of its own
    assert raised.value.retry_after == FAILURE_WINDOW.total_seconds() - MAX_FAILURES_PER_ADDRESS * 10
    # Another address is not affected.
    assert accounts.authenticate("alice", PASSWORD, "198.51.100.1") == alice

    clock.advance(seconds=raised.value.retry_after)
    assert accounts.authenticate("alice", PASSWORD, ADDRESS) == alice


def test_purge_attempts_deletes_only_those_outside_the_window(accounts, engine, clock):
    fail(accounts, "one", times=3)
    clock.advance(minutes=10)
    fail(accounts, "two", times=2)
    clock.advance(minutes=5)

    assert accounts.purge_attempts() == 3
    assert attempts(engine) == 2
    assert accounts.purge_attempts() == 0


# --- sessions -----------------------------------------------------------------------------------


def test_start_session_stores_only_the_sha256_of_the_token(accounts, engine, alice, clock):
    token, session = accounts.start_session(alice)

    assert isinstance(session, LoginSession)
    assert session.user == alice
    assert session.expires_at == clock.current + timedelta(hours=8)
    assert len(token) >= 43 and len(session.csrf_token) >= 43 and token != session.csrf_token
    [row] = session_rows(engine)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.csrf_token)
    assert session.csrf_token not in repr(session)


def test_session_for_finds_the_session(accounts, alice):
    token, session = accounts.start_session(alice)

    assert accounts.session_for(token) == session
    other_token, other = accounts.start_session(alice)
    assert other_token != token and other.csrf_token != session.csrf_token
    assert accounts.session_for(other_token) == other


@pytest.mark.parametrize("token", [None, "", "nonsense", "x" * 10_000])
def test_session_for_an_unknown_token_is_none(accounts, alice, token):
    accounts.start_session(alice)
    assert accounts.session_for(token) is None


def test_session_for_a_hash_is_none(accounts, engine, alice):
    accounts.start_session(alice)
    [row] = session_rows(engine)
    assert accounts.session_for(row.token_hash) is None


def test_session_expires_after_session_hours_even_when_busy(accounts, engine, alice, clock):
    token, _ = accounts.start_session(alice)
    for _ in range(8 * 2 - 1):
        clock.advance(minutes=30)
        assert accounts.session_for(token) is not None
    clock.advance(minutes=29, seconds=59)
    assert accounts.session_for(token) is not None
    clock.advance(seconds=1)

    assert accounts.session_for(token) is None
    assert session_rows(engine) == []


def test_session_ends_after_idle_minutes(accounts, engine, alice, clock):
    token, _ = accounts.start_session(alice)
    clock.advance(minutes=60)
    assert accounts.session_for(token) is not None  # exactly the limit: still alive, and refreshed
    clock.advance(minutes=60)
    assert accounts.session_for(token) is not None
    clock.advance(minutes=60, seconds=1)

    assert accounts.session_for(token) is None
    assert session_rows(engine) == []


def test_last_seen_is_refreshed_at_most_once_a_minute(accounts, engine, alice, clock):
    token, _ = accounts.start_session(alice)
    start = clock.current
    clock.advance(seconds=30)
    accounts.session_for(token)
    assert session_rows(engine)[0].last_seen_at == start
    clock.advance(seconds=30)
    accounts.session_for(token)
    assert session_rows(engine)[0].last_seen_at == clock.current


def test_session_ends_when_the_user_is_deactivated(accounts, engine, alice):
    token, _ = accounts.start_session(alice)
    accounts.set_active("alice", False)

    assert accounts.session_for(token) is None
    assert session_rows(engine) == []
    accounts.set_active("alice", True)
    assert accounts.session_for(token) is None  # reactivating does not bring old sessions back


def test_session_of_an_inactive_user_is_none_even_if_its_row_remains(accounts, engine, alice):
    token, _ = accounts.start_session(alice)
    with Session(engine, future=True) as s, s.begin():  # as if deactivated behind our back
        s.get(UserRow, alice.id).active = False

    assert accounts.session_for(token) is None
    assert session_rows(engine) == []


def test_set_password_ends_all_of_the_users_sessions_only(accounts, alice):
    bob = accounts.create_user("bob", OTHER_PASSWORD, "reviewer")
    first, _ = accounts.start_session(alice)
    second, _ = accounts.start_session(alice)
    bobs, _ = accounts.start_session(bob)

    accounts.set_password("alice", "a brand new passphrase")

    assert accounts.session_for(first) is None
    assert accounts.session_for(second) is None
    assert accounts.session_for(bobs) is not None


def test_set_role_ends_the_users_sessions(accounts, alice):
    token, _ = accounts.start_session(alice)
    accounts.set_role("alice", "reviewer")

    assert accounts.session_for(token) is None
    token, session = accounts.start_session(accounts.get_user("alice"))
    assert accounts.session_for(token).user.role == "reviewer"


def test_start_session_for_an_inactive_user_is_refused(accounts, alice, engine):
    accounts.set_active("alice", False)
    with pytest.raises(InvalidAccount, match="not active"):
        accounts.start_session(alice)
    assert session_rows(engine) == []


def test_end_session(accounts, engine, alice):
    token, _ = accounts.start_session(alice)
    other, _ = accounts.start_session(alice)

    accounts.end_session(token)
    accounts.end_session(token)  # twice is harmless
    accounts.end_session("unknown")

    assert accounts.session_for(token) is None
    assert accounts.session_for(other) is not None
    assert len(session_rows(engine)) == 1


def test_purge_sessions_deletes_dead_ones(accounts, engine, alice, clock):
    old, _ = accounts.start_session(alice)
    clock.advance(minutes=45)
    fresh, _ = accounts.start_session(alice)
    clock.advance(minutes=20)

    assert accounts.purge_sessions() == 1
    assert accounts.session_for(fresh) is not None
    assert len(session_rows(engine)) == 1


def test_naive_clock_is_refused(engine):
    accounts = Accounts(engine, clock=lambda: datetime(2024, 5, 1), hasher=fast_hasher())
    with pytest.raises(ValueError, match="timezone-aware"):
        accounts.create_user("alice", PASSWORD, "reviewer")
