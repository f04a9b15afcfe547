"""Questions about a name the knowledge base does not know ("who is taro yamada?").

Without this, a question about an unknown name is answered with whatever is
closest (the leadership overview, a "did you mean" list), which reads as if
the bot knew something about it. When a message asks who or what something
is, names nothing the linker knows, and no word of the name occurs anywhere in
the brochure's passages, the honest answer is that the name is not in the
knowledge base.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List, Optional, Text

from actions.base import about
from actions.context import Turn
from knowledge.queries import KnowledgeBase

_ASKS_ABOUT = re.compile(
    r"^\s*(?:(?:who|what)\s+(?:is|are|was|were|'s)|who's|what's|tell\s+me\s+about|do\s+you\s+know(?:\s+about)?|"
    r"have\s+you\s+heard\s+of|information\s+(?:on|about)|info\s+(?:on|about))\s+"
    r"(?:the\s+|a\s+|an\s+|mr\.?\s+|ms\.?\s+|mrs\.?\s+)?(?P<name>.+?)\s*[?？.!]*\s*$"
    # "is UNISON a rengo affiliate?", "is the teamsters part of rengo"
    r"|^\s*(?:is|are)\s+(?:the\s+)?(?P<member>.+?)\s+(?:a|an|part\s+of|in|with|affiliated|a\s+member)\b"
    r".*\b(?:rengo|affiliate[sd]?|member)\b.*$",
    re.IGNORECASE,
)
_NAME = re.compile(r"[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,3}")
# Words that make the subject a description, not a name ("who is in charge").
_GENERIC = frozenset("""
    in charge head boss leader leaders chair chairman chairperson chief president secretary general
    deputy vice officer officers rengo your you it this that they them he she there here
    union unions federation federations affiliate affiliates organisation organization member members
    local locals you doing up going on
""".split())


def unknown_name(turn: Turn) -> Optional[str]:
    """The name a message asks about when nothing in the knowledge base matches it, else None."""
    if turn.named():
        return None
    match = _ASKS_ABOUT.match(turn.text or "")
    if not match:
        return None
    name = (match.group("name") or match.group("member")).strip()
    if not _NAME.fullmatch(name):
        return None
    if any(word.lower().strip(".'") in _GENERIC for word in name.split()):
        return None
    words = {w.lower() for w in _WORD.findall(name)}
    if words & _curated_words(turn.kb) or turn.kb.search_passages(name, limit=1):
        return None
    return name


def answer_unknown_name(turn: Turn) -> Optional[List[Dict[Text, Any]]]:
    """Say that the name asked about is not in the knowledge base; None (nothing said) if it is no such question."""
    name = unknown_name(turn)
    if not name:
        return None
    turn.say("utter_unknown_name", name=name)
    return about(None)


_WORD = re.compile(r"[^\W\d_]{3,}")


@lru_cache(maxsize=None)
def _curated_words(kb: KnowledgeBase) -> FrozenSet[str]:
    """Words of the curated answers (guidance, routes), which the brochure's passages lack (read once per kb)."""
    texts = []
    for topic in kb.guidance_topics():
        texts.append(topic.title)
        texts.extend(f"{s.text} {s.basis}" for s in topic.statements)
    texts.extend(f"{r.name} {r.description} {r.how or ''}" for r in kb.consultation_routes())
    return frozenset(w.lower() for t in texts for w in _WORD.findall(t))
