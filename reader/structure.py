"""Read blocks, sections and numbered items from cleaned paragraphs and tables.

The reader walks the document once. In each paragraph it finds headings
(``售后服务部经理岗位职责:``), reporting lines (``直接上级:``) and numbering
marks, and decides for each mark whether it starts an item. A mark is an item
when it comes after a sentence end (``;`` ``；`` ``。`` ``:``) or at the start
of a line, or when it is the next number of the list being read even if
glued to the text before it (``…维护6. 负责…``): that is how items that run
together on one line, as in pages copied from PDF, are told apart from
numbers inside a sentence. Everything the reader skips is named in a warning.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reader import names
from reader.files import Paragraph, Table
from reader.kpi import chinese_number, looks_like_kpi, parse_kpis
from reader.model import (
    AUTHORITY,
    DEPARTMENT,
    DUTY,
    POSITION,
    UNKNOWN,
    ParsedBlock,
    ParsedDocument,
    ParsedItem,
    ParsedSection,
)
from reader.text import ColumnHeader, column_role, is_column_header, tidy

_CN_NUM = "一二三四五六七八九十"
MARKER = re.compile(
    rf"""
    (?P<hier>(?<![\d.．])\d{{1,2}}(?:[.．]\d{{1,2}}){{2,}}[.．]?(?![\d%]))
  | (?P<sub>(?<![\d.．])(?P<subparent>\d{{1,2}})[.．](?P<subnum>\d{{1,2}})(?=[\s\u4e00-\u9fff]))
  | [(（]\s*(?P<pnum>\d{{1,2}})\s*[)）]
  | [(（]\s*(?P<pcn>[{_CN_NUM}]{{1,3}})\s*[)）]
  | (?P<circ>[\u2460-\u2473])
  | (?P<cn>[{_CN_NUM}]{{1,3}})\s*(?:、|[.．](?![\d{_CN_NUM}]))
  | (?:(?P<page>\d{{1,3}}\ /\ \d{{1,3}}?)|(?<![\d.．]))
    (?P<num>\d{{1,3}}|\d\ \d)\s*(?P<sep>[、.．)）]|,(?=\s)|，)(?![\d])
  | (?P<bullet>[-•●▪◆◇■□○※★☆►▶✓√](?![\d-]))
    """,
    re.VERBOSE,
)
ROW_NUMBER = re.compile(r"^\d{1,2}(?:[.．]\d{1,2}){2,}[.．]?$")
_DELIMITER_END = re.compile(r"(?:[。;；:：!！?？]|(?<=[A-Za-z)])\.)\s*$")
_DELIMITERS = re.compile(r"[。;；:：!！?？]")
_HEADER_FOLLOW = re.compile(
    rf"\s*(?:(?:说明书|說明書)\s*(?:[:：]|$)|[:：]|$|(?=\d{{1,3}}\s*[、.．)）])|(?=[(（]\s*[\d{_CN_NUM}])|(?=[{_CN_NUM}]{{1,3}}、)"
    r"|(?=[\u2460-\u2473])|(?=直接|直属|直屬)|(?=[-•]))"
)
_STOP_WORDS = re.compile(
    r"^(?:综上所述|綜上所述|总之|總之|总而言之|總而言之|以上只是|以上是|上述|这只是|這只是"
    r"|in summary|in conclusion)",
    re.IGNORECASE,
)
_TRAILING = " \t\u3000;；。.,，、:："
_LEADING = " \t\u3000;；。.,，、:：)）"
_FORM = re.compile(r"《([^《》\n]{1,60})》")
_AUTHORITY = re.compile(
    r"(?:有|具有|拥有|擁有|享有)[^。；;]{0,40}?(?:权|權)(?:力|限|利)?$"
    r"|(?:审批|審批|审核|審核|批准|决定|決定|否决|否決|签字|簽字|处罚|處罰|奖惩|獎懲)(?:权|權)(?:力|限)?$"
)
# 组织架构 / 人员配备: lists of units and positions, not duties.
_STRUCTURE = re.compile(
    r"组织架构|组织结构|组织机构|組織架構|組織結構|人员配备|人員配備|人员装备|人員裝備|人员配置|人員配置"
)
_COMMENTARY = re.compile(r"(?:这只是|這只是|以上只是|以上是|综上所述|綜上所述)")

DUTIES, MIXED, AUTHORITIES, SUMMARY, REQUIREMENTS, KPIS = (
    "duties",
    "mixed",
    "authorities",
    "summary",
    "requirements",
    "kpis",
)


@dataclass
class _Event:
    start: int
    end: int
    kind: str  # header | up | down | marker
    style: str = ""
    number: int | None = None
    header: str = ""
    name: str = ""
    page: str = ""
    glued: bool = False
    keyword: str = ""
    parent_number: int | None = None
    colon: bool = False


def _separator(parts: list[str]) -> str:
    """What joins a line to the text of the lines before it.

    A line break: tidy() removes it between Chinese characters and turns it
    into a space between words, and heading_text() can cut a lead-in at it.
    """
    return "\n" if parts else ""


def clean_item_text(text: str) -> str:
    """Text without its number's leftovers, trailing ; ； 。 or Word's wrap spaces."""
    return tidy(text).lstrip(_LEADING).rstrip(_TRAILING).strip()


def heading_text(text: str) -> str:
    """An item's text used as a heading: without a closing lead-in such as “具体职责如下:”."""
    text = text.strip()
    if text.endswith((":", "：")):
        body = text.rstrip(":：")
        cut = max(body.rfind(c) for c in "。;；!！?？\n")
        text = body[: cut + 1] if cut > 0 else body
    return tidy(text).strip(_TRAILING)


def repeated_heading(text: str) -> tuple[str, str]:
    """“销售代表销售代表是…” → (“销售代表”, “销售代表是…”): a heading glued to a sentence that repeats it."""
    match = re.match(r"^(.{2,12}?)\1", text)
    if not match or not names.is_heading(match.group(1)):
        return "", text
    return match.group(1), text[len(match.group(1)) :]


def _cn_value(text: str) -> int:
    return chinese_number(text) or 0


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class Reader:
    def __init__(self, warnings: list[str] | None = None):
        self.document = ParsedDocument(warnings=list(warnings or []))
        self.block: ParsedBlock | None = None
        self.mode = DUTIES
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
        # After “岗位职责：” lines without numbers are the duties, one a line or a clause.
        self.colon_header = False
        self.unnumbered: list[str] = []
        # Table rows read line by line (序号 / 岗位职责 / 流程 / 相关记录 / 工作指标).
        self.row: ParsedItem | None = None
        self.row_phase = ""
        self.row_pending = ""
        self.heading_numbers: dict[int, int] = {}  # id(block) -> number of its heading
        self.row_owners: set[int] = set()

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
        self.document.blocks.append(block)
        self.block = block
        if number is not None:
            self.heading_numbers[id(block)] = number
        self.mode = DUTIES
        self._reset_lists()
        self.lead = ""
        self.pending_heading = ""
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
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": _short(self.lead)}
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
                keep = self.positions_follow
                self._new_block(POSITION, title)
                self.positions_follow = keep
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
            if text:
                self.block.summary = "\n".join(filter(None, [self.block.summary, text]))
        elif kind == "requirement":
            text = clean_item_text("".join(target[1]))
            if text:
                self.block.requirements.append(text)

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
                and (title := _position_title(element.text, following.text))[0]
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
            self.mode = DUTIES
            self._reset_lists()
            return
        keep = self.positions_follow
        self._new_block(POSITION, name, number)
        self.positions_follow = keep
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
        events = self._events(text)
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
        if dash_run and (commentary := _COMMENTARY.search(rest)) and commentary.start() > 0:
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": _short(rest[commentary.start() :])}
            )
            rest = rest[: commentary.start()]
        self._text(rest, pos == 0)
        # Reporting lines and headings end with their line; items may go on.
        if self.target is not None and self.target[0] in ("up", "down", "title"):
            self._close()
        if self.lead.strip() and self.colon_header and self.mode in (DUTIES, MIXED, AUTHORITIES):
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
            if self.mode == SUMMARY:
                self._close()
                self.target = ("summary", [stripped])
                return
            if self.mode == REQUIREMENTS:
                self._close()
                self.target = ("requirement", [stripped])
                return
            if self.mode == KPIS:
                self._close()
                item = ParsedItem(text="")
                item._mode = KPIS
                self._ensure_section().items.append(item)
                self.target = ("item", item, [stripped])
                return
            heading_line = stripped.endswith((":", "：")) and names.is_heading(stripped[:-1])
            if (
                self.target
                and self.target[0] == "item"
                and self.item_at_line_start
                and not heading_line
                and not _STOP_WORDS.match(stripped)
            ):
                self._append(stripped, line_start=True)
                return
            self._close()
            self.lead = stripped
            return
        self._append(text)

    def _field(self, text: str) -> bool:
        """职位名称：人力资源专员 / 所属部门：人力资源部 — a job-description form's fields."""
        if match := names.POSITION_FIELD.match(text):
            value = match.group("value").strip()
            self._close()
            block = self.block
            if block is not None and not block.name and not block.items:
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

    # -- events ---------------------------------------------------------------

    def _events(self, text: str) -> list[_Event]:
        events: list[_Event] = []
        taken = bytearray(len(text) + 1)  # characters already read as a heading
        pos = 0
        for match in names.KEYWORD.finditer(text):
            if match.start() < pos:
                continue
            event = self._header_event(text, match, pos)
            if event is not None:
                events.append(event)
                taken[event.start : event.end] = b"\x01" * (event.end - event.start)
                pos = event.end
        for match in names.ENGLISH_HEADER.finditer(text):
            if any(taken[match.start() : match.end()]):
                continue
            name = (match.group("name") or match.group("name2") or "").strip()
            kind = next(
                (k for k in ("duties", "requirements", "summary", "kpis") if match.group(k)),
                "duties",
            )
            end = match.end()
            colon = re.match(r"\s*[:：]", text[end:])
            events.append(
                _Event(
                    match.start(),
                    end + (colon.end() if colon else 0),
                    "header",
                    header=kind,
                    name=name,
                    colon=bool(colon),
                    keyword=match.group("kpis") or "",
                )
            )
            taken[match.start() : end] = b"\x01" * (end - match.start())
        for kind, pattern in (("up", names.REPORTS_TO), ("down", names.DIRECT_REPORTS)):
            for match in pattern.finditer(text):
                if not any(taken[match.start() : match.end()]):
                    events.append(_Event(match.start(), match.end(), kind))
                    taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
        for match in MARKER.finditer(text):
            if any(taken[match.start() : match.end()]):
                continue
            events.append(_marker_event(match))
        events.sort(key=lambda e: (e.start, e.kind != "marker"))
        return events

    def _header_event(self, text: str, match: re.Match, floor: int = 0) -> _Event | None:
        """A heading at a keyword found in ``text``, or None when the keyword is in a sentence."""
        kind = match.lastgroup
        kw_start, kw_end = match.start(), match.end()
        window_start = max(floor, kw_start - 24)
        raw_name = names.NAME_BEFORE.search(text, window_start, kw_start).group()
        name_start = kw_start - len(raw_name)
        name = names.clean_name(raw_name)
        bare = kind == "duties" and match.group(kind) in ("职责", "職責", "工作职责", "工作職責")
        valid = (
            bool(name)
            and len(name) <= 20
            and (
                names.is_position_name(name)
                or names.is_unit_name(name)
                or (len(name) <= 6 and not bare)
            )
        )
        if bare and not valid:
            return None
        start = name_start if valid else kw_start
        # Only the last few characters matter; slicing from 0 would be quadratic.
        before = text[max(0, start - 40) : start].rstrip()
        if not before and start > 40 and text[:start].strip():
            before = text[:start].rstrip()[-40:]
        at_boundary = not before or bool(
            _DELIMITER_END.search(before)
            or re.search(rf"(?:[{_CN_NUM}\d]\s*[、.．]|[)）])$", before)
        )
        follow = _HEADER_FOLLOW.match(text, kw_end)
        if follow and at_boundary:
            end = follow.end()
        elif follow and follow.group().strip() in (":", "："):
            # 所以不在此部门人员装备中部门职责: — a colon makes it a heading; the words
            # before it are not a name.
            start, end, valid = kw_start, follow.end(), False
        elif (
            not before
            and valid
            and "的" not in raw_name
            and (names.is_unit_name(name) or names.is_position_name(name))
            and not re.match(r"[的之和与與及。，,;；.]", text[kw_end : kw_end + 1])
        ):
            end = kw_end  # a title line: 销售部部门职责及分工衡阳市…
        elif kind in ("summary", "requirements") and at_boundary and not name:
            end = kw_end  # 一、职位概述业务部是…
        elif (
            not valid
            and not bare
            and kind in ("duties", "department", "mixed", "authority")
            and re.search(rf"[{_CN_NUM}]\s*[、.．]$|[(（][{_CN_NUM}]+[)）]$", before)
        ):
            end = kw_end  # 二、岗位职责业务部总监/经理-负责…
        else:
            return None
        return _Event(
            start,
            end,
            "header",
            header=kind,
            name=name if valid else "",
            keyword=match.group(),
            colon=text[kw_end:end].strip() in (":", "："),
        )

    def _apply_event(self, event: _Event, line_start: bool):
        if event.kind == "header":
            self._apply_header(event)
        elif event.kind in ("up", "down"):
            self._close()
            self._ensure_block(POSITION)
            self.target = (event.kind, [])

    def _apply_header(self, event: _Event):
        self._flush_unnumbered(keep=True)
        number = None
        in_section = False
        # "3.业务助理职责:" — the number belongs to the heading, not to an item.
        if self.target and self.target[0] == "item" and not self._item_text(self.target[1]).strip():
            item = self.target[1]
            number = getattr(item, "_mark", None)
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
            self.mode = DUTIES
            self.section = None
            return
        if kind == "kpis":
            # 考核指标: targets listed apart from the duties, kept in a section of their own.
            self._ensure_block()
            self.mode = KPIS
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
            self.mode = SUMMARY if kind == "summary" else REQUIREMENTS
            self.target = ("summary", []) if kind == "summary" else ("requirement", [])
            return
        if kind == "department" or (kind != "container" and names.is_unit_name(name)):
            block_kind = DEPARTMENT
        else:
            block_kind = POSITION if name else None
        mode = {"authority": AUTHORITIES, "mixed": MIXED}.get(kind, DUTIES)
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

    # -- marks ------------------------------------------------------------------

    def _marker_action(self, event: _Event, gap: str, line_start: bool, dash_run: bool, text: str):
        style, n = event.style, event.number
        before = gap.rstrip()
        boundary = (
            (line_start and not gap.strip())
            or not gap.strip()
            or bool(_DELIMITER_END.search(before))
        )
        lead = _DELIMITERS.split(gap)[-1].strip()
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
        if self.mode == REQUIREMENTS and style != "hier":
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
                lead = _DELIMITERS.split(gap)[-1].strip()
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

    def _apply_marker(self, event: _Event, action: str, gap: str, line_start: bool):
        self._flush_unnumbered(keep=action == "section")
        self.colon_header = False
        if event.page:
            self.warn(_("Dropped a page number: %(text)s") % {"text": event.page})
        heading = lost = ""
        if event.glued and action in ("next", "child"):
            gap, headings = self._split_glued_headings(gap)
            if headings:
                self._text(gap, line_start)
                self._close()
                position = next((h for h in reversed(headings) if names.is_position_name(h)), "")
                if position:
                    keep = self.positions_follow
                    self._new_block(POSITION, position)
                    self.positions_follow = keep
                self._new_section()
                self._add_item(event, level=0, line_start=False)
                return
        body = gap
        lead = _DELIMITERS.split(gap)[-1].strip()
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
        self._text(body, line_start)
        if action == "section":
            self._close()
            self._close_row()
            self.cn_last = event.number or 0
            self.sibling_positions = False
            if self.mode in (SUMMARY, REQUIREMENTS):
                self.mode = DUTIES
            section = self._new_section()
            self.target = ("title", [], section)
            return
        if action == "requirement":
            self._close()
            self.style0, self.last0 = event.style, event.number or self.last0 + 1
            self.target = ("requirement", [])
            return
        if action in ("start", "restart") and not heading and self.pending_heading and line_start:
            heading = self.pending_heading
        self.pending_heading = ""
        if action in ("start", "restart"):
            self._close()
            if heading and heading != (self.block.name if self.block else None):
                if names.is_position_name(heading) or (
                    self.positions_follow and names.is_heading(heading)
                ):
                    keep = self.positions_follow
                    self._new_block(POSITION, heading)
                    self.positions_follow = keep
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
        elif action == "next":
            self._close()
            if self.in_children:
                # Back to the outer list after a promoted item's children: a new section.
                style0, last0 = self.style0, self.last0
                self._new_section()
                self.style0, self.last0 = style0, last0
            self._add_item(event, level=0, line_start=line_start)
        elif action == "children" and (
            self.section is None or self.parent not in self.section.items
        ):
            # The item above ended with its section (a heading came between): a new list.
            self._close()
            self._new_section()
            self.style0, self.last0 = event.style, 0
            self._add_item(event, level=0, line_start=line_start)
        elif action == "children":
            self._close()
            parent = self.parent
            owner = self.section
            title = heading_text(parent.text)
            if parent in owner.items:
                owner.items.remove(parent)
            name, rest = repeated_heading(title)
            if name and (names.is_position_name(name) or self.sibling_positions):
                # 2. 销售代表销售代表是…的核心岗位之一: a position, described, then its duties.
                style0, last0 = self.style0, self.last0
                keep = self.positions_follow
                self._new_block(POSITION, name)
                self.block.summary = rest
                self.positions_follow = keep
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
        elif action == "child":
            self._close()
            self._add_item(event, level=1, line_start=line_start)

    def _flush_unnumbered(self, keep: bool):
        """Duties written without numbers under “岗位职责：”: one per line, or per ； clause."""
        lines, self.unnumbered = self.unnumbered, []
        if not lines:
            return
        if not keep:
            for line in lines:
                self.warn(
                    _("Ignored text that is not a numbered item: %(text)s") % {"text": _short(line)}
                )
            return
        section = self._ensure_section()
        for line in lines:
            for part in re.split(r"[;；]", line):
                if clean_item_text(part):
                    item = ParsedItem(text=part)
                    item._mode = self.mode
                    section.items.append(item)

    def _drop_pending_heading(self):
        if self.pending_heading:
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": self.pending_heading}
            )
            self.pending_heading = ""

    def _known_names(self) -> tuple[set[str], set[str]]:
        """Names the document lists in its organisation structure, and the stems of its teams."""
        known, stems = set(), set()
        for block in self.document.blocks:
            if block.name:
                known.add(block.name)
            for section in block.sections:
                if not _STRUCTURE.search(section.title):
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
        commentary = _COMMENTARY.search(text)
        if commentary and commentary.start() > 0:
            self.warn(
                _("Ignored text that is not a numbered item: %(text)s")
                % {"text": _short(text[commentary.start() :])}
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

    def _add_item(self, event: _Event, level: int, line_start: bool):
        section = self._ensure_section()
        item = ParsedItem(text="")
        item._mark = event.number
        item._mode = self.mode
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

    # -- tables ------------------------------------------------------------------

    def _start_row(self, number: str):
        self._flush_unnumbered(keep=True)
        self._close()
        self._close_row()
        self._drop_pending_heading()
        item = ParsedItem(text="", number=number.strip().rstrip(".．").replace("．", "."))
        self._ensure_section().items.append(item)
        item._mode = self.mode
        self.row_owners.add(id(self.block))
        self.row = item
        self.row_phase = "duty"

    def _close_row(self):
        if self.row is not None and self.row_pending:
            self.row.forms.extend(_form_names(self.row_pending))
        self.row = None
        self.row_pending = ""
        if self.row_phase != "table":
            self.row_phase = ""

    def _row_line(self, text: str) -> bool:
        """Read one line of a table row; False when the line ends the table."""
        if re.match(rf"^[{_CN_NUM}]{{1,3}}\s*[、.．]", text) or _starts_heading(text):
            return False
        row = self.row
        step = re.match(r"^\d{1,2}\s*[、.．)）]", text)
        if self.row_phase == "duty":
            if step:
                self.row_phase = "steps"
            elif _FORM.fullmatch(text.strip()) or re.fullmatch(r"(?:《[^》]*》\s*)+", text.strip()):
                row.forms.extend(_FORM.findall(text))
                self.row_phase = "forms"
                return True
            else:
                row.text = text
                self.row_phase = "after-duty"
                return True
        if step:
            if self.row_pending:
                # A line then steps from 1 again: the line was a duty whose 序号 was lost.
                if re.match(r"^1\s*[、.．)）]", text):
                    new = ParsedItem(text=self.row_pending)
                    new._mode = self.mode
                    self._ensure_section().items.append(new)
                    self.row = row = new
                else:
                    row.forms.extend(_form_names(self.row_pending))
                self.row_pending = ""
            for step_text in _split_steps(text):
                row.process_steps.append(step_text)
            row.forms.extend(name for name in _FORM.findall(text) if name not in row.forms)
            self.row_phase = "steps"
            return True
        if self.row_pending:
            row.forms.extend(_form_names(self.row_pending))
            self.row_pending = ""
        if "《" in text:
            row.forms.extend(name for name in _FORM.findall(text) if name not in row.forms)
            self.row_phase = "forms"
        elif looks_like_kpi(text):
            row.kpis.extend(parse_kpis(text))
            self.row_phase = "kpis"
        elif self.row_phase == "after-duty":
            row.process_steps.append(clean_item_text(text))
            self.row_phase = "steps"
        elif self.row_phase == "steps":
            self.row_pending = text
        else:
            row.kpis.extend(parse_kpis(text))
            self.row_phase = "kpis"
        return True

    def _read_table(self, table: Table):
        self._flush_unnumbered(keep=True)
        self._close()
        self._close_row()
        roles: list[str | None] = []
        for cells in table.rows:
            if is_column_header(cells):
                roles = [column_role(c) for c in cells]
                continue
            if not roles:
                # Not a duty table (a job-description form, or layout): its cells as paragraphs.
                for line in _form_lines(cells):
                    self._read_paragraph(line)
                continue
            self._table_row(
                dict(zip(roles, cells, strict=False))
                if len(cells) == len(roles)
                else _by_role(roles, cells)
            )
        self._close()

    def _table_row(self, cells: dict):
        if not any((v or "").strip() for v in cells.values()):
            return
        position = clean_item_text(cells.get("position") or "")
        if position and (
            self.block is None or self.block.name != position or self.block.kind != POSITION
        ):
            self._new_block(POSITION, position)
        duty = (cells.get("duty") or "").strip()
        kpi_text = (cells.get("kpis") or "").strip()
        if not duty:
            previous = self.section.items[-1] if self.section and self.section.items else None
            if previous is not None and kpi_text:
                previous.kpis.extend(parse_kpis(kpi_text))
            return
        item = ParsedItem(text=duty, number=(cells.get("number") or "").strip().rstrip("."))
        item._mode = self.mode
        if cells.get("steps"):
            item.process_steps = _split_steps(cells["steps"])
        if cells.get("forms"):
            item.forms = _form_names(cells["forms"])
        if kpi_text:
            item.kpis = parse_kpis(kpi_text)
        if cells.get("authority"):
            self._ensure_section().items.append(item)
            extra = ParsedItem(text=cells["authority"], kind=AUTHORITY)
            extra._mode = AUTHORITIES
            self.section.items.append(extra)
            return
        self._ensure_section().items.append(item)


_BRACKET_LABEL = re.compile(r"^[【\[〔]\s*([^】\]〕]{2,10}?)\s*[】\]〕]\s*[:：]?\s*")


def unbracket(text: str) -> str:
    """“【岗位名称】行政专员” reads as “岗位名称：行政专员”, “【岗位职责】” as “岗位职责：”."""
    match = _BRACKET_LABEL.match(text)
    if not match or not _label(match.group(1)):
        return text
    return f"{match.group(1)}：{text[match.end() :]}"


_NUMBERING = re.compile(
    rf"^\s*(?:[{_CN_NUM}]{{1,3}}\s*[、.．]|[(（]\s*[{_CN_NUM}\d]{{1,3}}\s*[)）])\s*"
)
_DESCRIBES = ("duties", "mixed", "authority", "summary", "requirements")


def _describes_position(text: str) -> bool:
    """直接上级：… / 岗位职责： / 任职要求 / Reports to: … — a line that only a position has."""
    text = _NUMBERING.sub("", unbracket(text.strip()), count=1)
    if names.REPORTS_TO.match(text) or names.DIRECT_REPORTS.match(text):
        return True
    if names.UNIT_FIELD.match(text):
        return True
    match = names.KEYWORD.match(text)
    if match and match.lastgroup in _DESCRIBES:
        rest = text[match.end() :].lstrip()
        return not rest or rest[0] in ":：" or bool(MARKER.match(rest))
    match = names.ENGLISH_HEADER.match(text)
    return bool(match and not (match.group("name") or match.group("name2")))


_TITLE_NUMBER = re.compile(r"^(\d{1,2})\s*[.．、]\s*(?=\D)")


def _position_title(text: str, following: str) -> tuple[str, int | None]:
    """“人事专员” (or “1. 人事专员”) alone on a line, then “直接上级：…” or “岗位职责：”.

    The title of a position and the number of its heading; ("", None) otherwise.
    """
    text = unbracket(text.strip())
    number = None
    if match := _TITLE_NUMBER.match(text):
        number, text = int(match.group(1)), text[match.end() :]
    if not names.is_position_name(text) or "、" in text or MARKER.match(text):
        return "", None
    if names.HEADER.search(text) or names.POSITION_FIELD.match(text):
        return "", None
    return (text, number) if _describes_position(following) else ("", None)


def _label(text: str) -> str:
    """The label of a form cell (岗位名称, 直接上级, 岗位职责 …), or ''."""
    label = text.strip().rstrip(":：").strip()
    if not label or len(label) > 10 or "\n" in label:
        return ""
    probe = label + "：x"
    if names.POSITION_FIELD.match(probe) or names.UNIT_FIELD.match(probe):
        return label
    if names.REPORTS_TO.fullmatch(label + "：") or names.DIRECT_REPORTS.fullmatch(label + "："):
        return label
    match = names.HEADER.fullmatch(label)
    return label if match and not match.group("name") else ""


def _form_lines(cells: list[str]) -> list[str]:
    """The lines of a form row: “岗位名称 | 销售经理” reads as “岗位名称：销售经理”."""
    lines: list[str] = []
    index = 0
    while index < len(cells):
        cell = cells[index].strip()
        value = cells[index + 1].strip() if index + 1 < len(cells) else ""
        label = _label(cell)
        if label and value and not _label(value):
            values = [v.strip() for v in value.split("\n") if v.strip()]
            if len(values) == 1 and not names.HEADER.fullmatch(label):
                lines.append(f"{label}：{values[0]}")
            else:
                lines.append(f"{label}：")
                lines.extend(values)
            index += 2
            continue
        lines.extend(v for v in cell.split("\n") if v.strip())
        index += 1
    return lines


def _by_role(roles, cells) -> dict:
    data = {}
    for role, cell in zip(roles, cells, strict=False):
        if role and role not in data:
            data[role] = cell
    return data


def _starts_heading(text: str) -> bool:
    match = names.HEADER.search(text[:40])
    if not match:
        return False
    rest = text[match.end() :].lstrip()
    prefix = text[: match.start()].strip()
    return (not rest or rest[0] in ":：") and (
        not prefix or re.fullmatch(r"\d{1,2}[.．、]?", prefix)
    )


def _split_steps(text: str) -> list[str]:
    parts = re.split(r"(?:^|(?<=[;；。\n])|\n)\s*\d{1,2}\s*[、.．)）](?!\d)", text)
    steps = [clean_item_text(p) for p in parts]
    return [s for s in steps if s]


def _form_names(text: str) -> list[str]:
    found = _FORM.findall(text)
    if found:
        return [f.strip() for f in found]
    return [clean_item_text(p) for p in re.split(r"[、,，;；\n]", text) if clean_item_text(p)]


def _marker_event(match: re.Match) -> _Event:
    groups = match.groupdict()
    if groups["hier"]:
        last = re.split(r"[.．]", groups["hier"].rstrip(".．"))[-1]
        return _Event(match.start(), match.end(), "marker", "hier", int(last))
    if groups["sub"]:
        return _Event(
            match.start(),
            match.end(),
            "marker",
            "sub",
            int(groups["subnum"]),
            parent_number=int(groups["subparent"]),
        )
    if groups["pnum"]:
        return _Event(match.start(), match.end(), "marker", "paren", int(groups["pnum"]))
    if groups["pcn"]:
        return _Event(match.start(), match.end(), "marker", "pcn", _cn_value(groups["pcn"]))
    if groups["circ"]:
        return _Event(
            match.start(), match.end(), "marker", "circ", ord(groups["circ"]) - 0x2460 + 1
        )
    if groups["cn"]:
        return _Event(match.start(), match.end(), "marker", "cn", _cn_value(groups["cn"]))
    if groups["num"]:
        sep = groups["sep"]
        family = "num-dun" if sep in "、，" else "num-paren" if sep in ")）" else "num-dot"
        start = match.start("num")
        return _Event(
            start if not groups["page"] else match.start(),
            match.end(),
            "marker",
            family,
            int(groups["num"].replace(" ", "")),
            page=groups["page"] or "",
        )
    return _Event(match.start(), match.end(), "marker", "bullet", None)


# -- after reading -------------------------------------------------------------


def finish(document: ParsedDocument, reader: Reader) -> ParsedDocument:
    _route_rows(document, reader)
    for block in document.blocks:
        for section in list(block.sections):
            if _STRUCTURE.search(section.title) and section.items:
                listed = "、".join(clean_item_text(i.text) for i in section.items)
                reader.warn(
                    _("Not read as duties (an organisation structure): %(title)s: %(names)s")
                    % {"title": section.title, "names": _short(listed)}
                )
                block.sections.remove(section)
    _split_position_lists(document)
    for block in document.blocks:
        for section in block.sections:
            kept = []
            for item in section.items:
                text = clean_item_text(item.text)
                if not text:
                    if item.number:
                        reader.warn(
                            _("Dropped table row %(number)s: it has no duty text.")
                            % {"number": item.number}
                        )
                    continue
                item.text = text
                mode = getattr(item, "_mode", DUTIES)
                if mode == KPIS and not item.kpis:
                    item.kpis = parse_kpis(text)
                if item.kind != AUTHORITY:
                    item.kind = (
                        AUTHORITY if mode == AUTHORITIES or _AUTHORITY.search(text) else DUTY
                    )
                for name in _FORM.findall(text):
                    if name.strip() not in item.forms:
                        item.forms.append(name.strip())
                item.process_steps = [
                    s for s in (clean_item_text(s) for s in item.process_steps) if s
                ]
                item.forms = list(
                    dict.fromkeys(f for f in (clean_item_text(f) for f in item.forms) if f)
                )
                kept.append(item)
                rights = [s for s in item.process_steps if _AUTHORITY.search(s)]
                if rights and item.kind == DUTY:
                    # 对…请假1天以内(含)有直接审批权: a right written among the steps is an authority.
                    item.process_steps = [s for s in item.process_steps if s not in rights]
                    kept.extend(ParsedItem(text=right, kind=AUTHORITY) for right in rights)
            section.items = kept
        if not any(s.items for s in block.sections) and len(block.sections) >= 2:
            titles = [s.title for s in block.sections if s.title]
            if len(titles) >= 2:
                # 一、… 二、… with nothing under them: they were the items.
                block.sections = [
                    ParsedSection(items=[ParsedItem(text=clean_item_text(t)) for t in titles])
                ]
        for section in list(block.sections):
            if not section.items:
                if section.title:
                    reader.warn(
                        _("Dropped a heading with no items under it: %(text)s")
                        % {"text": _short(section.title)}
                    )
                block.sections.remove(section)
    kept_blocks = []
    for block in document.blocks:
        if (
            block.items
            or block.summary
            or block.requirements
            or block.reports_to
            or block.direct_reports
        ):
            kept_blocks.append(block)
        elif block.name:
            reader.warn(
                _("Dropped a heading with nothing under it: %(text)s") % {"text": block.name}
            )
    document.blocks = kept_blocks
    return document


_NAMED_ITEM = re.compile(r"^([^:：,，。;；]{2,16})[:：]\s*(.+)$", re.S)


def _split_position_lists(document: ParsedDocument):
    """“1. 业务经理:负责… 2. 产品经理:负责…” under a department: one duty per position.

    Only when every item of the section starts with a position title and a
    colon; “制定销售策略和计划:根据…” stays an item.
    """
    blocks = []
    for block in document.blocks:
        blocks.append(block)
        if block.kind == POSITION:
            continue
        for section in list(block.sections):
            matches = [_NAMED_ITEM.match(clean_item_text(i.text)) for i in section.items]
            if len(matches) < 2 or not all(
                m and names.is_position_name(m.group(1)) for m in matches
            ):
                continue
            block.sections.remove(section)
            for item, match in zip(section.items, matches, strict=True):
                item.text = match.group(2)
                blocks.append(
                    ParsedBlock(
                        kind=POSITION,
                        name=match.group(1).strip(),
                        sections=[ParsedSection(items=[item])],
                    )
                )
    document.blocks = blocks


def _number_key(number: str) -> tuple:
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def _route_rows(document: ParsedDocument, reader: Reader):
    """Put table rows numbered 3.2.x under the heading numbered 2 (业务经理职责), in number order.

    Copied tables sometimes arrive with their rows out of order; the 序号
    says which position a row belongs to when the document numbers its
    position headings (1.业务总监 2.业务经理 …).
    """
    owners: dict[int, list[ParsedBlock]] = {}
    for block in document.blocks:
        number = reader.heading_numbers.get(id(block))
        if number is not None and id(block) in reader.row_owners:
            owners.setdefault(number, []).append(block)
    if not owners:
        return
    homes: dict[int, ParsedSection] = {}
    moved: dict[int, list[ParsedItem]] = {}
    for block in document.blocks:
        for section in block.sections:
            for item in list(section.items):
                key = _number_key(item.number)
                if len(key) < 3 or len(owners.get(key[1], [])) != 1:
                    continue
                owner = owners[key[1]][0]
                if owner is block:
                    # The rows go where the block's own table was.
                    homes.setdefault(id(owner), section)
                section.items.remove(item)
                moved.setdefault(id(owner), []).append(item)
    for block in document.blocks:
        rows = moved.get(id(block))
        if not rows:
            continue
        rows.sort(key=lambda i: _number_key(i.number))
        seen: set[str] = set()
        for row in rows:
            if row.number in seen:
                reader.warn(
                    _("Table row number %(number)s appears more than once.")
                    % {"number": row.number}
                )
            seen.add(row.number)
        home = homes.get(id(block))
        if home is None:
            home = ParsedSection()
            block.sections.append(home)
        home.items.extend(rows)
