"""Measure the staff console on a large tracker store: list, filters, search, transcript, dashboard, export.

    .venv/bin/python scripts/bench_console.py                       # 100,000 conversations on SQLite
    .venv/bin/python scripts/bench_console.py --conversations 5000 --no-write
    .venv/bin/python scripts/bench_console.py --postgres postgresql://USER:PASSWORD@127.0.0.1:55432/DB

1. Seeds ``--conversations`` conversations into Rasa's ``events`` table (created by Rasa's
   own ``SQLTrackerStore``), rows built from real ``rasa.shared.core.events`` objects
   exactly as ``SQLTrackerStore.save`` writes them, inserted in batches with executemany.
   The mix is fixed by ``--seed``: 90 days of English and Japanese conversations on
   LINE, the web widget (socketio) and REST, 2-8 user turns, fallbacks, urgent
   messages, consultation forms (with the requests in the consultation database),
   phone numbers and e-mail addresses for the redaction to find.
2. Indexes them with the console's ``Indexer`` from scratch, timed; then tags 1% of
   the conversations through ``ConversationIndex.add_tag`` and marks some reviewed.
3. Starts the real console (``python -m bot.console serve``), creates a reviewer
   with the CLI, logs in over HTTP and times each page (warm-up, then
   ``--requests`` sequential requests, one client, time to the last byte).
4. Writes its section of docs/benchmarks.md (``<!-- benchmark:console:start -->``,
   or ``console-postgresql`` for a PostgreSQL run) unless ``--no-write``.

By default everything lives in a temporary directory that is removed at the
end; ``--workdir DIR`` keeps the databases, and ``--skip-seed`` then reuses them.
"""
from __future__ import annotations

import argparse
import csv
import heapq
import html
import io
import json
import os
import random
import re
import secrets
import shlex
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmark import machine, percentile, rss_mb  # noqa: E402  (scripts/ is on sys.path)
from docs_section import write_section  # noqa: E402

TARGET_MS = 300
DAYS = 90
USERNAME = "bench-reviewer"
TAG = "needs-faq"
OTHER_TAG = "follow-up"
JST = timezone(timedelta(hours=9))

# --- what workers write ---------------------------------------------------------------------

COMPANIES = [
    ("Sakura Logistics", "さくら物流"), ("Aoba Care", "あおば介護"), ("Hikari Electronics", "ひかり電子"),
    ("Kaede Foods", "かえで食品"), ("Minato Taxi", "みなと交通"), ("Tsubasa Retail", "つばさ商事"),
    ("Kita Construction", "北建設"), ("Umi Hotels", "うみホテル"), ("Midori Clinic", "みどりクリニック"),
    ("Asahi Printing", "あさひ印刷"),
]
CITIES = [
    ("Tokyo", "東京"), ("Osaka", "大阪"), ("Nagoya", "名古屋"), ("Sapporo", "札幌"), ("Fukuoka", "福岡"),
    ("Yokohama", "横浜"), ("Sendai", "仙台"), ("Hiroshima", "広島"), ("Chiba", "千葉"), ("Kobe", "神戸"),
    ("Niigata", "新潟"), ("Naha", "那覇"),
]
PREFECTURES = {
    "Tokyo": "Tokyo", "Osaka": "Osaka", "Nagoya": "Aichi", "Sapporo": "Hokkaido", "Fukuoka": "Fukuoka",
    "Yokohama": "Kanagawa", "Sendai": "Miyagi", "Hiroshima": "Hiroshima", "Chiba": "Chiba", "Kobe": "Hyogo",
    "Niigata": "Niigata", "Naha": "Okinawa",
}
JOBS = [
    ("nurse", "看護師", "healthcare"), ("care worker", "介護士", "care"), ("cook", "調理師", "restaurants"),
    ("truck driver", "トラック運転手", "transport"), ("factory worker", "工場勤務", "manufacturing"),
    ("cashier", "レジ係", "retail"), ("teacher", "教員", "education"), ("programmer", "プログラマー", "IT"),
    ("bus driver", "バス運転手", "transport"), ("cleaner", "清掃員", "building services"),
]
ORGANISATIONS = ["UA Zensen", "JAM", "Jichiro", "Denki Rengo", "JAW", "Jidosha Soren"]

#: (intent, weight, English, Japanese); {placeholders} are filled per message.
MESSAGES: List[Tuple[str, float, str, str]] = [
    ("problem_unpaid_wages", 3, "my company hasn't paid my overtime for {months} months",
     "{months}ヶ月分の残業代が支払われていません"),
    ("problem_unpaid_wages", 3, "I do about {hours} hours of overtime a month at {company} and get zero yen for it",
     "{company}で月{hours}時間くらい残業していますが、残業代がゼロです"),
    ("problem_unpaid_wages", 2, "payday was last friday and nothing came in, my boss isn't answering",
     "給料日を過ぎたのに給料が振り込まれていません。社長と連絡がとれません"),
    ("problem_unpaid_wages", 2, "they pay me {yen} yen an hour in {city}, isn't that below the minimum wage",
     "{city}で時給{yen}円です。最低賃金を下回っていませんか"),
    ("problem_unpaid_wages", 2, "I quit last month and they still haven't given me my final paycheck",
     "先月退職したのに最後の給料がまだ支払われていません"),
    ("problem_unpaid_wages", 1, "my manager edits the time cards and deletes our overtime",
     "上司がタイムカードを改ざんして残業を消しています"),
    ("problem_unpaid_wages", 1, "they take money out of my pay for things I broke at work",
     "仕事で壊した物の代金を給料から天引きされています"),
    ("problem_working_hours", 2, "I worked {hours} hours of overtime last month, is that legal",
     "先月{hours}時間残業しました。違法ではないですか"),
    ("problem_working_hours", 2, "we're told to clock out and then go back to our desks",
     "タイムカードを押してから仕事に戻るよう言われます"),
    ("problem_working_hours", 1, "I haven't had a day off in {n} weeks", "{n}週間休みがありません"),
    ("problem_working_hours", 1, "my boss makes me work through my lunch break every day",
     "毎日昼休みも働かされています"),
    ("problem_paid_leave", 2, "my company says part-timers don't get paid leave",
     "パートには有給休暇がないと会社に言われました"),
    ("problem_paid_leave", 2, "I asked for paid leave and my manager refused", "有給を申請したら上司に断られました"),
    ("problem_paid_leave", 1, "how many days of annual leave do I get after {n} years",
     "{n}年働いたら有給は何日もらえますか"),
    ("problem_paid_leave", 1, "I want to use up my paid leave before I quit but they won't let me",
     "退職前に有給を消化したいのに認めてもらえません"),
    ("problem_dismissal", 2, "I was fired yesterday without any warning", "昨日突然解雇されました"),
    ("problem_dismissal", 2, "my boss told me not to come in from next month", "来月から来なくていいと社長に言われました"),
    ("problem_dismissal", 1, "I'm {age} and they are pushing me to resign", "{age}歳ですが退職勧奨を受けています"),
    ("problem_dismissal", 1, "my contract at {company} won't be renewed after {n} years",
     "{company}で{n}年働いた契約が更新されないと言われました"),
    ("problem_dismissal", 1, "I got dismissed after telling them I was pregnant", "妊娠を伝えたら解雇されました"),
    ("problem_harassment", 2, "my boss screams at me in front of everyone", "上司にみんなの前で怒鳴られます"),
    ("problem_harassment", 1, "a senior colleague keeps touching me and making sexual comments",
     "先輩から体を触られたり性的なことを言われたりします"),
    ("problem_harassment", 2, "I'm being bullied at work and nobody does anything",
     "職場でいじめにあっていますが、誰も助けてくれません"),
    ("problem_harassment", 1, "since I came back from maternity leave they moved me to a worse job",
     "育休から復帰したら仕事を外されました"),
    ("problem_harassment", 1, "my manager messages me late at night and gets angry if I don't reply",
     "上司から夜中に連絡が来て、返信しないと怒られます"),
    ("problem_non_regular", 2, "I'm a dispatch worker at {company} and they ended my assignment suddenly",
     "{company}で派遣社員として働いていますが、急に契約を切られました"),
    ("problem_non_regular", 1, "as a part-timer I get no bonus while full-timers doing the same job do",
     "パートなので同じ仕事をしている正社員と違ってボーナスがありません"),
    ("problem_non_regular", 1, "I have worked {n} years on fixed-term contracts, can I become permanent",
     "有期契約で{n}年働いています。無期転換できますか"),
    ("problem_safety_injury", 2, "I hurt my back lifting boxes at work, does workers comp cover it",
     "仕事中に荷物を持ち上げて腰を痛めました。労災になりますか"),
    ("problem_safety_injury", 0.3, "I'm not safe using this broken forklift and the company won't fix it",
     "壊れたフォークリフトを使わされていて危ないです"),
    ("problem_safety_injury", 1, "the company told me not to report my injury as a work accident",
     "会社に労災を使うなと言われました"),
    ("problem_safety_injury", 1, "it is over 35 degrees in the warehouse and we get no breaks",
     "倉庫が35度以上あるのに休憩がありません"),
    ("problem_insurance", 1, "my employer hasn't enrolled me in social insurance", "会社が社会保険に加入させてくれません"),
    ("problem_insurance", 1, "can I get unemployment benefits if I quit myself", "自己都合で辞めても失業保険はもらえますか"),
    ("problem_insurance", 1, "they deduct employment insurance but I'm not registered",
     "雇用保険料が引かれているのに加入していませんでした"),
    ("problem_union", 1, "how do I join a union if my workplace doesn't have one",
     "職場に労働組合がありません。どうやって加入できますか"),
    ("problem_union", 1, "can I be punished for joining a union", "組合に入ったら不利益な扱いを受けますか"),
    ("problem_union", 1, "we want to start a union at {company}, how do we begin",
     "{company}で労働組合を作りたいです。何から始めればいいですか"),
    ("problem_freelance", 1, "I'm a freelancer and the client won't pay my invoice of {yen}00 yen",
     "フリーランスですが、報酬{yen}00円が支払われません"),
    ("problem_freelance", 1, "I'm registered as a contractor but I work like an employee",
     "業務委託契約ですが、実態は社員と同じ働き方です"),
    ("problem_foreign_workers", 1, "I am a technical intern and my employer took my passport",
     "技能実習生です。会社にパスポートを取り上げられました"),
    ("problem_foreign_workers", 1, "my visa depends on my company, can I change jobs",
     "ビザが会社に紐づいていますが、転職できますか"),
    ("ask_rengo_overview", 1, "what is rengo", "連合とは何ですか"),
    ("ask_founding", 0.6, "when was rengo founded", "連合はいつ結成されましたか"),
    ("ask_membership", 0.6, "how many members does rengo have", "連合の組合員数は何人ですか"),
    ("ask_leadership", 0.6, "who is the president of rengo", "連合の会長は誰ですか"),
    ("ask_locals", 1, "is there a local rengo in {city}", "{city}に地方連合会はありますか"),
    ("ask_contact", 1, "what is the phone number of the hotline", "労働相談ホットラインの電話番号を教えてください"),
    ("ask_consultation_routes", 1.5, "where can I get help with a problem at work", "仕事の悩みはどこに相談できますか"),
    ("ask_organisation", 0.6, "tell me about {org}", "{org}について教えて"),
    ("ask_affiliate_list", 0.4, "which unions belong to rengo", "連合の構成組織を教えてください"),
    ("ask_history", 0.4, "what happened in {year}", "{year}年に何がありましたか"),
    ("ask_vision", 0.3, "what is rengo's vision", "連合のビジョンは何ですか"),
    ("ask_mascot", 0.3, "does rengo have a mascot", "連合のマスコットは？"),
    ("greet", 0, "hello", "こんにちは"),
    ("thank", 0, "thank you, that helps", "ありがとうございます、助かりました"),
    ("goodbye", 0, "bye", "さようなら"),
    ("bot_challenge", 0.3, "am I talking to a bot", "あなたはロボットですか"),
    ("out_of_scope", 0.5, "what's the weather in {city} tomorrow", "明日の{city}の天気は？"),
    ("ask_capabilities", 0.4, "what can you do", "何ができますか"),
    ("affirm", 0, "yes", "はい"),
    ("deny", 0, "no thanks", "いいえ、大丈夫です"),
]
#: What NLU could not place (FallbackClassifier -> nlu_fallback).
UNCLEAR = [
    ("my thing with the shift is weird", "シフトがおかしい"), ("is this normal??", "これって普通ですか？？"),
    ("the paper they gave me", "渡された書類のこと"), ("company stuff again", "また会社のこと"),
    ("hmm", "えーと"), ("what about the other thing", "あの件どうなりました"),
    ("idk what to do", "どうしたらいいかわからない"), ("money", "お金のこと"),
    ("can you check my contract", "契約書見てもらえますか"), ("is it ok if i dont go tomorrow", "明日行かなくても大丈夫？"),
]
URGENT = [
    ("suicide", "my boss screams at me every day and honestly I want to die", "毎日怒鳴られて、もう死にたいです"),
    ("violence", "a coworker threatened me with a knife today", "今日同僚に刃物で脅されました"),
    ("violence", "my manager hits me when I make mistakes", "ミスをすると上司に殴られます"),
    ("self_harm", "I keep wanting to hurt myself after work", "仕事のあと自分を傷つけたくなります"),
    ("danger", "there is a gas smell in the factory and they won't let us leave",
     "工場でガスの臭いがするのに外に出してもらえません"),
]
PREFIX_EN = ["", "", "", "hi, ", "hello. ", "excuse me, ", "quick question: ", "sorry to bother you but "]
SUFFIX_EN = ["", "", "", "?", "...", " please help", ". what should I do", ". what can I do?"]
PREFIX_JA = ["", "", "", "すみません、", "こんにちは。", "相談です。", "あの、"]
SUFFIX_JA = ["", "", "。", "？", "…", "。どうすればいいですか？", "。教えてください。", "。困っています。"]
CONSENT = ("yes", "はい")
CANCEL = ("actually cancel that", "やっぱりやめます")
ASK_PERSON = [("I want to talk to someone", "相談員と話したいです"), ("/request_consultation", "/request_consultation")]
EMAIL_NAMES = ["taro.yamada", "hanako.sato", "k.tanaka", "yuki.suzuki", "m.ito", "ken.watanabe", "aiko.nakamura"]
EMAIL_DOMAINS = ["example.com", "example.jp", "mail.example.ne.jp"]

#: Intent -> (action or None for the response itself, responses).
GUIDANCE = ["utter_guidance", "utter_consultation_routes", "utter_offer_consultation_request"]
ANSWERS: Dict[str, Tuple[Optional[str], List[str]]] = {
    "greet": (None, ["utter_greet"]), "goodbye": (None, ["utter_goodbye"]), "thank": (None, ["utter_thank"]),
    "bot_challenge": (None, ["utter_bot_challenge"]), "affirm": (None, ["utter_anything_else"]),
    "deny": (None, ["utter_anything_else"]),
    "ask_capabilities": ("action_answer_capabilities", ["utter_capabilities"]),
    "out_of_scope": ("action_handle_out_of_scope", ["utter_out_of_scope"]),
    "ask_rengo_overview": ("action_answer_rengo_overview", ["utter_rengo_overview"]),
    "ask_founding": ("action_answer_organisation_fact", ["utter_founding"]),
    "ask_membership": ("action_answer_organisation_fact", ["utter_membership"]),
    "ask_leadership": ("action_answer_leadership", ["utter_leadership_role"]),
    "ask_locals": ("action_answer_locals", ["utter_local"]),
    "ask_contact": ("action_answer_contact", ["utter_contact"]),
    "ask_consultation_routes": ("action_answer_consultation_routes", ["utter_consultation_routes"]),
    "ask_organisation": ("action_answer_organisation", ["utter_organisation_affiliate"]),
    "ask_affiliate_list": ("action_list_affiliates", ["utter_affiliate_list"]),
    "ask_history": ("action_answer_history", ["utter_history_events"]),
    "ask_vision": ("action_answer_vision", ["utter_vision"]),
    "ask_mascot": ("action_answer_mascot", ["utter_mascot"]),
}
ALL_INTENTS = sorted({m[0] for m in MESSAGES} | {"request_consultation", "cancel", "report_urgent"})
FILLERS = {
    "statements": "- Your employer must pay every hour you work, overtime included, at least 25% extra.\n"
                  "- Keep your own record of the hours you work: notes, photos of the time card, e-mails.\n"
                  "- A Labour Standards Inspection Office can order the employer to pay.",
    "sources": "Labour Standards Act, Articles 24, 32 and 37",
    "routes": "- Labour Consultation Hotline 0120-154-052 (free, weekdays 10:00-17:30)\n"
              "- Your local RENGO (see the list of locals)",
    "emergency": "- Police emergency number: 110\n- Fire and ambulance: 119",
    "support": "- Yorisoi Hotline 0120-279-338 (24 hours, free)\n- Inochi no Denwa 0570-783-556",
    "contacts": "RENGO headquarters, 3-2-11 Kanda-Surugadai, Chiyoda-ku, Tokyo. Labour Consultation Hotline 0120-154-052.",
    "events": "- November 1989: JTUC-RENGO was founded with 78 affiliates and 8 million members",
}


def _pick(rng: random.Random, weights: Sequence[float]) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


class Corpus:
    """Messages with their variation; bot responses from domain.yml."""

    def __init__(self) -> None:
        import yaml

        self.responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
        self.topics = [m for m in MESSAGES if m[1] > 0]
        self.topic_weights = [m[1] for m in self.topics]
        self.by_intent: Dict[str, List[Tuple[str, float, str, str]]] = {}
        for m in MESSAGES:
            self.by_intent.setdefault(m[0], []).append(m)

    def fill(self, rng: random.Random, template: str, ja: bool) -> Tuple[str, List[Dict[str, Any]]]:
        """The template with its placeholders filled, and the entities NLU would link."""
        company = rng.choice(COMPANIES)
        city = rng.choice(CITIES)
        values = {
            "age": rng.randint(19, 67), "months": rng.randint(2, 6), "hours": rng.choice([45, 60, 80, 100, 120]),
            "n": rng.randint(2, 9), "yen": rng.randint(880, 1080), "year": rng.randint(1989, 2024),
            "company": company[ja], "city": city[ja], "org": rng.choice(ORGANISATIONS),
        }
        text = template.format(**values)
        entities = []
        if "{city}" in template:
            start = text.find(values["city"])
            entities.append({"entity": "prefecture", "value": PREFECTURES[city[0]], "start": start,
                             "end": start + len(values["city"]), "confidence": 1.0,
                             "extractor": "KnowledgeBaseEntityExtractor"})
        if "{year}" in template:
            start = text.find(str(values["year"]))
            entities.append({"entity": "year", "value": str(values["year"]), "start": start, "end": start + 4,
                             "confidence": 1.0, "extractor": "KnowledgeBaseEntityExtractor"})
        return text, entities

    def vary(self, rng: random.Random, text: str, ja: bool) -> str:
        if ja:
            text = rng.choice(PREFIX_JA) + text + rng.choice(SUFFIX_JA)
        else:
            text = rng.choice(PREFIX_EN) + text + rng.choice(SUFFIX_EN)
            if rng.random() < 0.15:
                text = text[:1].upper() + text[1:]
        if rng.random() < 0.05:
            text += " " + contact_sentence(rng, ja)
        return text

    def response(self, name: str, values: Optional[Dict[str, str]] = None) -> Tuple[str, Dict[str, Any], Optional[list]]:
        """(text, template values, buttons) of a domain response, placeholders filled."""
        variant = (self.responses.get(name) or [{"text": name}])[0]
        template = variant.get("text") or ""
        values = dict(values or {})
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
        for f in names:
            values.setdefault(f, FILLERS.get(f, f.replace("_", " ").title()))
        try:
            text = template.format(**values)
        except (KeyError, IndexError, ValueError):
            text = template
        return text, {f: values[f] for f in names}, variant.get("buttons")


def phone(rng: random.Random) -> str:
    number = f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    if rng.random() < 0.1:  # typed full-width on a phone keyboard
        number = number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    return number


def email(rng: random.Random) -> str:
    return f"{rng.choice(EMAIL_NAMES)}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}"


def contact_sentence(rng: random.Random, ja: bool) -> str:
    if rng.random() < 0.6:
        value = phone(rng)
        return f"連絡先は{value}です" if ja else f"you can call me on {value}"
    value = email(rng)
    return f"メールは{value}です" if ja else f"my email is {value}"


# --- conversations as Rasa stores them ------------------------------------------------------


@dataclass
class Request:
    """A consultation request stored by the form (goes to the consultation database)."""

    reference: str
    topic: str
    description: str
    prefecture: str
    industry: str
    contact_method: str
    contact_value: Optional[str]
    channel: str
    conversation_id: str
    created_at: float


@dataclass
class Conversation:
    sender_id: str
    channel: str
    events: List[Tuple[float, int, Dict[str, Any]]] = field(default_factory=list)  # (timestamp, seq, row)
    request: Optional[Request] = None


class Generator:
    """Conversations with a realistic mix, reproducible from the seed."""

    def __init__(self, seed: int, corpus: Corpus, now: float) -> None:
        from rasa.shared.core import events as ev

        self.ev = ev
        self.rng = random.Random(seed)
        # Start times and request statuses depend on the clock: their own streams keep the
        # conversations themselves (texts, mix) identical from run to run.
        self.clock_rng = random.Random(seed + 2)
        self.corpus = corpus
        self.now = now
        self.models = [f"{random.Random(seed + i).getrandbits(128):032x}" for i in range(8)]
        self.references: set = set()
        self._seq = 0

    # one event -> one row, exactly as SQLTrackerStore.save does it
    def _add(self, conv: Conversation, event: Any, ts: float) -> None:
        event.timestamp = ts
        data = event.as_dict()
        data["metadata"] = {**(data.get("metadata") or {}), "model_id": self.models[int((self.now - ts) // (14 * 86400)) % 8],
                            "assistant_id": "rengo-consultation-bot"}
        intent = data.get("parse_data", {}).get("intent", {}).get("name")
        self._seq += 1
        conv.events.append((ts, self._seq, {
            "sender_id": conv.sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": intent, "action_name": data.get("name"), "data": json.dumps(data),
        }))

    def start_times(self, n: int) -> List[float]:
        """``n`` conversation starts over the last DAYS days, busier on weekdays, in the day and the evening (JST)."""
        hour_weight = [1, .5, .3, .2, .2, .3, .6, 1.2, 1.8, 2, 2, 2, 2.6, 2.2, 2, 2, 2, 2.1, 2.4, 2.8, 3, 2.8, 2.2, 1.6]
        out: List[float] = []
        start = self.now - DAYS * 86400
        end = self.now - 600
        while len(out) < n:
            t = self.clock_rng.uniform(start, end)
            local = datetime.fromtimestamp(t, JST)
            weight = hour_weight[local.hour] / 3 * (0.6 if local.weekday() >= 5 else 1.0)
            if self.clock_rng.random() < weight:
                out.append(t)
        out.sort()
        return out

    def conversation(self, start: float) -> Conversation:
        rng = self.rng
        channel = ("line", "socketio", "rest")[_pick(rng, [0.42, 0.36, 0.22])]
        ja = rng.random() < {"line": 0.85, "socketio": 0.45, "rest": 0.3}[channel]
        if channel == "line":
            sender = f"U{rng.getrandbits(128):032x}"
        elif channel == "socketio":
            sender = f"{rng.getrandbits(128):032x}"
        else:
            sender = f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-" \
                     f"{rng.getrandbits(16):04x}-{rng.getrandbits(48):012x}"
        conv = Conversation(sender, channel)
        roll = rng.random()
        kind = "urgent" if roll < 0.03 else "consultation" if roll < 0.09 else "normal"
        fallback = rng.random() < 0.05
        turns = 2 + _pick(rng, [0.3, 0.25, 0.17, 0.1, 0.08, 0.06, 0.04])
        t = self._session(conv, start)
        topic = self._topic(rng)
        if kind == "consultation":
            t = self._consultation(conv, t, ja, topic, fallback)
            return conv
        plan: List[str] = []
        if rng.random() < 0.2:
            plan.append("greet")
        plan.append("topic")
        while len(plan) < turns:
            plan.append(rng.choice(["follow", "follow", "question", "other"]))
        if turns >= 3 and rng.random() < 0.35:
            plan[-1] = "thank" if rng.random() < 0.75 else "goodbye"
        if fallback:
            plan[rng.randrange(len(plan))] = "fallback"
            if turns >= 4 and rng.random() < 0.3:
                plan[rng.randrange(len(plan))] = "fallback"
        if kind == "urgent":
            plan[min(rng.choice([0, 1, 1, 2]), len(plan) - 1)] = "urgent"
        # LINE and widget users come back days later to the same conversation id
        second = 0
        if channel != "rest" and len(plan) >= 3 and rng.random() < 0.12:
            second = rng.randint(1, len(plan) - 2)
        for i, step in enumerate(plan):
            if second and i == len(plan) - second:
                t = self._session(conv, t + rng.uniform(3600, 5 * 86400))
            t = self._turn(conv, t, ja, step, topic)
            t += rng.uniform(6, 150)
        return conv

    @staticmethod
    def _topic(rng: random.Random) -> str:
        return rng.choices(["problem_unpaid_wages", "problem_working_hours", "problem_paid_leave",
                            "problem_dismissal", "problem_harassment", "problem_non_regular",
                            "problem_safety_injury", "problem_insurance", "problem_union", "problem_freelance",
                            "problem_foreign_workers", "question"],
                           weights=[14, 10, 8, 9, 11, 6, 5, 4, 3, 3, 3, 24])[0]

    def _session(self, conv: Conversation, t: float) -> float:
        ev = self.ev
        self._add(conv, ev.ActionExecuted("action_session_start", policy=None, confidence=1.0), t)
        self._add(conv, ev.SessionStarted(), t + 0.00004)
        self._add(conv, ev.ActionExecuted("action_listen", policy=None, confidence=None), t + 0.00005)
        return t + self.rng.uniform(0.5, 20)

    def _ranking(self, top: str, confidence: float) -> List[Dict[str, Any]]:
        others = self.rng.sample([i for i in ALL_INTENTS if i != top], 9)
        weights = sorted((self.rng.random() ** 3 for _ in others), reverse=True)
        rest = 1 - confidence
        total = sum(weights) or 1
        return [{"name": top, "confidence": confidence}] + [
            {"name": name, "confidence": rest * w / total} for name, w in zip(others, weights)
        ]

    def _confidence(self) -> float:
        roll = self.rng.random()
        if roll < 0.7:
            return 1 - self.rng.betavariate(1, 60)  # 0.98-0.9999
        if roll < 0.93:
            return self.rng.uniform(0.75, 0.98)
        return self.rng.uniform(0.46, 0.75)  # kept: above the FallbackClassifier's 0.45

    def _user(self, conv: Conversation, t: float, text: str, intent: str, confidence: Optional[float] = None,
              entities: Sequence[Dict[str, Any]] = (), fallback: bool = False) -> float:
        """A user message as NLU labels it; ``fallback``: the FallbackClassifier replaced the intent."""
        confidence = self._confidence() if confidence is None else confidence
        ranking = self._ranking(intent, confidence)
        if fallback:  # Rasa's FallbackClassifier: nlu_fallback at the threshold, ranked first
            intent, confidence = "nlu_fallback", 0.45
            ranking.insert(0, {"name": intent, "confidence": confidence})
        parse = {
            "intent": {"name": intent, "confidence": confidence}, "entities": list(entities), "text": text,
            "message_id": f"{self.rng.getrandbits(128):032x}", "metadata": {},
            "text_tokens": [[m.start(), m.end()] for m in re.finditer(r"\S+", text)], "intent_ranking": ranking,
        }
        self._add(conv, self.ev.UserUttered(text, intent=parse["intent"], entities=list(entities), parse_data=parse,
                                            input_channel=conv.channel, message_id=parse["message_id"]), t)
        t += 0.0003
        for entity in entities:
            self._add(conv, self.ev.SlotSet(entity["entity"], entity["value"]), t)
            t += 0.00001
        t += self.rng.uniform(0.01, 0.06)
        self._add(conv, self.ev.DefinePrevUserUtteredFeaturization(False), t)
        return t + 0.00002

    def _act(self, conv: Conversation, t: float, action: str) -> float:
        self._add(conv, self.ev.ActionExecuted(action, policy="RulePolicy", confidence=1.0), t)
        return t + 0.00003

    def _bot(self, conv: Conversation, t: float, name: str, values: Optional[Dict[str, str]] = None) -> float:
        text, used, buttons = self.corpus.response(name, values)
        data = {"elements": None, "quick_replies": None, "buttons": buttons, "attachment": None, "image": None,
                "custom": None}
        self._add(conv, self.ev.BotUttered(text, data, {"utter_action": name, "template": name, **used}), t)
        return t + 0.00004

    def _slot(self, conv: Conversation, t: float, name: str, value: Any) -> float:
        self._add(conv, self.ev.SlotSet(name, value), t)
        return t + 0.00001

    def _listen(self, conv: Conversation, t: float) -> float:
        self._add(conv, self.ev.ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0), t)
        return t + 0.002

    def _message(self, ja: bool, intent: Optional[str] = None) -> Tuple[str, str, List[Dict[str, Any]]]:
        rng = self.rng
        if intent and intent in self.corpus.by_intent:
            choice = rng.choice(self.corpus.by_intent[intent])
        else:
            choice = rng.choices(self.corpus.topics, weights=self.corpus.topic_weights)[0]
        text, entities = self.corpus.fill(rng, choice[3] if ja else choice[2], ja)
        return choice[0], self.corpus.vary(rng, text, ja) if choice[0].startswith(("problem", "ask")) else text, entities

    def _turn(self, conv: Conversation, t: float, ja: bool, step: str, topic: str) -> float:
        rng = self.rng
        if step == "urgent":
            kind, en, jp = rng.choice(URGENT)
            text = jp if ja else en
            entity = {"entity": "urgent_kind", "value": kind, "start": 0, "end": len(text), "confidence": 1.0,
                      "extractor": "UrgentIntentOverride"}
            t = self._user(conv, t, text, "report_urgent", 1.0, [entity])
            t = self._act(conv, t, "action_respond_urgent")
            t = self._bot(conv, t, "utter_urgent")
            t = self._slot(conv, t, "urgent_flag", True)
            t = self._slot(conv, t, "last_subject", None)
            return self._listen(conv, t)
        if step == "fallback":
            if rng.random() < 0.6:
                en, jp = rng.choice(UNCLEAR)
                text, intent = (jp if ja else en), rng.choice(ALL_INTENTS)
            else:  # a real question NLU was unsure about
                intent, text, _ = self._message(ja)
            t = self._user(conv, t, text, intent, rng.uniform(0.12, 0.44), fallback=True)
            t = self._act(conv, t, "action_handle_unclear")
            roll = rng.random()
            t = self._bot(conv, t, "utter_default" if roll < 0.7 else "utter_did_you_mean" if roll < 0.9 else "utter_dont_know")
            return self._listen(conv, t)
        if step in ("greet", "thank", "goodbye"):
            intent, text, entities = self._message(ja, step)
        elif step == "topic" and topic != "question":
            intent, text, entities = self._message(ja, topic)
        elif step == "follow" and topic != "question" and rng.random() < 0.6:
            intent, text, entities = self._message(ja, topic)
        elif step == "other":
            intent, text, entities = self._message(ja, rng.choice(["affirm", "deny", "out_of_scope", "bot_challenge",
                                                                   "ask_capabilities", "ask_consultation_routes"]))
        else:
            intent, text, entities = self._message(ja, rng.choice([i for i in ANSWERS if i.startswith("ask_")]))
        t = self._user(conv, t, text, intent, entities=entities)
        if intent.startswith("problem_"):
            t = self._act(conv, t, "action_give_guidance")
            title = intent[len("problem_"):].replace("_", " ").capitalize()
            for name in GUIDANCE:
                t = self._bot(conv, t, name, {"title": title})
            t = self._slot(conv, t, "last_subject", "help")
            t = self._slot(conv, t, "problem_topic", intent[len("problem_"):])
        else:
            action, responses = ANSWERS[intent]
            t = self._act(conv, t, action or responses[0])
            for name in responses:
                t = self._bot(conv, t, name)
            if action:
                t = self._slot(conv, t, "last_subject", intent[len("ask_"):] if intent.startswith("ask_") else None)
        return self._listen(conv, t)

    def _consultation(self, conv: Conversation, t: float, ja: bool, topic: str, fallback: bool) -> float:
        """A problem, the request for a person, then the consultation form (completed 80% of the time)."""
        rng = self.rng
        if topic == "question":
            topic = "problem_unpaid_wages"
        t = self._turn(conv, t, ja, "topic", topic) + rng.uniform(10, 90)
        ask = rng.choice(ASK_PERSON)
        text = ask[1] if ja else ask[0]
        t = self._user(conv, t, text, "request_consultation", 1.0 if text.startswith("/") else None)
        t = self._act(conv, t, "utter_consultation_intro")
        t = self._bot(conv, t, "utter_consultation_intro")
        t = self._act(conv, t + 0.02, "consultation_form")
        self._add(conv, self.ev.ActiveLoop("consultation_form"), t)
        t += 0.00005
        short = topic[len("problem_"):]
        t = self._slot(conv, t, "consult_topic", short)
        t = self._slot(conv, t, "requested_slot", "consult_description")
        t = self._bot(conv, t, "utter_ask_consult_description")
        t = self._listen(conv, t)
        city = rng.choice(CITIES)
        job = rng.choice(JOBS)
        method = rng.choices(["email", "phone", "none"], weights=[0.45, 0.4, 0.15])[0]
        value = email(rng) if method == "email" else phone(rng) if method == "phone" else None
        told = rng.sample(self.corpus.by_intent[topic], min(len(self.corpus.by_intent[topic]), rng.choice([1, 1, 2])))
        description = ("。" if ja else ". ").join(self.corpus.fill(rng, m[3] if ja else m[2], ja)[0] for m in told)
        answers = [
            ("consult_description", description, topic if rng.random() < 0.8 else "nlu_fallback", "consult_prefecture",
             "utter_ask_consult_prefecture"),
            ("consult_prefecture", f"{city[1]}です" if ja else f"I work in {city[0]}", "ask_locals", "consult_industry",
             "utter_ask_consult_industry"),
            ("consult_industry", f"{job[1]}です" if ja else f"I'm a {job[0]}", "ask_organisation",
             "consult_contact_method", "utter_ask_consult_contact_method"),
            ("consult_contact_method", {"email": ("メール", "email"), "phone": ("電話", "phone"),
                                        "none": ("連絡不要です", "no contact")}[method][0 if ja else 1],
             "problem_freelance", "consult_contact_value" if value else "consult_consent",
             {"email": "utter_ask_consult_email", "phone": "utter_ask_consult_phone"}.get(method, "utter_ask_consult_consent")),
        ]
        if value:
            answers.append(("consult_contact_value", value, "nlu_fallback" if rng.random() < 0.5 else "affirm", "consult_consent",
                            "utter_ask_consult_consent"))
        abandon = rng.random() < 0.2
        stop_at = rng.randint(1, len(answers) - 1) if abandon else None
        for i, (slot, text, intent, next_slot, question) in enumerate(answers):
            if i == stop_at:
                t += rng.uniform(10, 120)
                t = self._user(conv, t, CANCEL[ja], "cancel")
                t = self._act(conv, t, "action_cancel_consultation")
                self._add(conv, self.ev.ActiveLoop(None), t)
                t = self._bot(conv, t + 0.0001, "utter_consultation_cancelled")
                return self._listen(conv, t)
            t += rng.uniform(8, 120) if slot != "consult_description" else rng.uniform(40, 300)
            unsure = intent == "nlu_fallback" or (fallback and i == 1)
            t = self._user(conv, t, text, topic if intent == "nlu_fallback" else intent, fallback=unsure)
            t = self._act(conv, t, "consultation_form")
            stored = PREFECTURES[city[0]] if slot == "consult_prefecture" else job[2] if slot == "consult_industry" else text
            if slot == "consult_contact_method":
                stored = method
            t = self._slot(conv, t, slot, stored)
            t = self._slot(conv, t, "requested_slot", next_slot)
            values = {}
            if question == "utter_ask_consult_consent":
                values = {"topic": short.replace("_", " "), "description": description,
                          "prefecture": PREFECTURES[city[0]], "industry": job[2], "contact": value or "no contact"}
            t = self._bot(conv, t, question, values)
            t = self._listen(conv, t)
        t += rng.uniform(5, 60)
        t = self._user(conv, t, CONSENT[ja], "affirm")
        t = self._act(conv, t, "consultation_form")
        t = self._slot(conv, t, "consult_consent", True)
        t = self._slot(conv, t, "requested_slot", None)
        self._add(conv, self.ev.ActiveLoop(None), t)
        t = self._act(conv, t + 0.03, "action_submit_consultation")
        reference = self._reference()
        t = self._bot(conv, t, f"utter_consultation_stored_{method}", {"reference": reference})
        t = self._bot(conv, t, "utter_consultation_routes")
        for slot in ("consult_topic", "consult_description", "consult_prefecture", "consult_industry",
                     "consult_contact_method", "consult_contact_value", "consult_consent", "requested_slot"):
            t = self._slot(conv, t, slot, None)
        t = self._slot(conv, t, "consultation_reference", reference)
        conv.request = Request(reference, short, description[:1000], PREFECTURES[city[0]], job[2], method, value,
                               conv.channel, conv.sender_id, t)
        return self._listen(conv, t)

    def _reference(self) -> str:
        from bot.consultation.store import REFERENCE_ALPHABET, REFERENCE_GROUPS, format_reference

        while True:
            ref = format_reference("".join(self.rng.choice(REFERENCE_ALPHABET) for _ in range(sum(REFERENCE_GROUPS))))
            if ref not in self.references:
                self.references.add(ref)
                return ref


# --- seeding --------------------------------------------------------------------------------


def create_tracker_table(url: str) -> None:
    """Let Rasa's own SQLTrackerStore create the ``events`` table (and its index)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=parsed.database)
    else:
        store = SQLTrackerStore(Domain.empty(), dialect=parsed.get_backend_name(), host=url)
    store.engine.dispose()


def seed(tracker_url: str, consultation_url: str, n: int, rng_seed: int, batch: int,
         progress: Callable[[str], None]) -> Dict[str, Any]:
    from rasa.core.tracker_store import SQLTrackerStore
    from sqlalchemy import create_engine, event, insert

    from bot.consultation.schema import ConsultationRequestRow
    from bot.consultation.store import ConsultationStore

    create_tracker_table(tracker_url)
    engine = create_engine(tracker_url, future=True)
    if engine.dialect.name == "sqlite":
        # only this loader's connection: the server later reads the file with the defaults
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA synchronous=OFF"))
    table = SQLTrackerStore.SQLEvent.__table__
    requests_engine = ConsultationStore.from_url(consultation_url).engine
    requests_table = ConsultationRequestRow.__table__

    now = time.time()
    generator = Generator(rng_seed, Corpus(), now)
    starts = generator.start_times(n)
    pending: List[Tuple[float, int, Dict[str, Any]]] = []  # events not written yet, by timestamp
    requests: List[Request] = []
    stats = {"events": 0, "requests": 0}
    began = time.monotonic()

    def write(rows: List[Dict[str, Any]]) -> None:
        if rows:
            with engine.begin() as connection:
                connection.execute(insert(table), rows)
            stats["events"] += len(rows)

    def write_requests() -> None:
        if not requests:
            return
        statuses = ("new", "in_progress", "closed")
        rows = []
        for r in requests:
            at = datetime.fromtimestamp(r.created_at, timezone.utc)
            age = (now - r.created_at) / 86400
            status = statuses[0] if age < 3 else statuses[1] if age < 20 and generator.clock_rng.random() < 0.6 else statuses[2]
            rows.append({
                "reference": r.reference, "topic": r.topic, "description": r.description, "prefecture": r.prefecture,
                "industry": r.industry, "contact_method": r.contact_method, "contact_value": r.contact_value,
                "consent": True, "consented_at": at, "channel": r.channel, "conversation_id": r.conversation_id,
                "status": status, "created_at": at, "updated_at": at, "updated_by": None if status == "new" else USERNAME,
            })
        with requests_engine.begin() as connection:
            connection.execute(insert(requests_table), rows)
        stats["requests"] += len(rows)
        requests.clear()

    for i, start in enumerate(starts, 1):
        conv = generator.conversation(start)
        for item in conv.events:
            heapq.heappush(pending, item)
        if conv.request:
            requests.append(conv.request)
        if i % batch == 0 or i == n:
            # Rasa writes each turn when it happens: events of conversations running at the
            # same time interleave. Write what happened before this conversation started.
            ready = []
            while pending and (i == n or pending[0][0] < start):
                ready.append(heapq.heappop(pending)[2])
            write(ready)
            write_requests()
            elapsed = time.monotonic() - began
            progress(f"seeding: {i:,}/{n:,} conversations, {stats['events']:,} events "
                     f"({stats['events'] / max(elapsed, 1e-9):,.0f} events/s)")
    write([item[2] for item in sorted(pending)])
    engine.dispose()
    requests_engine.dispose()
    stats["seconds"] = time.monotonic() - began
    return stats


# --- the console around the server ---------------------------------------------------------


def console_settings(urls: Dict[str, str]):
    from bot.console.config import ConsoleSettings

    return ConsoleSettings(console_db_url=urls["console"], tracker_store_url=urls["tracker"],
                           consultation_db_url=urls["consultation"], cookie_secure=False, sync_seconds=86400)


def annotate(console: Any, rng_seed: int, progress: Callable[[str], None]) -> Dict[str, int]:
    """Tag 1% (and 0.5% with a second tag) through the console, mark older conversations reviewed, flag a few."""
    from sqlalchemy import select, update

    from bot.console.schema import ConversationRow

    rng = random.Random(rng_seed + 1)
    with console.engine.connect() as connection:
        rows = connection.execute(select(ConversationRow.id, ConversationRow.sender_id, ConversationRow.last_event_at)
                                  .order_by(ConversationRow.id)).all()
    tagged = rng.sample(rows, max(1, len(rows) // 100))
    followed = rng.sample(rows, max(1, len(rows) // 200))
    for i, (_, sender, _) in enumerate(tagged + followed, 1):
        console.index.add_tag(sender, TAG if i <= len(tagged) else OTHER_TAG, USERNAME)
        if i % 100 == 0:
            progress(f"tagging: {i:,}/{len(tagged) + len(followed):,}")
    now = datetime.now(timezone.utc)
    reviewed = [r.id for r in rows if rng.random() < (0.6 if now - r.last_event_at > timedelta(days=14) else 0.15)]
    flagged = [r.id for r in rows if rng.random() < 0.01]
    with console.engine.begin() as connection:
        for start in range(0, len(reviewed), 500):
            connection.execute(update(ConversationRow).where(ConversationRow.id.in_(reviewed[start:start + 500]))
                               .values(reviewed=True, reviewed_by=USERNAME))
        for start in range(0, len(flagged), 500):
            connection.execute(update(ConversationRow).where(ConversationRow.id.in_(flagged[start:start + 500]))
                               .values(flagged=True))
    return {"tagged": len(tagged), "reviewed": len(reviewed), "flagged": len(flagged)}


def port_free(port: int) -> bool:
    """Nothing listens there (a port in TIME_WAIT after an earlier run is fine: waitress reuses it)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def cli(env: Dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.console", *args], cwd=env["PYTHONPATH"], env=env, input=stdin,
                          capture_output=True, text=True)


@dataclass
class Case:
    label: str
    path: str
    kind: str = "list"  # list | export | page
    samples: List[float] = field(default_factory=list)
    matches: Optional[int] = None
    #: For a search: the count a plain substring scan of the search texts finds (a correctness check).
    expected: Optional[int] = None

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)


def timed_get(session: Any, url: str, stream: bool = False) -> Tuple[float, Any, bytes]:
    start = time.perf_counter()
    response = session.get(url, stream=stream, allow_redirects=False, timeout=600)
    body = b"".join(response.iter_content(65536)) if stream else response.content
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {body[:300]!r}")
    return elapsed, response, body


MATCH = re.compile(rb"<strong>([\d,]+)</strong> conversations match")
OLDER = re.compile(rb'<a href="([^"]+)" rel="next">')
ROW_LINK = re.compile(rb'<a href="/conversations/c/([^"]+)">')


def login(base: str, password: str) -> Any:
    import requests

    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if page.status_code != 200 or not token:
        raise RuntimeError(f"no login form at {base}/login ({page.status_code})")
    answer = session.post(f"{base}/login", data={"csrf_token": html.unescape(token.group(1)), "username": USERNAME,
                                                 "password": password}, allow_redirects=False, timeout=300)
    if answer.status_code != 302 or "console_session" not in session.cookies:
        raise RuntimeError(f"login failed ({answer.status_code})")
    return session


def wait_for(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the console exited with {server.returncode} (see its log)")
        try:
            if requests.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the console did not answer in {timeout:.0f} s")


def build_cases(console: Any, now: datetime) -> List[Case]:
    from sqlalchemy import func, select, text

    from bot.console.schema import ConversationIntentRow, ConversationRow

    with console.engine.connect() as connection:
        intent = connection.execute(  # the problem reviewers look at most
            select(ConversationIntentRow.intent).where(ConversationIntentRow.intent.like("problem%"))
            .group_by(ConversationIntentRow.intent).order_by(func.count().desc()).limit(1)).scalar()
        longest = connection.execute(
            select(ConversationRow.sender_id).order_by(ConversationRow.user_messages.desc(), ConversationRow.id)
            .limit(1)).scalar()
    # what each search should find: every word, any case, in the redacted search text
    sqlite = console.engine.dialect.name == "sqlite"
    key = "s.rowid" if sqlite else "s.conversation_id"
    with console.engine.connect() as connection:
        docs = [(doc.lower(), channel) for doc, channel in connection.execute(text(
            f"SELECT s.text, c.channel FROM console_search s JOIN console_conversations c ON c.id = {key} "
            "WHERE c.user_messages > 0"))]

    def expect(words: str, channel: Optional[str] = None) -> int:
        terms = words.lower().split()
        return sum(1 for doc, ch in docs if all(t in doc for t in terms) and (channel is None or ch == channel))

    week_from = (now - timedelta(days=35)).date()
    week_to = week_from + timedelta(days=6)
    q = lambda **args: "/conversations?" + urlencode(args)
    return [
        Case("list, first page", "/conversations"),
        Case("list, page 21 (20 x \"Older\")", "DEEP"),
        Case("filter fallback=yes", q(fallback="yes")),
        Case("filter urgent=yes", q(urgent="yes")),
        Case("filter consultation=yes", q(consultation="yes")),
        Case(f"filter intent={intent}", q(intent=intent)),
        Case("filter channel=line", q(channel="line")),
        Case("filter low_confidence=yes", q(low_confidence="yes")),
        Case("filter reviewed=no", q(reviewed="no")),
        Case(f"filter tag={TAG} (1%)", q(tag=TAG)),
        Case("filter one week (from/to)", q(**{"from": week_from.isoformat(), "to": week_to.isoformat()})),
        Case("fallback=yes & channel=line & reviewed=no", q(fallback="yes", channel="line", reviewed="no")),
        Case("search common English word \"overtime\"", q(q="overtime"), expected=expect("overtime")),
        Case("search rare English word \"forklift\"", q(q="forklift"), expected=expect("forklift")),
        Case("search Japanese 3 characters \"残業代\"", q(q="残業代"), expected=expect("残業代")),
        Case("search Japanese 2 characters \"有給\" (too short for trigrams)", q(q="有給"), expected=expect("有給")),
        Case("search two words \"paid leave\"", q(q="paid leave"), expected=expect("paid leave")),
        Case("search + filter: \"overtime\" & channel=line", q(q="overtime", channel="line"),
             expected=expect("overtime", "line")),
        Case("transcript of the longest conversation", "/conversations/c/" + quote(longest, safe=""), "page"),
        Case("dashboard", "/", "page"),
        Case(f"CSV export, tag={TAG} (time to last byte)", "/conversations/export.csv?" + urlencode({"tag": TAG}),
             "export"),
    ]


def measure(base: str, session: Any, cases: List[Case], requests_per_case: int, export_requests: int, warmup: int,
            deep_pages: int, progress: Callable[[str], None]) -> Dict[str, Any]:
    notes: Dict[str, Any] = {}
    for case in cases:
        if case.path == "DEEP":
            url, seen = "/conversations", set()
            for _ in range(deep_pages):
                _, _, body = timed_get(session, base + url)
                ids = ROW_LINK.findall(body)
                if seen & set(ids):
                    notes["deep_duplicates"] = True
                seen.update(ids)
                older = OLDER.search(body)
                if not older:
                    raise RuntimeError(f"fewer than {deep_pages + 1} pages of conversations")
                url = html.unescape(older.group(1).decode())
            case.path = url
            notes["deep_seen"] = len(seen)
        count = export_requests if case.kind == "export" else requests_per_case
        for _ in range(warmup):
            timed_get(session, base + case.path, stream=case.kind == "export")
        body = b""
        for _ in range(count):
            elapsed, _, body = timed_get(session, base + case.path, stream=case.kind == "export")
            case.samples.append(elapsed * 1000)
        if case.kind == "list":
            found = MATCH.search(body)
            case.matches = int(found.group(1).replace(b",", b"")) if found else None
        elif case.kind == "export":
            reader = csv.reader(io.StringIO(body.decode("utf-8-sig")))
            next(reader, None)
            case.matches = len({row[0] for row in reader if row})
            notes["export_bytes"] = len(body)
        progress(f"{case.label}: p50 {statistics_median(case.samples):.0f} ms, p95 {case.p95:.0f} ms"
                 + (f", {case.matches:,} conversations" if case.matches is not None else "")
                 + (f" (expected {case.expected:,})" if case.expected not in (None, case.matches) else ""))
    return notes


def statistics_median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# --- sizes, versions, report ------------------------------------------------------------------


def sqlite_path(url: str) -> Optional[Path]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def sizes(urls: Dict[str, str]) -> List[Tuple[str, int]]:
    from sqlalchemy import create_engine, text

    out: List[Tuple[str, int]] = []
    if sqlite_path(urls["tracker"]):
        seen = set()
        for label, key in (("tracker store (`events`)", "tracker"), ("console index (`console_*`)", "console"),
                           ("consultation requests", "consultation")):
            path = sqlite_path(urls[key])
            if path and path not in seen:
                seen.add(path)
                size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
                out.append((f"{label}: `{path.name}`", size))
        return out
    engine = create_engine(urls["tracker"], future=True)
    with engine.connect() as connection:
        def total(pattern: str) -> int:
            return int(connection.execute(text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname LIKE :p"), {"p": pattern}).scalar())
        out = [("tracker store (`events`, with indexes)", total("events")),
               ("console index (`console_*`, with indexes)", total("console\\_%")),
               ("consultation requests (`consultation_*`)", total("consultation\\_%")),
               ("whole database", int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar()))]
    engine.dispose()
    return out


def backend_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    if sqlite_path(url):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    return f"PostgreSQL {version}"


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MiB"


def report(args: argparse.Namespace, backend: str, stats: Dict[str, Any], cases: List[Case],
           db_sizes: List[Tuple[str, int]], notes: Dict[str, Any], mix: Dict[str, int], rss: float) -> str:
    postgres = backend.startswith("PostgreSQL")
    mark = "console-postgresql" if postgres else "console"
    n = stats["conversations"]
    pct = lambda k: f"{100 * mix.get(k, 0) / max(n, 1):.1f}%"
    rows = []
    for c in cases:
        # the target is for pages; an export is a file download, measured to show its scale
        ok = "download" if c.kind == "export" else ("yes" if c.p95 < TARGET_MS else "**no**")
        matches = "" if c.matches is None else f"{c.matches:,}"
        if c.expected is not None and c.matches != c.expected:
            matches += f" (**wrong**: {c.expected:,} contain every word)"
        rows.append(f"| {c.label} | `{c.path if len(c.path) < 70 else c.path[:67] + '...'}` | {matches} | "
                    f"{statistics_median(c.samples):.0f} | {c.p95:.0f} | {max(c.samples):.0f} | {ok} |")
    missed = [c.label for c in cases if c.kind != "export" and c.p95 >= TARGET_MS]
    duplicates = ("\nThe walk through the \"Older\" pages showed a conversation twice: keyset pagination is broken."
                  if notes.get("deep_duplicates") else "")
    wrong = [c.label for c in cases if c.expected is not None and c.matches != c.expected]
    seed_line = (f"| seeding the tracker store: {n:,} conversations, {stats['events']:,} events, "
                 f"{stats['requests']:,} consultation requests | {stats['seed_seconds']:.0f} s "
                 f"({stats['events'] / max(stats['seed_seconds'], 1e-9):,.0f} events/s) |"
                 if stats.get("seed_seconds") is not None else "| seeding | skipped (`--skip-seed`) |")
    size_lines = "\n".join(f"| {label} | {mb(size)} |" for label, size in db_sizes)
    # Where files go changes no figure: leave those options out, and the password of a URL.
    shown, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg in ("--workdir", "--samples", "--out"):
            skip = True
        elif not arg.startswith(("--workdir=", "--samples=", "--out=", "--no-write")):
            shown.append(re.sub(r"(\w+://[^:/@]*:)[^@]*@", r"\1...@", arg))
    command = " ".join([".venv/bin/python scripts/bench_console.py", shlex.join(shown)]).strip()
    return f"""<!-- benchmark:{mark}:start -->
## Staff console: {n:,} conversations on {backend.split()[0]}

Measured {time.strftime('%Y-%m-%d')} on {machine()}; {backend}.

Command: `{command}`

Data (random seed {args.seed}): {n:,} conversations over the last {DAYS} days, {stats['events']:,} tracker
events ({stats['events'] / max(n, 1):.1f} per conversation), as Rasa's `SQLTrackerStore` writes them;
English and Japanese, on LINE / the web widget (socketio) / REST. As the console counts them:
fallback {pct('fallback')}, urgent {pct('urgent')}, consultation requested {pct('consultation')},
tagged `{TAG}` {pct('tagged')}, reviewed {pct('reviewed')}.

| step | time |
|---|---|
{seed_line}
| indexing from scratch (`Indexer.sync`, redaction included) | {stats['index_seconds']:.0f} s ({n / max(stats['index_seconds'], 1e-9):,.0f} conversations/s) |

| database | size |
|---|---|
{size_lines}

Latency of the real server (`python -m bot.console serve`, waitress, 8 threads) seen by one
logged-in reviewer over HTTP on loopback, time to the last byte: {args.warmup} warm-up requests, then
{args.requests} sequential requests per case ({args.export_requests} for the export). Target: p95 under {TARGET_MS} ms
for every page (the export is a file download: its time shows how it scales).

| case | request | conversations | p50 ms | p95 ms | max ms | p95 < {TARGET_MS} ms |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Missed the target: {', '.join(missed) if missed else 'none'}. Server memory (RSS) after the run: {rss:.0f} MiB.
Each search's count was checked against a plain substring scan of the index's search texts (every word, any case):
{'wrong counts for ' + ', '.join(wrong) + '.' if wrong else 'all agree.'}{duplicates}
<!-- benchmark:{mark}:end -->"""


def mix_counts(console: Any) -> Dict[str, int]:
    from sqlalchemy import Integer, cast, func, select

    from bot.console.schema import ConversationRow, ConversationTagRow

    c = ConversationRow
    with console.engine.connect() as connection:
        row = connection.execute(select(
            func.count(), func.sum(cast(c.fallback, Integer)), func.sum(cast(c.urgent, Integer)),
            func.sum(cast(c.consultation_requested, Integer)), func.sum(cast(c.reviewed, Integer)))).one()
        tagged = connection.execute(select(func.count()).select_from(ConversationTagRow)
                                    .where(ConversationTagRow.tag == TAG)).scalar()
    return {"conversations": int(row[0]), "fallback": int(row[1] or 0), "urgent": int(row[2] or 0),
            "consultation": int(row[3] or 0), "reviewed": int(row[4] or 0), "tagged": int(tagged or 0)}


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261126, help="random seed of the data")
    parser.add_argument("--tracker-url", help="tracker store (default: a fresh SQLite file in the work directory)")
    parser.add_argument("--console-url", help="console tables (default: beside the tracker store)")
    parser.add_argument("--consultation-url", help="consultation requests (default: beside the tracker store)")
    parser.add_argument("--postgres", metavar="URL", help="one PostgreSQL database for all three (sets the URLs)")
    parser.add_argument("--workdir", help="keep the SQLite files and the server log here (default: a temporary directory)")
    parser.add_argument("--skip-seed", action="store_true", help="the tracker store is already seeded (with --workdir)")
    parser.add_argument("--batch", type=int, default=2000, help="conversations per seeding batch")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per case")
    parser.add_argument("--export-requests", type=int, default=10, help="timed requests of the CSV export")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--deep-pages", type=int, default=20, help="\"Older\" links followed for the deep page")
    parser.add_argument("--port", type=int, default=8505)
    parser.add_argument("--server-root", metavar="DIR", default=str(ROOT),
                        help="run the console server from this copy of the repository (to compare a change)")
    parser.add_argument("--out", default="docs/benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print the section, do not write it")
    parser.add_argument("--samples", metavar="FILE", help="also write every timing (ms) per case to this JSON file")
    args = parser.parse_args()

    def progress(message: str) -> None:
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)

    def step(message: str) -> None:
        print(f"\n==> {message}", file=sys.stderr, flush=True)

    if not port_free(args.port):
        print(f"error: port {args.port} is in use", file=sys.stderr)
        return 2
    workdir = Path(args.workdir).resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="bench-console-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.postgres:
        urls = {"tracker": args.postgres, "console": args.postgres, "consultation": args.postgres}
    else:
        urls = {"tracker": args.tracker_url or f"sqlite:///{workdir / 'tracker.sqlite3'}"}
        base_dir = sqlite_path(urls["tracker"]).parent if sqlite_path(urls["tracker"]) else workdir
        urls["console"] = args.console_url or f"sqlite:///{base_dir / 'console.sqlite3'}"
        urls["consultation"] = args.consultation_url or f"sqlite:///{base_dir / 'consultations.sqlite3'}"
    server: Optional[subprocess.Popen] = None
    log = None
    try:
        from sqlalchemy import create_engine, inspect, text

        from bot.console.services import Console

        engine = create_engine(urls["tracker"], future=True)
        seeded = inspect(engine).has_table("events") and engine.connect().execute(
            text("SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1) x")).scalar()
        engine.dispose()
        stats: Dict[str, Any] = {}
        if args.skip_seed:
            if not seeded:
                raise RuntimeError("--skip-seed, but the tracker store has no events")
            stats.update(seed_seconds=None)
        else:
            if seeded:
                raise RuntimeError("the tracker store already has events: use a fresh one, or --skip-seed")
            step(f"seeding {args.conversations:,} conversations into {re.sub(r'//[^@/]+@', '//', urls['tracker'])}")
            seeded_stats = seed(urls["tracker"], urls["consultation"], args.conversations, args.seed, args.batch, progress)
            stats.update(seed_seconds=seeded_stats["seconds"], requests=seeded_stats["requests"])

        step("indexing with the console's Indexer")
        console = Console.from_settings(console_settings(urls))
        started = time.monotonic()
        result = console.indexer.sync(progress=lambda done, total: progress(f"indexing: {done:,}/{total:,} conversations"))
        stats["index_seconds"] = time.monotonic() - started
        step(f"indexed {result.conversations:,} conversations in {stats['index_seconds']:.0f} s; tagging and reviewing")
        if not args.skip_seed:
            annotate(console, args.seed, progress)
        mix = mix_counts(console)
        with console.tracker_engine.connect() as connection:
            stats["events"] = int(connection.execute(text("SELECT count(*) FROM events")).scalar())
        with console.consultations.engine.connect() as connection:
            stats.setdefault("requests", int(connection.execute(text("SELECT count(*) FROM consultation_requests")).scalar()))
        stats["conversations"] = mix["conversations"]
        cases = build_cases(console, datetime.now(timezone.utc))
        console.dispose()

        step(f"starting the console on port {args.port}")
        env = dict(os.environ, CONSOLE_DB_URL=urls["console"], TRACKER_STORE_URL=urls["tracker"],
                   CONSULTATION_DB_URL=urls["consultation"], CONSOLE_COOKIE_SECURE="0", CONSOLE_SYNC_SECONDS="86400",
                   SQLALCHEMY_SILENCE_UBER_WARNING="1", PYTHONPATH=str(Path(args.server_root).resolve()))
        password = secrets.token_urlsafe(18)
        made = cli(env, "users", "add", USERNAME, "--role", "reviewer", "--password-stdin", stdin=password + "\n")
        if made.returncode:  # a reused --workdir has the account already: give it a new password
            changed = cli(env, "users", "password", USERNAME, "--password-stdin", stdin=password + "\n")
            if changed.returncode:
                raise RuntimeError(f"could not create the reviewer: {made.stderr.strip()} {changed.stderr.strip()}")
        log = open(workdir / "console-server.log", "w")
        server = subprocess.Popen([sys.executable, "-m", "bot.console", "serve", "--port", str(args.port)],
                                  cwd=env["PYTHONPATH"], env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{args.port}"
        wait_for(base, server)
        session = login(base, password)
        timed_get(session, base + "/")  # the first page brings the index up to date (nothing new)

        step("measuring")
        notes = measure(base, session, cases, args.requests, args.export_requests, args.warmup, args.deep_pages,
                        lambda m: print(f"  {m}", file=sys.stderr, flush=True))
        rss = rss_mb(server.pid)
        backend = backend_version(urls["tracker"])
        db_sizes = sizes(urls)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if log is not None:
            log.close()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    if args.samples:
        Path(args.samples).write_text(json.dumps({c.label: {"path": c.path, "ms": c.samples} for c in cases}, indent=1))
    section = report(args, backend, stats, cases, db_sizes, notes, mix, rss)
    if not args.no_write:
        mark = "console-postgresql" if backend.startswith("PostgreSQL") else "console"
        write_section(ROOT / args.out, f"<!-- benchmark:{mark}:start -->", f"<!-- benchmark:{mark}:end -->", section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
