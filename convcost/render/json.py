"""JSON: exact integers, stable keys, no colour; the format scripts consume."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from convcost.render import records
from convcost.report import LayerReport, NetworkReport

if TYPE_CHECKING:  # report types of optional engines, imported only when asked for
    from convcost.measure import MeasureReport
    from convcost.memory import LayerMemoryReport, NetworkMemoryReport
    from convcost.sweep import FitReport, SweepReport


def dumps(record: Any) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def render_LayerReport(report: LayerReport) -> str:
    return dumps(records.layer_report(report))


def render_NetworkReport(report: NetworkReport) -> str:
    return dumps(records.network_report(report))


def render_LayerMemoryReport(report: LayerMemoryReport) -> str:
    from convcost.render import memory_records

    return dumps(memory_records.layer_memory_report(report))


def render_NetworkMemoryReport(report: NetworkMemoryReport) -> str:
    from convcost.render import memory_records

    return dumps(memory_records.network_memory_report(report))


def render_MeasureReport(report: MeasureReport) -> str:
    from convcost.render import memory_records

    return dumps(memory_records.measure_report(report))


def render_SweepReport(report: SweepReport) -> str:
    return dumps(records.sweep_rows(report))


def render_FitReport(report: FitReport) -> str:
    return dumps(records.fit_rows(report))
