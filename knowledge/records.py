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
    # The same in Japanese, for Japanese answers (curated text, same source).
    name_ja: str = ""
    description_ja: str = ""
    how_ja: Optional[str] = None


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


@dataclass(frozen=True)
class JapaneseName:
    """The Japanese name of something the knowledge base knows, from ``curated/names_ja.yml``.

    ``kind`` is ``rengo``, ``affiliate``, ``related``, ``role``, ``person``, ``prefecture`` or
    ``city``; ``key`` is the name the knowledge base uses (``DENKI RENGO``, ``Tomoko YOSHINO``,
    ``President``, ``Osaka``; ``RENGO`` for RENGO itself; a city's English name from
    ``curated/cities.yml``). ``ja`` is the full (formal) name, ``ja_short`` the usual short form
    (``電機連合``; ``大阪`` for ``大阪府``; None where there is none). ``reading`` is the kana
    reading of ``ja`` and ``reading_short`` that of ``ja_short``, each only where a source gave it.
    ``verified`` is true when the names were read in a listed public source (``source``): answers
    show only verified names, the entity linker recognises all of them.
    """

    kind: str
    key: str
    ja: str
    ja_short: Optional[str]
    reading: Optional[str]
    verified: bool
    source: Tuple[str, ...]
    reading_short: Optional[str] = None
    aliases: Tuple[str, ...] = ()
    former_names: Tuple[str, ...] = ()
