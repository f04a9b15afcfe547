#!/usr/bin/env python3
"""Tokenization speed of MultilingualTokenizer on mixed English/Japanese messages.

Builds ``--messages`` messages (default 1,000): a third English examples from data/nlu, a third
Japanese questions and problem descriptions (affiliate names from
knowledge/curated/names_ja.yml in question templates), a third mixed ("JAMの会長は？",
"what is 自治労?"), some in full-width or half-width forms. Times the component's ``process``
(what the NLU pipeline calls) after a warm-up, and WhitespaceTokenizer on the same messages
for comparison. Loading Sudachi's dictionary is timed separately.

Usage: python scripts/bench_tokenizer.py [--messages 1000] [--split-mode A] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from pathlib import Path
from typing import Callable, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JA_QUESTIONS = [
    "{org}について教えて", "{org}の会長は誰ですか？", "{org}の会長は？", "{org}って何？",
    "{org}に加盟したいです", "{org}の本部はどこにありますか", "{org}は連合に入っていますか",
]
JA_PROBLEMS = [
    "残業代が払われない", "残業代出ないんだけど", "パワハラを受けています", "パワハラ受けてる",
    "上司にいじめられています。どうすればいいですか？", "有給休暇を取らせてもらえません",
    "有給が取れない", "突然クビになった", "雇い止めにあいました", "最低賃金より給料が低い",
    "労働組合を作りたいのですが、何から始めればいいですか", "育休を取ったら降格された",
    "セクハラされた…誰に相談すればいい？", "会社を辞めさせてもらえない", "フリーランスで報酬が未払いです",
]
MIXED = [
    "what is {org}?", "who leads {org}", "{org} president", "JAMの会長は？", "ＪＡＭの会長は",
    "UAゼンセンに入りたい", "I work in 大阪府, is there a local?", "ﾊﾟﾜﾊﾗされた help",
    "連合ってRENGOのこと？", "my boss 残業代を払ってくれない",
]


def japanese_names() -> List[str]:
    names = yaml.safe_load((ROOT / "knowledge" / "curated" / "names_ja.yml").read_text("utf-8"))
    return [entry["ja_short"] for entry in names["affiliates"] if entry.get("ja_short")]


def english_examples() -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for m in load_data(str(ROOT / "data" / "nlu")).training_examples]


def build_messages(count: int, seed: int = 0) -> List[str]:
    rng = random.Random(seed)
    orgs, english = japanese_names(), english_examples()
    messages = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            text = rng.choice(english)
        elif kind == 1:
            template = rng.choice(JA_QUESTIONS + JA_PROBLEMS)
            text = template.format(org=rng.choice(orgs))
        else:
            text = rng.choice(MIXED).format(org=rng.choice(orgs))
        if rng.random() < 0.1:  # some users type full-width or half-width forms
            text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
        elif rng.random() < 0.05:
            text = unicodedata.normalize("NFKC", text)
        messages.append(text)
    return messages


def rate(process: Callable[[list], object], texts: List[str], repeat: int) -> float:
    """Best messages/second of ``repeat`` runs over fresh Message objects (the first warms up)."""
    from rasa.shared.nlu.training_data.message import Message

    best = float("inf")
    for _ in range(repeat):
        messages = [Message(data={"text": text}) for text in texts]
        started = time.perf_counter()
        process(messages)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--split-mode", default="A", choices=["A", "B", "C"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.multilingual_tokenizer import MultilingualTokenizer, load_japanese_tokenizer

    texts = build_messages(args.messages)
    started = time.perf_counter()
    load_japanese_tokenizer(args.split_mode)
    load_seconds = time.perf_counter() - started

    ours = MultilingualTokenizer({"split_mode": args.split_mode})
    whitespace = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    ours_rate = rate(ours.process, texts, args.repeat)
    whitespace_rate = rate(whitespace.process, texts, args.repeat)
    tokens = sum(len(ours.tokenize(Message(data={"text": text}), "text")) for text in texts)
    print(f"messages: {len(texts)} (1/3 English, 1/3 Japanese, 1/3 mixed), tokens: {tokens}")
    print(f"Sudachi dictionary load (split mode {args.split_mode}): {load_seconds:.2f} s, once per process")
    print(f"MultilingualTokenizer: {ours_rate:,.0f} msgs/s ({1000 / ours_rate:.2f} ms/msg)")
    print(f"WhitespaceTokenizer:   {whitespace_rate:,.0f} msgs/s (same messages, for comparison)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
