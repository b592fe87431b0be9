"""The positions sheet (the solid reporting line) and the dotted lines between positions."""

from collections import defaultdict

from django.utils.translation import gettext as _

from positions.models import DottedLine, Position, find_dotted_cycle, reporting_cycle
from workbook.columns import FLAG, NUMBER
from workbook.importing.base import SheetImport, changed
from workbook.importing.tree import insert_tree


class PositionSheet(SheetImport):
    name = "positions"

    def validate(self):
        departments = self.org.sheets["departments"]
        rows = self.rows()
        self.unique(rows, "code")
        self.by_code = {}
        for row in rows:
            if not self.required(row, "code", "title", "department_code"):
                continue
            if not departments.known(row.get("department_code")):
                self.error(
                    row,
                    "department_code",
                    _("No department with code “%(code)s”.") % {"code": row.get("department_code")},
                )
            if FLAG.parse(row.get("is_head")) is None:
                self.error(
                    row,
                    "is_head",
                    _("Expected 1 or 0 (yes or no), got “%(value)s”.")
                    % {"value": row.get("is_head")},
                )
            self.number(row, "headcount")
            self.by_code.setdefault(row.get("code"), row)
        positions = self.org.positions
        known = set(positions) | set(self.by_code)
        by_id = {p.pk: p.code for p in positions.values()}
        superiors = {p.code: by_id.get(p.reports_to_id) for p in positions.values()}
        dept_codes = {d.pk: code for code, d in self.org.departments.items()}
        final_heads = {
            dept_codes[p.department_id]: p.code
            for p in positions.values()
            if p.is_head and p.code not in self.by_code
        }
        for code, row in self.by_code.items():
            boss = row.get("reports_to_code")
            if boss and boss not in known:
                self.error(
                    row, "reports_to_code", _("No position with code “%(code)s”.") % {"code": boss}
                )
            elif boss == code:
                self.error(row, "reports_to_code", _("A position cannot report to itself."))
            else:
                superiors[code] = boss or None
            if FLAG.parse(row.get("is_head")):
                dept = row.get("department_code")
                if dept in final_heads and final_heads[dept] != code:
                    self.error(
                        row,
                        "is_head",
                        _("Department “%(dept)s” already has a head: %(head)s.")
                        % {"dept": dept, "head": final_heads[dept]},
                    )
                else:
                    final_heads[dept] = code
        for code, row in self.by_code.items():
            if reporting_cycle(superiors, code):
                self.error(
                    row,
                    "reports_to_code",
                    _("The reporting line of “%(code)s” loops back to itself.") % {"code": code},
                )

    def known(self, code) -> bool:
        """Whether a position with this code is stored or in the sheet."""
        return code in self.org.positions or code in self.by_code

    def write(self):
        positions = self.org.positions
        departments = self.org.departments
        created, updated = [], []
        for code, row in self.by_code.items():
            values = {
                "title": row.get("title"),
                "department_id": departments[row.get("department_code")].pk,
                "headcount": NUMBER.parse(row.get("headcount")) if row.get("headcount") else 1,
                "is_head": bool(FLAG.parse(row.get("is_head"))),
                "summary": row.get("summary"),
                "requirements": row.get("requirements"),
            }
            if code in positions:
                position = positions[code]
                if changed(position, values):
                    updated.append(position)
                else:
                    self.report.unchanged += 1
            else:
                created.append(Position(code=code, **values))
        # Heads may swap between rows: clear the flag first so the unique
        # "one head per department" index never sees two at once.
        Position.objects.filter(pk__in=[p.pk for p in updated]).update(is_head=False)
        superiors = {code: row.get("reports_to_code") for code, row in self.by_code.items()}
        insert_tree(Position, created, updated, superiors, positions, "reports_to_id", self.report)
        fields = [
            "title",
            "department",
            "headcount",
            "is_head",
            "summary",
            "requirements",
            "reports_to",
            "version",
        ]
        for position in updated:
            position.version += 1  # an admin form opened before the import is now stale
        Position.objects.bulk_update(updated, fields, batch_size=1000)
        self.record_history(Position, created, updated)
        self.report.created, self.report.updated = len(created), len(updated)


class DottedLineSheet(SheetImport):
    """Dotted lines, replaced as a list for each position the sheet starts one from."""

    name = "dotted_lines"

    def validate(self):
        positions = self.org.sheets["positions"]
        self.by_position = defaultdict(list)
        for row in self.rows():
            if not self.required(row, "position_code", "to_position_code"):
                continue
            ok = True
            for column in ("position_code", "to_position_code"):
                if not positions.known(row.get(column)):
                    self.error(
                        row,
                        column,
                        _("No position with code “%(code)s”.") % {"code": row.get(column)},
                    )
                    ok = False
            if row.get("position_code") == row.get("to_position_code"):
                self.error(
                    row, "to_position_code", _("A dotted line cannot point to its own position.")
                )
                ok = False
            if ok:
                self.by_position[row.get("position_code")].append(row)
        by_id = {p.pk: p.code for p in self.org.positions.values()}
        existing = [
            (by_id[a], by_id[b])
            for a, b in DottedLine.objects.values_list("from_position_id", "to_position_id")
            if by_id.get(a) not in self.by_position
        ]
        new = [
            (r.get("position_code"), r.get("to_position_code"))
            for rows in self.by_position.values()
            for r in rows
        ]
        if find_dotted_cycle(existing, new):
            first = next(iter(self.by_position.values()))[0]
            self.error(first, "to_position_code", _("These dotted lines would form a cycle."))

    def write(self):
        if not self.by_position:
            return
        positions = self.org.positions
        from_ids = {positions[c].pk for c in self.by_position}
        existing = {
            (d.from_position_id, d.to_position_id): d
            for d in DottedLine.objects.filter(from_position_id__in=from_ids)
        }
        created, updated = [], []
        for code, rows in self.by_position.items():
            for row in rows:
                key = (positions[code].pk, positions[row.get("to_position_code")].pk)
                line = existing.pop(key, None)
                if line is None:
                    created.append(
                        DottedLine(
                            from_position_id=key[0], to_position_id=key[1], label=row.get("label")
                        )
                    )
                elif changed(line, {"label": row.get("label")}):
                    updated.append(line)
                else:
                    self.report.unchanged += 1
        self.history(DottedLine, created, updated, ["label"])
        self.delete(DottedLine, list(existing.values()), str)
        self.report.created, self.report.updated = len(created), len(updated)
