"""Renderers: each takes a numeric report and returns text (or prints rich renderables).

A format module has ``render(report)`` for every report, or ``render_<ReportClass>`` where one
report needs its own layout. Only this package turns numbers into human units, and only its table
modules (console, table, memory_table, ops_table, layout) import rich.

Tables: ``printer(report)`` is the ``print_<ReportClass>(report, console, exact)`` of the module
``PRINTERS`` names; each table module imports ``render.console`` (what every table shares) and,
where it extends the network table, ``render.table`` — never the other way round.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TextIO

FORMATS = ("table", "json", "csv", "markdown")

PRINTERS: dict[str, str] = {
    "LayerReport": "table",
    "NetworkReport": "table",
    "SweepReport": "table",
    "FitReport": "table",
    "LayerMemoryReport": "memory_table",
    "NetworkMemoryReport": "memory_table",
    "MeasureReport": "memory_table",
    "OpsReport": "ops_table",
    "Explanation": "explain",
}
"""Report class → the module of this package that prints it as a table (loaded when asked for)."""


def printer(report: Any) -> Callable[..., None]:
    """The function that prints this kind of report as a table: ``print_<ReportClass>``."""
    kind = type(report).__name__
    module = importlib.import_module(f"convcost.render.{PRINTERS[kind]}")
    found: Callable[..., None] = getattr(module, f"print_{kind}")
    return found


def render_text(report: Any, fmt: str, **options: Any) -> str:
    """Text of a report in a machine or document format (json, csv, markdown)."""
    module = importlib.import_module(f"convcost.render.{fmt}")
    kind = type(report).__name__
    function = getattr(module, f"render_{kind}", None) or module.render
    text: str = function(report, **options)
    return text


def write_text(report: Any, fmt: str, out: TextIO, **options: Any) -> None:
    """Write a report in a machine or document format: a format's ``write_<ReportClass>``
    streams a report too long to build as one text (a sweep of a million variants)."""
    module = importlib.import_module(f"convcost.render.{fmt}")
    writer = getattr(module, f"write_{type(report).__name__}", None)
    if writer is not None:
        writer(report, out, **options)
    else:
        out.write(render_text(report, fmt, **options))
