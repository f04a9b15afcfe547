"""A conversation's tracker events as staff read them, redacted for those not entitled.

Rasa stores each event as JSON (``events.data``). This module turns them into
transcript items: what the worker wrote with the intent, confidence, entities
and the runners-up; what the bot answered (and from which response); the
actions the bot ran with the policy that chose them; slots set; forms started
and ended. Redaction (``bot/console/redaction.py``) applies to every text and
value a person could be identified by, and the contact value given in the
consultation form is hidden everywhere it appears.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from bot.console.redaction import Redactor

#: The slot whose whole value identifies the worker: the contact left in the consultation form.
CONTACT_SLOT = "consult_contact_value"
HIDDEN = "[personal]"
#: Events that say nothing a reviewer needs (Rasa's bookkeeping).
SKIPPED = frozenset({"action_listen", "user_featurization"})


@dataclass(frozen=True)
class Item:
    kind: str  # user | bot | action | slot | form | session
    at: datetime
    text: Optional[str] = None
    intent: Optional[str] = None
    confidence: Optional[float] = None
    entities: Tuple[Tuple[str, str], ...] = ()
    ranking: Tuple[Tuple[str, float], ...] = ()
    name: Optional[str] = None  # action, slot, form or response name
    value: Optional[str] = None  # a slot's value as shown
    buttons: Tuple[str, ...] = ()
    policy: Optional[str] = None
    channel: Optional[str] = None


def contact_values(events: Iterable[Any]) -> List[str]:
    """Every value the contact slot took in this conversation, once each, in order: the
    strings to hide wherever they appear (transcripts here, previews and search in the indexer)."""
    out: List[str] = []
    for e in events:
        data = e.data
        value = data.get("value")
        if data.get("event") == "slot" and data.get("name") == CONTACT_SLOT and value is not None:
            shown = str(value)
            if shown.strip() and shown not in out:
                out.append(shown)
    return out


def transcript(events: Sequence[Any], *, redactor: Redactor, entitled: bool) -> List[Item]:
    """Items in the order they happened; ``entitled`` staff see personal data as written."""
    known = contact_values(events)

    def clean(value: Any) -> Optional[str]:
        if value is None:
            return None
        shown = value if isinstance(value, str) else str(value)
        return shown if entitled else redactor.redact(shown, known)

    items: List[Item] = []
    for e in events:
        data = e.data
        kind = data.get("event")
        at = datetime.fromtimestamp(float(data.get("timestamp") or e.timestamp or 0), timezone.utc)
        if kind == "user":
            parse = data.get("parse_data") or {}
            intent = parse.get("intent") or {}
            items.append(Item(
                kind="user",
                at=at,
                text=clean(data.get("text") or ""),
                intent=intent.get("name"),
                confidence=_float(intent.get("confidence")),
                entities=tuple(
                    (str(x.get("entity")), clean(x.get("value")) or "") for x in parse.get("entities") or []
                ),
                ranking=tuple(
                    (str(r.get("name")), _float(r.get("confidence")) or 0.0)
                    for r in (parse.get("intent_ranking") or [])[1:4]
                ),
                channel=data.get("input_channel"),
            ))
        elif kind == "bot":
            extra = data.get("data") or {}
            items.append(Item(
                kind="bot",
                at=at,
                text=clean(data.get("text") or ""),
                name=(data.get("metadata") or {}).get("utter_action"),
                buttons=tuple(clean(b.get("title")) or "" for b in extra.get("buttons") or []),
            ))
        elif kind == "action" and data.get("name") not in SKIPPED:
            items.append(Item(
                kind="action", at=at, name=data.get("name"), policy=_policy(data.get("policy")),
                confidence=_float(data.get("confidence")),
            ))
        elif kind == "slot":
            name = data.get("name")
            value = data.get("value")
            if value is not None and name == CONTACT_SLOT and not entitled:
                shown: Optional[str] = HIDDEN
            else:
                shown = clean(value)
            items.append(Item(kind="slot", at=at, name=name, value=shown))
        elif kind == "active_loop":
            items.append(Item(kind="form", at=at, name=data.get("name")))
        elif kind == "session_started":
            items.append(Item(kind="session", at=at))
    return items


def _float(value: Any) -> Optional[float]:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _policy(policy: Optional[str]) -> Optional[str]:
    """``policy_2_TEDPolicy`` -> ``TEDPolicy``."""
    if not policy:
        return None
    return policy.split("_")[-1]
