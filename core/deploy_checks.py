"""`check --database default` (which `make serve` runs first) names a database that is not there.

A database check: Django runs it only when asked for the database
(`--database`), so `check --deploy` on a build machine does not need one.

An app server started without its database answers every page with 503
(core.errors); better to refuse to start and say why, with the address
(never the password).
"""

from django.core.checks import Error, Warning


def _where():
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = settings.get("HOST") or "localhost", settings.get("PORT") or 5432
        return f"{host}:{port}/{settings['NAME']}"
    return str(settings["NAME"])


def check_database(app_configs=None, databases=None, **kwargs):
    """The database answers (every command that asks for database checks, migrate too)."""
    if not databases or "default" not in databases:
        return []
    from django.db import DatabaseError, connection

    where = _where()
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        return [
            Error(
                f"The database at {where} is not reachable: {str(error).strip().splitlines()[0]}",
                hint="Start PostgreSQL, or set DATABASE_URL to where it runs.",
                id="orgduties.E020",
            )
        ]
    return []


def check_migrated(app_configs=None, databases=None, **kwargs):
    """Every migration is applied (deploy only: `migrate` itself runs the checks first)."""
    if not databases or "default" not in databases:
        return []
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    where = _where()
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return []
    if pending:
        return [
            Warning(
                f"The database at {where} lacks {len(pending)} migration(s).",
                hint="Run `make migrate` (manage.py migrate) once, before starting the servers.",
                id="orgduties.W021",
            )
        ]
    return []
