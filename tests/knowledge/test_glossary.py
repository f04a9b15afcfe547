"""Japanese questions search the English brochure through knowledge/glossary_ja.yml."""
from __future__ import annotations

import pytest

from knowledge.glossary import english_terms, glossary


def test_english_queries_are_unchanged():
    assert english_terms("when was the hotline set up?") == "when was the hotline set up?"


def test_japanese_words_bring_their_english_words_and_latin_words_stay():
    query = english_terms("UniBoはいつ始まった？")
    assert "UniBo" in query and "launched" in query
    assert "は" not in query  # no Japanese left to glue onto the Latin words


def test_longer_words_win_and_ordinals_are_read():
    query = english_terms("第18回定期大会")
    assert "18th" in query and "Biennial Convention" in query


def test_every_entry_has_english_words():
    entries = glossary()
    assert len(entries) > 50
    assert all(word and english and english.isascii() for word, english in entries)


@pytest.mark.parametrize(
    "question, year",
    [
        ("なんでも労働相談ホットラインはいつできた？", 1990),
        ("UniBoはいつ始まった", 2021),
        ("阪神・淡路大震災のとき連合は何をした", 1995),
        ("第18回定期大会はいつ", 2023),
        ("東日本大震災のとき", 2011),
        ("Wor-Qはいつ開設されたの", 2020),
    ],
)
def test_japanese_questions_find_the_brochures_events(kb, question, year):
    events = kb.search_history(question, limit=1)
    assert events and events[0].year == year


@pytest.mark.parametrize("question", ["ラーメンの作り方", "今日の天気は", "パワハラされています"])
def test_unrelated_japanese_finds_nothing(kb, question):
    assert kb.search_history(question) == [] and kb.search_passages(question) == []
