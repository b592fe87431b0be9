"""Employees read the approved revision; editors switch to the draft; snapshots never move."""

import pytest
from django.core.exceptions import ValidationError

from departments.models import DepartmentFunction
from documents.models import Document, Revision
from documents.workflow import perform
from kpis.models import Form, Kpi
from positions.models import DottedLine, Duty, Position
from tests.documents_helpers import approve, document
from tests.factories import grow_org
from tests.pages import soup, texts

DUTIES = "#duties-h ~ ol.items > li"


@pytest.fixture
def approved(org, hr, reviewer, approver):
    """The sales manager's description, approved as revision 1, with KPI, form and steps."""
    mgr = org["sales_mgr"]
    first = mgr.duties.order_by("order").first()
    first.process_steps = "收集市场信息\n编制计划"
    first.save()
    first.forms.add(Form.objects.create(code="F-PLAN", name="年度销售计划表"))
    Kpi.objects.create(
        duty=first, text="销售任务完成率达90%以上", comparison="ge", target=90, unit="%"
    )
    DottedLine.objects.create(from_position=mgr, to_position=org["hr_mgr"], label="业务指导")
    approve(mgr, hr, reviewer, approver)
    return mgr


def _edit_the_draft(position):
    """Reword, remove, add: everything an editor does after approval."""
    duties = list(position.duties.order_by("order"))
    duties[0].text = "制定年度销售计划并分解到月"
    duties[0].save()
    duties[1].delete()
    Duty.objects.create(position=position, text="负责重点客户维护", order=10)
    Kpi.objects.filter(duty=duties[0]).update(text="销售任务完成率达95%以上", target=95)
    position.headcount = 2
    position.save()


def test_employees_read_the_approved_revision_not_the_draft(client, employee, approved):
    _edit_the_draft(approved)
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/"))
    assert texts(page, DUTIES + " > div", sep="")[0].startswith("制定销售计划")
    assert len(page.select(DUTIES)) == 3
    assert "销售任务完成率达90%以上" in texts(page, ".kpi-text")
    assert texts(page, ".kpi-structure") == ["≥ 90 %"]
    assert texts(page, "ol.steps li") == ["收集市场信息", "编制计划"]
    assert texts(page, ".forms a") == ["《年度销售计划表》"]
    assert page.select_one(".forms a")["href"] == "/forms/F-PLAN/"
    banner = page.select_one(".doc-banner")
    assert "approved" in banner["class"]
    assert "Approved revision 1" in banner.get_text()
    assert banner.select("a[href='?view=draft']") == []  # no draft for employees
    # Asking for the draft changes nothing for them.
    page = soup(client.get("/positions/SALES-MGR/?view=draft"))
    assert len(page.select(DUTIES)) == 3
    assert "approved" in page.select_one(".doc-banner")["class"]


def test_editors_switch_between_approved_and_draft(client, hr, approved):
    _edit_the_draft(approved)
    client.force_login(hr)
    page = soup(client.get("/positions/SALES-MGR/"))
    assert len(page.select(DUTIES)) == 3
    assert page.select_one(".doc-banner a[href='?view=draft']")
    page = soup(client.get("/positions/SALES-MGR/?view=draft"))
    banner = page.select_one(".doc-banner")
    assert "draft" in banner["class"]
    assert "Employees read revision 1" in banner.get_text()
    assert [
        li.select_one("div").get_text(" ", strip=True).split()[0] for li in page.select(DUTIES)
    ] == [
        "制定年度销售计划并分解到月",
        "审核销售合同",
        "负责重点客户维护",
    ]


def test_the_approved_page_looks_like_the_draft_did(client, hr, approved):
    """Rendering from the snapshot gives the very page the live rows gave."""
    client.force_login(hr)
    frozen = soup(client.get("/positions/SALES-MGR/"))
    live = soup(client.get("/positions/SALES-MGR/?view=draft"))
    for selector in (DUTIES, "dl.facts", "#authorities-h ~ ol.items"):
        assert [str(n) for n in frozen.select(selector)] == [str(n) for n in live.select(selector)]


def test_without_an_approved_revision_everyone_sees_the_draft_with_a_banner(client, employee, org):
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/"))
    banner = page.select_one(".doc-banner")
    assert "unapproved" in banner["class"]
    assert "Not yet approved" in banner.get_text()
    assert len(page.select(DUTIES)) == 3


def test_a_revision_waiting_for_its_effective_date_is_not_shown_yet(
    client, employee, approved, hr, reviewer, approver
):
    from datetime import date

    _edit_the_draft(approved)
    perform(approved, "submit", hr)
    perform(approved, "pass", reviewer)
    perform(approved, "approve", approver, effective_date=date(2999, 1, 1))
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/"))
    assert len(page.select(DUTIES)) == 3  # revision 1 still
    assert "Revision 2 is approved and takes effect on 2999-01-01" in page.select_one(
        ".doc-banner"
    ).get_text(" ", strip=True)


def test_my_position_shows_the_approved_revision(client, employee, approved):
    from positions.models import Assignment, Employee

    person = Employee.objects.create(employee_no="E9", name="王芳", user=employee)
    Assignment.objects.create(employee=person, position=approved)
    _edit_the_draft(approved)
    client.force_login(employee)
    page = soup(client.get("/me/"))
    assert len(page.select(DUTIES)) == 3
    assert "approved" in page.select_one(".doc-banner")["class"]


def test_department_functions_come_from_the_approved_sheet(
    client, employee, org, hr, reviewer, approver
):
    approve(org["sales"], hr, reviewer, approver)
    DepartmentFunction.objects.create(department=org["sales"], text="负责市场调研", order=2)
    client.force_login(employee)
    page = soup(client.get("/departments/SALES/"))
    assert texts(page, "#functions-h ~ ol.items > li") == ["1. 负责产品销售"]
    client.force_login(hr)
    page = soup(client.get("/departments/SALES/?view=draft"))
    assert texts(page, "#functions-h ~ ol.items > li") == ["1. 负责产品销售", "2. 负责市场调研"]


def test_print_view_carries_the_control_block(client, employee, approved):
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/print/"))
    block = page.select_one("table.control-block")
    assert "JD-SALES-MGR" in block.caption.get_text()
    assert "Revision 1" in block.caption.get_text()
    cells = texts(block, "tbody td")
    assert (
        cells[0].startswith("hr")
        and cells[1].startswith("审核人")
        and cells[2].startswith("批准人")
    )
    assert page.select(".draft-mark") == []


def test_print_view_of_a_draft_says_so(client, employee, org):
    client.force_login(employee)
    page = soup(client.get("/positions/SALES-MGR/print/"))
    assert texts(page, ".draft-mark") == ["DRAFT – not approved"]


# --- a revision never changes ---------------------------------------------------------------


def test_editing_the_draft_after_approval_does_not_change_revision_1(approved):
    before = Revision.objects.get().content
    _edit_the_draft(approved)
    DottedLine.objects.all().delete()
    Form.objects.update(name="改名的表")
    revision = Revision.objects.get()
    assert revision.content == before
    assert [d["text"] for d in revision.content["duties"]][:2] == ["制定销售计划", "管理销售团队"]
    assert revision.content["headcount"] == 1
    assert revision.content["dotted_out"][0]["label"] == "业务指导"


def test_a_revision_refuses_to_be_saved_updated_or_deleted(approved):
    revision = Revision.objects.get()
    revision.content = {"title": "篡改"}
    with pytest.raises(ValidationError, match="cannot be changed"):
        revision.save()
    with pytest.raises(ValidationError):
        revision.delete()
    with pytest.raises(ValidationError):
        Revision.objects.update(title="篡改")
    with pytest.raises(ValidationError):
        Revision.objects.all().delete()
    assert Revision.objects.get().content["title"] == "销售部经理"


def test_a_position_with_approved_revisions_cannot_be_deleted(approved):
    from django.db.models import ProtectedError

    Duty.objects.filter(position=approved).delete()
    Position.objects.filter(reports_to=approved).update(reports_to=None)
    with pytest.raises(ProtectedError):
        approved.delete()


def test_the_admin_shows_revisions_but_never_saves_them(client, hr, approved):
    client.force_login(hr)
    revision = Revision.objects.get()
    url = f"/admin/documents/revision/{revision.pk}/change/"
    page = soup(client.get(url))
    assert page.select("input[name=_save]") == []
    assert "制定销售计划" in page.select_one("pre").get_text()
    assert client.post(url, {"title": "篡改"}).status_code == 403
    assert client.get("/admin/documents/revision/add/").status_code == 403
    assert (
        client.post(f"/admin/documents/revision/{revision.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Revision.objects.get().title == "销售部经理"


def test_the_admin_cannot_revert_a_control_record(client, hr, approved):
    doc = document(approved)
    record = doc.history.last()
    client.force_login(hr)
    url = f"/admin/documents/document/{doc.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"number": doc.number}).status_code == 403
    assert Document.objects.get(pk=doc.pk).revision == 1


def test_revision_pages_mark_superseded_revisions(
    client, employee, approved, hr, reviewer, approver
):
    _edit_the_draft(approved)
    approve(approved, hr, reviewer, approver)
    client.force_login(employee)
    old = soup(client.get("/documents/positions/SALES-MGR/revisions/1/"))
    assert "superseded" in old.select_one(".doc-banner")["class"]
    assert len(old.select(DUTIES)) == 3
    new = soup(client.get("/documents/positions/SALES-MGR/revisions/2/"))
    assert new.select(".doc-banner.superseded") == []
    listing = soup(client.get("/documents/positions/SALES-MGR/"))
    assert texts(listing, "table.revisions tbody td:nth-of-type(2)") == ["approved", "superseded"]
    # Employees see revisions, not the workflow.
    assert listing.select(".workflow-form, table.transitions") == []
    assert client.get("/documents/positions/SALES-MGR/revisions/3/").status_code == 404


def test_the_control_page_shows_the_team_its_next_step(client, org, hr, reviewer):
    client.force_login(hr)
    page = soup(client.get("/documents/positions/SALES-MGR/"))
    assert [b["value"] for b in page.select(".workflow-form button[name=action]")] == ["submit"]
    perform(org["sales_mgr"], "submit", hr)
    client.force_login(reviewer)
    page = soup(client.get("/documents/positions/SALES-MGR/"))
    assert [b["value"] for b in page.select(".workflow-form button[name=action]")] == [
        "pass",
        "return",
    ]
    assert texts(page, "table.transitions tbody td:nth-of-type(3)") == ["submitted for review"]


# --- queries ---------------------------------------------------------------------------------


@pytest.fixture
def grown(hr, reviewer, approver):
    def grow(size):
        grow_org(departments=2, positions=size, duties=size)
        position = Position.objects.get(code="D0-P0")
        approve(position, hr, reviewer, approver)
        return position

    return grow


@pytest.mark.parametrize("size", [2, 25])
def test_approved_page_query_count_is_fixed(
    client, employee, grown, size, django_assert_num_queries
):
    grown(size)
    client.force_login(employee)
    # Expect 7 queries (the first request, before anything is cached):
    # * session, user
    # * the content generation (the cache key of browse.views.positions)
    # * the position with its department, superior, control record and approved revision
    # * current holders
    # * the user's own and group permissions (may they see the draft?)
    with django_assert_num_queries(7):
        page = soup(client.get("/positions/D0-P0/"))
    assert len(page.select(DUTIES)) == size


@pytest.mark.parametrize("size", [2, 25])
def test_draft_view_query_count_is_fixed(hr_client, grown, size, django_assert_num_queries):
    grown(size)
    # Expect 13 queries, those of the live page (tests/test_position_page.py).
    with django_assert_num_queries(13):
        page = soup(hr_client.get("/positions/D0-P0/?view=draft"))
    assert len(page.select(DUTIES)) == size


@pytest.mark.parametrize("size", [2, 20])
def test_approved_department_page_query_count_is_fixed(
    hr_client, hr, reviewer, approver, size, django_assert_num_queries
):
    grow_org(departments=size, positions=size, duties=3)
    from departments.models import Department

    approve(Department.objects.get(code="D0"), hr, reviewer, approver)
    # Expect 14 queries: those of the live page (tests/test_department_page.py)
    # but the functions and their KPIs, which come with the approved revision,
    # and the sub-units, which a unit without any does not look up.
    with django_assert_num_queries(14):
        hr_client.get("/departments/D0/")
