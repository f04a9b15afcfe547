"""The aliases the entity linker knows, derived from the knowledge base and two curated lists.

Every alias is derived from a stored name (short name, full name, acronym, a person's name) or
from ``curated/industries.yml`` and ``curated/cities.yml``; nothing is guessed. The few
hand-written variants (role wordings, one romanisation) are listed here with their reason.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Protocol

import yaml

from knowledge.linker import AliasEntry, EntityLinker, normalise
from knowledge.records import Leader, Local, Organisation, RelatedOrganisation

__all__ = [
    "City",
    "Industry",
    "build_aliases",
    "load_cities",
    "load_industries",
    "load_linker",
]

_CURATED = Path(__file__).resolve().parent / "curated"


class AliasSource(Protocol):
    """The part of ``KnowledgeBase`` aliases are built from (a fake can stand in, in tests)."""

    def organisations(self, category: Optional[str] = None) -> list[Organisation]: ...

    def related_organisations(self) -> list[RelatedOrganisation]: ...

    def leaders(
        self, role: Optional[str] = None, affiliate: Optional[str] = None
    ) -> list[Leader]: ...

    def locals(self) -> list[Local]: ...


# --------------------------------------------------------------------------- curated lists


@dataclass(frozen=True)
class Industry:
    """An industry users name, and the affiliates whose brochure full name covers it."""

    key: str
    label: str
    affiliates: tuple[str, ...]
    basis: tuple[tuple[str, str], ...]  # (short name, words quoted from its full name)
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class City:
    name: str
    prefecture: str
    kind: str


@lru_cache(maxsize=None)
def load_industries(path: Optional[Path] = None) -> tuple[Industry, ...]:
    """``curated/industries.yml`` as records (read once per process)."""
    data = yaml.safe_load((path or _CURATED / "industries.yml").read_text(encoding="utf-8"))
    return tuple(
        Industry(
            key=str(item["key"]),
            label=str(item["label"]),
            affiliates=tuple(str(a) for a in item["affiliates"]),
            basis=tuple((str(k), str(v)) for k, v in item["basis"].items()),
            keywords=tuple(str(k) for k in item["keywords"]),
        )
        for item in data["industries"]
    )


@lru_cache(maxsize=None)
def load_cities(path: Optional[Path] = None) -> tuple[City, ...]:
    """``curated/cities.yml`` as records (read once per process)."""
    data = yaml.safe_load((path or _CURATED / "cities.yml").read_text(encoding="utf-8"))
    return tuple(
        City(str(c["name"]), str(c["prefecture"]), str(c.get("kind", "")))
        for c in data["cities"]
    )


# --------------------------------------------------------------------------- organisations

# Tokens of short names that name no single union: the generic suffixes ("federation",
# "alliance", "labour union", "national"), English words, and words a user would more likely mean
# as something else ("rosai" = workers' compensation, "rokin" = the labour banks themselves).
_NON_DISTINCTIVE_TOKENS = frozenset(
    {
        "roren", "rengo", "soren", "domei", "kumiai", "rouso", "union", "zen", "zenkoku",
        "food", "service", "media", "health", "care", "ceramics", "gas", "rosai", "rokin",
        "jichi", "insatsu", "rokyo", "ja", "jr", "jp", "ua",
    }
)
# Spellings of a short name in another romanisation system: the brochure prints Kunrei-shiki
# "SINRIN" where most users type Hepburn "SHINRIN" (森林, forest).
_ROMANISATION_VARIANTS: dict[str, tuple[str, ...]] = {"SINRIN ROREN": ("SHINRIN ROREN",)}
_PARENTHETICAL = re.compile(r"\s*\(([A-Z][A-Z0-9&-]{1,9})\)\s*$")


def _spelling_variants(name: str) -> list[str]:
    """``name`` plus its British/American "labour"/"labor" twin and without a leading "The"."""
    names = [name]
    if re.search(r"\blabour\b", name, re.IGNORECASE):
        names.append(re.sub(r"\b([Ll])abour\b", r"\1abor", name))
    elif re.search(r"\blabor\b", name, re.IGNORECASE):
        names.append(re.sub(r"\b([Ll])abor\b", r"\1abour", name))
    for n in list(names):
        if n.lower().startswith("the "):
            names.append(n[4:])
    return names


# How users refer to an affiliate by its number in the brochure's list. A bare "number 1"
# is left to the dialogue, which knows whether affiliates are being discussed.
_NUMBER_PREFIXES = ("affiliate", "affiliate no.", "affiliate no", "affiliate number")


def _organisation_aliases(
    orgs: Sequence[Organisation], reserved: set[str]
) -> list[AliasEntry]:
    token_counts = Counter(t for o in orgs for t in set(normalise(o.short_name).split()))
    aliases: list[AliasEntry] = []
    for org in orgs:

        def add(text: str, value: str = org.short_name) -> None:
            aliases.append(AliasEntry(text, "organisation", value))

        add(org.short_name)
        for variant in _ROMANISATION_VARIANTS.get(org.short_name, ()):
            add(variant)
        full = org.full_name.strip()
        acronyms = {org.acronym} if org.acronym else set()
        match = _PARENTHETICAL.search(full)
        if match:
            acronyms.add(match.group(1))
            full = full[: match.start()].strip()
        for name in _spelling_variants(full):
            add(name)
        for acronym in acronyms:
            add(acronym)
        # The brochure numbers the list 01-47: "affiliate 19", "affiliate no. 19".
        for number in {str(org.number), f"{org.number:02d}"}:
            for prefix in _NUMBER_PREFIXES:
                add(f"{prefix} {number}")
        # A distinctive word of the short name alone ("jidosha", "denki", "zensen").
        tokens = normalise(org.short_name).split()
        if len(tokens) > 1:
            for token in tokens:
                if (
                    token_counts[token] == 1
                    and len(token) >= 3
                    and token not in _NON_DISTINCTIVE_TOKENS
                    and token not in reserved
                ):
                    add(token)
    return aliases


def _related_aliases(related: Sequence[RelatedOrganisation]) -> list[AliasEntry]:
    aliases: list[AliasEntry] = []
    for org in related:

        def add(text: str) -> None:
            aliases.append(AliasEntry(text, "related_org", org.name))

        for name in _spelling_variants(org.name):
            add(name)
        # "RENGO-RIALS" -> "RIALS", "Taishokusha-RENGO" -> "Taishokusha",
        # "Chuo-Rofukukyo" -> "Rofukukyo"; "RENGO" and short prefixes like "Chuo" say too little.
        parts = org.name.split("-") if " " not in org.name else []
        if len(parts) > 1:
            for part in parts:
                if part.upper() != "RENGO" and len(part) >= 5 and part.lower() != "labour":
                    add(part)
        # "Kokumin Kyosai co-op" -> "Kokumin Kyosai"; "Labour Bank" -> "Labour Banks"
        stripped = re.sub(r"\s+co-?op$", "", org.name, flags=re.IGNORECASE)
        if stripped != org.name:
            add(stripped)
        if org.name.lower().endswith("bank"):
            for name in _spelling_variants(org.name + "s"):
                add(name)
        if org.local_name:
            add(org.local_name)
        if org.full_name:
            full = _PARENTHETICAL.sub("", org.full_name.strip())
            for name in _spelling_variants(full):
                add(name)
                # "RENGO Research Institute for ..." also without the organisation prefix.
                unprefixed = re.sub(r"^(?:RENGO|JTUC)\s+", "", name)
                if unprefixed != name:
                    add(unprefixed)
        description = org.description or ""
        for acronym in re.findall(r"\(([A-Z][A-Z-]{2,9})\)", description):
            add(acronym)
        # "rebranded from Zenrosai": users still use the old name.
        for former in re.findall(r"rebranded from ([A-Z][\w-]+)", description):
            add(former)
    return aliases


# --------------------------------------------------------------------------- people and roles

# Wordings users type for each role; keys are the roles as stored (singular).
_ROLE_WORDINGS: dict[str, tuple[str, ...]] = {
    "President": ("president", "presidents"),
    "General Secretary": (
        "general secretary", "general secretaries", "secretary general",
        "secretaries general", "gen sec", "gen. sec.", "gensec",
    ),
    "Deputy President": ("deputy president", "deputy presidents"),
    "Vice President": ("vice president", "vice presidents", "vp", "vps"),
    "Assistant General Secretary": (
        "assistant general secretary", "assistant general secretaries",
        "assistant secretary general", "assistant secretaries general", "assistant gen sec",
    ),
}


def _people_aliases(leaders: Sequence[Leader], reserved: set[str]) -> list[AliasEntry]:
    people = {leader.name: leader for leader in leaders}
    family_counts = Counter(normalise(p.family_name) for p in people.values())
    aliases: list[AliasEntry] = []
    for person in people.values():
        given, family = person.given_name, person.family_name
        for text in (person.name, f"{given} {family}", f"{family} {given}"):
            aliases.append(AliasEntry(text, "person", person.name))
        key = normalise(family)
        # The family name alone only when it names one leader and nothing else ("Ishikawa" is
        # also a prefecture).
        if family_counts[key] == 1 and key not in reserved and len(key) >= 3:
            aliases.append(AliasEntry(family, "person", person.name))
    return aliases


def _role_aliases(leaders: Sequence[Leader]) -> list[AliasEntry]:
    aliases: list[AliasEntry] = []
    for role in sorted({leader.role for leader in leaders}):
        wordings = _ROLE_WORDINGS.get(role, ())
        for text in (role, *wordings):
            aliases.append(AliasEntry(text, "role", role))
    return aliases


# --------------------------------------------------------------------------- places

# Japanese suffix of each prefecture-level name: 都 (to) Tokyo, 道 Hokkaido, 府 (fu) Osaka and
# Kyoto, 県 (ken) all others.
_SUFFIX = {"tokyo": ("to", "metropolis"), "hokkaido": (), "osaka": ("fu",), "kyoto": ("fu",)}


def _prefecture_aliases(
    locals_: Sequence[Local], cities: Iterable[City]
) -> list[AliasEntry]:
    aliases: list[AliasEntry] = []
    prefectures = {}
    for local in locals_:
        name = re.sub(r"\s+(?:Prefecture|Metropolis)$", "", local.prefecture.strip())
        prefectures[normalise(name)] = local.prefecture
        texts = [name, f"{name} prefecture", f"{name} pref"]
        texts += [f"{name}-{suffix}" for suffix in _SUFFIX.get(normalise(name), ("ken",))]
        if local.name:
            texts.append(local.name)
        aliases += [AliasEntry(t, "prefecture", local.prefecture) for t in texts]
    for city in cities:
        prefecture = prefectures.get(normalise(city.prefecture))
        if prefecture is None:
            continue
        for text in (city.name, f"{city.name} city", f"{city.name}-shi"):
            aliases.append(AliasEntry(text, "prefecture", prefecture))
    return aliases


# --------------------------------------------------------------------------- industries


def _plural(phrase: str) -> Optional[str]:
    """English plural of the last word ("nurse" -> "nurses"); None where it would be odd."""
    head, _, last = phrase.rpartition(" ")
    if len(last) < 4 or not last.isalpha() or last.endswith(("s", "ing", "men")):
        return None
    if last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("x", "ch", "sh")):
        plural = last + "es"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


def _industry_aliases(industries: Iterable[Industry]) -> list[AliasEntry]:
    aliases: list[AliasEntry] = []
    for industry in industries:
        for keyword in industry.keywords:
            aliases.append(AliasEntry(keyword, "industry", industry.key))
            plural = _plural(keyword)
            if plural:
                aliases.append(AliasEntry(plural, "industry", industry.key))
    return aliases


# --------------------------------------------------------------------------- assembly


def build_aliases(
    kb: AliasSource,
    *,
    industries: Optional[Iterable[Industry]] = None,
    cities: Optional[Iterable[City]] = None,
) -> list[AliasEntry]:
    """Every alias the linker should know, from the knowledge base and the curated lists."""
    industries = tuple(load_industries() if industries is None else industries)
    cities = tuple(load_cities() if cities is None else cities)
    places = _prefecture_aliases(kb.locals(), cities)
    trades = _industry_aliases(industries)
    related = _related_aliases(kb.related_organisations())
    reserved = {normalise(a.text) for a in (*places, *trades, *related)}
    orgs = _organisation_aliases(kb.organisations(), reserved)
    reserved |= {normalise(a.text) for a in orgs}
    leaders = kb.leaders()
    roles = _role_aliases(leaders)
    reserved |= {normalise(a.text) for a in roles}
    people = _people_aliases(leaders, reserved)
    return [*orgs, *related, *people, *roles, *places, *trades]


_LINKERS: dict[str, EntityLinker] = {}
_LINKERS_LOCK = threading.Lock()


def _kb_url(kb: object) -> str:
    """The database URL a knowledge base reads, the key of the linker cache."""
    for attribute in ("url", "database_url"):
        value = getattr(kb, attribute, None)
        if value is not None:
            return str(value)
    engine = getattr(kb, "engine", None) or getattr(kb, "_engine", None)
    if engine is not None:
        return str(engine.url)
    return f"object:{id(kb)}"


def load_linker(kb: AliasSource) -> EntityLinker:
    """One linker per knowledge-base URL per process, built on first use (it takes ~1 s)."""
    url = _kb_url(kb)
    with _LINKERS_LOCK:
        linker = _LINKERS.get(url)
        if linker is None:
            linker = EntityLinker(build_aliases(kb))
            _LINKERS[url] = linker
        return linker


def clear_linker_cache() -> None:
    """Forget built linkers (tests rebuild the database under the same URL)."""
    with _LINKERS_LOCK:
        _LINKERS.clear()
