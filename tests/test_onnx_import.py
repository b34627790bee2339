"""The ONNX reader: model files → graph-format specs. The model zoo's light graphs (shipped in the
onnx wheel) must give torchvision's published counts; small graphs built here with onnx.helper
pin down each op's mapping. Until the graph engine lands, tests/spec_walk.py (an independent
reading of docs/graph-format.md) costs the specs, and an independent count straight from each
ONNX graph's shapes and weights checks the published figures themselves."""

from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from convcost.errors import MissingExtraError, SpecError  # noqa: E402
from convcost.onnx_import import Imported, import_onnx  # noqa: E402
from tests.spec_walk import walk  # noqa: E402

LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
FLOAT = TensorProto.FLOAT


def light(name: str) -> Path:
    return LIGHT / f"light_{name}.onnx"


# --- an independent count from the ONNX graph itself -------------------------------------------


def onnx_counts(path: Path) -> tuple[int, int]:
    """Mult-adds and params under torchvision's convention, straight from the file: conv
    kh·kw·(Cin/g)·Cout·Hout·Wout, Gemm in·out; params = weights + biases + BatchNorm scale and
    bias (2 per channel; mean and variance are buffers). Weight shapes from initializers or from
    the shape a ConstantOfShape node is given; output sizes from onnx's shape inference."""
    model = onnx.shape_inference.infer_shapes(onnx.load(str(path)))
    graph = model.graph
    dims: dict[str, list[int]] = {t.name: list(t.dims) for t in graph.initializer}
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer if len(t.dims) <= 1}
    for node in graph.node:
        if node.op_type == "ConstantOfShape":
            dims[node.output[0]] = [int(v) for v in values[node.input[0]]]
    for info in [*graph.value_info, *graph.output]:
        dims.setdefault(info.name, [d.dim_value for d in info.type.tensor_type.shape.dim])
    macs = params = 0
    for node in graph.node:
        if node.op_type in ("Conv", "Gemm"):
            weight = math.prod(dims[node.input[1]])
            area = math.prod(dims[node.output[0]][2:]) if node.op_type == "Conv" else 1
            macs += weight * area
            params += weight + sum(math.prod(dims[b]) for b in node.input[2:3])
        elif node.op_type == "BatchNormalization":
            params += 2 * math.prod(dims[node.input[1]])
    return macs, params


PUBLISHED = {
    # torchvision resnet50, squeezenet1_1, vgg19 and densenet121 (shared/reference.md, issue 10)
    "resnet50": (4_089_184_256, 25_557_032),
    "squeezenet": (349_151_936, 1_235_496),
    "vgg19": (19_632_062_464, 143_667_240),
    "densenet121": (2_834_161_664, 7_978_856),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_the_light_graphs_hold_torchvisions_counts(name: str) -> None:
    assert onnx_counts(light(name)) == PUBLISHED[name]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_the_imported_spec_costs_the_published_figures(name: str) -> None:
    macs, params, shapes = walk(import_onnx(light(name)).spec)
    assert (macs, params) == PUBLISHED[name]
    assert list(shapes.values())[-1][2] == 1000


@pytest.mark.parametrize(
    "name", ["bvlc_alexnet", "zfnet512", "inception_v1", "inception_v2", "shufflenet"]
)
def test_the_other_light_graphs_cost_what_their_graph_says(name: str) -> None:
    assert walk(import_onnx(light(name)).spec)[:2] == onnx_counts(light(name))


def test_every_conv_has_the_shape_onnx_infers() -> None:
    """Layer by layer: each conv's filters and output side in the spec are the ONNX graph's."""
    model = onnx.shape_inference.infer_shapes(onnx.load(str(light("resnet50"))))
    inferred = {
        v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in model.graph.value_info
    }
    expected = [
        (inferred[n.output[0]][2], inferred[n.output[0]][3], inferred[n.output[0]][1])
        for n in model.graph.node
        if n.op_type == "Conv"
    ]
    spec = import_onnx(light("resnet50")).spec
    shapes = walk(spec)[2]
    convs = [shapes[layer["name"]] for layer in spec["layers"] if layer["type"] in ("conv", "pw")]
    assert convs == expected


def test_resnet50_structure() -> None:
    result = import_onnx(light("resnet50"))
    spec, layers = result.spec, result.spec["layers"]
    assert spec["input"] == {"size": 224, "channels": 3} and spec["classes"] == 1000
    types = Counter(layer["type"] for layer in layers)
    assert types == {"pw": 33, "conv": 20, "add": 16, "pool": 2, "fc": 1}
    convs = [layer for layer in layers if layer["type"] in ("conv", "pw")]
    assert all(c["bn"] is True and c["bias"] is False for c in convs)
    assert Counter(c["act"] for c in convs) == {"relu": 33, "none": 20}
    assert all(a["act"] == "relu" and len(a["from"]) == 2 for a in layers if a["type"] == "add")
    # the Softmax over the classes is the fc's activation: every op of the file is costed
    assert layers[-1] == {
        "type": "fc",
        "name": "pred",
        "units": 1000,
        "bias": True,
        "act": "softmax",
    }
    assert [layer for layer in layers if layer["type"] == "pool"][-1]["global"] is True
    assert result.uncosted == ()


def test_densenet121_reads_bn_with_caffe_scale_as_one_batchnorm() -> None:
    result = import_onnx(light("densenet121"))
    layers = result.spec["layers"]
    folded = sum(1 for layer in layers if layer.get("bn") is True)
    standalone = sum(1 for layer in layers if layer["type"] == "bn")
    assert (folded, standalone) == (59, 62)  # 121 BatchNorms: after conv0 and each 1×1, else before
    assert all(layer["act"] == "relu" for layer in layers if layer["type"] == "bn")
    assert Counter(layer["type"] for layer in layers)["concat"] == 58
    assert any("Caffe's Scale" in note and "×121" in note for note in result.notes)
    assert result.uncosted == ()


def test_vgg19_and_squeezenet_structure() -> None:
    vgg = import_onnx(light("vgg19")).spec["layers"]
    assert [c["act"] for c in vgg if c["type"] == "conv"] == ["relu"] * 16
    assert all(c["bias"] and not c["bn"] and c["padding"] == 1 for c in vgg if c["type"] == "conv")
    assert [(f["units"], f["act"]) for f in vgg if f["type"] == "fc"] == [
        (4096, "relu"),
        (4096, "relu"),
        (1000, "softmax"),  # the Softmax over the classes is the fc's activation
    ]
    squeeze = import_onnx(light("squeezenet")).spec["layers"]
    assert Counter(layer["type"] for layer in squeeze) == {
        "pw": 17,
        "conv": 9,
        "concat": 8,
        "pool": 4,
        "act": 1,  # the Softmax over the classes, after the global pool
    }
    assert all(c["bias"] and c["act"] == "relu" for c in squeeze if c["type"] in ("conv", "pw"))


def test_lrn_is_listed_with_the_elements_it_produces() -> None:
    model = onnx.shape_inference.infer_shapes(onnx.load(str(light("bvlc_alexnet"))))
    shapes = {
        v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in model.graph.value_info
    }
    lrn = [math.prod(shapes[n.output[0]]) for n in model.graph.node if n.op_type == "LRN"]
    result = import_onnx(light("bvlc_alexnet"))
    tally = {u.op: (u.count, u.elements) for u in result.uncosted}
    assert tally == {"LRN": (2, sum(lrn))}  # Softmax is an activation of the format
    others = [layer for layer in result.spec["layers"] if layer["type"] == "other"]
    assert [o["op"] for o in others] == ["LRN", "LRN"]
    assert "Not costed (type: other, counted as 0): LRN ×2" in result.to_yaml()


def test_shufflenet_v1_shuffles_and_depthwise() -> None:
    layers = import_onnx(light("shufflenet")).spec["layers"]
    types = Counter(layer["type"] for layer in layers)
    assert types["shuffle"] == 16 and types["dw"] == 16
    assert {layer["groups"] for layer in layers if layer["type"] == "shuffle"} == {4}


# --- YAML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(p.stem.removeprefix("light_") for p in LIGHT.glob("light_*.onnx"))
)
def test_yaml_loads_back_to_the_same_spec(name: str) -> None:
    import yaml

    result = import_onnx(light(name))
    text = result.to_yaml()
    assert yaml.safe_load(text) == result.spec
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert sum(1 for line in body if line.startswith("  - {")) == len(result.spec["layers"])
    assert text.startswith(f"# Imported from light_{name}.onnx")


def test_yaml_quotes_what_would_read_as_something_else() -> None:
    import yaml

    from convcost.spec_yaml import spec_to_yaml

    awkward = [
        "yes",
        "No",
        "null",
        "1e3",
        "0x1F",
        "12",
        "a: b",
        "#x",
        "- x",
        "on",
        "1_000",
        "é",
        "a b",
        "~",
        "",
    ]
    spec = {"name": "x", "layers": [{"type": "other", "name": n, "op": n} for n in awkward]}
    assert yaml.safe_load(spec_to_yaml(spec, header=["two\nlines"])) == spec


# --- small graphs built here ----------------------------------------------------------------------


def weight(name: str, *dims: int) -> TensorProto:
    return numpy_helper.from_array(_np().full(dims, 0.01, dtype="float32"), name)


def _np() -> Any:
    import numpy

    return numpy


def save(
    tmp_path: Path,
    nodes: list[Any],
    inits: list[TensorProto],
    shape: list[int | str] | None = None,
    opset: int = 17,
    name: str = "m.onnx",
    output: str = "y",
) -> Path:
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", FLOAT, shape or [1, 8, 16, 16])],
        [helper.make_tensor_value_info(output, FLOAT, None)],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    path = tmp_path / name
    onnx.save(model, str(path))
    return path


def conv(x: str, w: str, y: str, b: str | None = None, **attrs: Any) -> Any:
    return helper.make_node("Conv", [x, w] + ([b] if b else []), [y], name=y, **attrs)


def bn(x: str, y: str, c: int, prefix: str) -> tuple[Any, list[TensorProto]]:
    names = [f"{prefix}.{k}" for k in ("scale", "bias", "mean", "var")]
    return helper.make_node("BatchNormalization", [x, *names], [y]), [weight(n, c) for n in names]


def layers_of(path: Path, **kwargs: Any) -> list[dict[str, Any]]:
    return import_onnx(path, **kwargs).spec["layers"]  # type: ignore[no-any-return]


def strip(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in layer.items() if k != "name"} for layer in layers]


def test_separable_block_with_relu6_from_constant_inputs(tmp_path: Path) -> None:
    """conv 3×3 s2 → BN → Clip(0, 6) → depthwise 3×3 → BN → Relu → pointwise → BN."""
    bn1, p1 = bn("c1", "b1", 16, "bn1")
    bn2, p2 = bn("c2", "b2", 16, "bn2")
    bn3, p3 = bn("c3", "y", 32, "bn3")
    nodes = [
        conv("x", "w1", "c1", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        bn1,
        helper.make_node("Clip", ["b1", "zero", "six"], ["r1"]),
        conv("r1", "w2", "c2", kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=16),
        bn2,
        helper.make_node("Relu", ["b2"], ["r2"]),
        conv("r2", "w3", "c3"),
        bn3,
    ]
    inits = [weight("w1", 16, 8, 3, 3), weight("w2", 16, 1, 3, 3), weight("w3", 32, 16, 1, 1)]
    inits += [*p1, *p2, *p3]
    inits += [
        numpy_helper.from_array(_np().array(v, dtype="float32"), n)
        for n, v in (("zero", 0), ("six", 6))
    ]
    spec = import_onnx(save(tmp_path, nodes, inits)).spec
    assert strip(spec["layers"]) == [
        {
            "type": "conv",
            "kernel_size": 3,
            "filters": 16,
            "stride": 2,
            "padding": 1,
            "bias": False,
            "bn": True,
            "act": "relu6",
        },
        {
            "type": "dw",
            "kernel_size": 3,
            "stride": 1,
            "padding": 1,
            "bias": False,
            "bn": True,
            "act": "relu",
        },
        {"type": "pw", "filters": 32, "bias": False, "bn": True, "act": "none"},
    ]
    macs, params, _ = walk(spec)
    assert macs == 3 * 3 * 8 * 16 * 8 * 8 + 3 * 3 * 16 * 8 * 8 + 16 * 32 * 8 * 8
    assert params == 3 * 3 * 8 * 16 + 3 * 3 * 16 + 16 * 32 + 2 * (16 + 16 + 32)


def test_clip_bounds_as_attributes_in_old_opsets(tmp_path: Path) -> None:
    nodes = [conv("x", "w", "c"), helper.make_node("Clip", ["c"], ["y"], min=0.0, max=6.0)]
    layers = layers_of(save(tmp_path, nodes, [weight("w", 8, 8, 1, 1)], opset=9))
    assert layers[0]["act"] == "relu6" and len(layers) == 1


def test_grouped_conv_asymmetric_and_same_padding(tmp_path: Path) -> None:
    nodes = [
        conv("x", "w1", "a", kernel_shape=[1, 1], group=4),
        conv("a", "w2", "b", kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER"),
        conv("b", "w3", "y", kernel_shape=[3, 1], pads=[0, 0, 1, 0]),
    ]
    inits = [weight("w1", 16, 2, 1, 1), weight("w2", 16, 16, 3, 3), weight("w3", 4, 16, 3, 1)]
    layers = strip(layers_of(save(tmp_path, nodes, inits)))
    assert layers[0] == {
        "type": "conv",
        "kernel_size": 1,
        "filters": 16,
        "stride": 1,
        "padding": 0,
        "groups": 4,
        "bias": False,
        "bn": False,
        "act": "none",
    }
    assert layers[1]["padding"] == [
        0,
        0,
        1,
        1,
    ]  # SAME_UPPER on 16 with stride 2: the odd pixel after
    assert layers[2]["kernel_size"] == [3, 1] and layers[2]["padding"] == [0, 0, 1, 0]
    macs, _, shapes = walk({"input": {"size": 16, "channels": 8}, "layers": layers_named(layers)})
    assert list(shapes.values())[1:] == [(16, 16, 16), (8, 8, 16), (7, 8, 4)]
    assert macs == 2 * 16 * 256 + 9 * 16 * 16 * 64 + 3 * 16 * 4 * 56


def layers_named(layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**layer, "name": f"l{k}"} for k, layer in enumerate(layers)]


def se_block(
    x: str, y: str, c: int, squeeze: int, gate: list[Any], gate_out: str
) -> tuple[list[Any], list[TensorProto]]:
    nodes = [
        helper.make_node("GlobalAveragePool", [x], [f"{y}.p"]),
        conv(f"{y}.p", f"{y}.w1", f"{y}.c1", f"{y}.b1"),
        helper.make_node("Relu", [f"{y}.c1"], [f"{y}.r"]),
        conv(f"{y}.r", f"{y}.w2", f"{y}.c2", f"{y}.b2"),
        *gate,
        helper.make_node("Mul", [x, gate_out], [y]),
    ]
    inits = [
        weight(f"{y}.w1", squeeze, c, 1, 1),
        weight(f"{y}.b1", squeeze),
        weight(f"{y}.w2", c, squeeze, 1, 1),
        weight(f"{y}.b2", c),
    ]
    return nodes, inits


def scalar(name: str, value: float) -> TensorProto:
    return numpy_helper.from_array(_np().array(value, dtype="float32"), name)


def test_mobilenet_v3_pieces_hardswish_written_out_and_se(tmp_path: Path) -> None:
    """conv → hardswish as x·relu6(x+3)/6 → SE with a hardsigmoid gate → pw → hardswish as
    x·(relu6(x+3)/6) → swish as x·sigmoid(x)."""
    consts = [scalar("three", 3), scalar("zero", 0), scalar("six", 6)]
    hardswish_1 = [
        helper.make_node("Add", ["c", "three"], ["h.a"]),
        helper.make_node("Clip", ["h.a", "zero", "six"], ["h.c"]),
        helper.make_node("Mul", ["c", "h.c"], ["h.m"]),
        helper.make_node("Div", ["h.m", "six"], ["h"]),
    ]
    gate = [helper.make_node("HardSigmoid", ["se.c2"], ["se.g"], alpha=1 / 6, beta=0.5)]
    se_nodes, se_inits = se_block("h", "se", 16, 8, gate, "se.g")
    hardswish_2 = [
        helper.make_node("Add", ["pw", "three"], ["k.a"]),
        helper.make_node("Clip", ["k.a", "zero", "six"], ["k.c"]),
        helper.make_node("Div", ["k.c", "six"], ["k.d"]),
        helper.make_node("Mul", ["pw", "k.d"], ["k"]),
    ]
    swish = [helper.make_node("Sigmoid", ["k"], ["s"]), helper.make_node("Mul", ["k", "s"], ["y"])]
    nodes = [
        conv("x", "w0", "c", "b0", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        *hardswish_1,
        *se_nodes,
        conv("se", "w3", "pw"),
        *hardswish_2,
        *swish,
    ]
    inits = [
        weight("w0", 16, 8, 3, 3),
        weight("b0", 16),
        *se_inits,
        weight("w3", 24, 16, 1, 1),
        *consts,
    ]
    result = import_onnx(save(tmp_path, nodes, inits))
    layers = result.spec["layers"]
    assert [(layer["type"], layer.get("act"), layer.get("from")) for layer in layers] == [
        ("conv", "hardswish", None),
        ("pool", None, None),
        ("pw", "relu", None),
        ("pw", "hardsigmoid", None),
        ("mul", None, [layers[0]["name"], layers[3]["name"]]),
        ("pw", "hardswish", None),
        ("act", None, None),
    ]
    assert layers[1] == {"type": "pool", "name": layers[1]["name"], "kind": "avg", "global": True}
    assert layers[2]["bias"] and layers[3]["bias"] and not layers[5]["bias"]
    assert layers[6]["kind"] == "swish"  # the pw already has its activation
    assert result.uncosted == ()
    macs, params, _ = walk(result.spec)
    assert macs == 9 * 8 * 16 * 256 + 16 * 8 + 8 * 16 + 16 * 24 * 256
    assert params == 9 * 8 * 16 + 16 + (16 * 8 + 8) + (8 * 16 + 16) + 16 * 24


def test_an_activation_whose_input_is_read_twice_stands_alone(tmp_path: Path) -> None:
    nodes = [
        conv("x", "w", "c"),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("Add", ["c", "r"], ["y"]),
    ]
    layers = layers_of(save(tmp_path, nodes, [weight("w", 8, 8, 1, 1)]))
    assert [(layer["type"], layer.get("act")) for layer in layers] == [
        ("pw", "none"),
        ("act", None),
        ("add", "none"),
    ]
    assert layers[2]["from"] == [layers[0]["name"], layers[1]["name"]]


def test_concat_split_and_channel_slices(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Split", ["x", "halves"], ["a", "b"], axis=1),
        conv("b", "w", "c"),
        helper.make_node("Concat", ["a", "c"], ["d"], axis=1),
        helper.make_node("Slice", ["d", "start", "end", "axis"], ["e"]),
        helper.make_node("Split", ["e", "uneven"], ["f", "g"], axis=1),
        helper.make_node("Concat", ["f", "g"], ["y"], axis=1),
    ]
    np = _np()
    ints = {"halves": [4, 4], "start": [4], "end": [8], "axis": [1], "uneven": [1, 3]}
    inits = [weight("w", 4, 4, 1, 1)] + [
        numpy_helper.from_array(np.array(v, dtype="int64"), n) for n, v in ints.items()
    ]
    result = import_onnx(save(tmp_path, nodes, inits))
    layers = result.spec["layers"]
    assert [(layer["type"], layer.get("parts"), layer.get("index")) for layer in layers] == [
        ("split", 2, 0),
        ("split", 2, 1),
        ("pw", None, None),
        ("concat", None, None),
        ("split", 2, 1),
        ("other", None, None),
        ("other", None, None),
        ("concat", None, None),
    ]
    assert layers[1]["from"] == "input" and layers[3]["from"] == [
        layers[0]["name"],
        layers[2]["name"],
    ]
    assert [layer.get("output") for layer in layers[5:7]] == [[16, 16, 1], [16, 16, 3]]
    assert result.uncosted[0].op == "Split" and result.uncosted[0].elements == 16 * 16 * 4
    assert any("unequal" in note for note in result.notes)
    assert walk(result.spec)[2][layers[-1]["name"]] == (16, 16, 4)


def test_reshape_transpose_reshape_is_a_channel_shuffle(tmp_path: Path) -> None:
    np = _np()
    nodes = [
        conv("x", "w", "c"),
        helper.make_node("Reshape", ["c", "five"], ["r"]),
        helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 1, 3, 4]),
        helper.make_node("Reshape", ["t", "four"], ["y"]),
    ]
    inits = [
        weight("w", 12, 8, 1, 1),
        numpy_helper.from_array(np.array([1, 3, 4, 16, 16], dtype="int64"), "five"),
        numpy_helper.from_array(np.array([1, -1, 16, 16], dtype="int64"), "four"),
    ]
    layers = layers_of(save(tmp_path, nodes, inits))
    assert strip(layers)[1] == {"type": "shuffle", "groups": 3}


def test_a_dynamic_batch_is_pinned_and_reshape_chains_are_folded(tmp_path: Path) -> None:
    """Input [N, 3, H, W]; Flatten written as Shape → Gather → Unsqueeze → Concat → Reshape, as
    torch exports it with a dynamic batch."""
    np = _np()
    nodes = [
        conv("x", "w", "c", "b", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["p"]),
        helper.make_node("Shape", ["p"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", ["p", "target"], ["f"]),
        helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["y"], transB=1),
    ]
    ints = {
        "zero": np.array(0, dtype="int64"),
        "axes": np.array([0], dtype="int64"),
        "minus_one": np.array([-1], dtype="int64"),
    }
    inits = [weight("w", 16, 3, 3, 3), weight("b", 16), weight("fc.w", 10, 16), weight("fc.b", 10)]
    inits += [numpy_helper.from_array(v, n) for n, v in ints.items()]
    path = save(tmp_path, nodes, inits, shape=["N", 3, "H", "W"])
    with pytest.raises(SpecError) as error:
        import_onnx(path)
    assert str(error.value) == (
        f"{path}: input 'x' [N, 3, H, W] has dynamic dimensions (H, W); "
        "pin them with the input shape (e.g. 1x3x224x224)"
    )
    result = import_onnx(path, input_shape=(32, 32))
    assert strip(result.spec["layers"]) == [
        {
            "type": "conv",
            "kernel_size": 3,
            "filters": 16,
            "stride": 2,
            "padding": 1,
            "bias": True,
            "bn": False,
            "act": "relu",
        },
        {"type": "pool", "kind": "avg", "global": True},
        {"type": "fc", "units": 10, "bias": True, "act": "none"},
    ]
    assert result.spec["input"] == {"size": 32, "channels": 3} and result.spec["classes"] == 10
    assert "input batch dimension 'N' pinned to 1" in result.notes
    batch8 = import_onnx(path, input_shape=(8, 3, 32, 48))
    assert batch8.spec["input"] == {"size": [32, 48], "channels": 3}
    assert "batch 8: the spec is per image" in batch8.notes
    assert walk(batch8.spec)[:2] == (27 * 16 * 16 * 24 + 160, 27 * 16 + 16 + 170)


def test_a_fixed_batch_above_one_is_reported_per_image(tmp_path: Path) -> None:
    nodes = [
        conv("x", "w", "c"),
        helper.make_node("Flatten", ["c"], ["f"]),
        helper.make_node("MatMul", ["f", "m"], ["mm"]),
        helper.make_node("Add", ["mm", "mb"], ["y"]),
    ]
    inits = [weight("w", 2, 8, 1, 1), weight("m", 2 * 4 * 4, 5), weight("mb", 5)]
    result = import_onnx(save(tmp_path, nodes, inits, shape=[4, 8, 4, 4]))
    assert strip(result.spec["layers"]) == [
        {"type": "pw", "filters": 2, "bias": False, "bn": False, "act": "none"},
        {"type": "fc", "units": 5, "bias": True, "act": "none"},
    ]
    assert walk(result.spec)[:2] == (8 * 2 * 16 + 32 * 5, 16 + 32 * 5 + 5)


def test_weights_in_constant_and_constant_of_shape_nodes(tmp_path: Path) -> None:
    np = _np()
    nodes = [
        helper.make_node(
            "Constant", [], ["w1"], value=numpy_helper.from_array(np.ones((16, 8, 3, 3), "float32"))
        ),
        helper.make_node("Constant", [], ["shape"], value_ints=[32, 16, 1, 1]),
        helper.make_node(
            "ConstantOfShape",
            ["shape"],
            ["w2"],
            value=numpy_helper.from_array(np.array([0.02], "float32")),
        ),
        helper.make_node("Constant", [], ["b2"], value_floats=[0.0] * 32),
        conv("x", "w1", "c", kernel_shape=[3, 3]),
        conv("c", "w2", "y", "b2"),
    ]
    result = import_onnx(save(tmp_path, nodes, []))
    assert strip(result.spec["layers"]) == [
        {
            "type": "conv",
            "kernel_size": 3,
            "filters": 16,
            "stride": 1,
            "padding": 0,
            "bias": False,
            "bn": False,
            "act": "none",
        },
        {"type": "pw", "filters": 32, "bias": True, "bn": False, "act": "none"},
    ]
    assert walk(result.spec)[1] == 16 * 8 * 9 + 32 * 16 + 32
    assert result.uncosted == ()


def test_shared_weights_are_counted_once(tmp_path: Path) -> None:
    nodes = [
        conv("x", "w", "a", "b", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["r"]),
        helper.make_node("Identity", ["w"], ["w_again"]),
        conv("r", "w_again", "y", "b", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    ]
    result = import_onnx(save(tmp_path, nodes, [weight("w", 8, 8, 3, 3), weight("b", 8)]))
    first, second = result.spec["layers"]
    assert "shares" not in first and second["shares"] == first["name"]
    macs, params, _ = walk(result.spec)
    assert (macs, params) == (2 * 9 * 64 * 256, 9 * 64 + 8)
    assert any("counted once" in note for note in result.notes)


def test_ops_convcost_does_not_cost_are_other_layers_with_their_shapes(tmp_path: Path) -> None:
    np = _np()
    nodes = [
        helper.make_node("Resize", ["x", "", "scales"], ["up"], mode="nearest"),
        conv("up", "w", "c"),
        helper.make_node("PRelu", ["c", "slope"], ["p"]),
        helper.make_node("Softmax", ["p"], ["y"], axis=1),
    ]
    inits = [
        numpy_helper.from_array(np.array([1, 1, 2, 2], dtype="float32"), "scales"),
        weight("w", 4, 8, 1, 1),
        weight("slope", 4, 1, 1),
    ]
    result = import_onnx(save(tmp_path, nodes, inits))
    layers = strip(result.spec["layers"])
    assert layers[0] == {"type": "other", "op": "Resize", "output": [32, 32, 8]}
    assert layers[2] == {"type": "other", "op": "PRelu", "params": 4}
    assert layers[3] == {"type": "act", "kind": "softmax"}  # over the channels: an activation
    tally = {u.op: (u.count, u.elements) for u in result.uncosted}
    assert tally == {"Resize": (1, 32 * 32 * 8), "PRelu": (1, 32 * 32 * 4)}
    assert walk(result.spec)[:2] == (8 * 4 * 32 * 32, 8 * 4 + 4)


def test_a_zero_pad_before_a_conv_is_its_padding(tmp_path: Path) -> None:
    np = _np()
    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["p"]),
        conv("p", "w", "y", kernel_shape=[3, 3], strides=[2, 2]),
    ]
    inits = [
        numpy_helper.from_array(np.array([0, 0, 0, 0, 0, 0, 1, 1], dtype="int64"), "pads"),
        weight("w", 8, 8, 3, 3),
    ]
    layers = strip(layers_of(save(tmp_path, nodes, inits)))
    assert layers == [
        {
            "type": "conv",
            "kernel_size": 3,
            "filters": 8,
            "stride": 2,
            "padding": [0, 0, 1, 1],
            "bias": False,
            "bn": False,
            "act": "none",
        }
    ]


def test_pools_keep_onnx_strides_pads_and_ceil_mode(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("MaxPool", ["x"], ["a"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        helper.make_node("AveragePool", ["a"], ["b"], kernel_shape=[2, 2], pads=[0, 0, 1, 1]),
        helper.make_node("ReduceMean", ["b", "axes"], ["y"], keepdims=1),
    ]
    axes = numpy_helper.from_array(_np().array([2, 3], dtype="int64"), "axes")
    spec = import_onnx(save(tmp_path, nodes, [axes], shape=[1, 8, 15, 15], opset=18)).spec
    assert strip(spec["layers"]) == [
        {
            "type": "pool",
            "kind": "max",
            "kernel_size": 3,
            "stride": 2,
            "padding": 0,
            "ceil_mode": True,
        },
        {"type": "pool", "kind": "avg", "kernel_size": 2, "stride": 1, "padding": [0, 0, 1, 1]},
        {"type": "pool", "kind": "avg", "global": True},
    ]
    assert list(walk(spec)[2].values())[1:3] == [(7, 7, 8), (7, 7, 8)]


def test_layer_names_come_from_the_exporters_scopes(tmp_path: Path) -> None:
    nodes = [
        helper.make_node(
            "Conv",
            ["x", "features.0.0.weight"],
            ["a"],
            name="/features/features.0/features.0.0/Conv",
        ),
        helper.make_node("Relu", ["a"], ["b"], name="/features/features.0/features.0.2/Relu"),
        helper.make_node("Conv", ["b", "w"], ["c"], name="Conv_7"),
        helper.make_node("Add", ["c", "b"], ["y"], name="/features/Add"),
    ]
    layers = layers_of(
        save(tmp_path, nodes, [weight("features.0.0.weight", 8, 8, 1, 1), weight("w", 8, 8, 1, 1)])
    )
    assert [layer["name"] for layer in layers] == ["features.0.0", "w", "features"]


# --- files that are not models ----------------------------------------------------------------


def refused(path: Path, **kwargs: Any) -> str:
    with pytest.raises(SpecError) as error:
        import_onnx(path, **kwargs)
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"{path}: ") and "; " in message
    return message.removeprefix(f"{path}: ")


def test_files_that_are_not_onnx_models(tmp_path: Path) -> None:
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    assert refused(empty) == "is empty; expected an ONNX model (a serialized ModelProto)"
    text = tmp_path / "spec.onnx"
    text.write_text("name: not a model\nlayers: []\n")
    assert refused(text).startswith("is not an ONNX model")
    noise = tmp_path / "noise.onnx"
    noise.write_bytes(bytes(range(256)) * 8)
    assert refused(noise).startswith("is not an ONNX model")
    assert refused(tmp_path / "absent.onnx") == "no such file; give the path of an .onnx model"
    assert refused(tmp_path) == "is a directory; give the path of an .onnx model file"


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_file_is_one_line(tmp_path: Path, fraction: float) -> None:
    data = light("resnet50").read_bytes()
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(data[: int(len(data) * fraction)])
    message = refused(cut)
    assert "truncated" in message


def test_missing_external_data(tmp_path: Path) -> None:
    from onnx.external_data_helper import convert_model_to_external_data

    nodes = [conv("x", "w", "y")]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", FLOAT, [1, 64, 8, 8])],
        [helper.make_tensor_value_info("y", FLOAT, None)],
        [weight("w", 64, 64, 1, 1)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    convert_model_to_external_data(model, location="m.data", size_threshold=0)
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    assert layers_of(path)[0]["filters"] == 64
    (tmp_path / "m.data").write_bytes(b"short")
    assert "ends before the weights 'w' (truncated)" in refused(path)
    (tmp_path / "m.data").unlink()
    assert refused(path) == (
        "the weights 'w' are in the external file 'm.data', which is missing; "
        "keep the external data files beside the .onnx file, as it was saved"
    )


@pytest.mark.parametrize("opset", [5, 99])
def test_an_opset_convcost_does_not_know(tmp_path: Path, opset: int) -> None:
    path = save(tmp_path, [conv("x", "w", "y")], [weight("w", 8, 8, 1, 1)], opset=opset)
    newest = onnx.defs.onnx_opset_version()
    assert refused(path) == (
        f"uses opset {opset}, which convcost does not know; "
        f"convcost reads opsets 7 to {newest} of the default domain (ai.onnx)"
    )


def test_inputs_convcost_cannot_read(tmp_path: Path) -> None:
    path = save(tmp_path, [conv("x", "w", "y")], [weight("w", 8, 8, 1, 1)], shape=[1, 8, 4, 4, 4])
    assert "has shape [1, 8, 4, 4, 4]" in refused(path)
    good = save(tmp_path, [conv("x", "w", "y")], [weight("w", 8, 8, 1, 1)], name="good.onnx")
    assert refused(good, input_shape=(1, 3, 8, 8)).startswith("the input shape has 3 channels")
    assert refused(good, input_shape=(1, 8, 8)).startswith("the input shape [1, 8, 8] does not fit")


def test_without_onnx_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(MissingExtraError) as error:
        import_onnx(light("resnet50"))
    assert 'pip install -e ".[onnx]"' in str(error.value)


def test_imported_is_plain_data() -> None:
    result = import_onnx(light("squeezenet"))
    assert isinstance(result, Imported)
    assert result.source == "light_squeezenet.onnx"
    assert (
        result.spec["description"] == "imported from light_squeezenet.onnx (onnx-caffe2, opset 9)"
    )


def test_an_nhwc_input_read_through_its_transpose(tmp_path: Path) -> None:
    """tf2onnx's exports: N×H×W×C in, a Transpose to N×C×H×W first."""
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], perm=[0, 3, 1, 2]),
        conv("t", "w", "y", kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER"),
    ]
    path = save(tmp_path, nodes, [weight("w", 8, 3, 3, 3)], shape=["N", "H", "W", 3])
    result = import_onnx(path, input_shape=(64, 48))
    assert result.spec["input"] == {"size": [64, 48], "channels": 3}
    assert strip(result.spec["layers"]) == [
        {
            "type": "conv",
            "kernel_size": 3,
            "filters": 8,
            "stride": 2,
            "padding": [0, 0, 1, 1],
            "bias": False,
            "bn": False,
            "act": "none",
        }
    ]
    assert "the input is N×H×W×C: read through its Transpose to N×C×H×W" in result.notes


def test_fc_forms_gemm_matmul_and_a_bias_add(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("GlobalAveragePool", ["x"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "w1"], ["a"]),  # transB=0: weights are (in, out)
        helper.make_node("Relu", ["a"], ["r"]),
        helper.make_node("BatchNormalization", ["r", "s", "b", "m", "v"], ["n"]),
        helper.make_node("MatMul", ["n", "w2"], ["mm"]),
        helper.make_node("Add", ["mm", "b2"], ["g"]),
        helper.make_node("Gemm", ["g", "w3", "b3"], ["y"], transB=1, beta=0.0),
    ]
    inits = [
        weight("w1", 8, 6),
        *(weight(n, 6) for n in "sbmv"),
        weight("w2", 6, 5),
        weight("b2", 5),
    ]
    inits += [weight("w3", 4, 5), weight("b3", 4)]
    layers = strip(layers_of(save(tmp_path, nodes, inits)))
    assert layers == [
        {"type": "pool", "kind": "avg", "global": True},
        {"type": "fc", "units": 6, "bias": False, "act": "relu"},
        {"type": "bn", "act": "none"},  # BatchNorm1d after an fc: a layer of its own
        {"type": "fc", "units": 5, "bias": True, "act": "none"},
        {"type": "fc", "units": 4, "bias": False, "act": "none"},  # beta = 0: no bias
    ]


def test_matmul_on_tokens_is_not_an_fc(tmp_path: Path) -> None:
    np = _np()
    nodes = [
        helper.make_node("Reshape", ["x", "tokens"], ["t"]),
        helper.make_node("MatMul", ["t", "w"], ["y"]),
    ]
    inits = [
        numpy_helper.from_array(np.array([1, 8, 256], dtype="int64"), "tokens"),
        weight("w", 256, 4),
    ]
    result = import_onnx(save(tmp_path, nodes, inits))
    assert [
        (layer["type"], layer.get("op"), layer.get("params")) for layer in result.spec["layers"]
    ] == [
        ("other", "Reshape", None),
        ("other", "MatMul", 1024),
    ]
    assert any("rank above 2" in note for note in result.notes)


def test_sum_of_three_dilation_depth_multiplier_and_conv_bias_add(tmp_path: Path) -> None:
    nodes = [
        conv("x", "wa", "a", kernel_shape=[3, 3], pads=[2, 2, 2, 2], dilations=[2, 2]),
        conv(
            "x", "wb", "b", kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=8
        ),  # 2 filters per channel
        conv("x", "wc", "c0"),
        helper.make_node("Add", ["c0", "bias"], ["c"]),
        helper.make_node("Sum", ["a", "b", "c"], ["s"]),
        helper.make_node("Relu", ["s"], ["y"]),
    ]
    inits = [
        weight("wa", 16, 8, 3, 3),
        weight("wb", 16, 1, 3, 3),
        weight("wc", 16, 8, 1, 1),
        weight("bias", 16, 1, 1),
    ]
    layers = layers_of(save(tmp_path, nodes, inits))
    assert strip(layers) == [
        {
            "type": "conv",
            "kernel_size": 3,
            "filters": 16,
            "stride": 1,
            "padding": 2,
            "dilation": 2,
            "bias": False,
            "bn": False,
            "act": "none",
        },
        {
            "type": "conv",
            "from": "input",
            "kernel_size": 3,
            "filters": 16,
            "stride": 1,
            "padding": 1,
            "groups": 8,
            "bias": False,
            "bn": False,
            "act": "none",
        },
        {"type": "pw", "from": "input", "filters": 16, "bias": True, "bn": False, "act": "none"},
        {"type": "add", "from": [layer["name"] for layer in layers[:3]], "act": "relu"},
    ]


def test_batchnorm_after_an_activation_and_odd_activations(tmp_path: Path) -> None:
    norm, p = bn("r", "n", 8, "bn")
    nodes = [
        conv("x", "w", "c"),
        helper.make_node("Relu", ["c"], ["r"]),
        norm,
        helper.make_node("Clip", ["n", "lo", "hi"], ["k"]),
        helper.make_node("HardSigmoid", ["k"], ["y"]),
    ]
    inits = [weight("w", 8, 8, 1, 1), *p, scalar("lo", -1), scalar("hi", 1)]
    result = import_onnx(save(tmp_path, nodes, inits))
    assert strip(result.spec["layers"]) == [
        {"type": "pw", "filters": 8, "bias": False, "bn": False, "act": "relu"},
        {"type": "bn", "act": "none"},
        {"type": "other", "op": "Clip"},
        {"type": "act", "kind": "hardsigmoid"},
    ]
    assert any("HardSigmoid with alpha 0.2" in note for note in result.notes)


def test_quantized_weights_through_dequantize_linear(tmp_path: Path) -> None:
    np = _np()
    nodes = [
        helper.make_node("DequantizeLinear", ["wq", "scale", "zero"], ["w"]),
        conv("x", "w", "y", kernel_shape=[3, 3]),
    ]
    inits = [
        numpy_helper.from_array(np.ones((4, 8, 3, 3), dtype="int8"), "wq"),
        scalar("scale", 0.1),
        numpy_helper.from_array(np.array(0, dtype="int8"), "zero"),
    ]
    result = import_onnx(save(tmp_path, nodes, inits))
    assert strip(result.spec["layers"]) == [
        {
            "type": "conv",
            "kernel_size": 3,
            "filters": 4,
            "stride": 1,
            "padding": 0,
            "bias": False,
            "bn": False,
            "act": "none",
        }
    ]


def test_an_op_of_an_unknown_domain_keeps_its_input_shape_with_a_note(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("FancyNorm", ["x"], ["f"], domain="com.example"),
        conv("f", "w", "y"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", FLOAT, [1, 8, 4, 4])],
        [helper.make_tensor_value_info("y", FLOAT, None)],
        [weight("w", 8, 8, 1, 1)],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)]
    )
    path = tmp_path / "custom.onnx"
    onnx.save(model, str(path))
    result = import_onnx(path)
    assert strip(result.spec["layers"])[0] == {"type": "other", "op": "FancyNorm"}
    assert "the output shape of FancyNorm is unknown: taken as its input's" in result.notes


def test_local_functions_are_inlined(tmp_path: Path) -> None:
    body = [helper.make_node("Conv", ["a", "k"], ["b"]), helper.make_node("Relu", ["b"], ["c"])]
    function = helper.make_function(
        "local", "ConvRelu", ["a", "k"], ["c"], body, [helper.make_opsetid("", 17)]
    )
    graph = helper.make_graph(
        [helper.make_node("ConvRelu", ["x", "w"], ["y"], domain="local")],
        "g",
        [helper.make_tensor_value_info("x", FLOAT, [1, 8, 4, 4])],
        [helper.make_tensor_value_info("y", FLOAT, None)],
        [weight("w", 8, 8, 1, 1)],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("local", 1)]
    model = helper.make_model(graph, opset_imports=opsets, functions=[function])
    path = tmp_path / "functions.onnx"
    onnx.save(model, str(path))
    assert strip(layers_of(path)) == [
        {"type": "pw", "filters": 8, "bias": False, "bn": False, "act": "relu"}
    ]


def test_long_mappings_nest_and_lists_of_layers_stay_one_per_line() -> None:
    import yaml

    from convcost.spec_yaml import spec_to_yaml

    spec = {
        "name": "n",
        "blocks": {"b": {"params": {"c": None}, "layers": [{"type": "pw", "filters": "$c"}]}},
        "input": {"size": [224, 160], "channels": 3},
        "layers": [{"type": "b", "c": 8, "name": "x" * 120}],
    }
    text = spec_to_yaml(spec)
    assert yaml.safe_load(text) == spec
    assert "  - {type: b, c: 8, name: " + "x" * 120 + "}" in text.splitlines()


def test_a_standalone_activation_is_named_by_its_scope(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["a"], name="/block/conv/Conv"),
        helper.make_node("Relu", ["a"], ["b"], name="/block/act/Relu"),
        helper.make_node("Add", ["a", "b"], ["y"], name="/block/Add"),
    ]
    layers = layers_of(save(tmp_path, nodes, [weight("w", 8, 8, 1, 1)]))
    assert [(layer["type"], layer["name"]) for layer in layers] == [
        ("pw", "block.conv"),
        ("act", "block.act"),
        ("add", "block"),
    ]
