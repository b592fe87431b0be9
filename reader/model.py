"""What the reader returns: plain dataclasses, and their JSON shape (issue 5).

Items, sections and blocks compare by identity (``eq=False``): the reader moves
them between lists, and two empty sections are not the same section. Compare
``as_dict()`` results to compare content.

``Document.as_dict()`` gives exactly the JSON that ``manage.py parse_duties``
prints; ``Kpi.as_dict()`` that of ``manage.py parse_kpi``.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

DEPARTMENT = "department"
POSITION = "position"
UNKNOWN = "unknown"

DUTY = "duty"
AUTHORITY = "authority"

GE, LE, GT, LT, EQ = ">=", "<=", ">", "<", "="
PERIODS = ("daily", "weekly", "monthly", "quarterly", "annual")


@dataclass
class Deadline:
    """A recurring deadline: every year by month-day, or every month by the day."""

    month: int | None = None
    day: int | None = None


@dataclass
class Kpi:
    """One target read from a KPI sentence; ``text`` is the sentence (or clause) as written.

    When ``structured`` is false the sentence could not be read and every other
    field is empty: the reader never guesses.
    """

    text: str
    metric: str | None = None
    comparison: str | None = None
    target: Decimal | None = None
    unit: str | None = None
    period: str | None = None
    deadline: Deadline | None = None
    structured: bool = False

    def as_dict(self) -> dict:
        data = asdict(self)
        data["target"] = _number(self.target)
        return data


@dataclass(eq=False)
class Item:
    """A numbered duty or authority, without its number and trailing ; ； 。."""

    text: str
    kind: str = DUTY
    process_steps: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    # The 序号 of a table row (3.1.2), used to put scrambled rows back in order.
    number: str = field(default="", repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "process_steps": list(self.process_steps),
            "forms": list(self.forms),
            "kpis": [k.as_dict() for k in self.kpis],
        }


@dataclass(eq=False)
class Section:
    """Items numbered together; ``title`` is empty for the untitled first section."""

    title: str = ""
    items: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"title": self.title, "items": [i.as_dict() for i in self.items]}


@dataclass(eq=False)
class Block:
    """A department's functions or a position's duties, as one document describes them."""

    kind: str = UNKNOWN
    name: str = ""
    reports_to: str | None = None
    direct_reports: list[str] = field(default_factory=list)
    summary: str = ""
    requirements: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "reports_to": self.reports_to,
            "direct_reports": list(self.direct_reports),
            "summary": self.summary,
            "requirements": list(self.requirements),
            "sections": [s.as_dict() for s in self.sections],
        }


@dataclass(eq=False)
class Document:
    """Everything read from one document; ``warnings`` name what was dropped and why."""

    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"blocks": [b.as_dict() for b in self.blocks], "warnings": list(self.warnings)}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
