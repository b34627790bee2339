"""Many sizes of one network at once: ``convcost sweep`` (an α × resolution grid) and
``convcost fit`` (the largest variants within a mult-adds / parameters budget).

The fast evaluator rests on one fact of a chain of convolutions: the input channels of every
layer depend on α only and its output side on the resolution only, so each layer's mult-adds
factor into a channel part times an area part,

    conv/pw:  D_K·D_K·(M/g)·N  ×  D_G·D_G        dw:  D_K·D_K·M  ×  D_G·D_G
    fc:       C·K              ×  H·W (input)     pool: free

and parameters depend on α only (plus an fc reading a feature map larger than 1×1: C·K × H·W).
A grid of A widths × R resolutions is therefore A channel vectors and R area vectors, and each
variant is one integer dot product: no pydantic, no ``evaluate()`` per variant. Both parts come
from the engine itself (``network.channel_part`` and ``network.spatial_part``, which ``evaluate``
multiplies), and the tests hold every variant equal to ``network.evaluate``. A width can fail only
on channels (groups) and a resolution only on shapes, so what cannot be built is always a whole
α row or a whole resolution column.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from operator import ge, mul
from typing import NamedTuple, overload

from convcost import cost
from convcost.cost import Cost
from convcost.errors import SpecError
from convcost.fields import MAX_DIGITS, parse_pair
from convcost.graph import INPUT, Graph
from convcost.network import (
    Conventions,
    Pair,
    Variant,
    Widening,
    channel_part,
    spatial_part,
)
from convcost.reporting import Shown

MAX_VARIANTS = 1_000_000
"""A sweep larger than this is almost surely a typo in a range (a step of 0.0001)."""

PAPER_ALPHAS = (Fraction(1), Fraction(3, 4), Fraction(1, 2), Fraction(1, 4))
PAPER_RESOLUTIONS = (224, 192, 160, 128)
PAPER_RHOS = tuple(Fraction(r, 224) for r in PAPER_RESOLUTIONS)
"""ρ = 1, 6/7, 5/7, 4/7: the paper's 224, 192, 160, 128 from a 224 input, and the same
multipliers for a network whose input is another size."""

FIT_ALPHAS = "0.05:1.4:0.05"
FIT_RESOLUTIONS = "96:320:8"

Progress = Callable[[int], None]
"""Called with the number of variants done so far (sweeps that take a while report progress)."""


# --- the grid: lists and ranges, exact -----------------------------------------------------------

_RANGE_HELP = "a list (0.25,0.5,1) or a range start:stop:step (0.25:1.0:0.05), or both"


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text.strip()!r} is not a finite number")
    if value and abs(value.adjusted()) > MAX_EXPONENT:
        raise ValueError(f"{text.strip()!r} is out of range (beyond 1e±{MAX_EXPONENT})")
    return value


MAX_EXPONENT = 100
"""No α, side or budget needs more; a larger exponent would make exact arithmetic crawl."""


def expand(text: str, number: Callable[[str], Fraction]) -> list[Fraction]:
    """The values of a list and/or ranges, in order, without repeats; ``start:stop:step`` is
    start, start + step, ... up to stop included, in exact decimal arithmetic (no float drift).

    >>> [str(v) for v in expand("0.1:0.3:0.1,1", lambda t: Fraction(_decimal(t)))]
    ['1/10', '1/5', '3/10', '1']
    """
    values: list[Fraction] = []
    for item in text.split(","):
        if not item.strip():
            raise ValueError(f"empty item in {text!r}")
        parts = item.split(":")
        if len(parts) == 1:
            values.append(number(item))
            continue
        if len(parts) != 3:
            raise ValueError(f"{item.strip()!r} is not a range; a range is start:stop:step")
        start, stop, step = (number(p) for p in parts)
        if step <= 0:
            raise ValueError(f"{item.strip()!r}: the step must be positive")
        if stop < start:
            raise ValueError(f"{item.strip()!r}: stop is below start")
        count = int((stop - start) / step) + 1
        if len(values) + count > MAX_VARIANTS:
            raise ValueError(f"{item.strip()!r} has {count:,} values (at most {MAX_VARIANTS:,})")
        values.extend(start + k * step for k in range(count))
    return list(dict.fromkeys(values))


def _multiplier(text: str) -> Fraction:
    value = Fraction(_decimal(text))
    if not 0 < value <= 4:
        raise ValueError(f"{text.strip()} is outside (0, 4]")
    return value


def _side(text: str) -> Fraction:
    value = Fraction(_decimal(text))
    if value.denominator != 1 or value < 1:
        raise ValueError(f"{text.strip()} is not a positive integer")
    return value


_PAIR_RE = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")


def parse_resolutions(text: str) -> list[Pair]:
    """Sides in pixels: ``224,192``, ``96:320:8`` or ``224x160`` items.

    >>> parse_resolutions("96:128:16,224x160")
    [(96, 96), (112, 112), (128, 128), (224, 160)]
    """
    out: list[Pair] = []
    for item in text.split(","):
        if not item.strip():
            raise ValueError(f"empty item in {text!r}")
        if _PAIR_RE.match(item):
            try:
                out.append(parse_pair(item))  # at most fields.MAX_DIGITS digits a side
            except ValueError:
                raise ValueError(
                    f"{item.strip()!r}: sides must be positive integers of at most "
                    f"{MAX_DIGITS} digits"
                ) from None
        else:
            out.extend((int(v), int(v)) for v in expand(item, _side))
    if len(out) > MAX_VARIANTS:
        raise ValueError(f"{len(out):,} values (at most {MAX_VARIANTS:,})")
    return list(dict.fromkeys(out))


class Grid(NamedTuple):
    """The widths and input sizes to cost: resolutions in pixels, or ρ applied to the network's
    input (``by_rho``: rows then say which ρ)."""

    alphas: tuple[Fraction, ...] = PAPER_ALPHAS
    resolutions: tuple[Pair, ...] = ()
    rhos: tuple[Fraction, ...] = PAPER_RHOS
    by_rho: bool = False

    @property
    def size(self) -> int:
        return len(self.alphas) * (len(self.rhos) if self.rhos else len(self.resolutions))

    def sides(self, graph: Graph) -> list[tuple[Fraction | None, Pair]]:
        """(ρ or None, input H×W) of each column of the grid."""
        if not self.rhos:
            return [(None, r) for r in self.resolutions]
        h, w = graph.input_size
        rho = self.by_rho
        return [
            (r if rho else None, (cost.scale_side(h, r), cost.scale_side(w, r))) for r in self.rhos
        ]


def parse_grid(
    alpha: str | None,
    resolution: str | None,
    rho: str | None,
    default_alpha: str | None = None,
    default_resolution: str | None = None,
) -> Grid:
    """The grid from ``--alpha``, ``--resolution`` or ``--rho`` (located errors, one per flag);
    without them the given defaults, else the paper's 4 × 4 grid."""
    problems: list[str] = []
    alphas: Sequence[Fraction] = PAPER_ALPHAS
    resolutions: Sequence[Pair] = ()
    rhos: Sequence[Fraction] = PAPER_RHOS
    alpha = alpha if alpha is not None else default_alpha
    if resolution is not None and rho is not None:
        problems.append("--resolution and --rho both given; give one of them")
    if resolution is None and rho is None:
        resolution = default_resolution
    try:
        if alpha is not None:
            alphas = expand(alpha, _multiplier)
    except ValueError as exc:
        problems.append(f"--alpha: {alpha!r} is not allowed: {exc}; expected {_RANGE_HELP}")
    try:
        if rho is not None:
            rhos = expand(rho, _multiplier)
    except ValueError as exc:
        problems.append(f"--rho: {rho!r} is not allowed: {exc}; expected {_RANGE_HELP}")
    try:
        if resolution is not None:
            resolutions, rhos = parse_resolutions(resolution), ()
    except ValueError as exc:
        problems.append(
            f"--resolution: {resolution!r} is not allowed: {exc}; expected sides in pixels, "
            "a list (224,192), a range (96:320:8) or HxW items"
        )
    if problems:
        raise SpecError(problems)
    grid = Grid(tuple(alphas), tuple(resolutions), tuple(rhos), by_rho=rho is not None)
    if grid.size > MAX_VARIANTS:
        raise SpecError(
            f"--alpha × --resolution: {grid.size:,} variants (at most {MAX_VARIANTS:,}); "
            "use a coarser step"
        )
    return grid


def restrict(grid: Grid, min_alpha: Fraction | None, min_resolution: int | None) -> Grid:
    """Drop widths below ``--min-alpha`` and sides below ``--min-resolution``."""
    alphas = grid.alphas
    if min_alpha is not None:
        alphas = tuple(a for a in alphas if a >= min_alpha)
        if not alphas:
            raise SpecError(
                f"--min-alpha: {float(min_alpha):g} leaves no α of the grid "
                f"(largest {float(max(grid.alphas)):g})"
            )
    resolutions = grid.resolutions
    if min_resolution is not None:
        if grid.rhos:
            raise SpecError("--min-resolution: give --resolution (not --rho) with it")
        resolutions = tuple(r for r in resolutions if min(r) >= min_resolution)
        if not resolutions:
            largest = max(max(r) for r in grid.resolutions)
            raise SpecError(
                f"--min-resolution: {min_resolution} leaves no resolution of the grid "
                f"(largest {largest})"
            )
    return Grid(alphas, resolutions, grid.rhos, grid.by_rho)


_UNITS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
_BUDGET_RE = re.compile(r"^\s*([0-9.eE+_-]+?)\s*([kKmMgGtT]?)\s*$")


def parse_budget(flag: str, text: str | None) -> int | None:
    """A count with an optional unit: 150M, 1.5e6, 2G, 300k (k, M, G, T are powers of 1000).

    >>> [parse_budget("--max-macs", t) for t in ("150M", "1.5e6", "2G", "300k", "1000")]
    [150000000, 1500000, 2000000000, 300000, 1000]
    """
    if text is None:
        return None
    match = _BUDGET_RE.match(text)
    value: Decimal | None = None
    if match:
        try:
            value = _decimal(match[1]) * _UNITS[match[2].lower()]
        except ValueError:
            value = None
    if value is None or value < 1 or value != value.to_integral_value():
        raise SpecError(
            f"{flag}: {text!r} is not allowed: must be a whole count of at least 1, optionally "
            "with a unit k, M, G or T (e.g. 150M, 1.5e6, 2G, 300k)"
        )
    return int(value)


# --- the fast evaluator -------------------------------------------------------------------------


class Widths(NamedTuple):
    """What one α makes of a graph: the channel part of each node's mult-adds (0 for a node left
    out at this width), the parameters that do not depend on the resolution, and (an fc reading
    a map larger than 1×1) the channel part of those that do."""

    macs: tuple[int, ...]
    params: int
    area_params: tuple[int, ...]


def widths(
    graph: Graph, alpha: Fraction, conventions: Conventions, classes: int, min_channels: int
) -> Widths:
    """The channel side of ``network.evaluate`` at width α: each node's channel part."""
    wide = Widening.of(graph, Variant(alpha, None, classes, min_channels), conventions)
    channels: list[int] = []
    source = graph.input_channels

    def channels_of(i: int) -> int:
        return source if i == INPUT else channels[i]

    macs: list[int] = []
    area_params: list[int] = []
    params = 0
    for p in graph.nodes:
        part = channel_part(p, [channels_of(j) for j in p.inputs], wide, channels_of)
        if part.present:
            macs.append(part.macs)
            area_params.append(part.area_params)
            params += part.params
            channels.append(part.channels)
        else:
            macs.append(0)
            area_params.append(0)
            channels.append(channels_of(p.inputs[0]))
    return Widths(tuple(macs), params, tuple(area_params))


def areas(graph: Graph, hw: Pair) -> tuple[int, ...]:
    """The spatial side of ``network.evaluate`` at input H×W: each node's area (0 where a node
    is left out at this size)."""
    sides: list[Pair] = []
    out: list[int] = []
    for p in graph.nodes:
        part = spatial_part(p, [hw if j == INPUT else sides[j] for j in p.inputs])
        out.append(part.area if part.present else 0)
        sides.append(part.out)
    return tuple(out)


def combine(width: Widths, area: Sequence[int]) -> Cost:
    """One variant's totals: Σ channel part × area, and the parameters."""
    macs = sum(map(mul, width.macs, area))
    return Cost(macs, width.params + sum(map(mul, width.area_params, area)))


# --- the variants of a grid, computed as they are read ----------------------------------------------


class SweepRow(NamedTuple):
    """One variant's totals."""

    alpha: Fraction
    rho: Fraction | None
    resolution: Pair
    cost: Cost


class Skipped(NamedTuple):
    """Variants that cannot be built: a whole column (resolution) or a whole row (α)."""

    alpha: Fraction | None
    resolution: Pair | None
    problems: tuple[str, ...]


class Column(NamedTuple):
    """One input size of the grid: its ρ (or None), H×W, and the area of each group of nodes."""

    rho: Fraction | None
    resolution: Pair
    areas: tuple[int, ...]


class Width(NamedTuple):
    """One α of the grid: each group's channel part, the parameters, each group's parameters per
    unit of area (an fc reading a map larger than 1×1), and the mult-adds of the nodes whose
    area is the same at every column (an fc after a global pool)."""

    alpha: Fraction
    macs: tuple[int, ...]
    params: int
    area_params: tuple[int, ...]
    fixed_macs: int = 0


Cell = tuple[Fraction, "Fraction | None", Pair, int, int]
"""A variant as plain values: α, ρ, H×W, mult-adds, parameters."""


class Variants(Sequence[SweepRow]):
    """The variants of a grid, α by α in the order given and resolutions in the order given,
    computed when they are read: A widths × R columns, each variant one dot product of (a few)
    group sums. Nothing per variant is kept, so reading a million costs the memory of one."""

    def __init__(self, widths: Sequence[Width], columns: Sequence[Column]) -> None:
        self.widths = tuple(widths)
        self.columns = tuple(columns)
        self._largest: SweepRow | None = None

    def __len__(self) -> int:
        return len(self.widths) * len(self.columns)

    def _row(self, width: Width, column: Column) -> SweepRow:
        macs = width.fixed_macs + sum(map(mul, width.macs, column.areas))
        params = width.params + sum(map(mul, width.area_params, column.areas))
        return SweepRow(width.alpha, column.rho, column.resolution, Cost(macs, params))

    @overload
    def __getitem__(self, index: int) -> SweepRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[SweepRow]: ...

    def __getitem__(self, index: int | slice) -> SweepRow | list[SweepRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        a, r = divmod(index, len(self.columns))
        return self._row(self.widths[a], self.columns[r])

    def __iter__(self) -> Iterator[SweepRow]:
        for width, cells in self.by_width():
            for rho, hw, macs, params in cells:
                yield SweepRow(width.alpha, rho, hw, Cost(macs, params))

    def by_width(self) -> Iterator[tuple[Width, Iterator[tuple[Fraction | None, Pair, int, int]]]]:
        """Each width, and its variants as (ρ, H×W, mult-adds, parameters) across the columns."""
        for width in self.widths:
            yield width, self._cells(width)

    def _cells(self, width: Width) -> Iterator[tuple[Fraction | None, Pair, int, int]]:
        params, per_area = width.params, width.area_params
        if any(per_area):
            for (rho, hw, area), macs in zip(self.columns, self.macs_of(width), strict=True):
                yield rho, hw, macs, params + sum(map(mul, per_area, area))
        else:
            for (rho, hw, _), macs in zip(self.columns, self.macs_of(width), strict=True):
                yield rho, hw, macs, params

    def macs_of(self, width: Width) -> Iterator[int]:
        """The mult-adds of one width across the columns."""
        macs, fixed = width.macs, width.fixed_macs
        for _, _, area in self.columns:
            yield fixed + sum(map(mul, macs, area))

    def cells(self) -> Iterator[Cell]:
        """Every variant as plain values (the writers' fast path)."""
        for width, cells in self.by_width():
            alpha = width.alpha
            for rho, hw, macs, params in cells:
                yield alpha, rho, hw, macs, params

    def largest(self) -> SweepRow:
        """The variant with the most mult-adds, the first of equals (computed once). A column
        whose every area is at most another's never holds the most (channel parts are never
        negative): only the others are tried, for each width."""
        if self._largest is None:
            candidates = _undominated(self.columns)
            best, first = -1, 0
            for a, width in enumerate(self.widths):
                top = max(self.macs_of_columns(width, candidates))
                if top > best:
                    best, first = top, a
            width = self.widths[first]
            r = next(r for r, m in enumerate(self.macs_of(width)) if m == best)
            self._largest = self._row(width, self.columns[r])
        return self._largest

    def macs_of_columns(self, width: Width, columns: Sequence[Column]) -> Iterator[int]:
        macs, fixed = width.macs, width.fixed_macs
        for _, _, area in columns:
            yield fixed + sum(map(mul, macs, area))


def _undominated(columns: Sequence[Column], limit: int = 256) -> Sequence[Column]:
    """The columns no other matches or beats in every area (all of them past ``limit`` such:
    then trying every column is as quick)."""
    kept: list[Column] = []
    for column in sorted(columns, key=lambda c: sum(c.areas), reverse=True):
        area = column.areas
        if any(all(map(ge, k.areas, area)) for k in kept):
            continue
        kept.append(column)
        if len(kept) > limit:
            return columns
    return kept


def _grouped(
    widths: list[tuple[Fraction, Widths]],
    columns: list[tuple[Fraction | None, Pair, tuple[int, ...]]],
) -> Variants:
    """Nodes whose areas agree at every column of the grid (a stage of a network: a dw, the pw
    after it, ...) share one area: their channel parts are summed once per α, and each variant
    is a dot product of a few group sums instead of one term per node. Nodes of area 0 at every
    column (pools, activations, merges) drop out."""
    n = len(columns[0][2]) if columns else 0
    classes = [0] * n
    used = [False] * n
    for _, _, area in columns:  # refine: nodes stay together while their areas agree
        ids: dict[tuple[int, int], int] = {}
        classes = [ids.setdefault(key, len(ids)) for key in zip(classes, area, strict=True)]
        used = [u or a != 0 for u, a in zip(used, area, strict=True)]
    members: dict[int, list[int]] = {}
    for k, c in enumerate(classes):
        if used[k]:
            members.setdefault(c, []).append(k)
    groups = list(members.values())
    # a group of one area at every column (an fc after a global pool) is a constant of its α
    fixed = [g for g in groups if len({area[g[0]] for _, _, area in columns}) == 1]
    varying = [g for g in groups if g not in fixed]
    heads = [g[0] for g in varying]
    grouped_columns = [
        Column(rho, hw, tuple([area[k] for k in heads])) for rho, hw, area in columns
    ]
    at = columns[0][2] if columns else ()
    grouped_widths = [
        Width(
            alpha,
            tuple([sum([w.macs[k] for k in g]) for g in varying]),
            w.params + sum(w.area_params[k] * at[k] for g in fixed for k in g),
            tuple([sum([w.area_params[k] for k in g]) for g in varying]),
            sum(w.macs[k] * at[k] for g in fixed for k in g),
        )
        for alpha, w in widths
    ]
    return Variants(grouped_widths, grouped_columns)


def _variants(
    graph: Graph,
    grid: Grid,
    conventions: Conventions,
    classes: int | None,
    min_channels: int | None,
    progress: Progress | None,
) -> tuple[Variants, list[Skipped]]:
    n_classes = classes or graph.classes
    mins = min_channels or graph.width.min_channels
    skipped: list[Skipped] = []
    columns: list[tuple[Fraction | None, Pair, tuple[int, ...]]] = []
    for rho, hw in grid.sides(graph):
        try:
            columns.append((rho, hw, areas(graph, hw)))
        except SpecError as exc:
            skipped.append(Skipped(None, hw, tuple(exc.problems)))
    built: list[tuple[Fraction, Widths]] = []
    for alpha in grid.alphas:
        try:
            built.append((alpha, widths(graph, alpha, conventions, n_classes, mins)))
        except SpecError as exc:
            skipped.append(Skipped(alpha, None, tuple(exc.problems)))
    variants = _grouped(built, columns)
    if progress is not None and len(variants):
        variants.largest()  # the one pass over every variant before any is shown
        progress(len(variants))
    return variants, skipped


def _nothing_built(skipped: Sequence[Skipped]) -> SpecError:
    return SpecError([f"no variant of the grid can be built: {s}" for s in skipped_lines(skipped)])


class _SweepReportFields(NamedTuple):
    model: str
    classes: int
    conventions: Conventions
    alphas: tuple[Fraction, ...]
    sides: tuple[tuple[Fraction | None, Pair], ...]
    rows: Sequence[SweepRow]
    """Every variant that can be built, α by α in the order given, resolutions in the order
    given: a ``Variants``, computed as they are read (any sequence of rows will do)."""
    skipped: tuple[Skipped, ...] = ()


class SweepReport(_SweepReportFields, Shown):
    """Every variant of a grid: ``rows`` are computed as they are read."""

    __slots__ = ()

    @property
    def largest(self) -> SweepRow:
        """The variant with the most mult-adds (the first of equals): what ratios are against."""
        if isinstance(self.rows, Variants):
            return self.rows.largest()
        return max(self.rows, key=lambda r: r.cost.macs)

    @property
    def alphas_built(self) -> tuple[Fraction, ...]:
        """The widths of the grid that can be built, in order."""
        if isinstance(self.rows, Variants):
            return tuple(width.alpha for width in self.rows.widths)
        return tuple(dict.fromkeys(row.alpha for row in self.rows))

    @property
    def resolutions_built(self) -> tuple[Pair, ...]:
        """The input sizes of the grid that can be built, in order."""
        if isinstance(self.rows, Variants):
            return tuple(column.resolution for column in self.rows.columns)
        return tuple(dict.fromkeys(row.resolution for row in self.rows))

    def by_alpha(self) -> Iterator[tuple[Fraction, list[SweepRow]]]:
        """Each α that can be built, with its variants across the resolutions, in order."""
        if isinstance(self.rows, Variants):
            for width, cells in self.rows.by_width():
                yield (
                    width.alpha,
                    [SweepRow(width.alpha, rho, hw, Cost(m, p)) for rho, hw, m, p in cells],
                )
            return
        out: dict[Fraction, list[SweepRow]] = {}
        for row in self.rows:
            out.setdefault(row.alpha, []).append(row)
        yield from out.items()

    def cells(self) -> Iterator[Cell]:
        """Every variant as plain values: α, ρ, H×W, mult-adds, parameters."""
        if isinstance(self.rows, Variants):
            return self.rows.cells()
        return ((r.alpha, r.rho, r.resolution, r.cost.macs, r.cost.params) for r in self.rows)


def sweep(
    graph: Graph,
    grid: Grid = Grid(),
    conventions: Conventions = Conventions(),
    classes: int | None = None,
    min_channels: int | None = None,
    progress: Progress | None = None,
) -> SweepReport:
    """Mult-adds and parameters of every (α, resolution) of the grid, exactly as ``evaluate``:
    the channel side once per α, the spatial side once per resolution, the variants computed
    as the report is read (``Variants``)."""
    rows, skipped = _variants(graph, grid, conventions, classes, min_channels, progress)
    if not rows:
        raise _nothing_built(skipped)
    return SweepReport(
        model=graph.name,
        classes=classes or graph.classes,
        conventions=conventions,
        alphas=grid.alphas,
        sides=tuple(grid.sides(graph)),
        rows=rows,
        skipped=tuple(skipped),
    )


# --- fit -----------------------------------------------------------------------------------------


class _FitReportFields(NamedTuple):
    """The largest variants of a grid within a budget."""

    sweep: SweepReport
    max_macs: int | None
    max_params: int | None
    front: tuple[SweepRow, ...]
    """Variants that fit and that no other fitting variant beats on both α and resolution,
    most mult-adds first."""
    fitting: int
    """How many variants of the grid fit (the front is the top of them)."""


class FitReport(_FitReportFields, Shown):
    """The largest variants of a grid within a budget."""

    __slots__ = ()

    def fits(self, row: SweepRow) -> bool:
        return fits(row.cost, self.max_macs, self.max_params)

    @property
    def smallest(self) -> SweepRow:
        """The cheapest variant of the grid (fewest mult-adds, then fewest parameters)."""
        return min(self.sweep.rows, key=lambda r: (r.cost.macs, r.cost.params))

    @property
    def binding(self) -> tuple[str, ...]:
        """When nothing fits: the budgets no variant of the grid meets even alone ("macs",
        "params"); empty when each is met by some variant but never both at once."""
        least_macs = least_params = None
        for _, _, _, macs, params in self.sweep.cells():
            least_macs = macs if least_macs is None else min(least_macs, macs)
            least_params = params if least_params is None else min(least_params, params)
        out = []
        if self.max_macs is not None and least_macs is not None and least_macs > self.max_macs:
            out.append("macs")
        if (
            self.max_params is not None
            and least_params is not None
            and least_params > self.max_params
        ):
            out.append("params")
        return tuple(out)


def fits(c: Cost, max_macs: int | None, max_params: int | None) -> bool:
    return (max_macs is None or c.macs <= max_macs) and (
        max_params is None or c.params <= max_params
    )


def dominates(a: SweepRow, b: SweepRow) -> bool:
    """a is another variant at least as wide as b, with an input at least as large on both sides."""
    return (
        (a.alpha, a.resolution) != (b.alpha, b.resolution)
        and a.alpha >= b.alpha
        and a.resolution[0] >= b.resolution[0]
        and a.resolution[1] >= b.resolution[1]
    )


def front(rows: Iterable[SweepRow]) -> list[SweepRow]:
    """The fitting variants no other beats on α and resolution together (``dominates``), most
    mult-adds first, in O(n log n)."""
    return _front(sorted(rows, key=lambda r: (r.alpha, r.resolution), reverse=True))


def _front(ordered: Iterable[SweepRow]) -> list[SweepRow]:
    """The front of variants scanned widest first (equal widths together, their inputs largest
    first): a variant is beaten iff one scanned before it, of another width or input, has an
    input at least as large on both sides — which a staircase of the (H, W) seen so far answers
    in O(log n). Several ρ may round to one H×W: such variants stand or fall together."""
    out: list[SweepRow] = []
    stair = _Staircase()
    last: tuple[Fraction, Pair] | None = None
    kept = False
    for row in ordered:
        key = (row.alpha, row.resolution)
        if key != last:
            if last is not None:
                stair.add(*last[1])
            kept = not stair.covers(*row.resolution)
            last = key
        if kept:
            out.append(row)
    return sorted(out, key=lambda r: (r.cost.macs, r.cost.params, r.alpha), reverse=True)


class _Staircase:
    """Points (H, W) kept only where no other is at least as large on both sides: H rising, W
    falling. ``covers(h, w)``: some point has H ≥ h and W ≥ w."""

    def __init__(self) -> None:
        self.hs: list[int] = []
        self.ws: list[int] = []

    def covers(self, h: int, w: int) -> bool:
        k = bisect_left(self.hs, h)  # the first point with H ≥ h has the largest W of those
        return k < len(self.hs) and self.ws[k] >= w

    def add(self, h: int, w: int) -> None:
        if self.covers(h, w):
            return
        k = bisect_left(self.hs, h)
        j = k  # points now covered: H ≤ h (those before k, and one at k with H == h) and W ≤ w
        if j < len(self.hs) and self.hs[j] == h:
            j += 1
        start = k
        while start > 0 and self.ws[start - 1] <= w:
            start -= 1
        del self.hs[start:j], self.ws[start:j]
        self.hs.insert(start, h)
        self.ws.insert(start, w)


def fit(
    graph: Graph,
    max_macs: int | None,
    max_params: int | None,
    grid: Grid,
    conventions: Conventions = Conventions(),
    classes: int | None = None,
    min_channels: int | None = None,
    progress: Progress | None = None,
) -> FitReport:
    """The front of the grid under ``max_macs`` mult-adds and ``max_params`` parameters: one
    pass over the variants, keeping only those that fit."""
    if max_macs is None and max_params is None:
        raise SpecError("give a budget: --max-macs, --max-params or both (e.g. --max-macs 150M)")
    report = sweep(graph, grid, conventions, classes, min_channels, progress)
    counted = [0]

    def fitting() -> Iterator[SweepRow]:
        """The variants that fit, widest first, their inputs largest first (one pass)."""
        for row in _widest_first(report.rows):
            if fits(row.cost, max_macs, max_params):
                counted[0] += 1
                yield row

    best = _front(fitting())
    return FitReport(report, max_macs, max_params, tuple(best), counted[0])


def _widest_first(rows: Sequence[SweepRow]) -> Iterator[SweepRow]:
    """The variants by α then H×W, largest first (equal ones in the grid's order), computed as
    they are read when they are ``Variants``."""
    if not isinstance(rows, Variants):
        yield from sorted(rows, key=lambda r: (r.alpha, r.resolution), reverse=True)
        return
    widths = sorted(rows.widths, key=lambda w: w.alpha, reverse=True)
    columns = sorted(rows.columns, key=lambda c: c.resolution, reverse=True)
    yield from Variants(widths, columns)


def skipped_lines(skipped: Sequence[Skipped]) -> Iterator[str]:
    """One line per skipped column or row: what was skipped, and why."""
    for s in skipped:
        if s.resolution is not None:
            what = f"resolution {s.resolution[0]}x{s.resolution[1]} (every α)"
        else:
            assert s.alpha is not None
            what = f"α {float(s.alpha):g} (every resolution)"
        yield f"{what}: {'; '.join(s.problems)}"
