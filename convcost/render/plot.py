"""Pictures of a sweep or a fit (matplotlib, an optional extra: ``pip install matplotlib``).

No pyplot: a bare ``Figure`` keeps matplotlib's global state (and any GUI backend) out of it.
Names are data: titles are drawn without mathtext (a ``$`` in a model name stays a ``$``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from convcost.errors import MissingExtraError, SpecError
from convcost.safe_io import printable
from convcost.sweeps import PAPER_ALPHAS, PAPER_RESOLUTIONS, FitReport, SweepReport, SweepRow

PAPER = {(a, (r, r)) for a in PAPER_ALPHAS for r in PAPER_RESOLUTIONS}
PAPER_STYLE = {"s": 70, "facecolor": "none", "edgecolor": "#d62728", "linewidths": 1.8, "zorder": 5}

NEEDS_MATPLOTLIB = (
    "--plot needs matplotlib, an optional extra: pip install matplotlib "
    '(in a checkout of convcost: pip install -e ".[plot]")'
)
MAX_PLOT_POINTS = 50_000
"""Variants a fit's picture draws at most: of a larger grid every k-th (the counts stay exact);
250,000 points took most of a minute to draw and look no different."""
MAX_PLOT_VALUE = 10**300
"""Counts larger than this do not fit matplotlib's floats (about 1.8e308) with room for its axes."""


def draw(report: SweepReport | FitReport, path: str) -> None:
    """Write the picture of a report to ``path`` (.png, .svg or .pdf, from its name)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the CLI checks first
        raise MissingExtraError(NEEDS_MATPLOTLIB) from None
    rows = report.sweep.rows if isinstance(report, FitReport) else report.rows
    if any(max(r.cost.macs, r.cost.params) > MAX_PLOT_VALUE for r in rows):
        raise SpecError(
            "--plot: counts beyond 1e300 cannot be drawn (the limit of a plot's floats); "
            "drop --plot: the table, --json and --format csv carry every digit"
        )
    figure = Figure(figsize=(12, 5.2), layout="constrained")
    if isinstance(report, FitReport):
        _fit(figure, report)
    else:
        _sweep(figure, report)
    figure.savefig(path, dpi=120, format=path.rsplit(".", 1)[-1].lower())


def _label(row: SweepRow) -> str:
    """The paper's name of a variant: 0.75-192."""
    return f"{float(row.alpha):.2f}".rstrip("0").rstrip(".") + f"-{row.resolution[0]}"


def tick(value: float) -> str:
    """Axis labels: 100M, 1.5M, 500K, 20 (no trailing .0, unlike the tables' 1 decimal).

    >>> [tick(v) for v in (1e8, 1.5e6, 5e5, 20, 0.5)]
    ['100M', '1.5M', '500K', '20', '']
    """
    if value < 1:
        return ""
    for size, prefix in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if value >= size:
            return f"{value / size:.3g}{prefix}"
    return f"{value:.3g}"


def _scale(axis: Any, which: str, values: Sequence[int]) -> None:
    """Human units on an axis; a log scale, ticked at 1, 2, 5 × 10^k, when values span more than
    a decade."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    scale = getattr(axis, f"{which}axis")
    if max(values) > 10 * min(values):
        getattr(axis, f"set_{which}scale")("log")
        scale.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        scale.set_minor_formatter(NullFormatter())
    scale.set_major_formatter(FuncFormatter(lambda value, _: tick(value)))


def _colours(figure: Any, axis: Any, alphas: Sequence[Fraction]) -> list[Any]:
    """One colour per α: a legend for a few, a colour bar for many."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    cmap = colormaps["viridis"]
    low, high = float(min(alphas)), float(max(alphas))
    norm = Normalize(low, high if high > low else low + 1)
    if len(alphas) > 8:
        figure.colorbar(ScalarMappable(norm, cmap), ax=axis, label="width multiplier α")
    return [cmap(norm(float(a)) * 0.85) for a in alphas]


def _paper_points(axis: Any, points: list[tuple[float, float, str]], label: bool) -> None:
    if not points:
        return
    xs, ys, _ = zip(*points, strict=True)
    axis.scatter(xs, ys, label="the paper's models (Tables 6, 7)", **PAPER_STYLE)
    if label:
        for x, y, name in points:
            axis.annotate(
                name,
                (x, y),
                xytext=(7, -3),
                textcoords="offset points",
                fontsize=7.5,
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )


def _sweep(figure: Any, report: SweepReport) -> None:
    by_res, by_params = figure.subplots(1, 2)
    alphas = list(report.alphas_built)
    colours = _colours(figure, by_params, alphas)
    few = len(alphas) <= 8
    macs: list[int] = []
    params: list[int] = []
    paper_res: list[tuple[float, float, str]] = []
    paper_params: list[tuple[float, float, str]] = []
    for (alpha, by_alpha), colour in zip(report.by_alpha(), colours, strict=True):
        rows = sorted(by_alpha, key=lambda r: r.resolution)
        macs += (min(r.cost.macs for r in rows), max(r.cost.macs for r in rows))
        params += (min(r.cost.params for r in rows), max(r.cost.params for r in rows))
        label = f"α {float(alpha):g}" if few else None
        xs = [r.resolution[0] for r in rows]
        ys = [r.cost.macs for r in rows]
        style = {
            "color": colour,
            "marker": "o" if len(rows) <= 30 else None,
            "markersize": 3.5 if few else 2.2,
            "lw": 1.4 if few else 1.0,
        }
        by_res.plot(xs, ys, **style)
        if label is not None:  # a few lines: name each at its right end instead of a legend
            by_res.annotate(
                label,
                (xs[-1], ys[-1]),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color=colour,
                fontweight="bold",
            )
        by_params.plot([r.cost.params for r in rows], ys, **style)
        for r in rows:
            if (r.alpha, r.resolution) in PAPER:
                paper_res.append((r.resolution[0], r.cost.macs, _label(r)))
                paper_params.append((r.cost.params, r.cost.macs, _label(r)))
    _paper_points(by_res, paper_res, label=False)
    _paper_points(by_params, paper_params, label=True)
    by_res.set_xlabel("input resolution (pixels per side)")
    by_res.set_title("mult-adds against resolution, one line per α")
    by_params.set_xlabel("parameters")
    by_params.set_title("mult-adds against parameters (each α: its resolutions)")
    for axis in (by_res, by_params):
        axis.set_ylabel("mult-adds (MACs)")
        _scale(axis, "y", macs)
        axis.grid(True, which="major", alpha=0.3)
    _scale(by_params, "x", params)
    if few:
        by_res.margins(x=0.12)
    if paper_res:
        by_res.legend(fontsize=8, loc="upper left")
    title = f"{report.model}: {len(report.rows):,} variants, {_conventions(report)}"
    figure.suptitle(printable(title), parse_math=False)


def _conventions(report: SweepReport) -> str:
    conv = report.conventions
    parts = ["with bias" if conv.bias else "no bias"]
    parts.append(f"BatchNorm {conv.bn_params}/channel" if conv.bn_params else "no BatchNorm")
    return f"{report.classes} classes, " + ", ".join(parts)


def _fit(figure: Any, report: FitReport) -> None:
    """Left: the grid itself (α against resolution), what fits and the front; right: the same
    variants by cost, with the budget lines."""
    grid, costs = figure.subplots(1, 2, width_ratios=(1, 1.3))
    rows = report.sweep.rows
    every = -(-len(rows) // MAX_PLOT_POINTS)  # a dense grid drawn in part looks the same
    drawn = [r for k, r in enumerate(rows) if k % every == 0]
    fitting = [r for r in drawn if report.fits(r)]
    others = [r for r in drawn if not report.fits(r)]
    front = sorted(report.front, key=lambda r: r.cost.params)
    sample = f"; 1 in {every} drawn" if every > 1 else ""
    outside = len(rows) - report.fitting
    over = {"s": 10, "color": "#c8c8c8", "label": f"over budget ({outside:,}{sample})"}
    fit = {"s": 12, "color": "#6baed6", "label": f"fits ({report.fitting:,}{sample})"}
    best = {"s": 45, "color": "#08519c", "zorder": 4, "label": f"front ({len(front)})"}
    for group, style in ((others, over), (fitting, fit), (front, best)):
        grid.scatter([r.resolution[0] for r in group], [float(r.alpha) for r in group], **style)
        costs.scatter([r.cost.params for r in group], [r.cost.macs for r in group], **style)
    for axis in (grid, costs):
        axis.grid(True, which="major", alpha=0.3)
    for k, r in enumerate(front):
        grid.annotate(
            _label(r),
            (r.resolution[0], float(r.alpha)),
            xytext=(6, 6 if k % 2 else -10),
            textcoords="offset points",
            fontsize=8,
            color="#08519c",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    grid.set_xlabel("input resolution (pixels per side)")
    grid.set_ylabel("width multiplier α")
    grid.set_title("the grid: which (α, resolution) fit")
    grid.legend(fontsize=8, loc="upper right")
    if report.max_macs is not None:
        costs.axhline(report.max_macs, color="#d62728", ls="--", lw=1, label="budget")
    if report.max_params is not None:
        label = "budget" if report.max_macs is None else None
        costs.axvline(report.max_params, color="#d62728", ls="--", lw=1, label=label)
    _scale(costs, "x", [r.cost.params for r in (*drawn, *front)])
    _scale(costs, "y", [r.cost.macs for r in (*drawn, *front)])
    costs.set_xlabel("parameters")
    costs.set_ylabel("mult-adds (MACs)")
    costs.set_title("their cost, and the budget")
    costs.legend(fontsize=8, loc="upper left")
    title = (
        f"{report.sweep.model}: the largest variants within {_budgets(report)} "
        f"({_conventions(report.sweep)})"
    )
    figure.suptitle(printable(title), parse_math=False)


def _budgets(report: FitReport) -> str:
    parts = []
    if report.max_macs is not None:
        parts.append(f"{tick(report.max_macs)} mult-adds")
    if report.max_params is not None:
        parts.append(f"{tick(report.max_params)} params")
    return " and ".join(parts)
