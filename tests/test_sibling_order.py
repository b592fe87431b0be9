"""Sibling order: the units under one parent are always numbered 1..n, after every
create, move, drag and drop, re-parenting and delete."""

import pytest
from django.urls import reverse

from departments.models import Department
from tests.trees import children_codes, fresh, tree_problems


def test_tree_helper_reports_a_broken_tree(tree):
    # The helper is what every tree test relies on: prove it catches breakage.
    Department.objects.filter(code="TEAM-2").update(order=7)
    Department.objects.filter(code="HR").update(lft=99)

    problems = tree_problems()

    assert any("order is [1, 7, 3]" in p for p in problems)
    assert any("lft/rght are not exactly" in p for p in problems)


def test_new_department_with_order_1_comes_first(tree):
    Department.objects.create(code="FIN", name="财务部", parent=tree["acme"], order=1)

    assert children_codes(tree["acme"]) == ["FIN", "SALES", "HR", "OPS"]
    assert tree_problems() == []


def test_new_department_without_order_comes_last(tree):
    Department.objects.create(code="FIN", name="财务部", parent=tree["acme"])

    assert children_codes(tree["acme"]) == ["SALES", "HR", "OPS", "FIN"]
    assert tree_problems() == []


MOVES = [
    # node, target, position, children of ACME after, children of SALES after
    ("TEAM-3", "TEAM-1", "left", ["SALES", "HR", "OPS"], ["TEAM-3", "TEAM-1", "TEAM-2"]),
    ("SALES", "OPS", "right", ["HR", "OPS", "SALES"], ["TEAM-1", "TEAM-2", "TEAM-3"]),
    ("TEAM-1", "HR", "right", ["SALES", "HR", "TEAM-1", "OPS"], ["TEAM-2", "TEAM-3"]),
    ("TEAM-2", "HR", "left", ["SALES", "TEAM-2", "HR", "OPS"], ["TEAM-1", "TEAM-3"]),
    ("TEAM-3", "ACME", "last-child", ["SALES", "HR", "OPS", "TEAM-3"], ["TEAM-1", "TEAM-2"]),
    ("HR", "TEAM-1", "left", ["SALES", "OPS"], ["HR", "TEAM-1", "TEAM-2", "TEAM-3"]),
    ("OPS", "SALES", "last-child", ["SALES", "HR"], ["TEAM-1", "TEAM-2", "TEAM-3", "OPS"]),
    ("OPS", "SALES", "first-child", ["SALES", "HR"], ["OPS", "TEAM-1", "TEAM-2", "TEAM-3"]),
]


@pytest.mark.parametrize("node, target, position, acme_children, sales_children", MOVES)
def test_move_node_lands_where_dropped_and_keeps_order_gapless(
    tree, node, target, position, acme_children, sales_children
):
    Department.objects.move_node(
        Department.objects.get(code=node), Department.objects.get(code=target), position
    )

    assert children_codes(tree["acme"]) == acme_children
    assert children_codes(tree["sales"]) == sales_children
    assert tree_problems() == []


def test_move_node_from_a_stale_instance_still_lands_right(tree):
    # An editor's page was loaded before someone else moved units around.
    stale_team1 = fresh(tree["team1"])
    Department.objects.move_node(fresh(tree["sales"]), fresh(tree["ops"]), "right")

    Department.objects.move_node(stale_team1, fresh(tree["team3"]), "left")

    assert children_codes(tree["acme"]) == ["HR", "OPS", "SALES"]
    assert tree_problems() == []
    assert children_codes(tree["sales"]) == ["TEAM-2", "TEAM-1", "TEAM-3"]
    assert tree_problems() == []


@pytest.mark.parametrize("position", ["left", "right"])
def test_move_node_beside_a_stale_target_takes_the_targets_current_parent(tree, position):
    # Editor A's drag started when TEAM-1 was under SALES; editor B moved it under HR.
    stale_team1 = fresh(tree["team1"])
    Department.objects.move_node(fresh(tree["team1"]), fresh(tree["hr"]), "last-child")

    Department.objects.move_node(fresh(tree["ops"]), stale_team1, position)

    assert fresh(tree["ops"]).parent == tree["hr"]
    assert tree_problems() == []


def test_admin_drag_and_drop_into_another_parent_lands_where_dropped(hr_client, tree):
    response = hr_client.post(
        reverse("admin:departments_department_changelist"),
        {
            "cmd": "move_node",
            "cut_item": tree["team1"].pk,
            "pasted_on": tree["hr"].pk,
            "position": "right",
        },
    )

    assert response.content == b"OK, moved."
    assert children_codes(tree["acme"]) == ["SALES", "HR", "TEAM-1", "OPS"]
    assert children_codes(tree["sales"]) == ["TEAM-2", "TEAM-3"]
    assert tree_problems() == []


@pytest.mark.parametrize(
    "node, parent, order, acme_children, sales_children",
    [
        ("TEAM-2", "ACME", 2, ["SALES", "TEAM-2", "HR", "OPS"], ["TEAM-1", "TEAM-3"]),
        ("TEAM-1", "ACME", 0, ["SALES", "HR", "OPS", "TEAM-1"], ["TEAM-2", "TEAM-3"]),
        ("HR", "SALES", 1, ["SALES", "OPS"], ["HR", "TEAM-1", "TEAM-2", "TEAM-3"]),
        ("OPS", "SALES", 99, ["SALES", "HR"], ["TEAM-1", "TEAM-2", "TEAM-3", "OPS"]),
    ],
)
def test_changing_parent_and_saving_keeps_sibling_order_gapless(
    tree, node, parent, order, acme_children, sales_children
):
    unit = Department.objects.get(code=node)
    unit.parent = Department.objects.get(code=parent)
    unit.order = order

    unit.save()

    assert children_codes(tree["acme"]) == acme_children
    assert children_codes(tree["sales"]) == sales_children
    assert tree_problems() == []


def test_making_a_department_a_root_keeps_roots_ordered(tree):
    team2 = fresh(tree["team2"])
    team2.parent = None
    team2.order = 1

    team2.save()

    assert children_codes(None) == ["TEAM-2", "ACME"]
    assert children_codes(tree["sales"]) == ["TEAM-1", "TEAM-3"]
    assert tree_problems() == []


def test_moving_a_department_up_among_its_siblings(tree):
    ops = fresh(tree["ops"])
    ops.order = 1

    ops.save()

    assert children_codes(tree["acme"]) == ["OPS", "SALES", "HR"]
    assert tree_problems() == []


def test_moving_a_department_down_among_its_siblings(tree):
    sales = fresh(tree["sales"])
    sales.order = 3  # HR typed "place 3" for 销售部

    sales.save()

    assert children_codes(tree["acme"]) == ["HR", "OPS", "SALES"]
    assert tree_problems() == []
