"""`convcost layer`: the seeds and paper Table 3 through the real entry point, every format."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SPECS, Run

SEED = ("layer", "--input-size", "6", "--channels", "3", "--kernel-size", "3", "--filters", "5")
TABLE3 = ("layer", "-i", "14", "-m", "512", "-k", "3", "-n", "512", "--padding", "same")


def test_seed_json(run: Run) -> None:
    data = run.json(*SEED)
    assert data["output_size"] == [4, 4]
    assert data["standard"] == {"macs": 2160, "params": 135}
    assert data["depthwise"] == {"macs": 432, "params": 27}
    assert data["pointwise"] == {"macs": 240, "params": 15}
    assert data["separable"] == {"macs": 672, "params": 42}
    assert round(data["ratio"]["macs"], 4) == 0.3111
    assert data["ratio"]["macs"] == data["ratio"]["params"] == data["ratio"]["formula"]
    assert data["conventions"]["bias"] is False


def test_seed_table(run: Run, golden) -> None:  # type: ignore[no-untyped-def]
    result = run(*SEED)
    assert result.exit_code == 0
    for text in ("4×4×5", "2,160", "432", "240", "672", "0.3111", "1/5 + 1/3²"):
        assert text in result.stdout
    assert "\x1b[" not in result.stdout  # no colour codes when piped / NO_COLOR
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    golden("layer_seed.txt", result.stdout)


@pytest.mark.parametrize(
    ("extra", "standard", "separable"),
    [
        ((), (462_422_016, 2_359_296), (52_283_392, 266_752)),
        (("--alpha", "0.75"), (260_112_384, 1_327_104), (29_578_752, 150_912)),
        (("--alpha", "0.75", "--rho", "0.714"), (132_710_400, 1_327_104), (15_091_200, 150_912)),
    ],
)
def test_paper_table3(
    run: Run, extra: tuple[str, ...], standard: tuple[int, int], separable: tuple[int, int]
) -> None:
    data = run.json(*TABLE3, *extra)
    assert (data["standard"]["macs"], data["standard"]["params"]) == standard
    assert (data["separable"]["macs"], data["separable"]["params"]) == separable


def test_spec_file_and_alias_keys(run: Run) -> None:
    data = run.json("layer", "--spec", str(SPECS / "mobilenet_table3.yaml"))
    assert data["separable"] == {"macs": 52_283_392, "params": 266_752}
    # flags override the file
    data = run.json("layer", "--spec", str(SPECS / "mobilenet_table3.yaml"), "--filters", "256")
    assert data["spec"]["filters"] == 256


def test_spec_from_stdin(run: Run) -> None:
    result = run("layer", "--spec", "-", "--json", input="D_F: 6\nM: 3\nD_K: 3\nN: 5\n")
    assert result.exit_code == 0, result.stderr
    assert '"macs": 672' in result.stdout


def test_other_seed_examples(run: Run) -> None:
    assert run.json("layer", "-i", "9", "-m", "3", "-k", "3", "-n", "1")["output_size"] == [7, 7]
    ratio = run.json("layer", "-i", "9", "-m", "3", "-k", "3", "-n", "10")["ratio"]["formula"]
    assert round(ratio, 4) == 0.2111
    assert run.json("layer", "-i", "3", "-m", "2", "-k", "2", "-n", "1")["output_size"] == [2, 2]


def test_non_square(run: Run) -> None:
    data = run.json("layer", "-i", "224x160", "-m", "3", "-k", "3x5", "-n", "8", "-s", "2x1")
    assert data["output_size"] == [111, 156]
    assert data["standard"]["macs"] == 3 * 5 * 3 * 8 * 111 * 156
    assert data["ratio"]["formula"] == pytest.approx(1 / 8 + 1 / 15)


def test_bias(run: Run) -> None:
    data = run.json(*SEED, "--bias")
    assert data["standard"] == {"macs": 2160, "params": 140}
    assert data["separable"] == {"macs": 672, "params": 27 + 3 + 15 + 5}
    assert data["conventions"]["bias"] is True


def test_layers_file_has_total(run: Run) -> None:
    data = run.json("layer", "--spec", str(SPECS / "seed_layers.yaml"))
    assert len(data["layers"]) == 4
    assert data["total"]["standard"]["macs"] == sum(
        layer["standard"]["macs"] for layer in data["layers"]
    )
    assert data["total"]["separable"]["macs"] == sum(
        layer["separable"]["macs"] for layer in data["layers"]
    )
    assert data["layers"][0]["separable"]["macs"] == 672


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_csv_and_markdown_carry_the_same_numbers(run: Run, fmt: str) -> None:
    result = run(*SEED, "--format", fmt)
    assert result.exit_code == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [(r["variant"], int(r["macs"])) for r in rows] == [
            ("standard", 2160),
            ("depthwise", 432),
            ("pointwise", 240),
            ("separable", 672),
        ]
    else:
        assert "| 0 | separable | 6×6×3 | 4×4×5 | 672 | 42 |" in result.stdout


def test_table3_table_output(run: Run) -> None:
    result = run(*TABLE3)
    assert "462.4M" in result.stdout and "52.3M" in result.stdout
    exact = run(*TABLE3, "--exact")
    assert "462,422,016" in exact.stdout and "52,283,392" in exact.stdout


# --- bad input: one line per problem, exit 2, nothing on stdout ------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("-i", "0", "-m", "3", "-k", "3", "-n", "5"), "--input-size: 0 is not allowed"),
        (("-i", "6", "-m", "-3", "-k", "3", "-n", "5"), "--channels: -3 is not allowed"),
        (
            ("-i", "6", "-m", "3", "-k", "7", "-n", "5"),
            "kernel_size 7x7 is larger than the padded input 6x6",
        ),
        (("-i", "6", "-m", "3", "-k", "3", "-n", "5", "-s", "0"), "--stride: 0 is not allowed"),
        (("-i", "6", "-m", "3.5", "-k", "3", "-n", "5"), "--channels: 3.5 is not allowed"),
        (
            ("-i", "6", "-m", "3", "-k", "3", "-n", "5", "-p", "full"),
            "--padding: full is not allowed",
        ),
        (("-i", "6", "-m", "3", "-k", "3", "-n", "5", "--alpha", "0"), "--alpha"),
        (("-i", "6", "-m", "3", "-k", "3", "-n", "5", "--alpha", "4.5"), "(0, 4]"),
        (("-i", "6", "-m", "3", "-k", "3", "-n", "5", "--rho", "-1"), "--rho"),
        (("-i", "6", "-m", "3", "-k", "3"), "--filters: missing"),
        (("-i", "6", "-m", "3", "-k", "3", "-n", "5", "--json", "--format", "csv"), "conflicts"),
        (("-i", "6", "-m", "3", "-k", "3", "-n", "5", "--nope"), "No such option"),
    ],
)
def test_bad_flags(run: Run, args: tuple[str, ...], needle: str) -> None:
    lines = run.bad("layer", *args)
    assert any(needle in line for line in lines), lines


def test_every_problem_gets_its_own_line(run: Run) -> None:
    lines = run.bad("layer", "-i", "0", "-m", "0", "-k", "0", "-n", "0")
    assert len(lines) == 4


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            "D_F: 6\nM: 3\nD_K: 3\nN: 5\nkernal: 3\n",
            "unknown key 'kernal' in the spec; did you mean",
        ),
        ("D_F: 6\nM: true\nD_K: 3\nN: 5\n", "line 2: channels: True is not allowed"),
        ("D_F: 6\nM: 3\nD_K: 3\nN: 5.0\n", "line 4: filters: 5.0 is not allowed"),
        ("D_F: [6\n", "invalid YAML"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("", "is empty"),
        ("!!python/object/apply:os.system ['true']\n", "unsupported YAML tag"),
        ("D_F: 6\ninput_size: 6\nM: 3\nD_K: 3\nN: 5\n", "both D_F and input_size"),
        ("layers:\n  - {D_F: 6, M: 3, D_K: 9, N: 5}\n", "layers[0]: kernel_size 9x9 is larger"),
    ],
)
def test_bad_yaml(run: Run, text: str, needle: str) -> None:
    lines = run.bad("layer", "--spec", "-", input=text)
    assert any(needle in line for line in lines), lines


def test_bad_files(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert "no such file" in run.bad("layer", "--spec", str(tmp_path / "nope.yaml"))[0]
    assert "is a directory" in run.bad("layer", "--spec", str(tmp_path))[0]
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert "is empty" in run.bad("layer", "--spec", str(empty))[0]
    several = run.bad("layer", "--spec", str(SPECS / "seed_layers.yaml"), "-m", "3")
    assert "cannot override a spec with several layers" in several[0]


bad_values = st.one_of(
    st.integers(max_value=0), st.booleans(), st.floats(allow_nan=False), st.text(max_size=5)
)


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(field=st.sampled_from(["D_F", "M", "D_K", "N", "stride"]), value=bad_values)
def test_any_bad_value_exits_2(run: Run, field: str, value: object) -> None:
    import json

    spec = {"D_F": 6, "M": 3, "D_K": 3, "N": 5, field: value}
    digits = isinstance(value, str) and re.fullmatch(r"\s*\+?\d+\s*", value)
    if digits and int(value.strip()) > 0:  # type: ignore[union-attr]
        return  # a string of digits (as flags arrive) is a fine value
    run.bad("layer", "--spec", "-", input=json.dumps(spec))  # JSON is YAML


def test_recursive_alias_and_bad_encoding_on_stdin(run: Run) -> None:
    assert "recursive structure" in run.bad("layer", "--spec", "-", input="a: &a [*a]\n")[0]
    lines = run.bad("layer", "--spec", "-", input=b"D_F: 6\nname: caf\xe9\n")
    assert lines == [
        "<stdin>, line 2: cannot be read: byte 0xe9 is not UTF-8 (save the file as UTF-8)"
    ]
