"""The house rules that keep convcost fast and layered, checked rather than hoped for."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

PACKAGE = ROOT / "convcost"


def imported_modules(path: Path) -> set[str]:
    """Top-level names of everything a module imports (at any depth, lazily or not)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_cost_imports_nothing_of_ours() -> None:
    assert not {m for m in imported_modules(PACKAGE / "cost.py") if m.startswith("convcost")}


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("typer", {"cli.py", "_typer_fast.py"}),
        (
            "rich",
            {
                "render/console.py",
                "render/table.py",
                "render/memory_table.py",
                "render/ops_table.py",
                "render/layout.py",
            },
        ),
        ("pydantic", {"spec.py", "load.py", "cli.py"}),
        ("yaml", {"load.py"}),
        ("onnx", {"onnx_import.py"}),
        ("numpy", {"onnx_import.py"}),
        ("google", {"onnx_import.py"}),
    ],
)
def test_heavy_imports_stay_in_their_layer(library: str, allowed: set[str]) -> None:
    users = {
        str(path.relative_to(PACKAGE))
        for path in modules()
        if any(m == library or m.startswith(library + ".") for m in imported_modules(path))
    }
    assert users <= allowed, users - allowed


HEAVY = ("rich", "pydantic", "yaml", "matplotlib", "torch", "onnx", "numpy", "convcost.onnx_import")


@pytest.mark.parametrize(
    ("args", "also_absent", "total"),
    [
        (
            ["model", "mobilenet", "--json"],
            ("convcost.sweeps", "convcost.traffic", "convcost.ops", "convcost.tools"),
            (568_740_352, 4_209_088),
        ),
        (
            ["model", "mobilenet_v2", "--json", "--preset", "torchvision"],
            (),
            (300_774_272, 3_504_872),
        ),
        (["sweep", "mobilenet", "--json"], ("convcost.traffic",), (568_740_352, 4_209_088)),
    ],
)
def test_json_paths_stay_light(
    args: list[str], also_absent: tuple[str, ...], total: tuple[int, int]
) -> None:
    """What a script pays for: no rich, pydantic, yaml (built-ins are trusted data), no optional
    engine the command does not use. Checked in a fresh interpreter."""
    probe = (
        "import sys, io, contextlib, json\n"
        "from convcost.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    try: main({args!r})\n"
        "    except SystemExit: pass\n"
        "print(json.dumps([sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[1:] or m in sys.argv[1:]), out.getvalue()]))\n"
    )
    command = [sys.executable, "-c", probe, *HEAVY, *also_absent]
    loaded, stdout = json.loads(
        subprocess.run(command, capture_output=True, text=True, check=True).stdout
    )
    assert loaded == []
    data = json.loads(stdout)
    first = data[0] if isinstance(data, list) else data["total"]
    assert (first["macs"], first["params"]) == total


def test_installed_console_script_runs() -> None:
    """One real run of the installed `convcost` in a subprocess, as a user's shell would."""
    exe = shutil.which("convcost", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "convcost"]
    out = subprocess.run([*command, "model", "mobilenet", "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total"] == {"macs": 568_740_352, "params": 4_209_088}
    bad = subprocess.run([*command, "layer", "-i", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr


def test_python_dash_m_and_version(run: Run) -> None:
    from convcost import __version__

    out = subprocess.run(
        [sys.executable, "-m", "convcost", "--version"], capture_output=True, text=True
    )
    assert out.stdout.strip() == f"convcost {__version__}"


def test_help_names_the_paper_symbols(run: Run) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "convcost", "layer", "--help"], capture_output=True, text=True
    )
    for symbol in ("D_F", "M,", "D_K", "N,", "α", "ρ"):
        assert symbol in out.stdout, symbol


def test_every_command_is_in_the_readme() -> None:
    from typer.main import get_command

    from convcost.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = get_command(app)
    commands = sorted(group.commands)  # type: ignore[attr-defined]
    assert commands
    for name in commands:
        assert re.search(rf"convcost {name}\b", readme), f"`convcost {name}` is not in the README"
        for param in group.commands[name].params:  # type: ignore[attr-defined]
            for opt in param.opts:
                if opt.startswith("--") and opt not in ("--help",):
                    assert opt in readme, f"{opt} of `convcost {name}` is not in the README"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert "pip install -e ." in block[0] and "convcost model mobilenet" in block[0]
    assert '.[test]"' in block[1] and "pytest" in block[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet -e ".[test]" && python -m pytest' in ci


def test_bare_command_shows_help(run: Run) -> None:
    result = run()
    assert result.exit_code == 0 and result.stderr == ""
    assert (
        "Usage: convcost" in result.stdout and "layer" in result.stdout and "model" in result.stdout
    )


def test_the_renderers_import_no_cycle() -> None:
    """Within render/, modules import downwards only (console ← table ← memory_table, ops_table;
    records ← json, csv, markdown): a report type's printer is found through render.PRINTERS,
    never by a module importing the module that imports it."""
    render = PACKAGE / "render"
    graph: dict[str, set[str]] = {}
    for path in render.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "convcost.render":
                deps |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "convcost.render."
            ):
                deps.add(node.module.rsplit(".", 1)[1])  # type: ignore[union-attr]
        graph[path.stem] = {d for d in deps if (render / f"{d}.py").exists()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(m for m in graph if reaches(m, m, set()))
    assert cycles == []
    assert "memory_table" not in graph["table"] and "ops_table" not in graph["table"]
