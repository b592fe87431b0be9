"""Insert many rows, and their history, without Django's per-value compile cost.

``bulk_create`` resolves and prepares every value of every object through the
query compiler, and django-simple-history's ``bulk_history_create`` builds a
historical model instance per object before doing the same again: for a
workbook of 100,000 duties that is most of the import time. Here the values
are read straight from the objects, or taken as tuples without any model
instance (``insert_rows``, for the duties and KPIs; fields whose Python value
is not what the database takes, such as dates and decimals, still go through
``get_db_prep_save``), and sent with one ``COPY`` per table on PostgreSQL, or
with ``executemany`` on SQLite. New rows get their ids first, in one query:
from the table's own sequence on PostgreSQL, after the largest one used on
SQLite (``insert`` of objects there still goes through ``bulk_create``).

History rows are copied by the server from the rows just written (INSERT …
SELECT). The rows are the same as ``bulk_create`` and ``bulk_history_create``
write: every concrete field, the history type, date and user.
"""

import datetime
import decimal
import io
import operator

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone

PAGE = 2000  # rows per COPY chunk or executemany call
COPY_READ = 1 << 20  # characters psycopg2 asks for at a time

# Fields whose Python value is already what the database driver takes.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_BOOLEANS = {True: "t", False: "f"}


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return _BOOLEANS[value]
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too: isoformat keeps the offset
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_column(values: list, field) -> list:
    """A column in COPY's text format, with a C-level converter when the type allows.

    A value the fast converter cannot take (None in a text column, say) makes
    the whole column go through the general one.
    """
    if len(values) > 1 and values.count(values[0]) == len(values):  # a constant column
        return [_copy_text(values[0])] * len(values)
    fast = _copy_text
    if isinstance(field, models.CharField | models.TextField):
        fast = operator.methodcaller("translate", _COPY_ESCAPES)
    elif isinstance(field, models.BooleanField):
        fast = _BOOLEANS.__getitem__
    elif (field.is_relation or isinstance(field, models.IntegerField)) and set(
        map(type, values)
    ) <= {int, type(None)}:
        # str(None) is "None", which no integer prints as.
        return ["\\N" if text == "None" else text for text in map(str, values)]
    try:
        return list(map(fast, values))
    except (AttributeError, KeyError, TypeError):
        return list(map(_copy_text, values))


def _columns_of(objs, fields, connection) -> list[list]:
    """Per field, the database value of every object: read column-wise, in C where possible."""
    getter = operator.attrgetter(*[f.attname for f in fields])
    values = list(map(getter, objs))
    columns = [list(c) for c in zip(*values, strict=True)] if len(fields) > 1 else [values]
    return _prepared(columns, fields, connection)


def _quoted(fields, connection) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in fields)


class _Stream:
    """A file for COPY FROM whose text is made one chunk of rows at a time, as it is read.

    The server inserts one chunk while the next is being formatted: on two
    cores the two overlap, and the whole text is never held in memory.
    """

    def __init__(self, chunks):
        self._chunks = chunks
        self._current = io.StringIO()

    def read(self, size=-1):
        while True:
            data = self._current.read(size)
            if data or self._chunks is None:
                return data
            chunk = next(self._chunks, None)
            if chunk is None:
                self._chunks = None
                return ""
            self._current = io.StringIO(chunk)


def _write(model, fields, chunks, using):
    """Insert rows; ``chunks`` yields them as columns (lists of database values, one per field)."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        texts = (
            "".join(
                line + "\n"
                for line in map(
                    "\t".join,
                    zip(*map(_copy_column, columns, fields), strict=True),
                )
            )
            for columns in chunks
        )
        # Errors as Django's (IntegrityError …), as bulk_create would raise them.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.copy_expert(
                f"COPY {table} ({_quoted(fields, connection)}) FROM STDIN",
                _Stream(texts),
                COPY_READ,  # size (positional: Django's debug cursor takes no keywords)
            )
        return
    marks = ", ".join(["%s"] * len(fields))
    # Only table and column names from the model's meta, quoted, enter the SQL.
    sql = f"INSERT INTO {table} ({_quoted(fields, connection)}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for columns in chunks:
            cursor.executemany(sql, list(zip(*columns, strict=True)))


def _slices(items):
    for start in range(0, len(items), PAGE):
        yield items[start : start + PAGE]


def _new_ids(connection, model, count: int) -> list:
    """``count`` new primary keys, in one or two queries.

    PostgreSQL: from the key's sequence (identity or serial). SQLite: the
    next ones after the largest ever used (the table's AUTOINCREMENT counter
    or its largest id), which no other connection can take meanwhile: its
    transactions are IMMEDIATE here, one writer at a time (see orgduties.env).
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) "
                "FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), model._meta.pk.column, count],
            )
            return cursor.fetchone()[0]  # one array, not a row per id
        pk = connection.ops.quote_name(model._meta.pk.column)
        # Only table and column names from the model's meta, quoted, enter the SQL.
        cursor.execute(
            f"SELECT max(coalesce((SELECT max({pk}) FROM {connection.ops.quote_name(table)}), 0), "  # noqa: S608
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


def _prepared(columns: list[list], fields, connection) -> list[list]:
    """Columns of Python values as the database takes them (dates, decimals converted)."""
    for index, field in enumerate(fields):
        if not (field.is_relation or isinstance(field, _PLAIN)):
            columns[index] = [field.get_db_prep_save(v, connection) for v in columns[index]]
    return columns


def insert_rows(model, columns, rows, using=None) -> list:
    """Insert tuples of values for ``columns`` (attnames); the new ids, in the rows' order.

    For tables of many rows (duties, KPIs, assignments): no model instance is made. The
    other concrete fields take their defaults, as a new instance would.
    """
    rows = list(rows)
    if not rows:
        return []
    using = using or router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    given = [meta.get_field(c) for c in columns]
    defaults = [
        f for f in meta.concrete_fields if not f.primary_key and f.attname not in set(columns)
    ]
    constants = []
    for field in defaults:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = timezone.now()
        else:
            value = field.get_default()
        constants.append(field.get_db_prep_save(value, connection))
    ids = _new_ids(connection, model, len(rows))
    fields = [meta.pk, *given, *defaults]

    def chunks():
        for start in range(0, len(rows), PAGE):
            part = rows[start : start + PAGE]
            values = [list(c) for c in zip(*part, strict=True)]
            yield [
                ids[start : start + PAGE],
                *_prepared(values, given, connection),
                *([value] * len(part) for value in constants),
            ]

    _write(model, fields, chunks(), using)
    return ids


def insert(objs, model=None, using=None):
    """Insert new objects (``pk`` unset) and set their ``pk``; like ``bulk_create``."""
    if not objs:
        return objs
    model = model or type(objs[0])
    using = using or router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._base_manager.using(using).bulk_create(objs, batch_size=PAGE)
    pk = model._meta.pk
    fields = [pk, *(f for f in model._meta.concrete_fields if not f.primary_key)]
    for field in fields:
        # What Model.save() would fill in (auto_now dates, for instance).
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            for obj in objs:
                field.pre_save(obj, add=True)
    for obj, value in zip(objs, _new_ids(connection, model, len(objs)), strict=True):
        setattr(obj, pk.attname, value)
        obj._state.adding = False
        obj._state.db = using
    _write(model, fields, (_columns_of(part, fields, connection) for part in _slices(objs)), using)
    return objs


def insert_plain(model, rows, columns, using=None):
    """Insert tuples of values for ``columns`` (attnames); nothing is returned."""
    if not rows:
        return
    using = using or router.db_for_write(model)
    fields = [model._meta.get_field(c) for c in columns]
    rows = list(rows)
    _write(
        model, fields, ([list(c) for c in zip(*part, strict=True)] for part in _slices(rows)), using
    )


def insert_history(objs, model, user=None, update=False, using=None):
    """History rows for objects just created (``+``) or changed (``~``), once written."""
    insert_history_of(model, [obj.pk for obj in objs], user, update, using)


def insert_history_of(model, ids, user=None, update=False, using=None):
    """History rows for the rows ``ids`` just created (``+``) or changed (``~``).

    The same rows as simple_history's ``bulk_history_create``: every tracked
    field, the date, the type, the user and no change reason. The server
    copies the tracked fields from the rows just written (INSERT … SELECT:
    nothing to format or send per row), in one statement on PostgreSQL and
    one per few hundred ids on SQLite (its limit on parameters).
    """
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    using = using or router.db_for_write(history)
    connection = connections[using]
    quote = connection.ops.quote_name
    tracked = {f.attname for f in history.tracked_fields}
    fixed = {
        "history_date": history._meta.get_field("history_date").get_db_prep_save(
            timezone.now(), connection
        ),
        "history_type": "~" if update else "+",
        "history_user_id": user.pk if user is not None else None,
        "history_change_reason": None,
    }
    fields = [
        f
        for f in history._meta.concrete_fields
        if f.attname in tracked or not f.primary_key  # not history_id
    ]
    postgresql = connection.vendor == "postgresql"
    columns, params = [], []
    for f in fields:
        if f.attname in tracked:
            columns.append(quote(model._meta.get_field(f.name).column))
            continue
        # SQLite's CAST would turn a date's text into a number: its types are affinities.
        columns.append(f"CAST(%s AS {f.db_type(connection)})" if postgresql else "%s")
        params.append(fixed.get(f.attname, f.get_db_prep_save(f.get_default(), connection)))
    pk = quote(model._meta.pk.column)
    # Only table and column names from the models' meta, quoted, enter the SQL.
    select = (
        f"INSERT INTO {quote(history._meta.db_table)} ({_quoted(fields, connection)}) "  # noqa: S608
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} "
    )
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"{select} WHERE {pk} = ANY(%s)", [*params, list(ids)])
            return
        ids = list(ids)
        page = (connection.features.max_query_params or 1000) - len(params)
        for start in range(0, len(ids), page):
            part = ids[start : start + page]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"{select} WHERE {pk} IN ({marks})", [*params, *part])
