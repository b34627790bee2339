"""Reports as plain records (dicts of exact ints, floats only for ratios): the shared ground of the
json, csv and markdown renderers, so all formats carry the same numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from convcost.cost import Cost
from convcost.network import Conventions, LayerRow
from convcost.render.units import human, side, times
from convcost.report import LayerComparison, LayerReport, NetworkReport, share

if TYPE_CHECKING:  # the model path must not pay for importing the sweep engine
    from convcost.sweeps import FitReport, SweepReport, SweepRow

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
                "macs": share(separable.macs, standard.macs),
                "params": share(separable.params, standard.params),
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
                    "macs_vs_standard": round(share(c.macs, layer.standard.macs), 6),
                    "params_vs_standard": round(share(c.params, layer.standard.params), 6),
                }
            )
    return rows


# --- convcost model ---------------------------------------------------------------------------


def filter_shape(row: LayerRow) -> str:
    """The filter as the paper's Table 1 writes it: 3×3×3×32, 3×3×32 dw, 1×1×32×64, 1024×1000;
    for the layers without one, what they do: a bottleneck's residual add "+ input", an add of
    other layers "+ 2", "concat 3", "× gate", "split 1/2", "shuffle 2", "BN", an activation."""
    h, w, c = row.input
    kind = row.kind
    node = row.node
    if kind == "fc":
        return f"{h * w * c}×{row.output[2]}"
    if kind == "add":
        return "+ input" if node is not None and node.role == "add" else f"+ {len(row.inputs)}"
    if kind in _NO_FILTER:
        return _NO_FILTER[kind](row)
    if kind == "pool":
        return f"pool {times(row.kernel)}" if row.kernel is not None else "pool adaptive"
    assert row.kernel is not None
    dilated = f" d{side(node.dilation)}" if node is not None and node.dilation != (1, 1) else ""
    if kind == "dw":
        return f"{times(row.kernel)}×{c} dw{dilated}"
    groups = f" g{row.groups}" if row.groups > 1 else ""
    return f"{times(row.kernel)}×{c // row.groups}×{row.output[2]}{groups}{dilated}"


_NO_FILTER: dict[str, Callable[[LayerRow], str]] = {
    "concat": lambda row: f"concat {len(row.inputs)}",
    "mul": lambda row: "× gate",
    "split": lambda row: (
        f"split {row.node.part + 1 if row.node else 1}/{row.node.groups if row.node else 1}"
    ),
    "shuffle": lambda row: f"shuffle {row.node.groups if row.node else ''}",
    "bn": lambda row: "BN",
    "act": lambda row: (row.node.act or "") if row.node else "",
    "other": lambda row: f"{row.node.op} (not counted)" if row.node else "not counted",
}


def sources(rows: Sequence[LayerRow]) -> list[str]:
    """Where each row reads from, as row numbers ("in" for the network's input), or "" where it
    reads just the row before it (a chain needs no arrows)."""
    index = {row.name: row.index for row in rows}
    out = []
    for row in rows:
        reads = [index.get(name, -1) for name in row.inputs]
        chained = reads == [row.index - 1] or (row.index == 0 and reads == [-1])
        out.append("" if chained else ",".join("in" if i < 0 else str(i) for i in reads))
    return out


def layer_row(row: LayerRow, flops: bool = False) -> dict[str, Any]:
    return {
        "index": row.index,
        "name": row.name,
        "block": row.block,
        "type": row.kind,
        "inputs": list(row.inputs),
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
        "min_channels": report.variant.min_channels,
        "conventions": conventions(
            report.conventions, any(row.kind == "add" for row in report.rows)
        ),
        "layers": [layer_row(row, flops) for row in report.rows],
        "total": cost(total, flops),
        "conv_baseline": {
            **cost(report.baseline, flops),
            "ratio": {
                "macs": share(total.macs, report.baseline.macs),
                "params": share(total.params, report.baseline.params),
            },
        },
        "by_type": {kind: cost(c, flops) for kind, c in report.by_type().items()},
    }
    missing = report.not_counted()
    if missing:
        record["total"]["lower_bound"] = True
        record["not_counted"] = {
            op: {"count": n, "elements": produced} for op, (n, produced) in missing.items()
        }
    if report.notes:
        record["notes"] = list(report.notes)
    if report.converted is not None:
        other = report.converted_total
        record["converted"] = {
            "to": report.converted,
            "layers": [layer_row(row, flops) for row in report.converted_rows],
            "total": cost(other, flops),
            "ratio": {
                "macs": share(other.macs, total.macs),
                "params": share(other.params, total.params),
            },
        }
    return record


def network_rows(report: NetworkReport) -> list[dict[str, Any]]:
    """One row per layer, flat, for csv and markdown."""
    flops = report.conventions.flops
    total = report.total.macs  # once: a property that sums every row
    rows = []
    for row in report.rows:
        record = layer_row(row, flops)
        for key in ("stride", "input", "output"):
            record[key] = times(record[key])
        record["inputs"] = ";".join(record["inputs"])
        record["macs_share"] = round(share(row.cost.macs, total), 6)
        rows.append(record)
    return rows


# --- convcost sweep / fit ---------------------------------------------------------------------


def sweep_row(row: SweepRow, flops: bool = False) -> dict[str, Any]:
    """The row shape of ``sweep`` and ``fit``: alpha, [rho], resolution [H, W], macs, params."""
    record: dict[str, Any] = {"alpha": float(row.alpha)}
    if row.rho is not None:
        record["rho"] = float(row.rho)
    record["resolution"] = list(row.resolution)
    return record | cost(row.cost, flops)


def sweep_keys(report: SweepReport) -> list[str]:
    """The keys of ``sweep_rows``' records, in order."""
    keys = ["alpha", *(["rho"] if _by_rho(report) else []), "resolution", "macs", "params"]
    return keys + (["flops"] if report.conventions.flops else []) + list(VS_LARGEST)


VS_LARGEST = ("macs_vs_largest", "params_vs_largest")


def _by_rho(report: SweepReport) -> bool:
    return any(rho is not None for rho, _ in report.sides)


def sweep_values(report: SweepReport) -> Iterator[tuple[Any, ...]]:
    """The values of ``sweep_rows``' records in the order of ``sweep_keys``, the resolution
    written out as H, W: what the writers stream (a million rows are never built as records)."""
    flops = report.conventions.flops
    by_rho = _by_rho(report)
    largest = report.largest.cost
    top_macs, top_params = largest.macs, largest.params
    floats: dict[Fraction | None, float | None] = {None: None}
    for alpha, rho, (h, w), macs, params in report.cells():
        a = floats.get(alpha)
        if a is None:
            a = floats[alpha] = float(alpha)
        shares = (round(share(macs, top_macs), 6), round(share(params, top_params), 6))
        head: tuple[Any, ...] = (a, h, w, macs, params)
        if by_rho:
            r = floats.get(rho)
            if r is None:
                r = floats[rho] = float(rho)  # type: ignore[arg-type]
            head = (a, r, h, w, macs, params)
        yield (*head, 2 * macs, *shares) if flops else (*head, *shares)


def sweep_record(keys: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    """One of ``sweep_rows``' records from its keys and (flat) values."""
    at = keys.index("resolution")
    nested = [*values[:at], list(values[at : at + 2]), *values[at + 2 :]]
    return dict(zip(keys, nested, strict=True))


def sweep_rows(report: SweepReport) -> list[dict[str, Any]]:
    """One row per variant, with its share of the largest variant's mult-adds and parameters."""
    keys = sweep_keys(report)
    return [sweep_record(keys, values) for values in sweep_values(report)]


def _of(count: int, budget: int | None) -> float | None:
    return None if budget is None else round(share(count, budget), 6)


def fit_rows(report: FitReport) -> list[dict[str, Any]]:
    """The front, best first, with the share of each budget used (null: no such budget)."""
    return [_fit_row(report, row) for row in report.front]


def _fit_row(report: FitReport, row: SweepRow) -> dict[str, Any]:
    return sweep_row(row, report.sweep.conventions.flops) | {
        "macs_of_budget": _of(row.cost.macs, report.max_macs),
        "params_of_budget": _of(row.cost.params, report.max_params),
    }


def fit_columns(report: FitReport) -> list[str]:
    """The columns of ``fit_rows``, also when the front is empty."""
    return list(_fit_row(report, report.smallest))


def not_counted_lines(report: NetworkReport, exact: bool = False) -> list[str]:
    """What the total leaves out, and the source's notes: lines for tables and captions."""
    lines = [
        f"not counted: {op} ×{n} ({human(produced, exact)} elements produced)"
        for op, (n, produced) in report.not_counted().items()
    ]
    if lines:
        lines.append("the totals are lower bounds (--strict refuses such a network)")
    return lines + [f"note: {note}" for note in report.notes]


def flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for csv and markdown: a square resolution as one number (else HxW), None as empty."""

    def cell(key: str, value: Any) -> Any:
        if key == "resolution":
            return value[0] if value[0] == value[1] else f"{value[0]}x{value[1]}"
        return "" if value is None else value

    return [{key: cell(key, value) for key, value in row.items()} for row in rows]


def variant_name(row: SweepRow) -> str:
    """'α 0.5 at 160×160'."""
    return f"α {float(row.alpha):g} at {times(row.resolution)}"


def nothing_fits(report: FitReport, exact: bool = False) -> list[str]:
    """Why the front is empty: the binding budget(s) and what the smallest variant costs."""
    small = report.smallest
    budgets = {"macs": (report.max_macs, "mult-adds"), "params": (report.max_params, "params")}
    lines = [
        f"nothing fits: the smallest variant of the grid, {variant_name(small)}, costs "
        f"{human(small.cost.macs, exact)} mult-adds and {human(small.cost.params, exact)} params"
    ]
    binding = report.binding
    for key in binding:
        limit, unit = budgets[key]
        assert limit is not None
        least = min(getattr(r.cost, key) for r in report.sweep.rows)
        lines.append(
            f"binding: --max-{key} {human(limit, exact)}: the least any variant needs is "
            f"{human(least, exact)} {unit}"
        )
    if not binding:
        lines.append(
            "binding: both budgets together; each alone is met by some variant, never both at once"
        )
    return lines


# --- one entry per report type: its JSON document and its flat rows -----------------------------

_SHAPES: dict[str, tuple[str, str, str]] = {
    "LayerReport": ("records", "layer_report", "layer_rows"),
    "NetworkReport": ("records", "network_report", "network_rows"),
    "SweepReport": ("records", "sweep_rows", "sweep_rows"),
    "FitReport": ("records", "fit_rows", "fit_rows"),
    "LayerMemoryReport": ("memory_records", "layer_memory_report", "layer_memory_rows"),
    "NetworkMemoryReport": ("memory_records", "network_memory_report", "network_memory_rows"),
    "MeasureReport": ("memory_records", "measure_report", "measure_rows"),
    "OpsReport": ("ops_records", "ops_report", "ops_rows"),
    "Explanation": ("ops_records", "explanation", "explanation_rows"),
}
"""Report class → (module of this package, its JSON document, its rows); memory and ops modules
load only for their reports."""


def _shape(report: Any, which: int) -> Any:
    import importlib

    entry = _SHAPES[type(report).__name__]
    module = importlib.import_module(f"convcost.render.{entry[0]}")
    return getattr(module, entry[which])(report)


def document(report: Any) -> Any:
    """The JSON document of any report."""
    return _shape(report, 1)


def rows(report: Any) -> list[dict[str, Any]]:
    """Any report as flat rows (one per layer, variant, ...), nested lists written out."""
    return flat(_shape(report, 2))
