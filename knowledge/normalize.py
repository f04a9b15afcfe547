"""Text clean-up shared by the parser, the lookups and the search index.

The brochure came through OCR and a PDF-to-markdown conversion: the same name
appears as "RENGO", "RENGU", "RENO" or "Rengo", quotes are a mix of straight
and curly, and markup (``<b>``, ``**``, ``\\_``) is left in the text. Every
stored string goes through :func:`clean_text`, so users, lookups and tests see
one spelling.

Users' messages are folded too, but their offsets must still point into what
the user typed (entities, tokens, urgent cues): :func:`normalise_with_offsets`
NFKC-normalises text and keeps, for every output character, the original span
it came from. The urgent-message detector (knowledge/urgent.py) and the NLU
tokenizer (bot/nlu/multilingual_tokenizer.py) both build on it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Tuple

_OCR_FIXES: Tuple[Tuple[re.Pattern[str], str], ...] = (
    # RENGU, RENGUs, RENGU's, DENKI RENGU, RENGU-RIALS ...
    (re.compile(r"RENGU"), "RENGO"),
    (re.compile(r"\bRENO\b"), "RENGO"),
    (re.compile(r"\bRengo\b"), "RENGO"),
)

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})

_BOLD_TAG = re.compile(r"</?b>", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_ESCAPE = re.compile(r"\\+([_*\[\]()#`\\])")
_SPACES = re.compile(r"[ \u00a0]+")


def fix_ocr(text: str) -> str:
    """Undo the OCR slips of the organisation's name."""
    for pattern, replacement in _OCR_FIXES:
        text = pattern.sub(replacement, text)
    return text


def straight_quotes(text: str) -> str:
    """One quote style, so that searching and comparing do not depend on typography."""
    return text.translate(_QUOTES)


def strip_markup(text: str) -> str:
    """Drop HTML bold tags and markdown emphasis; keep link targets, unescape ``\\_``."""
    text = _BOLD_TAG.sub("", text)
    text = text.replace("**", "")
    text = _MD_LINK.sub(lambda m: m.group(2), text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    return _MD_ESCAPE.sub(lambda m: m.group(1), text)


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces (tabs are table structure and are kept)."""
    return _SPACES.sub(" ", text).strip(" ")


def clean_text(text: str, *, keep_markup: bool = False) -> str:
    """The normal form of every stored string."""
    text = straight_quotes(fix_ocr(text))
    if not keep_markup:
        text = strip_markup(text)
    return collapse_spaces(text)


# --- months -----------------------------------------------------------------

MONTHS: Tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
#: A month or a span of months as the brochure writes them: ``October``, ``Jan.-Feb.``.
MONTH_SPAN = rf"{_MONTH_WORD}(?:\s*-\s*{_MONTH_WORD})?"
_MONTH_SPAN_RE = re.compile(rf"^{MONTH_SPAN}$", re.IGNORECASE)


def month_number(word: str) -> Optional[int]:
    """``oct``, ``Oct.``, ``October`` -> 10; None for anything else."""
    cleaned = word.strip().rstrip(".").lower()
    if len(cleaned) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
        if name.lower().startswith(cleaned) or (cleaned == "sept" and number == 9):
            return number
    return None


def is_month_span(text: str) -> bool:
    return bool(_MONTH_SPAN_RE.match(text.strip())) and all(
        month_number(part) for part in re.split(r"\s*-\s*", text.strip())
    )


def normalise_month(raw: str) -> str:
    """Keep the brochure's form but tidy it: ``Apr.-May.`` -> ``Apr.-May``.

    A full month name loses a stray dot; an abbreviation keeps its dot.
    """
    parts = []
    for part in re.split(r"\s*-\s*", raw.strip()):
        number = month_number(part)
        if number is None:
            raise ValueError(f"not a month: {raw!r}")
        word = part.strip().rstrip(".")
        full = MONTHS[number - 1]
        parts.append(full if word.lower() == full.lower() else f"{word[:3].capitalize()}.")
    return "-".join(parts)


def month_span(month: str) -> Tuple[int, int]:
    """First and last month number of a (normalised) month or span."""
    numbers = [month_number(part) for part in month.split("-")]
    if not numbers or any(n is None for n in numbers):
        raise ValueError(f"not a month: {month!r}")
    return numbers[0], numbers[-1]  # type: ignore[return-value]


def month_display(month: str) -> str:
    """``Jan.-Feb.`` -> ``January–February``, ``October`` -> ``October``."""
    start, end = month_span(month)
    if start == end:
        return MONTHS[start - 1]
    return f"{MONTHS[start - 1]}\u2013{MONTHS[end - 1]}"


# --- names --------------------------------------------------------------------


def singular_role(heading: str) -> str:
    """``Vice Presidents`` -> ``Vice President``, ``Assistant General Secretaries`` -> ``... Secretary``."""
    heading = collapse_spaces(heading)
    if heading.endswith("ies"):
        return heading[:-3] + "y"
    if heading.endswith("s") and not heading.endswith("ss"):
        return heading[:-1]
    return heading


def plural_role(role: str, count: int = 2) -> str:
    """``Vice President`` -> ``Vice Presidents``; ``Assistant General Secretary`` -> ``... Secretaries``."""
    if count == 1:
        return role
    return role[:-1] + "ies" if role.endswith("y") else role + "s"


def name_key(text: str) -> str:
    """Case-, spacing- and OCR-insensitive key for comparing names."""
    return collapse_spaces(straight_quotes(fix_ocr(text.upper()))).casefold()


# --- users' text, with offsets ---------------------------------------------------


@dataclass(frozen=True)
class Normalised:
    """Normalised text plus, for each of its characters, the original span it was made from."""

    text: str
    starts: Tuple[int, ...]
    ends: Tuple[int, ...]

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """Original ``(start, end)`` of the normalised slice ``[start, end)`` (``start < end``)."""
        return self.starts[start], self.ends[end - 1]


#: The letters of written Japanese, for a regex character class on NFKC text: 々〆〇, hiragana,
#: katakana (with ・ and ー), small katakana extensions and kanji (rarer ones such as 𠮷 too).
JAPANESE_LETTERS = (
    "\u3005-\u3007"
    "\u3040-\u309f"
    "\u30a0-\u30ff"
    "\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
#: Kanji (with the repetition mark 々), for a regex character class: the part of a Japanese name
#: that an input method converts, and that readings and family names are split on.
KANJI_LETTERS = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Japanese punctuation and marks (、。「」『』〜 and the letters 々〆〇 among them).
JAPANESE_MARKS = "\u3001-\u303f"
#: One Japanese letter: ``JAPANESE_LETTER.search(text)`` tells whether text has any,
#: ``findall`` counts them.
JAPANESE_LETTER = re.compile(f"[{JAPANESE_LETTERS}]")


def joins_previous(char: str) -> bool:
    """True for marks that compose with the character before them under NFKC.

    Half-width ``ﾞ``/``ﾟ`` (U+FF9E/U+FF9F) decompose to the combining voiced marks, which is how
    ``ﾊﾟ`` becomes ``パ``; combining accents after a Latin letter behave the same way.
    """
    return unicodedata.combining(unicodedata.normalize("NFKD", char)[0]) != 0


def normalise_with_offsets(text: str) -> Normalised:
    """NFKC-normalise ``text`` and keep the original span of every output character.

    The text is normalised cluster by cluster (a character and the marks that compose with it),
    so every output character belongs to exactly one original span. A cluster that expands
    (``㈱`` -> ``(株)``) maps all of its output characters to its whole original span.
    """
    if text.isascii():  # NFKC leaves ASCII alone: the common English case stays cheap
        offsets = tuple(range(len(text)))
        return Normalised(text, offsets, tuple(i + 1 for i in offsets))
    chars: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and joins_previous(text[j]):
            j += 1
        folded = unicodedata.normalize("NFKC", text[i:j])
        chars.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return Normalised("".join(chars), tuple(starts), tuple(ends))


def fold_width(text: str) -> str:
    """The width-folded form: ``fold_width("ＪＡＭの会長") == "JAMの会長"``, ``ﾊﾟﾜﾊﾗ`` -> ``パワハラ``."""
    return normalise_with_offsets(text).text
