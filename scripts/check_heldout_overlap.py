#!/usr/bin/env python3
"""Fail when the held-out NLU test set leaks into the training data.

A held-out example that also appears in data/nlu (after lowercasing and stripping
punctuation) measures memorisation, not generalisation. Near-duplicates (difflib
ratio at or above --near, default 0.9) are reported as well and also fail, since a
one-letter difference teaches the classifier the same sentence.

Usage: python scripts/check_heldout_overlap.py [--train data/nlu] [--heldout tests/nlu tests/triage]
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from typing import Iterable, Iterator

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Rasa's inline entity markup: [text](entity) or [text]{"entity": ...}
ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """Lowercase, drop entity markup and punctuation, collapse whitespace."""
    text = ENTITY_MARKUP.sub(r"\1", text).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"})
    return [path]


def examples(paths: Iterable[Path]) -> Iterator[tuple[str, str, Path]]:
    """Yield (intent, example text, file) for every intent example in Rasa YAML files."""
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue
            raw = block.get("examples") or ""
            items = raw.splitlines() if isinstance(raw, str) else [
                e.get("text", "") if isinstance(e, dict) else str(e) for e in raw
            ]
            for line in items:
                line = line.strip()
                if line.startswith("- "):
                    line = line[2:]
                if line:
                    yield intent, line, path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--heldout", type=Path, nargs="+",
                        default=[ROOT / "tests" / "nlu", ROOT / "tests" / "triage"])
    parser.add_argument("--near", type=float, default=0.9,
                        help="difflib ratio at or above which two examples count as near-duplicates "
                             "(0 disables; only examples of 12+ characters are compared)")
    args = parser.parse_args(argv)

    train = {}
    for intent, text, path in examples(yaml_files(args.train)):
        train.setdefault(normalise(text), (intent, text, path))
    heldout = list(examples(p for folder in args.heldout for p in yaml_files(folder)))
    if not train or not heldout:
        print(f"nothing to compare: {len(train)} training, {len(heldout)} held-out examples")
        return 1

    exact, near = [], []
    long_train = [t for t in train if len(t) >= 12]
    for intent, text, _ in heldout:
        key = normalise(text)
        if key in train:
            exact.append((intent, text, train[key]))
            continue
        if args.near > 0 and len(key) >= 12:
            for other in difflib.get_close_matches(key, long_train, n=1, cutoff=args.near):
                near.append((intent, text, train[other]))

    for label, found in (("exact", exact), ("near-duplicate", near)):
        for intent, text, (t_intent, t_text, t_path) in found:
            print(f"{label}: held-out {intent!s:28} {text!r}\n"
                  f"{'':{len(label) + 2}}training {t_intent!s:28} {t_text!r} ({t_path.name})")
    print(f"{len(heldout)} held-out vs {len(train)} distinct training examples: "
          f"{len(exact)} exact, {len(near)} near-duplicate")
    return 1 if exact or near else 0


if __name__ == "__main__":
    sys.exit(main())
