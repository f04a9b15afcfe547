"""The staff console over what the real bot stores: talk to the bot over REST, then find,
read and export those conversations in the console served by ``make run``'s script.

The other console tests write the tracker store with Rasa's SQLTrackerStore directly;
this one proves the console understands what the running bot (NLU, FallbackClassifier,
actions, forms) actually writes.
"""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import uuid

import pytest
import requests

from tests.e2e.servers import ROOT, BotServers

PASSWORD = "a long password for e2e"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    bot = BotServers(
        rasa_port=5605, actions_port=5655, console_port=8605, workdir=tmp_path_factory.mktemp("console"),
        env={"CONSOLE_SYNC_SECONDS": "0", "CONSOLE_COOKIE_SECURE": "0"},
    )
    bot.start()
    env = bot.environment()
    for name, role in (("rita", "reviewer"), ("carl", "counsellor")):
        subprocess.run(
            [sys.executable, "-m", "bot.console", "users", "add", name, "--role", role, "--password-stdin"],
            input=PASSWORD + "\n", text=True, env=env, cwd=ROOT, check=True, capture_output=True,
        )
    yield bot
    bot.stop()


def say(servers: BotServers, sender: str, text: str) -> list:
    response = requests.post(servers.rest_url, json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def staff(servers: BotServers, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(servers.console_url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(servers.console_url + "/login", timeout=10,
                            data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 200 and "Dashboard" in response.text
    return session


@pytest.fixture(scope="module")
def conversations(servers):
    ids = {kind: f"e2e-{kind}-{uuid.uuid4().hex[:8]}" for kind in ("answered", "problem", "unknown")}
    assert say(servers, ids["answered"], "who is the president of rengo?")
    assert say(servers, ids["problem"], "my name is Hanako Sato, call me on 080-2468-1357. my boss does not pay my overtime")
    assert say(servers, ids["unknown"], "who is Taro Nonexistent?")  # not in the knowledge base
    return ids


def listed(session: requests.Session, servers: BotServers, query: str) -> set:
    page = session.get(f"{servers.console_url}/conversations?{query}", timeout=30).text
    return set(re.findall(r'href="/conversations/c/([^"]+)"', page))


def test_the_console_refuses_anonymous_visitors(servers):
    response = requests.get(servers.console_url + "/conversations", allow_redirects=False, timeout=10)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_what_the_bot_stored_is_listed_and_filterable(servers, conversations):
    rita = staff(servers, "rita")
    assert set(conversations.values()) <= listed(rita, servers, "channel=rest")
    assert conversations["unknown"] in listed(rita, servers, "fallback=yes")
    assert conversations["answered"] not in listed(rita, servers, "fallback=yes")
    assert listed(rita, servers, "q=overtime") & set(conversations.values()) == {conversations["problem"]}
    assert conversations["answered"] in listed(rita, servers, "intent=ask_leadership")


def test_the_transcript_shows_the_bots_reasoning_and_hides_personal_data(servers, conversations):
    rita = staff(servers, "rita")
    page = rita.get(f"{servers.console_url}/conversations/c/{conversations['problem']}", timeout=30).text
    assert "080-2468-1357" not in page and "Hanako Sato" not in page
    assert "[phone]" in page and "[name]" in page
    assert re.search(r"intent <strong>\w+</strong> <span[^>]*>0\.\d\d</span>", page)
    assert "action_give_guidance" in page or "action_" in page
    carl = staff(servers, "carl")
    page = carl.get(f"{servers.console_url}/conversations/c/{conversations['problem']}", timeout=30).text
    assert "080-2468-1357" in page and "Hanako Sato" in page


def test_the_export_is_redacted_for_reviewers(servers, conversations):
    rita = staff(servers, "rita")
    body = rita.get(f"{servers.console_url}/conversations/export.csv?channel=rest", timeout=60).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    mine = [r for r in rows if r["conversation"] == conversations["problem"]]
    assert [r["speaker"] for r in mine][:1] == ["user"] and len(mine) >= 2
    assert "080-2468-1357" not in body and "[phone]" in mine[0]["text"]
