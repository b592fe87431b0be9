"""The due list: descriptions to review or to write.

* Approved documents whose next review date has passed or falls within
  ``REVIEW_WINDOW_DAYS``.
* Positions with no approved description ``NEW_POSITION_DAYS`` after their
  creation (seed 003: a new position gets its description within a week).

A position's creation is the first record of its field history (every path
that creates positions writes one: the admin, the importer, scripts through
the ORM); the control record's "first seen" stands in if that history was
pruned.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from documents.models import Document
from positions.models import Position

REVIEW_WINDOW_DAYS = 30
NEW_POSITION_DAYS = 7


@dataclass
class DueItem:
    kind: str  # "positions" or "departments" (the URL segment)
    code: str
    title: str
    unit: str
    reason: str  # "review" or "new"
    due: date
    document: Document | None
    created: date | None = None

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()

    @property
    def days(self) -> int:
        """Days until due (negative: days overdue)."""
        return (self.due - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return -self.days


def due_items(today=None) -> list[DueItem]:
    """Everything due, the most overdue first. Two queries."""
    today = today or timezone.localdate()
    items = []
    reviews = (
        Document.objects.filter(
            current_revision__isnull=False,
            next_review_date__lte=today + timedelta(days=REVIEW_WINDOW_DAYS),
        )
        .select_related("position__department", "department__parent")
        .only(
            "number",
            "status",
            "revision",
            "next_review_date",
            "position__code",
            "position__title",
            "position__department__name",
            "department__code",
            "department__name",
            "department__parent__name",
        )
        .order_by("next_review_date", "number")
    )
    for document in reviews:
        subject = document.subject
        unit = (
            subject.department.name
            if document.position_id
            else (subject.parent.name if subject.parent_id else "")
        )
        items.append(
            DueItem(
                kind=f"{document.kind}s",
                code=subject.code,
                title=document.title,
                unit=unit,
                reason="review",
                due=document.next_review_date,
                document=document,
            )
        )
    history = Position.history.model._default_manager
    created = Subquery(
        history.filter(id=OuterRef("pk")).order_by("history_date").values("history_date")[:1]
    )
    first_seen = Subquery(Document.objects.filter(position=OuterRef("pk")).values("created_at")[:1])
    grace = timedelta(days=NEW_POSITION_DAYS)
    # Created on day D: due on D + 7, listed from that day on.
    cutoff = timezone.make_aware(datetime.combine(today - grace + timedelta(days=1), time.min))
    new = (
        Position.objects.exclude(document__current_revision__isnull=False)
        .annotate(created=Coalesce(created, first_seen))
        .filter(created__lt=cutoff)
        .select_related("department", "document")
        # Every position may be listed on a new installation: load no more than shown.
        .only(
            "code",
            "title",
            "department__name",
            "document__number",
            "document__status",
            "document__revision",
        )
        .order_by("created", "code")
    )
    for position in new:
        created_on = timezone.localdate(position.created)
        items.append(
            DueItem(
                kind="positions",
                code=position.code,
                title=position.title,
                unit=position.department.name,
                reason="new",
                due=created_on + grace,
                document=getattr(position, "document", None),
                created=created_on,
            )
        )
    items.sort(key=lambda item: (item.due, item.code))
    return items
