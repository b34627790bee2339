"""CSV: one row per (layer, variant) or per network layer, exact integers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from convcost.render import records
from convcost.report import LayerReport, NetworkReport

if TYPE_CHECKING:  # report types of optional engines, imported only when asked for
    from convcost.measure import MeasureReport
    from convcost.memory import LayerMemoryReport, NetworkMemoryReport
    from convcost.sweep import FitReport, SweepReport


def table(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def render_LayerReport(report: LayerReport) -> str:
    return table(records.layer_rows(report))


def render_NetworkReport(report: NetworkReport) -> str:
    return table(records.network_rows(report))


def render_LayerMemoryReport(report: LayerMemoryReport) -> str:
    from convcost.render import memory_records

    return table(memory_records.layer_memory_rows(report))


def render_NetworkMemoryReport(report: NetworkMemoryReport) -> str:
    from convcost.render import memory_records

    return table(memory_records.network_memory_rows(report))


def render_MeasureReport(report: MeasureReport) -> str:
    from convcost.render import memory_records

    return table(memory_records.measure_rows(report))


def render_SweepReport(report: SweepReport) -> str:
    return table(records.flat(records.sweep_rows(report)))


def render_FitReport(report: FitReport) -> str:
    return table(records.flat(records.fit_rows(report)))
