"""Parse the RENGO brochure text into records.

The text is a PDF-to-markdown conversion with OCR slips, so parsing is done
section by section, each with the layout it actually has, and every section
checks itself against what the printed brochure must contain (47 numbered
organisations, 7 articles, 15 Vice Presidents ...). Anything unexpected raises
:class:`ParseError` naming the section and line, rather than silently storing
half a brochure. The history table, whose three columns were flattened into
tab-separated rows, is rebuilt by :meth:`_Parser.history` with a general
cell-walking rule (see there).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Generic, List, Optional, Sequence, Tuple, TypeVar

from knowledge.ingest import ParseError
from knowledge.normalize import (
    MONTH_SPAN,
    MONTHS,
    clean_text,
    is_month_span,
    month_display,
    name_key,
    normalise_month,
    plural_role,
    singular_role,
)
from knowledge.records import (
    Bridge,
    Contact,
    Fact,
    HistoryEvent,
    Leader,
    Mascot,
    MissionItem,
    Organisation,
    Passage,
    PolicyArea,
    Preamble,
    Principle,
    RelatedOrganisation,
    Vision,
)

BROCHURE_FILE = "rengo_brochure_2024_2025.txt"

# What the 2024-2025 brochure must contain; a parse that finds otherwise fails.
EXPECTED_MISSION_ITEMS = 5
EXPECTED_ARTICLES = 7
EXPECTED_BRIDGES = ("I", "II", "III", "IV", "V", "Foundation")
EXPECTED_POLICY_AREAS = {"priority": 3, "advancement": 4}
EXPECTED_LEADERS = {
    "President": 1,
    "General Secretary": 1,
    "Deputy President": 2,
    "Vice President": 15,
    "Assistant General Secretary": 6,
}
EXPECTED_ORGANISATIONS = {"affiliate": 45, "associated": 2}
MIN_HISTORY_EVENTS = 60
SECRETARIAT = "RENGO Secretariat"

FACT_KEYS = (
    "name",
    "short_name",
    "founded",
    "membership",
    "national_centre",
    "structure",
    "affiliates_count",
    "locals_count",
    "slogan",
    "vision",
    "address",
    "president",
    "action_policies_url",
)

T = TypeVar("T")


@dataclass(frozen=True)
class Located(Generic[T]):
    """A record together with the brochure line it was read from."""

    item: T
    line: int


@dataclass(frozen=True)
class SectionInfo:
    """A brochure section: stable key, printed title, first line, its prose (if any)."""

    key: str
    title: str
    line: int
    text: Optional[str] = None


@dataclass(frozen=True)
class Brochure:
    """Everything read from the brochure, each piece with its line number."""

    source: str
    line_count: int
    sections: Tuple[SectionInfo, ...]
    passages: Tuple[Located[Passage], ...]
    facts: Tuple[Fact, ...]
    mission: Tuple[Located[MissionItem], ...]
    principles: Tuple[Located[Principle], ...]
    preamble: Located[Preamble]
    vision: Located[Vision]
    bridge_lines: Tuple[Tuple[str, int], ...]
    policy_areas: Tuple[Located[PolicyArea], ...]
    history: Tuple[Located[HistoryEvent], ...]
    history_years: Tuple[Located[int], ...]
    leaders: Tuple[Located[Leader], ...]
    organisations: Tuple[Located[Organisation], ...]
    related: Tuple[Located[RelatedOrganisation], ...]
    contacts: Tuple[Located[Contact], ...]
    mascot: Located[Mascot]

    def section(self, key: str) -> SectionInfo:
        return next(s for s in self.sections if s.key == key)

    def fact(self, key: str) -> Fact:
        return next(f for f in self.facts if f.key == key)

    def years_without_events(self) -> List[int]:
        with_events = {e.item.year for e in self.history}
        return sorted(y.item for y in self.history_years if y.item not in with_events)


@dataclass(frozen=True)
class _Line:
    number: int
    raw: str
    marked: str  # OCR and quotes fixed, markup kept (history needs its <b> month markers)
    text: str  # fully cleaned

    @property
    def blank(self) -> bool:
        return not self.text.strip()


# Section anchors in document order: key, pattern the cleaned line must match,
# title when the line itself is not a good title.
_ANCHORS: Tuple[Tuple[str, str, Optional[str]], ...] = (
    ("cover", r"Japanese Trade Union Confederation \(JTUC-RENGO\)", None),
    ("access", r"Access Map", None),
    ("mascot", r"Official Mascot Character", None),
    ("slogan", r"# RENGO \d{4}-\d{4}", None),
    ("overview", r"# Protecting the employment and livelihoods of all working people", None),
    ("index", r"## INDEX", "Index"),
    ("president_message", r"## Message from the President", None),
    ("mission", r"## Mission", None),
    ("principles", r"## RENGO Principles", None),
    ("preamble", r"### Preamble \(excerpt\)", None),
    ("annual_actions", r"## Annual Actions", None),
    ("about", r'# "Hope-filled" and "Secure" Society', None),
    ("organisation_chart", r"## Organization Chart", None),
    ("vision", r"# A Secure Society Based on Work", None),
    ("action_policies", r"Action Policies \d{4}-\d{4}", None),
    ("history", r"Major Events in RENGO's History", None),
    ("leadership", r"Leadership", None),
    ("headquarter", r"Headquarter", None),
    ("affiliates", r"01\.\s+\S.*", "Affiliates"),
    ("associated", r"Associated Organizations", None),
    ("locals", r"## Locals", None),
    ("related_organisations", r"## Related Organizations", None),
)

_HEADING = re.compile(r"(#{1,6})\s+(.+)")
_BOLD_LINE = re.compile(r"\*\*(.+?)\*\*")
_URL = re.compile(r"https?://\S+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"A-Z])")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_POLICY_KINDS = {
    "priority area": "priority",
    "priority areas": "priority",
    "area for advancement": "advancement",
    "areas for advancement": "advancement",
}
_POLICY_KIND_LABEL = {"priority": "Priority Area", "advancement": "Area for Advancement"}

# Inside one month's text: where one event ends and the next begins.
_CUT_BEFORE_CONVENTION = re.compile(r"\S(\s+)RENGO held the \d+(?:st|nd|rd|th) Biennial Convention\b")
_CUT_AFTER_CONVENTION = re.compile(r"Biennial Convention(\s+)\S")
_CUT_AFTER_START = re.compile(r"\b(?:started|launched|established)(\s+)RENGO\b")
_LEADING_MONTH = re.compile(rf"({MONTH_SPAN})\s+(\S.*)", re.DOTALL)


def parse_brochure(path: Path) -> Brochure:
    """Read and check the brochure; raises :class:`ParseError` on anything unexpected."""
    text = path.read_text(encoding="utf-8")
    return _Parser(path.name, text.splitlines()).parse()


def _split_name(name: str) -> Optional[Tuple[str, str]]:
    """``Tomoko YOSHINO`` -> (``Yoshino``, ``Tomoko``): the brochure capitalises family names."""
    words = name.split()
    family = [w for w in words if w.isupper() and len(w) > 1]
    given = [w for w in words if not (w.isupper() and len(w) > 1)]
    if len(family) != 1 or not given:
        return None
    return family[0].capitalize(), " ".join(given)


def _stamp(event: HistoryEvent) -> str:
    """``January 1990``; ``July`` when the year was lost."""
    month = month_display(event.month) if event.month else ""
    return f"{month} {event.year}".strip() if event.year else month


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 0 < n <= len(_ORDINALS) else f"no. {n}"


def _chunk(paragraphs: Sequence[Tuple[int, str]], *, min_chars: int = 160, max_sentences: int = 4) -> List[Tuple[int, str]]:
    """Search passages of a few sentences: short paragraphs merged, long ones split."""
    merged: List[Tuple[int, str]] = []
    start: Optional[int] = None
    buffer: List[str] = []
    for line, text in paragraphs:
        start = line if start is None else start
        buffer.append(text)
        if sum(len(t) for t in buffer) >= min_chars:
            merged.append((start, " ".join(buffer)))
            start, buffer = None, []
    if buffer:
        if merged and sum(len(t) for t in buffer) < min_chars:
            line, text = merged.pop()
            merged.append((line, " ".join([text, *buffer])))
        else:
            merged.append((start if start is not None else 0, " ".join(buffer)))
    chunks: List[Tuple[int, str]] = []
    for line, text in merged:
        sentences = _SENTENCE_BREAK.split(text)
        groups = math.ceil(len(sentences) / max_sentences)
        size = math.ceil(len(sentences) / groups) if groups else 1
        for i in range(0, len(sentences), size):
            chunks.append((line, " ".join(sentences[i : i + size])))
    return chunks


@dataclass
class _BridgeDraft:
    key: str
    number: Optional[int]
    title: str
    line: int
    items: List[str] = field(default_factory=list)


@dataclass
class _AreaDraft:
    kind: str
    number: int
    title: str
    line: int
    items: List[str] = field(default_factory=list)
    sdgs: List[int] = field(default_factory=list)


@dataclass
class _RelatedDraft:
    name: str
    local_name: Optional[str]
    line: int
    url: Optional[str] = None
    text: List[str] = field(default_factory=list)


class _Parser:
    def __init__(self, source: str, raw_lines: Sequence[str]) -> None:
        self.source = source
        self.lines = [
            _Line(i, raw, clean_text(raw, keep_markup=True), clean_text(raw))
            for i, raw in enumerate(raw_lines, start=1)
        ]
        self.facts: Dict[str, Fact] = {}
        self.passages: List[Located[Passage]] = []
        self.section_text: Dict[str, str] = {}
        self.titles: Dict[str, str] = {}
        self.ranges: Dict[str, Tuple[int, int]] = {}  # section key -> (first line, last line)
        self.signer: Tuple[str, int] = ("", 0)  # who signed the president's message, and where

    # --- helpers -------------------------------------------------------------

    def error(self, section: str, line: Optional[int], message: str) -> ParseError:
        return ParseError(self.source, section, line, message)

    def span(self, section: str) -> List[_Line]:
        start, end = self.ranges[section]
        return self.lines[start - 1 : end]

    def body(self, section: str) -> List[_Line]:
        """The section's lines after its anchor line."""
        return self.span(section)[1:]

    def fact(self, key: str, value: str, section: str, line: int) -> None:
        self.facts[key] = Fact(key, value, section, line)

    def passage(self, section: str, text: str, line: int) -> None:
        self.passages.append(Located(Passage(section, text), line))

    def passages_from(self, section: str, paragraphs: Sequence[Tuple[int, str]], prefix: str = "") -> None:
        for n, (line, text) in enumerate(_chunk(paragraphs)):
            self.passage(section, f"{prefix}{text}" if n == 0 and prefix else text, line)

    @staticmethod
    def paragraphs(lines: Sequence[_Line]) -> List[Tuple[int, str]]:
        """Blank-line separated paragraphs, wrapped lines joined with a space."""
        out: List[Tuple[int, str]] = []
        start: Optional[int] = None
        buffer: List[str] = []
        for ln in [*lines, None]:
            if ln is None or ln.blank:
                if buffer:
                    out.append((start or 0, " ".join(buffer)))
                start, buffer = None, []
                continue
            start = ln.number if start is None else start
            buffer.append(ln.text)
        return out

    @staticmethod
    def heading(ln: _Line) -> Optional[Tuple[int, str]]:
        m = _HEADING.fullmatch(ln.text)
        return (len(m.group(1)), m.group(2).strip()) if m else None

    # --- driver --------------------------------------------------------------

    def parse(self) -> Brochure:
        self.locate_sections()
        contacts = self.access()
        self.cover()
        mascot = self.mascot()
        self.slogan()
        self.overview()
        self.president_message()
        mission = self.mission()
        principles = self.principles()
        preamble = self.preamble()
        self.about()
        self.organisation_chart()
        vision, bridge_lines = self.vision()
        policy_areas = self.action_policies()
        history, years = self.history()
        organisations = self.organisations()
        leaders = self.leadership({o.item.short_name for o in organisations})
        self.locals()
        related = self.related()
        self.cross_check(organisations, leaders)

        missing = [k for k in FACT_KEYS if k not in self.facts]
        if missing:  # every fact has its own parse step; this guards against new keys
            raise self.error("facts", None, f"facts not found: {', '.join(missing)}")
        sections = tuple(
            SectionInfo(key, self.titles[key], self.ranges[key][0], self.section_text.get(key))
            for key in self.ranges
        )
        return Brochure(
            source=self.source,
            line_count=len(self.lines),
            sections=sections,
            passages=tuple(self.passages),
            facts=tuple(self.facts[k] for k in FACT_KEYS),
            mission=mission,
            principles=principles,
            preamble=preamble,
            vision=vision,
            bridge_lines=bridge_lines,
            policy_areas=policy_areas,
            history=history,
            history_years=years,
            leaders=leaders,
            organisations=organisations,
            related=related,
            contacts=contacts,
            mascot=mascot,
        )

    def locate_sections(self) -> None:
        starts: List[Tuple[str, int]] = []
        position = 0
        for key, pattern, title in _ANCHORS:
            regex = re.compile(pattern)
            found = next(
                (ln for ln in self.lines[position:] if regex.fullmatch(ln.text.strip())), None
            )
            if found is None:
                after = starts[-1][1] if starts else 1
                raise self.error(key, after, f"could not find the heading matching {pattern!r} after line {after}")
            starts.append((key, found.number))
            position = found.number
            heading = self.heading(found)
            self.titles[key] = title or (heading[1] if heading else found.text.strip())
        for i, (key, start) in enumerate(starts):
            end = starts[i + 1][1] - 1 if i + 1 < len(starts) else len(self.lines)
            self.ranges[key] = (start, end)

    # --- cover, contacts, mascot, slogan, overview -----------------------------

    def cover(self) -> None:
        ln = self.span("cover")[0]
        self.fact("name", ln.text, "cover", ln.number)
        short = re.search(r"\(([^()]+)\)$", ln.text)
        if not short:
            raise self.error("cover", ln.number, "the name has no short form in parentheses")
        self.fact("short_name", short.group(1), "cover", ln.number)

    def access(self) -> Tuple[Located[Contact], ...]:
        contacts: List[Located[Contact]] = []
        lines = [ln for ln in self.body("access") if not ln.blank]
        i = 0
        while i < len(lines):
            ln = lines[i]
            address = re.fullmatch(r"Address\s+(.+)", ln.text)
            bold = _BOLD_LINE.fullmatch(ln.marked.strip())
            if address:
                contacts.append(self.contact("address", "Address", address.group(1), ln.number))
                self.fact("address", address.group(1), "access", ln.number)
            elif bold:
                label = clean_text(bold.group(1))
                if i + 1 >= len(lines) or not _URL.fullmatch(lines[i + 1].text):
                    raise self.error("access", ln.number, f"{label!r} is not followed by a URL")
                contacts.append(self.contact(self.contact_kind(label, ln.number), label, lines[i + 1].text, lines[i + 1].number))
                i += 1
            i += 1
        kinds = {c.item.kind for c in contacts}
        missing = [k for k in ("address", "website_ja", "website_en", "sns", "unibo") if k not in kinds]
        if missing:
            raise self.error("access", self.ranges["access"][0], f"contacts not found: {', '.join(missing)}")
        name = self.span("cover")[0].text
        described = "; ".join(f"{c.item.label}: {c.item.value}" for c in contacts)
        self.passage("access", f"{name} contacts and access. {described}", contacts[0].line)
        return tuple(contacts)

    def contact(self, kind: str, label: str, value: str, line: int) -> Located[Contact]:
        return Located(Contact(kind, label, value, f"{self.source}, line {line}"), line)

    def contact_kind(self, label: str, line: int) -> str:
        lowered = label.lower()
        if "website" in lowered and "japanese" in lowered:
            return "website_ja"
        if "website" in lowered and "english" in lowered:
            return "website_en"
        if "sns" in lowered:
            return "sns"
        if "unibo" in lowered:
            return "unibo"
        raise self.error("access", line, f"unknown kind of contact {label!r}")

    def mascot(self) -> Located[Mascot]:
        lines = [ln for ln in self.body("mascot") if not ln.blank]
        bold = _BOLD_LINE.fullmatch(lines[0].marked.strip()) if lines else None
        if not bold:
            raise self.error("mascot", self.ranges["mascot"][0], "the mascot's name (in bold) is missing")
        name = clean_text(bold.group(1))
        description = " ".join(ln.text for ln in lines[1:])
        if not description:
            raise self.error("mascot", lines[0].number, "the mascot has no description")
        self.section_text["mascot"] = description
        self.passage("mascot", f"Official mascot character {name}. {description}", lines[0].number)
        return Located(Mascot(name, description), lines[0].number)

    def slogan(self) -> None:
        lines = [ln for ln in self.body("slogan") if not ln.blank]
        if not lines:
            raise self.error("slogan", self.ranges["slogan"][0], "the slogan is missing")
        slogan = " ".join(ln.text for ln in lines)
        self.fact("slogan", slogan, "slogan", lines[0].number)
        self.section_text["slogan"] = slogan
        self.passage("slogan", f"{self.titles['slogan']} slogan: {slogan}", lines[0].number)

    def overview(self) -> None:
        body = self.body("overview")
        self.find_fact("overview", body, "founded", r"Formed in (\d{4}),")
        self.find_fact("overview", body, "national_centre", r"RENGO is the (Japanese National Center)")
        self.find_fact("overview", body, "membership", r"has (roughly [a-z ]+? million) members")
        self.find_fact("overview", body, "vision", r'aiming for "([^"]+)"', re.IGNORECASE)
        paragraphs = self.paragraphs(body)
        self.section_text["overview"] = "\n\n".join(t for _, t in paragraphs)
        self.passages_from("overview", paragraphs, prefix=f"{self.titles['overview']}. ")

    def find_fact(self, section: str, lines: Sequence[_Line], key: str, pattern: str, flags: int = 0) -> None:
        regex = re.compile(pattern, flags)
        for ln in lines:
            m = regex.search(ln.text)
            if m:
                self.fact(key, m.group(1), section, ln.number)
                return
        raise self.error(section, self.ranges[section][0], f"could not find the {key} (pattern {pattern!r})")

    # --- message, mission, principles, preamble ---------------------------------

    def president_message(self) -> None:
        paragraphs = self.paragraphs(self.body("president_message"))
        if len(paragraphs) < 2:
            raise self.error("president_message", self.ranges["president_message"][0], "the message is missing")
        signature = re.fullmatch(r"President, JTUC-RENGO (.+)", paragraphs[-1][1])
        if not signature:
            raise self.error("president_message", paragraphs[-1][0], "the message is not signed 'President, JTUC-RENGO <name>'")
        self.signer = (signature.group(1), paragraphs[-1][0])
        self.section_text["president_message"] = "\n\n".join(t for _, t in paragraphs)
        self.passages_from("president_message", paragraphs, prefix="Message from the President: ")

    def mission(self) -> Tuple[Located[MissionItem], ...]:
        items: List[Located[MissionItem]] = []
        for ln in self.body("mission"):
            if ln.blank:
                continue
            m = re.fullmatch(r"\*\*(\d+)\*\*\s*(.+)", ln.marked.strip())
            if not m:
                raise self.error("mission", ln.number, f"expected a numbered mission item '**N** text', found {ln.text[:60]!r}")
            number = int(m.group(1))
            if number != len(items) + 1:
                raise self.error("mission", ln.number, f"expected mission item {len(items) + 1}, found {number}")
            items.append(Located(MissionItem(number, clean_text(m.group(2))), ln.number))
        if len(items) != EXPECTED_MISSION_ITEMS:
            raise self.error("mission", self.ranges["mission"][0], f"expected {EXPECTED_MISSION_ITEMS} mission items, found {len(items)}")
        for it in items:
            self.passage("mission", f"RENGO Mission {it.item.number}: {it.item.text}", it.line)
        return tuple(items)

    def principles(self) -> Tuple[Located[Principle], ...]:
        drafts: List[Tuple[int, int, List[str]]] = []
        for ln in self.body("principles"):
            if ln.blank:
                continue
            heading = self.heading(ln)
            if heading:
                m = re.fullmatch(r"Article (\d+)", heading[1])
                if not m:
                    raise self.error("principles", ln.number, f"expected an 'Article N' heading, found {ln.text!r}")
                number = int(m.group(1))
                if number != len(drafts) + 1:
                    raise self.error("principles", ln.number, f"expected Article {len(drafts) + 1}, found Article {number}")
                drafts.append((number, ln.number, []))
            elif drafts:
                drafts[-1][2].append(ln.text)
            else:
                raise self.error("principles", ln.number, "text before the first article")
        articles = []
        for number, line, texts in drafts:
            if not texts:
                raise self.error("principles", line, f"Article {number} has no text")
            articles.append(Located(Principle(number, " ".join(texts)), line))
        if len(articles) != EXPECTED_ARTICLES:
            raise self.error("principles", self.ranges["principles"][0], f"expected {EXPECTED_ARTICLES} articles, found {len(articles)}")
        for a in articles:
            self.passage("principles", f"RENGO Principles, Article {a.item.article}: {a.item.text}", a.line)
        return tuple(articles)

    def preamble(self) -> Located[Preamble]:
        paragraphs = self.paragraphs(self.body("preamble"))
        established = re.fullmatch(r"\(Established (?:during|at|by) (?:the )?(.+?)\)", paragraphs[-1][1]) if paragraphs else None
        if not established or len(paragraphs) < 2:
            line = paragraphs[-1][0] if paragraphs else self.ranges["preamble"][0]
            raise self.error("preamble", line, "expected the preamble text followed by '(Established during ...)'")
        text = "\n\n".join(t for _, t in paragraphs[:-1])
        self.section_text["preamble"] = text
        self.passages_from("preamble", paragraphs, prefix="Preamble of the RENGO Principles: ")
        return Located(Preamble(text, established.group(1)), paragraphs[0][0])

    # --- about, organisation chart --------------------------------------------

    def about(self) -> None:
        body = self.body("about")
        subtitle = next((ln.text[2:] for ln in body if ln.text.startswith("- ")), "")
        paragraphs = self.paragraphs([ln for ln in body if not ln.text.startswith("- ")])
        if not paragraphs:
            raise self.error("about", self.ranges["about"][0], "the section has no text")
        self.section_text["about"] = "\n\n".join(t for _, t in paragraphs)
        prefix = f"{self.titles['about']} - {subtitle}. " if subtitle else f"{self.titles['about']}. "
        self.passages_from("about", paragraphs, prefix=prefix)

    def organisation_chart(self) -> None:
        body = self.body("organisation_chart")
        for ln in body:
            m = re.search(r"(three-layer structure) consisted of ([^.]+)\.", ln.text)
            if m:
                self.fact("structure", f"{m.group(1)}: {m.group(2)}", "organisation_chart", ln.number)
                break
        else:
            raise self.error("organisation_chart", self.ranges["organisation_chart"][0], "could not find the three-layer structure")
        self.find_fact("organisation_chart", body, "affiliates_count", r"(\d+) Industrial federations are affiliated", re.IGNORECASE)
        self.find_fact("organisation_chart", body, "locals_count", r"there are (\d+) RENGO locals", re.IGNORECASE)
        paragraphs = self.paragraphs(body)
        self.section_text["organisation_chart"] = "\n\n".join(t for _, t in paragraphs)
        self.passages_from("organisation_chart", paragraphs, prefix="Organization Chart: ")

    # --- vision ------------------------------------------------------------------

    def vision(self) -> Tuple[Located[Vision], Tuple[Tuple[str, int], ...]]:
        """Title, subtitle, intro, the five bridges and the foundation.

        A "Foundation" heading followed by its own title heading starts the
        foundation block; one followed directly by a bridge heading is a layout
        label from the printed page and is ignored.
        """
        start, end = self.ranges["vision"]
        lines = self.lines[start : self.ranges["action_policies"][0] - 1]
        subtitle: Optional[str] = None
        tagline: Optional[str] = None
        intro: List[_Line] = []
        bridges: List[_BridgeDraft] = []
        current: Optional[_BridgeDraft] = None
        prose_start: Optional[int] = None
        i = 0
        while i < len(lines):
            ln = lines[i]
            i += 1
            if ln.blank:
                continue
            heading = self.heading(ln)
            if heading:
                text = heading[1]
                bridge = re.fullmatch(r"Bridge\s+([IVX]+)\s+(.+)", text)
                if subtitle is None and text.startswith("- ") and not bridges:
                    subtitle = text[2:].strip()
                elif bridge:
                    if bridge.group(1) not in _ROMAN or any(b.key == bridge.group(1) for b in bridges):
                        raise self.error("vision", ln.number, f"unexpected or repeated bridge {bridge.group(1)!r}")
                    current = _BridgeDraft(bridge.group(1), _ROMAN[bridge.group(1)], bridge.group(2), ln.number)
                    bridges.append(current)
                elif text == "Foundation":
                    following = next((n for n in lines[i:] if not n.blank), None)
                    title = self.heading(following) if following else None
                    if title and not title[1].startswith("Bridge") and title[1] != "Foundation":
                        if any(b.key == "Foundation" for b in bridges):
                            raise self.error("vision", ln.number, "a second Foundation block")
                        current = _BridgeDraft("Foundation", None, title[1], ln.number)
                        bridges.append(current)
                        i = lines.index(following) + 1  # type: ignore[arg-type]
                    # else: a layout label with no title of its own; ignore it
                elif not bridges and tagline is None:
                    tagline = text
                else:
                    raise self.error("vision", ln.number, f"unexpected heading {ln.text!r}")
            elif ln.text.startswith("- "):
                if current is None:
                    raise self.error("vision", ln.number, "a bullet before any bridge heading")
                current.items.append(ln.text[2:].strip())
            elif bridges:
                prose_start = ln.number  # the action policies' untitled intro begins here
                break
            else:
                intro.append(ln)
        keys = tuple(sorted((b.key for b in bridges), key=lambda k: _ROMAN.get(k, 99)))
        if keys != EXPECTED_BRIDGES:
            raise self.error("vision", start, f"expected bridges {', '.join(EXPECTED_BRIDGES)}, found {', '.join(keys) or 'none'}")
        for b in bridges:
            if not b.items:
                raise self.error("vision", b.line, f"bridge {b.key} has no items")
        if subtitle is None or not intro:
            raise self.error("vision", start, "the subtitle or the introduction is missing")
        if prose_start is not None:
            self.ranges["vision"] = (start, prose_start - 1)
            self.ranges["action_policies"] = (prose_start, self.ranges["action_policies"][1])
        ordered = sorted(bridges, key=lambda b: _ROMAN.get(b.key, 99))
        intro_text = "\n\n".join(t for _, t in self.paragraphs(intro))
        vision = Vision(
            title=self.titles["vision"],
            subtitle=subtitle,
            intro=intro_text,
            bridges=tuple(Bridge(b.key, b.number, b.title, tuple(b.items)) for b in ordered),
        )
        self.section_text["vision"] = intro_text
        lead = f"{vision.title} - {subtitle}. " + (f"{tagline} " if tagline else "")
        self.passages_from("vision", self.paragraphs(intro), prefix=lead)
        for b in ordered:
            label = f"Bridge {b.key}" if b.number else "Foundation"
            self.passage("vision", f"{vision.title}, {label}: {b.title}: " + "; ".join(b.items), b.line)
        return Located(vision, start), tuple((b.key, b.line) for b in ordered)

    # --- action policies ---------------------------------------------------------------

    def action_policies(self) -> Tuple[Located[PolicyArea], ...]:
        lines = self.span("action_policies")
        first_kind = next((k for k, ln in enumerate(lines) if ln.text.lower() in _POLICY_KINDS), None)
        if first_kind is None:
            raise self.error("action_policies", self.ranges["action_policies"][0], "no 'Priority Area' heading")
        intro_lines = [ln for ln in lines[:first_kind] if not re.fullmatch(r"Action Policies \d{4}-\d{4}", ln.text)]
        paragraphs = []
        url: Optional[Tuple[str, int]] = None
        for line, text in self.paragraphs(intro_lines):
            m = re.search(r"\s*\(([^()]*?)(https?://[^\s()]+)\)\s*$", text)
            if m:
                url = (m.group(2), line)
                text = text[: m.start()].rstrip()
            paragraphs.append((line, text))
        if url is None:
            raise self.error("action_policies", self.ranges["action_policies"][0], "the link to the full text is missing")
        self.fact("action_policies_url", url[0], "action_policies", url[1])
        self.section_text["action_policies"] = "\n\n".join(t for _, t in paragraphs)
        self.passages_from("action_policies", paragraphs, prefix=f"{self.titles['action_policies']}: ")
        areas = self.policy_areas([ln for ln in lines[first_kind:] if not ln.blank])
        self.check_policy_counts(areas, paragraphs)
        for a in areas:
            p = a.item
            text = (
                f"{self.titles['action_policies']}, {_POLICY_KIND_LABEL[p.kind]} {p.number}: {p.title}. "
                + "; ".join(f"{n}. {item}" for n, item in enumerate(p.items, start=1))
                + ". Related Goals of SDGs: " + ", ".join(str(g) for g in p.sdgs) + "."
            )
            self.passage("action_policies", text, a.line)
        return areas

    def policy_areas(self, lines: List[_Line]) -> Tuple[Located[PolicyArea], ...]:
        """Areas as a small state machine over: kind headings, bare numbers, items, SDG numbers.

        After "Related Goals of SDGs" a bare number is a goal, unless the next
        line is a title: then it numbers the next area.
        """
        def is_title(ln: Optional[_Line]) -> bool:
            return bool(
                ln
                and not re.fullmatch(r"\d+", ln.text)
                and not re.match(r"\d+\.\s", ln.text)
                and ln.text.lower() not in _POLICY_KINDS
                and ln.text != "Related Goals of SDGs"
            )

        areas: List[_AreaDraft] = []
        kind: Optional[str] = None
        in_sdgs = False
        i = 0
        while i < len(lines):
            ln = lines[i]
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            i += 1
            item = re.fullmatch(r"(\d+)\.\s+(.+)", ln.text)
            if ln.text.lower() in _POLICY_KINDS:
                kind, in_sdgs = _POLICY_KINDS[ln.text.lower()], False
            elif ln.text == "Related Goals of SDGs":
                if not areas:
                    raise self.error("action_policies", ln.number, "SDGs before any area")
                in_sdgs = True
            elif re.fullmatch(r"\d+", ln.text):
                number = int(ln.text)
                if in_sdgs and not is_title(nxt):
                    if not 1 <= number <= 17:
                        raise self.error("action_policies", ln.number, f"{number} is not an SDG number")
                    areas[-1].sdgs.append(number)
                    continue
                if kind is None or not is_title(nxt):
                    raise self.error("action_policies", ln.number, f"area number {number} without a title")
                expected = sum(1 for a in areas if a.kind == kind) + 1
                if number != expected:
                    raise self.error("action_policies", ln.number, f"expected {_POLICY_KIND_LABEL[kind]} {expected}, found {number}")
                areas.append(_AreaDraft(kind, number, nxt.text, ln.number))  # type: ignore[union-attr]
                in_sdgs = False
                i += 1
            elif item and areas and not in_sdgs:
                if int(item.group(1)) != len(areas[-1].items) + 1:
                    raise self.error("action_policies", ln.number, f"expected item {len(areas[-1].items) + 1}, found {item.group(1)}")
                areas[-1].items.append(item.group(2))
            else:
                raise self.error("action_policies", ln.number, f"unexpected line {ln.text[:60]!r}")
        for a in areas:
            if not a.items or not a.sdgs:
                raise self.error("action_policies", a.line, f"{_POLICY_KIND_LABEL[a.kind]} {a.number} lacks items or SDGs")
        return tuple(Located(PolicyArea(a.kind, a.number, a.title, tuple(a.items), tuple(a.sdgs)), a.line) for a in areas)

    def check_policy_counts(self, areas: Sequence[Located[PolicyArea]], intro: Sequence[Tuple[int, str]]) -> None:
        counts = {kind: sum(1 for a in areas if a.item.kind == kind) for kind in EXPECTED_POLICY_AREAS}
        if counts != EXPECTED_POLICY_AREAS:
            raise self.error("action_policies", self.ranges["action_policies"][0], f"expected {EXPECTED_POLICY_AREAS}, found {counts}")
        for line, text in intro:  # the intro says how many areas there are; hold it to that
            m = re.search(r'into (\w+) "Priority Areas" and (\w+) "Areas for Advancement"', text)
            if m and (_NUMBER_WORDS.get(m.group(1)), _NUMBER_WORDS.get(m.group(2))) != (counts["priority"], counts["advancement"]):
                raise self.error("action_policies", line, f"the introduction announces {m.group(1)} and {m.group(2)} areas, found {counts}")

    # --- history -------------------------------------------------------------------------

    def history(self) -> Tuple[Tuple[Located[HistoryEvent], ...], Tuple[Located[int], ...]]:
        """Rebuild the flattened three-column table.

        Each row is ``year, text, year, text, year, text`` but cells are
        shifted. Walking the cells: a 4-digit year opens a cell, the first text
        after it belongs to that year, and a text with no open year cannot be
        placed: its events are kept with ``year=None`` and a note. A year that
        never gets a text is listed without events.
        """
        events: List[Located[HistoryEvent]] = []
        years: List[Located[int]] = []
        row = 0
        for ln in self.body("history"):
            if ln.blank:
                continue
            if "\t" not in ln.raw:
                raise self.error("history", ln.number, f"expected a tab-separated table row, found {ln.text[:60]!r}")
            row += 1
            cells = [c.strip() for c in ln.marked.split("\t")]
            open_year: Optional[int] = None
            last_year: Optional[int] = None
            for index, cell in enumerate(cells):
                if not cell:
                    continue
                if re.fullmatch(r"\d+", cell):
                    if not re.fullmatch(r"(19|20)\d\d", cell):
                        raise self.error("history", ln.number, f"{cell!r} is not a year")
                    if any(y.item == int(cell) for y in years):
                        raise self.error("history", ln.number, f"year {cell} appears twice")
                    open_year = last_year = int(cell)
                    years.append(Located(open_year, ln.number))
                    continue
                note = None
                year = open_year
                if open_year is None:
                    next_year = next((c for c in cells[index + 1 :] if re.fullmatch(r"\d{4}", c)), None)
                    note = (
                        f"This text was in the {_ordinal(row)} row of the history table (line {ln.number}) "
                        f"in a cell with no year of its own"
                        + (f", after the {last_year} cell's text" if last_year else "")
                        + (f" and before the {next_year} cell" if next_year else "")
                        + ". The year was lost when the table's columns were flattened, "
                        "so it is not assigned to any year."
                    )
                open_year = None
                for month, text in self.split_events(cell, ln.number):
                    events.append(Located(HistoryEvent(year, month, text, note), ln.number))
        placed = sum(1 for e in events if e.item.year is not None)
        if placed < MIN_HISTORY_EVENTS:
            raise self.error("history", self.ranges["history"][0], f"expected at least {MIN_HISTORY_EVENTS} events, found {placed}")
        self.history_passages(events)
        return tuple(events), tuple(years)

    def split_events(self, cell: str, line: int) -> List[Tuple[Optional[str], str]]:
        """One cell's text -> (month, event) pairs, split at month markers and known joins."""
        pieces = re.split(r"<b>(.*?)</b>", cell, flags=re.IGNORECASE)
        segments: List[Tuple[Optional[str], str]] = []
        lead = pieces[0].strip()
        if lead:
            m = _LEADING_MONTH.fullmatch(lead)
            word = m.group(1) if m else ""
            is_month = bool(m) and is_month_span(word) and all(
                p.endswith(".") or p.rstrip(".").capitalize() in MONTHS for p in re.split(r"\s*-\s*", word)
            )
            segments.append((normalise_month(word), m.group(2)) if is_month and m else (None, lead))
        for i in range(1, len(pieces), 2):
            label = clean_text(pieces[i])
            body = pieces[i + 1].strip() if i + 1 < len(pieces) else ""
            if not is_month_span(label):
                raise self.error("history", line, f"bold marker {label!r} is not a month")
            if not body:
                raise self.error("history", line, f"no event after the month {label!r}")
            segments.append((normalise_month(label), body))
        events: List[Tuple[Optional[str], str]] = []
        for month, body in segments:
            cuts = sorted(
                {m.start(1) for regex in (_CUT_BEFORE_CONVENTION, _CUT_AFTER_CONVENTION, _CUT_AFTER_START) for m in regex.finditer(body)}
            )
            for a, b in zip([0, *cuts], [*cuts, len(body)]):
                text = clean_text(body[a:b])
                if text:
                    events.append((month, text))
        return events

    def history_passages(self, events: Sequence[Located[HistoryEvent]]) -> None:
        by_year: Dict[Optional[int], List[Located[HistoryEvent]]] = {}
        for e in events:
            by_year.setdefault(e.item.year, []).append(e)
        title = self.titles["history"]
        for year in sorted(by_year, key=lambda y: (y is None, y or 0)):
            group = by_year[year]
            described = "; ".join(
                (f"{_stamp(e.item)}: {e.item.text}" if e.item.month else e.item.text) for e in group
            )
            prefix = f"{title}, {year}: " if year else f"{title}, year unknown (lost when the table was flattened): "
            self.passage("history", prefix + described, group[0].line)

    # --- leadership ------------------------------------------------------------------

    def leadership(self, affiliates: set) -> Tuple[Located[Leader], ...]:
        leaders: List[Located[Leader]] = []
        headings: Dict[str, int] = {}
        lines = [ln for ln in self.body("leadership") if not ln.blank]
        role: Optional[str] = None

        def add(name: str, role: str, affiliate: str, line: int) -> None:
            split = _split_name(name)
            if split is None:
                raise self.error("leadership", line, f"cannot tell family from given name in {name!r}")
            if re.search(r"SECRETARIAT$", affiliate, re.IGNORECASE):
                affiliate = SECRETARIAT
            elif affiliate not in affiliates:
                raise self.error("leadership", line, f"{name}'s organisation {affiliate!r} is not a listed affiliate")
            leaders.append(Located(Leader(name, split[0], split[1], role, affiliate, len(leaders) + 1), line))

        i = 0
        while i < len(lines):
            ln = lines[i]
            i += 1
            bold = _BOLD_LINE.fullmatch(ln.marked.strip())
            if bold:  # a featured leader: bold name, role line, affiliate line
                if i + 1 >= len(lines):
                    raise self.error("leadership", ln.number, "a name without role and organisation")
                add(clean_text(bold.group(1)), lines[i].text, lines[i + 1].text, ln.number)
                headings.setdefault(lines[i].text, ln.number)
                i += 2
            elif "\t" in ln.raw:
                cells = [clean_text(c) for c in ln.raw.split("\t")]
                if all(re.fullmatch(r"-*", c) for c in cells):
                    continue  # markdown table rule
                if role is None or len(cells) % 2:
                    raise self.error("leadership", ln.number, "a table row outside a role group or with an odd number of cells")
                for name, affiliate in zip(cells[::2], cells[1::2]):
                    if name and affiliate:
                        add(name, role, affiliate, ln.number)
                    elif name or affiliate:
                        raise self.error("leadership", ln.number, f"a name without organisation (or the reverse): {name or affiliate!r}")
            elif singular_role(ln.text) in EXPECTED_LEADERS:
                role = singular_role(ln.text)
                headings[role] = ln.number
            else:
                raise self.error("leadership", ln.number, f"unexpected line {ln.text[:60]!r}")
        for expected_role, count in EXPECTED_LEADERS.items():
            found = sum(1 for l in leaders if l.item.role == expected_role)
            if found != count:
                line = headings.get(expected_role, self.ranges["leadership"][0])
                raise self.error("leadership", line, f"expected {count} {expected_role}(s), found {found}")
        president = next(l for l in leaders if l.item.role == "President")
        self.fact("president", president.item.name, "leadership", president.line)
        for role_name in EXPECTED_LEADERS:
            group = [l for l in leaders if l.item.role == role_name]
            label = plural_role(role_name, len(group))
            described = ", ".join(f"{l.item.name} ({l.item.affiliate})" for l in group)
            self.passage("leadership", f"RENGO Leadership, {label}: {described}", group[0].line)
        return tuple(leaders)

    # --- affiliates and associated organisations -------------------------------------

    def organisations(self) -> Tuple[Located[Organisation], ...]:
        drafts: List[Tuple[int, str, str, Optional[str], str, int]] = []
        as_of: Optional[str] = None
        for category, section in (("affiliate", "affiliates"), ("associated", "associated")):
            lines = [ln for ln in self.span(section) if not ln.blank]
            if section == "associated":
                lines = lines[1:]  # the "Associated Organizations" heading
            i = 0
            while i < len(lines):
                ln = lines[i]
                i += 1
                date = re.fullmatch(r"as of (.+)", ln.text, re.IGNORECASE)
                if date:
                    as_of = date.group(1)
                    continue
                expected = len(drafts) + 1
                entry = re.fullmatch(r"(\d{1,3})\.\s+(\S.*)", ln.text)
                if not entry:
                    raise self.error(section, ln.number, f"expected entry {expected:02d} ('{expected:02d}. NAME'), found {ln.text[:60]!r}")
                if int(entry.group(1)) != expected:
                    raise self.error(section, ln.number, f"expected entry {expected:02d}, found {entry.group(1)}: numbers must run from 01 without gaps")
                name_line = lines[i] if i < len(lines) else None
                if name_line is None or re.match(r"\d{1,3}\.\s|as of ", name_line.text, re.IGNORECASE):
                    raise self.error(section, ln.number, f"entry {entry.group(1)} has no full name")
                i += 1
                full = re.fullmatch(r"(.*\S)\s*\(([A-Z]{2,})\)", name_line.text)
                full_name, acronym = (full.group(1), full.group(2)) if full else (name_line.text, None)
                drafts.append((expected, entry.group(2), full_name, acronym, category, ln.number))
        organisations = tuple(
            Located(Organisation(n, short, full, acronym, category, as_of), line)
            for n, short, full, acronym, category, line in drafts
        )
        for category, count in EXPECTED_ORGANISATIONS.items():
            found = sum(1 for o in organisations if o.item.category == category)
            if found != count:
                section = "affiliates" if category == "affiliate" else "associated"
                raise self.error(section, self.ranges[section][0], f"expected {count} {category} organisations, found {found}")
        for o in organisations:
            org = o.item
            kind = "affiliated organisation" if org.category == "affiliate" else "associated organisation"
            acronym = f" ({org.acronym})" if org.acronym else ""
            self.passage(
                "affiliates" if org.category == "affiliate" else "associated",
                f"{org.short_name}: {org.full_name}{acronym}, RENGO {kind} no. {org.number:02d}"
                + (f" (as of {org.as_of})" if org.as_of else ""),
                o.line,
            )
        return organisations

    # --- locals, related organisations ----------------------------------------------

    def locals(self) -> None:
        body = [ln for ln in self.body("locals") if not ln.blank]
        for ln in body:
            m = re.search(r"(\d+) Locals in (\d+) Prefectures", ln.text)
            if m:
                if m.group(1) != self.facts["locals_count"].value:
                    raise self.error("locals", ln.number, f"{m.group(1)} locals here, {self.facts['locals_count'].value} in the organisation chart")
                text = self.heading(ln)[1] if self.heading(ln) else ln.text  # type: ignore[index]
                self.section_text["locals"] = text
                self.passage("locals", f"RENGO Locals: {text}, one RENGO local in each prefecture", ln.number)
                return
        raise self.error("locals", self.ranges["locals"][0], "the number of locals is missing")

    def related(self) -> Tuple[Located[RelatedOrganisation], ...]:
        """``#### Name`` blocks, an optional ``### local name`` above, ``<English> url``, then prose."""
        drafts: List[_RelatedDraft] = []
        local_name: Optional[str] = None
        for ln in self.body("related_organisations"):
            if ln.blank:
                continue
            heading = self.heading(ln)
            link = re.fullmatch(r"<English>\s*(https?://\S+)", ln.text)
            if heading and heading[0] <= 3:
                local_name = heading[1]  # e.g. 連合総研 above RENGO-RIALS
            elif heading:
                drafts.append(_RelatedDraft(heading[1], local_name, ln.number))
                local_name = None
            elif not drafts:
                raise self.error("related_organisations", ln.number, "text before the first organisation heading")
            elif link:
                drafts[-1].url = link.group(1)
            else:
                drafts[-1].text.append(ln.text)
        if not drafts:
            raise self.error("related_organisations", self.ranges["related_organisations"][0], "no organisations found")
        founded_pattern = re.compile(
            rf"\b(?:started|established|founded)(?: by RENGO)? in ((?:(?:{'|'.join(MONTHS)}) )?\d{{4}})"
        )
        related = []
        for d in drafts:
            description = " ".join(d.text)
            if not description:
                raise self.error("related_organisations", d.line, f"{d.name} has no description")
            founded = founded_pattern.search(description)
            org = RelatedOrganisation(
                name=d.name,
                local_name=d.local_name,
                full_name=_full_name(d.name, description),
                description=description,
                founded=founded.group(1) if founded else None,
                url=d.url,
            )
            related.append(Located(org, d.line))
            local = f" ({org.local_name})" if org.local_name else ""
            self.passage("related_organisations", f"RENGO related organisation {org.name}{local}: {description}", d.line)
        return tuple(related)

    # --- checks across sections --------------------------------------------------

    def cross_check(self, organisations: Sequence[Located[Organisation]], leaders: Sequence[Located[Leader]]) -> None:
        count = self.facts["affiliates_count"]
        if int(count.value) != len(organisations):
            raise self.error("affiliates", self.ranges["affiliates"][0], f"the organisation chart (line {count.line}) says {count.value} federations, the list has {len(organisations)}")
        signer, line = self.signer
        president = self.facts["president"]
        if name_key(signer) != name_key(president.value):
            raise self.error("president_message", line, f"signed by {signer!r} but the President is {president.value!r}")


def _full_name(name: str, description: str) -> Optional[str]:
    """The organisation's full name from the first words of its description."""
    stands = re.match(r".+? stands for (?:the )?(.+?),", description)
    m = stands or re.match(r"(?:The\s+)?(.+?)(?=,|\s+(?:was|is|are)\b)", description)
    if not m:
        return None
    full = re.sub(r"\s*\(([A-Z]{2,})\)$", r" (\1)", m.group(1).strip())
    if full.lower() in (name.lower(), f"{name.lower()}s"):
        return None  # "Labour Banks, started in 1950" is not a fuller name
    return full

