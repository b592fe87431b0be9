"""The Markdown table bench.import_workbook prints: medians over the runs, and the ratios."""

import statistics


def summarise(results, args):
    med = statistics.median
    lines = [
        "| figure | " + " | ".join(results) + " |",
        "| --- | " + " | ".join("---" for _ in results) + " |",
    ]

    def row(label, fn, fmt):
        cells = []
        for runs in results.values():
            try:
                values = [fn(r) for r in runs]
                cells.append(fmt.format(med(values)))
            except (KeyError, ZeroDivisionError):
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("first import: read the file (s)", lambda r: r["first"]["read_s"], "{:.2f}")
    row("first import: validate + write (s)", lambda r: r["first"]["import_s"], "{:.2f}")
    row("**first import, whole workbook (s)**", lambda r: r["first"]["total_s"], "**{:.2f}**")
    row("first import, child process wall time (s)", lambda r: r["first"]["wall_s"], "{:.2f}")
    row("first import, CPU of the importing process (s)", lambda r: r["first"]["cpu_s"], "{:.2f}")
    row(
        "first import, CPU of its PostgreSQL backend (s)",
        lambda r: r["first"]["server_cpu_s"],
        "{:.2f}",
    )
    row("first import, peak RSS (MB)", lambda r: r["first"]["peak_rss_mb"], "{:.0f}")
    row("first import: duty phase (s)", lambda r: r["first"]["phases"]["write_duties"], "{:.2f}")
    row("**second import, unchanged (s)**", lambda r: r["second"]["total_s"], "**{:.2f}**")
    row("second import, child process wall time (s)", lambda r: r["second"]["wall_s"], "{:.2f}")
    row("second import, CPU of the importing process (s)", lambda r: r["second"]["cpu_s"], "{:.2f}")
    row("second import, peak RSS (MB)", lambda r: r["second"]["peak_rss_mb"], "{:.0f}")
    row(
        f"our duty rows/s ({args.duties:,} duties / whole-workbook time)",
        lambda r: args.duties / r["first"]["total_s"],
        "{:,.0f}",
    )
    row(
        "our duty rows/s (duty phase only)",
        lambda r: args.duties / r["first"]["phases"]["write_duties"],
        "{:,.0f}",
    )
    row(
        f"ModelResource rows/s ({args.resource_rows} rows, import_data only)",
        lambda r: r["resource"]["rows"] / r["resource"]["import_s"],
        "{:,.0f}",
    )
    row(
        "ModelResource rows/s (tablib .xlsx load included)",
        lambda r: r["resource"]["rows"] / r["resource"]["total_s"],
        "{:,.0f}",
    )
    row(
        "ModelResource rows/s by CPU (client + server CPU of import_data)",
        lambda r: (
            r["resource"]["rows"]
            / (r["resource"]["import_cpu_s"] + r["resource"]["import_server_cpu_s"])
        ),
        "{:,.0f}",
    )
    row("ModelResource peak RSS (MB)", lambda r: r["resource"]["peak_rss_mb"], "{:.0f}")
    row(
        f"COPY rows/s ({args.duties:,} duty rows, copy_expert + commit)",
        lambda r: r["copy"]["rows"] / r["copy"]["copy_s"],
        "{:,.0f}",
    )
    row(
        "COPY rows/s (reading the file and building the TSV included)",
        lambda r: r["copy"]["rows"] / (r["copy"]["copy_s"] + r["copy"]["prepare_s"]),
        "{:,.0f}",
    )
    row(
        "COPY rows/s by CPU (client + server CPU of copy_expert + commit)",
        lambda r: r["copy"]["rows"] / (r["copy"]["copy_cpu_s"] + r["copy"]["copy_server_cpu_s"]),
        "{:,.0f}",
    )
    row(
        "our duty rows/s by CPU (duties / client + server CPU of the whole import)",
        lambda r: args.duties / (r["first"]["cpu_s"] + r["first"]["server_cpu_s"]),
        "{:,.0f}",
    )
    row(
        "COPY of every stored row, 12 tables (s, copy_expert + commit)",
        lambda r: r["copy_all"]["copy_s"],
        "{:.2f}",
    )
    row("COPY of every stored row: rows", lambda r: r["copy_all"]["rows"], "{:,}")
    row(
        "**ratio: whole-workbook import / COPY of every stored row**",
        lambda r: r["first"]["total_s"] / r["copy_all"]["copy_s"],
        "**{:.1f}×**",
    )
    row(
        "**ratio: unchanged re-import / first import**",
        lambda r: r["second"]["total_s"] / r["first"]["total_s"],
        "**{:.2f}**",
    )
    row(
        "ratio: ours / ModelResource (conservative)",
        lambda r: (
            (args.duties / r["first"]["total_s"])
            / (r["resource"]["rows"] / r["resource"]["import_s"])
        ),
        "{:.0f}×",
    )
    row(
        "ratio: duty-only COPY / ours (issue 4's, conservative)",
        lambda r: (r["copy"]["rows"] / r["copy"]["copy_s"]) / (args.duties / r["first"]["total_s"]),
        "{:.1f}×",
    )
    row(
        "ratio by CPU: ours / ModelResource",
        lambda r: (
            (args.duties / (r["first"]["cpu_s"] + r["first"]["server_cpu_s"]))
            / (
                r["resource"]["rows"]
                / (r["resource"]["import_cpu_s"] + r["resource"]["import_server_cpu_s"])
            )
        ),
        "{:.0f}×",
    )
    row(
        "ratio by CPU: COPY / ours",
        lambda r: (
            (r["copy"]["rows"] / (r["copy"]["copy_cpu_s"] + r["copy"]["copy_server_cpu_s"]))
            / (args.duties / (r["first"]["cpu_s"] + r["first"]["server_cpu_s"]))
        ),
        "{:.1f}×",
    )
    return "\n".join(lines)
