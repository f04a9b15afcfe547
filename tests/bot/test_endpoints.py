"""endpoints.yml rendered from the environment: defaults and clear errors."""
import stat

import pytest
import yaml

from bot.endpoints import ConfigurationError, main, render


def test_defaults_are_sqlite_and_in_memory_locks():
    endpoints = render({})
    assert endpoints["tracker_store"] == {
        "type": "SQL", "dialect": "sqlite", "db": "build/tracker.sqlite3"
    }
    assert "lock_store" not in endpoints
    assert endpoints["action_endpoint"]["url"] == "http://localhost:5055/webhook"


def test_postgresql_and_redis_by_configuration():
    endpoints = render({
        "TRACKER_STORE_URL": "postgresql://rasa:pw@db.internal:5433/conversations?sslmode=require",
        "LOCK_STORE_URL": "redis://:secret@cache:6380/2",
    })
    assert endpoints["tracker_store"] == {
        "type": "SQL", "dialect": "postgresql", "db": "conversations", "url": "db.internal",
        "port": 5433, "username": "rasa", "password": "pw", "query": {"sslmode": "require"},
    }
    assert endpoints["lock_store"] == {
        "type": "redis", "url": "cache", "port": 6380, "db": 2, "password": "secret"
    }


@pytest.mark.parametrize("env, message", [
    ({"TRACKER_STORE_URL": "mysql://x@y/z"}, "unsupported database"),
    ({"TRACKER_STORE_URL": "not a url"}, "not a database URL"),
    ({"LOCK_STORE_URL": "memcached://x"}, "redis://"),
])
def test_bad_configuration_is_explained(env, message):
    with pytest.raises(ConfigurationError, match=message):
        render(env)


def test_rendered_file_is_private(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql://rasa:pw@db/rasa")
    target = tmp_path / "endpoints.yml"
    assert main(["x", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert yaml.safe_load(target.read_text())["tracker_store"]["password"] == "pw"
    monkeypatch.setenv("TRACKER_STORE_URL", "mysql://x@y/z")
    assert main(["x", str(target)]) == 2
    assert "unsupported database" in capsys.readouterr().err
