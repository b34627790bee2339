"""``--ops``, tool presets and ``--explain`` as plain records: a network's record with every other
op counted per kind beside (never inside) the mult-adds, and the rule each kind was counted by."""

from __future__ import annotations

from typing import Any

from convcost.ops import OP_NAMES, Explanation, OpsReport
from convcost.render import records

APART = "no mult-adds; counted apart, per kind, under ops"


def ops_conventions(report: OpsReport) -> dict[str, Any]:
    """How every other op was counted: by whom, and the rule of each kind the network has."""
    counting = report.counting
    record: dict[str, Any] = {"counting": counting.name, "by": counting.title}
    if counting.counts_ops:
        record["rules"] = {kind: counting.rule(kind).text for kind in report.kinds()}
        record["never_in_macs"] = "other ops are never added to mult-adds; total.ops has them"
    if counting.tool:
        record["reported"] = counting.figure or "none: prints parameters only"
        record["params"] = counting.params
    if counting.macs_factor != 1:
        record["macs_factor"] = counting.macs_factor
    return record


def _conventions(report: OpsReport) -> dict[str, Any]:
    base = report.base
    record = records.conventions(base.conventions, any(row.kind == "add" for row in base.rows))
    for key in ("pooling", "activations", "residual_adds"):
        if key in record and _counts(report):
            record[key] = APART
    return record | {"ops": ops_conventions(report)}


def _counts(report: OpsReport) -> bool:
    return report.counting.counts_ops


def ops_total(report: OpsReport) -> dict[str, Any]:
    """The total: mult-adds and parameters, the other ops per kind, and the tool's figure."""
    base = report.base
    record: dict[str, Any] = records.cost(base.total, base.conventions.flops)
    if _counts(report):
        record["ops"] = report.total()
        record["ops_total"] = report.ops_total
    if report.counting.tool:
        record["reported"] = report.reported
    return record


def ops_report(report: OpsReport) -> dict[str, Any]:
    record = records.network_report(report.base)
    record["conventions"] = _conventions(report)
    if _counts(report):
        for index, layer in enumerate(record["layers"]):
            layer["ops"] = report.row_ops(index)
    record["total"] = ops_total(report)
    return record


def ops_rows(report: OpsReport) -> list[dict[str, Any]]:
    """The network's rows with one column per op kind it has (0 where a layer has none)."""
    rows = records.network_rows(report.base)
    if not _counts(report):
        return rows
    kinds = report.kinds()
    for index, row in enumerate(rows):
        counts = report.row_ops(index)
        row.update({f"ops_{kind}": counts.get(kind, 0) for kind in kinds})
    return rows


# --- --explain --------------------------------------------------------------------------------


def terms(report: OpsReport) -> list[dict[str, Any]]:
    """The tool's figure as a sum: its mult-adds (× its factor), then each op kind the network
    has, with the elements it touches and its count (0: present, not counted)."""
    counting = report.counting
    if counting.figure is None:  # Keras prints parameters only
        return []
    macs = report.base.total.macs
    out: list[dict[str, Any]] = [
        {
            "term": "macs",
            "name": "conv + fc mult-adds",
            "elements": macs,
            "count": counting.macs_factor * macs,
            "rule": f"{counting.macs_factor} per mult-add",
        }
    ]
    counts, elements = report.total(), report.elements()
    for kind in report.kinds():
        out.append(
            {
                "term": kind,
                "name": OP_NAMES[kind],
                "elements": elements[kind],
                "count": counts[kind],
                "rule": counting.rule(kind).text,
            }
        )
    return out


def explanation(report: Explanation) -> dict[str, Any]:
    ops = report.ops
    weights, biases, affine, stats = ops.params_parts()
    params = {"weights": weights, "biases": biases, "bn_affine": affine, "bn_running_stats": stats}
    return ops_report(ops) | {
        "explanation": {"terms": terms(ops), "reported": ops.reported, "params": params}
    }


def explanation_rows(report: Explanation) -> list[dict[str, Any]]:
    return terms(report.ops)
