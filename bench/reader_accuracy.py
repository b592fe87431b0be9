"""Accuracy of the document reader on the seed documents (issue 5, part 6) or the held-out set.

For every ``fixtures/seeds/<seed>.txt`` with a reviewed ``tests/seeds/expected/<seed>.json``
(``--set heldout``: every ``fixtures/heldout/<name>.txt`` or ``.docx`` with its
``tests/heldout/expected/<name>.json``, issue 14):

* items: precision and recall of item texts, exact match (a multiset: an item
  read twice counts twice);
* blocks: how many expected (kind, name) blocks were read;
* KPIs: of the expected KPI sentences (found by their item and their text),
  how many were read with the same structure: structured, comparison,
  target, unit, period and deadline. Metric wording is reported apart;
* reporting lines (a second table, always for the held-out set, with ``--links``
  for the seeds): of the expected blocks with a ``reports_to``, how many were
  read as a block of the same kind and name with the same ``reports_to``;
* forms: precision and recall of (item text, form) pairs, so a form counts only
  on the item it belongs to.

Issue 14 counts "items, reporting lines and forms" together; the second table
ends with that sum.

    .venv/bin/python -m bench.reader_accuracy                # table
    .venv/bin/python -m bench.reader_accuracy --markdown     # rows for bench/RESULTS.md
    .venv/bin/python -m bench.reader_accuracy --set heldout  # issue 14's held-out set, once

The held-out set (fixtures/heldout/README.md) is measured once, at the end of
issue 14: nobody changes the reader after looking at its figures.
"""

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bench import ROOT, setup_django

setup_django()

from reader import read  # noqa: E402

SEEDS = ROOT / "fixtures" / "seeds"
EXPECTED = ROOT / "tests" / "seeds" / "expected"
# name -> (documents, their expected structures, the documents' suffixes, the row label)
SETS = {
    "seeds": (SEEDS, EXPECTED, (".txt",), "seed"),
    "heldout": (
        ROOT / "fixtures" / "heldout",
        ROOT / "tests" / "heldout" / "expected",
        (".txt", ".docx"),
        "document",
    ),
}
STRUCTURE = ("structured", "comparison", "target", "unit", "period", "deadline")


def _items(blocks):
    for block in blocks:
        for section in block["sections"]:
            yield from section["items"]


def _kpis(blocks):
    """(item text, kpi text) -> list of KPI dicts, in order."""
    found: dict[tuple[str, str], list[dict]] = {}
    for item in _items(blocks):
        for kpi in item["kpis"]:
            found.setdefault((item["text"], kpi["text"]), []).append(kpi)
    return found


def _lines(blocks) -> Counter:
    """The reporting lines: (kind, name, reports_to) of every block that has one."""
    return Counter((b["kind"], b["name"], b["reports_to"]) for b in blocks if b["reports_to"])


def _forms(blocks) -> Counter:
    """(item text, form) pairs: a form is right only on its own item."""
    return Counter((item["text"], form) for item in _items(blocks) for form in item["forms"])


def documents(name: str) -> list[Path]:
    """The set's documents; every one must have its expected structure."""
    folder, expected, suffixes, _ = SETS[name]
    found = sorted(p for p in folder.iterdir() if p.suffix in suffixes)
    missing = [p.name for p in found if not (expected / f"{p.stem}.json").exists()]
    if missing:
        raise SystemExit(f"no expected structure in {expected} for: {', '.join(missing)}")
    return found


def measure(seed: Path, expected_dir: Path = EXPECTED) -> dict:
    expected = json.loads((expected_dir / f"{seed.stem}.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    got = read(seed.read_bytes(), seed.name).as_dict()
    seconds = time.perf_counter() - started

    want_items = Counter(i["text"] for i in _items(expected["blocks"]))
    got_items = Counter(i["text"] for i in _items(got["blocks"]))
    matched = sum((want_items & got_items).values())

    want_blocks = Counter((b["kind"], b["name"]) for b in expected["blocks"])
    got_blocks = Counter((b["kind"], b["name"]) for b in got["blocks"])

    want_kpis, got_kpis = _kpis(expected["blocks"]), _kpis(got["blocks"])
    kpi_total = kpi_right = metric_right = 0
    for key, wanted in want_kpis.items():
        read_as = got_kpis.get(key, [])
        for index, want in enumerate(wanted):
            kpi_total += 1
            have = read_as[index] if index < len(read_as) else None
            if have and all(have[f] == want[f] for f in STRUCTURE):
                kpi_right += 1
            if have and have["metric"] == want["metric"]:
                metric_right += 1
    want_lines, got_lines = _lines(expected["blocks"]), _lines(got["blocks"])
    want_forms, got_forms = _forms(expected["blocks"]), _forms(got["blocks"])
    return {
        "seed": seed.name,
        "expected_items": sum(want_items.values()),
        "read_items": sum(got_items.values()),
        "matched_items": matched,
        "expected_blocks": sum(want_blocks.values()),
        "read_blocks": sum(got_blocks.values()),
        "matched_blocks": sum((want_blocks & got_blocks).values()),
        "kpis": kpi_total,
        "kpis_right": kpi_right,
        "metrics_right": metric_right,
        "structured": sum(1 for ks in want_kpis.values() for k in ks if k["structured"]),
        "expected_lines": sum(want_lines.values()),
        "read_lines": sum(got_lines.values()),
        "matched_lines": sum((want_lines & got_lines).values()),
        "expected_forms": sum(want_forms.values()),
        "read_forms": sum(got_forms.values()),
        "matched_forms": sum((want_forms & got_forms).values()),
        "seconds": seconds,
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _links_table(rows: list[dict], label: str) -> None:
    """Reporting lines and forms, then issue 14's sum of items, lines and forms."""
    print(
        f"\n| {label} | reporting lines expected | read | right | precision | recall "
        "| forms expected | read | right | precision | recall |"
    )
    print("|" + " --- |" * 11)
    for r in rows:
        print(
            f"| {r['seed']} | {r['expected_lines']} | {r['read_lines']} | {r['matched_lines']} "
            f"| {_pct(r['matched_lines'], r['read_lines'])} "
            f"| {_pct(r['matched_lines'], r['expected_lines'])} "
            f"| {r['expected_forms']} | {r['read_forms']} | {r['matched_forms']} "
            f"| {_pct(r['matched_forms'], r['read_forms'])} "
            f"| {_pct(r['matched_forms'], r['expected_forms'])} |"
        )


def _sum_line(total: dict) -> str:
    expected = sum(total[f"expected_{k}"] for k in ("items", "lines", "forms"))
    read = sum(total[f"read_{k}"] for k in ("items", "lines", "forms"))
    right = sum(total[f"matched_{k}"] for k in ("items", "lines", "forms"))
    return (
        f"items, reporting lines and forms: {right} of {expected} expected "
        f"(recall {_pct(right, expected)}), {right} of {read} read "
        f"(precision {_pct(right, read)})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown table rows")
    parser.add_argument(
        "--set",
        choices=sorted(SETS),
        default="seeds",
        help="the seeds (default) or issue 14's held-out set (measured once, at the end)",
    )
    parser.add_argument(
        "--links",
        action="store_true",
        help="also the reporting lines and forms table (always shown for the held-out set)",
    )
    args = parser.parse_args()
    _, expected_dir, _, label = SETS[args.set]
    rows = [measure(doc, expected_dir) for doc in documents(args.set)]
    total = {key: sum(r[key] for r in rows) for key in rows[0] if key != "seed"}
    total["seed"] = "all seeds" if args.set == "seeds" else "all documents"
    header = (
        f"| {label} | items expected | items read | exact | precision | recall "
        "| blocks matched | KPI sentences | structure right | metric words right | ms |"
    )
    print(header)
    print("|" + " --- |" * 11)
    for r in [*rows, total]:
        print(
            f"| {r['seed']} | {r['expected_items']} | {r['read_items']} | {r['matched_items']} "
            f"| {_pct(r['matched_items'], r['read_items'])} "
            f"| {_pct(r['matched_items'], r['expected_items'])} "
            f"| {r['matched_blocks']}/{r['expected_blocks']} (read {r['read_blocks']}) "
            f"| {r['kpis']} ({r['structured']} structured) "
            f"| {r['kpis_right']} ({_pct(r['kpis_right'], r['kpis'])}) "
            f"| {r['metrics_right']} ({_pct(r['metrics_right'], r['kpis'])}) "
            f"| {1000 * r['seconds']:.0f} |"
        )
    links = args.links or args.set == "heldout"
    if links:
        _links_table([*rows, total], label)
    if not args.markdown:
        recall = total["matched_items"] / total["expected_items"]
        kpis = total["kpis_right"] / total["kpis"] if total["kpis"] else 1.0
        target = "98%" if args.set == "seeds" else "90% of items exact"
        print(f"\nrecall {recall:.1%} (target {target}), KPI structure {kpis:.1%} (target 90%)")
        if links:
            print(_sum_line(total))
    elif links:
        print(f"\n{_sum_line(total)}")


if __name__ == "__main__":
    main()
