"""Fail when intent F1 on the held-out NLU set is below the bar."""
from __future__ import annotations

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", help="intent_report.json written by `rasa test nlu`")
    parser.add_argument("--min-f1", type=float, default=0.95)
    args = parser.parse_args()
    with open(args.report, encoding="utf-8") as handle:
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
    print(f"intent F1 (weighted) on held-out examples: {f1:.3f} (bar {args.min_f1})")
    return 0 if f1 >= args.min_f1 else 1


if __name__ == "__main__":
    sys.exit(main())
