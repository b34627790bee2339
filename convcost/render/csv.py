"""CSV: one row per (layer, variant), network layer or sweep variant; exact integers.

Text cells are escaped like every other output (a control character in a name is written as
``\x1b``, ``\n``), so a CSV shown in a terminal cannot drive it and a row is one line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TextIO

from convcost.render import records
from convcost.safe_io import printable

if TYPE_CHECKING:
    from convcost.sweeps import FitReport, SweepReport


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows under their header; with no rows, the header alone when ``columns`` are known."""
    fields = list(rows[0]) if rows else list(columns or ())
    if not fields:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows(
        [printable(v) if type(v) is str else v for v in map(row.get, fields)] for row in rows
    )
    return out.getvalue()


def render(report: Any) -> str:
    return table(records.rows(report))


def render_FitReport(report: FitReport) -> str:
    """The front; when nothing fits, its header alone (a script reads an empty table)."""
    return table(records.rows(report), records.fit_columns(report))


def write_SweepReport(report: SweepReport, out: TextIO, chunk: int = 4096) -> None:
    """``render(report)``, streamed a chunk of rows at a time: a million variants never exist
    as records."""
    keys = records.sweep_keys(report)
    at = keys.index("resolution")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    values = records.sweep_values(report)
    while True:
        rows = list(islice(values, chunk))
        if not rows:
            break
        writer.writerows(
            (*v[:at], v[at] if v[at] == v[at + 1] else f"{v[at]}x{v[at + 1]}", *v[at + 2 :])
            for v in rows
        )
        out.write(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    out.write(buffer.getvalue())
