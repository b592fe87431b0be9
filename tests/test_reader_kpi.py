"""The KPI reader: verbatim sentences, structure where the words are plain, never a guess."""

from decimal import Decimal

import pytest

from reader import parse_kpi, parse_kpis
from reader.kpi import chinese_number


def _structure(kpi):
    deadline = (kpi.deadline.month, kpi.deadline.day) if kpi.deadline else None
    return (kpi.metric, kpi.comparison, kpi.target, kpi.unit, kpi.period, deadline)


# The examples table of issue 5, and the structure each sentence must give.
@pytest.mark.parametrize(
    ("sentence", "structure"),
    [
        ("招聘达成率为90%以上", ("招聘达成率", "ge", 90, "%", None, None)),
        ("费销率控制在10%以内", ("费销率", "le", 10, "%", None, None)),
        ("客户流失率低于10%", ("客户流失率", "lt", 10, "%", None, None)),
        (
            "每年12月20日前提交本年度人力资源分析报告",
            ("提交本年度人力资源分析报告", None, None, None, "yearly", (12, 20)),
        ),
        ("客户投诉在三个工作日内做出响应", ("客户投诉做出响应", "le", 3, "工作日", None, None)),
        ("每月新增供应商5家以上", ("新增供应商", "ge", 5, "家", "monthly", None)),
        ("成本费用较上期降低率超过1%", ("成本费用较上期降低率", "gt", 1, "%", None, None)),
    ],
)
def test_examples_of_the_issue(sentence, structure):
    (kpi,) = parse_kpis(sentence)
    assert kpi.text == sentence
    assert kpi.structured is True
    assert _structure(kpi) == structure


@pytest.mark.parametrize(
    ("sentence", "comparison", "target", "unit"),
    [
        ("每月销售目标产值需完成90%(含)以上", "ge", 90, "%"),
        ("客户满意程度需满足80分(含)以上", "ge", 80, "分"),
        ("员工月度培训课时数不少于20课时", "ge", 20, "课时"),
        ("故障中断时间持续不超过4小时", "le", 4, "小时"),
        ("年度技术创新项目提出数大于5项", "gt", 5, "项"),
        ("财务信息保密率100%", "eq", 100, "%"),
        ("平均招聘达成时间为1个月", "eq", 1, "月"),
        ("整体工作饱和度达到50%", "ge", 50, "%"),
        ("采购成本较上年同期降低1%", "ge", 1, "%"),
        ("采购需求发出后20天内完成采购", "le", 20, "天"),
        ("每月至少完成一项技术工艺改进项目", "ge", 1, "项"),
        ("达标率不低于百分之九十五", "ge", 95, "%"),
        ("出错率在2%(不含)以上", "gt", 2, "%"),
        ("合格率为99.5%", "eq", Decimal("99.5"), "%"),
    ],
)
def test_comparisons_targets_and_units(sentence, comparison, target, unit):
    (kpi,) = parse_kpis(sentence)
    assert (kpi.comparison, kpi.target, kpi.unit) == (comparison, target, unit)


@pytest.mark.parametrize(
    ("sentence", "period", "deadline"),
    [
        ("每月25日前提交当月度财务分析报告", "monthly", (None, 25)),
        ("每年三月提交外部市场薪酬调查报告", "yearly", (3, None)),
        ("每季度客户拜访不少于30次", "quarterly", None),
        ("每周召开部门例会1次", "weekly", None),
        ("每日拜访客户不少于5家", "daily", None),
        ("全年无事故天数达到360天", "yearly", None),
    ],
)
def test_periods_and_deadlines(sentence, period, deadline):
    (kpi,) = parse_kpis(sentence)
    assert kpi.period == period
    assert ((kpi.deadline.month, kpi.deadline.day) if kpi.deadline else None) == deadline


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("一百零五", 105),
        ("两", 2),
    ],
)
def test_chinese_numerals(text, number):
    assert chinese_number(text) == number


def test_a_sentence_with_several_targets_gives_several_kpis():
    kpis = parse_kpis(
        "员工薪酬满意度在70分以上，员工流失率低于10%，每年三月提交外部市场薪酬调查报告"
    )
    assert [k.text for k in kpis] == [
        "员工薪酬满意度在70分以上",
        "员工流失率低于10%",
        "每年三月提交外部市场薪酬调查报告",
    ]
    assert [(k.comparison, k.target) for k in kpis] == [("ge", 70), ("lt", 10), (None, None)]
    assert kpis[2].deadline.month == 3


def test_lines_and_semicolons_separate_kpis_too():
    kpis = parse_kpis("新客户开发量达到20%以上；\n客户流失率低于10%；\n销售额较上年度同期提升10%")
    assert [(k.metric, k.comparison, k.target) for k in kpis] == [
        ("新客户开发量", "ge", 20),
        ("客户流失率", "lt", 10),
        ("销售额较上年度同期提升", "ge", 10),
    ]


def test_a_period_opening_a_sentence_carries_to_a_bare_following_clause():
    kpis = parse_kpis("年度技术创新项目提出数大于5项，实施数大于2项")
    assert [k.period for k in kpis] == ["yearly", "yearly"]
    kpis = parse_kpis("每月20号前制定下月度生产计划，22日召开生产计划会议")
    assert [(k.period, k.deadline.day) for k in kpis] == [("monthly", 20), ("monthly", 22)]
    # A clause with a subject of its own does not inherit.
    kpis = parse_kpis("每月技术指导时数不少于30小时，人员平均网络技术测评得分高于80分")
    assert [k.period for k in kpis] == ["monthly", None]


@pytest.mark.parametrize(
    "sentence",
    [
        "对外公布文件无差错",
        "全年无重大安全事故发生",
        "纳税额符合行业通用标准",
        "客户满意度评分在80分偿还",  # an OCR slip where 以上 was: no comparison to read
        "每半年修订一次公司大事记",  # a period the structure cannot say
        "每次培训3-5天",  # a range is not one target
        "每周五前提交周报",  # a weekday is not a month-day deadline
        "十分重要",
        "",
    ],
)
def test_unreadable_sentences_are_kept_verbatim_and_flagged(sentence):
    kpis = parse_kpis(sentence)
    for kpi in kpis:
        assert kpi.text == sentence.strip()
        assert kpi.structured is False
        assert _structure(kpi) == (None, None, None, None, None, None)


def test_json_shape_of_a_kpi():
    (data,) = parse_kpi("每年12月20日前提交本年度人力资源分析报告")
    assert data == {
        "text": "每年12月20日前提交本年度人力资源分析报告",
        "metric": "提交本年度人力资源分析报告",
        "comparison": None,
        "target": None,
        "unit": None,
        "period": "annual",
        "deadline": {"month": 12, "day": 20},
        "structured": True,
    }
    (data,) = parse_kpi("合格率为99.5%")
    assert data["target"] == 99.5 and isinstance(parse_kpi("招聘达成率为90%以上")[0]["target"], int)


# English KPI sentences, as an English job description writes them.
@pytest.mark.parametrize(
    ("sentence", "structure"),
    [
        ("Customer satisfaction above 90%", ("Customer satisfaction", "gt", 90, "%", None, None)),
        ("Staff turnover below 5% annually", ("Staff turnover", "lt", 5, "%", "yearly", None)),
        (
            "On-time delivery rate of at least 98%",
            ("On-time delivery rate", "ge", 98, "%", None, None),
        ),
        ("Defect rate no more than 2%", ("Defect rate", "le", 2, "%", None, None)),
        ("Sales growth 10% or more", ("Sales growth", "ge", 10, "%", None, None)),
        (
            "New suppliers: 5 or more per quarter",
            ("New suppliers", "ge", 5, None, "quarterly", None),
        ),
        (
            "Complaints answered within 3 working days",
            ("Complaints answered", "le", 3, "working days", None, None),
        ),
        (
            "Annual report submitted by December 20",
            ("Annual report submitted", None, None, None, "yearly", (12, 20)),
        ),
        (
            "Submit the monthly report by the 5th of each month",
            ("Submit the monthly report", None, None, None, "monthly", (None, 5)),
        ),
    ],
)
def test_english_sentences(sentence, structure):
    (kpi,) = parse_kpis(sentence)
    assert kpi.text == sentence
    assert kpi.structured is True
    assert _structure(kpi) == structure


@pytest.mark.parametrize("sentence", ["Report on December 20", "Staff turnover 5-8%"])
def test_english_dates_and_ranges_are_not_targets(sentence):
    (kpi,) = parse_kpis(sentence)
    assert kpi.structured is False
    assert kpi.text == sentence


def test_over_inside_a_word_is_not_a_comparison():
    (kpi,) = parse_kpis("Staff turnover 5%")
    assert (kpi.metric, kpi.comparison, kpi.target) == ("Staff turnover", "eq", 5)
