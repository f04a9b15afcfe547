"""Signed LINE webhooks for the end-to-end tests, and waiting for what the bot sent LINE."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from tests.e2e.line_standin import Call, LineStandIn, accepted, pushes, replies
from tests.e2e.servers import BotServers

CHANNEL_SECRET = "e2e-" + uuid.uuid4().hex
ACCESS_TOKEN = "e2e-token-" + uuid.uuid4().hex
VALID = object()  # sign the webhook correctly


@dataclass(frozen=True)
class Posted:
    status: int
    body: Any
    seconds: float


class LineWebhook:
    """Builds LINE's webhook events and posts them to the bot, signed as LINE signs them."""

    def __init__(self, servers: BotServers, standin: LineStandIn) -> None:
        self.url = f"{servers.rasa_url}/webhooks/line/webhook"
        self.standin = standin
        self.texts_sent: List[str] = []
        self.ids_sent: List[str] = []

    # --- sources ---

    def user(self) -> Dict[str, str]:
        user_id = "U" + uuid.uuid4().hex
        self.ids_sent.append(user_id)
        return {"type": "user", "userId": user_id}

    def group(self, with_user: bool = True) -> Dict[str, str]:
        source = {"type": "group", "groupId": "C" + uuid.uuid4().hex}
        if with_user:
            source["userId"] = self.user()["userId"]
        self.ids_sent.append(source["groupId"])
        return source

    def room(self) -> Dict[str, str]:  # LINE may leave the user id out
        source = {"type": "room", "roomId": "R" + uuid.uuid4().hex}
        self.ids_sent.append(source["roomId"])
        return source

    # --- events ---

    def event(self, kind: str, source: Dict[str, str], **fields: Any) -> Dict[str, Any]:
        raw = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
            "deliveryContext": {"isRedelivery": False},
            "source": source,
            "replyToken": self.standin.issue_reply_token(),
        }
        raw.update(fields)
        return raw

    def text(self, text: str, source: Dict[str, str]) -> Dict[str, Any]:
        self.texts_sent.append(text)
        message = {"type": "text", "id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex, "text": text}
        return self.event("message", source, message=message)

    def sticker(self, source: Dict[str, str]) -> Dict[str, Any]:
        message = {
            "type": "sticker", "id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex,
            "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC",
        }
        return self.event("message", source, message=message)

    def postback(self, data: str, source: Dict[str, str]) -> Dict[str, Any]:
        return self.event("postback", source, postback={"data": data})

    @staticmethod
    def redelivered(event: Dict[str, Any]) -> Dict[str, Any]:
        return dict(event, deliveryContext={"isRedelivery": True})

    # --- posting ---

    def sign(self, body: bytes, secret: str = CHANNEL_SECRET) -> str:
        return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()

    def post(self, events: List[Dict[str, Any]], signature: Any = VALID, body: Optional[bytes] = None) -> Posted:
        if body is None:
            body = json.dumps({"destination": "Ubot0000", "events": events}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signature is VALID:
            headers["X-Line-Signature"] = self.sign(body)
        elif signature is not None:
            headers["X-Line-Signature"] = signature
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        seconds = time.monotonic() - start
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return Posted(status, parsed, seconds)


# --- waiting for what the bot sent -------------------------------------------------------------


def reply_to(api: LineStandIn, event: Dict[str, Any], timeout: float = 60) -> Call:
    """The accepted reply call answering ``event``."""
    token = event["replyToken"]
    found = api.wait_for(
        lambda calls: [c for c in accepted(replies(calls)) if c.body.get("replyToken") == token], timeout
    )
    return found[0]


def pushes_to(api: LineStandIn, to: str, count: int, timeout: float = 60) -> List[Call]:
    """The accepted pushes to ``to``, once there are at least ``count``."""

    def enough(calls: List[Call]) -> Optional[List[Call]]:
        found = [c for c in accepted(pushes(calls)) if c.body.get("to") == to]
        return found if len(found) >= count else None

    return api.wait_for(enough, timeout)


def calls_about(calls: List[Call], event: Dict[str, Any], to: Optional[str] = None) -> List[Call]:
    """Every call, accepted or not, that answers ``event`` by reply, or pushes to ``to``."""
    return [
        c for c in calls
        if (isinstance(c.body, dict) and c.body.get("replyToken") == event["replyToken"])
        or (to is not None and isinstance(c.body, dict) and c.body.get("to") == to)
    ]


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Whether ``condition()`` becomes true within ``timeout`` seconds (checked every 50 ms)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def settle(line: LineWebhook, api: LineStandIn, source: Dict[str, str]) -> None:
    """Return once everything the bot does about ``source``'s earlier events is done.

    The channel answers a conversation's events in order, so when a later
    message is answered, nothing more can come for the earlier ones.
    """
    later = line.text("thank you", source)
    line.post([later])
    reply_to(api, later)
