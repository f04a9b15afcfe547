"""Fixtures for action tests: trackers as Rasa would send them, and rendering.

Actions answer with a response name and values; `render` fills the domain's
template the way the Rasa server does, so tests assert the text a worker reads.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from tests.support import make_tracker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


class Run:
    """The outcome of one action run: events, raw messages and rendered texts."""

    def __init__(self, events, messages, domain, language=None):
        self.events = events
        self.messages = messages
        self._domain = domain
        self.language = language

    @property
    def responses(self) -> List[str]:
        return [m.get("response") for m in self.messages]

    @property
    def texts(self) -> List[str]:
        return [render(self._domain, m, self.language) for m in self.messages]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> List[Dict[str, str]]:
        return [b for m in self.messages for b in (m.get("buttons") or [])]

    def slot(self, name: str) -> Any:
        values = [e["value"] for e in self.events if e.get("event") == "slot" and e["name"] == name]
        return values[-1] if values else None


def variant(domain: Dict[str, Any], name: str, language: Optional[str] = None) -> Dict[str, Any]:
    """The variant Rasa picks: the one conditioned on the ``language`` slot, else the first plain one."""
    variants = domain["responses"][name]
    for candidate in variants:
        for condition in candidate.get("condition") or []:
            if condition.get("name") == "language" and condition.get("value") == language:
                return candidate
    return next(v for v in variants if not v.get("condition"))


def render(domain: Dict[str, Any], message: Dict[str, Any], language: Optional[str] = None) -> str:
    from rasa.core.nlg.interpolator import interpolate_text

    name = message.get("response")
    if not name:
        return message.get("text") or ""
    template = variant(domain, name, language)["text"]
    values = {k: v for k, v in message.items() if k not in ("response", "buttons")}
    text = interpolate_text(template, values)
    assert "{" not in text, f"unfilled placeholder in {name}: {text}"
    return text


@pytest.fixture
def run_action(kb, domain):
    def run(action_class, text: str, intent: str, **kwargs: Any) -> Run:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, intent, **kwargs)
        events = asyncio.run(action_class(kb).run(dispatcher, tracker, domain))
        language = (kwargs.get("slots") or {}).get("language")
        return Run(events, dispatcher.messages, domain, language)

    return run
