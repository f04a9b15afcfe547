"""The web chat widget on the demo union page, in Chromium, talking to the real bot.

What a visitor would notice: the bot's answers, quick replies, the conversation
surviving a reload, the keyboard, a Japanese input method, a phone screen, links,
losing the connection; and what a screen reader or the network would see: the ARIA
live region, the websocket transport.
"""
from __future__ import annotations

import json
import re
import time
from typing import List

import sqlalchemy
from playwright.sync_api import expect

from tests.e2e.servers import BotServers

PRESIDENT = re.compile(r"Tomoko\s+YOSHINO", re.I)  # knowledge/sources: the brochure


def stored_user_texts(servers: BotServers, session_id: str, wait_for: str = "") -> List[str]:
    """What the bot received from this conversation, from Rasa's tracker store."""
    engine = sqlalchemy.create_engine(servers.environment()["TRACKER_STORE_URL"])
    deadline = time.monotonic() + 10
    try:
        while True:
            with engine.connect() as connection:
                rows = connection.execute(
                    sqlalchemy.text(
                        "SELECT data FROM events WHERE sender_id = :id AND type_name = 'user' "
                        "ORDER BY id"
                    ),
                    {"id": session_id},
                )
                texts = [json.loads(data)["text"] for (data,) in rows]
            if wait_for in texts or time.monotonic() > deadline:
                return texts
            time.sleep(0.2)  # the tracker is saved just after the answer is sent
    finally:
        engine.dispose()


def test_question_is_answered_and_the_conversation_survives_a_reload(chat, widget_servers, artifacts):
    chat.goto().open()
    answer = chat.ask("who is the president of rengo?")
    assert PRESIDENT.search(answer), answer
    expect(chat.user_messages.last).to_contain_text("who is the president of rengo?")
    chat.screenshot(artifacts / "desktop.png")
    session = chat.session_id()

    chat.page.reload()

    # The panel is open again, with the whole conversation, in the same bot session.
    expect(chat.panel).to_be_visible()
    expect(chat.user_messages).to_have_count(1)
    expect(chat.user_messages.first).to_contain_text("who is the president of rengo?")
    expect(chat.bot_messages.last).to_contain_text(PRESIDENT)
    chat.wait_until_ready()
    assert chat.session_id() == session
    chat.screenshot(artifacts / "after-reload.png")
    follow_up = chat.ask("hello")
    assert "Hello" in follow_up
    assert stored_user_texts(widget_servers, session, wait_for="hello") == [
        "who is the president of rengo?",
        "hello",
    ]


def test_quick_reply_shows_its_title_and_sends_its_payload(chat, widget_servers):
    chat.goto().open()
    greeting = chat.ask("hello")
    assert "What would you like to know?" in greeting
    expect(chat.quick_replies).to_have_count(6)  # five topics and 日本語
    expect(chat.quick_replies.nth(5)).to_have_text("日本語")
    expect(chat.quick_replies.nth(2)).to_have_text("Affiliated unions")

    before = chat.bot_messages.count()
    chat.quick_replies.filter(has_text="Affiliated unions").click()

    expect(chat.user_messages.last).to_contain_text("Affiliated unions")
    expect(chat.quick_replies).to_have_count(0)  # answered: the buttons are gone
    answer = chat.wait_for_answer(before)
    assert re.search(r"\d+ affiliates", answer), answer
    # The bot received the button's payload, not its title.
    texts = stored_user_texts(widget_servers, chat.session_id(), wait_for="/ask_affiliate_list")
    assert texts == ["hello", "/ask_affiliate_list"]
    chat.page.reload()
    expect(chat.user_messages.last).to_contain_text("Affiliated unions")
    expect(chat.quick_replies).to_have_count(0)  # and they do not come back after a reload


def test_screen_readers_get_a_live_log_labelled_controls_and_the_typing_indicator(chat):
    chat.goto()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    chat.open()
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    expect(chat.launcher).to_have_attribute("aria-controls", chat.panel.get_attribute("id"))

    expect(chat.log).to_have_attribute("aria-live", "polite")
    expect(chat.log).to_have_attribute("aria-label", "Conversation with the RENGO bot")
    for name in ("Send", "New conversation", "Close the chat"):
        expect(chat.page.get_by_role("button", name=name)).to_be_visible()
    expect(chat.input).to_have_attribute("placeholder", "Type your question…")

    # Sending shows the typing indicator, a status region with a sentence in it,
    # in the same task as the message leaves (so a fast bot cannot make this flaky).
    typing = chat.input.evaluate(
        """(input) => {
            input.value = "who is the president of rengo?";
            input.form.requestSubmit();
            const status = input.getRootNode().querySelector(".rc-typing");
            return {role: status.getAttribute("role"), live: status.getAttribute("aria-live"),
                    visible: status.offsetParent !== null, text: status.textContent};
        }"""
    )
    assert typing == {
        "role": "status",
        "live": "polite",
        "visible": True,
        "text": "The RENGO bot is typing…",
    }
    chat.wait_for_answer(0)
    indicator = chat.page.locator(".rc-typing")
    expect(indicator).to_be_hidden()
    expect(indicator).to_have_text("")
    # Each message says who speaks, for listeners who cannot see the bubbles' sides.
    expect(chat.user_messages.first).to_contain_text("You said:")
    expect(chat.bot_messages.first).to_contain_text("RENGO bot said:")


def test_keyboard_only(chat):
    page = chat.goto().page
    for _ in range(30):  # Tab through the union's page until the launcher
        page.keyboard.press("Tab")
        if chat.launcher.evaluate("(el) => el.getRootNode().activeElement === el"):
            break
    expect(chat.launcher).to_be_focused()
    assert chat.launcher.evaluate("(el) => getComputedStyle(el).outlineStyle") == "solid"

    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.input).to_be_focused()
    chat.wait_until_ready()
    page.keyboard.type("hello")
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    chat.wait_for_answer(before)
    expect(chat.quick_replies).to_have_count(6)

    # From the message box, Shift+Tab goes back through the quick replies.
    for _ in range(7):
        page.keyboard.press("Shift+Tab")
        if chat.quick_replies.filter(has_text="Leadership").evaluate(
            "(el) => el.getRootNode().activeElement === el"
        ):
            break
    expect(chat.quick_replies.filter(has_text="Leadership")).to_be_focused()
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    answer = chat.wait_for_answer(before)
    assert PRESIDENT.search(answer), answer
    expect(chat.input).to_be_focused()  # back in the message box, ready for the next one

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    expect(chat.panel).not_to_have_attribute("aria-modal", "true")  # not on a desktop
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")


def test_enter_that_confirms_japanese_input_does_not_send(chat):
    chat.goto().open()
    # What an input method produces, browser by browser (events as the browsers fire them).
    results = chat.input.evaluate(
        """(input) => {
            const key = (type, init) => input.dispatchEvent(new KeyboardEvent(type,
                {key: "Enter", code: "Enter", bubbles: true, cancelable: true, ...init}));
            const composition = (type) => input.dispatchEvent(
                new CompositionEvent(type, {bubbles: true, data: "こんにちは"}));
            input.focus();
            input.value = "こんにちは";
            const sent = {};
            // Chrome, Edge, Firefox: keydown while composing, then compositionend.
            composition("compositionstart");
            sent.chrome = key("keydown", {isComposing: true, keyCode: 229});
            composition("compositionend");
            key("keyup", {keyCode: 13});
            // Safari: compositionend first, then the keydown (keyCode 229, not composing).
            composition("compositionstart");
            composition("compositionend");
            sent.safari = key("keydown", {isComposing: false, keyCode: 229});
            key("keyup", {keyCode: 13});
            // Safari variants reporting keyCode 13 right after compositionend.
            composition("compositionstart");
            composition("compositionend");
            sent.safari13 = key("keydown", {isComposing: false, keyCode: 13});
            key("keyup", {keyCode: 13});
            // Escape cancels a conversion; it must not close the chat meanwhile.
            composition("compositionstart");
            key("keydown", {key: "Escape", code: "Escape", isComposing: true, keyCode: 229});
            composition("compositionend");
            key("keyup", {key: "Escape", code: "Escape", keyCode: 27});
            return {sent, value: input.value};
        }"""
    )
    # dispatchEvent returns true when nobody called preventDefault: the IME keeps its Enter.
    assert results == {"sent": {"chrome": True, "safari": True, "safari13": True}, "value": "こんにちは"}
    expect(chat.user_messages).to_have_count(0)
    expect(chat.panel).to_be_visible()

    before = chat.bot_messages.count()
    chat.input.press("Enter")  # a real Enter after the conversion: sends
    expect(chat.user_messages).to_have_count(1)
    expect(chat.user_messages.first.locator(".rc-text")).to_have_text("こんにちは")
    chat.wait_for_answer(before)

    # Shift+Enter is a new line; the message keeps it.
    chat.input.fill("line one")
    chat.input.press("Shift+Enter")
    chat.input.press_sequentially("line two")
    expect(chat.input).to_have_value("line one\nline two")
    expect(chat.user_messages).to_have_count(1)
    chat.input.press("Enter")
    expect(chat.user_messages.last.locator(".rc-text")).to_have_text("line one\nline two")


def test_phone_screen_gets_a_full_screen_panel(phone_chat, artifacts):
    chat = phone_chat.goto()
    chat.open()
    box = chat.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 375, "height": 667}
    expect(chat.launcher).to_be_hidden()  # covered: the panel's own close button is there
    # Full screen, the panel is modal: Tab cycles inside it, never into the page behind.
    expect(chat.panel).to_have_attribute("aria-modal", "true")
    expect(chat.input).to_be_focused()
    chat.page.keyboard.press("Tab")
    expect(chat.page.get_by_role("button", name="Send")).to_be_focused()
    chat.page.keyboard.press("Tab")  # from the last control back to the first: the language toggle
    expect(chat.page.get_by_role("button", name=re.compile("^Switch the chat to Japanese"))).to_be_focused()
    chat.page.keyboard.press("Tab")
    expect(chat.page.get_by_role("button", name="New conversation")).to_be_focused()
    answer = chat.ask("hello")
    assert "Hello" in answer
    expect(chat.quick_replies.first).to_be_in_viewport()
    chat.screenshot(artifacts / "phone.png")
    chat.page.get_by_role("button", name="Close the chat").click()
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_visible()
    expect(chat.launcher).to_be_focused()


def test_links_are_safe_anchors_and_message_text_is_never_html(chat):
    context = chat.page.context
    # The links lead off this machine: answer them here instead of going out.
    context.route(
        re.compile(r"^https://(www\.)?jtuc-rengo\.or\.jp/"),
        lambda route: route.fulfill(status=200, content_type="text/plain", body="RENGO"),
    )
    chat.goto().open()
    chat.ask("how can I contact rengo?")
    anchors = chat.bot_messages.last.get_by_role("link")
    expect(anchors.first).to_be_visible()
    hrefs = [anchors.nth(i).get_attribute("href") for i in range(anchors.count())]
    assert "https://www.jtuc-rengo.or.jp" in hrefs, hrefs
    for i in range(anchors.count()):
        link = anchors.nth(i)
        assert link.get_attribute("target") == "_blank"
        assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
        assert re.match(r"^https?://", link.get_attribute("href"))
        expect(link).to_contain_text("(opens in a new tab)")  # read out, not shown

    link = chat.bot_messages.last.locator('a[href="https://www.jtuc-rengo.or.jp"]')
    with context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == "https://www.jtuc-rengo.or.jp/"
    assert tab.evaluate("window.opener") is None
    tab.close()

    # Markup typed by the user (or sent by the bot) is shown as text.
    typed = '<img src=x onerror="window.pwned=1"> <b>bold</b> [x](javascript:alert(1))'
    chat.ask(typed)
    expect(chat.user_messages.last.locator(".rc-text")).to_have_text(typed)
    assert chat.log.locator("img, b, script").count() == 0
    assert chat.log.locator('a[href^="javascript:"]').count() == 0
    assert chat.page.evaluate("window.pwned") is None


def test_new_conversation_forgets_the_old_one(chat, widget_servers):
    chat.goto().open()
    chat.ask("hello")
    old_session = chat.session_id()
    chat.page.get_by_role("button", name="New conversation").click()
    expect(chat.bot_messages).to_have_count(0)
    expect(chat.user_messages).to_have_count(0)
    expect(chat.input).to_be_focused()
    expect(chat.page.get_by_role("status").filter(has_text="New conversation started.")).to_be_visible()
    chat.wait_until_ready()
    new_session = chat.session_id()
    assert new_session and new_session != old_session
    stored = chat.page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    assert "hello" not in stored and old_session not in stored

    chat.page.reload()
    expect(chat.panel).to_be_visible()
    chat.wait_until_ready()
    expect(chat.user_messages).to_have_count(0)
    answer = chat.ask("who is the president of rengo?")
    assert PRESIDENT.search(answer)
    assert stored_user_texts(widget_servers, new_session, wait_for="who is the president of rengo?") == [
        "who is the president of rengo?"
    ]


class Outage:
    """Cut the page off from the bot's server, then let it through again.

    (Chromium's offline emulation is no use here: socket.io-client ignores the
    browser's "offline" event for localhost, where the test bot runs.)
    """

    SOCKET_IO = re.compile(r"/socket\.io/")

    def __init__(self, page) -> None:
        self.down = False
        self.open_sockets = []
        page.route_web_socket(self.SOCKET_IO, self._websocket)
        page.route(self.SOCKET_IO, self._polling)

    def _websocket(self, ws) -> None:
        if self.down:
            ws.close()
            return
        self.open_sockets.append((ws, ws.connect_to_server()))

    def _polling(self, route) -> None:
        if self.down:
            route.abort("connectionrefused")
        else:
            route.continue_()

    def begin(self) -> None:
        self.down = True
        for page_side, server_side in self.open_sockets:
            page_side.close()
            server_side.close()
        self.open_sockets.clear()

    def end(self) -> None:
        self.down = False


def test_a_message_typed_while_disconnected_is_kept_and_sent_on_reconnection(chat):
    outage = Outage(chat.page)
    chat.goto().open()
    chat.ask("hello")

    outage.begin()
    expect(chat.host).to_have_attribute("data-status", "offline")
    expect(chat.page.get_by_role("status").filter(has_text="Connection lost")).to_be_visible()
    before = chat.bot_messages.count()
    chat.input.fill("who is the president of rengo?")
    chat.input.press("Enter")
    expect(chat.user_messages.last).to_contain_text("who is the president of rengo?")
    expect(chat.user_messages.last).to_contain_text("Not sent yet")
    expect(chat.input).to_have_value("")
    time.sleep(2)  # a few failed reconnection attempts
    expect(chat.host).to_have_attribute("data-status", "offline")

    outage.end()
    answer = chat.wait_for_answer(before)
    assert PRESIDENT.search(answer), answer
    expect(chat.user_messages.last).not_to_contain_text("Not sent yet")
    expect(chat.user_messages).to_have_count(2)  # sent once, not twice
    expect(chat.page.get_by_role("status").filter(has_text="Connected again.")).to_be_visible()


def test_the_socket_upgrades_to_the_websocket_transport(chat):
    frames: List[str] = []
    chat.page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda payload: frames.append(str(payload))),
    )
    chat.goto().open()
    # Fails while the server's websocket transport is broken (Sanic 21.12 on Python 3.11
    # without bot/sanic_compat.py): the client then never leaves long-polling.
    expect(chat.host).to_have_attribute("data-transport", "websocket", timeout=20_000)
    assert chat.page.evaluate("RengoChat.debug().transport") == "websocket"
    chat.ask("hello")
    assert any('"user_uttered"' in frame and '"hello"' in frame for frame in frames), frames
