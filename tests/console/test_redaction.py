"""What a reviewer without the right to see personal data sees of a worker's messages."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.formatting import bullets
from bot.console.redaction import Redactor, Span

ROOT = Path(__file__).resolve().parents[2]
REDACTOR = Redactor()

# (what the worker typed, what a reviewer sees)
PHONES = [
    ("090-1234-5678", "[phone]"),
    ("09012345678", "[phone]"),
    ("Please call me on 03-1234-5678 after work.", "Please call me on [phone] after work."),
    ("(03) 1234 5678", "[phone]"),
    ("03(1234)5678", "[phone]"),
    ("0120-123-456", "[phone]"),
    ("+81 90 1234 5678", "[phone]"),
    ("+81-3-1234-5678", "[phone]"),
    ("+81 (0)3 1234 5678", "[phone]"),
    ("080 1234 5678", "[phone]"),
    ("Tel. 045-123-4567, fax 045-123-4568", "Tel. [phone], fax [phone]"),
    ("TEL:06-6123-4567", "TEL:[phone]"),
    ("０９０－１２３４－５６７８", "[phone]"),
    ("０９０ｰ１２３４ｰ５６７８", "[phone]"),
    ("090‐1234‐5678", "[phone]"),
    ("090ー1234ー5678", "[phone]"),
    ("電話番号は０８０－２３４５－６７８９です。", "電話番号は[phone]です。"),
    ("携帯09023456789に連絡ください", "携帯[phone]に連絡ください"),
    ("+44 20 7946 0958", "[phone]"),
    ("call 090-1234-5678 2 times", "call [phone] 2 times"),
]

NOT_PHONES = [
    "I joined in 2024.",
    "I have worked 3 days without a break.",
    "They paid me 20,000 yen less.",
    "Does Article 36 apply?",
    "My contract started on 2024-04-01.",
    "My salary is 250,000 a month.",
    "The bonus was ¥1,200,000.",
    "I work 9:00-17:00.",
    "I work 09:00-17:00, Monday to Friday.",
    "残業は月45時間、賃金は２５万円です。",
    "I was paid 0 yen for 40 hours.",
    "https://laws.e-gov.go.jp/law/322AC0000000049",
    "Contract no. 2024-03-1234-5678",  # the tail of a longer number is not a phone
]

MY_NUMBERS = [
    ("123456789012", "[my-number]"),
    ("My number is 1234 5678 9012.", "My number is [my-number]."),
    ("1234-5678-9012", "[my-number]"),
    ("マイナンバーは１２３４ ５６７８ ９０１２です", "マイナンバーは[my-number]です"),
    ("０１２３４５６７８９０１", "[my-number]"),  # 12 digits from 0: My Number, not a phone
]

EMAILS = [
    ("tanaka@example.com", "[email]"),
    ("Write to taro.yamada+union@mail.example.co.jp, please", "Write to [email], please"),
    ("メールはｔａｎａｋａ＠ｅｘａｍｐｌｅ．ｃｏｍです。", "メールは[email]です。"),
    ("09012345678@docomo.ne.jp", "[email]"),
]

NAMES = [
    ("My name is Tanaka.", "My name is [name]."),
    ("my name is Tanaka Taro and I work in Osaka", "my name is [name] and I work in Osaka"),
    ("my name is tanaka taro", "my name is [name]"),
    ("My name's Kenji Sato", "My name's [name]"),
    ("My family name is Ito", "My family name is [name]"),
    ("I'm called Kenji.", "I'm called [name]."),
    ("This is Suzuki speaking.", "This is [name] speaking."),
    ("Name: Yamada Hanako", "Name: [name]"),
    ("Hello. name: hattori", "Hello. name: [name]"),
    ("my name is 山田", "my name is [name]"),
    ("山田と申します", "[name]と申します"),
    ("はじめまして、連合大阪の山田花子と申します。", "はじめまして、連合大阪の[name]と申します。"),
    ("私の名前は山田太郎です", "私の名前は[name]です"),
    ("名前は山田さくらです。", "名前は[name]です。"),
    ("名前：山田", "名前：[name]"),
    ("名前: 山田 太郎", "名前: [name]"),
    ("山田太郎といいます", "[name]といいます"),
    ("私は山田太郎といいます。よろしくお願いします。", "私は[name]といいます。よろしくお願いします。"),
    ("ジョンと申します", "[name]と申します"),
]

NOT_NAMES = [
    "I'm tired",
    "I am a nurse",
    "I'm in Osaka",
    "I'm Tanaka",  # "I'm X" is not a cue: it is mostly not a name
    "my name is not important",
    "My name is in the contract",
    "this is not speaking",
    "Company name: Toyota",
    "my boss Tanaka shouts at me",
    "私は会社員です",
    "私は山田です",  # 私はXです is not a cue (私は会社員です)
    "名前は言いたくないです",
    "名前は必要ですか",
    "これはパワハラといいます",
    "田中部長に怒鳴られました",
]

POSITIVE = PHONES + MY_NUMBERS + EMAILS + NAMES


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_personal_data_is_replaced(text: str, expected: str) -> None:
    assert REDACTOR.redact(text) == expected


@pytest.mark.parametrize("text", NOT_PHONES + NOT_NAMES)
def test_text_without_personal_data_comes_back_unchanged(text: str) -> None:
    assert REDACTOR.redact(text) == text
    assert REDACTOR.find(text) == []


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_redacting_twice_changes_nothing_more(text: str, expected: str) -> None:
    once = REDACTOR.redact(text, known=["Tanaka", "person"])
    assert REDACTOR.redact(once, known=["Tanaka", "person"]) == once


def test_spans_point_into_the_original_text() -> None:
    text = "こんにちは。私の携帯は０９０－１２３４－５６７８、メールは tanaka@example.com です。"
    spans = REDACTOR.find(text)
    assert [(text[s.start:s.end], s.kind) for s in spans] == [
        ("０９０－１２３４－５６７８", "phone"),
        ("tanaka@example.com", "email"),
    ]
    assert REDACTOR.redact(text) == "こんにちは。私の携帯は[phone]、メールは [email] です。"


def test_half_width_kana_around_a_number_is_kept_as_typed() -> None:
    text = "ﾃﾞﾝﾜは09012345678ﾃﾞｽ"  # NFKC would turn ﾃﾞ into デ: the reviewer sees what was typed
    assert REDACTOR.redact(text) == "ﾃﾞﾝﾜは[phone]ﾃﾞｽ"
    assert REDACTOR.find(text) == [Span(5, 16, "phone")]


def test_span_is_frozen_and_knows_its_placeholder() -> None:
    span = REDACTOR.find("x 090-1234-5678")[0]
    assert span == Span(2, 15, "phone") and span.placeholder == "[phone]"
    with pytest.raises(AttributeError):
        span.start = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        ("Ask for Tanaka-san at the desk", ["Tanaka"], "Ask for [personal]-san at the desk"),
        ("TANAKA and tanaka", ["Tanaka"], "[personal] and [personal]"),
        ("ｔａｎａｋａ@ｅｘａｍｐｌｅ．ｃｏｍ", ["tanaka@example.com"], "[email]"),  # e-mail is more specific
        ("上司の田中に言われた", ["田中"], "上司の田中に言われた"),  # shorter than 3: ignored
        ("上司の田中一郎に言われた", ["田中一郎"], "上司の[personal]に言われた"),
        ("株式会社ＡＢＣ商事で働いています", ["abc商事"], "株式会社[personal]で働いています"),
        ("my name is Tanaka", ["Tanaka"], "my name is [name]"),  # name is more specific
        ("nothing here", ["", "  ", "Sato"], "nothing here"),
    ],
)
def test_known_values_are_replaced_wherever_they_occur(text: str, known: list[str], expected: str) -> None:
    assert REDACTOR.redact(text, known=known) == expected


def test_public_numbers_are_compared_by_digits() -> None:
    redactor = Redactor(public_numbers=["0120 154 052"])
    assert redactor.redact("Call 0120-154-052 or ０１２０（１５４）０５２") == "Call 0120-154-052 or ０１２０（１５４）０５２"
    assert redactor.redact("Call 0120-154-053") == "Call [phone]"


# --- from_repo --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def from_repo() -> Redactor:
    return Redactor.from_repo()


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_hotline_the_bot_gives_is_not_redacted(from_repo: Redactor) -> None:
    routes = {r["key"]: r for r in _yaml(ROOT / "knowledge/curated/consultation.yml")["routes"]}
    hotline = routes["hotline"]
    assert hotline["phone"] == "0120-154-052"
    assert "0120154052" in from_repo.public_numbers
    # the bot's answer: domain.yml's template filled with the route line (actions/guidance.py)
    template = _yaml(ROOT / "domain.yml")["responses"]["utter_consultation_routes"][0]["text"]
    answer = template.format(routes=bullets([f"{hotline['name']}: {hotline['how']}"]))
    assert "0120-154-052" in answer
    assert from_repo.redact(answer) == answer
    assert REDACTOR.redact(answer) != answer  # without the repo's numbers it would be redacted


def test_example_numbers_in_prompts_are_not_public_and_a_workers_mobile_is_redacted(from_repo: Redactor) -> None:
    prompt = _yaml(ROOT / "domain.yml")["responses"]["utter_invalid_phone_invalid"][0]["text"]
    assert "090-1234-5678" in prompt
    assert "090-1234-5678" not in from_repo.redact(prompt)  # a worker may type the example as their own
    assert from_repo.redact("私の携帯は080-2345-6789です") == "私の携帯は[phone]です"
    assert from_repo.redact("Call me on +81 80 2345 6789") == "Call me on [phone]"


def test_from_repo_reads_curated_files_only(tmp_path: Path) -> None:
    (tmp_path / "knowledge/curated").mkdir(parents=True)
    (tmp_path / "domain.yml").write_text(
        'responses:\n  utter_x:\n    - text: "Call ０３－９８７６－５４３２."\n'
        'slots:\n  note:\n    initial_value: "06-1111-2222"\n',
        encoding="utf-8",
    )
    (tmp_path / "knowledge/curated/help.yml").write_text(
        'lines:\n  - {name: Line, phone: "0570-000-111"}\n', encoding="utf-8"
    )
    redactor = Redactor.from_repo(tmp_path)
    assert redactor.public_numbers == {"0570000111"}
    text = "03-9876-5432, 0570-000-111, 06-1111-2222"
    assert redactor.redact(text) == "[phone], 0570-000-111, [phone]"
