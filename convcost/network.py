"""The network engine: a validated NetworkSpec → a flat plan of primitive layers → costed rows.

A spec is compiled once into a ``Plan`` (plain tuples, no pydantic); a plan is evaluated for any
width multiplier α, input resolution and counting conventions with plain integer arithmetic, so a
sweep over thousands of variants costs no validation. What-ifs (``--as standard|separable``) are
plan → plan rewrites: architectures stay data, the engine has no special cases for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, NamedTuple

from convcost import cost, fields
from convcost.cost import Cost
from convcost.errors import SpecError

Pair = tuple[int, int]
Shape = tuple[int, int, int]
Kind = Literal["conv", "dw", "pw", "pool", "fc", "add"]
Conversion = Literal["standard", "separable"]


class Prim(NamedTuple):
    """One primitive layer of a plan; ``filters`` is before α (None: keeps its input channels).

    ``expansion`` t: outputs t × input channels (a bottleneck's 1×1 expand; α already applied to
    its input). An ``add`` is a residual connection from its block's input: kept only when the
    shapes match at evaluation, and free (additions, no multiplications, no parameters).
    """

    kind: Kind
    name: str
    block: str
    where: str
    kernel: Pair = (1, 1)
    stride: Pair = (1, 1)
    padding: int | str = 0
    groups: int = 1
    filters: int | None = None
    scale: str = "always"
    pool_global: bool = False
    expansion: int | None = None


class Width(NamedTuple):
    """How α rounds channel counts (see ``cost.scale_channels``)."""

    round: str = "floor"
    divisor: int = 8
    min_channels: int = 1


class Plan(NamedTuple):
    name: str
    input_size: Pair
    input_channels: int
    classes: int
    width: Width
    prims: tuple[Prim, ...]


BATCH_NORM = {0: "no BatchNorm", 2: "BatchNorm γ, β", 4: "BatchNorm γ, β, mean, variance"}
"""What ``Conventions.bn_params`` counts, in words (for captions and error messages)."""


class Conventions(NamedTuple):
    """How to count. The default is the paper's: weights only, no bias, no BN, pooling free."""

    bias: bool = False
    bn_params: int = 0
    """Parameters per channel of a BatchNorm after every conv: 0 (none), 2 (γ, β), 4 (+ running stats)."""
    flops: bool = False
    """Report FLOPs = 2×MACs beside MACs (counts stay MACs)."""
    preset: str | None = None
    """The name these conventions were chosen by (``--preset``), shown with the result."""


class Variant(NamedTuple):
    """One size of a network: width multiplier α, input side(s), classes, minimum channels."""

    alpha: Fraction = Fraction(1)
    resolution: Pair | None = None
    classes: int | None = None
    min_channels: int | None = None


@dataclass(frozen=True, slots=True)
class LayerRow:
    """One costed primitive layer: shapes are (H, W, C)."""

    index: int
    name: str
    kind: Kind
    block: str
    kernel: Pair | None
    stride: Pair
    groups: int
    input: Shape
    output: Shape
    cost: Cost


# --- spec → plan --------------------------------------------------------------------------------


def compile_plan(spec: Mapping[str, Any]) -> Plan:
    """Flatten a network in its plain-data form (``NetworkSpec.normalized()`` or a trusted
    built-in): repeats unrolled, separable blocks split into dw + pw, defaults filled."""
    spec = fields.apply_defaults(spec)
    prims: list[Prim] = []
    counts: dict[str, int] = {}
    for index, raw in enumerate(spec["layers"]):
        entry = {**fields.LAYER_DEFAULTS[raw["type"]], **raw}
        base = entry.get("name") or _default_name(entry["type"], counts)
        repeat = entry.get("repeat", 1)
        for r in range(repeat):
            name = f"{base}_{r + 1}" if repeat > 1 else base
            prims.extend(_EXPAND[entry["type"]](entry, name, f"layers[{index}] ({name})"))
    width = {**_WIDTH, **spec.get("width", {})}
    return Plan(
        name=spec["name"],
        input_size=fields.parse_pair(spec["input"]["size"]),
        input_channels=spec["input"].get("channels", 3),
        classes=spec.get("classes", 1000),
        width=Width(width["round"], width["divisor"], width["min_channels"]),
        prims=tuple(_pair_blocks(prims)),
    )


_WIDTH = {"round": "floor", "divisor": 8, "min_channels": 1}


def _default_name(kind: str, counts: dict[str, int]) -> str:
    counts[kind] = counts.get(kind, 0) + 1
    return f"{kind}{counts[kind]}"


def _kernel(entry: Mapping[str, Any]) -> Pair:
    return fields.parse_pair(entry["kernel_size"])


def _stride(entry: Mapping[str, Any]) -> Pair:
    return fields.parse_pair(entry["stride"])


def _conv(e: Mapping[str, Any], name: str, where: str) -> Iterator[Prim]:
    yield Prim(
        "conv",
        name,
        name,
        where,
        _kernel(e),
        _stride(e),
        e["padding"],
        e["groups"],
        e["filters"],
        e["scale"],
    )


def _dw(e: Mapping[str, Any], name: str, where: str) -> Iterator[Prim]:
    yield Prim("dw", name, name, where, _kernel(e), _stride(e), e["padding"])


def _pw(e: Mapping[str, Any], name: str, where: str) -> Iterator[Prim]:
    yield Prim("pw", name, name, where, filters=e["filters"], scale=e["scale"])


def _separable(e: Mapping[str, Any], name: str, where: str) -> Iterator[Prim]:
    yield Prim("dw", f"{name}/dw", name, where, _kernel(e), _stride(e), e["padding"])
    yield Prim("pw", f"{name}/pw", name, where, filters=e["filters"])


def _bottleneck(e: Mapping[str, Any], name: str, where: str) -> Iterator[Prim]:
    """Paper Table 2 row (t, c, n, s): n inverted residual blocks, stride s on the first."""
    n, t = e["n"], e["t"]
    for r in range(n):
        block = f"{name}_{r + 1}" if n > 1 else name
        stride = fields.parse_pair(e["s"]) if r == 0 else (1, 1)
        if t != 1:
            yield Prim("pw", f"{block}/exp", block, where, expansion=t)
        yield Prim("dw", f"{block}/dw", block, where, _kernel(e), stride, e["padding"])
        yield Prim("pw", f"{block}/proj", block, where, filters=e["c"])
        if stride == (1, 1):
            yield Prim("add", f"{block}/add", block, where)


def _pool(e: Mapping[str, Any], name: str, where: str) -> Iterator[Prim]:
    kernel = fields.parse_pair(e["kernel_size"] or 1)
    stride = fields.parse_pair(e["stride"]) if e["stride"] is not None else kernel
    yield Prim("pool", name, name, where, kernel, stride, e["padding"], pool_global=e["global"])


def _fc(e: Mapping[str, Any], name: str, where: str) -> Iterator[Prim]:
    yield Prim("fc", name, name, where, filters=e["units"], scale="never")


_EXPAND: dict[str, Callable[[Mapping[str, Any], str, str], Iterator[Prim]]] = {
    "conv": _conv,
    "dw": _dw,
    "pw": _pw,
    "separable": _separable,
    "bottleneck": _bottleneck,
    "pool": _pool,
    "fc": _fc,
}
"""Layer type → its primitives: a new layer type is one function and one entry here."""


def _separable_pair(dw: Prim | None, pw: Prim | None) -> bool:
    """Whether a pw completes the dw before it into one depthwise-separable block: a pw of the
    dw's own block (a separable entry, a bottleneck's projection), or a standalone pw entry —
    never the expansion that opens the next bottleneck."""
    if dw is None or pw is None or dw.kind != "dw" or pw.kind != "pw" or pw.expansion:
        return False
    return pw.block in (dw.block, pw.name)


def _pair_blocks(prims: list[Prim]) -> Iterator[Prim]:
    """A standalone pw straight after a dw joins the dw's block: together they are one separable
    block (for reports and what-ifs)."""
    previous: Prim | None = None
    for prim in prims:
        if _separable_pair(previous, prim):
            prim = prim._replace(block=previous.block)  # type: ignore[union-attr]
        yield prim
        previous = prim


def convert(plan: Plan, to: Conversion) -> Plan:
    """The paper's what-ifs: every dw + pw pair as one standard conv ("Conv MobileNet"), or every
    standard conv with a kernel larger than 1×1 as dw + pw."""
    out: list[Prim] = []
    prims = plan.prims
    i = 0
    while i < len(prims):
        prim = prims[i]
        nxt = prims[i + 1] if i + 1 < len(prims) else None
        if to == "standard" and _separable_pair(prim, nxt):
            assert nxt is not None
            out.append(
                Prim(
                    "conv",
                    prim.block,
                    prim.block,
                    prim.where,
                    prim.kernel,
                    prim.stride,
                    prim.padding,
                    1,
                    nxt.filters,
                    nxt.scale,
                )
            )
            i += 2
            continue
        if to == "separable" and prim.kind == "conv" and prim.kernel != (1, 1) and prim.groups == 1:
            out.append(prim._replace(kind="dw", name=f"{prim.name}/dw", filters=None))
            out.append(
                Prim(
                    "pw",
                    f"{prim.name}/pw",
                    prim.block,
                    prim.where,
                    filters=prim.filters,
                    scale=prim.scale,
                )
            )
        else:
            out.append(prim)
        i += 1
    return plan._replace(prims=tuple(out))


# --- plan → rows --------------------------------------------------------------------------------


def output_hw(where: str, hw: Pair, kernel: Pair, stride: Pair, padding: int | str | Pair) -> Pair:
    """D_G per axis, or a located error when the kernel is larger than the padded input."""
    pads = padding if isinstance(padding, tuple) else (padding, padding)
    out = tuple(cost.conv_output_side(hw[a], kernel[a], stride[a], pads[a]) for a in (0, 1))
    if min(out) < 1:
        pad = f"padding {pads[0]}x{pads[1]}" if isinstance(padding, tuple) else f"padding {padding}"
        raise SpecError(
            f"{where}: kernel_size {kernel[0]}x{kernel[1]} is larger than the padded input "
            f"{hw[0]}x{hw[1]} ({pad}); use a larger input, a smaller kernel or more padding"
        )
    return (out[0], out[1])


class Widening(NamedTuple):
    """What every primitive of one evaluation shares on the channel side: α and its rounding,
    the classes and the conventions."""

    alpha: Fraction
    width: Width
    min_channels: int
    classes: int
    bias: bool
    bn_params: int

    @classmethod
    def of(cls, plan: Plan, variant: Variant, conventions: Conventions) -> Widening:
        return cls(
            alpha=variant.alpha,
            width=plan.width,
            min_channels=variant.min_channels or plan.width.min_channels,
            classes=variant.classes or plan.classes,
            bias=conventions.bias,
            bn_params=conventions.bn_params,
        )

    def scaled(self, filters: int, rule: str) -> int:
        if rule == "never" or (rule == "up" and self.alpha <= 1):
            return filters
        w = self.width
        return cost.scale_channels(filters, self.alpha, w.round, w.divisor, self.min_channels)

    def with_bn(self, layer_cost: Cost, channels: int) -> Cost:
        if not self.bn_params:
            return layer_cost
        return layer_cost + cost.batch_norm(channels, self.bn_params)

    @property
    def conv_bias(self) -> bool:
        """A conv followed by BatchNorm has no bias: BN's β replaces it."""
        return self.bias and not self.bn_params


# A layer's mult-adds factor into a channel part, which depends on α only, times an area, which
# depends on the resolution only (D_K²·M·N/g × D_G² for a conv). evaluate() multiplies the two;
# a sweep computes each once per α and once per resolution and takes dot products.


class ChannelPart(NamedTuple):
    """What a primitive does to the channels at one width, and its cost per unit of area."""

    channels: int
    groups: int
    macs: int
    """Mult-adds per unit of area (per output position; for an fc, per input position)."""
    params: int
    """Parameters that do not depend on the resolution."""
    area_params: int = 0
    """Parameters per unit of area: an fc reading an H×W map has C·K weights per position."""


class SpatialPart(NamedTuple):
    """What a primitive does to the spatial size at one resolution."""

    out: Pair
    area: int
    """What the channel part is multiplied by: D_G·D_G, an fc's input H·W, 0 for free layers."""
    kernel: Pair | None
    """The kernel a report shows (a global pool's is the whole map; an fc has none)."""


def _channels_conv(p: Prim, c: int, wide: Widening) -> ChannelPart:
    n = p.expansion * c if p.expansion else wide.scaled(p.filters or c, p.scale)
    if c % p.groups or n % p.groups:
        raise SpecError(
            f"{p.where}: groups {p.groups} must divide input channels {c} and filters {n}"
        )
    unit = wide.with_bn(cost.conv((1, 1), p.kernel, c, n, groups=p.groups, bias=wide.conv_bias), n)
    return ChannelPart(n, p.groups, unit.macs, unit.params)


def _channels_dw(p: Prim, c: int, wide: Widening) -> ChannelPart:
    unit = wide.with_bn(cost.depthwise((1, 1), p.kernel, c, bias=wide.conv_bias), c)
    return ChannelPart(c, c, unit.macs, unit.params)


def _channels_free(p: Prim, c: int, wide: Widening) -> ChannelPart:
    return ChannelPart(c, 1, 0, 0)


def _channels_fc(p: Prim, c: int, wide: Widening) -> ChannelPart:
    units = p.filters or wide.classes
    unit = cost.fully_connected(c, units, bias=wide.bias)
    return ChannelPart(units, 1, unit.macs, unit.params - c * units, area_params=c * units)


def _spatial_conv(p: Prim, hw: Pair) -> SpatialPart:
    out = output_hw(p.where, hw, p.kernel, p.stride, p.padding)
    return SpatialPart(out, out[0] * out[1], p.kernel)


def _spatial_pool(p: Prim, hw: Pair) -> SpatialPart:
    if p.pool_global:
        return SpatialPart((1, 1), 0, hw)
    if isinstance(p.padding, int) and 2 * p.padding > min(p.kernel):
        raise SpecError(
            f"{p.where}: padding {p.padding} is more than half the pool's kernel "
            f"{p.kernel[0]}x{p.kernel[1]}: windows would see only padding (at most {min(p.kernel) // 2})"
        )
    return SpatialPart(output_hw(p.where, hw, p.kernel, p.stride, p.padding), 0, p.kernel)


def _spatial_fc(p: Prim, hw: Pair) -> SpatialPart:
    return SpatialPart((1, 1), hw[0] * hw[1], None)


def _spatial_add(p: Prim, hw: Pair) -> SpatialPart:
    return SpatialPart(hw, 0, None)


_STEPS: dict[
    Kind,
    tuple[Callable[[Prim, int, Widening], ChannelPart], Callable[[Prim, Pair], SpatialPart]],
] = {
    "conv": (_channels_conv, _spatial_conv),
    "pw": (_channels_conv, _spatial_conv),
    "dw": (_channels_dw, _spatial_conv),
    "pool": (_channels_free, _spatial_pool),
    "fc": (_channels_fc, _spatial_fc),
    "add": (_channels_free, _spatial_add),
}
"""Primitive kind → (its channel part, its spatial part): a new kind is one entry."""


def channel_part(p: Prim, c: int, wide: Widening) -> ChannelPart:
    return _STEPS[p.kind][0](p, c, wide)


def spatial_part(p: Prim, hw: Pair) -> SpatialPart:
    return _STEPS[p.kind][1](p, hw)


def evaluate(
    plan: Plan, variant: Variant = Variant(), conventions: Conventions = Conventions()
) -> list[LayerRow]:
    """Cost every primitive of the plan for one variant: exact ints, shapes chained layer to layer."""
    wide = Widening.of(plan, variant, conventions)
    h, w = variant.resolution or plan.input_size
    c = plan.input_channels
    rows: list[LayerRow] = []
    block, block_input = "", (h, w, c)
    for p in plan.prims:
        shape: Shape = (h, w, c)
        if p.block != block:
            block, block_input = p.block, shape
        if p.kind == "add" and shape != block_input:
            continue  # as torchvision: a residual add only where stride 1 keeps in = out channels
        channels, spatial = channel_part(p, c, wide), spatial_part(p, (h, w))
        layer_cost = Cost(
            channels.macs * spatial.area, channels.params + channels.area_params * spatial.area
        )
        out: Shape = (*spatial.out, channels.channels)
        rows.append(
            LayerRow(
                len(rows),
                p.name,
                p.kind,
                p.block,
                spatial.kernel,
                p.stride,
                channels.groups,
                shape,
                out,
                layer_cost,
            )
        )
        h, w, c = out
    return rows
