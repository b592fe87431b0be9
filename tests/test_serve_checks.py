"""`make serve` and `make worker` say what is missing before they start."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NOWHERE = "postgres://orgduties:s3cret-pw@127.0.0.1:1/orgduties"


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "orgduties.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_serve_names_a_database_that_is_not_reachable_without_its_password():
    done = _manage("check", "--deploy", "--database", "default", DATABASE_URL=NOWHERE)
    assert done.returncode != 0
    assert "The database at 127.0.0.1:1/orgduties is not reachable" in done.stderr
    assert "s3cret-pw" not in done.stdout + done.stderr


def test_serve_names_a_database_that_is_not_migrated(tmp_path):
    done = _manage(
        "check", "--deploy", "--database", "default", DATABASE_URL=f"sqlite:///{tmp_path}/new.db"
    )
    assert "lacks" in done.stdout + done.stderr and "make migrate" in done.stdout + done.stderr


def test_the_worker_names_what_is_missing(tmp_path):
    done = _manage("worker", "--batch", DATABASE_URL=NOWHERE)
    assert done.returncode != 0
    assert "The database at 127.0.0.1:1/orgduties is not reachable" in done.stderr
    assert "Traceback" not in done.stderr
    assert "s3cret-pw" not in done.stderr
    done = _manage("worker", "--batch", DATABASE_URL=f"sqlite:///{tmp_path}/new.db")
    assert "lacks" in done.stderr and "make migrate" in done.stderr
    assert "Traceback" not in done.stderr
