"""The aliases the entity linker knows, derived from the knowledge base and two curated lists.

Every alias is derived from a stored name (short name, full name, acronym, a person's name, a
Japanese name from ``curated/names_ja.yml`` as loaded into the knowledge base) or from
``curated/industries.yml`` and ``curated/cities.yml``; nothing is guessed. The few hand-written
variants (role wordings, one romanisation, where a kanji name splits into family and given name)
and the names deliberately left out are listed here with their reason.
"""

from __future__ import annotations

import re
import threading
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Protocol

import yaml

from knowledge.linker import (
    BLOCKED,
    AliasEntry,
    EntityLinker,
    fold_japanese,
    is_japanese_alias,
    normalise,
)
from knowledge.normalize import KANJI_LETTERS
from knowledge.records import JapaneseName, Leader, Local, Organisation, RelatedOrganisation

__all__ = [
    "City",
    "Industry",
    "build_aliases",
    "load_cities",
    "load_industries",
    "load_industry_blocks",
    "load_linker",
]

logger = logging.getLogger(__name__)

_CURATED = Path(__file__).resolve().parent / "curated"


class AliasSource(Protocol):
    """The part of ``KnowledgeBase`` aliases are built from (a fake can stand in, in tests)."""

    def organisations(self, category: Optional[str] = None) -> list[Organisation]: ...

    def related_organisations(self) -> list[RelatedOrganisation]: ...

    def leaders(
        self, role: Optional[str] = None, affiliate: Optional[str] = None
    ) -> list[Leader]: ...

    def locals(self) -> list[Local]: ...

    # Optional: ``japanese_names(kind=None) -> list[JapaneseName]`` (KnowledgeBase has it); a
    # source without it gets no Japanese names, only the Japanese industry words.


# --------------------------------------------------------------------------- curated lists


@dataclass(frozen=True)
class Industry:
    """An industry users name, and the affiliates whose brochure full name covers it."""

    key: str
    label: str
    affiliates: tuple[str, ...]
    basis: tuple[tuple[str, str], ...]  # (short name, words quoted from its full name)
    keywords: tuple[str, ...]
    keywords_ja: tuple[str, ...] = ()  # the same work in everyday Japanese
    label_ja: Optional[str] = None  # the label in Japanese answers


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
            keywords_ja=tuple(str(k) for k in item.get("keywords_ja") or ()),
            label_ja=str(item["label_ja"]) if item.get("label_ja") else None,
        )
        for item in data["industries"]
    )


@lru_cache(maxsize=None)
def load_industry_blocks(path: Optional[Path] = None) -> tuple[str, ...]:
    """``not_industry_ja`` of ``curated/industries.yml``: phrases that contain a Japanese
    industry word but name no work (介護休業, care leave), so they link nothing."""
    data = yaml.safe_load((path or _CURATED / "industries.yml").read_text(encoding="utf-8"))
    return tuple(str(p) for p in data.get("not_industry_ja") or ())


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


# --------------------------------------------------------------------------- Japanese names

# Readings are typed in either kana script: ``よしの ともこ`` is also written ``ヨシノトモコ``.
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_KANA_ONLY = re.compile(r"[\u3041-\u309f\u30a0-\u30ff ]+")
# A kana reading shorter than this is too often part of another word (なら "if", しが in
# わたしが, さが in さがす, みえ in みえる): left out.
_MIN_KANA_CHARS = 3
# Names that are also everyday words, left out on their own (their longer forms stay:
# 大分県, あきたけん, なごやし ...; so do katakana twins, which never match inside a word).
_LEFT_OUT_JAPANESE: dict[str, str] = {
    "大分": "the adverb 大分 (daibu, 'quite')",
    "あきた": "飽きた ('got bored')",
    "きょうと": "きょう ('today') before と: きょうとても",
    "さかい": "Kansai dialect 〜さかい ('because')",
    "こうふ": "公布/交付 ('issue'), and inside こうふく ('happiness')",
    "ジャム": "jam, the food (JAM the union is written in Latin letters)",
    "じゃむ": "jam, the food",
    "ジラフ": "giraffe (JILAF is written in Latin letters)",
    "じらふ": "giraffe",
}
# Names that link except inside the everyday word they begin (なごや, not なごやか 'calm'): the
# longer word is blocked, and the longest match wins.
_UNLESS_INSIDE_JAPANESE: dict[str, tuple[str, ...]] = {"なごや": ("なごやか",)}
# Many family names are place names (山口, 千葉, 石川): followed by an honorific they name a
# person, so "山口さん" links nothing rather than the prefecture.
_HONORIFICS = ("さん", "様", "さま", "氏", "くん", "君", "ちゃん")
# Where a kanji name splits into family and given name, when the rule in _kanji_family_name
# cannot tell (3 or 5 characters): read from the romanised family name in the brochure
# (YASUKOCHI 安河内, INOUE 井上, TAKIMOTO 瀧本/滝本).
_FAMILY_NAME_LENGTHS: dict[str, int] = {"安河内賢弘": 3, "井上久美枝": 2, "瀧本司": 2, "滝本司": 2}
_KANJI = KANJI_LETTERS
_KANJI_THEN_KANA = re.compile(f"([{_KANJI}]+)[\u3041-\u309f]+")
_FOUR_KANJI = re.compile(f"[{_KANJI}]{{4}}")


def _both_kana_scripts(reading: str) -> list[str]:
    """A hiragana reading and its katakana twin (a katakana one is returned alone)."""
    katakana = reading.translate(_HIRAGANA_TO_KATAKANA)
    return [reading] if katakana == reading else [reading, katakana]


def _kana_forms(reading: Optional[str]) -> list[str]:
    """Reading aliases: long enough, in hiragana and katakana, but no everyday word."""
    if not reading or not _KANA_ONLY.fullmatch(reading):
        return []
    if len(reading.replace(" ", "")) < _MIN_KANA_CHARS:
        return []
    return [form for form in _both_kana_scripts(reading) if form not in _LEFT_OUT_JAPANESE]


def _kanji_family_name(name: str) -> Optional[str]:
    """The family name of a kanji name (family name first): 芳野友子 -> 芳野, 木村ひとみ -> 木村.

    Four kanji split 2 + 2 (every such name here reads so in romaji: YOSHINO Tomoko); kanji
    followed by a kana given name split at the kana; other lengths only from
    ``_FAMILY_NAME_LENGTHS``. None when unknown.
    """
    if name in _FAMILY_NAME_LENGTHS:
        return name[: _FAMILY_NAME_LENGTHS[name]]
    match = _KANJI_THEN_KANA.fullmatch(name)
    if match:
        return match.group(1)
    if _FOUR_KANJI.fullmatch(name):
        return name[:2]
    return None


def _japanese_names(kb: object) -> list[JapaneseName]:
    """The knowledge base's Japanese names; none from a source without them (or an old build)."""
    lookup = getattr(kb, "japanese_names", None)
    if not callable(lookup):
        return []
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return list(lookup())
    except SQLAlchemyError:
        logger.warning(
            "the knowledge base has no Japanese names (built before they were added?); "
            "rebuild it with `python -m knowledge.build` for Japanese entity linking"
        )
        return []


def _japanese_place_aliases(
    names: Sequence[JapaneseName], prefectures: set[str], cities: Sequence[City]
) -> list[AliasEntry]:
    """Prefectures by kanji (大阪府, 大阪; 北海道 whole), kana, and their local (連合大阪);
    cities by kanji with and without 市 (two characters or more: not 津, 堺) and kana. A bare
    kanji name followed by an honorific (山口さん) is blocked: that is a person."""
    aliases: list[AliasEntry] = []
    city_prefecture = {c.name: c.prefecture for c in cities}
    for name in names:
        if name.kind == "prefecture" and name.key in prefectures:
            value = name.key
            bare = name.ja_short or name.ja
            texts = [name.ja, bare, f"連合{bare}"]  # RENGO's locals are 連合<prefecture>
            texts += _kana_forms(name.reading) + _kana_forms(name.reading_short)
        elif name.kind == "city" and city_prefecture.get(name.key) in prefectures:
            value = city_prefecture[name.key]
            texts = [name.ja, *name.aliases]
            bare = name.ja[:-1] if name.ja.endswith(("市", "区")) else name.ja
            if len(bare) >= 2:
                texts.append(bare)
            if name.reading:
                texts += _kana_forms(name.reading) + _kana_forms(name.reading[:-1])
        else:
            continue
        for text in dict.fromkeys(texts):
            if text not in _LEFT_OUT_JAPANESE:
                aliases.append(AliasEntry(text, "prefecture", value))
                aliases += [AliasEntry(word, BLOCKED, "") for word in _UNLESS_INSIDE_JAPANESE.get(text, ())]
        if len(bare) >= 2:
            aliases += [AliasEntry(bare + h, BLOCKED, "") for h in _HONORIFICS]
    return aliases


def _japanese_industry_aliases(
    industries: Iterable[Industry], blocks: Iterable[str]
) -> list[AliasEntry]:
    aliases = [
        AliasEntry(word, "industry", industry.key)
        for industry in industries
        for word in industry.keywords_ja
    ]
    aliases += [AliasEntry(phrase, BLOCKED, "") for phrase in blocks]
    return aliases


def _japanese_organisation_aliases(
    names: Sequence[JapaneseName], kind: str, entity: str, known: set[str], reserved: set[str]
) -> list[AliasEntry]:
    """Every name of an organisation, verified or not (recognising a name is not stating it),
    and the kana readings the file gives (じどうしゃそうれん, typed by people who do not
    convert to kanji), except Latin ones (the English aliases have them) and words that name
    something else."""
    aliases: list[AliasEntry] = []
    for name in names:
        if name.kind != kind or name.key not in known:
            continue
        readings = _kana_forms(name.reading) + _kana_forms(name.reading_short)
        for text in dict.fromkeys((name.ja, name.ja_short, *name.aliases, *name.former_names, *readings)):
            if text and is_japanese_alias(text) and fold_japanese(text) not in reserved:
                aliases.append(AliasEntry(text, entity, name.key))
    return aliases


def _japanese_people_aliases(
    names: Sequence[JapaneseName], leaders: set[str], reserved: set[str]
) -> list[AliasEntry]:
    """Full kanji name (and variants), reading with and without the space, and the family name
    alone (kanji, and kana from the reading) where it names one leader and nothing else (石川 is
    also a prefecture)."""
    people = [n for n in names if n.kind == "person" and n.key in leaders]
    families: dict[str, list[str]] = {}  # person -> family names, kanji and kana
    for person in people:
        spellings = [_kanji_family_name(s) for s in (person.ja, *person.aliases)]
        if person.reading:
            spellings.append(person.reading.split(" ")[0])
        families[person.key] = [s for s in dict.fromkeys(spellings) if s]
    owners: dict[str, set[str]] = defaultdict(set)
    for key, spellings in families.items():
        for spelling in spellings:
            owners[spelling].add(key)
    aliases: list[AliasEntry] = []
    for person in people:
        texts = [person.ja, *person.aliases]
        if person.reading:
            texts += _kana_forms(person.reading) + _kana_forms(person.reading.replace(" ", ""))
        for family in families[person.key]:
            if owners[family] != {person.key}:
                continue
            forms = _kana_forms(family) if _KANA_ONLY.fullmatch(family) else [family]
            texts += [f for f in forms if fold_japanese(f) not in reserved]
        aliases += [AliasEntry(t, "person", person.key) for t in dict.fromkeys(texts)]
    return aliases


def _japanese_aliases(
    kb: AliasSource,
    industries: Sequence[Industry],
    cities: Sequence[City],
    blocks: Iterable[str],
    leaders: Sequence[Leader],
) -> list[AliasEntry]:
    """Japanese aliases; their values are the same English keys as the English aliases'."""
    names = _japanese_names(kb)
    places = _japanese_place_aliases(names, {local.prefecture for local in kb.locals()}, cities)
    trades = _japanese_industry_aliases(industries, blocks)
    reserved = {fold_japanese(a.text) for a in (*places, *trades)}
    related = _japanese_organisation_aliases(
        names, "related", "related_org", {r.name for r in kb.related_organisations()}, reserved
    )
    reserved |= {fold_japanese(a.text) for a in related}
    orgs = _japanese_organisation_aliases(
        names, "affiliate", "organisation", {o.short_name for o in kb.organisations()}, reserved
    )
    reserved |= {fold_japanese(a.text) for a in orgs}
    roles = [
        AliasEntry(n.ja, "role", n.key)
        for n in names
        if n.kind == "role" and n.key in {leader.role for leader in leaders}
    ]
    reserved |= {fold_japanese(a.text) for a in roles}
    people = _japanese_people_aliases(names, {leader.name for leader in leaders}, reserved)
    # RENGO itself (連合, 日本労働組合総連合会) links nothing, as "RENGO" does not in English.
    return [*orgs, *related, *people, *roles, *places, *trades]


# --------------------------------------------------------------------------- assembly


def build_aliases(
    kb: AliasSource,
    *,
    industries: Optional[Iterable[Industry]] = None,
    cities: Optional[Iterable[City]] = None,
    industry_blocks: Optional[Iterable[str]] = None,
) -> list[AliasEntry]:
    """Every alias the linker should know, from the knowledge base and the curated lists."""
    industries = tuple(load_industries() if industries is None else industries)
    cities = tuple(load_cities() if cities is None else cities)
    blocks = tuple(load_industry_blocks() if industry_blocks is None else industry_blocks)
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
    japanese = _japanese_aliases(kb, industries, cities, blocks, leaders)
    return [*orgs, *related, *people, *roles, *places, *trades, *japanese]


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
