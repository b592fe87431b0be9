from django import forms
from django.db import models


class CompactSortableInlineMixin:
    """Inline rows that HR reorders by dragging: the order field is hidden.

    Nobody types a number; the drag-and-drop script writes the order, and the
    numbers people see are derived from it. Text areas are kept short so a
    position with twenty duties still fits on a few screens.
    """

    textarea_rows = 2

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == getattr(self, "sortable_field_name", None):
            kwargs["widget"] = forms.HiddenInput
        elif isinstance(db_field, models.TextField):
            kwargs["widget"] = forms.Textarea(attrs={"rows": self.textarea_rows, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)
