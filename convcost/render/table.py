"""Rich tables for people. The Console is passed in, so tests can fix width and colour; rich
itself respects NO_COLOR and drops colour when output is not a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from convcost.cost import Cost
from convcost.network import Conventions, LayerRow
from convcost.render import records
from convcost.render.units import decimal, human, percent, side, times
from convcost.report import LayerComparison, LayerReport, NetworkReport, ratio

if TYPE_CHECKING:
    from convcost.measure import MeasureReport
    from convcost.memory import LayerMemoryReport, NetworkMemoryReport

_BN = {0: "no BatchNorm", 2: "BatchNorm γ, β", 4: "BatchNorm γ, β, mean, variance"}
BAR_WIDTH = 6
_SHORT_UNIT = {"mult-adds": "MACs", "FLOPs": "FLOPs"}


def convention_line(conv: Conventions, residual: bool = False) -> str:
    unit = "FLOPs = 2×MACs; " if conv.flops else ""
    bias = "with bias" if conv.bias else "no bias"
    bn = _BN.get(conv.bn_params, f"BatchNorm {conv.bn_params}/channel")
    preset = f"{conv.preset} convention: " if conv.preset else ""
    free = "pooling, activations, residual adds" if residual else "pooling and activations"
    return (
        f"{preset}{unit}mult-adds = multiply-accumulates (MACs)\n"
        f"parameters: weights, {bias}, {bn}; {free} free"
    )


def _new_table(title: str | None = None, caption: str | None = None) -> Table:
    """A plain table; title and caption are printed as lines of their own by ``show`` so that
    they wrap to the terminal, not to the table."""
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        header_style="bold",
        collapse_padding=True,
    )
    table.title, table.caption = title, caption
    return table


def show(console: Console, table: Table) -> None:
    title, caption = table.title, table.caption
    table.title = table.caption = None
    if title:
        console.print(Text(str(title), style="bold"))
    console.print(table)
    if caption:
        console.print(str(caption))
    console.print()


# --- convcost layer ---------------------------------------------------------------------------


def _layer_title(layer: LayerComparison) -> str:
    m = layer.input[2]
    pad = f"padding {layer.padding}"
    name = f"{layer.name}: " if layer.name else ""
    return (
        f"{name}{times(layer.input)} input, {layer.output[2]} filters of "
        f"{times(layer.kernel)}×{m}, stride {side(layer.stride)}, {pad} → {times(layer.output)}"
    )


def _layer_table(layer: LayerComparison, exact: bool) -> Table:
    n, kh, kw = layer.output[2], layer.kernel[0], layer.kernel[1]
    k = f"{kh}²" if kh == kw else f"({kh}·{kw})"
    caption = (
        f"separable / standard = {decimal(layer.ratio_macs)} (mult-adds), "
        f"{decimal(layer.ratio_params)} (params)\n"
        f"1/N + 1/D_K² = 1/{n} + 1/{k} = {decimal(layer.formula)}"
    )
    table = _new_table(_layer_title(layer), caption)
    table.add_column("variant")
    table.add_column("output", justify="right")
    table.add_column("mult-adds", justify="right")
    table.add_column("params", justify="right")
    table.add_column("× standard", justify="right")
    for variant in records.VARIANTS:
        c: Cost = getattr(layer, variant)
        out = layer.output if variant != "depthwise" else (*layer.output[:2], layer.input[2])
        style = "bold" if variant in ("standard", "separable") else None
        table.add_row(
            variant,
            times(out),
            human(c.macs, exact),
            human(c.params, exact),
            decimal(ratio(c.macs, layer.standard.macs)),
            style=style,
        )
    return table


def print_LayerReport(report: LayerReport, console: Console, exact: bool = False) -> None:
    for layer in report.layers:
        show(console, _layer_table(layer, exact))
    if len(report.layers) > 1:
        table = _new_table(f"total of {len(report.layers)} layers")
        for column in ("variant", "mult-adds", "params", "× standard"):
            table.add_column(column, justify="left" if column == "variant" else "right")
        std, sep = report.standard, report.separable
        table.add_row("standard", human(std.macs, exact), human(std.params, exact), "1.0000")
        table.add_row(
            "separable",
            human(sep.macs, exact),
            human(sep.params, exact),
            decimal(ratio(sep.macs, std.macs)),
        )
        show(console, table)
    multipliers = f"α = {report.alpha}" + (f", ρ = {report.rho}" if report.rho is not None else "")
    console.print(multipliers, style="dim")
    console.print(convention_line(Conventions(bias=report.bias)), style="dim")


# --- convcost model ---------------------------------------------------------------------------


def _share(share: Fraction, largest: Fraction) -> Text:
    """'9.0% ████': the layer's share of total mult-adds, with a bar scaled to the largest layer."""
    cells = round(float(share / largest) * BAR_WIDTH) if largest else 0
    text = Text(f"{percent(share, 1):>5} ")
    text.append("█" * cells, style="cyan")
    return text


def _kind(row: LayerRow) -> str:
    """The paper's "Type / Stride" column: conv/s2, dw/s1, pw, fc."""
    stride = f"/s{side(row.stride)}" if row.kind in ("conv", "dw", "pool") else ""
    return f"{row.kind}{stride}"


def _unit(conv: Conventions) -> tuple[str, int]:
    return ("FLOPs", 2) if conv.flops else ("mult-adds", 1)


def _layers_table(report: NetworkReport, console: Console, exact: bool) -> Table:
    unit, factor = _unit(report.conventions)
    total = report.total
    variant = report.variant
    title = (
        f"{report.model} · α {float(variant.alpha):g} · {times(report.resolution)} input · "
        f"{report.classes} classes"
    )
    table = _new_table(title)
    wide = console.width >= 110  # an 80-column terminal drops the input column (= previous output)
    table.add_column("#", justify="right", style="dim")
    table.add_column("layer", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("filter", no_wrap=True)
    if wide:
        table.add_column("input", justify="right", no_wrap=True)
    table.add_column("output", justify="right", no_wrap=True)
    table.add_column(unit if wide else _SHORT_UNIT[unit], justify="right", no_wrap=True)
    table.add_column("params", justify="right", no_wrap=True)
    table.add_column("share", no_wrap=True)
    shares = [ratio(row.cost.macs, total.macs) for row in report.rows]
    largest = max(shares, default=Fraction(0))
    for row, share in zip(report.rows, shares, strict=True):
        shape = records.filter_shape(row)
        if wide:
            cells = [str(row.index), row.name, _kind(row), shape, times(row.input)]
        else:
            cells = [str(row.index), row.name, _kind(row), shape.removesuffix(" dw")]
        cells += [
            times(row.output),
            human(row.cost.macs * factor, exact),
            human(row.cost.params, exact),
        ]
        table.add_row(*cells, _share(share, largest))
    return table


def _summary(report: NetworkReport, exact: bool) -> Table:
    unit, factor = _unit(report.conventions)
    total, base = report.total, report.baseline
    table = _new_table("summary")
    table.add_column("")
    table.add_column(unit, justify="right")
    table.add_column("params", justify="right")
    table.add_column("ratio", justify="right")
    table.add_row(
        "total", human(total.macs * factor, exact), human(total.params, exact), "", style="bold"
    )
    if base != total:
        r = ratio(total.macs, base.macs)
        table.add_row(
            "all-standard-conv baseline",
            human(base.macs * factor, exact),
            human(base.params, exact),
            f"{decimal(r, 3)} ({float(1 / r):.2f}× fewer)" if r else "",
        )
    return table


_TYPE_NAMES = {
    "conv": "conv (standard)",
    "dw": "depthwise",
    "pw": "pointwise 1×1",
    "fc": "fully connected",
    "pool": "pool",
    "add": "residual add",
}


def _by_type(report: NetworkReport, exact: bool) -> Table:
    unit, factor = _unit(report.conventions)
    total = report.total
    table = _new_table("by layer type (paper Table 2)")
    for column in ("type", unit, "%", "params", "% "):
        table.add_column(column, justify="left" if column == "type" else "right")
    for kind, c in report.by_type().items():
        table.add_row(
            _TYPE_NAMES.get(kind, kind),
            human(c.macs * factor, exact),
            percent(ratio(c.macs, total.macs)),
            human(c.params, exact),
            percent(ratio(c.params, total.params)),
        )
    return table


def _blocks(rows: Sequence[LayerRow]) -> dict[str, Cost]:
    blocks: dict[str, Cost] = {}
    for row in rows:
        blocks[row.block] = blocks.get(row.block, Cost()) + row.cost
    return blocks


def _side_by_side(report: NetworkReport, exact: bool) -> Table:
    unit, factor = _unit(report.conventions)
    mine, other = _blocks(report.rows), _blocks(report.converted_rows)
    table = _new_table(f"as {report.converted}: block by block")
    for column in (
        "block",
        unit,
        f"{unit} as {report.converted}",
        "ratio",
        "params",
        f"params as {report.converted}",
    ):
        table.add_column(column, justify="left" if column == "block" else "right")
    for block, c in mine.items():
        o = other.get(block, Cost())
        table.add_row(
            block,
            human(c.macs * factor, exact),
            human(o.macs * factor, exact),
            decimal(ratio(o.macs, c.macs), 2) if c.macs else "",
            human(c.params, exact),
            human(o.params, exact),
        )
    t, o = report.total, report.converted_total
    table.add_row(
        "total",
        human(t.macs * factor, exact),
        human(o.macs * factor, exact),
        decimal(ratio(o.macs, t.macs), 3),
        human(t.params, exact),
        human(o.params, exact),
        style="bold",
    )
    return table


def print_NetworkReport(report: NetworkReport, console: Console, exact: bool = False) -> None:
    show(console, _layers_table(report, console, exact))
    show(console, _summary(report, exact))
    show(console, _by_type(report, exact))
    if report.converted is not None:
        show(console, _side_by_side(report, exact))
    residual = any(row.kind == "add" for row in report.rows)
    console.print(convention_line(report.conventions, residual), style="dim")


# --- --memory / --device (convcost.render.memory_table, imported when asked for) ---------------


def print_LayerMemoryReport(
    report: LayerMemoryReport, console: Console, exact: bool = False
) -> None:
    from convcost.render import memory_table

    memory_table.print_LayerMemoryReport(report, console, exact)


def print_NetworkMemoryReport(
    report: NetworkMemoryReport, console: Console, exact: bool = False
) -> None:
    from convcost.render import memory_table

    memory_table.print_NetworkMemoryReport(report, console, exact)


def print_MeasureReport(report: MeasureReport, console: Console, exact: bool = False) -> None:
    from convcost.render import memory_table

    memory_table.print_MeasureReport(report, console, exact)
