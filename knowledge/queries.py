"""Read-only, typed lookups over the built knowledge base.

Each method opens its own short session and returns frozen records from
``knowledge.records``, never ORM objects, so callers cannot trigger lazy SQL
or hold a session open across a conversation turn. The search indexes are
built on first use per instance, not at import or construction.
"""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any, List, Optional, Sequence, Union

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from knowledge import config
from knowledge.normalize import month_number, name_key, singular_role
from knowledge.glossary import english_terms
from knowledge.records import (
    Bridge,
    Contact,
    Fact,
    GuidanceStatement,
    GuidanceTopic,
    HistoryEvent,
    JapaneseName,
    Leader,
    Local,
    Mascot,
    MissionItem,
    Organisation,
    Passage,
    PolicyArea,
    Preamble,
    Principle,
    RelatedOrganisation,
    Route,
    ScoredPassage,
    UrgentResource,
    Vision,
)
from knowledge.schema import (
    BridgeItemRow,
    BridgeRow,
    ContactRow,
    FactRow,
    GuidanceStatementRow,
    GuidanceTopicRow,
    HistoryEventRow,
    HistoryYearRow,
    JapaneseNameRow,
    LeaderRow,
    LocalRow,
    MascotRow,
    MissionRow,
    OrganisationRow,
    PassageRow,
    PolicyAreaRow,
    PolicyItemRow,
    PolicySdgRow,
    PreambleRow,
    PrincipleRow,
    RelatedOrganisationRow,
    RouteRow,
    Section,
    UrgentResourceRow,
    VisionRow,
)
from knowledge.search import Retriever

_ROMAN = ("I", "II", "III", "IV", "V")
CATEGORIES = ("affiliate", "associated")
JAPANESE_NAME_KINDS = ("rengo", "affiliate", "related", "role", "person", "prefecture", "city")


class KnowledgeBaseMissing(FileNotFoundError):
    """The SQLite file does not exist yet: run ``python -m knowledge.build``."""


class KnowledgeBase:
    """RENGO facts from the brochure and the curated files."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._passage_index: Optional[Retriever[Passage]] = None
        self._history_index: Optional[Retriever[HistoryEvent]] = None

    @classmethod
    def from_url(cls, url: Optional[str] = None) -> "KnowledgeBase":
        """Open the database at ``url`` (default: ``knowledge.config.database_url()``)."""
        url = url or config.database_url()
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            if not Path(parsed.database).exists():  # SQLite would silently create an empty file
                raise KnowledgeBaseMissing(f"{parsed.database} does not exist; run `python -m knowledge.build`")
        return cls(create_engine(url, future=True))

    def _all(self, statement: Any) -> List[Any]:
        with Session(self.engine, future=True) as s:
            return list(s.scalars(statement))

    def _one(self, statement: Any) -> Any:
        with Session(self.engine, future=True) as s:
            return s.scalars(statement).first()

    # --- organisation facts ---------------------------------------------------

    def fact(self, key: str) -> Optional[Fact]:
        row = self._one(select(FactRow).where(FactRow.key == key))
        return Fact(row.key, row.value, row.section, row.line) if row else None

    def facts(self) -> List[Fact]:
        return [Fact(r.key, r.value, r.section, r.line) for r in self._all(select(FactRow).order_by(FactRow.position))]

    def section_title(self, key: str) -> str:
        """The heading of a section as printed (``key`` when the section is unknown)."""
        row = self._one(select(Section).where(Section.key == key))
        return row.title if row else key

    def _section_passage(self, key: str) -> Passage:
        row = self._one(select(Section).where(Section.key == key))
        if row is None or not row.text:
            raise LookupError(f"section {key!r} has no text in the knowledge base")
        return Passage(row.key, row.text)

    def president_message(self) -> Passage:
        """The whole message, paragraphs separated by blank lines, signature last."""
        return self._section_passage("president_message")

    def mission(self) -> List[MissionItem]:
        return [MissionItem(r.number, r.text) for r in self._all(select(MissionRow).order_by(MissionRow.number))]

    def principles(self) -> List[Principle]:
        return [Principle(r.article, r.text) for r in self._all(select(PrincipleRow).order_by(PrincipleRow.article))]

    def principle(self, article: int) -> Optional[Principle]:
        row = self._one(select(PrincipleRow).where(PrincipleRow.article == int(article)))
        return Principle(row.article, row.text) if row else None

    def preamble(self) -> Preamble:
        row = self._one(select(PreambleRow))
        if row is None:
            raise LookupError("the preamble is missing from the knowledge base")
        return Preamble(row.text, row.established)

    # --- vision and action policies ----------------------------------------------

    def _bridges(self, key: Optional[str] = None) -> List[Bridge]:
        with Session(self.engine, future=True) as s:
            query = select(BridgeRow).order_by(BridgeRow.position)
            if key is not None:
                query = query.where(BridgeRow.key == key)
            rows = list(s.scalars(query))
            items = list(s.scalars(select(BridgeItemRow).order_by(BridgeItemRow.bridge, BridgeItemRow.position)))
        return [
            Bridge(r.key, r.number, r.title, tuple(i.text for i in items if i.bridge == r.key)) for r in rows
        ]

    def vision(self) -> Vision:
        row = self._one(select(VisionRow))
        if row is None:
            raise LookupError("the vision is missing from the knowledge base")
        return Vision(row.title, row.subtitle, row.intro, tuple(self._bridges()))

    def bridge(self, key: Union[str, int]) -> Optional[Bridge]:
        """``I``..``V`` (or 1..5) and ``Foundation``, case-insensitive."""
        text = str(key).strip()
        if text.isdigit():
            number = int(text)
            text = _ROMAN[number - 1] if 1 <= number <= len(_ROMAN) else text
        text = "Foundation" if text.lower() == "foundation" else text.upper()
        found = self._bridges(text)
        return found[0] if found else None

    def action_policies(self) -> List[PolicyArea]:
        with Session(self.engine, future=True) as s:
            areas = list(s.scalars(select(PolicyAreaRow).order_by(PolicyAreaRow.position)))
            items = list(s.scalars(select(PolicyItemRow).order_by(PolicyItemRow.area_id, PolicyItemRow.number)))
            sdgs = list(s.scalars(select(PolicySdgRow).order_by(PolicySdgRow.area_id, PolicySdgRow.position)))
        return [
            PolicyArea(
                a.kind,
                a.number,
                a.title,
                tuple(i.text for i in items if i.area_id == a.id),
                tuple(g.goal for g in sdgs if g.area_id == a.id),
            )
            for a in areas
        ]

    def policy_intro(self) -> Passage:
        """The action policies' introduction (the link to the full text is fact ``action_policies_url``)."""
        return self._section_passage("action_policies")

    # --- history ---------------------------------------------------------------------

    @staticmethod
    def _event(row: HistoryEventRow) -> HistoryEvent:
        return HistoryEvent(row.year, row.month, row.text, row.note)

    def history(self, year: Optional[int] = None, month: Optional[str] = None) -> List[HistoryEvent]:
        """Events with a known year, by year then in the brochure's order.

        ``month`` ("October", "oct") matches events whose month or span covers it.
        Events whose year was lost are in :meth:`unplaced_history`.
        """
        query = select(HistoryEventRow).where(HistoryEventRow.year.is_not(None))
        if year is not None:
            query = query.where(HistoryEventRow.year == int(year))
        if month is not None:
            number = month_number(str(month))
            if number is None:
                return []
            query = query.where(HistoryEventRow.month_start <= number, HistoryEventRow.month_end >= number)
        rows = self._all(query.order_by(HistoryEventRow.year, HistoryEventRow.position))
        return [self._event(r) for r in rows]

    def unplaced_history(self) -> List[HistoryEvent]:
        rows = self._all(select(HistoryEventRow).where(HistoryEventRow.year.is_(None)).order_by(HistoryEventRow.position))
        return [self._event(r) for r in rows]

    def history_years_without_events(self) -> List[int]:
        """Years the table lists with no text at all (1998-2006 in this brochure)."""
        with_events = select(HistoryEventRow.year).where(HistoryEventRow.year.is_not(None))
        query = select(HistoryYearRow.year).where(HistoryYearRow.year.not_in(with_events)).order_by(HistoryYearRow.year)
        return self._all(query)

    def search_history(self, query: str, limit: int = 3, within: float = 0.0) -> List[HistoryEvent]:
        """Events best matching ``query``; empty when nothing matches well.

        ``within`` (0..1) keeps only events scoring at least that share of the best
        one, so a clear winner comes alone and near ties come together.
        """
        text, coverage = _searchable(query)
        hits = self._history_retriever().search(text, limit, min_coverage=coverage)
        best = hits[0][1] if hits else 0.0
        return [event for event, score in hits if score >= within * best]

    # --- people and organisations -----------------------------------------------------

    @staticmethod
    def _leader(row: LeaderRow) -> Leader:
        return Leader(row.name, row.family_name, row.given_name, row.role, row.affiliate, row.position)

    def leaders(self, role: Optional[str] = None, affiliate: Optional[str] = None) -> List[Leader]:
        """In the brochure's order; ``role`` singular or plural, ``affiliate`` a short name."""
        rows = [self._leader(r) for r in self._all(select(LeaderRow).order_by(LeaderRow.position))]
        if role is not None:
            wanted = singular_role(role).casefold()
            rows = [r for r in rows if r.role.casefold() == wanted]
        if affiliate is not None:
            rows = [r for r in rows if name_key(r.affiliate) == name_key(affiliate)]
        return rows

    def leader(self, name: str) -> Optional[Leader]:
        """By canonical name (``Tomoko YOSHINO``), case-insensitive; also family-given order."""
        wanted = name_key(name)
        for leader in self.leaders():
            if wanted in (name_key(leader.name), name_key(f"{leader.family_name} {leader.given_name}")):
                return leader
        return None

    @staticmethod
    def _organisation(row: OrganisationRow) -> Organisation:
        return Organisation(row.number, row.short_name, row.full_name, row.acronym, row.category, row.as_of)

    def organisations(self, category: Optional[str] = None) -> List[Organisation]:
        query = select(OrganisationRow).order_by(OrganisationRow.number)
        if category is not None:
            if category not in CATEGORIES:
                raise ValueError(f"category must be one of {CATEGORIES}, not {category!r}")
            query = query.where(OrganisationRow.category == category)
        return [self._organisation(r) for r in self._all(query)]

    def organisation(self, short_name: str) -> Optional[Organisation]:
        """By short name (``DENKI RENGO``; case and OCR slips ignored), else by acronym."""
        wanted = name_key(short_name)
        organisations = self.organisations()
        for org in organisations:
            if name_key(org.short_name) == wanted:
                return org
        return next((o for o in organisations if o.acronym and name_key(o.acronym) == wanted), None)

    def organisation_by_number(self, number: int) -> Optional[Organisation]:
        row = self._one(select(OrganisationRow).where(OrganisationRow.number == int(number)))
        return self._organisation(row) if row else None

    def organisations_for_industry(self, industry: str) -> List[Organisation]:
        """Affiliates whose printed name covers ``industry`` (a key of ``curated/industries.yml``).

        Beyond docs/architecture.md: the actions answer "I'm a nurse" with it. The
        mapping is the linker's curated list; the organisations come from the database.
        """
        found = _industry(industry)
        if found is None:
            return []
        organisations = (self.organisation(name) for name in found.affiliates)
        return [o for o in organisations if o is not None]

    def industry_label(self, industry: str) -> Optional[str]:
        """Display label of an industry key (``healthcare`` -> ``Health care``); beyond the contract too."""
        found = _industry(industry)
        return found.label if found else None

    def industry_label_ja(self, industry: str) -> Optional[str]:
        """Japanese display label of an industry key (``healthcare`` -> ``医療・介護``), if the file has one."""
        found = _industry(industry)
        return found.label_ja if found else None

    @staticmethod
    def _related(row: RelatedOrganisationRow) -> RelatedOrganisation:
        return RelatedOrganisation(row.name, row.local_name, row.full_name, row.description, row.founded, row.url)

    def related_organisations(self) -> List[RelatedOrganisation]:
        rows = self._all(select(RelatedOrganisationRow).order_by(RelatedOrganisationRow.position))
        return [self._related(r) for r in rows]

    def related_organisation(self, name: str) -> Optional[RelatedOrganisation]:
        """By name (``RENGO-RIALS``) or local name (``連合総研``), case-insensitive."""
        wanted = name_key(name)
        for org in self.related_organisations():
            if wanted in {name_key(n) for n in (org.name, org.local_name, org.full_name) if n}:
                return org
        return None

    def locals(self) -> List[Local]:
        rows = self._all(select(LocalRow).order_by(LocalRow.code))
        return [Local(r.prefecture, r.name, r.region, r.source) for r in rows]

    def local(self, prefecture: str) -> Optional[Local]:
        """``Osaka``, ``osaka-fu``, ``Osaka Prefecture`` and ``大阪府`` all find RENGO Osaka."""
        wanted = _prefecture_key(prefecture)
        with Session(self.engine, future=True) as s:
            for r in s.scalars(select(LocalRow).order_by(LocalRow.code)):
                if wanted in (_prefecture_key(r.prefecture), r.prefecture_ja):
                    return Local(r.prefecture, r.name, r.region, r.source)
        return None

    # --- Japanese names ----------------------------------------------------------------------

    @staticmethod
    def _japanese_name(row: JapaneseNameRow) -> JapaneseName:
        return JapaneseName(
            kind=row.kind, key=row.key, ja=row.ja, ja_short=row.ja_short, reading=row.reading,
            verified=bool(row.verified), source=tuple(json.loads(row.source)), reading_short=row.reading_short,
            aliases=tuple(json.loads(row.aliases)), former_names=tuple(json.loads(row.former_names)),
        )

    def japanese_names(self, kind: Optional[str] = None) -> List[JapaneseName]:
        """Japanese names from ``curated/names_ja.yml``, verified or not, in the file's order.

        ``kind``: ``rengo``, ``affiliate``, ``related``, ``role``, ``person``, ``prefecture`` or
        ``city``. Answers must show only names whose ``verified`` is true.
        """
        query = select(JapaneseNameRow).order_by(JapaneseNameRow.position)
        if kind is not None:
            if kind not in JAPANESE_NAME_KINDS:
                raise ValueError(f"kind must be one of {JAPANESE_NAME_KINDS}, not {kind!r}")
            query = query.where(JapaneseNameRow.kind == kind)
        return [self._japanese_name(r) for r in self._all(query)]

    def japanese_name(self, kind: str, key: str) -> Optional[JapaneseName]:
        """The Japanese name of ``key`` (the knowledge base's own name: ``DENKI RENGO``,
        ``Tomoko YOSHINO``, ``President``, ``Osaka``), or None; check ``verified`` before showing it."""
        if kind not in JAPANESE_NAME_KINDS:
            raise ValueError(f"kind must be one of {JAPANESE_NAME_KINDS}, not {kind!r}")
        row = self._one(
            select(JapaneseNameRow).where(JapaneseNameRow.kind == kind, JapaneseNameRow.key == key)
        )
        return self._japanese_name(row) if row else None

    # --- contacts, help, mascot ------------------------------------------------------------

    def contacts(self) -> List[Contact]:
        rows = self._all(select(ContactRow).order_by(ContactRow.position))
        return [Contact(r.kind, r.label, r.value, r.source) for r in rows]

    def consultation_routes(self) -> List[Route]:
        rows = self._all(select(RouteRow).order_by(RouteRow.position))
        return [
            Route(r.key, r.name, r.description, r.how, r.url, r.phone, r.source, r.name_ja, r.description_ja, r.how_ja)
            for r in rows
        ]

    # --- first guidance and urgent help -------------------------------------------------

    def _guidance(self, key: Optional[str] = None) -> List[GuidanceTopic]:
        with Session(self.engine, future=True) as s:
            topics = select(GuidanceTopicRow).order_by(GuidanceTopicRow.position)
            statements = select(GuidanceStatementRow).order_by(GuidanceStatementRow.topic, GuidanceStatementRow.position)
            if key is not None:
                topics = topics.where(GuidanceTopicRow.key == key)
                statements = statements.where(GuidanceStatementRow.topic == key)
            topic_rows = list(s.scalars(topics))
            statement_rows = list(s.scalars(statements)) if topic_rows else []
        return [
            GuidanceTopic(
                t.key,
                t.title,
                t.title_ja,
                tuple(GuidanceStatement(r.text, r.text_ja, r.basis, r.source) for r in statement_rows if r.topic == t.key),
                tuple(t.routes.split()),
            )
            for t in topic_rows
        ]

    def guidance_topics(self) -> List[GuidanceTopic]:
        """Every topic of first guidance, in the curated file's order."""
        return self._guidance()

    def guidance(self, topic_key: str) -> Optional[GuidanceTopic]:
        """The topic ``topic_key`` (``unpaid_wages``, ``dismissal``...), or None."""
        found = self._guidance(topic_key)
        return found[0] if found else None

    def urgent_resources(self) -> List[UrgentResource]:
        """Emergency numbers (110, 119) first, then mental-health lines, each in the file's order."""
        rows = self._all(select(UrgentResourceRow).order_by(UrgentResourceRow.position))
        rows.sort(key=lambda r: r.kind != "emergency")  # stable: keeps the file's order within a kind
        return [
            UrgentResource(r.key, r.name, r.name_ja, r.phone, r.url, r.what, r.what_ja, r.kind, r.source) for r in rows
        ]

    def mascot(self) -> Mascot:
        row = self._one(select(MascotRow))
        if row is None:
            raise LookupError("the mascot is missing from the knowledge base")
        return Mascot(row.name, row.description)

    # --- free text ---------------------------------------------------------------------

    def search_passages(self, query: str, limit: int = 3) -> List[ScoredPassage]:
        """Passages best matching ``query``; empty when nothing matches well."""
        text, coverage = _searchable(query)
        found = self._passage_retriever().search(text, limit, min_coverage=coverage)
        return [ScoredPassage(p, score) for p, score in found]

    def _passage_retriever(self) -> Retriever[Passage]:
        with self._lock:
            if self._passage_index is None:
                rows = self._all(select(PassageRow).order_by(PassageRow.position))
                passages = [Passage(r.section, r.text) for r in rows]
                self._passage_index = Retriever(passages, [p.text for p in passages])
            return self._passage_index

    def _history_retriever(self) -> Retriever[HistoryEvent]:
        with self._lock:
            if self._history_index is None:
                rows = self._all(select(HistoryEventRow).order_by(HistoryEventRow.position))
                events = [self._event(r) for r in rows]
                texts = [" ".join(_event_words(e)) for e in events]
                self._history_index = Retriever(events, texts)
            return self._history_index


# A Japanese question searches with the glossary's English words for its Japanese words; each
# glossary entry offers several English words of which one is enough, so the matched words of
# the right passage carry a smaller share of the query than in an English question.
JAPANESE_MIN_COVERAGE = 0.3


def _searchable(query: str) -> tuple[str, Optional[float]]:
    """The query to search with, and the coverage it needs (None: the retriever's own)."""
    english = english_terms(query)
    return (english, JAPANESE_MIN_COVERAGE) if english != query else (query, None)


def _event_words(event: HistoryEvent) -> Sequence[str]:
    """What the history index sees: month, year and text."""
    return [w for w in (event.month_display, str(event.year) if event.year else None, event.text) if w]


def _industry(key: str) -> Any:
    """The curated industry ``key``, or None (imported lazily: the linker owns that list)."""
    from knowledge.aliases import load_industries

    return next((i for i in load_industries() if i.key == key), None)


def _prefecture_key(name: str) -> str:
    key = name.strip().casefold()
    key = re.sub(r"\s+prefecture$", "", key)
    return re.sub(r"-(to|fu|ken|do)$", "", key)
