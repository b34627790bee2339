"""Markdown (GitHub tables): the same rows as CSV, for papers, budgets and READMEs."""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TextIO

from convcost.render import records
from convcost.report import LayerReport, NetworkReport
from convcost.safe_io import printable

if TYPE_CHECKING:  # report types of optional engines, imported only when asked for
    from convcost.ops import Explanation, OpsReport
    from convcost.sweeps import FitReport, SweepReport
    from convcost.timing import MeasureReport
    from convcost.traffic import LayerMemoryReport, NetworkMemoryReport


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
    return printable(str(value)).replace("|", "\\|")


def _caption(conventions: dict[str, Any]) -> str:
    return "\n" + "; ".join(f"{k}: {_cell(v)}" for k, v in conventions.items()) + "\n"


def _network_head(report: NetworkReport) -> dict[str, Any]:
    """Which variant a network table is: a budget pasted into a document must say so."""
    head: dict[str, Any] = {"model": report.model, "alpha": float(report.variant.alpha)}
    head["resolution"] = "×".join(str(side) for side in report.resolution)
    head["classes"] = str(report.classes)
    if report.variant.min_channels is not None:
        head["min_channels"] = report.variant.min_channels
    return head


def render_LayerReport(report: LayerReport) -> str:
    conv = records.layer_report(report)["conventions"]
    return table(records.layer_rows(report)) + _caption(conv)


def _total_row(columns: dict[str, Any], report: NetworkReport) -> dict[str, Any]:
    """The row under a network's layers: its totals, other columns left blank."""
    blank = {key: "" for key in columns}
    return (
        blank
        | {"name": "total", "macs_share": 1.0}
        | records.cost(report.total, report.conventions.flops)
    )


def render_NetworkReport(report: NetworkReport) -> str:
    rows = records.network_rows(report)
    rows.append(_total_row(rows[0], report))
    conv = records.conventions(report.conventions)
    notes = "".join(f"\n{line}\n" for line in records.not_counted_lines(report))
    return table(rows) + _caption(_network_head(report) | conv) + notes


def render_LayerMemoryReport(report: LayerMemoryReport) -> str:
    from convcost.render import memory_records

    conv = memory_records.layer_memory_report(report)
    caption = {**conv["conventions"], **conv["memory_conventions"]}
    return table(memory_records.layer_memory_rows(report)) + _caption(caption)


def render_NetworkMemoryReport(report: NetworkMemoryReport) -> str:
    from convcost.render import memory_records

    rows = memory_records.network_memory_rows(report)
    total = report.total
    rows.append(
        _total_row(rows[0], report.base)
        | {
            "weight_bytes": total.weight_bytes,
            "total_bytes": total.total_bytes,
            "macs_per_byte": round(float(total.intensity), 4),
        }
    )
    estimate = report.total_roofline
    if estimate is not None:
        rows[-1]["est_seconds"] = float(estimate.seconds)
    caption = {
        **_network_head(report.base),
        **records.conventions(report.base.conventions),
        **memory_records.memory_conventions(report.options),
    }
    return table(rows) + _caption(caption)


def render_OpsReport(report: OpsReport) -> str:
    from convcost.render import ops_records

    rows = ops_records.ops_rows(report)
    rows.append(_total_row(rows[0], report.base) | _ops_columns(report))
    caption = ops_records.ops_report(report)["conventions"]
    ops = caption.pop("ops")
    extra: dict[str, Any] = {"counted by": ops["by"]}
    extra |= {f"ops_{kind}": rule for kind, rule in ops.get("rules", {}).items()}
    if report.counting.tool:
        extra[f"{report.counting.name} prints"] = report.reported or ops["reported"]
    return table(rows) + _caption(_network_head(report.base) | caption | extra)


def _ops_columns(report: OpsReport) -> dict[str, Any]:
    if not report.counting.counts_ops:  # Keras prints parameters only
        return {}
    return {f"ops_{kind}": count for kind, count in report.total().items()}


def render_Explanation(report: Explanation) -> str:
    from convcost.render import ops_records

    rows = ops_records.explanation_rows(report)
    record = ops_records.explanation(report)["explanation"]
    caption = {"reported": record["reported"], **record["params"]}
    return (table(rows) if rows else "") + _caption(_network_head(report.ops.base) | caption)


def render_MeasureReport(report: MeasureReport) -> str:
    from convcost.render import memory_records

    record = memory_records.measure_report(report)
    caption = {**record["conventions"], **record["memory_conventions"], **record["measurement"]}
    return table(memory_records.measure_rows(report)) + _caption(caption)


def _sweep_caption(report: SweepReport) -> str:
    head = {"model": report.model, "classes": report.classes}
    return _caption(head | records.conventions(report.conventions))


def render_SweepReport(report: SweepReport) -> str:
    out = io.StringIO()
    write_SweepReport(report, out)
    return out.getvalue()


def write_SweepReport(report: SweepReport, out: TextIO, chunk: int = 4096) -> None:
    """The table of ``records.sweep_rows``, streamed a chunk of rows at a time."""
    keys = records.sweep_keys(report)
    at = keys.index("resolution")
    values = records.sweep_values(report)
    first = True
    while True:
        rows = [
            {**dict(zip(keys[:at], v[:at], strict=True)), "resolution": _side(v[at], v[at + 1])}
            | dict(zip(keys[at + 1 :], v[at + 2 :], strict=True))
            for v in islice(values, chunk)
        ]
        if not rows:
            break
        text = table(rows)
        if not first:  # the header once
            text = text.split("\n", 2)[2]
        out.write(text)
        first = False
    out.write(_sweep_caption(report))


def _side(h: int, w: int) -> int | str:
    return h if h == w else f"{h}x{w}"


def render_FitReport(report: FitReport) -> str:
    rows = records.flat(records.fit_rows(report))
    if not rows:
        return "\n".join(records.nothing_fits(report)) + "\n" + _sweep_caption(report.sweep)
    return table(rows) + _sweep_caption(report.sweep)
