"""The LINE event store on SQLite: no event answered twice, none lost to a dead process.

A "restart" is a new store with a new engine on the same file, as a restarted
Rasa server opens it; a "second process" is another store on the same file
at the same time.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import List

import pytest

from bot.channels.line_events import Claim, LineEventStore

EVENT = "01HZX3V0Q8M7ZK3W1F6R2D9B4E"
TIMEOUT = timedelta(minutes=5)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'line-events.sqlite3'}"


@pytest.fixture
def open_store(url: str, clock: Clock):
    opened: List[LineEventStore] = []

    def open_() -> LineEventStore:
        store = LineEventStore.from_url(url, claim_timeout=TIMEOUT, clock=clock)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.dispose()


def test_an_event_is_answered_once_by_the_first_process_that_claims_it(open_store) -> None:
    first, second = open_store(), open_store()
    assert first.claim(EVENT, "process-a") is Claim.NEW
    # the same event again, while process a is answering it: left alone, here or elsewhere
    assert first.claim(EVENT, "process-a") is Claim.IN_PROGRESS
    assert second.claim(EVENT, "process-b") is Claim.IN_PROGRESS

    first.mark_sending(EVENT, "process-a")
    first.mark_answered(EVENT)

    assert second.claim(EVENT, "process-b") is Claim.ANSWERED
    assert first.get(EVENT).state == "answered"


def test_an_answered_event_is_never_answered_again_after_a_restart(open_store, clock: Clock) -> None:
    before = open_store()
    assert before.claim(EVENT, "process-a") is Claim.NEW
    before.mark_sending(EVENT, "process-a")
    before.mark_answered(EVENT)
    before.dispose()

    after = open_store()  # new engine, same file
    clock.advance(hours=30)  # however late LINE redelivers, within the retention
    assert after.claim(EVENT, "process-b") is Claim.ANSWERED


def test_a_claim_of_a_process_that_died_before_sending_is_answered_in_full_later(open_store, clock: Clock) -> None:
    dead = open_store()
    assert dead.claim(EVENT, "process-a") is Claim.NEW
    dead.dispose()  # killed before sending anything

    restarted = open_store()
    # a redelivery soon after: the claim may still be alive, so LINE is asked to come back later
    clock.advance(seconds=30)
    assert restarted.claim(EVENT, "process-b") is Claim.IN_PROGRESS
    # after the claim timeout the claim counts as abandoned and the event is answered as new
    clock.advance(minutes=5)
    assert restarted.claim(EVENT, "process-b") is Claim.NEW
    record = restarted.get(EVENT)
    assert (record.state, record.owner, record.claims) == ("claimed", "process-b", 2)
    # and once answered, never again
    restarted.mark_answered(EVENT)
    assert open_store().claim(EVENT, "process-c") is Claim.ANSWERED


def test_a_claim_of_a_process_that_died_while_sending_is_taken_over_with_care(open_store, clock: Clock) -> None:
    dead = open_store()
    dead.claim(EVENT, "process-a")
    assert dead.mark_sending(EVENT, "process-a")
    dead.dispose()

    clock.advance(minutes=6)
    assert open_store().claim(EVENT, "process-b") is Claim.TAKEN_OVER


def test_a_slow_process_whose_claim_was_taken_over_does_not_send(open_store, clock: Clock) -> None:
    slow, other = open_store(), open_store()
    slow.claim(EVENT, "process-a")
    clock.advance(minutes=6)
    assert other.claim(EVENT, "process-b") is Claim.NEW
    assert not slow.mark_sending(EVENT, "process-a")
    assert other.mark_sending(EVENT, "process-b")


def test_a_released_event_is_answered_as_new_on_the_next_delivery(open_store) -> None:
    store = open_store()
    store.claim(EVENT, "process-a")
    store.mark_sending(EVENT, "process-a")
    assert store.release(EVENT, "process-a")  # nothing could have reached LINE
    assert not store.release(EVENT, "process-b")  # only the owner releases

    assert open_store().claim(EVENT, "process-b") is Claim.NEW
    assert store.get(EVENT).sending_at is None


def test_two_processes_claiming_at_once_only_one_wins(open_store) -> None:
    stores = [open_store() for _ in range(6)]
    results: List[Claim] = []
    start = threading.Barrier(len(stores))

    def claim(index: int) -> None:
        start.wait()
        results.append(stores[index].claim(EVENT, f"process-{index}"))

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(r.value for r in results) == ["in_progress"] * 5 + ["new"]


def test_old_events_are_pruned_after_the_retention_period(open_store, clock: Clock) -> None:
    store = open_store()
    store.claim("01OLD", "process-a")
    store.mark_answered("01OLD")
    clock.advance(days=6)
    store.claim("01RECENT", "process-a")
    clock.advance(days=1, seconds=1)

    assert store.prune(timedelta(days=7)) == 1
    assert store.get("01OLD") is None
    assert store.get("01RECENT").state == "claimed"


def test_the_store_holds_no_message_text_or_user_id(open_store) -> None:
    store = open_store()
    store.claim(EVENT, "host-123-abc")
    store.mark_answered(EVENT)
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM line_webhook_events").mappings().all()
    assert set(rows[0]) == {
        "webhook_event_id", "state", "owner", "claims", "claimed_at", "sending_at", "answered_at", "updated_at",
    }


def test_odd_event_ids_are_refused(open_store) -> None:
    store = open_store()
    for bad in ("", "x" * 65):
        with pytest.raises(ValueError):
            store.claim(bad, "process-a")
