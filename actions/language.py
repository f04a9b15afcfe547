"""Names and list layout in the language of the reply (issue 6).

The responses themselves have a Japanese variant in domain.yml, chosen by the ``language``
slot; what the actions put into their {placeholders} must follow. This module turns the
knowledge base's English names into what a Japanese reader expects, and nothing more:

- a name is shown in Japanese only where ``knowledge/curated/names_ja.yml`` has it *verified*
  (read in a public source), followed by the brochure's English spelling so the reader can
  match it: ``芳野友子（Tomoko YOSHINO）``, ``電機連合（DENKI RENGO）``; without a verified
  name the English one stands alone. A Japanese name is never guessed.
- facts that exist only in English (the brochure's sentences) are passed through unchanged: the
  Japanese responses frame them as quotations.
- lists are joined with ``、`` and parentheses are full-width, as Japanese text writes them.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, Iterable, Optional, Sequence, Tuple

from bot.languages import LANGUAGES
from knowledge.normalize import month_span
from knowledge.queries import KnowledgeBase
from knowledge.records import HistoryEvent, JapaneseName, Leader, Organisation


def _same(a: str, b: str) -> bool:
    fold = lambda text: unicodedata.normalize("NFKC", text).casefold().replace(" ", "")  # noqa: E731
    return fold(a) == fold(b)


def language_of(tracker) -> str:
    """The reply language of a conversation: ``ja`` when the slot says so, else ``en``."""
    return "ja" if tracker.get_slot("language") == "ja" else "en"


class Names:
    """Names, dates and list layout for one reply language."""

    def __init__(self, kb: KnowledgeBase, language: str = "en") -> None:
        self.kb = kb
        self.language = language if language in LANGUAGES else "en"
        # Every Japanese name, read in one query the first time a reply needs one (a list of
        # the 47 affiliates would otherwise ask the database 47 times).
        self._japanese: Optional[Dict[Tuple[str, str], JapaneseName]] = None

    @property
    def ja(self) -> bool:
        return self.language == "ja"

    # --- layout -------------------------------------------------------------

    def join(self, items: Iterable[str]) -> str:
        return ("、" if self.ja else ", ").join(items)

    def paren(self, text: str, inner: Optional[str]) -> str:
        if not inner:
            return text
        return f"{text}（{inner}）" if self.ja else f"{text} ({inner})"

    # --- names --------------------------------------------------------------

    def _verified(self, kind: str, key: str, short: bool = True) -> Optional[str]:
        """The verified Japanese name of ``key`` (its usual short form unless ``short`` is False), else None."""
        if not self.ja or not key:
            return None
        if self._japanese is None:
            self._japanese = {(n.kind, n.key): n for n in self.kb.japanese_names()}
        name = self._japanese.get((kind, key))
        if name is None or not name.verified:
            return None
        return (name.ja_short or name.ja) if short else name.ja

    def person(self, name: str, *details: str) -> str:
        """``Tomoko YOSHINO``; in Japanese ``芳野友子（Tomoko YOSHINO）``, with ``details`` inside the
        same parentheses (``芳野友子（Tomoko YOSHINO、JAM）``) rather than in a second pair."""
        ja = self._verified("person", name)
        if not self.ja:
            return self.paren(name, ", ".join(details)) if details else name
        if ja:
            return f"{ja}（{'、'.join([name, *details])}）"
        return self.paren(name, "、".join(details)) if details else name

    def role(self, role: str) -> str:
        return self._verified("role", role) or role

    def organisation(self, short_name: str) -> str:
        ja = self._verified("affiliate", short_name)
        if not ja or _same(ja, short_name):  # JAM is JAM in Japanese too
            return short_name
        return self.paren(ja, short_name)

    def organisation_label(self, org: Organisation) -> str:
        """``SHORT (Full English name)``; in Japanese ``日本語名（SHORT）`` where one is verified."""
        ja = self._verified("affiliate", org.short_name)
        if ja and not _same(ja, org.short_name):
            return self.paren(ja, org.short_name)
        return self.paren(org.short_name, org.full_name)

    def related(self, name: str) -> str:
        ja = self._verified("related", name)
        return self.paren(ja, name) if ja else name

    def prefecture(self, prefecture: str) -> str:
        """``Osaka``; in Japanese the full name, ``大阪府``."""
        return self._verified("prefecture", prefecture, short=False) or prefecture

    def local(self, prefecture: str, english_name: str) -> str:
        """``RENGO Osaka``; in Japanese ``連合大阪（RENGO Osaka）`` (連合 + the prefecture's short name)."""
        short = self._verified("prefecture", prefecture)  # ja_short: 大阪, 京都, 東京, 北海道
        if not short:
            return english_name
        return self.paren(f"連合{short}", english_name)

    # --- composite lines ----------------------------------------------------

    def leader_with_affiliate(self, leader: Leader) -> str:
        return self.person(leader.name, self._plain_organisation(leader.affiliate))

    def leader_with_role(self, leader: Leader) -> str:
        return self.person(leader.name, self.role(leader.role))

    def _plain_organisation(self, short_name: str) -> str:
        """The union's usual name alone (inside a person's parentheses): 自動車総連, JAM."""
        return self._verified("affiliate", short_name) or short_name

    def month_year(self, text: Optional[str]) -> str:
        """``October 2023``; in Japanese ``2023年10月`` (anything else unchanged)."""
        if not text or not self.ja:
            return text or ""
        match = re.fullmatch(r"\s*([A-Za-z.\-]+)\s+(\d{4})\s*", text)
        if not match:
            return text
        try:
            start, end = month_span(match.group(1))
        except (KeyError, ValueError):
            return text
        month = f"{start}月" if start == end else f"{start}〜{end}月"
        return f"{match.group(2)}年{month}"

    def when(self, event: HistoryEvent) -> str:
        """``November 1989``; in Japanese ``1989年11月`` (a span: ``1990年1〜2月``)."""
        if not self.ja:
            parts = [p for p in (event.month_display, str(event.year) if event.year else None) if p]
            return " ".join(parts)
        year = f"{event.year}年" if event.year else ""
        month = ""
        if event.month:
            start, end = month_span(event.month)
            month = f"{start}月" if start == end else f"{start}〜{end}月"
        return year + month

    def event_line(self, event: HistoryEvent) -> str:
        stamp = self.when(event)
        separator = "：" if self.ja else ": "
        return f"{stamp}{separator}{event.text}" if stamp else event.text

    def counts(self, pairs: Sequence[tuple[str, int]]) -> str:
        """``Vice President (9)``; in Japanese ``副会長（9名）``."""
        if self.ja:
            return self.join(f"{self.role(role)}（{n}名）" for role, n in pairs)
        return self.join(f"{role} ({n})" for role, n in pairs)
