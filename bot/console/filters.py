"""The conversation list's filters, read from a query string and written back into links."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, Mapping, Optional, Tuple

MAX_QUERY_CHARS = 200
MAX_TERMS = 5


class FilterError(ValueError):
    """A filter value the list cannot use; the message tells the user which and why."""


def _date(args: Mapping[str, str], name: str, label: str) -> Optional[date]:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(f"{label}: use a date like 2026-11-26, not {raw!r}") from None


def _yes_no(args: Mapping[str, str], name: str, label: str) -> Optional[bool]:
    raw = (args.get(name) or "").strip().lower()
    if raw in ("", "any"):
        return None
    if raw in ("yes", "1", "true"):
        return True
    if raw in ("no", "0", "false"):
        return False
    raise FilterError(f"{label}: choose yes, no or any, not {raw!r}")


def _word(args: Mapping[str, str], name: str, label: str, max_chars: int) -> Optional[str]:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if len(raw) > max_chars or any(c.isspace() for c in raw):
        raise FilterError(f"{label}: one word of at most {max_chars} characters")
    return raw


@dataclass(frozen=True)
class ConversationFilter:
    """Every filter of the list; ``None`` means "any". Dates are UTC days, both inclusive."""

    date_from: Optional[date] = None
    date_to: Optional[date] = None
    channel: Optional[str] = None
    intent: Optional[str] = None
    fallback: Optional[bool] = None
    low_confidence: Optional[bool] = None
    consultation: Optional[bool] = None
    urgent: Optional[bool] = None
    flagged: Optional[bool] = None
    reviewed: Optional[bool] = None
    tag: Optional[str] = None
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "ConversationFilter":
        q = " ".join((args.get("q") or "").split())
        if len(q) > MAX_QUERY_CHARS:
            raise FilterError(f"Search: at most {MAX_QUERY_CHARS} characters")
        if len(q.split()) > MAX_TERMS:
            raise FilterError(f"Search: at most {MAX_TERMS} words")
        found = cls(
            date_from=_date(args, "from", "From"),
            date_to=_date(args, "to", "To"),
            channel=_word(args, "channel", "Channel", 50),
            intent=_word(args, "intent", "Intent", 100),
            fallback=_yes_no(args, "fallback", "Fallback"),
            low_confidence=_yes_no(args, "low_confidence", "Low confidence"),
            consultation=_yes_no(args, "consultation", "Consultation requested"),
            urgent=_yes_no(args, "urgent", "Urgent"),
            flagged=_yes_no(args, "flagged", "Flagged"),
            reviewed=_yes_no(args, "reviewed", "Reviewed"),
            tag=_word(args, "tag", "Tag", 40),
            q=q,
        )
        if found.date_from and found.date_to and found.date_from > found.date_to:
            raise FilterError("From must not be after To")
        return found

    def to_args(self) -> Dict[str, str]:
        """The query-string form, without empty values (for links and export URLs)."""
        names = {"date_from": "from", "date_to": "to"}
        out: Dict[str, str] = {}
        for f in fields(self):
            value: Any = getattr(self, f.name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            out[names.get(f.name, f.name)] = str(value)
        return out

    def terms(self) -> Tuple[str, ...]:
        return tuple(self.q.split())

    def time_range(self) -> Tuple[Optional[datetime], Optional[datetime]]:
        """``[start, end)`` in UTC for the date filters."""
        start = datetime.combine(self.date_from, time(), timezone.utc) if self.date_from else None
        end = (
            datetime.combine(self.date_to + timedelta(days=1), time(), timezone.utc) if self.date_to else None
        )
        return start, end

    def is_empty(self) -> bool:
        return self == ConversationFilter()

    def without(self, **changes: Any) -> "ConversationFilter":
        return replace(self, **changes)
