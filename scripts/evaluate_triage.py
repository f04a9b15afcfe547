#!/usr/bin/env python3
"""Topic accuracy of triage on held-out problem descriptions.

Loads the trained model in-process (no servers), parses every message of
tests/triage/problems_blind.yml (the blind set: written without reading the
training data or the other set, and never used to choose training data) and
tests/triage/problems_dev.yml (written blind too, but its misses were read to
improve the data, so it is a development set; see the headers), and compares
the topic the bot would answer with the label:

- **topic accuracy**: the message's intent is ``problem_<label>``, i.e. the
  guidance the worker gets first is the right one;
- **clarified**: how often triage hesitates and asks one clarifying question
  (actions/guidance.py ``unsure_between``, also after a low-confidence
  fallback), and how often the right topic is among the offered buttons;
- every miss, with what was predicted, so data can be improved by topic
  (never by copying these messages into data/nlu: check_heldout_overlap.py
  fails on that).

With ``--file`` it evaluates that one set instead, e.g. the Japanese blind set
tests/triage_ja/problems_blind_ja.yml (issue 6), in the same format under its own
title ("Triage (Japanese): ...", or ``--title``) and its own docs markers.

Prints markdown; ``--docs`` also writes it into docs/benchmarks.md between the
``benchmark:triage`` markers (``benchmark:triage-ja`` for the Japanese set,
``benchmark:triage-<file stem>`` for another ``--file``). Exit 1 when accuracy on the
blind set (with ``--file``: on that set) is below ``--min``.

Usage: python scripts/evaluate_triage.py [--model models/rengo.tar.gz] [--min 0.9] [--docs]
                                         [--file tests/triage_ja/problems_blind_ja.yml] [--title TITLE]
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import platform
import sys
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "scripts"))

from actions.guidance import topic_of, topic_ranking, unsure_between  # noqa: E402
from docs_section import write_section  # noqa: E402

BLIND = ROOT / "tests" / "triage" / "problems_blind.yml"
DEV = ROOT / "tests" / "triage" / "problems_dev.yml"
JA_BLIND = ROOT / "tests" / "triage_ja" / "problems_blind_ja.yml"
DOCS = ROOT / "docs" / "benchmarks.md"
TITLE = "Triage: topic of a described problem"
JA_TITLE = "Triage (Japanese): topic of a described problem"
MARK_START = "<!-- benchmark:triage:start -->"
MARK_END = "<!-- benchmark:triage:end -->"


def _markers(key: str) -> Tuple[str, str]:
    return f"<!-- benchmark:{key}:start -->", f"<!-- benchmark:{key}:end -->"


def _is_japanese(path: Path) -> bool:
    """The Japanese sets live in tests/triage_ja and their file names end in _ja."""
    path = path.resolve()
    return path == JA_BLIND.resolve() or path.stem.endswith("_ja") or path.parent.name.endswith("_ja")


def describe_file(path: Path) -> Tuple[str, str, str]:
    """(set name, report title, docs marker key) of a set given with --file."""
    kind = "blind set" if "blind" in path.stem else "set"
    if _is_japanese(path):
        return f"Japanese {kind}", JA_TITLE, "triage-ja"
    return kind, f"{TITLE} ({path.stem})", f"triage-{path.stem}"


def load_messages(path: Path) -> List[Tuple[str, str]]:
    """(text, topic) pairs from a Rasa NLU file whose intents are ``problem_<topic>``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        topic = topic_of(block["intent"])
        if topic is None:
            raise SystemExit(f"{path}: intent {block['intent']!r} is not a problem topic")
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), topic))
    return pairs


async def parse_all(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def evaluate(pairs: List[Tuple[str, str]], parses: List[Dict[str, Any]]) -> Dict[str, Any]:
    correct, asked, asked_right = 0, 0, 0
    misses: List[Tuple[str, str, str]] = []
    per_topic: Dict[str, List[int]] = collections.defaultdict(lambda: [0, 0])
    for (text, label), parse in zip(pairs, parses):
        intent = (parse.get("intent") or {}).get("name") or ""
        ranking = topic_ranking(parse)
        candidates = unsure_between(ranking)
        per_topic[label][1] += 1
        if topic_of(intent) == label:
            correct += 1
            per_topic[label][0] += 1
        else:
            misses.append((text, label, intent))
        if candidates:
            asked += 1
            asked_right += label in candidates
    return {
        "total": len(pairs),
        "correct": correct,
        "asked": asked,
        "asked_right": asked_right,
        "misses": misses,
        "per_topic": dict(per_topic),
    }


def markdown(results: List[Tuple[str, Path, Dict[str, Any]]], model: Path, title: str = TITLE,
             markers: Tuple[str, str] = (MARK_START, MARK_END), options: str = "") -> str:
    """One section for docs/benchmarks.md: a summary row per set, then each set's topics and misses."""
    lines = [
        markers[0],
        f"## {title}",
        "",
        f"Command: `.venv/bin/python scripts/evaluate_triage.py{options} --docs` (model `{_shown(model)}`). The first answer "
        "to a described problem is the guidance of the predicted topic; it counts as right when that is the "
        "labelled topic. The 90% target applies to the blind set. How each set was made, and every earlier "
        "run on the blind set, are in the header of its file.",
        "",
        "| set | topic accuracy | clarifying question asked | right topic among its buttons |",
        "|---|---|---|---|",
    ]
    for name, path, r in results:
        lines.append(
            f"| {name} (`{_shown(path)}`, {r['total']} messages) | {r['correct']}/{r['total']} = "
            f"{r['correct'] / r['total']:.1%} | {r['asked']}/{r['total']} | {r['asked_right']}/{r['asked']} |"
        )
    for name, _, r in results:
        lines += ["", f"### {name}: by topic", "", "| topic | right |", "|---|---|"]
        lines += [f"| {topic} | {right}/{count} |" for topic, (right, count) in sorted(r["per_topic"].items())]
        lines += ["", "Misses (message, label, predicted intent):", ""]
        lines += [f"- \"{text}\": {label} -> {intent}" for text, label, intent in r["misses"]] or ["- none"]
    lines += [
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs.",
        markers[1],
    ]
    return "\n".join(lines)


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "rengo.tar.gz")
    parser.add_argument("--blind", type=Path, default=BLIND)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--file", type=Path,
                        help="evaluate only this set (the bar applies to it) instead of --blind and --dev, "
                             "e.g. tests/triage_ja/problems_blind_ja.yml")
    parser.add_argument("--title", help=f"title of the report (default {TITLE!r}; with --file "
                                        f"{JA_TITLE!r} for a Japanese set, else the file's name added)")
    parser.add_argument("--min", type=float, default=0.9, help="required accuracy on the blind set (default 0.9)")
    parser.add_argument("--docs", action="store_true", help="write the result into docs/benchmarks.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's own debug lines would print every message
    if args.file:
        name, title, key = describe_file(args.file)
        sets = [(name, args.file)]
        markers = _markers(key)
        options = f" --file {_shown(args.file)}"
    else:
        sets = [("blind set", args.blind), ("development set", args.dev)]
        title, markers, options = TITLE, (MARK_START, MARK_END), ""
    title = args.title or title
    loaded = [(name, path, load_messages(path)) for name, path in sets]
    for _, path, pairs in loaded:
        if not pairs:
            raise SystemExit(f"{path}: no examples")
    texts = [text for _, _, pairs in loaded for text, _ in pairs]
    print(f"parsing {len(texts)} problem descriptions with {args.model} ...", file=sys.stderr)
    parses = iter(asyncio.run(parse_all(args.model, texts)))
    results = [(name, path, evaluate(pairs, [next(parses) for _ in pairs])) for name, path, pairs in loaded]
    section = markdown(results, args.model, title, markers, options)
    print(section)
    if args.docs:
        write_section(DOCS, markers[0], markers[1], section)
    name, _, blind = results[0]
    accuracy = blind["correct"] / blind["total"]
    print(f"triage topic accuracy on the {name}: {accuracy:.3f} (bar {args.min})", file=sys.stderr)
    return 0 if accuracy >= args.min else 1


if __name__ == "__main__":
    raise SystemExit(main())
