"""The promise under attack (issue 11): bad input of any shape is one located line per problem
(exit 2, empty stdout, no traceback), every limit is named, every digit is printed, and nothing
is cut. Each test is one class of attack; the limits come from where they are defined."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from convcost.fields import MAX_DIGITS, MAX_RATE, MIN_RATE
from convcost.load import MAX_ALIAS_NODES, MAX_YAML_DEPTH, load_yaml
from convcost.safe_io import MAX_ERROR_LINES, MAX_INPUT_BYTES
from convcost.traffic import MAX_SECONDS
from tests.conftest import SPECS, Run

LAYER = "D_F: 6\nM: 3\nD_K: 3\nN: 5\n"
NET = "name: t\ninput: {size: 8, channels: 3}\nlayers:\n"


# --- 1. YAML values PyYAML's constructors reject ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("name: 2001-13-45", "'2001-13-45' is not a valid timestamp"),
        ("name: !!int ''", "'' is not a valid int"),
        ("name: !!int abc", "'abc' is not a valid int"),
        ("name: !!float abc", "'abc' is not a valid float"),
        ("name: !!timestamp abc", "'abc' is not a valid timestamp"),
        ("name: !!bool maybe", "'maybe' is not a valid bool"),
    ],
)
def test_constructor_errors_are_one_located_line(run: Run, line: str, problem: str) -> None:
    for command, text in (("layer", LAYER + line), ("model", NET + "  - {type: fc}\n" + line)):
        lines = run.bad(command, *(["--spec"] if command == "layer" else []), "-", input=text)
        at = text.count("\n") + 1
        assert lines == [f"<stdin>, line {at}: invalid YAML: {problem}"]


def test_constructor_errors_in_device_profiles(run: Run, tmp_path: Path) -> None:
    profile = tmp_path / "dev.yaml"
    profile.write_text("name: x\npeak_gflops: {float32: !!float abc}\nmemory_gbps: 1\nsource: s\n")
    lines = run.bad("model", "mobilenet", "--device", str(profile))
    assert lines == [f"{profile}, line 2: invalid YAML: 'abc' is not a valid float"]


@pytest.mark.parametrize(
    ("text", "line"),
    [("D_F: 6\nM: 3\x00\n", 2), ("D_F: 6\n\nname: a\x07b\n", 3), ('D_F: 6\nname: "abc\n', 3)],
)
def test_reader_and_scanner_errors_name_a_line_on_one_line(run: Run, text: str, line: int) -> None:
    (problem,) = run.bad("layer", "--spec", "-", input=text)
    assert problem.startswith(f"<stdin>, line {line}: invalid YAML: ")
    assert "position" not in problem


# --- 2. integers: at most MAX_DIGITS digits in, every digit out -----------------------------------


def test_long_integers_are_refused_naming_the_limit(run: Run) -> None:
    long = "1" + "0" * MAX_DIGITS  # MAX_DIGITS + 1 digits
    limit = f"integers have at most {MAX_DIGITS} digits"
    assert limit in run.bad("layer", "-i", long, "-m", "3", "-k", "3", "-n", "5")[0]
    assert limit in run.bad("layer", "-i", "6", "-m", "3", "-k", "1x" + long, "-n", "5")[0]
    assert limit in run.bad("model", "mobilenet", "--resolution", long)[0]
    assert limit in run.bad("model", "mobilenet", "--classes", long)[0]
    assert (
        "1" + "0" * 2200 not in run.bad("model", "mobilenet", "--resolution", "1" + "0" * 2200)[0]
    )
    yaml_line = run.bad("layer", "--spec", "-", input=f"D_F: {long}\nM: 3\nD_K: 3\nN: 5\n")
    assert yaml_line == [
        f"<stdin>, line 1: invalid YAML: an integer of {MAX_DIGITS + 1} digits "
        f"(at most {MAX_DIGITS})"
    ]
    base60 = "1" + ":0" * 60  # YAML 1.1 sexagesimal: 61 digits of text, 60⁶⁰ ≈ 10¹⁰⁶
    assert "more than 100 digits" in run.bad("layer", "--spec", "-", input=f"M: {base60}\n")[0]


def test_the_largest_integers_allowed_are_printed_whole_in_every_format(run: Run) -> None:
    big = 10**MAX_DIGITS - 1
    args = ("layer", "-i", str(big), "-m", str(big), "-k", "1", "-n", str(big))
    macs = big * big * big * big  # D_G² · M · N with a 1×1 kernel
    assert run.json(*args)["standard"]["macs"] == macs
    for fmt in ("csv", "markdown"):
        out = run(*args, "--format", fmt).stdout
        assert (str(macs) if fmt == "csv" else f"{macs:,}") in out
    table = run(*args, "--exact")
    assert table.exit_code == 0 and "…" not in table.stdout
    assert f"{macs:,}" in table.stdout.replace("\n", "") or all(
        part in table.stdout for part in f"{macs:,}".split(",")
    )


def test_counts_past_pythons_digit_limit_are_printed_in_full() -> None:
    """The library takes any int; rendering lifts Python's 4,300-digit limit on int → str."""
    import contextlib
    import io

    from convcost.cli import emit
    from convcost.fields import Layer
    from convcost.report import Size, analyze_layers

    side = 10**1500
    report = analyze_layers([Layer(None, (side, side), 7, (1, 1), 3)], Size())
    macs = side * side * 7 * 3
    for fmt in ("json", "csv", "markdown"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            emit(report, fmt)
        assert (f"{macs:,}" if fmt == "markdown" else str(macs)) in out.getvalue()


# --- 3. deep nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 1000])
def test_deep_nesting_is_refused_before_it_is_built(run: Run, depth: int) -> None:
    text = "zz: " + "[" * depth + "]" * depth + "\n"
    lines = run.bad("layer", "--spec", "-", input=text)
    assert lines == [
        f"<stdin>, line 1: YAML nested more than {MAX_YAML_DEPTH} levels deep (the limit); "
        "a spec nests a few levels"
    ]


def test_thirty_thousand_levels_do_not_crash_the_process(tmp_path: Path) -> None:
    """PyYAML's C composer recurses: unchecked, 30,000 levels end the process with SIGSEGV."""
    import subprocess
    import sys

    spec = tmp_path / "deep.yaml"
    spec.write_text("zz: " + "[" * 30_000 + "]" * 30_000 + "\n")
    out = subprocess.run(
        [sys.executable, "-m", "convcost", "layer", "--spec", str(spec)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2, out.stderr[-500:]
    assert out.stderr.startswith(f"convcost: error: {spec}, line 1: YAML nested more than")


def test_aliases_cannot_nest_past_the_limit(run: Run) -> None:
    chain = "a0: &a0 [0]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 60))
    (line,) = run.bad("model", "-", input=chain)
    assert "levels deep once its aliases are expanded" in line


# --- 4. unbounded reads -------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/full"])
def test_devices_are_refused_before_reading(run: Run, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    expected = f"{device}: is a character device, expected a YAML file (a regular file or a pipe)"
    assert run.bad("layer", "--spec", device) == [expected]
    assert run.bad("model", device) == [expected]
    assert run.bad("model", "mobilenet", "--device", device) == [expected]


def test_oversized_files_and_stdin_are_refused_naming_the_limit(run: Run, tmp_path: Path) -> None:
    sparse = tmp_path / "big.yaml"
    with sparse.open("wb") as f:
        f.truncate(4 * 2**30)  # 4 GiB that take no disk: refused by its size, never read
    limit = f"is larger than {MAX_INPUT_BYTES:,} bytes (8 MiB), the limit on an input file"
    assert run.bad("model", str(sparse)) == [f"{sparse}: {limit}"]
    assert run.bad("layer", "--spec", "-", input=b"#" * (MAX_INPUT_BYTES + 1)) == [
        f"<stdin>: {limit}"
    ]


def test_pipes_are_read(run: Run, tmp_path: Path) -> None:
    """A named pipe (as `<(...)` makes) is read, with the same cap."""
    import threading

    fifo = tmp_path / "spec.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=(LAYER,))
    writer.start()
    data = run.json("layer", "--spec", str(fifo))
    writer.join()
    assert data["separable"]["macs"] == 672


# --- 5. aliases count what they add, plain entries do not -------------------------------------


def test_plain_nodes_do_not_count_as_alias_expansion(tmp_path: Path) -> None:
    spec = tmp_path / "wide.yaml"
    spec.write_text("x: [" + ", ".join(["0"] * (MAX_ALIAS_NODES + 50_000)) + "]\n")
    data, _ = load_yaml(str(spec))  # refused as an "alias bomb" before
    assert len(data["x"]) == MAX_ALIAS_NODES + 50_000


def test_alias_bombs_and_recursion_are_refused(run: Run) -> None:
    rows = ["a: &a [1,1,1,1,1,1,1,1,1,1]"]
    rows += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(5)
    ]
    assert run.bad("model", "-", input="\n".join(rows) + "\n") == [
        f"<stdin>: its aliases expand it by more than {MAX_ALIAS_NODES:,} YAML nodes (the limit); "
        "refusing what looks like an alias bomb"
    ]
    (line,) = run.bad("model", "-", input="a: &a {b: *a}\n")
    assert "recursive structure" in line


def test_reused_mappings_still_work(run: Run) -> None:
    text = NET.replace("layers:\n", "") + (
        "defaults: {padding: same}\n"
        "layers:\n  - &pw {type: pw, filters: 4}\n  - *pw\n  - {<<: *pw, name: last}\n"
    )
    data = json.loads(run("model", "-", "--json", input=text).stdout)
    assert [row["name"] for row in data["layers"]][-1] == "last"


# --- 7. names are data, not markup ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["[/]", "block[dw]", "[link=https://x.org]y[/link]", ":smile:"])
def test_markup_in_names_is_printed_as_written(run: Run, name: str) -> None:
    result = run("layer", "--spec", "-", input=f"name: {json.dumps(name)}\n" + LAYER)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{name}: 6×6×3 input")
    net = NET + f"  - {{type: fc, name: {json.dumps(name)}}}\n"
    assert f" {name} " in run("model", "-", input=net).stdout


# --- 8. --plot ----------------------------------------------------------------------------------------

needs_matplotlib = pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("matplotlib") is None,
    reason="the plot extra is not installed",
)


@needs_matplotlib
def test_plot_targets_are_checked_before_any_output(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "x.png"
    folder.mkdir()
    assert run.bad("sweep", "mobilenet", "--plot", str(folder)) == [
        f"--plot: {str(folder)!r} is a directory, not a file to write"
    ]
    link = tmp_path / "full.png"
    link.symlink_to("/dev/full")
    assert run.bad("sweep", "mobilenet", "--plot", str(link)) == [
        f"--plot: {str(link)!r} is a character device, not a file to write"
    ]
    (line,) = run.bad("sweep", "mobilenet", "--plot", "/proc/x.png")
    assert line.startswith("--plot: '/proc/x.png' cannot be written: ")


@needs_matplotlib
def test_plot_is_replaced_whole_and_leaves_no_temporary_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "grid.svg"
    target.write_text("old")
    result = run("sweep", "mobilenet", "--json", "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text().lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.svg"]
    assert result.stderr == f"convcost: wrote {target}\n"


@needs_matplotlib
def test_plot_of_counts_beyond_floats_fails_before_stdout(run: Run, tmp_path: Path) -> None:
    big = "9" * MAX_DIGITS  # (10¹⁰⁰)² of area × 10¹⁰⁰ × 10¹⁰⁰ channels: past any float
    spec = NET.replace("size: 8", f"size: {big}") + f"  - {{type: pw, filters: {big}}}\n" * 2
    lines = run.bad("sweep", "-", "--alpha", "1", "--plot", str(tmp_path / "p.png"), input=spec)
    assert lines == [
        "--plot: counts beyond 1e300 cannot be drawn (the limit of a plot's floats); drop "
        "--plot: the table, --json and --format csv carry every digit"
    ]
    assert list(tmp_path.iterdir()) == []


# --- 10. the roofline with huge sizes or rates -------------------------------------------------------


def test_roofline_estimates_beyond_the_limit_are_refused(run: Run) -> None:
    big = str(10 ** (MAX_DIGITS - 1))
    lines = run.bad("layer", "-i", big, "-m", big, "-k", "3", "-n", big, "--device", "desktop-cpu")
    assert lines[0].startswith(
        f"--device: a layer would take more than 1e{len(str(MAX_SECONDS)) - 1} s"
    )


@pytest.mark.parametrize("rate", ["1" + "0" * 400, "0", str(MAX_RATE * 10), str(MIN_RATE / 10)])
def test_device_rates_out_of_range_are_refused(run: Run, tmp_path: Path, rate: str) -> None:
    profile = tmp_path / "dev.yaml"
    profile.write_text(f"name: x\npeak_gflops: {{float32: 100}}\nmemory_gbps: {rate}\nsource: s\n")
    (line,) = run.bad("model", "mobilenet", "--device", str(profile))
    assert line.startswith(f"{profile}, line 3: ")
    assert f"at most {MAX_DIGITS}" in line or "must be a number from 1e-06 to 1e+12" in line


# --- 11. smaller ones ----------------------------------------------------------------------------------


def test_names_too_long_for_the_os_are_one_line(run: Run) -> None:
    name = "a" * 5000
    for args in (
        ("model", name + ".yaml"),
        ("layer", "--spec", name),
        ("model", "mobilenet", "--device", name + ".yaml"),
        ("sweep", "mobilenet", "--plot", name + ".png"),
    ):
        (line,) = run.bad(*args)
        assert line.endswith("File name too long") and " … " in line, line
    (line,) = run.bad("model", name)
    assert "no such built-in network or file; built-ins: mobilenet_v1, mobilenet_v2" in line


def test_a_list_as_layer_type_with_defaults(run: Run) -> None:
    text = NET.replace("layers:\n", "defaults: {stride: 1}\nlayers:\n") + "  - {type: [conv]}\n"
    (line,) = run.bad("model", "-", input=text)
    assert line.startswith(
        "<stdin>, line 5: layers[0]: unknown layer type ['conv']; known types: conv, dw, pw, "
        "separable, bottleneck, pool, fc"
    )


def test_fit_csv_prints_its_header_when_nothing_fits(run: Run) -> None:
    result = run("fit", "mobilenet", "--max-macs", "1", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout == "alpha,resolution,macs,params,macs_of_budget,params_of_budget\n"
    assert run("fit", "mobilenet", "--max-macs", "1", "--json").stdout == "[]\n"


@pytest.mark.parametrize(
    ("module", "argv"),
    [
        ("typer", ["model", "mobilenet", "--exact"]),  # the command line's modules
        ("convcost.report", ["model", "mobilenet"]),  # the plain call's, without typer
    ],
)
def test_ctrl_c_during_start_up_is_a_quiet_130(module: str, argv: list[str]) -> None:
    """A KeyboardInterrupt while the modules load (here: at an import)."""
    import subprocess
    import sys

    probe = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def hook(name, *args, **kwargs):\n"
        f"    if name == {module!r}:\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = hook\n"
        f"sys.argv = ['convcost', *{argv!r}]\n"
        "from convcost.__main__ import main\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert (out.returncode, out.stdout, out.stderr) == (130, "", "")


def test_ctrl_c_while_a_command_runs_is_130(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from convcost import report

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "analyze_network", interrupted)
    result = run("model", "mobilenet")
    assert (result.exit_code, result.stdout) == (130, "")
    assert "Traceback" not in result.stderr


# --- 12. messages: escaped, one line each, a capped list --------------------------------------


def test_control_characters_in_names_are_escaped_everywhere(run: Run) -> None:
    name = "x\ny\x1b[2J\u202e"
    escaped = "x\\ny\\x1b[2J\\u202e"
    bad = NET + f"  - {{type: conv, name: {json.dumps(name)}, kernel_size: 9, filters: 3}}\n"
    assert run.bad("model", "-", input=bad) == [
        f"layers[0] ({escaped}): kernel_size 9x9 is larger than the padded input 8x8 "
        "(padding 0); use a larger input, a smaller kernel or more padding"
    ]
    good = f"name: {json.dumps(name)}\n" + LAYER
    csv_out = run("layer", "--spec", "-", "--format", "csv", input=good).stdout
    assert f"\n{escaped},standard," in csv_out and "\x1b" not in csv_out
    assert "\x1b" not in run("layer", "--spec", "-", input=good).stdout
    assert "\x1b" not in run("layer", "--spec", "-", "-f", "markdown", input=good).stdout
    assert (
        json.loads(run("layer", "--spec", "-", "--json", input=good).stdout)["spec"]["name"] == name
    )


def test_a_long_error_list_is_capped(run: Run) -> None:
    keys = "".join(f"key{i}: 1\n" for i in range(50))
    lines = run.bad("layer", "--spec", "-", input=LAYER + keys)
    assert len(lines) == MAX_ERROR_LINES
    assert (
        lines[-1]
        == f"… and {50 - MAX_ERROR_LINES + 1} more (an error list stops at {MAX_ERROR_LINES} lines)"
    )


# --- 13. nothing is cut, at any width -------------------------------------------------------------

TABLES = [
    ("model", "mobilenet", "--exact"),
    ("model", "mobilenet_v2", "--exact", "--as", "standard"),
    ("model", "mobilenet", "--device", "desktop-cpu", "--exact"),
    ("layer", "-i", "224", "-m", "512", "-k", "3", "-n", "512", "--exact", "--memory"),
    ("layer", "--spec", str(SPECS / "seed_layers.yaml"), "--exact"),
    ("fit", "mobilenet", "--max-macs", "100M", "--exact"),
]


@pytest.mark.parametrize("args", TABLES, ids=[" ".join(a[:2]) for a in TABLES])
def test_no_number_is_cut_at_any_width(args: tuple[str, ...]) -> None:
    from convcost.cli import main

    json_args = [a for a in args if a != "--exact"]
    numbers = _integers(Run().json(*json_args))
    for width in (30, 40, 50, 60, 70, 79, 80, 84, 100, 130):
        out = _run_at(main, width, args)
        assert "…" not in out, (width, out)
        if width >= 80:  # wide enough that no number folds: each is printed whole
            for n in numbers:
                assert f"{n:,}" in out, (width, n)


def _integers(data: Any) -> set[int]:
    """The mult-adds a table shows for every row: per layer, per variant, per fitting variant."""
    if isinstance(data, list):  # fit: the front
        return {row["macs"] for row in data}
    if "layers" in data and "total" in data and "model" in data:  # model
        return {row["macs"] for row in data["layers"]}
    layers = data.get("layers", [data])  # layer: one, or several
    return {layer[v]["macs"] for layer in layers for v in ("standard", "depthwise", "separable")}


def _run_at(main: Any, width: int, args: tuple[str, ...]) -> str:
    from typer.testing import CliRunner

    env = {"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb"}
    with CliRunner().isolation(env=env) as (out, _, _):
        with pytest.raises(SystemExit):
            main(list(args))
        return out.getvalue().decode()


def test_the_index_column_is_whole_at_80_columns(run: Run) -> None:
    rows = [line for line in run("model", "mobilenet").stdout.splitlines() if "block13/pw" in line]
    assert re.match(r"\s*26\s+block13/pw ", rows[0])


def test_output_that_is_not_a_terminal_is_as_wide_as_it_needs() -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    out = subprocess.run(
        [sys.executable, "-m", "convcost", "model", "mobilenet", "--exact"],
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert "…" not in out and " input " in out.splitlines()[1]  # the optional column is kept
    assert "568,740,352" in out


# --- also from the trial --------------------------------------------------------------------------


def test_a_network_spec_given_to_layer_is_one_line(run: Run) -> None:
    path = SPECS / "mobilenet_v1.yaml"
    assert run.bad("layer", "--spec", str(path)) == [
        f"{path}: is a network spec (input: and typed layers), not a layer; cost it with: "
        f"convcost model {path}"
    ]
    layers = SPECS / "seed_layers.yaml"
    assert run.bad("model", str(layers)) == [
        f"{layers}: is a layer spec (D_F, M, D_K, N), not a network; cost it with: "
        f"convcost layer --spec {layers}"
    ]


def test_padding_per_axis(run: Run) -> None:
    data = run.json("layer", "-i", "17", "-m", "8", "-k", "1x7", "-n", "8", "-p", "0x3")
    assert data["output_size"] == [17, 17]  # (17 + 2·0 − 1) + 1, (17 + 2·3 − 7) + 1
    assert data["spec"]["padding"] == [0, 3]
    assert data["standard"]["macs"] == 17 * 17 * 1 * 7 * 8 * 8
    assert (
        "padding 0×3"
        in run("layer", "-i", "17", "-m", "8", "-k", "1x7", "-n", "8", "-p", "0x3").stdout
    )
    assert (
        run.json("layer", "-i", "9", "-m", "3", "-k", "3", "-n", "4", "-p", "1x1")["spec"][
            "padding"
        ]
        == 1
    )
    spec = run("layer", "--spec", "-", "--json", input=LAYER + "padding: [1, 0]\n").stdout
    assert json.loads(spec)["output_size"] == [6, 4]


def test_model_list_json(run: Run) -> None:
    data = run.json("model", "--list")
    assert data[:2] == [
        {"name": "mobilenet_v1", "aliases": ["mobilenet", "mobilenetv1"]},
        {"name": "mobilenet_v2", "aliases": ["mobilenetv2"]},
    ]
    from convcost.architectures import names

    assert [entry["name"] for entry in data] == names()


def test_layer_from_flags_alone_loads_no_pydantic_or_yaml() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, io, contextlib, json\n"
        "from convcost.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try: main(['layer', '-i', '6', '-m', '3', '-k', '3', '-n', '5', '-p', '0x1', '--json'])\n"
        "    except SystemExit: pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml', 'rich'))\n"
        "print(json.dumps([heavy, json.loads(out.getvalue())['separable']['macs']]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [[], 4 * 6 * 9 * 3 + 4 * 6 * 3 * 5]


@pytest.mark.parametrize("kind", ["network", "layer", "device"])
def test_every_shipped_file_validates_against_convcost_schema(run: Run, kind: str) -> None:
    import jsonschema
    import yaml

    schema = json.loads(run("schema", kind).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    root = Path(__file__).resolve().parent.parent
    specs = {path: yaml.safe_load(path.read_text()) for path in SPECS.glob("*.yaml")}
    files = {
        "network": [path for path, data in specs.items() if "input" in data],
        "layer": [path for path, data in specs.items() if "input" not in data],
        "device": [
            *(root / "convcost" / "devices").glob("*.yaml"),
            root / "bench" / "this-machine.yaml",
        ],
    }[kind]
    assert files
    for path in files:
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
        assert errors == [], (path, errors)
    assert not validator.is_valid(
        {"D_F": 6, "input_size": 6, "M": 3, "D_K": 3, "N": 5} if kind == "layer" else {}
    )
