"""The console's command line, run as an operator runs it (a subprocess, settings from the environment)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tracker_data
from bot.console.audit import AuditLog
from bot.console.config import ConsoleSettings
from bot.console.filters import ConversationFilter
from bot.console.services import Console

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path):
    environment = dict(os.environ)
    environment.update(
        CONSOLE_DB_URL=f"sqlite:///{tmp_path / 'console.db'}",
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        CONSULTATION_DB_URL=f"sqlite:///{tmp_path / 'consultations.db'}",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    return environment


def cli(env, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.console", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=ROOT, timeout=120)


def audit_actions(env) -> list:
    console = Console.from_settings(ConsoleSettings.from_env(env))
    try:
        return [(e.action, e.target) for e in AuditLog(console.engine).list()]
    finally:
        console.dispose()


def test_accounts_are_managed_from_the_command_line(env):
    added = cli(env, "users", "add", "Alice", "--role", "admin", "--password-stdin", stdin="a long enough password\n")
    assert added.returncode == 0 and "created admin account alice" in added.stdout
    assert cli(env, "users", "role", "alice", "reviewer").returncode == 1  # the last admin stays an admin
    cli(env, "users", "add", "bob", "--role", "reviewer", "--password-stdin", stdin="another long password\n")
    assert cli(env, "users", "deactivate", "bob").returncode == 0
    listing = cli(env, "users", "list").stdout
    assert "alice" in listing and "admin" in listing and "deactivated" in listing
    assert ("user_create", "alice") in audit_actions(env) and ("user_active", "bob") in audit_actions(env)


@pytest.mark.parametrize("args, stdin, message", [
    (["users", "add", "carol", "--role", "boss", "--password-stdin"], "a long enough password\n", "invalid choice"),
    (["users", "add", "carol", "--role", "reviewer", "--password-stdin"], "short\n", "at least 12"),
    (["users", "password", "nobody", "--password-stdin"], "a long enough password\n", "no user"),
    (["purge", "--older-than-days", "0"], "", "at least 1"),
])
def test_bad_input_gets_a_clear_error_and_changes_nothing(env, args, stdin, message):
    result = cli(env, *args, stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr
    assert "carol" not in cli(env, "users", "list").stdout


def test_sync_and_the_retention_purge(env):
    tracker_data.write(env["TRACKER_STORE_URL"], tracker_data.sample_conversations())
    synced = cli(env, "sync")
    assert synced.returncode == 0 and "indexed 5 conversations" in synced.stdout
    kept = cli(env, "purge", "--older-than-days", "3650")
    assert "purged 0 conversations" in kept.stdout
    # the sample conversations are from 2026-11-20: a one-day retention period removes them all
    purged = cli(env, "purge", "--older-than-days", "1")
    assert purged.returncode == 0 and "purged 5 conversations" in purged.stdout
    console = Console.from_settings(ConsoleSettings.from_env(env))
    try:
        assert all(console.tracker.conversation(sender) == [] for sender in tracker_data.sample_conversations())
        assert console.index.count(ConversationFilter()) == 0
    finally:
        console.dispose()
    assert [a for a, _ in audit_actions(env)].count("purge") == 2
