"""What the one-sheet resources of workbook/resources.py share: cells, widgets, loading.

A cell is read as the workbook importer reads it (workbook/columns.py): the
export's apostrophe removed, blanks trimmed, codes folded. Relations are
looked up in dictionaries the resource fills once per import, so no widget
queries per row.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from kpis.models import Form
from workbook.columns import FLAG, FORMS
from workbook.exporter import escape_formula
from workbook.sheets import cell_text, column_name, unescape_formula


def cell(value, fold=False) -> str:
    """A cell as text: the export's apostrophe removed, spaces trimmed, codes folded."""
    # Trimmed before the apostrophe goes: an escaped leading tab or CR is kept.
    text = cell_text(value).strip(" \t\r\n\u3000\u00a0")
    if text.startswith("'"):
        text = unescape_formula(text)
    if fold and not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    return text


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NumberWidget(widgets.Widget):
    """A whole number ≥ 0; an empty cell keeps the model's default.

    Digits only, stricter than the workbook's ``NUMBER`` (which reads "3.0"
    as 3): the admin's sheets have always refused anything else.
    """

    def clean(self, value, row=None, **kwargs):
        text = cell(value, fold=True)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("Expected a number, got “%(value)s”.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class FlagWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell(value, fold=True)
        flag = FLAG.parse(text)
        if flag is None:
            raise ValueError(
                _("Expected 1 or 0 (yes or no), got “%(value)s”.") % {"value": text.lower()}
            )
        return flag

    def render(self, value, obj=None, **kwargs):
        return FLAG.format(value)


class CodeWidget(widgets.Widget):
    """A foreign key written as the other row's code.

    ``lookup`` (code -> object) is filled by the resource before the rows are
    read; an unknown code is a message on the row, not an exception.
    """

    def __init__(self, message, attribute="code"):
        super().__init__()
        self.message = message
        self.attribute = attribute
        self.lookup = {}

    def clean(self, value, row=None, **kwargs):
        code = cell(value, fold=True)
        if not code:
            return None
        try:
            return self.lookup[code]
        except KeyError:
            raise ValueError(self.message() % {"code": code}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.attribute)


class FormsWidget(widgets.ManyToManyWidget):
    """Forms of a duty by code or name (《订单评审表》), separated by 、 ; or new lines."""

    def __init__(self):
        super().__init__(Form)
        self.lookup = {}

    def clean(self, value, row=None, **kwargs):
        found, unknown = [], []
        for item in FORMS.parse(cell(value)):
            token = FORMS.reference(item)
            if not token:
                continue
            form = self.lookup.get(token)
            if form is None:
                unknown.append(token)
            elif form not in found:
                found.append(form)
        if unknown:
            raise ValueError(
                _("No form with code or name “%(value)s”.") % {"value": "、".join(unknown)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else FORMS.format(f.code for f in value)


class FormsField(fields.Field):
    """A duty's forms as a list kept on the instance (``_forms``).

    import-export compares and shows a deep copy of each row, which loses the
    prefetched forms: reading them from the manager would be a query per row.
    """

    def __init__(self):
        super().__init__(attribute="forms", column_name="forms", widget=FormsWidget())

    def get_value(self, instance):
        if "_forms" not in instance.__dict__:
            instance._forms = list(instance.forms.all()) if instance.pk else []
        return instance._forms


def column(name, attribute=None, widget=None, **options):
    return fields.Field(
        attribute=attribute, column_name=name, widget=widget or TextWidget(), **options
    )


def number_column(name, attribute=None):
    # An empty cell keeps the stored value (or the model's default).
    return column(name, attribute, NumberWidget(), saves_null_values=False)


def row_id_column():
    # Read by the instance loader; never written, so new rows get the next id.
    return column("id", "id", NumberWidget(), readonly=True)


class CodeLoader(BaseInstanceLoader):
    """The rows already stored, found by their key column in one query."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key = resource.get_import_id_fields()[0]
        field = resource.fields[self.key]
        keys = set()
        if dataset is not None and field.column_name in (dataset.headers or []):
            for value in dataset[field.column_name]:
                key = resource.clean_key(value)
                if key is not None:
                    keys.add(key)
        queryset = resource.get_queryset().filter(**{f"{field.attribute}__in": keys})
        self.instances = {getattr(obj, field.attribute): obj for obj in queryset}

    def get_instance(self, row):
        key = self.resource.clean_key(row.get(self.resource.fields[self.key].column_name))
        return self.instances.get(key)


class SheetResource(resources.ModelResource):
    """Columns of one workbook sheet; see the module docstring."""

    sheet = ""
    # Attributes set outside the declared fields (owner of a KPI, order): an
    # import that changes one of them is not "unchanged".
    extra_attributes = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = CodeLoader

    # -- import -----------------------------------------------------------

    def clean_key(self, value):
        key = cell(value, fold=True)
        return key or None

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = []
        for title in dataset.headers or []:
            title = str(title or "").strip().lstrip("\ufeff")
            headers.append(title if title == "id" else column_name(self.sheet, title) or title)
        rows = [list(row) for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            if any(cell not in (None, "") for cell in row):  # spreadsheets pad with empty rows
                dataset.append(row)
        self.load_lookups(dataset)

    def load_lookups(self, dataset):
        """Fill the widgets' dictionaries from the codes the sheet uses (one query each)."""

    def codes(self, dataset, column):
        if column not in (dataset.headers or []):
            return set()
        return {cell(v, fold=True) for v in dataset[column]} - {""}

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if new and self.get_import_id_fields() == ("id",):
            key = cell(row.get("id"), fold=True)
            if key:  # an id that is not stored would otherwise become a new row's id
                raise ValidationError(
                    {"id": _("No row with id %(id)s; leave id empty to add a row.") % {"id": key}}
                )
        return instance, new

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # import-export's own comparison asks the database for the original's
        # many-to-many rows, once per row; FormsField keeps them on the instance.
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                if field.column_name in row:
                    wanted = {obj.pk for obj in field.clean(row)}
                    if wanted != {obj.pk for obj in field.get_value(original) or ()}:
                        return False
            elif field.get_value(instance) != field.get_value(original):
                return False
        return all(
            getattr(instance, name) == getattr(original, name) for name in self.extra_attributes
        )

    # -- export -----------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def iter_queryset(self, queryset):
        # A fixed number of queries: the rows, then what prepare_export loads.
        objects = list(self.export_queryset(queryset))
        self.prepare_export(objects)
        yield from objects

    def export_queryset(self, queryset):
        return queryset

    def prepare_export(self, objects):
        pass


def raise_errors(errors):
    if errors:
        raise ValidationError(errors)
