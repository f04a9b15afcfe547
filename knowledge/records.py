"""What the knowledge base hands out: frozen dataclasses, never ORM objects.

Callers (actions, the linker, tests) get plain values they cannot use to
trigger lazy SQL or to change the database by accident.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class Fact:
    """One organisation fact with where the brochure states it."""

    key: str
    value: str
    section: str
    line: int


@dataclass(frozen=True)
class Passage:
    """A piece of prose; ``section`` is a section key such as ``president_message``."""

    section: str
    text: str


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    score: float


@dataclass(frozen=True)
class MissionItem:
    number: int
    text: str


@dataclass(frozen=True)
class Principle:
    article: int
    text: str


@dataclass(frozen=True)
class Preamble:
    text: str
    established: str


@dataclass(frozen=True)
class Bridge:
    """One of the Five Secure Bridges (``I``..``V``) or the ``Foundation`` (number None)."""

    key: str
    number: Optional[int]
    title: str
    items: Tuple[str, ...]


@dataclass(frozen=True)
class Vision:
    title: str
    subtitle: str
    intro: str
    bridges: Tuple[Bridge, ...]


@dataclass(frozen=True)
class PolicyArea:
    """A priority area or area for advancement; ``sdgs`` in the order printed."""

    kind: str
    number: int
    title: str
    items: Tuple[str, ...]
    sdgs: Tuple[int, ...]


@dataclass(frozen=True)
class HistoryEvent:
    """One event; ``month`` as written (``October``, ``Jan.-Feb.``), ``year`` None when lost."""

    year: Optional[int]
    month: Optional[str]
    text: str
    note: Optional[str] = None

    @property
    def month_display(self) -> Optional[str]:
        """The month written out in full, e.g. ``January–February`` for ``Jan.-Feb.``."""
        from knowledge.normalize import month_display

        return month_display(self.month) if self.month else None


@dataclass(frozen=True)
class Leader:
    name: str
    family_name: str
    given_name: str
    role: str
    affiliate: str
    order: int


@dataclass(frozen=True)
class Organisation:
    """An affiliate or associated organisation as listed in the brochure."""

    number: int
    short_name: str
    full_name: str
    acronym: Optional[str]
    category: str
    as_of: Optional[str]


@dataclass(frozen=True)
class RelatedOrganisation:
    name: str
    local_name: Optional[str]
    full_name: Optional[str]
    description: str
    founded: Optional[str]
    url: Optional[str]


@dataclass(frozen=True)
class Local:
    prefecture: str
    name: str
    region: str
    source: str


@dataclass(frozen=True)
class Contact:
    """``kind`` is ``address``, ``website_ja``, ``website_en``, ``sns`` or ``unibo``."""

    kind: str
    label: str
    value: str
    source: str


@dataclass(frozen=True)
class Route:
    """A way for a worker to get help, from ``curated/consultation.yml``."""

    key: str
    name: str
    description: str
    how: Optional[str]
    url: Optional[str]
    phone: Optional[str]
    source: str


@dataclass(frozen=True)
class GuidanceStatement:
    """General information (not legal advice), with the law it rests on and where to read it."""

    text: str
    text_ja: str
    basis: str
    source: str


@dataclass(frozen=True)
class GuidanceTopic:
    """First guidance on a worker's problem; ``routes`` are consultation route keys, best first."""

    key: str
    title: str
    title_ja: str
    statements: Tuple[GuidanceStatement, ...]
    routes: Tuple[str, ...]


@dataclass(frozen=True)
class UrgentResource:
    """Where to turn when someone is in danger; ``kind`` is ``emergency`` or ``mental_health``."""

    key: str
    name: str
    name_ja: str
    phone: Optional[str]
    url: str
    what: str
    what_ja: str
    kind: str
    source: str


@dataclass(frozen=True)
class Mascot:
    name: str
    description: str
