"""Fixtures: the real bot with its LINE channel, talking to the LINE stand-in.

Ports: 5305 (Rasa) and 5355 (actions) unless ``LINE_E2E_RASA_PORT`` /
``LINE_E2E_ACTIONS_PORT`` say otherwise; they must be free, or another
server's answers would be taken for this bot's.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import yaml

from tests.e2e.line.line_webhook import ACCESS_TOKEN, CHANNEL_SECRET, LineWebhook
from tests.e2e.line_standin import LineStandIn
from tests.e2e.servers import ROOT, BotServers

# BotServers refuses ports already in use; these choose others.
RASA_PORT = int(os.environ.get("LINE_E2E_RASA_PORT", "5305"))
ACTIONS_PORT = int(os.environ.get("LINE_E2E_ACTIONS_PORT", "5355"))


@pytest.fixture(scope="module")
def standin() -> Iterator[LineStandIn]:
    with LineStandIn(access_token=ACCESS_TOKEN) as api:
        yield api


@pytest.fixture(scope="module")
def servers(standin: LineStandIn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    bot = BotServers(
        rasa_port=RASA_PORT,
        actions_port=ACTIONS_PORT,
        web_port=None,
        workdir=tmp_path_factory.mktemp("line"),
        env={
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            "LINE_API_BASE_URL": standin.url,
            "LINE_API_TIMEOUT_SECONDS": "10",
            "LINE_API_ATTEMPTS": "4",
            "LINE_API_RETRY_DELAY_SECONDS": "0.05",
        },
    )
    bot.start()
    yield bot
    bot.stop()


@pytest.fixture
def api(standin: LineStandIn) -> Iterator[LineStandIn]:
    """The stand-in with no recorded calls, failures or delay left from another test."""
    standin.reset()
    yield standin
    standin.reset()


@pytest.fixture(scope="module")
def line(servers: BotServers, standin: LineStandIn) -> LineWebhook:
    return LineWebhook(servers, standin)


@pytest.fixture(scope="session")
def domain_responses() -> Dict[str, Any]:
    with open(Path(ROOT) / "domain.yml", encoding="utf-8") as file:
        return yaml.safe_load(file)["responses"]
