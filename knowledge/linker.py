"""Entity linker: finds names, aliases and small patterns in what users type.

Users write "denki rengu", "ＪＡＭ", "ua-zensen" or "yoshno"; the knowledge base only knows
canonical values ("DENKI RENGO", "Tomoko YOSHINO").  The linker bridges the two with three
passes over a normalised copy of the message, all reported with offsets into the original:

1. exact alias matches (spaCy ``PhraseMatcher``) and regex patterns (years, months, articles,
   bridges, policy areas); aliases written in Japanese script (自動車総連, 芳野, 大阪府) are found
   by a character-level matcher instead, since Japanese has no spaces to tokenise on;
2. overlap resolution over all of them: longer beats shorter, then leftmost, nothing overlaps
   (東京都 is Tokyo, not 京都 Kyoto; 副会長 is Vice President, not 会長 President);
3. a fuzzy pass for small typos on romanised proper names (organisations, people, places),
   bounded by Damerau-Levenshtein distance and a symmetric-deletion index so it stays fast.
   Japanese aliases are matched exactly (after width folding): a fuzzy kanji match is too often
   another word. The one Japanese typo allowed is the input method's: a homophone's kanji
   (電気連合 for 電機連合), found by comparing Sudachi readings (``knowledge.reading``) for
   organisation names of five kana or more, scored as a one-edit typo.

The aliases come from ``knowledge.aliases.build_aliases``; this module knows nothing about the
database, so it can be tested with plain ``AliasEntry`` lists.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

from knowledge.normalize import KANJI_LETTERS, MONTHS, normalise_with_offsets

if TYPE_CHECKING:  # spaCy is imported lazily: importing it pulls in thinc (and TensorFlow).
    from spacy.tokens import Doc, Token

__all__ = [
    "AliasEntry",
    "BLOCKED",
    "LinkedEntity",
    "EntityLinker",
    "fold_japanese",
    "is_japanese_alias",
    "normalise",
    "damerau_levenshtein",
]

#: Entity type of an alias that links nothing but keeps its words from linking as something
#: shorter: "介護休業" (care leave) blocks the industry keyword "介護" (care work) inside it.
BLOCKED = "_blocked"


@dataclass(frozen=True)
class AliasEntry:
    """One way of writing a canonical value, e.g. ``("denki rengo", "organisation", "DENKI RENGO")``."""

    text: str
    entity: str
    value: str


@dataclass(frozen=True)
class LinkedEntity:
    """An entity found in a message; ``start``/``end`` index the original text."""

    entity: str
    value: str
    start: int
    end: int
    text: str
    score: float


# Entity types whose aliases are proper names: typos there are worth correcting. Industry
# keywords and roles are ordinary English words ("teacher", "president"), where a fuzzy match
# would turn "teaches" or "residents" into an entity.
DEFAULT_FUZZY_ENTITIES: frozenset[str] = frozenset(
    {"organisation", "related_org", "person", "prefecture"}
)
# When one alias text belongs to several entity types, the first type here wins.
DEFAULT_PRIORITY: tuple[str, ...] = (
    "organisation",
    "related_org",
    "person",
    "prefecture",
    "role",
    "industry",
)
# Types where an alias may name several values; the first value given wins. For every other type an
# ambiguous alias links to nothing, since guessing the wrong union is worse than asking.
DEFAULT_MULTI_VALUE_ENTITIES: frozenset[str] = frozenset({"industry"})
# Ordinary words one edit away from a proper name ("china" ~ Chiba, "irate" ~ Iwate, "gunman" ~
# Gunma, "jumbo" ~ Jimbo, "rivals" ~ RIALS, "dense" ~ DENSEN), and words the brief says must never
# link on their own: the fuzzy pass never rewrites them.
DEFAULT_PROTECTED_WORDS: frozenset[str] = frozenset(
    {
        "china", "irate", "gunman", "jumbo", "rivals", "dense", "denser",
        "japan", "union", "unions", "worker", "workers", "federation", "rengo",
        # RENGO's own names: "jtuc-rengo" is two edits from "jec rengo".
        "jtuc rengo", "jptuc rengo", "jtuc",
    }
)

# Japanese names also found by their reading, when typed with a homophone's kanji (電気連合 for
# 電機連合): proper names of organisations only (people's readings are not what Sudachi guesses),
# and readings of at least this many kana, so no everyday word sounds like one.
READING_ENTITIES: frozenset[str] = frozenset({"organisation", "related_org"})
_MIN_READING_KANA = 5
# How many of Sudachi's words one name may span (電機/連合, 全/水道).
_MAX_READING_WORDS = 4
_KANJI = re.compile(f"[{KANJI_LETTERS}]")
# A name's reading runs its words together, and a word ending in チ, ツ, キ or ク before a k-, s-,
# t- or p-sound is then spoken with a small ッ (日 ニチ + 教組 キョウソ is ニッキョウソ, 日教組);
# Sudachi reads a homophone's kanji word by word, so both sides are compared with it folded.
_GEMINATES = re.compile("[チツキク](?=[カキクケコサシスセソタチツテトパピプペポ])")
_LATIN = re.compile("[A-Za-zＡ-Ｚａ-ｚ]")

_FUZZY_MAX_TOKENS = 3
_MIN_FUZZY_CHARS = 5  # "never fuzzy on <= 4 chars"
_APOSTROPHES = frozenset("'’‘`´ʼ＇")
_DASHES = frozenset("-‐‑‒–—―−﹣－_・")


def _max_distance(length: int) -> int:
    """Edit budget for an alias of ``length`` characters: 0 (<=4), 1 (5-8), 2 (>=9)."""
    if length < _MIN_FUZZY_CHARS:
        return 0
    return 1 if length <= 8 else 2


def _fold_gemination(kana: str) -> str:
    """A reading with チ/ツ/キ/ク before a k-, s-, t- or p-sound spoken as ッ (see _GEMINATES)."""
    return _GEMINATES.sub("ッ", kana)


# --------------------------------------------------------------------------- normalisation


@dataclass(frozen=True)
class _Normalised:
    """Normalised text plus, for each of its characters, the index in the original text."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) for normalised [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def _normalise_char(char: str) -> str:
    """NFKC (full width -> ASCII), lower case, Latin diacritics dropped ("ō" -> "o")."""
    folded = unicodedata.normalize("NFKC", char).lower()
    out = []
    for c in folded:
        decomposed = unicodedata.normalize("NFKD", c)
        if decomposed[0].isascii() and decomposed[0].isalpha():
            out.append("".join(d for d in decomposed if not unicodedata.combining(d)))
        else:
            out.append(c)
    return "".join(out)


def _normalise_with_map(text: str) -> _Normalised:
    """Fold width/case/diacritics, drop apostrophes (and possessive 's), hyphens -> spaces.

    Every output character remembers its source index, so matches found on the normalised
    text can be reported on the original one.
    """
    chars: list[str] = []
    origin: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in _APOSTROPHES:
            # "yoshino's" -> "yoshino"; "teachers' union" / "i'm" -> "teachers union" / "im"
            nxt = text[i + 1] if i + 1 < n else ""
            after = text[i + 2] if i + 2 < n else ""
            if nxt in "sS" and not (after.isalnum()):
                i += 2
            else:
                i += 1
            continue
        if ch in _DASHES or ch.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(i)
            i += 1
            continue
        if ch == "&":
            for c in " and ":
                if c == " " and (not chars or chars[-1] == " "):
                    continue
                chars.append(c)
                origin.append(i)
            i += 1
            continue
        for c in _normalise_char(ch):
            if unicodedata.combining(c) and chars and chars[-1].isascii():
                continue  # a separate combining macron after a Latin letter
            if c.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    origin.append(i)
                continue
            if chars and chars[-1] != " " and _is_wide(c) != _is_wide(chars[-1]):
                # "ＪＡＭの組合員": Japanese has no spaces, but the tokenizer needs a boundary.
                chars.append(" ")
                origin.append(i)
            chars.append(c)
            origin.append(i)
        i += 1
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return _Normalised("".join(chars), tuple(origin))


def normalise(text: str) -> str:
    """The form the linker compares: ``normalise("ＵＡ-Zensen") == "ua zensen"``."""
    return _normalise_with_map(text).text


# --------------------------------------------------------------------------- edit distance


def damerau_levenshtein(a: str, b: str, limit: Optional[int] = None) -> int:
    """Optimal-string-alignment distance (transpositions count 1); stops early past ``limit``."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if limit is not None and abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ai = a[i - 1]
        row_min = cur[0]
        for j in range(1, lb + 1):
            cost = 0 if ai == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            if value < row_min:
                row_min = value
        if limit is not None and row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[lb]


def _deletes(word: str, depth: int) -> set[str]:
    """All strings reachable from ``word`` by deleting up to ``depth`` characters."""
    result = {word}
    frontier = {word}
    for _ in range(depth):
        nxt: set[str] = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        nxt -= result
        result |= nxt
        frontier = nxt
    return result


# --------------------------------------------------------------------------- patterns

_ROMAN = {"i": "I", "ii": "II", "iii": "III", "iv": "IV", "v": "V"}
_ROMAN_BY_NUMBER = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}
_ROMAN_NUMBERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}  # Ⅶ of 行動指針Ⅶ
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7,
}
_ORDINAL_RE = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_NO = r"(?:no\.?\s*|number\s*|#\s*)?"

_YEAR = re.compile(r"(?<![\d.,/:])(?:198[7-9]|199\d|20[0-2]\d)(?!\d|[.,/:]\d)")
_ARTICLE = re.compile(
    rf"\b(?:article|principle)s?\s*{_NO}(?P<n>[1-7]|one|two|three|four|five|six|seven)\b"
    rf"|\b(?P<o>{_ORDINAL_RE})\s+(?:article|principle)\b"
)
_BRIDGE = re.compile(
    rf"\bbridge\s*{_NO}(?P<n>iii|ii|iv|v|i|[1-5]|one|two|three|four|five)\b"
    rf"|\b(?P<o>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+bridge\b"
)
_FOUNDATION = re.compile(r"\bfoundation\b")
_VISION_CONTEXT = re.compile(r"\b(?:bridges?|vision)\b")
_POLICY_AREA = re.compile(
    rf"\bpriority\s+areas?\s*{_NO}(?P<p>[1-3]|one|two|three)\b"
    rf"|\b(?P<po>first|second|third|1st|2nd|3rd)\s+priority\s+areas?\b"
    rf"|\b(?:areas?\s+(?:for|of)\s+advancement|advancement\s+areas?)\s*{_NO}"
    rf"(?P<a>[1-4]|one|two|three|four)\b"
    rf"|\b(?P<ao>first|second|third|fourth|1st|2nd|3rd|4th)\s+areas?\s+(?:for|of)\s+advancement\b"
)
# The same references written in Japanese, on the normalised text (digits are ASCII and set off
# by spaces, Ⅳ is "iv"): 橋2, ブリッジⅡ, 第2の橋, 2つ目の橋; 重点分野1, 推進分野の4番目;
# 行動指針の第3条, 第２条; 2011年3月. A count is no reference: 5つの橋 is "the five bridges",
# 3つの重点分野 "the three priority areas", so a number before the noun needs 第 or 目/番.
_JA_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_JA_NUM = r"(?<!\d)(?P<{0}>vii|vi|iv|v|iii|ii|i|[1-7]|[一二三四五六七])(?![\da-z])"
_JA_ORDINAL = r"\s*(?:つ\s*目|つ\s*め|番\s*目)"
# ...and a number straight after the noun is no count either (原則の三つ, 行動指針の一番大事な).
_NOT_A_COUNT = r"(?!\s*(?:つ(?!\s*[目め])|項目|条件))(?!(?<=一)\s*番(?!\s*目))"


def _ja_reference(noun: str, group: str) -> str:
    """``noun`` followed by its number (橋2, 橋の3つ目, 橋の第2), or numbered first (第2の橋)."""
    after, first, counted = (_JA_NUM.format(group + suffix) for suffix in ("", "b", "c"))
    return (
        rf"(?:{noun})\s*(?:の\s*)?(?:第\s*)?{after}(?:{_JA_ORDINAL}|\s*[条項](?!件)|{_NOT_A_COUNT})"
        rf"|(?:第\s*{first}(?:{_JA_ORDINAL})?|{counted}{_JA_ORDINAL})\s*の?\s*(?:{noun})"
    )


# 橋 not inside another word (石橋, 歩道橋), except as 架け橋.
_JA_BRIDGE = re.compile(_ja_reference(r"架け橋|かけはし|ブリッジ|(?<![\u4e00-\u9fff])橋", "n"))
_JA_FOUNDATION = re.compile(r"土台")
_JA_VISION_CONTEXT = re.compile(r"橋|ブリッジ|ビジョン|安心社会")
_JA_PRIORITY = re.compile(_ja_reference("重点分野", "n"))
_JA_ADVANCEMENT = re.compile(_ja_reference("推進分野", "n"))
# An article needs the principles named (行動指針, 原則, 綱領) or a bare 第N条 / N条 in a message
# about no law, rule, contract or the mission (労働基準法第5条 is not the fifth principle; 全7条
# is all of them, 2条件 two conditions).
_JA_ARTICLE_NAMED = re.compile(_ja_reference("行動指針|原則|綱領", "n"))
_JA_ARTICLE = re.compile(r"(?<!全)(?<!全 )(?:第\s*)?" + _JA_NUM.format("n") + r"\s*条(?!件)")
_JA_OTHER_ARTICLES = re.compile(r"法|規則|規程|契約|協約|協定|使命|ミッション")
_JA_MONTH = re.compile(r"(?<![\d.])(?P<m>1[0-2]|[1-9])\s*月")


def _ja_number(match: re.Match[str]) -> int:
    token = next(value for name, value in match.groupdict().items() if name.startswith("n") and value)
    if token in _JA_NUMBERS:
        return _JA_NUMBERS[token]
    if token.isdigit():
        return int(token)
    return _ROMAN_NUMBERS[token]


_MONTHS = {
    "january": "January", "february": "February", "march": "March", "april": "April",
    "may": "May", "june": "June", "july": "July", "august": "August",
    "september": "September", "october": "October", "november": "November",
    "december": "December", "jan": "January", "feb": "February", "mar": "March",
    "apr": "April", "jun": "June", "jul": "July", "aug": "August", "sep": "September",
    "sept": "September", "oct": "October", "nov": "November", "dec": "December",
}
_MONTH = re.compile(r"\b(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b")
# Months that are also ordinary words or names ("may I ask", "we march", "to mar", "Jan").
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "mar", "jan"})
_MONTH_CONTEXT_BEFORE = re.compile(
    r"\b(?:in|of|since|from|until|till|by|during|early|late|mid|last|next|between|before|"
    r"after)\s+$"
)
_NUMBER_BEFORE = re.compile(r"\b\d{1,4}(?:st|nd|rd|th)?\s+$")
_NUMBER_AFTER = re.compile(r"^\.?\s*\d{1,4}\b")


def _number(token: str) -> int:
    """"2" / "two" / "2nd" / "second" -> 2."""
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token) or _ORDINALS[token]


@dataclass(frozen=True)
class _Candidate:
    """A possible result on the normalised text (token or character span)."""

    entity: Optional[str]  # None: an ambiguous alias that blocks the span but links nothing
    value: Optional[str]
    start: int  # normalised character offsets
    end: int
    distance: int = 0
    original: Optional[tuple[int, int]] = None  # exact span in the original text, when known

    @property
    def length(self) -> int:
        return self.end - self.start


def _pattern_candidates(norm: _Normalised, original: str) -> list[_Candidate]:
    """Years, months, principle articles, vision bridges and action-policy areas."""
    text = norm.text
    found: list[_Candidate] = []

    def add(entity: str, value: str, match: re.Match[str]) -> None:
        found.append(_Candidate(entity, value, match.start(), match.end()))

    for m in _YEAR.finditer(text):
        add("year", m.group(0), m)
    for m in _ARTICLE.finditer(text):
        add("article", str(_number(m.group("n") or m.group("o"))), m)
    for m in _BRIDGE.finditer(text):
        if m.group("n"):
            token = m.group("n")
            if token == "i" and not _bridge_one_ok(norm, original, m.end("n")):
                continue
            value = _ROMAN.get(token) or _ROMAN_BY_NUMBER[_number(token)]
        else:
            value = _ROMAN_BY_NUMBER[_number(m.group("o"))]
        add("bridge", value, m)
    if _VISION_CONTEXT.search(text):
        for m in _FOUNDATION.finditer(text):
            add("bridge", "Foundation", m)
    for m in _POLICY_AREA.finditer(text):
        if m.group("p") or m.group("po"):
            add("policy_area", f"priority-{_number(m.group('p') or m.group('po'))}", m)
        else:
            add("policy_area", f"advancement-{_number(m.group('a') or m.group('ao'))}", m)
    for m in _MONTH.finditer(text):
        word = m.group(0)
        if word in _AMBIGUOUS_MONTHS and not _month_ok(norm, original, m):
            continue
        add("month", _MONTHS[word], m)
    found += _japanese_pattern_candidates(text)
    return found


def _japanese_pattern_candidates(text: str) -> list[_Candidate]:
    """Bridges, policy areas, principle articles and months written the Japanese way."""
    found: list[_Candidate] = []

    def add(entity: str, value: str, match: re.Match[str]) -> None:
        found.append(_Candidate(entity, value, match.start(), match.end()))

    for m in _JA_BRIDGE.finditer(text):
        number = _ja_number(m)
        if number in _ROMAN_BY_NUMBER:  # five bridges
            add("bridge", _ROMAN_BY_NUMBER[number], m)
    if _JA_VISION_CONTEXT.search(text):
        for m in _JA_FOUNDATION.finditer(text):
            add("bridge", "Foundation", m)
    for pattern, kind, last in ((_JA_PRIORITY, "priority", 3), (_JA_ADVANCEMENT, "advancement", 4)):
        for m in pattern.finditer(text):
            number = _ja_number(m)
            if number <= last:
                add("policy_area", f"{kind}-{number}", m)
    articles = list(_JA_ARTICLE_NAMED.finditer(text))
    if not _JA_OTHER_ARTICLES.search(text):
        articles += _JA_ARTICLE.finditer(text)
    for m in articles:
        add("article", str(_ja_number(m)), m)
    for m in _JA_MONTH.finditer(text):
        add("month", MONTHS[int(m.group("m")) - 1], m)
    return found


def _bridge_one_ok(norm: _Normalised, original: str, end: int) -> bool:
    """"bridge I" is bridge one, "the bridge I mentioned" is not: a lower-case word may not follow."""
    rest = original[norm.span(end - 1, end)[1] :]
    follower = re.match(r"\s+([A-Za-z]+)", rest)
    return follower is None or not follower.group(1)[0].islower() or follower.group(1) in {
        "and",
        "or",
    }


def _month_ok(norm: _Normalised, original: str, m: re.Match[str]) -> bool:
    """"May I ask" is no month; "in May", "May 2011", "May Day", "Jan." are."""
    text = norm.text
    before, after = text[: m.start()], text[m.end() :]
    if _MONTH_CONTEXT_BEFORE.search(before) or _NUMBER_BEFORE.search(before):
        return True
    if _NUMBER_AFTER.match(after):
        return True
    word = m.group(0)
    if word in {"jan", "mar"}:
        return after.startswith(".")
    start, _ = norm.span(m.start(), m.end())
    if not original[start].isupper():
        return False
    preceding = original[:start].rstrip()
    sentence_start = not preceding or preceding[-1] in ".!?:;\"“(" or preceding.endswith("\n")
    return not sentence_start


# --------------------------------------------------------------------------- Japanese script

# Ignored when comparing Japanese aliases: spaces ("芳野 友子", "UA ゼンセン") and the middle dot
# (電機・電子 written 電機電子; NFKC already turned the half-width ･ into ・).
_JAPANESE_IGNORED = frozenset("・")
_SMALL_KANA = frozenset("ぁぃぅぇぉゃゅょゎァィゥェォャュョヮ")


def is_japanese_alias(text: str) -> bool:
    """True for aliases the character-level matcher handles: any wide (Japanese) character."""
    return _has_cjk(unicodedata.normalize("NFKC", text))


def _fold_char(char: str) -> str:
    """One NFKC character as the Japanese matcher compares it ("" when ignored)."""
    if char.isspace() or char in _JAPANESE_IGNORED:
        return ""
    lower = char.lower()
    return lower if len(lower) == 1 else char


def fold_japanese(text: str) -> str:
    """The form Japanese aliases are compared in: NFKC (ＪＲ連合 -> jr連合, ｾﾞﾝｾﾝ -> ゼンセン),
    Latin lower-cased, spaces and ・ dropped. Hiragana and katakana stay distinct."""
    return "".join(_fold_char(c) for c in normalise_with_offsets(text).text)


def _is_katakana(char: str) -> bool:
    """Katakana letters and the long-vowel mark ー, not the middle dot ・."""
    return "\u30a1" <= char <= "\u30fa" or char == "ー" or "\u31f0" <= char <= "\u31ff"


def _is_kana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f" or _is_katakana(char)


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _boundaries_ok(text: str, first: int, last: int) -> bool:
    """May the NFKC characters ``text[first..last]`` be a word of their own?

    Japanese has no spaces, so kanji and hiragana aliases match anywhere (longest wins later);
    but a Latin or katakana alias must not cut a word of its own script in two ("バス" is not
    inside "バスタオル", "JP労組" not inside "XJP労組"), and a kana alias must not end before a
    small kana, which belongs to its last syllable ("こうち" is not inside "こうちょう").
    """
    before = text[first - 1] if first > 0 else ""
    after = text[last + 1] if last + 1 < len(text) else ""
    if before and _same_word(before, text[first]):
        return False
    if after and _same_word(text[last], after):
        return False
    return not (after in _SMALL_KANA and _is_kana(text[last]))


def _same_word(left: str, right: str) -> bool:
    """Two adjacent characters of one Latin or one katakana word."""
    return (_is_latin(left) and _is_latin(right)) or (_is_katakana(left) and _is_katakana(right))


class _JapaneseMatcher:
    """Every occurrence of every Japanese alias in a text, on its width-folded form.

    Aliases are indexed by their first character, so a message costs one dictionary look-up
    per character plus a ``startswith`` per alias sharing that character; overlapping hits are
    all reported and left to the linker's selection.
    """

    def __init__(self, aliases: Iterable[_Alias]) -> None:
        self._by_first: dict[str, list[_Alias]] = defaultdict(list)
        for alias in sorted(aliases, key=lambda a: (-len(a.key), a.key)):
            self._by_first[alias.key[0]].append(alias)

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, text: str) -> list[tuple[int, int, _Alias]]:
        """``(start, end, alias)`` for each hit; ``start``/``end`` index the original ``text``."""
        norm = normalise_with_offsets(text)
        folded: list[str] = []
        where: list[int] = []  # index in norm.text of each folded character
        for index, char in enumerate(norm.text):
            f = _fold_char(char)
            if f:
                folded.append(f)
                where.append(index)
        compact = "".join(folded)
        found = []
        for i, char in enumerate(compact):
            for alias in self._by_first.get(char, ()):
                if compact.startswith(alias.key, i):
                    first, last = where[i], where[i + len(alias.key) - 1]
                    if _boundaries_ok(norm.text, first, last):
                        found.append((norm.starts[first], norm.ends[last], alias))
        return found


# --------------------------------------------------------------------------- the linker


@dataclass(frozen=True)
class _Alias:
    """A normalised alias text resolved to one value (``entity`` None when ambiguous)."""

    key: str
    entity: Optional[str]
    value: Optional[str]
    max_distance: int


class EntityLinker:
    """Links message text to knowledge-base values; build once, call ``link`` per message."""

    def __init__(
        self,
        aliases: Iterable[AliasEntry],
        *,
        fuzzy_entities: Collection[str] = DEFAULT_FUZZY_ENTITIES,
        priority: Sequence[str] = DEFAULT_PRIORITY,
        multi_value_entities: Collection[str] = DEFAULT_MULTI_VALUE_ENTITIES,
        protected_words: Collection[str] = DEFAULT_PROTECTED_WORDS,
    ) -> None:
        import spacy
        from spacy.lang.en.stop_words import STOP_WORDS
        from spacy.matcher import PhraseMatcher

        self._nlp = spacy.blank("en")
        self._stop_words = frozenset(STOP_WORDS)
        self._protected = frozenset(normalise(w) for w in protected_words)
        self._fuzzy_entities = frozenset(fuzzy_entities)
        self._multi_value = frozenset(multi_value_entities)
        self._rank = {entity: i for i, entity in enumerate(priority)}

        english: list[AliasEntry] = []
        japanese: list[AliasEntry] = []
        for entry in aliases:
            (japanese if is_japanese_alias(entry.text) else english).append(entry)
        grouped = self._group(english)
        self._aliases: dict[str, _Alias] = {
            key: self._resolve(key, by_entity) for key, by_entity in grouped.items()
        }
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._by_match_id: dict[int, _Alias] = {}
        for key, alias in self._aliases.items():
            self._matcher.add(key, [self._nlp.make_doc(key)])
            self._by_match_id[self._nlp.vocab.strings[key]] = alias
        # Japanese script: no spaces to tokenise on, so aliases are found character by character.
        self._japanese = _JapaneseMatcher(
            replace(self._resolve(key, by_entity), max_distance=0)
            for key, by_entity in self._group_japanese(japanese).items()
        )
        # Readings of Japanese organisation names, for homophone slips; built on first use.
        self._reading_sources = [
            e for e in japanese if e.entity in READING_ENTITIES and _KANJI.search(e.text)
            and not _LATIN.search(e.text)
        ]
        self._by_reading: Optional[dict[str, _Alias]] = None
        # Symmetric-deletion index (as in SymSpell): a typo within k edits of an alias shares a
        # string with it after at most k deletions on each side, so lookups are dict hits.
        fuzzy = [
            a
            for a in self._aliases.values()
            if (a.entity in self._fuzzy_entities or _is_compound_role(a))
            and a.max_distance
            and a.key.count(" ") < _FUZZY_MAX_TOKENS
        ]
        self._fuzzy_index: dict[str, list[_Alias]] = defaultdict(list)
        for alias in fuzzy:
            for deleted in _deletes(alias.key, alias.max_distance):
                self._fuzzy_index[deleted].append(alias)
        self._fuzzy_first_chars = frozenset(a.key[0] for a in fuzzy)
        self._max_fuzzy_chars = max((len(a.key) + a.max_distance for a in fuzzy), default=0)

    # ----------------------------------------------------------------- building

    def _group(self, aliases: Iterable[AliasEntry]) -> dict[str, dict[str, list[str]]]:
        """Normalised alias text -> entity -> values, in the order given."""
        grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for alias in aliases:
            for key in self._keys(alias.text):
                values = grouped[key][alias.entity]
                if alias.value not in values:
                    values.append(alias.value)
        return grouped

    @staticmethod
    def _group_japanese(aliases: Iterable[AliasEntry]) -> dict[str, dict[str, list[str]]]:
        """Folded Japanese alias text -> entity -> values, in the order given."""
        grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for alias in aliases:
            key = fold_japanese(alias.text)
            if key:
                values = grouped[key][alias.entity]
                if alias.value not in values:
                    values.append(alias.value)
        return grouped

    def _keys(self, text: str) -> list[str]:
        """The alias as tokens joined by one space, without a leading "the", and spaceless."""
        doc = self._nlp.make_doc(normalise(text))
        tokens = [t.text for t in doc if not t.is_space]
        if not tokens:
            return []
        keys = [" ".join(tokens)]
        if len(tokens) > 2 and tokens[0] == "the":
            keys.append(" ".join(tokens[1:]))  # "The Federation of ..." typed without "The"
        if len(tokens) > 1 and all(t.isalnum() for t in tokens):
            compact = "".join(tokens)
            if len(compact) >= 4:
                keys.append(compact)
        return keys

    def _resolve(self, key: str, by_entity: dict[str, list[str]]) -> _Alias:
        """Pick the value an alias stands for; ambiguity links nothing (but still blocks)."""
        if BLOCKED in by_entity:
            return _Alias(key, None, None, 0)
        usable: list[tuple[str, str]] = []
        for entity, values in by_entity.items():
            if len(values) == 1 or entity in self._multi_value:
                usable.append((entity, values[0]))
        if not usable:
            return _Alias(key, None, None, 0)
        entity, value = min(usable, key=lambda ev: self._rank.get(ev[0], len(self._rank)))
        return _Alias(key, entity, value, _max_distance(len(key)))

    # ----------------------------------------------------------------- linking

    def link(self, text: str) -> list[LinkedEntity]:
        """Entities in ``text``, ordered by position, never overlapping."""
        if not text or not text.strip():
            return []
        norm = _normalise_with_map(text)
        if not norm.text:
            return []
        doc = self._nlp.make_doc(norm.text)
        exact = self._exact_candidates(doc, norm) + _pattern_candidates(norm, text)
        if self._japanese and not text.isascii():
            japanese = self._japanese_candidates(text, norm)
            exact += japanese
            if _KANJI.search(text):
                exact += self._reading_candidates(text, norm, japanese)
        chosen = _select(exact)
        chosen = self._add_fuzzy(doc, chosen)
        results = []
        for cand in sorted(chosen, key=lambda c: c.start):
            if cand.entity is None or cand.value is None:
                continue
            start, end = cand.original or norm.span(cand.start, cand.end)
            score = 1.0
            if cand.distance:
                score = round(1.0 - cand.distance / max(cand.length, 1), 3)
            results.append(
                LinkedEntity(cand.entity, cand.value, start, end, text[start:end], score)
            )
        return results

    def _exact_candidates(self, doc: Doc, norm: _Normalised) -> list[_Candidate]:
        """Phrase-matcher hits (aliases in Latin script)."""
        found = []
        for match_id, start, end in self._matcher(doc):
            alias = self._by_match_id[match_id]
            span = doc[start:end]
            found.append(
                _Candidate(alias.entity, alias.value, span.start_char, span.end_char)
            )
        return found

    def _japanese_candidates(self, text: str, norm: _Normalised) -> list[_Candidate]:
        """Hits of aliases in Japanese script, placed on the normalised text for ``_select``.

        The character matcher reports spans of the original text; the candidates keep them
        (``original``) and are compared with the others on the normalised text, whose
        characters remember their original index.
        """
        found = []
        for start, end, alias in self._japanese.find(text):
            cand = _placed(norm, start, end, alias)
            if cand:
                found.append(cand)
        return found

    def _readings(self) -> dict[str, _Alias]:
        """Katakana reading -> organisation alias; a reading two names share links neither."""
        if self._by_reading is None:
            from knowledge.reading import reading

            values: dict[str, set[tuple[str, str]]] = defaultdict(set)
            for entry in self._reading_sources:
                kana = _fold_gemination(reading(entry.text))
                if len(kana) >= _MIN_READING_KANA:
                    values[kana].add((entry.entity, entry.value))
            self._by_reading = {
                kana: _Alias(kana, *next(iter(pairs)), max_distance=1)
                for kana, pairs in values.items()
                if len(pairs) == 1
            }
        return self._by_reading

    def _reading_candidates(
        self, text: str, norm: _Normalised, japanese: list[_Candidate]
    ) -> list[_Candidate]:
        """Runs of words that read like an organisation's name (電気連合 reads デンキレンゴウ,
        as 電機連合 does), with kanji in them and no name found there by its characters.
        They count as one-edit typos: exact matches of the same length win."""
        by_reading = self._readings()
        if not by_reading:
            return []
        from knowledge.reading import readings

        taken = [c.original for c in japanese if c.original and c.entity in READING_ENTITIES]
        words = readings(text)
        found = []
        for i, first in enumerate(words):
            kana = ""
            for last in words[i : i + _MAX_READING_WORDS]:
                kana += last.kana
                alias = by_reading.get(_fold_gemination(kana))
                if alias is None:
                    continue
                start, end = first.start, last.end
                if not _KANJI.search(text[start:end]):
                    continue  # kana typed as such is matched by the kana aliases, exactly
                if any(s < end and start < e for s, e in taken):
                    continue
                cand = _placed(norm, start, end, alias, distance=1)
                if cand:
                    found.append(cand)
        return found

    def _add_fuzzy(self, doc: Doc, chosen: list[_Candidate]) -> list[_Candidate]:
        """Fill the gaps left by exact matches with typo-tolerant matches of proper names."""
        fuzzy = sorted(
            self._fuzzy_candidates(doc), key=lambda c: (-c.length, c.distance, c.start)
        )
        for cand in fuzzy:
            overlapping = [c for c in chosen if c.start < cand.end and cand.start < c.end]
            # A longer fuzzy match may absorb exact matches it contains when they agree with it
            # ("denki" inside "denki rengu"), were ambiguous on their own, or are of a weaker
            # type ("jr" the industry inside "jr rengu" the union).
            if all(
                cand.start <= c.start
                and c.end <= cand.end
                and c.length < cand.length
                and c.distance == 0
                and self._absorbable(c, cand)
                for c in overlapping
            ):
                chosen = [c for c in chosen if c not in overlapping] + [cand]
        return chosen

    def _absorbable(self, inner: _Candidate, outer: _Candidate) -> bool:
        """May a fuzzy match ``outer`` replace the exact match ``inner`` it contains?"""
        if inner.entity is None or (inner.entity, inner.value) == (outer.entity, outer.value):
            return True
        if inner.entity not in self._rank or outer.entity not in self._rank:
            return False  # patterns (years, articles, ...) are never overridden
        return self._rank[inner.entity] > self._rank[str(outer.entity)]

    def _fuzzy_candidates(self, doc: Doc) -> list[_Candidate]:
        """Runs of 1-3 Latin words (not starting or ending in a stop word) near a name."""
        found = []
        n = len(doc)
        for i in range(n):
            first = doc[i]
            if not _fuzzy_token(first) or first.lower_ in self._stop_words:
                continue
            if first.lower_[0] not in self._fuzzy_first_chars:
                continue
            parts: list[str] = []
            for j in range(i, min(n, i + _FUZZY_MAX_TOKENS)):
                token = doc[j]
                if j > i and (not _fuzzy_token(token) or not doc[j - 1].whitespace_):
                    break
                parts.append(token.lower_)
                if token.lower_ in self._stop_words:
                    continue
                phrase = " ".join(parts)
                if len(phrase) > self._max_fuzzy_chars:
                    break
                if len(phrase) < _MIN_FUZZY_CHARS or phrase in self._aliases:
                    continue
                if phrase in self._protected:
                    continue
                best = self._closest(phrase)
                if best is not None:
                    alias, distance = best
                    found.append(
                        _Candidate(
                            alias.entity, alias.value, first.idx, token.idx + len(token), distance
                        )
                    )
        return found

    def _closest(self, phrase: str) -> Optional[tuple[_Alias, int]]:
        """The unique nearest fuzzy alias within its edit budget, if any."""
        depth = 2 if len(phrase) >= 7 else 1
        seen: dict[str, _Alias] = {}
        for deleted in _deletes(phrase, depth):
            for alias in self._fuzzy_index.get(deleted, ()):
                seen[alias.key] = alias
        best: list[tuple[int, _Alias]] = []
        for alias in seen.values():
            if alias.key[0] != phrase[0]:
                continue  # typos in the first letter are rare; requiring it halves false hits
            distance = damerau_levenshtein(phrase, alias.key, alias.max_distance)
            if 0 < distance <= alias.max_distance:
                best.append((distance, alias))
        if not best:
            return None
        low = min(d for d, _ in best)
        values = {(a.entity, a.value) for d, a in best if d == low}
        if len(values) != 1:
            return None
        alias = next(a for d, a in best if d == low)
        return alias, low


def _placed(
    norm: _Normalised, start: int, end: int, alias: _Alias, distance: int = 0
) -> Optional[_Candidate]:
    """A candidate for the original span ``[start, end)``, on the normalised text's offsets."""
    first = bisect_left(norm.origin, start)
    last = bisect_left(norm.origin, end)
    while first < last and norm.text[first] == " ":
        first += 1
    while last > first and norm.text[last - 1] == " ":
        last -= 1
    if first >= last:
        return None
    return _Candidate(alias.entity, alias.value, first, last, distance, original=(start, end))


def _is_compound_role(alias: _Alias) -> bool:
    """Several-word role titles ("vice presidents") are no ordinary words: typos there are
    corrected, while "president" alone stays exact so "residents" never becomes a role."""
    return alias.entity == "role" and " " in alias.key


def _fuzzy_token(token: Token) -> bool:
    """Only Latin words are worth correcting (names are typed in romaji)."""
    return bool(token.is_alpha) and token.text.isascii()


def _is_wide(char: str) -> bool:
    """Japanese (and other East Asian wide) script, after NFKC folded full-width Latin."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _has_cjk(text: str) -> bool:
    return any(_is_wide(c) for c in text)


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Greedy non-overlapping choice: longest first, then leftmost, linked before ambiguous."""
    ordered = sorted(candidates, key=lambda c: (-c.length, c.start, c.entity is None))
    chosen: list[_Candidate] = []
    for cand in ordered:
        if all(cand.end <= c.start or c.end <= cand.start for c in chosen):
            chosen.append(cand)
    return chosen
