"""Real PostgreSQL and Redis servers on loopback for the integration tests, one per module.

Locally a missing server package skips with how to install it; in CI (CI=true)
it is a failure, not a skip.
"""
from __future__ import annotations

import os
from typing import Iterator

import pytest

from tests.integration.servers import postgres_server, redis_server


def _skip_unless_installed(error: RuntimeError) -> None:
    if os.environ.get("CI") or "not installed" not in str(error):
        raise error
    pytest.skip(str(error))


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        manager = postgres_server()
        url = manager.__enter__()
    except RuntimeError as error:
        _skip_unless_installed(error)
    yield url
    manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    try:
        manager = redis_server(tmp_path_factory.mktemp("redis"))
        url = manager.__enter__()
    except RuntimeError as error:
        _skip_unless_installed(error)
    yield url
    manager.__exit__(None, None, None)
