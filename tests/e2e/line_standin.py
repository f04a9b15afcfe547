"""A local stand-in for the LINE Messaging API, for end-to-end tests of bot/channels/line.py.

It serves what the bot uses, on 127.0.0.1 and an ephemeral port, and behaves
like LINE for it (https://developers.line.biz/en/reference/messaging-api/):

- ``POST /v2/bot/message/reply`` and ``POST /v2/bot/message/push``;
- ``Authorization: Bearer <token>`` is required (401 otherwise);
- requests are validated like LINE does: 1 to 5 messages, text 1 to 5,000
  UTF-16 code units, image URLs HTTPS and at most 2,000 characters, at most
  13 quick reply items, labels 1 to 20 characters, postback data and
  displayText at most 300; errors are 400 with LINE's shape
  ``{"message": ..., "details": [{"message": ..., "property": ...}]}``;
- reply tokens are the ones the test issued (``issue_reply_token``) and work
  once; a second use, or an expired token, is 400 ``Invalid reply token``;
- a push whose ``X-Line-Retry-Key`` was accepted before is 409 with the first
  request's id in ``x-line-accepted-request-id``; a retry key that is not a
  UUID is 400;
- every response carries an ``x-line-request-id``.

Tests can make it fail the next calls (``fail_next``: with a status, before
or after accepting the request, as when LINE's answer is lost) or answer
slowly (``set_delay``), and read every call it got (``calls``; path, headers,
JSON body, status), waiting for them with ``wait_for``.

    with LineStandIn(access_token="token") as api:
        token = api.issue_reply_token()
        ...  # make the bot answer
        [reply] = api.wait_for(lambda calls: replies(calls))
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

from aiohttp import web

REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid."
T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One request the stand-in received, and how it answered."""

    path: str
    headers: Dict[str, str]  # lower-case names
    body: Any  # the parsed JSON, or the raw text if it was not JSON
    status: int
    request_id: str
    #: Whether LINE would have sent the messages (even if the response said otherwise).
    accepted: bool
    received_at: float = field(default=0.0, compare=False)

    @property
    def messages(self) -> List[Dict[str, Any]]:
        return list(self.body.get("messages") or []) if isinstance(self.body, dict) else []

    @property
    def texts(self) -> List[str]:
        return [m.get("text", "") for m in self.messages if m.get("type") == "text"]


@dataclass
class _Failure:
    remaining: int
    status: int
    path: Optional[str]
    accept: bool


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def validate_messages(messages: Any) -> List[Dict[str, str]]:
    """LINE's validation errors for a ``messages`` property, as ``details`` entries."""
    details: List[Dict[str, str]] = []

    def error(prop: str, message: str) -> None:
        details.append({"message": message, "property": prop})

    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        error("messages", "Size must be between 1 and 5")
        return details
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            error(where, "must be an object")
            continue
        kind = message.get("type")
        if kind == "text":
            text = message.get("text")
            if not isinstance(text, str) or not 1 <= utf16_length(text) <= 5000:
                error(f"{where}.text", "Length must be between 1 and 5000")
        elif kind == "image":
            for prop in ("originalContentUrl", "previewImageUrl"):
                url = message.get(prop)
                if not isinstance(url, str) or not url.startswith("https://") or len(url) > 2000:
                    error(f"{where}.{prop}", "must be an HTTPS URL of at most 2000 characters")
        else:
            error(f"{where}.type", "must be one of the supported message types")
        quick = message.get("quickReply")
        if quick is not None:
            items = quick.get("items") if isinstance(quick, dict) else None
            if not isinstance(items, list) or not 1 <= len(items) <= 13:
                error(f"{where}.quickReply.items", "Size must be between 1 and 13")
                continue
            for j, item in enumerate(items):
                action = item.get("action") if isinstance(item, dict) else None
                at = f"{where}.quickReply.items[{j}].action"
                if not isinstance(action, dict):
                    error(at, "may not be null")
                    continue
                label = action.get("label")
                if not isinstance(label, str) or not 1 <= len(label) <= 20:
                    error(f"{at}.label", "Length must be between 1 and 20")
                if action.get("type") == "postback":
                    data = action.get("data")
                    if not isinstance(data, str) or len(data) > 300:
                        error(f"{at}.data", "Length must be between 0 and 300")
                    shown = action.get("displayText")
                    if shown is not None and (not isinstance(shown, str) or not 1 <= len(shown) <= 300):
                        error(f"{at}.displayText", "Length must be between 1 and 300")
                elif action.get("type") == "message":
                    text = action.get("text")
                    if not isinstance(text, str) or not 1 <= len(text) <= 300:
                        error(f"{at}.text", "Length must be between 1 and 300")
                else:
                    error(f"{at}.type", "must be one of the supported action types")
    return details


class LineStandIn:
    """The stand-in server, run in a thread of its own; use as a context manager."""

    def __init__(self, access_token: str = "standin-access-token") -> None:
        self.access_token = access_token
        self.port: Optional[int] = None
        self._lock = threading.Condition()
        self._calls: List[Call] = []
        self._reply_tokens: Dict[str, str] = {}  # token -> "fresh" | "used" | "expired"
        self._retry_keys: Dict[str, str] = {}  # accepted retry key -> request id
        self._failures: List[_Failure] = []
        self._delay = 0.0
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None

    # --- life cycle ---

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the stand-in is not running")
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LineStandIn":
        started = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def serve() -> None:
            app = web.Application()
            app.router.add_post(REPLY_PATH, self._reply)
            app.router.add_post(PUSH_PATH, self._push)
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            self.port = self._runner.addresses[0][1]

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(serve())
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="line-standin", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the LINE stand-in did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        loop, self._loop = self._loop, None
        runner = self._runner

        async def shut_down() -> None:
            if runner is not None:
                await runner.cleanup()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:  # answers still waiting on set_delay
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shut_down(), loop).result(20)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()

    def __enter__(self) -> "LineStandIn":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # --- what tests control ---

    def issue_reply_token(self) -> str:
        """A fresh reply token, as LINE puts in a webhook event."""
        token = uuid.uuid4().hex
        with self._lock:
            self._reply_tokens[token] = "fresh"
        return token

    def expire_reply_token(self, token: str) -> None:
        with self._lock:
            self._reply_tokens[token] = "expired"

    def fail_next(self, count: int, status: int = 500, path: Optional[str] = None, accept: bool = False) -> None:
        """Answer the next ``count`` calls (to ``path``, or any) with ``status``.

        With ``accept`` the request is carried out first, as when LINE sent the
        messages but its answer was lost.
        """
        with self._lock:
            self._failures.append(_Failure(count, status, path, accept))

    def set_delay(self, seconds: float) -> None:
        """Wait ``seconds`` before answering each call (0: answer at once)."""
        with self._lock:
            self._delay = seconds

    def reset(self) -> None:
        """Forget the calls, pending failures and delay (tokens and retry keys stay valid)."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._delay = 0.0

    # --- what tests read ---

    @property
    def calls(self) -> List[Call]:
        with self._lock:
            return list(self._calls)

    def wait_for(self, condition: Callable[[List[Call]], T], timeout: float = 60.0) -> T:
        """Wait until ``condition(calls)`` is truthy and return it; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                result = condition(list(self._calls))
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    summary = [(c.path, c.status) for c in self._calls]
                    raise AssertionError(f"the stand-in did not see the expected calls in {timeout}s: {summary}")
                self._lock.wait(remaining)

    # --- the API ---

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._handle(request, self._accept_reply)

    async def _push(self, request: web.Request) -> web.Response:
        return await self._handle(request, self._accept_push)

    async def _handle(
        self, request: web.Request, accept: Callable[[Dict[str, Any], Dict[str, str], str], web.Response]
    ) -> web.Response:
        raw = await request.text()
        headers = {name.lower(): value for name, value in request.headers.items()}
        request_id = uuid.uuid4().hex
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        with self._lock:
            delay = self._delay
        if delay:
            await asyncio.sleep(delay)
        accepted = False
        if headers.get("authorization") != f"Bearer {self.access_token}":
            result = _error(401, AUTH_FAILED, request_id)
        else:
            failure = self._take_failure(request.path)
            if failure is not None and not failure.accept:
                result = _error(failure.status, _status_message(failure.status), request_id)
            elif not isinstance(body, dict):
                result = _error(400, "The request body could not be parsed as JSON", request_id)
            else:
                details = validate_messages(body.get("messages"))
                if details:
                    result = _error(400, f"The request body has {len(details)} error(s)", request_id, details)
                else:
                    with self._lock:
                        result = accept(body, headers, request_id)
                accepted = result.status == 200
                if failure is not None and accepted:  # done, but LINE's answer is lost
                    result = _error(failure.status, _status_message(failure.status), request_id)
        with self._lock:
            self._calls.append(
                Call(request.path, headers, body, result.status, request_id, accepted, time.monotonic())
            )
            self._lock.notify_all()
        return result

    def _take_failure(self, path: str) -> Optional[_Failure]:
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and failure.path in (None, path):
                    failure.remaining -= 1
                    return failure
        return None

    def _accept_reply(self, body: Dict[str, Any], headers: Dict[str, str], request_id: str) -> web.Response:
        token = body.get("replyToken")
        if self._reply_tokens.get(token) != "fresh":
            return _error(400, "Invalid reply token", request_id)
        self._reply_tokens[token] = "used"
        return _sent(body, request_id)

    def _accept_push(self, body: Dict[str, Any], headers: Dict[str, str], request_id: str) -> web.Response:
        if not isinstance(body.get("to"), str) or not body["to"]:
            return _error(400, "The request body has 1 error(s)", request_id,
                          [{"message": "Must not be empty", "property": "to"}])
        key = headers.get("x-line-retry-key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                return _error(400, "The retry key is invalid", request_id)
            if key in self._retry_keys:
                response = _error(409, "The retry key is already accepted", request_id)
                response.headers["x-line-accepted-request-id"] = self._retry_keys[key]
                return response
            self._retry_keys[key] = request_id
        return _sent(body, request_id)


def _sent(body: Dict[str, Any], request_id: str) -> web.Response:
    sent = [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in body["messages"]]
    return web.json_response({"sentMessages": sent}, headers={"x-line-request-id": request_id})


def _error(status: int, message: str, request_id: str, details: Optional[Sequence[Dict[str, str]]] = None) -> web.Response:
    payload: Dict[str, Any] = {"message": message}
    if details:
        payload["details"] = list(details)
    return web.json_response(payload, status=status, headers={"x-line-request-id": request_id})


def _status_message(status: int) -> str:
    if status == 429:
        return "The API rate limit has been exceeded. Try again later."
    return "Internal server error" if status >= 500 else "Bad request"


# --- helpers for assertions -----------------------------------------------------------------


def replies(calls: Sequence[Call]) -> List[Call]:
    return [c for c in calls if c.path == REPLY_PATH]


def pushes(calls: Sequence[Call]) -> List[Call]:
    return [c for c in calls if c.path == PUSH_PATH]


def accepted(calls: Sequence[Call]) -> List[Call]:
    return [c for c in calls if c.accepted]
