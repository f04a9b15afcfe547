"""The LINE event store on a real PostgreSQL server, chosen by its URL alone.

PostgreSQL is started on loopback by tests/integration/servers.py. In CI
(CI=true) a missing server package is a failure, not a skip.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import List


from bot.channels.line_events import Claim, LineEventStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now



def test_line_events_are_answered_once_across_processes_and_restarts_on_postgresql(postgres_url: str) -> None:
    clock = Clock()
    opened: List[LineEventStore] = []

    def open_store() -> LineEventStore:
        store = LineEventStore.from_url(postgres_url, claim_timeout=timedelta(minutes=5), clock=clock)
        opened.append(store)
        return store

    try:
        first, second = open_store(), open_store()
        assert first.engine.dialect.name == "postgresql"

        # answered once, by the first process to claim it; never again after a restart
        assert first.claim("01ANSWERED", "process-a") is Claim.NEW
        assert second.claim("01ANSWERED", "process-b") is Claim.IN_PROGRESS
        assert first.mark_sending("01ANSWERED", "process-a")
        first.mark_answered("01ANSWERED")
        first.dispose()
        assert open_store().claim("01ANSWERED", "process-c") is Claim.ANSWERED

        # a process dies: before sending, the event is answered in full; while sending, with care
        second.claim("01DIED-BEFORE", "process-b")
        second.claim("01DIED-SENDING", "process-b")
        second.mark_sending("01DIED-SENDING", "process-b")
        second.dispose()
        clock.now += timedelta(minutes=6)
        restarted = open_store()
        assert restarted.claim("01DIED-BEFORE", "process-d") is Claim.NEW
        assert restarted.claim("01DIED-SENDING", "process-d") is Claim.TAKEN_OVER
        record = restarted.get("01DIED-BEFORE")
        assert (record.owner, record.claims, record.claimed_at) == ("process-d", 2, clock.now)
        assert record.claimed_at.tzinfo is not None

        # six processes receive the same event at once: exactly one answers it
        racers = [open_store() for _ in range(6)]
        results: List[Claim] = []
        start = threading.Barrier(len(racers))

        def claim(index: int) -> None:
            start.wait()
            results.append(racers[index].claim("01RACE", f"racer-{index}"))

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(racers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(r.value for r in results) == ["in_progress"] * 5 + ["new"]

        # rows untouched for longer than the retention are pruned
        clock.now += timedelta(days=8)
        restarted.claim("01RECENT", "process-d")
        assert restarted.prune(timedelta(days=7)) == 4
        assert restarted.get("01ANSWERED") is None and restarted.get("01RECENT") is not None
    finally:
        for store in opened:
            store.dispose()
