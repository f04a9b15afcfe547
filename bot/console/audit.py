"""The console's audit log: who viewed, exported, changed or deleted what, and when.

It names things (a conversation's sender id, a request's reference, an export's
filters and count) but must never hold their content: callers pass identifiers
and small facts in ``detail``, never what a worker wrote. Entries are only
ever added; there is no method to edit or delete one.

Usernames are stored lower-case and filtered case-insensitively, like the
accounts themselves (bot/console/accounts.py), so a failed login typed as
``Alice`` is found under ``alice``.

Same pattern as bot/consultation/store.py: handed an engine, one short session
per method, frozen records out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.consultation.schema import utc_now
from bot.console.schema import ROLES, AuditRow

ACTIONS = (
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "view_conversation",
    "view_request",
    "export",
    "delete_conversation",
    "purge",
    "tag",
    "untag",
    "flag",
    "unflag",
    "note",
    "review",
    "unreview",
    "request_status",
    "request_note",
    "user_create",
    "user_role",
    "user_password",
    "user_active",
)
LIST_MAX_LIMIT = 500
# The columns' widths: a longer value is cut rather than refused, so that
# recording (say, a failed login under a 5 000-character username) never fails.
USERNAME_MAX_CHARS = 100
TARGET_MAX_CHARS = 255
ADDRESS_MAX_CHARS = 64


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry; ``at`` is timezone-aware UTC, ``detail`` the decoded JSON object."""

    id: int
    at: datetime
    username: str
    role: str | None
    action: str
    target: str | None
    detail: dict | None
    address: str | None


class AuditLog:
    """Append-only audit entries in the console's database."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self._clock = clock

    def record(
        self,
        *,
        username: str,
        role: str | None,
        action: str,
        target: str | None = None,
        detail: dict | None = None,
        address: str | None = None,
    ) -> None:
        """Add an entry. ``ValueError`` for an unknown action or role, or a ``detail`` that is not a JSON object.

        ``username`` is whoever acted (for ``login_failed``, the name that was typed).
        """
        action = _action(action)
        if role is not None and role not in ROLES:
            raise ValueError(f"role must be one of {ROLES} or None")
        if not isinstance(username, str):
            raise ValueError("username must be a string")
        if detail is not None and not isinstance(detail, dict):
            raise ValueError("detail must be a dict or None")
        # default=str: a datetime or a Path in the detail is written as text, not refused.
        encoded = None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        values = dict(
            at=self._now(),
            username=username.lower()[:USERNAME_MAX_CHARS],
            role=role,
            action=action,
            target=_cut(target, "target", TARGET_MAX_CHARS),
            detail=encoded,
            address=_cut(address, "address", ADDRESS_MAX_CHARS),
        )
        with Session(self.engine, future=True) as s, s.begin():
            s.execute(insert(AuditRow).values(**values))

    def list(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        username: str | None = None,
        action: str | None = None,
    ) -> list[AuditEntry]:
        """Entries matching the filters, newest first; an unknown action matches nothing."""
        if not 1 <= limit <= LIST_MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {LIST_MAX_LIMIT}")
        if offset < 0:
            raise ValueError("offset must not be negative")
        query = _filtered(select(AuditRow), username, action)
        query = query.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit).offset(offset)
        with Session(self.engine, future=True) as s:
            return [_entry(row) for row in s.scalars(query)]

    def count(self, *, username: str | None = None, action: str | None = None) -> int:
        """How many entries match the filters (for paging)."""
        query = _filtered(select(func.count()).select_from(AuditRow), username, action)
        with Session(self.engine, future=True) as s:
            return s.scalar(query) or 0

    def _now(self) -> datetime:
        """The clock's time in UTC; a naive clock is a bug, not local time."""
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return now.astimezone(timezone.utc)


def _action(action: Any) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {ACTIONS}")
    return action


def _cut(value: Any, name: str, max_chars: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string or None")
    return value[:max_chars]


def _filtered(query: Select, username: str | None, action: str | None) -> Select:
    # Filters come from a query string: a value nothing was recorded under just matches nothing.
    if username is not None:
        query = query.where(AuditRow.username == str(username).lower()[:USERNAME_MAX_CHARS])
    if action is not None:
        query = query.where(AuditRow.action == str(action))
    return query


def _decoded(detail: str | None) -> dict | None:
    """The stored JSON object; anything else (hand-edited rows) reads as ``None`` rather than failing the page."""
    if detail is None:
        return None
    try:
        value = json.loads(detail)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        username=row.username,
        role=row.role,
        action=row.action,
        target=row.target,
        detail=_decoded(row.detail),
        address=row.address,
    )
