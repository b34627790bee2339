"""The start-up machinery of the command line (issue 14): only the invoked command is built,
option values are converted without pydantic on any supported typer, and the console script
ends with the statuses the README promises."""

from __future__ import annotations

import json
import subprocess
import sys
from enum import Enum
from typing import Any

import pytest
import typer

from convcost import _typer_fast
from convcost.cli import app
from tests.conftest import ROOT, Run


def built(args: list[str]) -> set[str]:
    return set(_typer_fast.command(app, args).commands)


def test_only_the_invoked_command_is_built() -> None:
    assert built(["model", "mobilenet", "--json"]) == {"model"}
    assert built(["import", "x.onnx"]) == {"import"}


@pytest.mark.parametrize(
    "args", [[], ["--help"], ["--version"], ["modle", "mobilenet"], ["--", "model"]]
)
def test_the_whole_tree_when_no_command_leads(args: list[str]) -> None:
    assert built(args) == {"layer", "measure", "model", "sweep", "fit", "import", "schema"}


def test_completion_builds_the_whole_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_CONVCOST_COMPLETE", "complete_bash")
    assert len(built(["model"])) == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("model", "mobilenet", "-f", "xml"),
            "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'csv', "
            "'markdown'.",
        ),
        (
            ("model", "mobilenet", "--alpha", "abc"),
            "Invalid value for '--alpha' / '-a': 'abc' is not a valid float.",
        ),
        (
            ("model", "mobilenet", "--classes", "abc"),
            "Invalid value for '--classes': abc is not allowed: must be a positive integer",
        ),
        (
            ("model", "mobilenet", "--as", "Standard"),
            "Invalid value for '--as': 'Standard' is not one of 'standard', 'separable'.",
        ),
    ],
)
def test_option_messages_on_the_installed_typer(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    """The same words on typer 0.28 (click's types) and 0.29 (our converters)."""
    assert run.bad(*args) == [message]


def test_options_arrive_converted(run: Run) -> None:
    data = run.json("model", "mobilenet", "--alpha", "0.5", "--classes", "10", "-f", "json")
    assert (data["alpha"], data["classes"]) == (0.5, 10)


class Colour(str, Enum):
    red = "red"
    dark_blue = "dark-blue"


@pytest.mark.parametrize(
    ("annotation", "info", "given", "expected"),
    [
        (str, {}, "x", "x"),
        (str, {}, b"caf\xc3\xa9", "café"),
        (float, {}, "0.25", 0.25),
        (int, {}, "12", 12),
        (bool, {}, "yes", True),
        (bool, {}, "off", False),
        (Colour, {}, "dark-blue", Colour.dark_blue),
        (Colour, {}, Colour.red, Colour.red),
        (Colour, {"case_sensitive": False}, "RED", Colour.red),
    ],
)
def test_converters(annotation: Any, info: dict[str, Any], given: Any, expected: Any) -> None:
    convert = _typer_fast.converter(annotation, typer.models.OptionInfo(**info))
    assert convert is not None
    assert convert(given) == expected


@pytest.mark.parametrize(
    ("annotation", "given", "message"),
    [
        (float, "x", "'x' is not a valid float."),
        (int, "1.5", "'1.5' is not a valid integer."),
        (bool, "maybe", "'maybe' is not a valid boolean."),
        (Colour, "Red", "'Red' is not one of 'red', 'dark-blue'."),
    ],
)
def test_converter_messages_are_clicks(annotation: Any, given: str, message: str) -> None:
    convert = _typer_fast.converter(annotation, typer.models.OptionInfo())
    assert convert is not None
    with pytest.raises(ValueError) as caught:
        convert(given)
    assert str(caught.value) == message


def test_anything_else_is_left_to_typer() -> None:
    """Ranges, clamps and types of our own keep typer's conversion."""
    assert _typer_fast.converter(int, typer.models.OptionInfo(min=1)) is None
    assert _typer_fast.converter(float, typer.models.OptionInfo(max=1.0)) is None
    assert _typer_fast.converter(list[int], typer.models.OptionInfo()) is None


def test_console_entry_keeps_the_exit_statuses() -> None:
    """The entry ends without the interpreter's teardown; the output and statuses are the same."""
    ok = subprocess.run(
        [sys.executable, "-m", "convcost", "model", "mobilenet", "--json"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and ok.stderr == ""
    assert json.loads(ok.stdout)["total"] == {"macs": 568_740_352, "params": 4_209_088}
    bad = subprocess.run(
        [sys.executable, "-m", "convcost", "model", "nosuch"], capture_output=True, text=True
    )
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.startswith("convcost: error: nosuch: no such built-in network")
    listing = subprocess.run(
        [sys.executable, "-m", "convcost", "--help"], capture_output=True, text=True
    )
    assert listing.returncode == 0 and "sweep" in listing.stdout


def test_the_console_script_runs_without_the_collector() -> None:
    """The console script keeps the cyclic collector off (it finds nothing: convcost's records
    hold no cycles); cli.main called as a library leaves it as the caller has it."""
    probe = (
        "import gc, sys\n"
        "import convcost.cli as cli\n"
        "original, seen = cli.emit, []\n"
        "def emit(*args, **kwargs):\n"
        "    seen.append(gc.isenabled())\n"
        "    return original(*args, **kwargs)\n"
        "cli.emit = emit\n"
        "try:\n"
        "    cli.main(['model', 'mobilenet', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.argv = ['convcost', 'model', 'mobilenet', '--json', '--alpha', '1']  # through typer\n"
        "import atexit\n"
        "atexit.register(lambda: sys.stderr.write(repr(seen)))\n"
        "from convcost.__main__ import main\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stderr == "[True, False]"


@pytest.mark.parametrize(
    "argv",
    [
        ["model", "mobilenet", "--json"],
        ["model", "densenet121", "--format", "json"],
        ["model", "specs/resnet18.yaml", "-f", "json"],
        ["model", "resnet152", "--json"],  # an error: the same line, the same status
        ["model", "specs/seed_6x6x3.yaml", "--json"],  # a layer spec given to model
        ["model", "mobilenet_v2"],  # the table
        ["model", "shufflenet_v2_x1_0"],
    ],
)
def test_the_plain_call_is_answered_as_typer_answers_it(argv: list[str]) -> None:
    """`convcost model NAME --json` skips building the command line (shell.plain): the same
    bytes on stdout and stderr, and the same exit status, as the command through typer."""
    from convcost import shell

    assert shell.plain(argv) is not None
    fast = subprocess.run(
        [sys.executable, "-m", "convcost", *argv], capture_output=True, text=True, cwd=ROOT
    )
    probe = f"import sys; from convcost.cli import main; main({argv!r})"
    typer = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        typer.returncode,
        typer.stdout,
        typer.stderr,
    )
    assert (
        "typer"
        not in subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "convcost", *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stderr
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["model", "mobilenet", "--json", "--alpha", "0.5"],
        ["model", "-", "--json"],
        ["model", "--json", "mobilenet"],
        ["model", "mobilenet", "--exact"],
        ["sweep", "mobilenet", "--json"],
        ["model", "--help", "--json"],
    ],
)
def test_every_other_call_goes_through_typer(argv: list[str]) -> None:
    from convcost import shell

    assert shell.plain(argv) is None
