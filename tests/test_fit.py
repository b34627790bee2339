"""`convcost fit`: the front of a grid under a budget, checked against a brute-force scan."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcost import cost
from convcost import sweeps as sweep
from convcost.architectures import builtin_spec
from convcost.network import Conventions, Variant, compile_graph, evaluate
from tests.conftest import Run

MOBILENET = compile_graph(builtin_spec("mobilenet"))
# the default grid: α 0.05, 0.10, ..., 1.40 and resolutions 96, 104, ..., 320
ALPHAS = [Fraction(k, 20) for k in range(1, 29)]
SIDES = list(range(96, 321, 8))


def brute_costs(conv: Conventions = Conventions()) -> dict[tuple[Fraction, int], cost.Cost]:
    """One evaluate() per variant of the default grid: the reference the front is checked on."""
    return {
        (a, r): cost.total(row.cost for row in evaluate(MOBILENET, Variant(a, (r, r)), conv))
        for a in ALPHAS
        for r in SIDES
    }


BRUTE = brute_costs()


def brute_front(
    costs: dict[tuple[Fraction, int], cost.Cost], max_macs: int | None, max_params: int | None
) -> set[tuple[Fraction, int]]:
    """Straight from the definition: fits, and no other fitting variant has α' >= α and r' >= r."""
    fitting = [
        k
        for k, c in costs.items()
        if (max_macs is None or c.macs <= max_macs)
        and (max_params is None or c.params <= max_params)
    ]
    return {
        (a, r)
        for a, r in fitting
        if not any((b, s) != (a, r) and b >= a and s >= r for b, s in fitting)
    }


def test_default_grid_is_the_issues() -> None:
    grid = sweep.parse_grid(None, None, None, sweep.FIT_ALPHAS, sweep.FIT_RESOLUTIONS)
    assert grid.alphas == tuple(ALPHAS)
    assert grid.resolutions == tuple((r, r) for r in SIDES)
    assert grid.size == 28 * 29


def test_issue_example(run: Run) -> None:
    rows = run.json("fit", "mobilenet", "--max-macs", "100M", "--max-params", "1M")
    got = [(Fraction(str(r["alpha"])), r["resolution"][0]) for r in rows]
    assert set(got) == brute_front(BRUTE, 100_000_000, 1_000_000)
    # best first: most mult-adds first, each within both budgets, with its share of each
    macs = [r["macs"] for r in rows]
    assert macs == sorted(macs, reverse=True)
    for row in rows:
        c = BRUTE[(Fraction(str(row["alpha"])), row["resolution"][0])]
        assert (row["macs"], row["params"]) == (c.macs, c.params)
        assert row["macs_of_budget"] == round(c.macs / 100_000_000, 6) <= 1
        assert row["params_of_budget"] == round(c.params / 1_000_000, 6) <= 1
    # 0.4-224 is on it: 0.45-224 needs more than 100M; 0.4-232 too
    assert (Fraction(2, 5), 224) in got
    assert BRUTE[(Fraction(9, 20), 224)].macs > 100_000_000
    assert BRUTE[(Fraction(2, 5), 232)].macs > 100_000_000


@settings(max_examples=60, deadline=None)
@given(
    max_macs=st.none() | st.integers(400_000, 3_000_000_000),
    max_params=st.none() | st.integers(50_000, 9_000_000),
)
def test_front_equals_brute_force(max_macs: int | None, max_params: int | None) -> None:
    if max_macs is None and max_params is None:
        return
    grid = sweep.parse_grid(None, None, None, sweep.FIT_ALPHAS, sweep.FIT_RESOLUTIONS)
    report = sweep.fit(MOBILENET, max_macs, max_params, grid)
    got = {(r.alpha, r.resolution[0]) for r in report.front}
    assert got == brute_front(BRUTE, max_macs, max_params)
    assert report.fitting == sum(
        1
        for c in BRUTE.values()
        if (max_macs is None or c.macs <= max_macs)
        and (max_params is None or c.params <= max_params)
    )


def test_front_with_conventions(run: Run) -> None:
    costs = brute_costs(Conventions(bias=True, bn_params=4))
    rows = run.json("fit", "mobilenet", "--max-params", "2M", "--bn", "--bias")
    got = {(Fraction(str(r["alpha"])), r["resolution"][0]) for r in rows}
    assert got == brute_front(costs, None, 2_000_000)
    # a params budget alone: params do not depend on the resolution, so each front variant has
    # the largest resolution, 320
    assert {r for _, r in got} == {320}


def test_min_alpha_and_min_resolution(run: Run) -> None:
    rows = run.json(
        "fit", "mobilenet", "--max-macs", "100M", "--min-alpha", "0.4", "--min-resolution", "200"
    )
    for row in rows:
        assert row["alpha"] >= 0.4 and row["resolution"][0] >= 200
    restricted = {k: c for k, c in BRUTE.items() if k[0] >= Fraction(2, 5) and k[1] >= 200}
    got = {(Fraction(str(r["alpha"])), r["resolution"][0]) for r in rows}
    assert got == brute_front(restricted, 100_000_000, None)


def test_explicit_grid(run: Run) -> None:
    rows = run.json(
        "fit", "mobilenet", "--max-macs", "150M", "--alpha", "1,0.75,0.5,0.25", "--resolution",
        "224,192,160,128",
    )  # fmt: skip
    # the paper's grid under 150M: 1-128 is 186.4M, 0.75-160 166.4M: over; 0.5-224 (149.5M,
    # paper Table 6) and 0.75-128 fit (106,770,432, also bench/compare_tools.py's own shapes())
    assert [(r["alpha"], r["resolution"][0], r["macs"]) for r in rows] == [
        (0.5, 224, 149_497_088),
        (0.75, 128, 106_770_432),
    ]


def test_table(run: Run) -> None:
    result = run("fit", "mobilenet", "--max-macs", "100M", "--max-params", "1M")
    assert result.exit_code == 0, result.stderr
    assert "208 of 812 variants fit" in result.stdout
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["0.4", "224", "96.6M", "96.6%", "926.5K", "92.6%"] in lines


# --- nothing fits ----------------------------------------------------------------------------

SMALLEST = "α 0.05 at 96×96"


def test_nothing_fits_names_the_binding_budget(run: Run) -> None:
    small = BRUTE[(Fraction(1, 20), 96)]
    result = run("fit", "mobilenet", "--max-macs", "100k", "--max-params", "10M", "--exact")
    assert result.exit_code == 0
    assert "no variant of 812 fits" in result.stdout
    text = " ".join(result.stdout.split())
    assert f"{SMALLEST}, costs {small.macs:,} mult-adds and {small.params:,} params" in text
    assert f"binding: --max-macs 100,000: the least any variant needs is {small.macs:,}" in text
    assert "--max-params" not in text.split("binding:")[1]


def test_nothing_fits_json(run: Run) -> None:
    result = run("fit", "mobilenet", "--max-params", "10k", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "binding: --max-params" in result.stderr
    assert SMALLEST in result.stderr


def test_nothing_fits_both_budgets_together() -> None:
    """A grid where each budget alone is met by some variant, never both at once."""
    rows = (
        sweep.SweepRow(Fraction(1), None, (8, 8), cost.Cost(10, 100)),
        sweep.SweepRow(Fraction(2), None, (8, 8), cost.Cost(100, 10)),
    )
    report = sweep.SweepReport("toy", 10, Conventions(), (Fraction(1), Fraction(2)), (), rows)
    fit = sweep.FitReport(report, 50, 50, (), 0)
    assert fit.binding == ()
    assert fit.smallest == rows[0]
    from convcost.render.records import nothing_fits

    assert nothing_fits(fit)[-1].startswith("binding: both budgets together")


# --- budgets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("150M", 150_000_000),
        ("1.5e6", 1_500_000),
        ("2G", 2_000_000_000),
        ("300k", 300_000),
        ("300K", 300_000),
        ("4.2M", 4_200_000),
        ("1_000_000", 1_000_000),
        ("1T", 10**12),
        ("12345", 12_345),
    ],
)
def test_budget_units(text: str, value: int) -> None:
    assert sweep.parse_budget("--max-macs", text) == value


@pytest.mark.parametrize("text", ["0", "-5M", "1.5X", "abc", "inf", "nan", "", "M", "1e-3"])
def test_bad_budget(run: Run, text: str) -> None:
    (line,) = run.bad("fit", "mobilenet", "--max-macs", text)
    assert line.startswith(f"--max-macs: {text!r} is not allowed")
    assert "150M" in line


def test_bad_budgets_and_flags(run: Run) -> None:
    (line,) = run.bad("fit", "mobilenet")
    assert line.startswith("give a budget: --max-macs, --max-params")
    (line,) = run.bad("fit", "mobilenet", "--max-macs", "1G", "--min-alpha", "2")
    assert line.startswith("--min-alpha: 2 leaves no α of the grid (largest 1.4)")
    (line,) = run.bad("fit", "mobilenet", "--max-macs", "1G", "--min-resolution", "400")
    assert line.startswith("--min-resolution: 400 leaves no resolution of the grid (largest 320)")


# --- plots -----------------------------------------------------------------------------------


def test_plot_without_matplotlib(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "matplotlib" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    (line,) = run.bad("sweep", "mobilenet", "--plot", "out.png")
    assert line == (
        "--plot needs matplotlib, an optional extra: pip install matplotlib "
        '(in a checkout of convcost: pip install -e ".[plot]")'
    )


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_files(run: Run, tmp_path: Any, suffix: str) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / f"sweep{suffix}"
    result = run("sweep", "mobilenet", "--plot", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["macs"] == 568_740_352  # stdout stays pure JSON
    assert result.stderr == f"convcost: wrote {path}\n"
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]
    fit = tmp_path / f"fit{suffix}"
    assert run("fit", "mobilenet", "--max-macs", "100M", "--plot", str(fit)).exit_code == 0
    assert fit.stat().st_size > 1000
