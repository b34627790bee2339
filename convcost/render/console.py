"""The console every table is printed on, and what every table shares: made to fit the terminal
without cutting a number, shape or index (drop the optional columns, then fold text), titled and
captioned on lines of their own, laid out by hand where rich's layout is plain.

User text is data: the console reads no markup or emoji codes and escapes control characters in
every string it prints. The Console is passed in, so tests can fix width and colour; rich itself
respects NO_COLOR and drops colour when output is not a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from convcost.network import BATCH_NORM, Conventions
from convcost.render import layout
from convcost.render.layout import say
from convcost.safe_io import printable

BAR_WIDTH = 6
SHORT_UNIT = {"mult-adds": "MACs", "FLOPs": "FLOPs"}
PIPE_WIDTH = 1000
"""The width of output that is not a terminal (a file, a pipe) and has no COLUMNS: wide enough
that every table fits at its natural width."""


class _Console(Console):
    def render_str(self, text: str, **options: Any) -> Text:
        """Every string printed is data: no markup (a layer named '[/]' is '[/]'), no emoji codes,
        control characters escaped (a newline stays a line break)."""
        options.update(markup=False, emoji=False)
        return super().render_str(printable(text, keep="\n"), **options)


def make_console(
    file: IO[str] | None = None, width: int | None = None, color: bool = True
) -> Console:
    """The terminal's console: rich decides width and colour (NO_COLOR, not a terminal); output
    that is not a terminal is as wide as its tables, unless COLUMNS says otherwise. With a
    ``file`` (the library's ``report.text()``), that width and no colour unless asked."""
    if file is not None:
        return _Console(
            file=file,
            width=width,
            highlight=False,
            soft_wrap=False,
            markup=False,
            emoji=False,
            color_system="truecolor" if color else None,
            force_terminal=color,
        )
    console = _Console(highlight=False, soft_wrap=False, markup=False, emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def renderables(report: Any, console: Console, width: int) -> Iterator[Text]:
    """The report's tables as rich renderables for another console (``rich.print(report)``, a
    notebook with rich): printed at that width, in colour if it has colour."""
    import io

    out = io.StringIO()
    color = console.color_system is not None
    from convcost.render import printer

    printer(report)(report, make_console(file=out, width=width, color=color), exact=False)
    yield Text.from_ansi(out.getvalue().removesuffix("\n"))  # the console ends the line


def convention_line(conv: Conventions, residual: bool = False) -> str:
    unit = "FLOPs = 2×MACs; " if conv.flops else ""
    bias = "with bias" if conv.bias else "no bias"
    bn = BATCH_NORM.get(conv.bn_params, f"BatchNorm {conv.bn_params}/channel")
    preset = f"{conv.preset} convention: " if conv.preset else ""
    free = "pooling, activations, residual adds" if residual else "pooling and activations"
    return (
        f"{preset}{unit}mult-adds = multiply-accumulates (MACs)\n"
        f"parameters: weights, {bias}, {bn}; {free} free"
    )


def new_table(title: str | None = None, caption: str | None = None) -> Table:
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


def natural_width(console: Console, table: Table) -> int:
    """The width a table takes when nothing limits it."""
    width = layout.natural_width(table)
    if width is not None:
        return width
    return console.measure(table, options=console.options.update_width(10**6)).maximum


def fit(console: Console, table: Table, optional: Sequence[Column] = ()) -> None:
    """Make a table fit the console without cutting a number, shape or index: drop the
    ``optional`` columns, least important first, while it is too wide; then let the text columns
    (left-aligned: names, types) fold onto more lines, and only if that is not enough the numbers
    too. Nothing ends in '…'."""
    for column in optional:
        if natural_width(console, table) <= console.width:
            return
        table.columns.remove(column)
        for index, kept in enumerate(table.columns):
            kept._index = index  # rich pads a column by its position (first, last, inner)
    width = natural_width(console, table)
    if width <= console.width:
        return
    text = [c for c in table.columns if c.justify in ("left", "default")]
    folded = sum(max(_column_width(console, table, c) - _FOLDED, 0) for c in text)
    only_text = width - folded <= console.width
    for column in table.columns:
        if only_text and column not in text:
            column.no_wrap = True  # rich shrinks the wrappable columns only: keep numbers whole
        else:
            column.no_wrap, column.overflow = False, "fold"


_FOLDED = 4
"""Columns a folded text column keeps, at least."""


def _column_width(console: Console, table: Table, column: Column) -> int:
    width = layout.column_width(table, column)
    if width is not None:
        return width
    cells = [column.header, *column.cells]
    return max(
        console.measure(cell, options=console.options.update_width(10**6)).maximum for cell in cells
    )


def show(console: Console, table: Table, optional: Sequence[Column] = ()) -> None:
    """Print a table that fits (``fit``), its title above and its caption below; laid out by
    hand where rich's layout is plain (``render.layout``), by rich otherwise."""
    fit(console, table, optional)
    title, caption = table.title, table.caption
    table.title = table.caption = None
    if title:
        say(console, str(title), style="bold")
    text = layout.lines(console, table)
    if text is None:
        console.print(table)
    else:
        console.file.write(text)
    if caption:
        say(console, str(caption))
    say(console, "")


def bar(part: int | Fraction, largest: int | Fraction, width: int = BAR_WIDTH) -> Text:
    """'████': a part drawn as a bar, scaled to the largest."""
    scaled = float(part / largest) if largest else 0.0  # int / int is float(Fraction(...))
    return Text("█" * round(scaled * width), style="cyan")


def unit_of(conv: Conventions) -> tuple[str, int]:
    return ("FLOPs", 2) if conv.flops else ("mult-adds", 1)


def optional(table: Table, *headers: str) -> list[Column]:
    """The columns of a table with these headers, in this order: what ``fit`` may drop."""
    by_header = {str(column.header): column for column in table.columns}
    return [by_header[h] for h in headers if h in by_header]
