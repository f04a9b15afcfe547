#!/usr/bin/env python3
"""Japanese against English: reply latency over REST, and the held-out figures of each language.

Against a running bot (``scripts/with_servers.sh``), asks the same kinds of questions in
English and in Japanese, one worker at a time (a new conversation every ten questions), and
reports p50/p95 per language: what the Japanese tokenizer, the character matcher of the linker
and the Japanese answers cost. With ``--results DIR`` it also reads the reports `make test`
wrote (results/nlu, results/nlu_ja, results/questions*.json, results/triage*.md) and puts the
quality figures of both languages side by side. Writes its section of docs/benchmarks.md.

Usage:
  scripts/with_servers.sh .venv/bin/python scripts/bench_languages.py --out docs/benchmarks.md
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from benchmark import ask, machine, percentile  # noqa: E402
from docs_section import write_section  # noqa: E402

MARK_START = "<!-- benchmark:languages:start -->"
MARK_END = "<!-- benchmark:languages:end -->"

# The same twelve kinds of question in both languages (knowledge base, guidance, routes).
QUESTIONS = {
    "en": [
        "who is the president of rengo?", "tell me about JAM", "when was rengo founded?",
        "which local is in osaka?", "what are rengo's principles?", "what happened in 2011?",
        "my boss doesn't pay my overtime", "where can I get help with a problem at work?",
        "list the affiliates", "what is UniBo?", "who is the general secretary?",
        "i was fired without notice",
    ],
    "ja": [
        "連合の会長は誰ですか", "JAMについて教えて", "連合はいつ結成されましたか",
        "大阪の地方連合会は", "連合の綱領を教えて", "2011年に何があった？",
        "上司が残業代を払ってくれません", "職場の問題はどこに相談できますか",
        "構成組織の一覧", "UniBoとは何ですか", "事務局長は誰ですか",
        "予告なしに解雇されました",
    ],
}


def latencies(url: str, language: str, count: int) -> List[float]:
    questions = QUESTIONS[language]
    ask(url, f"bench-warmup-{language}", questions[0])
    times: List[float] = []
    sender = ""
    for i in range(count):
        if i % 10 == 0:
            sender = f"bench-{language}-{uuid.uuid4().hex[:8]}"
        times.append(ask(url, sender, questions[i % len(questions)]))
    return times


def _f1(path: Path) -> Optional[str]:
    if not path.exists():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    return f"{report['weighted avg']['f1-score']:.3f}"


def _questions(path: Path) -> Optional[str]:
    if not path.exists():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    return f"{report['passed']}/{report['total']} = {100 * report['score']:.1f}%"


def _triage(path: Path) -> Optional[str]:
    if not path.exists():
        return None
    match = re.search(r"blind set[^|]*\|\s*(\d+/\d+ = [\d.]+%)", path.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def quality(results: Path) -> List[tuple]:
    rows = [
        ("intent F1 (weighted), held-out examples", _f1(results / "nlu" / "intent_report.json"),
         _f1(results / "nlu_ja" / "intent_report.json"), ">= 0.95 / >= 0.93"),
        ("triage, blind problem descriptions", _triage(results / "triage.md"),
         _triage(results / "triage_ja.md"), ">= 90%"),
        ("question set over REST, grounding checked", _questions(results / "questions.json"),
         _questions(results / "questions_ja.json"), ">= 95% / >= 90%"),
    ]
    return [r for r in rows if r[1] or r[2]]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--count", type=int, default=200, help="questions per language")
    parser.add_argument("--results", type=Path, default=ROOT / "results",
                        help="where `make test` left its reports (default results/)")
    parser.add_argument("--out", type=Path, default=None, help="write the section into this file")
    args = parser.parse_args(argv)

    timings: Dict[str, List[float]] = {lang: latencies(args.url, lang, args.count) for lang in ("en", "ja")}
    lines = [
        MARK_START,
        "## Japanese and English",
        "",
        f"Measured {date.today().isoformat()} on {machine()}.",
        "",
        "Command: `scripts/with_servers.sh .venv/bin/python scripts/bench_languages.py --out docs/benchmarks.md`"
        " (after `make test`, whose reports in results/ give the quality figures).",
        "",
        "| measure | English | Japanese | target |",
        "|---|---|---|---|",
    ]
    for label, en, ja, target in quality(args.results):
        lines.append(f"| {label} | {en or 'not run'} | {ja or 'not run'} | {target} |")
    en, ja = timings["en"], timings["ja"]
    lines.append(
        f"| REST latency, 1 user, {args.count} questions: p50 / p95 | "
        f"{1000 * percentile(en, 50):.0f} ms / {1000 * percentile(en, 95):.0f} ms | "
        f"{1000 * percentile(ja, 50):.0f} ms / {1000 * percentile(ja, 95):.0f} ms | p95 <= 150 ms |"
    )
    lines += [
        "",
        "The Japanese held-out sets (tests/nlu_ja, tests/triage_ja, tests/questions_ja) were written",
        "by people who had not seen the Japanese training data; examples of the training data that",
        "equalled or nearly equalled a held-out one were removed (scripts/check_heldout_overlap.py).",
        "Latency questions are the same twelve kinds in each language, asked one at a time, a new",
        "conversation every ten questions (SQLite tracker store).",
        MARK_END,
    ]
    section = "\n".join(lines)
    print(section)
    if args.out:
        write_section(args.out, MARK_START, MARK_END, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
