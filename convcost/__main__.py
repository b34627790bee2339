"""``python -m convcost`` and the ``convcost`` console script.

The command line's imports (typer, click) take a tenth of a second: a Ctrl-C during them ends
convcost with status 130 and no traceback, as it does once a command runs (``cli.main``).
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from convcost.cli import main as run
    except KeyboardInterrupt:
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
