"""Bring employees, their logins and their primary positions in line with the directory.

The rules are the employees sheet's (workbook/importing/employees.py): an
employee is matched by employee number, a login by user name, a login belongs
to one employee, and a new login has no usable password and the Employees
role. The directory adds two: an employee the number does not find is looked
for by e-mail address, and a person's post is found from the directory's
department (a code, a name or an alias, simplified and traditional alike)
and title, the manager choosing between two posts of one title.

Nothing is deleted. A leaver (an employee the directory listed before and no
longer does) is deactivated with its login, and its current assignments end
yesterday; history keeps the rest. A run that would deactivate more than
DIRECTORY_SYNC_MAX_DEACTIVATE_PERCENT of the directory's employees is refused
unless allowed, so a directory that answers with nobody cannot empty the company.
"""

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.roles import EMPLOYEES
from departments.models import Department, tree_lock
from directory.models import DirectoryEntry
from directory.people import DirectoryPerson
from intake.rows import normalise
from positions.models import Assignment, Employee, Position

REASON = "directory sync"


class MassDeactivationRefused(Exception):
    def __init__(self, leavers: int, total: int, percent: int):
        self.leavers, self.total, self.percent = leavers, total, percent
        super().__init__(
            _(
                "Refused: %(leavers)d of the directory's %(total)d employees would be "
                "deactivated, more than the %(percent)d%% allowed in one run "
                "(LDAP_SYNC_MAX_DEACTIVATE_PERCENT). If the directory is right, run again "
                "with --allow-mass-deactivation."
            )
            % {"leavers": leavers, "total": total, "percent": percent}
        )


@dataclass
class SyncReport:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unchanged: int = 0
    # People read but not placed in a position, or not read at all, with the reason.
    unplaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _end(assignments, today):
    """End assignments now: yesterday was their last day, so today they are history.

    One that starts today or later never began: it is deleted, and its history
    keeps the record of it.
    """
    yesterday = today - datetime.timedelta(days=1)
    ending = [a for a in assignments if not (a.start_date and a.start_date > yesterday)]
    unstarted = [a for a in assignments if a.start_date and a.start_date > yesterday]
    for assignment in ending:
        assignment.end_date = yesterday
    if ending:
        bulk_update_with_history(ending, Assignment, ["end_date"], default_change_reason=REASON)
    for assignment in unstarted:
        assignment._change_reason = REASON
        assignment.delete()


def _depth(key, records) -> int:
    """How many managers above a person, within the directory (a loop counts once)."""
    seen = {key}
    while (manager := records[key].manager_dn.lower()) in records and manager not in seen:
        seen.add(manager)
        key = manager
    return len(seen) - 1


class DirectorySync:
    """One run: ``run(people)`` with the people read from the directory (directory.people)."""

    def __init__(self, allow_mass_deactivation=False, max_percent=None):
        self.allow_mass_deactivation = allow_mass_deactivation
        self.max_percent = (
            settings.DIRECTORY_SYNC_MAX_DEACTIVATE_PERCENT if max_percent is None else max_percent
        )
        self.report = SyncReport()
        self.today = timezone.localdate()
        self.now = timezone.now()

    def run(self, people: list[DirectoryPerson], dry_run=False) -> SyncReport:
        self.report.dry_run = dry_run
        with tree_lock():
            self._load()
            records = self._valid(people)
            matched = self._match(records)
            self._guard(matched)
            self._write(records, matched)
            if dry_run:
                transaction.set_rollback(True)
        return self.report

    # -- reading ------------------------------------------------------------

    def _load(self):
        """Everything the rules compare with, once (no query per person)."""
        self.employees = {e.employee_no: e for e in Employee.objects.select_related("user")}
        self.by_email = defaultdict(list)
        for e in self.employees.values():
            if e.email:
                self.by_email[e.email.lower()].append(e)
        self.entries = {
            entry.employee_id: entry for entry in DirectoryEntry.objects.select_related("employee")
        }
        self.users = {u.username: u for u in get_user_model().objects.all()}
        self.departments = {}
        for d in Department.objects.all():
            for key in (d.code, normalise(d.name), *(normalise(a) for a in d.alias_list)):
                self.departments.setdefault(key, d)
        self.positions = defaultdict(list)
        for p in Position.objects.all():
            self.positions[(p.department_id, normalise(p.title))].append(p)
        self.primaries = {
            a.employee_id: a
            for a in Assignment.objects.filter(is_primary=True, end_date__isnull=True)
        }

    def _valid(self, people):
        records, seen = {}, {}
        for person in people:
            who = person.name or person.dn
            if not person.employee_no:
                self.report.skipped.append(_("%(who)s: no employee number") % {"who": who})
            elif not person.name:
                self.report.skipped.append(_("%(who)s: no name") % {"who": who})
            elif person.employee_no in seen:
                self.report.skipped.append(
                    _("%(who)s: employee number %(number)s is also %(other)s's")
                    % {"who": who, "number": person.employee_no, "other": seen[person.employee_no]}
                )
            else:
                seen[person.employee_no] = who
                records[person.dn.lower()] = person
        return records

    def _match(self, records) -> dict:
        """The stored employee of each record (None: a new one), by number, else by e-mail."""
        numbers = {r.employee_no for r in records.values()}
        matched, taken = {}, set()
        for key, person in records.items():
            employee = self.employees.get(person.employee_no)
            if employee is None and person.email:
                # By e-mail only an employee whom no other directory number claims.
                found = [
                    e
                    for e in self.by_email.get(person.email.lower(), [])
                    if e.employee_no not in numbers and e.pk not in taken
                ]
                employee = found[0] if len(found) == 1 else None
            if employee is not None:
                taken.add(employee.pk)
            matched[key] = employee
        return matched

    def _guard(self, matched):
        seen = {e.pk for e in matched.values() if e is not None}
        managed = [
            entry
            for entry in self.entries.values()
            if entry.deactivated_at is None and entry.employee.is_active
        ]
        self.leavers = [entry for entry in managed if entry.employee_id not in seen]
        limit = len(managed) * self.max_percent // 100
        if len(self.leavers) > limit and not self.allow_mass_deactivation:
            raise MassDeactivationRefused(len(self.leavers), len(managed), self.max_percent)

    # -- writing ------------------------------------------------------------

    def _write(self, records, matched):
        logins = self._logins(records, matched)
        created, updated, changed_names = [], [], []
        for key, person in records.items():
            employee = matched[key]
            user_id = logins.get(key)
            if employee is None:
                employee = Employee(
                    employee_no=person.employee_no,
                    name=person.name,
                    email=person.email,
                    user_id=user_id,
                )
                created.append(employee)
                matched[key] = employee
                continue
            values = {"name": person.name, "email": person.email, "is_active": True}
            if user_id and employee.user_id is None:
                values["user_id"] = user_id
            if any(getattr(employee, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(employee, name, value)
                updated.append(employee)
                changed_names.append(str(employee))
        if created:
            bulk_create_with_history(created, Employee, default_change_reason=REASON)
            if any(e.pk is None for e in created):  # a database without RETURNING
                stored = Employee.objects.in_bulk(
                    [e.employee_no for e in created], field_name="employee_no"
                )
                for e in created:
                    e.pk = stored[e.employee_no].pk
        if updated:
            bulk_update_with_history(
                updated,
                Employee,
                ["name", "email", "is_active", "user"],
                default_change_reason=REASON,
            )
        self.report.created = [str(e) for e in created]
        moved = self._place(records, matched)
        self._reactivate_logins(records, matched)
        self._record_entries(records, matched)
        self._deactivate()
        changed = dict.fromkeys(changed_names + moved)
        self.report.changed = list(changed)
        self.report.unchanged = len(records) - len(created) - len(changed)

    def _logins(self, records, matched) -> dict:
        """The login account of each record that names a user: found by name, or created."""
        User = get_user_model()
        linked = {e.user_id: e for e in self.employees.values() if e.user_id}
        logins, new_users = {}, []
        for key, person in records.items():
            if not person.username:
                continue
            user = self.users.get(person.username)
            employee = matched[key]
            if user is None:
                user = User(
                    username=person.username,
                    email=person.email,
                    is_active=True,
                    password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                )
                new_users.append(user)
                self.users[person.username] = user
            elif user.pk in linked and linked[user.pk] is not employee:
                # One login per employee: another employee holds this one.
                self.report.skipped.append(
                    _("%(who)s: the login “%(login)s” belongs to employee %(number)s")
                    % {
                        "who": person.name,
                        "login": person.username,
                        "number": linked[user.pk].employee_no,
                    }
                )
                continue
            logins[key] = user
        if new_users:
            User.objects.bulk_create(new_users)
            if any(u.pk is None for u in new_users):
                stored = User.objects.in_bulk(
                    [u.username for u in new_users], field_name="username"
                )
                for u in new_users:
                    u.pk = stored[u.username].pk
            group = Group.objects.get(name=EMPLOYEES)
            User.groups.through.objects.bulk_create(
                [User.groups.through(user_id=u.pk, group_id=group.pk) for u in new_users]
            )
        return {key: user.pk for key, user in logins.items()}

    def _position_of(self, person, matched, records):
        department = self.departments.get(person.department) or self.departments.get(
            normalise(person.department)
        )
        if department is None:
            return None, _("no department “%(name)s”") % {"name": person.department}
        candidates = self.positions.get((department.pk, normalise(person.title)), [])
        if len(candidates) == 1:
            return candidates[0], ""
        if not candidates:
            return None, _("no position “%(title)s” in %(department)s") % {
                "title": person.title,
                "department": department.name,
            }
        # Two posts of one title: the one that reports to the manager's post.
        manager = matched.get(person.manager_dn.lower()) if person.manager_dn else None
        manager_primary = self.primaries.get(manager.pk) if manager else None
        if manager_primary:
            under = [p for p in candidates if p.reports_to_id == manager_primary.position_id]
            if len(under) == 1:
                return under[0], ""
        return None, _("%(count)d positions “%(title)s” in %(department)s") % {
            "count": len(candidates),
            "title": person.title,
            "department": department.name,
        }

    def _place(self, records, matched) -> list[str]:
        """Give each person the primary position the directory says; the moved, described."""
        # Managers before their reports, so that a manager's new post is known when
        # choosing between their reports' posts.
        order = sorted(records.items(), key=lambda item: _depth(item[0], records))
        ended, new, moved = [], [], []
        for key, person in order:
            employee = matched[key]
            position, reason = self._position_of(person, matched, records)
            if position is None:
                self.report.unplaced.append(f"{person.name}: {reason}")
                continue
            current = self.primaries.get(employee.pk)
            if current is not None and current.position_id == position.pk:
                continue
            if current is not None:
                ended.append(current)
            assignment = Assignment(
                employee=employee, position=position, is_primary=True, start_date=self.today
            )
            new.append(assignment)
            self.primaries[employee.pk] = assignment
            moved.append(str(employee))
        # Ended first: an employee has one open primary position at any moment.
        _end(ended, self.today)
        if new:
            bulk_create_with_history(new, Assignment, default_change_reason=REASON)
        created = set(self.report.created)
        return [name for name in moved if name not in created]

    def _record_entries(self, records, matched):
        new, seen = [], []
        for key, person in records.items():
            employee = matched[key]
            entry = self.entries.get(employee.pk)
            if entry is None:
                new.append(DirectoryEntry(employee=employee, dn=person.dn, last_seen=self.now))
            else:
                entry.dn, entry.last_seen, entry.deactivated_at = person.dn, self.now, None
                seen.append(entry)
        DirectoryEntry.objects.bulk_create(new)
        DirectoryEntry.objects.bulk_update(seen, ["dn", "last_seen", "deactivated_at"])

    def _reactivate_logins(self, records, matched):
        """A person back in the directory gets their login back."""
        returning = [
            matched[key].user_id
            for key in records
            if matched[key].user_id
            and (entry := self.entries.get(matched[key].pk)) is not None
            and entry.deactivated_at is not None
        ]
        get_user_model().objects.filter(pk__in=returning, is_active=False).update(is_active=True)

    def _deactivate(self):
        if not self.leavers:
            return
        employees = [entry.employee for entry in self.leavers]
        for employee in employees:
            employee.is_active = False
        bulk_update_with_history(employees, Employee, ["is_active"], default_change_reason=REASON)
        # The HR superuser can always get in, even if the directory forgets them.
        get_user_model().objects.filter(
            pk__in=[e.user_id for e in employees if e.user_id], is_superuser=False
        ).update(is_active=False)
        ending = list(
            Assignment.objects.current(self.today).filter(employee__in=employees, end_date=None)
        )
        _end(ending, self.today)
        DirectoryEntry.objects.filter(pk__in=[entry.pk for entry in self.leavers]).update(
            deactivated_at=self.now
        )
        self.report.deactivated = [str(e) for e in employees]
