"""rich tables laid out by hand where nothing in them needs rich's wrapping.

``render.table`` builds every table as a rich ``Table``: that is the one description of what a
table shows. Rendering one through rich's console costs ~1 ms per 10 rows (MobileNetV1's tables
~50 ms, a 10,000-layer network's 10 s); the tables convcost builds are simple (box
``SIMPLE_HEAD`` without edges, collapsed padding, single-line cells that are text), and when
they fit the console rich's layout of them is short to state: each column as wide as its widest
cell plus one space (none after the last), cells joined by the box's divider, the header rule
under the header. ``lines`` writes exactly that, segment by segment with rich's own styles, and
answers None for anything else (a cell that would wrap, a table too wide, another box); the
caller then lets rich do it. ``tests/test_layout.py`` holds the two equal, byte for byte, on
every table of the reports at widths from 40 to 200 columns, with and without colour.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text

from convcost.safe_io import printable

if TYPE_CHECKING:
    from rich.console import Console

Cell = tuple[str, "str | Style | None"]
"""A cell's text (one line) and its own style (a Text's), before justification."""


def _cell(renderable: Any) -> Cell | None:
    """A cell as text and style, or None where it is not a single line of plain text."""
    if isinstance(renderable, str):
        text = printable(renderable, keep="\n")  # what render.table's console prints
        style = None
    elif isinstance(renderable, Text):
        if renderable.spans or renderable.justify is not None:
            return None
        text, style = renderable.plain, renderable.style
    else:
        return None
    if "\n" in text or "\t" in text or "\r" in text:
        return None
    return text, style


def _is_simple(table: Table) -> bool:
    return (
        table.box is box.SIMPLE_HEAD
        and not table.show_edge
        and not table.pad_edge
        and table.collapse_padding
        and table.padding == (0, 1, 0, 1)
        and table.show_header
        and not table.show_footer
        and not table.show_lines
        and not table.leading
        and not table.row_styles
        and not table.expand
        and table.width is None
        and table.min_width is None
        and table.style in (None, "", "none")
        and not table.border_style
        and not any(row.end_section for row in table.rows)
        and all(_is_simple_column(column) for column in table.columns)
    )


def _is_simple_column(column: Column) -> bool:
    return (
        column.width is None
        and column.min_width is None
        and column.max_width is None
        and column.ratio is None
        and column.justify in ("left", "right")
        and not column.header_style
    )


class _Grid:
    """A simple table's cells, column by column, and the width rich gives each column."""

    def __init__(self, table: Table, columns: list[list[Cell]]) -> None:
        self.table = table
        self.box = box.SIMPLE_HEAD  # the only box a simple table has
        self.columns = columns
        last = len(columns) - 1
        self.pads = [0 if i == last else 1 for i in range(len(columns))]
        self.inner = [max(cell_len(text) for text, _ in cells) for cells in columns]
        # rich: a column's width is its widest cell plus padding, and at least 1
        self.widths = [(w + p) or 1 for w, p in zip(self.inner, self.pads, strict=True)]
        self.inner = [w - p for w, p in zip(self.widths, self.pads, strict=True)]

    @property
    def width(self) -> int:
        """The width rich lays the table out at: columns, and a divider between each two."""
        return sum(self.widths) + len(self.widths) - 1


def _grid(table: Table) -> _Grid | None:
    if not table.columns or not _is_simple(table):
        return None
    columns: list[list[Cell]] = []
    for column in table.columns:
        cells = [_cell(column.header)]
        cells += [_cell(c) for c in column.cells]
        if any(c is None for c in cells):
            return None
        columns.append(cells)  # type: ignore[arg-type]  # no None left
    return _Grid(table, columns)


def natural_width(table: Table) -> int | None:
    """The width rich gives ``table`` when nothing limits it, or None for a table that is not
    simple (rich must measure it)."""
    grid = _grid(table)
    return None if grid is None else grid.width


def column_width(table: Table, column: Column) -> int | None:
    """The widest cell of one column of a simple table (None otherwise)."""
    grid = _grid(table)
    return None if grid is None else grid.inner[table.columns.index(column)]


def lines(console: Console, table: Table) -> str | None:
    """The table as rich prints it on ``console``, or None: not simple, too wide for it, or on
    a console that would draw another box (ASCII where "─" cannot be encoded)."""
    grid = _grid(table)
    if grid is None or grid.width > console.width:
        return None
    if grid.box.substitute(console.options, safe=True) is not grid.box:
        return None
    colour = getattr(console, "_color_system", None)
    if colour is None:
        return "".join(_plain_lines(grid))
    return "".join(_styled_lines(console, grid, colour))


def _justify(text: str, width: int, right: bool) -> str:
    if right:
        text = text.rstrip()
        return " " * (width - cell_len(text)) + text
    return text + " " * (width - cell_len(text))


def _rule(grid: _Grid) -> str:
    return grid.box.get_row(grid.widths, "head", edge=False) + "\n"


def _plain_lines(grid: _Grid) -> Iterator[str]:
    divider = grid.box.head_vertical
    right = [c.justify == "right" for c in grid.table.columns]
    last = len(grid.columns) - 1
    for index in range(len(grid.columns[0])):
        cells = [
            _justify(cells[index][0], grid.inner[k], right[k]) + (" " if k < last else "")
            for k, cells in enumerate(grid.columns)
        ]
        yield divider.join(cells) + "\n"
        if index == 0:
            yield _rule(grid)


def _styled_lines(console: Console, grid: _Grid, colour: Any) -> Iterator[str]:
    """With colour: each cell one segment in (column or header style) + row style + its own,
    its padding in the first two, the dividers plain; rendered by rich's styles."""
    get = console.get_style
    table = grid.table
    coloured = not console.no_color
    right = [c.justify == "right" for c in table.columns]
    header = get(table.header_style or "")
    bodies = [get(c.style or "") for c in table.columns]
    divider = grid.box.head_vertical
    last = len(grid.columns) - 1

    def paint(text: str, style: Style) -> str:
        if not style or not text:
            return text
        if not coloured:
            style = style.without_color
        return style.render(text, color_system=colour, legacy_windows=console.legacy_windows)

    for index in range(len(grid.columns[0])):
        row_style = Style.null() if index == 0 else get(table.rows[index - 1].style or "")
        parts = []
        for k, cells in enumerate(grid.columns):
            text, own = cells[index]
            base = (header if index == 0 else bodies[k]) + row_style
            content = _justify(text, grid.inner[k], right[k])
            parts.append(paint(content, base + get(own) if own else base))
            if k < last:
                parts.append(paint(" ", base) + divider)
        yield "".join(parts) + "\n"
        if index == 0:
            yield _rule(grid)


def say(console: Console, text: str | Text, style: str | None = None) -> None:
    """``console.print(text, style=style)`` for lines that fit the console, written without
    rich's rendering; anything else (a line to wrap, markup of a Text) goes to rich."""
    if isinstance(text, Text):
        if text.spans or text.style or "\n" in text.plain:
            console.print(text, style=style)
            return
        plain = text.plain
    else:
        plain = printable(text, keep="\n")
    pieces = plain.split("\n")
    if any(cell_len(piece) > console.width or "\t" in piece for piece in pieces):
        console.print(text, style=style)
        return
    colour = getattr(console, "_color_system", None)
    if colour is not None and style:
        rendered = console.get_style(style)
        if console.no_color:
            rendered = rendered.without_color
        pieces = [
            rendered.render(p, color_system=colour, legacy_windows=console.legacy_windows)
            for p in pieces
        ]
    console.file.write("\n".join(pieces) + "\n")
