"""Job descriptions and department function sheets as controlled documents.

A ``Document`` is the control record of one position's job description or one
department's function sheet: its number, where its workflow stands, and its
latest approved ``Revision``. A revision is a frozen JSON snapshot of the whole
description as approved; it is never changed or deleted. Every change of
state is a ``Transition`` (who, when, comment), also kept for good.

The live rows (duties, KPIs, functions …) are the draft; employees read the
latest approved revision.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

POSITION_PREFIX = "JD-"  # 职位说明书 (job description)
DEPARTMENT_PREFIX = "DF-"  # 部门职能 (department functions)


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    REVIEWED = "reviewed", _("reviewed, awaiting approval")
    APPROVED = "approved", _("approved")
    # Only ever said of a revision: a later one has been approved.
    SUPERSEDED = "superseded", _("superseded")


_SIGN_OFF_LABELS = (
    (_("prepared by"), _("prepared on")),
    (_("reviewed by"), _("reviewed on")),
    (_("approved by"), _("approved on")),
)


def sign_offs(*, optional):
    """The 编制/审核/批准 block: who prepared, reviewed and approved, and when.

    Six fields, (by, on) for each step in that order, for a document (where
    they are ``optional`` until each step happens) and its revisions (where
    all are set). A deleted user leaves the name empty, never the row.
    """
    fields = []
    for by, on in _SIGN_OFF_LABELS:
        fields.append(
            models.ForeignKey(
                settings.AUTH_USER_MODEL,
                verbose_name=by,
                on_delete=models.SET_NULL,
                null=True,
                blank=optional,
                related_name="+",
            )
        )
        fields.append(models.DateTimeField(on, null=optional, blank=optional))
    return fields


class DocumentQuerySet(models.QuerySet):
    def open(self):
        """Descriptions in the workflow: a draft, in review or reviewed (not approved)."""
        return self.exclude(status=Status.APPROVED)

    def with_last_transition(self):
        """Annotate ``last_action`` and ``last_comment``: the latest step and what it said."""
        latest = Transition.objects.filter(document=OuterRef("pk")).order_by("-at", "-id")
        return self.annotate(
            last_action=Subquery(latest.values("action")[:1]),
            last_comment=Subquery(latest.values("comment")[:1]),
        )

    def for_subject(self, subject):
        """The control record of a position or a department (created when missing)."""
        from departments.models import Department

        field = "department" if isinstance(subject, Department) else "position"
        document = self.filter(**{field: subject}).first()
        if document is None:
            try:
                with transaction.atomic():
                    document = self.create(**{field: subject, "number": _free_number(subject)})
            except IntegrityError:  # another request created it a moment ago
                document = self.get(**{field: subject})
        return document


def _free_number(subject) -> str:
    from departments.models import Department

    prefix = DEPARTMENT_PREFIX if isinstance(subject, Department) else POSITION_PREFIX
    number = f"{prefix}{subject.code}"
    taken = set(Document.objects.filter(number__startswith=number).values_list("number", flat=True))
    suffix = 1
    candidate = number
    while candidate in taken:
        suffix += 1
        candidate = f"{number}-{suffix}"
    return candidate


class Document(models.Model):
    """The control record of one job description (position) or function sheet (department)."""

    position = models.OneToOneField(
        "positions.Position",
        verbose_name=_("position"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document",
    )
    department = models.OneToOneField(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document",
    )
    number = models.CharField(
        _("document number"),
        max_length=60,
        unique=True,
        help_text=_("As printed on the document, e.g. 行管字 2017 006 号."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[c for c in Status.choices if c[0] != Status.SUPERSEDED],
        default=Status.DRAFT,
    )
    revision = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Number of the latest approved revision (0: none).")
    )
    current_revision = models.ForeignKey(
        "Revision",
        verbose_name=_("latest approved revision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What was submitted: reviewers review it and approval freezes it, even if
    # the live rows change meanwhile.
    pending = models.JSONField(_("submitted content"), null=True, blank=True, editable=False)
    # Filled in as the workflow moves: empty until each step happens.
    prepared_by, prepared_at, reviewed_by, reviewed_at, approved_by, approved_at = sign_offs(
        optional=True
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    next_review_date = models.DateField(
        _("next review date"),
        null=True,
        blank=True,
        help_text=_("Set on approval (the yearly review month); HR may move it."),
    )
    created_at = models.DateTimeField(_("first seen"), default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["pending"])
    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("controlled document")
        verbose_name_plural = _("controlled documents")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(position__isnull=False, department__isnull=True)
                | Q(position__isnull=True, department__isnull=False),
                name="document_has_exactly_one_subject",
                violation_error_message=_(
                    "A controlled document belongs to exactly one position or department."
                ),
            ),
        ]
        permissions = [
            ("submit_document", _("Can submit a draft for review")),
            ("review_document", _("Can review a submitted draft")),
            ("approve_document", _("Can approve a reviewed draft")),
        ]

    def __str__(self):
        return f"{self.number} · {self.subject}"

    def get_absolute_url(self):
        return document_url(self.kind, self.subject_code)

    def clean(self):
        super().clean()
        if bool(self.position_id) == bool(self.department_id):
            raise ValidationError(_("Pick a position or a department, not both."))

    @property
    def subject(self):
        return self.position if self.position_id else self.department

    @property
    def kind(self) -> str:
        """'position' or 'department' (also the URL segment's singular)."""
        return "position" if self.position_id else "department"

    @property
    def subject_code(self) -> str:
        return self.subject.code

    @property
    def title(self) -> str:
        subject = self.subject
        return subject.title if self.position_id else subject.name


def document_url(kind: str, code: str, name: str = "detail") -> str:
    return reverse(f"documents:{name}", args=[f"{kind}s", code])


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Approved revisions are records: they cannot be changed."))

    def delete(self):
        raise ValidationError(_("Approved revisions are records: they cannot be deleted."))


class Revision(models.Model):
    """Revision N of a document as approved: the whole description, frozen.

    ``content`` holds what the page, the compare view and the Word export
    show (see documents.snapshot); the columns beside it repeat the control
    block for lists and searches.
    """

    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("revision"))
    document_number = models.CharField(_("document number"), max_length=60)
    title = models.CharField(_("document title"), max_length=200)
    content = models.JSONField(_("content"))
    prepared_by, prepared_at, reviewed_by, reviewed_at, approved_by, approved_at = sign_offs(
        optional=False
    )
    effective_date = models.DateField(_("effective date"))
    next_review_date = models.DateField(_("next review date"), null=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("approved revision")
        verbose_name_plural = _("approved revisions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_revision_number"),
        ]

    def __str__(self):
        return f"{self.document_number} Rev. {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(
                _(
                    "Revision %(number)s of %(document)s is approved and cannot be changed: "
                    "edit the draft and submit it as a new revision."
                )
                % {"number": self.number, "document": self.document_number}
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        document = self.document
        return reverse(
            "documents:revision", args=[f"{document.kind}s", document.subject_code, self.number]
        )

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Approved revisions are records: they cannot be deleted."))

    @property
    def control(self) -> dict:
        return self.content.get("control", {})


class Transition(models.Model):
    """One change of a document's state: who did it, when, from what to what, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted for review")
        PASS = "pass", _("passed review")
        RETURN = "return", _("returned")
        APPROVE = "approve", _("approved")
        WITHDRAW = "withdraw", _("withdrawn")
        CONFIRM = "confirm", _("reviewed, still valid")

    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    from_status = models.CharField(_("from"), max_length=20, choices=Status)
    to_status = models.CharField(_("to"), max_length=20, choices=Status)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept as text too: the record must still say who after an account is deleted.
    user_name = models.CharField(_("by (name)"), max_length=150)
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    revision = models.PositiveIntegerField(
        _("revision"), null=True, blank=True, help_text=_("The revision this approval created.")
    )

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["document", "-at", "-id"]
        indexes = [models.Index(fields=["document", "-at"], name="transition_document_at")]

    def __str__(self):
        return f"{self.document.number}: {self.get_action_display()} ({self.user_name})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Workflow steps are records: they cannot be changed."))
        super().save(*args, **kwargs)


def display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
