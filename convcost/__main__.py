"""``python -m convcost`` and the ``convcost`` console script: ``cli.main`` with two start-up
costs taken out.

- The cyclic garbage collector is off while the modules load and the command is built: tens of
  thousands of long-lived objects and none of them garbage, so its passes find nothing (a few
  ms of every run). ``cli.main`` freezes what was loaded and turns the collector back on before
  the command runs, so a long sweep collects as usual.
- Once stdout and stderr are flushed the process ends with ``os._exit``: the interpreter's
  teardown (clearing every module, a last collection) is a tenth of a short run and nothing of
  convcost needs it (files are closed by ``with``; atexit handlers still run).

The command line's imports (typer, click) take a tenth of a second: a Ctrl-C during them ends
convcost with status 130 and no traceback, as it does once a command runs. Tests call
``cli.main`` in-process and are unaffected.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    gc.disable()
    try:
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
