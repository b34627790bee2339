"""Sweeps are computed as they are read and written as they are computed (issue 14): the streamed
JSON, CSV and Markdown equal the records' generic rendering; the variants equal a list of them;
the fit's front equals the pairwise definition; memory does not grow with the grid."""

from __future__ import annotations

import io
import json
import tracemalloc
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convcost import sweeps as sweep
from convcost.cost import Cost
from convcost.graph import Graph
from convcost.load import load_network
from convcost.network import Conventions
from convcost.render import csv as csv_render
from convcost.render import json as json_render
from convcost.render import markdown, records
from tests.test_sweep import alphas, conventions, networks


def report_of(
    plan: Graph, grid_alphas: list[Fraction], sides: list[tuple[int, int]], conv: Conventions
) -> sweep.SweepReport | None:
    try:
        return sweep.sweep(plan, sweep.Grid(tuple(grid_alphas), tuple(sides), ()), conv)
    except Exception:  # nothing can be built
        return None


GRIDS = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
grids = {
    "plan": networks(),
    "grid_alphas": st.lists(alphas, min_size=1, max_size=4, unique=True),
    "sides": st.lists(
        st.tuples(st.integers(1, 40), st.integers(1, 40)), min_size=1, max_size=4, unique=True
    ),
    "conv": conventions,
}


@GRIDS
@given(**grids)
def test_streamed_formats_equal_the_records(
    plan: Graph, grid_alphas: list[Fraction], sides: list[tuple[int, int]], conv: Conventions
) -> None:
    report = report_of(plan, grid_alphas, sides, conv)
    if report is None:
        return
    rows = records.sweep_rows(report)
    out = io.StringIO()
    json_render.write_SweepReport(report, out)
    assert out.getvalue() == json_render.dumps(rows)
    out = io.StringIO()
    csv_render.write_SweepReport(report, out, chunk=2)
    assert out.getvalue() == csv_render.table(records.flat(rows))
    out = io.StringIO()
    markdown.write_SweepReport(report, out, chunk=2)
    assert out.getvalue() == markdown.table(records.flat(rows)) + markdown._sweep_caption(report)


@GRIDS
@given(**grids)
def test_variants_behave_as_the_list_of_them(
    plan: Graph, grid_alphas: list[Fraction], sides: list[tuple[int, int]], conv: Conventions
) -> None:
    report = report_of(plan, grid_alphas, sides, conv)
    if report is None:
        return
    listed = list(report.rows)
    assert len(report.rows) == len(listed)
    assert [report.rows[i] for i in range(len(listed))] == listed
    assert report.rows[-1] == listed[-1] and report.rows[1:3] == listed[1:3]
    assert report.largest == max(listed, key=lambda r: r.cost.macs)  # the first of equals
    by_alpha = [row for _, rows in report.by_alpha() for row in rows]
    assert by_alpha == listed
    assert list(report.cells()) == [
        (r.alpha, r.rho, r.resolution, r.cost.macs, r.cost.params) for r in listed
    ]


def test_rho_and_flops_stream_as_the_records() -> None:
    graph = load_network("mobilenet_v2")
    grid = sweep.parse_grid("0.35,1.4", None, "0.5,0.857,0.858")  # two ρ give one 192×192
    report = sweep.sweep(graph, grid, Conventions(flops=True, bias=True, bn_params=2))
    out = io.StringIO()
    json_render.write_SweepReport(report, out)
    assert json.loads(out.getvalue()) == records.sweep_rows(report)
    assert out.getvalue() == json_render.dumps(records.sweep_rows(report))


# --- the front -------------------------------------------------------------------------------


def pairwise_front(rows: list[sweep.SweepRow]) -> list[sweep.SweepRow]:
    """The definition: variants no other dominates, most mult-adds first."""
    kept = [r for r in rows if not any(sweep.dominates(o, r) for o in rows)]
    ordered = sorted(kept, key=lambda r: (r.alpha, r.resolution), reverse=True)
    return sorted(ordered, key=lambda r: (r.cost.macs, r.cost.params, r.alpha), reverse=True)


variants = st.lists(
    st.builds(
        sweep.SweepRow,
        alpha=st.sampled_from([Fraction(k, 4) for k in range(1, 9)]),
        rho=st.none() | st.sampled_from([Fraction(1, 2), Fraction(3, 4)]),
        resolution=st.tuples(st.integers(1, 8), st.integers(1, 8)),
        cost=st.builds(Cost, st.integers(0, 50), st.integers(0, 50)),
    ),
    max_size=40,
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(rows=variants)
def test_the_front_is_the_pairwise_definition(rows: list[sweep.SweepRow]) -> None:
    """The staircase front (O(n log n)) keeps exactly the undominated variants, in the order
    the pairwise definition gives (equal (α, H×W) from several ρ stand or fall together)."""
    assert sweep.front(rows) == pairwise_front(rows)


def test_fit_keeps_only_what_fits() -> None:
    graph = load_network("mobilenet")
    grid = sweep.parse_grid("0.05:1:0.05", "96:320:16", None)
    report = sweep.fit(graph, 100_000_000, None, grid)
    every = list(report.sweep.rows)
    fitting = [r for r in every if r.cost.macs <= 100_000_000]
    assert report.fitting == len(fitting)
    assert list(report.front) == pairwise_front(fitting)


# --- memory ----------------------------------------------------------------------------------


class _Null:
    def write(self, text: str) -> int:
        return len(text)


def peak_bytes(alpha: str, resolution: str, write: Any) -> int:
    graph = load_network("mobilenet")
    report = sweep.sweep(graph, sweep.parse_grid(alpha, resolution, None))
    tracemalloc.start()
    try:
        write(report, _Null())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_writing_a_sweep_does_not_grow_with_its_rows() -> None:
    """Ten times the widths (and the variants) at the same resolutions: the same memory."""
    for write in (json_render.write_SweepReport, csv_render.write_SweepReport):
        small = peak_bytes("0.05:1:0.05", "32:1024:4", write)  # 20 × 249 rows
        large = peak_bytes("0.005:1:0.005", "32:1024:4", write)  # 200 × 249 rows
        assert large < 2 * small, (write, small, large)
