"""The urgent-situation detector: no urgent message may be missed, few ordinary ones flagged.

A missed message means a worker who spoke of suicide or violence gets a labour-law
answer instead of emergency numbers, so every urgent message is its own test case.
False alarms cost less (an unneeded list of helplines) and are counted against a
10% budget, with the flagged messages printed for review.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import List, Tuple

import pytest
import yaml

from knowledge.urgent import UrgentDetector, UrgentMatch, normalise

MESSAGES = Path(__file__).with_name("urgent_messages.yml")
KINDS = {"suicide", "self_harm", "violence", "danger"}
MAX_FALSE_ALARM_RATE = 0.10


def _load() -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    doc = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    return (
        [(m["text"], m["kind"]) for m in doc["urgent"]],
        [(m["text"], m["kind"]) for m in doc["ordinary"]],
    )


URGENT, ORDINARY = _load()


@pytest.fixture(scope="module")
def detector() -> UrgentDetector:
    return UrgentDetector()


def _is_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uff66" <= ch <= "\uff9f" for ch in text)


def test_the_message_set_is_large_bilingual_and_labelled() -> None:
    assert len(URGENT) >= 45 and len(ORDINARY) >= 45
    assert {kind for _, kind in URGENT} == KINDS
    assert {kind for _, kind in ORDINARY} == {"none"}
    for half in (URGENT, ORDINARY):
        japanese = sum(_is_japanese(text) for text, _ in half)
        assert 10 <= japanese <= len(half) - 10, "both halves need English and Japanese messages"
    texts = [text for text, _ in URGENT + ORDINARY]
    assert len(texts) == len(set(texts)), "duplicate messages"


@pytest.mark.parametrize("text,kind", URGENT, ids=[t[:40] for t, _ in URGENT])
def test_every_urgent_message_is_detected_with_its_kind(detector: UrgentDetector, text: str, kind: str) -> None:
    match = detector.detect(text)
    assert match is not None, f"MISSED urgent message: {text!r}"
    assert match.kind == kind, f"{text!r}: expected {kind}, got {match.kind} on {match.phrase!r}"
    assert text[match.start:match.end] == match.phrase and match.phrase.strip()


def test_false_alarms_on_ordinary_messages_stay_within_budget(
    detector: UrgentDetector, capsys: pytest.CaptureFixture[str]
) -> None:
    flagged = [(text, match) for text, _ in ORDINARY if (match := detector.detect(text))]
    with capsys.disabled():
        print(f"\nurgent detector: {len(flagged)}/{len(ORDINARY)} ordinary messages flagged")
        for text, match in flagged:
            print(f"  false alarm ({match.kind} on {match.phrase!r}): {text}")
    rate = len(flagged) / len(ORDINARY)
    assert rate <= MAX_FALSE_ALARM_RATE, f"{rate:.0%} false alarms: {[t for t, _ in flagged]}"


# --- normalisation ------------------------------------------------------------


def test_normalise_folds_width_case_apostrophes_spaces_and_stretched_letters() -> None:
    assert normalise("Ｉ　ＤＯＮ’Ｔ  want to dieeee").text == "i dont want to die"
    assert normalise("ｻﾞﾝｷﾞｮｳ").text == "ザンギョウ"
    assert normalise("I  can\u2019t\tgo on ").text == "i cant go on"


def test_normalised_offsets_point_into_the_original_text() -> None:
    original = "ｂｏｓｓ ｓａｉｄ ｈｅ’ｄ ｓｔａｂ ｍｅ"
    norm = normalise(original)
    start = norm.text.index("stab me")
    assert norm.span(start, start + len("stab me")) == (original.index("ｓｔａｂ"), len(original))


def test_full_width_and_curly_apostrophes_are_detected(detector: UrgentDetector) -> None:
    match = detector.detect("ｉ　ｗａｎｔ　ｔｏ　ｄｉｅ")
    assert match is not None and match.kind == "suicide" and match.phrase.endswith("ｄｉｅ")
    assert detector.detect("I DON’T WANT TO LIVE ANYMORE") is not None
    assert detector.detect("ｼﾆﾀｲ") is not None  # half-width katakana
    assert detector.detect("死にたい") == UrgentMatch("suicide", "死にたい", 0, 4)


# --- idioms against stronger cues -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["this overtime is killing me", "I could kill for a day off", "死ぬほど忙しい", "仕事に忙殺されています"],
)
def test_an_idiom_alone_is_not_urgent(detector: UrgentDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    "text,kind",
    [
        ("this overtime is killing me and honestly i want to kill myself", "suicide"),
        ("I'm dying to quit. some days i just want to die", "suicide"),
        ("死ぬほど忙しくて、もう死にたい", "suicide"),
        ("my back is killing me since my boss kicked me", "violence"),
    ],
)
def test_a_stronger_cue_beats_an_idiom_in_the_same_message(
    detector: UrgentDetector, text: str, kind: str
) -> None:
    match = detector.detect(text)
    assert match is not None and match.kind == kind


def test_the_idiom_is_what_suppresses_the_weak_cue(detector: UrgentDetector) -> None:
    assert detector.detect("this overtime is killing me") is None
    assert detector.detect("he is going to kill me") is not None  # same cue, no idiom



# --- phrasing families added after the blind batch of 2026-11-26 ----------------
# Variants not in the message set: each family's pattern must generalise beyond
# the one sentence that exposed it, and must not fire on the labour look-alikes.


@pytest.mark.parametrize(
    "text,kind",
    [
        ("im just a burden to my family", "suicide"),
        ("i dont see the point anymore", "suicide"),
        ("how many sleeping pills would it take", "suicide"),
        ("what is a lethal dose of paracetamol", "suicide"),
        ("left goodbye notes for my parents", "suicide"),
        ("i keep thinking about walking into traffic", "suicide"),
        ("gonna drive off the bridge after my shift", "suicide"),
        ("i was standing at the edge of the platform thinking about it", "suicide"),
        ("so tired of being alive", "suicide"),
        ("i cant live like this anymore", "suicide"),
        ("屋上から飛びたい", "suicide"),
        ("私が消えたら楽になるのかな", "suicide"),
        ("i scratch my arms until they bleed", "self_harm"),
        ("burned my thigh with a lighter", "self_harm"),
        ("been carving into my arm", "self_harm"),
        ("she said we know where your family lives", "violence"),
        ("上司に腕を掴まれた", "violence"),  # 掴まれ/捻られ never matched before this batch
        ("手首を捻られた", "violence"),
        ("部長に倉庫に引きずり込まれた", "violence"),
        ("コップを投げつけてきた", "violence"),
        ("殴られたことはありません、でも昨日殴られた", "violence"),
        ("cornered me behind the warehouse", "danger"),
        ("my ex keeps turning up outside my flat", "danger"),
        ("sent me a photo of him holding a knife", "danger"),
        ("the building is on fire and the doors are locked", "danger"),
        ("theres smoke everywhere and we are trapped", "danger"),
        ("trapped in the freezer at work", "danger"),
    ],
)
def test_blind_batch_families_generalise(detector: UrgentDetector, text: str, kind: str) -> None:
    match = detector.detect(text)
    assert match is not None, f"MISSED: {text!r}"
    assert match.kind == kind, f"{text!r}: expected {kind}, got {match.kind} on {match.phrase!r}"


@pytest.mark.parametrize(
    "text",
    [
        "is the company a burden on the taxpayers",
        "i dont see the point of the new rota",
        "how many pills does the insurance cover",
        "wrote a goodbye letter to my colleagues",
        "i stepped off the train and slipped on the platform, is it a commute accident?",
        "workers are standing at the edge of the roof without a harness",
        "tired of living paycheck to paycheck",
        "sick of existing rules that favour management",
        "i cant live like this on minimum wage",
        "i burned my hand on the fryer",
        "my boss wont let me leave before 10pm",
        "he wouldnt let me leave early even though i was sick",
        "my manager cornered me after the meeting about the report",
        "the fire exits are always blocked with boxes, is that legal?",
        "they fire people who complain and we are stuck",
        "I feel trapped in this job",
        "there was a fire in the warehouse last year, do we get compensation?",
        "nobody was injured but the machine broke",
        "he never hit me but he yells",
        "有給取れば楽になれるかな",
        "会社から飛ばされた",
        "上司に殴られたことは一度もない",
        "会社に殺されそうなくらい働いている",
    ],
)
def test_blind_batch_families_skip_labour_look_alikes(detector: UrgentDetector, text: str) -> None:
    assert detector.detect(text) is None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "patterns.yml"
    path.write_text(text, encoding="utf-8")
    return path


TOY_RULES = r"""
kinds:
  suicide: {strong: {phrases: [want to die]}}
  violence:
    strong: {phrases: [kill me]}
    weak: {patterns: ['\bkill\w*']}
  danger: {weak: {patterns: ['\bfollow\w*\s+me']}}
not_urgent:
  phrases: [killing me, kill me if, following me on]
"""


def test_idioms_cancel_only_weak_cues_they_overlap(tmp_path: Path) -> None:
    detector = UrgentDetector(_write(tmp_path, TOY_RULES))
    assert detector.detect("work is killing me") is None  # weak, overlapped
    assert detector.detect("he will kill me if i talk").kind == "violence"  # strong, overlapped
    assert detector.detect("work is killing me, they want to kill him").phrase == "kill"  # weak, elsewhere
    assert detector.detect("he keeps following me home").kind == "danger"
    assert detector.detect("she is following me on instagram") is None


def test_kinds_are_ranked_whatever_their_order_in_the_message(tmp_path: Path) -> None:
    detector = UrgentDetector(_write(tmp_path, TOY_RULES))
    text = "he said he would kill me and now i want to die"
    start = text.index("want to die")
    assert detector.detect(text) == UrgentMatch("suicide", "want to die", start, start + 11)


# --- loading ------------------------------------------------------------------


def test_the_pattern_file_is_read_lazily_and_once(tmp_path: Path) -> None:
    missing = UrgentDetector(tmp_path / "absent.yml")  # constructing reads nothing
    with pytest.raises(FileNotFoundError):
        missing.detect("hello")
    assert UrgentDetector().rules is UrgentDetector().rules


@pytest.mark.parametrize(
    "text,error",
    [
        ("kinds: {murder: {strong: {phrases: [x]}}}", "unknown kinds"),
        ('kinds: {suicide: {strong: {patterns: ["don\'t"]}}}', "apostrophe"),
        ("kinds: {suicide: {strong: {patterns: ['(unclosed']}}}", "bad pattern"),
        ("kinds: {suicide: {strong: {patterns: ['{{nope}} die']}}}", "unknown vocabulary"),
        ("kinds: {suicide: {medium: {phrases: [x]}}}", "strong"),
    ],
)
def test_a_broken_pattern_file_fails_loudly(tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        UrgentDetector(_write(tmp_path, text)).detect("i want to die")


def test_an_empty_pattern_file_would_fail_the_recall_test(tmp_path: Path) -> None:
    """Guards the guard: with no patterns every urgent message is a miss."""
    detector = UrgentDetector(_write(tmp_path, "kinds: {}\n"))
    assert all(detector.detect(text) is None for text, _ in URGENT)


# --- speed --------------------------------------------------------------------


def test_average_time_per_message_is_under_two_milliseconds(detector: UrgentDetector) -> None:
    texts = [text for text, _ in URGENT + ORDINARY]
    detector.detect("warm up")
    rounds = 5
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            detector.detect(text)
    average_ms = (time.perf_counter() - start) * 1000 / (rounds * len(texts))
    assert average_ms < 2.0, f"{average_ms:.2f} ms per message"
