"""What the workbook app keeps: the column mapping chosen for each set of flat-sheet headers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workbook.flat_read import FIELDS, headers_digest


class ColumnMappingQuerySet(models.QuerySet):
    def for_headers(self, headers: list[str]) -> list[str] | None:
        """The mapping last chosen for these headers (a field or "" per header), or None."""
        found = self.filter(digest=headers_digest(headers)).first()
        if found is None or len(found.fields) != len(headers):
            return None
        return [name if name in FIELDS else "" for name in found.fields]

    def remember(self, headers: list[str], fields: list[str], user=None):
        mapping, _created = self.update_or_create(
            digest=headers_digest(headers),
            defaults={"headers": list(headers), "fields": list(fields), "changed_by": user},
        )
        return mapping


class ColumnMapping(models.Model):
    """The fields a flat sheet's columns hold, as HR chose them in the import's preview.

    Keyed by the headers, in order and compared as the import compares them (繁简,
    full width, case), so the next export from the same system is mapped alike.
    """

    digest = models.CharField(_("headers' key"), max_length=64, unique=True, editable=False)
    headers = models.JSONField(_("headers"), default=list)
    fields = models.JSONField(
        _("fields"), default=list, help_text=_("One field per header; empty to ignore the column.")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    history = HistoricalRecords()
    objects = ColumnMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["-changed_at"]

    def __str__(self):
        return ", ".join(
            f"{header} → {field or '—'}"
            for header, field in zip(self.headers, self.fields, strict=False)
        )[:200]
