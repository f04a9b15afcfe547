"""Kana readings of Japanese text, for names typed with the wrong kanji.

Japanese is typed by its reading: the input method turns でんきれんごう into kanji, and a
slip picks a homophone (電気連合 for 電機連合, 自動社総連 for 自動車総連). The characters then
differ but the reading does not, so the entity linker compares readings where the characters
found nothing (knowledge/linker.py). Readings come from Sudachi, the dictionary the NLU
tokenizer already uses; it is loaded on the first Japanese message, never for English.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, NamedTuple


class Reading(NamedTuple):
    """One word of the text: ``text[start:end]`` reads ``kana`` (katakana)."""

    start: int
    end: int
    kana: str


# A Sudachi tokenizer keeps state between calls: one call at a time.
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    # Mode C (the longest units): a name's words stay whole, so their dictionary reading is used.
    return Dictionary().tokenizer(mode=SplitMode.C)


def readings(text: str) -> list[Reading]:
    """The words of ``text`` with their readings, offsets into ``text`` as given."""
    if not text:
        return []
    with _LOCK:
        return [Reading(m.begin(), m.end(), m.reading_form()) for m in _tokenizer().tokenize(text)]


def reading(text: str) -> str:
    """The whole reading of ``text`` in katakana: 電機連合 -> デンキレンゴウ."""
    return "".join(r.kana for r in readings(text))
