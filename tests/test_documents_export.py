"""Word exports read back with python-docx; print-ready HTML; many at once for a subtree."""

import io
import zipfile

import pytest
from docx import Document as read_docx

from departments.models import Department, DepartmentFunction
from kpis.models import Form, Kpi
from positions.models import Duty
from tests.documents_helpers import approve
from tests.factories import grow_org
from tests.pages import soup, texts


def _docx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_docx(io.BytesIO(response.content))


def _paragraphs(word):
    return [p.text for p in word.paragraphs if p.text]


def _rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def described(org, hr, reviewer, approver):
    mgr = org["sales_mgr"]
    mgr.summary = "负责销售部全面工作"
    mgr.requirements = "本科及以上学历\n三年以上销售管理经验"
    mgr.save()
    first = mgr.duties.order_by("order").first()
    first.process_steps = "收集市场信息\n编制计划"
    first.save()
    first.forms.add(Form.objects.create(code="F-PLAN", name="年度销售计划表"))
    Kpi.objects.create(
        duty=first,
        text="销售任务完成率达90%以上",
        metric="销售任务完成率",
        comparison="ge",
        target=90,
        unit="%",
    )
    Duty.objects.create(position=mgr, kind="authority", text="对本部门人员请假1天以内有审批权")
    approve(mgr, hr, reviewer, approver)
    return mgr


def test_a_job_description_as_docx_laid_out_like_the_seeds(client, employee, described):
    client.force_login(employee)
    response = client.get("/documents/positions/SALES-MGR/export.docx")
    assert "JD-SALES-MGR" in response["Content-Disposition"]
    assert "UTF-8''" in response["Content-Disposition"]
    word = _docx(response)
    paragraphs = _paragraphs(word)
    assert paragraphs[0] == "销售部经理 job description"
    assert paragraphs[1] == "Document no. JD-SALES-MGR · Revision 1 · approved"
    control, facts, duties = word.tables[:3]
    assert _rows(control)[0] == ["Prepared by / date", "Reviewed by / date", "Approved by / date"]
    signed = _rows(control)[1]
    assert (
        signed[0].startswith("hr ")
        and signed[1].startswith("审核人 ")
        and signed[2].startswith("批准人 ")
    )
    assert dict(_rows(facts))["Reports to"] == "总经理"
    assert dict(_rows(facts))["Direct reports"] == "销售代表"
    assert _rows(duties)[0] == ["No.", "Duty", "Process steps", "Records", "KPIs"]
    assert _rows(duties)[1] == [
        "1",
        "制定销售计划",
        "1、收集市场信息\n2、编制计划",
        "《年度销售计划表》",
        "销售任务完成率达90%以上（销售任务完成率 ≥ 90 %）",
    ]
    assert [r[:2] for r in _rows(duties)[2:]] == [["2", "管理销售团队"], ["3", "审核销售合同"]]
    assert "1. 对本部门人员请假1天以内有审批权" in paragraphs
    assert paragraphs[-2:] == ["本科及以上学历", "三年以上销售管理经验"]
    section = word.sections[0]
    assert section.header.paragraphs[0].text == "销售部经理 job description"
    assert "JD-SALES-MGR · revision 1" in section.footer.paragraphs[0].text


def test_the_docx_shows_the_approved_revision_not_later_edits(client, employee, described):
    Duty.objects.filter(text="制定销售计划").update(text="改过的职责")
    client.force_login(employee)
    word = _docx(client.get("/documents/positions/SALES-MGR/export.docx"))
    assert _rows(word.tables[2])[1][1] == "制定销售计划"


def test_the_draft_as_docx_says_it_is_a_draft(client, hr, described):
    Duty.objects.filter(text="制定销售计划").update(text="改过的职责")
    client.force_login(hr)
    word = _docx(client.get("/documents/positions/SALES-MGR/export.docx?view=draft"))
    assert _rows(word.tables[2])[1][1] == "改过的职责"
    assert word.sections[0].header.paragraphs[0].text == "DRAFT – not approved (draft)"
    assert "Revision 2" in _paragraphs(word)[1]


def test_employees_cannot_export_the_draft(client, employee, described):
    client.force_login(employee)
    assert client.get("/documents/positions/SALES-MGR/export.docx?view=draft").status_code == 403
    assert client.get("/documents/positions/SALES-MGR/export.docx?revision=7").status_code == 404


def test_values_are_plain_text(client, hr, org):
    mgr = org["sales_mgr"]
    Duty.objects.create(position=mgr, text='<b>加粗</b> & =HYPERLINK("x")\x01', order=9)
    client.force_login(hr)
    word = _docx(client.get("/documents/positions/SALES-MGR/export.docx"))
    assert _rows(word.tables[2])[-1][1] == '<b>加粗</b> & =HYPERLINK("x")'
    page = soup(client.get("/positions/SALES-MGR/print/"))
    assert "<b>加粗</b>" in texts(page, "#duties-h ~ ol.items > li")[-1]


def test_a_department_function_sheet_as_docx(client, employee, org, hr, reviewer, approver):
    admin = Department.objects.create(code="ADMIN", name="综合管理部", parent=org["acme"])
    for order, (section, text) in enumerate(
        [
            ("人力资源管理", "负责员工招聘"),
            ("人力资源管理", "负责员工培训"),
            ("行政管理", "负责对外接待"),
        ],
        1,
    ):
        DepartmentFunction.objects.create(department=admin, section=section, text=text, order=order)
    approve(admin, hr, reviewer, approver)
    client.force_login(employee)
    word = _docx(client.get("/documents/departments/ADMIN/export.docx"))
    paragraphs = _paragraphs(word)
    assert paragraphs[0] == "综合管理部 department functions"
    start = paragraphs.index("Department functions")
    assert paragraphs[start + 1 : start + 6] == [
        "一、人力资源管理",
        "1. 负责员工招聘",
        "2. 负责员工培训",
        "二、行政管理",
        "1. 负责对外接待",
    ]


def test_a_subtree_as_one_docx(client, employee, org):
    DepartmentFunction.objects.create(department=org["hr"], text="负责招聘", order=1)
    client.force_login(employee)
    word = _docx(client.get("/documents/departments/ACME/export/"))
    titles = [p.text for p in word.paragraphs if p.style.name == "Title"]
    assert titles == [
        "示例公司 department functions",
        "总经理 job description",
        "销售部 department functions",
        "销售部经理 job description",
        "销售代表 job description",
        "人力资源部 department functions",
        "人力资源部经理 job description",
    ]
    assert len(word.sections) == len(titles)  # each starts a page, with its own header
    assert [s.header.paragraphs[0].text for s in word.sections][:2] == [
        "DRAFT – not approved (draft)",
        "DRAFT – not approved (draft)",
    ]


def test_a_subtree_as_a_zip(client, employee, org, hr, reviewer, approver):
    approve(org["sales_mgr"], hr, reviewer, approver)
    client.force_login(employee)
    response = client.get("/documents/departments/SALES/export/?format=zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [
        "DF-SALES draft 销售部.docx",
        "JD-SALES-MGR Rev 1 销售部经理.docx",
        "JD-SALES-REP draft 销售代表.docx",
    ]
    word = read_docx(io.BytesIO(archive.read("JD-SALES-MGR Rev 1 销售部经理.docx")))
    assert word.paragraphs[0].text == "销售部经理 job description"


@pytest.mark.parametrize("size", [2, 12])
def test_subtree_export_query_count_is_fixed(
    hr_client, hr, reviewer, approver, size, django_assert_num_queries
):
    from positions.models import Position

    grow_org(departments=size, positions=2, duties=2)
    approve(Position.objects.get(code="D0-P0"), hr, reviewer, approver)
    approve(Department.objects.get(code="D0"), hr, reviewer, approver)
    # Expect 19 queries:
    # * session, user, the root unit
    # * its units and its positions, each with control record and revision
    # * live snapshots of the unapproved units: units, paths, functions, their
    #   KPIs, staffing (5)
    # * and of the unapproved positions: positions, paths, direct reports,
    #   dotted lines out and in, duties, their forms and KPIs, own KPIs (9)
    with django_assert_num_queries(20):
        response = hr_client.get("/documents/departments/CO/export/")
    assert response.status_code == 200


def test_print_ready_html_of_a_department_sheet(client, employee, org, hr, reviewer, approver):
    approve(org["sales"], hr, reviewer, approver)
    client.force_login(employee)
    page = soup(client.get("/documents/departments/SALES/print/"))
    assert page.select("header, nav.main-nav") == []
    assert "DF-SALES" in page.select_one("table.control-block caption").get_text()
    assert texts(page, "#functions-h ~ ol.items > li") == ["1. 负责产品销售"]
    assert texts(page, "#staffing-h + table tbody tr td:first-child") == ["销售部经理", "销售代表"]
