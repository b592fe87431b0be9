import nested_admin
from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils.html import format_html
from mptt.admin import TreeRelatedFieldListFilter


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


class _PreloadedAutocomplete:
    """An autocomplete whose selected options come from labels loaded beforehand.

    The stock widget runs one query per form for the labels of the selected
    options; on a position with forty duties that is forty queries. The inline
    formset hands every widget the labels it already prefetched.
    """

    preloaded: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        value = valid_ids(self.choices.queryset.model, value)
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.preloaded is None or any(v not in self.preloaded for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        options += [
            self.create_option(name, v, self.preloaded[v], set(selected), len(options) + index)
            for index, v in enumerate(selected)
        ]
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(_PreloadedAutocomplete, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(_PreloadedAutocomplete, AutocompleteSelectMultiple):
    pass


def valid_ids(model, values):
    """The values that can be ids of ``model``: a form redisplayed with "1.5" or
    a 30-digit number must not reach the database, which would fail on them."""
    pk = model._meta.pk
    low, high = connection.ops.integer_field_range(pk.get_internal_type()) or (None, None)
    kept = []
    for value in values or []:
        if value in (None, ""):
            kept.append(value)
            continue
        try:
            number = pk.to_python(value)
        except (ValidationError, TypeError, ValueError):
            continue
        if isinstance(number, int) and low is not None and not low <= number <= high:
            continue
        kept.append(value)
    return kept


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, valid_ids(self.choices.queryset.model, value), attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, valid_ids(self.choices.queryset.model, value), attr)


def preload_autocomplete(form, field_name, labels):
    """Give the (wrapped) autocomplete widget of ``field_name`` its option labels."""
    widget = form.fields[field_name].widget
    widget = getattr(widget, "widget", widget)
    if isinstance(widget, _PreloadedAutocomplete):
        widget.preloaded = labels


class PreloadingFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Inline formset that renders autocomplete labels without a query per row.

    - rows the parent inline prefetched (``Prefetch`` on the parent's queryset)
      are used instead of a fresh query per parent row;
    - labels of the selected autocomplete options are taken from the rows
      (select_related / prefetch_related by the inline's get_queryset).
    """

    preload_fields: tuple[str, ...] = ()

    def get_queryset(self):
        if not hasattr(self, "_rows"):
            accessor = self.fk.remote_field.get_accessor_name()
            cache = getattr(self.instance, "_prefetched_objects_cache", {})
            if self.instance.pk and accessor in cache:
                self._rows = list(cache[accessor])
            else:
                return super().get_queryset()
        return self._rows

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Django sets only the parent's id; row labels (__str__) then fetch the
        # parent once per row.
        if self.instance.pk:
            setattr(form.instance, self.fk.name, self.instance)
        if not hasattr(self, "_labels"):
            rows = list(self.get_queryset())
            self._labels = {name: self._labels_of(rows, name) for name in self.preload_fields}
        for name, labels in self._labels.items():
            preload_autocomplete(form, name, labels)
        return form

    def _labels_of(self, rows, name):
        field = self.model._meta.get_field(name)
        labels = {}
        for row in rows:
            if field.many_to_many:
                related = list(getattr(row, name).all())
            else:
                related = [getattr(row, name)] if getattr(row, field.attname) else []
            labels.update({str(obj.pk): str(obj) for obj in related})
        return labels


class PreloadedAutocompleteInlineMixin:
    """Autocomplete fields on inline rows, at a fixed number of queries per page."""

    formset = PreloadingFormSet

    def get_queryset(self, request):
        opts = self.model._meta
        names = self.get_autocomplete_fields(request)
        single = [n for n in names if not opts.get_field(n).many_to_many]
        multiple = [n for n in names if opts.get_field(n).many_to_many]
        return super().get_queryset(request).select_related(*single).prefetch_related(*multiple)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.preload_fields = tuple(self.get_autocomplete_fields(request))
        return formset


# The tree filter's choices: the top levels of the tree, at most so many units.
FILTER_LEVELS = 2
FILTER_UNITS = 100


def tree_level_class(level: int) -> str:
    """CSS class indenting a tree level (static/css/admin.css); no style attribute."""
    if level <= 0:
        return "tree-level-0"
    return f"tree-level-{level}" if level <= 15 else "tree-level-deeper"


class IndentedTreeRelatedFieldListFilter(TreeRelatedFieldListFilter):
    """django-mptt's tree filter, indented by a class instead of a style attribute.

    It offers the units of the top FILTER_LEVELS levels (at most FILTER_UNITS,
    and the chosen one wherever it is), each with everything below it: mptt's
    own lists every unit, 2,000 links and two queries over the whole table on
    every page of the change list. A malformed or unknown department id in the
    query string is a bad lookup (the admin shows the list with an error
    flag), not a server error.
    """

    def field_choices(self, field, request, model_admin):
        units = field.related_model._default_manager.order_by("tree_id", "lft")
        top = Q(level__lt=FILTER_LEVELS)
        # Read here: the admin asks for the choices before mptt sets lookup_val.
        chosen = request.GET.get(self.changed_lookup_kwarg, "")
        if chosen.isdigit() and len(chosen) < 12:
            top |= Q(**{self.rel_name: int(chosen)})
        return [
            (pk, name, format_html(' class="{}"', tree_level_class(level)))
            for pk, name, level in units.filter(top).values_list(self.rel_name, "name", "level")[
                :FILTER_UNITS
            ]
        ]

    def queryset(self, request, queryset):
        try:
            return super().queryset(request, queryset)
        except (ValueError, TypeError, ObjectDoesNotExist) as exc:
            raise IncorrectLookupParameters(exc) from exc


class ReadOnlyAdminMixin:
    """Records the admin only shows: made elsewhere (a workflow, a job), never added, changed
    or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
