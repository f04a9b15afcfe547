"""The web widget in a real browser against the real bot.

``scripts/run_servers.sh`` (through ``BotServers``) starts the action server, the Rasa
server with the socket.io channel, and the widget's demo page (``bot.widget.server``);
Playwright drives Debian's Chromium, headless. Every test gets a fresh browser context,
so sessionStorage (where the widget keeps the conversation) starts empty.

The servers listen on ports 5205 (Rasa), 5255 (actions) and 8205 (the page), or on those
given by WIDGET_E2E_RASA_PORT, WIDGET_E2E_ACTIONS_PORT and WIDGET_E2E_WEB_PORT.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.chromium import headless_chromium
from tests.e2e.servers import BotServers

ROOT = Path(__file__).resolve().parents[3]
BUNDLE = ROOT / "bot" / "widget" / "dist" / "rengo-chat.js"
ARTIFACTS = ROOT / "test-artifacts" / "widget"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
ANSWER_TIMEOUT_S = 45.0


@pytest.fixture(scope="session")
def widget_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    if not BUNDLE.is_file():
        pytest.fail(f"{BUNDLE.relative_to(ROOT)} is missing: run scripts/build_widget.sh first")
    servers = BotServers(
        rasa_port=int(os.environ.get("WIDGET_E2E_RASA_PORT", "5205")),
        actions_port=int(os.environ.get("WIDGET_E2E_ACTIONS_PORT", "5255")),
        web_port=int(os.environ.get("WIDGET_E2E_WEB_PORT", "8205")),
        workdir=tmp_path_factory.mktemp("widget-servers"),
    )
    servers.start()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Chat:
    """The demo page with the widget, driven the way a visitor would."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.problems: List[str] = []  # script errors and CSP violations on the page
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._note_csp_violation)
        page.set_default_timeout(15_000)

    def _note_csp_violation(self, message) -> None:
        # Network errors (the offline test causes some) are not the page's fault.
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    # --- the widget's parts, found by role and name like assistive technology does ---
    @property
    def host(self):
        return self.page.locator("#rengo-chat")

    @property
    def launcher(self):
        return self.page.get_by_role("button", name="Ask RENGO", exact=True)

    @property
    def panel(self):
        return self.page.get_by_role("dialog", name="Ask RENGO")

    @property
    def log(self):
        return self.page.get_by_role("log")

    @property
    def input(self):
        return self.page.get_by_role("textbox", name="Your message")

    @property
    def bot_messages(self):
        return self.page.locator(".rc-from-bot")

    @property
    def user_messages(self):
        return self.page.locator(".rc-from-user")

    @property
    def quick_replies(self):
        return self.page.get_by_role("group", name="Suggested replies").get_by_role("button")

    # --- actions ---
    def goto(self) -> "Chat":
        self.page.goto(self.url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> "Chat":
        self.launcher.click()
        expect(self.panel).to_be_visible()
        self.wait_until_ready()
        return self

    def wait_until_ready(self) -> None:
        expect(self.host).to_have_attribute("data-status", "online", timeout=30_000)

    def session_id(self) -> str:
        return self.page.evaluate("RengoChat.debug().sessionId")

    def ask(self, text: str) -> str:
        """Type and send `text` with Enter; return the text of the bot's answer."""
        before = self.bot_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.wait_for_answer(before)

    def wait_for_answer(self, before: int) -> str:
        """Wait for new bot messages after the first `before`; all of a turn's messages."""
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        while self.bot_messages.count() <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer from the bot within {ANSWER_TIMEOUT_S:.0f} s")
            time.sleep(0.1)
        # A turn's messages arrive together; wait until no more come for a second.
        count, settled_at = self.bot_messages.count(), time.monotonic()
        while time.monotonic() - settled_at < 1.0:
            time.sleep(0.1)
            if self.bot_messages.count() != count:
                count, settled_at = self.bot_messages.count(), time.monotonic()
        return "\n".join(self.bot_messages.nth(i).inner_text() for i in range(before, count))

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path), animations="disabled")


def _chat(context: BrowserContext, servers: BotServers) -> Iterator[Chat]:
    chat = Chat(context.new_page(), servers.web_url + "/")
    try:
        yield chat
        assert not chat.problems, "errors on the demo page:\n" + "\n".join(chat.problems)
    finally:
        context.close()


@pytest.fixture
def chat(browser: Browser, widget_servers: BotServers) -> Iterator[Chat]:
    """The demo page on a desktop screen, in a fresh browser context."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    yield from _chat(context, widget_servers)


@pytest.fixture
def phone_chat(browser: Browser, widget_servers: BotServers) -> Iterator[Chat]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    yield from _chat(context, widget_servers)
