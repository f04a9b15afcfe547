"""Build the knowledge base from its sources: ``python -m knowledge.build [--url URL] [--force]``.

The build is idempotent: it records the sha256 of every source and does
nothing when they (and the schema version) are unchanged, unless ``--force``.
It parses and checks everything before touching the database; a SQLite file
is written to a temporary file and renamed into place, so readers never see a
half-built database; other databases are rebuilt in one transaction. Expected
failures (a source that does not parse) print one line naming the file,
section and line and exit with status 1, without a traceback.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge import config
from knowledge.ingest import ParseError
from knowledge.ingest.brochure import BROCHURE_FILE, Brochure, parse_brochure
from knowledge.normalize import JAPANESE_LETTER, month_span, plural_role
from knowledge.schema import (
    SCHEMA_VERSION,
    Base,
    BridgeItemRow,
    BridgeRow,
    BuildMeta,
    BuildSource,
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

LOCALS_FILE = "locals.yml"
CONSULTATION_FILE = "consultation.yml"
GUIDANCE_FILE = "guidance.yml"
URGENT_FILE = "urgent.yml"
NAMES_JA_FILE = "names_ja.yml"
CITIES_FILE = "cities.yml"
REGIONS = ("Hokkaido", "Tohoku", "Kanto", "Chubu", "Kinki", "Chugoku", "Shikoku", "Kyushu-Okinawa")
_LOCAL_FIELDS = {"code", "prefecture", "prefecture_ja", "region", "name", "source"}
_LOCAL_REQUIRED = _LOCAL_FIELDS - {"prefecture_ja"}
_LOCAL_SOURCES = {"code", "prefecture", "region", "existence", "name"}
_ROUTE_FIELDS = {"key", "name", "name_ja", "description", "description_ja", "how", "how_ja", "url", "phone", "source", "recorded"}
_ROUTE_REQUIRED = {"key", "name", "name_ja", "description", "description_ja", "source", "recorded"}
_TOPIC_FIELDS = {"key", "title", "title_ja", "statements", "routes"}
_STATEMENT_FIELDS = {"text", "text_ja", "basis", "source", "reviewed"}
_STATEMENTS_PER_TOPIC = (2, 4)
_URGENT_FIELDS = {"key", "name", "name_ja", "phone", "url", "what", "what_ja", "kind", "source"}
_URGENT_REQUIRED = _URGENT_FIELDS - {"phone"}
URGENT_KINDS = ("emergency", "mental_health")  # emergency is offered first
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_PHONE = re.compile(r"[0-9][0-9-]*")

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BuildReport:
    """What a build did: ``skipped`` when the sources were unchanged."""

    url: str
    skipped: bool
    fingerprint: str
    counts: Dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Source:
    path: Path
    sha256: str
    lines: int


# --- sources ---------------------------------------------------------------------


def _sources(sources_dir: Path, curated_dir: Path) -> List[_Source]:
    found = []
    curated = (LOCALS_FILE, CONSULTATION_FILE, GUIDANCE_FILE, URGENT_FILE, NAMES_JA_FILE, CITIES_FILE)
    for path in (sources_dir / BROCHURE_FILE, *(curated_dir / name for name in curated)):
        if not path.is_file():
            raise ParseError(path.name, "sources", None, f"missing source file {path}")
        data = path.read_bytes()
        found.append(_Source(path, hashlib.sha256(data).hexdigest(), len(data.splitlines())))
    return found


def _fingerprint(sources: Sequence[_Source]) -> str:
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for s in sources:
        digest.update(f"{s.path.name} {s.sha256}\n".encode())
    return digest.hexdigest()


def _load_yaml(path: Path, list_key: str) -> Tuple[Dict[str, Any], List[int]]:
    """The document and the line of each entry of its ``list_key`` list."""
    data, nodes = _load_yaml_nodes(path, list_key)
    return data, [_line(node) for node in nodes]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _field_node(node: yaml.Node, key: str) -> Optional[yaml.Node]:
    """The value node of ``key`` in a YAML mapping node (None if absent)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    return None


def _field_line(node: yaml.Node, key: str) -> int:
    """The line where ``key`` is written in a mapping node, else the node's own line."""
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if key_node.value == key:
                return _line(key_node)
    return _line(node)


def _load_yaml_nodes(path: Path, list_key: str) -> Tuple[Dict[str, Any], List[yaml.Node]]:
    """The document and the YAML node of each entry of its ``list_key`` list (nested lines)."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParseError(path.name, list_key, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list):
        raise ParseError(path.name, list_key, 1, f"expected a mapping with a '{list_key}:' list")
    entries = _field_node(root, list_key)
    return data, list(entries.value) if entries is not None else []


def _check_fields(path: Path, section: str, line: int, entry: Any, allowed: set, required: set) -> Dict[str, Any]:
    if not isinstance(entry, dict):
        raise ParseError(path.name, section, line, "expected a mapping")
    unknown = set(entry) - allowed
    missing = {k for k in required if entry.get(k) in (None, "")}
    if unknown or missing:
        raise ParseError(
            path.name, section, line,
            f"unknown fields {sorted(unknown)}" if unknown else f"missing fields {sorted(missing)}",
        )
    return entry


def load_locals(path: Path, brochure: Brochure) -> List[Dict[str, Any]]:
    """The prefectural locals, checked against JIS order and the brochure's count."""
    data, lines = _load_yaml(path, "locals")
    sources = data.get("sources")
    if not isinstance(sources, dict) or not _LOCAL_SOURCES <= set(sources):
        raise ParseError(path.name, "sources", 1, f"a 'sources:' block must name the source of {sorted(_LOCAL_SOURCES)}")
    entries = []
    for index, (entry, line) in enumerate(zip(data["locals"], lines), start=1):
        entry = _check_fields(path, "locals", line, entry, _LOCAL_FIELDS, _LOCAL_REQUIRED)
        code, prefecture = str(entry["code"]), str(entry["prefecture"])
        if code != f"{index:02d}":
            raise ParseError(path.name, "locals", line, f"expected JIS code {index:02d}, found {code}")
        if entry["region"] not in REGIONS:
            raise ParseError(path.name, "locals", line, f"unknown region {entry['region']!r}")
        if entry["name"] != f"RENGO {prefecture}":
            raise ParseError(path.name, "locals", line, f"local name should be 'RENGO {prefecture}'")
        if not str(entry["source"]).startswith(("http://", "https://")):
            raise ParseError(path.name, "locals", line, "source must be a public URL")
        entries.append({**entry, "code": code, "prefecture": prefecture})
    expected = int(brochure.fact("locals_count").value)
    if len(entries) != expected or len({e["prefecture"] for e in entries}) != expected:
        raise ParseError(path.name, "locals", lines[-1] if lines else 1, f"expected {expected} distinct prefectures, found {len(entries)}")
    return entries


def load_routes(path: Path, brochure: Brochure) -> List[Dict[str, Any]]:
    """Consultation routes; each must name a public source and when it was recorded."""
    data, lines = _load_yaml(path, "routes")
    unibo = next(c.item.value for c in brochure.contacts if c.item.kind == "unibo")
    routes: List[Dict[str, Any]] = []
    for entry, line in zip(data["routes"], lines):
        entry = _check_fields(path, "routes", line, entry, _ROUTE_FIELDS, _ROUTE_REQUIRED)
        if not str(entry["source"]).startswith(("http://", "https://")):
            raise ParseError(path.name, "routes", line, "source must be a public URL")
        recorded = entry["recorded"]
        if isinstance(recorded, str):
            try:
                recorded = dt.date.fromisoformat(recorded)
            except ValueError:
                raise ParseError(path.name, "routes", line, f"recorded must be a date, found {recorded!r}") from None
        if not isinstance(recorded, dt.date):
            raise ParseError(path.name, "routes", line, "recorded must be a date (YYYY-MM-DD)")
        if any(r["key"] == entry["key"] for r in routes):
            raise ParseError(path.name, "routes", line, f"route {entry['key']!r} appears twice")
        if entry["key"] == "unibo" and entry.get("url") != unibo:
            raise ParseError(path.name, "routes", line, "the UniBo URL differs from the brochure's")
        routes.append({**entry, "recorded": recorded.isoformat(), "phone": str(entry["phone"]) if entry.get("phone") else None})
    if not routes:
        raise ParseError(path.name, "routes", 1, "no routes")
    return routes


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > len("https://")


def _check_text(path: Path, section: str, node: yaml.Node, entry: Dict[str, Any], fields: Sequence[str], where: str) -> None:
    for name in fields:
        value = entry.get(name)
        if value is not None and not isinstance(value, str):
            raise ParseError(path.name, section, _field_line(node, name), f"{where}: {name} must be text, found {value!r}")


def _guidance_statement(path: Path, node: yaml.Node, entry: Any, where: str) -> Dict[str, Any]:
    """One statement, checked: plain text in both languages, a basis, an http(s) source, a review flag."""
    try:
        entry = _check_fields(path, "topics", _line(node), entry, _STATEMENT_FIELDS, _STATEMENT_FIELDS)
    except ParseError as exc:
        raise ParseError(path.name, "topics", exc.line, f"{where}: {exc.message}") from None
    _check_text(path, "topics", node, entry, ("text", "text_ja", "basis", "source"), where)
    if not _is_url(entry["source"]):
        raise ParseError(path.name, "topics", _field_line(node, "source"), f"{where}: source must be a public http(s) URL")
    if not isinstance(entry["reviewed"], bool):
        raise ParseError(path.name, "topics", _field_line(node, "reviewed"), f"{where}: reviewed must be true or false")
    texts = {name: " ".join(entry[name].split()) for name in ("text", "text_ja", "basis")}
    return {**texts, "source": entry["source"], "reviewed": entry["reviewed"], "line": _line(node)}


def load_guidance(path: Path, route_keys: Sequence[str]) -> List[Dict[str, Any]]:
    """First guidance per topic: every statement names its legal basis and a public source."""
    data, nodes = _load_yaml_nodes(path, "topics")
    low, high = _STATEMENTS_PER_TOPIC
    topics: List[Dict[str, Any]] = []
    for entry, node in zip(data["topics"], nodes):
        entry = _check_fields(path, "topics", _line(node), entry, _TOPIC_FIELDS, _TOPIC_FIELDS)
        _check_text(path, "topics", node, entry, ("key", "title", "title_ja"), "topic")
        key, where = entry["key"], f"topic {entry['key']!r}"
        if not _KEY.fullmatch(key):
            raise ParseError(path.name, "topics", _field_line(node, "key"), f"topic key {key!r} must be lower_snake_case")
        if any(t["key"] == key for t in topics):
            raise ParseError(path.name, "topics", _field_line(node, "key"), f"{where} appears twice")

        statements, line = entry["statements"], _field_line(node, "statements")
        if not isinstance(statements, list):
            raise ParseError(path.name, "topics", line, f"{where}: statements must be a list")
        if not low <= len(statements) <= high:
            raise ParseError(path.name, "topics", line, f"{where} has {len(statements)} statements; give {low} to {high}")
        statement_nodes = _field_node(node, "statements").value
        checked = [
            _guidance_statement(path, s_node, statement, f"{where}, statement {number}")
            for number, (statement, s_node) in enumerate(zip(statements, statement_nodes), start=1)
        ]

        routes, line = entry["routes"], _field_line(node, "routes")
        if not isinstance(routes, list) or not routes:
            raise ParseError(path.name, "topics", line, f"{where}: routes must be a list of consultation route keys")
        unknown = [r for r in routes if r not in route_keys]
        if unknown:
            known = ", ".join(route_keys)
            raise ParseError(path.name, "topics", line, f"{where}: unknown routes {unknown} (known: {known})")
        if len(set(routes)) != len(routes):
            raise ParseError(path.name, "topics", line, f"{where}: a route is listed twice")
        topics.append({**{k: entry[k] for k in ("key", "title", "title_ja", "routes")}, "statements": checked})
    if not topics:
        raise ParseError(path.name, "topics", 1, "no topics")
    return topics


def load_urgent(path: Path) -> List[Dict[str, Any]]:
    """Resources for urgent situations; emergency numbers must be present and have a phone."""
    data, nodes = _load_yaml_nodes(path, "resources")
    resources: List[Dict[str, Any]] = []
    for entry, node in zip(data["resources"], nodes):
        entry = _check_fields(path, "resources", _line(node), entry, _URGENT_FIELDS, _URGENT_REQUIRED)
        _check_text(path, "resources", node, entry, sorted(_URGENT_FIELDS - {"phone"}), "resource")
        key, where = entry["key"], f"resource {entry['key']!r}"
        if any(r["key"] == key for r in resources):
            raise ParseError(path.name, "resources", _field_line(node, "key"), f"{where} appears twice")
        if entry["kind"] not in URGENT_KINDS:
            raise ParseError(
                path.name, "resources", _field_line(node, "kind"),
                f"{where}: kind must be one of {list(URGENT_KINDS)}, not {entry['kind']!r}",
            )
        for name in ("url", "source"):
            if not _is_url(entry[name]):
                raise ParseError(path.name, "resources", _field_line(node, name), f"{where}: {name} must be a public http(s) URL")
        phone, line = entry.get("phone"), _field_line(node, "phone")
        if phone is not None and not isinstance(phone, str):
            raise ParseError(path.name, "resources", line, f'{where}: write the phone number as a quoted string ("{phone}"), not a number')
        if phone is not None and not _PHONE.fullmatch(phone):
            raise ParseError(path.name, "resources", line, f"{where}: phone {phone!r} must be digits and hyphens")
        if entry["kind"] == "emergency" and not phone:
            raise ParseError(path.name, "resources", _line(node), f"{where}: an emergency resource needs a phone number")
        resources.append({**entry, "what": " ".join(entry["what"].split()), "phone": phone})
    if not any(r["kind"] == "emergency" for r in resources):
        raise ParseError(path.name, "resources", 1, "no emergency resources (police 110, fire and ambulance 119)")
    return resources


# --- Japanese names ------------------------------------------------------------------

JAPANESE_NAME_KINDS = ("rengo", "affiliate", "related", "role", "person", "prefecture", "city")
_NAMES_SECTIONS = {
    "rengo", "affiliates", "related_organisations", "roles", "people", "people_without_source",
    "prefectures_source", "prefectures", "cities_source", "cities",
}
_RENGO_FIELDS = {"ja", "ja_short", "reading", "reading_full", "aliases", "source", "verified", "note"}
_ORG_NAME_FIELDS = {"key", "ja", "ja_short", "reading", "aliases", "former_names", "source", "verified", "note", "legal_form"}
_ORG_NAME_REQUIRED = {"key", "ja", "ja_short"}
_ROLE_NAME_FIELDS = {"key", "ja", "source", "verified", "note"}
_PERSON_NAME_FIELDS = {"key", "ja", "reading", "aliases", "source", "verified", "note"}
_PREFECTURE_NAME_FIELDS = {"key", "ja", "ja_short", "kana", "kana_short"}
_CITY_NAME_FIELDS = {"key", "ja", "kana", "code", "aliases"}
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff ]+")  # hiragana, katakana (with ・ and ー), space


def load_city_names(path: Path) -> List[str]:
    """The English names of ``curated/cities.yml`` (what names_ja.yml's cities are keyed by)."""
    data, lines = _load_yaml(path, "cities")
    names = []
    for entry, line in zip(data["cities"], lines):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ParseError(path.name, "cities", line, "expected a mapping with a 'name:'")
        names.append(entry["name"])
    return names


class _NamesChecker:
    """Checks one entry of names_ja.yml, raising ParseError with its file, section and line."""

    def __init__(self, path: Path, section: str, node: yaml.Node) -> None:
        self.path, self.section, self.node = path, section, node

    def fail(self, field_name: Optional[str], message: str) -> None:
        line = _field_line(self.node, field_name) if field_name else _line(self.node)
        raise ParseError(self.path.name, self.section, line, message)

    def fields(self, entry: Any, allowed: set, required: set) -> Dict[str, Any]:
        return _check_fields(self.path, self.section, _line(self.node), entry, allowed, required)

    def japanese(self, entry: Dict[str, Any], name: str, where: str, optional: bool = False) -> Optional[str]:
        value = entry.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not JAPANESE_LETTER.search(value):
            self.fail(name, f"{where}: {name} must be a name in Japanese, found {value!r}")
        return value.strip()

    def text(self, entry: Dict[str, Any], name: str, where: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"{where}: {name} must be text, found {value!r}")
        return value.strip()

    def kana(self, entry: Dict[str, Any], name: str, where: str, required: bool = False) -> Optional[str]:
        value = entry.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not _KANA.fullmatch(value):
            self.fail(name, f"{where}: {name} must be written in kana, found {value!r}")
        return value

    def names(self, entry: Dict[str, Any], name: str, where: str) -> Tuple[str, ...]:
        value = entry.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and JAPANESE_LETTER.search(v) for v in value):
            self.fail(name, f"{where}: {name} must be a list of names in Japanese")
        return tuple(v.strip() for v in value)

    def urls(self, value: Any, name: str, where: str) -> Tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(_is_url(u) for u in value):
            self.fail(name, f"{where}: {name} must be a list of public http(s) URLs")
        return tuple(value)

    def provenance(self, entry: Dict[str, Any], where: str) -> Tuple[bool, Tuple[str, ...]]:
        """``verified`` and ``source``: a verified name names its sources, an unverified one says why."""
        verified = entry.get("verified")
        if not isinstance(verified, bool):
            self.fail("verified", f"{where}: verified must be true or false")
        source = entry.get("source")
        if verified:
            return True, self.urls(source, "source", where)
        if not entry.get("note"):
            self.fail("note", f"{where}: an unverified name needs a note saying what a person must check")
        return False, () if source is None else self.urls(source, "source", where)


def load_japanese_names(
    path: Path, brochure: Brochure, locals_: Sequence[Dict[str, Any]], city_names: Sequence[str]
) -> List[Dict[str, Any]]:
    """``curated/names_ja.yml``: every key must name something the knowledge base (or cities.yml) knows.

    Returns one dict per name (the columns of ``kb_japanese_names``), in the file's order.
    """
    text = path.read_text(encoding="utf-8")
    try:  # parsed once (with libyaml when present): the node tree gives lines, then the values
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        data = yaml.SafeLoader("").construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParseError(path.name, "names", mark.line + 1 if mark else None, f"invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ParseError(path.name, "names", 1, "expected a mapping of sections")
    unknown = set(data) - _NAMES_SECTIONS
    missing = _NAMES_SECTIONS - set(data)
    if unknown or missing:
        what = f"unknown sections {sorted(unknown)}" if unknown else f"missing sections {sorted(missing)}"
        raise ParseError(path.name, "names", 1, what)

    def entries(section: str) -> List[Tuple[Any, yaml.Node]]:
        if not isinstance(data[section], list):
            raise ParseError(path.name, section, _field_line(root, section), f"'{section}:' must be a list")
        return list(zip(data[section], _field_node(root, section).value))

    known = {
        "affiliates": {o.item.short_name for o in brochure.organisations},
        "related_organisations": {r.item.name for r in brochure.related},
        "roles": {leader.item.role for leader in brochure.leaders},
        "people": {leader.item.name for leader in brochure.leaders},
        "prefectures": {e["prefecture"]: e.get("prefecture_ja") for e in locals_},
        "cities": set(city_names),
    }
    known["people_without_source"] = known["people"]
    names: List[Dict[str, Any]] = []
    seen: Dict[Tuple[str, str], int] = {}

    def add(section: str, checker: _NamesChecker, kind: str, key: str, **row: Any) -> None:
        if (kind, key) in seen:
            checker.fail("key", f"{key!r} appears twice")
        seen[(kind, key)] = len(names)
        defaults = {"ja_short": None, "reading": None, "reading_short": None, "aliases": (), "former_names": ()}
        names.append({**defaults, **row, "kind": kind, "key": key, "line": _line(checker.node), "section": section})

    def keyed(section: str, checker: _NamesChecker, entry: Dict[str, Any]) -> str:
        key = entry.get("key")
        if not isinstance(key, str) or key not in known[section]:
            what = {
                "affiliates": "affiliate of the brochure", "related_organisations": "related organisation of the brochure",
                "roles": "role of the brochure's leadership", "people": "leader of the brochure",
                "people_without_source": "leader of the brochure", "prefectures": "prefecture of locals.yml",
                "cities": "city of cities.yml",
            }[section]
            checker.fail("key", f"{key!r} is no {what}")
        return key

    # RENGO itself
    rengo_node = _field_node(root, "rengo")
    checker = _NamesChecker(path, "rengo", rengo_node)
    entry = checker.fields(data["rengo"], _RENGO_FIELDS, {"ja", "ja_short"})
    verified, source = checker.provenance(entry, "RENGO")
    add("rengo", checker, "rengo", "RENGO",
        ja=checker.japanese(entry, "ja", "RENGO"), ja_short=checker.japanese(entry, "ja_short", "RENGO"),
        reading=checker.kana(entry, "reading_full", "RENGO"), reading_short=checker.kana(entry, "reading", "RENGO"),
        aliases=checker.names(entry, "aliases", "RENGO"), verified=verified, source=source)

    for section, kind in (("affiliates", "affiliate"), ("related_organisations", "related")):
        for entry, node in entries(section):
            checker = _NamesChecker(path, section, node)
            entry = checker.fields(entry, _ORG_NAME_FIELDS, _ORG_NAME_REQUIRED)
            key = keyed(section, checker, entry)
            verified, source = checker.provenance(entry, key)
            add(section, checker, kind, key,
                ja=checker.japanese(entry, "ja", key), ja_short=checker.text(entry, "ja_short", key),
                reading_short=checker.kana(entry, "reading", key), aliases=checker.names(entry, "aliases", key),
                former_names=checker.names(entry, "former_names", key), verified=verified, source=source)

    for entry, node in entries("roles"):
        checker = _NamesChecker(path, "roles", node)
        entry = checker.fields(entry, _ROLE_NAME_FIELDS, {"key", "ja"})
        key = keyed("roles", checker, entry)
        verified, source = checker.provenance(entry, key)
        add("roles", checker, "role", key, ja=checker.japanese(entry, "ja", key), verified=verified, source=source)

    for entry, node in entries("people"):
        checker = _NamesChecker(path, "people", node)
        entry = checker.fields(entry, _PERSON_NAME_FIELDS, {"key", "ja"})
        key = keyed("people", checker, entry)
        verified, source = checker.provenance(entry, key)
        reading = checker.kana(entry, "reading", key)
        if reading is not None and len(reading.split(" ")) != 2:
            checker.fail("reading", f"{key}: reading must be 'family given', found {reading!r}")
        add("people", checker, "person", key, ja=checker.japanese(entry, "ja", key), reading=reading,
            aliases=checker.names(entry, "aliases", key), verified=verified, source=source)
    for entry, node in entries("people_without_source"):  # no name to load; the key must still be a leader
        checker = _NamesChecker(path, "people_without_source", node)
        entry = checker.fields(entry, {"key", "note"}, {"key", "note"})
        key = keyed("people_without_source", checker, entry)
        if ("person", key) in seen:
            checker.fail("key", f"{key!r} is also in people")

    for section, kind in (("prefectures", "prefecture"), ("cities", "city")):
        source_node = _field_node(root, f"{section}_source")
        section_source = _NamesChecker(path, f"{section}_source", source_node).urls(
            data[f"{section}_source"], f"{section}_source", section)
        for entry, node in entries(section):
            checker = _NamesChecker(path, section, node)
            if kind == "prefecture":
                entry = checker.fields(entry, _PREFECTURE_NAME_FIELDS, _PREFECTURE_NAME_FIELDS)
                key = keyed(section, checker, entry)
                ja = checker.japanese(entry, "ja", key)
                if known["prefectures"][key] and ja != known["prefectures"][key]:
                    checker.fail("ja", f"{key}: ja {ja!r} differs from locals.yml's {known['prefectures'][key]!r}")
                add(section, checker, kind, key, ja=ja, ja_short=checker.japanese(entry, "ja_short", key),
                    reading=checker.kana(entry, "kana", key, required=True),
                    reading_short=checker.kana(entry, "kana_short", key, required=True),
                    verified=True, source=section_source)
            else:
                entry = checker.fields(entry, _CITY_NAME_FIELDS, {"key", "ja", "kana", "code"})
                key = keyed(section, checker, entry)
                add(section, checker, kind, key, ja=checker.japanese(entry, "ja", key),
                    reading=checker.kana(entry, "kana", key, required=True),
                    aliases=checker.names(entry, "aliases", key), verified=True, source=section_source)

    # One Japanese name for two things would leave the linker unable to choose.
    owners: Dict[str, Dict[str, Any]] = {}
    for name in names:
        spellings = [name["ja"], name["ja_short"], *name["aliases"], *name["former_names"]]
        for spelling in {s for s in spellings if s}:
            other = owners.setdefault(spelling, name)
            if other is not name:
                raise ParseError(
                    path.name, name["section"], name["line"],
                    f"{spelling!r} names both {other['kind']} {other['key']!r} and {name['kind']} {name['key']!r}",
                )
    return names


# --- database ----------------------------------------------------------------------


def _sqlite_file(url: str) -> Optional[Path]:
    """The file behind a SQLite URL (None for in-memory or other databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _stored_fingerprint(url: str) -> Optional[str]:
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        return None
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table(BuildMeta.__tablename__):
            return None
        with Session(engine, future=True) as s:
            return s.scalar(select(BuildMeta.value).where(BuildMeta.key == "fingerprint"))
    finally:
        engine.dispose()


def _rows(
    brochure: Brochure,
    locals_: List[Dict[str, Any]],
    routes: List[Dict[str, Any]],
    guidance: List[Dict[str, Any]],
    urgent: List[Dict[str, Any]],
    japanese_names: Sequence[Dict[str, Any]] = (),
) -> List[List[Any]]:
    """All rows, in insert stages (parents before children), with deterministic ids."""
    b = brochure
    parents: List[Any] = [Section(key=s.key, title=s.title, line=s.line, position=i, text=s.text) for i, s in enumerate(b.sections)]
    parents += [BridgeRow(key=br.key, number=br.number, title=br.title, position=i, line=dict(b.bridge_lines)[br.key]) for i, br in enumerate(b.vision.item.bridges)]
    parents += [
        PolicyAreaRow(id=i, kind=a.item.kind, number=a.item.number, title=a.item.title, position=i, line=a.line)
        for i, a in enumerate(b.policy_areas, start=1)
    ]
    children: List[Any] = [
        PassageRow(id=i, section=p.item.section, position=i, text=p.item.text, line=p.line)
        for i, p in enumerate(b.passages, start=1)
    ]
    children += [FactRow(key=f.key, value=f.value, section=f.section, line=f.line, position=i) for i, f in enumerate(b.facts)]
    children += [MissionRow(number=m.item.number, text=m.item.text, line=m.line) for m in b.mission]
    children += [PrincipleRow(article=p.item.article, text=p.item.text, line=p.line) for p in b.principles]
    children.append(PreambleRow(id=1, text=b.preamble.item.text, established=b.preamble.item.established, line=b.preamble.line))
    v = b.vision.item
    children.append(VisionRow(id=1, title=v.title, subtitle=v.subtitle, intro=v.intro, line=b.vision.line))
    item_id = 0
    for br in v.bridges:
        for n, text in enumerate(br.items, start=1):
            item_id += 1
            children.append(BridgeItemRow(id=item_id, bridge=br.key, position=n, text=text))
    item_id = sdg_id = 0
    for area_id, a in enumerate(b.policy_areas, start=1):
        for n, text in enumerate(a.item.items, start=1):
            item_id += 1
            children.append(PolicyItemRow(id=item_id, area_id=area_id, number=n, text=text))
        for n, goal in enumerate(a.item.sdgs, start=1):
            sdg_id += 1
            children.append(PolicySdgRow(id=sdg_id, area_id=area_id, position=n, goal=goal))
    for i, e in enumerate(b.history, start=1):
        start, end = month_span(e.item.month) if e.item.month else (None, None)
        children.append(HistoryEventRow(
            id=i, year=e.item.year, month=e.item.month, month_start=start, month_end=end,
            text=e.item.text, note=e.item.note, position=i, line=e.line,
        ))
    children += [HistoryYearRow(year=y.item, line=y.line) for y in b.history_years]
    children += [
        LeaderRow(id=l.item.order, name=l.item.name, family_name=l.item.family_name, given_name=l.item.given_name,
                  role=l.item.role, affiliate=l.item.affiliate, position=l.item.order, line=l.line)
        for l in b.leaders
    ]
    children += [
        OrganisationRow(number=o.item.number, short_name=o.item.short_name, full_name=o.item.full_name,
                        acronym=o.item.acronym, category=o.item.category, as_of=o.item.as_of, line=o.line)
        for o in b.organisations
    ]
    children += [
        RelatedOrganisationRow(name=r.item.name, local_name=r.item.local_name, full_name=r.item.full_name,
                               description=r.item.description, founded=r.item.founded, url=r.item.url, position=i, line=r.line)
        for i, r in enumerate(b.related)
    ]
    children += [ContactRow(kind=c.item.kind, label=c.item.label, value=c.item.value, source=c.item.source, position=i) for i, c in enumerate(b.contacts)]
    children.append(MascotRow(name=b.mascot.item.name, description=b.mascot.item.description, line=b.mascot.line))
    children += [
        LocalRow(code=e["code"], prefecture=e["prefecture"], prefecture_ja=e.get("prefecture_ja"), name=e["name"], region=e["region"], source=e["source"])
        for e in locals_
    ]
    children += [
        RouteRow(key=r["key"], name=r["name"], description=r["description"], how=r.get("how"), url=r.get("url"),
                 phone=r.get("phone"), source=r["source"], recorded=r["recorded"], position=i,
                 name_ja=r["name_ja"], description_ja=r["description_ja"], how_ja=r.get("how_ja"))
        for i, r in enumerate(routes)
    ]
    parents += [
        GuidanceTopicRow(key=t["key"], title=t["title"], title_ja=t["title_ja"], routes=" ".join(t["routes"]), position=i)
        for i, t in enumerate(guidance)
    ]
    statement_id = 0
    for t in guidance:
        for n, st in enumerate(t["statements"], start=1):
            statement_id += 1
            children.append(GuidanceStatementRow(
                id=statement_id, topic=t["key"], position=n, text=st["text"], text_ja=st["text_ja"],
                basis=st["basis"], source=st["source"], reviewed=st["reviewed"], line=st["line"],
            ))
    children += [
        UrgentResourceRow(key=r["key"], name=r["name"], name_ja=r["name_ja"], phone=r["phone"], url=r["url"],
                          what=r["what"], what_ja=r["what_ja"], kind=r["kind"], source=r["source"], position=i)
        for i, r in enumerate(urgent)
    ]
    children += [
        JapaneseNameRow(
            id=i, kind=n["kind"], key=n["key"], ja=n["ja"], ja_short=n["ja_short"], reading=n["reading"],
            reading_short=n["reading_short"], aliases=json.dumps(list(n["aliases"]), ensure_ascii=False),
            former_names=json.dumps(list(n["former_names"]), ensure_ascii=False), verified=n["verified"],
            source=json.dumps(list(n["source"]), ensure_ascii=False), position=i,
        )
        for i, n in enumerate(japanese_names, start=1)
    ]
    return [parents, children]


def _write(engine: Engine, stages: List[List[Any]], sources: Sequence[_Source], fingerprint: str) -> None:
    """Replace every table in one transaction; the fingerprint is written last."""
    with Session(engine, future=True) as s, s.begin():
        connection = s.connection()
        Base.metadata.drop_all(connection)
        Base.metadata.create_all(connection)
        for rows in stages:
            s.add_all(rows)
            s.flush()
        s.add_all(BuildSource(name=src.path.name, sha256=src.sha256, lines=src.lines) for src in sources)
        s.add_all([BuildMeta(key="schema_version", value=SCHEMA_VERSION), BuildMeta(key="fingerprint", value=fingerprint)])


def database_digest(url: str) -> str:
    """sha256 over every row of every table, in key order: equal digests, equal content."""
    engine = create_engine(url, future=True)
    digest = hashlib.sha256()
    try:
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                digest.update(f"[{table.name}]\n".encode())
                ordered = select(table).order_by(*table.primary_key.columns)
                for row in connection.execute(ordered):
                    digest.update(repr(tuple(row)).encode())
    finally:
        engine.dispose()
    return digest.hexdigest()


# --- the build ------------------------------------------------------------------


def build(
    url: Optional[str] = None,
    *,
    force: bool = False,
    sources_dir: Optional[Path] = None,
    curated_dir: Optional[Path] = None,
    log: Log = _stderr,
) -> BuildReport:
    """Parse, check and write the knowledge base; skip when nothing changed."""
    url = url or config.database_url()
    shown = make_url(url).render_as_string(hide_password=True)
    sources = _sources(Path(sources_dir or config.sources_dir()), Path(curated_dir or config.curated_dir()))
    fingerprint = _fingerprint(sources)
    if not force and _stored_fingerprint(url) == fingerprint:
        log(f"up to date: {shown} was built from these sources (use --force to rebuild)")
        return BuildReport(shown, True, fingerprint)

    brochure_source = sources[0]
    log(f"parsing {brochure_source.path.name} ({brochure_source.lines} lines)")
    brochure = parse_brochure(brochure_source.path)
    counts = _report(brochure, log)
    locals_ = load_locals(sources[1].path, brochure)
    log(f"locals: {len(locals_)}")
    routes = load_routes(sources[2].path, brochure)
    log(f"consultation routes: {len(routes)}")
    guidance = load_guidance(sources[3].path, [r["key"] for r in routes])
    statements = [st for t in guidance for st in t["statements"]]
    unreviewed = sum(1 for st in statements if not st["reviewed"])
    log(f"guidance: {len(guidance)} topics, {len(statements)} statements ({unreviewed} not yet reviewed)")
    urgent = load_urgent(sources[4].path)
    kinds = {k: sum(1 for r in urgent if r["kind"] == k) for k in URGENT_KINDS}
    log(f"urgent resources: {len(urgent)} ({kinds['emergency']} emergency + {kinds['mental_health']} mental health)")
    japanese = load_japanese_names(sources[5].path, brochure, locals_, load_city_names(sources[6].path))
    unverified = sum(1 for n in japanese if not n["verified"])
    log(f"japanese names: {len(japanese)} ({unverified} not yet verified)")
    counts.update(
        locals=len(locals_), routes=len(routes), guidance_topics=len(guidance),
        guidance_statements=len(statements), urgent_resources=len(urgent), japanese_names=len(japanese),
    )
    stages = _rows(brochure, locals_, routes, guidance, urgent, japanese)

    log(f"writing {shown}")
    target = _sqlite_file(url)
    if target is None:
        engine = create_engine(url, future=True)
        try:
            _write(engine, stages, sources, fingerprint)
        finally:
            engine.dispose()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        engine = create_engine(f"sqlite:///{temporary}", future=True)
        try:
            _write(engine, stages, sources, fingerprint)
            engine.dispose()
            os.replace(temporary, target)
        finally:
            engine.dispose()
            temporary.unlink(missing_ok=True)
    log(f"done: {sum(len(stage) for stage in stages)} rows")
    return BuildReport(shown, False, fingerprint, counts)


def _report(b: Brochure, log: Log) -> Dict[str, int]:
    """One progress line per parsed part, and the counts for the report."""
    roles: Dict[str, int] = {}
    for leader in b.leaders:
        roles[leader.item.role] = roles.get(leader.item.role, 0) + 1
    kinds = {k: sum(1 for a in b.policy_areas if a.item.kind == k) for k in ("priority", "advancement")}
    placed = [e for e in b.history if e.item.year is not None]
    categories = {c: sum(1 for o in b.organisations if o.item.category == c) for c in ("affiliate", "associated")}
    counts = {
        "sections": len(b.sections),
        "passages": len(b.passages),
        "facts": len(b.facts),
        "mission": len(b.mission),
        "principles": len(b.principles),
        "bridges": len(b.vision.item.bridges),
        "policy_areas": len(b.policy_areas),
        "history_events": len(placed),
        "history_unplaced": len(b.history) - len(placed),
        "history_years_without_events": len(b.years_without_events()),
        "leaders": len(b.leaders),
        "organisations": len(b.organisations),
        "related_organisations": len(b.related),
        "contacts": len(b.contacts),
    }
    log(f"sections: {counts['sections']}")
    log(f"facts: {counts['facts']}")
    log(f"mission: {counts['mission']} items")
    log(f"principles: {counts['principles']} articles + preamble")
    log(f"vision: {counts['bridges'] - 1} bridges + foundation")
    log(f"action policies: {kinds['priority']} priority areas + {kinds['advancement']} areas for advancement")
    log(
        f"history: {counts['history_events']} events, {counts['history_unplaced']} without a year, "
        f"{counts['history_years_without_events']} years listed without events"
    )
    log("leadership: " + ", ".join(f"{n} {plural_role(role, n)}" for role, n in roles.items()))
    log(f"affiliates: {counts['organisations']} ({categories['affiliate']} affiliates + {categories['associated']} associated)")
    log(f"related organisations: {counts['related_organisations']}")
    log(f"contacts: {counts['contacts']}")
    log(f"passages: {counts['passages']}")
    return counts


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.build", description="Build the knowledge base from the brochure and the curated files.")
    parser.add_argument("--url", help=f"database URL (default: ${config.URL_VARIABLE} or {config.default_database_path()})")
    parser.add_argument("--force", action="store_true", help="rebuild even if the sources are unchanged")
    parser.add_argument("--sources", type=Path, help="directory holding the brochure text (default: knowledge/sources)")
    args = parser.parse_args(argv)
    try:
        build(args.url, force=args.force, sources_dir=args.sources)
    except ParseError as exc:
        _stderr(f"error: {exc}")
        return 1
    except SQLAlchemyError as exc:
        _stderr(f"error: database: {exc.__class__.__name__}: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
