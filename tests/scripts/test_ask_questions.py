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
