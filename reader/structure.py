"""Read blocks, sections and numbered items from cleaned paragraphs and tables.

The reader walks the document once. In each paragraph it finds headings
(``售后服务部经理岗位职责:``), reporting lines (``直接上级:``) and numbering
marks, and decides for each mark whether it starts an item. A mark is an item
when it comes after a sentence end (``;`` ``；`` ``。`` ``:``) or at the start
of a line, or when it is the next number of the list being read even if
glued to the text before it (``…维护6. 负责…``): that is how items that run
together on one line, as in pages copied from PDF, are told apart from
numbers inside a sentence. Everything the reader skips is named in a warning.

``Reader`` is one object in several modules: this one holds its state, the
targets text goes to and its paragraphs; reader/headings.py its headings,
reader/marks.py its numbering marks, reader/tables.py its tables.
reader/events.py finds what a paragraph holds, reader/patterns.py the
patterns they all use, reader/finish.py tidies the result.
"""

import re

from django.utils.translation import gettext as _

from reader import names
from reader.events import find_events
from reader.files import Paragraph, Table
from reader.headings import HeadingsMixin
from reader.marks import MarksMixin
from reader.mode import Mode
from reader.model import (
    DEPARTMENT,
    POSITION,
    UNKNOWN,
    ParsedBlock,
    ParsedDocument,
    ParsedItem,
    ParsedSection,
)
from reader.patterns import (
    COMMENTARY,
    ROW_NUMBER,
    STOP_WORDS,
    STRUCTURE_HEADING,
    clean_item_text,
    heading_text,
    position_title,
    short_text,
    unbracket,
)
from reader.tables import TablesMixin
from reader.text import ColumnHeader, tidy


def _separator(parts: list[str]) -> str:
    """What joins a line to the text of the lines before it.

    A line break: tidy() removes it between Chinese characters and turns it
    into a space between words, and heading_text() can cut a lead-in at it.
    """
    return "\n" if parts else ""


class Reader(HeadingsMixin, MarksMixin, TablesMixin):
    def __init__(self, warnings: list[str] | None = None):
        self.document = ParsedDocument(warnings=list(warnings or []))
        self.block: ParsedBlock | None = None
        self.mode = Mode.DUTIES
        self.positions_follow = False
        self.title_name = ""
        self._reset_lists()
        self.target: tuple | None = None
        self._lead: list[str] = []
        self.pending_heading = ""
        self.cn_last = 0
        self.item_at_line_start = False
        self.items_in_line = 0
        self.names_cache = None
        self.sibling_positions = False
        # A reporting line read from a sentence before any block began.
        self.prose_reports = ""
        # After “岗位职责：” lines without numbers are the duties, one a line or a clause.
        self.colon_header = False
        self.unnumbered: list[str] = []
        # Table rows read line by line (序号 / 岗位职责 / 流程 / 相关记录 / 工作指标).
        self.row: ParsedItem | None = None
        self.row_phase = ""
        self.row_pending = ""
        self.heading_numbers: dict[int, int] = {}  # id(block) -> number of its heading
        self.row_owners: set[int] = set()
        # The mode each item was read in (finish() makes it the item's kind), and the
        # number of its mark: the reader's own record, not attributes put on the items.
        self.modes: dict[ParsedItem, Mode] = {}
        self.marks: dict[ParsedItem, int | None] = {}

    # -- state -----------------------------------------------------------------

    def _reset_lists(self):
        self.section: ParsedSection | None = None
        self.section_block: ParsedBlock | None = None
        self.style0: str | None = None
        self.last0 = 0
        self.style1: str | None = None
        self.last1 = 0
        self.parent: ParsedItem | None = None
        self.in_children = False

    def warn(self, message: str):
        self.document.warnings.append(message)

    def _ensure_block(self, kind: str = UNKNOWN) -> ParsedBlock:
        if self.block is None:
            self._new_block(kind, self.title_name if kind == DEPARTMENT else "")
        return self.block

    def _new_block(self, kind: str, name: str, number: int | None = None) -> ParsedBlock:
        self._close()
        self._flush_unnumbered(keep=True)
        self._close_row()
        block = ParsedBlock(kind=kind, name=name)
        if self.prose_reports and kind != DEPARTMENT:
            block.reports_to, self.prose_reports = self.prose_reports, ""
        self.document.blocks.append(block)
        self.block = block
        if number is not None:
            self.heading_numbers[id(block)] = number
        self.mode = Mode.DUTIES
        self._reset_lists()
        self.lead = ""
        self.pending_heading = ""
        return block

    def _new_position(self, name: str, number: int | None = None) -> ParsedBlock:
        """A position's block, which stays under a container's “positions follow”."""
        keep = self.positions_follow
        block = self._new_block(POSITION, name, number)
        self.positions_follow = keep
        return block

    def _section_is_current(self, block: ParsedBlock) -> bool:
        # Checked by owner, not by searching block.sections: a long document has many.
        return self.section is not None and self.section_block is block

    def _ensure_section(self, title: str = "") -> ParsedSection:
        block = self._ensure_block()
        if not self._section_is_current(block):
            self.section = ParsedSection(title=title)
            self.section_block = block
            block.sections.append(self.section)
        return self.section

    def _new_section(self, title: str = "") -> ParsedSection:
        block = self._ensure_block()
        if self._section_is_current(block) and not self.section.items and not self.section.title:
            self.section.title = title
        else:
            self.section = ParsedSection(title=title)
            self.section_block = block
            block.sections.append(self.section)
        self.style0, self.last0, self.parent = None, 0, None
        self.style1, self.last1, self.in_children = None, 0, False
        return self.section

    # -- targets: where the text between marks goes ---------------------------------

    # Text is gathered in lists and joined once: appending to a long string
    # again and again would make a long document quadratic.
    @property
    def lead(self) -> str:
        return "".join(self._lead)

    @lead.setter
    def lead(self, value: str):
        self._lead = [value] if value else []

    def _append(self, text: str, line_start: bool = False):
        if not text.strip():
            return
        if self.target is None:
            if line_start:
                self._lead = [text]
            else:
                self._lead.append(_separator(self._lead) + text)
            return
        kind = self.target[0]
        if kind == "item":
            parts = self.target[2]
            parts.append((_separator(parts) if line_start else "") + text)
        elif kind in ("title", "up", "down", "summary", "requirement"):
            self.target[1].append(text)

    def _item_text(self, item: ParsedItem) -> str:
        if self.target and self.target[0] == "item" and self.target[1] is item:
            return "".join(self.target[2])
        return item.text

    def _close(self):
        """Finish the current target (a heading becomes a position block here)."""
        target, self.target = self.target, None
        if self.lead.strip():
            self._prose_reports_to(self.lead)
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": short_text(self.lead)}
            )
        self.lead = ""
        if target is None:
            return
        kind = target[0]
        if kind == "item":
            target[1].text = "".join(target[2])
        elif kind == "title":
            section, parts = target[2], target[1]
            title = heading_text("".join(parts))
            if title and (
                names.is_position_name(title) or (self.positions_follow and names.is_heading(title))
            ):
                if section in self.block.sections and not section.items:
                    self.block.sections.remove(section)
                self._new_position(title)
            else:
                section.title = title
        elif kind == "up":
            value = clean_item_text("".join(target[1]))
            if value:
                self.block.reports_to = value
        elif kind == "down":
            value = clean_item_text("".join(target[1]))
            self.block.direct_reports.extend(
                v.strip()
                for v in re.split(r"[、,，;；]", value)
                if v.strip() and v.strip().lower() not in names.NONE_VALUES
            )
        elif kind == "summary":
            text = tidy("".join(target[1]))
            self._prose_reports_to(text)
            if text:
                before = self.block.summary
                # A hard-wrapped English sentence goes on: “…keep the” + “office's projects…”.
                wrapped = before and re.search(r"[A-Za-z,]$", before) and re.match(r"[a-z]", text)
                self.block.summary = (
                    f"{before} {text}" if wrapped else "\n".join(filter(None, [before, text]))
                )
        elif kind == "requirement":
            text = clean_item_text("".join(target[1]))
            if text:
                self.block.requirements.append(text)

    def _prose_reports_to(self, text: str):
        """“… will report to the Chief of Staff …”: the reporting line, unless a field gave it."""
        name = names.prose_reports_to(text)
        if not name:
            return
        if self.block is None:
            self.prose_reports = self.prose_reports or name
        elif self.block.reports_to is None and self.block.kind != DEPARTMENT:
            self.block.reports_to = name

    # -- reading ------------------------------------------------------------

    def read(self, elements) -> ParsedDocument:
        for index, element in enumerate(elements):
            following = elements[index + 1] if index + 1 < len(elements) else None
            if isinstance(element, Table):
                self._read_table(element)
            elif isinstance(element, ColumnHeader):
                self._close()
                self._close_row()
                self._drop_pending_heading()
                self.row_phase = "table"
            elif (
                isinstance(following, Paragraph)
                and (title := position_title(element.text, following.text))[0]
            ):
                self._start_position(*title)
            else:
                self._read_paragraph(element.text)
        self._close()
        self._flush_unnumbered(keep=True)
        self._close_row()
        if self.pending_heading:
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": self.pending_heading}
            )
        return self.document

    def _start_position(self, name: str, number: int | None = None):
        """A position's title on a line of its own, its 直接上级 or 岗位职责 on the next line."""
        self._close()
        self._flush_unnumbered(keep=True)
        self._drop_pending_heading()
        block = self.block
        if block is not None and block.kind == POSITION and block.name == name and not block.items:
            self.mode = Mode.DUTIES
            self._reset_lists()
            return
        self._new_position(name, number)
        self.colon_header = False

    def _read_paragraph(self, text: str):
        text = unbracket(text.strip())
        if not text:
            return
        if ROW_NUMBER.match(text):
            self._start_row(text)
            return
        if self.row is not None and self._row_line(text):
            return
        self._close_row()
        self.items_in_line = 0
        self.names_cache = None
        if self._field(text):
            return
        events = find_events(text)
        dash_run = len(re.findall(r"[\u4e00-\u9fff]-[\u4e00-\u9fff]", text)) >= 3
        pos = 0
        for event in events:
            if event.start < pos:
                continue
            gap = text[pos : event.start]
            line_start = pos == 0
            if event.kind == "marker":
                action = self._marker_action(event, gap, line_start, dash_run, text)
                if action is None:
                    continue
                self._apply_marker(event, action, gap, line_start)
            else:
                self._text(gap, line_start)
                self._apply_event(event, line_start and not gap.strip())
            pos = event.end
        rest = text[pos:]
        if dash_run and (commentary := COMMENTARY.search(rest)) and commentary.start() > 0:
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": short_text(rest[commentary.start() :])}
            )
            rest = rest[: commentary.start()]
        self._text(rest, pos == 0)
        # Reporting lines and headings end with their line; items may go on.
        if self.target is not None and self.target[0] in ("up", "down", "title"):
            self._close()
        if (
            self.lead.strip()
            and self.colon_header
            and self.mode in (Mode.DUTIES, Mode.MIXED, Mode.AUTHORITIES)
        ):
            # Kept until it is known whether a numbered list follows (then it was an
            # introduction) or not (then these lines are the duties).
            self.unnumbered.append(self.lead)
            self.lead = ""
        if self.lead.strip():
            if names.is_heading(self.lead) and not self.target:
                self.pending_heading = tidy(self.lead)
                self.lead = ""
            else:
                self._close()

    def _text(self, text: str, line_start: bool):
        if not text.strip():
            return
        if line_start:
            stripped = text.strip()
            if self.pending_heading:
                self.warn(
                    _("Ignored text that is not a numbered item: %(text)s")
                    % {"text": self.pending_heading}
                )
                self.pending_heading = ""
            if self.mode == Mode.SUMMARY:
                self._close()
                self.target = ("summary", [stripped])
                return
            if self.mode == Mode.REQUIREMENTS:
                self._close()
                self.target = ("requirement", [stripped])
                return
            if self.mode == Mode.KPIS:
                self._close()
                item = ParsedItem(text="")
                self.modes[item] = Mode.KPIS
                self._ensure_section().items.append(item)
                self.target = ("item", item, [stripped])
                return
            heading_line = (stripped.endswith((":", "：")) and names.is_heading(stripped[:-1])) or (
                names.is_heading(stripped) and STRUCTURE_HEADING.search(stripped) is not None
            )
            if (
                self.target
                and self.target[0] == "item"
                and self.item_at_line_start
                and not heading_line
                and not STOP_WORDS.match(stripped)
            ):
                self._append(stripped, line_start=True)
                return
            self._close()
            self.lead = stripped
            return
        self._append(text)

    def _flush_unnumbered(self, keep: bool):
        """Duties written without numbers under “岗位职责：”: one per line, or per ； clause."""
        lines, self.unnumbered = self.unnumbered, []
        if not lines:
            return
        if not keep:
            for line in lines:
                self.warn(
                    _("Ignored text that is not a numbered item: %(text)s")
                    % {"text": short_text(line)}
                )
            return
        section = self._ensure_section()
        for line in lines:
            for part in re.split(r"[;；]", line):
                if clean_item_text(part):
                    item = ParsedItem(text=part)
                    self.modes[item] = self.mode
                    section.items.append(item)

    def _drop_pending_heading(self):
        if self.pending_heading:
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": self.pending_heading}
            )
            self.pending_heading = ""
