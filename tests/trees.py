"""Helpers for tests that look at the department tree's shape."""

from departments.models import Department


def tree_problems() -> list[str]:
    return Department.objects.tree_problems()


def tree_snapshot():
    return list(
        Department.objects.order_by("pk").values_list(
            "pk", "parent_id", "tree_id", "lft", "rght", "level", "order"
        )
    )


def children_codes(parent):
    """Codes of the children of ``parent`` (a department or None for roots) in tree order."""
    return list(
        Department.objects.filter(parent=parent)
        .order_by("tree_id", "lft")
        .values_list("code", flat=True)
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)
