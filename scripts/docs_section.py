"""Write one generated section of docs/benchmarks.md, between its start and end markers.

Each benchmark script owns one section (``<!-- benchmark:NAME:start -->`` ...
``<!-- benchmark:NAME:end -->``) and replaces only that, so the scripts can run
in any order without touching each other's figures.
"""
from __future__ import annotations

import re
from pathlib import Path

HEADER = "# Benchmarks\n\nEvery figure here comes from a script; each section names its command.\n"


def write_section(path: Path, start: str, end: str, section: str) -> None:
    """Replace the text from ``start`` to ``end`` in ``path`` by ``section`` (which holds both markers), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
