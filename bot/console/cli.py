"""Command line of the staff console.

    python -m bot.console users add NAME --role reviewer|counsellor|admin
    python -m bot.console users list | password NAME | role NAME ROLE | deactivate NAME | activate NAME
    python -m bot.console serve [--host 127.0.0.1] [--port 8080]
    python -m bot.console sync [--full]            # index new conversations now (--full: all again)
    python -m bot.console purge [--older-than-days N]   # the retention period (CONSOLE_RETENTION_DAYS)

Passwords are asked twice without echo, or read from standard input with
``--password-stdin`` (for scripts); never as an argument, where ``ps`` and the
shell history would show them. Account changes and purges made here are in the
audit log under ``cli:<login name>``.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from datetime import timedelta
from typing import List, Optional

from bot.console.accounts import InvalidAccount
from bot.console.config import ConfigurationError, ConsoleSettings
from bot.console.schema import ROLES
from bot.consultation.schema import utc_now


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Same password again: ") != first:
        raise InvalidAccount("The two passwords differ; nothing was changed.")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.console", description="The RENGO bot's staff console.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the console (waitress)")
    serve.add_argument("--host", default=os.environ.get("CONSOLE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "8080")))
    serve.add_argument("--threads", type=int, default=8)

    users = sub.add_parser("users", help="staff accounts")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users_sub.add_parser("list", help="list the accounts")
    password = users_sub.add_parser("password", help="set a new password (ends that account's logins)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    role = users_sub.add_parser("role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    for name in ("activate", "deactivate"):
        users_sub.add_parser(name, help=f"{name} an account").add_argument("username")

    sync = sub.add_parser("sync", help="index conversations added to the tracker store since the last sync")
    sync.add_argument("--full", action="store_true",
                      help="recompute every conversation (after changing the redaction rules or FAILURE_RESPONSES)")
    purge = sub.add_parser("purge", help="delete conversations older than the retention period")
    purge.add_argument("--older-than-days", type=float, default=None,
                       help="default: CONSOLE_RETENTION_DAYS (365)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = ConsoleSettings.from_env()
    except ConfigurationError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(settings, args)

    from bot.console.services import Console

    console = Console.from_settings(settings)
    try:
        if args.command == "users":
            return _users(console, args)
        if args.command == "sync":
            return _sync(console, full=args.full)
        return _purge(console, settings, args)
    except (InvalidAccount, LookupError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    finally:
        console.dispose()


def _serve(settings: ConsoleSettings, args: argparse.Namespace) -> int:
    import waitress

    from bot.console.app import create_app

    app = create_app(settings)
    print(f"==> staff console: http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:{args.port}/")
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="console")
    return 0


def _users(console, args: argparse.Namespace) -> int:
    accounts = console.accounts
    who = _operator()
    if args.action == "list":
        for user in accounts.list_users():
            state = "active" if user.active else "deactivated"
            print(f"{user.username:30} {user.role:11} {state:12} created {user.created_at:%Y-%m-%d}")
        return 0
    if args.action == "add":
        user = accounts.create_user(args.username, _password(args), args.role)
        console.audit.record(username=who, role=None, action="user_create", target=user.username, detail={"role": user.role})
        print(f"created {user.role} account {user.username}")
    elif args.action == "password":
        accounts.set_password(args.username, _password(args))
        console.audit.record(username=who, role=None, action="user_password", target=args.username)
        print(f"new password set for {args.username}; their open logins were ended")
    elif args.action == "role":
        user = accounts.set_role(args.username, args.role)
        console.audit.record(username=who, role=None, action="user_role", target=user.username, detail={"role": user.role})
        print(f"{user.username} is now {user.role}")
    else:
        user = accounts.set_active(args.username, args.action == "activate")
        console.audit.record(username=who, role=None, action="user_active", target=user.username, detail={"active": user.active})
        print(f"{user.username} is now {'active' if user.active else 'deactivated'}")
    return 0


def _progress(label: str):
    def report(done: int, total: int) -> None:
        print(f"\r{label}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    return report


def _sync(console, full: bool = False) -> int:
    result = console.sync(force=True, full=full, progress=_progress("indexing conversations"))
    if result is None:
        print("the tracker store has no conversations yet (start the bot first)")
        return 0
    print(f"\nindexed {result.conversations:,} conversations up to tracker event {result.last_event_id:,}")
    return 0


def _purge(console, settings: ConsoleSettings, args: argparse.Namespace) -> int:
    from bot.console.retention import purge

    days = args.older_than_days if args.older_than_days is not None else settings.retention_days
    if days < 1:
        print("error: --older-than-days must be at least 1", file=sys.stderr)
        return 2
    cutoff = utc_now() - timedelta(days=days)
    console.sync(force=True)
    purged = purge(cutoff, tracker=console.tracker, indexer=console.indexer, consultations=console.consultations,
                   progress=_progress("purging"))
    console.after_sync(purged.conversations)
    # Housekeeping of the console's own tables: ended logins and old failed-login counts.
    console.accounts.purge_sessions()
    console.accounts.purge_attempts()
    console.audit.record(
        username=_operator(), role=None, action="purge", target=f"before {cutoff:%Y-%m-%d}",
        detail={"days": days, "conversations": purged.conversations, "events": purged.events, "requests": purged.requests},
    )
    print(f"\npurged {purged.conversations:,} conversations ({purged.events:,} events) and "
          f"{purged.requests:,} closed consultation requests last changed before {cutoff:%Y-%m-%d %H:%M} UTC")
    return 0
