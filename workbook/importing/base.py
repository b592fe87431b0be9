"""What every sheet of a workbook import shares: its errors, its report, its writes.

A sheet is a ``SheetImport``: ``validate()`` reads its rows and reports every
problem through ``error()``; ``write()`` runs only when the whole workbook is
valid. Both see the import (``self.org``): the lookups loaded once per import,
and the other sheets, whose validated rows they may use.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from workbook import bulk
from workbook.columns import NUMBER
from workbook.sheets import SHEET_ORDER, Row


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("Row %(row)d") % {"row": self.row} if self.row else ""
        column = f", {self.column}" if self.column else ""
        return f"{self.sheet} {where}{column}: {self.message}"


@dataclass
class SheetReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    deleted_items: list[str] = field(default_factory=list)


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(
            _("%(count)d problem(s) in the workbook; nothing was written.") % {"count": len(errors)}
        )
        self.errors = errors


@dataclass
class Report:
    sheets: dict[str, SheetReport] = field(
        default_factory=lambda: {s: SheetReport() for s in SHEET_ORDER}
    )
    dry_run: bool = False


def changed(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; True when one of them differed."""
    differs = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            differs = True
    return differs


def among(queryset, field: str, ids, total: int):
    """``queryset`` where ``field`` is one of ``ids``; every row with a value when
    ``ids`` are all ``total`` there are (a whole workbook lists every position):
    a list of 20,000 parameters costs the query compiler more than the rows."""
    if len(ids) >= total:
        return queryset.filter(**{f"{field}__isnull": False})
    return queryset.filter(**{f"{field}__in": ids})


# More values than this in a lookup: read the table and pick the rows here.
MANY_VALUES = 1000


def rows_where(queryset, field: str, values, *fields) -> list[tuple]:
    """(``field``, *``fields``) of the rows whose ``field`` is one of ``values``.

    For thousands of values (every login of a 10,000-employee sheet) the
    table is read whole and filtered here: an IN list that long costs the
    query compiler more than the rows it selects.
    """
    values = set(values)
    if not values:
        return []
    if len(values) <= MANY_VALUES:
        queryset = queryset.filter(**{f"{field}__in": values})
    return [row for row in queryset.values_list(field, *fields) if row[0] in values]


class SheetImport:
    """One sheet: ``validate()`` its rows, then ``write()`` them (see the module docstring)."""

    name = ""

    def __init__(self, org):
        self.org = org
        self.report = org.report.sheets[self.name]

    def validate(self):
        raise NotImplementedError

    def write(self):
        raise NotImplementedError

    def rows(self) -> list[Row]:
        return self.org.workbook.rows(self.name)

    # -- validation helpers ---------------------------------------------------

    def error(self, row: Row | int, column, message):
        self.org.error(self.name, row, column, message)

    def required(self, row, *columns) -> bool:
        ok = True
        for column in columns:
            if not row.get(column):
                self.error(row, column, _("This column must not be empty."))
                ok = False
        return ok

    def unique(self, rows, column):
        seen = {}
        for row in rows:
            value = row.get(column)
            if value in seen:
                self.error(
                    row,
                    column,
                    _("“%(value)s” already appears in row %(row)d.")
                    % {"value": value, "row": seen[value]},
                )
            elif value:
                seen[value] = row.number

    def number(self, row, column):
        """A whole-number cell (an order, a headcount); None when empty or wrong (reported)."""
        value = row.get(column)
        if not value:
            return None
        try:
            return NUMBER.parse(value)
        except ValueError:
            self.error(
                row, column, _("Expected a whole number ≥ 0, got “%(value)s”.") % {"value": value}
            )
            return None

    # -- writing helpers ------------------------------------------------------

    def history(self, model, created, updated, fields):
        """Insert ``created``, update ``fields`` of ``updated``, and record history for both."""
        if created:
            bulk.insert(created, model)
        if updated:
            model.objects.bulk_update(updated, fields, batch_size=1000)
        self.record_history(model, created, updated)

    def record_history(self, model, created, updated):
        """History rows, as simple_history's bulk_history_create writes them."""
        bulk.insert_history(created, model, self.org.user)
        bulk.insert_history(updated, model, self.org.user, update=True)

    def delete(self, model, objects, describe):
        """Delete ``objects`` and report them, the first 200 described."""
        if not objects:
            return
        self.report.deleted = len(objects)
        self.report.deleted_items = [describe(o) for o in objects[:200]]
        model.objects.filter(pk__in=[o.pk for o in objects]).delete()
