#!/usr/bin/env python3
"""Fail when the held-out NLU test sets leak into the training data.

A held-out example that also appears in the training data (all of data/nlu/**/*.yml,
the Japanese data/nlu/ja/ included once it exists) measures memorisation, not
generalisation. Examples are compared after NFKC folding (ＪＡＭ = JAM, ﾊﾟﾜﾊﾗ = パワハラ),
lowercasing and dropping entity markup; English ones with punctuation read as spaces,
Japanese ones (any Japanese letter) with every space and punctuation mark stripped, as
Japanese is written without spaces ("残業代 が、払われない！" = "残業代が払われない").
Near-duplicates (difflib ratio at or above --near, default 0.9) are reported as well and
also fail, since a one-letter difference teaches the classifier the same sentence.

The held-out sets are the English tests/nlu and tests/triage and the Japanese
tests/nlu_ja and tests/triage_ja; a held-out folder that does not exist is skipped
with a note, as is a training folder.

Exit status: 0 when nothing overlaps, 1 on an overlap (or nothing to compare), 2 when a
file cannot be read.

Usage: python scripts/check_heldout_overlap.py [--train data/nlu ...]
                                               [--heldout tests/nlu tests/triage tests/nlu_ja tests/triage_ja]
                                               [--near 0.9]
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.normalize import JAPANESE_LETTER  # noqa: E402

# Rasa's inline entity markup: [text](entity) or [text]{"entity": ...}
ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
DEFAULT_HELDOUT = [ROOT / "tests" / "nlu", ROOT / "tests" / "triage",
                   ROOT / "tests" / "nlu_ja", ROOT / "tests" / "triage_ja"]


# Messages shorter than this after normalising ("ok", "no", "はい") are the whole vocabulary
# of their intent, in every language: a held-out "ok" that is also a training example is
# not a leaked example, and dropping it from the training data would only hurt the bot.
MIN_CHARS = 3


def normalise(text: str) -> str:
    """NFKC, lowercase, drop entity markup and punctuation; collapse whitespace, or for
    Japanese text (any Japanese letter) drop spaces and punctuation altogether."""
    text = unicodedata.normalize("NFKC", ENTITY_MARKUP.sub(r"\1", text)).lower()
    if JAPANESE_LETTER.search(text):
        return re.sub(r"[\W_]", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def yaml_files(path: Path) -> list[Path]:
    """The YAML files at or under `path` (none when it does not exist, e.g. data/nlu/ja yet)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file())
    return [path] if path.is_file() else []


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def examples(paths: Iterable[Path]) -> Iterator[tuple[str, str, Path]]:
    """Yield (intent, example text, file) for every intent example in Rasa YAML files."""
    for path in paths:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{_shown(path)}: not valid YAML: {exc}") from exc
        if not isinstance(doc, dict):
            continue
        for block in doc.get("nlu") or []:
            intent = block.get("intent") if isinstance(block, dict) else None
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
    parser.add_argument("--train", type=Path, nargs="+", default=[ROOT / "data" / "nlu"],
                        help="training data folders or files (default data/nlu, with data/nlu/ja)")
    parser.add_argument("--heldout", type=Path, nargs="+", default=DEFAULT_HELDOUT,
                        help="held-out folders or files (default tests/nlu tests/triage "
                             "tests/nlu_ja tests/triage_ja)")
    parser.add_argument("--near", type=float, default=0.9,
                        help="difflib ratio at or above which two examples count as near-duplicates "
                             "(0 disables; only examples of 12+ characters are compared)")
    args = parser.parse_args(argv)

    for path in [*args.train, *args.heldout]:
        if not path.exists():
            print(f"note: {_shown(path)} does not exist; skipped")
    train = {}
    heldout = []
    try:
        for intent, text, path in examples(p for folder in args.train for p in yaml_files(folder)):
            key = normalise(text)
            if key:
                train.setdefault(key, (intent, text, path))
        for folder in args.heldout:
            found = list(examples(yaml_files(folder)))
            if folder.exists():
                print(f"{_shown(folder)}: {len(found)} held-out examples")
            heldout += found
    except (OSError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    if not train or not heldout:
        print(f"nothing to compare: {len(train)} training, {len(heldout)} held-out examples")
        return 1

    exact, near = [], []
    long_train = [t for t in train if len(t) >= 12]
    for intent, text, _ in heldout:
        key = normalise(text)
        if len(key) < MIN_CHARS:
            continue
        if key in train:
            exact.append((intent, text, train[key]))
            continue
        if args.near > 0 and len(key) >= 12:
            for other in difflib.get_close_matches(key, long_train, n=1, cutoff=args.near):
                near.append((intent, text, train[other]))

    for label, found in (("exact", exact), ("near-duplicate", near)):
        for intent, text, (t_intent, t_text, t_path) in found:
            print(f"{label}: held-out {intent!s:28} {text!r}\n"
                  f"{'':{len(label) + 2}}training {t_intent!s:28} {t_text!r} ({_shown(t_path)})")
    print(f"{len(heldout)} held-out vs {len(train)} distinct training examples: "
          f"{len(exact)} exact, {len(near)} near-duplicate")
    return 1 if exact or near else 0


if __name__ == "__main__":
    sys.exit(main())
