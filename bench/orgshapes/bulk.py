"""A large organisation written straight into the tables (bench.generate_org).

Companies and units of bounded depth with wide fan-out, five functions per
unit, positions whose heads report up the tree, dotted lines, forms, duties
with form links, KPIs, one employee per position and the ``bench`` user.
Rows go in with bulk_create and no history (this is test data) and the tree
is computed once: fast enough for 200,000 duties. Deterministic for a given
seed. Needs Django set up before it is imported.
"""

import random
import time

from django.contrib.auth.models import Group, User
from django.db import connection

from core.roles import EMPLOYEES
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position

WORDS = [
    "销售",
    "市场",
    "客户",
    "服务",
    "财务",
    "预算",
    "招聘",
    "培训",
    "绩效",
    "薪酬",
    "采购",
    "供应商",
    "生产",
    "计划",
    "质量",
    "安全",
    "技术",
    "研发",
    "合同",
    "档案",
    "行政",
    "后勤",
    "车辆",
    "信息",
    "网络",
    "设备",
    "库存",
    "物流",
    "报表",
    "审核",
]
VERBS = ["负责", "组织", "协助", "参与", "监督", "制定", "审核", "管理", "跟踪", "编制"]
UNITS = ["部", "中心", "科", "组", "办事处"]
TITLES = ["经理", "主管", "专员", "助理", "工程师", "会计", "文员"]


def phrase(rng, n=3):
    return "".join(rng.choice(WORDS) for _ in range(n))


def batched(model, rows, size=5000):
    for start in range(0, len(rows), size):
        model.objects.bulk_create(rows[start : start + size], batch_size=size)


def clear():
    """Empty the organisation tables and their history with plain DELETEs.

    QuerySet.delete() would load every row to send delete signals, and
    django-simple-history would write a history row for each: 270,000 of them
    at the default size, and minutes on SQLite.
    """
    models = [Kpi, Assignment, Employee, DottedLine, Duty.forms.through, Duty, Form]
    models += [DepartmentFunction, Position, Department]
    tables = [model._meta.db_table for model in models]
    history = [name for name in connection.introspection.table_names() if "_historical" in name]
    # The history of duty-form links refers to the history of duties: first.
    tables += sorted(history, key=lambda name: not name.endswith("_forms"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE positions_position SET reports_to_id = NULL")
        cursor.execute("UPDATE departments_department SET parent_id = NULL")
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def generate(args):
    """Write the organisation; the seconds it took.

    ``args`` gives the sizes as attributes (departments, positions, duties,
    kpis, forms) and the seed, as bench.generate_org's command line does.
    """
    rng = random.Random(args.seed)
    started = time.perf_counter()
    # Departments: a few companies, then units spread over up to five levels.
    departments = []
    companies = max(1, args.departments // 500)
    for c in range(companies):
        departments.append(
            Department(
                code=f"C{c}",
                name=f"公司{c}",
                kind="company",
                lft=0,
                rght=0,
                tree_id=0,
                level=0,
                order=c + 1,
            )
        )
    for d in range(args.departments - companies):
        departments.append(
            Department(
                code=f"D{d}",
                name=f"{phrase(rng, 2)}{rng.choice(UNITS)}{d}",
                aliases=f"Unit {d}",
                lft=0,
                rght=0,
                tree_id=0,
                level=0,
                order=d + 1,
            )
        )
    batched(Department, departments)
    departments = list(Department.objects.order_by("pk"))
    for index, dept in enumerate(departments[companies:], start=companies):
        # Parent among the earlier units: a tree of bounded depth and wide fan-out.
        dept.parent_id = departments[rng.randrange(0, min(index, companies + index // 8 + 1))].pk
    Department.objects.bulk_update(departments[companies:], ["parent"], batch_size=5000)
    Department.objects.rebuild()
    dept_ids = [d.pk for d in departments]

    functions = [
        DepartmentFunction(
            department_id=dept_id, text=f"{rng.choice(VERBS)}{phrase(rng)}工作", order=i
        )
        for dept_id in dept_ids
        for i in range(1, 6)
    ]
    batched(DepartmentFunction, functions)

    positions = []
    per_dept = max(1, args.positions // len(dept_ids))
    for i in range(args.positions):
        dept_id = dept_ids[min(i // per_dept, len(dept_ids) - 1)]
        positions.append(
            Position(
                code=f"P{i}",
                title=f"{phrase(rng, 1)}{rng.choice(TITLES)}",
                department_id=dept_id,
                headcount=rng.randint(1, 5),
                is_head=(i % per_dept == 0 and i // per_dept < len(dept_ids)),
                summary=f"负责{phrase(rng)}相关工作",
            )
        )
    batched(Position, positions)
    positions = list(Position.objects.order_by("pk").only("pk", "department_id", "is_head"))
    heads = {p.department_id: p.pk for p in positions if p.is_head}
    parent_of = {d.pk: d.parent_id for d in departments}
    for p in positions:
        if p.is_head:
            p.reports_to_id = heads.get(parent_of.get(p.department_id))
        else:
            p.reports_to_id = heads.get(p.department_id)
    Position.objects.bulk_update(positions, ["reports_to"], batch_size=5000)
    position_ids = [p.pk for p in positions]

    lines = {
        (rng.choice(position_ids), rng.choice(position_ids)) for _ in range(args.positions // 20)
    }
    # Dotted lines only point "down" by id, so they can never form a cycle.
    batched(
        DottedLine,
        [
            DottedLine(from_position_id=a, to_position_id=b, label="业务指导")
            for a, b in lines
            if a < b
        ],
    )

    forms = [
        Form(code=f"F{i}", name=f"{phrase(rng, 2)}表{i}", department_id=rng.choice(dept_ids))
        for i in range(args.forms)
    ]
    batched(Form, forms)
    form_ids = list(Form.objects.values_list("pk", flat=True))

    per_position = max(1, args.duties // len(position_ids))
    duties = []
    for i in range(args.duties):
        position_id = position_ids[min(i // per_position, len(position_ids) - 1)]
        duties.append(
            Duty(
                position_id=position_id,
                kind="authority" if i % 10 == 9 else "duty",
                text=f"{rng.choice(VERBS)}{phrase(rng, 4)}，确保{phrase(rng)}按时完成",
                process_steps="\n".join(phrase(rng, 2) for _ in range(rng.randint(0, 3))),
                order=i % per_position,
            )
        )
    batched(Duty, duties)
    duty_ids = list(Duty.objects.values_list("pk", flat=True))
    links = {(rng.choice(duty_ids), rng.choice(form_ids)) for _ in range(len(duty_ids) // 4)}
    batched(Duty.forms.through, [Duty.forms.through(duty_id=d, form_id=f) for d, f in links])

    kpis = []
    for i in range(args.kpis):
        target = rng.choice([80, 90, 95, 98, 100])
        kpis.append(
            Kpi(
                duty_id=duty_ids[(i * 4) % len(duty_ids)],
                text=f"{phrase(rng, 2)}率达到{target}%以上",
                metric=f"{phrase(rng, 2)}率",
                comparison="ge",
                target=target,
                unit="%",
                period=rng.choice(["monthly", "quarterly", "yearly"]),
                deadline_month=rng.choice([None, 3, 6, 12]),
                deadline_day=rng.choice([None, 20, 25]),
            )
        )
    batched(Kpi, kpis)

    employees = [Employee(employee_no=f"E{i}", name=f"员工{i}") for i in range(args.positions)]
    batched(Employee, employees)
    employee_ids = list(Employee.objects.values_list("pk", flat=True))
    batched(
        Assignment,
        [
            Assignment(employee_id=e, position_id=p, is_primary=True)
            for e, p in zip(employee_ids, position_ids, strict=False)
        ],
    )
    user, _ = User.objects.get_or_create(username="bench")
    user.set_password("bench-password")
    user.save()
    user.groups.add(Group.objects.get(name=EMPLOYEES))
    # The bench user holds a position in the middle and a second one, so /me/ can be timed.
    middle = len(employee_ids) // 2
    Employee.objects.filter(pk=employee_ids[middle]).update(user=user)
    Assignment.objects.create(
        employee_id=employee_ids[middle], position_id=position_ids[0], is_primary=False
    )
    return time.perf_counter() - started
