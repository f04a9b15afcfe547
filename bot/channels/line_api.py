"""LINE's Messaging API: reply and push calls with retries, through line-bot-sdk v3.

A reply is retried like a push: a reply token is single-use, so a retry can
never double an answer. Each push carries one ``X-Line-Retry-Key`` across its
retries, so LINE accepts it at most once (a 409 on a retry means it already
did). Calls are retried on 429, 5xx and timeouts with doubling delays; other
4xx are final. ``SendOutcome.maybe_accepted`` records whether a failed call may
still have reached the worker, which bot/channels/line.py uses to never send an
answer twice. Failures are logged with status and LINE's request id only.
"""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional, Sequence

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
)

if TYPE_CHECKING:
    from bot.channels.line import LineSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendOutcome:
    """How one reply or push ended, after its retries."""

    accepted: bool
    #: An attempt failed in a way that may still have delivered it (timeout, 5xx).
    maybe_accepted: bool = False
    status: Optional[int] = None
    request_id: Optional[str] = None
    #: LINE's error message (about the request, never containing our text).
    error: Optional[str] = None

    @property
    def reply_token_refused(self) -> bool:
        return self.status == 400 and "reply token" in (self.error or "").lower()


class LineApi:
    """Reply and push calls through the SDK's async client, with retries.

    The client (an aiohttp session) is created on first use, inside the
    server's event loop, and closed by ``close``.
    """

    def __init__(self, settings: LineSettings) -> None:
        self.settings = settings
        self._client: Optional[AsyncApiClient] = None

    def _messaging(self) -> AsyncMessagingApi:
        if self._client is None:
            configuration = Configuration(host=self.settings.api_base_url, access_token=self.settings.access_token)
            self._client = AsyncApiClient(configuration)
        return AsyncMessagingApi(self._client)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def reply(self, reply_token: str, messages: Sequence[Message]) -> SendOutcome:
        request = ReplyMessageRequest(reply_token=reply_token, messages=list(messages))
        api = self._messaging()
        return await self._send(
            "reply",
            lambda timeout: api.reply_message_with_http_info(request, _request_timeout=timeout),
        )

    async def push(self, to: str, messages: Sequence[Message]) -> SendOutcome:
        """Push ``messages``, retrying with one retry key, so LINE accepts them at most once."""
        request = PushMessageRequest(to=to, messages=list(messages))
        retry_key = str(uuid.uuid4())
        api = self._messaging()
        return await self._send(
            "push",
            lambda timeout: api.push_message_with_http_info(
                request, x_line_retry_key=retry_key, _request_timeout=timeout
            ),
        )

    async def _send(self, what: str, call: Callable[[float], Awaitable[Any]]) -> SendOutcome:
        settings = self.settings
        maybe_accepted = False
        last = SendOutcome(accepted=False)
        for attempt in range(1, settings.api_attempts + 1):
            try:
                result = await call(settings.api_timeout)
                return SendOutcome(
                    accepted=True, maybe_accepted=maybe_accepted, status=result.status_code,
                    request_id=_header(result.headers, "x-line-request-id"),
                )
            except ApiException as error:
                status = error.status
                request_id = _header(error.headers, "x-line-request-id")
                if status == 409 and what == "push":
                    accepted_id = _header(error.headers, "x-line-accepted-request-id")
                    logger.info("LINE push: already accepted (409, request %s)", accepted_id or request_id)
                    return SendOutcome(accepted=True, status=409, request_id=accepted_id or request_id)
                last = SendOutcome(
                    accepted=False, status=status, request_id=request_id, error=_error_message(error.body)
                )
                retry = status == 429 or (status is not None and status >= 500)
                maybe_accepted = maybe_accepted or (status is not None and status >= 500)
            except (asyncio.TimeoutError, aiohttp.ClientError) as error:
                # Refused connections never reached LINE; anything else may have.
                unsent = isinstance(error, aiohttp.ClientConnectorError)
                maybe_accepted = maybe_accepted or not unsent
                last = SendOutcome(accepted=False, error=type(error).__name__)
                retry = True
            logger.warning(
                "LINE %s: attempt %d/%d failed: status %s, request %s%s",
                what, attempt, settings.api_attempts, last.status or "none", last.request_id or "none",
                f" ({last.error})" if last.error else "",
            )
            if not retry or attempt == settings.api_attempts:
                break
            await asyncio.sleep(min(settings.retry_max_delay, settings.retry_delay * 2 ** (attempt - 1)))
        return SendOutcome(
            accepted=False, maybe_accepted=maybe_accepted, status=last.status,
            request_id=last.request_id, error=last.error,
        )


def _header(headers: Any, name: str) -> Optional[str]:
    try:
        return headers.get(name) if headers is not None else None
    except AttributeError:
        return None


def _error_message(body: Any) -> Optional[str]:
    """LINE's error ``message`` ("Invalid reply token", "The request body has 2 error(s)")."""
    try:
        data = json.loads(body) if body else None
    except (TypeError, ValueError):
        return None
    message = data.get("message") if isinstance(data, dict) else None
    return message[:200] if isinstance(message, str) else None
