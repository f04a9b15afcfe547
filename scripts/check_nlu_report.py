"""Fail when intent F1 on the held-out NLU set is below the bar.

Works for any `rasa test nlu --out DIR` report, e.g. the English results/nlu (bar 0.95) and
the Japanese results/nlu_ja with its own bar:
  python scripts/check_nlu_report.py results/nlu_ja/intent_report.json --min-f1 0.85
The report may also be given as its directory (results/nlu_ja).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path,
                        help="intent_report.json written by `rasa test nlu`, or its directory")
    parser.add_argument("--min-f1", type=float, default=0.95)
    args = parser.parse_args(argv)
    path = args.report / "intent_report.json" if args.report.is_dir() else args.report
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    f1 = report["weighted avg"]["f1-score"]
    weak = sorted(
        (name, scores["f1-score"])
        for name, scores in report.items()
        if isinstance(scores, dict) and "f1-score" in scores and name not in ("micro avg", "macro avg", "weighted avg")
        and scores["f1-score"] < args.min_f1
    )
    for name, score in weak:
        print(f"   weak intent: {name} F1={score:.3f}")
    print(f"intent F1 (weighted) on held-out examples: {f1:.3f} (bar {args.min_f1}; {path})")
    return 0 if f1 >= args.min_f1 else 1


if __name__ == "__main__":
    sys.exit(main())
