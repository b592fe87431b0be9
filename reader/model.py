"""What the reader returns: plain dataclasses, and their JSON shape (issue 5).

Items, sections and blocks compare by identity (``eq=False``): the reader moves
them between lists, and two empty sections are not the same section. Compare
``as_dict()`` results to compare content.

``ParsedDocument.as_dict()`` gives exactly the JSON that ``manage.py parse_duties``
prints; ``ParsedKpi.as_dict()`` that of ``manage.py parse_kpi``. The objects hold
the models' words (``ge``, ``yearly``), the JSON issue 5's (``>=``, ``annual``).
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

DEPARTMENT = "department"
POSITION = "position"
UNKNOWN = "unknown"

DUTY = "duty"
AUTHORITY = "authority"

# The models' words (kpis.models.Kpi.Comparison and Kpi.Period), written out here
# because the reader imports no app; tests/test_reader_vocabulary.py keeps them equal.
# The reader speaks them, so what it reads is stored without translation.
GE, LE, EQ, LT, GT = "ge", "le", "eq", "lt", "gt"
COMPARISONS = (GE, LE, EQ, LT, GT)
DAILY, WEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = (
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "half_yearly",  # a word of the models that no sentence the reader reads gives
    "yearly",
)
PERIODS = (DAILY, WEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY)

# The JSON of issue 5 (``manage.py parse_duties`` and ``parse_kpi``, ``read_document``)
# writes comparisons as signs and a yearly period as "annual", as that issue
# specified and as its users read it; ``as_dict()`` is the one place that says so.
JSON_COMPARISONS = {GE: ">=", LE: "<=", EQ: "=", LT: "<", GT: ">"}
JSON_PERIODS = {YEARLY: "annual"}


@dataclass
class Deadline:
    """A recurring deadline: every year by month-day, or every month by the day."""

    month: int | None = None
    day: int | None = None


@dataclass
class ParsedKpi:
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
        data["comparison"] = JSON_COMPARISONS.get(self.comparison, self.comparison)
        data["period"] = JSON_PERIODS.get(self.period, self.period)
        return data


@dataclass(eq=False)
class ParsedItem:
    """A numbered duty or authority, without its number and trailing ; ； 。."""

    text: str
    kind: str = DUTY
    process_steps: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    kpis: list[ParsedKpi] = field(default_factory=list)
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
class ParsedSection:
    """Items numbered together; ``title`` is empty for the untitled first section."""

    title: str = ""
    items: list[ParsedItem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"title": self.title, "items": [i.as_dict() for i in self.items]}


@dataclass(eq=False)
class ParsedBlock:
    """A department's functions or a position's duties, as one document describes them."""

    kind: str = UNKNOWN
    name: str = ""
    reports_to: str | None = None
    direct_reports: list[str] = field(default_factory=list)
    summary: str = ""
    requirements: list[str] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)

    @property
    def items(self) -> list[ParsedItem]:
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
class ParsedDocument:
    """Everything read from one document; ``warnings`` name what was dropped and why."""

    blocks: list[ParsedBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"blocks": [b.as_dict() for b in self.blocks], "warnings": list(self.warnings)}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
