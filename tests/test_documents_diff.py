"""Comparing revisions: added, removed, changed and moved duties, KPIs and reporting lines."""

import pytest

from documents.diff import compare, diff_items, text_diff
from kpis.models import Kpi
from positions.models import DottedLine, Duty, Position
from tests.documents_helpers import approve
from tests.pages import soup, texts


def _item(id, text, section="", **extra):
    return {
        "id": id,
        "text": text,
        "section": section,
        "kpis": [],
        "forms": [],
        "steps": [],
        **extra,
    }


def _statuses(rows):
    return [(row.status, (row.old or row.new)["text"]) for row in rows]


def test_added_removed_changed_and_moved_items():
    old = [
        _item(1, "制定销售计划"),
        _item(2, "管理销售团队"),
        _item(3, "审核销售合同"),
        _item(4, "客户接待"),
    ]
    new = [
        _item(3, "审核销售合同"),  # moved to the top
        _item(1, "制定年度销售计划"),  # reworded
        _item(4, "客户接待"),
        _item(5, "维护重点客户"),  # new
    ]  # 2 removed
    rows = diff_items(old, new)
    assert _statuses(rows) == [
        ("moved", "审核销售合同"),
        ("changed", "制定销售计划"),
        ("removed", "管理销售团队"),
        ("same", "客户接待"),
        ("added", "维护重点客户"),
    ]
    changed = rows[1]
    assert changed.old_text == [
        ("", "制定"),
        ("del", ""),
        ("", "销售计划"),
    ] or changed.new_text == [
        ("", "制定"),
        ("ins", "年度"),
        ("", "销售计划"),
    ]


def test_items_recreated_with_new_ids_are_paired_by_text():
    old = [_item(1, "负责招聘"), _item(2, "负责培训")]
    new = [_item(11, "负责培训"), _item(12, "负责员工招聘工作")]
    rows = diff_items(old, new)
    assert [(r.status, r.old["id"], r.new["id"]) for r in rows] == [
        ("moved", 2, 11),
        ("changed", 1, 12),
    ]


def test_a_move_to_another_section_is_a_move():
    old = [_item(1, "负责招聘", "人力资源管理"), _item(2, "负责接待", "行政管理")]
    new = [_item(1, "负责招聘", "人力资源管理"), _item(2, "负责接待", "人力资源管理")]
    rows = diff_items(old, new)
    assert [r.status for r in rows] == ["same", "moved"]
    assert rows[1].details[0][1:] == ("行政管理", "人力资源管理")


def test_kpis_forms_and_steps_of_a_duty_count_as_changes():
    kpi = {"id": 7, "text": "完成率90%以上", "structure": "完成率 ≥ 90 %"}
    old = [_item(1, "销售", kpis=[kpi], forms=[{"code": "F", "name": "周报"}], steps=["一", "二"])]
    new = [
        _item(
            1,
            "销售",
            kpis=[{**kpi, "text": "完成率95%以上", "structure": "完成率 ≥ 95 %"}],
            forms=[],
            steps=["一", "二", "三"],
        )
    ]
    (row,) = diff_items(old, new)
    assert row.status == "changed"
    assert [label for label, _a, _b in row.details] == ["process steps", "forms", "KPIs"]
    assert "完成率95%以上 [完成率 ≥ 95 %]" in row.details[2][2]


def test_text_diff_marks_words_in_english_and_characters_in_chinese():
    left, right = text_diff("Prepare the monthly plan", "Prepare the annual plan")
    assert ("del", "monthly") in left and ("ins", "annual") in right
    left, right = text_diff("费销率控制在10%以内", "费销率控制在8%以内")
    assert ("del", "10") in left and ("ins", "8") in right


@pytest.fixture
def two_revisions(org, hr, reviewer, approver):
    """Revision 1 and 2 of the sales manager: every kind of change between them."""
    mgr = org["sales_mgr"]
    plan, team, contracts = mgr.duties.order_by("order")
    Kpi.objects.create(duty=plan, text="每年12月20日前提交年度销售计划")
    DottedLine.objects.create(from_position=mgr, to_position=org["hr_mgr"], label="业务指导")
    approve(mgr, hr, reviewer, approver)
    contracts.order = 0  # moved to the top
    contracts.save()
    plan.text = "制定并分解年度销售计划"  # changed
    plan.save()
    Kpi.objects.filter(duty=plan).update(text="每年12月10日前提交年度销售计划")
    team.delete()  # removed
    Duty.objects.create(position=mgr, text="负责重点客户维护", order=9)  # added
    DottedLine.objects.all().delete()
    Position.objects.create(
        code="SALES-ASST", title="销售内勤", department=org["sales"], reports_to=mgr
    )
    mgr.headcount = 2
    mgr.save()
    approve(mgr, hr, reviewer, approver)
    return mgr


def test_compare_two_revisions_of_a_position(two_revisions):
    from documents.models import Revision

    one, two = (r.content for r in Revision.objects.order_by("number"))
    result = compare(one, two)
    # added: a duty, a direct report; removed: a duty, a dotted line;
    # changed: a duty (its text and KPI), the headcount; moved: a duty.
    assert result["totals"] == {"added": 2, "removed": 2, "changed": 2, "moved": 1}
    duties = result["blocks"][0]
    assert _statuses(duties.rows) == [
        ("moved", "审核销售合同"),
        ("changed", "制定销售计划"),
        ("removed", "管理销售团队"),
        ("added", "负责重点客户维护"),
    ]
    assert duties.rows[1].details[0][0] == "KPIs"
    reports, dotted = result["blocks"][3], result["blocks"][4]
    assert [(r.status, (r.new or r.old)["title"]) for r in reports.rows] == [
        ("added", "销售内勤"),  # SALES-ASST: by code
        ("same", "销售代表"),
    ]
    assert [r.status for r in dotted.rows] == ["removed"]
    headcount = next(f for f in result["fields"] if f["label"] == "headcount")
    assert not headcount["same"]


def test_the_compare_page_shows_both_revisions_side_by_side(client, employee, two_revisions):
    client.force_login(employee)
    page = soup(client.get("/documents/positions/SALES-MGR/compare/?a=1&b=2"))
    duties = page.select("section.diff-block")[0]
    rows = duties.select("tbody tr")
    assert [r["class"] for r in rows] == [["moved"], ["changed"], ["removed"], ["added"]]
    assert texts(rows[1], "td.old .diff-text > del") == []
    assert texts(rows[1], "td.new .diff-text > ins") == ["并分解年度"]
    assert texts(rows[1], ".diff-details dt") == ["KPIs"]
    assert texts(rows[0], "td.no") == ["3", "1"]  # was 3, is 1
    assert "moved from 3 to 1" in rows[0].get_text()
    assert texts(rows[2], "td.old .diff-text del") == ["管理销售团队"]
    assert texts(rows[3], "td.new ins") == ["负责重点客户维护"]
    assert "1 moved" in texts(page, ".diff-totals")[0]
    headings = texts(page, "section.diff-block h2")
    assert headings == [
        "Duties",
        "Authorities",
        "KPIs of the position",
        "Direct reports",
        "Dotted lines",
    ]
    # The default comparison is the latest revision with the one before.
    default = soup(client.get("/documents/positions/SALES-MGR/compare/"))
    assert texts(default, "table.diff-fields thead th")[1:] == ["revision 1", "revision 2"]


def test_employees_cannot_compare_with_the_draft(client, employee, two_revisions):
    client.force_login(employee)
    assert client.get("/documents/positions/SALES-MGR/compare/?a=2&b=draft").status_code == 403
    assert client.get("/documents/positions/SALES-MGR/compare/?a=2&b=9").status_code == 404
    assert client.get("/documents/positions/SALES-MGR/compare/?a=2&b=1e309").status_code == 404


def test_editors_compare_the_draft_with_the_approved_revision(client, hr, two_revisions):
    Duty.objects.filter(text="负责重点客户维护").update(text="负责大客户维护")
    client.force_login(hr)
    page = soup(client.get("/documents/positions/SALES-MGR/compare/?a=2&b=draft"))
    assert texts(page, "tr.changed td.new .diff-text ins") == ["大"]
    control = soup(client.get("/documents/positions/SALES-MGR/"))
    assert "1 changed" in control.select_one("#workflow-h ~ p").get_text(" ", strip=True)


def test_department_functions_compare(client, employee, org, hr, reviewer, approver):
    from departments.models import DepartmentFunction

    approve(org["sales"], hr, reviewer, approver)
    DepartmentFunction.objects.create(department=org["sales"], text="负责市场调研", order=2)
    approve(org["sales"], hr, reviewer, approver)
    client.force_login(employee)
    page = soup(client.get("/documents/departments/SALES/compare/?a=1&b=2"))
    assert texts(page, "section.diff-block")[0].startswith("Department functions")
    assert texts(page, "tr.added td.new .diff-text ins") == ["负责市场调研"]
