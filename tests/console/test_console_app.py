"""The console's web application, driven through Flask's test client over real SQLite files.

The tracker store is written by Rasa's own SQLTrackerStore (tracker_data.py)
and the consultation requests by our ConsultationStore, as the bot does.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone

import pytest
from argon2 import PasswordHasher

import tracker_data
from bot.console.app import PUBLIC_ENDPOINTS, create_app
from bot.console.config import ConsoleSettings
from bot.console.services import Console
from bot.consultation.store import NewRequest

PASSWORD = "correct horse battery"


def settings_in(folder) -> ConsoleSettings:
    """Every database on its own SQLite file in ``folder``; the index synced on every page."""
    return ConsoleSettings(
        console_db_url=f"sqlite:///{folder / 'console.db'}",
        tracker_store_url=f"sqlite:///{folder / 'tracker.db'}",
        consultation_db_url=f"sqlite:///{folder / 'consultations.db'}",
        sync_seconds=0,
    )


@pytest.fixture
def console(tmp_path):
    settings = settings_in(tmp_path)
    tracker_data.write(settings.tracker_store_url, tracker_data.sample_conversations())
    console = Console.from_settings(settings)
    console.accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    for name, role in (("rita", "reviewer"), ("carl", "counsellor"), ("ada", "admin")):
        console.accounts.create_user(name, PASSWORD, role)
    console.consultations.submit(NewRequest(
        topic="unpaid_wages", prefecture="Osaka", contact_method="email", contact_value=tracker_data.EMAIL,
        consent=True, channel="line", conversation_id="conv-consult", description="My boss does not pay overtime.",
    ))
    yield console
    console.dispose()


@pytest.fixture
def app(console):
    app = create_app(console=console)
    app.config["TESTING"] = True
    return app


def client_for(app):
    return app.test_client()


def login(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                           base_url="https://localhost")
    return client, response


def csrf(client, url: str = "/") -> str:
    page = client.get(url, base_url="https://localhost").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def get(client, url: str):
    return client.get(url, base_url="https://localhost")


def post(client, url: str, data: dict):
    data = dict(data)
    data.setdefault("csrf_token", csrf(client))
    return client.post(url, data=data, base_url="https://localhost")


def every_route(app):
    """(method, url) for each route, with a placeholder for each URL variable."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", {"fmt": "csv", "sender_id": "conv-consult", "reference": "RG-7K3M-Q9XD"}.get(name, "x"), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


# --- access ------------------------------------------------------------------------------


def test_every_route_refuses_anonymous_access(app):
    anonymous = client_for(app)
    routes = list(every_route(app))
    assert len(routes) >= 12
    for method, url in routes:
        response = anonymous.open(url, method=method, base_url="https://localhost")
        if method == "GET":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url
        else:
            assert response.status_code == 401, (method, url)
        body = response.get_data(as_text=True)
        assert tracker_data.EMAIL not in body and "president" not in body.lower()


def test_unknown_paths_are_not_revealed_to_anonymous_users(app):
    assert get(client_for(app), "/no/such/page").status_code == 302


def test_login_sets_a_protected_session_cookie_and_lands_on_the_dashboard(app, console):
    client, response = login(app, "rita")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("console_session=")][0]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Strict" in cookie
    assert get(client, "/").status_code == 200
    assert [e.action for e in console.audit.list()][:1] == ["login"]


def test_wrong_password_is_refused_and_audited(app, console):
    client, response = login(app, "rita", "not the password")
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert get(client, "/").status_code == 302
    entry = console.audit.list()[0]
    assert (entry.action, entry.username) == ("login_failed", "rita")


def test_login_is_rate_limited(app):
    for _ in range(5):
        assert login(app, "rita", "wrong wrong wrong")[1].status_code == 401
    _, response = login(app, "rita")  # even the right password now waits
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_login_form_needs_its_csrf_token(app):
    client = client_for(app)
    response = client.post("/login", data={"username": "rita", "password": PASSWORD}, base_url="https://localhost")
    assert response.status_code == 400


def test_login_does_not_redirect_to_other_sites(app):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        client = app.test_client()
        page = client.get("/login", base_url="https://localhost")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        response = client.post(f"/login?next={target}", data={"username": "rita", "password": PASSWORD, "csrf_token": token},
                               base_url="https://localhost")
        assert response.headers["Location"] == "/", target


def test_posts_without_the_session_csrf_token_are_refused(app, console):
    console.sync(force=True)
    client, _ = login(app, "rita")
    response = client.post("/conversations/c/conv-failed", data={"op": "flag"}, base_url="https://localhost")
    assert response.status_code == 400
    assert console.index.get("conv-failed").flagged is False


def test_logout_ends_the_session(app):
    client, _ = login(app, "rita")
    assert post(client, "/logout", {}).status_code == 302
    assert get(client, "/conversations").status_code == 302


def test_pages_carry_security_headers(app):
    client, _ = login(app, "rita")
    response = get(client, "/conversations")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("rita", {"/", "/conversations", "/conversations/c/conv-consult", "/conversations/export.csv"}),
        ("carl", {"/", "/conversations", "/conversations/c/conv-consult", "/conversations/export.csv", "/requests",
                  "/requests/RG-PLACEHOLDER"}),
        ("ada", {"/", "/conversations", "/conversations/c/conv-consult", "/conversations/export.csv", "/requests",
                 "/requests/RG-PLACEHOLDER", "/admin/users", "/admin/audit"}),
    ],
)
def test_each_role_reaches_exactly_its_pages(app, console, username, allowed):
    reference = console.consultations.list()[0].reference
    client, _ = login(app, username)
    pages = ["/", "/conversations", "/conversations/c/conv-consult", "/conversations/export.csv", "/requests",
             "/requests/RG-PLACEHOLDER", "/admin/users", "/admin/audit"]
    for page in pages:
        status = get(client, page.replace("RG-PLACEHOLDER", reference)).status_code
        assert status == (200 if page in allowed else 403), (username, page)


def test_reviewers_see_transcripts_with_personal_data_redacted(app):
    client, _ = login(app, "rita")
    page = get(client, "/conversations/c/conv-consult").get_data(as_text=True)
    assert tracker_data.MOBILE not in page and tracker_data.EMAIL not in page
    assert "[phone]" in page and "[email]" in page
    assert "request_consultation" in page and "0.91" in page  # intent and confidence
    assert "consult_contact_value" in page  # the slot is shown, its value is not


def test_counsellors_see_contact_details(app):
    client, _ = login(app, "carl")
    page = get(client, "/conversations/c/conv-consult").get_data(as_text=True)
    assert tracker_data.MOBILE in page and tracker_data.EMAIL in page
    queue = get(client, "/requests?status=new").get_data(as_text=True)
    assert tracker_data.EMAIL in queue and "Osaka" in queue


def test_reviewers_cannot_delete(app, console):
    client, _ = login(app, "rita")
    response = post(client, "/conversations/c/conv-failed", {"op": "delete", "confirm": "conv-failed"})
    assert response.status_code == 403
    assert console.tracker.conversation("conv-failed")


def test_transcript_shows_what_happened_in_order(app):
    client, _ = login(app, "rita")
    page = get(client, "/conversations/c/conv-failed").get_data(as_text=True)
    order = [page.index(s) for s in ("what is the mascot", "nlu_fallback", "action_handle_unclear", "utter_default")]
    assert order == sorted(order)
    assert "RulePolicy" in page


def test_viewing_a_transcript_is_audited(app, console):
    client, _ = login(app, "rita")
    get(client, "/conversations/c/conv-urgent")
    entry = console.audit.list(action="view_conversation")[0]
    assert (entry.username, entry.target) == ("rita", "conv-urgent")


# --- the list: filters, search, pagination -------------------------------------------------


def listed(client, query: str = "") -> list[str]:
    page = get(client, "/conversations" + (f"?{query}" if query else "")).get_data(as_text=True)
    return sorted(set(re.findall(r'href="/conversations/c/([^"]+)"', page)))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["conv-answered", "conv-consult", "conv-failed", "conv-japanese", "conv-urgent"]),
        ("fallback=yes", ["conv-failed"]),
        ("urgent=yes", ["conv-urgent"]),
        ("consultation=yes", ["conv-consult"]),
        ("channel=line", ["conv-consult", "conv-japanese"]),
        ("intent=ask_leadership", ["conv-answered"]),
        ("low_confidence=yes", ["conv-failed", "conv-japanese"]),
        ("q=mascot", ["conv-failed"]),
        ("q=PRESIDENT+rengo", ["conv-answered"]),
        ("q=残業代", ["conv-japanese"]),
        ("q=残業", ["conv-japanese"]),
        ("q=hi", ["conv-urgent"]),
        ("q=業代", ["conv-japanese"]),  # two characters inside a word: the bigram table
        ("q=mascot+president", []),  # every word must occur in the same conversation
        ("q=president+who", ["conv-answered"]),
        ("q=nothing-like-this", []),
        ("from=2026-11-20&to=2026-11-20", ["conv-answered", "conv-consult", "conv-failed", "conv-japanese", "conv-urgent"]),
        ("from=2026-11-21", []),
        ("to=2026-11-19", []),
    ],
)
def test_filters_and_search(app, query, expected):
    client, _ = login(app, "rita")
    assert listed(client, query) == expected


def test_search_does_not_find_redacted_personal_data(app):
    client, _ = login(app, "carl")
    assert listed(client, "q=2468-1357") == []
    assert listed(client, "q=tanaka") == []


def test_a_bad_filter_gets_a_clear_message(app):
    client, _ = login(app, "rita")
    response = get(client, "/conversations?from=yesterday")
    assert response.status_code == 400
    assert "use a date like" in response.get_data(as_text=True)


def test_tags_flags_notes_and_review_marks(app, console):
    client, _ = login(app, "rita")
    url = "/conversations/c/conv-failed"
    assert post(client, url, {"op": "tag", "tag": "Missing answer"}).status_code == 302
    assert post(client, url, {"op": "flag"}).status_code == 302
    assert post(client, url, {"op": "note", "note": "Add mascot facts to the KB"}).status_code == 302
    assert post(client, url, {"op": "review"}).status_code == 302
    found = console.index.get("conv-failed")
    assert found.tags == ("missing-answer",) and found.flagged and found.reviewed and found.reviewed_by == "rita"
    assert found.notes[0].text == "Add mascot facts to the KB"
    assert listed(client, "tag=missing-answer") == ["conv-failed"]
    assert listed(client, "flagged=yes") == ["conv-failed"]
    assert "conv-failed" not in listed(client, "reviewed=no")
    actions = [e.action for e in console.audit.list(username="rita")]
    assert {"tag", "flag", "note", "review"} <= set(actions)
    post(client, url, {"op": "untag", "tag": "missing-answer"})
    assert console.index.get("conv-failed").tags == ()


def test_pages_never_repeat_or_skip_a_conversation(tmp_path):
    settings = settings_in(tmp_path)
    many = {}
    for i in range(120):
        c = tracker_data.Clock(tracker_data.BASE + (i // 2) * 60)  # pairs share a timestamp
        many[f"c{i:03}"] = tracker_data.turn(c, f"question {i}", "ask_leadership", 0.9, "action_answer_leadership", "answer", None)
    tracker_data.write(settings.tracker_store_url, many)
    console = Console.from_settings(settings)
    console.sync(force=True)
    seen, cursor, pages = [], None, 0
    from bot.console.filters import ConversationFilter
    while True:
        page = console.index.page(ConversationFilter(), cursor=cursor)
        assert page.total == 120
        seen += [c.sender_id for c in page.rows]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    console.dispose()
    assert pages == 3 and len(seen) == 120 and len(set(seen)) == 120


# --- export --------------------------------------------------------------------------------


def test_csv_export_is_redacted_for_reviewers_and_audited(app, console):
    client, _ = login(app, "rita")
    response = get(client, "/conversations/export.csv?channel=line")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {r["conversation"] for r in rows} == {"conv-consult", "conv-japanese"}
    assert tracker_data.EMAIL not in body and tracker_data.MOBILE not in body and "[email]" in body
    assert any(r["speaker"] == "user" and r["intent"] == "request_consultation" for r in rows)
    entry = console.audit.list(action="export")[0]
    assert entry.detail["conversations"] == 2 and entry.detail["redacted"] is True
    assert entry.detail["filters"] == {"channel": "line"}


def test_json_export_keeps_personal_data_for_counsellors(app):
    client, _ = login(app, "carl")
    data = json.loads(get(client, "/conversations/export.json?consultation=yes").get_data(as_text=True))
    assert [c["conversation"] for c in data] == ["conv-consult"]
    texts = " ".join(m["text"] for m in data[0]["messages"])
    assert tracker_data.EMAIL in texts and tracker_data.MOBILE in texts


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path):
    from bot.console.app import _cell

    assert _cell("=HYPERLINK(\"http://evil\")").startswith("'=")
    assert _cell("-5") == "'-5" and _cell("plain") == "plain"


# --- consultation requests -------------------------------------------------------------------


def test_counsellor_changes_status_and_adds_a_note(app, console):
    reference = console.consultations.list()[0].reference
    client, _ = login(app, "carl")
    assert tracker_data.EMAIL in get(client, f"/requests/{reference}").get_data(as_text=True)
    assert post(client, f"/requests/{reference}", {"op": "status", "status": "in_progress"}).status_code == 302
    assert post(client, f"/requests/{reference}", {"op": "note", "note": "Called back, left a message"}).status_code == 302
    stored = console.consultations.get(reference)
    assert stored.status == "in_progress" and stored.updated_by == "carl"
    assert stored.notes[0].text == "Called back, left a message"
    assert reference in get(client, "/requests?status=in_progress").get_data(as_text=True)
    assert reference not in get(client, "/requests?status=new").get_data(as_text=True)
    assert {"view_request", "request_status", "request_note"} <= {e.action for e in console.audit.list(username="carl")}


# --- administration ----------------------------------------------------------------------------


def test_admin_deletes_a_conversation_on_request(app, console):
    client, _ = login(app, "ada")
    url = "/conversations/c/conv-consult"
    unconfirmed = post(client, url, {"op": "delete", "confirm": "wrong"})
    assert unconfirmed.status_code == 302 and console.tracker.conversation("conv-consult")
    assert post(client, url, {"op": "delete", "confirm": "conv-consult"}).status_code == 302
    assert console.tracker.conversation("conv-consult") == []
    assert console.index.get("conv-consult") is None
    assert console.consultations.list() == []
    assert get(client, url).status_code == 404
    entry = console.audit.list(action="delete_conversation")[0]
    assert (entry.username, entry.target) == ("ada", "conv-consult")


def test_admin_creates_accounts_and_reads_the_audit_log(app, console):
    client, _ = login(app, "ada")
    response = post(client, "/admin/users", {"op": "create", "username": "newbie", "role": "reviewer",
                                             "password": "a long enough password"})
    assert response.status_code == 200 and "Account newbie created" in response.get_data(as_text=True)
    assert console.accounts.get_user("newbie").role == "reviewer"
    weak = post(client, "/admin/users", {"op": "create", "username": "weak", "role": "reviewer", "password": "short"})
    assert console.accounts.get_user("weak") is None and "12" in weak.get_data(as_text=True)
    audit_page = get(client, "/admin/audit").get_data(as_text=True)
    assert "user_create" in audit_page and "newbie" in audit_page


def test_dashboard_counts_and_charts(app, console):
    console.index._clock = lambda: datetime(2026, 11, 26, tzinfo=timezone.utc)
    client, _ = login(app, "rita")
    page = get(client, "/").get_data(as_text=True)
    assert page.count("<svg") == 5
    assert "<strong>5</strong> conversations" in page and "<strong>1</strong> with a fallback" in page
    assert "unpaid_wages" in page and "Osaka" in page  # requests by topic and prefecture
    assert tracker_data.EMAIL not in page


def test_statistics_are_refreshed_for_the_planner(console):
    from sqlalchemy import text

    console.sync(force=True)
    console.index.analyze()
    with console.engine.connect() as connection:
        tables = {row[0] for row in connection.execute(text("SELECT tbl FROM sqlite_stat1"))}
    assert {"console_conversations", "console_conversation_intents"} <= tables


@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_audit_log_sees_the_client_behind_a_trusted_proxy_only(console, proxies, expected):
    from dataclasses import replace

    app = create_app(replace(console.settings, trusted_proxies=proxies), console=console)
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    page = client.get("/login", base_url="https://localhost", headers=forwarded)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "rita", "password": "wrong", "csrf_token": token},
                base_url="https://localhost", headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert console.audit.list(action="login_failed")[0].address == expected
