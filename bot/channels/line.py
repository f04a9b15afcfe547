"""The LINE Messaging API channel: LINE's webhooks in, reply and push messages out.

Registered in credentials.yml as ``bot.channels.line.LineInput:`` (no
parameters); LINE posts to ``/webhooks/line/webhook``. Configuration comes
from the environment (``LineSettings.from_env``), never from files in the
repository: ``LINE_CHANNEL_SECRET`` and ``LINE_CHANNEL_ACCESS_TOKEN`` (without
them the server still starts, logs one warning and answers LINE's webhooks
with 503), ``LINE_API_BASE_URL`` (default ``https://api.line.me``),
``LINE_EVENT_STORE_URL`` (see bot/channels/line_events.py) and the tuning
variables listed in docs/line.md.

How a webhook is handled:

1. ``X-Line-Signature`` is checked against the HMAC-SHA256 of the raw body in
   constant time before anything is parsed: missing or wrong, 401 and nothing
   else happens. Then malformed JSON is 400; LINE's "Verify" (no events) is 200.
2. Each event worth answering is claimed in the event store (the rule in
   bot/channels/line_events.py), then the webhook is acknowledged at once
   (LINE wants an answer within seconds) and the events are answered in the
   background, in order for each conversation. A duplicate of an event still
   being answered gets 503, so that LINE delivers it again later.
3. Each event becomes one message to Rasa (bot/channels/line_messages.py): a
   text as typed, a postback's data (the payload of a quick reply we sent),
   ``/greet`` for follow and join, ``/send_media`` for stickers, photos, video,
   audio, files and locations. Every sentence the worker reads comes from the
   domain through Rasa.
4. Rasa's answer to that one message goes out in one reply call (at most five
   messages); the rest, if any, by push in batches of five, each push with its
   own ``X-Line-Retry-Key`` and retried on 429, 5xx and timeouts. A reply is
   retried the same way: a reply token is single-use, so a retry can never
   double an answer. If LINE refuses the reply token (expired) before any
   attempt could have been accepted, the answer goes by push instead, unless
   another process may have used the token already (see ``Claim.TAKEN_OVER``).
   Failures that may have reached the worker (timeouts, 5xx) are never
   followed by a push of the same messages: a missing answer can be asked
   again, a doubled one cannot be taken back.

Privacy: nothing logged at INFO or above contains message text or a full LINE
user, group or room id; API failures are logged with status and LINE's
request id only.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import math
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Set, Text

from linebot.v3.messaging import Message
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import line_events
from bot.channels.line_api import LineApi
from bot.channels.line_events import Claim, LineEventStore
from bot.channels.line_messages import (
    CHANNEL_NAME,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MAX_MESSAGES_PER_CALL,
    Incoming,
    ResponseCollector,
    batches,
    parse_event,
    to_incoming,
    to_line_messages,
)

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.line.me"
PRUNE_INTERVAL_SECONDS = 3600.0


# --- configuration ----------------------------------------------------------------------


@dataclass(frozen=True)
class LineSettings:
    """Everything the channel reads from the environment; secrets stay out of ``repr``."""

    channel_secret: str = field(default="", repr=False)
    access_token: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    event_store_url: str = field(default_factory=line_events.store_url, repr=False)
    #: Seconds one API call may take before it counts as a timeout.
    api_timeout: float = 10.0
    #: Attempts per reply or push call (1 = no retry), and the first delay, doubled each time.
    api_attempts: int = 4
    retry_delay: float = 1.0
    retry_max_delay: float = 30.0
    claim_timeout: timedelta = line_events.DEFAULT_CLAIM_TIMEOUT
    retention: timedelta = line_events.DEFAULT_RETENTION
    #: Seconds the server waits at shutdown for answers still being sent.
    shutdown_grace: float = 10.0
    #: Greeting and fallback language of the bot on LINE (``LINE_DEFAULT_LANGUAGE``: ja or en).
    language: str = DEFAULT_LANGUAGE

    @property
    def configured(self) -> bool:
        return bool(self.channel_secret and self.access_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "LineSettings":
        """Read the ``LINE_*`` variables; a value that is not a valid number keeps its default (with a warning)."""
        default = cls(event_store_url=line_events.store_url(env))

        def number(name: str, fallback: float, minimum: float) -> float:
            raw = env.get(name, "").strip()
            if not raw:
                return fallback
            try:
                value: Optional[float] = float(raw)
            except ValueError:
                value = None
            if value is None or not math.isfinite(value) or value < minimum:
                logger.warning("%s=%r is not a number >= %s: using %s", name, raw, minimum, fallback)
                return fallback
            return value

        return cls(
            channel_secret=env.get("LINE_CHANNEL_SECRET", "").strip(),
            access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip(),
            api_base_url=(env.get("LINE_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL).rstrip("/"),
            event_store_url=default.event_store_url,
            api_timeout=number("LINE_API_TIMEOUT_SECONDS", default.api_timeout, 0.1),
            api_attempts=int(number("LINE_API_ATTEMPTS", default.api_attempts, 1)),
            retry_delay=number("LINE_API_RETRY_DELAY_SECONDS", default.retry_delay, 0),
            retry_max_delay=number("LINE_API_RETRY_MAX_DELAY_SECONDS", default.retry_max_delay, 0),
            claim_timeout=timedelta(
                seconds=number(
                    "LINE_EVENT_CLAIM_TIMEOUT_SECONDS", default.claim_timeout.total_seconds(), 1
                )
            ),
            retention=timedelta(
                days=number("LINE_EVENT_RETENTION_DAYS", default.retention.total_seconds() / 86400, 0.001)
            ),
            shutdown_grace=number("LINE_SHUTDOWN_GRACE_SECONDS", default.shutdown_grace, 0),
            language=_language(env.get("LINE_DEFAULT_LANGUAGE", "")),
        )


def _language(raw: str) -> str:
    value = raw.strip().lower()
    if not value:
        return DEFAULT_LANGUAGE
    if value not in LANGUAGES:
        logger.warning("LINE_DEFAULT_LANGUAGE=%r is not one of %s: using %s", raw, ", ".join(LANGUAGES), DEFAULT_LANGUAGE)
        return DEFAULT_LANGUAGE
    return value


def signature_is_valid(channel_secret: str, body: bytes, signature: Optional[str]) -> bool:
    """Whether ``signature`` is base64(HMAC-SHA256(secret, raw body)), compared in constant time."""
    if not channel_secret or not signature:
        return False
    expected = base64.b64encode(hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode("utf-8", "replace"))


def short_id(identifier: str) -> str:
    """Enough of a LINE id to tell conversations apart in a log, not enough to identify anyone."""
    return identifier[:5] + "…" if len(identifier) > 5 else identifier


# --- the channel ------------------------------------------------------------------------


class LineInput(InputChannel):
    """Rasa input channel for the LINE Messaging API (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "LineInput":
        # Secrets are read from the environment only: credentials.yml is in git.
        if credentials:
            logger.warning("LINE: parameters in credentials.yml are ignored; use LINE_* environment variables")
        return cls()

    def __init__(self, settings: Optional[LineSettings] = None, store: Optional[LineEventStore] = None) -> None:
        self.settings = settings or LineSettings.from_env()
        self.api = LineApi(self.settings)
        #: This process's id in the event store: host, pid and a random part, no user data.
        self.owner = f"{socket.gethostname()[:24]}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._store = store
        self._store_lock = threading.Lock()
        self._tasks: Set["asyncio.Task[None]"] = set()
        self._tails: Dict[str, "asyncio.Task[None]"] = {}
        self._next_prune = 0.0
        if not self.settings.configured:
            logger.warning(
                "LINE channel is not configured (LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN "
                "are not both set): its webhook answers 503 until they are; see docs/line.md"
            )

    # --- the event store, opened lazily and used from worker threads ---

    def store(self) -> LineEventStore:
        with self._store_lock:
            if self._store is None:
                self._store = LineEventStore.from_url(
                    self.settings.event_store_url, claim_timeout=self.settings.claim_timeout
                )
            return self._store

    async def _store_call(self, method: str, *args: Any) -> Any:
        """``self.store().<method>(*args)`` in a worker thread, so the event loop never waits on SQL."""
        return await asyncio.to_thread(lambda: getattr(self.store(), method)(*args))

    def _prune(self) -> None:
        try:
            deleted = self.store().prune(self.settings.retention)
        except Exception as error:  # the store may be down; answering matters more
            logger.error("LINE: pruning the event store failed: %s", type(error).__name__)
            return
        if deleted:
            logger.info("LINE: pruned %d old webhook event(s)", deleted)

    def _maybe_prune(self) -> None:
        now = time.monotonic()
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_INTERVAL_SECONDS
            self._track(asyncio.create_task(asyncio.to_thread(self._prune)))

    # --- routes ---

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        line_webhook = Blueprint("line_webhook", __name__)

        @line_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.settings.configured})

        @line_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return await self.handle_webhook(request, on_new_message)

        @line_webhook.listener("after_server_start")
        async def open_store(app: Any, loop: Any) -> None:
            if self.settings.configured:
                self._maybe_prune()  # also opens the store, so a bad URL shows at start-up

        @line_webhook.listener("before_server_stop")
        async def finish(app: Any, loop: Any) -> None:
            await self.shutdown()

        return line_webhook

    async def handle_webhook(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        if not self.settings.configured:
            return response.json(
                {"error": "the LINE channel is not configured on this server "
                          "(LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN)"},
                status=503,
            )
        body: bytes = request.body or b""
        if not signature_is_valid(self.settings.channel_secret, body, request.headers.get("x-line-signature")):
            logger.warning("LINE webhook refused: missing or invalid X-Line-Signature")
            return response.json({"error": "missing or invalid X-Line-Signature"}, status=401)
        # Signed by LINE from here on. The SDK's WebhookParser.parse does not fit: it needs
        # the body decoded to text before it checks the signature, fails with a bare
        # KeyError/ValueError on a malformed body, and logs unknown events at INFO. We
        # verify the raw bytes ourselves, answer 400 for a broken body, and use the SDK's
        # v3 event models (linebot.v3.webhooks.Event.from_dict) for each event.
        try:
            payload = json.loads(body)
        except ValueError:
            return response.json({"error": "the body is not valid JSON"}, status=400)
        raw_events = payload.get("events") if isinstance(payload, dict) else None
        if not isinstance(raw_events, list):
            return response.json({"error": "the body has no list of events"}, status=400)

        items: List[Incoming] = []
        for raw in raw_events:
            event = parse_event(raw)
            item = to_incoming(event, self.settings.language) if event is not None else None
            if item is None or len(item.event_id) > line_events.EVENT_ID_MAX_CHARS:
                kind = raw.get("type") if isinstance(raw, dict) else None
                logger.debug("LINE: event of type %r needs no answer", kind)
                continue
            items.append(item)

        claimed: List[tuple[Incoming, Claim]] = []
        in_progress = 0
        try:
            for item in items:
                claim = await self._store_call("claim", item.event_id, self.owner)
                if claim.should_answer:
                    claimed.append((item, claim))
                elif claim is Claim.IN_PROGRESS:
                    in_progress += 1
                else:
                    logger.info("LINE event %s: answered already, not again", item.event_id)
        except Exception as error:
            logger.error("LINE: the event store failed (%s): asking LINE to deliver again", type(error).__name__)
            for item, _ in claimed:
                await self._release(item)
            return response.json({"error": "the event store is unavailable, try again later"}, status=503)

        self._schedule(claimed, on_new_message)
        self._maybe_prune()
        if raw_events:
            logger.info(
                "LINE webhook: %d event(s), %d to answer, %d being answered already",
                len(raw_events), len(claimed), in_progress,
            )
        if in_progress:
            return response.json(
                {"error": "some events are still being answered; deliver them again later"}, status=503
            )
        return response.json({"status": "ok"})

    # --- answering, in the background ---

    def _track(self, task: "asyncio.Task[Any]") -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _schedule(
        self, claimed: Sequence[tuple[Incoming, Claim]], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Answer the events in the background: in order within a conversation, even across webhooks."""
        by_conversation: Dict[str, List[tuple[Incoming, Claim]]] = {}
        for item, claim in claimed:
            by_conversation.setdefault(item.conversation_id, []).append((item, claim))
        for conversation_id, work in by_conversation.items():
            previous = self._tails.get(conversation_id)
            task = asyncio.create_task(self._answer_in_order(previous, work, on_new_message))
            self._tails[conversation_id] = task
            self._track(task)
            task.add_done_callback(
                lambda done, key=conversation_id: self._tails.pop(key, None) if self._tails.get(key) is done else None
            )

    async def _answer_in_order(
        self,
        previous: Optional["asyncio.Task[None]"],
        work: Sequence[tuple[Incoming, Claim]],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        if previous is not None and not previous.done():
            await asyncio.wait([previous])
        for item, claim in work:
            await self.answer(item, claim, on_new_message)

    async def answer(
        self, item: Incoming, claim: Claim, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Ask Rasa, send its answer to LINE, record the outcome. Never raises."""
        # After a takeover the dead process may have sent part of the answer: the event
        # ends "answered" whatever happens here, so it is never released to be pushed in full.
        may_have_sent = claim is Claim.TAKEN_OVER
        try:
            collector = ResponseCollector()
            await on_new_message(
                UserMessage(
                    item.text, collector, sender_id=item.conversation_id, input_channel=CHANNEL_NAME,
                    message_id=item.event_id, metadata=item.metadata,
                )
            )
            messages = to_line_messages(collector.messages)
            if messages:
                if not await self._store_call("mark_sending", item.event_id, self.owner):
                    logger.warning("LINE event %s: another process took it over; not sending", item.event_id)
                    return
                sending = may_have_sent
                may_have_sent = True  # until _deliver says otherwise
                may_have_sent = await self._deliver(item, claim, messages) or sending
            if may_have_sent or not messages:
                await self._store_call("mark_answered", item.event_id)
            else:
                await self._release(item)
        except asyncio.CancelledError:
            if not may_have_sent:
                self._release_now(item)
            raise
        except Exception as error:
            logger.error(
                "LINE event %s (%s in %s): answering failed: %s",
                item.event_id, item.kind, short_id(item.conversation_id), type(error).__name__,
            )
            if not may_have_sent:
                await self._release(item)

    async def _deliver(self, item: Incoming, claim: Claim, messages: Sequence[Message]) -> bool:
        """Send ``messages`` as the answer to ``item``; True if any of it may have reached LINE."""
        where = f"LINE event {item.event_id} ({item.kind} in {short_id(item.conversation_id)})"
        pushes = batches(messages)
        replied = 0
        if item.reply_token:
            first = list(messages[:MAX_MESSAGES_PER_CALL])
            outcome = await self.api.reply(item.reply_token, first)
            if outcome.accepted or (outcome.maybe_accepted and outcome.reply_token_refused):
                # accepted, or refused on a retry because the attempt before had used the token
                replied, pushes = len(first), batches(messages[MAX_MESSAGES_PER_CALL:])
            elif outcome.maybe_accepted:
                logger.error("%s: LINE did not confirm the reply, which may have arrived; sending nothing more", where)
                return True
            elif outcome.reply_token_refused and claim is Claim.NEW:
                logger.warning("%s: LINE refused the reply token (expired?): answering by push", where)
            elif outcome.reply_token_refused:
                logger.error("%s: reply token refused after a takeover (used by the dead process?); not pushing", where)
                return False
            else:
                logger.error("%s: the reply was refused (status %s); not answered", where, outcome.status)
                return False
        elif claim is Claim.TAKEN_OVER:
            logger.error("%s: taken over without a reply token; not pushing, it may have arrived", where)
            return False
        if claim is Claim.TAKEN_OVER and pushes:
            logger.warning("%s: %d message(s) not pushed after a takeover", where, sum(map(len, pushes)))
            return replied > 0
        pushed = 0
        for batch in pushes:
            outcome = await self.api.push(item.conversation_id, batch)
            if not outcome.accepted:
                logger.error(
                    "%s: a push failed (status %s, request %s); %d message(s) not sent",
                    where, outcome.status, outcome.request_id, len(messages) - replied - pushed,
                )
                return replied + pushed > 0 or outcome.maybe_accepted
            pushed += len(batch)
        logger.info("%s: answered, %d message(s) by reply, %d by push", where, replied, pushed)
        return True

    async def _release(self, item: Incoming) -> None:
        try:
            await self._store_call("release", item.event_id, self.owner)
        except Exception as error:
            logger.error("LINE event %s: could not release the claim: %s", item.event_id, type(error).__name__)

    def _release_now(self, item: Incoming) -> None:
        try:
            self.store().release(item.event_id, self.owner)
        except Exception as error:
            logger.error("LINE event %s: could not release the claim: %s", item.event_id, type(error).__name__)

    async def shutdown(self) -> None:
        """Let answers in flight finish (up to the grace period), then close the client and the store."""
        pending = [task for task in self._tasks if not task.done()]
        if pending:
            logger.info("LINE: finishing %d answer(s) before stopping", len(pending))
            _, unfinished = await asyncio.wait(pending, timeout=self.settings.shutdown_grace)
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.wait(unfinished, timeout=5)
        await self.api.close()
        with self._store_lock:
            store, self._store = self._store, None
        if store is not None:
            store.dispose()
