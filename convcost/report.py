"""Spec → Report: per-layer rows, totals, baselines and ratios. Numbers only, no strings to show.

Ratios are exact ``Fraction``s; renderers turn them into floats or percentages at the edge.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from convcost import cost
from convcost.cost import Cost
from convcost.errors import SpecError
from convcost.network import (
    Conventions,
    Conversion,
    Graph,
    LayerRow,
    Pair,
    Shape,
    Variant,
    converted,
    evaluate_parts,
    output_hw,
)
from convcost.reporting import Shown

if TYPE_CHECKING:
    from convcost.fields import Layer


class Size(NamedTuple):
    """The options that size a layer or a network (validated by the CLI or the caller)."""

    alpha: float = 1.0
    rho: float | None = None
    resolution: Pair | None = None
    classes: int | None = None
    min_channels: int | None = None


def ratio(part: int, whole: int) -> Fraction:
    """part / whole exactly; 0 when whole is 0 (an empty column has no share).

    >>> ratio(672, 2160)
    Fraction(14, 45)
    """
    return Fraction(part, whole) if whole else Fraction(0)


def share(part: int, whole: int) -> float:
    """``float(ratio(part, whole))`` without the Fraction: int / int is correctly rounded, as
    is a Fraction's float, so the two are the same float (and 0.0 when whole is 0).

    >>> share(672, 2160) == float(ratio(672, 2160)), share(1, 0)
    (True, 0.0)
    """
    return part / whole if whole else 0.0


# --- one layer: standard vs depthwise-separable ----------------------------------------------------


class LayerComparison(NamedTuple):
    """One layer after α and ρ: the standard conv and its depthwise + pointwise replacement."""

    name: str | None
    input: Shape
    kernel: Pair
    stride: Pair
    padding: int | str | Pair
    output: Shape
    standard: Cost
    depthwise: Cost
    pointwise: Cost

    @property
    def separable(self) -> Cost:
        return self.depthwise + self.pointwise

    @property
    def ratio_macs(self) -> Fraction:
        return ratio(self.separable.macs, self.standard.macs)

    @property
    def ratio_params(self) -> Fraction:
        return ratio(self.separable.params, self.standard.params)

    @property
    def formula(self) -> Fraction:
        """The paper's closed form 1/N + 1/D_K² (1/N + 1/(Kh·Kw) for a non-square kernel)."""
        return Fraction(1, self.output[2]) + Fraction(1, self.kernel[0] * self.kernel[1])


class _LayerReportFields(NamedTuple):
    layers: tuple[LayerComparison, ...]
    alpha: float
    rho: float | None
    bias: bool


class LayerReport(_LayerReportFields, Shown):
    """``convcost layer``: each layer as a standard conv and as depthwise + pointwise."""

    __slots__ = ()

    @property
    def macs(self) -> int:
        """Mult-adds of the layer(s) as standard convolutions (``.separable`` for the rest)."""
        return self.standard.macs

    @property
    def params(self) -> int:
        return self.standard.params

    def __repr__(self) -> str:
        sep = self.separable
        return (
            f"LayerReport(layers={len(self.layers)}, macs={self.macs}, params={self.params}, "
            f"separable_macs={sep.macs}, separable_params={sep.params})"
        )

    @property
    def standard(self) -> Cost:
        return cost.total(layer.standard for layer in self.layers)

    @property
    def separable(self) -> Cost:
        return cost.total(layer.separable for layer in self.layers)


def compare_layer(
    spec: Layer, size: Size, bias: bool = False, where: str = "layer"
) -> LayerComparison:
    """Apply α (M, N → int(c·α), at least 1) and ρ (D_F → round(ρ·D_F)), then cost both ways."""
    alpha = cost.exact(size.alpha)
    m = cost.scale_channels(spec.channels, alpha)
    n = cost.scale_channels(spec.filters, alpha)
    hw = input_resolution(spec.input_size, Size(rho=size.rho))
    out = output_hw(where, hw, spec.kernel_size, spec.stride, spec.padding)
    return LayerComparison(
        name=spec.name,
        input=(hw[0], hw[1], m),
        kernel=spec.kernel_size,
        stride=spec.stride,
        padding=spec.padding,
        output=(out[0], out[1], n),
        standard=cost.conv(out, spec.kernel_size, m, n, bias=bias),
        depthwise=cost.depthwise(out, spec.kernel_size, m, bias=bias),
        pointwise=cost.pointwise(out, m, n, bias=bias),
    )


def analyze_layers(
    specs: list[Layer], size: Size, bias: bool = False, listed: bool = False
) -> LayerReport:
    """Compare each layer; ``listed`` when they came from a ``layers:`` list (errors name the index)."""
    problems: list[str] = []
    layers: list[LayerComparison] = []
    for index, spec in enumerate(specs):
        label = f" ({spec.name})" if spec.name else ""
        where = f"layers[{index}]{label}" if listed else f"layer{label}"
        try:
            layers.append(compare_layer(spec, size, bias, where))
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return LayerReport(tuple(layers), size.alpha, size.rho, bias)


# --- a whole network -------------------------------------------------------------------------------


class _NetworkReportFields(NamedTuple):
    model: str
    variant: Variant
    resolution: Pair
    classes: int
    conventions: Conventions
    rows: tuple[LayerRow, ...]
    baseline_rows: tuple[LayerRow, ...]
    """The same network with every dw + pw pair as one standard conv (the paper's "Conv MobileNet")."""
    converted: Conversion | None = None
    converted_rows: tuple[LayerRow, ...] = ()
    notes: tuple[str, ...] = ()
    """What the network's source says a reader should know (an ONNX import's decisions)."""


class NetworkReport(_NetworkReportFields, Shown):
    """A network at one size: its rows, totals, the all-standard-conv baseline and a what-if."""

    __slots__ = ()

    @property
    def macs(self) -> int:
        """Total mult-adds (multiply-accumulates) under the report's conventions."""
        return self.total.macs

    @property
    def params(self) -> int:
        """Total parameters under the report's conventions."""
        return self.total.params

    @property
    def layers(self) -> tuple[LayerRow, ...]:
        """Every layer costed: name, type, inputs, input_shapes, output, macs, params."""
        return self.rows

    def __repr__(self) -> str:
        h, w = self.resolution
        return (
            f"NetworkReport(model={self.model!r}, alpha={float(self.variant.alpha):g}, "
            f"resolution={h}x{w}, macs={self.macs}, params={self.params})"
        )

    @property
    def total(self) -> Cost:
        return cost.total(row.cost for row in self.rows)

    @property
    def baseline(self) -> Cost:
        return cost.total(row.cost for row in self.baseline_rows)

    @property
    def converted_total(self) -> Cost:
        return cost.total(row.cost for row in self.converted_rows)

    def not_counted(self) -> dict[str, tuple[int, int]]:
        """Operations convcost does not cost (``other`` layers, as an import lists them): op →
        (how many, tensor elements they produce). Where there are any, totals are lower bounds."""
        return not_counted(self.rows)

    def by_type(self) -> dict[str, Cost]:
        """Mult-adds and parameters per layer type (the paper's Table 2), in first-seen order."""
        groups: dict[str, Cost] = {}
        for row in self.rows:
            groups[row.kind] = groups.get(row.kind, cost.ZERO) + row.cost
        return groups


def not_counted(rows: tuple[LayerRow, ...]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.kind == "other":
            op = row.node.op if row.node is not None else "other"
            count, produced = out.get(op, (0, 0))
            h, w, c = row.output
            out[op] = (count + 1, produced + h * w * c)
    return out


def input_resolution(base: Pair, size: Size) -> Pair:
    """The input side from ``--resolution`` or ``--rho`` (round(ρ·D_F)); both only if they agree."""
    by_rho = None
    if size.rho is not None:
        rho = cost.exact(size.rho)
        by_rho = (cost.scale_side(base[0], rho), cost.scale_side(base[1], rho))
    if size.resolution is not None:
        if by_rho is not None and by_rho != size.resolution:
            raise SpecError(
                f"--rho {size.rho} gives {by_rho[0]}x{by_rho[1]} but --resolution gives "
                f"{size.resolution[0]}x{size.resolution[1]}; give one of them, or values that agree"
            )
        return size.resolution
    return by_rho or base


def variant_of(graph: Graph, size: Size) -> Variant:
    return Variant(
        alpha=cost.exact(size.alpha),
        resolution=input_resolution(graph.input_size, size),
        classes=size.classes,
        min_channels=size.min_channels,
    )


def analyze_network(
    graph: Graph,
    size: Size = Size(),
    conventions: Conventions = Conventions(),
    convert_to: Conversion | None = None,
    strict: bool = False,
) -> NetworkReport:
    """The network at one size and convention. ``strict``: an operation convcost cannot cost is
    an error instead of a total that is a lower bound."""
    variant = variant_of(graph, size)
    evaluated, parts = evaluate_parts(graph, variant, conventions)
    rows = tuple(evaluated)
    missing = not_counted(rows)
    if strict and missing:
        listed = ", ".join(f"{op} ×{n}" for op, (n, _) in missing.items())
        raise SpecError(
            f"{graph.name}: {sum(n for n, _ in missing.values())} operations convcost does not "
            f"cost ({listed}); without --strict they are listed and the total is a lower bound"
        )
    standard, origin = converted(graph, "standard")
    # a network without depthwise + pointwise pairs is its own baseline: evaluated once; with
    # them, every node but the merged pairs is what it was (unless its input changed)
    baseline = rows
    if standard is not graph:
        reuse = [None if i is None else parts[i] for i in origin]
        baseline = tuple(evaluate_parts(standard, variant, conventions, reuse)[0])
    other: tuple[LayerRow, ...] = ()
    if convert_to == "standard":
        other = baseline
    elif convert_to is not None:
        split, origin = converted(graph, convert_to)
        reuse = [None if i is None else parts[i] for i in origin]
        other = tuple(evaluate_parts(split, variant, conventions, reuse)[0])
    assert variant.resolution is not None
    return NetworkReport(
        model=graph.name,
        variant=variant,
        resolution=variant.resolution,
        classes=variant.classes or graph.classes,
        conventions=conventions,
        rows=rows,
        baseline_rows=baseline,
        converted=convert_to,
        converted_rows=other,
        notes=graph.notes,
    )
