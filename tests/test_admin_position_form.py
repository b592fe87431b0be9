"""The position change form: duties with KPIs, forms, dotted lines and holders, inline."""

import pytest
from bs4 import BeautifulSoup

from departments.models import DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Assignment, DottedLine, Duty, Employee, Position


def _grow(org, size):
    """Give the sales manager ``size`` duties, each with a form, a function and a KPI,
    and ``size`` dotted lines and holders."""
    mgr = org["sales_mgr"]
    function = DepartmentFunction.objects.get(department=org["sales"])
    forms = [Form.objects.create(code=f"F{i}", name=f"表单{i}") for i in range(size)]
    for i in range(size):
        duty = Duty.objects.create(position=mgr, text=f"职责{i}", order=10 + i, function=function)
        duty.forms.add(forms[i])
        Kpi.objects.create(duty=duty, text=f"指标{i}达到90%以上")
        other = Position.objects.create(code=f"X{i}", title=f"岗位{i}", department=org["sales"])
        DottedLine.objects.create(from_position=mgr, to_position=other, label="业务指导")
        person = Employee.objects.create(employee_no=f"E{i}", name=f"员工{i}")
        Assignment.objects.create(employee=person, position=mgr, is_primary=True)
    return mgr


@pytest.mark.parametrize("size", [1, 25])
def test_change_form_query_count_does_not_grow(hr_client, org, size, django_assert_num_queries):
    mgr = _grow(org, size)
    # Expect 15 queries:
    # * session, user
    # * the position
    # * the user's own and group permissions (2)
    # * duties, with their forms and KPIs prefetched (3)
    # * authorities
    # * dotted lines with target positions, holders with employees (2)
    # * KPIs of the position itself
    # * content type for the history link
    # * departments for the department autocomplete's selected option
    # * positions for the reports-to autocomplete's selected option
    with django_assert_num_queries(15):
        response = hr_client.get(f"/admin/positions/position/{mgr.pk}/change/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    # The selected forms and functions are rendered, labelled, on every duty.
    selected_forms = page.select("select[name$='-forms'] option[selected]")
    assert [o.get_text() for o in selected_forms][-1] == f"《表单{size - 1}》"
    selected_targets = page.select("select[name$='-to_position'] option[selected]")
    assert len(selected_targets) == size
    assert len(page.select("textarea[name$='-text'][name^='duties-'][name*='-kpis-']")) >= size


def test_hr_edits_duties_inline_and_numbers_follow_order(hr_client, org):
    mgr = org["sales_mgr"]
    duties = list(mgr.duties.order_by("order"))
    data = {
        "code": mgr.code,
        "title": mgr.title,
        "department": org["sales"].pk,
        "reports_to": org["ceo"].pk,
        "headcount": 1,
        "is_head": "on",
        "summary": "",
        "requirements": "",
        "duties-TOTAL_FORMS": 3,
        "duties-INITIAL_FORMS": 3,
        "duties-2-TOTAL_FORMS": 1,
        "duties-2-INITIAL_FORMS": 0,
        "duties-2-0-position": mgr.pk,
        "duties-2-0-section": "",
        "duties-2-0-text": "对本部门人员请假有审批权",
        "duties-2-0-order": 1,
        "dotted_lines_out-TOTAL_FORMS": 0,
        "dotted_lines_out-INITIAL_FORMS": 0,
        "assignments-TOTAL_FORMS": 0,
        "assignments-INITIAL_FORMS": 0,
        "kpis-TOTAL_FORMS": 0,
        "kpis-INITIAL_FORMS": 0,
    }
    # Reverse the order and delete the middle duty, as HR would by dragging.
    for index, (duty, order) in enumerate(zip(duties, [3, 2, 1], strict=True)):
        prefix = f"duties-{index}"
        data.update(
            {
                f"{prefix}-id": duty.pk,
                f"{prefix}-position": mgr.pk,
                f"{prefix}-section": "",
                f"{prefix}-text": duty.text,
                f"{prefix}-process_steps": "",
                f"{prefix}-order": order,
                f"{prefix}-kpis-TOTAL_FORMS": 0,
                f"{prefix}-kpis-INITIAL_FORMS": 0,
            }
        )
    data["duties-1-DELETE"] = "on"
    response = hr_client.post(f"/admin/positions/position/{mgr.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    numbered = Duty.objects.filter(position=mgr, kind="duty").with_numbers().order_by("order")
    assert [(d.number, d.text) for d in numbered] == [(1, "审核销售合同"), (2, "制定销售计划")]
    # A row added in the authorities group is an authority.
    assert list(mgr.duties.filter(kind="authority").values_list("text", flat=True)) == [
        "对本部门人员请假有审批权"
    ]


def test_duties_are_numbered_on_the_position_page(hr_client, org):
    Duty.objects.create(position=org["sales_mgr"], kind="authority", text="审批请假", order=1)
    response = hr_client.get(f"/admin/positions/position/{org['sales_mgr'].pk}/change/")
    page = BeautifulSoup(response.content, "html.parser")

    def labels(group):
        rows = page.select(f"#{group} .djn-inline-form:not(.djn-empty-form) > h3 .inline_label")
        return [h.get_text(" ", strip=True) for h in rows]

    # Duties and authorities are numbered separately, as in the job description.
    assert labels("duties-group") == ["1. 制定销售计划", "2. 管理销售团队", "3. 审核销售合同"]
    assert labels("duties-2-group") == ["1. 审批请假"]


@pytest.mark.parametrize("duties", [1, 30])
def test_a_forms_admin_page_does_not_list_every_duty(
    hr_client, org, duties, django_assert_num_queries
):
    # The duty ↔ form links are declared on Form but picked on the duty's side:
    # the form's page must not grow a select of every duty in the company.
    form = Form.objects.create(code="F-LIST", name="客户拜访记录表")
    for i in range(duties):
        Duty.objects.create(position=org["sales_mgr"], text=f"职责{i}", order=10 + i)

    page = hr_client.get(f"/admin/kpis/form/{form.pk}/change/")

    assert page.status_code == 200
    html = BeautifulSoup(page.content, "html.parser")
    assert html.select_one("form#form_form input[name=name]")["value"] == "客户拜访记录表"
    assert html.select('[name="duties"]') == []
