"""What every report does for a caller of the library: its JSON document as a dict, its text in
any format, and its table when shown in a terminal (rich) or a notebook (IPython). The report
types (report.py, traffic.py, sweeps.py, timing.py) take these as methods; rendering is imported
only when one is called, so the numbers never wait for the renderers.
"""

from __future__ import annotations

from typing import Any


def to_dict(report: Any) -> Any:
    """The CLI's JSON document of this report (exact integers; a sweep is a list of rows)."""
    from convcost.render.records import document

    return document(report)


def text(report: Any, fmt: str = "table", exact: bool = False, width: int = 100) -> str:
    """The report as the CLI prints it: ``table`` (no colour, ``width`` columns), ``json``,
    ``csv`` or ``markdown``."""
    if fmt != "table":
        from convcost.render import render_text

        return render_text(report, fmt)
    import io

    from convcost.render import printer
    from convcost.render.console import make_console

    out = io.StringIO()
    printer(report)(report, make_console(file=out, width=width, color=False), exact=exact)
    return out.getvalue()


def rich_console(report: Any, console: Any, options: Any) -> Any:
    """rich's protocol (``rich.print(report)``, a notebook with rich): the table, in colour when
    the console has colour, at the console's width."""
    from convcost.render.console import renderables

    yield from renderables(report, console, options.max_width)


def repr_pretty(report: Any, printer: Any, cycle: bool) -> None:
    """IPython's protocol: a notebook or an IPython prompt shows the table."""
    printer.text(text(report) if not cycle else f"{type(report).__name__}(...)")


class Shown:
    """What every report type does (a mixin: a NamedTuple's fields go in a base class of their
    own, the report class inherits both)."""

    __slots__ = ()

    def to_dict(self) -> Any:
        """The CLI's JSON document of this report."""
        return to_dict(self)

    def text(self, fmt: str = "table", exact: bool = False, width: int = 100) -> str:
        """The report as the CLI prints it, in ``fmt`` (table, json, csv, markdown)."""
        return text(self, fmt, exact, width)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        return rich_console(self, console, options)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        repr_pretty(self, printer, cycle)
