"""Shared by the benches: run commands in fresh processes, alternating, and take medians.

Every child runs with bytecode caching on (PYTHONDONTWRITEBYTECODE removed, as in a user's
install: without it an editable install compiles every module at every start) and is run once
untimed first, to warm the bytecode and file caches. Each round runs every command once,
rotating which goes first, so that caches, CPU frequency and neighbours weigh on all alike.
Wall time and CPU time (user + sys of the child, steadier on a busy machine) are both kept.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple


class Timing(NamedTuple):
    wall: float
    cpu: float
    peak_mib: float
    """The largest resident set of any run of the command (its children included)."""


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra or {})
    return env


def alternate(
    cmds: Mapping[str, Sequence[str]],
    repeats: int,
    env: Mapping[str, str] | None = None,
    warm: int = 1,
) -> dict[str, Timing]:
    """Median wall and CPU time of each command over ``repeats`` rotating rounds."""
    env = child_env() if env is None else env
    names = list(cmds)
    for name in names:
        for _ in range(warm):
            _check(cmds[name], env)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    peak: dict[str, float] = {n: 0.0 for n in names}
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                cmds[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(env)
            )
            _, status, usage = os.wait4(proc.pid, 0)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(usage.ru_utime + usage.ru_stime)
            peak[name] = max(peak[name], usage.ru_maxrss / 1024)
            proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        n: Timing(statistics.median(wall[n]), statistics.median(cpu[n]), peak[n]) for n in names
    }


def _check(cmd: Sequence[str], env: Mapping[str, str]) -> None:
    done = subprocess.run(cmd, capture_output=True, env=dict(env))
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode()[-2000:]}")


def script(venv: Path, name: str) -> str:
    """An executable of a venv (its console script or its python)."""
    path = venv / "bin" / name
    if not path.exists():
        sys.exit(f"{path}: not found (pip install -e . in that venv first)")
    return str(path)


def default_venv() -> Path:
    return Path(sys.executable).parent.parent


def print_table(results: Mapping[str, Timing], base: str | None = None) -> None:
    """One line per command: wall, CPU, peak memory, and the ratio to ``base``."""
    width = max(len(n) for n in results) + 2
    print(f"  {'':<{width}}{'wall':>10}{'cpu':>10}{'peak':>10}")
    for name, t in results.items():
        ratio = ""
        if base is not None:
            ratio = f"  {t.wall / results[base].wall:5.2f}× (cpu {t.cpu / results[base].cpu:4.2f}×)"
        print(
            f"  {name:<{width}}{t.wall * 1e3:7.1f} ms{t.cpu * 1e3:7.1f} ms"
            f"{t.peak_mib:6.0f} MiB{ratio}"
        )


def verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "OVER TARGET"


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
