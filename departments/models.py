from collections import defaultdict
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history.models import HistoricalRecords

from core.locking import VersionedMixin, version_field
from core.protect import ProtectedDeleteMixin

# Any constant works; it only has to be the same in every process.
_TREE_LOCK_KEY = 0x4F524744  # "ORGD"
_TREE_FIELDS = ["lft", "rght", "tree_id", "level"]


@contextmanager
def tree_lock(using=None):
    """Serialise every write to the department tree.

    MPTT moves rewrite lft/rght of many rows computed from values read just
    before; two editors moving at once would corrupt the tree. PostgreSQL takes
    a transaction-scoped advisory lock; SQLite transactions here are IMMEDIATE
    (see orgduties.env), which already admits one writer at a time.
    """
    using = using or router.db_for_write(Department)
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TREE_LOCK_KEY])
        yield


class DepartmentQuerySet(TreeQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_own_position_counts(self):
        """Annotate ``position_count`` (its own positions, not its sub-units')."""
        position = self.model._meta.get_field("positions").related_model
        return self.model._tree_manager.add_related_count(
            self, position, "department", "position_count", cumulative=False
        )

    def with_position_counts(self):
        """Annotate ``position_count`` (own) and ``total_position_count`` (subtree).

        One subquery each, whatever the number of rows.
        """
        # The model behind the reverse relation: departments sits below positions.
        position = self.model._meta.get_field("positions").related_model
        own = self.model._tree_manager.add_related_count(
            self, position, "department", "position_count", cumulative=False
        )
        return self.model._tree_manager.add_related_count(
            own, position, "department", "total_position_count", cumulative=True
        )


class DepartmentManager(TreeManager.from_queryset(DepartmentQuerySet)):
    def move_node(self, node, target, position="last-child"):
        """Move under the tree lock, then renumber the siblings it left and joined."""
        with tree_lock(self.db):
            old_parent_id = (
                self.model.objects.filter(pk=node.pk).values_list("parent_id", flat=True).get()
            )
            # mptt has already placed the node when it calls save(); tell save()
            # not to treat the new parent as a move still to be made.
            if target is not None:
                # mptt refreshes the target's place in the tree, not its parent;
                # a left/right drop must take the parent it has now.
                target.refresh_from_db(fields=["parent", *_TREE_FIELDS])
            node._placed_by_manager = True
            try:
                super().move_node(node, target, position)
            finally:
                node._placed_by_manager = False
            node.refresh_from_db(fields=[*_TREE_FIELDS, "parent"])
            self.renumber_children(old_parent_id)
            if node.parent_id != old_parent_id:
                self.renumber_children(node.parent_id)

    def renumber_children(self, parent_id):
        """Set ``order`` of the children of ``parent_id`` to 1..n in tree order."""
        siblings = list(self.filter(parent_id=parent_id).order_by("tree_id", "lft"))
        changed = []
        for index, sibling in enumerate(siblings, start=1):
            if sibling.order != index:
                sibling.order = index
                changed.append(sibling)
        if changed:
            self.model.objects.bulk_update(changed, ["order"])

    def rebuild(self, batch_size=500, **filters):
        """Recompute every tree field from parent and order, in memory, in one pass.

        Called by mptt itself too (partial_rebuild after delay_mptt_updates);
        its filters are ignored: recomputing every tree costs about the same.

        mptt's own rebuild issues an UPDATE per node; this one writes only the
        rows that changed, in batches. Siblings are sorted by ``order`` (ties
        keep their current tree position) and renumbered 1..n; roots are
        numbered the same way through ``tree_id``.
        """
        with tree_lock(self.db):
            nodes = list(
                self.model.objects.order_by("tree_id", "lft", "pk").values_list(
                    "pk", "parent_id", "order", *_TREE_FIELDS
                )
            )
            children = {}
            for rank, node in enumerate(nodes):
                children.setdefault(node[1], []).append((node[2] or 0, rank, node))
            for siblings in children.values():
                siblings.sort(key=lambda entry: (entry[0], entry[1]))
            fields = {}  # pk -> (lft, rght, tree_id, level, order)
            for tree_id, (_order, _rank, root) in enumerate(children.get(None, []), start=1):
                counter = 1
                stack = [(root, 0, tree_id, False)]
                lefts = {}
                while stack:
                    node, level, order, closing = stack.pop()
                    if closing:
                        fields[node[0]] = (lefts[node[0]], counter, tree_id, level, order)
                        counter += 1
                        continue
                    lefts[node[0]] = counter
                    counter += 1
                    stack.append((node, level, order, True))
                    kids = children.get(node[0], [])
                    for index in range(len(kids), 0, -1):
                        stack.append((kids[index - 1][2], level + 1, index, False))
            changed = []
            for pk, _parent, order, lft, rght, tree_id, level in nodes:
                wanted = fields.get(pk)
                if wanted and wanted != (lft, rght, tree_id, level, order):
                    obj = self.model(pk=pk)
                    obj.lft, obj.rght, obj.tree_id, obj.level, obj.order = wanted
                    changed.append(obj)
            if changed:
                self.model.objects.bulk_update(
                    changed, [*_TREE_FIELDS, "order"], batch_size=batch_size
                )

    def tree_problems(self) -> list[str]:
        """Every way the stored department tree breaks the nested-set rules; [] when valid.

        Per tree: lft/rght are exactly 1..2n, every node has lft < rght, nodes nest
        (no overlap), a node's parent is the nearest enclosing node, level is its
        depth, and one root spans the tree. Per parent (roots included): sibling
        ``order`` is 1..n in tree order. Used by the tests and bench/concurrent_moves.py.
        """
        rows = list(
            self.order_by("tree_id", "lft").values_list(
                "pk", "parent_id", "tree_id", "lft", "rght", "level", "order", named=True
            )
        )
        problems = []
        trees = defaultdict(list)
        for row in rows:
            trees[row.tree_id].append(row)
        for tree_id, nodes in trees.items():
            bounds = sorted([n.lft for n in nodes] + [n.rght for n in nodes])
            if bounds != list(range(1, 2 * len(nodes) + 1)):
                problems.append(f"tree {tree_id}: lft/rght are not exactly 1..{2 * len(nodes)}")
            if nodes[0].lft != 1 or nodes[0].rght != 2 * len(nodes):
                problems.append(f"tree {tree_id}: node {nodes[0].pk} does not span the tree")
            enclosing = []
            for node in nodes:
                if node.lft >= node.rght:
                    problems.append(f"node {node.pk}: lft {node.lft} >= rght {node.rght}")
                while enclosing and enclosing[-1].rght < node.lft:
                    enclosing.pop()
                if enclosing and node.rght > enclosing[-1].rght:
                    problems.append(f"node {node.pk} overlaps node {enclosing[-1].pk}")
                expected_parent = enclosing[-1].pk if enclosing else None
                if node.parent_id != expected_parent:
                    problems.append(
                        f"node {node.pk}: parent is {node.parent_id}, nest says {expected_parent}"
                    )
                if node.level != len(enclosing):
                    problems.append(f"node {node.pk}: level {node.level}, depth {len(enclosing)}")
                enclosing.append(node)
        siblings = defaultdict(list)
        for row in rows:
            siblings[row.parent_id].append(row.order)
        for parent_id, orders in siblings.items():
            if orders != list(range(1, len(orders) + 1)):
                problems.append(f"children of {parent_id}: order is {orders}, not 1..{len(orders)}")
        return problems


class Department(ProtectedDeleteMixin, VersionedMixin, MPTTModel):
    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        BRANCH = "branch", _("branch")
        DEPARTMENT = "department", _("department")
        OFFICE = "office", _("office")
        REGION = "region", _("region")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A stable identifier used by imports and links, e.g. SALES-EAST."),
    )
    name = models.CharField(_("name"), max_length=200)
    parent = TreeForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DEPARTMENT)
    aliases = models.CharField(
        _("aliases"),
        max_length=500,
        blank=True,
        help_text=_("Other names (English name, traditional spelling), separated by ;"),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(
        _("order"),
        default=0,
        help_text=_("Place among the units with the same parent: 1 is first."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = version_field()

    history = HistoricalRecords(excluded_fields=_TREE_FIELDS)
    objects = DepartmentManager()

    class MPTTMeta:
        order_insertion_by = ["order"]

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("departments:detail", args=[self.code])

    def subtree(self):
        """This unit and every unit below it: a range of the nested set, one index look-up."""
        return Department.objects.filter(
            tree_id=self.tree_id, lft__gte=self.lft, rght__lte=self.rght
        )

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("；", ";").split(";") if a.strip()]

    def clean(self):
        super().clean()
        if self.parent_id and self.pk:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A unit cannot be its own parent.")})
            descendants = self.get_descendants().filter(pk=self.parent_id)
            if descendants.exists():
                raise ValidationError(
                    {"parent": _("A unit cannot be moved below one of its own sub-units.")}
                )

    def save(self, *args, **kwargs):
        with tree_lock(kwargs.get("using") or self._state.db):
            old_parent_id = None
            if getattr(self, "_placed_by_manager", False):
                super().save(*args, **kwargs)
                return
            if self.pk:
                # The form may have been filled in before another editor's move.
                self._refresh_tree_state()
                old_parent_id = self._mptt_cached_fields.get("parent")
            self._make_room_at_order()
            super().save(*args, **kwargs)
            Department.objects.renumber_children(self.parent_id)
            if old_parent_id != self.parent_id:
                Department.objects.renumber_children(old_parent_id)

    def delete(self, *args, **kwargs):
        # mptt closes the gap before Django deletes; if the delete is refused
        # (protected rows) the transaction must roll that back too.
        with tree_lock(kwargs.get("using") or self._state.db):
            parent_id = self.parent_id
            result = super().delete(*args, **kwargs)
            Department.objects.renumber_children(parent_id)
            return result

    def _refresh_tree_state(self):
        """Load the stored tree position, so mptt moves from where the node really is.

        The instance may come from a form filled in before another editor's
        move, or from a history record being reverted.
        """
        current = (
            Department.objects.filter(pk=self.pk)
            .values(*_TREE_FIELDS, "parent_id", "order")
            .first()
        )
        if current:
            self._mptt_cached_fields["parent"] = current.pop("parent_id")
            self._mptt_cached_fields["order"] = current.pop("order")
            for name, value in current.items():
                setattr(self, name, value)
        parent = self.parent if self.parent_id else None
        if parent is not None and parent.pk:
            parent.refresh_from_db(fields=_TREE_FIELDS)

    def _make_room_at_order(self):
        """Give ``order`` the meaning "place N among the siblings".

        The other siblings are renumbered 1..n around the free place N, so that
        mptt's ``order_insertion_by`` puts the unit exactly where HR asked, up
        or down, in its own parent or a new one. No order (0) means last.
        """
        cached = getattr(self, "_mptt_cached_fields", {})
        placed = (
            self.pk and cached.get("parent") == self.parent_id and cached.get("order") == self.order
        )
        if placed:
            return
        siblings = list(
            Department.objects.filter(parent_id=self.parent_id)
            .exclude(pk=self.pk)
            .order_by("tree_id", "lft")
        )
        if not self.order or self.order > len(siblings):
            self.order = len(siblings) + 1
        changed = []
        for index, sibling in enumerate(siblings, start=1):
            wanted = index if index < self.order else index + 1
            if sibling.order != wanted:
                sibling.order = wanted
                changed.append(sibling)
        if changed:
            Department.objects.bulk_update(changed, ["order"])


class DepartmentFunction(models.Model):
    """One numbered item of a department's functions (部门职能)."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="functions",
    )
    section = models.CharField(
        _("section"),
        max_length=200,
        blank=True,
        help_text=_("Heading that groups items, e.g. 人力资源管理. Numbering restarts in each."),
    )
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department function")
        verbose_name_plural = _("department functions")
        ordering = ["department", "order", "id"]

    def __str__(self):
        return self.text[:60]
