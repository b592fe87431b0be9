"""Turn a flat sheet (one row per person or per post) into an organisation workbook.

As intake/rows.py does for a duty document, the flat sheet becomes ordinary
workbook rows (departments, positions, employees), so the workbook importer
validates, previews, writes atomically and records history exactly as for a
workbook of its own. Problems found here point at the flat sheet's row and
header; the importer's own errors are translated back to them.

The rules (README, "Flat-sheet import"):

- Units come from the unit and unit path columns, split on ``/ \\ > ›``; the
  same path is the same unit, and a stored unit with that path (from the
  top, names compared as headers are) is that unit. Without a unit column
  every row is in one unit, named after the file or as given (``--unit``);
  with one, a given unit is put above the sheet's units.
- With a post id, each row is a position (its code), reporting to the post
  its reports-to names, in the sheet or stored.
- Without one, positions are derived from people: one per distinct (title,
  unit, manager's position), its headcount the number of its rows; a stored
  position of that title, unit and superior is that position.
- A manager id names another row's employee id (or, failing that, exactly
  one row's name), or a stored employee, whose primary position is then the
  superior.
- A blank name, or Vacant, 空缺, 空编, leaves the post unfilled. FTE gives the
  headcount, rounded up (0.5 is 1). NULL, N/A, n/d and - are empty cells.
"""

import datetime
import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments.models import Department
from positions.models import Assignment, Employee, Position
from workbook.columns import UNIT_KINDS, normal_word
from workbook.flat_read import FIELD_LABELS, NOTES_HEADERS, FlatSheet, header_key
from workbook.importer import ImportFailed, OrgImporter, RowError
from workbook.sheets import MAX_CELL_CHARS, Row, Workbook

NULL_WORDS = frozenset({"null", "n/a", "#n/a", "n/d", "-", "--", "—", "none", "nil"})
VACANT_WORDS = frozenset({"vacant", "vacancy", "空缺", "空编", "空岗", "待招聘", "待招"})
VACANT_STARTS = ("vacant", "空缺", "空编")
PATH_SEPARATORS = re.compile(r"[/\\>›]")
# Codes, numbers and dates are folded (ＳＡＬＥＳ－１ → SALES-1); names are kept as written.
FOLDED = frozenset(
    {"post_code", "reports_to_post", "employee_no", "manager_employee_no", "headcount"}
    | {"start_date", "email"}
)
# Read, but the organisation has no field to keep them in yet.
NOT_STORED = ("grade", "email")
CODE_LENGTH = 40
NAME_LENGTH = 100
UNIT_NAME_LENGTH = 200
TITLE_LENGTH = 200

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:10].upper()


def _unit_kind(name: str, top: bool) -> str:
    """A new unit's kind from its name's ending (华东区 is a region); a top unit is a company."""
    word = normal_word(name)
    for ending in sorted(UNIT_KINDS, key=len, reverse=True):
        if not ending.isascii() and word.endswith(ending) and len(word) > len(ending):
            return UNIT_KINDS[ending]
    if word.endswith("区"):
        return "region"
    return "company" if top else "department"


def parse_date(text: str) -> datetime.date | None:
    """2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日; None when it is none of them."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


@dataclass(eq=False)
class FlatRow:
    number: int
    values: dict
    bad: bool = False
    vacant: bool = False
    name: str = ""
    path: tuple = ()
    unit_code: str = ""
    fte: float = 1.0
    employee_no: str = ""
    boss: object = None  # another FlatRow, a stored position's code, or None
    position: str = ""  # its position's code, once known

    def get(self, name) -> str:
        return self.values.get(name, "")


@dataclass
class FlatBook:
    """The workbook a flat sheet became, what the preview says about it, and its problems."""

    sheet: FlatSheet
    mapping: list[str]
    workbook: Workbook = field(default_factory=Workbook)
    notes: list[str] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    # (workbook sheet, column) -> the flat sheet's header it came from
    columns: dict = field(default_factory=dict)
    unit: str = ""
    counts: dict = field(default_factory=dict)

    def translate(self, error: RowError) -> RowError:
        """An importer's error on a generated row, at the flat sheet's row and header."""
        if error.sheet == self.sheet.name:
            return error
        return RowError(
            self.sheet.name,
            error.row,
            self.columns.get((error.sheet, error.column), ""),
            error.message,
        )


class _Stored:
    """The stored organisation the flat sheet is matched with: four queries, whatever its size."""

    def __init__(self):
        departments = list(Department.objects.values_list("pk", "code", "name", "parent_id"))
        by_id = {pk: (code, name, parent) for pk, code, name, parent in departments}
        self.department_codes = {code for code, _n, _p in by_id.values()}
        self.paths = {}
        keys = {}
        for pk in by_id:
            chain, current = [], pk
            while current is not None and current not in keys and current not in chain:
                chain.append(current)
                current = by_id[current][2]
            key = keys.get(current, ())
            for item in reversed(chain):
                key = (*key, normal_word(by_id[item][1]))
                keys[item] = key
        self.paths = {key: by_id[pk][0] for pk, key in keys.items()}
        self.positions = {
            row[0]: row
            for row in Position.objects.values_list(
                "code",
                "title",
                "department__code",
                "reports_to__code",
                "is_head",
                "summary",
                "requirements",
            ).order_by("code")
        }
        self.position_by_key = {}
        for code, title, department, boss, *_rest in self.positions.values():
            self.position_by_key.setdefault((department, normal_word(title), boss or ""), code)
        self.usernames = dict(Employee.objects.values_list("employee_no", "user__username"))
        self.start_dates, self.primary = {}, {}
        for number, code, _primary, start, end in Assignment.objects.values_list(
            "employee__employee_no", "position__code", "is_primary", "start_date", "end_date"
        ).order_by("-is_primary", "start_date", "pk"):
            self.start_dates[(number, code)] = start
            if end is None:
                self.primary.setdefault(number, code)


class FlatConverter:
    def __init__(self, sheet: FlatSheet, mapping: list[str], unit: str = ""):
        self.sheet = sheet
        self.column, twice = {}, []
        for index, name in enumerate(mapping):
            if name and name in self.column:
                twice.append((name, index))
            elif name:
                self.column[name] = index
        self.header = {name: sheet.headers[i] for name, i in self.column.items()}
        self.book = FlatBook(sheet, list(mapping))
        for name, index in twice:
            self.note(
                _("“%(other)s” is mapped to %(field)s too: only “%(first)s” is read.")
                % {"other": sheet.headers[index], "field": name, "first": self.header[name]}
            )
        self.given_unit = unit.strip()
        self.posts = "post_code" in self.column

    def error(self, row, name, message):
        number = row.number if isinstance(row, FlatRow) else row
        self.book.problems.append(
            RowError(self.sheet.name, number, self.header.get(name, ""), message)
        )
        if isinstance(row, FlatRow):
            row.bad = True

    def note(self, message):
        self.book.notes.append(message)

    def convert(self) -> FlatBook:
        if "title" not in self.column:
            self.error(
                self.sheet.header_row,
                None,
                _("No column is mapped to the field “title” (the job title); map one.")
                % {"field": "title"},
            )
            return self.book
        self.stored = _Stored()
        rows = self._rows()
        self._identify(rows)
        self._units(rows)
        self._managers(rows)
        self._cycles(rows)
        positions = self._posts(rows) if self.posts else self._derived(rows)
        self._write(rows, positions)
        self._describe(rows, positions)
        return self.book

    # -- cells ---------------------------------------------------------------

    def _rows(self) -> list[FlatRow]:
        sheet, width = self.sheet, len(self.sheet.headers)
        notes_at = next(
            (
                i
                for i, h in enumerate(sheet.headers)
                if header_key(h) in NOTES_HEADERS and i not in self.column.values()
            ),
            None,
        )
        targets = list(self.column.items())
        rows, joined, nulls = [], [], 0
        for number, cells in sheet.rows:
            if sheet.delimited and len(cells) != width:
                if len(cells) > width and not any(c.strip() for c in cells[width:]):
                    cells = cells[:width]  # a delimiter at the end of the line
                elif len(cells) > width and notes_at is not None:
                    end = notes_at + 1 + len(cells) - width
                    glued = sheet.delimiter.join(cells[notes_at:end])
                    cells = [*cells[:notes_at], glued, *cells[end:]]
                    joined.append(number)
                else:
                    self.error(
                        number,
                        None,
                        _(
                            "The row has %(cells)d cells but the header has %(columns)d "
                            "columns: a cell holding a comma or a line break must be quoted."
                        )
                        % {"cells": len(cells), "columns": width},
                    )
                    continue
            values = {}
            for name, index in targets:
                if index >= len(cells):
                    continue
                text = cells[index]
                if not text:
                    continue
                text = text.strip(" \t\r\n\u3000\u00a0")
                if len(text) > MAX_CELL_CHARS:
                    self.error(
                        number,
                        name,
                        _("The cell holds more than %(limit)d characters.")
                        % {"limit": MAX_CELL_CHARS},
                    )
                    text = text[:MAX_CELL_CHARS]
                if name in FOLDED and not text.isascii():
                    text = unicodedata.normalize("NFKC", text).strip()
                if len(text) <= 4 and text.lower() in NULL_WORDS:
                    nulls += 1
                    continue
                if text:
                    values[name] = text
            rows.append(FlatRow(number, values))
        if joined:
            self.note(
                ngettext(
                    "%(count)d row had more cells than the header (unquoted commas): the extra "
                    "cells were joined back into the column “%(column)s”, row %(rows)s.",
                    "%(count)d rows had more cells than the header (unquoted commas): the extra "
                    "cells were joined back into the column “%(column)s”, rows %(rows)s.",
                    len(joined),
                )
                % {
                    "count": len(joined),
                    "column": sheet.headers[notes_at],
                    "rows": _list(joined),
                }
            )
        if nulls:
            self.note(
                ngettext(
                    "%(count)d cell read NULL, N/A, n/d or -: it was taken as empty.",
                    "%(count)d cells read NULL, N/A, n/d or -: they were taken as empty.",
                    nulls,
                )
                % {"count": nulls}
            )
        return rows

    # -- who and what --------------------------------------------------------

    def _identify(self, rows):
        by_post, by_employee = {}, {}
        self.by_name = {}
        occurrences = {}
        for row in rows:
            name = row.get("name")
            if not name and ("first_name" in row.values or "last_name" in row.values):
                first, last = row.get("first_name"), row.get("last_name")
                ascii_name = (first + last).isascii()
                name = f"{first} {last}".strip() if ascii_name else f"{last}{first}"
            key = header_key(name)
            # "Vacant (advertised)", "空缺岗位": the word first is enough.
            row.vacant = not key or key in VACANT_WORDS or key.startswith(VACANT_STARTS)
            row.name = "" if row.vacant else name
            if len(row.name) > NAME_LENGTH:
                self.error(
                    row, "name", _("The name is longer than %(n)d characters.") % {"n": NAME_LENGTH}
                )
            title = row.get("title")
            if not title:
                self.error(row, "title", _("The job title is empty."))
            elif len(title) > TITLE_LENGTH:
                self.error(
                    row,
                    "title",
                    _("The job title is longer than %(n)d characters.") % {"n": TITLE_LENGTH},
                )
            if self.posts:
                post = row.get("post_code")
                if not post:
                    self.error(row, "post_code", _("The post id is empty."))
                elif len(post) > CODE_LENGTH:
                    self.error(
                        row,
                        "post_code",
                        _("The post id is longer than %(n)d characters.") % {"n": CODE_LENGTH},
                    )
                elif post in by_post:
                    self.error(
                        row,
                        "post_code",
                        _("Post “%(id)s” already appears in row %(row)d.")
                        % {"id": post, "row": by_post[post].number},
                    )
                else:
                    by_post[post] = row
                    row.position = post
            if row.vacant:
                continue
            number = row.get("employee_no")
            if "employee_no" in self.column and not number and not self.posts:
                self.error(row, "employee_no", _("The employee id is empty."))
                continue
            if not number:
                if self.posts:
                    post = row.get("post_code")
                    number = f"POST-{post}" if len(post) <= CODE_LENGTH - 5 else ""
                    number = number or f"POST-{_digest(post)}"
                else:
                    seen = (name, row.get("unit_path"), row.get("unit"), title)
                    occurrences[seen] = occurrences.get(seen, 0) + 1
                    number = f"FLAT-{_digest(*seen[:3], title, str(occurrences[seen]))}"
            elif len(number) > CODE_LENGTH:
                self.error(
                    row,
                    "employee_no",
                    _("The employee id is longer than %(n)d characters.") % {"n": CODE_LENGTH},
                )
                continue
            elif number in by_employee:
                self.error(
                    row,
                    "employee_no",
                    _("Employee “%(id)s” already appears in row %(row)d.")
                    % {"id": number, "row": by_employee[number].number},
                )
                continue
            by_employee[number] = row
            row.employee_no = number
            self.by_name.setdefault(normal_word(row.name), []).append(row)
        self.by_post, self.by_employee = by_post, by_employee
        if "headcount" in self.column:
            for row in rows:
                text = row.get("headcount")
                if not text:
                    continue
                try:
                    fte = float(text.replace(",", ".") if "." not in text else text)
                except ValueError:
                    fte = -1.0
                if not math.isfinite(fte) or fte < 0 or fte > 100_000:
                    self.error(
                        row,
                        "headcount",
                        _("Expected a headcount or FTE such as 1 or 0.5, got “%(value)s”.")
                        % {"value": text},
                    )
                else:
                    row.fte = fte
        if "start_date" in self.column:
            for row in rows:
                text = row.get("start_date")
                if text and parse_date(text) is None:
                    self.error(
                        row,
                        "start_date",
                        _(
                            "Write the date as YYYY-MM-DD (2024/3/1 and 2024年3月1日 also do), got “%(value)s”."
                        )
                        % {"value": text},
                    )

    def _units(self, rows):
        mapped = [n for n in ("unit_path", "unit") if n in self.column]
        self.book.unit = self.given_unit
        if not mapped:
            self.book.unit = self.given_unit or _file_unit(self.sheet.name)
        new, order = {}, {}
        stored = self.stored
        for row in rows:
            if row.bad:
                continue
            path = []
            for name in mapped:
                text = row.get(name)
                if not text:
                    continue
                parts = [p.strip(" \t\u3000") for p in PATH_SEPARATORS.split(text)]
                if not all(parts):
                    self.error(
                        row,
                        name,
                        _(
                            "The unit path “%(path)s” has an empty part (two separators together, "
                            "or one at an end)."
                        )
                        % {"path": text},
                    )
                    break
                keys = [normal_word(p) for p in parts]
                if [normal_word(p) for p in path[-len(parts) :]] != keys:
                    path += parts  # a unit column repeating the path's end adds nothing
            else:
                if mapped and not path:
                    self.error(row, mapped[0], _("The unit is empty."))
            if row.bad:
                continue
            if self.book.unit and (not path or normal_word(path[0]) != normal_word(self.book.unit)):
                path.insert(0, self.book.unit)
            long = next((p for p in path if len(p) > UNIT_NAME_LENGTH), None)
            if long:
                self.error(
                    row,
                    mapped[0] if mapped else None,
                    _("A unit name is longer than %(n)d characters.") % {"n": UNIT_NAME_LENGTH},
                )
                continue
            key = ()
            parent = ""
            for part in path:
                key = (*key, normal_word(part))
                code = stored.paths.get(key) or (new[key]["code"] if key in new else "")
                if not code:
                    code = f"U-{_digest(*key)}"
                    while code in stored.department_codes:
                        code = f"U-{_digest(*key, code)}"
                    order[parent] = order.get(parent, 0) + 1
                    new[key] = {
                        "code": code,
                        "name": part,
                        "parent_code": parent,
                        "order": str(order[parent]),
                        "number": row.number,
                    }
                parent = code
            row.path, row.unit_code = key, parent
        # A top unit with units below it is a company; the others' kinds are read off their names.
        parents = {unit["parent_code"] for unit in new.values()}
        for unit in new.values():
            top = not unit["parent_code"] and unit["code"] in parents
            unit["kind"] = _unit_kind(unit["name"], top)
        self.new_units = new
        self.unit_keys = {row.path for row in rows if row.path}

    def _managers(self, rows):
        for row in rows:
            if row.bad:
                continue
            boss_post = row.get("reports_to_post") if self.posts else ""
            manager = row.get("manager_employee_no")
            if boss_post:
                if boss_post == row.get("post_code"):
                    self.error(row, "reports_to_post", _("A post cannot report to itself."))
                elif boss_post in self.by_post:
                    row.boss = self.by_post[boss_post]
                elif boss_post in self.stored.positions:
                    row.boss = boss_post
                else:
                    self.error(
                        row,
                        "reports_to_post",
                        _("No post “%(id)s” in the file or the database.") % {"id": boss_post},
                    )
            elif manager:
                boss = self.by_employee.get(manager)
                if boss is None:
                    named = self.by_name.get(normal_word(manager), [])
                    if len(named) > 1:
                        self.error(
                            row,
                            "manager_employee_no",
                            _(
                                "%(count)d people are named “%(name)s” (rows %(rows)s): give the "
                                "manager's employee id."
                            )
                            % {
                                "count": len(named),
                                "name": manager,
                                "rows": _list([r.number for r in named]),
                            },
                        )
                        continue
                    boss = named[0] if named else None
                if boss is row:
                    self.error(row, "manager_employee_no", _("This person is their own manager."))
                elif boss is not None:
                    row.boss = boss
                elif manager in self.stored.primary:
                    row.boss = self.stored.primary[manager]
                elif manager in self.stored.usernames:
                    self.error(
                        row,
                        "manager_employee_no",
                        _(
                            "Employee “%(id)s” holds no position in the database, so no one "
                            "can report to them."
                        )
                        % {"id": manager},
                    )
                else:
                    self.error(
                        row,
                        "manager_employee_no",
                        _("No employee “%(id)s” in the file or the database.") % {"id": manager},
                    )

    def _cycles(self, rows):
        """Rows whose chain of managers comes back to them: an error on each of them."""
        done = set()
        column = "reports_to_post" if self.posts and "reports_to_post" in self.column else None
        column = column or "manager_employee_no"
        for start in rows:
            walk, index, current = [], {}, start
            while isinstance(current, FlatRow) and current not in done and current not in index:
                index[current] = len(walk)
                walk.append(current)
                current = current.boss
            if isinstance(current, FlatRow) and current in index:
                loop = walk[index[current] :]
                chain = " → ".join(str(r.number) for r in [*loop, loop[0]])
                for row in loop:
                    self.error(
                        row,
                        column,
                        _("The reporting line loops back to this row: rows %(chain)s.")
                        % {"chain": chain},
                    )
            done.update(walk)

    # -- positions -----------------------------------------------------------

    def _posts(self, rows) -> dict:
        positions = {}
        for row in rows:
            if row.bad or not row.position:
                continue
            boss = row.boss.position if isinstance(row.boss, FlatRow) else (row.boss or "")
            positions[row.position] = {
                "title": row.get("title"),
                "unit": row.unit_code,
                "boss": boss,
                "rows": [row],
                "headcount": math.ceil(row.fte) if "headcount" in self.column else 1,
                "number": row.number,
            }
        return positions

    def _derived(self, rows) -> dict:
        positions, by_key = {}, {}
        stored = self.stored
        for start in rows:
            stack, current = [], start
            while isinstance(current, FlatRow) and not current.position and not current.bad:
                stack.append(current)
                current = current.boss
                if current in stack:
                    break  # a loop, reported by _cycles
            for row in reversed(stack):
                if isinstance(row.boss, FlatRow):
                    if not row.boss.position:
                        row.bad = True  # its manager's row is wrong, and reported
                        continue
                    boss = row.boss.position
                else:
                    boss = row.boss or ""
                title = row.get("title")
                key = (row.unit_code, normal_word(title), boss)
                code = by_key.get(key) or stored.position_by_key.get(key)
                if not code:
                    code = f"P-{_digest(*key)}"
                by_key[key] = code
                row.position = code
                entry = positions.setdefault(
                    code,
                    {
                        "title": title,
                        "unit": row.unit_code,
                        "boss": boss,
                        "rows": [],
                        "fte": 0.0,
                        "number": row.number,
                    },
                )
                entry["rows"].append(row)
                entry["fte"] += row.fte
        for entry in positions.values():
            entry["headcount"] = math.ceil(round(entry["fte"], 6))
        return positions

    # -- the workbook --------------------------------------------------------

    def _write(self, rows, positions):
        book, stored = self.book.workbook, self.stored
        book.sheets["departments"] = [
            Row(unit.pop("number"), {k: v for k, v in unit.items() if v})
            for unit in self.new_units.values()
        ]
        position_rows = []
        for code, entry in positions.items():
            values = {
                "code": code,
                "title": entry["title"],
                "department_code": entry["unit"],
                "reports_to_code": entry["boss"],
                "headcount": str(entry["headcount"]),
            }
            if code in stored.positions:  # what the flat sheet does not say is kept
                _c, _t, _d, _b, is_head, summary, requirements = stored.positions[code]
                values.update(is_head="1" if is_head else "", summary=summary)
                values["requirements"] = requirements
            position_rows.append(Row(entry["number"], {k: v for k, v in values.items() if v}))
        book.sheets["positions"] = position_rows
        employee_rows = []
        for row in rows:
            if row.bad or row.vacant or not row.employee_no or not row.position:
                continue
            start = parse_date(row.get("start_date")) if row.get("start_date") else None
            start = start or stored.start_dates.get((row.employee_no, row.position))
            values = {
                "employee_no": row.employee_no,
                "name": row.name,
                "username": stored.usernames.get(row.employee_no) or "",
                "position_code": row.position,
                "primary": "1",
                "start_date": start.isoformat() if start else "",
            }
            employee_rows.append(Row(row.number, {k: v for k, v in values.items() if v}))
        book.sheets["employees"] = employee_rows
        header = self.header.get
        unit = header("unit_path") or header("unit", "")
        manager = header("reports_to_post") if self.posts else None
        manager = manager or header("manager_employee_no", "")
        position = header("post_code") or header("title", "")
        for column in ("code", "name", "parent_code", "kind", "order"):
            self.book.columns[("departments", column)] = unit
        self.book.columns.update(
            {
                ("positions", "code"): position,
                ("positions", "title"): header("title", ""),
                ("positions", "department_code"): unit,
                ("positions", "reports_to_code"): manager,
                ("positions", "headcount"): header("headcount", ""),
                ("employees", "employee_no"): header("employee_no", ""),
                ("employees", "name"): header("name") or header("last_name", ""),
                ("employees", "position_code"): position,
                ("employees", "start_date"): header("start_date", ""),
            }
        )

    def _describe(self, rows, positions):
        sheet, column = self.sheet, self.header
        counts = self.book.counts
        counts["rows"] = len(rows)
        counts["units"] = len(self.unit_keys)
        counts["new_units"] = len(self.new_units)
        counts["positions"] = len(positions)
        counts["people"] = sum(1 for r in rows if not r.vacant and r.employee_no)
        counts["vacant"] = sum(1 for r in rows if r.vacant)
        if sheet.encoding and sheet.encoding != "UTF-8":
            self.note(
                _("The CSV file was read as %(encoding)s text.") % {"encoding": sheet.encoding}
            )
        mapped = [n for n in ("unit_path", "unit") if n in column]
        if mapped:
            self.note(
                _(
                    "Units come from the column(s) %(columns)s, split into a path on / \\ > or ›; "
                    "rows with the same path are in the same unit, and a stored unit with that "
                    "path is that unit: %(units)d units, %(new)d of them new."
                )
                % {
                    "columns": ", ".join(f"“{column[n]}”" for n in mapped),
                    "units": counts["units"],
                    "new": counts["new_units"],
                }
            )
            if self.book.unit:
                self.note(
                    _("The sheet's units are placed under the unit “%(unit)s”.")
                    % {"unit": self.book.unit}
                )
        else:
            self.note(
                _(
                    "The sheet has no unit column: every row is in the unit “%(unit)s” (named "
                    "after the file unless another name is given)."
                )
                % {"unit": self.book.unit}
            )
        if self.posts:
            self.note(
                _(
                    "Each row is a position, its code the post id in “%(column)s”: "
                    "%(count)d positions."
                )
                % {"column": column["post_code"], "count": counts["positions"]}
            )
        else:
            self.note(
                _(
                    "There is no post id: one position per distinct job title, unit and "
                    "manager's position, its headcount the number of its rows: %(count)d "
                    "positions for %(rows)d rows."
                )
                % {"count": counts["positions"], "rows": counts["rows"]}
            )
        if counts["vacant"]:
            self.note(
                ngettext(
                    "%(count)d row has a blank name or Vacant, 空缺 or 空编: its post stays "
                    "unfilled.",
                    "%(count)d rows have a blank name or Vacant, 空缺 or 空编: their posts stay "
                    "unfilled.",
                    counts["vacant"],
                )
                % {"count": counts["vacant"]}
            )
        if "headcount" in column:
            fractions = [r for r in rows if r.get("headcount") and r.fte != int(r.fte)]
            self.note(
                _(
                    "Headcount comes from “%(column)s”, rounded up to a whole number (an FTE of "
                    "0.5 is a headcount of 1): %(count)d rows hold a fraction."
                )
                % {"column": column["headcount"], "count": len(fractions)}
            )
        if "manager_employee_no" in column and not (self.posts and "reports_to_post" in column):
            self.note(
                _(
                    "“%(column)s” names each person's manager by employee id (or by a name "
                    "only one row has); a manager not in the file must be a stored employee."
                )
                % {"column": column["manager_employee_no"]}
            )
        unused = [column[n] for n in NOT_STORED if n in column]
        if unused:
            self.note(
                _("Read but not stored (OrgDuties has no field for them yet): %(columns)s.")
                % {"columns": ", ".join(f"“{h}”" for h in unused)}
            )
        ignored = [h for h, name in zip(sheet.headers, self.book.mapping, strict=False) if not name]
        if ignored:
            self.note(
                _("Ignored columns: %(columns)s.")
                % {"columns": ", ".join(f"“{h}”" for h in ignored if h) or "—"}
            )


def _list(numbers) -> str:
    shown = ", ".join(str(n) for n in numbers[:20])
    return shown + (" …" if len(numbers) > 20 else "")


def _file_unit(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return stem.strip()[:UNIT_NAME_LENGTH] or _("Imported unit")


def convert(sheet: FlatSheet, mapping: list[str], unit: str = "") -> FlatBook:
    """The workbook ``sheet`` becomes with ``mapping`` (a field or "" per header)."""
    return FlatConverter(sheet, mapping, unit).convert()


def import_flat(book: FlatBook, user=None, progress=None, dry_run=False):
    """Import a converted flat sheet with the workbook importer; its report.

    Raises ImportFailed with every problem at the flat sheet's rows and headers,
    writing nothing.
    """
    if book.problems:
        # In the sheet's order, as the user reads it; each row's problems in the order found.
        raise ImportFailed(sorted(book.problems, key=lambda e: e.row))
    try:
        return OrgImporter(book.workbook, user=user, progress=progress).run(dry_run=dry_run)
    except ImportFailed as failure:
        raise ImportFailed([book.translate(e) for e in failure.errors]) from None


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))
