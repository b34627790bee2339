"""``python -m convcost`` and the ``convcost`` console script: ``cli.main`` with two costs of
the interpreter taken out.

- The cyclic garbage collector is off for the whole run. Everything convcost builds is either
  kept to the end or freed by reference counting (records, rows, nodes hold no cycles): the
  collector's passes find nothing, and cost a few ms of every start-up (tens of thousands of
  modules' objects) and about 30% of a 100,000-layer network. Tests and library callers run
  ``cli.main`` with the collector as they have it.
- Once stdout and stderr are flushed the process ends with ``os._exit``: the interpreter's
  teardown (clearing every module, a last collection) is a tenth of a short run and nothing of
  convcost needs it (files are closed by ``with``; atexit handlers still run).

The command line's imports (typer, click) take a tenth of a second: a Ctrl-C during them ends
convcost with status 130 and no traceback, as it does once a command runs. The invocation
scripts make most, ``convcost model NAME [--json]``, needs none of them (``shell.plain``).
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    gc.disable()
    try:
        from convcost import shell

        plain = shell.plain(sys.argv[1:])
        if plain is not None:  # `convcost model NAME [--json]`: no command line to build
            _exit(shell.guarded(plain))
        from convcost.cli import main as run
    except KeyboardInterrupt:
        sys.exit(130)
    try:
        run()
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    _exit(code)


def _exit(code: int | str | None) -> None:
    """End now, as ``sys.exit(code)`` would but without the teardown."""
    import atexit

    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # cli.main has reported a failed write already
    os._exit(code)


if __name__ == "__main__":
    main()
