"""Requests the classifier may confuse, corrected by what the words plainly say.

"i want to make a consultation request" and "cancel my consultation request" share their words,
and the classifier can read the first as ``cancel``. With no form running, the bot would then
answer "there is nothing to cancel" to a worker who asked for a person. A message that asks to
make (leave, file, submit, start...) a request or a consultation and has no word of stopping in
it is ``request_consultation``, whatever the classifier said. Called by
:class:`bot.nlu.language.LanguageDetector`, which already turns bare language requests into
``switch_language`` the same way.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

CANCEL = "cancel"
REQUEST = "request_consultation"

_ASKS_TO_START = re.compile(
    r"\b(?:make|leave|file|submit|start|send|register|put\s+in|open)\b.*\b(?:request|consultation)\b"
    r"|相談(?:を|の)?(?:申し込み|申込み|申込|もうしこみ)(?:を)?(?:したい|します|たい|ます|お願い)",
    re.IGNORECASE,
)
_STOP_WORDS = re.compile(
    r"\b(?:cancel|cancle|stop|quit|abort|withdraw|forget|never\s*mind|nevermind|scrap|discard|delete|"
    r"drop|halt|exit|end|don'?t|do\s+not|not|no|rather)\b"
    r"|キャンセル|やめ|止め|中止|取り消|取消|いらない|不要|なし|しない|やっぱり",
    re.IGNORECASE,
)


def corrected_intent(intent: Optional[str], text: Optional[str]) -> Optional[str]:
    """The intent the words plainly ask for when the classifier's ``intent`` contradicts them,
    else None (the classifier stands)."""
    if intent != CANCEL or not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    if _ASKS_TO_START.search(text) and not _STOP_WORDS.search(text):
        return REQUEST
    return None
