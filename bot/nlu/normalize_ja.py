"""Width normalisation for Japanese (and mixed) text, with offsets back to the original.

Workers type the same name in several widths: ``ＪＡＭ``, ``ｊａｍ`` and ``JAM``; ``ﾊﾟﾜﾊﾗ`` and
``パワハラ``; ``１２月`` and ``12月``. NFKC folds full-width Latin letters and digits to ASCII and
half-width katakana to full-width (``ﾊﾟ`` -> ``パ``, two characters become one), so that the
tokenizer, the featurizers and the entity linker see one spelling. Entities and tokens must
still point into what the user typed, so :func:`normalise_with_offsets` remembers, for every
normalised character, the span of the original text it came from.

Case is left alone (the featurizers lower-case), and so are kana/kanji variants
(``わかる``/``分かる``): those need a dictionary, which the tokenizer has (Sudachi's normalised
form), not a character rule.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import List, Tuple

__all__ = ["NormalisedText", "normalise", "normalise_with_offsets"]


@dataclass(frozen=True)
class NormalisedText:
    """NFKC text plus, for each of its characters, the original span it was made from."""

    text: str
    starts: Tuple[int, ...]
    ends: Tuple[int, ...]

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """Original ``(start, end)`` of the normalised slice ``[start, end)`` (``start < end``)."""
        return self.starts[start], self.ends[end - 1]


def _joins_previous(char: str) -> bool:
    """True for marks that compose with the character before them under NFKC.

    Half-width ``ﾞ``/``ﾟ`` (U+FF9E/U+FF9F) decompose to the combining voiced marks, which is how
    ``ﾊﾟ`` becomes ``パ``; combining accents after a Latin letter behave the same way.
    """
    return unicodedata.combining(unicodedata.normalize("NFKD", char)[0]) != 0


def normalise_with_offsets(text: str) -> NormalisedText:
    """NFKC-normalise ``text`` and keep the original span of every output character.

    The text is normalised cluster by cluster (a character and the marks that compose with it),
    so every output character belongs to exactly one original span. A cluster that expands
    (``㈱`` -> ``(株)``) maps all of its output characters to its whole original span.
    """
    if text.isascii():  # NFKC leaves ASCII alone: the common English case stays cheap
        offsets = tuple(range(len(text)))
        return NormalisedText(text, offsets, tuple(i + 1 for i in offsets))
    chars: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _joins_previous(text[j]):
            j += 1
        folded = unicodedata.normalize("NFKC", text[i:j])
        chars.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return NormalisedText("".join(chars), tuple(starts), tuple(ends))


def normalise(text: str) -> str:
    """The width-folded form: ``normalise("ＪＡＭの会長") == "JAMの会長"``, ``ﾊﾟﾜﾊﾗ`` -> ``パワハラ``."""
    return normalise_with_offsets(text).text
