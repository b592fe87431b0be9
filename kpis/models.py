from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.protect import ProtectedDeleteMixin
from core.validators import validate_file_size
from positions.models import Duty

TEMPLATE_EXTENSIONS = ["docx", "doc", "xlsx", "xls", "pdf", "odt", "ods", "txt", "csv"]


class FormQuerySet(models.QuerySet):
    def with_duties(self):
        """Prefetch ``duties`` with their positions, in position and duty order."""
        duties = Duty.objects.select_related("position").order_by("position__code", "order")
        return self.prefetch_related(Prefetch("duties", queryset=duties))

    def for_department(self, department):
        """The forms the department owns, and those its positions' duties use."""
        return self.filter(pk__in=self.ids_for_department(department))

    def ids_for_department(self, department, positions=None):
        """The pks of ``for_department``: a union of two index look-ups.

        With OR, PostgreSQL scans every form and every duty link (60 ms for a
        unit of 2,000 positions). ``positions``: only the forms the department
        owns and those these positions' duties use.
        """
        links = self.model.duties.through.objects.order_by()
        if positions is None:
            links = links.filter(duty__position__department=department)
        else:
            links = links.filter(duty__position__in=positions)
        return (
            self.model.objects.order_by()
            .filter(department=department)
            .values_list("pk", flat=True)
            .union(links.values_list("form_id", flat=True))
        )


class Form(ProtectedDeleteMixin, models.Model):
    """A named record that duties produce or use (表单, 记录, 报告): 《订单评审表》."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    template = models.FileField(
        _("template file"),
        upload_to="form-templates/%Y/",
        blank=True,
        validators=[FileExtensionValidator(TEMPLATE_EXTENSIONS), validate_file_size],
        help_text=_("A blank copy of the form to download (Word, Excel, PDF; at most 10 MB)."),
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owning department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forms",
    )
    # Declared here, not on Duty, so that positions does not depend on kpis; the
    # table keeps the name and columns it had as Duty.forms.
    duties = models.ManyToManyField(
        "positions.Duty",
        verbose_name=_("duties"),
        related_name="forms",
        blank=True,
        db_table="positions_duty_forms",
    )

    history = HistoricalRecords()
    objects = FormQuerySet.as_manager()

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["name", "code"]
        # The catalogue's order: its first and last pages read 50 rows of it.
        indexes = [models.Index(fields=["name", "code"], name="form_name_code")]

    def __str__(self):
        return f"《{self.name}》"

    def get_absolute_url(self):
        return reverse("kpis:form-detail", args=[self.code])


def _department(field):
    """``field`` of the department a KPI belongs to, through whichever owner it has."""
    return Coalesce(
        f"duty__position__department__{field}",
        f"position__department__{field}",
        f"function__department__{field}",
    )


def kpi_structure(metric, comparison, target, unit) -> str:
    """'招聘达成率 ≥ 90 %', or '' when the sentence was not read (no comparison or target)."""
    if not (comparison and target is not None):
        return ""
    # The symbols are not translated: a dict, not get_comparison_display()
    # (which hashes the choices on every call; a page may draw a thousand).
    parts = [metric, _COMPARISONS.get(comparison, comparison), f"{target.normalize():f}", unit]
    return " ".join(p for p in parts if p)


class KpiRow(NamedTuple):
    """A KPI as a job description draws it, read as a tuple (``KpiQuerySet.rows``).

    A position may carry a thousand KPIs: as model instances they cost 10 ms
    to build, as tuples 2 ms. kpis.templatetags.kpi_html draws either.
    """

    owner_id: int | None  # the duty's (or position's) id the rows were read by
    text: str
    metric: str
    comparison: str
    target: Decimal | None
    unit: str
    period: str
    deadline_month: int | None
    deadline_day: int | None

    @property
    def structure(self) -> str:
        return kpi_structure(self.metric, self.comparison, self.target, self.unit)


class KpiQuerySet(models.QuerySet):
    def rows(self, owner):
        """The KPIs as ``KpiRow`` tuples, ``owner_id`` read from the field ``owner`` ("duty")."""
        return [KpiRow(*values) for values in self.values_list(owner, *KpiRow._fields[1:])]

    def with_owner(self):
        """Annotate where each KPI sits, for lists in the order of the organisation.

        ``dept_tree``, ``dept_lft``, ``dept_code``, ``dept_name``: the department
        of its duty's position, of its position or of its function;
        ``pos_code``, ``pos_title``: its duty's position or its position (none
        for a function's KPI).
        """
        return self.annotate(
            dept_tree=_department("tree_id"),
            dept_lft=_department("lft"),
            dept_code=_department("code"),
            dept_name=_department("name"),
            pos_code=Coalesce("duty__position__code", "position__code"),
            pos_title=Coalesce("duty__position__title", "position__title"),
        )

    def in_owner_order(self):
        """Tree order of their departments, a function's KPIs first (after ``with_owner``)."""
        return self.order_by(
            "dept_tree",
            "dept_lft",
            F("pos_code").asc(nulls_first=True),
            "duty__order",
            "order",
            "id",
        )

    def due_in_month(self, month):
        """Due in that month: yearly deadlines in that month, and every monthly one."""
        return self.filter(
            Q(deadline_month=month) | Q(deadline_month__isnull=True, deadline_day__isnull=False)
        )

    def for_department(self, department):
        """The KPIs of the department's functions, of its positions and of their duties."""
        return self.for_departments([department])

    def for_departments(self, departments):
        """The KPIs of these departments' functions, of their positions and of their duties."""
        return self.model.objects.filter(pk__in=self.ids_for_departments(departments))

    def ids_for_departments(self, departments):
        """The pks of ``for_departments``, as a union of three index look-ups.

        With OR, PostgreSQL misjudges the row count and hash-joins whole tables
        (60 ms at 200,000 duties, 1 ms this way). This queryset's own filters
        apply in each branch.
        """
        every = self.order_by()
        return (
            every.filter(duty__position__department__in=departments)
            .values_list("pk", flat=True)
            .union(
                every.filter(position__department__in=departments).values_list("pk", flat=True),
                every.filter(function__department__in=departments).values_list("pk", flat=True),
            )
        )

    def count_of_position(self, position):
        """How many of these KPIs the position ``position`` (an OuterRef) and its duties
        have, as a subquery of each: index look-ups, no rows read back."""
        every = self.order_by()

        def count(**owner):
            counted = every.filter(**owner).values(*owner).annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted), 0)

        return count(duty__position=position) + count(position=position)

    def in_walk_order(self, positions, functions_of):
        """``owners`` of the KPIs of these positions (theirs and their duties') and of
        the functions of the departments ``functions_of``, in the order of the
        organisation.

        Tree order of the departments, a function's KPIs first, then by
        position code, a position's own KPIs after its duties'. Sorted in SQL,
        so a slice of it reads only its rows back (sorting a unit's 10,000 KPIs
        here cost 40 ms a page). Each tuple ends with the department's tree_id
        and lft.
        """
        return self.owners(
            Q(duty__position__in=positions),
            Q(position__in=positions),
            Q(function__department__in=functions_of),
            tree=True,
        ).order_by(
            "dept_tree",
            "dept_lft",
            F("pos_code").asc(nulls_first=True),
            F("duty_order").asc(nulls_last=True),
            "order",
            "pk",
        )

    def owners(self, by_duty, by_position, by_function, tree=False):
        """(pk, department pk, position code, position title, duty order, order) of
        the KPIs of the duties ``by_duty`` picks, of the positions ``by_position``
        picks and of the functions ``by_function`` picks: a union of three index
        look-ups, in no order.

        The position is the duty's or the KPI's own, none for a function's KPI;
        the duty order is None but for a duty's KPI. ``tree``: the department's
        tree_id and lft follow (``dept_tree``, ``dept_lft``), to order by.
        """
        text, number = models.CharField(), models.IntegerField()
        none_text, none_number = Value(None, output_field=text), Value(None, output_field=number)
        every = self.order_by()

        def branch(queryset, department, code, title, duty_order):
            names = {"dept": F(f"{department}_id"), "pos_code": code, "pos_title": title}
            names["duty_order"] = duty_order
            fields = ["pk", *names, "order"]
            if tree:
                names["dept_tree"] = F(f"{department}__tree_id")
                names["dept_lft"] = F(f"{department}__lft")
                fields += ["dept_tree", "dept_lft"]
            return queryset.annotate(**names).values_list(*fields)

        duties = branch(
            every.filter(by_duty),
            "duty__position__department",
            F("duty__position__code"),
            F("duty__position__title"),
            F("duty__order"),
        )
        positions = branch(
            every.filter(by_position),
            "position__department",
            F("position__code"),
            F("position__title"),
            none_number,
        )
        functions = branch(
            every.filter(by_function), "function__department", none_text, none_text, none_number
        )
        # UNION ALL: a KPI has exactly one owner (kpi_has_exactly_one_owner), so
        # the branches never share a row and need no de-duplicating.
        return duties.union(positions, functions, all=True)


class Kpi(models.Model):
    """A KPI (工作指标 / 考核指标): the sentence as written, and its structure where read."""

    class Comparison(models.TextChoices):
        GE = "ge", "≥"
        LE = "le", "≤"
        EQ = "eq", "="
        LT = "lt", "<"
        GT = "gt", ">"

    class Period(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        HALF_YEARLY = "half_yearly", _("half-yearly")
        YEARLY = "yearly", _("yearly")

    text = models.TextField(_("sentence"), help_text=_("The KPI exactly as written."))
    metric = models.CharField(_("metric"), max_length=200, blank=True)
    comparison = models.CharField(_("comparison"), max_length=2, choices=Comparison, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("%, 天, 小时, 项, 家 …")
    )
    period = models.CharField(_("period"), max_length=20, choices=Period, blank=True)
    deadline_month = models.PositiveSmallIntegerField(
        _("deadline month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("For a yearly deadline such as 12-20: the month."),
    )
    deadline_day = models.PositiveSmallIntegerField(
        _("deadline day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Day of the month by which it is due."),
    )
    duty = models.ForeignKey(
        "positions.Duty",
        verbose_name=_("duty"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpis",
    )
    position = models.ForeignKey(
        "positions.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kpis",
    )
    function = models.ForeignKey(
        "departments.DepartmentFunction",
        verbose_name=_("department function"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpis",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = KpiQuerySet.as_manager()

    # What HR writes of a KPI besides its owner: the sentence, its structure and
    # its place. The duty's KPI inline shows these; the workbook import updates
    # them (all but the sentence, by which it finds the KPI).
    FIELDS = (
        "text",
        "metric",
        "comparison",
        "target",
        "unit",
        "period",
        "deadline_month",
        "deadline_day",
        "order",
    )

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(duty__isnull=False, position__isnull=True, function__isnull=True)
                    | Q(duty__isnull=True, position__isnull=False, function__isnull=True)
                    | Q(duty__isnull=True, position__isnull=True, function__isnull=False)
                ),
                name="kpi_has_exactly_one_owner",
                violation_error_message=_(
                    "A KPI belongs to exactly one duty, position or department function."
                ),
            ),
        ]

    def __str__(self):
        return self.text[:80]

    # Django's get_FOO_display() rebuilds a dict of the field's choices at each
    # call (150 µs): twice a KPI, it was a third of a page of 100 KPIs.
    def get_period_display(self):
        return _PERIODS.get(self.period, self.period)

    def get_comparison_display(self):
        return _COMPARISONS.get(self.comparison, self.comparison)

    @property
    def is_structured(self) -> bool:
        return bool(self.comparison and self.target is not None) or bool(self.deadline_day)

    @property
    def structure(self) -> str:
        """'招聘达成率 ≥ 90 %', or '' when the sentence was not read."""
        return kpi_structure(self.metric, self.comparison, self.target, self.unit)

    def clean(self):
        super().clean()
        if self.deadline_month and self.deadline_day:
            days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][self.deadline_month - 1]
            if self.deadline_day > days:
                raise ValidationError({"deadline_day": _("That month has no such day.")})


_PERIODS = dict(Kpi.Period.choices)
_COMPARISONS = dict(Kpi.Comparison.choices)


class HistoricalDutyForm(models.Model):
    """A duty's form as of one of the duty's history rows (see kpis.history).

    The table simple-history made for ``Duty.forms`` (m2m_fields) while the
    relation was declared on Duty; the same columns, so its rows read on.
    """

    m2m_history_id = models.AutoField(primary_key=True)
    # The link row's id in positions_duty_forms.
    id = models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")
    history = models.ForeignKey(
        "positions.HistoricalDuty",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="forms",
    )
    duty = models.ForeignKey(
        "positions.Duty",
        db_constraint=False,
        db_tablespace="",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    form = models.ForeignKey(
        Form,
        db_constraint=False,
        db_tablespace="",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )

    class Meta:
        db_table = "positions_historicalduty_forms"
        verbose_name = "HistoricalDuty_forms"

    def __str__(self):
        return f"{self._meta.verbose_name} as of {self.history.history_date}"
