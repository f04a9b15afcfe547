"""Render Rasa's endpoints.yml from the environment.

Rasa reads its tracker store and lock store from endpoints.yml; we want them
chosen by configuration alone, with embedded defaults:

- ``TRACKER_STORE_URL``: SQLAlchemy URL of the conversation store.
  Default ``sqlite:///build/tracker.sqlite3``; e.g.
  ``postgresql://rasa:secret@db.example:5432/rasa``.
- ``LOCK_STORE_URL``: ``redis://[:password@]host:port/db`` for a Redis lock
  store (needed when several Rasa processes share conversations). Default:
  Rasa's in-memory lock store.
- ``ACTION_ENDPOINT_URL``: default ``http://localhost:5055/webhook``.

The rendered file can hold a database password, so it is written with mode
0600 under build/ (ignored by git).

    python -m bot.endpoints build/endpoints.yml
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml
from sqlalchemy.engine import make_url

DEFAULT_TRACKER_STORE_URL = "sqlite:///build/tracker.sqlite3"
DEFAULT_ACTION_ENDPOINT_URL = "http://localhost:5055/webhook"


class ConfigurationError(ValueError):
    """An environment variable holds a value we cannot use."""


def tracker_store(url: str) -> Dict[str, Any]:
    try:
        parsed = make_url(url)
    except Exception as error:  # sqlalchemy raises ArgumentError and others
        raise ConfigurationError(f"TRACKER_STORE_URL is not a database URL: {error}") from None
    dialect = parsed.drivername
    if dialect.split("+")[0] not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"TRACKER_STORE_URL: unsupported database {dialect!r} (use sqlite or postgresql)"
        )
    config: Dict[str, Any] = {"type": "SQL", "dialect": dialect, "db": parsed.database}
    if parsed.host:
        config["url"] = parsed.host
    if parsed.port:
        config["port"] = parsed.port
    if parsed.username:
        config["username"] = parsed.username
    if parsed.password:
        config["password"] = parsed.password
    if parsed.query:
        config["query"] = dict(parsed.query)
    return config


def lock_store(url: Optional[str]) -> Optional[Dict[str, Any]]:
    if not url:
        return None
    parsed = make_url(url) if "://" in url else None
    if parsed is None or parsed.drivername not in ("redis", "rediss"):
        raise ConfigurationError("LOCK_STORE_URL must look like redis://host:6379/0")
    config: Dict[str, Any] = {
        "type": "redis",
        "url": parsed.host or "localhost",
        "port": parsed.port or 6379,
        "db": int(parsed.database or 0),
    }
    if parsed.password:
        config["password"] = parsed.password
    if parsed.drivername == "rediss":
        config["use_ssl"] = True
    return config


def render(env: Mapping[str, str]) -> Dict[str, Any]:
    endpoints: Dict[str, Any] = {
        "action_endpoint": {
            "url": env.get("ACTION_ENDPOINT_URL") or DEFAULT_ACTION_ENDPOINT_URL
        },
        "tracker_store": tracker_store(
            env.get("TRACKER_STORE_URL") or DEFAULT_TRACKER_STORE_URL
        ),
    }
    locks = lock_store(env.get("LOCK_STORE_URL"))
    if locks:
        endpoints["lock_store"] = locks
    return endpoints


def write(path: Path, env: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(render(env), sort_keys=False)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "build/endpoints.yml")
    try:
        write(target, os.environ)
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
