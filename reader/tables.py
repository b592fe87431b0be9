"""Tables of duties: a Word table with columns, or its rows pasted as lines (序号 / 岗位职责 / 流程 …).

The reader's table methods; ``TablesMixin`` is one part of ``reader.structure.Reader``
and uses its state.
"""

import re

from reader import names
from reader.files import Table
from reader.kpi import looks_like_kpi, parse_kpis
from reader.mode import Mode
from reader.model import AUTHORITY, POSITION, ParsedItem
from reader.patterns import CN_NUM, FORM, clean_item_text, form_label
from reader.text import column_role, is_column_header


class TablesMixin:
    def _start_row(self, number: str):
        self._flush_unnumbered(keep=True)
        self._close()
        self._close_row()
        self._drop_pending_heading()
        item = ParsedItem(text="", number=number.strip().rstrip(".．").replace("．", "."))
        self._ensure_section().items.append(item)
        self.modes[item] = self.mode
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
        if re.match(rf"^[{CN_NUM}]{{1,3}}\s*[、.．]", text) or _starts_heading(text):
            return False
        row = self.row
        step = re.match(r"^\d{1,2}\s*[、.．)）]", text)
        if self.row_phase == "duty":
            if step:
                self.row_phase = "steps"
            elif FORM.fullmatch(text.strip()) or re.fullmatch(r"(?:《[^》]*》\s*)+", text.strip()):
                row.forms.extend(FORM.findall(text))
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
                    self.modes[new] = self.mode
                    self._ensure_section().items.append(new)
                    self.row = row = new
                else:
                    row.forms.extend(_form_names(self.row_pending))
                self.row_pending = ""
            for step_text in _split_steps(text):
                row.process_steps.append(step_text)
            row.forms.extend(name for name in FORM.findall(text) if name not in row.forms)
            self.row_phase = "steps"
            return True
        if self.row_pending:
            row.forms.extend(_form_names(self.row_pending))
            self.row_pending = ""
        if "《" in text:
            row.forms.extend(name for name in FORM.findall(text) if name not in row.forms)
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
        self.modes[item] = self.mode
        if cells.get("steps"):
            item.process_steps = _split_steps(cells["steps"])
        if cells.get("forms"):
            item.forms = _form_names(cells["forms"])
        if kpi_text:
            item.kpis = parse_kpis(kpi_text)
        if cells.get("authority"):
            self._ensure_section().items.append(item)
            extra = ParsedItem(text=cells["authority"], kind=AUTHORITY)
            self.modes[extra] = Mode.AUTHORITIES
            self.section.items.append(extra)
            return
        self._ensure_section().items.append(item)


def _form_lines(cells: list[str]) -> list[str]:
    """The lines of a form row: “岗位名称 | 销售经理” reads as “岗位名称：销售经理”."""
    lines: list[str] = []
    index = 0
    while index < len(cells):
        cell = cells[index].strip()
        value = cells[index + 1].strip() if index + 1 < len(cells) else ""
        label = form_label(cell)
        if label and value and not form_label(value):
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
    found = FORM.findall(text)
    if found:
        return [f.strip() for f in found]
    return [clean_item_text(p) for p in re.split(r"[、,，;；\n]", text) if clean_item_text(p)]
