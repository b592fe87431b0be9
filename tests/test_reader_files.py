"""Uploads: encodings, Word files, and every bad input the issue names (each gives a clear message)."""

import io
import zipfile

import docx
import pytest

from reader import DocumentError, parse_text, read, read_document

TEXT = "售后服务部经理岗位职责:\n直接上级:总经理\n1、负责制定每月的服务计划;\n2、负责《月度总结报告》的编写。"
TRADITIONAL = (
    "銷售部部門職責:\n1、編制整年銷售計劃;\n2、負責組織市場檢查和研究;\n3、聽從銷售部長的工作安排"
)


def _items(document):
    return [item.text for block in document.blocks for item in block.items]


# -- encodings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        TEXT.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16", "gb18030"],
)
def test_simplified_text_in_every_encoding(data):
    document = read(data, "duties.txt")
    assert document.blocks[0].name == "售后服务部经理"
    assert _items(document) == ["负责制定每月的服务计划", "负责《月度总结报告》的编写"]


def test_big5_traditional_text():
    document = read(TRADITIONAL.encode("big5"), "duties.txt")
    assert document.blocks[0].name == "銷售部"
    assert _items(document)[2] == "聽從銷售部長的工作安排"


def test_gb18030_traditional_text_is_not_taken_for_big5():
    document = read(TRADITIONAL.encode("gb18030"), "duties.txt")
    assert _items(document)[0] == "編制整年銷售計劃"


# -- Word files ----------------------------------------------------------------------


def _docx(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_in_document_order():
    def build(document):
        document.add_paragraph("售后服务部经理岗位职责")
        document.add_paragraph("直接上级:总经理")
        document.add_paragraph("1. 负责制定每月的服务计划;")
        document.add_paragraph("2、负责《月度总结报告》的编写。")
        table = document.add_table(rows=3, cols=3)
        rows = [
            ["岗位", "职责描述", "职责要求简要说明"],
            [
                "客服部经理",
                "负责组织受理客户的投诉",
                "客户投诉在三个工作日内做出响应，投诉处理率100%",
            ],
            ["", "负责控制部门的预算", "费用预算控制率在95%以上"],
        ]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        document.add_paragraph("采购经理岗位职责:")
        document.add_paragraph("① 负责拟订和执行采购战略")
        document.add_paragraph("② 负责定期向管理层提供采购报告")

    document = read(_docx(build), "duties.docx")
    assert [(b.kind, b.name, len(b.items)) for b in document.blocks] == [
        ("position", "售后服务部经理", 2),
        ("position", "客服部经理", 2),
        ("position", "采购经理", 2),
    ]
    manager, service, _buyer = document.blocks
    assert manager.reports_to == "总经理"
    assert manager.items[1].forms == ["月度总结报告"]
    kpis = service.items[0].kpis
    assert [(k.comparison, k.target, k.unit) for k in kpis] == [
        ("le", 3, "工作日"),
        ("eq", 100, "%"),
    ]


def test_docx_table_with_number_steps_forms_and_kpi_columns():
    def build(document):
        document.add_paragraph("业务经理岗位职责:")
        table = document.add_table(rows=2, cols=5)
        rows = [
            ["序号", "岗位职责", "流程", "相关记录", "工作指标"],
            [
                "3.2.1",
                "对公司年度销售产值目标负责",
                "1、确认个人的年度销售目标;\n2、计划每个月的销售目标;",
                "《月度总结报告》",
                "每月销售目标产值需完成90%(含)以上",
            ],
        ]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value

    (block,) = read(_docx(build), "duties.docx").blocks
    (item,) = block.items
    assert item.text == "对公司年度销售产值目标负责"
    assert item.process_steps == ["确认个人的年度销售目标", "计划每个月的销售目标"]
    assert item.forms == ["月度总结报告"]
    assert (item.kpis[0].comparison, item.kpis[0].period) == ("ge", "monthly")


def test_docx_automatic_list_numbers_are_read():
    # Word keeps "1." "2." of a numbered list outside the paragraph text.
    def build(document):
        document.add_paragraph("销售部部门职责")
        for text in ("负责制定销售计划", "负责销售合同的管理"):
            document.add_paragraph(text, style="List Number")
        document.add_paragraph("销售内勤岗位职责:")
        for text in ("负责订单录入", "负责发货跟踪"):
            document.add_paragraph(text, style="List Bullet")

    document = read(_docx(build), "duties.docx")
    assert [(b.name, [i.text for i in b.items]) for b in document.blocks] == [
        ("销售部", ["负责制定销售计划", "负责销售合同的管理"]),
        ("销售内勤", ["负责订单录入", "负责发货跟踪"]),
    ]


# -- bad input -------------------------------------------------------------------------


def _message(data, filename=""):
    with pytest.raises(DocumentError) as caught:
        read(data, filename)
    return str(caught.value)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\u3000\n".encode()])
def test_empty_document(data):
    assert _message(data, "empty.txt") == "The document is empty."


def test_empty_pasted_text():
    with pytest.raises(DocumentError, match="empty"):
        parse_text("  \n ")


def test_empty_docx():
    assert "empty" in _message(_docx(lambda d: None), "empty.docx")


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,
        b"\x89PNG\r\n\x1a\n" + bytes(2000),
        "正文".encode() + b"\x00\x01\x02\x03" * 100,
        b"\x7fELF\x02\x01\x01" + bytes(range(0, 32)) * 50,
    ],
    ids=["all bytes", "png", "text with NULs", "executable"],
)
def test_binary_junk(data):
    message = _message(data, "junk.txt")
    assert "not text" in message or "not a text document" in message


def test_text_over_the_size_limit_is_refused_before_it_is_read():
    message = _message(("1、负责工作;" * 400_000).encode("utf-8"), "big.txt")  # about 5 MB
    assert "limit is 2.0 MB" in message and "MB of text" in message
    with pytest.raises(DocumentError, match="limit"):
        parse_text("负" * 2_000_000)


def test_the_limit_is_a_setting(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    assert "limit is 1 KB" in _message(("负责工作;" * 200).encode(), "a.txt")


def test_long_text_under_the_limit_is_read_whole():
    # One item a line and one long line of items: each about 1.5 MB. How long it
    # takes is measured by bench/ (see bench/RESULTS.md), not asserted here.
    lines = "\n".join(f"{i % 900 + 1}、负责部门职责范围内的第{i}项工作" for i in range(20_000))
    one_line = "".join(f"{i % 900 + 1}. 负责部门职责工作;" for i in range(40_000))
    assert 1_000_000 < len(lines.encode()) < 2_000_000
    assert 1_000_000 < len(one_line.encode()) < 2_000_000
    for text, count in ((lines, 20_000), (one_line, 40_000)):
        document = parse_text(text)
        assert sum(len(block.items) for block in document.blocks) == count


def test_zip_bomb_docx_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (100 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    message = _message(data, "bomb.docx")
    assert "zip bomb" in message and "100.0 MB" in message


def test_old_word_doc_is_refused_with_advice():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    message = _message(data, "duties.doc")
    assert "old Word document (.doc)" in message and ".docx" in message


def test_damaged_docx_and_zip_without_a_document():
    assert "damaged" in _message(b"PK\x03\x04" + bytes(100), "broken.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "not a Word document" in _message(buffer.getvalue(), "notes.docx")


def test_text_file_named_docx():
    assert "not one" in _message(TEXT.encode(), "duties.docx")


def test_json_shape_of_a_document():
    data = read_document(TEXT.encode(), "duties.txt")
    assert set(data) == {"blocks", "warnings"}
    (block,) = data["blocks"]
    assert set(block) == {
        "kind",
        "name",
        "reports_to",
        "direct_reports",
        "summary",
        "requirements",
        "sections",
    }
    (section,) = block["sections"]
    assert set(section) == {"title", "items"}
    assert set(section["items"][0]) == {"text", "kind", "process_steps", "forms", "kpis"}


def test_docx_job_description_form_table():
    # The common Word form: label cells beside value cells, long values merged across.
    def build(document):
        document.add_paragraph("岗位说明书")
        rows = [
            ["岗位名称", "销售经理", "所属部门", "销售部"],
            ["直接上级", "销售总监", "直接下级", "销售代表、销售内勤"],
            ["岗位概述", "负责公司产品的销售与客户管理。", "", ""],
            ["岗位职责", "1、制定年度销售计划；\n2、管理销售团队；", "", ""],
            ["考核指标", "销售任务完成率达90%以上", "", ""],
            ["任职资格", "1、本科以上学历；\n2、五年以上销售经验。", "", ""],
        ]
        table = document.add_table(rows=len(rows), cols=4)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        for r in range(2, len(rows)):
            table.cell(r, 1).merge(table.cell(r, 3))

    document = read(_docx(build), "form.docx")
    (block,) = document.blocks
    assert (block.kind, block.name, block.reports_to) == ("position", "销售经理", "销售总监")
    assert block.direct_reports == ["销售代表", "销售内勤"]
    assert block.summary == "负责公司产品的销售与客户管理。"
    assert block.requirements == ["本科以上学历", "五年以上销售经验"]
    duties, kpis = block.sections
    assert [i.text for i in duties.items] == ["制定年度销售计划", "管理销售团队"]
    assert kpis.items[0].kpis[0].comparison == "ge"
    assert any("销售部" in w for w in document.warnings)


def test_docx_headings_and_a_table_with_other_column_names():
    def build(document):
        document.add_heading("客服专员岗位职责", level=1)
        document.add_paragraph("负责接听客户来电，解答客户咨询")
        document.add_paragraph("负责客户投诉的登记与跟进")
        document.add_heading("任职要求", level=2)
        document.add_paragraph("大专以上学历")
        rows = [
            ["序号", "主要工作内容", "工作标准"],
            ["1", "负责客户回访", "回访率不低于95%"],
            ["2", "负责整理客户档案", "每月5日前完成"],
        ]
        table = document.add_table(rows=3, cols=3)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value

    (block,) = read(_docx(build), "duties.docx").blocks
    assert (block.name, block.requirements) == ("客服专员", ["大专以上学历"])
    assert [i.text for i in block.items] == [
        "负责接听客户来电，解答客户咨询",
        "负责客户投诉的登记与跟进",
        "负责客户回访",
        "负责整理客户档案",
    ]
    assert block.items[2].kpis[0].comparison == "ge"
    assert block.items[3].kpis[0].deadline.day == 5
