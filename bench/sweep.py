"""A 10,000-variant sweep against five separate `convcost model mobilenet --json` runs.

Run by hand, not part of the tests, with the Python of the environment convcost is installed in:

    .venv/bin/python bench/sweep.py [--repeats 7]

The sweep is `convcost sweep mobilenet --alpha 0.01:1.0:0.01 --resolution 32:824:8 --json`
(100 widths × 100 resolutions). Each round times the sweep once and five model runs back to back,
alternating which goes first; medians over the rounds and their ratio are printed. Target
(issue 4): the sweep takes less wall time than the five model runs (ratio < 1). The sweep's
output is checked too: 10,000 rows, and its α 1.0 at 224 row is the paper's 568,740,352 /
4,209,088.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SWEEP = ["sweep", "mobilenet", "--alpha", "0.01:1.0:0.01", "--resolution", "32:824:8", "--json"]
MODEL = ["model", "mobilenet", "--json"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7, help="rounds (medians are printed)")
    args = ap.parse_args()
    here = Path(sys.executable).parent
    convcost = shutil.which("convcost", path=str(here)) or shutil.which("convcost")
    if convcost is None:
        sys.exit("convcost is not installed in this environment (pip install -e .)")

    rows = json.loads(subprocess.run([convcost, *SWEEP], capture_output=True, check=True).stdout)
    paper = [r for r in rows if r["alpha"] == 1.0 and r["resolution"] == [224, 224]]
    ok = len(rows) == 10_000 and [(r["macs"], r["params"]) for r in paper] == [
        (568_740_352, 4_209_088)
    ]
    print(f"sweep output: {len(rows):,} rows, 1.0-224 = paper: {'ok' if ok else 'MISMATCH'}")

    def sweep() -> None:
        subprocess.run([convcost, *SWEEP], capture_output=True, check=True)

    def five_models() -> None:
        for _ in range(5):
            subprocess.run([convcost, *MODEL], capture_output=True, check=True)

    jobs = {"one 10,000-variant sweep": sweep, "five `model --json` runs": five_models}
    times: dict[str, list[float]] = {name: [] for name in jobs}
    names = list(jobs)
    for r in range(args.repeats):
        for name in names[r % 2 :] + names[: r % 2]:
            start = time.perf_counter()
            jobs[name]()
            times[name].append(time.perf_counter() - start)
    print(f"median of {args.repeats} alternating rounds:")
    for name, runs in times.items():
        print(f"  {name:<28}{statistics.median(runs):7.3f} s")
    ratio = statistics.median(times[names[0]]) / statistics.median(times[names[1]])
    verdict = "ok" if ratio < 1 else "OVER TARGET"
    print(f"sweep / five model runs = {ratio:.2f} (target < 1): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
