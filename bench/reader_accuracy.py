"""Accuracy of the document reader on the seed documents (issue 5, part 6).

For every ``fixtures/seeds/<seed>.txt`` with a reviewed ``tests/seeds/expected/<seed>.json``:

* items: precision and recall of item texts, exact match (a multiset: an item
  read twice counts twice);
* blocks: how many expected (kind, name) blocks were read;
* KPIs: of the expected KPI sentences (found by their item and their text),
  how many were read with the same structure: structured, comparison,
  target, unit, period and deadline. Metric wording is reported apart.

    .venv/bin/python -m bench.reader_accuracy            # table
    .venv/bin/python -m bench.reader_accuracy --markdown # rows for bench/RESULTS.md
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


def measure(seed: Path) -> dict:
    expected = json.loads((EXPECTED / f"{seed.stem}.json").read_text(encoding="utf-8"))
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
        "seconds": seconds,
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown table rows")
    args = parser.parse_args()
    rows = [measure(seed) for seed in sorted(SEEDS.glob("*.txt"))]
    total = {key: sum(r[key] for r in rows) for key in rows[0] if key != "seed"}
    total["seed"] = "all seeds"
    header = (
        "| seed | items expected | items read | exact | precision | recall "
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
    if not args.markdown:
        recall = total["matched_items"] / total["expected_items"]
        kpis = total["kpis_right"] / total["kpis"] if total["kpis"] else 1.0
        print(f"\nrecall {recall:.1%} (target 98%), KPI structure {kpis:.1%} (target 90%)")


if __name__ == "__main__":
    main()
