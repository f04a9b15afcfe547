"""Two-character pieces of Japanese text for the bigram search table."""
from __future__ import annotations

import pytest

from bot.console.bigrams import bigrams, is_japanese_pair


def test_every_overlapping_pair_of_each_kanji_and_kana_run():
    assert bigrams("残業代が出ない") == "残業 業代 代が が出 出な ない"
    assert bigrams("JAMの会長は？") == "の会 会長 長は"
    assert bigrams("パワハラ、有給") == "パワ ワハ ハラ 有給"


def test_half_width_katakana_is_folded_first():
    assert bigrams("ﾊﾟﾜﾊﾗ") == "パワ ワハ ハラ"


def test_text_without_japanese_has_no_pairs():
    assert bigrams("my boss shouts at me") == ""
    assert bigrams("単") == ""


@pytest.mark.parametrize("word, expected", [("有給", True), ("残業", True), ("ﾊﾟﾜ", True), ("hi", False),
                                            ("有", False), ("有給休暇", False), ("J有", False)])
def test_which_words_the_table_can_answer(word, expected):
    assert is_japanese_pair(word) is expected
