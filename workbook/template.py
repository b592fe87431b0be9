"""The template workbook: headers, one example row per sheet, and notes on each column."""

from django.utils.translation import gettext as _

from workbook.exporter import write_xlsx
from workbook.sheets import COLUMNS, REQUIRED_COLUMNS

EXAMPLES = {
    "departments": [
        ["CO", "示例公司", "", "company", "Example Co.", "", 1],
        ["CO-SALES", "销售部", "CO", "department", "Sales Department;銷售部", "", 1],
    ],
    "functions": [["CO-SALES", "", "根据公司整体目标制定产品销售计划"]],
    "positions": [
        ["CO-GM", "总经理", "CO", "", 1, "1", "", ""],
        [
            "CO-SALES-MGR",
            "销售部经理",
            "CO-SALES",
            "CO-GM",
            1,
            "1",
            "负责销售部全面工作",
            "本科及以上学历",
        ],
    ],
    "dotted_lines": [["CO-SALES-MGR", "CO-GM", "业务指导"]],
    "duties": [
        [
            "CO-SALES-MGR",
            "duty",
            "",
            "根据年度目标制定销售计划",
            "收集市场信息\n编制计划\n报总经理审批",
            "F-PLAN",
            "1",
        ]
    ],
    "kpis": [
        ["CO-SALES-MGR", 1, "每年12月20日前制定年度销售计划", "", "", "", "", "yearly", "12-20"]
    ],
    "forms": [["F-PLAN", "年度销售计划表", "", "CO-SALES"]],
    "employees": [["E0001", "张伟", "", "CO-SALES-MGR", "1", "2024-01-02", ""]],
}


def notes() -> list[list[str]]:
    explain = {
        "code": _("Stable identifier; rows are matched by it, so importing again updates."),
        "parent_code": _("Code of the parent unit; empty for a company at the top."),
        "kind": _("company, branch, department, office or region (公司/分公司/部门/办事处/片区)."),
        "aliases": _("Other names, separated by ;"),
        "order": _("Place among units with the same parent (1 = first)."),
        "department_code": _("Code of a department in the departments sheet or already stored."),
        "section": _("Heading that groups items; numbering restarts in each. Leave empty if none."),
        "text": _("The item, without its number: numbers are derived from row order."),
        "reports_to_code": _("Code of the solid-line superior position (直接上级)."),
        "headcount": _("Planned headcount (编制), a whole number."),
        "is_head": _("1 if this position heads its department, else 0."),
        "to_position_code": _("The position that receives the dotted line."),
        "process_steps": _("One step per line, without numbers."),
        "forms": _("Form codes or names, separated by 、 ; or new lines."),
        "function": _("Number of the department function it carries out: 3, or 2.3 in sections."),
        "duty_number": _(
            "The duty's number within its position; empty for a KPI of the whole position."
        ),
        "comparison": _(">=, <=, =, < or >"),
        "period": _("daily, weekly, monthly, quarterly, half_yearly or yearly"),
        "deadline": _("12-20 for every year by 20 December; 25 for every month by the 25th."),
        "primary": _("1 for the employee's primary position."),
        "start_date": _("YYYY-MM-DD"),
        "end_date": _("YYYY-MM-DD, empty while the employee holds the position."),
    }
    rows = [[_("sheet"), _("column"), _("required"), _("meaning")]]
    for sheet, columns in COLUMNS.items():
        for column, aliases in columns.items():
            meaning = explain.get(column, "")
            if aliases:
                meaning = f"{meaning} ({'/'.join(aliases)})".strip()
            required = _("yes") if column in REQUIRED_COLUMNS[sheet] else ""
            rows.append([sheet, column, required, meaning])
    return rows


def template_xlsx() -> bytes:
    return write_xlsx(EXAMPLES, notes=notes())
