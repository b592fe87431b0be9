"""The content generation: one number that changes whenever a shown row changes.

Cached job descriptions (browse.views.positions) are keyed by it, so no write can
leave a stale page behind, whatever path it takes: the admin, the workbook
importer's bulk_create/bulk_update/COPY/raw SQL, django-import-export, the
documents workflow, queryset.update() in commands, deletes. Signals miss most
of these; database triggers do not.

PostgreSQL: the number moves when a writing transaction *commits*, so pages
read while a long import holds its transaction open are still cached under
the last committed number. Every write statement on a covered table runs a
statement-level trigger that notes its transaction in
``orgduties_generation_commits`` (one row per transaction, ON CONFLICT DO
NOTHING). A deferred constraint trigger on that row runs once, at commit: it
takes a *shared* transaction-scoped advisory lock, numbers the row from a
sequence and prunes the rows numbered before it (SKIP LOCKED). Writers never
wait for each other: shared locks do not conflict, sequences are not
transactional, and no writer waits on a row another holds, so an HR editor's
save never queues behind a long workbook import.

A reader calls ``orgduties_generation()``: it reads the highest committed
number first, then tries the *exclusive* form of the same lock. Refused, a
writer is between numbering its row and its commit (a moment), and the
function returns NULL: the page is neither read from nor written to the
cache. Granted, every writer numbered at or below the value read has
committed, and any writer numbered later takes a higher number, so the data
the page reads next is at least as new as the value, and a later commit
always moves the value past it. A request whose own transaction has written
returns NULL too (what it would render might still be rolled back). Until
storage 0003 the number moved at every write statement and the reader
returned NULL while any write was open: pages were all first views during an
import.

SQLite admits one writer at a time anyway, so there one row in
``orgduties_generation`` holds the number and row-level triggers (SQLite has
no statement-level ones) set it to ``random()``: a new value rather than
``value + 1`` because a rolled-back transaction must not hand its number to
the next writer. The row is transactional: readers see the new value only
once the write commits, and a page reads it before any of its data.

Covered: every non-historical table of the apps in ``COVERED_APPS`` (a test
checks each table has the trigger, so a new model needs a migration calling
``install(schema_editor, [table])``; on SQLite, so does a migration that
rebuilds a covered table, such as adding a NOT NULL column: the rebuild drops
the old table's triggers, see storage 0002); group membership and permissions
(``AUTH_TABLES``), since storage.permissions caches each user's permissions under
the generation; and ``auth_user`` only when a name, ``is_superuser`` or
``is_active`` is updated (never ``last_login``: a login must not flush the
cache).
"""

from django.db import connections

TABLE = "orgduties_generation"
SEQUENCE = "orgduties_generation_seq"
FUNCTION = "orgduties_bump_generation"
READER = "orgduties_generation"
# pg_advisory locks with two int keys live apart from the one-bigint key of
# departments.models.tree_lock; "ORGD", 1 (held by writers until storage 0003).
LOCK_KEYS = "1330792260, 1"
# "ORGD", 2: held shared by a writer from numbering its commit to the commit.
COMMIT_LOCK_KEYS = "1330792260, 2"
COMMITS = "orgduties_generation_commits"
COMMIT_FUNCTION = "orgduties_number_commit"
COVERED_APPS = ("departments", "positions", "kpis", "documents")
USER_TABLE = "auth_user"
# Names are shown on pages; is_superuser and is_active decide permissions,
# which storage.permissions caches under the generation too.
USER_NAME_COLUMNS = ("first_name", "last_name", "username", "is_superuser", "is_active")
# Group membership and permissions (cached per user under the generation).
AUTH_TABLES = ["auth_user_groups", "auth_group_permissions", "auth_user_user_permissions"]


def current(using="default"):
    """The generation now, or None when nothing may be cached.

    None: a writer is committing at this moment (PostgreSQL), this request's
    own transaction has written (PostgreSQL), or the row is missing (SQLite).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {READER}()")
        else:
            cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def covered_tables(apps):
    """The non-historical tables (m2m tables included) of the covered apps."""
    tables = []
    for label in COVERED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.proxy or not model._meta.managed:
                continue
            # simple-history's tables, whichever app holds them now: kpis holds
            # positions_historicalduty_forms (see kpis.history).
            if table.partition("_")[2].startswith("historical"):
                continue
            tables.append(table)
    return sorted(set(tables))


def _trigger_name(table, op=""):
    return f"{table}_gen{op}"[:60]


def create(schema_editor):
    """PostgreSQL: the sequence, the bump and the reader functions. SQLite: the one-row table."""
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(f"CREATE SEQUENCE {SEQUENCE}")
        _per_statement_functions(execute, "CREATE")
    else:
        execute(
            f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)"
        )
        execute(f"INSERT INTO {TABLE} (id, value) VALUES (1, 1)")  # noqa: S608


def _per_statement_functions(execute, verb):
    """Storage 0001's functions: the number moves at every write statement.

    The reader returns NULL while any write transaction is open.
    """
    execute(
        f"{verb} FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_advisory_xact_lock_shared({LOCK_KEYS}); "
        f"PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
    )
    # The order matters: the sequence first, then the lock (see the module's docstring).
    execute(
        f"{verb} FUNCTION {READER}() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$ "  # noqa: S608
        "DECLARE v bigint; BEGIN "
        "IF pg_current_xact_id_if_assigned() IS NOT NULL THEN RETURN NULL; END IF; "
        f"SELECT last_value INTO v FROM {SEQUENCE}; "
        f"IF NOT pg_try_advisory_lock({LOCK_KEYS}) THEN RETURN NULL; END IF; "
        f"PERFORM pg_advisory_unlock({LOCK_KEYS}); RETURN v; END $$"
    )


def number_commits(schema_editor):
    """PostgreSQL: move the number at commit rather than at each write (storage 0003)."""
    execute = schema_editor.execute
    # One row per writing transaction; seq is set at its commit.
    execute(f"CREATE TABLE {COMMITS} (txid xid8 PRIMARY KEY, seq bigint)")
    execute(f"CREATE INDEX {COMMITS}_seq ON {COMMITS} (seq)")
    # Never empty: the number the database had, so cached keys only ever grow.
    execute(
        f"INSERT INTO {COMMITS} (txid, seq) "  # noqa: S608
        f"VALUES (pg_current_xact_id(), nextval('{SEQUENCE}'))"
    )
    execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        f"BEGIN INSERT INTO {COMMITS} (txid) VALUES (pg_current_xact_id()) "
        "ON CONFLICT DO NOTHING; RETURN NULL; END $$"
    )
    execute(
        f"CREATE FUNCTION {COMMIT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        "DECLARE n bigint; BEGIN "
        f"PERFORM pg_advisory_xact_lock_shared({COMMIT_LOCK_KEYS}); "
        f"n := nextval('{SEQUENCE}'); "
        f"UPDATE {COMMITS} SET seq = n WHERE txid = NEW.txid; "
        f"DELETE FROM {COMMITS} WHERE txid IN (SELECT txid FROM {COMMITS} "
        "WHERE seq < n FOR UPDATE SKIP LOCKED); "
        "RETURN NULL; END $$"
    )
    execute(
        f"CREATE CONSTRAINT TRIGGER {COMMITS}_number AFTER INSERT ON {COMMITS} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {COMMIT_FUNCTION}()"
    )
    # The order matters: the committed number first, then the lock (see the module's docstring).
    execute(
        f"CREATE OR REPLACE FUNCTION {READER}() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$ "  # noqa: S608
        "DECLARE v bigint; BEGIN "
        "IF pg_current_xact_id_if_assigned() IS NOT NULL THEN RETURN NULL; END IF; "
        f"SELECT max(seq) INTO v FROM {COMMITS}; "
        f"IF NOT pg_try_advisory_lock({COMMIT_LOCK_KEYS}) THEN RETURN NULL; END IF; "
        f"PERFORM pg_advisory_unlock({COMMIT_LOCK_KEYS}); RETURN v; END $$"
    )


def unnumber_commits(schema_editor):
    """Back to storage 0001's functions (storage 0003 reversed)."""
    execute = schema_editor.execute
    execute(f"DROP TABLE {COMMITS}")
    execute(f"DROP FUNCTION {COMMIT_FUNCTION}()")
    _per_statement_functions(execute, "CREATE OR REPLACE")


def exists(connection):
    """Whether the counter is there already (a database migrated before it moved to this app)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_proc WHERE proname = %s", [READER])
        else:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE]
            )
        return cursor.fetchone() is not None


def drop(schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(f"DROP TABLE IF EXISTS {COMMITS}")
        execute(f"DROP FUNCTION IF EXISTS {COMMIT_FUNCTION}()")
        execute(f"DROP FUNCTION {READER}()")
        execute(f"DROP FUNCTION {FUNCTION}()")
        execute(f"DROP SEQUENCE {SEQUENCE}")
    else:
        execute(f"DROP TABLE {TABLE}")


def install(schema_editor, tables):
    """Make every write to ``tables`` bump the generation."""
    execute, vendor = schema_editor.execute, schema_editor.connection.vendor
    for table in tables:
        q = schema_editor.quote_name(table)
        if vendor == "postgresql":
            execute(
                f"CREATE TRIGGER {_trigger_name(table)} AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {q} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        else:
            for op in ("INSERT", "UPDATE", "DELETE"):
                execute(
                    f"CREATE TRIGGER {_trigger_name(table, op.lower())} AFTER {op} ON {q} "  # noqa: S608
                    f"FOR EACH ROW BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
                )


def reinstall_after_rebuild(schema_editor, tables):
    """SQLite: put back the triggers a table rebuild (a new NOT NULL column) dropped.

    Only on a database that has the counter; PostgreSQL alters tables in place and
    keeps their triggers. Whatever survived is dropped first, so none is doubled.
    """
    connection = schema_editor.connection
    if connection.vendor != "sqlite" or not exists(connection):
        return
    uninstall(schema_editor, tables)
    install(schema_editor, tables)


def install_user_names(schema_editor):
    """auth_user: only an update of a name, is_superuser or is_active (never last_login) bumps."""
    execute, vendor = schema_editor.execute, schema_editor.connection.vendor
    columns = ", ".join(USER_NAME_COLUMNS)
    name = _trigger_name(USER_TABLE)
    if vendor == "postgresql":
        execute(
            f"CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {USER_TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )
    else:
        execute(
            f"CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {USER_TABLE} "  # noqa: S608
            f"FOR EACH ROW BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
        )


def uninstall(schema_editor, tables):
    execute, vendor = schema_editor.execute, schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            execute(
                f"DROP TRIGGER IF EXISTS {_trigger_name(table)} ON {schema_editor.quote_name(table)}"
            )
        else:
            for op in ("insert", "update", "delete", ""):
                execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table, op)}")


def triggers_by_table(using="default"):
    """How many generation triggers each table carries (for the coverage test).

    PostgreSQL needs one per table (statement-level, all operations), SQLite
    three (INSERT, UPDATE, DELETE, each row-level).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = %s AND NOT t.tgisinternal",
                [FUNCTION],
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
                [f"%UPDATE {TABLE} SET value%"],  # noqa: S608
            )
        counts = {}
        for (table,) in cursor.fetchall():
            counts[table] = counts.get(table, 0) + 1
        return counts
