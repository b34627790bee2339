"""The process boundary of the command line, without typer: what a run prints when it fails, how
a report reaches stdout, and the one invocation answered without building the command line.

``guarded(body)`` runs a command: bad input (a ``ConvcostError``) → one line per problem on stderr,
status 2; a write to stdout that fails, from any command or format: a reader that went away
(``| head``) ends quietly with 141 (128 + SIGPIPE, as other Unix tools), anything else (a full
disk, a closed stdout) is one line as coreutils print it, status 74; Ctrl-C, 130.

``plain(argv)``: ``convcost model NAME`` and ``convcost model NAME --json`` are what people and
scripts type most. Typer takes most of such a run's time (its import alone is about as long as the
rest), so those exact invocations — a network, and the JSON flag or nothing — are answered here by
the same library call and the same writer the ``model`` command uses; every other invocation goes
to typer. A test holds the two paths to the same bytes and the same errors.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from typing import Any

from convcost import safe_io
from convcost.errors import ConvcostError

ERROR = "convcost: error: "

FLAGS = {
    "input_size": "--input-size",
    "channels": "--channels",
    "kernel_size": "--kernel-size",
    "filters": "--filters",
    "stride": "--stride",
    "padding": "--padding",
    "alpha": "--alpha",
    "rho": "--rho",
    "resolution": "--resolution",
    "classes": "--classes",
    "min_channels": "--min-channels",
    "preset": "--preset",
    "as_": "--as",
    "max_macs": "--max-macs",
    "max_params": "--max-params",
    "min_alpha": "--min-alpha",
    "min_resolution": "--min-resolution",
    "dtype": "--dtype",
    "memory": "--memory (or --dtype, --device)",
    "ops": "--ops",
    "explain": "--explain",
}
"""The library's argument names as this command line spells them (for its messages)."""


def emit(report: Any, fmt: str, exact: bool = False) -> None:
    """Render a report to stdout in the chosen format (rich is imported for tables only), every
    digit of every integer."""
    with safe_io.all_digits():
        if fmt == "table":
            from convcost.render import printer
            from convcost.render.console import make_console

            printer(report)(report, make_console(), exact=exact)
        else:
            from convcost.render import write_text

            write_text(report, fmt, sys.stdout)


def guarded(body: Callable[[], int]) -> int:
    """Run ``body`` (a command) and return the process's exit status."""
    with safe_io.guarded_stdout() as stdout:
        try:
            try:
                code = body()
            except ConvcostError as exc:
                safe_io.to_stderr(safe_io.problem_lines(ERROR, exc.problems))
                code = 2
            stdout.flush()
        except safe_io.OutputError as exc:
            stdout.silence()
            if exc.errno != errno.EPIPE:
                safe_io.to_stderr([f"{ERROR}write error: {exc}\n"])
            code = safe_io.EXIT_PIPE if exc.errno == errno.EPIPE else safe_io.EXIT_OUTPUT
        except KeyboardInterrupt:
            code = 130
    return code


_FORMATS = {
    (): "table",
    ("--json",): "json",
    ("--format", "json"): "json",
    ("-f", "json"): "json",
    ("--format=json",): "json",
    ("-fjson",): "json",
}


def plain(argv: list[str]) -> Callable[[], int] | None:
    """The command of ``model NAME`` or ``model NAME --json`` (``--format json``), nothing
    else; None for every other invocation, which typer parses."""
    if len(argv) < 2 or argv[0] != "model" or argv[1].startswith("-"):
        return None
    fmt = _FORMATS.get(tuple(argv[2:]))
    if fmt is None:
        return None
    name = argv[1]

    def body() -> int:
        from convcost import api

        emit(api.model(name, labels=FLAGS), fmt)
        return 0

    return body
