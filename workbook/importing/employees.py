"""The employees sheet: who they are, their login, and the positions they hold."""

import secrets
from collections import Counter, defaultdict, namedtuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from core.roles import EMPLOYEES
from positions.models import Assignment, Employee
from workbook import bulk
from workbook.columns import DATE, FLAG
from workbook.importing.base import SheetImport, among, changed, rows_where

# A stored assignment: who holds which position, then what a row sets.
STORED_ASSIGNMENT = namedtuple(
    "StoredAssignment", "pk employee_id position_id is_primary start_date end_date"
)
_SET = STORED_ASSIGNMENT._fields[3:]


class EmployeeSheet(SheetImport):
    """One row per position held; an employee's rows are the whole list of them."""

    name = "employees"

    def validate(self):
        positions = self.org.sheets["positions"]
        self.by_number = defaultdict(list)
        primaries = Counter()
        logins = {}
        for row in self.rows():
            if not self.required(row, "employee_no", "name"):
                continue
            code = row.get("position_code")
            if code and not positions.known(code):
                self.error(
                    row, "position_code", _("No position with code “%(code)s”.") % {"code": code}
                )
            primary = FLAG.parse(row.get("primary"))
            if primary is None:
                self.error(
                    row,
                    "primary",
                    _("Expected 1 or 0 (yes or no), got “%(value)s”.")
                    % {"value": row.get("primary")},
                )
            elif primary and code:
                primaries[row.get("employee_no")] += 1
                if primaries[row.get("employee_no")] > 1:
                    self.error(row, "primary", _("An employee has one primary position."))
            dates = {}
            for column in ("start_date", "end_date"):
                if row.get(column):
                    try:
                        dates[column] = DATE.parse(row.get(column))
                    except ValueError:
                        self.error(row, column, _("Write dates as YYYY-MM-DD."))
            if len(dates) == 2 and dates["end_date"] < dates["start_date"]:
                self.error(row, "end_date", _("The end date is before the start date."))
            username = row.get("username")
            if username:
                # One login account per employee (the database would refuse it mid-write).
                first = logins.setdefault(username, row)
                if first.get("employee_no") != row.get("employee_no"):
                    self.error(
                        row,
                        "username",
                        _("“%(value)s” already appears in row %(row)d.")
                        % {"value": username, "row": first.number},
                    )
            self.by_number[row.get("employee_no")].append(row)
        if logins:
            for username, number in rows_where(
                Employee.objects.all(), "user__username", logins, "employee_no"
            ):
                if number != logins[username].get("employee_no"):
                    self.error(
                        logins[username],
                        "username",
                        _("The login “%(value)s” belongs to employee %(number)s.")
                        % {"value": username, "number": number},
                    )

    def write(self):
        if not self.by_number:
            return
        users = self._users()
        employees = self.org.employees
        created, updated = [], []
        for number, rows in self.by_number.items():
            first = rows[0]
            values = {"name": first.get("name"), "user_id": users.get(first.get("username"))}
            if number in employees:
                if changed(employees[number], values):
                    updated.append(employees[number])
                else:
                    self.report.unchanged += 1
            else:
                created.append(Employee(employee_no=number, **values))
        self.history(Employee, created, updated, ["name", "user"])
        for employee in created:
            employees[employee.employee_no] = employee
        removed = self._write_assignments()
        self.report.created, self.report.updated = len(created), len(updated)
        self.report.deleted = len(removed)
        self.report.deleted_items = removed[:200]

    def _users(self) -> dict:
        """The ids of the login accounts the sheet names, by user name; the new ones created."""
        User = get_user_model()
        usernames = {
            r.get("username") for rows in self.by_number.values() for r in rows if r.get("username")
        }
        users = dict(rows_where(User.objects.all(), "username", usernames, "pk"))
        # An unusable password, as set_unusable_password() makes it, from one
        # urandom call per user instead of one per character.
        new_users = [
            User(
                username=name,
                is_active=True,
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            for name in sorted(usernames - set(users))
        ]
        if new_users:
            bulk.insert(new_users, User)
            if any(u.pk is None for u in new_users):  # a database without RETURNING
                new_users = list(User.objects.filter(username__in=[u.username for u in new_users]))
            users.update({u.username: u.pk for u in new_users})
            # New accounts belong to no group yet: no need to look for existing links.
            group = Group.objects.get(name=EMPLOYEES)
            bulk.insert_plain(
                User.groups.through,
                [(u.pk, group.pk) for u in new_users],
                ["user_id", "group_id"],
            )
        return users

    def _write_assignments(self) -> list[str]:
        """Make the listed employees hold exactly the positions of their rows; the removed,
        described."""
        employees, positions = self.org.employees, self.org.positions
        listed_ids = [employees[number].pk for number in self.by_number]
        # Tuples, not model instances: one per position held, 10,000s of them.
        assignments = {
            (a.employee_id, a.position_id): a
            for a in among(
                Assignment.objects.all(), "employee_id", listed_ids, len(employees)
            ).values_list(*STORED_ASSIGNMENT._fields, named=True)
        }
        new_rows, changed_assignments, listed = [], [], set()
        for number, rows in self.by_number.items():
            employee = employees[number]
            for row in rows:
                if not row.get("position_code"):
                    continue
                key = (employee.pk, positions[row.get("position_code")].pk)
                listed.add(key)
                values = (
                    bool(FLAG.parse(row.get("primary"))),
                    DATE.parse(row.get("start_date")),
                    DATE.parse(row.get("end_date")),
                )
                stored = assignments.get(key)
                if stored is None:
                    new_rows.append((*key, *values))
                elif stored[3:] != values:
                    changed_assignments.append(
                        Assignment(
                            **stored._replace(**dict(zip(_SET, values, strict=True)))._asdict()
                        )
                    )
        # The workbook holds each listed employee's whole list of positions: one it no
        # longer names is removed, and a primary position can move to another row.
        # Removals and demotions go first, so that at no moment does an employee hold
        # two open primary positions (a unique constraint).
        removed = [a for key, a in assignments.items() if key not in listed]
        if removed:
            Assignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
        fields = ["is_primary", "start_date", "end_date"]
        demoted = [a for a in changed_assignments if not a.is_primary]
        self.history(Assignment, [], demoted, fields)
        self.history(Assignment, [], [a for a in changed_assignments if a.is_primary], fields)
        new_ids = bulk.insert_rows(Assignment, STORED_ASSIGNMENT._fields[1:], new_rows)
        bulk.insert_history_of(Assignment, new_ids, self.org.user)
        names = {e.pk: e.name for e in employees.values()}
        titles = {p.pk: p.title for p in positions.values()}
        return [f"{names[a.employee_id]} → {titles[a.position_id]}" for a in removed]
