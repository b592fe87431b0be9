"""What a company login does to the local account: its roles and its Employee record.

LDAP and OIDC logins share these rules, so one directory group (or claim value)
means the same role whichever way a person signs in.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from core.roles import APPROVERS, EMPLOYEES, HR_EDITORS, REVIEWERS
from positions.models import Employee

ROLES = (HR_EDITORS, REVIEWERS, APPROVERS, EMPLOYEES)
# Roles that work in the admin (create_hr_user gives them staff status too).
STAFF_ROLES = {HR_EDITORS, REVIEWERS, APPROVERS}


def roles_for(memberships, role_map: dict) -> set[str]:
    """The roles that ``memberships`` (group DNs or claim values, lower case) give.

    A role whose list is empty is given to nobody, except Employees: with no list,
    everyone who signs in through the company directory is an employee.
    """
    found = {value.lower() for value in memberships}
    roles = {role for role, values in role_map.items() if found & {v.lower() for v in values}}
    if not role_map.get(EMPLOYEES):
        roles.add(EMPLOYEES)
    return roles


@transaction.atomic
def apply_roles(user, roles: set[str]):
    """Make the user's role groups exactly ``roles``; other groups are left as they are.

    A superuser keeps its staff status whatever the directory says, so the HR
    superuser can always get in.
    """
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    current = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if removed := current - roles:
        user.groups.remove(*[groups[name] for name in removed])
    if added := (roles - current) & set(groups):
        user.groups.add(*[groups[name] for name in added])
    is_staff = user.is_superuser or bool(roles & STAFF_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def link_employee(user, employee_no: str = "", email: str = "") -> Employee | None:
    """Link the user to its Employee record, found by employee number, else by e-mail.

    As in the employees sheet, a login belongs to one employee: an employee
    already linked to another account is left alone, and so is a user already
    linked to an employee.
    """
    existing = Employee.objects.filter(user=user).first()
    if existing:
        return existing
    lookup = Q(pk__in=[])
    if employee_no:
        lookup |= Q(employee_no=employee_no)
    if email:
        lookup |= Q(email__iexact=email)
    candidates = list(Employee.objects.filter(lookup, user__isnull=True))
    if not candidates:
        return None
    # The employee number wins over the e-mail address; two by e-mail is no match.
    by_number = [e for e in candidates if employee_no and e.employee_no == employee_no]
    if by_number:
        employee = by_number[0]
    elif len(candidates) == 1:
        employee = candidates[0]
    else:
        return None
    employee.user = user
    employee.save(update_fields=["user"])
    return employee
