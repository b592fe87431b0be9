"""The reader on the five seed documents, against their reviewed structure (tests/seeds/expected).

For every seed: the blocks (kind and name) and the number of items in each,
the first, middle and last item of each block word for word, and every KPI
with its structure. bench/reader_accuracy.py measures the same files item by
item.
"""

import json
from functools import cache
from pathlib import Path

import pytest

from reader import read

# The seed texts are the demo's sources (fixtures/seeds); their reviewed structure is here.
SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
EXPECTED = Path(__file__).parent / "seeds" / "expected"
NAMES = sorted(p.stem for p in SEEDS.glob("*.txt"))

# Where the reader knowingly falls short of the reviewed reading: seed, block
# index, items fewer. Seed 000's last duty lost its number and stays inside
# item 13 (see that file's notes and test_seed_000_last_duty below).
SHORTFALL = {("000_db728122d0b4a835", 0): 1}


@cache
def _expected(name):
    return json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _read(name):
    return read((SEEDS / f"{name}.txt").read_bytes(), f"{name}.txt").as_dict()


def _items(block):
    return [item for section in block["sections"] for item in section["items"]]


def test_every_seed_has_an_expected_structure():
    assert len(NAMES) == 5
    for name in NAMES:
        assert _expected(name)["seed"] == f"{name}.txt"


@pytest.mark.parametrize("name", NAMES)
def test_blocks_and_their_item_counts(name):
    expected, got = _expected(name)["blocks"], _read(name)["blocks"]
    assert [(b["kind"], b["name"]) for b in got] == [(b["kind"], b["name"]) for b in expected]
    want = [len(_items(b)) - SHORTFALL.get((name, i), 0) for i, b in enumerate(expected)]
    assert [len(_items(b)) for b in got] == want


@pytest.mark.parametrize("name", NAMES)
def test_sample_items_word_for_word(name):
    for index, (want, have) in enumerate(
        zip(_expected(name)["blocks"], _read(name)["blocks"], strict=True)
    ):
        want_items, have_items = _items(want), _items(have)
        if SHORTFALL.get((name, index)):
            want_items = want_items[: len(have_items) - 1]
        if not want_items:
            assert have_items == []
            assert have["summary"] == want["summary"]
            continue
        for position in sorted({0, len(want_items) // 2, len(want_items) - 1}):
            assert have_items[position]["text"] == want_items[position]["text"]
            assert have_items[position]["kind"] == want_items[position]["kind"]
            assert have_items[position]["forms"] == want_items[position]["forms"]
            assert have_items[position]["process_steps"] == want_items[position]["process_steps"]


@pytest.mark.parametrize("name", NAMES)
def test_every_kpi_word_for_word_with_its_structure(name):
    def kpis(blocks):
        return [(i["text"], k) for b in blocks for i in _items(b) for k in i["kpis"]]

    assert kpis(_read(name)["blocks"]) == kpis(_expected(name)["blocks"])


def test_seed_reporting_lines_and_sections():
    blocks = {b["name"]: b for b in _read("001_711477e20c8f78cf")["blocks"]}
    assert blocks["销售部经理"]["reports_to"] == "总经理"
    assert blocks["销售部经理"]["direct_reports"] == [
        "销售内勤",
        "分公司经理(办事处主任)",
        "业务员",
    ]
    assert [s["title"] for s in blocks["综合管理部"]["sections"]] == [
        "人力资源管理",
        "行政管理",
        "总务后勤管理",
        "档案管理",
        "车辆管理",
    ]


def test_seed_002_shuffled_table_rows_are_put_back_in_order():
    blocks = [b for b in _read("002_776314a0ecb13582")["blocks"] if b["name"] == "业务总监"]
    (director,) = blocks
    numbered = [i["text"] for i in _items(director) if i["kind"] == "duty"]
    assert numbered[:4] == [
        "负责业务部行政管理工作",
        "负责业务部与其它部门的接口工作",
        "负责业务部市场开发策划及监督",
        "负责业务部月度总结报告",
    ]
    assert _items(director)[1] == {
        "text": "对业务部人员日常请假1天以内(含)有直接审批权",
        "kind": "authority",
        "process_steps": [],
        "forms": [],
        "kpis": [],
    }


@pytest.mark.xfail(strict=True, reason="the duty lost its number; the reader never invents one")
def test_seed_000_last_duty():
    items = _items(_read("000_db728122d0b4a835")["blocks"][0])
    assert items[-1]["text"] == "Complete the temporary work arranged by the superior leader"
