"""Renderers: each takes a numeric report and returns text (or prints rich renderables).

Only this package turns numbers into human units; only ``render.table`` imports rich.
"""

from __future__ import annotations

import importlib
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")


def render_text(report: Any, fmt: str, **options: Any) -> str:
    """Text of a report in a machine or document format (json, csv, markdown)."""
    module = importlib.import_module(f"convcost.render.{fmt}")
    kind = type(report).__name__
    function = getattr(module, f"render_{kind}")
    text: str = function(report, **options)
    return text
