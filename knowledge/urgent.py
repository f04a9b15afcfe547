"""Spot messages that speak of suicide, self-harm, violence or immediate danger.

The bot must answer such a message with emergency numbers before anything else,
so this check runs on every message, before NLU has any say. It is a pattern
matcher on purpose: predictable, fast, explainable to consultation staff ("this
phrase triggered it"), and fixed by the curated list in
``knowledge/curated/urgent_patterns.yml`` rather than by a model that may drift
after retraining. That file's header explains the design.

Missing an urgent message is far worse than a false alarm, so cues are broad
and an idiom only cancels a *weak* cue it overlaps: "this overtime is killing
me" is ordinary, "this overtime is killing me and I want to die" is not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import yaml

from knowledge.normalize import Normalised, normalise_with_offsets

#: Kinds from most to least urgent; :meth:`UrgentDetector.detect` reports the first that matches.
KINDS: Tuple[str, ...] = ("suicide", "self_harm", "violence", "danger")

DEFAULT_PATH = Path(__file__).resolve().parent / "curated" / "urgent_patterns.yml"

# Apostrophes are dropped rather than unified, so "don't", "dont" and "don’t"
# all read "dont" and patterns need not spell out each variant.
_APOSTROPHES = frozenset("'\u2018\u2019\u201b\u02bc\u02bb\u0060\u00b4\u2032\uff07")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_MACRO = re.compile(r"\{\{(\w+)\}\}")
# Kana, CJK ideographs and their punctuation (after NFKC, half-width kana are full-width).
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True)
class UrgentMatch:
    """The cue that made a message urgent; ``start``/``end`` index the original text."""

    kind: str
    phrase: str
    start: int
    end: int


def normalise(text: str) -> Normalised:
    """NFKC, casefold, no apostrophes, single spaces, "dieeee" -> "die"; keeps offsets.

    People type on phones and Japanese IMEs: full-width Latin ("ｄｉｅ"), half-width
    katakana, curly apostrophes, stretched letters. Patterns are written once,
    against this form, and offsets still point into what the user wrote.
    """
    width = normalise_with_offsets(text)  # NFKC by cluster: "ｶﾞ" -> "ガ", offsets kept
    chars: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    for folded, start, end in zip(width.text, width.starts, width.ends):
        for ch in folded.casefold():
            if ch in _APOSTROPHES or ch in _INVISIBLE:
                continue
            if ch in _DASHES:
                ch = "-"
            elif ch.isspace():
                if not chars or chars[-1] == " ":
                    continue
                ch = " "
            chars.append(ch)
            starts.append(start)
            ends.append(end)
    if chars and chars[-1] == " ":
        del chars[-1], starts[-1], ends[-1]
    # No English word has one letter three times running: "dieeee" is "die".
    out, out_starts, out_ends = [], [], []
    k = 0
    while k < len(chars):
        run = k + 1
        while run < len(chars) and chars[run] == chars[k]:
            run += 1
        if "a" <= chars[k] <= "z" and run - k >= 3:
            out.append(chars[k])
            out_starts.append(starts[k])
            out_ends.append(ends[run - 1])
        else:
            out.extend(chars[k:run])
            out_starts.extend(starts[k:run])
            out_ends.extend(ends[k:run])
        k = run
    return Normalised("".join(out), tuple(out_starts), tuple(out_ends))


@dataclass(frozen=True)
class _Cue:
    kind: str
    rank: int  # position of kind in KINDS; idioms have len(KINDS)
    strong: bool
    source: str  # the phrase or pattern as written in the YAML, for messages
    regex: re.Pattern[str]
    japanese: bool  # written in kana/kanji: cannot match text without them, and vice versa


_Subset = Tuple[Tuple[_Cue, ...], Tuple[_Cue, ...]]


class _Rules:
    """Compiled cues (ordered by kind rank, strong before weak) and idioms."""

    def __init__(self, cues: Tuple[_Cue, ...], idioms: Tuple[_Cue, ...]) -> None:
        self.cues = cues
        self.idioms = idioms
        self._by_script: Dict[bool, _Subset] = {
            flag: (tuple(c for c in cues if c.japanese == flag), tuple(i for i in idioms if i.japanese == flag))
            for flag in (True, False)
        }

    def applicable(self, text: str) -> _Subset:
        """Cues and idioms worth running on ``text``: a message in one script skips the other's."""
        japanese = _CJK.search(text) is not None
        if japanese and _LATIN.search(text) is not None:
            return self.cues, self.idioms
        return self._by_script[japanese]


def _phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: any run of spaces, whole words at Latin edges."""
    words = normalise(phrase).text.split(" ")
    body = r"\s+".join(re.escape(w) for w in words if w)
    if not body:
        raise ValueError(f"empty phrase: {phrase!r}")
    first, last = body[0], body[-1]
    left = r"\b" if first.isascii() and first.isalnum() else ""
    right = r"\b" if last.isascii() and last.isalnum() else ""
    return f"{left}{body}{right}"


def _expand(pattern: str, vocabulary: Mapping[str, str]) -> str:
    """Replace ``{{name}}`` with the vocabulary's non-capturing group."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in vocabulary:
            raise ValueError(f"unknown vocabulary {{{{{name}}}}} in pattern {pattern!r}")
        return f"(?:{vocabulary[name]})"

    return _MACRO.sub(replace, pattern)


def _compile(source: str, *, literal: bool, vocabulary: Mapping[str, str]) -> re.Pattern[str]:
    if literal:
        expression = _phrase_regex(source)
    else:
        if any(ch in _APOSTROPHES for ch in source):
            raise ValueError(f"pattern {source!r} has an apostrophe; text is matched without them")
        expression = _expand(source, vocabulary)
    try:
        return re.compile(expression, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"bad pattern {source!r}: {error}") from None


def _entries(block: Any, where: str) -> Tuple[List[str], List[str]]:
    """``phrases`` and ``patterns`` lists of one YAML block (either may be absent)."""
    if block is None:
        return [], []
    if not isinstance(block, dict) or set(block) - {"phrases", "patterns"}:
        raise ValueError(f"{where}: expected a mapping with 'phrases' and/or 'patterns'")
    phrases = [str(p) for p in block.get("phrases") or []]
    patterns = [str(p) for p in block.get("patterns") or []]
    return phrases, patterns


def _parse(document: Mapping[str, Any]) -> _Rules:
    """Compile the YAML document; fails loudly on unknown kinds or bad patterns."""
    vocabulary = {str(k): str(v) for k, v in (document.get("vocabulary") or {}).items()}
    kinds = document.get("kinds") or {}
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; expected some of {list(KINDS)}")
    cues: List[_Cue] = []
    for kind in KINDS:
        block = kinds.get(kind) or {}
        if set(block) - {"strong", "weak"}:
            raise ValueError(f"kinds.{kind}: expected 'strong' and/or 'weak'")
        for strength in ("strong", "weak"):
            phrases, patterns = _entries(block.get(strength), f"kinds.{kind}.{strength}")
            for text, literal in [(p, True) for p in phrases] + [(p, False) for p in patterns]:
                cues.append(_cue(kind, strength == "strong", text, literal, vocabulary))
    phrases, patterns = _entries(document.get("not_urgent"), "not_urgent")
    idioms = tuple(
        _cue("not_urgent", False, text, literal, vocabulary)
        for text, literal in [(p, True) for p in phrases] + [(p, False) for p in patterns]
    )
    return _Rules(tuple(cues), idioms)


def _cue(kind: str, strong: bool, source: str, literal: bool, vocabulary: Mapping[str, str]) -> _Cue:
    regex = _compile(source, literal=literal, vocabulary=vocabulary)
    japanese = bool(_CJK.search(source))
    if not japanese and not _LATIN.search(re.sub(r"\\.", "", source.lower())):
        raise ValueError(f"{source!r} has neither Japanese nor Latin letters to match")
    rank = KINDS.index(kind) if kind in KINDS else len(KINDS)
    return _Cue(kind, rank, strong, source, regex, japanese)


@lru_cache(maxsize=8)
def _load(path: str) -> _Rules:
    """Read and compile a pattern file once per process (and per path, for tests)."""
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    return _parse(document)


class UrgentDetector:
    """Finds the most urgent cue in a message, or None.

    The pattern file is read on the first :meth:`detect`, not at construction or
    import, and compiled once per process however many detectors are created.
    """

    def __init__(self, path: Union[str, Path, None] = None) -> None:
        self._path = str(path or DEFAULT_PATH)

    @property
    def rules(self) -> _Rules:
        return _load(self._path)

    def detect(self, text: str) -> Optional[UrgentMatch]:
        """The strongest cue: kinds ranked suicide > self_harm > violence > danger,
        then strong cues before weak ones, then the earliest in the message."""
        if not text or not text.strip():
            return None
        norm = normalise(text)
        cues, idioms = self.rules.applicable(norm.text)
        idiom_spans: Dict[int, List[Tuple[int, int]]] = {}  # filled lazily: most messages need none
        best: Optional[Tuple[int, int, int, re.Match[str], _Cue]] = None
        for cue in cues:
            level = 0 if cue.strong else 1
            if best is not None and (cue.rank, level) > best[:2]:
                break  # cues are ordered by kind, then strength: nothing later can win
            for match in cue.regex.finditer(norm.text):
                if match.end() == match.start():
                    continue
                if not cue.strong and _in_idiom(match, idioms, norm.text, idiom_spans):
                    continue
                key = (cue.rank, level, match.start())
                if best is None or key < best[:3]:
                    best = (*key, match, cue)
                break  # the first surviving match is this cue's earliest
        if best is None:
            return None
        match, cue = best[3], best[4]
        start, end = norm.span(match.start(), match.end())
        return UrgentMatch(cue.kind, text[start:end], start, end)


def _in_idiom(
    match: re.Match[str], idioms: Tuple[_Cue, ...], text: str, spans: Dict[int, List[Tuple[int, int]]]
) -> bool:
    """Whether an idiom overlaps the match; each idiom runs at most once per message."""
    start, end = match.span()
    for index, idiom in enumerate(idioms):
        found = spans.get(index)
        if found is None:
            found = spans[index] = [m.span() for m in idiom.regex.finditer(text)]
        if any(s < end and start < e for s, e in found):
            return True
    return False


@lru_cache(maxsize=1)
def default_detector() -> UrgentDetector:
    """The detector over the curated pattern file, shared by the process."""
    return UrgentDetector()


def detect_urgent(text: str) -> Optional[UrgentMatch]:
    """Shortcut for ``default_detector().detect(text)``."""
    return default_detector().detect(text)


__all__: List[str] = [
    "KINDS",
    "DEFAULT_PATH",
    "UrgentMatch",
    "UrgentDetector",
    "Normalised",
    "normalise",
    "default_detector",
    "detect_urgent",
]
