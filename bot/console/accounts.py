"""Staff accounts, their login sessions, and the rate limit on failed logins.

``Accounts`` follows the house pattern of bot/consultation/store.py: it is handed
an engine, every method is one short session, and it returns frozen records,
never ORM objects. The slow argon2 work is always done outside a transaction.

Usernames are case-insensitive: they are stored lower-case and every lookup
lower-cases (and strips) what it is given, so ``Tanaka`` and ``tanaka`` are one
account. Passwords are stored only as argon2id hashes; session tokens only as
their SHA-256, so a copy of the database logs nobody in.

Failed logins are counted per username and per client address over the last
``FAILURE_WINDOW``; past the limit ``authenticate`` refuses before looking at
the password, and refused attempts are not counted, so the lock lifts on its
own once the window has passed however hard someone keeps trying.
"""
from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.consultation.schema import utc_now
from bot.console.schema import ROLES, LoginAttemptRow, SessionRow, UserRow

MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._@-]{3,100}")
MIN_PASSWORD_CHARS = 12
#: argon2 accepts any length, but hashing megabytes on every login attempt is a cheap DoS.
MAX_PASSWORD_CHARS = 1024
#: ``secrets.token_urlsafe(32)`` is 43 characters; anything much longer is not ours.
MAX_TOKEN_CHARS = 256
#: ``session_for`` writes ``last_seen_at`` at most this often, not on every request.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
USERNAME_MAX_CHARS = 100
ADDRESS_MAX_CHARS = 64


class InvalidAccount(ValueError):
    """A username, role or password that cannot be used; the message says what to fix."""


class LoginThrottled(Exception):
    """Too many failed logins lately for this username or address; try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    """A staff account as the console sees it; the password hash never leaves this module."""

    id: int
    username: str
    role: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class LoginSession:
    """A live login. ``expires_at`` is the absolute end; idleness may end it sooner."""

    user: User
    csrf_token: str = field(repr=False)
    expires_at: datetime


def token_hash(token: str) -> str:
    """What is stored for a session token: its SHA-256, hex (the token has 256 random bits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalize_username(username: Any) -> str:
    """The lookup key of a typed username: stripped and lower-case ("" if not a string)."""
    return username.strip().lower() if isinstance(username, str) else ""


class Accounts:
    """Staff accounts, sessions and login throttling in the console's database."""

    def __init__(
        self,
        engine: Engine,
        *,
        session_hours: float = 8,
        idle_minutes: float = 60,
        clock: Callable[[], datetime] = utc_now,
        hasher: PasswordHasher | None = None,
    ) -> None:
        if session_hours <= 0 or idle_minutes <= 0:
            raise ValueError("session_hours and idle_minutes must be positive")
        self.engine = engine
        self.session_length = timedelta(hours=session_hours)
        self.idle_limit = timedelta(minutes=idle_minutes)
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    # --- accounts -------------------------------------------------------------------------

    def create_user(self, username: str, password: str, role: str) -> User:
        """A new active account; ``InvalidAccount`` for a bad or taken username, role or password."""
        username = _valid_username(username)
        role = _valid_role(role)
        password_hash = self._hasher.hash(_valid_password(password, username))
        now = self._now()
        try:
            with Session(self.engine, future=True) as s, s.begin():
                if s.execute(select(UserRow.id).where(UserRow.username == username)).first() is not None:
                    raise InvalidAccount(f"the username {username!r} is taken; choose another")
                row = UserRow(
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    active=True,
                    created_at=now,
                    password_changed_at=now,
                )
                s.add(row)
                s.flush()
                return _user(row)
        except IntegrityError:  # created concurrently between the check and the insert
            raise InvalidAccount(f"the username {username!r} is taken; choose another") from None

    def set_password(self, username: str, password: str) -> None:
        """Replace the password and end the user's sessions (a changed password logs everyone out)."""
        key = normalize_username(username)
        password_hash = self._hasher.hash(_valid_password(password, key))
        with Session(self.engine, future=True) as s, s.begin():
            row = _existing(s, key)
            row.password_hash = password_hash
            row.password_changed_at = self._now()
            _end_sessions(s, row.id)

    def set_role(self, username: str, role: str) -> User:
        """Change the role and end the user's sessions, so the new rights apply from the next login.

        Refuses (``InvalidAccount``) to take the role away from the last active admin.
        """
        role = _valid_role(role)
        with Session(self.engine, future=True) as s, s.begin():
            row = _existing(s, normalize_username(username))
            if row.role == "admin" and role != "admin" and row.active:
                _keep_an_admin(s, row)
            row.role = role
            _end_sessions(s, row.id)
            s.flush()
            return _user(row)

    def set_active(self, username: str, active: bool) -> User:
        """Activate or deactivate an account; deactivating ends its sessions at once.

        Refuses (``InvalidAccount``) to deactivate the last active admin.
        """
        if not isinstance(active, bool):
            raise InvalidAccount("active must be true or false")
        with Session(self.engine, future=True) as s, s.begin():
            row = _existing(s, normalize_username(username))
            if not active:
                if row.role == "admin" and row.active:
                    _keep_an_admin(s, row)
                _end_sessions(s, row.id)
            row.active = active
            s.flush()
            return _user(row)

    def get_user(self, username: str) -> User | None:
        """The account with this username (any case), or ``None``."""
        key = normalize_username(username)
        with Session(self.engine, future=True) as s:
            row = s.scalars(select(UserRow).where(UserRow.username == key)).first()
            return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        """Every account, inactive ones included, by username."""
        with Session(self.engine, future=True) as s:
            return [_user(row) for row in s.scalars(select(UserRow).order_by(UserRow.username))]

    # --- logging in -----------------------------------------------------------------------

    def authenticate(self, username: str, password: str, address: str) -> User | None:
        """The user if the password is right and the account active, else ``None`` (and a failure is counted).

        Raises ``LoginThrottled`` before looking at the password when the username
        or the address has too many recent failures. Unknown usernames cost the
        same argon2 work as known ones, so response times do not tell which exist.
        """
        key = normalize_username(username)[:USERNAME_MAX_CHARS]
        address = _address(address)
        now = self._now()
        retry_after = self._retry_after(key, address, now)
        if retry_after is not None:
            raise LoginThrottled(retry_after)

        with Session(self.engine, future=True) as s:
            row = s.scalars(select(UserRow).where(UserRow.username == key)).first()
            found = None if row is None else (_user(row), row.password_hash)
        if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
            password = ""  # verified all the same (and fails), so the timing stays even
        if found is None:
            self._verify(self._dummy(), password)
            self._fail(key, address)
            return None
        user, stored_hash = found
        if not self._verify(stored_hash, password) or not password or not user.active:
            self._fail(key, address)
            return None

        with Session(self.engine, future=True) as s, s.begin():
            s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.username == key))
        if self._needs_rehash(stored_hash):
            new_hash = self._hasher.hash(password)
            with Session(self.engine, future=True) as s, s.begin():
                # Only if the password was not changed meanwhile.
                s.execute(
                    update(UserRow)
                    .where(UserRow.id == user.id, UserRow.password_hash == stored_hash)
                    .values(password_hash=new_hash)
                )
        return user

    def purge_attempts(self) -> int:
        """Delete failed-login records older than the window (they no longer count); how many went."""
        cutoff = self._now() - FAILURE_WINDOW
        with Session(self.engine, future=True) as s, s.begin():
            result = s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.attempted_at <= cutoff))
            return result.rowcount or 0

    # --- sessions -------------------------------------------------------------------------

    def start_session(self, user: User) -> tuple[str, LoginSession]:
        """A new login for ``user``: the token for the cookie (stored only as its SHA-256), and the session.

        ``InvalidAccount`` if the account is gone or inactive by now.
        """
        token = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = self._now()
        expires_at = now + self.session_length
        with Session(self.engine, future=True) as s, s.begin():
            row = s.get(UserRow, user.id)
            if row is None or not row.active:
                raise InvalidAccount(f"the account {user.username!r} is not active")
            # Tidy this user's dead sessions while we are here.
            s.execute(
                delete(SessionRow).where(
                    SessionRow.user_id == row.id,
                    (SessionRow.expires_at <= now) | (SessionRow.last_seen_at < now - self.idle_limit),
                )
            )
            s.add(
                SessionRow(
                    token_hash=token_hash(token),
                    user_id=row.id,
                    csrf_token=csrf_token,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=expires_at,
                )
            )
            fresh = _user(row)
        return token, LoginSession(user=fresh, csrf_token=csrf_token, expires_at=expires_at)

    def session_for(self, token: str | None) -> LoginSession | None:
        """The live session of a cookie token, or ``None`` (unknown, expired, idle too long, user inactive).

        A dead session's row is deleted; a live one's ``last_seen_at`` is refreshed
        (at most once per ``LAST_SEEN_RESOLUTION``).
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        now = self._now()
        with Session(self.engine, future=True) as s, s.begin():
            found = s.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == token_hash(token))
            ).first()
            if found is None:
                return None
            session, user = found
            if now >= session.expires_at or now - session.last_seen_at > self.idle_limit or not user.active:
                s.delete(session)
                return None
            if now - session.last_seen_at >= LAST_SEEN_RESOLUTION:
                session.last_seen_at = now
            return LoginSession(user=_user(user), csrf_token=session.csrf_token, expires_at=session.expires_at)

    def end_session(self, token: str) -> None:
        """Log out: forget the session of this token (nothing happens for an unknown one)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return
        with Session(self.engine, future=True) as s, s.begin():
            s.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash(token)))

    def purge_sessions(self) -> int:
        """Delete sessions past their absolute end or idle limit (abandoned ones are never looked up again)."""
        now = self._now()
        with Session(self.engine, future=True) as s, s.begin():
            result = s.execute(
                delete(SessionRow).where(
                    (SessionRow.expires_at <= now) | (SessionRow.last_seen_at < now - self.idle_limit)
                )
            )
            return result.rowcount or 0

    # --- helpers --------------------------------------------------------------------------

    def _now(self) -> datetime:
        """The clock's time in UTC; a naive clock is a bug, not local time."""
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return now.astimezone(timezone.utc)

    def _retry_after(self, username: str, address: str, now: datetime) -> int | None:
        """Seconds until both counts are back under their limits, or ``None`` if they are now."""
        since = now - FAILURE_WINDOW
        waits = []
        with Session(self.engine, future=True) as s:
            for column, value, limit in (
                (LoginAttemptRow.username, username, MAX_FAILURES_PER_USER),
                (LoginAttemptRow.address, address, MAX_FAILURES_PER_ADDRESS),
            ):
                where = (column == value, LoginAttemptRow.attempted_at > since)
                failures = s.scalar(select(func.count()).select_from(LoginAttemptRow).where(*where))
                if failures < limit:
                    continue
                # Once the (failures - limit + 1) oldest have left the window, the count is under the limit.
                leaving = s.scalar(
                    select(LoginAttemptRow.attempted_at)
                    .where(*where)
                    .order_by(LoginAttemptRow.attempted_at, LoginAttemptRow.id)
                    .offset(failures - limit)
                    .limit(1)
                )
                if leaving is not None:  # None only if purged meanwhile
                    waits.append(max(1, math.ceil((leaving + FAILURE_WINDOW - now).total_seconds())))
        return max(waits) if waits else None

    def _fail(self, username: str, address: str) -> None:
        with Session(self.engine, future=True) as s, s.begin():
            s.add(LoginAttemptRow(username=username, address=address, attempted_at=self._now()))

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return False

    def _dummy(self) -> str:
        """A hash made with this hasher's parameters, verified against for unknown usernames."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(32))
        return self._dummy_hash


def _valid_username(username: Any) -> str:
    # Checked before lower-casing: str.lower() maps a few non-ASCII letters (the Kelvin sign) to ASCII.
    if not isinstance(username, str) or not USERNAME_PATTERN.fullmatch(username.strip()):
        raise InvalidAccount(
            "a username must be 3 to 100 characters: letters a-z, digits, and . _ @ - (no spaces)"
        )
    return normalize_username(username)


def _valid_role(role: Any) -> str:
    if role not in ROLES:
        raise InvalidAccount(f"the role must be one of {', '.join(ROLES)}")
    return role


def _valid_password(password: Any, username: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise InvalidAccount(f"the password must be at least {MIN_PASSWORD_CHARS} characters long")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidAccount(f"the password must be at most {MAX_PASSWORD_CHARS} characters long")
    if username and username in password.lower():
        raise InvalidAccount("the password must not contain the username")
    return password


def _address(address: Any) -> str:
    """The client address as counted (``""`` when unknown), cut to the column's width."""
    return address.strip()[:ADDRESS_MAX_CHARS] if isinstance(address, str) else ""


def _existing(s: Session, key: str) -> UserRow:
    row = s.scalars(select(UserRow).where(UserRow.username == key)).first()
    if row is None:
        raise InvalidAccount(f"there is no user {key!r}")
    return row


def _keep_an_admin(s: Session, row: UserRow) -> None:
    """Refuse a change that would leave no active admin to manage accounts."""
    others = s.scalar(
        select(func.count())
        .select_from(UserRow)
        .where(UserRow.role == "admin", UserRow.active.is_(True), UserRow.id != row.id)
    )
    if not others:
        raise InvalidAccount(f"{row.username!r} is the last active admin; make another admin first")


def _end_sessions(s: Session, user_id: int) -> None:
    s.execute(delete(SessionRow).where(SessionRow.user_id == user_id))


def _user(row: UserRow) -> User:
    return User(id=row.id, username=row.username, role=row.role, active=row.active, created_at=row.created_at)
