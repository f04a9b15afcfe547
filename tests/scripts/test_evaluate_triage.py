"""Tests for scripts/evaluate_triage.py with the model replaced by canned parses (no Rasa model)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "evaluate_triage.py"
_spec = importlib.util.spec_from_file_location("evaluate_triage", SCRIPT)
evaluate_triage = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("evaluate_triage", evaluate_triage)
_spec.loader.exec_module(evaluate_triage)

JA_SET = """\
version: "3.1"
nlu:
- intent: problem_unpaid_wages
  examples: |
    - 残業代が払われない
    - 給料が遅れてる
- intent: problem_dismissal
  examples: |
    - 明日から来なくていいと言われた
"""

# What the fake model predicts for each message: (intent, ranking of problem intents).
PREDICTIONS = {
    "残業代が払われない": ("problem_unpaid_wages", [("problem_unpaid_wages", 0.9)]),
    "給料が遅れてる": ("problem_working_hours", [("problem_working_hours", 0.45),
                                            ("problem_unpaid_wages", 0.40)]),
    "明日から来なくていいと言われた": ("problem_dismissal", [("problem_dismissal", 0.95)]),
}


@pytest.fixture
def fake_model(monkeypatch):
    seen: list[str] = []

    async def parse_all(model, texts):
        seen.extend(texts)
        parses = []
        for text in texts:
            intent, ranking = PREDICTIONS.get(text, ("problem_union", [("problem_union", 0.99)]))
            parses.append({"text": text, "intent": {"name": intent, "confidence": ranking[0][1]},
                           "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]})
        return parses

    monkeypatch.setattr(evaluate_triage, "parse_all", parse_all)
    return seen


@pytest.fixture
def ja_file(tmp_path) -> Path:
    folder = tmp_path / "triage_ja"
    folder.mkdir()
    path = folder / "problems_blind_ja.yml"
    path.write_text(JA_SET, encoding="utf-8")
    return path


def test_file_evaluates_only_that_set_under_its_own_title(fake_model, ja_file, capsys):
    code = evaluate_triage.main(["--file", str(ja_file), "--min", "0.6"])
    out, err = capsys.readouterr()
    assert code == 0
    assert fake_model == ["残業代が払われない", "給料が遅れてる", "明日から来なくていいと言われた"]
    assert "## Triage (Japanese): topic of a described problem" in out
    assert "## Triage: topic of a described problem\n" not in out
    assert "<!-- benchmark:triage-ja:start -->" in out and "<!-- benchmark:triage-ja:end -->" in out
    assert f"| Japanese blind set (`{ja_file}`, 3 messages) | 2/3 = 66.7% | 1/3 | 1/1 |" in out
    assert "### Japanese blind set: by topic" in out and "| unpaid_wages | 1/2 |" in out
    assert '- "給料が遅れてる": unpaid_wages -> problem_working_hours' in out
    assert "development set" not in out
    assert f"scripts/evaluate_triage.py --file {ja_file} --docs" in out
    assert "triage topic accuracy on the Japanese blind set: 0.667 (bar 0.6)" in err
    assert evaluate_triage.main(["--file", str(ja_file), "--min", "0.7"]) == 1


def test_title_can_be_given(fake_model, ja_file, capsys):
    evaluate_triage.main(["--file", str(ja_file), "--title", "Triage, 日本語"])
    assert "## Triage, 日本語\n" in capsys.readouterr().out


def test_other_file_gets_a_title_naming_it(fake_model, tmp_path, capsys):
    path = tmp_path / "extra_problems.yml"
    path.write_text(JA_SET, encoding="utf-8")
    evaluate_triage.main(["--file", str(path)])
    out = capsys.readouterr().out
    assert "## Triage: topic of a described problem (extra_problems)" in out
    assert "<!-- benchmark:triage-extra_problems:start -->" in out and "| set (" in out


def test_docs_writes_the_japanese_section_beside_the_english_one(fake_model, ja_file, tmp_path,
                                                               monkeypatch, capsys):
    docs = tmp_path / "benchmarks.md"
    english = "<!-- benchmark:triage:start -->\n## Triage: topic of a described problem\nold\n" \
              "<!-- benchmark:triage:end -->\n"
    docs.write_text("# Benchmarks\n\n" + english, encoding="utf-8")
    monkeypatch.setattr(evaluate_triage, "DOCS", docs)
    evaluate_triage.main(["--file", str(ja_file), "--docs"])
    evaluate_triage.main(["--file", str(ja_file), "--docs"])  # replaced, not appended twice
    text = docs.read_text(encoding="utf-8")
    assert english in text
    assert text.count("## Triage (Japanese): topic of a described problem") == 1


def test_default_still_evaluates_the_english_blind_and_development_sets(fake_model, capsys):
    code = evaluate_triage.main([])
    out, err = capsys.readouterr()
    assert "## Triage: topic of a described problem\n" in out
    assert "<!-- benchmark:triage:start -->" in out
    assert "| blind set (`tests/triage/problems_blind.yml`" in out
    assert "| development set (`tests/triage/problems_dev.yml`" in out
    assert "Japanese" not in out
    assert "scripts/evaluate_triage.py --docs`" in out
    assert "triage topic accuracy on the blind set:" in err
    assert code == 1  # the fake model says "union" to every English message


def test_empty_set_is_an_error(fake_model, tmp_path):
    path = tmp_path / "empty_ja.yml"
    path.write_text("nlu:\n- intent: problem_union\n  examples: |\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no examples"):
        evaluate_triage.main(["--file", str(path)])


def test_project_japanese_blind_set_loads():
    pairs = evaluate_triage.load_messages(evaluate_triage.JA_BLIND)
    assert len(pairs) >= 120 and len({topic for _, topic in pairs}) == 11
    assert evaluate_triage.describe_file(evaluate_triage.JA_BLIND)[:2] == (
        "Japanese blind set", evaluate_triage.JA_TITLE)
