"""Rich tables for people. The Console is passed in, so tests can fix width and colour; rich
itself respects NO_COLOR and drops colour when output is not a terminal.

User text is data: the console reads no markup or emoji codes and escapes control characters in
every string it prints. A number, shape or index is never cut with '…': a table too wide for the
console drops its optional columns first, then folds cells onto a second line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from itertools import islice
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from convcost.cost import Cost
from convcost.network import Conventions, LayerRow
from convcost.render import records
from convcost.render.console import (
    BAR_WIDTH,
    SHORT_UNIT,
    bar,
    convention_line,
    new_table,
    optional,
    show,
    unit_of,
)
from convcost.render.layout import say
from convcost.render.units import decimal, human, percent, side, times
from convcost.report import LayerComparison, LayerReport, NetworkReport, ratio, share

if TYPE_CHECKING:  # report types of optional engines, imported only when asked for
    from convcost.sweeps import FitReport, SweepReport

# --- convcost layer ---------------------------------------------------------------------------


def layer_title(layer: LayerComparison) -> str:
    m = layer.input[2]
    padding = layer.padding
    pad = f"padding {side(padding) if isinstance(padding, tuple) else padding}"
    name = f"{layer.name}: " if layer.name else ""
    return (
        f"{name}{times(layer.input)} input, {layer.output[2]} filters of "
        f"{times(layer.kernel)}×{m}, stride {side(layer.stride)}, {pad} → {times(layer.output)}"
    )


def layer_table(layer: LayerComparison, exact: bool) -> Table:
    n, kh, kw = layer.output[2], layer.kernel[0], layer.kernel[1]
    k = f"{kh}²" if kh == kw else f"({kh}·{kw})"
    caption = (
        f"separable / standard = {decimal(layer.ratio_macs)} (mult-adds), "
        f"{decimal(layer.ratio_params)} (params)\n"
        f"1/N + 1/D_K² = 1/{n} + 1/{k} = {decimal(layer.formula)}"
    )
    table = new_table(layer_title(layer), caption)
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
        show(console, layer_table(layer, exact))
    if len(report.layers) > 1:
        table = new_table(f"total of {len(report.layers)} layers")
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
    say(console, multipliers, style="dim")
    say(console, convention_line(Conventions(bias=report.bias)), style="dim")


# --- convcost model ---------------------------------------------------------------------------


def type_column(row: LayerRow) -> str:
    """The paper's "Type / Stride" column: conv/s2, dw/s1, pw, fc."""
    stride = f"/s{side(row.stride)}" if row.kind in ("conv", "dw", "pool") else ""
    return f"{row.kind}{stride}"


def _layers_table(report: NetworkReport, console: Console, exact: bool) -> Table:
    unit, factor = unit_of(report.conventions)
    total = report.total
    variant = report.variant
    title = (
        f"{report.model} · α {float(variant.alpha):g} · {times(report.resolution)} input · "
        f"{report.classes} classes"
    )
    if variant.min_channels is not None:
        title += f" · at least {variant.min_channels} channels"
    table = new_table(title)
    wide = console.width >= 110  # an 80-column terminal drops the input column (= previous output)
    froms = records.sources(report.rows)
    # a chain needs no "from" column, nor do a bottleneck's residual adds ("+ input" says it)
    graph = any(
        source and not (row.node is not None and row.node.role == "add")
        for row, source in zip(report.rows, froms, strict=True)
    )
    table.add_column("#", justify="right", style="dim")
    if graph:
        table.add_column("from", justify="right", style="dim", no_wrap=True)
    table.add_column("layer", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("filter", no_wrap=True)
    if wide:
        table.add_column("input", justify="right", no_wrap=True)
    table.add_column("output", justify="right", no_wrap=True)
    table.add_column(unit if wide else SHORT_UNIT[unit], justify="right", no_wrap=True)
    table.add_column("params", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    largest = max((row.cost.macs for row in report.rows), default=0)
    for row, source in zip(report.rows, froms, strict=True):
        shape = records.filter_shape(row)
        cells = [str(row.index), *([source] if graph else [])]
        if wide:
            cells += [row.name, type_column(row), shape, times(row.input)]
        else:
            cells += [row.name, type_column(row), shape.removesuffix(" dw")]
        cells += [
            times(row.output),
            human(row.cost.macs * factor, exact),
            human(row.cost.params, exact),
        ]
        macs = row.cost.macs
        table.add_row(
            *cells,
            percent(share(macs, total.macs), 1),
            bar(macs, largest, BAR_WIDTH if wide else 4),
        )
    return table


def summary(report: NetworkReport, exact: bool) -> Table:
    unit, factor = unit_of(report.conventions)
    total, base = report.total, report.baseline
    table = new_table("summary")
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


TYPE_NAMES = {
    "conv": "conv (standard)",
    "dw": "depthwise",
    "pw": "pointwise 1×1",
    "fc": "fully connected",
    "pool": "pool",
    "add": "residual add",
}


def _by_type(report: NetworkReport, exact: bool) -> Table:
    unit, factor = unit_of(report.conventions)
    total = report.total
    table = new_table("by layer type (paper Table 2)")
    for column in ("type", unit, "%", "params", "% "):
        table.add_column(column, justify="left" if column == "type" else "right")
    for kind, c in report.by_type().items():
        table.add_row(
            TYPE_NAMES.get(kind, kind),
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


def side_by_side(report: NetworkReport, exact: bool) -> Table:
    unit, factor = unit_of(report.conventions)
    mine, other = _blocks(report.rows), _blocks(report.converted_rows)
    table = new_table(f"as {report.converted}: block by block")
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
    layers = _layers_table(report, console, exact)
    show(console, layers, optional(layers, "input", "", "filter", "from"))
    show(console, summary(report, exact))
    show(console, _by_type(report, exact))
    if report.converted is not None:
        show(console, side_by_side(report, exact))
    for line in records.not_counted_lines(report, exact):
        say(console, Text(line))
    residual = any(row.kind == "add" for row in report.rows)
    say(console, convention_line(report.conventions, residual), style="dim")


# --- convcost sweep / fit ---------------------------------------------------------------------

_COOL, _MID, _HOT = (46, 160, 67), (214, 170, 0), (214, 60, 50)


def heat(value: int, low: int, high: int) -> str:
    """A colour from green (cheapest) through yellow to red (dearest), on a log scale, since cost
    grows with α² and ρ²."""
    import math

    t = 0.0
    if high > low > 0 and value > 0:  # math.log of an int works at any size, a quotient may not
        t = (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    a, b, t = (_COOL, _MID, 2 * t) if t < 0.5 else (_MID, _HOT, 2 * t - 1)
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return f"rgb({r},{g},{bl})"


def _alpha(alpha: Fraction) -> str:
    return f"{float(alpha):g}"


def _column(rho: Fraction | None, hw: tuple[int, int]) -> str:
    return side(hw) if rho is None else f"{side(hw)}\nρ {float(rho):.3g}"


MAX_GRID_ROWS = 100
"""Widths a grid of mult-adds shows (one row each); more are in the list, --plot or a CSV."""


def _grids(report: SweepReport, exact: bool) -> list[Table]:
    """α rows × resolution columns of mult-adds, coloured by cost, and each α's params in a last
    column; or a second grid of params when they depend on the resolution (an fc that reads a
    map larger than 1×1)."""
    unit, factor = unit_of(report.conventions)
    by_alpha = list(report.by_alpha())
    built = {row.resolution for _, rows in by_alpha for row in rows}
    sides = [s for s in report.sides if s[1] in built]
    cells = {(row.alpha, row.resolution, row.rho): row for _, rows in by_alpha for row in rows}
    alphas = [alpha for alpha, _ in by_alpha]
    per_alpha = {alpha: {r.cost.params for r in rows} for alpha, rows in by_alpha}
    one_column = all(len(p) == 1 for p in per_alpha.values())
    grids = [("macs", f"{report.model}: {unit} by width α (rows) and input resolution (columns)")]
    if not one_column:
        grids.append(("params", f"{report.model}: params by width α and input resolution"))
    tables = []
    for key, title in grids:
        values = [getattr(row.cost, key) for row in cells.values()]
        low, high = min(values), max(values)
        table = new_table(title)
        table.add_column("α", justify="right", style="bold")
        for rho, hw in sides:
            table.add_column(_column(rho, hw), justify="right", no_wrap=True)
        if one_column:
            table.add_column("params", justify="right", no_wrap=True)
        for alpha in alphas:
            row_cells: list[Text | str] = [_alpha(alpha)]
            for rho, hw in sides:
                row = cells[(alpha, hw, rho)]  # skipped α rows and columns are not in the grid
                value = getattr(row.cost, key)
                shown = human(value * (factor if key == "macs" else 1), exact)
                row_cells.append(Text(shown, style=heat(value, low, high)))
            if one_column:
                row_cells.append(human(next(iter(per_alpha[alpha])), exact))
            table.add_row(*row_cells)
        tables.append(table)
    return tables


def _grid_width(report: SweepReport, exact: bool) -> int:
    widest = 11 if exact else 6
    return 6 + (widest + 2) * (len(report.sides) + 1)


def _is_paper(alpha: Fraction, hw: tuple[int, int]) -> bool:
    """One of the paper's 16 models (α 1, 0.75, 0.5, 0.25 × 224, 192, 160, 128)."""
    from convcost.sweeps import PAPER_ALPHAS, PAPER_RESOLUTIONS

    return alpha in PAPER_ALPHAS and hw[0] == hw[1] and hw[0] in PAPER_RESOLUTIONS


class _VariantList:
    """Every variant, one line each, laid out by hand and streamed: a rich Table takes seconds
    to render 10,000 rows, and a million would not fit in memory. The column widths come from a
    first pass over the variants, the lines from a second."""

    def __init__(self, report: SweepReport, exact: bool) -> None:
        self.report, self.exact = report, exact
        unit, self.factor = unit_of(report.conventions)
        self.largest = report.largest
        self.by_rho = any(rho is not None for rho, _ in report.sides)
        from convcost.sweeps import PAPER_ALPHAS, PAPER_RESOLUTIONS

        squares = {hw[0] for hw in report.resolutions_built if hw[0] == hw[1]}
        self.marked = (
            len(report.rows) > 16
            and any(a in PAPER_ALPHAS for a in report.alphas_built)
            and any(r in squares for r in PAPER_RESOLUTIONS)
        )
        self.over = ["", "", "", "", "", unit, "params"]
        self.head = ["α", "ρ", "resolution", unit, "params", "× largest", "× largest"]
        self.keep = [k for k in range(len(self.head)) if k != 1 or self.by_rho]

    def rows(self) -> Iterator[tuple[bool, list[str]]]:
        """(the paper's?, cells) of each variant; what belongs to a width or a resolution is
        formatted once for all its variants."""
        exact, factor = self.exact, self.factor
        top = self.largest.cost
        sides: dict[tuple[Fraction | None, tuple[int, int]], tuple[str, str]] = {}
        for alpha, rows in self.report.by_alpha():
            shown = _alpha(alpha)
            last: tuple[int, str, str] | None = None
            for row in rows:
                rho, hw, macs, params = row.rho, row.resolution, row.cost.macs, row.cost.params
                column = sides.get((rho, hw))
                if column is None:
                    rho_text = "" if rho is None else f"{float(rho):.3g}"
                    column = sides[(rho, hw)] = (rho_text, side(hw))
                if last is None or last[0] != params:
                    last = (params, human(params, exact), f"{share(params, top.params):.3f}")
                cells = [
                    shown,
                    column[0],
                    column[1],
                    human(macs * factor, exact),
                    last[1],
                    f"{share(macs, top.macs):.3f}",
                    last[2],
                ]
                yield self.marked and _is_paper(alpha, hw), cells

    def write(self, console: Console) -> None:
        keep = self.keep
        widths = {k: max(len(self.head[k]), len(self.over[k])) for k in keep}
        for _, cells in self.rows():
            for k in keep:
                if len(cells[k]) > widths[k]:
                    widths[k] = len(cells[k])

        def line(cells: Sequence[str]) -> str:
            return "  ".join(cells[k].rjust(widths[k]) for k in keep)

        colour = getattr(console, "_color_system", None)
        bold = console.get_style("bold")
        if console.no_color:
            bold = bold.without_color

        def strong(text: str) -> str:
            if colour is None:
                return text
            return bold.render(text, color_system=colour, legacy_windows=console.legacy_windows)

        write = console.file.write
        write(f"{strong(line(self.over))}\n{strong(line(self.head))}\n")
        write("─" * (sum(widths.values()) + 2 * (len(keep) - 1)) + "\n")
        rows = self.rows()
        while True:
            chunk = [
                f"{strong(line(cells)) if paper else line(cells)}\n"
                for paper, cells in islice(rows, 4096)
            ]
            if not chunk:
                break
            write("".join(chunk))

    def caption(self) -> str:
        note = "; bold: the paper's 16 models (Tables 6, 7)" if self.marked else ""
        return f"× largest: against {records.variant_name(self.largest)}{note}"


def _sweep_footer(report: SweepReport) -> str:
    return f"{report.classes} classes\n" + convention_line(report.conventions)


def print_SweepReport(report: SweepReport, console: Console, exact: bool = False) -> None:
    if _grid_width(report, exact) > console.width:
        say(
            console,
            f"(grid of {len(report.sides)} resolutions omitted: wider than {console.width} "
            "columns; see the list, --plot or --format csv)",
            style="dim",
        )
    elif len(report.alphas_built) > MAX_GRID_ROWS:
        say(
            console,
            f"(grid of {len(report.alphas_built):,} widths omitted: more than {MAX_GRID_ROWS} "
            "rows; see the list, --plot or --format csv)",
            style="dim",
        )
    else:
        for grid in _grids(report, exact):
            show(console, grid)
    variants = _VariantList(report, exact)
    console.print(Text(f"{len(report.rows):,} variants", style="bold"))
    variants.write(console)
    say(console, variants.caption())
    say(console, "")
    say(console, _sweep_footer(report), style="dim")


def _budget(used: int, budget: int | None) -> str:
    return "" if budget is None else percent(ratio(used, budget), 1)


def print_FitReport(report: FitReport, console: Console, exact: bool = False) -> None:
    unit, factor = unit_of(report.sweep.conventions)
    limits = []
    if report.max_macs is not None:
        limits.append(f"≤ {human(report.max_macs * factor, exact)} {unit}")
    if report.max_params is not None:
        limits.append(f"≤ {human(report.max_params, exact)} params")
    wanted = " and ".join(limits)
    total = len(report.sweep.rows)
    if not report.front:
        console.print(f"{report.sweep.model}: no variant of {total:,} fits {wanted}", style="bold")
        for line in records.nothing_fits(report, exact):
            console.print(line)
        console.print()
        console.print(_sweep_footer(report.sweep), style="dim")
        return
    console.print(
        f"{report.sweep.model}: {report.fitting:,} of {total:,} variants fit {wanted}", style="bold"
    )
    table = new_table(
        f"the front: the {len(report.front)} largest that fit (no other has both α and "
        "resolution at least as large), most mult-adds first"
    )
    for column in ("α", "resolution", unit, "of budget", "params", "of budget "):
        table.add_column(column, justify="right", no_wrap=True)
    for row in report.front:
        table.add_row(
            _alpha(row.alpha),
            side(row.resolution),
            human(row.cost.macs * factor, exact),
            _budget(row.cost.macs, report.max_macs),
            human(row.cost.params, exact),
            _budget(row.cost.params, report.max_params),
        )
    show(console, table)
    console.print(_sweep_footer(report.sweep), style="dim")


@contextlib.contextmanager
def progress_bar(total: int) -> Iterator[Callable[[int], None]]:
    """A transient bar on stderr; the callback takes the number of variants done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("variants", total=total)
        yield lambda done: bar.update(task, completed=done)
