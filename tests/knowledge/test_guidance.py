"""First guidance and urgent resources: complete, sourced, routed, and checked by the build."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, List
from urllib.parse import urlparse

import pytest
import yaml

from knowledge import config
from knowledge.build import build
from knowledge.ingest import ParseError
from knowledge.queries import KnowledgeBase

TOPICS = [
    "unpaid_wages", "working_hours", "paid_leave", "dismissal", "harassment", "non_regular",
    "safety_injury", "insurance", "union", "freelance", "foreign_workers",
]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
OFFICIAL_HOSTS = {"laws.e-gov.go.jp", "www.mhlw.go.jp"}


def quiet(message: str) -> None:
    pass


# --- what the knowledge base hands out ----------------------------------------------------


def test_every_topic_is_present_in_order(kb: KnowledgeBase) -> None:
    assert [t.key for t in kb.guidance_topics()] == TOPICS
    assert kb.guidance("dismissal").title_ja == "解雇・雇止め・退職強要"
    assert kb.guidance("no_such_topic") is None


def test_every_statement_is_bilingual_and_names_basis_and_official_source(kb: KnowledgeBase) -> None:
    for topic in kb.guidance_topics():
        assert topic.title and JAPANESE.search(topic.title_ja), topic.key
        assert 2 <= len(topic.statements) <= 4, topic.key
        for statement in topic.statements:
            assert statement.text and not JAPANESE.search(statement.text), statement
            assert JAPANESE.search(statement.text_ja), statement
            assert re.search(r"\b(Act|Constitution)\b", statement.basis), statement
            source = urlparse(statement.source)
            assert source.scheme in ("http", "https") and source.netloc in OFFICIAL_HOSTS, statement
            if source.netloc == "laws.e-gov.go.jp" and source.path in ("", "/"):
                assert "Act No." in statement.basis, f"e-Gov search top needs the law's number: {statement}"


def test_key_rules_are_stated_with_their_articles(kb: KnowledgeBase) -> None:
    bases = {topic.key: [s.basis for s in topic.statements] for topic in kb.guidance_topics()}
    assert "Labour Standards Act, Article 24" in bases["unpaid_wages"]
    assert "Labour Standards Act, Article 32" in bases["working_hours"]
    assert "Labour Contract Act, Article 16" in bases["dismissal"]
    assert "Labour Standards Act, Article 3" in bases["foreign_workers"]
    overtime = next(s for s in kb.guidance("unpaid_wages").statements if s.basis.startswith("Labour Standards Act, Article 37"))
    assert "25%" in overtime.text and "25%" in overtime.text_ja
    assert overtime.source == "https://laws.e-gov.go.jp/law/322AC0000000049"


def test_routes_are_known_consultation_routes(kb: KnowledgeBase) -> None:
    known = {r.key for r in kb.consultation_routes()}
    for topic in kb.guidance_topics():
        assert topic.routes and set(topic.routes) <= known, topic.key
        assert len(set(topic.routes)) == len(topic.routes), topic.key


def test_freelancers_are_sent_to_wor_q_first(kb: KnowledgeBase) -> None:
    assert kb.guidance("freelance").routes[0] == "wor_q"


def test_urgent_resources_put_110_and_119_first(kb: KnowledgeBase) -> None:
    resources = kb.urgent_resources()
    assert [(r.phone, r.kind) for r in resources[:2]] == [("110", "emergency"), ("119", "emergency")]
    kinds = [r.kind for r in resources]
    assert kinds == sorted(kinds, key=lambda k: k != "emergency") and "mental_health" in kinds
    phones = {r.key: r.phone for r in resources}
    assert phones["yorisoi_hotline"] == "0120-279-338" and phones["inochi_no_denwa"] == "0570-783-556"
    assert {r.url for r in resources} >= {"https://www.mhlw.go.jp/mamorouyokokoro/", "https://kokoro.mhlw.go.jp/"}
    for r in resources:
        assert r.source.startswith(("https://", "http://")) and r.url.startswith(("https://", "http://")), r
        assert r.phone is None or isinstance(r.phone, str), r
        assert JAPANESE.search(r.name_ja) and JAPANESE.search(r.what_ja), r


def test_every_curated_statement_records_its_review(tmp_path: Path) -> None:
    data = yaml.safe_load((config.curated_dir() / "guidance.yml").read_text(encoding="utf-8"))
    statements = [s for topic in data["topics"] for s in topic["statements"]]
    messages: List[str] = []
    build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", log=messages.append)
    unreviewed = sum(1 for s in statements if s["reviewed"] is False)
    assert f"guidance: {len(data['topics'])} topics, {len(statements)} statements ({unreviewed} not yet reviewed)" in messages
    assert "urgent resources: 6 (2 emergency + 4 mental health)" in messages


# --- what the build refuses ----------------------------------------------------------------

Edit = Callable[[str], str]


def _line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def _replace_once(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


@pytest.mark.parametrize(
    "edit, marker, words",
    [
        (
            _replace_once("        basis: Labour Standards Act, Article 24\n", ""),
            "- text: >-",
            "topic 'unpaid_wages', statement 1: missing fields ['basis']",
        ),
        (
            _replace_once("        source: https://laws.e-gov.go.jp/law/419AC0000000128", "        source: my notes"),
            "source: my notes",
            "topic 'dismissal', statement 1: source must be a public http(s) URL",
        ),
        (
            _replace_once("    routes: [wor_q, hotline, line, unibo]", "    routes: [wor_q, helpdesk]"),
            "routes: [wor_q, helpdesk]",
            "topic 'freelance': unknown routes ['helpdesk']",
        ),
        (
            _replace_once("        reviewed: false\n", "        reviewed: maybe\n"),
            "reviewed: maybe",
            "topic 'unpaid_wages', statement 1: reviewed must be true or false",
        ),
        (
            _replace_once("  - key: paid_leave", "  - key: working_hours"),
            "- key: working_hours",
            "topic 'working_hours' appears twice",
        ),
    ],
)
def test_malformed_guidance_fails_naming_file_section_and_line(
    tmp_path: Path, curated_copy: Path, edit: Edit, marker: str, words: str
) -> None:
    path = curated_copy / "guidance.yml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    occurrence = 2 if words.endswith("appears twice") else 1
    line = _line_of(path, marker, occurrence)
    with pytest.raises(ParseError) as caught:
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)
    assert (caught.value.source, caught.value.section, caught.value.line) == ("guidance.yml", "topics", line)
    assert str(caught.value).startswith(f"guidance.yml: could not parse section 'topics' at line {line}: ")
    assert words in str(caught.value)
    assert not (tmp_path / "kb.sqlite3").exists()


def test_topic_with_a_single_statement_is_rejected(tmp_path: Path, curated_copy: Path) -> None:
    path = curated_copy / "guidance.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["topics"][7]["statements"] = data["topics"][7]["statements"][:1]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParseError, match="topic 'insurance' has 1 statements; give 2 to 4") as caught:
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)
    assert caught.value.line == _line_of(path, "statements:", 8)


def test_urgent_phone_must_be_a_quoted_string(tmp_path: Path, curated_copy: Path) -> None:
    path = curated_copy / "urgent.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('phone: "119"', "phone: 119"), encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)
    assert (caught.value.source, caught.value.section) == ("urgent.yml", "resources")
    assert caught.value.line == _line_of(path, "phone: 119")
    assert 'quoted string ("119")' in str(caught.value)


def test_editing_the_guidance_triggers_a_rebuild(tmp_path: Path, curated_copy: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    assert not build(url, curated_dir=curated_copy, log=quiet).skipped
    assert build(url, curated_dir=curated_copy, log=quiet).skipped
    path = curated_copy / "guidance.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("within the year.", "within the year of grant."), encoding="utf-8")
    assert not build(url, curated_dir=curated_copy, log=quiet).skipped
    statement = KnowledgeBase.from_url(url).guidance("paid_leave").statements[3]
    assert statement.text.endswith("within the year of grant.")
