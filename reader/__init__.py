"""The document reader (issue 5): duty documents as HR has them → blocks of numbered items.

Python API (plain dataclasses, see ``reader.model``):

* ``read(data, filename="") -> ParsedDocument`` — an upload (.txt in UTF-8, GB18030
  or Big5, or .docx); raises ``DocumentError`` with a message for HR staff.
* ``parse_text(text) -> ParsedDocument`` — pasted text.
* ``parse_kpis(sentence) -> list[ParsedKpi]`` — one KPI sentence.

The same as JSON-shaped dictionaries (what ``parse_duties`` and ``parse_kpi``
print): ``read_document(data, filename)`` and ``parse_kpi(sentence)``.
"""

from reader.files import DocumentError
from reader.kpi import parse_kpis
from reader.model import Deadline, ParsedBlock, ParsedDocument, ParsedItem, ParsedKpi, ParsedSection
from reader.pipeline import parse_elements, parse_text, read

__all__ = [
    "ParsedBlock",
    "Deadline",
    "ParsedDocument",
    "DocumentError",
    "ParsedItem",
    "ParsedKpi",
    "ParsedSection",
    "parse_elements",
    "parse_kpi",
    "parse_kpis",
    "parse_text",
    "read",
    "read_document",
]


def read_document(data: bytes, filename: str = "") -> dict:
    """``read`` as the JSON-shaped dictionary ``{"blocks": [...], "warnings": [...]}``."""
    return read(data, filename).as_dict()


def parse_kpi(sentence: str) -> list[dict]:
    """``parse_kpis`` as JSON-shaped dictionaries."""
    return [kpi.as_dict() for kpi in parse_kpis(sentence)]
