"""Item numbers (1. 2. 3.) and section numerals (一、二、) derived from order, never typed."""

import pytest

from core.numbering import chinese_numeral, number_items
from positions.models import Duty


@pytest.mark.parametrize(
    "n, numeral",
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (119, "一百一十九"),
        (230, "二百三十"),
    ],
)
def test_chinese_numeral(n, numeral):
    assert chinese_numeral(n) == numeral


def test_chinese_numerals_never_repeat_below_a_thousand():
    numerals = [chinese_numeral(n) for n in range(1, 1000)]

    assert len(set(numerals)) == 999


@pytest.mark.parametrize("n", [0, -3, 1000])
def test_numbers_outside_the_spelled_range_stay_digits(n):
    assert chinese_numeral(n) == str(n)


@pytest.fixture
def manager(org):
    """销售部经理 with duties in two sections, one of which comes back, and unsectioned ones.

    orders: 1 人力资源管理 / 2 行政管理 / 3 人力资源管理 / 4 (none) / 5 人力资源管理
    """
    position = org["sales_mgr"]
    position.duties.all().delete()
    rows = [
        ("人力资源管理", "制定招聘计划"),
        ("行政管理", "管理办公用品"),
        ("人力资源管理", "组织员工培训"),
        ("", "完成领导交办的其他工作"),
        ("人力资源管理", "办理入职离职手续"),
    ]
    for order, (section, text) in enumerate(rows, start=1):
        Duty.objects.create(position=position, section=section, text=text, order=order)
    return position


def numbered(position):
    """(section title, section number, item number, text) for every duty, in display order."""
    return [
        (section.title, section.number, item.number, item.text)
        for section in number_items(position.duties.all())
        for item in section.items
    ]


def db_numbers(position):
    """{text: number} as the database computes it (the admin's "No." column)."""
    return dict(Duty.objects.filter(position=position).with_numbers().values_list("text", "number"))


def test_sections_are_numbered_by_first_appearance_and_items_restart(manager):
    assert numbered(manager) == [
        ("人力资源管理", 1, 1, "制定招聘计划"),
        ("人力资源管理", 1, 2, "组织员工培训"),
        ("人力资源管理", 1, 3, "办理入职离职手续"),
        ("行政管理", 2, 1, "管理办公用品"),
        ("", None, 1, "完成领导交办的其他工作"),
    ]


def test_items_carry_their_numbers_and_the_unnamed_group_has_no_numeral(manager):
    sections = number_items(manager.duties.all())

    assert [s.numeral for s in sections] == ["一", "二", ""]
    first = sections[0].items[1]
    assert (first.text, first.section_number, first.number) == ("组织员工培训", 1, 2)


def test_section_titles_are_matched_without_surrounding_spaces(manager):
    Duty.objects.filter(text="组织员工培训").update(section=" 人力资源管理 ")

    assert [s.title for s in number_items(manager.duties.all())] == ["人力资源管理", "行政管理", ""]


def test_database_numbers_match_number_items(manager):
    expected = {text: number for _title, _section, number, text in numbered(manager)}

    assert db_numbers(manager) == expected


def test_moving_a_duty_renumbers_its_section(manager):
    # HR drags 制定招聘计划 below 办理入职离职手续.
    Duty.objects.filter(text="制定招聘计划").update(order=6)

    # 行政管理 (order 2) now comes before the first 人力资源管理 item (order 3).
    assert numbered(manager) == [
        ("行政管理", 1, 1, "管理办公用品"),
        ("人力资源管理", 2, 1, "组织员工培训"),
        ("人力资源管理", 2, 2, "办理入职离职手续"),
        ("人力资源管理", 2, 3, "制定招聘计划"),
        ("", None, 1, "完成领导交办的其他工作"),
    ]
    assert db_numbers(manager) == {
        "组织员工培训": 1,
        "办理入职离职手续": 2,
        "制定招聘计划": 3,
        "管理办公用品": 1,
        "完成领导交办的其他工作": 1,
    }


def test_moving_the_first_duty_of_a_section_reorders_the_sections(manager):
    # 管理办公用品 moves to the very top: 行政管理 becomes section 一.
    Duty.objects.filter(text="管理办公用品").update(order=0)

    assert [(s.title, s.number) for s in number_items(manager.duties.all())] == [
        ("行政管理", 1),
        ("人力资源管理", 2),
        ("", None),
    ]


def test_deleting_a_duty_closes_the_gap(manager):
    Duty.objects.get(text="组织员工培训").delete()

    assert [(n, text) for _t, _s, n, text in numbered(manager)][:2] == [
        (1, "制定招聘计划"),
        (2, "办理入职离职手续"),
    ]
    assert db_numbers(manager) == {
        "制定招聘计划": 1,
        "办理入职离职手续": 2,
        "管理办公用品": 1,
        "完成领导交办的其他工作": 1,
    }


def test_deleting_the_only_duty_of_a_section_renumbers_the_sections(manager):
    Duty.objects.get(text="管理办公用品").delete()

    assert [(s.title, s.number) for s in number_items(manager.duties.all())] == [
        ("人力资源管理", 1),
        ("", None),
    ]


def test_authorities_are_numbered_apart_from_duties(manager):
    Duty.objects.create(
        position=manager, kind=Duty.Kind.AUTHORITY, text="对部门人员请假有审批权", order=1
    )

    numbers = db_numbers(manager)

    assert numbers["对部门人员请假有审批权"] == 1
    assert numbers["完成领导交办的其他工作"] == 1
    authorities = number_items(manager.duties.filter(kind=Duty.Kind.AUTHORITY))
    assert [(s.number, [i.number for i in s.items]) for s in authorities] == [(None, [1])]


def test_numbers_are_per_position(org, manager):
    Duty.objects.create(position=org["sales_rep"], section="人力资源管理", text="参加培训", order=9)

    assert db_numbers(org["sales_rep"]) == {"参加培训": 1}
    assert numbered(org["sales_rep"]) == [("人力资源管理", 1, 1, "参加培训")]


def test_typed_step_numbers_are_not_shown_twice():
    """Steps show in a numbered list: "1. 寻源" is shown as 寻源, and stored as typed."""
    typed = "1. 寻源\n2、评估\n(3) 谈判\n（4）签约\n⑤ 归档\n3.5天内回复供应商\n\n"
    duty = Duty(text="负责供应商开发", process_steps=typed)
    assert duty.step_list == ["寻源", "评估", "谈判", "签约", "归档", "3.5天内回复供应商"]
    assert duty.process_steps == typed
