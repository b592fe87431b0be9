"""Numbering marks: whether a mark starts an item, and what the item it starts belongs to.

The reader's methods for marks; ``MarksMixin`` is one part of
``reader.structure.Reader`` and uses its state. ``_marker_action`` decides
(start a list, the next item, children of an item, a section, a requirement, or
nothing: a number inside a sentence) and ``_apply_marker`` does it, step by step.
"""

import re

from django.utils.translation import gettext as _

from reader import names
from reader.events import Event
from reader.mode import Mode
from reader.model import ParsedItem, ParsedSection
from reader.patterns import (
    COMMENTARY,
    DELIMITER_END,
    DELIMITERS,
    STRUCTURE_HEADING,
    clean_item_text,
    heading_text,
    repeated_heading,
    short_text,
)


class MarksMixin:
    def _marker_action(self, event: Event, gap: str, line_start: bool, dash_run: bool, text: str):
        style, n = event.style, event.number
        before = gap.rstrip()
        boundary = (
            (line_start and not gap.strip())
            or not gap.strip()
            or bool(DELIMITER_END.search(before))
        )
        lead = DELIMITERS.split(gap)[-1].strip()
        heading_lead = bool(lead) and names.is_heading(lead)
        reporting = self.target is not None and self.target[0] in ("up", "down")
        fresh_title = self.target is not None and self.target[0] == "title"
        if style in ("cn", "pcn"):
            if boundary or (n == self.cn_last + 1 and n >= 2):
                return "section"
            return None
        if style == "sub":
            # 1.1, 1.2 under item 1: its children; anything else is a number in a sentence.
            if self.parent is None or event.parent_number != self.last0:
                return None
            if self.in_children and self.style1 == "sub" and n == self.last1 + 1:
                return "child"
            return "children" if not self.in_children and n == 1 else None
        if self.mode == Mode.REQUIREMENTS and style != "hier":
            return (
                "requirement"
                if boundary or (style == self.style0 and n == self.last0 + 1)
                else None
            )
        if style == "bullet":
            previous = text[event.start - 1] if event.start else ""
            if not (boundary or (dash_run and re.match(r"[\u4e00-\u9fff]", previous or " "))):
                return None
            event.glued = not boundary
            if dash_run and not boundary and not (self.parent or self.in_children or self.style0):
                lead = DELIMITERS.split(gap)[-1].strip()
                return "start" if names.is_heading(lead) else None
            if self.in_children and self.style1 == "bullet":
                return "child"
            if self.style0 == "bullet":
                return "next"
            if self.parent is not None and self.style0 is not None:
                return "children"
            return "start"
        if self.in_children and style == self.style1 and n == self.last1 + 1:
            return "child"
        if style == self.style0 and n == self.last0 + 1:
            return "next"
        if (
            boundary
            and self.style0
            and n == self.last0 + 1
            and self.style0.startswith("num")
            and style.startswith("num")
        ):
            return "next"
        if n == 1 and (boundary or heading_lead or reporting or fresh_title):
            if reporting or fresh_title:
                return "start"
            if (
                self.parent is not None
                and self.style0
                and style != self.style0
                and not self.in_children
                and (
                    before.endswith((":", "："))
                    or line_start
                    or self._item_text(self.parent).rstrip().endswith((":", "："))
                )
            ):
                return "children"
            if self.style0 is None and not heading_lead:
                return "start"
            return "restart"
        if boundary:
            if self.style0 is None:
                return "start"
            if line_start and n <= self.last0:
                return "restart"
            if style == self.style0 and n > self.last0 + 1 and (line_start or n - self.last0 <= 3):
                return "next"
        return None

    def _apply_marker(self, event: Event, action: str, gap: str, line_start: bool):
        """Do what ``_marker_action`` decided; ``gap`` is the text between the last mark and this one."""
        self._flush_unnumbered(keep=action == "section")
        self.colon_header = False
        if event.page:
            self.warn(_("Dropped a page number: %(text)s") % {"text": event.page})
        if event.glued and action in ("next", "child"):
            gap, headings = self._split_glued_headings(gap)
            if headings:
                self._start_under_glued_headings(event, gap, headings, line_start)
                return
        body, heading, lost = self._split_gap(event, action, gap)
        self._text(body, line_start)
        if action == "section":
            self._open_section(event)
            return
        if action == "requirement":
            self._open_requirement(event)
            return
        if action in ("start", "restart") and not heading and self.pending_heading and line_start:
            heading = self.pending_heading
        self.pending_heading = ""
        if action in ("start", "restart"):
            self._start_list(event, action, heading, lost, line_start)
        elif action == "next":
            self._next_item(event, line_start)
        elif action == "children":
            self._open_children(event, line_start)
        elif action == "child":
            self._close()
            self._add_item(event, level=1, line_start=line_start)

    def _start_under_glued_headings(self, event: Event, gap: str, headings: list, line_start):
        """The item before the mark ended with the next heading glued on: a new list there."""
        self._text(gap, line_start)
        self._close()
        position = next((h for h in reversed(headings) if names.is_position_name(h)), "")
        if position:
            self._new_position(position)
        self._new_section()
        self._add_item(event, level=0, line_start=False)

    def _split_gap(self, event: Event, action: str, gap: str) -> tuple[str, str, str]:
        """The text before a list's first mark: (text for the item before, a heading, a lost item).

        A heading ends the gap (“销售经理 1. …”), or the gap is the first item
        itself when the list starts at 2 (部门职能:负责…;2.负责…).
        """
        body, heading, lost = gap, "", ""
        lead = DELIMITERS.split(gap)[-1].strip()
        if action in ("start", "restart") and gap.strip():
            if action == "start" and event.number == 2 and self.target is None and not lead:
                # 部门职能:负责…;2.负责… — the first item lost its number.
                lost, body = gap.strip(), ""
            elif (
                lead
                and names.is_heading(lead)
                and self.target is None
                or (lead and names.is_heading(lead) and action == "restart")
            ):
                heading, body = lead, gap[: gap.rfind(lead)]
        return body, heading, lost

    def _open_section(self, event: Event):
        """一、… (or a number in brackets): a section whose title the following text is."""
        self._close()
        self._close_row()
        self.cn_last = event.number or 0
        self.sibling_positions = False
        if self.mode in (Mode.SUMMARY, Mode.REQUIREMENTS):
            self.mode = Mode.DUTIES
        section = self._new_section()
        self.target = ("title", [], section)

    def _open_requirement(self, event: Event):
        self._close()
        self.style0, self.last0 = event.style, event.number or self.last0 + 1
        self.target = ("requirement", [])

    def _start_list(self, event: Event, action: str, heading: str, lost: str, line_start: bool):
        """The first item of a list: under its heading, in a new section when it restarts."""
        self._close()
        if heading and heading != (self.block.name if self.block else None):
            if names.is_position_name(heading) or (
                self.positions_follow and names.is_heading(heading)
            ):
                self._new_position(heading)
                self._new_section()
            else:
                self._new_section(heading)
        elif (
            action == "restart"
            or self.section is None
            or not self._section_is_current(self._ensure_block())
        ):
            self._new_section()
        self.style0, self.last0 = event.style, 0
        if lost:
            first = ParsedItem(text=lost)
            self.section.items.append(first)
            self.last0 = 1
        self._add_item(event, level=0, line_start=line_start)

    def _next_item(self, event: Event, line_start: bool):
        self._close()
        if self.in_children:
            # Back to the outer list after a promoted item's children: a new section.
            style0, last0 = self.style0, self.last0
            self._new_section()
            self.style0, self.last0 = style0, last0
        self._add_item(event, level=0, line_start=line_start)

    def _open_children(self, event: Event, line_start: bool):
        """1.1 or (1) under item 1: the item becomes the heading of its children.

        A heading that repeats itself (2. 销售代表销售代表是…) is a position, described.
        """
        # Asked before the item above is closed, which may end its section.
        new_list = self.section is None or self.parent not in self.section.items
        self._close()
        if new_list:
            # The item above ended with its section (a heading came between): a new list.
            self._new_section()
            self.style0, self.last0 = event.style, 0
            self._add_item(event, level=0, line_start=line_start)
            return
        parent = self.parent
        owner = self.section
        title = heading_text(parent.text)
        if parent in owner.items:
            owner.items.remove(parent)
        name, rest = repeated_heading(title)
        if name and (names.is_position_name(name) or self.sibling_positions):
            # 2. 销售代表销售代表是…的核心岗位之一: a position, described, then its duties.
            style0, last0 = self.style0, self.last0
            self._new_position(name)
            self.block.summary = rest
            self.sibling_positions = True
            self._new_section()
            self.style0, self.last0 = style0, last0
        else:
            section = ParsedSection(title=title)
            block = self.block
            block.sections.insert(block.sections.index(owner) + 1, section)
            self.section = section
        self.in_children = True
        self.style1, self.last1 = event.style, 0
        self._add_item(event, level=1, line_start=line_start)

    def _known_names(self) -> tuple[set[str], set[str]]:
        """Names the document lists in its organisation structure, and the stems of its teams."""
        known, stems = set(), set()
        for block in self.document.blocks:
            if block.name:
                known.add(block.name)
            for section in block.sections:
                if not STRUCTURE_HEADING.search(section.title):
                    continue
                for item in section.items:
                    name = clean_item_text(item.text)
                    if names.is_heading(name):
                        known.add(name)
                        stem = re.sub(r"(?:团队|團隊|小组|小組|组|組|部|中心)$", "", name)
                        if stem != name and len(stem) >= 2:
                            stems.add(stem)
        return known, stems

    def _split_glued_headings(self, text: str) -> tuple[str, list[str]]:
        """Bullets written with no separator carry the next heading at their end.

        “…推动业务的整合和发展销售团队销售总监/经理-负责…”: the team and the
        position the next bullets belong to are recognised from the names the
        document listed in its 组织架构, and from a position title that starts
        with one of those teams' names.
        """
        headings: list[str] = []
        commentary = COMMENTARY.search(text)
        if commentary and commentary.start() > 0:
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": short_text(text[commentary.start() :])}
            )
            text = text[: commentary.start()]
        if self.names_cache is None:
            self.names_cache = self._known_names()
        known, stems = self.names_cache
        while True:
            found = ""
            for name in known:
                if (
                    len(name) >= 2
                    and text.endswith(name)
                    and len(name) < len(text)
                    and len(name) > len(found)
                ):
                    found = name
            if not found:
                for stem in stems:
                    index = text.rfind(stem)
                    candidate = text[index:]
                    shorter = not found or len(candidate) < len(found)
                    if index > 0 and shorter and names.is_position_name(candidate):
                        found = candidate
            if not found:
                break
            headings.insert(0, found)
            text = text[: -len(found)]
        return text, headings

    def _add_item(self, event: Event, level: int, line_start: bool):
        section = self._ensure_section()
        item = ParsedItem(text="")
        self.marks[item] = event.number
        self.modes[item] = self.mode
        section.items.append(item)
        if level == 0:
            self.parent = item
            self.style0 = event.style
            self.last0 = event.number if event.number is not None else self.last0 + 1
        else:
            self.style1 = event.style
            self.last1 = event.number if event.number is not None else self.last1 + 1
        self.target = ("item", item, [])
        # Only the first item of a line may go on over the next lines: items
        # that run together on one line end where the line ends.
        self.item_at_line_start = self.items_in_line == 0
        self.items_in_line += 1

    def _drop_item(self, item: ParsedItem):
        for section in self.block.sections if self.block else []:
            if item in section.items:
                section.items.remove(item)
        if self.parent is item:
            self.parent = None
            self.last0 = max(0, self.last0 - 1)
            if self.last0 == 0:
                self.style0 = None
