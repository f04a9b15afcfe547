"""Unit tests of the entity linker on a hand-written alias list (no database needed).

The aliases below are copied from the brochure the way ``knowledge.aliases`` derives them, so
these tests pin the linker's behaviour, not the alias builder's.
"""

from __future__ import annotations

import time

import pytest

from knowledge.linker import (
    AliasEntry,
    EntityLinker,
    LinkedEntity,
    damerau_levenshtein,
    normalise,
)


def _org(value: str, *texts: str) -> list[AliasEntry]:
    return [AliasEntry(t, "organisation", value) for t in (value, *texts)]


ALIASES: list[AliasEntry] = [
    *_org(
        "UA ZENSEN",
        "The Japanese Federation of Textile, Chemical, Food, Commercial, Service, and General "
        "Worker's Unions",
        "zensen",
    ),
    *_org("JIDOSHA SOREN", "Confederation of Japan Automobile Workers' Unions", "JAW", "jidosha"),
    *_org("DENKI RENGO", "Japanese Electrical Electronic & Information Union", "denki"),
    *_org("JAM", "Japanese Association of Metal, Machinery and Manufacturing Workers"),
    *_org("NIKKYOSO", "Japan Teachers' Union", "JTU"),
    *_org("KOKU RENGO", "Japan Federation of Aviation Industry Unions", "JFAIU", "koku"),
    *_org("KAIIN KUMIAI", "All Japan Seamen's Union", "JSU", "kaiin"),
    *_org("SINRIN ROREN", "SHINRIN ROREN", "Japanese Federation of Forest and Wood Workers Union"),
    *_org("JR RENGO", "Japan Railway Trade Unions Confederation", "JRTU"),
    *_org("JR SOREN", "Japan Confederation of Railway Workers' Unions", "JRU"),
    # Two unions share this made-up alias: an organisation alias that is ambiguous must not link.
    AliasEntry("JR", "organisation", "JR RENGO"),
    AliasEntry("JR", "organisation", "JR SOREN"),
    *_org("ZENKOKU GAS", "The Federation of Gas Workers' Unions of Japan"),
    AliasEntry("RENGO-RIALS", "related_org", "RENGO-RIALS"),
    AliasEntry("RIALS", "related_org", "RENGO-RIALS"),
    AliasEntry("連合総研", "related_org", "RENGO-RIALS"),
    AliasEntry("Japan International Labour Foundation", "related_org", "JILAF"),
    AliasEntry("JILAF", "related_org", "JILAF"),
    AliasEntry("Labour Bank", "related_org", "Labour Bank"),
    AliasEntry("Zenrosai", "related_org", "Kokumin Kyosai co-op"),
    AliasEntry("Tomoko YOSHINO", "person", "Tomoko YOSHINO"),
    AliasEntry("Yoshino Tomoko", "person", "Tomoko YOSHINO"),
    AliasEntry("Yoshino", "person", "Tomoko YOSHINO"),
    AliasEntry("Hideyuki SHIMIZU", "person", "Hideyuki SHIMIZU"),
    AliasEntry("Shimizu Hideyuki", "person", "Hideyuki SHIMIZU"),
    AliasEntry("Shimizu", "person", "Hideyuki SHIMIZU"),
    AliasEntry("Yukinori ISHIKAWA", "person", "Yukinori ISHIKAWA"),
    AliasEntry("president", "role", "President"),
    AliasEntry("vice president", "role", "Vice President"),
    AliasEntry("vice presidents", "role", "Vice President"),
    AliasEntry("gen sec", "role", "General Secretary"),
    AliasEntry("secretary general", "role", "General Secretary"),
    AliasEntry("Osaka", "prefecture", "Osaka"),
    AliasEntry("Osaka-fu", "prefecture", "Osaka"),
    AliasEntry("Chiba", "prefecture", "Chiba"),
    AliasEntry("Gunma", "prefecture", "Gunma"),
    AliasEntry("Iwate", "prefecture", "Iwate"),
    AliasEntry("Ishikawa", "prefecture", "Ishikawa"),
    AliasEntry("Hokkaido", "prefecture", "Hokkaido"),
    AliasEntry("Yokohama", "prefecture", "Kanagawa"),
    AliasEntry("Kanagawa", "prefecture", "Kanagawa"),
    AliasEntry("Kanagawa-ken", "prefecture", "Kanagawa"),
    AliasEntry("nurse", "industry", "healthcare"),
    AliasEntry("nurses", "industry", "healthcare"),
    AliasEntry("hospital", "industry", "healthcare"),
    AliasEntry("teacher", "industry", "education"),
    AliasEntry("post office", "industry", "postal"),
    AliasEntry("train", "industry", "railway"),
    AliasEntry("jr", "industry", "railway"),
    AliasEntry("printing", "industry", "printing"),
    AliasEntry("labour bank", "industry", "labour-bank"),
    # An industry keyword listed under two industries: fine, the first one given wins.
    AliasEntry("insurance", "industry", "insurance"),
    AliasEntry("insurance", "industry", "life-insurance"),
]


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    return EntityLinker(ALIASES)


def found(linker: EntityLinker, text: str) -> list[tuple[str, str]]:
    return [(e.entity, e.value) for e in linker.link(text)]


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ＪＡＭ", "jam"),
        ("UA-Zensen", "ua zensen"),
        ("UA   Zensen ", "ua zensen"),
        ("Teachers' Union", "teachers union"),
        ("Yoshino’s message", "yoshino message"),
        ("I'm", "im"),
        ("Hokkaidō", "hokkaido"),
        ("Electrical & Information", "electrical and information"),
        ("連合総研", "連合総研"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "a, b, distance",
    [
        ("yoshino", "yoshino", 0),
        ("yoshno", "yoshino", 1),
        ("soren", "sorne", 1),  # a transposition is one edit
        ("rengu", "rengo", 1),
        ("kitten", "sitting", 3),
        ("", "abc", 3),
    ],
)
def test_damerau_levenshtein(a: str, b: str, distance: int) -> None:
    assert damerau_levenshtein(a, b) == distance
    assert damerau_levenshtein(b, a) == distance


def test_damerau_levenshtein_stops_past_the_limit() -> None:
    assert damerau_levenshtein("abcdefgh", "zyxwvuts", limit=2) == 3


# --------------------------------------------------------------------------- exact names


@pytest.mark.parametrize(
    "text",
    ["Tell me about UA ZENSEN", "ua-zensen", "UA Zensen", "uazensen", "ua zensen?", "zensen"],
)
def test_short_name_spellings(linker: EntityLinker, text: str) -> None:
    assert found(linker, text) == [("organisation", "UA ZENSEN")]


def test_full_width_input_keeps_original_offsets(linker: EntityLinker) -> None:
    text = "ＪＡＭの組合員"
    [entity] = linker.link(text)
    assert entity == LinkedEntity("organisation", "JAM", 0, 3, "ＪＡＭ", 1.0)


@pytest.mark.parametrize(
    "text, value",
    [
        ("What is the Japan Teachers' Union?", "NIKKYOSO"),
        ("japan teachers union", "NIKKYOSO"),
        ("Japanese Electrical Electronic and Information Union", "DENKI RENGO"),
        ("federation of gas workers unions of japan", "ZENKOKU GAS"),
        ("Is JAW in RENGO?", "JIDOSHA SOREN"),
        ("jaw", "JIDOSHA SOREN"),
        ("JFAIU", "KOKU RENGO"),
        ("who leads JSU", "KAIIN KUMIAI"),
        ("Shinrin Roren", "SINRIN ROREN"),
        ("jidosha", "JIDOSHA SOREN"),
        ("jam", "JAM"),
    ],
)
def test_full_names_acronyms_and_short_forms(linker: EntityLinker, text: str, value: str) -> None:
    assert found(linker, text) == [("organisation", value)]


def test_span_and_text_point_into_the_original(linker: EntityLinker) -> None:
    text = "Is the  Japan Teachers’ Union big?"
    [entity] = linker.link(text)
    assert text[entity.start : entity.end] == entity.text == "Japan Teachers’ Union"
    assert entity.score == 1.0


@pytest.mark.parametrize(
    "text",
    ["Tomoko Yoshino", "TOMOKO YOSHINO", "yoshino tomoko", "Yoshino", "who is yoshino?"],
)
def test_person_names_in_any_order_and_case(linker: EntityLinker, text: str) -> None:
    assert found(linker, text) == [("person", "Tomoko YOSHINO")]


def test_possessive_does_not_hide_a_name(linker: EntityLinker) -> None:
    [entity] = linker.link("What is Yoshino's message?")
    assert (entity.value, entity.text, entity.score) == ("Tomoko YOSHINO", "Yoshino", 1.0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("who are the vice presidents", [("role", "Vice President")]),
        ("vice-president", [("role", "Vice President")]),
        ("who is the gen sec", [("role", "General Secretary")]),
        ("President Yoshino", [("role", "President"), ("person", "Tomoko YOSHINO")]),
    ],
)
def test_roles_longest_match_wins(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


@pytest.mark.parametrize(
    "text, value",
    [
        ("I'm a nurse", "healthcare"),
        ("we are nurses", "healthcare"),
        ("I work at the post office", "postal"),
        ("I take the train", "railway"),
    ],
)
def test_occupations(linker: EntityLinker, text: str, value: str) -> None:
    assert found(linker, text) == [("industry", value)]


@pytest.mark.parametrize(
    "text, value",
    [
        ("osaka", "Osaka"),
        ("I live in Osaka-fu", "Osaka"),
        ("Yokohama", "Kanagawa"),
        ("kanagawa ken", "Kanagawa"),
        ("Hokkaidō", "Hokkaido"),
    ],
)
def test_prefectures_and_cities(linker: EntityLinker, text: str, value: str) -> None:
    assert found(linker, text) == [("prefecture", value)]


def test_japanese_script_alias_is_found_inside_a_sentence(linker: EntityLinker) -> None:
    [entity] = linker.link("連合総研について教えて")
    assert (entity.entity, entity.value, entity.text) == ("related_org", "RENGO-RIALS", "連合総研")


def test_sentence_with_several_entities(linker: EntityLinker) -> None:
    assert found(linker, "I'm a nurse in Yokohama, is Yoshino from JAM?") == [
        ("industry", "healthcare"),
        ("prefecture", "Kanagawa"),
        ("person", "Tomoko YOSHINO"),
        ("organisation", "JAM"),
    ]


# --------------------------------------------------------------------------- ambiguity


def test_ambiguous_organisation_alias_links_no_organisation(linker: EntityLinker) -> None:
    # "JR" names two unions: no organisation, but the railway industry is still right.
    assert found(linker, "JR") == [("industry", "railway")]
    assert found(linker, "JR Rengo") == [("organisation", "JR RENGO")]


def test_ambiguous_alias_of_one_type_only_links_nothing() -> None:
    linker = EntityLinker(
        [AliasEntry("JR", "organisation", "JR RENGO"), AliasEntry("JR", "organisation", "JR SOREN")]
    )
    assert linker.link("JR") == []


def test_ambiguous_industry_keyword_takes_the_first_value(linker: EntityLinker) -> None:
    assert found(linker, "insurance") == [("industry", "insurance")]


def test_related_organisation_wins_over_industry_for_the_same_words(linker: EntityLinker) -> None:
    assert found(linker, "labour bank") == [("related_org", "Labour Bank")]


# --------------------------------------------------------------------------- typos


@pytest.mark.parametrize(
    "text, expected, typed",
    [
        ("who is yoshno", ("person", "Tomoko YOSHINO"), "yoshno"),
        ("tomoko yoshno", ("person", "Tomoko YOSHINO"), "tomoko yoshno"),
        ("denki rengu", ("organisation", "DENKI RENGO"), "denki rengu"),
        ("jidosha sorne", ("organisation", "JIDOSHA SOREN"), "jidosha sorne"),
        ("JR Rengu", ("organisation", "JR RENGO"), "JR Rengu"),
        ("hokaido", ("prefecture", "Hokkaido"), "hokaido"),
        ("Yokohoma", ("prefecture", "Kanagawa"), "Yokohoma"),
        ("Shimzu Hideyki", ("person", "Hideyuki SHIMIZU"), "Shimzu Hideyki"),  # 2 edits, 16 chars
    ],
)
def test_small_typos_link_with_a_lower_score(
    linker: EntityLinker, text: str, expected: tuple, typed: str
) -> None:
    [entity] = linker.link(text)
    assert (entity.entity, entity.value) == expected
    assert entity.text == typed
    assert 0.5 < entity.score < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "yosno",  # two edits from a seven-letter name: too far
        "jm",  # never fuzzy on four characters or fewer
        "jsm",
        "koko",
        "printong",  # industry keywords are ordinary words: exact only
        "teaches",
        "residents",  # not "president"
        "purse",  # not "nurse"
    ],
)
def test_typo_limits(linker: EntityLinker, text: str) -> None:
    assert linker.link(text) == []


def test_exact_match_beats_a_near_miss() -> None:
    linker = EntityLinker(
        [AliasEntry("kimura", "person", "Hitomi KIMURA"), AliasEntry("kimuro", "organisation", "X")]
    )
    [entity] = linker.link("kimura")
    assert (entity.value, entity.score) == ("Hitomi KIMURA", 1.0)


# --------------------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what happened in 2011", [("year", "2011")]),
        ("RENGO in 1987 and 2029", [("year", "1987"), ("year", "2029")]),
        ("Action Policies 2024-2025", [("year", "2024"), ("year", "2025")]),
        ("in 1986", []),
        ("in 2030", []),
        ("call 120115", []),
        ("it costs 2,011 yen", []),
        ("3.2011", []),
    ],
)
def test_years(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what happened in October", [("month", "October")]),
        ("events in oct", [("month", "October")]),
        ("Jan.-Feb. 2007", [("month", "January"), ("month", "February"), ("year", "2007")]),
        ("sept", [("month", "September")]),
        ("in may", [("month", "May")]),
        ("May 1989", [("month", "May"), ("year", "1989")]),
        ("the 100th year of May Day", [("month", "May")]),
        ("in March", [("month", "March")]),
        ("May I ask something", []),
        ("may I ask something", []),
        ("this may take a while", []),
        ("we march for peace", []),
        ("Jan said hello", []),
        ("mayday", []),
        ("octopus", []),
    ],
)
def test_months(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("article 6", [("article", "6")]),
        ("What does Principle 3 say?", [("article", "3")]),
        ("the 6th principle", [("article", "6")]),
        ("the first article", [("article", "1")]),
        ("principle no. 7", [("article", "7")]),
        ("article 9 of the constitution", []),
        ("article 12", []),
        ("principles", []),
    ],
)
def test_articles(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("bridge 2", [("bridge", "II")]),
        ("Bridge II", [("bridge", "II")]),
        ("bridge iv?", [("bridge", "IV")]),
        ("the second bridge", [("bridge", "II")]),
        ("5th bridge", [("bridge", "V")]),
        ("Bridge I", [("bridge", "I")]),
        ("what is the foundation of the vision", [("bridge", "Foundation")]),
        ("the foundation under the bridges", [("bridge", "Foundation")]),
        ("the bridge I mentioned", []),
        ("bridge 6", []),
        ("when was the foundation of RENGO", []),
        ("the Japan International Labour Foundation and the vision",
         [("related_org", "JILAF")]),
    ],
)
def test_bridges(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("priority area 2", [("policy_area", "priority-2")]),
        ("Priority Area no. 3", [("policy_area", "priority-3")]),
        ("the first priority area", [("policy_area", "priority-1")]),
        ("area for advancement 3", [("policy_area", "advancement-3")]),
        ("Areas for Advancement 4", [("policy_area", "advancement-4")]),
        ("second area for advancement", [("policy_area", "advancement-2")]),
        ("priority area 4", []),
        ("area for advancement 5", []),
    ],
)
def test_policy_areas(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


# --------------------------------------------------------------------------- precision

ORDINARY_SENTENCES = [
    "what's the weather today",
    "I like jazz",
    "the union of my friends",
    "may I ask something",
    "May I ask a question?",
    "hello there",
    "a",
    "it",
    "is it possible to talk to someone",
    "what does rengo do",
    "tell me about japan",
    "workers of the world unite",
    "the federation is big",
    "I'm irate about my wages",
    "the gunman was arrested",
    "I'm from China",
    "my purse was stolen",
    "she teaches math",
    "the residents of my building",
    "I was fired yesterday and I don't know what to do",
    "my boss doesn't pay overtime",
    "this may take a while",
    "you may go now",
    "we will march for peace",
    "thank you so much",
    "",
    "   ",
    "?!",
]


@pytest.mark.parametrize("text", ORDINARY_SENTENCES)
def test_no_entities_in_ordinary_sentences(linker: EntityLinker, text: str) -> None:
    assert linker.link(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I'm a nurse in Yokohama, is Yoshino from JAM?",
        "denki rengu and jidosha sorne in 2011",
        "JR Rengo, JR Soren and the train",
        "vice presidents of ua-zensen in osaka-fu in may 1989",
    ],
)
def test_results_never_overlap_and_are_ordered(linker: EntityLinker, text: str) -> None:
    entities = linker.link(text)
    assert entities
    for before, after in zip(entities, entities[1:]):
        assert before.end <= after.start
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text


def test_linking_is_fast(linker: EntityLinker) -> None:
    text = "Who is the vice president of denki rengu and where is the osaka local in 2011?"
    linker.link(text)
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        linker.link(text)
    assert (time.perf_counter() - started) / runs < 0.005
