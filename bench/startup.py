"""Start-up: `convcost model mobilenet --json` against starting Python with the libraries it needs.

Run by hand, not part of the tests, with the Python of the environment convcost is installed in:

    .venv/bin/python bench/startup.py [--repeats 30]

Each round runs every command once in a fresh interpreter, rotating which goes first (so caches,
CPU frequency and neighbours weigh on all alike); medians over the rounds are printed, with each
command's ratio to the baseline `python -c "import typer, pydantic"` measured in the same run.
Target (issue 4): convcost model mobilenet --json within 1.3× of the baseline.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.3


def commands() -> dict[str, list[str]]:
    here = Path(sys.executable).parent
    convcost = shutil.which("convcost", path=str(here)) or shutil.which("convcost")
    if convcost is None:
        sys.exit("convcost is not installed in this environment (pip install -e .)")
    py = [sys.executable]
    return {
        'python -c "import typer, pydantic"': [*py, "-c", "import typer, pydantic"],
        "convcost model mobilenet --json": [convcost, "model", "mobilenet", "--json"],
        "convcost sweep mobilenet --json": [convcost, "sweep", "mobilenet", "--json"],
        "convcost model mobilenet (table)": [convcost, "model", "mobilenet"],
        'python -c "pass"': [*py, "-c", "pass"],
    }


def measure(cmds: dict[str, list[str]], repeats: int) -> dict[str, list[float]]:
    names = list(cmds)
    times: dict[str, list[float]] = {n: [] for n in names}
    for n in names:  # warm the file cache once, untimed
        subprocess.run(cmds[n], capture_output=True, check=True)
    for r in range(repeats):
        for n in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            subprocess.run(cmds[n], capture_output=True, check=True)
            times[n].append(time.perf_counter() - start)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=30, help="rounds (medians are printed)")
    args = ap.parse_args()
    cmds = commands()
    times = measure(cmds, args.repeats)
    base_name = next(iter(cmds))
    base = statistics.median(times[base_name])
    print(f"median of {args.repeats} alternating rounds ({sys.executable}):")
    for name, runs in times.items():
        med = statistics.median(runs)
        print(f"  {name:<36}{med * 1000:8.1f} ms  {med / base:5.2f}× baseline")
    ratio = statistics.median(times["convcost model mobilenet --json"]) / base
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(f"convcost model mobilenet --json / import typer, pydantic = {ratio:.2f} ")
    print(f"(target <= {TARGET}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
