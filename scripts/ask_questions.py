#!/usr/bin/env python3
"""Ask the running bot every question in tests/questions/questions.yml and score its replies.

Each question (or multi-turn conversation) is sent over Rasa's REST channel with a fresh
random sender id, so no conversation leaks into another. A question counts as answered
correctly when every turn's reply contains all of `expect` (an item that is a list of
strings: any one of them), at least one of `expect_any`, none of `forbid`, and, when the
turn has `refuse`, the refusal it asks for:
  refuse: unknown | not_found | out_of_scope, or a list of them (any one will do): the reply
      holds a refusal phrase of that kind IN THE REPLY'S LANGUAGE (Japanese when the reply
      has a Japanese letter, otherwise English; see REFUSALS);
  refuse: none: the reply holds no refusal phrase of any kind in any language.
The same file format serves the English set (tests/questions/questions.yml) and the
Japanese one (tests/questions_ja/questions_ja.yml). With --grounding, every 4-digit number, phone-like number, URL and
ALL-CAPS word of 3+ letters in a reply must also occur in the knowledge sources
(knowledge/sources/*.txt with RENGU/RENO read as RENGO, knowledge/curated/*.yml) or the
domain, or in what the user typed; anything else is reported as an ungrounded fact.

Matching is NFKC (ＪＡＭ = JAM), case-insensitive with quotes, dashes and whitespace
normalised; an expected string that starts (ends) with an ASCII letter or digit must start
(end) on a boundary against ASCII letters and digits ([A-Za-z0-9]) only, so "LINE" does not
match "hotline" and "47" does not match "1947" or "470", while Japanese around it is no
letter to it ("1989" matches "1989年", "JAM" matches "JAMの"); a string that starts or ends
with anything else (kana, kanji) is found anywhere ("連合大阪" in "連合大阪です"); a plural
ending is allowed after an ASCII letter ("Vice President" matches "Vice Presidents").

Usage:
  python scripts/ask_questions.py [--url URL] [--file|--questions FILE] [--only ID ...]
                                  [--verbose] [--report PATH] [--min 0.95] [--grounding]
  e.g. --questions tests/questions_ja/questions_ja.yml --min 0.9 --report results/questions_ja.json
Exit status: 0 when the share answered correctly is at least --min, 1 when below it,
2 when the question file or the selection is unusable.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
import time
import unicodedata
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Union

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.normalize import JAPANESE_LETTER  # noqa: E402

DEFAULT_URL = "http://localhost:5005/webhooks/rest/webhook"
DEFAULT_FILE = ROOT / "tests" / "questions" / "questions.yml"

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ",
})


#: The bot's refusal phrases, by the reply's language and kind of refusal: unknown = a fact
#: missing from the knowledge base, not_found = a name that matches nothing, out_of_scope =
#: outside what the bot answers.
REFUSALS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"unknown": ("I don't know",), "not_found": ("couldn't find",),
           "out_of_scope": ("outside what I can answer",)},
    "ja": {"unknown": ("情報がありません",), "not_found": ("見つかりませんでした",),
           "out_of_scope": ("範囲外",)},
}
REFUSAL_KINDS = ("unknown", "not_found", "out_of_scope")
NO_REFUSAL = "none"


# --------------------------------------------------------------------------- question file
#: One `expect` item: a string, or a tuple of alternatives of which one must appear.
Expectation = Union[str, tuple[str, ...]]


@dataclass(frozen=True)
class Turn:
    ask: str
    expect: tuple[Expectation, ...] = ()
    expect_any: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    refuse: tuple[str, ...] = ()  # () = not checked; ("none",) = no refusal; else kinds


@dataclass(frozen=True)
class Question:
    id: str
    turns: tuple[Turn, ...]


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ValueError(f"{where}: '{key}' must be a list of strings")
    return tuple(str(v) for v in value)


def _expectations(value: Any, where: str) -> tuple[Expectation, ...]:
    """`expect`: strings, each of which may instead be a non-empty list of alternatives."""
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"{where}: 'expect' must be a list of strings or lists of strings")
    items: list[Expectation] = []
    for item in value:
        if isinstance(item, (str, int)):
            items.append(str(item))
        elif (isinstance(item, list) and item
              and all(isinstance(v, (str, int)) for v in item)):
            items.append(tuple(str(v) for v in item))
        else:
            raise ValueError(f"{where}: an 'expect' item must be a string or a non-empty list "
                             f"of strings, not {item!r}")
    return tuple(items)


def _refuse(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    kinds = [value] if isinstance(value, str) else value
    allowed = (*REFUSAL_KINDS, NO_REFUSAL)
    if (not isinstance(kinds, list) or not kinds
            or not all(isinstance(k, str) and k in allowed for k in kinds)):
        raise ValueError(f"{where}: 'refuse' must be one of {list(allowed)} or a list of them, "
                         f"not {value!r}")
    if NO_REFUSAL in kinds and len(kinds) > 1:
        raise ValueError(f"{where}: 'refuse: {NO_REFUSAL}' cannot be combined with other kinds")
    return tuple(dict.fromkeys(kinds))


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict) or not isinstance(raw.get("ask"), str) or not raw["ask"].strip():
        raise ValueError(f"{where}: needs a non-empty 'ask'")
    unknown = set(raw) - {"ask", "expect", "expect_any", "forbid", "refuse"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    return Turn(
        ask=raw["ask"],
        expect=_expectations(raw.get("expect"), where),
        expect_any=_strings(raw.get("expect_any"), where, "expect_any"),
        forbid=_strings(raw.get("forbid"), where, "forbid"),
        refuse=_refuse(raw.get("refuse"), where),
    )


def load_questions(path: Path) -> list[Question]:
    """Parse and validate the question file; raise ValueError naming the bad entry."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    items = doc.get("questions") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise ValueError(f"{path}: expected a non-empty 'questions' list")
    questions, seen = [], set()
    for n, item in enumerate(items, 1):
        qid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(qid, str) or not qid:
            raise ValueError(f"{path}: question #{n} has no 'id'")
        if qid in seen:
            raise ValueError(f"{path}: duplicate id {qid!r}")
        seen.add(qid)
        if "conversation" in item:
            if "ask" in item:
                raise ValueError(f"{qid}: has both 'ask' and 'conversation'")
            conv = item["conversation"]
            if not isinstance(conv, list) or not conv:
                raise ValueError(f"{qid}: 'conversation' must be a non-empty list")
            turns = tuple(_turn(t, f"{qid} turn {i}") for i, t in enumerate(conv, 1))
        else:
            turns = (_turn({k: v for k, v in item.items() if k != "id"}, qid),)
        questions.append(Question(qid, turns))
    return questions


def select(questions: list[Question], patterns: list[str] | None) -> list[Question]:
    """Keep questions whose id equals or glob-matches one of the patterns (all when none)."""
    if not patterns:
        return questions
    return [q for q in questions if any(q.id == p or fnmatch.fnmatchcase(q.id, p) for p in patterns)]


# --------------------------------------------------------------------------- matching
def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def contains(reply: str, needle: str) -> bool:
    """True when `needle` occurs in `reply` (see module docstring for the rules).

    Boundaries are checked against ASCII letters and digits only: Japanese has no spaces and
    kana/kanji are word characters to `re`, so a \\w boundary would reject "1989年".
    """
    n = normalise(needle)
    if not n:
        return True
    pattern = re.escape(n)
    if _ascii_alnum(n[0]):
        pattern = r"(?<![A-Za-z0-9])" + pattern
    if _ascii_alnum(n[-1]) and n[-1].isalpha():
        pattern = pattern + r"(?:e?s)?(?![A-Za-z0-9])"  # "Vice President" also matches "Vice Presidents"
    elif _ascii_alnum(n[-1]):
        pattern = pattern + r"(?![A-Za-z0-9])"
    return re.search(pattern, normalise(reply)) is not None


def found(reply: str, item: Expectation) -> bool:
    """True when `item` (a string, or a tuple of alternatives: any one) occurs in `reply`."""
    alternatives = (item,) if isinstance(item, str) else item
    return any(contains(reply, alt) for alt in alternatives)


def language(reply: str) -> str:
    """The reply's language for refusals: "ja" when it has a Japanese letter, else "en"."""
    return "ja" if JAPANESE_LETTER.search(unicodedata.normalize("NFKC", reply)) else "en"


def refusal_phrases(kinds: Iterable[str], lang: str) -> list[str]:
    return [p for kind in kinds for p in REFUSALS[lang][kind]]


def refusals_in(reply: str) -> list[str]:
    """Every refusal phrase, of any kind and language, that occurs in `reply`."""
    return [p for lang in REFUSALS for kind in REFUSAL_KINDS for p in REFUSALS[lang][kind]
            if contains(reply, p)]


# --------------------------------------------------------------------------- grounding
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:org|com|net|jp|io|coop|info)\b(?:/[^\s<>\"'()\[\]]*)?",
    re.IGNORECASE,
)
# Japanese style 0120-154-052, 03-1234-5678, (03) 1234-5678, +81-3-1234-5678, 0120154052.
# Only hyphens and dots join groups, so a run of years ("1989 2011 2016") is not a phone.
_PHONE = re.compile(
    r"(?<![\w.-])(?:\+\d{1,3}[-.])?\d{1,4}(?:[-.]\d{2,4}){2,3}(?![\w-])"
    r"|\(0\d{1,4}\)\s?\d{2,4}-\d{3,4}(?!\d)"
    r"|(?<!\d)0\d{9,10}(?!\d)"
)
_YEARLIKE = re.compile(r"(?<![\d.,])\d{4}(?![\d])")
_CAPS = re.compile(r"(?<![A-Za-z])[A-Z]{3,}(?![A-Za-z])")
# A consultation request's reference number (bot/consultation/validation.py) is
# drawn at random when the request is stored: not a fact, so not checked.
# ASCII boundaries: Japanese writes it between kana (受付番号はRG-RQGK-8ZDHです).
_REFERENCE = re.compile(r"(?<![A-Za-z0-9])RG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}(?![A-Za-z0-9])")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _url_key(url: str) -> str:
    url = url.lower().rstrip(".,;:!?")
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/")


def _phones(text: str) -> list[str]:
    return [m for m in _PHONE.findall(text) if len(_digits(m)) >= 9]


class Grounding:
    """What the bot may state: the knowledge sources, curated facts and the domain."""

    def __init__(self, corpus: str) -> None:
        self.corpus = corpus
        self.lower = corpus.lower()
        self.url_text = " ".join(_url_key(u) for u in _URL.findall(corpus))
        self.phone_digits = {_digits(p) for p in _phones(corpus)}

    @classmethod
    def from_project(cls, root: Path = ROOT, domain: Path | None = None) -> "Grounding":
        parts: list[str] = []
        for path in sorted((root / "knowledge" / "sources").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            text = text.replace("RENGU", "RENGO").replace("Rengu", "Rengo")
            text = re.sub(r"\bRENO\b", "RENGO", text)
            parts.append(text.replace("\\_", "_"))
        for path in sorted((root / "knowledge" / "curated").glob("*.y*ml")):
            parts.append(path.read_text(encoding="utf-8"))
        domains = [domain] if domain else [root / "domain.yml", root / "domain"]
        for d in domains:
            if d.is_dir():
                parts.extend(p.read_text(encoding="utf-8") for p in sorted(d.rglob("*.y*ml")))
            elif d.is_file():
                parts.append(d.read_text(encoding="utf-8"))
        if not parts:
            raise ValueError(f"no knowledge sources found under {root}")
        return cls("\n".join(parts))

    def violations(self, reply: str, also_allowed: Iterable[str] = ()) -> list[str]:
        """Facts in `reply` found in neither the corpus nor `also_allowed` (what the user typed)."""
        extra = Grounding("\n".join(also_allowed)) if also_allowed else None
        found: list[str] = []

        def known(check) -> bool:
            return check(self) or (extra is not None and check(extra))

        text = unicodedata.normalize("NFKC", reply).translate(_QUOTES)
        text = _REFERENCE.sub(" ", text)
        for url in _URL.findall(text):
            key = _url_key(url)
            if not known(lambda g: key in g.url_text or key in g.lower):
                found.append(f"URL {url}")
        text = _URL.sub(" ", text)
        for phone in _phones(text):
            if not known(lambda g: _digits(phone) in g.phone_digits):
                found.append(f"phone {phone}")
            text = text.replace(phone, " ")
        for number in _YEARLIKE.findall(text):
            pat = re.compile(rf"(?<!\d){number}(?!\d)")
            if not known(lambda g: pat.search(g.corpus) is not None):
                found.append(f"number {number}")
        for word in _CAPS.findall(text):
            pat = re.compile(rf"(?<![a-z]){word.lower()}(?![a-z])")
            if not known(lambda g: pat.search(g.lower) is not None):
                found.append(f"word {word}")
        return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- talking to the bot
class BotError(Exception):
    pass


def send(url: str, sender: str, message: str, timeout: float) -> str:
    """POST one message; return the reply texts and button titles joined by newlines."""
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8") or "[]")
    except urllib.error.HTTPError as exc:
        raise BotError(f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise BotError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from exc
    except json.JSONDecodeError as exc:
        raise BotError(f"reply is not JSON: {exc}") from exc
    if not isinstance(payload, list):
        raise BotError(f"reply is not a list: {str(payload)[:200]}")
    parts: list[str] = []
    for item in payload:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("text"), str):
            parts.append(item["text"])
        for button in item.get("buttons") or []:
            if isinstance(button, dict) and isinstance(button.get("title"), str):
                parts.append(button["title"])
    return "\n".join(parts)


# --------------------------------------------------------------------------- scoring
@dataclass
class TurnResult:
    ask: str
    reply: str = ""
    missing: list[str] = field(default_factory=list)
    expect_any_missing: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    refusal_missing: list[str] = field(default_factory=list)  # phrases, one of which was due
    refusals_present: list[str] = field(default_factory=list)  # found despite `refuse: none`
    language: str = ""
    ungrounded: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not (self.missing or self.expect_any_missing or self.forbidden
                    or self.refusal_missing or self.refusals_present
                    or self.ungrounded or self.error)


@dataclass
class QuestionResult:
    id: str
    sender: str
    turns: list[TurnResult]
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "passed": self.passed, "sender": self.sender,
                "seconds": round(self.seconds, 3),
                "turns": [dict(asdict(t), passed=t.passed) for t in self.turns]}


def check(turn: Turn, reply: str) -> TurnResult:
    result = TurnResult(ask=turn.ask, reply=reply, language=language(reply))
    result.missing = [e if isinstance(e, str) else list(e)
                      for e in turn.expect if not found(reply, e)]
    if turn.expect_any and not any(contains(reply, e) for e in turn.expect_any):
        result.expect_any_missing = list(turn.expect_any)
    result.forbidden = [f for f in turn.forbid if contains(reply, f)]
    if turn.refuse == (NO_REFUSAL,):
        result.refusals_present = refusals_in(reply)
    elif turn.refuse:
        wanted = refusal_phrases(turn.refuse, result.language)
        if not any(contains(reply, p) for p in wanted):
            result.refusal_missing = wanted
    return result


def run_question(question: Question, url: str, timeout: float,
                 grounding: Grounding | None = None) -> QuestionResult:
    sender = f"ask-{uuid.uuid4().hex}"
    started = time.monotonic()
    turns: list[TurnResult] = []
    typed: list[str] = []
    for turn in question.turns:
        typed.append(turn.ask)
        try:
            reply = send(url, sender, turn.ask, timeout)
        except BotError as exc:
            turns.append(TurnResult(ask=turn.ask, error=str(exc)))
            continue
        result = check(turn, reply)
        if grounding is not None:
            result.ungrounded = grounding.violations(reply, typed)
        turns.append(result)
    return QuestionResult(question.id, sender, turns, time.monotonic() - started)


def describe_failure(result: QuestionResult) -> str:
    lines = [f"FAIL {result.id}"]
    for n, t in enumerate(result.turns, 1):
        if t.passed and len(result.turns) > 1:
            lines.append(f"  turn {n} ok: {t.ask!r}")
            continue
        prefix = f"  turn {n}: " if len(result.turns) > 1 else "  "
        lines.append(f"{prefix}asked:  {t.ask!r}")
        if t.error:
            lines.append(f"    error: {t.error}")
            continue
        lines.append("    reply:  " + (t.reply.replace("\n", "\n            ") or "(no reply)"))
        if t.missing:
            lines.append(f"    missing: {t.missing}")
        if t.expect_any_missing:
            lines.append(f"    none of: {t.expect_any_missing}")
        if t.forbidden:
            lines.append(f"    forbidden present: {t.forbidden}")
        if t.refusal_missing:
            lines.append(f"    no refusal in the reply's language ({t.language}): "
                         f"none of {t.refusal_missing}")
        if t.refusals_present:
            lines.append(f"    refusal present: {t.refusals_present}")
        if t.ungrounded:
            lines.append(f"    not in the knowledge base: {t.ungrounded}")
    return "\n".join(lines)


def _progress(n: int, total: int, result: QuestionResult, verbose: bool, stream) -> None:
    if verbose:
        status = "ok  " if result.passed else "FAIL"
        print(f"[{n}/{total}] {status} {result.id} ({result.seconds:.2f}s)", file=stream)
        for t in result.turns:
            print(f"    > {t.ask}", file=stream)
            shown = t.error or t.reply or "(no reply)"
            print("    < " + shown.replace("\n", "\n      "), file=stream)
    elif stream.isatty():
        print(f"\r[{n}/{total}] {result.id[:50]:50}", end="" if n < total else "\n",
              file=stream, flush=True)
    elif n % 25 == 0 or n == total:
        print(f"[{n}/{total}]", file=stream, flush=True)


def main(argv: list[str] | None = None, out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help=f"REST webhook (default {DEFAULT_URL})")
    parser.add_argument("--file", "--questions", dest="file", type=Path, default=DEFAULT_FILE,
                        help="question file (default tests/questions/questions.yml; the Japanese "
                             "set is tests/questions_ja/questions_ja.yml)")
    parser.add_argument("--only", action="append", metavar="ID",
                        help="run only this id or glob (repeatable), e.g. --only 'leader-*'")
    parser.add_argument("--verbose", "-v", action="store_true", help="show every reply")
    parser.add_argument("--report", type=Path, help="write per-question results as JSON here")
    parser.add_argument("--min", type=float, default=0.95,
                        help="least share answered correctly for exit status 0 (default 0.95)")
    parser.add_argument("--grounding", action="store_true",
                        help="also fail replies stating numbers, URLs or ALL-CAPS names "
                             "absent from the knowledge sources and domain")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="project root holding knowledge/ and domain (for --grounding)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    args = parser.parse_args(argv)

    try:
        questions = select(load_questions(args.file), args.only)
        grounding = Grounding.from_project(args.root) if args.grounding else None
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=err)
        return 2
    if not questions:
        print(f"error: no question matches {args.only}", file=err)
        return 2

    results: list[QuestionResult] = []
    for n, question in enumerate(questions, 1):
        result = run_question(question, args.url, args.timeout, grounding)
        results.append(result)
        _progress(n, len(questions), result, args.verbose, err)

    failures = [r for r in results if not r.passed]
    for r in failures:
        print(describe_failure(r), file=out)
    passed = len(results) - len(failures)
    share = passed / len(results)
    conversations = sum(len(q.turns) > 1 for q in questions)
    print(f"answered correctly: {passed}/{len(results)} ({share:.1%})", file=out)
    print(f"({conversations} multi-turn; grounding {'checked' if grounding else 'not checked'}; "
          f"required {args.min:.0%})", file=out)

    if args.report:
        report = {
            "url": args.url, "file": str(args.file), "grounding": bool(grounding),
            "total": len(results), "passed": passed, "score": round(share, 4),
            "min": args.min, "ok": share >= args.min,
            "questions": [r.to_json() for r in results],
        }
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if share >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
