"""The widget's language toggle (issue 6) in Chromium, against the real bot.

What the widget does is checked in full: its texts, its lang attribute, what it shows for
the visitor's choice, what reaches the bot (Rasa's tracker store: the message and its
metadata.language) and the choice surviving a reload. The bot's confirmation
of the switch must be Japanese.
"""
from __future__ import annotations

import json
import re
import time
from typing import Any, Dict, List

import sqlalchemy
from playwright.sync_api import expect

from tests.e2e.servers import BotServers

SWITCH_TO_JA = '/switch_language{"language":"ja"}'
SWITCH_TO_EN = '/switch_language{"language":"en"}'
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def received(servers: BotServers, session_id: str, wait_for: str) -> List[Dict[str, Any]]:
    """The user messages the bot received in this conversation (text and metadata)."""
    engine = sqlalchemy.create_engine(servers.environment()["TRACKER_STORE_URL"])
    deadline = time.monotonic() + 20
    try:
        while True:
            with engine.connect() as connection:
                rows = connection.execute(
                    sqlalchemy.text(
                        "SELECT data FROM events WHERE sender_id = :id AND type_name = 'user' ORDER BY id"
                    ),
                    {"id": session_id},
                )
                events = [json.loads(data) for (data,) in rows]
            if any(e["text"] == wait_for for e in events) or time.monotonic() > deadline:
                return [{"text": e["text"], "language": (e.get("metadata") or {}).get("language")} for e in events]
            time.sleep(0.2)  # the tracker is saved once the bot has handled the message
    finally:
        engine.dispose()


def toggle(chat):
    return chat.page.locator(".rc-language")


def root_lang(chat) -> str:
    return chat.page.locator(".rc-root").get_attribute("lang")


def test_the_toggle_switches_the_widget_to_japanese_and_tells_the_bot(chat, widget_servers, artifacts):
    chat.goto().open()
    greeting = chat.ask("hello")
    assert "What would you like to know?" in greeting

    # English: the toggle offers Japanese, in Japanese, and says what it does in both languages.
    button = chat.page.get_by_role("button", name="Switch the chat to Japanese / チャットを日本語に切り替える")
    expect(button).to_be_visible()
    expect(button).to_have_text("日本語")
    expect(button.locator("span")).to_have_attribute("lang", "ja")
    assert root_lang(chat) == "en"
    chat.screenshot(artifacts / "language-en.png")

    # Keyboard: the toggle is a button in the header, Enter switches.
    before = chat.bot_messages.count()
    button.focus()
    chat.page.keyboard.press("Enter")

    page = chat.page
    assert root_lang(chat) == "ja"
    expect(page.get_by_role("dialog", name="連合に聞いてみよう")).to_be_visible()
    expect(page.get_by_role("textbox", name="メッセージ")).to_have_attribute("placeholder", "質問を入力してください…")
    for name in ("送信", "新しい会話", "チャットを閉じる", "チャットで相談"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    expect(page.get_by_role("log")).to_have_attribute("aria-label", "連合ボットとの会話")
    expect(page.locator(".rc-intro")).to_contain_text("連合や労働組合のこと")
    expect(toggle(chat)).to_have_text("English")
    expect(toggle(chat)).to_have_attribute("aria-label", "チャットを英語に切り替える / Switch the chat to English")
    expect(toggle(chat)).to_be_focused()  # focus stays on the toggle
    # The visitor's choice is shown as what they pressed, never as the command.
    expect(chat.user_messages.last.locator(".rc-text")).to_have_text("日本語")
    expect(chat.user_messages.last).to_contain_text("あなた：")
    expect(chat.log).not_to_contain_text("switch_language")
    expect(chat.quick_replies).to_have_count(0)  # the greeting's buttons are answered
    assert page.evaluate("RengoChat.debug().lang") == "ja"

    # What the bot received: the command, then every message with metadata.language "ja".
    session = chat.session_id()
    assert received(widget_servers, session, wait_for=SWITCH_TO_JA) == [
        {"text": "hello", "language": "en"},
        {"text": SWITCH_TO_JA, "language": "ja"},
    ]

    # The bot confirms the switch in Japanese.
    confirmation = chat.wait_for_answer(before)
    assert JAPANESE.search(confirmation), confirmation

    # A message without a clear language ("2016") carries the widget's language.
    page.get_by_role("textbox", name="メッセージ").fill("2016")
    page.get_by_role("textbox", name="メッセージ").press("Enter")
    assert received(widget_servers, session, wait_for="2016")[-1] == {"text": "2016", "language": "ja"}
    expect(chat.user_messages.last).not_to_contain_text("未送信")
    chat.screenshot(artifacts / "language-ja.png")

    # A reload keeps the choice, although the page (<html lang="en">) says English.
    page.reload()
    expect(page.get_by_role("dialog", name="連合に聞いてみよう")).to_be_visible()
    assert root_lang(chat) == "ja"
    expect(toggle(chat)).to_have_text("English")
    chat.wait_until_ready()
    assert chat.session_id() == session

    # And back to English, with Space this time.
    toggle(chat).focus()
    page.keyboard.press("Space")
    expect(chat.panel).to_be_visible()  # "Ask RENGO" again
    assert root_lang(chat) == "en"
    expect(chat.input).to_have_attribute("placeholder", "Type your question…")
    expect(chat.user_messages.last.locator(".rc-text")).to_have_text("English")
    assert received(widget_servers, session, wait_for=SWITCH_TO_EN)[-1] == {"text": SWITCH_TO_EN, "language": "en"}


def test_a_japanese_page_starts_the_widget_in_japanese(chat):
    # The same demo page, as a Japanese union site would have it: <html lang="ja-JP">.
    def japanese_page(route):
        response = route.fetch()
        body = response.text().replace('<html lang="en">', '<html lang="ja-JP">', 1)
        route.fulfill(response=response, body=body)

    chat.page.route(chat.url, japanese_page)
    chat.page.goto(chat.url)
    launcher = chat.page.get_by_role("button", name="チャットで相談", exact=True)
    expect(launcher).to_be_visible()
    launcher.click()
    expect(chat.page.get_by_role("dialog", name="連合に聞いてみよう")).to_be_visible()
    assert root_lang(chat) == "ja"
    expect(toggle(chat)).to_have_text("English")
    expect(toggle(chat).locator("span")).to_have_attribute("lang", "en")


def header_fits(page) -> None:
    """The title, the toggle and the two icon buttons side by side, nothing cut or overlapping."""
    header = page.locator(".rc-header").bounding_box()
    heading = page.locator(".rc-heading").bounding_box()
    boxes = [page.locator(".rc-language").bounding_box()]
    boxes += [page.locator(".rc-icon-button").nth(i).bounding_box() for i in range(2)]
    assert heading["x"] + heading["width"] <= boxes[0]["x"], (heading, boxes[0])
    for left, right in zip(boxes, boxes[1:]):
        assert left["x"] + left["width"] <= right["x"], (left, right)
    for box in boxes:
        assert 0 <= box["x"] and box["x"] + box["width"] <= 375, box
        assert box["height"] >= 24 and box["width"] >= 24, box  # WCAG 2.5.8 target size
        assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"], box
    for part in (".rc-title", ".rc-subtitle", ".rc-language"):  # text wraps or fits, never overflows
        assert page.locator(part).evaluate("(el) => el.scrollWidth <= el.clientWidth"), part


def test_the_toggle_fits_a_phone_screen(phone_chat, artifacts):
    chat = phone_chat.goto()
    chat.open()
    page = chat.page
    header_fits(page)
    # Modal on a phone: Tab cycles through the header, the toggle included.
    expect(chat.input).to_be_focused()
    page.keyboard.press("Tab")  # Send
    page.keyboard.press("Tab")
    expect(toggle(chat)).to_be_focused()

    chat.screenshot(artifacts / "phone-en.png")

    toggle(chat).tap()
    assert root_lang(chat) == "ja"
    expect(page.get_by_role("dialog", name="連合に聞いてみよう")).to_be_visible()
    expect(chat.user_messages.last.locator(".rc-text")).to_have_text("日本語")
    header_fits(page)
    chat.screenshot(artifacts / "phone-ja.png")
