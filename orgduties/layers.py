"""The layers of OrgDuties' apps, lowest first, and the check that keeps them.

An app may import the apps of the layers below its own and nothing above;
two apps of one layer do not import each other. tests/test_layers.py runs
``violations`` over the tree, and the README's code map follows this order.
"""

import ast
from pathlib import Path

LAYERS = [
    ("reader",),  # pure parsing of duty documents: no Django models
    ("core",),  # infrastructure: locking, protected deletes, numbering, roles, admin bases
    ("jobs",),  # background jobs: the queue, progress, results; each app declares its kinds
    ("departments",),
    ("positions",),
    ("kpis",),  # KPIs and forms, which point at duties
    ("documents",),  # document control: job descriptions' workflow and revisions
    ("storage",),  # backup/restore and the content generation: every table at once
    ("workbook",),  # the organisation as a workbook: import, export, template
    ("intake",),  # duty documents (text, Word) -> preview -> rows
    ("directory",),  # company login (LDAP / Active Directory, OIDC) and the directory sync
    ("orgchart",),  # the drawn org chart: layout, SVG/PDF/PNG, its pages and export command
    ("browse", "search"),  # the pages employees read
    ("api",),  # the REST API and its personal tokens
    ("demo",),  # the demo organisation
    ("orgduties",),  # the project: settings, URLs, WSGI
]

LEVEL = {app: number for number, layer in enumerate(LAYERS, start=1) for app in layer}


def _imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def violations(root):
    """Every import under ``root`` that climbs a layer, as "path:line: message"."""
    root = Path(root)
    found = []
    for app, level in LEVEL.items():
        for path in sorted((root / app).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, module in _imported(tree):
                other = module.split(".")[0]
                if other == app or other not in LEVEL:
                    continue
                if LEVEL[other] >= level:
                    found.append(
                        f"{path.relative_to(root).as_posix()}:{line}: {app} (layer {level}) "
                        f"imports {other} (layer {LEVEL[other]})"
                    )
    return found
