"""The build: progress, idempotence, atomic replacement and clear failures."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, List

import pytest
import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from knowledge import config
from knowledge.build import build, database_digest
from knowledge.ingest import ParseError
from knowledge.ingest.brochure import BROCHURE_FILE
from knowledge.queries import KnowledgeBase, KnowledgeBaseMissing
from knowledge.schema import BuildSource

REPO = config.repo_root()
Edit = Callable[[List[str]], List[str]]


def replace_line(number: int, old: str, new: str) -> Edit:
    """Change text on one (1-based) line, checking it was there."""

    def edit(lines: List[str]) -> List[str]:
        assert old in lines[number - 1], f"line {number} does not contain {old!r}"
        lines[number - 1] = lines[number - 1].replace(old, new)
        return lines

    return edit


def delete_line(number: int, expected: str) -> Edit:
    def edit(lines: List[str]) -> List[str]:
        assert expected in lines[number - 1], f"line {number} does not contain {expected!r}"
        del lines[number - 1]
        return lines

    return edit


def quiet(message: str) -> None:
    pass


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != config.URL_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "knowledge.build", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )


def test_build_reports_one_line_per_stage(tmp_path: Path) -> None:
    messages: List[str] = []
    report = build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", log=messages.append)
    assert not report.skipped
    assert messages[0] == f"parsing {BROCHURE_FILE} (865 lines)"
    for expected in (
        "mission: 5 items",
        "principles: 7 articles + preamble",
        "vision: 5 bridges + foundation",
        "action policies: 3 priority areas + 4 areas for advancement",
        "history: 64 events, 2 without a year, 9 years listed without events",
        "leadership: 1 President, 1 General Secretary, 2 Deputy Presidents, 15 Vice Presidents, "
        "6 Assistant General Secretaries",
        "affiliates: 47 (45 affiliates + 2 associated)",
        "locals: 47",
        "consultation routes: 5",
        "japanese names: 158 (3 not yet verified)",
    ):
        assert expected in messages
    assert report.counts["organisations"] == 47 and report.counts["leaders"] == 25
    assert report.counts["japanese_names"] == 158


def test_second_build_skips_and_forced_rebuild_gives_identical_content(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite3"
    url = f"sqlite:///{path}"
    first = build(url, log=quiet)
    digest = database_digest(url)
    inode = path.stat().st_ino

    messages: List[str] = []
    second = build(url, log=messages.append)
    assert second.skipped and second.fingerprint == first.fingerprint
    assert messages == [f"up to date: {url} was built from these sources (use --force to rebuild)"]
    assert path.stat().st_ino == inode  # not even rewritten

    forced = build(url, force=True, log=quiet)
    assert not forced.skipped and forced.counts == first.counts
    assert database_digest(url) == digest
    assert path.stat().st_ino != inode  # replaced by rename, not edited in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb.sqlite3"]  # no temporary file left


def test_changed_source_is_rebuilt(tmp_path: Path, edited_sources) -> None:
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    sources = edited_sources(lambda lines: lines)
    assert not build(url, sources_dir=sources, log=quiet).skipped
    assert build(url, sources_dir=sources, log=quiet).skipped
    edited_sources(replace_line(8, "JAPAN", "JAPAN "))
    assert not build(url, sources_dir=sources, log=quiet).skipped


def test_records_the_sha256_of_each_source(kb_url: str) -> None:
    expected = {
        BROCHURE_FILE: config.sources_dir() / BROCHURE_FILE,
        "locals.yml": config.curated_dir() / "locals.yml",
        "consultation.yml": config.curated_dir() / "consultation.yml",
        "guidance.yml": config.curated_dir() / "guidance.yml",
        "urgent.yml": config.curated_dir() / "urgent.yml",
        "names_ja.yml": config.curated_dir() / "names_ja.yml",
        "cities.yml": config.curated_dir() / "cities.yml",
    }
    engine = create_engine(kb_url, future=True)
    with Session(engine) as s:
        stored = {row.name: row.sha256 for row in s.scalars(select(BuildSource))}
    engine.dispose()
    assert stored == {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in expected.items()}


@pytest.mark.parametrize(
    "edit, section, line, words",
    [
        (replace_line(645, "19. KOKU RENGU", "KOKU RENGU"), "affiliates", 645, "expected entry 19"),
        (delete_line(645, "19. KOKU RENGU"), "affiliates", 646, "expected entry 19 ('19. NAME'), found 'Japan Federation"),
        (replace_line(793, "46. NIKKENKYO", "47. NIKKENKYO"), "associated", 793, "expected entry 46, found 47"),
        (replace_line(136, "### Article 6", "### Artcle 6"), "principles", 136, "Article N"),
        (replace_line(108, "**3**", "**4**"), "mission", 108, "expected mission item 3"),
        (delete_line(521, "Tsukasa TAKIMOTO"), "leadership", 512, "expected 15 Vice President(s), found 14"),
        (replace_line(474, "<b>March</b>", "<b>Marhc</b>"), "history", 474, "'Marhc' is not a month"),
        (replace_line(231, "#### Bridge V ", "#### Bridge III "), "vision", 231, "repeated bridge 'III'"),
        (replace_line(278, "16", "61"), "action_policies", 278, "61 is not an SDG number"),
    ],
)
def test_corrupted_source_fails_naming_section_and_line(
    tmp_path: Path, edited_sources, edit: Edit, section: str, line: int, words: str
) -> None:
    sources = edited_sources(edit)
    with pytest.raises(ParseError) as caught:
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", sources_dir=sources, log=quiet)
    assert (caught.value.section, caught.value.line) == (section, line)
    assert words in str(caught.value)
    assert f"section '{section}' at line {line}" in str(caught.value)
    assert not (tmp_path / "kb.sqlite3").exists()


def test_failed_build_leaves_the_previous_database_untouched(tmp_path: Path, edited_sources) -> None:
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    build(url, log=quiet)
    digest = database_digest(url)
    broken = edited_sources(replace_line(645, "19. KOKU RENGU", "KOKU RENGU"))
    with pytest.raises(ParseError):
        build(url, sources_dir=broken, force=True, log=quiet)
    assert database_digest(url) == digest


def test_cli_fails_with_one_clear_line_and_no_traceback(tmp_path: Path, edited_sources) -> None:
    broken = edited_sources(replace_line(645, "19. KOKU RENGU", "KOKU RENGU"))
    result = run_cli("--url", f"sqlite:///{tmp_path / 'kb.sqlite3'}", "--sources", str(broken))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {BROCHURE_FILE}: could not parse section 'affiliates' at line 645: "
        "expected entry 19 ('19. NAME'), found 'KOKU RENGO'"
    )


def test_cli_builds_then_skips(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    first = run_cli("--url", url)
    assert first.returncode == 0, first.stderr
    assert "affiliates: 47 (45 affiliates + 2 associated)" in first.stderr
    second = run_cli("--url", url)
    assert second.returncode == 0 and "up to date" in second.stderr
    assert "parsing" not in second.stderr


def test_invalid_curated_entry_names_file_and_line(tmp_path: Path, curated_copy: Path) -> None:
    path = curated_copy / "locals.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('code: "13"', 'code: "31"'), encoding="utf-8")
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if 'code: "31"' in l)
    with pytest.raises(ParseError) as caught:
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)
    assert caught.value.source == "locals.yml" and caught.value.line == line
    assert "expected JIS code 13, found 31" in str(caught.value)


def test_route_without_public_source_is_rejected(tmp_path: Path, curated_copy: Path) -> None:
    path = curated_copy / "consultation.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["routes"][1]["source"] = "my notes"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParseError, match="source must be a public URL"):
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENGO_KB_URL", "postgresql://kb@db/rengo")
    assert config.database_url() == "postgresql://kb@db/rengo"
    monkeypatch.delenv("RENGO_KB_URL")
    assert config.database_url() == f"sqlite:///{REPO / 'build' / 'knowledge.sqlite3'}"


def test_opening_a_missing_database_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseMissing, match="python -m knowledge.build"):
        KnowledgeBase.from_url(f"sqlite:///{tmp_path / 'absent.sqlite3'}")
    assert not (tmp_path / "absent.sqlite3").exists()


def test_importing_the_package_opens_nothing() -> None:
    code = (
        "import sys, knowledge, knowledge.records, knowledge.normalize, knowledge.search;"
        "print('sqlalchemy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


# --- curated/names_ja.yml ---------------------------------------------------------------


def _edit_names(curated_copy: Path, old: str, new: str) -> int:
    """Replace ``old`` (once) in the copy of names_ja.yml; the 1-based line of the change."""
    path = curated_copy / "names_ja.yml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_japanese_names_are_loaded(kb: KnowledgeBase) -> None:
    counts = {kind: len(kb.japanese_names(kind)) for kind in
              ("rengo", "affiliate", "related", "role", "person", "prefecture", "city")}
    assert counts == {"rengo": 1, "affiliate": 47, "related": 7, "role": 5, "person": 18,
                      "prefecture": 47, "city": 33}


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("  - key: DENKI RENGO\n", "  - key: DENKI RENGOO\n", "'DENKI RENGOO' is no affiliate of the brochure"),
        ("  - key: Tomoko YOSHINO\n", "  - key: Tomoko YOSHIDA\n", "'Tomoko YOSHIDA' is no leader of the brochure"),
        ("  - key: President\n", "  - key: Chairman\n", "'Chairman' is no role of the brochure's leadership"),
        ("{key: Osaka, ja: 大阪府,", "{key: Osaka, ja: 大坂府,", "differs from locals.yml's '大阪府'"),
        ("{key: Nagoya, ja: 名古屋市,", "{key: Nagoya City, ja: 名古屋市,", "'Nagoya City' is no city of cities.yml"),
        ("    ja_short: 自動車総連\n", "    ja_short: 電機連合\n", "'電機連合' names both affiliate 'JIDOSHA SOREN' and affiliate 'DENKI RENGO'"),
        ("    reading: じどうしゃそうれん\n", "    reading: jidosha soren\n", "reading must be written in kana"),
    ],
)
def test_invalid_japanese_name_names_file_and_line(
    tmp_path: Path, curated_copy: Path, old: str, new: str, words: str
) -> None:
    line = _edit_names(curated_copy, old, new)
    with pytest.raises(ParseError) as caught:
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)
    assert caught.value.source == "names_ja.yml"
    assert words in str(caught.value)
    if "names both" not in words:  # a clash is reported at the entry, not the changed field
        assert caught.value.line == line
    assert not (tmp_path / "kb.sqlite3").exists()


def test_verified_japanese_name_needs_a_source(tmp_path: Path, curated_copy: Path) -> None:
    path = curated_copy / "names_ja.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["affiliates"][3]["source"] = None
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParseError, match="DENKI RENGO: source must be a list of public http"):
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)


def test_unverified_japanese_name_needs_a_note(tmp_path: Path, curated_copy: Path) -> None:
    path = curated_copy / "names_ja.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["affiliates"] if e["key"] == "JA RENGO")
    del entry["note"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParseError, match="JA RENGO: an unverified name needs a note"):
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)


def test_changed_names_file_is_rebuilt(tmp_path: Path, curated_copy: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    build(url, curated_dir=curated_copy, log=quiet)
    assert build(url, curated_dir=curated_copy, log=quiet).skipped
    _edit_names(curated_copy, "  aliases: [連合本部]\n", "  aliases: [連合本部, 連合本部事務局]\n")
    assert not build(url, curated_dir=curated_copy, log=quiet).skipped
    assert KnowledgeBase.from_url(url).japanese_name("rengo", "RENGO").aliases == ("連合本部", "連合本部事務局")


def test_names_file_that_is_no_yaml_names_its_line(tmp_path: Path, curated_copy: Path) -> None:
    line = _edit_names(curated_copy, "  - key: JAM\n", "  - key: [JAM\n")
    with pytest.raises(ParseError) as caught:
        build(f"sqlite:///{tmp_path / 'kb.sqlite3'}", curated_dir=curated_copy, log=quiet)
    assert caught.value.source == "names_ja.yml" and "invalid YAML" in str(caught.value)
    assert caught.value.line is not None and caught.value.line >= line
