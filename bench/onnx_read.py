"""Reading an ONNX file: convcost's import against `import onnx` alone and onnx-tool's profile.

Run by hand, not part of the tests, with the Python of the environment convcost is installed in
(with the onnx extra; onnx-tool is measured if it is installed there, or with --tool-python):

    .venv/bin/python bench/onnx_read.py [MODEL.onnx ...] [--repeats 15] [--tool-python PY]

Without a path it reads the model zoo's light_resnet50.onnx from the onnx wheel. Measured are the
reader alone (`import_onnx`), the reader and the YAML of `convcost import`, and the whole command
`convcost model FILE --json` (read, compile, cost, write JSON). Each round runs
every command once in a fresh interpreter, rotating which goes first; medians are printed with
each command's ratio to `python -c "import onnx"` measured in the same run, and convcost's ratio
to onnx-tool's. Target (issue 10): faster than onnx-tool's profile of the same file.

The children run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as in a user's
install: onnx's modules come compiled in its wheel, convcost's would otherwise be compiled from
source at every start.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
from pathlib import Path

from timing import alternate

CONVCOST = "import sys; from convcost.onnx_import import import_onnx; import_onnx(sys.argv[1])"
CONVCOST_YAML = (
    "import sys; from convcost.onnx_import import import_onnx; import_onnx(sys.argv[1]).to_yaml()"
)
ONNX_TOOL = "import sys, onnx_tool; onnx_tool.model_profile(sys.argv[1])"


def commands(model: str, tool_python: str | None) -> dict[str, list[str]]:
    py = [sys.executable, "-c"]
    convcost = shutil.which("convcost", path=str(Path(sys.executable).parent))
    cmds = {
        'python -c "import onnx"': [*py, "import onnx"],
        "convcost: import_onnx": [*py, CONVCOST, model],
        "convcost: import_onnx + YAML": [*py, CONVCOST_YAML, model],
        "convcost model FILE --json": [
            *([convcost] if convcost else [sys.executable, "-m", "convcost"]),
            *["model", model, "--json"],
        ],
    }
    if tool_python is not None:
        cmds["onnx-tool: model_profile"] = [tool_python, "-c", ONNX_TOOL, model]
    elif importlib.util.find_spec("onnx_tool") is not None:
        cmds["onnx-tool: model_profile"] = [*py, ONNX_TOOL, model]
    return cmds


def main() -> int:
    import onnx

    light = Path(onnx.__file__).parent / "backend/test/data/light/light_resnet50.onnx"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", default=[str(light)], help="ONNX files")
    ap.add_argument("--repeats", type=int, default=15, help="rounds (medians are printed)")
    ap.add_argument("--tool-python", help="a Python with onnx-tool installed (default: this one)")
    args = ap.parse_args()
    for model in args.models:
        cmds = commands(model, args.tool_python)
        times = {name: t.wall for name, t in alternate(cmds, args.repeats).items()}
        base = times[next(iter(cmds))]
        print(f"{Path(model).name}: median of {args.repeats} alternating rounds")
        for name, med in times.items():
            print(f"  {name:<32}{med * 1000:8.1f} ms  {med / base:5.2f}× import onnx")
        if "onnx-tool: model_profile" in times:
            theirs = times["onnx-tool: model_profile"]
            for name in ("convcost: import_onnx", "convcost model FILE --json"):
                ours = times[name]
                print(f"  {name} / onnx-tool = {ours / theirs:.2f} (target < 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
