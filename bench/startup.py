"""Start-up against issue 14's floors: each command over starting Python with the libraries it
cannot avoid, in one run.

Run by hand, not part of the tests:

    .venv/bin/python bench/startup.py [--repeats 30] [--venv DIR ...] [--builtins]

Floors: `python -c "import typer"` for the JSON commands, `python -c "import typer, rich.table"`
for the table. Targets (issue 14): `model mobilenet --json` ≤ 1.15× its floor, `layer -i 14
-m 512 -k 3 -n 512 --json` ≤ 1.2×, `model mobilenet` (table) ≤ 1.2×. Each `--venv` (default:
the venv of this Python) is measured with its own floors, in the same rounds, so two installs
(an older checkout, typer 0.28 and 0.29) compare side by side. `--builtins` adds `model NAME
--json` for every built-in network (the JSON path must not regress for any of them).

Children run with bytecode caching on and caches warmed (see timing.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from timing import Timing, alternate, default_venv, load, print_table, script, verdict

LAYER = ["layer", "-i", "14", "-m", "512", "-k", "3", "-n", "512", "--json"]
TYPER = 'python -c "import typer"'
TYPER_RICH = 'python -c "import typer, rich.table"'
TARGETS = [  # (label, argv, floor, target ratio)
    ("model mobilenet --json", ["model", "mobilenet", "--json"], TYPER, 1.15),
    ("layer -i 14 -m 512 -k 3 -n 512 --json", LAYER, TYPER, 1.2),
    ("model mobilenet (table)", ["model", "mobilenet"], TYPER_RICH, 1.2),
]


def builtins(venv: Path) -> list[str]:
    code = "from convcost import architectures; print(*architectures.names())"
    out = subprocess.run([script(venv, "python"), "-c", code], capture_output=True, text=True)
    return out.stdout.split()


def typer_version(venv: Path) -> str:
    code = "import importlib.metadata as m; print(m.version('typer'))"
    out = subprocess.run([script(venv, "python"), "-c", code], capture_output=True, text=True)
    return out.stdout.strip()


def commands(venv: Path, tag: str, with_builtins: bool) -> dict[str, list[str]]:
    py, exe = script(venv, "python"), script(venv, "convcost")
    cmds = {
        f"{tag}{TYPER}": [py, "-c", "import typer"],
        f"{tag}{TYPER_RICH}": [py, "-c", "import typer, rich.table"],
    }
    for label, argv, _, _ in TARGETS:
        cmds[f"{tag}convcost {label}"] = [exe, *argv]
    if with_builtins:
        for name in builtins(venv):
            cmds[f"{tag}convcost model {name} --json"] = [exe, "model", name, "--json"]
    return cmds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=30, help="rounds (medians are printed)")
    ap.add_argument("--venv", type=Path, action="append", help="a venv with convcost installed")
    ap.add_argument("--builtins", action="store_true", help="also every built-in's JSON path")
    args = ap.parse_args()
    venvs = args.venv or [default_venv()]
    tags = {v: (f"[{i}] " if len(venvs) > 1 else "") for i, v in enumerate(venvs)}
    cmds: dict[str, list[str]] = {}
    for venv in venvs:
        cmds |= commands(venv, tags[venv], args.builtins)
    results = alternate(cmds, args.repeats)
    print(f"median of {args.repeats} alternating rounds, {load()}:")
    for venv in venvs:
        print(f"{tags[venv]}{venv} (typer {typer_version(venv)})")
    print_table(results)
    failed = 0
    for venv in venvs:
        tag = tags[venv]
        mine = {k.removeprefix(tag): v for k, v in results.items() if k.startswith(tag)}
        failed += summary(tag, mine)
    if len(venvs) > 1 and args.builtins:
        compare_builtins(venvs, tags, results)
    return 1 if failed else 0


def summary(tag: str, results: dict[str, Timing]) -> int:
    failed = 0
    for label, _, floor, target in TARGETS:
        t, f = results[f"convcost {label}"], results[floor]
        ratio = t.wall / f.wall
        failed += ratio > target
        print(
            f"{tag}convcost {label} / {floor} = {ratio:.2f} (cpu {t.cpu / f.cpu:.2f}; "
            f"target <= {target}): {verdict(ratio, target)}"
        )
    return failed


def compare_builtins(venvs: list[Path], tags: dict[Path, str], results: dict[str, Timing]) -> None:
    """Each built-in's JSON path over its floor, first venv against the last."""
    first, last = tags[venvs[0]], tags[venvs[-1]]
    print(f"model NAME --json / {TYPER}: {first.strip()} → {last.strip()}")
    for key in results:
        if key.startswith(first) and key.endswith("--json") and " model " in key:
            label = key.removeprefix(first)
            if f"{last}{label}" not in results:
                continue
            before = results[key].wall / results[f"{first}{TYPER}"].wall
            after = results[f"{last}{label}"].wall / results[f"{last}{TYPER}"].wall
            print(f"  {label:<44}{before:5.2f} → {after:5.2f}")


if __name__ == "__main__":
    sys.exit(main())
