"""What a chart shows, before it is laid out: nodes with their words.

``orgchart.data`` builds these from the database; tests and benches build
them by hand. ``orgchart.layout`` turns a ``Chart`` into a ``Drawing``.
Pure Python: no Django.
"""

from dataclasses import dataclass, field


@dataclass
class Member:
    """A box drawn inside another: a position in its unit, a holder in a position."""

    kind: str
    code: str
    title: str
    details: list[str] = field(default_factory=list)
    href: str | None = None
    head: bool = False
    vacant: bool = False
    highlight: bool = False
    photo_path: str | None = None
    photo_url: str | None = None
    employee_no: str = ""


@dataclass
class ChartNode:
    kind: str  # drawing.UNIT or drawing.POSITION
    code: str
    title: str
    details: list[str] = field(default_factory=list)  # smaller lines under the title
    href: str | None = None
    children: list["ChartNode"] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)  # boxes drawn inside this one
    more_members: str = ""  # "another 12 positions" when members were cut for the screen
    head: bool = False
    vacant: bool = False
    highlight: bool = False
    child_count: int = 0  # children in the organisation, drawn or not
    toggle_href: str | None = None  # opens the hidden children, or closes the drawn ones

    @property
    def key(self):
        return f"{self.kind}:{self.code}"

    @property
    def hidden(self):
        return max(self.child_count - len(self.children), 0)


@dataclass
class DottedLink:
    from_code: str
    to_code: str
    label: str
    from_kind: str = "position"
    to_kind: str = "position"


@dataclass
class Chart:
    kind: str  # "units", "positions" or "reporting"
    roots: list[ChartNode]
    dotted: list[DottedLink] = field(default_factory=list)
    title: str = ""

    def walk(self):
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def count_boxes(self):
        return sum(1 + len(n.members) for n in self.walk())
