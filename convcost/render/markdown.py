"""Markdown (GitHub tables): the same rows as CSV, for papers, budgets and READMEs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from convcost.render import records
from convcost.report import LayerReport, NetworkReport

if TYPE_CHECKING:  # the model path must not pay for importing the sweep engine
    from convcost.sweep import FitReport, SweepReport


def table(rows: Sequence[dict[str, Any]]) -> str:
    header = list(rows[0])
    numeric = [isinstance(rows[0][key], (int, float)) for key in header]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row[key]) for key in header) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def _caption(conventions: dict[str, Any]) -> str:
    return "\n" + "; ".join(f"{k}: {v}" for k, v in conventions.items()) + "\n"


def render_LayerReport(report: LayerReport) -> str:
    conv = records.layer_report(report)["conventions"]
    return table(records.layer_rows(report)) + _caption(conv)


def render_NetworkReport(report: NetworkReport) -> str:
    rows = records.network_rows(report)
    total = report.total
    rows.append(
        {key: "" for key in rows[0]}
        | {"name": "total", "macs_share": 1.0}
        | records.cost(total, report.conventions.flops)
    )
    conv = records.conventions(report.conventions)
    return table(rows) + _caption(conv)


def _sweep_caption(report: SweepReport) -> str:
    head = {"model": report.model, "classes": report.classes}
    return _caption(head | records.conventions(report.conventions))


def render_SweepReport(report: SweepReport) -> str:
    return table(records.flat(records.sweep_rows(report))) + _sweep_caption(report)


def render_FitReport(report: FitReport) -> str:
    rows = records.flat(records.fit_rows(report))
    if not rows:
        return "\n".join(records.nothing_fits(report)) + "\n" + _sweep_caption(report.sweep)
    return table(rows) + _sweep_caption(report.sweep)
