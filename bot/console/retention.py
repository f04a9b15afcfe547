"""Deleting conversations: on a worker's request, and by age (the retention period).

A conversation lives in three places: Rasa's ``events`` (the only unredacted
copy), the console's index, and any consultation request it produced. Tracker
events go first, so that a sync running meanwhile finds nothing left to
index; the index rows next; the requests last.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Optional

from bot.console.indexer import Indexer
from bot.console.tracker import TrackerReader
from bot.consultation.store import ConsultationStore


@dataclass(frozen=True)
class Deleted:
    """What ``delete_conversation`` removed: tracker event rows and consultation requests."""

    events: int
    requests: int


@dataclass(frozen=True)
class Purged:
    """What ``purge`` removed: conversations, their tracker event rows, and closed requests."""

    conversations: int
    events: int
    requests: int


def delete_conversation(
    sender_id: str, *, tracker: TrackerReader, indexer: Indexer, consultations: ConsultationStore
) -> Deleted:
    """Forget one conversation entirely, because the worker asked us to.

    Deletes its tracker events, its index rows (tags and staff notes too) and
    every consultation request it produced, whatever their status: the worker's
    wish outweighs an open follow-up.
    """
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id is required")
    events = tracker.delete_conversation(sender_id)
    indexer.forget([sender_id])
    requests = consultations.delete_for_conversation(sender_id)
    return Deleted(events=events, requests=requests)


def purge(
    older_than: datetime,
    *,
    tracker: TrackerReader,
    indexer: Indexer,
    consultations: ConsultationStore,
    batch: int = 1000,
    progress: Optional[Callable[[int, int], None]] = None,
) -> Purged:
    """Delete what is past the retention period.

    - Conversations whose last event is older than ``older_than``: their tracker
      events and index rows, ``batch`` conversations per transaction.
    - Consultation requests that are ``closed`` and were not updated since
      ``older_than``, whichever conversation they came from.

    Open requests (``new``, ``in_progress``) are never purged, however old, and
    neither is a closed request updated recently: someone still has to follow
    them up, and the request holds what they need even once its conversation
    is gone. ``progress(done, total)`` counts conversations, per batch.
    """
    if older_than.tzinfo is None or older_than.utcoffset() is None:
        raise ValueError("older_than must be timezone-aware")
    if batch < 1:
        raise ValueError("batch must be at least 1")
    cutoff = older_than.timestamp()
    conversations = events = 0
    if tracker.exists():
        total = tracker.count_senders_last_active_before(cutoff)
        while True:
            senders = tracker.senders_last_active_before(cutoff, batch)
            if not senders:
                break
            events += tracker.delete_conversations(senders)
            indexer.forget(senders)
            conversations += len(senders)
            if progress is not None:
                progress(min(conversations, total), max(total, conversations))
    indexer.forget_inactive_before(older_than)
    requests = consultations.purge_closed_before(older_than)
    return Purged(conversations=conversations, events=events, requests=requests)
