"""Optimistic locking: a save made from a stale form is refused, never silently applied.

Every save of a versioned row adds one to its ``version``. The admin change
form carries the version it was opened at (``loaded_version``, hidden); when it
is saved, the row is locked (SELECT … FOR UPDATE inside the admin's
transaction; SQLite's immediate transactions serialise writers the same way)
and its version compared. If someone else saved in between, nothing is
written and the form says what they changed, field by field: their value
against yours. The form then carries the current version, so saving again
deliberately keeps your values.
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class VersionedMixin:
    """Model mixin: every save adds one to ``version`` (a field the model declares)."""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def version_field():
    return models.PositiveIntegerField(
        _("version"),
        default=0,
        editable=False,
        help_text=_("Goes up by one with every save; stale edits are refused."),
    )


class VersionedAdminForm(forms.ModelForm):
    loaded_version = forms.IntegerField(
        label=_("Version opened"), widget=forms.HiddenInput, required=False, min_value=0
    )

    # The version the user is looking at, when that is not the instance's own
    # (the history "revert" form shows an old version of a current row).
    loaded_version_initial = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            initial = self.loaded_version_initial
            self.fields["loaded_version"].initial = (
                self.instance.version if initial is None else initial
            )

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk is None or loaded is None:
            # A new row, or a client that never loaded the form: nothing to compare.
            return cleaned
        model = type(self.instance)._meta.concrete_model
        current = (
            model._base_manager.select_for_update(of=("self",))
            .filter(pk=self.instance.pk)
            .order_by()
            .first()
        )
        if current is None:
            raise ValidationError(gettext("This record was deleted by someone else."))
        if current.version != loaded:
            self._refuse(model, current, loaded, cleaned)
        # The save adds one to the version as it is now in the database.
        self.instance.version = current.version
        return cleaned

    def _refuse(self, model, current, loaded, cleaned):
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = current.version
        self.data = data  # saving again deliberately keeps your values
        changes = self._their_changes(model, current, loaded, cleaned)
        last = model.history.filter(**{model._meta.pk.attname: current.pk}).order_by(
            "-history_date", "-history_id"
        )
        last = last.select_related("history_user").first()
        who = gettext("someone else")
        if last is not None and last.history_user is not None:
            who = last.history_user.get_username()
        when = date_format(timezone.localtime(last.history_date), "DATETIME_FORMAT") if last else ""
        lines = [
            gettext(
                "%(who)s saved this %(model)s at %(when)s, after you opened it. "
                "Your changes were not saved."
            )
            % {"who": who, "model": model._meta.verbose_name, "when": when}
        ]
        if changes:
            lines.append(gettext("What they changed (field: theirs vs yours):"))
            lines += [f"{label}: «{theirs}» vs «{yours}»" for label, theirs, yours in changes]
        else:
            lines.append(gettext("They changed the rows below (duties, KPIs, holders…)."))
        lines.append(
            gettext(
                "Reload the page to start from their version, or save again to replace it "
                "with yours."
            )
        )
        raise ValidationError(lines)

    def _their_changes(self, model, current, loaded, cleaned):
        """(label, theirs, yours) for each field they changed since ``loaded``."""
        before = (
            model.history.filter(**{model._meta.pk.attname: current.pk, "version": loaded})
            .order_by("-history_id")
            .first()
        )
        changes = []
        for name, field in self.fields.items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                continue
            if not model_field.concrete or model_field.many_to_many:
                continue
            theirs = getattr(current, model_field.attname)
            yours = _raw(cleaned.get(name, theirs))
            if before is not None:
                if getattr(before, model_field.attname) == theirs:
                    continue  # they did not touch it
            elif theirs == yours:
                continue  # without their starting point, show only what differs
            changes.append(
                (field.label or name, _shown(model_field, theirs), _shown(model_field, yours))
            )
        return changes


def _raw(value):
    return value.pk if isinstance(value, models.Model) else value


def _shown(model_field, value):
    if value in (None, ""):
        return "–"
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        value = related if related is not None else value
    elif model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    elif isinstance(value, bool):
        value = gettext("yes") if value else gettext("no")
    return Truncator(str(value)).chars(80)


class OptimisticLockAdminMixin:
    """ModelAdmin mixin: the change form (and the history revert form) is version-checked."""

    form = VersionedAdminForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = [*options["fields"], "loaded_version"]
        return [(name, {**options, "fields": fields}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        current = getattr(request, "_current_version", None)
        if current is not None:
            form = type(form.__name__, (form,), {"loaded_version_initial": current})
        return form

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert form shows an old version; what the user "opened" is the current one.
        try:
            request._current_version = (
                self.model._base_manager.filter(pk=object_id)
                .values_list("version", flat=True)
                .first()
            )
        except (ValueError, TypeError, ValidationError):
            request._current_version = None  # a malformed id: the view answers 404
        return super().history_form_view(request, object_id, version_id, extra_context)
