"""The column types of workbook/columns.py: what the importer reads, the exporter writes back."""

from decimal import Decimal

import pytest

from workbook.columns import (
    COMPARISON,
    DEADLINE,
    DUTY_KIND,
    FLAG,
    FORMS,
    PERIOD,
    SHEETS,
    TARGET,
    UNIT_KIND,
    examples,
)
from workbook.sheets import COLUMNS, FOLDED_COLUMNS


def test_every_example_row_fills_its_sheet():
    for name, rows in examples().items():
        assert rows, name
        assert all(len(row) == len(COLUMNS[name]) for row in rows), name


def test_the_sheets_tables_are_read_off_the_declarations():
    assert list(COLUMNS) == list(SHEETS)
    assert "end_date" not in FOLDED_COLUMNS["employees"]
    assert {"start_date", "primary", "position_code"} <= FOLDED_COLUMNS["employees"]
    assert "forms" not in FOLDED_COLUMNS["duties"]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("1", True), ("是", True), ("√", True), ("", False), ("否", False), ("maybe", None)],
)
def test_flags(cell, value):
    assert FLAG.parse(cell) is value


def test_choices_read_english_chinese_and_traditional_words():
    assert UNIT_KIND.parse("") == "department"
    assert UNIT_KIND.parse("分公司") == "branch"
    assert DUTY_KIND.parse("") == "duty"
    assert DUTY_KIND.parse("職權") == "authority"
    assert PERIOD.parse("") == ""
    assert PERIOD.parse("每週") == "weekly"
    assert PERIOD.parse("fortnightly") is None
    assert COMPARISON.parse("≥") == "ge"


@pytest.mark.parametrize("cell", ["12-20", "25", ""])
def test_a_deadline_written_back_reads_the_same(cell):
    parsed = DEADLINE.parse(cell) if cell else (None, None)
    assert DEADLINE.format(parsed) == cell


def test_a_target_and_a_comparison_written_back_read_the_same():
    number, unit = TARGET.parse("98.50%")
    assert (number, unit) == (Decimal("98.50"), "%")
    assert TARGET.format(number) == "98.5"
    assert TARGET.format(None) == ""
    assert COMPARISON.format(COMPARISON.parse(">=")) == ">="


def test_forms_cells_keep_what_was_typed_and_name_forms_without_brackets():
    items = FORMS.parse("《订单评审表》、F-2；\n")
    assert items == ["《订单评审表》", "F-2"]
    assert [FORMS.reference(i) for i in items] == ["订单评审表", "F-2"]
