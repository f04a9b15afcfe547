"""knowledge/curated/names_ja.yml: its shape, its sources, and its agreement with the knowledge base.

``python -m knowledge.build`` loads the file (and rejects a key it does not know, see
test_build.py); these tests pin its content: every key names something the knowledge base (built
from the repository's sources by the session ``kb`` fixture) or the other curated files know,
every entry claiming to be verified names its public source, and no Japanese name is given to two
different things.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Dict, Iterator, List, Tuple
from urllib.parse import urlparse

import pytest
import yaml

from knowledge import config
from knowledge.queries import KnowledgeBase

NAMES_FILE = config.curated_dir() / "names_ja.yml"
SECTIONS = {
    "rengo", "affiliates", "related_organisations", "roles", "people", "people_without_source",
    "prefectures_source", "prefectures", "cities_source", "cities",
}
ORG_FIELDS = {"key", "ja", "ja_short", "reading", "aliases", "former_names", "source", "verified"}
ORG_OPTIONAL = {"note", "legal_form"}

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
HIRAGANA = re.compile(r"^[\u3041-\u309f]+$")
KANA = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff・ー ]+$")  # hiragana, katakana, 中黒, 長音, space
PERSON_READING = re.compile(r"^[\u3041-\u309f]+ [\u3041-\u309f]+$")  # family given
KANJI_NAME = re.compile(r"^[\u4e00-\u9fff\u3005\u3041-\u309f]+$")


@pytest.fixture(scope="module")
def names() -> Dict[str, Any]:
    return yaml.safe_load(NAMES_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def curated_locals() -> List[Dict[str, Any]]:
    return yaml.safe_load((config.curated_dir() / "locals.yml").read_text(encoding="utf-8"))["locals"]


@pytest.fixture(scope="module")
def curated_cities() -> List[Dict[str, Any]]:
    return yaml.safe_load((config.curated_dir() / "cities.yml").read_text(encoding="utf-8"))["cities"]


def keys(entries: List[Dict[str, Any]]) -> List[str]:
    return [e["key"] for e in entries]


def assert_sources(source: Any, where: str) -> None:
    assert isinstance(source, list) and source, f"{where}: a verified entry needs a list of sources"
    for url in source:
        parsed = urlparse(str(url))
        assert parsed.scheme in ("http", "https") and parsed.netloc, f"{where}: {url!r} is not a URL"


# --- the file itself ------------------------------------------------------------------------


def test_the_file_has_its_sections(names: Dict[str, Any]) -> None:
    assert set(names) == SECTIONS


def test_rengo_itself(names: Dict[str, Any]) -> None:
    rengo = names["rengo"]
    assert rengo["ja"] == "日本労働組合総連合会"
    assert rengo["ja_short"] == "連合"
    assert rengo["reading"] == "れんごう"
    assert HIRAGANA.match(rengo["reading_full"])
    assert rengo["verified"] is True
    assert_sources(rengo["source"], "rengo")


# --- organisations ---------------------------------------------------------------------------


def check_organisation(entry: Dict[str, Any]) -> None:
    where = entry.get("key", "?")
    assert ORG_FIELDS <= set(entry) <= ORG_FIELDS | ORG_OPTIONAL, f"{where}: fields {sorted(entry)}"
    assert isinstance(entry["ja"], str) and JAPANESE.search(entry["ja"]), where
    assert isinstance(entry["ja_short"], str) and entry["ja_short"].strip(), where
    assert entry["reading"] is None or KANA.match(entry["reading"]), f"{where}: reading {entry['reading']!r}"
    for field in ("aliases", "former_names"):
        assert isinstance(entry[field], list), f"{where}: {field}"
        assert all(isinstance(a, str) and JAPANESE.search(a) for a in entry[field]), f"{where}: {field}"
    assert isinstance(entry["verified"], bool), where
    if entry["verified"]:
        assert_sources(entry["source"], where)
    else:
        # Our best belief, for a person to check: say why, and cite only what was actually read.
        assert entry.get("note"), f"{where}: an unverified entry must say what is missing"
        if entry["source"] is not None:
            assert_sources(entry["source"], where)


def test_one_entry_per_affiliate_of_the_kb(names: Dict[str, Any], kb: KnowledgeBase) -> None:
    entries = names["affiliates"]
    assert len(keys(entries)) == len(set(keys(entries)))
    assert keys(entries) == [o.short_name for o in kb.organisations()]  # all 47, in the brochure's order
    for entry in entries:
        assert kb.organisation(entry["key"]) is not None, entry["key"]
        check_organisation(entry)


def test_one_entry_per_related_organisation_of_the_kb(names: Dict[str, Any], kb: KnowledgeBase) -> None:
    entries = names["related_organisations"]
    assert keys(entries) == [r.name for r in kb.related_organisations()]
    for entry in entries:
        check_organisation(entry)
    by_key = {e["key"]: e for e in entries}
    # The brochure prints RENGO-RIALS' Japanese short name itself; the file must agree with it.
    for related in kb.related_organisations():
        if related.local_name:
            assert by_key[related.name]["ja_short"] == related.local_name


def test_well_known_names(names: Dict[str, Any]) -> None:
    short = {e["key"]: e["ja_short"] for e in names["affiliates"]}
    assert short["JIDOSHA SOREN"] == "自動車総連"
    assert short["DENKI RENGO"] == "電機連合"
    assert short["NIKKYOSO"] == "日教組"
    assert short["DENRYOKU SOREN"] == "電力総連"
    assert short["UA ZENSEN"] == "UAゼンセン"
    assert short["JICHIRO"] == "自治労"
    assert short["KIKAN ROREN"] == "基幹労連"
    assert short["JOHO ROREN"] == "情報労連"
    assert short["SHITETSU SOREN"] == "私鉄総連"


def test_unverified_entries_are_few_and_marked(names: Dict[str, Any]) -> None:
    unverified = [e["key"] for e in names["affiliates"] + names["related_organisations"] if not e["verified"]]
    assert set(unverified) == {"ZENKOKU NODANRO", "ZENKOKU KEIBA RENGO", "JA RENGO"}
    ja_rengo = next(e for e in names["affiliates"] if e["key"] == "JA RENGO")
    assert ja_rengo["source"] is None


# --- roles and people -----------------------------------------------------------------------


def test_roles_are_the_roles_of_the_kb(names: Dict[str, Any], kb: KnowledgeBase) -> None:
    kb_roles = {leader.role for leader in kb.leaders()}
    assert set(keys(names["roles"])) == kb_roles
    expected = {
        "President": "会長", "Deputy President": "会長代行", "Vice President": "副会長",
        "General Secretary": "事務局長", "Assistant General Secretary": "副事務局長",
    }
    for role in names["roles"]:
        assert role["ja"] == expected[role["key"]]
        assert role["verified"] is True
        assert_sources(role["source"], role["key"])
        assert all(urlparse(u).netloc == "www.jtuc-rengo.or.jp" for u in role["source"]), role["key"]


def test_every_leader_is_named_or_listed_as_without_source(names: Dict[str, Any], kb: KnowledgeBase) -> None:
    leaders = [leader.name for leader in kb.leaders()]
    named, unnamed = keys(names["people"]), keys(names["people_without_source"])
    assert len(named) == len(set(named)) and len(unnamed) == len(set(unnamed))
    assert not set(named) & set(unnamed)
    assert sorted(named + unnamed) == sorted(leaders)
    for key in named + unnamed:
        assert kb.leader(key) is not None, key


def test_people_name_their_source_and_guess_nothing(names: Dict[str, Any]) -> None:
    for person in names["people"]:
        where = person["key"]
        assert set(person) <= {"key", "ja", "reading", "aliases", "source", "verified", "note"}, where
        assert KANJI_NAME.match(person["ja"]), where
        assert person["reading"] is None or PERSON_READING.match(person["reading"]), where
        assert person["verified"] is True, f"{where}: only names seen in a source belong in `people`"
        assert_sources(person["source"], where)
    for person in names["people_without_source"]:
        assert set(person) == {"key", "note"}, f"{person['key']}: no kanji without a source"


def test_the_top_two_are_named(names: Dict[str, Any]) -> None:
    people = {p["key"]: p for p in names["people"]}
    assert people["Tomoko YOSHINO"]["ja"] == "芳野友子"
    assert people["Tomoko YOSHINO"]["reading"] == "よしの ともこ"
    assert people["Hideyuki SHIMIZU"]["ja"] == "清水秀行"


# --- places -----------------------------------------------------------------------------------


SUFFIX_READING = {"都": "と", "府": "ふ", "県": "けん", "道": "どう"}


def test_prefectures_match_locals_yml(names: Dict[str, Any], curated_locals: List[Dict[str, Any]]) -> None:
    assert_sources(names["prefectures_source"], "prefectures")
    entries = names["prefectures"]
    assert keys(entries) == [local["prefecture"] for local in curated_locals]  # all 47, JIS X 0401 order
    kanji = {local["prefecture"]: local["prefecture_ja"] for local in curated_locals}
    for entry in entries:
        where = entry["key"]
        assert set(entry) == {"key", "ja", "ja_short", "kana", "kana_short"}, where
        assert entry["ja"] == kanji[where], where
        if entry["ja"] == "北海道":
            assert entry["ja_short"] == "北海道" and entry["kana_short"] == entry["kana"] == "ほっかいどう"
            continue
        assert entry["ja"] == entry["ja_short"] + entry["ja"][-1], where
        assert HIRAGANA.match(entry["kana"]) and HIRAGANA.match(entry["kana_short"]), where
        assert entry["kana"] == entry["kana_short"] + SUFFIX_READING[entry["ja"][-1]], where


def test_cities_match_cities_yml(
    names: Dict[str, Any], curated_cities: List[Dict[str, Any]], curated_locals: List[Dict[str, Any]]
) -> None:
    assert_sources(names["cities_source"], "cities")
    entries = names["cities"]
    assert keys(entries) == [city["name"] for city in curated_cities]
    prefecture_of = {city["name"]: city["prefecture"] for city in curated_cities}
    code_of = {local["prefecture"]: local["code"] for local in curated_locals}
    for entry in entries:
        where = entry["key"]
        assert set(entry) <= {"key", "ja", "kana", "code", "aliases"}, where
        assert entry["ja"].endswith(("市", "区")) and HIRAGANA.match(entry["kana"]), where
        assert entry["kana"].endswith("し" if entry["ja"].endswith("市") else "く"), where
        # JIS X 0402 codes start with the JIS X 0401 code of the city's prefecture.
        assert re.fullmatch(r"\d{5}", entry["code"]) and entry["code"][:2] == code_of[prefecture_of[where]], where


# --- across the whole file --------------------------------------------------------------------


def japanese_names(data: Dict[str, Any]) -> Iterator[Tuple[str, str, str]]:
    """(section, key, name) for every Japanese name or reading the file gives."""
    rengo = data["rengo"]
    for name in [rengo["ja"], rengo["ja_short"], rengo["reading"], rengo["reading_full"], *rengo["aliases"]]:
        yield "rengo", "RENGO", name
    for section in ("affiliates", "related_organisations", "roles", "people", "prefectures", "cities"):
        for entry in data[section]:
            values = [entry.get(f) for f in ("ja", "ja_short", "reading", "kana", "kana_short")]
            values += entry.get("aliases", []) + entry.get("former_names", [])
            for value in values:
                if value:
                    yield section, entry["key"], value


def test_no_japanese_name_points_to_two_things(names: Dict[str, Any]) -> None:
    owners: Dict[str, set] = defaultdict(set)
    for section, key, name in japanese_names(names):
        owners[name].add((section, key))
    clashes = {name: sorted(who) for name, who in owners.items() if len(who) > 1}
    assert clashes == {}
