"""Integrity rules: the org chart can never be saved in a shape that makes no sense.

Departments form a tree (no unit below itself), positions a reporting tree (no
cycle), dotted lines no cycle; codes are unique; deletes that would silently
drop records are refused with a message that names them; sibling ``order`` is
always 1..n.
"""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from mptt.exceptions import InvalidMove

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position
from tests.pages import form_data
from tests.trees import children_codes, fresh, tree_problems, tree_snapshot

# --- departments: no unit below itself -------------------------------------------


def test_department_cannot_be_its_own_parent(org):
    sales = fresh(org["sales"])
    sales.parent = sales

    with pytest.raises(ValidationError) as exc:
        sales.full_clean()

    assert "parent" in exc.value.message_dict


def test_department_cannot_move_below_its_own_sub_unit(tree):
    acme = fresh(tree["acme"])
    acme.parent = tree["team1"]

    with pytest.raises(ValidationError) as exc:
        acme.full_clean()

    assert exc.value.message_dict["parent"] == [
        "A unit cannot be moved below one of its own sub-units."
    ]


def test_tree_move_below_own_sub_unit_is_refused_and_changes_nothing(tree):
    before = tree_snapshot()

    with pytest.raises(InvalidMove):
        Department.objects.move_node(fresh(tree["sales"]), fresh(tree["team2"]), "last-child")

    assert tree_snapshot() == before
    assert tree_problems() == []


def test_saving_a_parent_below_own_sub_unit_is_refused_and_changes_nothing(tree):
    before = tree_snapshot()
    sales = fresh(tree["sales"])
    sales.parent = tree["team3"]
    sales.order = 1

    with pytest.raises(InvalidMove):
        sales.save()

    assert tree_snapshot() == before
    assert tree_problems() == []


# --- positions: no reporting cycle -------------------------------------------------


def test_position_cannot_report_to_itself(org):
    ceo = fresh(org["ceo"])
    ceo.reports_to = ceo

    with pytest.raises(ValidationError) as exc:
        ceo.full_clean()
    assert exc.value.message_dict["reports_to"] == ["A position cannot report to itself."]

    with pytest.raises(ValidationError):
        ceo.save()
    assert fresh(ceo).reports_to_id is None


def test_position_cannot_report_to_its_own_subordinate_chain(org):
    ceo = fresh(org["ceo"])
    ceo.reports_to = org["sales_rep"]  # 销售代表 → 销售部经理 → 总经理

    with pytest.raises(ValidationError) as exc:
        ceo.full_clean()

    assert exc.value.message_dict["reports_to"] == [
        "This would make a reporting cycle: 总经理 → 销售代表 → 销售部经理 → 总经理."
    ]


def test_position_save_refuses_a_reporting_cycle_without_full_clean(org):
    # Imports and scripts call save() directly.
    ceo = fresh(org["ceo"])
    ceo.reports_to = org["sales_rep"]

    with pytest.raises(ValidationError, match="总经理 → 销售代表 → 销售部经理 → 总经理"):
        ceo.save()

    assert fresh(ceo).reports_to_id is None


def test_position_may_report_to_someone_outside_its_own_chain(org):
    rep = fresh(org["sales_rep"])
    rep.reports_to = org["hr_mgr"]

    rep.full_clean()
    rep.save()

    assert fresh(rep).reports_to == org["hr_mgr"]


# --- dotted lines ------------------------------------------------------------------


def test_dotted_line_to_own_position_fails_validation(org):
    line = DottedLine(from_position=org["sales_rep"], to_position=org["sales_rep"])

    with pytest.raises(ValidationError) as exc:
        line.full_clean()

    assert "A dotted line cannot point to its own position." in exc.value.messages


def test_dotted_line_to_own_position_is_refused_by_the_database(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        DottedLine.objects.create(from_position=org["sales_rep"], to_position=org["sales_rep"])


@pytest.mark.parametrize(
    "existing",
    [
        [("hr_mgr", "sales_mgr")],  # A ⇢ B ⇢ A
        [("hr_mgr", "ceo"), ("ceo", "sales_mgr")],  # A ⇢ B ⇢ C ⇢ A
    ],
)
def test_dotted_line_closing_a_cycle_fails_validation(org, existing):
    for source, target in existing:
        DottedLine.objects.create(from_position=org[source], to_position=org[target])
    closing = DottedLine(from_position=org["sales_mgr"], to_position=org["hr_mgr"])

    with pytest.raises(ValidationError) as exc:
        closing.full_clean()

    assert exc.value.messages == ["These dotted lines would form a cycle."]


def test_dotted_line_without_cycle_is_accepted(org):
    DottedLine.objects.create(from_position=org["hr_mgr"], to_position=org["ceo"])
    line = DottedLine(from_position=org["sales_mgr"], to_position=org["hr_mgr"])

    line.full_clean()


def test_admin_refuses_a_dotted_line_cycle_and_saves_nothing(hr_client, org):
    sales_mgr, hr_mgr = org["sales_mgr"], org["hr_mgr"]
    DottedLine.objects.create(from_position=hr_mgr, to_position=sales_mgr)
    url = reverse("admin:positions_position_change", args=[sales_mgr.pk])
    data = form_data(hr_client.get(url).content, "form#position_form")
    # HR clicks "add another dotted line" and picks 人力资源部经理.
    data.update(
        {
            "dotted_lines_out-TOTAL_FORMS": "1",
            "dotted_lines_out-0-from_position": str(sales_mgr.pk),
            "dotted_lines_out-0-to_position": str(hr_mgr.pk),
            "dotted_lines_out-0-label": "业务指导",
            "title": "销售部经理（新）",
        }
    )

    response = hr_client.post(url, data)

    assert response.status_code == 200  # the form again, not a redirect
    page = BeautifulSoup(response.content, "html.parser")
    errors = [li.get_text(strip=True) for li in page.select("ul.errorlist li")]
    assert "These dotted lines would form a cycle." in errors
    assert list(DottedLine.objects.values_list("from_position", "to_position")) == [
        (hr_mgr.pk, sales_mgr.pk)
    ]
    assert fresh(sales_mgr).title == "销售部经理"


def test_admin_saves_a_dotted_line_without_cycle(hr_client, org):
    # The same form post as above, minus the cycle: proves the refusal is the cycle.
    sales_mgr, hr_mgr = org["sales_mgr"], org["hr_mgr"]
    url = reverse("admin:positions_position_change", args=[sales_mgr.pk])
    data = form_data(hr_client.get(url).content, "form#position_form")
    data.update(
        {
            "dotted_lines_out-TOTAL_FORMS": "1",
            "dotted_lines_out-0-from_position": str(sales_mgr.pk),
            "dotted_lines_out-0-to_position": str(hr_mgr.pk),
            "dotted_lines_out-0-label": "业务指导",
        }
    )

    response = hr_client.post(url, data)

    assert response.status_code == 302
    assert list(DottedLine.objects.values_list("from_position", "to_position", "label")) == [
        (sales_mgr.pk, hr_mgr.pk, "业务指导")
    ]


# --- unique codes, one head ----------------------------------------------------------


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda org: Department(code="SALES", name="另一个销售部", parent=org["acme"]), "code"),
        (lambda org: Position(code="CEO", title="另一个总经理", department=org["hr"]), "code"),
        (lambda org: Form(code="F-1", name="另一张表"), "code"),
        (lambda org: Employee(employee_no="E001", name="李四"), "employee_no"),
    ],
    ids=["department", "position", "form", "employee"],
)
def test_codes_are_unique(org, make, field):
    Form.objects.create(code="F-1", name="订单评审表")
    Employee.objects.create(employee_no="E001", name="张三")
    duplicate = make(org)

    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()

    assert list(exc.value.message_dict) == [field]


def test_a_department_has_at_most_one_head(org):
    second_head = Position(
        code="SALES-MGR-2", title="销售总监", department=org["sales"], is_head=True
    )

    with pytest.raises(ValidationError) as exc:
        second_head.full_clean()
    assert exc.value.messages == ["This department already has a head position."]

    with pytest.raises(IntegrityError), transaction.atomic():
        second_head.save()


def test_a_department_may_have_many_positions_that_are_not_head(org):
    Position(code="SALES-ASSIST", title="销售内勤", department=org["sales"]).full_clean()


# --- protected deletes -------------------------------------------------------------------


def _dept_with_sub_unit(org):
    ops = Department.objects.create(code="OPS", name="运营部", parent=org["acme"])
    Department.objects.create(code="OPS-EAST", name="华东运营组", parent=ops)
    return ops


def _position_with_holder(org):
    employee = Employee.objects.create(employee_no="E001", name="张三")
    Assignment.objects.create(employee=employee, position=org["hr_mgr"])
    return org["hr_mgr"]


@pytest.mark.parametrize(
    "victim, blockers",
    [
        (lambda org: org["sales"], ["销售部经理", "销售代表"]),
        (_dept_with_sub_unit, ["华东运营组"]),
        (lambda org: org["sales_mgr"], ["制定销售计划", "管理销售团队", "审核销售合同"]),
        (_position_with_holder, ["张三 → 人力资源部经理"]),
        (lambda org: org["ceo"], ["销售部经理", "人力资源部经理"]),
    ],
    ids=[
        "department-with-positions",
        "department-with-sub-units",
        "position-with-duties",
        "position-with-holders",
        "position-others-report-to",
    ],
)
def test_protected_delete_names_what_blocks_it_and_deletes_nothing(org, victim, blockers):
    obj = victim(org)
    counts = {m: m.objects.count() for m in (Department, Position, Duty, Assignment)}
    before = tree_snapshot()

    with pytest.raises(ProtectedError) as exc:
        fresh(obj).delete()

    message = exc.value.args[0]
    assert message.startswith(f"Cannot delete {obj._meta.verbose_name} “{obj}”")
    for name in blockers:
        assert name in message
    assert {m: m.objects.count() for m in counts} == counts
    assert tree_snapshot() == before
    assert tree_problems() == []


def test_admin_delete_of_a_protected_department_lists_blockers_and_deletes_nothing(hr_client, org):
    url = reverse("admin:departments_department_delete", args=[org["sales"].pk])

    page = BeautifulSoup(hr_client.get(url).content, "html.parser")
    listed = [li.get_text(" ", strip=True) for li in page.select("ul#deleted-objects li")]
    assert len(listed) == 2
    assert any("销售部经理" in item for item in listed)
    assert any("销售代表" in item for item in listed)
    assert page.select("input[name=post]") == []  # no "Yes, I'm sure" button

    response = hr_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert Department.objects.filter(pk=org["sales"].pk).exists()
    assert Position.objects.filter(department=org["sales"]).count() == 2
    assert tree_problems() == []


def test_admin_delete_of_a_position_with_duties_lists_them_and_deletes_nothing(hr_client, org):
    url = reverse("admin:positions_position_delete", args=[org["sales_mgr"].pk])

    response = hr_client.post(url, {"post": "yes"})

    page = BeautifulSoup(response.content, "html.parser")
    listed = " ".join(li.get_text(" ", strip=True) for li in page.select("ul#deleted-objects li"))
    for text in ("制定销售计划", "管理销售团队", "审核销售合同", "销售代表"):
        assert text in listed
    assert Position.objects.filter(pk=org["sales_mgr"].pk).exists()
    assert org["sales_mgr"].duties.count() == 3


def test_department_with_only_functions_is_deleted_with_its_functions(tree):
    ops = tree["ops"]
    function = DepartmentFunction.objects.create(department=ops, text="负责生产调度", order=1)
    Kpi.objects.create(function=function, text="计划达成率90%以上")
    DepartmentFunction.objects.create(department=ops, text="负责设备维护", order=2)

    fresh(ops).delete()

    assert not Department.objects.filter(pk=ops.pk).exists()
    assert not DepartmentFunction.objects.filter(department_id=ops.pk).exists()
    assert not Kpi.objects.filter(function__isnull=False).exists()
    assert DepartmentFunction.objects.filter(department=tree["sales"]).count() == 1
    assert tree_problems() == []


def test_admin_bulk_delete_of_a_unit_with_only_functions_keeps_the_tree_valid(hr_client, tree):
    DepartmentFunction.objects.create(department=tree["team2"], text="负责华东区销售", order=1)

    response = hr_client.post(
        reverse("admin:departments_department_changelist"),
        {"action": "delete_selected", "_selected_action": [tree["team2"].pk], "post": "yes"},
    )

    assert tree_problems() == []
    assert response.status_code == 302
    assert children_codes(tree["sales"]) == ["TEAM-1", "TEAM-3"]
    assert not DepartmentFunction.objects.filter(department_id=tree["team2"].pk).exists()


def test_admin_bulk_delete_confirmation_refuses_a_protected_unit(hr_client, tree):
    response = hr_client.post(
        reverse("admin:departments_department_changelist"),
        {"action": "delete_selected", "_selected_action": [tree["team2"].pk, tree["hr"].pk]},
    )

    page = BeautifulSoup(response.content, "html.parser")
    listed = " ".join(li.get_text(" ", strip=True) for li in page.select("#content li"))
    assert "人力资源部经理" in listed
    assert page.select("input[name=post]") == []
    assert Department.objects.filter(pk__in=[tree["team2"].pk, tree["hr"].pk]).count() == 2


def test_deleting_a_middle_sibling_closes_the_order_gap(tree):
    Department.objects.get(code="TEAM-2").delete()

    assert children_codes(tree["sales"]) == ["TEAM-1", "TEAM-3"]
    assert tree_problems() == []
