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
import unicodedata
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List, Optional, Text

from actions.base import about
from actions.context import Turn
from knowledge.normalize import JAPANESE_LETTER
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
# The same questions in Japanese: 「山田太郎って誰？」「ABC労組とは何ですか」「XYZについて教えて」.
# Who-questions ask about a name whatever the intent; what-is and tell-me-about only when the
# intent is a question about people or organisations (「パワハラとは何」 is not a name).
_ASKS_WHO_JA = re.compile(
    r"^\s*(?P<name>[^\s、。？?！!「」]{2,20}?)(?:さん|氏|様|会長|委員長)?(?:って|とは|は|という人は)"
    r"(?:誰|だれ|どなた|何者|なにもの)(?:ですか|なの|でしょうか|だ|ですかね)?\s*[?？。!！]*\s*$"
)
_ASKS_WHAT_JA = re.compile(
    r"^\s*(?P<name>[^\s、。？?！!「」]{2,20}?)(?:って|とは|は|という(?:組合|団体|組織|労組))"
    r"(?:何|なに|なん|どんな(?:組合|団体|組織|ところ|所)?)(?:ですか|なの|でしょうか|ですかね)?\s*[?？。!！]*\s*$"
    r"|^\s*(?P<about>[^\s、。？?！!「」]{2,20}?)について(?:教えて|知りたい|聞きたい)(?:ください|下さい|ほしい|です)?\s*[?？。!！]*\s*$"
)
# 「UNISONは連合の構成組織ですか」「全国ＸＹＺ労連って連合に入ってる？」: asked whatever the intent.
_ASKS_MEMBER_JA = re.compile(
    r"^\s*(?P<member>[^\s、。？?！!「」]{2,30}?)(?:は|って|も)(?:連合の|れんごうの)?"
    r"(?:構成組織|加盟組織|加盟組合|加盟団体|メンバー|仲間)(?:です|なん(?:です)?|なの|でしょう)?か?\s*[?？。!！]*\s*$"
    r"|^\s*(?P<joined>[^\s、。？?！!「」]{2,30}?)(?:は|って|も)(?:連合|れんごう)に(?:加盟|入って|所属)"
)
_WHAT_INTENTS = frozenset({
    "ask_organisation", "ask_related_organisations", "ask_leadership", "ask_affiliate_list",
    "out_of_scope", "nlu_fallback",
})
# Words that make the Japanese subject a description or a known kind of thing, not a name.
_GENERIC_JA = re.compile(
    r"連合|れんごう|会長|事務局|組合|労組|構成組織|地方連合|団体|あなた|君|きみ|これ|それ|あれ|ここ|そこ|"
    r"この|その|あの|誰|何|私|僕|俺|自分|会社|上司|社長|の"
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
    if turn.lang == "ja" or JAPANESE_LETTER.search(turn.text or ""):
        return _unknown_japanese_name(turn)
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




def _unknown_japanese_name(turn: Turn) -> Optional[str]:
    text = unicodedata.normalize("NFKC", turn.text or "")
    match = _ASKS_WHO_JA.match(text) or _ASKS_MEMBER_JA.match(text)
    if not match and turn.intent in _WHAT_INTENTS:
        match = _ASKS_WHAT_JA.match(text)
    if not match:
        return None
    name = next(g for g in match.groups() if g).strip()
    if _GENERIC_JA.search(name) or name in _curated_japanese(turn.kb):
        return None
    if not JAPANESE_LETTER.search(name):  # a name in Latin letters: the English checks apply
        words = {w.lower() for w in _WORD.findall(name)}
        if not words or words & _curated_words(turn.kb) or turn.kb.search_passages(name, limit=1):
            return None
    return name


def answer_unknown_name(turn: Turn) -> Optional[List[Dict[Text, Any]]]:
    """Say that the name asked about is not in the knowledge base; None (nothing said) if it is no such question."""
    name = unknown_name(turn)
    if not name:
        return None
    turn.say("utter_unknown_name", name=name)
    return about(None)


# "who is Taro Nonexistent?": a question for a person, whatever the classifier made of it.
_ASKS_WHO = re.compile(r"^\s*(?:who\s+(?:is|was|are|were)|who's)\s+\S", re.IGNORECASE)


def answer_unknown_person(turn: Turn) -> Optional[List[Dict[Text, Any]]]:
    """Like :func:`answer_unknown_name`, for who-questions only, under any intent: a misread
    "who is Taro Nonexistent?" must not be answered with RENGO's founding."""
    text = turn.text or ""
    if not (_ASKS_WHO.match(text) or _ASKS_WHO_JA.match(text)):
        return None
    return answer_unknown_name(turn)


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


@lru_cache(maxsize=None)
def _curated_japanese(kb: KnowledgeBase) -> str:
    """The Japanese text of the curated answers, in which a known word can be looked up (read once per kb)."""
    texts = []
    for topic in kb.guidance_topics():
        texts.append(topic.title_ja)
        texts.extend(s.text_ja for s in topic.statements)
    texts.extend(f"{r.name_ja} {r.description_ja} {r.how_ja or ''}" for r in kb.consultation_routes())
    return "\n".join(texts)

