"""Backup and restore of the whole organisation, its history and its uploads.

A backup is a zip file:

- ``data.json``: every row of every installed app's models, as Django's
  dumpdata writes them with natural keys (so users, groups, permissions and
  content types match up in another database). That includes
  django-simple-history's historical tables, the admin's change log and the
  tables of any app added later: the list of models is taken from the
  installed apps when the backup runs, less what is only transient (sessions,
  login-failure counters) or that migrate creates (content types, permissions).
- ``media/…``: every uploaded file a current row names (form templates,
  employees' photos), as stored. History rows keep only the names, and the
  files of replaced photos are deleted (positions.models), so are not here.
- ``manifest.json``: when, from which schema (the applied migrations), and
  how many rows of each model.

``restore`` loads it into an empty, migrated database of the same release in
one transaction: either everything is restored or nothing is.
"""

import json
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

FORMAT = "orgduties-backup"
# Django's JSON, with times to the microsecond (see core/exact_json.py).
EXACT_JSON = "orgjson"
serializers.register_serializer(EXACT_JSON, "core.exact_json")
FORMAT_VERSION = 1

# Not part of the organisation: recreated by migrate, or transient.
SKIPPED_APPS = {"contenttypes", "sessions", "axes"}
SKIPPED_MODELS = {"auth.permission"}
# Rows a freshly migrated database already has (data migrations): restoring
# over them is expected, they are matched by natural key.
CREATED_BY_MIGRATE = {"auth.group"}


class BackupError(Exception):
    pass


def backed_up_models():
    """Every concrete model of every installed app that holds organisation data."""
    found = []
    # Many-to-many tables come with the models that declare them.
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed or opts.app_label in SKIPPED_APPS:
            continue
        if opts.label_lower in SKIPPED_MODELS:
            continue
        found.append(model)
    return found


def _labels(models_):
    return [m._meta.label for m in models_]


def _file_fields(models_):
    for model in models_:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def _applied_migrations(using):
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).applied_migrations()
    )


def counts(using=DEFAULT_DB_ALIAS):
    return {m._meta.label: m._base_manager.using(using).count() for m in backed_up_models()}


def backup(path, using=DEFAULT_DB_ALIAS) -> dict:
    """Write the backup zip to ``path``; return its manifest."""
    path = Path(path)
    chosen = backed_up_models()
    with transaction.atomic(using=using):  # one consistent snapshot (repeatable on PostgreSQL)
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "database": connections[using].vendor,
            "migrations": _applied_migrations(using),
            "rows": counts(using),
            "media": [],
        }
        with tempfile.TemporaryDirectory() as work:
            data = Path(work) / "data.json"
            call_command(
                "dumpdata",
                *_labels(chosen),
                format=EXACT_JSON,
                natural_foreign=True,
                natural_primary=True,
                database=using,
                output=str(data),
                verbosity=0,
            )
            tmp = path.with_name(path.name + ".part")
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.write(data, "data.json")
                for model, field in _file_fields(chosen):
                    names = (
                        model._base_manager.using(using)
                        .exclude(**{field.name: ""})
                        .values_list(field.name, flat=True)
                    )
                    for name in sorted(set(filter(None, names))):
                        storage = field.storage
                        if not storage.exists(name):
                            continue
                        with storage.open(name, "rb") as source:
                            archive.writestr(f"media/{name}", source.read())
                        manifest["media"].append(name)
                archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            tmp.replace(path)
    return manifest


def read_manifest(path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"{path} is not an OrgDuties backup ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} is not an OrgDuties backup of format {FORMAT_VERSION}")
    return manifest


def restore(path, using=DEFAULT_DB_ALIAS) -> dict:
    """Load a backup into an empty, migrated database; return its manifest."""
    manifest = read_manifest(path)
    missing = sorted(set(manifest["migrations"]) - set(_applied_migrations(using)))
    extra = sorted(set(_applied_migrations(using)) - set(manifest["migrations"]))
    if missing or extra:
        raise BackupError(
            "The database schema differs from the backup's: run the release the backup was "
            f"made with. Missing migrations: {missing or 'none'}; newer ones: {extra or 'none'}."
        )
    occupied = {
        label: n
        for label, n in counts(using).items()
        if n and label.lower() not in CREATED_BY_MIGRATE
    }
    if occupied:
        raise BackupError(
            "The database is not empty ("
            + ", ".join(f"{k}: {v}" for k, v in occupied.items())
            + "). Restore into a new database: create it, run `manage.py migrate`, then restore."
        )
    if not router.allow_migrate(using, "storage"):
        raise ImproperlyConfigured(f"database {using!r} does not hold OrgDuties")
    with tempfile.TemporaryDirectory() as work, zipfile.ZipFile(path) as archive:
        data = Path(work) / f"data.{EXACT_JSON}"
        data.write_bytes(archive.read("data.json"))
        stored = []
        try:
            # loaddata saves rows raw (no history), but sets many-to-many fields the
            # ordinary way, which simple-history would record as new versions.
            with transaction.atomic(using=using), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(data), database=using, verbosity=0)
                for name in manifest["media"]:
                    with archive.open(f"media/{name}") as source:
                        if default_storage.exists(name):
                            default_storage.delete(name)
                        saved = default_storage.save(name, File(source, name=name))
                        stored.append(saved)
                        if saved != name:
                            raise BackupError(f"could not store the upload {name} under its name")
                got = counts(using)
                differs = {
                    label: (n, got.get(label))
                    for label, n in manifest["rows"].items()
                    if got.get(label) != n and label.lower() not in CREATED_BY_MIGRATE
                }
                if differs:
                    raise BackupError(f"row counts differ after loading (backup, now): {differs}")
        except Exception:
            for name in stored:
                default_storage.delete(name)
            raise
    return manifest
