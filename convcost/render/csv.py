"""CSV: one row per (layer, variant), network layer or sweep variant; exact integers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from convcost.render import records


def table(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def render(report: Any) -> str:
    return table(records.rows(report))
