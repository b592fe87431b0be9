"""The children of bench.import_workbook: one measurement each, run in a fresh process.

Each child sets Django up itself (the parent measures its wall time and peak
RSS from outside) and returns a dict that the parent reads as JSON from the
last line of its output.
"""

import io
import os
import time
from pathlib import Path

from bench import OUT, setup_django


def child_import(path: Path, profile: str | None):
    setup_django()
    from workbook.importer import OrgImporter
    from workbook.sheets import read_path

    phases, phases_cpu = {}, {}

    def timed(name, func):
        def wrapper(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0) + time.perf_counter() - started
                phases_cpu[name] = phases_cpu.get(name, 0) + time.process_time() - cpu

        return wrapper

    backend = _backend_cpu_reader()
    server_started = backend()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    workbook = read_path(path)
    read_s = time.perf_counter() - started
    read_cpu_s = time.process_time() - cpu_started
    importer = OrgImporter(workbook)
    importer.load = timed("load", importer.load)
    for sheet in importer.sheets.values():
        sheet.validate = timed(f"validate_{sheet.name}", sheet.validate)
        sheet.write = timed(f"write_{sheet.name}", sheet.write)
    report = importer.run()
    total_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    server_cpu_s = backend() - server_started
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    sheets = {
        name: [s.created, s.updated, s.unchanged, s.deleted] for name, s in report.sheets.items()
    }
    return {
        "read_s": read_s,
        "import_s": total_s - read_s,
        "total_s": total_s,
        "cpu_s": cpu_s,
        "server_cpu_s": server_cpu_s,
        "rows": {name: len(rows) for name, rows in workbook.sheets.items()},
        "report": sheets,
        "read_cpu_s": read_cpu_s,
        "phases": {k: round(v, 3) for k, v in sorted(phases.items())},
        "phases_cpu": {k: round(v, 3) for k, v in sorted(phases_cpu.items())},
        "stored": _stored_counts(),
    }


def _backend_cpu_reader():
    """Seconds of CPU used so far by this connection's PostgreSQL backend (0 on SQLite).

    Read from /proc: the server runs on this machine. Client CPU plus server
    CPU is what the import costs whatever else the machine is doing.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    ticks = os.sysconf("SC_CLK_TCK")

    def read():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return read


def _stored_counts():
    from departments.models import Department, DepartmentFunction
    from kpis.models import Form, Kpi
    from positions.models import Assignment, DottedLine, Duty, Employee, Position

    counts = {
        m.__name__: m.objects.count()
        for m in (Department, DepartmentFunction, Position, DottedLine, Form, Duty, Kpi)
    }
    counts["DutyForms"] = Duty.forms.through.objects.count()
    counts["Employee"] = Employee.objects.count()
    counts["Assignment"] = Assignment.objects.count()
    counts["tree_problems"] = len(Department.objects.tree_problems())
    return counts


def _duty_rows_with_ids(path: Path, limit: int | None):
    """The duties sheet as model values: position, form and function ids looked up once."""
    from python_calamine import CalamineWorkbook

    from departments.models import DepartmentFunction
    from kpis.models import Form
    from positions.models import Position

    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("duties").to_python()[1:]
    if limit:
        rows = rows[:limit]
    positions = dict(Position.objects.values_list("code", "pk"))
    departments = dict(Position.objects.values_list("pk", "department_id"))
    forms = dict(Form.objects.values_list("code", "pk"))
    forms.update(Form.objects.values_list("name", "pk"))
    functions = {}
    for dept_id, pk in DepartmentFunction.objects.order_by("order", "id").values_list(
        "department_id", "pk"
    ):
        functions.setdefault(dept_id, []).append(pk)
    out, order, last = [], 0, None
    for code, kind, section, text, steps, used, function in rows:
        order = order + 1 if code == last else 1
        last = code
        position_id = positions[code]
        form_ids = [forms[t] for t in used.split("、") if t] if used else []
        function_id = functions[departments[position_id]][int(function) - 1] if function else None
        out.append((position_id, kind, section, text, steps, form_ids, function_id, order))
    return out


def child_resource(path: Path, rows: int, backend: str):
    """A plain ModelResource for Duty, default options, fed an .xlsx of duty rows."""
    setup_django()
    import tablib
    from import_export import fields, resources, widgets

    from kpis.models import Form
    from positions.models import Duty

    class DutyResource(resources.ModelResource):
        # Declared: since issue 11 the links are declared on Form, and a
        # ModelResource of Duty would no longer see the forms column by itself.
        # The default widget, as a ModelResource gives a forward many-to-many.
        forms = fields.Field(
            attribute="forms", column_name="forms", widget=widgets.ManyToManyWidget(Form)
        )

        class Meta:
            model = Duty

    # Untimed: the sample as the .xlsx a user would upload (ids, as the
    # resource's default widgets expect; no id column, so no lookup per row).
    dataset = tablib.Dataset(
        headers=[
            "position",
            "kind",
            "section",
            "text",
            "process_steps",
            "forms",
            "function",
            "order",
        ]
    )
    for (
        position_id,
        kind,
        section,
        text,
        steps,
        form_ids,
        function_id,
        order,
    ) in _duty_rows_with_ids(path, rows):
        dataset.append(
            [
                position_id,
                kind,
                section,
                text,
                steps,
                ",".join(map(str, form_ids)),
                function_id or "",
                order,
            ]
        )
    sample = OUT / f"duties_resource_sample_{backend}_{rows}.xlsx"
    sample.write_bytes(dataset.export("xlsx"))
    before = Duty.objects.count()
    backend = _backend_cpu_reader()

    started = time.perf_counter()
    with open(sample, "rb") as handle:
        loaded = tablib.Dataset().load(handle, format="xlsx")
    # Empty cells load as None, which the default widgets pass on to the
    # NOT NULL text columns: blank them, as a user would have to.
    loaded = tablib.Dataset(
        *[["" if v is None else v for v in row] for row in loaded], headers=loaded.headers
    )
    loaded_at, cpu, server = time.perf_counter(), time.process_time(), backend()
    result = DutyResource().import_data(loaded)
    finished = time.perf_counter()
    cpu, server = time.process_time() - cpu, backend() - server
    if result.has_errors() or result.has_validation_errors():
        first = (result.base_errors or [None])[0] or result.row_errors()[0][1][0]
        raise SystemExit(f"ModelResource import failed: {result.totals}\n{first.traceback}")
    return {
        "rows": rows,
        "load_s": loaded_at - started,
        "import_s": finished - loaded_at,
        "total_s": finished - started,
        "import_cpu_s": cpu,
        "import_server_cpu_s": server,
        "created": Duty.objects.count() - before,
    }


def child_copy(path: Path):
    """Every duty row of the workbook through COPY into the emptied duty table."""
    setup_django()
    from django.db import connection, transaction

    from positions.models import Duty

    started = time.perf_counter()
    rows = _duty_rows_with_ids(path, None)

    def field(value):
        if value is None:
            return r"\N"
        text = str(value)
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )

    buffer = io.StringIO()
    for position_id, kind, section, text, steps, _forms, function_id, order in rows:
        buffer.write(
            "\t".join(map(field, (position_id, kind, section, text, steps, order, function_id)))
        )
        buffer.write("\n")
    buffer.seek(0)
    prepared = time.perf_counter()
    with connection.cursor() as cursor:
        # Empty duty table with its indexes, as the first import found it.
        cursor.execute(f"TRUNCATE {Duty._meta.db_table} CASCADE")

    backend = _backend_cpu_reader()
    copy_started, cpu, server = time.perf_counter(), time.process_time(), backend()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {Duty._meta.db_table} "
            '(position_id, kind, section, text, process_steps, "order", function_id) FROM STDIN',
            buffer,
        )
    finished = time.perf_counter()
    cpu, server = time.process_time() - cpu, backend() - server
    return {
        "rows": len(rows),
        "prepare_s": prepared - started,
        "copy_s": finished - copy_started,
        "copy_cpu_s": cpu,
        "copy_server_cpu_s": server,
        "stored": Duty.objects.count(),
    }


def _workbook_tables():
    """The tables the workbook's rows go to, parents before children (history tables not)."""
    from django.contrib.auth import get_user_model

    from departments.models import Department, DepartmentFunction
    from kpis.models import Form, Kpi
    from positions.models import Assignment, DottedLine, Duty, Employee, Position

    User = get_user_model()
    models = [Department, DepartmentFunction, Position, DottedLine, Form, Duty]
    models += [Duty.forms.through, Kpi, User, User.groups.through, Employee, Assignment]
    return [m._meta.db_table for m in models]


def child_copy_all():
    """Every row the workbook import stored, COPYed again into the same, emptied tables.

    Run after the imports, on their database: the rows are dumped with COPY
    TO (untimed), the tables truncated with their indexes and triggers kept,
    and the rows loaded again with one COPY FROM per table in one transaction
    (timed, with its commit, which checks the deferred foreign keys as the
    import's does). The same rows into the same tables; no history rows, no
    reading of the file, no lookups: everything the importer does beyond that
    is its cost.
    """
    setup_django()
    from django.db import connection, transaction

    tables = _workbook_tables()
    dumps = {}
    with connection.cursor() as cursor:
        for table in tables:
            buffer = io.StringIO()
            cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
            dumps[table] = buffer
        # auth_user's other links (admin log, history users) go too: nothing reads them here.
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    rows = {t: b.getvalue().count("\n") for t, b in dumps.items()}
    for buffer in dumps.values():
        buffer.seek(0)

    backend = _backend_cpu_reader()
    started, cpu, server = time.perf_counter(), time.process_time(), backend()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.copy_expert(f'COPY "{table}" FROM STDIN', dumps[table])
    finished = time.perf_counter()
    cpu, server = time.process_time() - cpu, backend() - server
    return {
        "rows": sum(rows.values()),
        "tables": rows,
        "copy_s": finished - started,
        "copy_cpu_s": cpu,
        "copy_server_cpu_s": server,
    }
