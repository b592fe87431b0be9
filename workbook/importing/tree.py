"""Insert the new nodes of a tree sheet (departments, positions), parents first.

Both sheets name each row's parent by code (``parent_code``,
``reports_to_code``), and a parent may itself be new. Rows are inserted level
by level, each with its parent's id already known, instead of inserting
everything and then updating every row a second time.
"""

from collections import defaultdict

from workbook import bulk


def creation_levels(new: dict, parent_code) -> list[list]:
    """Split new rows (code -> object) so that a row's parent, when it is new too,
    is in an earlier level: each level can be inserted with its parents' ids known.
    Sheet order is kept within a level.
    """
    depth = {}
    for code in new:
        chain, current = [], code
        while current in new and current not in depth and current not in chain:
            chain.append(current)
            current = parent_code(current)
        level = depth.get(current, -1)
        for item in reversed(chain):
            level += 1
            depth[item] = level
    levels = defaultdict(list)
    for code, obj in new.items():
        levels[depth[code]].append(obj)
    return [levels[d] for d in sorted(levels)]


def insert_tree(model, created, updated, parents: dict, by_code: dict, attname, report) -> None:
    """Insert ``created`` parents first, then point every row of the sheet at its parent.

    ``parents`` maps the code of every row of the sheet, in sheet order, to its
    parent's code ("" at the top). ``by_code`` holds the stored nodes and
    receives the new ones. ``attname`` is the parent's column (``parent_id``,
    ``reports_to_id``). A stored node whose parent changes joins ``updated``
    and leaves ``report.unchanged``.
    """
    for level in creation_levels({node.code: node for node in created}, parents.__getitem__):
        for node in level:
            parent = by_code.get(parents[node.code])
            setattr(node, attname, parent.pk if parent else None)
        bulk.insert(level, model)
        for node in level:
            by_code[node.code] = node
    moved = {id(node) for node in updated}
    for code, parent_code in parents.items():
        node = by_code[code]
        parent = by_code.get(parent_code)
        parent_id = parent.pk if parent else None
        if getattr(node, attname) != parent_id:
            setattr(node, attname, parent_id)
            if id(node) not in moved:
                moved.add(id(node))
                updated.append(node)
                report.unchanged -= 1


def place_in_new_tree(units: list, parent_code) -> None:
    """Set the tree fields of units that make up the whole tree (none stored yet).

    Siblings are ordered by ``order``, then by their place in the sheet, and
    renumbered 1..n: what Department.objects.rebuild() makes of them, so its
    pass after the insert finds nothing to rewrite (rewriting 2,000 units
    through bulk_update costs seconds).
    """
    children = defaultdict(list)
    for index, unit in enumerate(units):
        children[parent_code(unit.code) or None].append((unit.order or 0, index, unit))
    for kids in children.values():
        kids.sort(key=lambda entry: entry[:2])
    for tree_id, (_order, _index, root) in enumerate(children[None], start=1):
        counter = 1
        stack = [(root, 0, tree_id, False)]
        while stack:
            unit, level, order, closing = stack.pop()
            if closing:
                unit.rght = counter
                counter += 1
                continue
            unit.lft, unit.level, unit.tree_id, unit.order = counter, level, tree_id, order
            counter += 1
            stack.append((unit, level, order, True))
            kids = children.get(unit.code, [])
            for index in range(len(kids), 0, -1):
                stack.append((kids[index - 1][2], level + 1, index, False))
