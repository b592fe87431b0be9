"""The apps import only downwards, in the order declared in orgduties/layers.py.

Every import statement of every module of our apps is read with ``ast``
(imports inside functions included, since a lazy import is still a
dependency), and one that names an app of a higher layer, or of another app
in the same layer, fails the test with the file and line.
"""

import ast
import textwrap
from pathlib import Path

from django.conf import settings

from orgduties.layers import LAYERS, LEVEL, violations

ROOT = Path(settings.BASE_DIR)


def test_every_app_imports_only_the_layers_below_it():
    found = violations(ROOT)

    assert found == [], "imports that climb a layer:\n" + "\n".join(found)


def test_the_check_catches_an_import_that_climbs(tmp_path):
    # departments sits below positions: a model of departments that imports
    # positions is the circle issue 11 removed.
    (tmp_path / "departments").mkdir()
    (tmp_path / "departments" / "models.py").write_text(
        textwrap.dedent(
            """
            from core.locking import tree_lock

            def positions_count(self):
                from positions.models import Position
                return Position.objects.count()
            """
        )
    )

    found = violations(tmp_path)

    assert found == ["departments/models.py:5: departments (layer 4) imports positions (layer 5)"]


def test_the_check_catches_an_import_between_apps_of_one_layer(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "views.py").write_text("import browse.views\n")

    level = LEVEL["search"]
    assert violations(tmp_path) == [
        f"search/views.py:1: search (layer {level}) imports browse (layer {level})"
    ]


def test_the_reader_uses_no_django_models():
    for path in (ROOT / "reader").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("django.db", "django.contrib")), (path, name)


def test_every_app_of_ours_has_a_layer():
    ours = {
        entry.split(".")[0]
        for entry in settings.INSTALLED_APPS
        if (ROOT / entry.split(".")[0] / "apps.py").exists()
    }
    layered = {app for layer in LAYERS for app in layer}

    assert ours <= layered, ours - layered
    assert layered <= ours | {"orgduties"}, layered - ours
