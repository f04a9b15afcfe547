"""The staff console in headless Chromium against the real server on loopback.

The server is ``python -m bot.console serve`` (waitress) on port 8405, over SQLite
files in a temporary directory: the tracker store written by Rasa's own
SQLTrackerStore (tracker_data.py), one consultation request, and a reviewer account
made with the console's command line. The browser is Debian's /usr/bin/chromium at
http://localhost, which Chromium treats as a secure context, so the console's
default ``Secure`` cookies must work there.

A staff member's round: the login wall, a wrong password, the dashboard's charts,
filters and search, a redacted transcript, a tag, logging out; and the login form
by keyboard alone. Screenshots go to test-artifacts/console/.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

import tracker_data
from tests.chromium import headless_chromium, require_chromium
from bot.consultation.store import ConsultationStore, NewRequest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
ARTIFACTS = ROOT / "test-artifacts" / "console"
PORT = 8405
BASE_URL = f"http://localhost:{PORT}"
USERNAME = "rita"
PASSWORD = "correct horse battery staple"
START_TIMEOUT_S = 60.0
DESKTOP = {"width": 1280, "height": 900}
ONE_MATCH = re.compile(r"^1 conversations? match")  # "1 conversation matches"


@dataclass
class ConsoleServer:
    """The running console: its process, its log file and the environment it was given."""

    process: subprocess.Popen
    log_path: Path
    env: Dict[str, str]

    def log(self, start: int = 0) -> str:
        return self.log_path.read_bytes()[start:].decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


def _port_is_free(port: int) -> bool:
    """Nothing listens on ``port`` on loopback (IPv4, nor IPv6 where "localhost" may also resolve)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does: TIME_WAIT is no obstacle
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    try:
        with socket.create_connection(("::1", port), timeout=0.5):
            return False
    except OSError:
        return True


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _day_offset() -> float:
    """Whole days to move the sample conversations so that they fall in the dashboard's last 30 days."""
    days_old = int((time.time() - tracker_data.BASE) // 86400)
    return 0.0 if 1 <= days_old <= 20 else float((days_old - 6) * 86400)


def _console_env(tmp: Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_")}
    env.update(
        CONSOLE_DB_URL=f"sqlite:///{tmp / 'console.sqlite3'}",
        TRACKER_STORE_URL=f"sqlite:///{tmp / 'tracker.sqlite3'}",
        CONSULTATION_DB_URL=f"sqlite:///{tmp / 'consultations.sqlite3'}",
        CONSOLE_SYNC_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    return env  # CONSOLE_COOKIE_SECURE left at its default: Secure cookies


def _add_reviewer(env: Dict[str, str]) -> None:
    """Create the reviewer account the way an administrator would: the CLI, password on stdin."""
    done = subprocess.run(
        [str(PYTHON), "-m", "bot.console", "users", "add", USERNAME, "--role", "reviewer", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )
    assert done.returncode == 0, f"users add failed:\n{done.stdout}\n{done.stderr}"
    assert f"created reviewer account {USERNAME}" in done.stdout


@pytest.fixture(scope="module", autouse=True)
def chromium() -> str:
    """Debian's Chromium, checked before the server starts: missing, a failure in CI and a skip locally."""
    return require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """The console served by waitress on localhost:8405, over fresh SQLite files."""
    if not _port_is_free(PORT):
        pytest.fail(f"port {PORT} is in use on loopback: stop whatever listens there (another console?) and rerun")
    tmp = tmp_path_factory.mktemp("console-browser")
    env = _console_env(tmp)
    tracker_data.write(env["TRACKER_STORE_URL"], tracker_data.sample_conversations(_day_offset()))
    consultations = ConsultationStore.from_url(env["CONSULTATION_DB_URL"])
    consultations.submit(NewRequest(
        topic="unpaid_wages", prefecture="Osaka", contact_method="email", contact_value=tracker_data.EMAIL,
        consent=True, channel="line", conversation_id="conv-consult", description="My boss does not pay overtime.",
    ))
    consultations.engine.dispose()
    _add_reviewer(env)

    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(PYTHON), "-m", "bot.console", "serve", "--port", str(PORT)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    running = ConsoleServer(process, log_path, env)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(PORT):
        if process.poll() is not None:
            pytest.fail(f"the console exited with code {process.returncode} before answering:\n{running.log()}")
        if time.monotonic() > deadline:
            process.terminate()
            process.wait(10)
            pytest.fail(f"the console did not answer on port {PORT} within {START_TIMEOUT_S:.0f} s:\n{running.log()}")
        time.sleep(0.2)
    try:
        yield running
    finally:
        crashed = process.poll() is not None
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        if crashed:
            print(f"the console exited during the tests (code {process.returncode}):\n{running.log()}", file=sys.stderr)


@pytest.fixture(autouse=True)
def server_log_on_failure(request: pytest.FixtureRequest, server: ConsoleServer) -> Iterator[None]:
    """When a test fails, print what the server logged meanwhile (shown with the failure)."""
    failed, start = request.session.testsfailed, server.log_size()
    yield
    if request.session.testsfailed > failed:
        print(f"--- console server log during {request.node.name} ---\n{server.log(start)}")


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    """Chromium, headless, for the whole module."""
    with headless_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """test-artifacts/console/, where the screenshots go."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser: Browser, server: ConsoleServer) -> Iterator[Page]:
    """A fresh browser profile on a desktop screen; fails the test on script errors or CSP violations."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="UTC")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: List[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("console", lambda message: problems.append(f"console: {message.text}")
           if message.type == "error" and "Content Security Policy" in message.text else None)
    tab.on("response", lambda response: problems.append(f"HTTP {response.status} for {response.url}")
           if response.status >= 500 else None)
    try:
        yield tab
        assert not problems, "the browser reported problems:\n" + "\n".join(problems)
    finally:
        context.close()


# --- helpers: what a person looks at -------------------------------------------------------


def path_of(page: Page) -> str:
    """The page's path and query, without scheme and host."""
    return re.sub(r"^https?://[^/]+", "", page.url)


def log_in(page: Page, username: str, password: str) -> None:
    """Fill in the login form and press its button."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def rows(page: Page) -> Locator:
    """The rows of the conversation list (the "no match" row included)."""
    return page.locator("table.list tbody tr")


def listed_ids(page: Page) -> List[str]:
    """The conversation ids linked from the list, sorted."""
    links = page.locator("table.list tbody a[href^='/conversations/c/']")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted({h.rsplit("/", 1)[1] for h in hrefs})


def choice(page: Page, label: str) -> Locator:
    """A filter's drop-down, by its accessible name (the label's text)."""
    return page.get_by_role("combobox", name=label, exact=True)


def apply_filters(page: Page) -> None:
    """Submit the list's filter form, as the Filter button does."""
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_load_state()


def screenshot(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True, animations="disabled")


# --- the tests -------------------------------------------------------------------------------


def test_a_reviewer_works_through_the_console(page: Page, artifacts: Path) -> None:
    """Login wall, wrong password, dashboard, filters, search, redacted transcript, tag, logout."""
    # Not logged in: the list sends the reviewer to the login page, which remembers where they were going.
    page.goto(f"{BASE_URL}/conversations")
    expect(page).to_have_title(re.compile(r"^Log in · RENGO bot console"))
    assert path_of(page) == "/login?next=/conversations"
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    # The stylesheet loads under the Content-Security-Policy: the header has its brand-coloured rule.
    border = page.locator("header.top").evaluate("e => getComputedStyle(e).borderBottomColor")
    assert border == "rgb(200, 16, 46)", border

    log_in(page, USERNAME, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, artifacts / "login.png")
    assert not [c for c in page.context.cookies() if c["name"] == "console_session"]

    log_in(page, USERNAME, PASSWORD)
    expect(page.get_by_role("heading", name="Conversations", exact=True)).to_be_visible()
    assert path_of(page) == "/conversations"  # the page first asked for
    # The session cookie was accepted over http://localhost although it is Secure.
    session = [c for c in page.context.cookies() if c["name"] == "console_session"]
    assert len(session) == 1, page.context.cookies()
    assert session[0]["secure"] and session[0]["httpOnly"] and session[0]["sameSite"] == "Strict"
    assert not [c for c in page.context.cookies() if c["name"] == "console_login_csrf"]
    expect(page.locator("form.account")).to_contain_text(f"{USERNAME} (reviewer, personal data hidden)")

    # Dashboard: five charts drawn, and the numbers of the sample week.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(5)
    for i in range(5):
        expect(charts.nth(i)).to_be_visible()
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 300 and box["height"] >= 20, box
    expect(page.get_by_role("img", name="Conversations per day, last 30 days")).to_be_visible()
    expect(page.locator("p.summary")).to_contain_text("Last 30 days: 5 conversations, 1 with a fallback (20.0%)")
    expect(page.get_by_role("img", name="Top intents, last 30 days")).to_contain_text("request_consultation")
    expect(page.get_by_role("img", name="Consultation requests by prefecture")).to_contain_text("Osaka")
    assert page.locator("svg.chart rect.bar").count() >= 5
    screenshot(page, artifacts / "dashboard.png")

    # Conversations: Fallback = yes finds exactly the conversation the bot failed.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Conversations").click()
    expect(page.locator("p.summary")).to_have_text(re.compile(r"^5 conversations match"))
    expect(rows(page)).to_have_count(5)
    choice(page, "Fallback").select_option("yes")
    apply_filters(page)
    expect(page.locator("p.summary")).to_contain_text(ONE_MATCH)
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("what is the mascot's favourite food")
    expect(rows(page).first.locator(".badge.fallback")).to_be_visible()
    expect(choice(page, "Fallback")).to_have_value("yes")  # the form shows the filter in force
    assert "fallback=yes" in page.url
    assert listed_ids(page) == ["conv-failed"]
    screenshot(page, artifacts / "list-filtered.png")

    # Clear, then search in Japanese.
    page.get_by_role("link", name="Clear").click()
    expect(choice(page, "Fallback")).to_have_value("")
    expect(rows(page)).to_have_count(5)
    search = page.get_by_role("searchbox", name="Search what workers wrote")
    search.fill("残業")
    search.press("Enter")
    expect(page.locator("p.summary")).to_contain_text(ONE_MATCH)
    expect(rows(page).first).to_contain_text("残業代が払われないのですが")
    expect(search).to_have_value("残業")
    assert listed_ids(page) == ["conv-japanese"]

    # The consultation conversation's transcript: intents and confidences shown, personal data not.
    page.get_by_role("link", name="Clear").click()
    choice(page, "Consultation requested").select_option("yes")
    apply_filters(page)
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).not_to_contain_text(tracker_data.MOBILE)
    rows(page).first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Conversation conv-consult")).to_be_visible()
    assert path_of(page) == "/conversations/c/conv-consult"
    transcript = page.locator("ol.transcript")
    first_user, second_user = transcript.locator("li.user").nth(0), transcript.locator("li.user").nth(1)
    expect(first_user.locator(".nlu")).to_contain_text("intent request_consultation 0.91")
    expect(second_user.locator(".nlu")).to_contain_text("intent inform 0.62")
    expect(first_user.locator(".text")).to_have_text("I want to talk to someone. My number is [phone]")
    expect(second_user.locator(".text")).to_have_text("[email]")
    expect(transcript).to_contain_text("slot consult_contact_value")
    expect(page.locator("p.note")).to_contain_text("Personal data")
    text, html = page.locator("body").inner_text(), page.content()
    for secret in (tracker_data.MOBILE, tracker_data.EMAIL, "2468-1357", "tanaka"):
        assert secret not in text and secret not in html, secret

    # Tag it for the knowledge-base team.
    page.get_by_role("textbox", name="Tag", exact=True).fill("needs-answer")
    page.get_by_role("button", name="Add tag").click()
    tags = page.get_by_role("region", name="About this conversation").locator("span.tag")
    expect(tags).to_have_text(["needs-answer"])
    expect(page.get_by_role("button", name="Remove tag needs-answer")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    screenshot(page, artifacts / "transcript.png")

    # Back on the list, the new tag is a filter value and finds that conversation only.
    page.get_by_role("link", name="« All conversations").click()
    expect(choice(page, "Tag").locator("option")).to_have_text(["any", "needs-answer"])
    choice(page, "Tag").select_option("needs-answer")
    apply_filters(page)
    expect(page.locator("p.summary")).to_contain_text(ONE_MATCH)
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first.locator("span.tag")).to_have_text("needs-answer")
    assert listed_ids(page) == ["conv-consult"]

    # Log out: back at the login page, and the list is closed again.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert path_of(page) == "/login"
    assert not [c for c in page.context.cookies() if c["name"] == "console_session"]
    page.go_back()  # the tagged list is not shown again from the browser's cache (Cache-Control: no-store)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("needs-answer")
    page.goto(f"{BASE_URL}/conversations")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert path_of(page).startswith("/login?next=")
    expect(page.locator("body")).not_to_contain_text("what is the mascot")


def test_the_login_form_works_with_the_keyboard_alone(page: Page) -> None:
    """Username has the focus, Tab moves to the password and the button, Enter logs in; the focus is visible."""
    page.goto(f"{BASE_URL}/login")
    username = page.get_by_label("Username")
    expect(username).to_be_focused()
    outline = username.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline == "solid 3px", outline
    page.keyboard.type(USERNAME)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Log in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert path_of(page) == "/"
    # The first Tab offers a skip link to the content; then the brand, then the main navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to the content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Dashboard", focused
