"""Sweeps at the million-variant cap: time and peak memory against writing the same rows with
the C JSON encoder, in one run.

Run by hand, not part of the tests:

    .venv/bin/python bench/sweep.py [--repeats 3] [--venv DIR ...] [--small]

The sweep is issue 11's and 14's `convcost sweep mobilenet --alpha 0.01:4:0.01 --resolution
1:2500:1` (400 widths × 2,500 resolutions = 1,000,000 variants). Measured, each in a fresh
process (median wall time, largest resident memory over the rounds):

- `--json`, and the floor: the same rows (read back from convcost's output, untimed) written
  with `json.dumps` (the C encoder: no indent) to /dev/null, timed in this process;
- the table, `-f csv`, and `fit ... --max-macs 300M --json` of the same grid;
- `--plot` of 250,000 variants (100 widths × 2,500 resolutions) as PNG.

Targets (issue 14): JSON within 1.5× of the floor, peak memory below 150 MiB and independent of
the grid. `--small` runs issue 4's check instead: a 10,000-variant sweep against five `model
--json` runs (target < 1). Each `--venv` is measured with the same commands (an older checkout
side by side); children run with bytecode caching on (timing.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import Timing, alternate, child_env, default_venv, load, script, verdict

GRID = ["--alpha", "0.01:4:0.01", "--resolution", "1:2500:1"]
PLOT_GRID = ["--alpha", "0.01:1:0.01", "--resolution", "1:2500:1"]
SMALL = ["sweep", "mobilenet", "--alpha", "0.01:1.0:0.01", "--resolution", "32:824:8", "--json"]


FLOOR = """
import json, os, statistics, sys, time
rows = json.loads(open(sys.argv[1], "rb").read())
times = []
with open(os.devnull, "w", encoding="utf-8") as devnull:
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        devnull.write(json.dumps(rows, ensure_ascii=False))
        times.append(time.perf_counter() - start)
print(statistics.median(times))
"""


def floor_seconds(python: str, answer: Path, repeats: int) -> float:
    """json.dumps (the C encoder) of the rows convcost wrote, and writing them: the median, timed
    in a child (so that this process never holds the rows: a child forked from a large parent
    reports the parent's memory as its own)."""
    done = subprocess.run(
        [python, "-c", FLOOR, str(answer), str(repeats)], capture_output=True, check=True
    )
    return float(done.stdout)


def commands(venv: Path, tag: str, plot: Path) -> dict[str, list[str]]:
    exe = script(venv, "convcost")
    sweep = [exe, "sweep", "mobilenet", *GRID]
    fit = [exe, "fit", "mobilenet", *GRID, "--max-macs", "300M", "--json"]
    plotted = [exe, "sweep", "mobilenet", *PLOT_GRID, "--json", "--plot", str(plot)]
    return {
        f"{tag}sweep --json (1,000,000)": [*sweep, "--json"],
        f"{tag}sweep table (1,000,000)": sweep,
        f"{tag}sweep -f csv (1,000,000)": [*sweep, "-f", "csv"],
        f"{tag}fit --max-macs 300M --json (1,000,000)": fit,
        f"{tag}sweep --plot (250,000)": plotted,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="rounds (medians are printed)")
    ap.add_argument("--venv", type=Path, action="append", help="a venv with convcost installed")
    ap.add_argument("--small", action="store_true", help="issue 4's 10,000-variant check")
    args = ap.parse_args()
    venvs = args.venv or [default_venv()]
    if args.small:
        return small(script(venvs[-1], "convcost"), args.repeats)
    tags = {v: (f"[{i}] " if len(venvs) > 1 else "") for i, v in enumerate(venvs)}
    with tempfile.TemporaryDirectory() as tmp:
        answer = Path(tmp) / "answer.json"
        with answer.open("wb") as out:
            last = script(venvs[-1], "convcost")
            cmd = [last, "sweep", "mobilenet", *GRID, "--json"]
            subprocess.run(cmd, stdout=out, check=True, env=child_env())
        floor = floor_seconds(script(venvs[-1], "python"), answer, args.repeats)
        answer.unlink()
        cmds: dict[str, list[str]] = {}
        for venv in venvs:
            cmds |= commands(venv, tags[venv], Path(tmp) / f"plot{len(cmds)}.png")
        results = alternate(cmds, args.repeats, child_env(), warm=0)
    print(f"median of {args.repeats} rounds, {load()}; peak: largest resident set")
    for venv in venvs:
        print(f"{tags[venv]}{venv}")
    print(f"  floor: json.dumps (C encoder) of the same 1,000,000 rows, written: {floor:.2f} s")
    for name, t in results.items():
        print(f"  {name:<52}{t.wall:8.2f} s{t.peak_mib:8.0f} MiB")
    failed = 0
    for venv in venvs:
        tag = tags[venv]
        t: Timing = results[f"{tag}sweep --json (1,000,000)"]
        ratio = t.wall / floor
        failed += ratio > 1.5 or t.peak_mib >= 150
        print(
            f"{tag}sweep --json / C encoder = {ratio:.2f} (target <= 1.5): {verdict(ratio, 1.5)}; "
            f"peak {t.peak_mib:.0f} MiB (target < 150): {verdict(t.peak_mib, 149.99)}"
        )
    return 1 if failed else 0


def small(exe: str, repeats: int) -> int:
    """Issue 4: one 10,000-variant sweep against five `model --json` runs."""
    env = child_env()
    rows = json.loads(subprocess.run([exe, *SMALL], capture_output=True, check=True).stdout)
    paper = [r for r in rows if r["alpha"] == 1.0 and r["resolution"] == [224, 224]]
    ok = len(rows) == 10_000 and [(r["macs"], r["params"]) for r in paper] == [
        (568_740_352, 4_209_088)
    ]
    print(f"sweep output: {len(rows):,} rows, 1.0-224 = paper: {'ok' if ok else 'MISMATCH'}")
    model = [exe, "model", "mobilenet", "--json"]
    times: dict[str, list[float]] = {"one 10,000-variant sweep": [], "five `model --json`": []}
    for r in range(repeats):
        for name in list(times)[r % 2 :] + list(times)[: r % 2]:
            start = time.perf_counter()
            for cmd in [[exe, *SMALL]] if name.startswith("one") else [model] * 5:
                subprocess.run(cmd, capture_output=True, check=True, env=env)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(runs) for name, runs in times.items()}
    for name, med in medians.items():
        print(f"  {name:<28}{med:7.3f} s")
    ratio = medians["one 10,000-variant sweep"] / medians["five `model --json`"]
    print(f"sweep / five model runs = {ratio:.2f} (target < 1): {verdict(ratio, 0.999)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
