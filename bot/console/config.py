"""Console settings from the environment, with embedded defaults for a checkout.

- ``CONSOLE_DB_URL``: the console's own tables (accounts, sessions, audit log,
  conversation index, tags, notes). Default ``sqlite:///<repo>/build/console.sqlite3``.
  It may be the same PostgreSQL database as the tracker store.
- ``TRACKER_STORE_URL``: Rasa's SQL tracker store (as in bot/endpoints.py).
- ``CONSULTATION_DB_URL``: the consultation requests (as in bot/consultation/config.py).
- ``CONSOLE_COOKIE_SECURE`` (``1``): send the session cookie only over HTTPS
  (browsers treat http://localhost as secure, so this works locally too).
- ``CONSOLE_SESSION_HOURS`` (``8``): a login lasts this long, and ends after
  ``CONSOLE_IDLE_MINUTES`` (``60``) without a request.
- ``CONSOLE_RETENTION_DAYS`` (``365``): ``purge`` deletes conversations whose
  last message is older than this.
- ``CONSOLE_LOW_CONFIDENCE`` (``0.45``, the FallbackClassifier threshold in
  config.yml): a conversation has "low confidence" when any user message's
  intent confidence was below it.
- ``CONSOLE_SYNC_SECONDS`` (``5``): how stale the conversation index may be
  before a page brings it up to date with the tracker store.
- ``CONSOLE_TRUSTED_PROXIES`` (``0``): how many reverse proxies in front of the
  console set ``X-Forwarded-For``/``-Proto``; with 1 behind nginx the login
  limits and the audit log see the staff member's address, not the proxy's.
  Leave 0 when the console is reached directly: the header could be forged.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.consultation import config as consultation_config
from bot.endpoints import DEFAULT_TRACKER_STORE_URL


class ConfigurationError(ValueError):
    """An environment variable holds a value the console cannot use."""


def _number(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be 1 or 0, not {raw!r}")


def _tracker_url(env: Mapping[str, str]) -> str:
    url = env.get("TRACKER_STORE_URL", "").strip() or DEFAULT_TRACKER_STORE_URL
    # Rasa resolves the default relative path against the working directory (the repo).
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{consultation_config.repo_root() / url[len('sqlite:///'):]}"
    return url


@dataclass(frozen=True)
class ConsoleSettings:
    console_db_url: str
    tracker_store_url: str
    consultation_db_url: str
    cookie_secure: bool = True
    session_hours: float = 8
    idle_minutes: float = 60
    retention_days: float = 365
    low_confidence: float = 0.45
    sync_seconds: float = 5
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "ConsoleSettings":
        env = os.environ if env is None else env
        default_db = consultation_config.repo_root() / "build" / "console.sqlite3"
        consultation_url = env.get(consultation_config.URL_VARIABLE, "").strip()
        return cls(
            console_db_url=env.get("CONSOLE_DB_URL", "").strip() or f"sqlite:///{default_db}",
            tracker_store_url=_tracker_url(env),
            consultation_db_url=consultation_url or f"sqlite:///{consultation_config.default_database_path()}",
            cookie_secure=_flag(env, "CONSOLE_COOKIE_SECURE", True),
            session_hours=_number(env, "CONSOLE_SESSION_HOURS", 8, 0.01),
            idle_minutes=_number(env, "CONSOLE_IDLE_MINUTES", 60, 1),
            retention_days=_number(env, "CONSOLE_RETENTION_DAYS", 365, 1),
            low_confidence=_number(env, "CONSOLE_LOW_CONFIDENCE", 0.45, 0),
            sync_seconds=_number(env, "CONSOLE_SYNC_SECONDS", 5, 0),
            trusted_proxies=int(_number(env, "CONSOLE_TRUSTED_PROXIES", 0, 0)),
        )
