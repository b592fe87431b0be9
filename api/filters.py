"""Query-string filters of the lists, declared per view as ``filters = {name: Filter}``.

A value that cannot be read is a 400 naming the parameter, never a 500; the
OpenAPI schema lists each filter with its type (see ``get_schema_operation_parameters``).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend

from departments.models import Department

MAX_ID = 2**63 - 1
MAX_TEXT = 200


def _text(raw):
    if len(raw) > MAX_TEXT:
        raise ValueError
    return raw


def _id(raw):
    value = int(raw)
    if not 0 < value <= MAX_ID or not raw.isdigit():
        raise ValueError
    return value


def _bool(raw):
    return {"true": True, "1": True, "false": False, "0": False}[raw.lower()]


_SCHEMAS = {
    _text: {"type": "string", "maxLength": MAX_TEXT},
    _id: {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    _bool: {"type": "boolean"},
}


@dataclass(frozen=True)
class Filter:
    """``lookup`` gets the parsed value; ``apply`` (queryset, value) overrides it."""

    lookup: str = ""
    parse: object = _text
    help: str = ""
    apply: object = None
    choices: tuple = field(default=())

    def schema(self):
        schema = dict(_SCHEMAS[self.parse])
        if self.choices:
            schema["enum"] = list(self.choices)
        return schema

    def filter(self, queryset, name, raw):
        try:
            value = self.parse(raw)
            if self.choices and value not in self.choices:
                raise ValueError
        except (ValueError, KeyError):
            raise exceptions.ValidationError(
                {name: [_("Not a valid value for this filter.")]}
            ) from None
        if self.apply is not None:
            return self.apply(queryset, value)
        return queryset.filter(**{self.lookup: value})


def in_unit(prefix):
    """A filter on the units below (and including) the unit with this code."""

    def apply(queryset, code):
        unit = Department.objects.filter(code=code).values("tree_id", "lft", "rght").first()
        if unit is None:
            return queryset.none()
        return queryset.filter(
            **{
                f"{prefix}tree_id": unit["tree_id"],
                f"{prefix}lft__gte": unit["lft"],
                f"{prefix}rght__lte": unit["rght"],
            }
        )

    return apply


class QueryFilters(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        for name, spec in getattr(view, "filters", {}).items():
            raw = request.query_params.get(name)
            if raw is not None:
                queryset = spec.filter(queryset, name, raw)
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": str(spec.help),
                "schema": spec.schema(),
            }
            for name, spec in getattr(view, "filters", {}).items()
        ]
