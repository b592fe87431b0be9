"""The whole-workbook import that loads the demo organisation (and HR's workbooks)."""

import csv

import pytest

from core.numbering import number_items
from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Position
from workbook.importer import ImportFailed, OrgImporter
from workbook.sheets import COLUMNS, read_folder


def write_workbook(folder, **sheets):
    for sheet, rows in sheets.items():
        with open(folder / f"{sheet}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(COLUMNS[sheet]))
            for row in rows:
                writer.writerow([row.get(c, "") for c in COLUMNS[sheet]])
    return folder


def run(folder, dry_run=False):
    return OrgImporter(read_folder(folder)).run(dry_run=dry_run)


BASIC = {
    "departments": [
        # The child comes before its parent: rows may come in any order.
        {"code": "SALES", "name": "销售部", "parent_code": "CO", "order": "2"},
        {"code": "CO", "name": "示例公司", "kind": "company"},
        {"code": "ADMIN", "name": "综合管理部", "parent_code": "CO", "order": "1"},
    ],
    "functions": [
        {"department_code": "ADMIN", "section": "人力资源管理", "text": "负责员工招聘"},
        {"department_code": "ADMIN", "section": "人力资源管理", "text": "负责员工培训"},
        {"department_code": "ADMIN", "section": "行政管理", "text": "负责对外接待"},
    ],
    "positions": [
        {
            "code": "MGR",
            "title": "销售部经理",
            "department_code": "SALES",
            "reports_to_code": "GM",
            "is_head": "1",
        },
        {"code": "GM", "title": "总经理", "department_code": "CO", "headcount": "1"},
        {
            "code": "REP",
            "title": "销售代表",
            "department_code": "SALES",
            "reports_to_code": "MGR",
            "headcount": "3",
        },
    ],
    "dotted_lines": [{"position_code": "MGR", "to_position_code": "REP", "label": "业务指导"}],
    "forms": [{"code": "F-ORDER", "name": "订单评审表", "department_code": "SALES"}],
    "duties": [
        {"position_code": "MGR", "text": "制定销售计划", "forms": "订单评审表"},
        {"position_code": "MGR", "text": "管理销售团队", "process_steps": "招聘\n培训"},
        {"position_code": "MGR", "kind": "authority", "text": "审批1天以内请假"},
    ],
    "kpis": [
        {
            "position_code": "MGR",
            "duty_number": "1",
            "text": "销售任务完成率达90%以上",
            "metric": "销售任务完成率",
            "comparison": ">=",
            "target": "90",
            "unit": "%",
            "period": "yearly",
        },
        {
            "position_code": "MGR",
            "duty_number": "2",
            "text": "每年12月20日前提交计划",
            "deadline": "12-20",
        },
    ],
    "employees": [
        {
            "employee_no": "E1",
            "name": "张伟",
            "username": "zhang.wei",
            "position_code": "REP",
            "primary": "1",
            "start_date": "2024-01-02",
        },
    ],
}


@pytest.mark.django_db
def test_import_builds_the_organisation(tmp_path):
    report = run(write_workbook(tmp_path, **BASIC))

    assert report.sheets["departments"].created == 3
    company = Department.objects.get(code="CO")
    assert [d.code for d in company.get_children()] == ["ADMIN", "SALES"]
    assert Position.objects.get(code="REP").reports_to.code == "MGR"
    assert DottedLine.objects.get().label == "业务指导"
    mgr = Position.objects.get(code="MGR")
    duties = list(mgr.duties.filter(kind="duty"))
    assert [d.text for d in duties] == ["制定销售计划", "管理销售团队"]
    assert duties[1].step_list == ["招聘", "培训"]
    assert [f.name for f in duties[0].forms.all()] == ["订单评审表"]
    kpi = Kpi.objects.get(duty=duties[0])
    assert kpi.structure == "销售任务完成率 ≥ 90 %"
    assert (
        Kpi.objects.get(duty=duties[1]).deadline_month,
        Kpi.objects.get(duty=duties[1]).deadline_day,
    ) == (12, 20)
    sections = number_items(DepartmentFunction.objects.filter(department__code="ADMIN"))
    assert [(s.numeral, [i.number for i in s.items]) for s in sections] == [
        ("一", [1, 2]),
        ("二", [1]),
    ]
    assignment = Assignment.objects.get()
    assert assignment.employee.user.username == "zhang.wei"
    assert not assignment.employee.user.has_usable_password()
    # history records who and when for imported rows too
    assert Position.history.filter(code="MGR").count() == 1


@pytest.mark.django_db
def test_reimport_changes_nothing(tmp_path):
    folder = write_workbook(tmp_path, **BASIC)
    run(folder)
    report = run(folder)
    for sheet in (
        "departments",
        "positions",
        "duties",
        "kpis",
        "forms",
        "functions",
        "dotted_lines",
        "employees",
    ):
        r = report.sheets[sheet]
        assert (r.created, r.updated, r.deleted) == (0, 0, 0), sheet
    assert report.sheets["duties"].unchanged == 3
    assert Position.objects.count() == 3


def _history_rows():
    return {m.__name__: m.history.count() for m in (Department, Position, Duty, Kpi, Form)}


@pytest.mark.django_db
def test_reimport_writes_no_history_and_bumps_no_version(tmp_path):
    folder = write_workbook(tmp_path, **BASIC)
    run(folder)
    history = _history_rows()
    versions = list(Position.objects.order_by("code").values_list("code", "version"))
    run(folder)
    assert _history_rows() == history
    assert list(Position.objects.order_by("code").values_list("code", "version")) == versions


@pytest.mark.django_db
def test_a_duty_whose_forms_alone_change_is_updated_with_history(tmp_path):
    run(write_workbook(tmp_path, **BASIC))
    duty = Duty.objects.get(text="管理销售团队")
    duties = [dict(d) for d in BASIC["duties"]]
    duties[1]["forms"] = "F-ORDER"
    report = run(write_workbook(tmp_path, **dict(BASIC, duties=duties)))
    assert report.sheets["duties"].updated == 1
    assert report.sheets["duties"].unchanged == 2
    assert [f.code for f in duty.forms.all()] == ["F-ORDER"]
    assert list(duty.history.values_list("history_type", flat=True)) == ["~", "+"]


@pytest.mark.django_db
def test_items_no_longer_listed_are_removed_and_reported(tmp_path):
    run(write_workbook(tmp_path, **BASIC))
    shorter = dict(
        BASIC, duties=BASIC["duties"][1:], kpis=[BASIC["kpis"][1] | {"duty_number": "1"}]
    )
    report = run(write_workbook(tmp_path, **shorter))
    assert report.sheets["duties"].deleted == 1
    assert report.sheets["duties"].deleted_items == ["销售部经理: 制定销售计划"]
    mgr = Position.objects.get(code="MGR")
    assert [d.text for d in mgr.duties.filter(kind="duty")] == ["管理销售团队"]


@pytest.mark.django_db
def test_an_employee_moved_to_another_primary_position_holds_only_the_new_one(tmp_path):
    """The workbook lists an employee's positions; a promotion is one changed row."""
    run(write_workbook(tmp_path, **BASIC))
    promoted = [BASIC["employees"][0] | {"position_code": "MGR"}]
    report = run(write_workbook(tmp_path, **dict(BASIC, employees=promoted)))

    assert report.sheets["employees"].deleted_items == ["张伟 → 销售代表"]
    holdings = Assignment.objects.filter(employee__employee_no="E1")
    assert [(a.position.code, a.is_primary) for a in holdings] == [("MGR", True)]


@pytest.mark.django_db
def test_a_primary_position_can_move_between_two_listed_positions(tmp_path):
    both = [
        BASIC["employees"][0],
        BASIC["employees"][0] | {"position_code": "GM", "primary": "0"},
    ]
    run(write_workbook(tmp_path, **dict(BASIC, employees=both)))
    swapped = [both[0] | {"primary": "0"}, both[1] | {"primary": "1"}]
    run(write_workbook(tmp_path, **dict(BASIC, employees=swapped)))

    holdings = Assignment.objects.filter(employee__employee_no="E1").order_by("position__code")
    assert [(a.position.code, a.is_primary) for a in holdings] == [("GM", True), ("REP", False)]


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    report = run(write_workbook(tmp_path, **BASIC), dry_run=True)
    assert report.sheets["positions"].created == 3
    assert not Position.objects.exists()
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path):
    bad = dict(
        BASIC,
        positions=[*BASIC["positions"], {"code": "X", "title": "X", "department_code": "NOPE"}],
        duties=[*BASIC["duties"], {"position_code": "MGR", "text": "x", "forms": "不存在的表"}],
        kpis=[
            *BASIC["kpis"],
            {"position_code": "MGR", "duty_number": "9", "text": "x", "deadline": "13-40"},
        ],
    )
    with pytest.raises(ImportFailed) as failure:
        run(write_workbook(tmp_path, **bad))
    where = {(e.sheet, e.row, e.column) for e in failure.value.errors}
    assert ("positions", 5, "department_code") in where
    assert ("duties", 5, "forms") in where
    assert ("kpis", 4, "duty_number") in where
    assert ("kpis", 4, "deadline") in where
    assert not Department.objects.exists()
    assert not Form.objects.exists()


@pytest.mark.django_db
def test_reporting_cycle_in_workbook_is_refused(tmp_path):
    cyclic = dict(
        BASIC,
        positions=[
            {"code": "A", "title": "A", "department_code": "CO", "reports_to_code": "B"},
            {"code": "B", "title": "B", "department_code": "CO", "reports_to_code": "A"},
        ],
        dotted_lines=[],
        duties=[],
        kpis=[],
        employees=[],
    )
    with pytest.raises(ImportFailed) as failure:
        run(write_workbook(tmp_path, **cyclic))
    assert any("loops back" in e.message for e in failure.value.errors)
    assert not Position.objects.exists()


@pytest.mark.django_db
def test_department_cycle_in_workbook_is_refused(tmp_path):
    cyclic = {
        "departments": [
            {"code": "A", "name": "A", "parent_code": "B"},
            {"code": "B", "name": "B", "parent_code": "A"},
        ]
    }
    with pytest.raises(ImportFailed):
        run(write_workbook(tmp_path, **cyclic))
    assert not Department.objects.exists()


def _numbered_org(count):
    depts = [{"code": "CO", "name": "公司", "kind": "company"}]
    positions, duties = [], []
    for i in range(count):
        depts.append({"code": f"D{i}", "name": f"部门{i}", "parent_code": "CO"})
        positions.append({"code": f"P{i}", "title": f"岗位{i}", "department_code": f"D{i}"})
        duties.append({"position_code": f"P{i}", "text": f"职责{i}"})
    return {"departments": depts, "positions": positions, "duties": duties}


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_import_query_count_does_not_grow_with_rows(tmp_path, size, django_assert_max_num_queries):
    folder = write_workbook(tmp_path, **_numbered_org(size))
    # Bounded by a constant, not by the number of rows: lookups, bulk writes in
    # batches of 1,000, history rows in batches, the tree rebuild in batches.
    with django_assert_max_num_queries(40):
        run(folder)
    assert Duty.objects.count() == size


@pytest.mark.django_db
def test_a_department_functions_kpi_outlives_a_reimport(tmp_path):
    # The KPIs sheet names every position, so the import reads the stored KPIs
    # of all of them at once: a KPI of a department function is none of those.
    kpis = [
        *BASIC["kpis"],
        {"position_code": "GM", "text": "年度利润目标达成"},
        {"position_code": "REP", "text": "客户回访率100%"},
    ]
    folder = write_workbook(tmp_path, **dict(BASIC, kpis=kpis))
    run(folder)
    function = DepartmentFunction.objects.filter(department__code="ADMIN").first()
    kpi = Kpi.objects.create(function=function, text="招聘计划完成率达95%以上")
    report = run(folder)
    assert (report.sheets["kpis"].deleted, report.sheets["kpis"].unchanged) == (0, 4)
    assert Kpi.objects.filter(pk=kpi.pk).exists()
