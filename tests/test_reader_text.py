"""The document reader on pasted text: numbering, sections, headings, noise, tables, forms."""

import pytest

from reader import parse_text


def _texts(document, block=0):
    return [item.text for item in document.blocks[block].items]


def _only(text):
    document = parse_text(text)
    assert len(document.blocks) == 1, [b.name for b in document.blocks]
    return document.blocks[0]


# -- numbering styles ----------------------------------------------------------------

THREE = ["负责制定销售计划", "负责销售合同的管理", "负责客户接待"]


@pytest.mark.parametrize(
    "marks",
    [
        ["1.", "2.", "3."],
        ["1、", "2、", "3、"],
        ["1)", "2)", "3)"],
        ["(1)", "(2)", "(3)"],
        ["（1）", "（2）", "（3）"],
        ["①", "②", "③"],
        ["3.1.1", "3.1.2", "3.1.3"],
        ["-", "-", "-"],
        ["•", "•", "•"],
        ["◆", "◆", "◆"],
        ["1.", "2、", "3)"],  # mixed
        ["1．", "2．", "3．"],  # full-width full stop
    ],
)
def test_every_numbering_style_one_item_a_line(marks):
    lines = [f"{mark} {text};" for mark, text in zip(marks, THREE, strict=True)]
    block = _only("销售部部门职责:\n" + "\n".join(lines))
    assert [i.text for i in block.items] == THREE
    assert block.kind == "department" and block.name == "销售部"


@pytest.mark.parametrize("marks", [["一、", "二、", "三、"], ["(一)", "(二)", "(三)"]])
def test_chinese_numerals_alone_number_the_items(marks):
    lines = [f"{mark}{text}" for mark, text in zip(marks, THREE, strict=True)]
    block = _only("销售部部门职责:\n" + "\n".join(lines))
    assert [i.text for i in block.items] == THREE


def test_items_run_together_on_one_line_split_at_each_next_number():
    # As in seed 001: ; and 。 between items, and one item glued to the next number.
    block = _only(
        "售后服务部部门职能:1. 负责三包服务;2. 负责保外维修。3. 负责维修车间的管理和维护"
        "4. 负责与厂家的结算,服务人员的技术评级、工资核算等;5. 负责完成公司交办的其他工作。"
    )
    assert [i.text for i in block.items] == [
        "负责三包服务",
        "负责保外维修",
        "负责维修车间的管理和维护",
        "负责与厂家的结算,服务人员的技术评级、工资核算等",
        "负责完成公司交办的其他工作",
    ]


def test_numbers_inside_a_sentence_are_not_items():
    block = _only("财务部部门职责:\n1. 每月25日前完成1、2季度报表的核对;\n2. 负责2.5%的费用预算")
    assert [i.text for i in block.items] == [
        "每月25日前完成1、2季度报表的核对",
        "负责2.5%的费用预算",
    ]


def test_first_item_without_a_number_is_item_one():
    block = _only("财务部部门职能:负责公司资金调配;2.负责制定年度预算;3.负责税金缴纳")
    assert [i.text for i in block.items] == ["负责公司资金调配", "负责制定年度预算", "负责税金缴纳"]


def test_english_numbers_with_commas_and_an_ocr_slip():
    block = _only(
        "Responsibilities of operation department 1. Organize the work plan. 2, prepare the "
        "budget. 3. Review the monthly results. 4. Control the costs. 5. Audit bids. 6. Improve "
        "processes. 7. Track orders. 8. Report. 9. Plan. 10. Train staff. 1 1. Maintain the "
        "network. 12, supervise the targets."
    )
    assert block.name == "operation department" and block.kind == "department"
    assert len(block.items) == 12
    assert block.items[1].text == "prepare the budget"
    assert block.items[10].text == "Maintain the network"


def test_item_text_keeps_no_number_and_no_trailing_separator():
    block = _only("岗位职责:\n1、负责招聘；\n2、负责培训。\n3、负责考勤;")
    assert [i.text for i in block.items] == ["负责招聘", "负责培训", "负责考勤"]


def test_a_line_without_number_continues_the_item_above():
    block = _only(
        "公司业务部岗位职责\n二、岗位职责1. 管理销售团队:负责招聘和培训。\n"
        "安排销售任务和目标。\n2. 分析市场数据。"
    )
    assert [i.text for i in block.items] == [
        "管理销售团队:负责招聘和培训。安排销售任务和目标",
        "分析市场数据",
    ]


# -- sections --------------------------------------------------------------------------


def test_sections_restart_the_numbering():
    block = _only(
        "综合管理部部门职能:一、人力资源管理:1. 负责招聘。2. 负责培训。"
        "二、行政管理:1. 负责接待。2. 负责会议。三、车辆管理1. 负责司机管理。"
    )
    assert [(s.title, [i.text for i in s.items]) for s in block.sections] == [
        ("人力资源管理", ["负责招聘", "负责培训"]),
        ("行政管理", ["负责接待", "负责会议"]),
        ("车辆管理", ["负责司机管理"]),
    ]


def test_numbered_items_with_bullets_under_them_become_titled_sections():
    block = _only(
        "业务部岗位职责\n1. 业务拓展\n具体包括:- 制定市场拓展计划。\n- 寻找合作伙伴。\n"
        "2. 客户开发\n- 确定目标客户。"
    )
    assert [(s.title, [i.text for i in s.items]) for s in block.sections] == [
        ("业务拓展", ["制定市场拓展计划", "寻找合作伙伴"]),
        ("客户开发", ["确定目标客户"]),
    ]


def test_a_list_that_starts_again_at_one_is_a_new_section():
    block = _only("岗位职责:\n1、负责A工作\n2、负责B工作\n1、负责C工作\n2、负责D工作")
    assert [[i.text for i in s.items] for s in block.sections] == [
        ["负责A工作", "负责B工作"],
        ["负责C工作", "负责D工作"],
    ]


def test_positions_listed_under_a_staffing_heading():
    document = parse_text(
        "销售部部门职责:1、负责销售。2、负责回款。三、部门岗位分工:(一)销售部部长1、负责分解目标;"
        "2、负责考核;内贸销售经理1、负责片区;(三)销售内勤1、负责订单"
    )
    assert [(b.kind, b.name, len(b.items)) for b in document.blocks] == [
        ("department", "销售部", 2),
        ("position", "销售部部长", 2),
        ("position", "内贸销售经理", 1),
        ("position", "销售内勤", 1),
    ]


# -- headings and reporting lines ----------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "kind", "name"),
    [
        ("售后服务部部门职能:", "department", "售后服务部"),
        ("售后服务部部门职责:", "department", "售后服务部"),
        ("售后服务部经理岗位职责:", "position", "售后服务部经理"),
        ("销售部經理崗位職責:", "position", "销售部經理"),
        ("业务部岗位职责与权限:", "department", "业务部"),
    ],
)
def test_headings_name_the_block(heading, kind, name):
    block = _only(f"{heading}1. 负责甲;2. 负责乙")
    assert (block.kind, block.name) == (kind, name)
    assert [i.text for i in block.items] == ["负责甲", "负责乙"]


def test_summary_requirements_and_duties_of_a_position():
    block = _only(
        "销售经理岗位职责\n一、职位概述销售经理负责公司的销售工作。\n带领销售团队。\n"
        "二、岗位职责1. 制定销售计划。2. 管理销售团队。\n"
        "三、任职要求1. 本科及以上学历。\n2. 三年以上销售经验。"
    )
    assert block.summary == "销售经理负责公司的销售工作。\n带领销售团队。"
    assert [i.text for i in block.items] == ["制定销售计划", "管理销售团队"]
    assert block.requirements == ["本科及以上学历", "三年以上销售经验"]


def test_reporting_lines():
    block = _only(
        "售后服务部经理岗位职责:直接上级:总经理直接下级:内勤主管、分公司服务经理/服务主任(总工程师)"
        "1. 负责制定每月的服务计划;2. 负责服务配件的库存计划"
    )
    assert block.reports_to == "总经理"
    assert block.direct_reports == ["内勤主管", "分公司服务经理/服务主任(总工程师)"]
    assert len(block.items) == 2


def test_reporting_lines_on_their_own_lines():
    block = _only("财务部经理岗位职责\n直接上级：总经理\n直接下级：会计、出纳\n1、负责会计核算")
    assert (block.reports_to, block.direct_reports) == ("总经理", ["会计", "出纳"])


def test_authorities_under_their_heading_and_rights_among_duties():
    block = _only(
        "业务总监岗位职责:\n1. 负责业务部行政管理工作;\n2. 对业务部人员日常请假1天以内(含)有直接审批权\n"
        "岗位权限:\n1. 对下属的考核"
    )
    assert [(i.kind, i.text) for i in block.items] == [
        ("duty", "负责业务部行政管理工作"),
        ("authority", "对业务部人员日常请假1天以内(含)有直接审批权"),
        ("authority", "对下属的考核"),
    ]


def test_a_question_is_not_a_heading():
    document = parse_text(
        "What is the responsibility of the sales department?\n"
        "Responsibilities of operation department 1. Organize the work. 2. Review the budget."
    )
    assert [b.name for b in document.blocks] == ["operation department"]
    assert any("What is the responsibility" in w for w in document.warnings)


# -- forms -----------------------------------------------------------------------------


def test_forms_in_guillemets_are_linked_without_them():
    block = _only(
        "业务经理岗位职责:\n1. 负责填写《订单评审表》《发货通知单》;\n2. 编写《月度总结报告》"
    )
    assert block.items[0].forms == ["订单评审表", "发货通知单"]
    assert block.items[0].text == "负责填写《订单评审表》《发货通知单》"
    assert block.items[1].forms == ["月度总结报告"]


# -- noise -----------------------------------------------------------------------------

SCRAPED = """部门职能及职责(共10页)

上传人:风*** 文档编号:50526676 上传时间:2022-01-20 格式:DOC 页数:10 大小:51.50KB
收藏 版权申诉 举报 下载
部门职能及职责(共10页)_第1页
第1页 / 共10页
资源描述:

《部门职能及职责(共10页)》由会员分享,可在线阅读,更多相关《部门职能及职责(共10页)》请在装配图网上搜索。

1、精选优质文档-倾情为你奉上售后服务部部门职能:1. 负责保障公司所有在保整机的三包服务;2. 负责给整机客户提供保外维修服务;3. 负责三包服务的旧件返厂与索赔;4. 负责制定三包配件的采购计划;5. 负责维修车间的管理和维护6. 负责服务客户的回访;7. 负责分公司日常费

2、用的审批;8. 负责与厂家售后服务部门的协调;9. 负责二级代理商三包服务管理工作;10. 负责售后人员的培养和培训;11. 负责售后服务单据的统计归档;12. 负责服务工具及设备的管理;13. 负责产品质量信息的汇总;14. 负责年度保外维修计划的制定及实施;15

3、. 负责本部门车辆的管理与维护;16. 负责完成公司交办的其他工作。专心-专注-专业

展开阅读全文
温馨提示:
1: 本站所有资源如无特殊说明,都需要本地电脑安装OFFICE2007和PDF阅读器。
2: 本站的文档不包含任何第三方提供的附件图纸等。
"""


def test_site_noise_is_dropped_and_page_breaks_are_rejoined():
    document = parse_text(SCRAPED)
    assert [b.name for b in document.blocks] == ["售后服务部"]
    texts = _texts(document)
    assert len(texts) == 16
    assert texts[6] == "负责分公司日常费用的审批"  # cut by page 2
    assert texts[14] == "负责本部门车辆的管理与维护"  # "15" + page 3 + ". 负责…"
    assert texts[15] == "负责完成公司交办的其他工作"  # without the footer slogan
    warnings = "\n".join(document.warnings)
    for dropped in ("上传人", "第1页 / 共10页", "展开阅读全文", "page-break markers"):
        assert dropped in warnings


def test_a_numbered_list_with_blank_lines_is_not_taken_for_page_markers():
    block = _only("岗位职责:\n\n1、负责招聘\n\n2、负责培训\n\n3、负责考勤")
    assert [i.text for i in block.items] == ["负责招聘", "负责培训", "负责考勤"]


def test_pinyin_annotations_and_anti_copy_marks_are_removed():
    block = _only("銷售部部門職責(zé):1、協(xié)調(diào)生產計劃;2、負責營銷實績的`管理")
    assert block.name == "銷售部"
    assert [i.text for i in block.items] == ["協調生產計劃", "負責營銷實績的管理"]


def test_traditional_characters_are_kept_as_written():
    block = _only("內貿銷售經理崗位職責:1、培訓片區內業務員的產品知識;2、聽從銷售部長的工作安排")
    assert block.items[1].text == "聽從銷售部長的工作安排"


def test_page_number_glued_to_an_item_number_is_dropped():
    block = _only(
        "銷售部部門職責:8、拓展銷售模式;9、保護老客戶,追蹤到位,11 / 710、組織擬訂管理制度"
    )
    assert [i.text for i in block.items][-2:] == ["保護老客戶,追蹤到位", "組織擬訂管理制度"]


def test_article_collections_keep_their_articles_apart():
    document = parse_text(
        "业务支持部岗位职责(精选11篇)\n\n业务支持部岗位职责(精选11篇)业务支持部篇11、负责预算管理;"
        "2、完成领导交办的其他事宜。\n主管工作职责:1、负责业务支持;2、负责续保业务"
    )
    assert [(b.kind, b.name, len(b.items)) for b in document.blocks] == [
        ("department", "业务支持部", 2),
        ("position", "主管", 2),
    ]


# -- tables flattened into text ---------------------------------------------------------

TAB_TABLE = (
    "部门经理层岗位职责要求\n\n\t岗位\n\t职责描述\n\t职责要求简要说明\n\n"
    "\t人力资源部经理\n\t负责组织制定人事管理制度\n\t人事管理制度完善率达到80%以上\n\n"
    "\t\n\t负责制定招聘计划\n\t平均招聘达成时间为1个月，招聘达成率为90%以上\n\n"
    "\t销售部经理\n\t负责制定、调整销售运营政策\n\t新客户开发量达到20%以上；\n\n"
    "客户流失率低于10%；\n\n\t\n\t负责协调销售关系\n\t\n"
)


def test_table_of_position_duty_and_kpi_with_blank_position_cells():
    document = parse_text(TAB_TABLE)
    assert [(b.name, len(b.items)) for b in document.blocks] == [
        ("人力资源部经理", 2),
        ("销售部经理", 2),
    ]
    hr, sales = document.blocks
    assert [k.text for k in hr.items[1].kpis] == ["平均招聘达成时间为1个月", "招聘达成率为90%以上"]
    # A KPI cell over several lines.
    assert [k.text for k in sales.items[0].kpis] == ["新客户开发量达到20%以上", "客户流失率低于10%"]
    assert sales.items[1].kpis == []


LINE_TABLE = """1.业务总监岗位职责:
序号
岗位职责
流程
相关记录
工作指标
3.1.1
负责业务部行政管理工作
1、负责业务部人力需求申请及面试;
2、对业务部人员日常请假1天以内(含)有直接审批权;
《人力需求申请表》《请假单》
3.1.2
对公司年度销售产值目标负责
1、确认个人的年度销售目标;2、计划每个月的销售目标;
年度销售预算
每月销售目标产值需完成90%(含)以上
四、相关附件表单:
"""


def test_table_of_number_duty_steps_forms_and_kpi_read_line_by_line():
    block = _only(LINE_TABLE)
    assert (block.kind, block.name) == ("position", "业务总监")
    first, right, second = block.items
    assert first.text == "负责业务部行政管理工作"
    assert first.process_steps == ["负责业务部人力需求申请及面试"]
    assert first.forms == ["人力需求申请表", "请假单"]
    assert (right.kind, right.text) == ("authority", "对业务部人员日常请假1天以内(含)有直接审批权")
    assert second.process_steps == ["确认个人的年度销售目标", "计划每个月的销售目标"]
    assert second.forms == ["年度销售预算"]
    kpi = second.kpis[0]
    assert (kpi.metric, kpi.comparison, kpi.target, kpi.unit, kpi.period) == (
        "销售目标产值",
        "ge",
        90,
        "%",
        "monthly",
    )


def test_shuffled_table_rows_go_to_the_position_their_number_names():
    document = parse_text(
        "1.业务总监岗位职责:\n序号\n岗位职责\n流程\n3.1.2\n负责市场开发\n3.2.1\n对产品报价负责\n"
        "2.业务经理职责:\n序号\n岗位职责\n流程\n3.2.2\n对客户回款负责\n3.1.1\n负责行政管理\n"
    )
    assert [(b.name, [(i.number, i.text) for i in b.items]) for b in document.blocks] == [
        ("业务总监", [("3.1.1", "负责行政管理"), ("3.1.2", "负责市场开发")]),
        ("业务经理", [("3.2.1", "对产品报价负责"), ("3.2.2", "对客户回款负责")]),
    ]


def test_warnings_name_what_was_not_read():
    document = parse_text("永远价值大于价格，\n销售部部门职责:1、负责销售")
    assert any("永远价值大于价格" in w for w in document.warnings)


# -- job-description forms and other common shapes ---------------------------------------


def test_fields_of_a_job_description_form():
    block = _only(
        "职位说明书\n职位名称：人力资源专员\n所属部门：人力资源部\n直接上级：人力资源经理\n直接下级：无\n"
        "职位概述：负责公司招聘、培训等人事工作。\n岗位职责：\n1．制定招聘计划；\n2．组织员工培训。\n"
        "任职资格：\n1．大专及以上学历；\n2．两年以上人事工作经验。"
    )
    assert (block.kind, block.name, block.reports_to, block.direct_reports) == (
        "position",
        "人力资源专员",
        "人力资源经理",
        [],
    )
    assert block.summary == "负责公司招聘、培训等人事工作。"
    assert [i.text for i in block.items] == ["制定招聘计划", "组织员工培训"]
    assert block.requirements == ["大专及以上学历", "两年以上人事工作经验"]


def test_english_job_description():
    block = _only(
        "Job Title: Sales Manager\nReports to: General Manager\n\nKey Responsibilities:\n"
        "- Develop the annual sales plan.\n- Lead the sales team.\n\nRequirements:\n"
        "- Bachelor's degree.\n- 5 years of sales experience."
    )
    assert (block.name, block.reports_to) == ("Sales Manager", "General Manager")
    assert [i.text for i in block.items] == ["Develop the annual sales plan", "Lead the sales team"]
    assert block.requirements == ["Bachelor's degree", "5 years of sales experience"]


def test_duties_without_numbers_after_a_heading_with_a_colon():
    block = _only(
        "采购员岗位职责：\n负责询价、比价、议价；负责采购合同的签订\n负责到货跟踪\n任职要求：大专以上学历"
    )
    assert [i.text for i in block.items] == [
        "负责询价、比价、议价",
        "负责采购合同的签订",
        "负责到货跟踪",
    ]
    assert block.requirements == ["大专以上学历"]


def test_an_introduction_before_a_numbered_list_is_not_a_duty():
    block = _only(
        "销售岗位职责和权限:销售人员负责与客户接触。\n他们的职责如下:\n-开展市场调研。\n-谈判并签订销售合同。"
    )
    assert [i.text for i in block.items] == ["开展市场调研", "谈判并签订销售合同"]


def test_kpis_listed_apart_from_the_duties_get_a_section_of_their_own():
    block = _only(
        "仓库管理员岗位职责\n1、负责仓库物资的收发;\n2、完成领导交办的其他工作。\n考核指标：\n"
        "1、账物相符率100%；\n2、盘点差错率低于0.5%。"
    )
    duties, kpis = block.sections
    assert [i.text for i in duties.items] == ["负责仓库物资的收发", "完成领导交办的其他工作"]
    assert kpis.title == "考核指标"
    assert [(k.metric, k.comparison, k.target) for i in kpis.items for k in i.kpis] == [
        ("账物相符率", "eq", 100),
        ("盘点差错率", "lt", 0.5),
    ]


def test_two_level_numbers_are_the_items_of_the_item_above():
    document = parse_text(
        "质量部部门职责\n1. 负责质量管理体系的建立和维护。\n   1.1 组织编写质量手册；\n"
        "   1.2 组织内部审核。\n2. 负责来料检验，在2.5个工作日内回复。"
    )
    (block,) = document.blocks
    assert [(s.title, [i.text for i in s.items]) for s in block.sections] == [
        ("负责质量管理体系的建立和维护", ["组织编写质量手册", "组织内部审核"]),
        ("", ["负责来料检验，在2.5个工作日内回复"]),
    ]


def test_department_overview_is_its_summary():
    block = _only(
        "采购部部门职责\n一、部门概述\n采购部负责物资采购。\n二、部门职能\n1、负责编制采购计划。"
    )
    assert block.summary == "采购部负责物资采购。"
    assert [i.text for i in block.items] == ["负责编制采购计划"]


def test_one_page_marker_left_in_a_pasted_part_of_a_page():
    # HR pastes only 售后服务部 from seed 001: one page marker, no run 1、 2、 3、.
    text = (
        "售后服务部部门职能:11. 负责售后服务单据的统计归档;12. 负责服务工具及设备的管理;"
        "13. 负责产品质量信息的汇总和反馈;14. 负责年度、季度、月度保外维修计划的制定及实施;15"
        "\n\n2、. 负责本部门车辆的管理与维护;16. 负责完成公司交办的其他工作。"
    )
    block = _only(text)
    assert [i.text for i in block.items][-2:] == [
        "负责本部门车辆的管理与维护",
        "负责完成公司交办的其他工作",
    ]
    assert any("2、" in w for w in parse_text(text).warnings)
