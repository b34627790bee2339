"""Renderers: each takes a numeric report and returns text (or prints rich renderables).

A format module has ``render(report)`` for every report, or ``render_<ReportClass>`` where one
report needs its own layout. Only this package turns numbers into human units; only
``render.table`` and ``render.memory_table`` import rich.
"""

from __future__ import annotations

import importlib
from typing import Any, TextIO

FORMATS = ("table", "json", "csv", "markdown")


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
