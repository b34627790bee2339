"""Everything that is not a conv/fc multiply-accumulate, counted per op kind (``--ops``).

Pure arithmetic on the rows the engine already produced (``LayerRow``): each row yields *sites*
— one BatchNorm over E elements, one ReLU, one pool reading I elements through its windows, one
residual add — and a *counting* maps each site's kind to a count with a rule stated in words.
convcost's own counting is ``CONVCOST`` (every elementary operation counts 1); each tool's is in
``tools.py``, the same shape, so that a tool's printed figure is its mult-adds plus its table
applied to the same sites. Counts are exact ints, kept per kind, and never added to the
mult-adds: a report carries them beside them.

Which sites exist follows the conventions, as parameters do: a bias add where the layer has a bias
and biases are counted (``--bias``), a BatchNorm where one follows the layer and BatchNorm is
counted (``--bn``, ``--bn-affine-only``, a preset). Activations, pools, adds and SE's multiply
are always there.

Limited to ``convcost model``: the sweep factorises each row's mult-adds into a channel part × an
area, and these counts are not split that way (a pool's reads scale with its input's area, a
BatchNorm's per-channel count with none), so ``sweep`` and ``fit`` do not count them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from convcost.fields import ACTIVATIONS
from convcost.network import Conventions, LayerRow, has_batch_norm, has_bias
from convcost.reporting import Shown

if TYPE_CHECKING:  # annotations only
    from convcost.report import NetworkReport

OP_KINDS = (
    "bias",
    "bn",
    *(act for act in ACTIVATIONS if act != "none"),
    "add",
    "mul",
    "avgpool",
    "maxpool",
)
"""Every op kind convcost counts, in the order reports list them: an activation's is its name."""

OP_NAMES = {
    "bias": "bias add",
    "bn": "BatchNorm",
    "relu": "ReLU",
    "relu6": "ReLU6",
    "leaky_relu": "leaky ReLU",
    "hardswish": "hard-swish",
    "hardsigmoid": "hard-sigmoid",
    "sigmoid": "sigmoid",
    "swish": "swish (SiLU)",
    "tanh": "tanh",
    "gelu": "GELU",
    "softmax": "softmax",
    "add": "residual add",
    "mul": "SE scale (mul)",
    "avgpool": "average pool",
    "maxpool": "max pool",
}


class Site(NamedTuple):
    """One op of one kind in one row, with the sizes a counting rule may need."""

    kind: str
    elements: int
    """Output elements (H·W·C)."""
    channels: int
    """Output channels (C): a BatchNorm's γ, β; a softmax's length."""
    inputs: int = 0
    """Input elements a pool reads."""
    windows: int = 0
    """Values a pool's windows cover, summed over its outputs: k²·elements for a fixed window,
    the input elements for a global pool."""
    adaptive: bool = False
    """A global or adaptive pool (nn.AdaptiveAvgPool2d), not a fixed window (nn.AvgPool2d)."""
    call: str = "module"
    """How a PyTorch model calls the pool: module, function or mean (what torch counters see)."""
    operands: int = 1
    """An add's inputs."""
    folds: bool = False
    """A BatchNorm right after a conv or fc, which can be folded into it."""
    own_bias: bool = False
    """That conv already has a (counted) bias, which a folded BatchNorm's shift joins."""


def _adaptive_span(size: int, out: int) -> int:
    """Σ of torch's adaptive window lengths along one axis: [⌊i·size/out⌋, ⌈(i+1)·size/out⌉).

    >>> _adaptive_span(7, 7), _adaptive_span(14, 5), _adaptive_span(7, 1)  # 14 → 5: 3+4+4+4+3
    (7, 18, 7)
    """
    return sum(-(-(i + 1) * size // out) - i * size // out for i in range(out))


def _pool_site(row: LayerRow) -> Site:
    p = row.node
    assert p is not None
    hi, wi, ci = row.input
    ho, wo, c = row.output
    elements = ho * wo * c
    adaptive = p.pool_global or p.output is not None
    if p.pool_global:
        windows = hi * wi * ci
    elif p.output is not None:
        windows = _adaptive_span(hi, ho) * _adaptive_span(wi, wo) * c
    else:
        windows = p.kernel[0] * p.kernel[1] * elements
    kind = "avgpool" if p.pool == "avg" else "maxpool"
    return Site(kind, elements, c, hi * wi * ci, windows, adaptive, p.call)


def sites(row: LayerRow, conventions: Conventions) -> tuple[Site, ...]:
    """The ops of one row besides its mult-adds: bias, BatchNorm, pool, add, mul, activation."""
    p = row.node
    if p is None:
        return ()
    h, w, c = row.output
    elements = h * w * c
    out: list[Site] = []
    bn_params = conventions.bn_params
    if row.kind in ("conv", "dw", "pw", "fc"):
        bias = conventions.bias and has_bias(p, bn_params)
        if bias:
            out.append(Site("bias", elements, c))
        if bn_params and has_batch_norm(p, bn_params):
            out.append(Site("bn", elements, c, folds=True, own_bias=bias))
    elif row.kind == "bn" and bn_params:
        out.append(Site("bn", elements, c))
    elif row.kind == "pool":
        out.append(_pool_site(row))
    elif row.kind == "add":
        out.append(Site("add", elements, c, operands=len(row.inputs)))
    elif row.kind == "mul":
        out.append(Site("mul", elements, c))
    if p.act not in (None, "none"):
        assert p.act is not None
        out.append(Site(p.act, elements, c))
    return tuple(out)


# --- counting rules ---------------------------------------------------------------------------


class Rule(NamedTuple):
    """What one op kind costs under one counting, as a function of its site and in words."""

    count: Callable[[Site], int]
    text: str


def per_element(k: int, text: str) -> Rule:
    """k per output element."""
    return Rule(lambda s: k * s.elements, text)


ZERO = Rule(lambda s: 0, "not counted")


class Counting(NamedTuple):
    """A way of counting everything but mult-adds: convcost's own, or a tool's (``tools.py``)."""

    name: str
    title: str
    """Who counts this way (a tool with the version checked)."""
    rules: Mapping[str, Rule]
    """Op kind → its rule; a kind not listed counts 0 ("not counted")."""
    macs_factor: int = 1
    """How many the tool counts per mult-add (torch's FlopCounterMode: 2)."""
    figure: str | None = None
    """The call whose figure the tool prints (``reported``); None if it prints no compute figure
    (Keras), and for convcost's own counting."""
    params: str = ""
    """What the tool's parameter count is."""
    tool: bool = False

    @property
    def counts_ops(self) -> bool:
        """Whether there is anything but parameters to report (Keras prints parameters only)."""
        return self.figure is not None or not self.tool

    def rule(self, kind: str) -> Rule:
        return self.rules.get(kind, ZERO)

    def count(self, site: Site) -> int:
        return self.rule(site.kind).count(site)

    def reported(self, macs: int, ops: int) -> int | None:
        """The tool's figure: its mult-adds (× its factor) plus everything else it counts."""
        return None if self.figure is None else self.macs_factor * macs + ops


def _bn_folded(s: Site) -> int:
    if not s.folds:
        return 2 * s.elements
    return 0 if s.own_bias else s.elements


_ACTIVATIONS = {
    "relu": per_element(1, "max(x, 0): 1 comparison per element"),
    "relu6": per_element(2, "min(max(x, 0), 6): 2 comparisons per element"),
    "leaky_relu": per_element(2, "x > 0 ? x : a·x: 1 comparison + 1 multiply per element"),
    "hardsigmoid": per_element(4, "relu6(x + 3)/6: 1 add + 2 comparisons + 1 multiply = 4"),
    "hardswish": per_element(5, "x·hardsigmoid(x): 4 + 1 multiply = 5 per element"),
    "sigmoid": per_element(4, "1/(1 + exp(-x)): negate, exp, add, divide = 4 per element"),
    "swish": per_element(5, "x·sigmoid(x): 4 + 1 multiply = 5 per element"),
    "tanh": per_element(5, "(exp(2x) - 1)/(exp(2x) + 1): multiply, exp, subtract, add, divide = 5"),
    "gelu": per_element(5, "x·(1 + erf(x/√2))/2: 3 multiplies, erf, add = 5 per element"),
    "softmax": Rule(
        lambda s: 3 * s.elements - s.elements // s.channels,
        "over C channels: C exps, C - 1 adds, C divides = 3C - 1 per position",
    ),
}

CONVCOST = Counting(
    "convcost",
    "convcost: every elementary operation (add, multiply, compare, divide, exp, erf) counts 1",
    {
        "bias": per_element(1, "1 add per output element"),
        "bn": per_element(2, "unfolded, x·s + t (s = γ/√(σ² + ε), t = β - μ·s): 2 per element"),
        **_ACTIVATIONS,
        "add": Rule(
            lambda s: (s.operands - 1) * s.elements, "n - 1 adds per output element (n inputs)"
        ),
        "mul": per_element(1, "1 multiply per element"),
        "avgpool": Rule(
            lambda s: s.windows,
            "k² - 1 adds + 1 divide = k² per output (global: 1 per input element)",
        ),
        "maxpool": Rule(
            lambda s: s.windows - s.elements,
            "k² - 1 comparisons per output (global: H·W - 1 per channel)",
        ),
    },
)
"""convcost's own counting (``--ops``): BatchNorm unfolded."""

CONVCOST_FOLDED = CONVCOST._replace(
    rules={
        **CONVCOST.rules,
        "bn": Rule(
            _bn_folded,
            "folded into the conv before it (as at inference): its shift is that conv's bias, "
            "1 add per element, 0 where the conv has a bias already; a BatchNorm after no conv, "
            "2 per element",
        ),
    },
)
"""convcost's own counting with BatchNorm folded into the conv before it (``--fold-bn``)."""


# --- a network's ops --------------------------------------------------------------------------


class _OpsReportFields(NamedTuple):
    base: NetworkReport
    counting: Counting
    sites: tuple[tuple[Site, ...], ...]
    """Per row of ``base.rows``, its sites."""


class OpsReport(_OpsReportFields, Shown):
    """A network report with every other op counted per kind, per row, under one counting."""

    __slots__ = ()

    @property
    def macs(self) -> int:
        """The network's mult-adds (conv and fc), never mixed with the other ops."""
        return self.base.macs

    @property
    def params(self) -> int:
        return self.base.params

    @property
    def layers(self) -> tuple[LayerRow, ...]:
        return self.base.layers

    def __repr__(self) -> str:
        return (
            f"OpsReport(model={self.base.model!r}, counting={self.counting.name!r}, "
            f"macs={self.macs}, ops={self.ops_total}, reported={self.reported}, "
            f"params={self.params})"
        )

    def row_ops(self, index: int) -> dict[str, int]:
        """One row's counts, kind → count, for the kinds it has."""
        out: dict[str, int] = {}
        for site in self.sites[index]:
            out[site.kind] = out.get(site.kind, 0) + self.counting.count(site)
        return out

    def kinds(self) -> list[str]:
        """The op kinds the network has, in ``OP_KINDS`` order."""
        seen = {site.kind for row in self.sites for site in row}
        return [kind for kind in OP_KINDS if kind in seen]

    def total(self) -> dict[str, int]:
        """Counts per kind over the network (a kind the counting ignores shows 0)."""
        out = dict.fromkeys(self.kinds(), 0)
        for row in self.sites:
            for site in row:
                out[site.kind] += self.counting.count(site)
        return out

    def elements(self) -> dict[str, int]:
        """Per kind, the elements it touches: a pool's inputs, every other op's outputs."""
        out = dict.fromkeys(self.kinds(), 0)
        for row in self.sites:
            for site in row:
                out[site.kind] += site.inputs if site.kind.endswith("pool") else site.elements
        return out

    @property
    def ops_total(self) -> int:
        return sum(self.total().values())

    @property
    def reported(self) -> int | None:
        return self.counting.reported(self.base.total.macs, self.ops_total)

    def params_parts(self) -> tuple[int, int, int, int]:
        """The counted parameters as (weights, biases, BatchNorm γ and β, BatchNorm running mean
        and variance)."""
        bias = sum(s.channels for row in self.sites for s in row if s.kind == "bias")
        channels = sum(s.channels for row in self.sites for s in row if s.kind == "bn")
        per_channel = self.base.conventions.bn_params
        affine, stats = min(per_channel, 2) * channels, max(per_channel - 2, 0) * channels
        return self.base.total.params - bias - affine - stats, bias, affine, stats


def count_ops(report: NetworkReport, counting: Counting) -> OpsReport:
    """Every row's ops under ``counting`` (the report's own conventions decide which exist)."""
    conventions = report.conventions
    return OpsReport(report, counting, tuple(sites(row, conventions) for row in report.rows))


class _ExplanationFields(NamedTuple):
    ops: OpsReport


class Explanation(_ExplanationFields, Shown):
    """A tool's figure decomposed term by term (``--explain TOOL``): the same numbers as its
    ``OpsReport``, laid out as a sum."""

    __slots__ = ()

    @property
    def macs(self) -> int:
        return self.ops.macs

    @property
    def params(self) -> int:
        return self.ops.params

    @property
    def reported(self) -> int | None:
        """The figure the tool prints."""
        return self.ops.reported


def counting_for(conventions: Conventions) -> Counting:
    """The counting the conventions name: a tool's, or convcost's own (BatchNorm folded or not)."""
    from convcost.tools import TOOLS

    if conventions.ops in TOOLS:
        return TOOLS[conventions.ops]
    return CONVCOST_FOLDED if conventions.fold_bn else CONVCOST


def analyze_ops(report: NetworkReport, explain: bool = False) -> OpsReport | Explanation:
    """``convcost model --ops`` / a tool preset (an ``OpsReport``) or ``--explain`` (its sum)."""
    counted = count_ops(report, counting_for(report.conventions))
    return Explanation(counted) if explain else counted
