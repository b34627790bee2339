"""The contract, driven from outside: generated command lines and YAML through the real `main()`,
and output that fails (a reader that goes away, a closed stdout, a full disk, an encoding
without α) in real processes.

Exit 0 with output, or exit 2 with every stderr line prefixed and nothing on stdout; never a
traceback. Hypothesis runs derandomized with a fixed number of examples, so the suite stays
reproducible and quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Result, Run

# --- generated input through main() ----------------------------------------------------------------

NASTY = [
    "0", "-1", "1", "3", "7", "224", "1e3", "3x3", "0x3", "224x160", "x", "same", "valid",
    "1" * 101, "9" * 100, "", " ", "nan", "inf", "-inf", "1.5", "[/]", "\x1b[31m", "a\nb",
    "0.5", "4", "4.5", "1:2:1", "0.25:1:0.25", "96:128:16", "abc", "\u202e", "100M", "1e400",
]  # fmt: skip
values = st.one_of(st.sampled_from(NASTY), st.integers(-3, 600).map(str), st.text(max_size=6))

GOOD = {
    "-i": ["6", "32", "224", "224x160"],
    "-m": ["3", "8", "512"],
    "-k": ["1", "3", "1x7"],
    "-n": ["5", "16"],
    "-s": ["1", "2", "2x1"],
    "-p": ["0", "1", "same", "valid", "0x3"],
    "--alpha": ["0.5", "1", "0.75"],
    "--rho": ["0.5", "1", "0.714"],
    "--dtype": ["float32", "int8", "float16"],
    "--device": ["desktop-cpu", "phone-core", "list"],
    "--resolution": ["160", "224", "192x128"],
    "--classes": ["10", "1000"],
    "--min-channels": ["8"],
    "--preset": ["paper", "torchvision", "keras", "tf-slim"],
    "--as": ["standard", "separable"],
}
"""Values each flag takes; drawn two times in three, so that many runs get through."""
LAYER_FLAGS = ["-s", "-p", "--alpha", "--rho", "--dtype", "--device"]
NETWORK_FLAGS = [
    "--alpha", "--rho", "--resolution", "--classes", "--min-channels", "--preset", "--as",
    "--dtype", "--device",
]  # fmt: skip


def value_of(flag: str) -> st.SearchStrategy[str]:
    good = st.sampled_from(GOOD[flag])
    return st.one_of(good, good, values)


SWEEP_VALUES = st.sampled_from(["1", "0.5,1", "0.25:1:0.25", "0", "5", "x", "1:0:1", "160,224"])
OUTPUT = [("--json",), ("--exact",), ("--format", "csv"), ("--format", "markdown"), ("--bias",)]
SWITCHES = {
    "layer": [*OUTPUT, ("--memory",)],
    "model": [*OUTPUT, ("--bn",), ("--flops",), ("--memory",)],
    "sweep": [*OUTPUT, ("--bn",), ("--flops",)],
    "fit": [*OUTPUT, ("--flops",)],
}
KEYS = [
    "name", "D_F", "M", "D_K", "N", "input_size", "channels", "kernel_size", "filters", "stride",
    "padding", "layers", "type", "input", "size", "classes", "width", "defaults", "repeat",
    "units", "kind", "global", "t", "c", "n", "s", "groups", "scale",
]  # fmt: skip
LAYER_TYPES = ["conv", "dw", "pw", "separable", "bottleneck", "pool", "fc", "conv3d"]

scalars = st.one_of(
    st.integers(-2, 300),
    st.sampled_from([0, 1, 3, 8, 10**99, 10**100, True, None, 0.5, "same", "3x3", "[/]", "a\nb"]),
    st.sampled_from(LAYER_TYPES),
    st.text(max_size=5),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=25,
)


def _layer_entry() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.sampled_from(LAYER_TYPES)},
        optional={k: scalars for k in ("kernel_size", "filters", "stride", "padding", "name")},
    )


GOOD_LAYERS = [
    {"type": "conv", "kernel_size": 3, "filters": 8, "stride": 2},
    {"type": "separable", "filters": 16},
    {"type": "dw", "name": "[/]"},
    {"type": "pw", "filters": 8, "repeat": 2},
    {"type": "bottleneck", "t": 6, "c": 8},
    {"type": "pool", "global": True},
    {"type": "fc", "name": "a\nb"},
]
networks = st.fixed_dictionaries(
    {
        "name": st.text(max_size=4),
        "input": st.fixed_dictionaries({"size": st.sampled_from([32, 32, "16x8", 1, 0])}),
        "layers": st.lists(
            st.one_of(st.sampled_from(GOOD_LAYERS), st.sampled_from(GOOD_LAYERS), _layer_entry()),
            min_size=1,
            max_size=5,
        ),
    },
    optional={
        "defaults": st.one_of(
            st.just({"padding": "same"}),
            st.dictionaries(st.sampled_from(KEYS), scalars, max_size=2),
        )
    },
)


ENDINGS = [
    "name: !!int ''\n", "name: 2001-13-45\n", "name: !!bool maybe\n", "name: !!float x\n",
    "x: " + "[" * 60 + "]" * 60 + "\n", "x: &a [*a]\n", "name: !!python/name:os.system\n",
]  # fmt: skip
MANGLES = st.sampled_from(["", "", "", "\x00", ": :", "&a *b", "[[", "!!", "\t", *ENDINGS])


def _text(document: Any, mangle: str) -> str:
    """YAML of a document, a character sequence inserted in its middle or a line at its end."""
    text = yaml.safe_dump(document, allow_unicode=True)
    if mangle in ENDINGS:
        return text + mangle
    return text[: len(text) // 2] + mangle + text[len(text) // 2 :]


@st.composite
def invocations(draw: st.DrawFn) -> tuple[list[str], str | None]:
    """A command line, and stdin when the command reads a spec from it."""
    command = draw(st.sampled_from(["layer", "layer-spec", "model", "model-spec", "sweep", "fit"]))
    flags: list[str] = []
    stdin = None
    if command in ("layer", "layer-spec"):
        argv = ["layer"]
        if command == "layer-spec":
            argv += ["--spec", "-"]
            document = draw(st.one_of(documents, st.just({"D_F": 6, "M": 3, "D_K": 3, "N": 5})))
            stdin = _text(document, draw(MANGLES))
        else:
            for flag in draw(
                st.lists(
                    st.sampled_from(["-i", "-m", "-k", "-n"]), min_size=3, max_size=4, unique=True
                )
            ):
                argv += [flag, draw(value_of(flag))]
        flags = draw(st.lists(st.sampled_from(LAYER_FLAGS), max_size=3))
    elif command in ("model", "model-spec"):
        if command == "model-spec":
            argv = ["model", "-"]
            document = draw(st.one_of(networks, networks, documents))
            stdin = _text(document, draw(MANGLES))
        else:
            argv = [
                "model",
                draw(st.sampled_from(["mobilenet", "mobilenet_v2", "resnet", "x.yaml"])),
            ]
        flags = draw(st.lists(st.sampled_from(NETWORK_FLAGS), max_size=3))
    else:
        argv = [command, draw(st.sampled_from(["mobilenet", "mobilenet_v2"]))]
        argv += ["--alpha", draw(SWEEP_VALUES), "--resolution", draw(SWEEP_VALUES)]
        if command == "fit":
            argv += [draw(st.sampled_from(["--max-macs", "--max-params"])), draw(values)]
    for flag in flags:
        argv += [flag, draw(value_of(flag))]
    for switch in draw(st.lists(st.sampled_from(SWITCHES[argv[0]]), max_size=2, unique=True)):
        argv += switch
    return argv, stdin


def check_contract(result: Result) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    if result.exit_code == 0:
        assert result.stdout, "exit 0 without output"
        assert all(line.startswith("convcost: ") for line in lines), lines
        return
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert lines and all(line.startswith("convcost: error: ") for line in lines), lines


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(invocation=invocations())
def test_generated_input_keeps_the_contract(
    run: Run, invocation: tuple[list[str], str | None]
) -> None:
    argv, stdin = invocation
    check_contract(run(*argv, input=stdin))


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=80))
def test_any_text_as_a_spec_keeps_the_contract(run: Run, text: str) -> None:
    for argv in (["layer", "--spec", "-"], ["model", "-"]):
        check_contract(run(*argv, input=text.encode("utf-8", "surrogatepass")))


# --- output that fails, in real processes ----------------------------------------------------------

COMMAND = [sys.executable, "-m", "convcost"]
OUTPUTS = [
    ["model", "mobilenet", "--json"],
    ["model", "mobilenet"],
    ["model", "mobilenet", "--format", "csv"],
    ["model", "mobilenet", "--format", "markdown"],
    ["sweep", "mobilenet"],
    ["--help"],
    ["--version"],
    ["schema"],
]


def _run_with_stdout(
    args: list[str], stdout: Any, **options: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, **options
    )


@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_a_reader_that_went_away_is_a_quiet_141(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # every write now fails with EPIPE
    try:
        out = _run_with_stdout(args, write)
    finally:
        os.close(write)
    assert (out.returncode, out.stderr) == (141, "")


@pytest.mark.parametrize("args", OUTPUTS[:2] + OUTPUTS[-2:], ids=" ".join)
def test_a_closed_stdout_is_one_line(args: list[str]) -> None:
    out = _run_with_stdout(args, subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert (out.returncode, out.stderr) == (
        74,
        "convcost: error: write error: Bad file descriptor\n",
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_a_full_disk_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        out = _run_with_stdout(args, full)
    assert (out.returncode, out.stderr) == (
        74,
        "convcost: error: write error: No space left on device\n",
    )


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_an_output_encoding_without_greek_letters(encoding: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    table = subprocess.run([*COMMAND, "model", "mobilenet"], capture_output=True, env=env)
    assert table.returncode == 0 and table.stderr == b""
    assert b"\\u03b1 1" in table.stdout  # α, as an escape
    data = subprocess.run(
        [*COMMAND, "layer", "--spec", "-", "--json"],
        input="name: α·😀\nD_F: 6\nM: 3\nD_K: 3\nN: 5\n".encode(),
        capture_output=True,
        env=env,
    )
    assert data.returncode == 0, data.stderr
    assert json.loads(data.stdout.decode(encoding))["spec"]["name"] == "α·😀"  # JSON's own escapes
