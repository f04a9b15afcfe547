"""The staff console's web application (Flask).

Every route but the login page and the stylesheet needs a logged-in account;
what an account may see and do depends on its role (``PERMISSIONS``). State
changes are POST forms carrying the session's CSRF token. Everything a person
looks at, exports, changes or deletes is written to the audit log.
"""
from __future__ import annotations

import csv
import hmac
import io
import json
import logging
import secrets
from functools import wraps
from typing import Any, Callable, Dict, Iterator, Optional
from urllib.parse import urlencode

from flask import Flask, Response, abort, g, redirect, render_template, request, stream_with_context, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.console import charts
from bot.console.accounts import InvalidAccount, LoginThrottled
from bot.console.config import ConsoleSettings
from bot.console.filters import ConversationFilter, FilterError
from bot.console.retention import delete_conversation
from bot.console.schema import ROLES
from bot.console.services import Console
from bot.console.transcript import transcript
from bot.consultation.schema import STATUSES
from bot.consultation.validation import TOPICS, InvalidAnswer

logger = logging.getLogger(__name__)

PERMISSIONS: Dict[str, frozenset] = {
    "reviewer": frozenset({"read", "annotate", "export"}),
    "counsellor": frozenset({"read", "annotate", "export", "personal", "requests"}),
    "admin": frozenset({"read", "annotate", "export", "personal", "requests", "delete", "users", "audit"}),
}
#: Routes open without an account: the login form and the stylesheet it needs.
PUBLIC_ENDPOINTS = frozenset({"login", "static"})
LOGIN_CSRF_COOKIE = "console_login_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
REQUESTS_PAGE = 50
AUDIT_PAGE = 100


def can(permission: str) -> bool:
    user = getattr(g, "user", None)
    return user is not None and permission in PERMISSIONS.get(user.role, ())


def needs(permission: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def create_app(settings: Optional[ConsoleSettings] = None, *, console: Optional[Console] = None) -> Flask:
    settings = settings or (console.settings if console else ConsoleSettings.from_env())
    console = console or Console.from_settings(settings)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024)
    app.extensions["console"] = console
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    cookie_name = "console_session"
    secure = settings.cookie_secure

    def audit(action: str, target: Optional[str] = None, detail: Optional[dict] = None, *, username: Optional[str] = None) -> None:
        user = getattr(g, "user", None)
        console.audit.record(
            username=username or (user.username if user else "-"),
            role=user.role if user else None,
            action=action,
            target=target,
            detail=detail,
            address=request.remote_addr,
        )

    @app.before_request
    def authenticate() -> Any:
        g.user = None
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        session = console.accounts.session_for(request.cookies.get(cookie_name))
        if session is None:
            if request.method == "GET":
                return redirect(url_for("login", next=request.full_path.rstrip("?")))
            abort(401)
        g.user, g.session = session.user, session
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
                abort(400, "This form has expired. Go back, reload the page and try again.")
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(HTTPException)
    def error(e: HTTPException) -> Any:
        return render_template("error.html", error=e), e.code

    @app.context_processor
    def helpers() -> Dict[str, Any]:
        return {"can": can, "user": getattr(g, "user", None), "csrf_token": getattr(g, "session", None) and g.session.csrf_token}

    @app.template_filter("when")
    def when(value: Any) -> str:
        return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""

    # --- logging in and out -----------------------------------------------------------

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        status, message = 200, None
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            username = (request.form.get("username") or "").strip()[:100]
            if not request.cookies.get(LOGIN_CSRF_COOKIE) or not hmac.compare_digest(sent.encode(), token.encode()):
                status, message = 400, "This form has expired. Please try again."
            else:
                try:
                    user = console.accounts.authenticate(username, request.form.get("password") or "", request.remote_addr or "-")
                except LoginThrottled as throttled:
                    audit("login_throttled", username=username or "-")
                    response = Response(render_template(
                        "login.html", message=f"Too many failed attempts. Try again in {throttled.retry_after // 60 + 1} minutes.",
                        login_csrf=token), status=429)
                    response.headers["Retry-After"] = str(throttled.retry_after)
                    return response
                if user is None:
                    audit("login_failed", username=username or "-")
                    status, message = 401, "Wrong username or password."
                else:
                    session_token, session = console.accounts.start_session(user)
                    g.user = user
                    audit("login")
                    target = request.args.get("next") or ""
                    if not target.startswith("/") or target.startswith("//") or "\\" in target:
                        target = url_for("dashboard")
                    response = redirect(target)
                    response.set_cookie(cookie_name, session_token, httponly=True, secure=secure, samesite="Strict",
                                        max_age=int(settings.session_hours * 3600))
                    response.delete_cookie(LOGIN_CSRF_COOKIE)
                    return response
        response = Response(render_template("login.html", message=message, login_csrf=token), status=status)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, secure=secure, samesite="Strict", max_age=3600)
        return response

    @app.post("/logout")
    def logout() -> Any:
        console.accounts.end_session(request.cookies.get(cookie_name) or "")
        audit("logout")
        response = redirect(url_for("login"))
        response.delete_cookie(cookie_name)
        return response

    # --- dashboard ----------------------------------------------------------------------

    @app.get("/")
    @needs("read")
    def dashboard() -> Any:
        console.sync()
        daily = console.index.daily(30)
        rate = [(day, (100.0 * fb / n) if n else 0.0) for day, n, fb in daily]
        intents = console.index.top_intents(30, 10)
        counts = console.request_counts()
        return render_template(
            "dashboard.html",
            daily=daily,
            intents=intents,
            counts=counts,
            chart_daily=charts.columns([(d, n) for d, n, _ in daily], title="Conversations per day, last 30 days"),
            chart_rate=charts.columns(rate, title="Share of conversations with a fallback, per day", unit="%"),
            chart_intents=charts.bars(intents, title="Top intents, last 30 days"),
            chart_topics=charts.bars(counts["topic"], title="Consultation requests by topic"),
            chart_prefectures=charts.bars(counts["prefecture"], title="Consultation requests by prefecture"),
        )

    # --- conversations ------------------------------------------------------------------

    def current_filter() -> ConversationFilter:
        try:
            return ConversationFilter.from_args(request.args)
        except FilterError as problem:
            abort(400, str(problem))

    @app.get("/conversations")
    @needs("read")
    def conversations() -> Any:
        console.sync()
        flt = current_filter()
        try:
            page = console.index.page(flt, cursor=request.args.get("cursor") or None)
        except FilterError as problem:
            abort(400, str(problem))
        args = flt.to_args()
        next_url = url_for("conversations", **args, cursor=page.next_cursor) if page.next_cursor else None
        return render_template(
            "conversations.html", page=page, flt=flt, args=args, choices=console.index.choices(),
            next_url=next_url, first_url=url_for("conversations", **args) if request.args.get("cursor") else None,
            query=urlencode(args), low_confidence=settings.low_confidence,
        )

    @app.get("/conversations/export.<fmt>")
    @needs("export")
    def export(fmt: str) -> Any:
        if fmt not in ("csv", "json"):
            abort(404)
        console.sync()
        flt = current_filter()
        total = console.index.count(flt)
        entitled = can("personal")
        audit("export", detail={"format": fmt, "filters": flt.to_args(), "conversations": total, "redacted": not entitled})
        body = _export_csv(console, flt, entitled) if fmt == "csv" else _export_json(console, flt, entitled)
        mimetype = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        response = Response(stream_with_context(body), mimetype=mimetype)
        response.headers["Content-Disposition"] = f"attachment; filename=conversations.{fmt}"
        return response

    @app.route("/conversations/c/<path:sender_id>", methods=["GET", "POST"])
    @needs("read")
    def conversation(sender_id: str) -> Any:
        console.sync()
        if request.method == "POST":
            return annotate(sender_id)
        found = console.index.get(sender_id)
        events = console.tracker.conversation(sender_id)
        if found is None and not events:
            abort(404, "No conversation has this id (it may have been deleted).")
        audit("view_conversation", target=sender_id)
        items = transcript(events, redactor=console.redactor, entitled=can("personal"))
        return render_template("conversation.html", conversation=found, sender_id=sender_id, items=items,
                               low_confidence=settings.low_confidence, message=request.args.get("message"))

    def annotate(sender_id: str) -> Any:
        op = request.form.get("op", "")
        staff = g.user.username
        if op == "delete":
            if not can("delete"):
                abort(403)
            if request.form.get("confirm") != sender_id:
                return redirect(url_for("conversation", sender_id=sender_id, message="Type the conversation id to confirm deletion."))
            deleted = delete_conversation(sender_id, tracker=console.tracker, indexer=console.indexer, consultations=console.consultations)
            audit("delete_conversation", target=sender_id, detail={"events": deleted.events, "requests": deleted.requests})
            return redirect(url_for("conversations", message="deleted"))
        if not can("annotate"):
            abort(403)
        index = console.index
        try:
            if op == "tag":
                tag = index.add_tag(sender_id, request.form.get("tag", ""), staff)
                audit("tag", target=sender_id, detail={"tag": tag})
            elif op == "untag":
                index.remove_tag(sender_id, request.form.get("tag", ""))
                audit("untag", target=sender_id, detail={"tag": request.form.get("tag", "")})
            elif op in ("flag", "unflag"):
                index.set_flagged(sender_id, op == "flag")
                audit(op, target=sender_id)
            elif op in ("review", "unreview"):
                index.set_reviewed(sender_id, op == "review", staff)
                audit(op, target=sender_id)
            elif op == "note":
                index.add_note(sender_id, request.form.get("note", ""), staff)
                audit("note", target=sender_id)
            else:
                abort(400, "Unknown action.")
        except LookupError:
            abort(404, "This conversation is not in the index yet; try again in a few seconds.")
        except ValueError as problem:
            return redirect(url_for("conversation", sender_id=sender_id, message=str(problem)))
        return redirect(url_for("conversation", sender_id=sender_id))

    # --- consultation requests ------------------------------------------------------------

    @app.get("/requests")
    @needs("requests")
    def requests_queue() -> Any:
        filters = {k: (request.args.get(k) or "").strip() or None for k in ("status", "topic", "prefecture")}
        try:
            offset = max(int(request.args.get("offset") or 0), 0)
            rows = console.consultations.list(**filters, limit=REQUESTS_PAGE, offset=offset)
            total = console.consultations.count(**filters)
        except (ValueError, InvalidAnswer) as problem:
            abort(400, f"Unknown filter value: {problem}")
        args = {k: v for k, v in filters.items() if v}
        return render_template(
            "requests.html", rows=rows, total=total, filters=filters, statuses=STATUSES, topics=TOPICS,
            prefectures=console.request_prefectures(),
            next_url=url_for("requests_queue", **args, offset=offset + REQUESTS_PAGE) if offset + REQUESTS_PAGE < total else None,
            prev_url=url_for("requests_queue", **args, offset=max(offset - REQUESTS_PAGE, 0)) if offset else None,
        )

    @app.route("/requests/<reference>", methods=["GET", "POST"])
    @needs("requests")
    def consultation_request(reference: str) -> Any:
        found = console.consultations.get(reference)
        if found is None:
            abort(404, "No consultation request has this reference.")
        if request.method == "POST":
            op = request.form.get("op")
            try:
                if op == "status":
                    status = request.form.get("status", "")
                    console.consultations.set_status(found.reference, status, g.user.username)
                    audit("request_status", target=found.reference, detail={"status": status})
                elif op == "note":
                    console.consultations.add_note(found.reference, g.user.username, request.form.get("note", ""))
                    audit("request_note", target=found.reference)
                else:
                    abort(400, "Unknown action.")
            except ValueError as problem:
                abort(400, str(problem))
            return redirect(url_for("consultation_request", reference=found.reference))
        audit("view_request", target=found.reference)
        return render_template("request.html", r=found, statuses=STATUSES)

    # --- administration -----------------------------------------------------------------

    @app.route("/admin/users", methods=["GET", "POST"])
    @needs("users")
    def users() -> Any:
        message = None
        if request.method == "POST":
            op = request.form.get("op")
            name = (request.form.get("username") or "").strip()
            try:
                if op == "create":
                    created = console.accounts.create_user(name, request.form.get("password") or "", request.form.get("role") or "")
                    audit("user_create", target=created.username, detail={"role": created.role})
                    message = f"Account {created.username} created."
                elif op == "role":
                    changed = console.accounts.set_role(name, request.form.get("role") or "")
                    audit("user_role", target=changed.username, detail={"role": changed.role})
                    message = f"{changed.username} is now {changed.role}."
                elif op in ("activate", "deactivate"):
                    changed = console.accounts.set_active(name, op == "activate")
                    audit("user_active", target=changed.username, detail={"active": changed.active})
                    message = f"{changed.username} is now {'active' if changed.active else 'deactivated'}."
                else:
                    abort(400, "Unknown action.")
            except (InvalidAccount, LookupError) as problem:
                message = str(problem)
        return render_template("users.html", users=console.accounts.list_users(), roles=ROLES, message=message)

    @app.get("/admin/audit")
    @needs("audit")
    def audit_log() -> Any:
        username = (request.args.get("username") or "").strip() or None
        action = (request.args.get("action") or "").strip() or None
        raw_offset = request.args.get("offset") or "0"
        offset = int(raw_offset) if raw_offset.isdigit() else 0
        entries = console.audit.list(limit=AUDIT_PAGE, offset=offset, username=username, action=action)
        total = console.audit.count(username=username, action=action)
        args = {k: v for k, v in (("username", username), ("action", action)) if v}
        return render_template(
            "audit.html", entries=entries, total=total, args=args,
            next_url=url_for("audit_log", **args, offset=offset + AUDIT_PAGE) if offset + AUDIT_PAGE < total else None,
        )

    return app


# --- exports ---------------------------------------------------------------------------------

EXPORT_COLUMNS = ("conversation", "channel", "time", "speaker", "text", "intent", "confidence")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _messages(console: Console, flt: ConversationFilter, entitled: bool) -> Iterator[tuple]:
    for batch in console.index.iterate(flt):
        events = console.tracker.events_for([c.sender_id for c in batch], types=("user", "bot", "slot"))
        for c in batch:
            items = transcript(events.get(c.sender_id, []), redactor=console.redactor, entitled=entitled)
            yield c, [i for i in items if i.kind in ("user", "bot")]


def _export_csv(console: Console, flt: ConversationFilter, entitled: bool) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so that spreadsheet programs read Japanese as UTF-8
    writer.writerow(EXPORT_COLUMNS)
    for c, items in _messages(console, flt, entitled):
        for i in items:
            writer.writerow([_cell(v) for v in (
                c.sender_id, c.channel, i.at.isoformat(), i.kind, i.text, i.intent,
                "" if i.confidence is None else f"{i.confidence:.3f}",
            )])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _export_json(console: Console, flt: ConversationFilter, entitled: bool) -> Iterator[str]:
    yield "["
    first = True
    for c, items in _messages(console, flt, entitled):
        record = {
            "conversation": c.sender_id,
            "channel": c.channel,
            "started_at": c.started_at.isoformat(),
            "last_event_at": c.last_event_at.isoformat(),
            "fallback": c.fallback,
            "urgent": c.urgent,
            "consultation_requested": c.consultation_requested,
            "reviewed": c.reviewed,
            "flagged": c.flagged,
            "tags": list(c.tags),
            "messages": [
                {"time": i.at.isoformat(), "speaker": i.kind, "text": i.text, "intent": i.intent, "confidence": i.confidence}
                for i in items
            ],
        }
        yield ("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"
