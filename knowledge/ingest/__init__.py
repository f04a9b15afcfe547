"""Turning source documents into records.

``brochure`` parses the brochure text; the curated YAML files are read by
``knowledge.build``. Both report problems as :class:`ParseError`, which names
the file, the section and the line, so a failed build says where to look.
"""
from __future__ import annotations

from typing import Optional


class ParseError(ValueError):
    """A source could not be read as expected; carries where it went wrong."""

    def __init__(self, source: str, section: str, line: Optional[int], message: str) -> None:
        self.source = source
        self.section = section
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" at line {self.line}" if self.line is not None else ""
        return f"{self.source}: could not parse section '{self.section}'{where}: {self.message}"
