"""The reader on third-party duty documents of the kinds issue 14 describes.

Each example is written here for its kind (none is from a held-out set or a real
document): items numbered with no separator inside a run-together paragraph,
form cells run together with no separators, a page marker inside a list of
words, a department's functions with a roster of its posts, and English job
descriptions with the reporting line in prose, bullets alone on their lines
and hard-wrapped items. The reader never invents a number, and whatever it
drops is named in a warning.
"""

from django.utils import translation

from reader import parse_text


def _read(text):
    with translation.override("en"):
        return parse_text(text)


def _items(block):
    return [item.text for item in block.items]


def _warned(document, *words):
    return all(any(word in w for w in document.warnings) for word in words)


RUN_TOGETHER = """\
财务部经理岗位说明书
一、岗位名称:财务部经理
二、直接上级:总经理
三、工作概要:全面负责公司财务管理与会计核算工作
四、工作内容1根据企业发展战略,制定公司财务管理制度并组织实施;2根据年度经营目标,组织编制公司年度财务预算;3拟订资金筹措和使用方案,报总经理审批;4审核公司各项费用支出,检查《费用报销单》填写是否规范;5组织编制月度、年度财务报告
五、任职资格1本科以上学历,财务相关专业;2五年以上财务管理经验
"""

BARE_NUMBER_LINES = """\
仓库管理员岗位职责
直接上级:仓储主管
工作内容
1负责原材料和成品的收发存管理,填写《入库单》和《出库单》
2每月组织库存盘点,
确保账实相符
3负责仓库的安全与消防管理
"""

GLUED_CELLS = """\
岗位说明书
一、基本信息岗位名称财务部经理职位编码CY05001所属部门总经办所属职系管理系列
二、工作概要负责公司财务核算、资金管理与税务筹划,保障公司资金安全
三、职位关系直接上级总经理内部协调关系企业各部门直接下级会计主管、资金主管外部协调关系银行、税务、工商等部门
四、工作内容
1、组织制定公司财务管理制度;
2、审核财务报表,保证数据真实准确;
3、负责与银行、税务部门的沟通协调。
"""

PAGE_MARK_IN_A_LIST = """\
资金主管岗位职责
岗位名称:资金主管
直接上级:财务部经理
岗位职责:
1、负责公司银行账户的开立、变更与注销管理;
2、编制资金日报表和月度资金计划;
3、定期盘点与核算货币资金、

2、存货,提交盘点报告;
4、办理日常收付款业务,审核《付款申请单》。
"""

ROSTER_LINE = """\
行政部部门职责
一、部门职能
1、负责公司行政事务的统筹管理;
2、负责公司固定资产和办公用品的采购与管理,登记《固定资产台账》;
3、负责公司车辆调度和安全管理。
二、岗位设置
行政部经理1人、行政专员2人、前台接待1人、司机2人
"""

ROSTER_TABLE = """\
质量管理部职能
1.建立并维护公司质量管理体系;
2.组织内部质量审核和管理评审;
3.处理客户质量投诉,组织纠正措施。
部门岗位设置及编制
序号 岗位名称 编制
1 质量部经理 1
2 质量工程师 3
3 检验员 6
"""

ROSTER_NUMBERED = """\
人力资源部职责
一、部门职能
1、制定公司人力资源规划;
2、组织招聘、培训与绩效考核;
3、办理员工入职、离职及社会保险手续。
二、岗位设置
1、人力资源部经理(1人)
2、招聘专员(2人)
3、薪酬绩效专员(1人)
三、部门编制
本部门定编5人。
"""

LONE_BULLETS = """\
Operations Coordinator

Department: Office of the Chief of Staff
Location: Head Office

Purpose of the role
The Operations Coordinator will report to the Chief of Staff and keep the
office's projects, meetings and records running smoothly.

Key Responsibilities
•
Coordinate the weekly leadership meeting, prepare agendas and circulate
minutes within two working days.
•
Maintain the office's document register and filing system, including the
Travel Request Form and the Purchase Order log.
•
Track actions agreed by the leadership team and report progress every
month.

Requirements
•
Degree in business administration or a related field.
•
Three years' experience in an office coordination role.
"""

REPORTS_TO_FIELD_AND_PROSE = """\
JOB DESCRIPTION
Position: Finance Analyst
Reports to: Head of Finance

Overview
Reporting to the Director of Finance, the analyst prepares the monthly
management accounts.

Duties
- Prepare the monthly management accounts and variance
  analysis for each business unit.
- Reconcile the bank accounts weekly and investigate
  unmatched items.
- Support the annual budget process.
"""

PUBLIC_SECTOR_ADVERT = """\
Senior Policy Advisor
Reporting line: Director, Strategy and Policy
Grade: 7

About the role
You will lead the team's work on regional policy and report to
the Director of Strategy.

What you will do
●
Draft policy papers and ministerial briefings on regional growth,
working with analysts across the department.
●
Build relationships with local authorities and
represent the department at regional boards.
●
Manage two policy officers.

What we are looking for
●
Experience of developing policy in a public sector setting.
"""

ONE_LINE_FORM = """\
岗位名称行政专员所属部门行政部直接上级行政经理工作概要负责公司日常行政事务工作内容1负责办公用品采购与发放;2负责公司会议的组织安排;3负责来访客人的接待任职资格1大专以上学历;2两年以上行政工作经验考核指标1办公用品采购及时率100%;2会议安排差错次数为0
"""

TRADITIONAL_FORM = """\
採購專員職位說明書
崗位名稱採購專員職位編碼CG02003所屬部門採購部直接上級採購經理直接下級無
工作內容1負責供應商的開發與評估;2編製月度採購計劃,填寫《採購申請單》;3跟蹤訂單交期,處理到貨異常
"""

UK_STYLE = """\
JOB DESCRIPTION

Job title: Facilities Manager
Responsible to: Chief Operating Officer
Responsible for: Facilities Assistant, Cleaning Supervisor

Main purpose of the job
To make sure the buildings are safe, clean and fit for purpose.

Main duties and responsibilities
1. Plan and manage the planned preventive maintenance programme for all
   sites, keeping the asset register up to date.
2. Manage contractors, including tendering, induction and performance
   review.
3. Act as the first point of contact for health and safety incidents.
"""


def test_items_numbered_without_a_separator_in_one_paragraph():
    document = _read(RUN_TOGETHER)
    [block] = document.blocks
    assert (block.kind, block.name, block.reports_to) == ("position", "财务部经理", "总经理")
    assert _items(block) == [
        "根据企业发展战略,制定公司财务管理制度并组织实施",
        "根据年度经营目标,组织编制公司年度财务预算",
        "拟订资金筹措和使用方案,报总经理审批",
        "审核公司各项费用支出,检查《费用报销单》填写是否规范",
        "组织编制月度、年度财务报告",
    ]
    assert block.items[3].forms == ["费用报销单"]
    assert block.requirements == ["本科以上学历,财务相关专业", "五年以上财务管理经验"]


def test_lines_that_open_with_a_bare_number_and_wrap():
    [block] = _read(BARE_NUMBER_LINES).blocks
    assert (block.name, block.reports_to) == ("仓库管理员", "仓储主管")
    assert _items(block) == [
        "负责原材料和成品的收发存管理,填写《入库单》和《出库单》",
        "每月组织库存盘点,确保账实相符",
        "负责仓库的安全与消防管理",
    ]


def test_a_number_inside_a_sentence_is_not_an_item():
    document = _read("岗位职责:\n1、在3个工作日内完成报销审核;\n2、每月5日前提交报表。\n")
    assert _items(document.blocks[0]) == ["在3个工作日内完成报销审核", "每月5日前提交报表"]


def test_form_cells_run_together():
    document = _read(GLUED_CELLS)
    [block] = document.blocks
    assert (block.kind, block.name) == ("position", "财务部经理")
    assert block.reports_to == "总经理"
    assert block.direct_reports == ["会计主管", "资金主管"]
    assert block.summary == "负责公司财务核算、资金管理与税务筹划,保障公司资金安全"
    assert _items(block) == [
        "组织制定公司财务管理制度",
        "审核财务报表,保证数据真实准确",
        "负责与银行、税务部门的沟通协调",
    ]
    # The cells the reader has no place for are named, not lost.
    assert _warned(
        document, "CY05001", "管理系列", "企业各部门", "银行、税务、工商等部门", "总经办"
    )


def test_a_page_marker_inside_a_list_of_words():
    document = _read(PAGE_MARK_IN_A_LIST)
    [block] = document.blocks
    assert _items(block) == [
        "负责公司银行账户的开立、变更与注销管理",
        "编制资金日报表和月度资金计划",
        "定期盘点与核算货币资金、存货,提交盘点报告",
        "办理日常收付款业务,审核《付款申请单》",
    ]
    assert _warned(document, "2、")


def test_a_page_marker_inside_a_run_together_paragraph():
    text = "岗位职责1负责资金计划;2定期盘点与核算货币资金、\n\n2、存货,提交盘点报告;3办理收付款\n"
    assert _items(_read(text).blocks[0]) == [
        "负责资金计划",
        "定期盘点与核算货币资金、存货,提交盘点报告",
        "办理收付款",
    ]


def test_a_departments_functions_and_a_roster_of_its_posts():
    for text in (ROSTER_LINE, ROSTER_TABLE, ROSTER_NUMBERED):
        document = _read(text)
        [block] = document.blocks
        assert block.kind == "department"
        assert len(block.items) == 3, _items(block)
        assert not any("人" in t[-3:] or "员" in t[-2:] for t in _items(block)), _items(block)
    document = _read(ROSTER_NUMBERED)
    assert _warned(document, "招聘专员(2人)")
    assert _items(_read(ROSTER_TABLE).blocks[0])[-1] == "处理客户质量投诉,组织纠正措施"
    assert _warned(_read(ROSTER_TABLE), "质量工程师")


def test_english_bullets_alone_on_their_line_and_the_reporting_line_in_prose():
    document = _read(LONE_BULLETS)
    [block] = document.blocks
    assert (block.kind, block.name) == ("position", "Operations Coordinator")
    assert block.reports_to == "Chief of Staff"
    assert _items(block) == [
        "Coordinate the weekly leadership meeting, prepare agendas and circulate minutes "
        "within two working days",
        "Maintain the office's document register and filing system, including the Travel "
        "Request Form and the Purchase Order log",
        "Track actions agreed by the leadership team and report progress every month",
    ]
    assert block.requirements == [
        "Degree in business administration or a related field",
        "Three years' experience in an office coordination role",
    ]
    assert "keep the office's projects" in block.summary


def test_a_reports_to_field_wins_over_the_prose():
    [block] = _read(REPORTS_TO_FIELD_AND_PROSE).blocks
    assert (block.name, block.reports_to) == ("Finance Analyst", "Head of Finance")
    assert _items(block)[0] == (
        "Prepare the monthly management accounts and variance analysis for each business unit"
    )
    assert block.summary.startswith("Reporting to the Director of Finance, the analyst prepares")


def test_an_advert_with_plain_english_headings():
    document = _read(PUBLIC_SECTOR_ADVERT)
    [block] = document.blocks
    assert (block.name, block.reports_to) == (
        "Senior Policy Advisor",
        "Director, Strategy and Policy",
    )
    assert _items(block) == [
        "Draft policy papers and ministerial briefings on regional growth, working with "
        "analysts across the department",
        "Build relationships with local authorities and represent the department at regional "
        "boards",
        "Manage two policy officers",
    ]
    assert block.requirements == ["Experience of developing policy in a public sector setting"]
    assert _warned(document, "Grade: 7")


def test_reporting_in_prose_without_a_title_case_name():
    text = (
        "Payroll Officer\nPurpose of the role\nThis role reports directly to the finance "
        "director, who owns payroll.\nKey Responsibilities\n1. Run the monthly payroll.\n"
        "2. Answer staff questions about pay.\n"
    )
    [block] = _read(text).blocks
    assert (block.name, block.reports_to) == ("Payroll Officer", "finance director")
    assert len(block.items) == 2


def test_a_whole_form_in_one_line():
    document = _read(ONE_LINE_FORM)
    [block] = document.blocks
    assert (block.name, block.reports_to) == ("行政专员", "行政经理")
    assert block.summary == "负责公司日常行政事务"
    assert _items(block) == [
        "负责办公用品采购与发放",
        "负责公司会议的组织安排",
        "负责来访客人的接待",
        "办公用品采购及时率100%",
        "会议安排差错次数为0",
    ]
    assert block.requirements == ["大专以上学历", "两年以上行政工作经验"]
    assert [k.target for k in block.items[3].kpis] == [100]
    assert _warned(document, "行政部")


def test_glued_cells_in_traditional_characters():
    document = _read(TRADITIONAL_FORM)
    [block] = document.blocks
    assert (block.name, block.reports_to, block.direct_reports) == ("採購專員", "採購經理", [])
    assert _items(block)[1] == "編製月度採購計劃,填寫《採購申請單》"
    assert block.items[1].forms == ["採購申請單"]
    assert _warned(document, "CG02003", "採購部")


def test_responsible_to_and_for_and_a_two_word_duties_heading():
    [block] = _read(UK_STYLE).blocks
    assert (block.name, block.reports_to) == ("Facilities Manager", "Chief Operating Officer")
    assert block.direct_reports == ["Facilities Assistant", "Cleaning Supervisor"]
    assert block.summary == "To make sure the buildings are safe, clean and fit for purpose."
    assert _items(block) == [
        "Plan and manage the planned preventive maintenance programme for all sites, keeping "
        "the asset register up to date",
        "Manage contractors, including tendering, induction and performance review",
        "Act as the first point of contact for health and safety incidents",
    ]
