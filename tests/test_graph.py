"""Networks as graphs: random graph specs against an independent count, and the format's rules.

The property test builds a random network spec (branches, concatenations, residual adds,
squeeze-excite, grouped and depthwise convs, strides, pools, channel split and shuffle) while
tracking every tensor's shape itself and adding up, with the papers' formulas, what each layer
must cost; convcost then reads the spec and must agree exactly, layer by layer and in total, for
both the paper's convention and torchvision's (biases and BatchNorm γ, β counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcost import sweeps as sweep
from convcost.errors import SpecError
from convcost.graph import MAX_NODES, compile_graph
from convcost.network import Conventions, Variant, convert, evaluate
from tests.conftest import Run

PAPER = Conventions()
TORCHVISION = Conventions(bias=True, bn_params=2)


def out_side(d: int, k: int, s: int, p: int) -> int:
    return (d + 2 * p - k) // s + 1


@dataclass
class Builder:
    """A network being drawn, with what each layer must cost under both conventions."""

    draw: Any
    side: int
    channels: int
    layers: list[dict[str, Any]] = field(default_factory=list)
    tensors: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    last: str = "input"
    macs: int = 0
    weights: int = 0
    extra: int = 0  # biases + 2 per BatchNorm channel: what torchvision counts beyond weights
    rows: int = 0

    def __post_init__(self) -> None:
        self.tensors["input"] = (self.side, self.side, self.channels)

    def shape(self, name: str) -> tuple[int, int, int]:
        return self.tensors[name]

    def emit(self, entry: dict[str, Any], shape: tuple[int, int, int], rows: int = 1) -> str:
        name = f"l{len(self.layers)}"
        self.layers.append({"name": name, **entry})
        self.tensors[name] = shape
        self.last = name
        self.rows += rows
        return name

    def conv_cost(
        self, k: int, cin: int, cout: int, groups: int, area: int, bias: bool, bn: bool
    ) -> None:
        weights = k * k * (cin // groups) * cout
        self.macs += weights * area
        self.weights += weights
        self.extra += (cout if bias else 0) + (2 * cout if bn else 0)

    # -- the layer kinds --------------------------------------------------------------------------

    def conv(self, source: str) -> None:
        h, _, c = self.shape(source)
        k = self.draw(st.sampled_from([1, 3, 5]))
        s = self.draw(st.sampled_from([1, 1, 2]))
        p = self.draw(st.integers(0, k // 2))
        if out_side(h, k, s, p) < 1:
            return
        groups = self.draw(st.sampled_from([g for g in (1, 2, 4) if c % g == 0]))
        n = groups * self.draw(st.integers(1, 6))
        bias, bn = self.draw(st.booleans()), self.draw(st.booleans())
        o = out_side(h, k, s, p)
        entry = {"type": "conv", "kernel_size": k, "stride": s, "padding": p, "groups": groups}
        entry |= {"filters": n, "bias": bias, "bn": bn, "from": source}
        self.conv_cost(k, c, n, groups, o * o, bias, bn)
        self.emit(entry, (o, o, n))

    def dw(self, source: str) -> None:
        h, _, c = self.shape(source)
        s = self.draw(st.sampled_from([1, 2]))
        o = out_side(h, 3, s, 1)
        self.conv_cost(3, c, c, c, o * o, False, True)
        self.emit({"type": "dw", "stride": s, "padding": 1, "bn": True, "from": source}, (o, o, c))

    def separable(self, source: str) -> None:
        h, _, c = self.shape(source)
        n = self.draw(st.integers(1, 12))
        self.conv_cost(3, c, c, c, h * h, False, False)
        self.conv_cost(1, c, n, 1, h * h, False, False)
        entry = {"type": "separable", "filters": n, "padding": 1, "bn": False, "bias": False}
        self.emit({**entry, "from": source}, (h, h, n), rows=2)

    def residual(self, source: str) -> None:
        """A bottleneck-like branch that comes back to its input: pw → pw back → add."""
        h, _, c = self.shape(source)
        mid = self.draw(st.integers(1, 8))
        a = self.emit({"type": "pw", "filters": mid, "from": source, "bn": True}, (h, h, mid))
        self.conv_cost(1, c, mid, 1, h * h, False, True)
        b = self.emit({"type": "pw", "filters": c, "from": a, "bias": True, "bn": False}, (h, h, c))
        self.conv_cost(1, mid, c, 1, h * h, True, False)
        self.emit({"type": "add", "from": [b, source]}, (h, h, c))

    def concat(self, source: str) -> None:
        """Two 1×1 branches from one tensor, concatenated."""
        h, _, c = self.shape(source)
        widths = [self.draw(st.integers(1, 6)) for _ in range(2)]
        names = []
        for n in widths:
            names.append(self.emit({"type": "pw", "filters": n, "from": source}, (h, h, n)))
            # bn unset: a BatchNorm exactly where the convention counts one, and then no bias
            self.conv_cost(1, c, n, 1, h * h, False, True)
        self.emit({"type": "concat", "from": names}, (h, h, sum(widths)))

    def squeeze_excite(self, source: str) -> None:
        h, _, c = self.shape(source)
        reduce = self.draw(st.sampled_from([1, 2, 4]))
        squeeze = max(1, c // reduce)
        entry = {"type": "se", "reduce": reduce, "round": "floor", "from": source}
        self.emit(entry, (h, h, c), rows=4)
        for cin, cout in ((c, squeeze), (squeeze, c)):  # on the pooled 1×1 map, with biases
            self.macs += cin * cout
            self.weights += cin * cout
            self.extra += cout

    def pool(self, source: str) -> None:
        h, _, c = self.shape(source)
        k = self.draw(st.sampled_from([2, 3]))
        if h < k:
            return
        kind = self.draw(st.sampled_from(["avg", "max"]))
        entry = {"type": "pool", "kind": kind, "kernel_size": k, "stride": 2, "from": source}
        self.emit(entry, (out_side(h, k, 2, 0),) * 2 + (c,))

    def shuffle(self, source: str) -> None:
        h, _, c = self.shape(source)
        if c % 2:
            return
        keep = self.emit({"type": "split", "parts": 2, "index": 0, "from": source}, (h, h, c // 2))
        other = self.emit({"type": "split", "parts": 2, "index": 1, "from": source}, (h, h, c // 2))
        branch = self.emit(
            {"type": "pw", "filters": c // 2, "from": other, "bn": True}, (h, h, c // 2)
        )
        self.conv_cost(1, c // 2, c // 2, 1, h * h, False, True)
        cat = self.emit({"type": "concat", "from": [keep, branch]}, (h, h, c))
        self.emit({"type": "shuffle", "groups": 2, "from": cat}, (h, h, c))

    def fc(self) -> None:
        h, w, c = self.shape(self.last)
        units = self.draw(st.integers(1, 20))
        self.emit({"type": "fc", "units": units}, (1, 1, units))
        self.macs += h * w * c * units
        self.weights += h * w * c * units
        self.extra += units


def build(draw: Any) -> tuple[dict[str, Any], Builder]:
    b = Builder(draw, draw(st.integers(4, 24)), draw(st.integers(1, 8)))
    kinds = [b.conv, b.dw, b.separable, b.residual, b.concat, b.squeeze_excite, b.pool, b.shuffle]
    for _ in range(draw(st.integers(1, 8))):
        # mostly the last tensor (a chain), sometimes an earlier one (a branch)
        names = list(b.tensors)
        source = draw(st.sampled_from([b.last, b.last, *names]))
        draw(st.sampled_from(kinds))(source)
    if draw(st.booleans()):
        b.fc()
    if not b.layers:
        b.fc()
    spec = {"name": "random", "input": {"size": b.side, "channels": b.channels}, "layers": b.layers}
    return spec, b


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.data())
def test_random_graphs_match_an_independent_count(data: st.DataObject) -> None:
    spec, expected = build(data.draw)
    graph = compile_graph(spec)
    paper = evaluate(graph, Variant(), PAPER)
    assert len(paper) == expected.rows
    assert sum(r.cost.macs for r in paper) == expected.macs
    assert sum(r.cost.params for r in paper) == expected.weights
    torchvision = evaluate(graph, Variant(), TORCHVISION)
    assert sum(r.cost.macs for r in torchvision) == expected.macs
    assert sum(r.cost.params for r in torchvision) == expected.weights + expected.extra
    # the last row's output is the shape the builder tracked
    assert paper[-1].output == expected.shape(expected.last)
    # the sweep's factorised evaluator agrees, at this size and at α ≠ 1 (where a residual
    # add, a split or a group may no longer fit: then both refuse)
    for alpha in (Fraction(1), Fraction(1, 2), Fraction(3, 2)):
        try:
            rows = evaluate(graph, Variant(alpha=alpha), TORCHVISION)
        except SpecError:
            with pytest.raises(SpecError):
                sweep.widths(graph, alpha, TORCHVISION, graph.classes, graph.width.min_channels)
            continue
        fast = sweep.combine(
            sweep.widths(graph, alpha, TORCHVISION, graph.classes, graph.width.min_channels),
            sweep.areas(graph, graph.input_size),
        )
        assert (fast.macs, fast.params) == (
            sum(r.cost.macs for r in rows),
            sum(r.cost.params for r in rows),
        )


# --- the zoo's blocks, by hand ---------------------------------------------------------------------


def test_resnet_basic_block_projects_only_where_the_shape_changes() -> None:
    rows = evaluate(compile_graph(_builtin("resnet18")))
    names = [r.name for r in rows]
    assert "layer1_1/down" not in names and "layer1_2/down" not in names  # 64 → 64, stride 1
    assert [n for n in names if n.endswith("/down")] == [
        "layer2_1/down",
        "layer3_1/down",
        "layer4_1/down",
    ]
    add = next(r for r in rows if r.name == "layer1_1/add")
    assert add.inputs == ("layer1_1/conv2", "maxpool")  # the identity shortcut reads the input
    add = next(r for r in rows if r.name == "layer2_1/add")
    assert add.inputs == ("layer2_1/conv2", "layer2_1/down")
    down = next(r for r in rows if r.name == "layer2_1/down")
    assert (down.input, down.output, down.cost.macs) == (
        (56, 56, 64),
        (28, 28, 128),
        64 * 128 * 28 * 28,
    )


def test_densenet_concatenations_grow_by_the_growth_rate() -> None:
    rows = evaluate(compile_graph(_builtin("densenet121")))
    cats = [r for r in rows if r.kind == "concat" and r.name.startswith("block1_")]
    assert [r.output[2] for r in cats] == [64 + 32 * k for k in range(1, 7)]
    norm = next(r for r in rows if r.name == "block1_3/norm1")  # a BatchNorm of 128 channels
    assert norm.input[2] == 128
    tv = evaluate(compile_graph(_builtin("densenet121")), Variant(), TORCHVISION)
    assert next(r for r in tv if r.name == "block1_3/norm1").cost.params == 2 * 128


def test_squeeze_excite_widths_follow_each_rule() -> None:
    """MobileNetV3: _make_divisible(expanded // 4, 8); EfficientNet: max(1, block input // 4)."""
    v3 = {r.name: r for r in evaluate(compile_graph(_builtin("mobilenet_v3_large")))}
    assert v3["b4/se/reduce"].output[2] == 24  # 72 // 4 = 18 → 24 (18 is more than 10% below 16)
    assert v3["b11/se/reduce"].output[2] == 120  # 480 // 4
    assert v3["b4/se/expand"].output[2] == 72
    assert v3["b4/se/scale"].inputs == ("b4/dw", "b4/se/expand")
    eff = {r.name: r for r in evaluate(compile_graph(_builtin("efficientnet_b0")))}
    assert eff["stage2_1/se/reduce"].output[2] == 4  # block input 16 // 4, not 96 // 4
    assert eff["stage1/se/reduce"].output[2] == 8  # 32 // 4
    assert "stage1/exp" not in eff  # t = 1: the expansion would keep the width
    assert "b1/exp" not in v3  # 16 → 16


def test_shufflenet_units_split_and_shuffle() -> None:
    rows = {r.name: r for r in evaluate(compile_graph(_builtin("shufflenet_v2_x1_0")))}
    assert rows["stage2/down/cat"].output == (28, 28, 116)
    assert rows["stage2/unit_1/keep"].output == (28, 28, 58)
    assert rows["stage2/unit_1/cat"].inputs == ("stage2/unit_1/keep", "stage2/unit_1/pw2")
    assert rows["stage4/unit_3/shuffle"].output == (7, 7, 464)


def test_squeezenet_pools_round_up() -> None:
    """ceil_mode, SqueezeNet 1.0: 109 → 54, 54 → 27 (floor would give 26), 27 → 13."""
    rows = {r.name: r for r in evaluate(compile_graph(_builtin("squeezenet1_0")))}
    assert rows["conv1"].output[:2] == (109, 109)
    assert [rows[p].output[0] for p in ("pool1", "pool4", "pool8")] == [54, 27, 13]


def _builtin(name: str) -> dict[str, Any]:
    from convcost.architectures import builtin_spec

    return builtin_spec(name)


# --- what-ifs on graphs -------------------------------------------------------------------------


def test_as_standard_merges_a_dw_and_projection_around_squeeze_excite() -> None:
    """MobileNetV3's b4: dw 5×5 s2 (72) → SE → proj 72 → 40 becomes one 5×5 s2 conv 72 → 40 whose
    input the SE scales (the SE keeps its cost)."""
    graph = compile_graph(_builtin("mobilenet_v3_large"))
    rows = {r.name: r for r in evaluate(convert(graph, "standard"))}
    conv = rows["b4"]
    assert conv.kind == "conv" and conv.kernel == (5, 5)
    assert conv.input == (56, 56, 72) and conv.output == (28, 28, 40)
    assert conv.cost.macs == 5 * 5 * 72 * 40 * 28 * 28
    assert rows["b4/se/reduce"].cost == next(
        r.cost for r in evaluate(graph) if r.name == "b4/se/reduce"
    )
    assert not any(r.kind == "dw" for r in rows.values())


def test_as_separable_splits_each_standard_conv() -> None:
    graph = compile_graph(_builtin("resnet18"))
    rows = {r.name: r for r in evaluate(convert(graph, "separable"))}
    assert rows["conv1/dw"].cost.macs == 7 * 7 * 3 * 112 * 112
    assert rows["conv1/pw"].cost.macs == 3 * 64 * 112 * 112
    assert rows["layer2_1/add"].inputs == ("layer2_1/conv2/pw", "layer2_1/down")
    assert "layer2_1/down" in rows  # 1×1 convs stay


# --- the format's rules, as a user meets them ------------------------------------------------------

HEAD = "name: g\ninput: {size: 16, channels: 8}\n"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            "layers:\n  - {type: conv, name: a, kernel_size: 3, filters: 8, stride: 2, padding: 1}\n"
            "  - {type: add, from: [a, input]}\n",
            "layers[1] (add1): cannot add a (8x8) and input (16x16): sides must agree",
        ),
        (
            "layers:\n  - {type: pw, name: a, filters: 4}\n  - {type: add, from: [a, input]}\n",
            "cannot add a (4 channels) and input (8 channels): channels must agree",
        ),
        (
            "layers:\n  - {type: pw, name: a, filters: 4}\n  - {type: add, from: [a, b]}\n",
            "from: 'b' is not among the layers before it or 'input'",
        ),
        (
            "layers:\n  - {type: pw, name: a, filters: 4}\n  - {type: pw, from: aa, filters: 4}\n",
            "did you mean 'a'?",
        ),
        ("layers:\n  - {type: add, from: [input]}\n", "add reads at least 2 layers"),
        (
            "layers:\n  - {type: conv, kernel_size: 3, filters: $c}\n",
            "$parameters exist only inside blocks",
        ),
        (
            "blocks:\n  b: {params: {c: null}, layers: [{type: pw, filters: $c}]}\n"
            "layers:\n  - {type: b}\n",
            "block 'b' needs c (no default)",
        ),
        (
            "blocks:\n  b: {params: {c: 4}, layers: [{type: pw, filters: $c}]}\n"
            "layers:\n  - {type: b, cc: 3}\n",
            "block 'b' has no parameter 'cc' (its parameters: c); did you mean 'c'?",
        ),
        (
            "blocks:\n  b: {params: {c: 4}, layers: [{type: pw, filters: $c * 0}]}\n"
            "layers:\n  - {type: b}\n",
            "filters: 0 is not allowed: must be a positive integer",
        ),
        (
            "blocks:\n  b: {params: {c: 4}, layers: [{type: pw, filters: $d}]}\nlayers:\n  - {type: b}\n",
            "$d is not a parameter of this block (its parameters: $c)",
        ),
        (
            "blocks:\n  b: {layers: [{type: b}]}\nlayers:\n  - {type: b}\n",
            "block 'b' uses itself (b → b)",
        ),
        (
            "blocks:\n  conv: {layers: [{type: pw, filters: 3}]}\nlayers:\n  - {type: conv}\n",
            "'conv' is a layer type",
        ),
        (
            "layers:\n  - {type: conv, kernel_size: 3, filters: 4, padding: 1, optional: true}\n",
            "optional: true is for 1×1 convs without padding",
        ),
        (
            "layers:\n  - {type: pw, filters: 3}\n  - {type: split, parts: 2}\n",
            "cannot split 3 channels into 2 equal parts",
        ),
        (
            "layers:\n  - {type: pw, name: a, filters: 4}\n  - {type: pw, name: a, filters: 4}\n"
            "  - {type: pw, from: a, filters: 4}\n",
            "from: 'a' names more than one layer",
        ),
    ],
)
def test_graph_mistakes_are_one_located_line(run: Run, body: str, needle: str) -> None:
    lines = run.bad("model", "-", input=HEAD + body)
    assert any(needle in line for line in lines), lines


def test_block_errors_name_the_yaml_line(run: Run) -> None:
    text = (
        HEAD + "blocks:\n  b:\n    params: {c: 4}\n    layers:\n"
        "      - {type: pw, filters: $c - 4}\n"
        "layers:\n  - {type: b}\n"
    )
    (line,) = run.bad("model", "-", input=text)
    assert line.startswith("<stdin>, line 7: layers[0] (b1/pw1): filters: 0 is not allowed"), line


def test_expansion_is_capped(run: Run) -> None:
    """A block of 1000 layers used 1000 times: refused at the cap, before the layers are built."""
    text = (
        HEAD + "blocks:\n  b:\n    layers:\n      - {type: act, kind: relu, repeat: 1000}\n"
        "layers:\n  - {type: b, repeat: 1000}\n"
    )
    (line,) = run.bad("model", "-", input=text)
    assert f"at most {MAX_NODES:,} layers" in line


def test_a_conv_padding_default_never_pads_a_pool(run: Run) -> None:
    """The issue's trap: `defaults: {padding: 1}` once padded VGG's pools too (16.26 G)."""
    pool = "  - {type: pool, kind: max, kernel_size: 2}\n"
    text = "name: v\ninput: {size: 224, channels: 3}\ndefaults: {kernel_size: 3, padding: 1}\n"
    text += "layers:\n"
    for filters, repeat in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        text += f"  - {{type: conv, filters: {filters}, repeat: {repeat}}}\n" + pool
    text += "  - {type: pool, output: 7}\n  - {type: fc, units: 4096}\n" * 1
    text += "  - {type: fc, units: 4096}\n  - {type: fc}\n"
    data = run.json("model", "-", input=text)
    assert data["total"]["macs"] == 15_470_264_320
    assert [r["output"][0] for r in data["layers"] if r["type"] == "pool"] == [
        112,
        56,
        28,
        14,
        7,
        7,
    ]


def test_peak_activations_keep_each_tensor_until_its_last_reader(run: Run) -> None:
    """Two branches from the input, concatenated, then a 1×1 conv; 8×8, float32, by hand:
    row 0 (a): input 256 + a 512; row 1 (b): input 256 + a 512 (waiting for the concat) + b 512;
    row 2 (cat): a 512 + b 512 + cat 1024 = 2048 values, the peak; row 3: cat 1024 + c 256."""
    text = (
        "name: dag\ninput: {size: 8, channels: 4}\nlayers:\n"
        "  - {type: pw, name: a, filters: 8}\n"
        "  - {type: pw, name: b, from: input, filters: 8}\n"
        "  - {type: concat, name: cat, from: [a, b]}\n"
        "  - {type: pw, name: c, filters: 4}\n"
    )
    data = run.json("model", "-", "--memory", input=text)
    assert data["memory"]["peak_activation"] == {"bytes": 2048 * 4, "layer": "cat", "index": 2}
    cat = data["layers"][2]
    assert cat["inputs"] == ["a", "b"]
    assert cat["memory"]["total_bytes"] == (512 + 512 + 1024) * 4  # reads both, writes one
