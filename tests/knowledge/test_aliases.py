"""Tests of the alias builder, the curated lists it reads, and the linker on the real KB.

Unit tests use a small fake knowledge base made of ``knowledge.records`` values; the tests at the
end use the session ``kb`` fixture (a database freshly built from the sources).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Optional

import pytest
import yaml

from knowledge import aliases as aliases_module
from knowledge.aliases import (
    City,
    Industry,
    build_aliases,
    clear_linker_cache,
    load_cities,
    load_industries,
    load_linker,
)
from knowledge.linker import AliasEntry, EntityLinker, normalise
from knowledge.records import Leader, Local, Organisation, RelatedOrganisation

ROOT = Path(__file__).resolve().parents[2]
BROCHURE = ROOT / "knowledge" / "sources" / "rengo_brochure_2024_2025.txt"


class FakeKB:
    """Just the lookups ``build_aliases`` uses, with a few real brochure records."""

    def __init__(self, url: str = "sqlite:///fake.sqlite3") -> None:
        self.url = url
        self.calls = 0

    def organisations(self, category: Optional[str] = None) -> list[Organisation]:
        self.calls += 1

        def org(n: int, short: str, full: str, acronym: Optional[str] = None) -> Organisation:
            return Organisation(n, short, full, acronym, "affiliate", "October 2023")

        return [
            org(1, "UA ZENSEN", "The Japanese Federation of Textile, Chemical, Food, Commercial, "
                "Service, and General Worker's Unions"),
            org(2, "JIDOSHA SOREN", "Confederation of Japan Automobile Workers' Unions", "JAW"),
            org(4, "DENKI RENGO", "Japanese Electrical Electronic & Information Union"),
            org(5, "JAM", "Japanese Association of Metal, Machinery and Manufacturing Workers"),
            org(17, "JR RENGO", "Japan Railway Trade Unions Confederation", "JRTU"),
            org(30, "JR SOREN", "Japan Confederation of Railway Workers' Unions", "JRU"),
            org(33, "MEDIA ROREN", "Japan Federation of Media, Advertising, Motion picture, "
                "and Theater Labor Unions"),
            org(35, "HEALTH CARE ROKYO", "Japanese Health Care Workers' Union"),
            org(36, "SINRIN ROREN", "Japanese Federation of Forest and Wood Workers Union"),
            org(38, "ROKYO ROREN", "Confederation of Labour Supply Trade Unions"),
            org(42, "ZENKOKU KEIBA RENGO", "National Federation of Horse-racing Workers"),
        ]

    def related_organisations(self) -> list[RelatedOrganisation]:
        return [
            RelatedOrganisation(
                "RENGO-RIALS", "連合総研",
                "RENGO Research Institute for Advancement of Living Standards",
                "RENGO Research Institute for Advancement of Living Standards, the RENGO "
                "think-tank, started in December 1987.", "December 1987", None,
            ),
            RelatedOrganisation(
                "Taishokusha-RENGO", None, "Japanese Confederation of Retired Persons (JCRP)",
                "Japanese Confederation of Retired Persons(JCRP), founded in 1991, is tackling "
                "various activities.", "1991", None,
            ),
            RelatedOrganisation(
                "Chuo-Rofukukyo", None, "Central Council of Worker Welfare Associations",
                "The Central Council of Worker Welfare Associations is a liaison council.",
                None, None,
            ),
            RelatedOrganisation(
                "Labour Bank", None, None, "Labour Banks, started in 1950, are financial "
                "cooperatives.", "1950", None,
            ),
            RelatedOrganisation(
                "Kokumin Kyosai co-op", None,
                "National Federation of Workers and Consumers Kyosai Cooperatives",
                "Kokumin Kyosai co-op stands for the National Federation of Workers and "
                "Consumers Kyosai Cooperatives, rebranded from Zenrosai.", None, None,
            ),
            RelatedOrganisation(
                "ILEC", None, "Institute of Labor Education and Culture",
                "The Institute of Labor Education and Culture is an incorporated association.",
                "December 1995", None,
            ),
        ]

    def leaders(
        self, role: Optional[str] = None, affiliate: Optional[str] = None
    ) -> list[Leader]:
        return [
            Leader("Tomoko YOSHINO", "Yoshino", "Tomoko", "President", "JAM", 1),
            Leader("Hideyuki SHIMIZU", "Shimizu", "Hideyuki", "General Secretary", "NIKKYOSO", 2),
            Leader("Yukinori ISHIKAWA", "Ishikawa", "Yukinori", "Vice President", "JP ROUSO", 3),
            # Two made-up leaders sharing a family name: "Sato" alone must name nobody.
            Leader("Taro SATO", "Sato", "Taro", "Vice President", "JAM", 4),
            Leader("Hanako SATO", "Sato", "Hanako", "Vice President", "JAM", 5),
        ]

    def locals(self) -> list[Local]:
        return [
            Local(name, f"RENGO {name}", region, "https://www.jtuc-rengo.or.jp/")
            for name, region in [
                ("Hokkaido", "Hokkaido"), ("Tokyo", "Kanto"), ("Kanagawa", "Kanto"),
                ("Ishikawa", "Chubu"), ("Osaka", "Kinki"), ("Kyoto", "Kinki"),
            ]
        ]


INDUSTRIES = (
    Industry("healthcare", "Health care", ("HEALTH CARE ROKYO",),
             (("HEALTH CARE ROKYO", "Health Care Workers"),), ("nurse", "health care", "nursing")),
    Industry("railway", "Railways", ("JR RENGO", "JR SOREN"),
             (("JR RENGO", "Japan Railway"), ("JR SOREN", "Railway Workers")),
             ("railway", "jr", "train driver", "railway company")),
)
CITIES = (
    City("Yokohama", "Kanagawa", "designated city and capital"),
    City("Sapporo", "Hokkaido", "designated city and capital"),
    City("Nagoya", "Aichi", "designated city and capital"),  # Aichi is not in the fake KB
)


@pytest.fixture(scope="module")
def built() -> list[AliasEntry]:
    return build_aliases(FakeKB(), industries=INDUSTRIES, cities=CITIES)


def texts(entries: list[AliasEntry], entity: str, value: str) -> set[str]:
    return {normalise(a.text) for a in entries if (a.entity, a.value) == (entity, value)}


def values_of(entries: list[AliasEntry], text: str) -> set[tuple[str, str]]:
    key = normalise(text)
    return {(a.entity, a.value) for a in entries if normalise(a.text) == key}


# --------------------------------------------------------------------------- organisations


def test_organisation_names_full_names_and_acronyms(built: list[AliasEntry]) -> None:
    jidosha = texts(built, "organisation", "JIDOSHA SOREN")
    assert {"jidosha soren", "jaw", "jidosha",
            "confederation of japan automobile workers unions"} <= jidosha
    ua = texts(built, "organisation", "UA ZENSEN")
    assert "the japanese federation of textile, chemical, food, commercial, service, and " \
           "general worker unions" in ua
    assert "japanese federation of textile, chemical, food, commercial, service, and " \
           "general worker unions" in ua  # without "The"
    assert "zensen" in ua


def test_labour_and_labor_spellings(built: list[AliasEntry]) -> None:
    media = texts(built, "organisation", "MEDIA ROREN")
    assert any(t.endswith("theater labor unions") for t in media)
    assert any(t.endswith("theater labour unions") for t in media)
    assert "institute of labour education and culture" in texts(built, "related_org", "ILEC")


def test_hepburn_spelling_of_sinrin(built: list[AliasEntry]) -> None:
    assert "shinrin roren" in texts(built, "organisation", "SINRIN ROREN")


@pytest.mark.parametrize(
    "word", ["rengo", "roren", "soren", "jr", "rokyo", "health", "care", "zenkoku", "media"]
)
def test_shared_or_generic_words_are_no_organisation_alias(
    built: list[AliasEntry], word: str
) -> None:
    assert not {v for v in values_of(built, word) if v[0] == "organisation"}


def test_a_word_that_is_an_industry_keyword_is_not_an_organisation_alias() -> None:
    industries = INDUSTRIES + (
        Industry("horse-racing", "Horse racing", ("ZENKOKU KEIBA RENGO",),
                 (("ZENKOKU KEIBA RENGO", "Horse-racing"),), ("keiba",)),
    )
    built = build_aliases(FakeKB(), industries=industries, cities=CITIES)
    assert values_of(built, "keiba") == {("industry", "horse-racing")}


# --------------------------------------------------------------------------- related organisations


@pytest.mark.parametrize(
    "text, value",
    [
        ("RIALS", "RENGO-RIALS"),
        ("連合総研", "RENGO-RIALS"),
        ("Research Institute for Advancement of Living Standards", "RENGO-RIALS"),
        ("Taishokusha", "Taishokusha-RENGO"),
        ("JCRP", "Taishokusha-RENGO"),
        ("Japanese Confederation of Retired Persons", "Taishokusha-RENGO"),
        ("Rofukukyo", "Chuo-Rofukukyo"),
        ("labor banks", "Labour Bank"),
        ("Kokumin Kyosai", "Kokumin Kyosai co-op"),
        ("Zenrosai", "Kokumin Kyosai co-op"),
    ],
)
def test_related_organisation_aliases(built: list[AliasEntry], text: str, value: str) -> None:
    assert ("related_org", value) in values_of(built, text)


def test_no_alias_from_generic_name_parts(built: list[AliasEntry]) -> None:
    for word in ("chuo", "labour", "kyosai", "kokumin", "rengo"):
        assert not {v for v in values_of(built, word) if v[0] == "related_org"}, word


# --------------------------------------------------------------------------- people and roles


def test_person_names_in_both_orders(built: list[AliasEntry]) -> None:
    assert {"tomoko yoshino", "yoshino tomoko", "yoshino"} <= texts(
        built, "person", "Tomoko YOSHINO"
    )


def test_family_name_alone_only_when_it_names_one_person_and_nothing_else(
    built: list[AliasEntry],
) -> None:
    assert values_of(built, "Sato") == set()
    assert values_of(built, "Hanako Sato") == {("person", "Hanako SATO")}
    # Ishikawa is a leader's family name and a prefecture: alone it is the prefecture.
    assert values_of(built, "Ishikawa") == {("prefecture", "Ishikawa")}
    assert values_of(built, "Ishikawa Yukinori") == {("person", "Yukinori ISHIKAWA")}


def test_roles_only_for_roles_in_the_knowledge_base(built: list[AliasEntry]) -> None:
    assert ("role", "Vice President") in values_of(built, "vice presidents")
    assert ("role", "General Secretary") in values_of(built, "secretary-general")
    assert ("role", "General Secretary") in values_of(built, "gen sec")
    # The fake KB has no deputy presidents.
    assert values_of(built, "deputy president") == set()


# --------------------------------------------------------------------------- places and industries


@pytest.mark.parametrize(
    "text, value",
    [
        ("Osaka-fu", "Osaka"),
        ("Kyoto-fu", "Kyoto"),
        ("Tokyo-to", "Tokyo"),
        ("Kanagawa-ken", "Kanagawa"),
        ("Kanagawa Prefecture", "Kanagawa"),
        ("RENGO Osaka", "Osaka"),
        ("Yokohama", "Kanagawa"),
        ("Sapporo city", "Hokkaido"),
    ],
)
def test_prefecture_aliases(built: list[AliasEntry], text: str, value: str) -> None:
    assert values_of(built, text) == {("prefecture", value)}


def test_wrong_suffixes_and_unknown_prefectures_are_left_out(built: list[AliasEntry]) -> None:
    assert values_of(built, "Osaka-ken") == set()
    assert values_of(built, "Nagoya") == set()  # Aichi is not a local in the fake KB


def test_industry_keywords_and_plurals(built: list[AliasEntry]) -> None:
    assert {"nurse", "nurses", "health care", "nursing"} <= texts(built, "industry", "healthcare")
    assert "nursings" not in texts(built, "industry", "healthcare")
    assert {"railway companies", "train drivers", "jr"} <= texts(built, "industry", "railway")


def test_japanese_industry_words_without_japanese_names() -> None:
    """A source without ``japanese_names`` (this fake) still gets the Japanese industry words."""
    industries = (
        Industry("healthcare", "Health care", ("HEALTH CARE ROKYO",),
                 (("HEALTH CARE ROKYO", "Health Care Workers"),), ("nurse",), ("看護師", "介護")),
    )
    built = build_aliases(FakeKB(), industries=industries, cities=CITIES, industry_blocks=("介護休業",))
    assert AliasEntry("看護師", "industry", "healthcare") in built
    linker = EntityLinker(built)
    assert [(e.entity, e.value) for e in linker.link("介護の仕事")] == [("industry", "healthcare")]
    assert linker.link("介護休業を取りたい") == []
    assert [e.value for e in linker.link("I'm a nurse")] == ["healthcare"]


def test_a_database_built_before_japanese_names_gives_english_aliases(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlalchemy.exc import OperationalError

    class OldKB(FakeKB):
        def japanese_names(self, kind: Optional[str] = None) -> list:
            raise OperationalError("SELECT", {}, Exception("no such table: kb_japanese_names"))

    with caplog.at_level("WARNING", logger="knowledge.aliases"):
        built = build_aliases(OldKB(), industries=INDUSTRIES, cities=CITIES)
    assert ("person", "Tomoko YOSHINO") in values_of(built, "yoshino")
    assert "python -m knowledge.build" in caplog.text


# --------------------------------------------------------------------------- the linker cache


def test_load_linker_builds_once_per_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aliases_module, "load_industries", lambda: INDUSTRIES)
    monkeypatch.setattr(aliases_module, "load_cities", lambda: CITIES)
    clear_linker_cache()
    try:
        first, same_url, other_url = FakeKB("sqlite:///a"), FakeKB("sqlite:///a"), FakeKB("sqlite:///b")
        linker = load_linker(first)
        assert isinstance(linker, EntityLinker)
        assert load_linker(same_url) is linker
        assert same_url.calls == 0  # served from the cache: the database was not read again
        assert load_linker(other_url) is not linker
        assert [e.value for e in linker.link("denki rengu")] == ["DENKI RENGO"]
    finally:
        clear_linker_cache()


# --------------------------------------------------------------------------- curated files


def _brochure_full_names() -> dict[str, str]:
    """Affiliate short name -> full name, read straight from the brochure text."""
    lines = [ln.strip() for ln in BROCHURE.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    names: dict[str, str] = {}
    for i, line in enumerate(lines):
        entry = re.fullmatch(r"\d{2}\. (.+)", line)
        if entry:
            short = entry.group(1).replace("RENGU", "RENGO")
            names[short] = re.sub(r"\s*\([A-Z]+\)$", "", lines[i + 1])
    return names


def test_every_industry_mapping_quotes_the_affiliate_full_name() -> None:
    full_names = _brochure_full_names()
    assert len(full_names) == 47
    industries = load_industries()
    assert len(industries) >= 40
    for industry in industries:
        assert industry.affiliates, industry.key
        assert {short for short, _ in industry.basis} == set(industry.affiliates), industry.key
        for short, quote in industry.basis:
            assert short in full_names, f"{industry.key}: {short} is no affiliate"
            assert normalise(quote) in normalise(full_names[short]), (industry.key, short, quote)


def test_industries_file_names_its_source_and_keys_are_unique() -> None:
    data = yaml.safe_load((ROOT / "knowledge" / "curated" / "industries.yml").read_text("utf-8"))
    assert "October 2023" in data["source"] and "Affiliates" in data["source"]
    industries = load_industries()
    keys = [i.key for i in industries]
    assert len(keys) == len(set(keys))
    keywords = [normalise(k) for i in industries for k in i.keywords]
    assert len(keywords) == len(set(keywords)), "a keyword is listed under two industries"


def test_cities_file() -> None:
    data = yaml.safe_load((ROOT / "knowledge" / "curated" / "cities.yml").read_text("utf-8"))
    assert "Ministry of Internal Affairs and Communications" in data["source"]
    cities = {c.name: c.prefecture for c in load_cities()}
    designated = [c for c in load_cities() if c.kind.startswith("designated city")]
    assert len(designated) == 20
    assert cities["Yokohama"] == cities["Kawasaki"] == cities["Sagamihara"] == "Kanagawa"
    assert cities["Sapporo"] == "Hokkaido" and cities["Naha"] == "Okinawa"
    assert cities["Kobe"] == "Hyogo" and cities["Kitakyushu"] == "Fukuoka"


# --------------------------------------------------------------------------- with the real KB


@pytest.fixture(scope="module")
def kb_linker(kb) -> EntityLinker:  # type: ignore[no-untyped-def]
    return load_linker(kb)


def test_every_curated_name_points_at_something_in_the_kb(kb) -> None:  # type: ignore[no-untyped-def]
    short_names = {o.short_name for o in kb.organisations()}
    for industry in load_industries():
        assert set(industry.affiliates) <= short_names, industry.key
        for short, quote in industry.basis:
            assert normalise(quote) in normalise(kb.organisation(short).full_name)
    prefectures = {local.prefecture for local in kb.locals()}
    assert {c.prefecture for c in load_cities()} <= prefectures


def test_every_kb_name_links_to_itself(kb, kb_linker: EntityLinker) -> None:  # type: ignore[no-untyped-def]
    for org in kb.organisations():
        assert [(e.entity, e.value) for e in kb_linker.link(org.short_name)] == [
            ("organisation", org.short_name)
        ], org.short_name
        assert [e.value for e in kb_linker.link(org.full_name)] == [org.short_name]
    for leader in kb.leaders():
        assert [e.value for e in kb_linker.link(leader.name)] == [leader.name]
    for related in kb.related_organisations():
        assert [e.value for e in kb_linker.link(related.name)] == [related.name]
    for local in kb.locals():
        assert [e.value for e in kb_linker.link(local.prefecture)] == [local.prefecture]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Is JAW part of RENGO?", [("organisation", "JIDOSHA SOREN")]),
        ("JFAIU", [("organisation", "KOKU RENGO")]),
        ("JSU", [("organisation", "KAIIN KUMIAI")]),
        ("Japan Teachers Union", [("organisation", "NIKKYOSO")]),
        ("denki rengu", [("organisation", "DENKI RENGO")]),
        ("jidosha sorne", [("organisation", "JIDOSHA SOREN")]),
        ("shinrin roren", [("organisation", "SINRIN ROREN")]),
        ("ＪＡＭ", [("organisation", "JAM")]),
        ("who is yoshno", [("person", "Tomoko YOSHINO")]),
        ("Murakami Yoko", [("person", "Yoko MURAKAMI")]),
        ("who are the deputy presidents", [("role", "Deputy President")]),
        ("tell me about rials", [("related_org", "RENGO-RIALS")]),
        ("zenrosai", [("related_org", "Kokumin Kyosai co-op")]),
        ("I'm a nurse", [("industry", "healthcare")]),
        ("I work at the post office", [("industry", "postal")]),
        ("high school teacher in Kobe",
         [("industry", "high-school"), ("prefecture", "Hyogo")]),
        ("I drive a taxi in Sapporo", [("industry", "taxi"), ("prefecture", "Hokkaido")]),
        ("osaka-fu", [("prefecture", "Osaka")]),
        ("Yokohama", [("prefecture", "Kanagawa")]),
        ("ishikawa", [("prefecture", "Ishikawa")]),
        ("what happened in October 1989?", [("month", "October"), ("year", "1989")]),
    ],
)
def test_real_kb_linking(kb_linker: EntityLinker, text: str, expected: list) -> None:
    assert [(e.entity, e.value) for e in kb_linker.link(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "what's the weather today",
        "I like jazz",
        "the union of my friends",
        "may I ask something",
        "workers of the world unite",
        "the federation of japan",
        "is it possible to talk to someone",
        "I'm from China",
        "my boss doesn't pay overtime, what can I do?",
        "where can I read the white paper",
    ],
)
def test_real_kb_no_false_positives(kb_linker: EntityLinker, text: str) -> None:
    assert kb_linker.link(text) == []


def test_real_kb_linking_is_fast(kb_linker: EntityLinker) -> None:
    sentences = [
        "Who is the vice president of denki rengu and where is the osaka local in 2011?",
        "I'm a nurse in Yokohama, which union should I join?",
        "I am a part-time worker at a supermarket and my boss does not pay overtime",
    ]
    runs = 100
    started = time.perf_counter()
    for _ in range(runs):
        for sentence in sentences:
            kb_linker.link(sentence)
    assert (time.perf_counter() - started) / (runs * len(sentences)) < 0.005
