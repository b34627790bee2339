"""Rich tables for ``--ops`` and tool presets: the network's usual tables, then every other op
per layer and per kind — each kind in its own column, with its rule — and the tool's figure."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from convcost.ops import OP_NAMES, OpsReport
from convcost.render.console import new_table, show
from convcost.render.table import print_NetworkReport
from convcost.render.units import human

SHORT = {
    "bias": "bias",
    "bn": "BN",
    "relu": "ReLU",
    "relu6": "ReLU6",
    "leaky_relu": "leaky",
    "hardswish": "h-swish",
    "hardsigmoid": "h-sigm",
    "sigmoid": "sigm",
    "swish": "swish",
    "tanh": "tanh",
    "gelu": "GELU",
    "softmax": "softmax",
    "add": "add",
    "mul": "mul",
    "avgpool": "avgpool",
    "maxpool": "maxpool",
}
"""Column headers: short enough for eight kinds in 80 columns."""


def _layers(report: OpsReport, exact: bool) -> Table:
    kinds = report.kinds()
    table = new_table(f"other ops per layer ({report.counting.name}; not in mult-adds)")
    table.add_column("#", justify="right", style="dim")
    table.add_column("layer", no_wrap=True, overflow="ellipsis", max_width=18)
    for kind in kinds:
        table.add_column(SHORT[kind], justify="right", no_wrap=True)
    for index, row in enumerate(report.base.rows):
        if not report.sites[index]:
            continue
        counts = report.row_ops(index)
        cells = [human(counts[k], exact) if k in counts else "" for k in kinds]
        table.add_row(str(row.index), row.name, *cells)
    return table


def _kinds(report: OpsReport, exact: bool) -> Table:
    counting = report.counting
    table = new_table(f"other ops by kind: {counting.title}")
    table.add_column("kind", no_wrap=True)
    table.add_column("elements", justify="right", no_wrap=True)
    table.add_column("ops", justify="right", no_wrap=True)
    table.add_column("rule")
    counts, elements = report.total(), report.elements()
    for kind in report.kinds():
        table.add_row(
            OP_NAMES[kind],
            human(elements[kind], exact),
            human(counts[kind], exact),
            counting.rule(kind).text,
        )
    table.add_row("total", "", human(report.ops_total, exact), "", style="bold")
    return table


def footer(report: OpsReport, exact: bool = False) -> list[str]:
    """What the counts are, and, with a tool preset, the tool's figure as the sum it is."""
    counting = report.counting
    base = report.base
    lines = []
    if counting.counts_ops:
        lines.append(
            "other ops: counted apart per kind, never added to mult-adds (elements: what each "
            "kind touches, a pool's input)"
        )
    if counting.tool:
        weights, biases, affine, stats = report.params_parts()
        lines.append(
            f"{counting.name} params: {base.total.params:,} = {weights:,} weights + "
            f"{biases:,} biases + {affine + stats:,} BatchNorm ({counting.params})"
        )
        if report.reported is None:
            lines.append(f"{counting.title} prints no compute figure, only parameters")
        else:
            factor = " × 2" if counting.macs_factor == 2 else ""
            lines.append(
                f"{counting.name} prints {report.reported:,} = {base.total.macs:,} mult-adds"
                f"{factor} + {report.ops_total:,} other ops ({counting.figure}); "
                f"--explain {counting.name} shows the sum"
            )
    return lines


def print_OpsReport(report: OpsReport, console: Console, exact: bool = False) -> None:
    print_NetworkReport(report.base, console, exact)
    console.print()
    if report.counting.counts_ops:
        show(console, _layers(report, exact))
        show(console, _kinds(report, exact))
    for line in footer(report, exact):
        console.print(Text(line, style="dim"))
