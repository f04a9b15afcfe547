"""The languages the bot answers in, and the one a channel asks for (issue 6).

Both the NLU (``bot/nlu/language.py``, for a message whose text does not decide) and the
action server (``actions/session.py``, for the first language of a new session) read the
``language`` a channel puts into a message's metadata; they read it here, the same way.
Nothing of Rasa is imported, so the action server can use it without the NLU stack.
"""
from __future__ import annotations

from typing import Any, Optional

LANGUAGES = ("en", "ja")


def channel_language(metadata: Any) -> Optional[str]:
    """The reply language a channel's metadata names, when it is one we answer in.

    The channels send ``ja`` or ``en``; a page's ``lang`` attribute may also say ``ja-JP`` or
    ``EN``, which mean the same languages.
    """
    if not isinstance(metadata, dict):
        return None
    language = metadata.get("language")
    if not isinstance(language, str):
        return None
    language = language.strip().lower()[:2]
    return language if language in LANGUAGES else None
