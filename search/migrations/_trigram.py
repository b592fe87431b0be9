"""Shared by the migrations that add trigram indexes (PostgreSQL only)."""


def _name(table, column):
    return f"{table}_{column}_trgm"


def creator(indexes):
    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS {_name(table, column)} ON "{table}" '
                f'USING gin (UPPER("{column}") gin_trgm_ops)'
            )

    return create


def dropper(indexes):
    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {_name(table, column)}")

    return drop
