"""manage.py parse_duties and parse_kpi print the reader's JSON (issue 5, part 3)."""

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_parse_duties_prints_blocks_and_warnings():
    output = _run("parse_duties", str(SEEDS / "001_711477e20c8f78cf.txt"))
    data = json.loads(output)
    assert set(data) == {"blocks", "warnings"}
    assert data["blocks"][0]["name"] == "售后服务部"
    assert "售后服务部" in output  # Chinese printed as is, not \\u escapes
    item = data["blocks"][0]["sections"][0]["items"][0]
    assert item == {
        "text": "负责保障公司所有在保整机的三包服务",
        "kind": "duty",
        "process_steps": [],
        "forms": [],
        "kpis": [],
    }


def test_parse_duties_reads_standard_input(monkeypatch):
    stdin = io.TextIOWrapper(
        io.BytesIO("采购经理岗位职责:\n1、负责采购;\n2、负责验收".encode("gb18030"))
    )
    monkeypatch.setattr(sys, "stdin", stdin)
    data = json.loads(_run("parse_duties", "-"))
    assert [i["text"] for i in data["blocks"][0]["sections"][0]["items"]] == [
        "负责采购",
        "负责验收",
    ]


def test_parse_duties_refuses_bad_input_with_its_message(tmp_path):
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(CommandError, match=r"old Word document \(.doc\)"):
        _run("parse_duties", str(doc))
    with pytest.raises(CommandError, match="Cannot read"):
        _run("parse_duties", str(tmp_path / "missing.txt"))


def test_parse_kpi_prints_the_list_of_kpis():
    data = json.loads(_run("parse_kpi", "平均招聘达成时间为1个月，招聘达成率为90%以上"))
    assert data == [
        {
            "text": "平均招聘达成时间为1个月",
            "metric": "平均招聘达成时间",
            "comparison": "=",
            "target": 1,
            "unit": "月",
            "period": None,
            "deadline": None,
            "structured": True,
        },
        {
            "text": "招聘达成率为90%以上",
            "metric": "招聘达成率",
            "comparison": ">=",
            "target": 90,
            "unit": "%",
            "period": None,
            "deadline": None,
            "structured": True,
        },
    ]
