"""Database tables of the knowledge base (SQLAlchemy 1.4, 2.0-style use).

Every table is prefixed ``kb_`` so the knowledge base can share a PostgreSQL
database with Rasa's tracker store. Rows keep the brochure line they came
from, so an answer can always be traced back to the page. Plain portable
types only: the same models run on SQLite and PostgreSQL.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base

#: Bump when the tables or the parser's output change, so old builds are rebuilt.
SCHEMA_VERSION = "3"

Base = declarative_base()


class BuildSource(Base):
    """A source file that went into the build, with its sha256."""

    __tablename__ = "kb_build_sources"
    name = Column(String(200), primary_key=True)
    sha256 = Column(String(64), nullable=False)
    lines = Column(Integer, nullable=False)


class BuildMeta(Base):
    """Build-wide values: the fingerprint that decides whether a rebuild is needed."""

    __tablename__ = "kb_build_meta"
    key = Column(String(100), primary_key=True)
    value = Column(Text, nullable=False)


class Section(Base):
    __tablename__ = "kb_sections"
    key = Column(String(50), primary_key=True)
    title = Column(Text, nullable=False)
    line = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text)


class PassageRow(Base):
    """A retrieval chunk of a few sentences."""

    __tablename__ = "kb_passages"
    id = Column(Integer, primary_key=True)
    section = Column(String(50), ForeignKey("kb_sections.key"), nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    line = Column(Integer, nullable=False)


class FactRow(Base):
    __tablename__ = "kb_facts"
    key = Column(String(50), primary_key=True)
    value = Column(Text, nullable=False)
    section = Column(String(50), nullable=False)
    line = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False)


class MissionRow(Base):
    __tablename__ = "kb_mission"
    number = Column(Integer, primary_key=True, autoincrement=False)
    text = Column(Text, nullable=False)
    line = Column(Integer, nullable=False)


class PrincipleRow(Base):
    __tablename__ = "kb_principles"
    article = Column(Integer, primary_key=True, autoincrement=False)
    text = Column(Text, nullable=False)
    line = Column(Integer, nullable=False)


class PreambleRow(Base):
    __tablename__ = "kb_preamble"
    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    established = Column(Text, nullable=False)
    line = Column(Integer, nullable=False)


class VisionRow(Base):
    __tablename__ = "kb_vision"
    id = Column(Integer, primary_key=True)
    title = Column(Text, nullable=False)
    subtitle = Column(Text, nullable=False)
    intro = Column(Text, nullable=False)
    line = Column(Integer, nullable=False)


class BridgeRow(Base):
    __tablename__ = "kb_bridges"
    key = Column(String(20), primary_key=True)
    number = Column(Integer)
    title = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)
    line = Column(Integer, nullable=False)


class BridgeItemRow(Base):
    __tablename__ = "kb_bridge_items"
    id = Column(Integer, primary_key=True)
    bridge = Column(String(20), ForeignKey("kb_bridges.key"), nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class PolicyAreaRow(Base):
    __tablename__ = "kb_policy_areas"
    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)
    number = Column(Integer, nullable=False)
    title = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)
    line = Column(Integer, nullable=False)


class PolicyItemRow(Base):
    __tablename__ = "kb_policy_items"
    id = Column(Integer, primary_key=True)
    area_id = Column(Integer, ForeignKey("kb_policy_areas.id"), nullable=False)
    number = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class PolicySdgRow(Base):
    __tablename__ = "kb_policy_sdgs"
    id = Column(Integer, primary_key=True)
    area_id = Column(Integer, ForeignKey("kb_policy_areas.id"), nullable=False)
    position = Column(Integer, nullable=False)
    goal = Column(Integer, nullable=False)


class HistoryEventRow(Base):
    """An event; ``year`` NULL when the flattened table lost it (``note`` says so)."""

    __tablename__ = "kb_history_events"
    id = Column(Integer, primary_key=True)
    year = Column(Integer)
    month = Column(String(30))
    month_start = Column(Integer)
    month_end = Column(Integer)
    text = Column(Text, nullable=False)
    note = Column(Text)
    position = Column(Integer, nullable=False)
    line = Column(Integer, nullable=False)


class HistoryYearRow(Base):
    """Every year the table lists, with or without events."""

    __tablename__ = "kb_history_years"
    year = Column(Integer, primary_key=True, autoincrement=False)
    line = Column(Integer, nullable=False)


class LeaderRow(Base):
    __tablename__ = "kb_leaders"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)
    family_name = Column(Text, nullable=False)
    given_name = Column(Text, nullable=False)
    role = Column(String(50), nullable=False)
    affiliate = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)
    line = Column(Integer, nullable=False)


class OrganisationRow(Base):
    __tablename__ = "kb_organisations"
    number = Column(Integer, primary_key=True, autoincrement=False)
    short_name = Column(String(100), nullable=False, unique=True)
    full_name = Column(Text, nullable=False)
    acronym = Column(String(20))
    category = Column(String(20), nullable=False)
    as_of = Column(Text)
    line = Column(Integer, nullable=False)


class RelatedOrganisationRow(Base):
    __tablename__ = "kb_related_organisations"
    name = Column(String(100), primary_key=True)
    local_name = Column(Text)
    full_name = Column(Text)
    description = Column(Text, nullable=False)
    founded = Column(Text)
    url = Column(Text)
    position = Column(Integer, nullable=False)
    line = Column(Integer, nullable=False)


class ContactRow(Base):
    __tablename__ = "kb_contacts"
    kind = Column(String(30), primary_key=True)
    label = Column(Text, nullable=False)
    value = Column(Text, nullable=False)
    source = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)


class MascotRow(Base):
    __tablename__ = "kb_mascot"
    name = Column(String(100), primary_key=True)
    description = Column(Text, nullable=False)
    line = Column(Integer, nullable=False)


class LocalRow(Base):
    """A prefectural RENGO local, from ``curated/locals.yml``."""

    __tablename__ = "kb_locals"
    code = Column(String(2), primary_key=True)
    prefecture = Column(String(50), nullable=False, unique=True)
    prefecture_ja = Column(String(20))
    name = Column(Text, nullable=False)
    region = Column(String(50), nullable=False)
    source = Column(Text, nullable=False)


class RouteRow(Base):
    """A consultation route, from ``curated/consultation.yml``."""

    __tablename__ = "kb_consultation_routes"
    key = Column(String(50), primary_key=True)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    how = Column(Text)
    url = Column(Text)
    phone = Column(String(50))
    source = Column(Text, nullable=False)
    recorded = Column(String(10), nullable=False)
    name_ja = Column(Text, nullable=False)
    description_ja = Column(Text, nullable=False)
    how_ja = Column(Text)
    position = Column(Integer, nullable=False)


class GuidanceTopicRow(Base):
    """A topic of first guidance for a worker's problem, from ``curated/guidance.yml``."""

    __tablename__ = "kb_guidance_topics"
    key = Column(String(50), primary_key=True)
    title = Column(Text, nullable=False)
    title_ja = Column(Text, nullable=False)
    #: Keys of ``kb_consultation_routes``, space-separated, in the order to offer them.
    routes = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)


class GuidanceStatementRow(Base):
    """One statement of general information, with its legal basis and public source.

    ``reviewed`` stays false until a union counsellor has checked the statement;
    ``line`` is its line in ``guidance.yml``, for that review.
    """

    __tablename__ = "kb_guidance_statements"
    id = Column(Integer, primary_key=True)
    topic = Column(String(50), ForeignKey("kb_guidance_topics.key"), nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    text_ja = Column(Text, nullable=False)
    basis = Column(Text, nullable=False)
    source = Column(Text, nullable=False)
    reviewed = Column(Boolean, nullable=False)
    line = Column(Integer, nullable=False)


class UrgentResourceRow(Base):
    """Where to turn when someone is in danger, from ``curated/urgent.yml``."""

    __tablename__ = "kb_urgent_resources"
    key = Column(String(50), primary_key=True)
    name = Column(Text, nullable=False)
    name_ja = Column(Text, nullable=False)
    phone = Column(String(50))
    url = Column(Text, nullable=False)
    what = Column(Text, nullable=False)
    what_ja = Column(Text, nullable=False)
    kind = Column(String(20), nullable=False)
    source = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)


class JapaneseNameRow(Base):
    """The Japanese name of an organisation, role, person or place, from ``curated/names_ja.yml``.

    ``kind`` says what ``key`` names (``affiliate``: ``kb_organisations.short_name``, ``related``:
    ``kb_related_organisations.name``, ``role`` and ``person``: ``kb_leaders``, ``prefecture``:
    ``kb_locals.prefecture``, ``city``: ``curated/cities.yml``, ``rengo``: RENGO itself).
    ``aliases``, ``former_names`` and ``source`` are JSON lists. ``verified`` is false for names a
    person must still check: the linker recognises them, the answers do not show them.
    """

    __tablename__ = "kb_japanese_names"
    __table_args__ = (UniqueConstraint("kind", "key"),)
    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)
    key = Column(String(100), nullable=False)
    ja = Column(Text, nullable=False)
    ja_short = Column(Text)
    reading = Column(Text)
    reading_short = Column(Text)
    aliases = Column(Text, nullable=False)
    former_names = Column(Text, nullable=False)
    verified = Column(Boolean, nullable=False)
    source = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)
