#!/usr/bin/env python3
"""Recall and false alarms of the urgent-situation detector, as markdown for docs/benchmarks.md.

Runs knowledge.urgent.UrgentDetector over tests/consultation/urgent_messages.yml
and prints: urgent messages detected (by kind, and whether the kind agreed), the
ordinary messages flagged (each with the phrase that fired), the same check over
every NLU example and question of the bot's own data (none of which is urgent),
and the time per message. Exits 1 if any urgent message (of the set or of the
question set) is missed: a miss means a worker in danger gets no emergency numbers.

The message set is a development set (the patterns were tuned to it); its
header records the one run on messages written after the patterns, which is
the fairer estimate for new phrasing.

Usage: python scripts/report_urgent.py [--messages FILE] [--patterns FILE] [--repeat N]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.urgent import KINDS, UrgentDetector, UrgentMatch  # noqa: E402

MESSAGES = ROOT / "tests" / "consultation" / "urgent_messages.yml"
ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Result:
    text: str
    expected: str
    match: Optional[UrgentMatch]

    @property
    def got(self) -> str:
        return self.match.kind if self.match else "none"


def load_messages(path: Path) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """(text, kind) pairs of the urgent and the ordinary half."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    halves = []
    for half in ("urgent", "ordinary"):
        halves.append([(str(m["text"]), str(m.get("kind", "none"))) for m in doc.get(half) or []])
    return halves[0], halves[1]


def bot_texts() -> List[Tuple[str, bool]]:
    """(text, expected urgent) for every NLU example and question-set turn of the bot itself.

    A question-set turn is expected urgent when its reply must contain the emergency
    number 119; NLU examples are expected urgent only under an intent named for it.
    """
    texts: List[Tuple[str, bool]] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) + sorted((ROOT / "tests" / "nlu").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            urgent = bool(re.search(r"urgent|crisis|emergency", str(block.get("intent", ""))))
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append((ENTITY_MARKUP.sub(r"\1", line[2:]), urgent))
    questions = ROOT / "tests" / "questions" / "questions.yml"
    if questions.exists():
        doc = yaml.safe_load(questions.read_text(encoding="utf-8")) or {}
        for question in doc.get("questions") or []:
            for turn in question.get("conversation") or [question]:
                if turn.get("ask"):
                    texts.append((str(turn["ask"]), "119" in (turn.get("expect") or [])))
    return texts


def run(detector: UrgentDetector, pairs: Iterable[Tuple[str, str]]) -> List[Result]:
    return [Result(text, kind, detector.detect(text)) for text, kind in pairs]


def timing(detector: UrgentDetector, texts: Sequence[str], repeat: int) -> Tuple[float, float]:
    """Mean and p95 microseconds per message, the pattern file already loaded."""
    detector.detect("warm up")
    samples: List[float] = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            detector.detect(text)
            samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return statistics.fmean(samples), samples[int(0.95 * (len(samples) - 1))]


def _shown(path: Path) -> Path:
    resolved = path.resolve()
    return resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else path


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=Path, default=MESSAGES)
    parser.add_argument("--patterns", type=Path, default=None, help="default: knowledge/curated/urgent_patterns.yml")
    parser.add_argument("--repeat", type=int, default=20, help="timing passes over all messages")
    args = parser.parse_args(argv)

    detector = UrgentDetector(args.patterns)
    urgent_pairs, ordinary_pairs = load_messages(args.messages)
    urgent = run(detector, urgent_pairs)
    ordinary = run(detector, ordinary_pairs)
    corpus = bot_texts()
    corpus_urgent = [t for t, urgent in corpus if urgent]
    corpus_missed = [t for t in corpus_urgent if detector.detect(t) is None]
    corpus_ordinary = [t for t, urgent in corpus if not urgent]
    corpus_flags = [(t, m) for t in corpus_ordinary if (m := detector.detect(t))]
    mean_us, p95_us = timing(detector, [t for t, _ in urgent_pairs + ordinary_pairs], args.repeat)

    missed = [r for r in urgent if r.match is None]
    other_kind = [r for r in urgent if r.match and r.got != r.expected]
    false_alarms = [r for r in ordinary if r.match]

    print("## Urgent-situation detector: recall and false alarms\n")
    print("Command: `.venv/bin/python scripts/report_urgent.py`; "
          f"messages `{_shown(args.messages)}` (development set, see its header)\n")
    print("| measure | result | target |")
    print("|---|---|---|")
    n = len(urgent)
    print(f"| urgent messages detected (recall) | {n - len(missed)}/{n} = {100 * (n - len(missed)) / max(n, 1):.1f}% | 100% |")
    print(f"| detected with the labelled kind | {n - len(missed) - len(other_kind)}/{n - len(missed)} | |")
    m = len(ordinary)
    print(f"| ordinary messages flagged (false alarms) | {len(false_alarms)}/{m} = {100 * len(false_alarms) / max(m, 1):.1f}% | <= 10% |")
    print(f"| bot's own urgent questions (reply must give 119) detected | "
          f"{len(corpus_urgent) - len(corpus_missed)}/{len(corpus_urgent)} | 100% |")
    print(f"| bot's own other NLU examples and questions flagged | {len(corpus_flags)}/{len(corpus_ordinary)} | |")
    print(f"| time per message, mean / p95 ({len(urgent_pairs) + len(ordinary_pairs)} messages x {args.repeat}) "
          f"| {mean_us / 1000:.3f} ms / {p95_us / 1000:.3f} ms | < 1 ms |")
    print()
    print("| kind | messages | detected | same kind |")
    print("|---|---|---|---|")
    for kind in KINDS:
        rows = [r for r in urgent if r.expected == kind]
        print(f"| {kind} | {len(rows)} | {sum(1 for r in rows if r.match)} | {sum(1 for r in rows if r.got == kind)} |")
    print(f"\nMissed urgent messages: {len(missed) or 'none'}")
    for r in missed:
        print(f"- ({r.expected}) {r.text}")
    print(f"\nDetected with another kind: {len(other_kind) or 'none'}")
    for r in other_kind:
        print(f"- labelled {r.expected}, detected {r.got} on \"{r.match.phrase}\": {r.text}")  # type: ignore[union-attr]
    print(f"\nFalse alarms on ordinary messages: {len(false_alarms) or 'none'}")
    for r in false_alarms:
        print(f"- {r.got} on \"{r.match.phrase}\": {r.text}")  # type: ignore[union-attr]
    print(f"\nMissed urgent questions of the bot's question set: {len(corpus_missed) or 'none'}")
    for text in corpus_missed:
        print(f"- {text}")
    print(f"\nFalse alarms on the bot's other NLU examples and questions: {len(corpus_flags) or 'none'}")
    for text, match in corpus_flags:
        print(f"- {match.kind} on \"{match.phrase}\": {text}")
    return 1 if missed or corpus_missed else 0


if __name__ == "__main__":
    sys.exit(main())
