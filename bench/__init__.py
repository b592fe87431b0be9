"""Measurements of OrgDuties; the figures are in bench/RESULTS.md.

Each script runs from the repository root as a module, so the project's apps
are importable without editing ``sys.path``:

    .venv/bin/python -m bench.page_timings --repeat 30

``setup_django()`` is the one place the scripts configure Django, and
``bench.orgshapes`` holds the synthetic organisations they (and the tests) build.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"  # generated workbooks, scratch databases, results (not kept)


def setup_django(**defaults):
    """Configure Django with the project's settings.

    ``defaults`` are environment variables the script needs unless the caller's
    environment sets them (``setup_django(DEBUG="1")``).
    """
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgduties.settings")
    import django

    django.setup()
