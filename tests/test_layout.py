"""render.layout lays out the tables of render.table by hand: byte for byte what rich prints, with
and without colour, at every width; rich itself where a table needs wrapping."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from convcost.load import load_network
from convcost.network import Conventions
from convcost.render import console as shared
from convcost.render import layout, printer, table
from convcost.report import NetworkReport, Size, analyze_network
from convcost.traffic import Options, analyze_network_memory


@contextmanager
def rich_only() -> Iterator[None]:
    """Every table, title and line printed by rich itself."""

    def say(console: Console, text: str | Text, style: str | None = None) -> None:
        console.print(text, style=style)

    with (
        mock.patch.object(layout, "lines", lambda console, t: None),
        mock.patch.object(layout, "natural_width", lambda t: None),
        mock.patch.object(layout, "column_width", lambda t, c: None),
        mock.patch.object(table, "say", say),
    ):
        yield


def printed(draw: Callable[[Console], None], width: int, colour: str | None) -> str:
    out = io.StringIO()
    console = shared._Console(
        file=out,
        width=width,
        highlight=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
        force_terminal=colour is not None,
        color_system=colour,  # type: ignore[arg-type]
    )
    draw(console)
    return out.getvalue()


def both(draw: Callable[[Console], None], width: int, colour: str | None) -> tuple[str, str]:
    mine = printed(draw, width, colour)
    with rich_only():
        theirs = printed(draw, width, colour)
    return mine, theirs


def report(name: str, convert: str | None = None, **conventions: int) -> NetworkReport:
    conv = Conventions(**conventions)  # type: ignore[arg-type]
    return analyze_network(load_network(name), Size(), conv, convert)  # type: ignore[arg-type]


WIDTHS = [40, 64, 79, 80, 109, 110, 200]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("colour", [None, "truecolor"])
@pytest.mark.parametrize(
    ("name", "convert"),
    [("mobilenet", None), ("mobilenet_v2", "standard"), ("shufflenet_v2_x1_0", None)],
)
def test_network_tables_as_rich_prints_them(
    name: str, convert: str | None, width: int, colour: str | None
) -> None:
    r = report(name, convert)
    mine, theirs = both(lambda c: table.print_NetworkReport(r, c, exact=width > 100), width, colour)
    assert mine == theirs


@pytest.mark.parametrize("width", [60, 120])
def test_memory_tables_as_rich_prints_them(width: int) -> None:
    r = analyze_network_memory(report("mobilenet"), Options("float32"))
    mine, theirs = both(lambda c: printer(r)(r, c), width, "standard")
    assert mine == theirs


def test_the_hand_layout_is_the_one_used() -> None:
    """Where rich's layout is plain, rich's table machinery is not called at all."""
    r = report("mobilenet")
    with mock.patch.object(Table, "__rich_console__", side_effect=AssertionError("rich used")):
        text = printed(lambda c: table.print_NetworkReport(r, c), 120, None)
    assert "block13/pw" in text


def names_table(names: list[str]) -> Table:
    t = shared.new_table("names")
    t.add_column("#", justify="right", style="dim")
    t.add_column("layer")
    t.add_column("share", justify="right")
    t.add_column("", no_wrap=True)
    for i, name in enumerate(names):
        t.add_row(str(i), name, "1.0%", Text("█" * i, style="cyan"))
    return t


@pytest.mark.parametrize(
    "names",
    [
        ["conv1", "[/]", "block[dw]", "a\x1b[31mred"],  # markup and escapes are data
        ["层一", "レイヤー", "emoji 🙂"],  # double-width characters
        ["two\nlines"],  # a cell of two lines: rich lays it out
        ["a name long enough to be folded at forty columns, certainly"],
    ],
)
@pytest.mark.parametrize("colour", [None, "standard"])
def test_user_text_cells(names: list[str], colour: str | None) -> None:
    mine, theirs = both(lambda c: shared.show(c, names_table(names)), 40, colour)
    assert mine == theirs


def test_what_is_not_simple_is_left_to_rich() -> None:
    wrapped = names_table(["two\nlines"])
    assert layout.natural_width(wrapped) is None
    narrow = names_table(["x" * 50])
    console = Console(file=io.StringIO(), width=40)
    assert layout.natural_width(narrow) is not None
    assert layout.lines(console, narrow) is None  # too wide: rich folds it
