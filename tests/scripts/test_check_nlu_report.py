"""Tests for scripts/check_nlu_report.py on reports shaped like `rasa test nlu` writes them."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_nlu_report.py"
_spec = importlib.util.spec_from_file_location("check_nlu_report", SCRIPT)
check_nlu_report = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_nlu_report", check_nlu_report)
_spec.loader.exec_module(check_nlu_report)


def report(folder: Path, weighted: float, **intents: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {name: {"precision": f1, "recall": f1, "f1-score": f1, "support": 10,
                   "confused_with": {}} for name, f1 in intents.items()}
    data.update({"accuracy": weighted,
                 "macro avg": {"precision": 0.5, "recall": 0.5, "f1-score": 0.5, "support": 20},
                 "weighted avg": {"precision": weighted, "recall": weighted,
                                  "f1-score": weighted, "support": 20}})
    path = folder / "intent_report.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def reports(tmp_path: Path) -> tuple[Path, Path]:
    english = report(tmp_path / "results" / "nlu", 0.97, greet=1.0, problem_union=0.94)
    japanese = report(tmp_path / "results" / "nlu_ja", 0.88, greet=0.95, problem_union=0.80)
    return english, japanese


def test_each_report_is_judged_against_its_own_bar(reports, capsys):
    english, japanese = reports
    assert check_nlu_report.main([str(english), "--min-f1", "0.95"]) == 0
    out = capsys.readouterr().out
    assert "weak intent: problem_union F1=0.940" in out
    assert f"intent F1 (weighted) on held-out examples: 0.970 (bar 0.95; {english})" in out
    assert check_nlu_report.main([str(japanese), "--min-f1", "0.85"]) == 0
    out = capsys.readouterr().out
    assert "weak intent: problem_union F1=0.800" in out and "greet" not in out
    assert "0.880 (bar 0.85; " in out and "nlu_ja" in out
    assert check_nlu_report.main([str(japanese)]) == 1  # default bar 0.95
    assert check_nlu_report.main([str(japanese), "--min-f1", "0.9"]) == 1


def test_report_directory_is_accepted(reports, capsys):
    _, japanese = reports
    assert check_nlu_report.main([str(japanese.parent), "--min-f1", "0.85"]) == 0
    assert str(japanese) in capsys.readouterr().out
