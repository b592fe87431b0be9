"""Headings and a job-description form's fields: what block and mode the text after them is in.

The reader's methods for headings (岗位职责, 任职要求, 考核指标 …) and for the
fields of a form (职位名称：…); ``HeadingsMixin`` is one part of
``reader.structure.Reader`` and uses its state.
"""

import re

from django.utils.translation import gettext as _

from reader import names
from reader.events import Event
from reader.mode import Mode
from reader.model import DEPARTMENT, POSITION, UNKNOWN
from reader.patterns import CN_NUM

_SECTION_NUMBER = re.compile(rf"^\s*(?:[{CN_NUM}]{{1,3}}\s*[、.．]|[(（][{CN_NUM}]{{1,3}}[)）])\s*")


class HeadingsMixin:
    def _field(self, text: str) -> bool:
        """职位名称：人力资源专员 / 所属部门：人力资源部 — a job-description form's fields.

        A field numbered as a section (一、岗位名称：…) is a field all the same.
        """
        text = _SECTION_NUMBER.sub("", text, count=1)
        if match := names.POSITION_FIELD.match(text):
            value = match.group("value").strip()
            self._close()
            block = self.block
            if (
                block is not None
                and not block.items
                and (not block.name or names.clean_name(block.name) == value)
            ):
                block.name, block.kind = value, POSITION
            else:
                self._new_block(POSITION, value)
            return True
        if match := names.UNIT_FIELD.match(text):
            value = match.group("value").strip()
            self._close()
            if self.block is not None and self.block.kind != POSITION and not self.block.name:
                self.block.name, self.block.kind = value, DEPARTMENT
            else:
                self.warn(
                    _("The document names the department “%(name)s”; choose it when importing.")
                    % {"name": value}
                )
            return True
        return False

    def _apply_event(self, event: Event, line_start: bool):
        if event.kind == "header":
            self._apply_header(event)
        elif event.kind in ("up", "down"):
            self._close()
            self._ensure_block(POSITION)
            self.target = (event.kind, [])

    def _apply_header(self, event: Event):
        self._flush_unnumbered(keep=True)
        number = None
        in_section = False
        # "3.业务助理职责:" — the number belongs to the heading, not to an item.
        if self.target and self.target[0] == "item" and not self._item_text(self.target[1]).strip():
            item = self.target[1]
            number = self.marks.get(item)
            self._drop_item(item)
            self.target = None
        elif self.target and self.target[0] == "title" and not "".join(self.target[1]).strip():
            section = self.target[2]
            if section in self.block.sections and not section.items:
                self.block.sections.remove(section)
                self.section = None
            self.target = None
            in_section = True
        self._close()
        self.pending_heading = ""
        self.sibling_positions = False
        kind, name = event.header, event.name
        self.colon_header = event.colon and kind in ("duties", "department", "mixed", "authority")
        if kind == "container":
            self._ensure_block(DEPARTMENT)
            self.positions_follow = True
            self.mode = Mode.DUTIES
            self.section = None
            return
        if kind == "kpis":
            # 考核指标: targets listed apart from the duties, kept in a section of their own.
            self._ensure_block()
            self.mode = Mode.KPIS
            self._new_section(event.keyword)
            return
        if kind in ("summary", "requirements"):
            if (
                name
                and names.is_position_name(name)
                and (not self.block or self.block.name != name)
            ):
                self._new_block(POSITION, name, number)
            self._ensure_block()
            self.mode = Mode.SUMMARY if kind == "summary" else Mode.REQUIREMENTS
            self.target = ("summary", []) if kind == "summary" else ("requirement", [])
            return
        if kind == "department" or (kind != "container" and names.is_unit_name(name)):
            block_kind = DEPARTMENT
        else:
            block_kind = POSITION if name else None
        mode = {"authority": Mode.AUTHORITIES, "mixed": Mode.MIXED}.get(kind, Mode.DUTIES)
        if not self.title_name and name and block_kind == DEPARTMENT:
            self.title_name = name
        current = self.block
        if not name:
            if current is None:
                self._new_block(
                    block_kind or UNKNOWN, self.title_name if block_kind == DEPARTMENT else ""
                )
            elif block_kind == DEPARTMENT and current.kind == POSITION:
                self._new_block(DEPARTMENT, "")
            elif current.kind == UNKNOWN and block_kind:
                current.kind = block_kind
            self.mode = mode
            self.section = None
            return
        if (
            current is not None
            and names.clean_name(current.name) == name
            and (in_section or not current.items)
        ):
            if block_kind and current.kind == UNKNOWN:
                current.kind = block_kind
            self.mode = mode
            self.section = None
            return
        self._new_block(block_kind or UNKNOWN, name, number)
        self.mode = mode
