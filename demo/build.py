"""Build the demo organisation's workbook from the seed documents with the document reader.

``fixtures/demo/mapping.json`` says what the documents cannot: codes, companies,
the tree, headcounts, holders. Everything else (functions, duties with their
sections, process steps, forms and KPIs, reporting lines) comes from reading
``fixtures/seeds`` exactly as HR would import them.
"""

import csv
import json
from pathlib import Path

from django.conf import settings

from intake.rows import kpi_values
from reader import read
from workbook.sheets import COLUMNS

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"
SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


KPI_VALUES = ["text", "metric", "comparison", "target", "unit", "period", "deadline"]


class MappingError(Exception):
    pass


def _pick(blocks, name, occurrence, after):
    matches = [i for i, b in enumerate(blocks) if b.name == name]
    # "last": a document that repeats a title (seed 002) is read for its final version.
    matches = matches[-1:] if occurrence == "last" else [i for i in matches if i > after][:1]
    if not matches:
        raise MappingError(f"no block named {name!r} where the mapping expects it")
    return matches[0]


def build(mapping: dict, seeds: Path = SEEDS) -> dict[str, list[list]]:
    """The demo workbook as rows per sheet (without headers)."""
    sheets: dict[str, list[list]] = {name: [] for name in COLUMNS}
    sheets["departments"] = [list(d) for d in mapping["departments"]]
    sheets["positions"] = [list(p) for p in mapping["positions"]]
    forms: dict[str, list] = {}
    title_of = {row[0]: row[1] for row in sheets["positions"]}

    def fix(text: str) -> str:
        for wrong, right in mapping.get("corrections", []):
            text = text.replace(wrong, right)
        return text

    def form_code(name: str, department: str) -> str:
        if name not in forms:
            forms[name] = [f"F-{len(forms) + 1:03d}", name, "", department]
        return forms[name][0]

    headcounts = mapping.get("direct_report_headcounts", {})
    for filename, entries in mapping["seeds"].items():
        blocks = read((seeds / filename).read_bytes(), filename).blocks
        last = -1
        for entry in entries:
            index = _pick(blocks, entry["name"], entry.get("occurrence"), last)
            last = max(last, index)
            block = blocks[index]
            items = [
                (section.title or "", item) for section in block.sections for item in section.items
            ]
            if "position" not in entry:
                for title, item in items:
                    sheets["functions"].append([entry["department"], title, fix(item.text)])
                continue
            code, department = entry["position"], entry["department"]
            reports_to = entry.get("reports_to", "")
            if block.reports_to and title_of.get(reports_to) != block.reports_to:
                raise MappingError(
                    f"{filename}: {block.name} reports to {block.reports_to!r} in the "
                    f"document; map it to that position's code, not {reports_to!r}"
                )
            title_of[code] = block.name
            sheets["positions"].append(
                [
                    code,
                    block.name,
                    department,
                    reports_to,
                    entry.get("headcount", 1),
                    int(entry.get("is_head", False)),
                    entry.get("summary") or block.summary or "",
                    "\n".join(block.requirements),
                ]
            )
            for number, subordinate in enumerate(block.direct_reports, 1):
                sheets["positions"].append(
                    [
                        f"{department}-{number:02d}",
                        subordinate,
                        department,
                        code,
                        headcounts.get(subordinate, 1),
                        0,
                        "",
                        "",
                    ]
                )
            seen, number = set(), 0
            for title, item in items:
                text = fix(item.text)
                # A scrambled table may repeat a row word for word: keep it once.
                if (item.kind, text) in seen:
                    continue
                seen.add((item.kind, text))
                sheets["duties"].append(
                    [
                        code,
                        item.kind,
                        title,
                        text,
                        "\n".join(fix(s) for s in item.process_steps),
                        ";".join(form_code(f, department) for f in item.forms),
                        "",
                    ]
                )
                if item.kind != "duty":
                    continue
                number += 1
                for kpi in item.kpis:
                    values = kpi_values(kpi)
                    sheets["kpis"].append([code, number, *(values[c] for c in KPI_VALUES)])
    sheets["forms"] = list(forms.values())
    sheets["dotted_lines"] = [list(d) for d in mapping.get("dotted_lines", [])]
    sheets["employees"] = [
        [number, name, username, position, 1, "2024-01-02", ""]
        for number, name, username, position in mapping.get("employees", [])
    ]
    return sheets


def write(sheets: dict[str, list[list]], folder: Path = DEMO) -> None:
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(list(COLUMNS[name]))
            writer.writerows(rows)


def load_mapping(folder: Path = DEMO) -> dict:
    return json.loads((folder / "mapping.json").read_text(encoding="utf-8"))
