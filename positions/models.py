import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Func, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.images import photo_name
from core.locking import VersionedMixin, version_field
from core.protect import ProtectedDeleteMixin


def _current_assignment_q(prefix: str = "", today=None) -> Q:
    today = today or timezone.localdate()
    return (
        Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": today})
    ) & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today}))


# "1. ", "1、", "1)", "(1)", "（1）", "①" before a process step; not "3.5天" (a decimal).
_STEP_NUMBER = re.compile(r"^(?:\d{1,2}\s*[.、．)）](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])\s*")


def count_of(queryset):
    """An expression for the number of rows of ``queryset``, computed by the database.

    ``SELECT COUNT(*)`` as a subquery: with OuterRef, once per outer row; without,
    once per query (one row read beside a page of others, no window over all).
    """
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=models.IntegerField())


class PositionQuerySet(models.QuerySet):
    def with_staffing(self):
        """Annotate ``holder_count`` (current assignments) and ``vacancies``."""
        return self.annotate(
            holder_count=Count("assignments", filter=_current_assignment_q("assignments__")),
        ).annotate(vacancies=F("headcount") - F("holder_count"))

    def with_holder_counts(self):
        """Annotate ``holder_count`` and ``vacancies`` as ``with_staffing`` does, by a subquery.

        For lists cut into pages: the database counts only the rows it returns.
        """
        holders = (
            Assignment.objects.filter(_current_assignment_q(), position=OuterRef("pk"))
            .order_by()
            .values("position")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(holder_count=Coalesce(Subquery(holders), 0)).annotate(
            vacancies=F("headcount") - F("holder_count")
        )

    def with_report_count(self):
        """Annotate ``report_count``: how many positions report to each, by a subquery per row.

        Counted from the reports_to index alone: a position with 10,000 reports
        costs a millisecond, and a page knows how many there are before it
        reads any of them.
        """
        reports = Position.objects.filter(reports_to=OuterRef("pk")).order_by()
        return self.annotate(report_count=count_of(reports))

    def in_subtree(self, department):
        return self.filter(
            department__tree_id=department.tree_id,
            department__lft__gte=department.lft,
            department__rght__lte=department.rght,
        )


class Position(ProtectedDeleteMixin, VersionedMixin, models.Model):
    """A post (岗位) in one department, with its solid and dotted reporting lines."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="direct_reports",
        help_text=_("The solid-line superior (直接上级)."),
    )
    dotted_lines = models.ManyToManyField(
        "self",
        verbose_name=_("dotted lines"),
        through="DottedLine",
        through_fields=("from_position", "to_position"),
        symmetrical=False,
        related_name="dotted_from",
        blank=True,
    )
    headcount = models.PositiveIntegerField(_("headcount"), default=1)
    is_head = models.BooleanField(
        _("head of department"), default=False, help_text=_("This position leads its department.")
    )
    summary = models.TextField(_("summary"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)

    version = version_field()

    history = HistoricalRecords()
    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["department__tree_id", "department__lft", "-is_head", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(is_head=True),
                name="one_head_per_department",
                violation_error_message=_("This department already has a head position."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Imports and scripts skip full_clean(); a cycle must still never land.
        if self.reports_to_id and self.pk and (chain := self._reporting_cycle()):
            raise ValidationError(
                _("This would make a reporting cycle: %(chain)s.") % {"chain": chain}
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("positions:detail", args=[self.code])

    def clean(self):
        super().clean()
        if self.reports_to_id and self.pk:
            if self.reports_to_id == self.pk:
                raise ValidationError({"reports_to": _("A position cannot report to itself.")})
            if chain := self._reporting_cycle():
                raise ValidationError(
                    {
                        "reports_to": _("This would make a reporting cycle: %(chain)s.")
                        % {"chain": chain}
                    }
                )

    def _reporting_cycle(self) -> str:
        """The loop this position's reporting line would make, as titles; "" when none.

        One query for the whole (id, reports_to) map, which stays small (20,000
        rows is a few hundred kilobytes) and spares a query per level; one more
        for the titles when there is a loop to show.
        """
        superiors = dict(Position.objects.values_list("id", "reports_to_id"))
        superiors[self.pk] = self.reports_to_id
        loop = reporting_cycle(superiors, self.pk)
        if loop is None:
            return ""
        titles = dict(Position.objects.filter(pk__in=loop).values_list("id", "title"))
        titles[self.pk] = self.title
        return " → ".join(titles.get(key, "?") for key in loop)


class DottedLine(models.Model):
    """A dotted-line relation (业务指导, matrix) from one position to another."""

    from_position = models.ForeignKey(
        Position,
        verbose_name=_("from position"),
        on_delete=models.CASCADE,
        related_name="dotted_lines_out",
    )
    to_position = models.ForeignKey(
        Position,
        verbose_name=_("to position"),
        on_delete=models.CASCADE,
        related_name="dotted_lines_in",
    )
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("e.g. 业务指导 (functional guidance)")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dotted line")
        verbose_name_plural = _("dotted lines")
        constraints = [
            models.UniqueConstraint(
                fields=["from_position", "to_position"], name="unique_dotted_line"
            ),
            models.CheckConstraint(
                condition=~Q(from_position=F("to_position")),
                name="dotted_line_not_to_self",
                violation_error_message=_("A dotted line cannot point to its own position."),
            ),
        ]

    def __str__(self):
        return f"{self.from_position} ⇢ {self.to_position}"

    def clean(self):
        super().clean()
        if self.from_position_id and self.from_position_id == self.to_position_id:
            raise ValidationError(_("A dotted line cannot point to its own position."))
        edges = DottedLine.objects.exclude(pk=self.pk).values_list(
            "from_position_id", "to_position_id"
        )
        if find_dotted_cycle(edges, [(self.from_position_id, self.to_position_id)]):
            raise ValidationError(_("These dotted lines would form a cycle."))


def reporting_cycle(superiors: dict, start) -> list | None:
    """The reporting line from ``start`` round to itself, or None when it reaches the top.

    ``superiors`` maps each position (by id, or by code in a workbook) to the
    one it reports to, None at the top. A loop higher up that does not pass
    through ``start`` is not its cycle: None. Position.save, Position.clean and
    the workbook importer all check the solid line with this.
    """
    line, seen, current = [start], set(), superiors.get(start)
    while current is not None and current not in seen:
        line.append(current)
        if current == start:
            return line
        seen.add(current)
        current = superiors.get(current)
    return None


def find_dotted_cycle(existing_edges, new_edges) -> bool:
    """True when the edges together contain a directed cycle."""
    graph: dict = {}
    for source, target in [*existing_edges, *new_edges]:
        if source is None or target is None:
            continue
        graph.setdefault(source, set()).add(target)
    visiting, done = set(), set()
    for start in list(graph):
        if start in done:
            continue
        stack = [(start, iter(graph.get(start, ())))]
        visiting.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                visiting.discard(node)
                done.add(node)
            elif child in visiting:
                return True
            elif child not in done:
                visiting.add(child)
                stack.append((child, iter(graph.get(child, ()))))
    return False


class DutyQuerySet(models.QuerySet):
    def with_numbers(self):
        """Annotate ``number``: the item's place in its position, kind and section."""
        return self.annotate(
            number=Window(
                RowNumber(),
                partition_by=[F("position_id"), F("kind"), F("section")],
                order_by=[F("order").asc(), F("id").asc()],
            )
        )


class Duty(models.Model):
    """A numbered duty (岗位职责) or authority (权限) of a position."""

    class Kind(models.TextChoices):
        DUTY = "duty", _("duty")
        AUTHORITY = "authority", _("authority")

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="duties"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DUTY)
    section = models.CharField(
        _("section"),
        max_length=200,
        blank=True,
        help_text=_("Heading that groups items. Numbering restarts in each section."),
    )
    text = models.TextField(_("text"))
    process_steps = models.TextField(
        _("process steps"), blank=True, help_text=_("One step per line, without numbers.")
    )
    function = models.ForeignKey(
        "departments.DepartmentFunction",
        verbose_name=_("department function"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duties",
        help_text=_("The department function this duty carries out."),
    )
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    # ``forms`` is declared on kpis.Form (kpis sits above positions); kpis.history
    # records a duty's forms with each of its history rows, as m2m_fields did.
    history = HistoricalRecords()
    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["position", "kind", "order", "id"]
        indexes = [
            # A unit's duties (the KPI list, forms by unit) from the index alone
            # on PostgreSQL: without the id in it, the planner merge-joined all
            # 200,000 duties with all KPIs rather than look up 2,000 (50 ms).
            models.Index(fields=["position", "order"], include=["id"], name="duty_position_order"),
            # And the other way, a page of forms' duties to their positions: with
            # the primary key alone, it scanned all 200,000 duties (50 ms).
            models.Index(fields=["id"], include=["position"], name="duty_id_position"),
        ]

    def __str__(self):
        # Querysets from with_numbers() know the item's number: show it as HR writes it.
        number = getattr(self, "number", None)
        return f"{number}. {self.text[:60]}" if number else self.text[:60]

    @property
    def step_list(self) -> list[str]:
        """One step per line, shown as a numbered list: a number typed before a
        step (1. 1、 (1) ①) is left out of the display, not out of the stored text."""
        steps = (
            _STEP_NUMBER.sub("", line.strip(), count=1) for line in self.process_steps.splitlines()
        )
        return [step for step in steps if step]

    def clean(self):
        super().clean()
        if (
            self.function_id
            and self.position_id
            and self.function.department_id != self.position.department_id
        ):
            raise ValidationError(
                {"function": _("Pick a function of the position's own department.")}
            )


class Employee(models.Model):
    employee_no = models.CharField(_("employee number"), max_length=40, unique=True)
    # "full name" (姓名), not "name" (名称, a department's or a form's).
    name = models.CharField(_("full name"), max_length=100)
    # From the company directory (sync_directory); a company login finds its
    # employee by number, else by this address.
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Re-encoded on upload (core.images.PhotoFormField), under a generated name;
    # served to logged-in users by browse.views.people.photo only.
    photo = models.ImageField(_("photo"), upload_to=photo_name, blank=True, max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["employee_no"]

    def __str__(self):
        return f"{self.name} ({self.employee_no})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "photo" not in update_fields:
            return
        old = getattr(self, "_stored_photo", "")
        new = self.photo.name or ""
        if old and old != new:
            discard_photo_on_commit(old, using=kwargs.get("using"))
        self._stored_photo = new

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The stored photo, so that save() knows when it was replaced or cleared.
        if "photo" in instance.__dict__:
            instance._stored_photo = instance.__dict__["photo"] or ""
        return instance

    def photo_path(self) -> str | None:
        """The stored photo's absolute path on this server, or None: no photo, a
        storage without local files, or a file that is not there (a history
        revert can bring back the name of a photo deleted since)."""
        if not self.photo:
            return None
        try:
            path = self.photo.path
        except NotImplementedError:
            return None
        return path if os.path.isfile(path) else None

    def photo_url(self) -> str:
        """The photo's page (login required), "" without a photo; the file name in
        the query string makes a replaced photo a new URL for browsers' caches."""
        return photo_url(self.employee_no, self.photo.name)


# The view that serves an employee's photo (browse/urls.py).
PHOTO_URL_NAME = "people:photo"


def photo_url(employee_no, file_name):
    """The photo page of an employee whose photo is stored as ``file_name``."""
    if not file_name:
        return ""
    version = file_name.rsplit("/", 1)[-1].removesuffix(".jpg")
    return reverse(PHOTO_URL_NAME, args=[employee_no]) + f"?v={version}"


def discard_photo_on_commit(name, using=None):
    """Delete a replaced or cleared photo file once the transaction commits.

    Rolled back, the row still names the old file, so it must stay. A file that
    another employee row still names (a restored copy) is kept too.
    """
    field = Employee._meta.get_field("photo")

    def discard():
        if Employee._base_manager.filter(photo=name).exists():
            return
        field.storage.delete(name)

    transaction.on_commit(discard, using=using)


@receiver(post_delete, sender=Employee, dispatch_uid="positions-employee-photo")
def _discard_deleted_employees_photo(sender, instance, using, **kwargs):
    # A signal, not delete(): the admin's "delete selected" deletes a queryset.
    if instance.photo.name:
        discard_photo_on_commit(instance.photo.name, using=using)


class AssignmentQuerySet(models.QuerySet):
    def current(self, today=None):
        return self.filter(_current_assignment_q(today=today))


class Assignment(models.Model):
    """An employee holding a position, from a start date to an optional end date."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="assignments"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="assignments"
    )
    is_primary = models.BooleanField(_("primary position"), default=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-is_primary", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="assignment_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(is_primary=True, end_date__isnull=True),
                name="one_open_primary_assignment",
                violation_error_message=_("This employee already has a primary position."),
            ),
        ]

    def __str__(self):
        return f"{self.employee.name} → {self.position.title}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.start_date is None or self.start_date <= today) and (
            self.end_date is None or self.end_date >= today
        )
