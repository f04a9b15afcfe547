"""Fixtures for knowledge-base tests: the real sources, and broken copies of them."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, List

import pytest

from knowledge import config
from knowledge.ingest.brochure import BROCHURE_FILE

Edit = Callable[[List[str]], List[str]]


@pytest.fixture(scope="session")
def brochure_lines() -> List[str]:
    return (config.sources_dir() / BROCHURE_FILE).read_text(encoding="utf-8").split("\n")


@pytest.fixture
def edited_sources(tmp_path: Path, brochure_lines: List[str]) -> Callable[[Edit], Path]:
    """Write an edited copy of the brochure to ``tmp_path/sources`` and return that directory."""

    def write(edit: Edit) -> Path:
        directory = tmp_path / "sources"
        directory.mkdir(exist_ok=True)
        (directory / BROCHURE_FILE).write_text("\n".join(edit(list(brochure_lines))), encoding="utf-8")
        return directory

    return write


@pytest.fixture
def curated_copy(tmp_path: Path) -> Path:
    """A writable copy of ``knowledge/curated``."""
    target = tmp_path / "curated"
    shutil.copytree(config.curated_dir(), target)
    return target

