"""The network engine: a validated NetworkSpec → a flat plan of primitive layers → costed rows.

A spec is compiled once into a ``Plan`` (plain tuples, no pydantic); a plan is evaluated for any
width multiplier α, input resolution and counting conventions with plain integer arithmetic, so a
sweep over thousands of variants costs no validation. What-ifs (``--as standard|separable``) are
plan → plan rewrites: architectures stay data, the engine has no special cases for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from convcost import cost, fields
from convcost.cost import Cost
from convcost.errors import SpecError

Pair = tuple[int, int]
Shape = tuple[int, int, int]
Kind = Literal["conv", "dw", "pw", "pool", "fc", "add"]
Conversion = Literal["standard", "separable"]


@dataclass(frozen=True, slots=True)
class Prim:
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


@dataclass(frozen=True, slots=True)
class Width:
    """How α rounds channel counts (see ``cost.scale_channels``)."""

    round: str = "floor"
    divisor: int = 8
    min_channels: int = 1


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    input_size: Pair
    input_channels: int
    classes: int
    width: Width
    prims: tuple[Prim, ...]


@dataclass(frozen=True, slots=True)
class Conventions:
    """How to count. The default is the paper's: weights only, no bias, no BN, pooling free."""

    bias: bool = False
    bn_params: int = 0
    """Parameters per channel of a BatchNorm after every conv: 0 (none), 2 (γ, β), 4 (+ running stats)."""
    flops: bool = False
    """Report FLOPs = 2×MACs beside MACs (counts stay MACs)."""
    preset: str | None = None
    """The name these conventions were chosen by (``--preset``), shown with the result."""


@dataclass(frozen=True, slots=True)
class Variant:
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


def _pair_blocks(prims: list[Prim]) -> Iterator[Prim]:
    """A pw straight after a dw joins the dw's block: together they are one separable block."""
    previous: Prim | None = None
    for prim in prims:
        if prim.kind == "pw" and previous is not None and previous.kind == "dw":
            prim = replace(prim, block=previous.block)
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
        if to == "standard" and prim.kind == "dw" and nxt is not None and nxt.kind == "pw":
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
            out.append(replace(prim, kind="dw", name=f"{prim.name}/dw", filters=None))
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
    return replace(plan, prims=tuple(out))


# --- plan → rows --------------------------------------------------------------------------------


def output_hw(where: str, hw: Pair, kernel: Pair, stride: Pair, padding: int | str) -> Pair:
    """D_G per axis, or a located error when the kernel is larger than the padded input."""
    out = tuple(cost.conv_output_side(hw[a], kernel[a], stride[a], padding) for a in (0, 1))
    if min(out) < 1:
        pad = f"padding {padding}"
        raise SpecError(
            f"{where}: kernel_size {kernel[0]}x{kernel[1]} is larger than the padded input "
            f"{hw[0]}x{hw[1]} ({pad}); use a larger input, a smaller kernel or more padding"
        )
    return (out[0], out[1])


@dataclass(frozen=True, slots=True)
class _Context:
    """What every step of one evaluation shares: the variant and the conventions, resolved."""

    alpha: Fraction
    width: Width
    min_channels: int
    classes: int
    bias: bool
    bn_params: int

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


Step = tuple[Pair | None, int, Shape, Cost]
"""What a primitive does to its input: (kernel shown, groups, output shape, cost)."""


def _step_conv(p: Prim, shape: Shape, ctx: _Context, block_input: Shape) -> Step | None:
    h, w, c = shape
    oh, ow = output_hw(p.where, (h, w), p.kernel, p.stride, p.padding)
    n = p.expansion * c if p.expansion else ctx.scaled(p.filters or c, p.scale)
    if c % p.groups or n % p.groups:
        raise SpecError(
            f"{p.where}: groups {p.groups} must divide input channels {c} and filters {n}"
        )
    layer_cost = cost.conv((oh, ow), p.kernel, c, n, groups=p.groups, bias=ctx.conv_bias)
    return p.kernel, p.groups, (oh, ow, n), ctx.with_bn(layer_cost, n)


def _step_dw(p: Prim, shape: Shape, ctx: _Context, block_input: Shape) -> Step | None:
    h, w, c = shape
    oh, ow = output_hw(p.where, (h, w), p.kernel, p.stride, p.padding)
    layer_cost = cost.depthwise((oh, ow), p.kernel, c, bias=ctx.conv_bias)
    return p.kernel, c, (oh, ow, c), ctx.with_bn(layer_cost, c)


def _step_pool(p: Prim, shape: Shape, ctx: _Context, block_input: Shape) -> Step | None:
    h, w, c = shape
    if p.pool_global:
        return (h, w), 1, (1, 1, c), cost.ZERO
    oh, ow = output_hw(p.where, (h, w), p.kernel, p.stride, p.padding)
    return p.kernel, 1, (oh, ow, c), cost.ZERO


def _step_fc(p: Prim, shape: Shape, ctx: _Context, block_input: Shape) -> Step | None:
    h, w, c = shape
    units = p.filters or ctx.classes
    return None, 1, (1, 1, units), cost.fully_connected(h * w * c, units, bias=ctx.bias)


def _step_add(p: Prim, shape: Shape, ctx: _Context, block_input: Shape) -> Step | None:
    """A residual add costs no multiplications; it exists (as torchvision decides) only when the
    block's output has its input's shape: stride 1 and as many channels out as in."""
    return (None, 1, shape, cost.ZERO) if shape == block_input else None


_STEPS: dict[Kind, Callable[[Prim, Shape, _Context, Shape], Step | None]] = {
    "conv": _step_conv,
    "pw": _step_conv,
    "dw": _step_dw,
    "pool": _step_pool,
    "fc": _step_fc,
    "add": _step_add,
}
"""Primitive kind → how it transforms a shape and what it costs: a new kind is one entry."""


def evaluate(
    plan: Plan, variant: Variant = Variant(), conventions: Conventions = Conventions()
) -> list[LayerRow]:
    """Cost every primitive of the plan for one variant: exact ints, shapes chained layer to layer."""
    ctx = _Context(
        alpha=variant.alpha,
        width=plan.width,
        min_channels=variant.min_channels or plan.width.min_channels,
        classes=variant.classes or plan.classes,
        bias=conventions.bias,
        bn_params=conventions.bn_params,
    )
    h, w = variant.resolution or plan.input_size
    shape: Shape = (h, w, plan.input_channels)
    rows: list[LayerRow] = []
    block, block_input = "", shape
    for p in plan.prims:
        if p.block != block:
            block, block_input = p.block, shape
        step = _STEPS[p.kind](p, shape, ctx, block_input)
        if step is None:
            continue
        kernel, groups, out, layer_cost = step
        rows.append(
            LayerRow(
                len(rows), p.name, p.kind, p.block, kernel, p.stride, groups, shape, out, layer_cost
            )
        )
        shape = out
    return rows
