"""The reader on document shapes it was not developed on (none of them is a seed).

Each document is a plausible HR shape: a position named on a line of its own
before its 直接上级 or 岗位职责, structural headings (一、部门职责 / 二、岗位职责),
form fields with and without 【】, positions as 一、 headings, several positions
in sequence, 职责与权限, and English job descriptions.
"""

from django.utils import translation

from reader import parse_text


def _read(text):
    with translation.override("en"):
        return parse_text(text)


def _shape(document):
    return [(b.kind, b.name, b.reports_to, len(b.items)) for b in document.blocks]


def _texts(block):
    return [item.text for item in block.items]


EXAMPLE = """\
行政人事部岗位职责说明书
第1页 共3页

一、部门职责
（一）人事管理
1、制定公司年度招聘计划并组织实施；
2、负责员工入职、转正、调动、离职手续的办理。
（二）行政管理
1、负责公司会议的组织、记录与决议跟进；
2、负责办公用品的采购与发放，每月5日前完成上月盘点。

二、岗位职责
人事专员
直接上级：行政人事部经理
岗位职责：
① 负责员工档案的建立与维护，档案完整率100%；
② 每月25日前完成考勤统计并报财务部；
③ 填写《员工入职登记表》《离职交接单》。
任职要求：
1. 大专以上学历，人力资源管理相关专业；
2. 两年以上人事工作经验。
"""


FORM = """\
岗位说明书
岗位名称：销售经理
所属部门：销售部
直接上级：销售总监
直接下级：销售代表、销售内勤
职位概述：
全面负责公司产品在华东区域的销售工作。
岗位职责：
1. 制定区域年度销售计划并分解落实；
2. 负责重点客户的开发与维护；
3. 每月5日前提交上月销售分析报告。
任职要求：
1. 本科以上学历，市场营销相关专业；
2. 三年以上销售管理经验。
"""


CN_HEADINGS = """\
销售部各岗位职责
一、销售经理
1、负责销售团队的日常管理；
2、制定并执行月度销售计划；
3、审核销售合同。
二、销售代表
1、开发新客户，维护老客户；
2、完成个人月度销售任务。
三、销售内勤
1、负责销售订单的录入与跟踪；
2、负责销售台账的登记与核对。
"""


SEQUENCE = """\
财务部岗位职责

财务经理
直接上级：总经理
岗位职责：
1. 主持财务部全面工作；
2. 组织编制年度财务预算；
3. 审核各项费用报销。
任职要求：
1. 财务相关专业本科以上学历；
2. 持有中级会计师证书。

会计
直接上级：财务经理
岗位职责：
1. 负责日常会计核算与凭证编制；
2. 每月10日前完成上月财务报表。
任职要求：
1. 会计相关专业大专以上学历。

出纳
直接上级：财务经理
岗位职责：
1. 负责现金收付与银行结算；
2. 登记现金日记账和银行存款日记账。
任职要求：
1. 具有出纳工作经验者优先。
"""


AUTHORITY = """\
采购主管职责与权限
直接上级：采购部经理
直接下级：采购员
一、职责
1. 组织供应商的开发与评审；
2. 编制月度采购计划；
3. 跟踪采购订单的交付进度。
二、权限
1. 对采购员的工作有指导和考核权；
2. 对不合格供应商有否决权。
"""


MIXED = """\
仓库主管
直接上级：物流部经理
职责与权限：
1. 负责仓库的日常管理；
2. 组织每月库存盘点，账实相符率不低于98%；
3. 对出入库单据有审核权；
4. 对违反仓库管理制度的人员有处罚权。
"""


ENGLISH = """\
Job Title: Sales Manager
Department: Sales Department
Reports to: Sales Director
Responsibilities:
1. Develop the annual sales plan for the region;
2. Manage key customer accounts;
3. Submit the monthly sales report by the 5th of each month.
Requirements:
1. Bachelor's degree in marketing or a related field;
2. Five years of sales experience.
"""


ENGLISH2 = """\
HR Officer
Reporting to: HR Manager
Direct reports: None
Job Summary:
Supports the HR Manager in recruitment and employee relations.
Key Responsibilities
- Coordinate interviews with hiring managers;
- Maintain employee records in the HR system;
- Prepare the monthly headcount report.
Qualifications
- Degree in human resources or a related field;
- Two years of HR experience.
"""


STRUCTURAL = """\
质量部部门职责与岗位说明
一、部门职责
1. 建立并维护公司质量管理体系；
2. 组织进料、过程和成品检验。
二、岗位职责
质量工程师
直接上级：质量部经理
1. 制定产品检验标准；
2. 分析客户投诉并推动改进。
三、任职要求
1. 理工科本科以上学历；
2. 熟悉ISO9001质量体系。
"""


BRACKETS = """\
【岗位名称】行政专员
【所属部门】行政部
【直接上级】行政主管
【岗位职责】
1. 负责公司来访客人的接待；
2. 负责办公用品的领用登记；
3. 负责公司固定资产的盘点。
【任职要求】
1. 大专以上学历；
2. 熟练使用办公软件。
"""


OVERVIEW = """\
技术部岗位说明书

研发工程师
职位概述：负责公司产品的软件研发工作。
直接上级：技术部经理
岗位职责：
1、根据需求文档完成模块设计与编码；
2、编写单元测试，代码测试覆盖率不低于80%；
3、参与代码评审。
任职资格：
1、计算机相关专业本科以上学历；
2、熟悉Python或Java。

测试工程师
职位概述：负责公司产品的测试工作。
直接上级：技术部经理
岗位职责：
1、编写测试用例并执行测试；
2、跟踪缺陷直至关闭。
"""


def test_department_then_a_position_under_structural_headings():
    document = _read(EXAMPLE)
    assert _shape(document) == [
        ("department", "行政人事部", None, 4),
        ("position", "人事专员", "行政人事部经理", 3),
    ]
    department, position = document.blocks
    assert [(s.title, len(s.items)) for s in department.sections] == [
        ("人事管理", 2),
        ("行政管理", 2),
    ]
    assert department.requirements == []
    assert position.requirements == ["大专以上学历，人力资源管理相关专业", "两年以上人事工作经验"]
    assert _texts(position)[0] == "负责员工档案的建立与维护，档案完整率100%"
    assert position.items[2].forms == ["员工入职登记表", "离职交接单"]
    assert "Dropped a page number: 第1页 共3页" in document.warnings
    # 一、部门职责 and 二、岗位职责 are headers, not sections or items.
    titles = [s.title for b in document.blocks for s in b.sections]
    assert not any("职责" in t for t in titles)


def test_form_fields_name_the_position_and_its_department():
    document = _read(FORM)
    assert _shape(document) == [("position", "销售经理", "销售总监", 3)]
    block = document.blocks[0]
    assert block.direct_reports == ["销售代表", "销售内勤"]
    assert block.summary == "全面负责公司产品在华东区域的销售工作。"
    assert block.requirements == ["本科以上学历，市场营销相关专业", "三年以上销售管理经验"]
    assert _texts(block)[2] == "每月5日前提交上月销售分析报告"
    assert any("销售部" in w for w in document.warnings)


def test_positions_as_chinese_numbered_headings():
    document = _read(CN_HEADINGS)
    assert _shape(document) == [
        ("position", "销售经理", None, 3),
        ("position", "销售代表", None, 2),
        ("position", "销售内勤", None, 2),
    ]
    assert _texts(document.blocks[1]) == ["开发新客户，维护老客户", "完成个人月度销售任务"]


def test_several_positions_in_sequence_each_with_duties_and_requirements():
    document = _read(SEQUENCE)
    assert _shape(document) == [
        ("position", "财务经理", "总经理", 3),
        ("position", "会计", "财务经理", 2),
        ("position", "出纳", "财务经理", 2),
    ]
    # The next position's title does not become a requirement of the one before.
    assert [b.requirements for b in document.blocks] == [
        ["财务相关专业本科以上学历", "持有中级会计师证书"],
        ["会计相关专业大专以上学历"],
        ["具有出纳工作经验者优先"],
    ]
    assert _texts(document.blocks[2])[1] == "登记现金日记账和银行存款日记账"


def test_duties_and_authorities_under_their_own_headings():
    document = _read(AUTHORITY)
    assert _shape(document) == [("position", "采购主管", "采购部经理", 5)]
    block = document.blocks[0]
    assert block.direct_reports == ["采购员"]
    assert [i.kind for i in block.items] == ["duty"] * 3 + ["authority"] * 2
    assert block.items[4].text == "对不合格供应商有否决权"


def test_a_position_title_line_then_duties_and_authorities_together():
    document = _read(MIXED)
    assert _shape(document) == [("position", "仓库主管", "物流部经理", 4)]
    block = document.blocks[0]
    assert [i.kind for i in block.items] == ["duty", "duty", "authority", "authority"]
    # A KPI inside a duty stays in its text.
    assert block.items[1].text == "组织每月库存盘点，账实相符率不低于98%"


def test_english_job_description_with_fields():
    document = _read(ENGLISH)
    assert _shape(document) == [("position", "Sales Manager", "Sales Director", 3)]
    block = document.blocks[0]
    assert block.items[0].text == "Develop the annual sales plan for the region"
    assert block.requirements == [
        "Bachelor's degree in marketing or a related field",
        "Five years of sales experience",
    ]


def test_english_title_line_then_reporting_line_and_bullets():
    document = _read(ENGLISH2)
    assert _shape(document) == [("position", "HR Officer", "HR Manager", 3)]
    block = document.blocks[0]
    assert block.direct_reports == []
    assert block.summary == "Supports the HR Manager in recruitment and employee relations."
    assert _texts(block)[1] == "Maintain employee records in the HR system"
    assert len(block.requirements) == 2


def test_structural_headings_with_requirements_after_the_position():
    document = _read(STRUCTURAL)
    assert _shape(document) == [
        ("department", "质量部", None, 2),
        ("position", "质量工程师", "质量部经理", 2),
    ]
    department, position = document.blocks
    assert department.requirements == []
    assert position.requirements == ["理工科本科以上学历", "熟悉ISO9001质量体系"]
    assert _texts(department)[1] == "组织进料、过程和成品检验"


def test_form_labels_in_brackets():
    document = _read(BRACKETS)
    assert _shape(document) == [("position", "行政专员", "行政主管", 3)]
    block = document.blocks[0]
    assert _texts(block)[2] == "负责公司固定资产的盘点"
    assert block.requirements == ["大专以上学历", "熟练使用办公软件"]


def test_positions_with_an_overview_before_their_reporting_line():
    document = _read(OVERVIEW)
    assert _shape(document) == [
        ("position", "研发工程师", "技术部经理", 3),
        ("position", "测试工程师", "技术部经理", 2),
    ]
    first, second = document.blocks
    assert first.summary == "负责公司产品的软件研发工作。"
    assert first.requirements == ["计算机相关专业本科以上学历", "熟悉Python或Java"]
    assert second.requirements == []
    assert _texts(first)[1] == "编写单元测试，代码测试覆盖率不低于80%"


def test_a_position_name_followed_by_a_sentence_is_not_a_title():
    document = _read("销售部部门职责：\n1. 负责客户接待；\n销售经理\n2. 负责合同管理。")
    assert [b.kind for b in document.blocks] == ["department"]


NUMBERED_TITLES = """\
1. 销售经理
直接上级：总经理
岗位职责：
（1）管理销售团队；
（2）制定销售计划。
2. 销售代表
直接上级：销售经理
岗位职责：
（1）拜访客户；
（2）跟进回款。
"""


def test_numbered_position_titles_before_their_reporting_lines():
    document = _read(NUMBERED_TITLES)
    assert _shape(document) == [
        ("position", "销售经理", "总经理", 2),
        ("position", "销售代表", "销售经理", 2),
    ]
    assert _texts(document.blocks[1]) == ["拜访客户", "跟进回款"]


def test_sub_items_after_a_heading_that_ended_the_item_above_do_not_fail():
    # Used to raise AttributeError: the (1) list was taken for children of item 1.
    document = _read("1. 负责客户接待：\n岗位职责：\n（1）接待来访；\n（2）登记来访。")
    assert [i.text for i in document.blocks[0].items][-2:] == ["接待来访", "登记来访"]


ENGLISH_WITH_KPIS = """\
Job Description

Position: Purchasing Officer
Department: Procurement
Reports to: Procurement Manager

Key Responsibilities
1. Identify and evaluate new suppliers.
2. Place purchase orders and follow up deliveries.
3. Keep the Purchase Request Form up to date.

Key Performance Indicators
- On-time delivery rate of at least 98%
- New suppliers: 5 or more per quarter

Requirements
- 2 years of purchasing experience
"""


def test_english_key_performance_indicators_are_a_section_of_kpis():
    document = _read(ENGLISH_WITH_KPIS)
    (block,) = document.blocks
    assert (block.kind, block.name, block.reports_to) == (
        "position",
        "Purchasing Officer",
        "Procurement Manager",
    )
    duties, kpis = block.sections
    assert [i.text for i in duties.items] == [
        "Identify and evaluate new suppliers",
        "Place purchase orders and follow up deliveries",
        "Keep the Purchase Request Form up to date",
    ]
    assert kpis.title == "Key Performance Indicators"
    structures = [(k.metric, k.comparison, k.target, k.period) for i in kpis.items for k in i.kpis]
    assert structures == [
        ("On-time delivery rate", "ge", 98, None),
        ("New suppliers", "ge", 5, "quarterly"),
    ]
    assert block.requirements == ["2 years of purchasing experience"]


UNIT_FUNCTIONS = """\
质量管理部职能
一、质量体系管理
1、负责建立、实施和维护公司质量管理体系；2、负责组织内部质量审核和管理评审；3、负责质量体系文件的编制与修订。
二、检验管理
1．负责进货检验、过程检验和成品检验；
2．负责不合格品的标识、隔离和评审，填写《不合格品处理单》；
                                                     第1页 共2页
三、质量改进
（1）负责组织质量分析会，每月一次；

质量管理部经理岗位职责
直接上级：总经理
1.全面负责本部门工作；
"""


def test_a_units_name_before_its_functions_heads_a_department():
    """“质量管理部职能” (not 部门职能): the department's own name, then its functions."""
    document = _read(UNIT_FUNCTIONS)
    assert _shape(document) == [
        ("department", "质量管理部", None, 6),
        ("position", "质量管理部经理", "总经理", 1),
    ]
    department = document.blocks[0]
    assert [s.title for s in department.sections] == ["质量体系管理", "检验管理", "质量改进"]
    assert department.sections[1].items[1].forms == ["不合格品处理单"]
