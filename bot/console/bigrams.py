"""Two-character pieces of Japanese text, so that two-character words can be searched fast.

The trigram index (bot/console/schema.py) serves words of three characters or
more. Many Japanese words have two (有給, 残業, 解雇), so on SQLite the indexer
also stores every overlapping pair of characters of each run of kanji and kana
(``残業代が`` -> ``残業 業代 代が``) in ``console_search_bigrams``, an FTS5 table whose
tokens are those pairs: a two-character Japanese word is then one token lookup,
as in Lucene's CJK bigram analyser. PostgreSQL scans for such words instead
(pg_trgm cannot index them either); docs/benchmarks.md has both figures.
"""
from __future__ import annotations

import re
import unicodedata

from knowledge.normalize import JAPANESE_LETTERS

#: A run of kanji and kana (no punctuation: a pair never spans 、or 。), on NFKC text.
_RUN = re.compile(f"[{JAPANESE_LETTERS}]+")


def is_japanese_pair(word: str) -> bool:
    """True for a two-character word the bigram table can answer."""
    folded = unicodedata.normalize("NFKC", word)
    return len(folded) == 2 and _RUN.fullmatch(folded) is not None


def bigrams(text: str) -> str:
    """The space-separated overlapping pairs of every kanji/kana run in ``text``."""
    pairs = []
    for run in _RUN.findall(unicodedata.normalize("NFKC", text)):
        pairs.extend(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(pairs)
