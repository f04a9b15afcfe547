"""Search the English brochure with a Japanese question (issue 6).

The brochure, and with it the passage and history indexes, is English; a Japanese question
(「ホットラインはいつできた？」) shares no word with it. :func:`english_terms` adds, for every
word of ``glossary_ja.yml`` found in the question, the brochure's English words for it, so the
English search finds the passage or event; the answer still quotes the brochure's own text.
The glossary states nothing to anyone: it only steers the search.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Tuple

import yaml

from knowledge.normalize import JAPANESE_LETTER

GLOSSARY = Path(__file__).with_name("glossary_ja.yml")
# 第18回 (大会) -> 18th
_ORDINAL = re.compile(r"第\s*(\d{1,3})\s*回")


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


@lru_cache(maxsize=None)
def glossary(path: Path = GLOSSARY) -> Tuple[Tuple[str, str], ...]:
    """(Japanese word, English words), longest words first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms: Dict[str, str] = {
        unicodedata.normalize("NFKC", str(k)).lower(): str(v) for k, v in (data.get("terms") or {}).items()
    }
    return tuple(sorted(terms.items(), key=lambda kv: -len(kv[0])))


def english_terms(query: str) -> str:
    """The Latin words of ``query`` plus the English words of the glossary words in it.

    Unchanged when ``query`` has no Japanese.
    """
    if not query or not JAPANESE_LETTER.search(query):
        return query
    folded = unicodedata.normalize("NFKC", query).lower()
    extra = [_ordinal(int(n)) for n in _ORDINAL.findall(folded)]
    for word, english in glossary():
        if word in folded:
            extra.append(english)
            folded = folded.replace(word, " ")  # a longer word wins over the words inside it
    # Japanese letters out, so that "UniBoはいつ" searches for "UniBo", not one long word.
    return " ".join([JAPANESE_LETTER.sub(" ", query), *extra])
