"""Reports as plain records (dicts of exact ints, floats only for ratios): the shared ground of the
json, csv and markdown renderers, so all formats carry the same numbers."""

from __future__ import annotations

from typing import Any

from convcost.cost import Cost
from convcost.network import Conventions, LayerRow
from convcost.render.units import times
from convcost.report import LayerComparison, LayerReport, NetworkReport, ratio

MACS = "mult-adds = multiply-accumulates (MACs): one multiply and one add"
_BN = {
    0: "none",
    2: "gamma, beta per channel",
    4: "gamma, beta, running mean, running variance per channel",
}


def conventions(conv: Conventions, residual: bool = False) -> dict[str, Any]:
    """What was counted, stated with every result."""
    record: dict[str, Any] = {
        **({"preset": conv.preset} if conv.preset else {}),
        "unit": "MACs",
        "macs": MACS,
        "bias": conv.bias,
        "batch_norm": _BN.get(conv.bn_params, f"{conv.bn_params} per channel"),
        "pooling": "free (no mult-adds, no parameters)",
        "activations": "free (ReLU, softmax)",
    }
    if residual:
        record["residual_adds"] = "free (additions, no multiplications, no parameters)"
    if conv.flops:
        record["flops"] = "FLOPs = 2 × MACs"
    return record


def cost(c: Cost, flops: bool = False) -> dict[str, int]:
    record = {"macs": c.macs, "params": c.params}
    if flops:
        record["flops"] = 2 * c.macs
    return record


# --- convcost layer ---------------------------------------------------------------------------


def comparison(layer: LayerComparison) -> dict[str, Any]:
    return {
        "spec": {
            "name": layer.name,
            "input_size": list(layer.input[:2]),
            "channels": layer.input[2],
            "kernel_size": list(layer.kernel),
            "filters": layer.output[2],
            "stride": list(layer.stride),
            "padding": layer.padding,
        },
        "output_size": list(layer.output[:2]),
        "standard": cost(layer.standard),
        "depthwise": cost(layer.depthwise),
        "pointwise": cost(layer.pointwise),
        "separable": cost(layer.separable),
        "ratio": {
            "macs": float(layer.ratio_macs),
            "params": float(layer.ratio_params),
            "formula": float(layer.formula),
        },
    }


def layer_report(report: LayerReport) -> dict[str, Any]:
    conv = conventions(Conventions(bias=report.bias))
    multipliers = {"alpha": report.alpha, "rho": report.rho}
    if len(report.layers) == 1:
        return {**comparison(report.layers[0]), **multipliers, "conventions": conv}
    standard, separable = report.standard, report.separable
    return {
        "layers": [comparison(layer) for layer in report.layers],
        "total": {
            "standard": cost(standard),
            "separable": cost(separable),
            "ratio": {
                "macs": float(ratio(separable.macs, standard.macs)),
                "params": float(ratio(separable.params, standard.params)),
            },
        },
        **multipliers,
        "conventions": conv,
    }


VARIANTS = ("standard", "depthwise", "pointwise", "separable")


def layer_rows(report: LayerReport) -> list[dict[str, Any]]:
    """One row per (layer, variant), for csv and markdown."""
    rows = []
    for index, layer in enumerate(report.layers):
        for variant in VARIANTS:
            c: Cost = getattr(layer, variant)
            shape = layer.output if variant != "depthwise" else (*layer.output[:2], layer.input[2])
            rows.append(
                {
                    "layer": layer.name or str(index),
                    "variant": variant,
                    "input": times(layer.input),
                    "output": times(shape),
                    "macs": c.macs,
                    "params": c.params,
                    "macs_vs_standard": round(float(ratio(c.macs, layer.standard.macs)), 6),
                    "params_vs_standard": round(float(ratio(c.params, layer.standard.params)), 6),
                }
            )
    return rows


# --- convcost model ---------------------------------------------------------------------------


def filter_shape(row: LayerRow) -> str:
    """The filter as the paper's Table 1 writes it: 3×3×3×32, 3×3×32 dw, 1×1×32×64, 1024×1000;
    a residual add has no filter, it adds its block's input."""
    h, w, c = row.input
    if row.kind == "fc":
        return f"{h * w * c}×{row.output[2]}"
    if row.kind == "add":
        return "+ input"
    assert row.kernel is not None
    if row.kind == "pool":
        return f"pool {times(row.kernel)}"
    if row.kind == "dw":
        return f"{times(row.kernel)}×{c} dw"
    groups = f" g{row.groups}" if row.groups > 1 else ""
    return f"{times(row.kernel)}×{c // row.groups}×{row.output[2]}{groups}"


def layer_row(row: LayerRow, flops: bool = False) -> dict[str, Any]:
    return {
        "index": row.index,
        "name": row.name,
        "block": row.block,
        "type": row.kind,
        "stride": list(row.stride),
        "filter": filter_shape(row),
        "input": list(row.input),
        "output": list(row.output),
        **cost(row.cost, flops),
    }


def network_report(report: NetworkReport) -> dict[str, Any]:
    flops = report.conventions.flops
    total = report.total
    record: dict[str, Any] = {
        "model": report.model,
        "alpha": float(report.variant.alpha),
        "resolution": list(report.resolution),
        "classes": report.classes,
        "conventions": conventions(
            report.conventions, any(row.kind == "add" for row in report.rows)
        ),
        "layers": [layer_row(row, flops) for row in report.rows],
        "total": cost(total, flops),
        "conv_baseline": {
            **cost(report.baseline, flops),
            "ratio": {
                "macs": float(ratio(total.macs, report.baseline.macs)),
                "params": float(ratio(total.params, report.baseline.params)),
            },
        },
        "by_type": {kind: cost(c, flops) for kind, c in report.by_type().items()},
    }
    if report.converted is not None:
        other = report.converted_total
        record["converted"] = {
            "to": report.converted,
            "layers": [layer_row(row, flops) for row in report.converted_rows],
            "total": cost(other, flops),
            "ratio": {
                "macs": float(ratio(other.macs, total.macs)),
                "params": float(ratio(other.params, total.params)),
            },
        }
    return record


def network_rows(report: NetworkReport) -> list[dict[str, Any]]:
    """One row per layer, flat, for csv and markdown."""
    flops = report.conventions.flops
    rows = []
    for row in report.rows:
        record = layer_row(row, flops)
        for key in ("stride", "input", "output"):
            record[key] = times(record[key])
        record["macs_share"] = round(float(ratio(row.cost.macs, report.total.macs)), 6)
        rows.append(record)
    return rows
