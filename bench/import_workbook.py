"""Time the whole-workbook import (issue 4) against a plain ModelResource and a raw COPY.

    .venv/bin/python bench/import_workbook.py --runs 3

1. Generates bench/out/org_<sizes>.xlsx in the documented workbook format
   (2,000 departments, 10,000 functions, 20,000 positions, 2,000 dotted lines,
   2,000 forms, 100,000 duties, 30,000 KPIs, 10,000 employees by default),
   written by workbook.exporter.write_xlsx (openpyxl write-only). Deterministic
   for a given --seed; reused when it already exists.
2. Per backend (PostgreSQL: a scratch database orgduties_bench_import cloned
   from a migrated template; SQLite: a file in bench/out/) and per run, each
   in its own child process, with a fresh database every run:
   a. import the workbook (read_path + OrgImporter.run, what `import_org` does);
   b. import the same workbook again, unchanged;
   c. import a sample of the same duty rows (--resource-rows) with a plain
      django-import-export ModelResource for Duty, default options (row by
      row), from an .xlsx loaded by tablib;
   d. PostgreSQL only: COPY all the duty rows (psycopg2 copy_expert) into the
      emptied duty table.
   Wall time and peak RSS (ru_maxrss from os.wait4 of that child) are taken
   per child; every timed child runs under flock(/tmp/orgduties-bench.lock) so
   it never overlaps another engineer's timed benchmark, and `uptime` is
   printed before each.
3. Prints medians over --runs and the ratios against the issue's targets, as a
   Markdown table, and writes every figure to bench/out/import_results.json.

Ratios. "Our duty rows/s" is conservative: the 100,000 duty rows divided by
the whole-workbook time (reading the file and importing every sheet, all
130,000+ other rows and their history rows included). The ModelResource
figure counts only import_data (the tablib load of its .xlsx excluded) and the
COPY figure only copy_expert + commit (reading the file and building the TSV
excluded): both comparisons favour the other side. "Duty phase only" divides
by the time of OrgImporter._write_duties alone (duties, their history and
form links; reading and validation excluded).

CPU figures (the importing process, and its PostgreSQL backend read from
/proc) do not depend on what else the machine runs; the "by CPU" rates divide
by client + server CPU seconds.
"""

import argparse
import fcntl
import io
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
LOCK = "/tmp/orgduties-bench.lock"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "orgduties_bench_import"
PG_TEMPLATE = "orgduties_bench_import_tpl"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgduties.settings")

# --------------------------------------------------------------------------
# Realistic Chinese text
# --------------------------------------------------------------------------

REGIONS = ["华东", "华南", "华北", "华中", "西南", "西北", "东北", "京津", "长三角", "珠三角"]
CITIES = ["上海", "杭州", "南京", "苏州", "广州", "深圳", "北京", "天津", "武汉", "成都", "重庆"]
CITIES += ["西安", "沈阳", "长沙", "郑州", "济南", "青岛", "厦门", "福州", "合肥", "昆明"]
DOMAINS = ["销售", "市场", "财务", "人力资源", "行政", "采购", "生产", "质量管理", "技术"]
DOMAINS += ["研发", "物流", "仓储", "客户服务", "信息", "法务", "审计", "安全环保", "设备"]
UNIT_WORDS = {"department": ["部", "中心"], "office": ["科", "室", "组", "办事处"]}
SECTIONS = ["管理职能", "业务职能", "监督职能", "服务职能"]
OBJECTS = ["年度预算", "客户档案", "销售合同", "供应商评价", "员工招聘计划", "培训课程"]
OBJECTS += ["绩效考核", "设备维护保养", "库存盘点", "质量检验记录", "安全生产检查", "费用报销"]
OBJECTS += ["应收账款", "市场调研", "产品定价", "投标文件", "信息系统权限", "会议纪要"]
OBJECTS += ["印章使用", "车辆调度", "固定资产", "生产计划", "工艺文件", "来访接待", "办公用品"]
OBJECTS += ["项目进度", "客户投诉", "售后服务", "物料需求", "运输安排", "税务申报", "资金计划"]
ACTIONS = ["编制", "审核", "汇总", "跟踪", "归档", "分析", "监督", "组织实施", "统计", "更新"]
ACTIONS += ["检查", "协调", "评估", "落实"]
VERBS = ["负责", "组织", "协助", "参与", "主持", "督促"]
GOALS = ["数据准确及时", "符合公司制度要求", "按期完成", "风险可控", "客户满意度达标"]
GOALS += ["成本控制在预算内", "信息完整可追溯", "流程规范高效"]
BOSSES = ["部门经理", "分管副总", "总经理", "直接上级"]
TITLES = ["主管", "专员", "助理", "工程师", "会计", "出纳", "文员", "分析师", "督导", "司机"]
FORM_TYPES = ["登记表", "申请表", "审批单", "台账", "记录表", "汇总表", "报告", "清单"]
FORM_TYPES += ["评审表", "检查表", "计划表", "统计表"]
FORM_PREFIXES = ["", "月度", "年度", "季度", "部门", "项目", "日常", "专项"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕晓东丹"
REQUIREMENTS = [
    "本科及以上学历，三年以上相关工作经验。",
    "大专及以上学历，熟悉办公软件，有较强的沟通能力。",
    "相关专业本科，持有上岗证书，五年以上行业经验。",
    "熟悉国家相关法规和公司制度，责任心强。",
]
RELATIONS = ["业务指导", "矩阵管理", "专业指导"]


def _unique(rng, make, seen, tries=50):
    for _ in range(tries):
        text = make()
        if text not in seen:
            seen.add(text)
            return text
    text = f"{make()}（{len(seen) + 1}）"
    seen.add(text)
    return text


def generate_sheets(args) -> dict[str, list[list]]:
    """Rows of every sheet, columns in the documented order (workbook.sheets.COLUMNS)."""
    rng = random.Random(args.seed)
    sheets = {name: [] for name in COLUMN_ORDER}

    # Departments: companies -> branches -> departments -> offices, siblings ordered 1..n.
    levels = [max(1, args.departments // 500)]
    levels.append(max(1, args.departments // 50))
    levels.append(max(1, (args.departments - sum(levels)) * 2 // 5))
    levels.append(args.departments - sum(levels))
    units = []  # (code, parent_code, kind, name, domain)
    for depth, count in enumerate(levels):
        parents = [u for u in units if u[5] == depth - 1]
        for i in range(count):
            code = f"D{len(units) + 1:05d}"
            parent = parents[i % len(parents)] if parents else None
            domain = rng.choice(DOMAINS)
            if depth == 0:
                kind, name = "company", f"{rng.choice(REGIONS)}实业集团有限公司{i + 1}"
            elif depth == 1:
                kind, name = "branch", f"{rng.choice(CITIES)}分公司"
            elif depth == 2:
                kind = "department"
                name = f"{domain}{rng.choice(UNIT_WORDS['department'])}"
            else:
                kind = rng.choice(["office", "office", "region"])
                words = UNIT_WORDS["office"] if kind == "office" else ["片区"]
                name = f"{rng.choice(CITIES)}{domain}{rng.choice(words)}"
            units.append((code, parent[0] if parent else "", kind, name, domain, depth))
    siblings = {}
    kind_words = {"company": "公司", "branch": "分公司", "department": "部门", "office": "办事处"}
    for code, parent, kind, name, _domain, _depth in units:
        order = siblings[parent] = siblings.get(parent, 0) + 1
        shown_kind = kind_words.get(kind, kind) if rng.random() < 0.5 else kind
        sheets["departments"].append(
            [
                code,
                name,
                parent,
                shown_kind,
                f"{name}（{code}）",
                f"{name}负责本单位日常管理。",
                order,
            ]
        )
    dept_codes = [u[0] for u in units]
    domain_of = {u[0]: u[4] for u in units}
    parent_of = {u[0]: u[1] for u in units}

    # Functions: five per department in two sections.
    for code in dept_codes:
        seen = set()
        for i in range(args.functions_per_department):
            text = _unique(
                rng,
                lambda: f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}的{rng.choice(ACTIONS)}工作",
                seen,
            )
            sheets["functions"].append(
                [code, SECTIONS[i * 2 // args.functions_per_department], text]
            )

    # Positions: the first of each department is its head, reporting to the parent's head.
    per_dept = args.positions // len(dept_codes)
    extra = args.positions - per_dept * len(dept_codes)
    heads, positions = {}, []
    for index, code in enumerate(dept_codes):
        for i in range(per_dept + (1 if index < extra else 0)):
            positions.append((f"P{len(positions) + 1:06d}", code, i == 0))
            if i == 0:
                heads[code] = positions[-1][0]
    for pos_code, dept, is_head in positions:
        if is_head:
            boss = heads.get(parent_of[dept], "")
            title = f"{domain_of[dept]}负责人"
        else:
            boss = heads[dept]
            title = f"{domain_of[dept]}{rng.choice(TITLES)}"
        sheets["positions"].append(
            [
                pos_code,
                title,
                dept,
                boss,
                rng.randint(1, 5),
                "1" if is_head else "0",
                f"在{rng.choice(BOSSES)}领导下，{rng.choice(VERBS)}{domain_of[dept]}方面的{rng.choice(OBJECTS)}工作。",
                rng.choice(REQUIREMENTS),
            ]
        )

    # Dotted lines: from ordinary positions to heads of other units (never a cycle).
    ordinary = [p for p in positions if not p[2]]
    head_list = list(heads.items())
    lines = set()
    while len(lines) < min(args.dotted_lines, len(ordinary)):
        source = rng.choice(ordinary)
        dept, target = rng.choice(head_list)
        if dept != source[1]:
            lines.add((source[0], target))
    for source, target in sorted(lines):
        sheets["dotted_lines"].append([source, target, rng.choice(RELATIONS)])

    # Forms: unique names, owned by a department.
    form_names, forms = set(), []
    while len(forms) < args.forms:
        name = f"{rng.choice(FORM_PREFIXES)}{rng.choice(OBJECTS)}{rng.choice(FORM_TYPES)}"
        if name in form_names:
            name = f"{rng.choice(CITIES)}{name}"
        if name in form_names:
            continue
        form_names.add(name)
        forms.append((f"F{len(forms) + 1:05d}", name))
        sheets["forms"].append(
            [forms[-1][0], name, f"用于记录{name[:-3]}相关信息。", rng.choice(dept_codes)]
        )

    # Duties: per position, duties first then an authority; some with steps, forms, a function.
    per_position = args.duties // len(positions)
    extra = args.duties - per_position * len(positions)
    duty_counts = {}
    for index, (pos_code, _dept, _head) in enumerate(positions):
        count = per_position + (1 if index < extra else 0)
        seen = set()
        duty_counts[pos_code] = 0
        for i in range(count):
            kind = "authority" if i == count - 1 and count > 2 else "duty"
            obj = rng.choice(OBJECTS)
            if kind == "duty":
                duty_counts[pos_code] += 1
                text = _unique(
                    rng,
                    lambda obj=obj: rng.choice(
                        [
                            f"负责{obj}的{rng.choice(ACTIONS)}，确保{rng.choice(GOALS)}。",
                            f"组织{obj}{rng.choice(ACTIONS)}工作，定期向{rng.choice(BOSSES)}汇报。",
                            f"协助{rng.choice(BOSSES)}完成{obj}的{rng.choice(ACTIONS)}。",
                            f"参与{obj}方案的制定与实施，确保{rng.choice(GOALS)}。",
                        ]
                    ),
                    seen,
                )
            else:
                text = _unique(
                    rng,
                    lambda obj=obj: f"对{obj}有{rng.choice(['审核', '建议', '否决'])}权。",
                    seen,
                )
            steps = "\n".join(
                f"{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}"
                for _ in range(rng.choice([0, 0, 2, 3]))
            )
            used = ""
            if rng.random() < 0.3:
                picked = rng.sample(forms, rng.randint(1, 2))
                used = "、".join(code if rng.random() < 0.5 else name for code, name in picked)
            function = (
                str(rng.randint(1, args.functions_per_department)) if rng.random() < 0.5 else ""
            )
            section = "" if kind == "authority" else rng.choice(["", "", "日常工作", "专项工作"])
            sheets["duties"].append([pos_code, kind, section, text, steps, used, function])

    # KPIs: spread over positions, most tied to a duty by its number.
    periods = [("monthly", "25"), ("月度", "20"), ("quarterly", ""), ("yearly", "12-20")]
    periods += [("年度", "01-15")]
    for i in range(args.kpis):
        pos_code = positions[(i * 7) % len(positions)][0]
        duties = duty_counts[pos_code]
        number = rng.randint(1, duties) if duties and rng.random() < 0.9 else ""
        obj = rng.choice(OBJECTS)
        target = rng.choice(["95", "98", "100", "0", "3", "1,000"])
        period, deadline = rng.choice(periods)
        comparison = "<=" if target in ("0", "3") else ">="
        metric = f"{obj}{rng.choice(['准确率', '及时率', '完成率', '差错次数'])}"
        unit = "次" if target in ("0", "3") else ("元" if target == "1,000" else "%")
        sheets["kpis"].append(
            [
                pos_code,
                number,
                f"{metric}{'不高于' if comparison == '<=' else '不低于'}{target}{unit}（第{i + 1}项）",
                metric,
                comparison,
                target,
                unit,
                period,
                deadline,
            ]
        )

    # Employees: one primary assignment each.
    start = date(2015, 1, 1)
    for i, (pos_code, _dept, _head) in enumerate(rng.sample(positions, args.employees)):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        sheets["employees"].append(
            [
                f"E{i + 1:06d}",
                name,
                f"u{i + 1:06d}",
                pos_code,
                "1",
                (start + timedelta(days=rng.randint(0, 3650))).isoformat(),
                "",
            ]
        )
    return sheets


COLUMN_ORDER = [
    "departments",
    "functions",
    "positions",
    "dotted_lines",
    "duties",
    "kpis",
    "forms",
    "employees",
]


def workbook_path(args) -> Path:
    return OUT / (
        f"org_{args.departments}d_{args.positions}p_{args.duties}du_{args.kpis}k"
        f"_{args.employees}e_s{args.seed}.xlsx"
    )


def generate(args) -> Path:
    path = workbook_path(args)
    if path.exists() and not args.regenerate:
        print(f"workbook: {path.relative_to(ROOT)} (reused, {path.stat().st_size / 1e6:.1f} MB)")
        return path
    import django

    django.setup()
    from workbook.exporter import write_xlsx

    started = time.perf_counter()
    sheets = generate_sheets(args)
    data = write_xlsx(sheets)
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in sheets.items())
    print(
        f"workbook: {path.relative_to(ROOT)} ({len(data) / 1e6:.1f} MB, {counts}) "
        f"written in {time.perf_counter() - started:.1f} s"
    )
    return path


# --------------------------------------------------------------------------
# Children: one measurement each, result as JSON on the last stdout line
# --------------------------------------------------------------------------


def child_import(path: Path, profile: str | None):
    import django

    django.setup()
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
    for name in dir(importer):
        if name.startswith(("_write_", "_validate_", "_load")):
            setattr(importer, name, timed(name.lstrip("_"), getattr(importer, name)))
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
    import django

    django.setup()
    import tablib
    from import_export import resources

    from positions.models import Duty

    class DutyResource(resources.ModelResource):
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
    import django

    django.setup()
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


# --------------------------------------------------------------------------
# Parent: databases, locking, measuring
# --------------------------------------------------------------------------


@contextmanager
def bench_lock():
    with open(LOCK, "a") as handle:
        waited = time.perf_counter()
        fcntl.flock(handle, fcntl.LOCK_EX)
        waited = time.perf_counter() - waited
        if waited > 1:
            print(f"  (waited {waited:.0f} s for {LOCK})")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def uptime() -> str:
    env = {**os.environ, "TZ": "UTC"}  # django.setup() set TZ to the project's zone
    return subprocess.run(["uptime"], capture_output=True, text=True, env=env).stdout.strip()


def child_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",  # production settings: no query log
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        PYTHONHASHSEED="0",
    )
    return env


def measure(label: str, mode: list[str], database_url: str) -> dict:
    """Run one child under the bench lock; wall time and its own peak RSS."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", *mode]
    with bench_lock():
        load = uptime()
        with open(OUT / "child.out", "w+") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, env=child_env(database_url), stdout=out, cwd=ROOT)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            lines = out.read().strip().splitlines()
    if proc.returncode != 0:
        raise SystemExit(f"{label}: child failed with exit code {proc.returncode}")
    result = json.loads(lines[-1])
    result.update(
        wall_s=wall,
        child_cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        uptime=load,
    )
    print(
        f"  {label}: wall {wall:.2f} s, CPU {result['child_cpu_s']:.2f} s, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB  [{load}]"
    )
    return result


def pg_admin(sql: str):
    import psycopg2

    connection = psycopg2.connect(f"{PG_SERVER}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def migrate(database_url: str):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        env=child_env(database_url),
        cwd=ROOT,
        check=True,
    )


@contextmanager
def scratch_database(backend: str):
    """Yield the URL of an empty, migrated database; a fresh copy per call."""
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_DB} TEMPLATE {PG_TEMPLATE}")
        try:
            yield f"{PG_SERVER}/{PG_DB}"
        finally:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    else:
        target = OUT / "bench_import.sqlite3"
        shutil.copyfile(OUT / "bench_import_tpl.sqlite3", target)
        try:
            yield f"sqlite:///{target}"
        finally:
            target.unlink(missing_ok=True)


def prepare_template(backend: str):
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_TEMPLATE}")
        migrate(f"{PG_SERVER}/{PG_TEMPLATE}")
    else:
        template = OUT / "bench_import_tpl.sqlite3"
        template.unlink(missing_ok=True)
        migrate(f"sqlite:///{template}")


def drop_template(backend: str):
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
    else:
        (OUT / "bench_import_tpl.sqlite3").unlink(missing_ok=True)


def check_first(result, args):
    stored = result["stored"]
    expected = {"Department": args.departments, "Position": args.positions}
    expected.update(Duty=args.duties, Kpi=args.kpis, tree_problems=0)
    wrong = {k: (stored[k], v) for k, v in expected.items() if stored[k] != v}
    if wrong:
        raise SystemExit(f"first import stored the wrong counts (got, expected): {wrong}")


def check_second(result):
    changed = {k: v for k, v in result["report"].items() if v[0] or v[1] or v[3]}
    if changed:
        raise SystemExit(f"second import was not unchanged: {changed}")


def run_backend(backend, path, args):
    prepare_template(backend)
    runs = []
    try:
        for run in range(1, args.runs + 1):
            print(f"{backend}, run {run}/{args.runs}")
            figures = {}
            with scratch_database(backend) as url:
                profile = str(OUT / f"import_{backend}_{run}.prof") if args.profile else ""
                first = measure("import 1", ["import", str(path), profile], url)
                check_first(first, args)
                figures["first"] = first
                second = measure("import 2 (unchanged)", ["import", str(path), ""], url)
                check_second(second)
                figures["second"] = second
                if args.resource_rows:
                    figures["resource"] = measure(
                        f"ModelResource, {args.resource_rows} duty rows",
                        ["resource", str(path), str(args.resource_rows), backend],
                        url,
                    )
                if backend == "postgresql":
                    figures["copy"] = measure("COPY duties", ["copy", str(path)], url)
            runs.append(figures)
    finally:
        if not args.keep:
            drop_template(backend)
    return runs


def summarise(results, args):
    med = statistics.median
    lines = [
        "| figure | " + " | ".join(results) + " |",
        "| --- | " + " | ".join("---" for _ in results) + " |",
    ]

    def row(label, fn, fmt):
        cells = []
        for runs in results.values():
            try:
                values = [fn(r) for r in runs]
                cells.append(fmt.format(med(values)))
            except (KeyError, ZeroDivisionError):
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("first import: read the file (s)", lambda r: r["first"]["read_s"], "{:.2f}")
    row("first import: validate + write (s)", lambda r: r["first"]["import_s"], "{:.2f}")
    row("**first import, whole workbook (s)**", lambda r: r["first"]["total_s"], "**{:.2f}**")
    row("first import, child process wall time (s)", lambda r: r["first"]["wall_s"], "{:.2f}")
    row("first import, CPU of the importing process (s)", lambda r: r["first"]["cpu_s"], "{:.2f}")
    row(
        "first import, CPU of its PostgreSQL backend (s)",
        lambda r: r["first"]["server_cpu_s"],
        "{:.2f}",
    )
    row("first import, peak RSS (MB)", lambda r: r["first"]["peak_rss_mb"], "{:.0f}")
    row("first import: duty phase (s)", lambda r: r["first"]["phases"]["write_duties"], "{:.2f}")
    row("**second import, unchanged (s)**", lambda r: r["second"]["total_s"], "**{:.2f}**")
    row("second import, child process wall time (s)", lambda r: r["second"]["wall_s"], "{:.2f}")
    row("second import, CPU of the importing process (s)", lambda r: r["second"]["cpu_s"], "{:.2f}")
    row("second import, peak RSS (MB)", lambda r: r["second"]["peak_rss_mb"], "{:.0f}")
    row(
        f"our duty rows/s ({args.duties:,} duties / whole-workbook time)",
        lambda r: args.duties / r["first"]["total_s"],
        "{:,.0f}",
    )
    row(
        "our duty rows/s (duty phase only)",
        lambda r: args.duties / r["first"]["phases"]["write_duties"],
        "{:,.0f}",
    )
    row(
        f"ModelResource rows/s ({args.resource_rows} rows, import_data only)",
        lambda r: r["resource"]["rows"] / r["resource"]["import_s"],
        "{:,.0f}",
    )
    row(
        "ModelResource rows/s (tablib .xlsx load included)",
        lambda r: r["resource"]["rows"] / r["resource"]["total_s"],
        "{:,.0f}",
    )
    row(
        "ModelResource rows/s by CPU (client + server CPU of import_data)",
        lambda r: (
            r["resource"]["rows"]
            / (r["resource"]["import_cpu_s"] + r["resource"]["import_server_cpu_s"])
        ),
        "{:,.0f}",
    )
    row("ModelResource peak RSS (MB)", lambda r: r["resource"]["peak_rss_mb"], "{:.0f}")
    row(
        f"COPY rows/s ({args.duties:,} duty rows, copy_expert + commit)",
        lambda r: r["copy"]["rows"] / r["copy"]["copy_s"],
        "{:,.0f}",
    )
    row(
        "COPY rows/s (reading the file and building the TSV included)",
        lambda r: r["copy"]["rows"] / (r["copy"]["copy_s"] + r["copy"]["prepare_s"]),
        "{:,.0f}",
    )
    row(
        "COPY rows/s by CPU (client + server CPU of copy_expert + commit)",
        lambda r: r["copy"]["rows"] / (r["copy"]["copy_cpu_s"] + r["copy"]["copy_server_cpu_s"]),
        "{:,.0f}",
    )
    row(
        "our duty rows/s by CPU (duties / client + server CPU of the whole import)",
        lambda r: args.duties / (r["first"]["cpu_s"] + r["first"]["server_cpu_s"]),
        "{:,.0f}",
    )
    row(
        "ratio: ours / ModelResource (conservative)",
        lambda r: (
            (args.duties / r["first"]["total_s"])
            / (r["resource"]["rows"] / r["resource"]["import_s"])
        ),
        "{:.0f}×",
    )
    row(
        "ratio: COPY / ours (conservative)",
        lambda r: (r["copy"]["rows"] / r["copy"]["copy_s"]) / (args.duties / r["first"]["total_s"]),
        "{:.1f}×",
    )
    row(
        "ratio by CPU: ours / ModelResource",
        lambda r: (
            (args.duties / (r["first"]["cpu_s"] + r["first"]["server_cpu_s"]))
            / (
                r["resource"]["rows"]
                / (r["resource"]["import_cpu_s"] + r["resource"]["import_server_cpu_s"])
            )
        ),
        "{:.0f}×",
    )
    row(
        "ratio by CPU: COPY / ours",
        lambda r: (
            (r["copy"]["rows"] / (r["copy"]["copy_cpu_s"] + r["copy"]["copy_server_cpu_s"]))
            / (args.duties / (r["first"]["cpu_s"] + r["first"]["server_cpu_s"]))
        ),
        "{:.1f}×",
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--functions-per-department", type=int, default=5)
    parser.add_argument("--positions", type=int, default=20000)
    parser.add_argument("--dotted-lines", type=int, default=2000)
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--duties", type=int, default=100000)
    parser.add_argument("--kpis", type=int, default=30000)
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--resource-rows", type=int, default=5000, help="0 to skip")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--regenerate", action="store_true", help="write the workbook again")
    parser.add_argument("--profile", action="store_true", help="cProfile each first import")
    parser.add_argument("--keep", action="store_true", help="keep the migrated templates")
    args = parser.parse_args()

    if args.child:
        mode, *rest = args.child
        if mode == "import":
            result = child_import(Path(rest[0]), rest[1] or None)
        elif mode == "resource":
            result = child_resource(Path(rest[0]), int(rest[1]), rest[2])
        else:
            result = child_copy(Path(rest[0]))
        print(json.dumps(result))
        return

    # Stopped with kill: still drop the scratch databases (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"date: {subprocess.run(['date'], capture_output=True, text=True).stdout.strip()}")
    print(f"nproc: {os.cpu_count()}; load: {uptime()}")
    path = generate(args)
    results = {}
    for backend in args.backends.split(","):
        results[backend] = run_backend(backend, path, args)
    (OUT / "import_results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print()
    print(summarise(results, args))


if __name__ == "__main__":
    main()
