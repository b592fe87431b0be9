"""Saving a parsed duty document: editable item text, name matching, workbook rows, the admin flow."""

from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from core.numbering import number_items
from departments.models import Department
from intake.rows import (
    NEW,
    USE_DEPARTMENT,
    USE_POSITION,
    Decision,
    Directory,
    Item,
    build_workbook,
    normalise,
    parse_items,
    render_items,
)
from kpis.models import Form, Kpi
from positions.models import Position
from reader import ParsedKpi
from tests.conftest import make_department
from tests.pages import form_data, soup
from workbook.importer import OrgImporter

ITEMS = [
    Item("负责组织员工招聘", section="人力资源管理"),
    Item("负责人员考勤", section="人力资源管理"),
    Item(
        "对客户回款及时率负责",
        section="行政管理",
        process_steps=["明确客户付款方式", "及时跟催"],
        forms=["月度总结报告"],
        kpis=["每月销售目标产值需完成90%(含)以上"],
    ),
    Item("对业务部人员日常请假1天以内（含）有直接审批权", kind="authority"),
]


def test_items_survive_being_rendered_and_read_back():
    text = render_items(ITEMS)
    assert "## 人力资源管理\n1. 负责组织员工招聘\n2. 负责人员考勤\n## 行政管理\n1. " in text
    items, problems = parse_items(text)
    assert problems == []
    assert items == ITEMS


def test_edited_text_is_renumbered_by_its_order_and_wrapped_lines_join_the_item():
    items, _ = parse_items("3. 第二项\n1. 第一项很长\n   接着写完\n- 第三项\n• 第四项")
    assert [i.text for i in items] == ["第二项", "第一项很长接着写完", "第三项", "第四项"]


def test_names_match_across_simplified_and_traditional_spellings():
    assert normalise("銷售部 ") == normalise("销售部")
    assert normalise("Sales Department") == "salesdepartment"


@pytest.fixture
def org(db):
    company = make_department("CO", "示例公司", kind="company")
    sales = make_department("SALES", "銷售部", parent=company, aliases="Sales Department")
    gm = Position.objects.create(code="GM", title="总经理", department=company)
    mgr = Position.objects.create(
        code="SALES-MGR", title="销售部经理", department=sales, reports_to=gm, is_head=True
    )
    Form.objects.create(code="F-MONTH", name="月度总结报告")
    return {"company": company, "sales": sales, "gm": gm, "mgr": mgr}


def simple_kpis(sentence):
    """The structure the KPI reader would give for the one sentence used here."""
    return [
        ParsedKpi(
            text=sentence,
            metric="每月销售目标产值",
            comparison="ge",
            target=Decimal(90),
            unit="%",
            period="monthly",
            deadline=None,
            structured=True,
        )
    ]


def save(decisions, create_forms=False):
    book, notes = build_workbook(decisions, Directory(), create_forms, simple_kpis)
    OrgImporter(book).run()
    return notes


def test_a_position_block_replaces_the_duties_with_steps_forms_and_kpis(org):
    org["mgr"].duties.create(text="旧的职责")
    save([Decision(USE_POSITION, "销售部经理", "SALES-MGR", items_text=render_items(ITEMS))])

    mgr = Position.objects.get(code="SALES-MGR")
    duties = list(mgr.duties.order_by("kind", "order"))
    assert [d.text for d in duties if d.kind == "duty"] == [i.text for i in ITEMS[:3]]
    assert [d.text for d in duties if d.kind == "authority"] == [ITEMS[3].text]
    receivables = mgr.duties.get(text="对客户回款及时率负责")
    assert receivables.step_list == ["明确客户付款方式", "及时跟催"]
    assert [f.code for f in receivables.forms.all()] == ["F-MONTH"]
    kpi = Kpi.objects.get(duty=receivables)
    assert kpi.structure == "每月销售目标产值 ≥ 90 %"
    # Reporting line and department are kept as they were.
    assert mgr.reports_to.code == "GM" and mgr.department.code == "SALES"


def test_a_department_block_replaces_its_functions_in_sections(org):
    save([Decision(USE_DEPARTMENT, "销售部", "SALES", items_text=render_items(ITEMS[:3]))])
    sections = number_items(org["sales"].functions.order_by("order", "id"))
    assert [(s.title, len(s.items)) for s in sections] == [("人力资源管理", 2), ("行政管理", 1)]


def test_new_forms_are_created_only_when_hr_agrees(org):
    text = "1. 做好发货\n   - 记录：发货通知单\n   - 记录：月度总结报告"
    notes = save([Decision(USE_POSITION, "销售部经理", "SALES-MGR", items_text=text)])
    duty = org["mgr"].duties.get()
    assert [f.name for f in duty.forms.all()] == ["月度总结报告"]
    assert any("发货通知单" in n for n in notes)
    assert not Form.objects.filter(name="发货通知单").exists()

    save([Decision(USE_POSITION, "销售部经理", "SALES-MGR", items_text=text)], create_forms=True)
    assert sorted(f.name for f in duty.forms.all()) == ["发货通知单", "月度总结报告"]


def test_a_new_position_gets_a_code_in_its_department_and_its_superior(org):
    save(
        [
            Decision(
                USE_POSITION,
                "銷售內勤",
                NEW,
                department="SALES",
                reports_to="SALES-MGR",
                items_text="1. 开出销售出库单",
            )
        ]
    )
    clerk = Position.objects.get(title="銷售內勤")
    assert clerk.code.startswith("SALES-P") and clerk.department.code == "SALES"
    assert clerk.reports_to.code == "SALES-MGR"
    assert [d.text for d in clerk.duties.all()] == ["开出销售出库单"]


def test_a_new_department_goes_below_its_parent(org):
    save([Decision(USE_DEPARTMENT, "售后服务部", NEW, department="CO", items_text="1. 三包服务")])
    unit = Department.objects.get(name="售后服务部")
    assert unit.parent.code == "CO"
    assert Department.objects.tree_problems() == []


# -- the admin flow --------------------------------------------------------------

SEED_001 = Path(__file__).parent.parent / "fixtures" / "seeds" / "001_711477e20c8f78cf.txt"


def after_sales_text():
    """Seed 001's 售后服务部 functions as HR would paste them, page marker and all."""
    text = SEED_001.read_text(encoding="utf-8")
    return text[text.index("售后服务部部门职能") : text.index("售后服务部经理岗位职责")]


def test_pasted_department_text_is_checked_then_saved_to_the_department(hr_client, org):
    url = "/admin/workbook/document/?department=SALES"
    page = soup(hr_client.post(url, {"text": after_sales_text()}))
    items = page.find("textarea", attrs={"name": "form-0-items_text"}).get_text()
    assert "15. 负责本部门车辆的管理与维护" in items  # the page marker 2、 is gone
    assert not org["sales"].functions.exists()

    data = form_data(page, "form#document-check")
    assert data["form-0-use"] == "department" and data["form-0-target"] == "SALES"
    preview = soup(hr_client.post(url, data | {"check": "1"}))
    created = preview.select_one("#import-preview tbody tr td").get_text()
    assert created == "16"
    assert not org["sales"].functions.exists()

    response = hr_client.post(url, data | {"save": "1"})
    assert response.status_code == 302 and response.url == "/departments/SALES/"
    texts = [f.text for f in org["sales"].functions.order_by("order")]
    assert texts[-2:] == ["负责本部门车辆的管理与维护", "负责完成公司交办的其他工作"]
    assert len(texts) == 16


def test_an_unmatched_block_is_saved_only_after_hr_chooses_where(hr_client, org):
    text = "售后服务部经理岗位职责:直接上级:总经理1. 负责制定每月的服务计划;2. 负责本部门车辆管理。"
    page = soup(hr_client.post("/admin/workbook/document/", {"text": text}))
    data = form_data(page, "form#document-check")
    assert data["form-0-use"] == "position"
    assert data["form-0-target"] == ""  # no such position: nothing is created by default
    refused = soup(hr_client.post("/admin/workbook/document/", data | {"save": "1"}))
    assert refused.select(".errorlist")
    assert not Position.objects.filter(title="售后服务部经理").exists()

    data |= {"form-0-target": "new", "form-0-department": "SALES", "form-0-reports_to": "GM"}
    response = hr_client.post("/admin/workbook/document/", data | {"save": "1"})
    assert response.status_code == 302
    created = Position.objects.get(title="售后服务部经理")
    assert [d.text for d in created.duties.order_by("order")] == [
        "负责制定每月的服务计划",
        "负责本部门车辆管理",
    ]
    assert created.reports_to.code == "GM"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"", "Paste some text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".doc"),
        (bytes(range(256)) * 40, ""),
    ],
)
def test_bad_documents_get_a_message_and_save_nothing(hr_client, org, upload, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("duties.doc", upload)} if upload else {"text": ""}
    response = hr_client.post("/admin/workbook/document/", data)
    assert response.status_code == 200
    errors = soup(response).select(".errorlist")
    assert errors and message in errors[0].get_text()
    assert not org["sales"].functions.exists()


def test_employees_cannot_import_documents(client, staff_employee):
    client.force_login(staff_employee)
    response = client.post("/admin/workbook/document/", {"text": after_sales_text()})
    assert response.status_code == 403


@pytest.mark.parametrize("how", ["upload", "paste"])
def test_a_five_megabyte_text_gets_a_clear_message(hr_client, org, how):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = ("1. 负责销售计划的制定与实施。\n" * 200_000).encode("utf-8")[: 5 * 2**20]
    if how == "upload":
        data = {"file": SimpleUploadedFile("duties.txt", big)}
    else:
        data = {"text": big.decode("utf-8", "ignore")}
    response = hr_client.post("/admin/workbook/document/", data)
    assert response.status_code in (200, 400)
    message = BeautifulSoup(response.content, "html.parser").select_one(".errorlist").get_text()
    assert "limit" in message or "upload it as a file" in message
    assert not org["sales"].functions.exists()


def test_a_word_document_with_a_duty_table_is_read_in_the_admin(hr_client, org):
    import io

    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = docx.Document()
    document.add_paragraph("销售部经理岗位职责")
    table = document.add_table(rows=3, cols=5)
    for row, cells in zip(
        table.rows,
        [
            ["序号", "岗位职责", "流程", "相关记录", "工作指标"],
            [
                "1",
                "对公司年度销售产值目标负责",
                "1、确认个人年度销售目标",
                "《月度总结报告》",
                "每月销售目标产值需完成90%(含)以上",
            ],
            ["2", "对客户回款及时率负责", "1、明确客户付款方式", "", ""],
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("职责.docx", buffer.getvalue())
    url = "/admin/workbook/document/?position=SALES-MGR"

    page = soup(hr_client.post(url, {"file": upload}))
    data = form_data(page, "form#document-check")
    assert data["form-0-target"] == "SALES-MGR"
    response = hr_client.post(url, data | {"save": "1"})
    assert response.status_code == 302

    duty = org["mgr"].duties.order_by("order").first()
    assert duty.text == "对公司年度销售产值目标负责"
    assert duty.step_list == ["确认个人年度销售目标"]
    assert [f.code for f in duty.forms.all()] == ["F-MONTH"]
    kpi = Kpi.objects.get(duty=duty)
    assert (kpi.structure, kpi.period) == ("销售目标产值 ≥ 90 %", "monthly")


def test_import_from_document_is_offered_on_the_department_list_and_each_page(hr_client, org):
    pages = {
        "/admin/departments/department/": "/admin/workbook/document/",
        f"/admin/departments/department/{org['sales'].pk}/change/": "?department=SALES",
        f"/admin/positions/position/{org['mgr'].pk}/change/": "?position=SALES-MGR",
    }
    for page, target in pages.items():
        links = [a["href"] for a in soup(hr_client.get(page)).select(".object-tools a")]
        assert any(target in href for href in links), page


def test_switching_a_part_to_department_without_choosing_a_department_saves_nothing(hr_client, org):
    text = "销售部经理岗位职责:直接上级:总经理1. 负责制定销售计划;2. 负责管理销售团队。"
    page = soup(hr_client.post("/admin/workbook/document/", {"text": text}))
    data = form_data(page, "form#document-check") | {
        "form-0-use": "department"
    }  # target is still SALES-MGR
    refused = soup(hr_client.post("/admin/workbook/document/", data | {"save": "1"}))
    assert "not a stored department or position" in refused.select_one(".errorlist").get_text()
    assert not org["sales"].functions.exists() and not org["mgr"].duties.exists()
