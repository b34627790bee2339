"""The network engine: a graph (``graph.py``) evaluated at one size and one counting convention
→ costed rows, in topological order.

A graph is compiled once; it is evaluated for any width multiplier α, input resolution and
convention with plain integer arithmetic, so a sweep over thousands of variants costs no
validation. What-ifs (``--as standard|separable``) are graph → graph rewrites: architectures
stay data, the engine has no special cases for them.

Every node's output channels depend on α only and its output side on the resolution only, so its
mult-adds factor into a channel part times an area (D_K²·M·N/g × D_G² for a conv). ``evaluate``
multiplies the two; a sweep computes each once per α and once per resolution and takes dot
products. A node that exists only conditionally (``optional``) decides on each side separately:
a projection by its channels, a residual add by both channels and sides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Literal, NamedTuple

from convcost import cost, fields
from convcost.cost import Cost
from convcost.errors import SpecError
from convcost.graph import (
    INPUT,
    Graph,
    Kind,
    Node,
    Pair,
    Width,
    compile_graph,
    readers,
    with_inputs,
)

__all__ = ["Graph", "Node", "Pair", "Width", "compile_graph"]
Shape = tuple[int, int, int]
Conversion = Literal["standard", "separable"]

BATCH_NORM = {0: "no BatchNorm", 2: "BatchNorm γ, β", 4: "BatchNorm γ, β, mean, variance"}
"""What ``Conventions.bn_params`` counts, in words (for captions and error messages)."""


class Conventions(NamedTuple):
    """How to count. The default is the paper's: weights only, no bias, no BN, pooling free."""

    bias: bool = False
    """Count the biases the network has."""
    bn_params: int = 0
    """Parameters per channel of each BatchNorm: 0 (not counted), 2 (γ, β), 4 (+ running stats).
    Where a spec leaves ``bn`` unset, a BatchNorm follows every conv exactly when this is > 0."""
    flops: bool = False
    """Report FLOPs = 2×MACs beside MACs (counts stay MACs)."""
    preset: str | None = None
    """The name these conventions were chosen by (``--preset``), shown with the result."""
    ops: str | None = None
    """Count every other op per kind (``ops.py``) as this counting does: ``convcost`` (``--ops``)
    or a tool's (a tool preset, ``tools.py``); None: mult-adds and parameters only."""
    fold_bn: bool = False
    """With convcost's counting: BatchNorm folded into the conv before it (``--fold-bn``)."""


class Variant(NamedTuple):
    """One size of a network: width multiplier α, input side(s), classes, minimum channels."""

    alpha: Fraction = Fraction(1)
    resolution: Pair | None = None
    classes: int | None = None
    min_channels: int | None = None


class LayerRow(NamedTuple):
    """One costed node: shapes are (H, W, C); ``input`` is the first input's shape."""

    index: int  # type: ignore[assignment]  # the record's field, shadowing tuple.index
    name: str
    kind: Kind
    block: str
    kernel: Pair | None
    stride: Pair
    groups: int
    input: Shape
    output: Shape
    cost: Cost
    inputs: tuple[str, ...] = ("input",)
    """What it reads: names of earlier rows, or 'input' (the network's input)."""
    input_shapes: tuple[Shape, ...] = ()
    """The shape of every input (a merge reads several)."""
    node: Node | None = None
    """The node it costs (its structure: bias, BatchNorm, activation, ...)."""

    def __repr__(self) -> str:
        """The row's numbers, without its node (which the row's fields already say)."""
        shown = ", ".join(f"{k}={v!r}" for k, v in zip(self._fields[:-1], self[:-1], strict=True))
        return f"LayerRow({shown})"

    @property
    def type(self) -> str:
        """The layer's type: conv, dw, pw, pool, fc, add, concat, ... (``kind``)."""
        return self.kind

    @property
    def macs(self) -> int:
        return self.cost.macs

    @property
    def params(self) -> int:
        return self.cost.params


# --- evaluation ------------------------------------------------------------------------------------


class Widening(NamedTuple):
    """What every node of one evaluation shares on the channel side: α and its rounding, the
    classes and the conventions."""

    alpha: Fraction
    width: Width
    min_channels: int
    classes: int
    bias: bool
    bn_params: int

    @classmethod
    def of(cls, graph: Graph, variant: Variant, conventions: Conventions) -> Widening:
        return cls(
            alpha=variant.alpha,
            width=graph.width,
            min_channels=variant.min_channels or graph.width.min_channels,
            classes=variant.classes or graph.classes,
            bias=conventions.bias,
            bn_params=conventions.bn_params,
        )

    def scaled(self, filters: int, rule: str) -> int:
        if rule == "never" or (rule == "up" and self.alpha <= 1):
            return filters
        w = self.width
        return cost.scale_channels(filters, self.alpha, w.round, w.divisor, self.min_channels)

    def rounded(self, channels: int) -> int:
        """The width rule at α = 1 (an SE's squeeze width: ``_make_divisible(C // 4, 8)``)."""
        w = self.width
        return cost.scale_channels(channels, Fraction(1), w.round, w.divisor, self.min_channels)

    def batch_norm(self, p: Node) -> bool:
        """Whether a BatchNorm follows the conv: as the spec says, or (unset) as the count does."""
        return has_batch_norm(p, self.bn_params)

    def conv_cost(self, p: Node, unit: Cost, channels: int) -> Cost:
        """A conv's weights, plus its bias and BatchNorm where it has them and they are counted."""
        if has_bias(p, self.bn_params) and self.bias:
            unit = unit + Cost(0, channels)
        if self.batch_norm(p) and self.bn_params:
            unit = unit + cost.batch_norm(channels, self.bn_params)
        return unit


def has_batch_norm(p: Node, bn_params: int) -> bool:
    """Whether a BatchNorm follows a node: as the spec says; unset, after a conv exactly when the
    count counts BatchNorm (``bn_params`` > 0); a standalone ``bn`` node is one."""
    if p.kind == "bn":
        return True
    if p.kind == "fc" or p.bn is not None:
        return bool(p.bn)
    return bn_params > 0


def has_bias(p: Node, bn_params: int) -> bool:
    """Whether a conv or fc has a bias: as the spec says; unset, an fc has one, and a conv exactly
    when no BatchNorm follows it (BN's β replaces it)."""
    if p.bias is not None:
        return p.bias
    return p.kind == "fc" or not has_batch_norm(p, bn_params)


class ChannelPart(NamedTuple):
    """What a node does to the channels at one width, and its cost per unit of area."""

    channels: int
    groups: int
    macs: int
    """Mult-adds per unit of area (per output position; for an fc, per input position)."""
    params: int
    """Parameters that do not depend on the resolution."""
    area_params: int = 0
    """Parameters per unit of area: an fc reading an H×W map has C·K weights per position."""
    present: bool = True
    """False where an optional node is left out at this width (its output is its input)."""


class SpatialPart(NamedTuple):
    """What a node does to the spatial size at one resolution."""

    out: Pair
    area: int
    """What the channel part is multiplied by: D_G·D_G, an fc's input H·W, 0 for free layers."""
    kernel: Pair | None
    """The kernel a report shows (a global pool's is the whole map; an fc has none)."""
    present: bool = True


ChannelsOf = Callable[[int], int]
"""The output channels of an earlier node (or of the input, ``INPUT``) at this width."""


def _filters(p: Node, c: int, wide: Widening, channels_of: ChannelsOf) -> int:
    if p.expansion:
        return p.expansion * c
    if p.ref is not None:
        base = channels_of(p.ref) // p.divisor
        if p.round == "floor":
            return max(1, base)
        if p.round == "width":
            return wide.rounded(max(1, base))
        if base < 1:
            raise SpecError(f"{p.where}: {channels_of(p.ref)} channels // {p.divisor} is 0")
        return base
    if p.filters == "classes":
        return wide.classes
    if p.filters is None:
        return c
    assert isinstance(p.filters, int)
    return wide.scaled(p.filters, p.scale)


def _channels_conv(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    c = cs[0]
    n = _filters(p, c, wide, channels_of)
    if p.optional and n == c and p.stride == (1, 1):
        return ChannelPart(c, 1, 0, 0, present=False)
    if c % p.groups or n % p.groups:
        raise SpecError(
            f"{p.where}: groups {p.groups} must divide input channels {c} and filters {n}"
        )
    unit = wide.conv_cost(p, cost.conv((1, 1), p.kernel, c, n, groups=p.groups), n)
    return ChannelPart(n, p.groups, unit.macs, unit.params)


def _channels_dw(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    c = cs[0]
    unit = wide.conv_cost(p, cost.depthwise((1, 1), p.kernel, c), c)
    return ChannelPart(c, c, unit.macs, unit.params)


def _channels_fc(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    c = cs[0]
    units = wide.classes if p.filters is None else _filters(p, c, wide, channels_of)
    bias = units if has_bias(p, wide.bn_params) and wide.bias else 0
    bn = cost.batch_norm(units, wide.bn_params).params if p.bn else 0
    return ChannelPart(units, 1, c * units, bias + bn, area_params=c * units)


def _channels_same(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    return ChannelPart(cs[0], 1, 0, 0)


def _channels_bn(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    return ChannelPart(cs[0], 1, 0, cost.batch_norm(cs[0], wide.bn_params).params)


def _disagree(p: Node, what: str, values: Sequence[str]) -> SpecError:
    shown = " and ".join(f"{name} ({value})" for name, value in zip(p.sources, values, strict=True))
    hint = "; optional: true keeps the add only where they agree" if p.kind == "add" else ""
    return SpecError(f"{p.where}: cannot {_VERB[p.kind]} {shown}: {what} must agree{hint}")


_VERB = {"add": "add", "concat": "concatenate", "mul": "multiply"}


def _channels_add(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    if any(c != cs[0] for c in cs):
        if p.optional:
            return ChannelPart(cs[0], 1, 0, 0, present=False)
        raise _disagree(p, "channels", [f"{c} channels" for c in cs])
    return ChannelPart(cs[0], 1, 0, 0)


def _channels_concat(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    return ChannelPart(sum(cs), 1, 0, 0)


def _channels_mul(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    if cs[1] not in (cs[0], 1):
        raise _disagree(p, "channels", [f"{c} channels" for c in cs])
    return ChannelPart(cs[0], 1, 0, 0)


def _channels_split(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    if cs[0] % p.groups:
        raise SpecError(f"{p.where}: cannot split {cs[0]} channels into {p.groups} equal parts")
    return ChannelPart(cs[0] // p.groups, 1, 0, 0)


def _channels_shuffle(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    if cs[0] % p.groups:
        raise SpecError(f"{p.where}: cannot shuffle {cs[0]} channels in {p.groups} groups")
    return ChannelPart(cs[0], 1, 0, 0)


def _channels_other(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    return ChannelPart(p.output[2] if p.output else cs[0], 1, 0, p.held)


def output_hw(
    where: str,
    hw: Pair,
    kernel: Pair,
    stride: Pair,
    padding: fields.Pads,
    dilation: Pair = (1, 1),
    ceil_mode: bool = False,
) -> Pair:
    """D_G per axis, or a located error when the kernel is larger than the padded input."""
    if padding == "same":
        out = (cost.same_output_side(hw[0], stride[0]), cost.same_output_side(hw[1], stride[1]))
    else:
        top, left, bottom, right = fields.pads(padding)
        out = (
            cost.window_output_side(
                hw[0], kernel[0], stride[0], top, bottom, dilation[0], ceil_mode
            ),
            cost.window_output_side(
                hw[1], kernel[1], stride[1], left, right, dilation[1], ceil_mode
            ),
        )
    if min(out) < 1:
        shown = padding if not isinstance(padding, tuple) else "x".join(map(str, padding))
        span = "" if dilation == (1, 1) else f" (dilation {dilation[0]}x{dilation[1]})"
        raise SpecError(
            f"{where}: kernel_size {kernel[0]}x{kernel[1]}{span} is larger than the padded input "
            f"{hw[0]}x{hw[1]} (padding {shown}); use a larger input, a smaller kernel or more padding"
        )
    return out


def _spatial_conv(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    out = output_hw(p.where, hws[0], p.kernel, p.stride, p.padding, p.dilation)
    return SpatialPart(out, out[0] * out[1], p.kernel)


def _spatial_pool(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    hw = hws[0]
    if p.pool_global:
        return SpatialPart((1, 1), 0, hw)
    if p.output is not None:
        return SpatialPart((p.output[0], p.output[1]), 0, None)
    if p.padding != "same" and 2 * max(fields.pads(p.padding)) > min(p.kernel):
        raise SpecError(
            f"{p.where}: padding {p.padding} is more than half the pool's kernel "
            f"{p.kernel[0]}x{p.kernel[1]}: windows would see only padding (at most {min(p.kernel) // 2})"
        )
    out = output_hw(p.where, hw, p.kernel, p.stride, p.padding, p.dilation, p.ceil_mode)
    return SpatialPart(out, 0, p.kernel)


def _spatial_fc(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    return SpatialPart((1, 1), hws[0][0] * hws[0][1], None)


def _spatial_same(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    return SpatialPart(hws[0], 0, None)


def _spatial_merge(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    if any(hw != hws[0] for hw in hws):
        if p.optional:
            return SpatialPart(hws[0], 0, None, present=False)
        raise _disagree(p, "sides", [f"{h}x{w}" for h, w in hws])
    return SpatialPart(hws[0], 0, None)


def _spatial_mul(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    if hws[1] not in (hws[0], (1, 1)):
        raise _disagree(p, "sides (or the gate 1x1)", [f"{h}x{w}" for h, w in hws])
    return SpatialPart(hws[0], 0, None)


def _spatial_other(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    return SpatialPart((p.output[0], p.output[1]) if p.output else hws[0], 0, None)


ChannelStep = Callable[[Node, Sequence[int], Widening, ChannelsOf], ChannelPart]
SpatialStep = Callable[[Node, Sequence[Pair]], SpatialPart]

_STEPS: dict[str, tuple[ChannelStep, SpatialStep]] = {
    "conv": (_channels_conv, _spatial_conv),
    "pw": (_channels_conv, _spatial_conv),
    "dw": (_channels_dw, _spatial_conv),
    "pool": (_channels_same, _spatial_pool),
    "fc": (_channels_fc, _spatial_fc),
    "add": (_channels_add, _spatial_merge),
    "concat": (_channels_concat, _spatial_merge),
    "mul": (_channels_mul, _spatial_mul),
    "split": (_channels_split, _spatial_same),
    "shuffle": (_channels_shuffle, _spatial_same),
    "bn": (_channels_bn, _spatial_same),
    "act": (_channels_same, _spatial_same),
    "other": (_channels_other, _spatial_other),
}
"""Node kind → (its channel part, its spatial part): a new kind is one entry."""


def channel_part(
    p: Node, cs: Sequence[int], wide: Widening, channels_of: ChannelsOf
) -> ChannelPart:
    part = _STEPS[p.kind][0](p, cs, wide, channels_of)
    if p.shares is not None:  # its weights are another layer's: counted there, once
        return part._replace(params=0, area_params=0)
    return part


def spatial_part(p: Node, hws: Sequence[Pair]) -> SpatialPart:
    return _STEPS[p.kind][1](p, hws)


Parts = tuple[tuple[Shape, ...], ChannelPart, SpatialPart]
"""What one node came to in an evaluation: the shapes it read, its channel and spatial parts."""


def evaluate(
    graph: Graph, variant: Variant = Variant(), conventions: Conventions = Conventions()
) -> list[LayerRow]:
    """Cost every node of the graph for one variant: exact ints, shapes from each node's inputs.
    A node left out (an optional projection or add where it does not apply) has no row; who read
    it reads its input."""
    return evaluate_parts(graph, variant, conventions)[0]


def evaluate_parts(
    graph: Graph,
    variant: Variant = Variant(),
    conventions: Conventions = Conventions(),
    reuse: Sequence[Parts | None] = (),
) -> tuple[list[LayerRow], list[Parts]]:
    """``evaluate``, and what each node came to. ``reuse[i]``: what node i came to in another
    evaluation (same variant and conventions) of an equal node — a what-if keeps most nodes as
    they were; taken when it read the same shapes (and names no other node's channels)."""
    wide = Widening.of(graph, variant, conventions)
    h, w = variant.resolution or graph.input_size
    shape_of: dict[int, Shape] = {INPUT: (h, w, graph.input_channels)}
    name_of: dict[int, str] = {INPUT: "input"}  # the row whose output each node's output is
    rows: list[LayerRow] = []
    parts: list[Parts] = []
    reused = len(reuse)

    def channels_of(i: int) -> int:
        return shape_of[i][2]

    for i, p in enumerate(graph.nodes):
        inputs = p.inputs
        ins = (shape_of[inputs[0]],) if len(inputs) == 1 else tuple([shape_of[j] for j in inputs])
        old = reuse[i] if i < reused else None
        if old is not None and old[0] == ins and p.ref is None:
            _, channels, spatial = old
        else:
            channel_step, spatial_step = _STEPS[p.kind]  # channel_part and spatial_part, inline
            channels = channel_step(p, [s[2] for s in ins], wide, channels_of)
            if p.shares is not None:  # its weights are another layer's: counted there, once
                channels = channels._replace(params=0, area_params=0)
            spatial = spatial_step(p, [(s[0], s[1]) for s in ins])
        parts.append((ins, channels, spatial))
        if not (channels.present and spatial.present):
            shape_of[i] = ins[0]
            name_of[i] = name_of[p.inputs[0]]
            continue
        area = spatial.area
        out: Shape = (*spatial.out, channels.channels)
        shape_of[i] = out
        name_of[i] = p.name
        rows.append(
            LayerRow(
                len(rows),
                p.name,
                p.kind,
                p.block,
                spatial.kernel,
                p.stride,
                channels.groups,
                ins[0],
                out,
                Cost(channels.macs * area, channels.params + channels.area_params * area),
                (name_of[inputs[0]],) if len(inputs) == 1 else tuple([name_of[j] for j in inputs]),
                ins,
                p,
            )
        )
    return rows, parts


# --- what-ifs: graph → graph ------------------------------------------------------------------------


def _rewrite(
    graph: Graph,
    replace: Callable[[int, Node], list[Node] | None],
    drop: frozenset[int] = frozenset(),
) -> tuple[Graph, tuple[int | None, ...]]:
    """A new graph: each node replaced by the nodes ``replace`` gives (the first reads the
    original's inputs, each next one the one before; None keeps the node), ``drop``ped nodes
    bypassed (who read them reads their first input); and for each new node, the original node
    it keeps (None for a replacement)."""
    new: list[Node] = []
    origin: list[int | None] = []
    where: dict[int, int] = {INPUT: INPUT}
    for i, node in enumerate(graph.nodes):
        if i in drop:
            where[i] = where[node.inputs[0]]
            continue
        pieces = replace(i, node)
        for k, piece in enumerate(pieces or [node]):
            inputs = tuple([where[j] for j in piece.inputs]) if k == 0 else (len(new) - 1,)
            sources = tuple(["input" if j == INPUT else new[j].name for j in inputs])
            moved = with_inputs(piece, inputs, sources)
            new.append(moved if piece.ref is None else moved._replace(ref=where[piece.ref]))
            origin.append(None if pieces else i)
        where[i] = len(new) - 1
    return graph._replace(nodes=tuple(new)), tuple(origin)


def separable_pairs(graph: Graph) -> dict[int, int]:
    """pw index → dw index of every depthwise + pointwise pair: a pw of the dw's own block (a
    separable entry, a bottleneck's projection, a standalone pw right after a dw) that reads the
    dw directly or through a squeeze-excite scale, an activation or a BatchNorm; never an
    expansion, and never a dw that something else reads (but an SE's pool)."""
    nodes = graph.nodes
    read_by = readers(graph)
    pairs: dict[int, int] = {}
    for j, pw in enumerate(nodes):
        if (
            pw.kind != "pw"
            or pw.expansion
            or pw.ref is not None
            or pw.optional
            or len(pw.inputs) != 1
        ):
            continue
        path = [j]
        k = pw.inputs[0]
        while k != INPUT and nodes[k].kind in ("mul", "act", "bn") and read_by[k] == [path[-1]]:
            path.append(k)
            k = nodes[k].inputs[0]
        if k == INPUT or nodes[k].kind != "dw" or nodes[k].block != pw.block:
            continue
        others = [r for r in read_by[k] if r != path[-1]]
        if all(nodes[r].kind == "pool" and nodes[r].pool_global for r in others):
            pairs[j] = k
    return pairs


def convert(graph: Graph, to: Conversion) -> Graph:
    """The paper's what-ifs: every dw + pw pair as one standard conv ("Conv MobileNet"; a
    squeeze-excite between them then scales the conv's input, at the same cost), or every
    standard conv with a kernel larger than 1×1 as dw + pw (both with the conv's bias, BatchNorm
    and activation)."""
    return converted(graph, to)[0]


def converted(graph: Graph, to: Conversion) -> tuple[Graph, tuple[int | None, ...]]:
    """``convert``, and for each node of the new graph the node of ``graph`` it keeps as it was
    (None where it is new): what ``evaluate_parts`` may reuse. A graph with nothing to convert
    is returned as it is."""
    if to == "standard":
        pairs = separable_pairs(graph)
        if not pairs:
            return graph, tuple(range(len(graph.nodes)))
        nodes = graph.nodes

        def merge(i: int, p: Node) -> list[Node] | None:
            if i not in pairs:
                return None
            dw = nodes[pairs[i]]
            return [
                p._replace(
                    kind="conv",
                    name=p.block,
                    kernel=dw.kernel,
                    stride=dw.stride,
                    padding=dw.padding,
                    dilation=dw.dilation,
                    groups=1,
                    role="",
                )
            ]

        return _rewrite(graph, merge, frozenset(pairs.values()))

    def split(i: int, p: Node) -> list[Node] | None:
        if p.kind != "conv" or p.kernel == (1, 1) or p.groups != 1:
            return None
        return [
            p._replace(kind="dw", name=f"{p.name}/dw", filters=None, scale="always", role="dw"),
            Node(
                "pw",
                f"{p.name}/pw",
                p.block,
                p.where,
                filters=p.filters,
                scale=p.scale,
                bias=p.bias,
                bn=p.bn,
                act=p.act,
                role="pw",
            ),
        ]

    return _rewrite(graph, split)
