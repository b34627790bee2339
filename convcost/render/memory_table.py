"""Rich tables for ``--memory`` and ``--device``: bytes moved, intensity and a roofline estimate
beside the mult-adds, so a reader sees where fewer mult-adds do not mean less time."""

from __future__ import annotations

from fractions import Fraction

from rich.console import Console
from rich.table import Table
from rich.text import Text

from convcost.network import Conventions
from convcost.render import records
from convcost.render.console import BAR_WIDTH, bar, convention_line, new_table, optional, show
from convcost.render.table import (
    TYPE_NAMES,
    layer_table,
    layer_title,
    side_by_side,
    summary,
    type_column,
)
from convcost.render.units import decimal, duration, human, human_bytes, percent, times
from convcost.report import LayerComparison, ratio
from convcost.timing import MeasureReport
from convcost.traffic import (
    VARIANTS,
    LayerMemory,
    LayerMemoryReport,
    NetworkMemoryReport,
    Options,
    Traffic,
)


def _intensity(t: Traffic) -> str:
    return f"{float(t.intensity):.2f}"


def memory_lines(options: Options) -> list[str]:
    """The assumptions, printed under every memory table."""
    lines = [
        f"bytes: {options.dtype}, {options.bytes_per_value} per value, weights and activations;",
        "  each layer reads its input and weights once and writes its output once",
        "  (no caches, no fusion); MAC/B = mult-adds per byte moved",
    ]
    d = options.device
    if d is not None:
        ridge = d.ridge(options.dtype)
        lines += [
            "est. time: an ESTIMATE from the roofline model, not a measurement:",
            "  max(FLOPs / peak FLOP/s, bytes / bandwidth) per layer, FLOPs = 2×MACs",
            f"device ({d.path}): {d.name}",
            f"  {float(d.peak_gflops[options.dtype]):g} GFLOP/s {options.dtype}, "
            f"{float(d.memory_gbps):g} GB/s: memory-bound below {float(ridge):.3g} FLOPs/byte "
            f"({float(ridge / 2):.3g} MAC/B)",
        ]
    return lines


def _footer(
    console: Console, conventions: Conventions, options: Options, residual: bool = False
) -> None:
    console.print(convention_line(conventions, residual), style="dim")
    for line in memory_lines(options):
        console.print(line, style="dim")


# --- convcost layer --memory ---------------------------------------------------------------------


def _layer_memory_table(
    layer: LayerComparison, memory: LayerMemory, options: Options, exact: bool
) -> Table:
    timed = bool(memory.rooflines)
    std, sep = memory.standard, memory.separable
    caption = (
        f"separable / standard = {decimal(layer.ratio_macs)} (mult-adds), "
        f"{decimal(ratio(sep.total_bytes, std.total_bytes))} (bytes moved)"
    )
    if timed:
        times_ = memory.rooflines
        caption += f"\n{' ' * 23}{decimal(times_['separable'].seconds / times_['standard'].seconds)} (est. time)"
    title = f"memory traffic, {options.dtype}" + (" and roofline estimate" if timed else "")
    table = new_table(title, caption)
    table.add_column("variant")
    for column in ("in+out", "weights", "traffic", "MAC/B"):
        table.add_column(column, justify="right")
    if timed:
        table.add_column("est. time", justify="right")
        table.add_column("bound")
    for variant in VARIANTS:
        t = memory.of(variant)
        cells = [
            variant,
            human_bytes(t.activation_bytes, exact),
            human_bytes(t.weight_bytes, exact),
            human_bytes(t.total_bytes, exact),
            _intensity(t),
        ]
        if timed:
            r = memory.rooflines[variant]
            cells += [duration(r.seconds), r.bound if variant != "separable" else ""]
        style = "bold" if variant in ("standard", "separable") else None
        table.add_row(*cells, style=style)
    return table


def print_LayerMemoryReport(
    report: LayerMemoryReport, console: Console, exact: bool = False
) -> None:
    base = report.base
    for layer, memory in zip(base.layers, report.layers, strict=True):
        show(console, layer_table(layer, exact))
        show(console, _layer_memory_table(layer, memory, report.options, exact))
    if len(base.layers) > 1:
        table = new_table(f"total of {len(base.layers)} layers")
        for column in ("variant", "mult-adds", "traffic", "est. time"):
            table.add_column(column, justify="left" if column == "variant" else "right")
        for variant in ("standard", "separable"):
            macs = sum(getattr(layer, variant).macs for layer in base.layers)
            moved = sum(m.of(variant).total_bytes for m in report.layers)
            timed = [m.rooflines[variant].seconds for m in report.layers if m.rooflines]
            table.add_row(
                variant,
                human(macs, exact),
                human_bytes(moved, exact),
                duration(sum(timed, Fraction(0))) if timed else "",
            )
        show(console, table)
    multipliers = f"α = {base.alpha}" + (f", ρ = {base.rho}" if base.rho is not None else "")
    console.print(multipliers, style="dim")
    _footer(console, Conventions(bias=base.bias), report.options)


# --- convcost model --memory ---------------------------------------------------------------------


def _layers_table(report: NetworkMemoryReport, console: Console, exact: bool) -> Table:
    base = report.base
    timed = bool(report.rooflines)
    title = (
        f"{base.model} · α {float(base.variant.alpha):g} · {times(base.resolution)} input · "
        f"{report.options.dtype}" + (" · roofline estimate" if timed else "")
    )
    table = new_table(title)
    wide = console.width >= 120
    if wide:
        table.add_column("#", justify="right", style="dim")
    table.add_column("layer", no_wrap=True)
    table.add_column("type", no_wrap=True)
    if wide:
        table.add_column("filter", no_wrap=True)
        table.add_column("output", justify="right", no_wrap=True)
    table.add_column("mult-adds", justify="right", no_wrap=True)
    if wide or not timed:
        table.add_column("weights", justify="right", no_wrap=True)
        table.add_column("in+out", justify="right", no_wrap=True)
    table.add_column("traffic", justify="right", no_wrap=True)
    table.add_column("MAC/B", justify="right", no_wrap=True)
    if timed:
        table.add_column("est. time" if wide else "time", justify="right", no_wrap=True)
        table.add_column("bound", no_wrap=True)
        total = report.total_roofline
        assert total is not None
        shares = [ratio_f(r.seconds, total.seconds) for r in report.rooflines]
    else:
        moved = report.total.total_bytes
        shares = [ratio(t.total_bytes, moved) for t in report.traffic]
    table.add_column("share", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    largest = max(shares, default=Fraction(0))
    for i, row in enumerate(base.rows):
        t = report.traffic[i]
        cells: list[str | Text] = []
        if wide:
            cells.append(str(row.index))
        cells += [row.name, type_column(row)]
        if wide:
            cells += [records.filter_shape(row), times(row.output)]
        cells.append(human(row.cost.macs, exact))
        if wide or not timed:
            cells += [human_bytes(t.weight_bytes, exact), human_bytes(t.activation_bytes, exact)]
        cells += [human_bytes(t.total_bytes, exact), _intensity(t)]
        if timed:
            r = report.rooflines[i]
            cells += [duration(r.seconds), r.bound]
        cells += [percent(shares[i], 1), bar(shares[i], largest, BAR_WIDTH if wide else 4)]
        table.add_row(*cells)
    return table


def ratio_f(part: Fraction, whole: Fraction) -> Fraction:
    return part / whole if whole else Fraction(0)


def _memorysummary(report: NetworkMemoryReport, exact: bool) -> Table:
    base = report.base
    total, baseline = report.total, report.baseline_traffic
    estimate, base_time = report.total_roofline, report.baseline_roofline
    table = new_table(f"memory summary ({report.options.dtype})")
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_column("note")
    table.add_row("weights (model size)", human_bytes(report.weight_bytes, exact), "", style="bold")
    table.add_row(
        "peak activations",
        human_bytes(report.peak.bytes, exact),
        f"input + output of {report.peak.name}",
        style="bold",
    )
    table.add_row(
        "traffic, total",
        human_bytes(total.total_bytes, exact),
        f"{_intensity(total)} MAC/B over the network",
    )
    if baseline.total_bytes != total.total_bytes:
        r = ratio(total.total_bytes, baseline.total_bytes)
        table.add_row(
            "traffic, all-standard baseline",
            human_bytes(baseline.total_bytes, exact),
            f"{decimal(r, 3)} ({float(1 / r):.2f}× fewer bytes)" if r else "",
        )
    if estimate is not None and base_time is not None:
        by_bound = {"compute": Fraction(0), "memory": Fraction(0)}
        for r_ in report.rooflines:
            by_bound[r_.bound] += r_.seconds
        share = ratio_f(by_bound["memory"], estimate.seconds)
        table.add_row(
            "est. time, total",
            duration(estimate.seconds),
            f"{percent(share, 0)} of it in memory-bound layers",
            style="bold",
        )
        if base_time.seconds != estimate.seconds:
            rt = ratio_f(estimate.seconds, base_time.seconds)
            rm = ratio(base.total.macs, base.baseline.macs)
            table.add_row(
                "est. time, all-standard",
                duration(base_time.seconds),
                f"{float(1 / rt):.2f}× the time (mult-adds: {float(1 / rm):.2f}×)",
            )
    return table


def _by_type(report: NetworkMemoryReport) -> Table:
    base = report.base
    macs = base.by_type()
    total, estimate = report.total, report.total_roofline
    table = new_table("by layer type: share of mult-adds, of bytes moved and of time")
    table.add_column("type")
    table.add_column("mult-adds", justify="right")
    table.add_column("bytes", justify="right")
    table.add_column("MAC/B", justify="right")
    if estimate is not None:
        table.add_column("est. time", justify="right")
    for kind, (t, r) in report.by_type().items():
        cells = [
            TYPE_NAMES.get(kind, kind),
            percent(ratio(macs[kind].macs, base.total.macs), 1),
            percent(ratio(t.total_bytes, total.total_bytes), 1),
            _intensity(t),
        ]
        if estimate is not None and r is not None:
            cells.append(percent(ratio_f(r.seconds, estimate.seconds), 1))
        table.add_row(*cells)
    return table


def print_NetworkMemoryReport(
    report: NetworkMemoryReport, console: Console, exact: bool = False
) -> None:
    base = report.base
    layers = _layers_table(report, console, exact)
    show(console, layers, optional(layers, "", "filter", "output", "#"))
    show(console, summary(base, exact))
    show(console, _memorysummary(report, exact))
    show(console, _by_type(report))
    if base.converted is not None:
        show(console, side_by_side(base, exact))
    residual = any(row.kind == "add" for row in base.rows)
    _footer(console, base.conventions, report.options, residual)


# --- convcost measure ------------------------------------------------------------------------------


def _measure_table(
    layer: LayerComparison, memory: LayerMemory, seconds: dict[str, Fraction], exact: bool
) -> Table:
    timed = bool(memory.rooflines)
    std = seconds["standard"]
    table = new_table(layer_title(layer))
    table.add_column("variant")
    table.add_column("mult-adds", justify="right")
    table.add_column("× std", justify="right")
    if timed:
        table.add_column("est. time", justify="right")
        table.add_column("× std", justify="right")
    table.add_column("measured", justify="right")
    table.add_column("× std", justify="right")
    for variant in VARIANTS:
        macs = getattr(layer, variant).macs
        cells = [variant, human(macs, exact), decimal(ratio(macs, layer.standard.macs), 3)]
        if timed:
            r = memory.rooflines
            cells += [
                duration(r[variant].seconds),
                decimal(r[variant].seconds / r["standard"].seconds, 3),
            ]
        cells += [duration(seconds[variant]), decimal(seconds[variant] / std, 3)]
        style = "bold" if variant in ("standard", "separable") else None
        table.add_row(*cells, style=style)
    sep = seconds["separable"]
    table.caption = (
        f"separable is {float(1 / layer.ratio_macs):.1f}× fewer mult-adds, "
        f"{float(std / sep):.1f}× faster measured"
        + (
            f", {float(memory.rooflines['standard'].seconds / memory.rooflines['separable'].seconds):.1f}× estimated"
            if timed
            else ""
        )
    )
    return table


def print_MeasureReport(report: MeasureReport, console: Console, exact: bool = False) -> None:
    base = report.memory.base
    for layer, memory, times_ in zip(base.layers, report.memory.layers, report.layers, strict=True):
        show(console, _measure_table(layer, memory, times_.seconds, exact))
    setup = report.setup
    pinned = f", pinned to CPU {', '.join(map(str, report.cpus))}" if report.cpus else ""
    lines = [
        f"measured: torch {report.torch_version} on {report.machine},",
        f"  {report.threads} thread{'s' if report.threads != 1 else ''}{pinned}; "
        "float32, batch 1, NCHW, no bias;",
        f"  median of {setup.repeats} rounds after {setup.warmup} warm-up, variants alternating;",
        "  separable = dw then pw, run back to back",
    ]
    for line in lines:
        console.print(line, style="dim")
    if report.memory.options.device is not None:
        for line in memory_lines(report.memory.options)[3:]:
            console.print(line, style="dim")
