"""The same code on PostgreSQL and Redis, chosen by configuration alone.

These start real servers on loopback (tests/integration/servers.py). In CI
(CI=true) a missing server package is a failure, not a skip.
"""
from __future__ import annotations

import asyncio


from bot.endpoints import render





def test_conversations_persist_in_postgresql(postgres_url):
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    config = render({"TRACKER_STORE_URL": postgres_url})["tracker_store"]
    assert config["dialect"] == "postgresql"
    domain = Domain.load("domain.yml")

    async def scenario():
        store = TrackerStore.create(EndpointConfig.from_dict(config), domain)
        assert isinstance(store, SQLTrackerStore)
        assert store.engine.dialect.name == "postgresql"
        tracker = DialogueStateTracker.from_events(
            "worker-1",
            [UserUttered("when was rengo founded?"), BotUttered("RENGO was formed in 1989.")],
        )
        await store.save(tracker)
        # A second store, as a restarted server would open it.
        again = TrackerStore.create(EndpointConfig.from_dict(config), domain)
        restored = await again.retrieve("worker-1")
        return restored

    restored = asyncio.run(scenario())
    texts = [e.text for e in restored.events if isinstance(e, (UserUttered, BotUttered))]
    assert texts == ["when was rengo founded?", "RENGO was formed in 1989."]


def test_knowledge_base_on_postgresql_matches_sqlite(postgres_url, kb_url):
    from knowledge.build import build, database_digest
    from knowledge.queries import KnowledgeBase

    quiet = lambda *args, **kwargs: None
    assert not build(postgres_url, force=True, log=quiet).skipped
    assert build(postgres_url, log=quiet).skipped  # idempotent: nothing changed
    assert database_digest(postgres_url) == database_digest(kb_url)
    kb = KnowledgeBase.from_url(postgres_url)
    jam = kb.organisation("JAM")
    assert jam.full_name == "Japanese Association of Metal, Machinery and Manufacturing Workers"
    assert kb.history_years_without_events() == list(range(1998, 2007))
    assert kb.search_passages("protect personal information")


def test_consultation_requests_persist_in_postgresql(postgres_url):
    from datetime import timezone

    from bot.consultation.store import ConsultationStore, NewRequest

    store = ConsultationStore.from_url(postgres_url)
    assert store.engine.dialect.name == "postgresql"
    stored = store.submit(NewRequest(
        topic="harassment", description="上司に毎日怒鳴られています。", prefecture="大阪府",
        contact_method="phone", contact_value="０９０－１２３４－５６７８", consent=True,
        channel="line", conversation_id="U4af4980629",
    ))
    # A second store, as a restarted action server or the staff console would open it.
    again = ConsultationStore.from_url(postgres_url)
    found = again.get(stored.reference)
    assert found == stored
    assert (found.description, found.prefecture, found.contact_value) == (
        "上司に毎日怒鳴られています。", "Osaka", "09012345678"
    )
    assert found.created_at.tzinfo == timezone.utc
    assert [r.reference for r in again.list(status="new", topic="harassment", prefecture="Osaka")] == [stored.reference]

    closed = again.set_status(stored.reference, "closed", "sato")
    assert store.get(stored.reference) == closed
    assert (closed.status, closed.updated_by) == ("closed", "sato")
    assert closed.updated_at >= closed.created_at and closed.updated_at.tzinfo == timezone.utc
    assert again.list(status="new") == []
    assert [r.reference for r in again.list(status="closed")] == [stored.reference]
    store.engine.dispose()
    again.engine.dispose()


def test_lock_store_is_shared_through_redis(redis_url):
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.utils.endpoints import EndpointConfig

    config = render({"LOCK_STORE_URL": redis_url})["lock_store"]
    first = LockStore.create(EndpointConfig.from_dict(config))
    second = LockStore.create(EndpointConfig.from_dict(config))
    assert isinstance(first, RedisLockStore)

    first.issue_ticket("worker-1")
    # Another Rasa process sees the ticket the first one issued.
    lock = second.get_lock("worker-1")
    assert lock is not None and lock.is_someone_waiting()
