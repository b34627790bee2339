"""JSON: exact integers, stable keys, no colour; the format scripts consume."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from convcost.render import records
from convcost.report import LayerReport, NetworkReport

if TYPE_CHECKING:  # the model path must not pay for importing the sweep engine
    from convcost.sweep import FitReport, SweepReport


def dumps(record: Any) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def render_LayerReport(report: LayerReport) -> str:
    return dumps(records.layer_report(report))


def render_NetworkReport(report: NetworkReport) -> str:
    return dumps(records.network_report(report))


def render_SweepReport(report: SweepReport) -> str:
    return dumps(records.sweep_rows(report))


def render_FitReport(report: FitReport) -> str:
    return dumps(records.fit_rows(report))
