"""Tests for scripts/check_heldout_overlap.py on temporary training and held-out files."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_heldout_overlap.py"
_spec = importlib.util.spec_from_file_location("check_heldout_overlap", SCRIPT)
overlap = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_heldout_overlap", overlap)
_spec.loader.exec_module(overlap)


def nlu(intent: str, *examples: str) -> str:
    lines = "".join(f"    - {e}\n" for e in examples)
    return f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n{lines}'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """data/nlu with English data only (no ja/ yet) and English + Japanese held-out folders."""
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "problems.yml").write_text(
        nlu("problem_unpaid_wages", "my boss did not pay my overtime", "Hello, there!"),
        encoding="utf-8")
    for folder in ("nlu", "triage", "nlu_ja", "triage_ja"):
        (tmp_path / "tests" / folder).mkdir(parents=True)
    (tmp_path / "tests" / "nlu" / "heldout.yml").write_text(
        nlu("greet", "good morning"), encoding="utf-8")
    (tmp_path / "tests" / "triage" / "blind.yml").write_text(
        nlu("problem_dismissal", "they fired me yesterday"), encoding="utf-8")
    (tmp_path / "tests" / "nlu_ja" / "heldout_ja.yml").write_text(
        nlu("problem_unpaid_wages", "残業代 が、払われない！", "[芳野](person)会長について"),
        encoding="utf-8")
    (tmp_path / "tests" / "triage_ja" / "blind_ja.yml").write_text(
        nlu("problem_harassment", "ﾊﾟﾜﾊﾗがひどくて毎日つらい"), encoding="utf-8")
    return tmp_path


def run(capsys, tree: Path, *extra: str, train: list[str] | None = None) -> tuple[int, str]:
    train = train or [str(tree / "data" / "nlu")]
    heldout = [str(tree / "tests" / f) for f in ("nlu", "triage", "nlu_ja", "triage_ja")]
    code = overlap.main(["--train", *train, "--heldout", *heldout, *extra])
    return code, capsys.readouterr().out


def write_ja(tree: Path, name: str, text: str) -> Path:
    folder = tree / "data" / "nlu" / "ja"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_heldout_includes_the_japanese_sets():
    names = [p.relative_to(overlap.ROOT).as_posix() for p in overlap.DEFAULT_HELDOUT]
    assert names == ["tests/nlu", "tests/triage", "tests/nlu_ja", "tests/triage_ja"]


def test_without_japanese_training_data_yet(tree, capsys):
    code, out = run(capsys, tree)
    assert code == 0
    assert f"{tree}/tests/nlu_ja: 2 held-out examples" in out
    assert f"{tree}/tests/triage_ja: 1 held-out examples" in out
    assert "5 held-out vs 2 distinct training examples: 0 exact, 0 near-duplicate" in out


def test_missing_heldout_or_training_folder_is_skipped(tree, capsys):
    code, out = run(capsys, tree, train=[str(tree / "data" / "nlu"), str(tree / "data" / "nlu" / "ja")])
    assert code == 0 and "does not exist; skipped" in out
    (tree / "tests" / "triage_ja" / "blind_ja.yml").unlink()
    (tree / "tests" / "triage_ja").rmdir()
    code, out = run(capsys, tree)
    assert code == 0 and "triage_ja does not exist; skipped" in out
    assert "4 held-out vs 2 distinct training examples" in out


def test_partial_japanese_data_is_read(tree, capsys):
    write_ja(tree, "empty.yml", "")
    write_ja(tree, "version_only.yml", 'version: "3.1"\n')
    write_ja(tree, "synonyms.yml", 'nlu:\n- synonym: JAM\n  examples: |\n    - ジャム\n')
    write_ja(tree, "greet.yml", nlu("greet", "おはようございます"))
    code, out = run(capsys, tree)
    assert code == 0
    assert "5 held-out vs 3 distinct training examples: 0 exact, 0 near-duplicate" in out


@pytest.mark.parametrize("training", [
    "残業代が払われない。",            # punctuation and spaces stripped in Japanese
    "残業代が 払われない",
    "残業代が払われない!!",            # full-width ！ folds to !
    "パワハラがひどくて毎日つらい",      # half-width ﾊﾟﾜﾊﾗ folds to パワハラ
    "芳野会長について？",                # entity markup dropped
    "[芳野]{\"entity\": \"person\", \"value\": \"Tomoko YOSHINO\"} 会長 について",
])
def test_japanese_held_out_example_in_training_data_fails(tree, capsys, training):
    write_ja(tree, "problems.yml", nlu("problem_unpaid_wages", training))
    code, out = run(capsys, tree)
    assert code == 1
    assert "1 exact, 0 near-duplicate" in out
    assert "exact: held-out problem_" in out and "data/nlu/ja/problems.yml" in out


def test_japanese_near_duplicate_fails(tree, capsys):
    (tree / "tests" / "nlu_ja" / "more_ja.yml").write_text(
        nlu("problem_unpaid_wages", "先月の残業代がまだ払われていません"), encoding="utf-8")
    write_ja(tree, "problems.yml", nlu("problem_unpaid_wages", "先月の残業代がまだ払われてません"))
    code, out = run(capsys, tree)
    assert code == 1 and "0 exact, 1 near-duplicate" in out
    assert run(capsys, tree, "--near", "0")[0] == 0


@pytest.mark.parametrize("a, b", [
    ("残業代 が、払われない！", "残業代が払われない"),
    ("ﾊﾟﾜﾊﾗ", "パワハラ"),
    ("「ＪＡＭ」の 会長・副会長", "jamの会長副会長"),
    ("有給、取れない…😢", "有給取れない"),
    ("[芳野](person) さん", "芳野さん"),
])
def test_japanese_is_compared_after_nfkc_without_spaces_or_punctuation(a, b):
    assert overlap.normalise(a) == overlap.normalise(b)


def test_english_keeps_its_word_spaces():
    assert overlap.normalise("Hello, there!") == overlap.normalise("hello there")
    assert overlap.normalise("hello there") != overlap.normalise("hellothere")
    assert overlap.normalise("ＬＩＮＥ ｏｋ") == "line ok"
    assert overlap.normalise("ＬＩＮＥ で 相談") == overlap.normalise("LINEで相談。") == "lineで相談"


def test_english_overlap_still_found(tree, capsys):
    (tree / "tests" / "nlu" / "leak.yml").write_text(nlu("greet", "hello there"), encoding="utf-8")
    code, out = run(capsys, tree)
    assert code == 1 and "1 exact, 0 near-duplicate" in out


def test_broken_yaml_exits_2(tree, capsys):
    write_ja(tree, "broken.yml", "nlu:\n- intent: greet\n  examples: [\n")
    code, out = run(capsys, tree)
    assert code == 2 and "broken.yml: not valid YAML" in out


def test_messages_too_short_to_leak_are_not_counted(tree, capsys):
    """"ok", "no", "はい": the whole vocabulary of their intent, in training and held out alike."""
    (tree / "tests" / "nlu_ja" / "short_ja.yml").write_text(nlu("affirm", "OK!", "はい", "うん。"), encoding="utf-8")
    write_ja(tree, "chat.yml", nlu("affirm", "ok", "はい", "うん"))
    assert run(capsys, tree)[0] == 0
    # three characters are enough to count
    (tree / "tests" / "nlu_ja" / "short_ja.yml").write_text(nlu("affirm", "はいよ"), encoding="utf-8")
    write_ja(tree, "chat.yml", nlu("affirm", "はいよ！"))
    code, out = run(capsys, tree)
    assert code == 1 and "1 exact" in out
