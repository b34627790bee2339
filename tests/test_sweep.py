"""The fast evaluator (convcost.sweeps) against the engine, and `convcost sweep` end to end."""

from __future__ import annotations

import csv
import io
import json
import sys
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convcost import cost
from convcost import sweeps as sweep
from convcost.architectures import builtin_spec
from convcost.errors import SpecError
from convcost.network import Conventions, Graph, Variant, compile_graph, evaluate
from tests.conftest import SPECS, Run

MOBILENET = compile_graph(builtin_spec("mobilenet"))


def engine(plan: Graph, alpha: Fraction, hw: tuple[int, int], conv: Conventions, **kw: Any) -> Any:
    """The reference: one full evaluate() per variant, its rows summed (or the error)."""
    try:
        rows = evaluate(plan, Variant(alpha, hw, **kw), conv)
    except SpecError as exc:
        return ("error", exc.problems)
    return cost.total(row.cost for row in rows)


# --- random networks -------------------------------------------------------------------------

padding = st.one_of(st.sampled_from(["same", "valid"]), st.integers(0, 2))
kernel = st.integers(1, 5)
stride = st.integers(1, 3)
filters = st.integers(1, 96)
scale = st.sampled_from(["always", "never", "up"])

conv = st.fixed_dictionaries(
    {
        "type": st.just("conv"),
        "kernel_size": kernel,
        "filters": filters,
        "stride": stride,
        "padding": padding,
        "groups": st.sampled_from([1, 1, 2, 4]),
        "scale": scale,
    }
)
dw = st.fixed_dictionaries(
    {"type": st.just("dw"), "kernel_size": kernel, "stride": stride, "padding": padding}
)
pw = st.fixed_dictionaries({"type": st.just("pw"), "filters": filters, "scale": scale})
separable = st.fixed_dictionaries(
    {
        "type": st.just("separable"),
        "filters": filters,
        "stride": stride,
        "padding": padding,
        "repeat": st.integers(1, 3),
    }
)
pool = st.one_of(
    st.fixed_dictionaries({"type": st.just("pool"), "global": st.just(True)}),
    st.fixed_dictionaries(
        {"type": st.just("pool"), "kernel_size": st.integers(1, 7), "padding": st.integers(0, 1)}
    ),
)
fc = st.fixed_dictionaries({"type": st.just("fc"), "units": st.none() | st.integers(1, 50)})
bottleneck = st.fixed_dictionaries(
    {
        "type": st.just("bottleneck"),
        "t": st.integers(1, 6),
        "c": filters,
        "n": st.integers(1, 3),
        "s": stride,
        "padding": padding,
    }
)


@st.composite
def networks(draw: st.DrawFn) -> Graph:
    body = draw(
        st.lists(st.one_of(conv, dw, pw, separable, bottleneck, pool), min_size=1, max_size=7)
    )
    tail = draw(st.lists(fc, max_size=2))  # an fc may read a map larger than 1×1
    spec = {
        "name": "random",
        "input": {"size": draw(st.integers(4, 64)), "channels": draw(st.integers(1, 4))},
        "classes": draw(st.integers(1, 1000)),
        "width": {
            "round": draw(st.sampled_from(["floor", "divisible"])),
            "divisor": draw(st.sampled_from([4, 8])),
            "min_channels": draw(st.integers(1, 8)),
        },
        "layers": body + tail,
    }
    return compile_graph(spec)


alphas = st.fractions(Fraction(1, 100), 2, max_denominator=100)
conventions = st.builds(
    Conventions, bias=st.booleans(), bn_params=st.sampled_from([0, 2, 4]), flops=st.booleans()
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=networks(),
    alpha=alphas,
    side=st.integers(1, 80),
    conv=conventions,
    classes=st.none() | st.integers(1, 2000),
    min_channels=st.none() | st.integers(1, 16),
)
def test_factorisation_equals_evaluate(
    plan: Graph,
    alpha: Fraction,
    side: int,
    conv: Conventions,
    classes: int | None,
    min_channels: int | None,
) -> None:
    want = engine(plan, alpha, (side, side), conv, classes=classes, min_channels=min_channels)
    report_rows, skipped = sweep._variants(
        plan,
        sweep.Grid((alpha,), ((side, side),), ()),
        conv,
        classes,
        min_channels,
        None,
    )
    if isinstance(want, tuple):  # the engine refuses this variant: so must the sweep
        assert list(report_rows) == []
        assert 1 <= len(skipped) <= 2  # its α, its resolution or both
    else:
        assert skipped == []
        assert [r.cost for r in report_rows] == [want]


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    plan=networks(),
    grid_alphas=st.lists(alphas, min_size=1, max_size=5, unique=True),
    sides=st.lists(
        st.tuples(st.integers(1, 48), st.integers(1, 48)), min_size=1, max_size=5, unique=True
    ),
    conv=conventions,
)
def test_whole_grid_equals_evaluate(
    plan: Graph, grid_alphas: list[Fraction], sides: list[tuple[int, int]], conv: Conventions
) -> None:
    """Every buildable variant is a row equal to evaluate(); every other one is reported."""
    rows, skipped = sweep._variants(
        plan, sweep.Grid(tuple(grid_alphas), tuple(sides), ()), conv, None, None, None
    )
    got = {(r.alpha, r.resolution): r.cost for r in rows}
    want = {(a, hw): engine(plan, a, hw, conv) for a in grid_alphas for hw in sides}
    assert got == {k: v for k, v in want.items() if not isinstance(v, tuple)}
    refused = {k for k, v in want.items() if isinstance(v, tuple)}
    covered = {
        (a, hw)
        for s in skipped
        for a in grid_alphas
        for hw in sides
        if s.alpha in (None, a) and s.resolution in (None, hw)
    }
    assert covered == refused


# --- the paper's grid ------------------------------------------------------------------------

# Paper Tables 6 and 7 (exact: reference.md); params depend on α only.
PAPER_MACS = {
    (1, 224): 568_740_352,
    (0.75, 224): 325_400_448,
    (0.5, 224): 149_497_088,
    (0.25, 224): 41_030_272,
    (1, 192): 418_121_728,
    (1, 160): 290_675_200,
    (1, 128): 186_400_768,
    (0.5, 160): 76_524_800,
}
PAPER_PARAMS = {1: 4_209_088, 0.75: 2_568_144, 0.5: 1_319_648, 0.25: 463_600}
KERAS_PARAMS = {1: 4_253_864, 0.75: 2_601_976, 0.5: 1_342_536, 0.25: 475_544}


def test_default_sweep_is_the_papers_grid(run: Run) -> None:
    rows = run.json("sweep", "mobilenet")
    assert [(r["alpha"], r["resolution"][0]) for r in rows] == [
        (a, r) for a in (1, 0.75, 0.5, 0.25) for r in (224, 192, 160, 128)
    ]
    by = {(r["alpha"], r["resolution"][0]): r for r in rows}
    for key, macs in PAPER_MACS.items():
        assert by[key]["macs"] == macs
    for (alpha, res), row in by.items():
        assert row["resolution"] == [res, res]
        assert row["params"] == PAPER_PARAMS[alpha]
    # the ratio to the largest variant (1.0-224): 0.5-160 is 76,524,800 / 568,740,352
    assert by[(0.5, 160)]["macs_vs_largest"] == round(76_524_800 / 568_740_352, 6)
    assert by[(0.25, 224)]["params_vs_largest"] == round(463_600 / 4_209_088, 6)


def test_keras_conventions(run: Run) -> None:
    rows = run.json("sweep", "mobilenet", "--bn", "--bias", "--resolution", "224")
    assert {r["alpha"]: r["params"] for r in rows} == KERAS_PARAMS


def test_conv_mobilenet(run: Run) -> None:
    rows = run.json("sweep", "mobilenet", "--as", "standard", "-a", "1", "--resolution", "224")
    assert (rows[0]["macs"], rows[0]["params"]) == (4_867_293_184, 29_281_120)


def test_table_shows_the_grid(run: Run) -> None:
    result = run("sweep", "mobilenet")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    grid_row = next(line for line in lines if line.split()[:1] == ["0.5"])
    # α 0.5 across 224, 192, 160, 128, then its params
    assert grid_row.split() == ["0.5", "149.5M", "110.0M", "76.5M", "49.2M", "1.3M"]
    assert max(len(line) for line in lines) <= 80
    assert "no bias, no BatchNorm" in result.stdout


def test_table_golden(run: Run, golden) -> None:  # type: ignore[no-untyped-def]
    result = run("sweep", "mobilenet", "--alpha", "1,0.5", "--resolution", "224,160", "--exact")
    assert "568,740,352" in result.stdout and "76,524,800" in result.stdout
    golden("sweep_mobilenet.txt", result.stdout)


# --- each row is `convcost model` for that variant -------------------------------------------

OPTIONS = [
    (),
    ("--bn", "--bias"),
    ("--bias", "--classes", "10"),
    ("--min-channels", "8", "--flops"),
    ("--bn", "--classes", "1001", "--min-channels", "16"),
]


@pytest.mark.parametrize("options", OPTIONS)
def test_rows_equal_model(run: Run, options: tuple[str, ...]) -> None:
    rows = run.json(
        "sweep", "mobilenet", "--alpha", "0.07,0.35,1.3", "--resolution", "33,97,224x160", *options
    )
    assert len(rows) == 9
    for row in rows:
        h, w = row["resolution"]
        model = run.json(
            "model", "mobilenet", "--alpha", str(row["alpha"]), "--resolution", f"{h}x{w}", *options
        )
        assert model["resolution"] == row["resolution"]
        assert model["alpha"] == row["alpha"]
        assert {k: row[k] for k in model["total"]} == model["total"]


def test_rows_by_rho_equal_model(run: Run) -> None:
    rows = run.json("sweep", "mobilenet", "--rho", "0.5:1.0:0.25", "--alpha", "0.5")
    assert [r["rho"] for r in rows] == [0.5, 0.75, 1.0]
    assert [r["resolution"][0] for r in rows] == [112, 168, 224]
    for row in rows:
        model = run.json("model", "mobilenet", "--alpha", "0.5", "--rho", str(row["rho"]))
        assert model["total"] == {"macs": row["macs"], "params": row["params"]}


def test_yaml_spec_equals_builtin(run: Run) -> None:
    a = run.json("sweep", str(SPECS / "mobilenet_v1.yaml"), "-a", "0.3,0.6", "--resolution", "96")
    b = run.json("sweep", "mobilenet", "-a", "0.3,0.6", "--resolution", "96")
    assert a == b


# --- grids: lists and ranges, exact ------------------------------------------------------------


def test_range_is_exact_and_includes_both_ends(run: Run) -> None:
    rows = run.json("sweep", "mobilenet", "--alpha", "0.01:1.0:0.01", "--resolution", "224")
    alphas = [r["alpha"] for r in rows]
    assert len(alphas) == 100
    assert alphas[0] == 0.01 and alphas[-1] == 1.0
    assert alphas[28] == 0.29  # 0.01 + 28 × 0.01, which float arithmetic makes 0.29000000000000004
    # int(512 × 0.29) = 148 exactly (float 512 * 0.29 = 148.48; 100 * 0.29 would be 28.999...)
    assert rows[-1]["macs"] == 568_740_352


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("96:224:16", [96, 112, 128, 144, 160, 176, 192, 208, 224]),
        ("96:100:8", [96]),  # stop is included only when the step lands on it
        ("224,192,224", [224, 192]),  # repeats dropped, order kept
        ("128:160:32,224", [128, 160, 224]),
    ],
)
def test_resolution_ranges(text: str, values: list[int]) -> None:
    assert sweep.parse_resolutions(text) == [(v, v) for v in values]


def test_alpha_range_fractions() -> None:
    grid = sweep.parse_grid("0.1:0.3:0.1", None, None)
    assert grid.alphas == (Fraction(1, 10), Fraction(1, 5), Fraction(3, 10))
    assert sweep.parse_grid(None, None, None).alphas == sweep.PAPER_ALPHAS


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("--alpha", "0.5:0.25:0.05"), "--alpha"),
        (("--alpha", "0.25:1.0"), "--alpha"),
        (("--alpha", "0.25:1.0:0"), "--alpha"),
        (("--alpha", "0,1"), "--alpha"),
        (("--alpha", "5"), "--alpha"),
        (("--alpha", "x"), "--alpha"),
        (("--alpha", "0.5,,1"), "--alpha"),
        (("--alpha", "nan"), "--alpha"),
        (("--resolution", "96.5"), "--resolution"),
        (("--resolution", "0x4"), "--resolution"),
        (("--resolution", "224", "--rho", "1"), "--resolution"),
        (("--rho", "0:1:0.1"), "--rho"),
        (("--alpha", "0.0001:4:0.0001", "--resolution", "1:1000:1"), "--alpha"),
        (("--plot", "out.jpg"), "--plot"),
    ],
)
def test_bad_grid(run: Run, args: tuple[str, ...], flag: str) -> None:
    lines = run.bad("sweep", "mobilenet", *args)
    assert len(lines) == 1
    assert lines[0].startswith(flag)


def test_bad_grid_reports_every_flag(run: Run) -> None:
    lines = run.bad("sweep", "mobilenet", "--alpha", "x", "--rho", "9")
    assert [line.split(":")[0] for line in lines] == ["--alpha", "--rho"]


def test_unknown_network(run: Run) -> None:
    (line,) = run.bad("sweep", "mobilenett")
    assert "no such built-in network" in line


# --- variants that cannot be built -------------------------------------------------------------

POOLED = """\
name: pooled
input: {size: 64, channels: 3}
layers:
  - {type: conv, kernel_size: 3, filters: 16, stride: 2, padding: 1}
  - {type: pool, kernel_size: 7}
  - {type: fc, units: 10}
"""


def test_invalid_resolution_is_reported_not_fatal(run: Run, tmp_path: Any) -> None:
    spec = tmp_path / "pooled.yaml"
    spec.write_text(POOLED)
    result = run("sweep", str(spec), "--alpha", "1", "--resolution", "8,14,64", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    # 14 → conv output 7 → pool 7×7 → 1×1: fc 16·10; 64 → 32 → 4×4 (floor((32-7)/7)+1 = 4)
    assert [(r["resolution"][0], r["macs"], r["params"]) for r in rows] == [
        (14, 3 * 3 * 3 * 16 * 7 * 7 + 16 * 10, 3 * 3 * 3 * 16 + 16 * 10),
        (64, 3 * 3 * 3 * 16 * 32 * 32 + 4 * 4 * 16 * 10, 3 * 3 * 3 * 16 + 4 * 4 * 16 * 10),
    ]
    (warning,) = result.stderr.splitlines()
    assert warning.startswith("convcost: warning: skipped resolution 8x8 (every α): layers[1]")
    assert "larger than the padded input 4x4" in warning
    # the table marks the missing cells and the fc's params that grow with the resolution
    table = run("sweep", str(spec), "--alpha", "1", "--resolution", "8,14,64")
    assert table.exit_code == 0
    assert "skipped resolution 8x8" in table.stderr


def test_nothing_buildable_is_an_error(run: Run, tmp_path: Any) -> None:
    spec = tmp_path / "pooled.yaml"
    spec.write_text(POOLED)
    lines = run.bad("sweep", str(spec), "--resolution", "4,8")
    assert [line.split(": layers[1]")[0] for line in lines] == [
        "no variant of the grid can be built: resolution 4x4 (every α)",
        "no variant of the grid can be built: resolution 8x8 (every α)",
    ]


# --- formats, progress, imports --------------------------------------------------------------


def test_csv_and_markdown(run: Run) -> None:
    result = run("sweep", "mobilenet", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 16
    assert rows[0] == {
        "alpha": "1.0",
        "resolution": "224",
        "macs": "568740352",
        "params": "4209088",
        "macs_vs_largest": "1.0",
        "params_vs_largest": "1.0",
    }
    md = run("sweep", "mobilenet", "--format", "markdown", "-a", "0.5", "--resolution", "160")
    assert "| 0.5 | 160 | 76,524,800 | 1,319,648 |" in md.stdout
    assert "batch_norm: none" in md.stdout


def test_flops_column(run: Run) -> None:
    (row,) = run.json("sweep", "mobilenet", "-a", "1", "--resolution", "224", "--flops")
    assert row["flops"] == 2 * 568_740_352


def test_progress_only_for_long_table_sweeps_in_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from convcost import cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with cli._progress("json", 10**6) as bar:
        assert bar is None
    with cli._progress("table", 16) as bar:
        assert bar is None
    with cli._progress("table", 10**6) as bar:
        assert bar is not None
        bar(10)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with cli._progress("table", 10**6) as bar:
        assert bar is None


def test_heat_runs_green_to_red() -> None:
    from convcost.render.table import heat

    assert heat(10, 10, 1000) == "rgb(46,160,67)"  # cheapest: green
    assert heat(100, 10, 1000) == "rgb(214,170,0)"  # geometric middle: yellow
    assert heat(1000, 10, 1000) == "rgb(214,60,50)"  # dearest: red
    assert heat(5, 5, 5) == "rgb(46,160,67)"  # one value only


def test_long_list_lines_up(run: Run) -> None:
    result = run("sweep", "mobilenet", "--alpha", "0.05:1.4:0.05", "--resolution", "96:320:8")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "812 variants" in lines
    # too many resolutions for a grid at 80 columns: said, not squeezed
    assert lines[0].startswith("(grid of 29 resolutions omitted")
    start = lines.index("812 variants") + 4
    body = lines[start : start + 812]
    assert len({len(line) for line in body}) == 1  # right-aligned columns
    assert body[0].split() == ["0.05", "96", "481.8K", "60.8K", "0.000", "0.008"]


def test_help_keeps_its_brackets(run: Run) -> None:
    """typer renders help through rich markup, which swallows an unescaped [default: ...]."""
    text = " ".join(run("sweep", "--help").stdout.replace("│", " ").split())
    assert 'pip install -e ".[plot]"' in text
    assert "default 1000" in text
    assert "[default: the paper's α 1, 0.75, 0.5, 0.25" in text
    fit = " ".join(run("fit", "--help").stdout.replace("│", " ").split())
    assert "[default: 0.05:1.4:0.05]" in fit and "[default: 96:320:8]" in fit


def test_mobilenet_v2_sweep_equals_model(run: Run) -> None:
    """Bottleneck expansions (t × scaled input) and zero-cost residual adds in the fast evaluator."""
    rows = run.json(
        "sweep",
        "mobilenet_v2",
        "--alpha",
        "0.35,1.0,1.4",
        "--resolution",
        "96,224",
        "--bn-affine-only",
        "--bias",
    )
    for row in rows:
        model = run.json(
            "model",
            "mobilenet_v2",
            "--alpha",
            str(row["alpha"]),
            "--resolution",
            str(row["resolution"][0]),
            "--bn-affine-only",
            "--bias",
        )
        assert (row["macs"], row["params"]) == (model["total"]["macs"], model["total"]["params"])
    published = {(1.0, 224): (300_774_272, 3_504_872)}  # torchvision: 0.301 GFLOPS (MACs), params
    for row in rows:
        key = (row["alpha"], row["resolution"][0])
        if key in published:
            assert (row["macs"], row["params"]) == published[key]


def test_unwritable_plot_is_refused_before_any_output(run: Run) -> None:
    lines = run.bad("sweep", "mobilenet", "--plot", "/nonexistent-folder/sweep.png")
    assert "cannot be written" in lines[0]
