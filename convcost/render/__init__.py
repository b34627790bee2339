"""Renderers: each takes a numeric report and returns text (or prints rich renderables).

A format module has ``render(report)`` for every report, or ``render_<ReportClass>`` where one
report needs its own layout. Only this package turns numbers into human units; only
``render.table`` and ``render.memory_table`` import rich.
"""

from __future__ import annotations

import importlib
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")


def render_text(report: Any, fmt: str, **options: Any) -> str:
    """Text of a report in a machine or document format (json, csv, markdown)."""
    module = importlib.import_module(f"convcost.render.{fmt}")
    kind = type(report).__name__
    function = getattr(module, f"render_{kind}", None) or module.render
    text: str = function(report, **options)
    return text
