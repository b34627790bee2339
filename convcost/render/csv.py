"""CSV: one row per (layer, variant) or per network layer, exact integers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from convcost.render import records
from convcost.report import LayerReport, NetworkReport


def table(rows: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def render_LayerReport(report: LayerReport) -> str:
    return table(records.layer_rows(report))


def render_NetworkReport(report: NetworkReport) -> str:
    return table(records.network_rows(report))
