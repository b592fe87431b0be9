"""Refuse deletes that would drop dependent records, with a message naming them."""

from collections import defaultdict

from django.db.models import ProtectedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

_SHOWN = 5


def describe_protected(obj, protected_objects) -> str:
    """'Cannot delete 销售部: it still has positions: 销售部经理, 销售内勤.'"""
    groups = defaultdict(list)
    for related in protected_objects:
        groups[related._meta.verbose_name_plural].append(str(related))
    parts = []
    for label, names in groups.items():
        shown = "、".join(names[:_SHOWN])
        if len(names) > _SHOWN:
            shown += _(" and %(count)d more") % {"count": len(names) - _SHOWN}
        parts.append(f"{label} ({len(names)}): {shown}")
    return _("Cannot delete %(kind)s “%(name)s”: it still has %(held_by)s.") % {
        "kind": obj._meta.verbose_name,
        "name": obj,
        "held_by": "; ".join(parts),
    }


class ProtectedDeleteMixin:
    """Turn Django's ProtectedError into one that says what holds the object."""

    def delete(self, *args, **kwargs):
        try:
            return super().delete(*args, **kwargs)
        except ProtectedError as exc:
            raise ProtectedError(
                capfirst(describe_protected(self, exc.protected_objects)), exc.protected_objects
            ) from None
