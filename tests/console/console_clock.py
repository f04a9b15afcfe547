"""A clock for tests of code that takes ``clock=``."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime = datetime(2024, 5, 1, 0, 0, tzinfo=timezone.utc)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
