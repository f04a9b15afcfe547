#!/usr/bin/env python3
"""Play whole conversations against the running bot and check what it stored.

Each conversation of tests/conversations/*.yml is sent turn by turn over
Rasa's REST channel (with a fresh sender id) and every reply is checked like a
question of the question set (`expect`, `expect_any`, `forbid`, and the
grounding check: see scripts/ask_questions.py). Then the consultation
database the action server writes to (CONSULTATION_DB_URL, or --db-url) is
read through bot.consultation.store:

- ``stored: none``: no request may exist for this conversation;
- ``stored: {field: value, ...}``: exactly one request, with these values,
  consent recorded, status ``new``, and its reference number shown to the
  worker in one of the replies.

Every conversation must pass. Usage:
  python scripts/run_conversations.py [--url URL] [--db-url URL] [--file FILE ...] [--verbose]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from ask_questions import (  # noqa: E402
    DEFAULT_URL,
    Grounding,
    Question,
    _turn,
    describe_failure,
    run_question,
)
from bot.consultation import config  # noqa: E402
from bot.consultation.store import ConsultationStore, StoredRequest  # noqa: E402

DEFAULT_FILES = sorted((ROOT / "tests" / "conversations").glob("*.yml"))
STORED_FIELDS = {"topic", "description", "prefecture", "industry", "contact_method", "contact_value", "channel"}


def load(path: Path) -> List[Dict[str, Any]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = doc.get("conversations")
    if not isinstance(items, list) or not items:
        raise ValueError(f"{path}: expected a non-empty 'conversations' list")
    conversations = []
    for n, item in enumerate(items, 1):
        cid = item.get("id") or f"{path.stem}#{n}"
        turns = tuple(_turn(t, f"{cid} turn {i}") for i, t in enumerate(item.get("turns") or [], 1))
        if not turns:
            raise ValueError(f"{cid}: no turns")
        stored = item.get("stored", "none")
        if stored != "none" and not (isinstance(stored, dict) and set(stored) <= STORED_FIELDS):
            raise ValueError(f"{cid}: 'stored' must be none or a mapping of {sorted(STORED_FIELDS)}")
        conversations.append({"id": cid, "question": Question(cid, turns), "stored": stored})
    return conversations


def check_store(store: ConsultationStore, sender: str, expected: Any, replies: str) -> List[str]:
    """Problems with what the conversation left in the database (empty: as expected)."""
    rows: List[StoredRequest] = [r for r in store.list(limit=500) if r.conversation_id == sender]
    if expected == "none":
        return [f"expected nothing stored, found {len(rows)} request(s)"] if rows else []
    if len(rows) != 1:
        return [f"expected one stored request, found {len(rows)}"]
    row = rows[0]
    problems = [
        f"{name}: stored {getattr(row, name)!r}, expected {value!r}"
        for name, value in expected.items()
        if getattr(row, name) != value
    ]
    if row.consent is not True or row.consented_at is None:
        problems.append("consent not recorded")
    if row.status != "new":
        problems.append(f"status {row.status!r}, expected 'new'")
    if row.reference not in replies:
        problems.append(f"reference number {row.reference} never shown to the worker")
    return problems


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--db-url", default=None, help="consultation database (default: CONSULTATION_DB_URL)")
    parser.add_argument("--file", type=Path, nargs="+", default=DEFAULT_FILES)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    conversations = [c for path in args.file for c in load(path)]
    store = ConsultationStore.from_url(args.db_url or config.database_url())
    grounding = Grounding.from_project()
    failed = 0
    for conversation in conversations:
        result = run_question(conversation["question"], args.url, args.timeout, grounding)
        replies = "\n".join(t.reply for t in result.turns)
        problems = check_store(store, result.sender, conversation["stored"], replies)
        ok = result.passed and not problems
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {conversation['id']}")
        if not result.passed:
            print(describe_failure(result))
        for problem in problems:
            print(f"     database: {problem}")
        if args.verbose and ok:
            for turn in result.turns:
                print(f"     > {turn.ask}\n     < " + turn.reply.replace("\n", "\n       "))
    print(f"{len(conversations) - failed}/{len(conversations)} conversations as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
