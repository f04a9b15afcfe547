"""Personal data in chat logs, found and replaced for reviewers not entitled to see it.

Workers type their phone number, e-mail address, name or My Number into the chat
even when nobody asks. The console shows a reviewer ``[phone]``, ``[email]``,
``[my-number]``, ``[name]`` or ``[personal]`` instead. Matching runs on the
NFKC-folded text (full-width ``０９０－…`` reads as ``090-…``) and the spans are
mapped back with :func:`knowledge.normalize.normalise_with_offsets`, so only the
personal part of what the worker typed is replaced.

Detected:

- e-mail addresses;
- phone numbers, Japanese (10 or 11 digits from a leading 0, in any grouping:
  ``090-1234-5678``, ``(03) 1234 5678``, ``03(1234)5678``) and international
  (``+81 90 1234 5678``, other ``+`` numbers of 8-15 digits), except the public
  numbers the bot itself gives (:meth:`Redactor.from_repo`: RENGO's hotline and the
  other lines in knowledge/curated, each with its public source; the made-up examples
  in domain.yml's prompts are not public and are redacted like any other number);
- 12-digit numbers (My Number), plain or in groups of four;
- names a worker gives with a cue: "my name is", "I'm called", "this is X
  speaking", "name:", 名前は/名前：/氏名：, と申します, といいます (the latter only
  at the start of a sentence or after 私は and the like);
- ``known`` strings (e.g. the contact the worker gave in the consultation form),
  case- and width-insensitively, as ``[personal]``.

Not detected: names mentioned in passing ("my boss Tanaka", 田中部長), names
without a cue ("山田です", "Tanaka here"), "I'm X"/"I am X" and 私はXです (mostly
not names: "I'm tired", 私は会社員です), hiragana-only Japanese names, lower-case
names that are not romanised Japanese; addresses, postal codes, birthdays, bank
and card numbers as such; e-mail addresses and numbers spelled out in words or
kanji numerals; a number glued to a Latin letter (``TEL0312345678``, IDs in URLs).
E-mail addresses have no public list: the bot's example ``taro@example.jp`` shows
as ``[email]`` in its own prompts. The rules lean towards redacting: any 10-11 digit number from 0
is a "phone", any 12 digits a "My Number" (the first 12 of a spaced card number too).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, List, Optional, Tuple

import yaml

from bot.consultation.config import repo_root
from knowledge.normalize import Normalised, normalise_with_offsets

#: Kinds of personal data, the most specific first: that one wins when spans overlap.
KINDS = ("email", "my-number", "phone", "name", "personal")
PLACEHOLDERS = {kind: f"[{kind}]" for kind in KINDS}
#: Redacted texts remembered per process (the same bot replies come again and again).
REDACT_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` of the original text is personal data of ``kind``."""

    start: int
    end: int
    kind: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.kind]


# --- patterns (on NFKC text: full-width digits, ＠, －, （ ） are ASCII by then) -----------

_DASHES = r"\-\u2010-\u2015\u2212\u30fc"  # hyphens, dashes, minus, ー an IME gives for a hyphen
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_MY_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9+])(?<!\d[.{_DASHES}])\d{{4}}([ {_DASHES}]?)\d{{4}}\1\d{{4}}(?![A-Za-z0-9])(?![.{_DASHES}]\d)",
    re.ASCII,
)
# A phone-like run: from "+", "(0" or "0", digit groups joined by up to three separators.
# Not after a digit (20,000, 2024-04-01, 9:00) or a letter (IDs in URLs).
_PHONE_RUN = re.compile(
    rf"(?<![A-Za-z0-9+])(?<!\d[{_DASHES}.,:/])(?:\+|\((?=0)|(?=0))\d+(?:[ \t().{_DASHES}]{{1,3}}\d+){{0,7}}",
    re.ASCII,
)
_DIGITS = re.compile(r"[0-9]+")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))

# Names. English words: capitalised (Tanaka, TANAKA) or romanised Japanese in lower case.
_EN_NAME = r"[A-Za-z][A-Za-z'\u2019\-]*(?: [A-Za-z][A-Za-z'\u2019\-]*){0,2}"
_KJ = r"\u3005\u4e00-\u9fff\u30a1-\u30fa\u30fc"  # 々, kanji, katakana, ー
_HIRA = r"\u3041-\u3096"
_JA_CLOSE = r"です|でござ|で[、,。]|と申|ともうし|といい|と言い|って"  # what ends a name
_JA_WORD = rf"[{_KJ}]{{1,8}}(?:(?!{_JA_CLOSE})[{_HIRA}]){{0,4}}"  # 山田, 山田さくら, ジョン
_JA_END = r"(?=\s|$|[、,。.!?:;)」』]|です|でございます|と申します|と申す|ともうします|といいます|と言います|っていいます|って言います|で[、,。])"
_JA_NAME = rf"{_JA_WORD}(?: {_JA_WORD})?{_JA_END}"
_NAME = rf"(?P<name>{_JA_NAME}|{_EN_NAME})"
_NAME_CUES = (
    re.compile(rf"(?i:\bmy\s+(?:(?:first|last|family|given|full|sur)\s*)?name(?:\s+is|['\u2019]s)\s+){_NAME}"),
    re.compile(rf"(?i:\bi(?:['\u2019]m|\s+am)\s+called\s+){_NAME}"),
    re.compile(rf"(?:^|(?<=[.!?。]))[ \t]*(?i:(?:(?:my|full|first|last|family|given)\s+)?name\s*:\s*){_NAME}", re.M),
    re.compile(rf"(?:名前|氏名|なまえ)\s*(?:は|:)\s*[、,]?\s*{_NAME}"),
    re.compile(rf"(?<![{_KJ}])(?P<name>{_JA_WORD}|[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?)(?=と申|ともうします|って申)"),
    re.compile(
        r"(?:^|(?<=[。.!?\n])|はじめまして[、,]?|こんにちは[、,]?|こんばんは[、,]?"
        rf"|(?:私|わたし|わたくし|僕|ぼく|俺|おれ|自分)(?:は|[、,])?)\s*{_NAME}(?=と(?:いい|言い)ます|って(?:いい|言い)ます)",
        re.M,
    ),
)
_SPEAKING = re.compile(rf"(?i:\bthis\s+is\s+){_NAME}(?i:\s+speaking\b)")
# Romanised Japanese: syllables, syllabic n, doubled consonants (hattori), old-style m (homma).
_ROMAJI = re.compile(r"(?:(?:ch|sh|ts|[kgszjtdnhbpmrfwy])?y?[aeiou]|n(?![aeiouy])|([kgsztdbpm])(?=\1)|t(?=ch)|m(?=[bp]))+")
# Words that look like a name to the rules above but follow "my name is" as plain English.
_NOT_NAME_WORDS = frozenset(
    "i'm i’m i'll i've i'd im and but the from in at on my is not or so to ok with are here same fine "
    "none one mine sure made done gone home more time take make use hide too ago zero name safe "
    "private secret unknown anonymous".split()
)
_NOT_JA_NAMES = ("ない", "たい", "ません", "秘密", "内緒", "匿名", "不明", "必要", "不要", "大事", "重要",
                 "任意", "結構", "大丈夫", "何", "なし", "無し", "非公開", "未定", "誰", "省略")


def phone_key(number: str) -> str:
    """The digits of a phone number, ``+81`` written as the domestic 0: how numbers are compared."""
    text = unicodedata.normalize("NFKC", number).strip()
    digits = "".join(_DIGITS.findall(text))
    if text.startswith("+"):
        return "0" + digits[2:].lstrip("0") if digits.startswith("81") else "+" + digits
    return digits


def _is_phone(key: str) -> bool:
    if key.startswith("+"):
        return 8 <= len(key) - 1 <= 15
    return len(key) in (10, 11) and key[0] == "0" and key[1] != "0"


def _phones(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, key)`` of phone numbers in NFKC text; a run too long loses its last groups."""
    pos = 0
    while match := _PHONE_RUN.search(text, pos):
        groups = list(_DIGITS.finditer(text, match.start(), match.end()))
        for last in reversed(groups):
            end = last.end()
            key = phone_key(text[match.start():end])
            if _is_phone(key) and not (end < len(text) and text[end].isascii() and text[end].isalnum()):
                yield match.start(), end, key
                pos = end
                break
        else:
            pos = match.start() + 1


def _name_end(name: str) -> int:
    """Length of the leading part of ``name`` that is a name, 0 if none."""
    if re.match(rf"[{_KJ}]", name):
        return 0 if any(word in name for word in _NOT_JA_NAMES) else len(name)
    end = 0
    for word in re.finditer(r"\S+", name):
        text = word.group()
        capitalised = text[0].isupper() and len(text) > 1
        romanised = text.islower() and len(text) >= 3 and _ROMAJI.fullmatch(text)
        if text.lower() in _NOT_NAME_WORDS or not (capitalised or romanised):
            break
        end = word.end()
    return end


def _names(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the names given after (or before) a cue; "this is X speaking" needs all of X."""
    for cue in (*_NAME_CUES, _SPEAKING):
        for match in cue.finditer(text):
            end = _name_end(match.group("name"))
            if end and (cue is not _SPEAKING or end == len(match.group("name"))):
                yield match.start("name"), match.start("name") + end


def _strings(data: Any) -> Iterator[str]:
    """Every string in parsed YAML, at any depth."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


class Redactor:
    """Finds and replaces personal data; ``public_numbers`` are phone numbers never redacted."""

    def __init__(self, public_numbers: Iterable[str] = ()) -> None:
        self.public_numbers = frozenset(filter(None, map(phone_key, public_numbers)))
        # The bot's replies repeat across conversations; an export redacts each once.
        self._redact_cached = lru_cache(maxsize=REDACT_CACHE_SIZE)(self._redact)

    @classmethod
    def from_repo(cls, root: Optional[Path] = None) -> "Redactor":
        """Public phone numbers (RENGO's hotline etc.) found in <root>/knowledge/curated/*.yml,
        the sourced facts the bot's answers quote, so those answers are not redacted.
        domain.yml is not read: the numbers in its prompts are made-up examples
        (``090-1234-5678``) that a worker could also type as their own.
        root defaults to the repo root (bot/consultation/config.repo_root())."""
        root = root or repo_root()
        texts: List[str] = []
        for path in sorted((root / "knowledge" / "curated").glob("*.yml")):
            texts.extend(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
        return cls(key for text in texts for *_, key in _phones(unicodedata.normalize("NFKC", text)))

    def find(self, text: str, known: Iterable[str] = ()) -> List[Span]:
        """Spans of personal data over the original ``text``, sorted, not overlapping.

        Found on the NFKC text so that full-width input matches; a span inside a
        placeholder is dropped, so redacting twice changes nothing more.
        """
        folded = normalise_with_offsets(text)
        norm = folded.text
        found = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(norm)]
        found += [(m.start(), m.end(), "my-number") for m in _MY_NUMBER.finditer(norm)]
        found += [(s, e, "phone") for s, e, key in _phones(norm) if key not in self.public_numbers]
        found += [(s, e, "name") for s, e in _names(norm)]
        for value in known:
            value = unicodedata.normalize("NFKC", value or "").strip()
            if len(value) >= 3:
                found += [(m.start(), m.end(), "personal") for m in re.finditer(re.escape(value), norm, re.I)]
        placeholders = [m.span() for m in _PLACEHOLDER.finditer(norm)]
        found = [f for f in found if not any(s <= f[0] and f[1] <= e for s, e in placeholders)]
        return _merge(folded, found)

    def redact(self, text: str, known: Iterable[str] = ()) -> str:
        """text with personal data replaced by placeholders."""
        return self._redact_cached(text, tuple(known))

    def _redact(self, text: str, known: Tuple[str, ...]) -> str:
        spans = self.find(text, known)
        if not spans:
            return text
        parts: List[str] = []
        pos = 0
        for span in spans:
            parts += [text[pos:span.start], span.placeholder]
            pos = span.end
        parts.append(text[pos:])
        return "".join(parts)


def _merge(folded: Normalised, found: List[tuple[int, int, str]]) -> List[Span]:
    """Spans in original offsets; overlapping ones become one, of the most specific kind."""
    merged: List[Span] = []
    for start, end, kind in sorted((*folded.span(s, e), k) for s, e, k in found if s < e):
        if merged and start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, end), min(last.kind, kind, key=KINDS.index))
        else:
            merged.append(Span(start, end, kind))
    return merged
