"""The same code on PostgreSQL and Redis, chosen by configuration alone.

These start real servers on loopback (tests/integration/servers.py). In CI
(CI=true) a missing server package is a failure, not a skip.
"""
from __future__ import annotations

import asyncio
import os

import pytest

from bot.endpoints import render
from servers import postgres_server, redis_server


def _skip_unless_installed(error: RuntimeError) -> None:
    """Locally a missing server package skips with how to install it; in CI it fails."""
    if os.environ.get("CI") or "not installed" not in str(error):
        raise error
    pytest.skip(str(error))


@pytest.fixture(scope="module")
def postgres_url():
    try:
        manager = postgres_server()
        url = manager.__enter__()
    except RuntimeError as error:
        _skip_unless_installed(error)
    yield url
    manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    try:
        manager = redis_server(tmp_path_factory.mktemp("redis"))
        url = manager.__enter__()
    except RuntimeError as error:
        _skip_unless_installed(error)
    yield url
    manager.__exit__(None, None, None)


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
