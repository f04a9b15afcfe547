"""Tests for scripts/ask_questions.py against a fake REST channel on 127.0.0.1.

These check the runner (parsing, matching, scoring, grounding, report), not the bot.
"""
from __future__ import annotations

import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ask_questions.py"
_spec = importlib.util.spec_from_file_location("ask_questions", SCRIPT)
ask_questions = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("ask_questions", ask_questions)  # dataclasses look their module up
_spec.loader.exec_module(ask_questions)

CANNED: dict[str, list[dict]] = {
    "who is the president?": [{"text": "The President of RENGO is Tomoko YOSHINO (JAM)."}],
    "when was rengo founded": [{"text": "RENGO was formed in 1989."}],
    "what's the weather": [{"text": "Sorry, that's outside what I can answer."}],
    "hotline?": [{"text": "Call the hotline."}],
    "tell me about jam": [{"text": "JAM is the Japanese Association of Metal, Machinery "
                                   "and Manufacturing Workers."},
                          {"text": "Want more?", "buttons": [{"title": "Leaders from JAM",
                                                              "payload": "/ask_leadership"}]}],
    "which leaders come from it?": [{"text": "Tomoko YOSHINO and Katahiro YASUKOCHI."}],
    "made up": [{"text": "RENGO was formed in 1987 by the TEAMSTERS, see http://example.com/x "
                         "or call 03-9999-9999."}],
    "grounded": [{"text": "RENGO was formed in 1989; see https://www.jtuc-rengo.org/ "
                          "or call 0120-154-052. Ask about UNIONION."}],
}


class FakeRasa(BaseHTTPRequestHandler):
    log: list[tuple[str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        if self.path != "/webhooks/rest/webhook":
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.log.append((body["sender"], body["message"]))
        payload = json.dumps(CANNED.get(body["message"], [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def bot() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    log: list[tuple[str, str]] = []
    handler = type("Handler", (FakeRasa,), {"log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/rest/webhook", log
    finally:
        server.shutdown()
        server.server_close()


QUESTIONS = """
questions:
  - id: president
    ask: "who is the president?"
    expect: ["Tomoko YOSHINO"]
  - id: founded-wrong-expectation
    ask: "when was rengo founded"
    expect: ["1987"]
  - id: refuse-weather
    ask: "what's the weather"
    expect_any: ["I don't know", "outside what I can answer"]
  - id: hotline-forbidden
    ask: "hotline?"
    forbid: ["hotline"]
  - id: followup-jam-leaders
    conversation:
      - ask: "tell me about jam"
        expect: ["Japanese Association of Metal", "Leaders from JAM"]
      - ask: "which leaders come from it?"
        expect: ["Tomoko YOSHINO", "Katahiro YASUKOCHI"]
"""


@pytest.fixture
def qfile(tmp_path: Path) -> Path:
    path = tmp_path / "questions.yml"
    path.write_text(QUESTIONS, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str]:
    code = ask_questions.main(list(argv))
    return code, capsys.readouterr().out


def test_scores_and_prints_failures_with_reply(bot, qfile, capsys):
    url, _ = bot
    code, out = run(capsys, "--url", url, "--file", str(qfile))
    assert "answered correctly: 3/5 (60.0%)" in out
    assert code == 1  # below the default --min 0.95
    assert "FAIL founded-wrong-expectation" in out and "RENGO was formed in 1989." in out
    assert "FAIL hotline-forbidden" in out and "forbidden present: ['hotline']" in out
    assert "FAIL president" not in out and "FAIL followup-jam-leaders" not in out


def test_min_threshold_sets_exit_status(bot, qfile, capsys):
    url, _ = bot
    assert run(capsys, "--url", url, "--file", str(qfile), "--min", "0.6")[0] == 0
    assert run(capsys, "--url", url, "--file", str(qfile), "--min", "0.61")[0] == 1


def test_conversation_keeps_one_sender_and_questions_get_fresh_ones(bot, qfile, capsys):
    url, log = bot
    run(capsys, "--url", url, "--file", str(qfile))
    senders = [s for s, _ in log]
    assert len(log) == 6
    conv = [s for s, m in log if m in ("tell me about jam", "which leaders come from it?")]
    assert len(set(conv)) == 1
    assert len(set(senders)) == 5


def test_only_selects_by_id_or_glob(bot, qfile, capsys):
    url, log = bot
    code, out = run(capsys, "--url", url, "--file", str(qfile), "--only", "president",
                    "--only", "followup-*")
    assert code == 0 and "answered correctly: 2/2 (100.0%)" in out
    assert {m for _, m in log} == {"who is the president?", "tell me about jam",
                                   "which leaders come from it?"}
    assert run(capsys, "--url", url, "--file", str(qfile), "--only", "nope")[0] == 2


def test_report_holds_each_turn(bot, qfile, tmp_path, capsys):
    url, _ = bot
    report = tmp_path / "out" / "report.json"
    run(capsys, "--url", url, "--file", str(qfile), "--report", str(report))
    data = json.loads(report.read_text())
    assert (data["total"], data["passed"], data["ok"]) == (5, 3, False)
    by_id = {q["id"]: q for q in data["questions"]}
    assert by_id["founded-wrong-expectation"]["turns"][0]["missing"] == ["1987"]
    conv = by_id["followup-jam-leaders"]
    assert conv["passed"] and len(conv["turns"]) == 2
    assert "Leaders from JAM" in conv["turns"][0]["reply"]


def test_unreachable_bot_counts_as_failure(qfile, capsys):
    code, out = run(capsys, "--url", "http://127.0.0.1:9/webhooks/rest/webhook",
                    "--file", str(qfile), "--only", "president", "--timeout", "2")
    assert code == 1
    assert "cannot reach" in out and "answered correctly: 0/1 (0.0%)" in out


def test_grounding_flags_facts_missing_from_the_knowledge(bot, tmp_path, capsys):
    url, _ = bot
    (tmp_path / "knowledge" / "sources").mkdir(parents=True)
    (tmp_path / "knowledge" / "curated").mkdir()
    (tmp_path / "knowledge" / "sources" / "brochure.txt").write_text(
        "Formed in 1989, RENGU is the Japanese National Center. <https://www.jtuc-rengo.org>\n"
        "Mascot UNIONION\n", encoding="utf-8")
    (tmp_path / "knowledge" / "curated" / "routes.yml").write_text(
        "hotline:\n  phone: 0120-154-052\n", encoding="utf-8")
    qfile = tmp_path / "q.yml"
    qfile.write_text('questions:\n  - id: grounded\n    ask: "grounded"\n'
                     '  - id: made-up\n    ask: "made up"\n', encoding="utf-8")
    code, out = run(capsys, "--url", url, "--file", str(qfile), "--grounding",
                    "--root", str(tmp_path), "--min", "0.5")
    assert code == 0 and "answered correctly: 1/2 (50.0%)" in out
    assert "FAIL grounded" not in out
    assert "FAIL made-up" in out
    for violation in ("number 1987", "word TEAMSTERS", "URL http://example.com/x",
                      "phone 03-9999-9999"):
        assert violation in out
    assert "RENGO" not in out.split("not in the knowledge base:")[1]


def test_words_the_user_typed_are_not_violations(tmp_path):
    grounding = ask_questions.Grounding("RENGO was formed in 1989.")
    reply = "I couldn't find TEAMSTERS. RENGO was formed in 1989."
    assert grounding.violations(reply) == ["word TEAMSTERS"]
    assert grounding.violations(reply, ["tell me about the teamsters"]) == []


def test_reference_numbers_are_not_facts():
    grounding = ask_questions.Grounding("Your reference number is {reference}.")
    assert grounding.violations("Your reference number is RG-ABCD-2345.") == []
    assert grounding.violations("受付番号はRG-RQGK-8ZDHです。") == []  # written between kana
    assert grounding.violations("Call ABCD now.") == ["word ABCD"]


@pytest.mark.parametrize("reply, needle, found", [
    ("Use the hotline", "LINE", False),
    ("Consult us on LINE.", "line", True),
    ("in 1947", "47", False),
    ("47 locals", "47", True),
    ("Japan Teachers\u2019 Union (JTU)", "Japan Teachers' Union", True),
    ("JTUC\u2013RENGO", "jtuc-rengo", True),
    ("see jtuc-rengo.org/about/action_policies.html", "jtuc-rengo.org/about/action", True),
    ("reached 30% in 2021", "30%", True),
    ("Tomoko   YOSHINO", "tomoko yoshino", True),
    ("one of the Vice Presidents", "Vice President", True),
    ("Vice Presidential", "Vice President", False),
    ("470 members", "47", False),
])
def test_contains_matches_whole_words_case_insensitively(reply, needle, found):
    assert ask_questions.contains(reply, needle) is found


@pytest.mark.parametrize("text, message", [
    ("questions: []\n", "non-empty"),
    ("questions:\n  - ask: hi\n", "no 'id'"),
    ("questions:\n  - id: a\n    ask: hi\n  - id: a\n    ask: ho\n", "duplicate id"),
    ("questions:\n  - id: a\n    ask: hi\n    expected: [x]\n", "unknown keys"),
    ("questions:\n  - id: a\n    conversation: []\n", "non-empty list"),
])
def test_bad_question_file_exits_2(tmp_path, capsys, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    assert ask_questions.main(["--file", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_project_question_file_is_valid():
    questions = ask_questions.load_questions(ask_questions.DEFAULT_FILE)
    assert len(questions) >= 170
    assert sum(len(q.turns) > 1 for q in questions) >= 15


# --------------------------------------------------------------------------- issue 6: Japanese
JA_FILE = ask_questions.ROOT / "tests" / "questions_ja" / "questions_ja.yml"


def _old_contains(reply: str, needle: str) -> bool:
    """contains() before issue 6: boundaries against any Unicode letter or digit."""
    import re
    n = ask_questions.normalise(needle)
    pattern = re.escape(n)
    if n[0].isalnum():
        pattern = r"(?<![^\W_])" + pattern
    if n[-1].isalpha():
        pattern += r"(?:e?s)?(?![^\W_])"
    elif n[-1].isalnum():
        pattern += r"(?![^\W_])"
    return re.search(pattern, ask_questions.normalise(reply)) is not None


@pytest.mark.parametrize("reply, needle, found", [
    # Rule (c): a boundary is checked against ASCII letters and digits only.
    ("1989年に結成", "1989", True),
    ("0120-154-052まで", "0120-154-052", True),
    ("110番に電話", "110", True),
    ("JAMの会長", "JAM", True),
    ("ＪＡＭの会長", "JAM", True),
    ("会長は芳野友子です", "芳野", True),
    ("それは連合大阪です", "連合大阪", True),
    ("UAゼンセン", "ゼンセン", True),
    ("Vice Presidentの一人", "Vice President", True),
    ("第37条", "37条", True),
    ("1947年に", "1947年", True),
    ("LINEで相談", "LINE", True),
])
def test_contains_checks_boundaries_against_ascii_only(reply, needle, found):
    assert ask_questions.contains(reply, needle) is found


@pytest.mark.parametrize("reply, needle", [
    ("1947年", "47"), ("2470人", "47"), ("ホットラインhotline", "LINE"),
    ("UAZENSENの", "ZENSEN"), ("1989s", "1989"), ("第1947号", "47"),
])
def test_contains_still_checks_boundaries_against_ascii_letters_and_digits(reply, needle):
    assert not ask_questions.contains(reply, needle)


def test_contains_nfkc_folds_full_width_and_roman_numerals():
    assert ask_questions.contains("ＪＡＭ（ジャム）", "JAM")
    assert ask_questions.contains("ブリッジⅡ", "II")
    assert ask_questions.contains("ﾊﾟﾜﾊﾗ", "パワハラ")


@pytest.mark.parametrize("reply, needle", [
    ("Call 0120-154-052 now", "0120-154-052"), ("RENGO was formed in 1989.", "1989"),
    ("in 1947", "47"), ("470 members", "47"), ("Use the hotline", "LINE"),
    ("Vice Presidents", "Vice President"), ("Vice Presidential", "Vice President"),
    ("UA_ZENSEN", "ZENSEN"), ("x_47_y", "47"), ("JTUC-RENGO's", "RENGO"),
])
def test_ascii_replies_match_as_before(reply, needle):
    # Rule (c) changes nothing for text made of ASCII only (all English questions and the
    # English knowledge): only a non-ASCII letter or digit next to a match could differ.
    assert ask_questions.contains(reply, needle) is _old_contains(reply, needle)


def test_english_question_set_needles_are_ascii_and_score_as_before():
    """Every string in the English set is ASCII, so for an English (ASCII) reply the new
    boundaries give the old result; try each needle in the contexts where boundaries matter."""
    needles = set()
    for q in ask_questions.load_questions(ask_questions.DEFAULT_FILE):
        for t in q.turns:
            for e in t.expect:
                needles.update((e,) if isinstance(e, str) else e)
            needles.update(t.expect_any, t.forbid)
    assert needles and all(n.isascii() for n in needles)
    for needle in sorted(needles):
        for reply in (f"a {needle} b", f"x{needle}", f"{needle}x", f"1{needle}1",
                      f"{needle}s.", f"({needle})", f"_{needle}_", f"{needle}es"):
            assert ask_questions.contains(reply, needle) is _old_contains(reply, needle), \
                (reply, needle)


def _turn(yaml_turn: str) -> "ask_questions.Turn":
    return ask_questions._turn(__import__("yaml").safe_load(yaml_turn), "t")


def test_expect_item_may_be_a_list_of_alternatives(tmp_path):
    path = tmp_path / "q.yml"
    path.write_text('questions:\n  - id: a\n    ask: "会長代行は"\n'
                    '    expect: [["MATSUURA", "松浦"], "JAM", [1989]]\n', encoding="utf-8")
    (q,) = ask_questions.load_questions(path)
    assert q.turns[0].expect == (("MATSUURA", "松浦"), "JAM", ("1989",))
    turn = q.turns[0]
    assert ask_questions.check(turn, "会長代行は松浦さん(JAM)、1989年").passed
    assert ask_questions.check(turn, "Acting President MATSUURA (JAM) since 1989").passed
    failed = ask_questions.check(turn, "JAMです、1989年")
    assert failed.missing == [["MATSUURA", "松浦"]] and not failed.passed
    assert ask_questions.check(turn, "松浦さん(JAM)").missing == [["1989"]]


@pytest.mark.parametrize("reply, refuse, passed", [
    ("Sorry, that's outside what I can answer.", "out_of_scope", True),
    ("Sorry, that's outside what I can answer.", "unknown", False),
    ("Sorry, that’s outside what I can answer.", "[unknown, out_of_scope]", True),
    ("I couldn't find JAMX.", "[not_found, unknown]", True),
    ("I don't know when that was.", "unknown", True),
    ("申し訳ありません。その情報がありません。", "unknown", True),
    ("「ＸＹＺ」は見つかりませんでした。", "not_found", True),
    ("「ＸＹＺ」は見つかりませんでした。", "unknown", False),
    ("天気はお答えできる範囲外です。", "[not_found, out_of_scope]", True),
    # The phrase must be in the reply's language: Japanese when it has a Japanese letter.
    ("連合について: I don't know.", "unknown", False),
    ("Sorry: 情報がありません", "unknown", True),  # has Japanese letters: a Japanese reply
    ("ﾊﾟﾜﾊﾗ: I couldn't find that.", "not_found", False),
    # refuse: none = no refusal phrase of any kind, in any language.
    ("芳野友子会長です。", "none", True),
    ("RENGO was formed in 1989.", "none", True),
    ("その情報がありません。", "none", False),
    ("I couldn't find it.", "none", False),
    ("それは範囲外です", "none", False),
    ("連合: outside what I can answer", "none", False),
])
def test_refuse_wants_a_refusal_of_that_kind_in_the_replys_language(reply, refuse, passed):
    result = ask_questions.check(_turn(f'{{ask: "q", refuse: {refuse}}}'), reply)
    assert result.passed is passed
    if not passed and refuse == "none":
        assert result.refusals_present and not result.refusal_missing
    elif not passed:
        assert result.refusal_missing and not result.refusals_present


def test_reply_language():
    assert ask_questions.language("RENGO was formed in 1989.") == "en"
    assert ask_questions.language("Ｒｅｎｇｏ") == "en"
    for text in ("連合", "ひらがな", "ｶﾀｶﾅ", "JAMの会長"):
        assert ask_questions.language(text) == "ja"


@pytest.mark.parametrize("text, message", [
    ("questions:\n  - id: a\n    ask: hi\n    refuse: maybe\n", "'refuse' must be"),
    ("questions:\n  - id: a\n    ask: hi\n    refuse: []\n", "'refuse' must be"),
    ("questions:\n  - id: a\n    ask: hi\n    refuse: [none, unknown]\n", "cannot be combined"),
    ("questions:\n  - id: a\n    ask: hi\n    expect: [[]]\n", "'expect' item"),
    ("questions:\n  - id: a\n    ask: hi\n    expect: [{a: 1}]\n", "'expect' item"),
    ("questions:\n  - id: a\n    ask: hi\n    expect_any: [[a, b]]\n", "'expect_any' must be"),
])
def test_bad_refuse_or_expect_exits_2(tmp_path, capsys, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    assert ask_questions.main(["--questions", str(path)]) == 2
    assert message in capsys.readouterr().err


JA_CANNED = {
    "会長は誰": [{"text": "連合の会長は芳野友子(YOSHINO)です。"}],
    "結成はいつ": [{"text": "連合は1989年に結成されました。"}],
    "明日の天気は": [{"text": "申し訳ありません、それはお答えできる範囲外です。"}],
    "ABCユニオンについて": [{"text": "Sorry, I couldn't find ABC."}],
    "JAMについて": [{"text": "JAMはものづくり産業の労働組合です。",
                    "buttons": [{"title": "JAMの役員", "payload": "/ask_leadership"}]}],
    "その役員は": [{"text": "会長代行の松浦さん(JAM)です。"}],
}

JA_QUESTIONS = """
questions:
  - id: ja-president
    ask: "会長は誰"
    expect: [["YOSHINO", "芳野"]]
    refuse: none
  - id: ja-founded
    ask: "結成はいつ"
    expect: ["1989"]
  - id: ja-weather
    ask: "明日の天気は"
    refuse: out_of_scope
  - id: ja-unknown-name
    ask: "ABCユニオンについて"
    refuse: [not_found, out_of_scope]
  - id: ja-followup
    conversation:
      - ask: "JAMについて"
        expect: ["JAM", "JAMの役員"]
      - ask: "その役員は"
        expect: [["MATSUURA", "松浦"], ["KOBAYASHI", "小林"]]
"""


def test_japanese_question_file_end_to_end(bot, tmp_path, capsys, monkeypatch):
    url, log = bot
    for message, reply in JA_CANNED.items():
        monkeypatch.setitem(CANNED, message, reply)
    qfile = tmp_path / "questions_ja.yml"
    qfile.write_text(JA_QUESTIONS, encoding="utf-8")
    report = tmp_path / "results" / "questions_ja.json"
    code, out = run(capsys, "--url", url, "--questions", str(qfile), "--min", "0.8",
                    "--report", str(report))
    assert "answered correctly: 4/5 (80.0%)" in out and code == 0
    # ja-unknown-name: the reply is English, so its English refusal counts.
    for qid in ("ja-president", "ja-founded", "ja-weather", "ja-unknown-name"):
        assert f"FAIL {qid}\n" not in out
    assert "FAIL ja-followup" in out and "missing: [['KOBAYASHI', '小林']]" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["file"] == str(qfile) and (data["total"], data["passed"]) == (5, 4)
    by_id = {q["id"]: q for q in data["questions"]}
    assert by_id["ja-followup"]["turns"][1]["missing"] == [["KOBAYASHI", "小林"]]
    assert by_id["ja-weather"]["turns"][0]["language"] == "ja"
    unknown_name = by_id["ja-unknown-name"]["turns"][0]
    assert unknown_name["language"] == "en" and not unknown_name["refusal_missing"]
    assert "芳野友子" in report.read_text(encoding="utf-8")  # written as UTF-8, not escaped


def test_refusal_failures_are_described(bot, tmp_path, capsys, monkeypatch):
    url, _ = bot
    monkeypatch.setitem(CANNED, "明日の天気は", [{"text": "Sorry, that's outside what I can answer."}])
    monkeypatch.setitem(CANNED, "会長は誰", [{"text": "その情報がありません。"}])
    qfile = tmp_path / "q.yml"
    qfile.write_text('questions:\n  - id: w\n    ask: "明日の天気は"\n    refuse: out_of_scope\n'
                     '  - id: p\n    ask: "会長は誰"\n    refuse: none\n', encoding="utf-8")
    code, out = run(capsys, "--url", url, "--questions", str(qfile))
    assert code == 1 and "answered correctly: 1/2 (50.0%)" in out
    assert "FAIL w" not in out  # an English reply refusing in English passes
    assert "FAIL p" in out and "refusal present: ['情報がありません']" in out


def test_english_refusal_missing_is_described(bot, tmp_path, capsys):
    url, _ = bot
    qfile = tmp_path / "q.yml"
    qfile.write_text('questions:\n  - id: w\n    ask: "when was rengo founded"\n'
                     '    refuse: [unknown, not_found]\n', encoding="utf-8")
    code, out = run(capsys, "--url", url, "--questions", str(qfile))
    assert code == 1
    assert "no refusal in the reply's language (en): none of [\"I don't know\", " \
           "\"couldn't find\"]" in out


def test_project_japanese_question_file_is_valid():
    questions = ask_questions.load_questions(JA_FILE)
    turns = [t for q in questions for t in q.turns]
    assert len(questions) >= 280
    assert sum(len(q.turns) > 1 for q in questions) >= 15
    assert any(t.refuse for t in turns)
    assert any(not isinstance(e, str) for t in turns for e in t.expect)
