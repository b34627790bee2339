"""Linear at every size: a spec of N layers (one YAML entry each) in every format, against the
floor of reading that YAML and writing the same answer.

Run by hand, not part of the tests:

    .venv/bin/python bench/scale.py [--layers 10000] [--repeats 5] [--venv DIR ...]

The spec is MobileNet-like: a conv, then dw + pw pairs, a global pool and an fc, N layers in
all (`dw_pw_spec`). Floors, each a fresh `python -c`:

- **load + json.dumps**: parse the spec with PyYAML's C loader, then write the same JSON document
  convcost writes (read back from a file) with `json.dumps(doc, indent=2)`: what a script that
  only reads the input and writes the output pays.
- **load + write**: the same parse, then the JSON text written as it is (no encoding at all).

Targets (issue 14): `model SPEC --json` ≤ 1.3× the first floor; `-f csv` and `-f markdown`
within 1.2× of `--json`; the table within 2× of `--json`. The peak resident memory of each
command is printed beside its time. Children run with bytecode caching on (see timing.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import alternate, child_env, default_venv, load, print_table, script, verdict

LOAD = "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8').read(), yaml.CSafeLoader)"
FLOOR_DUMPS = (
    LOAD + "; import json; doc = json.load(open(sys.argv[2], encoding='utf-8'));"
    " sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + '\\n')"
)
FLOOR_WRITE = LOAD + "; sys.stdout.write(open(sys.argv[2], encoding='utf-8').read())"


def dw_pw_spec(layers: int) -> str:
    """A chain of ``layers`` layers: conv, (dw, pw) pairs, a global pool and an fc."""
    lines = [
        f"name: chain of {layers} layers",
        "input: {size: 224, channels: 3}",
        "defaults: {padding: same, act: relu}",
        "layers:",
        "  - {type: conv, kernel_size: 3, filters: 32, stride: 2}",
    ]
    body = layers - 3
    for i in range(body):
        if i % 2 == 0:
            lines.append("  - {type: dw}" if i != body - 1 else "  - {type: dw, stride: 2}")
        else:
            lines.append(f"  - {{type: pw, filters: {32 if i % 4 == 1 else 64}}}")
    lines += ["  - {type: pool, global: true}", "  - {type: fc}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=10_000, help="layers in the spec")
    ap.add_argument("--repeats", type=int, default=5, help="rounds (medians are printed)")
    ap.add_argument("--venv", type=Path, action="append", help="a venv with convcost installed")
    args = ap.parse_args()
    venvs = args.venv or [default_venv()]
    tags = {v: (f"[{i}] " if len(venvs) > 1 else "") for i, v in enumerate(venvs)}
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "chain.yaml"
        spec.write_text(dw_pw_spec(args.layers), encoding="utf-8")
        answer = Path(tmp) / "answer.json"
        last = script(venvs[-1], "convcost")
        with answer.open("wb") as out:
            subprocess.run([last, "model", str(spec), "--json"], stdout=out, check=True)
        py = script(venvs[-1], "python")
        cmds = {
            "floor: C loader + json.dumps(indent=2)": [
                py,
                "-c",
                FLOOR_DUMPS,
                str(spec),
                str(answer),
            ],
            "floor: C loader + write the text": [py, "-c", FLOOR_WRITE, str(spec), str(answer)],
        }
        for venv in venvs:
            exe, tag = script(venv, "convcost"), tags[venv]
            for label, extra in (
                ("--json", ["--json"]),
                ("-f csv", ["-f", "csv"]),
                ("-f markdown", ["-f", "markdown"]),
                ("(table)", []),
            ):
                cmds[f"{tag}model SPEC {label}"] = [exe, "model", str(spec), *extra]
        results = alternate(cmds, args.repeats, child_env({"COLUMNS": "120"}))
    size = len(dw_pw_spec(args.layers).encode())
    print(
        f"{args.layers:,}-layer spec ({size:,} bytes); median of {args.repeats} rounds, {load()}:"
    )
    for venv in venvs:
        print(f"{tags[venv]}{venv}")
    print_table(results, base="floor: C loader + json.dumps(indent=2)")
    floor = results["floor: C loader + json.dumps(indent=2)"].wall
    bare = results["floor: C loader + write the text"].wall
    for venv in venvs:
        tag = tags[venv]
        json_time = results[f"{tag}model SPEC --json"].wall
        ratio = json_time / floor
        print(
            f"{tag}--json / (C loader + json.dumps) = {ratio:.2f} (target <= 1.3): "
            f"{verdict(ratio, 1.3)}; / (C loader + write) = {json_time / bare:.2f}"
        )
        for label, target in (("-f csv", 1.2), ("-f markdown", 1.2), ("(table)", 2.0)):
            r = results[f"{tag}model SPEC {label}"].wall / json_time
            print(f"{tag}{label} / --json = {r:.2f} (target <= {target}): {verdict(r, target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
