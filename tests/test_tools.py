"""Tool presets against the tools themselves, and convcost's own per-op counts against formulas.

The tool figures below are what each tool printed, measured by hand with
`/work/tv-venv/bin/python bench/tool_reference.py` (networks: /work/ref/tools.json; MobileNetV2 1.4:
`--networks mobilenet_v2_1.4`; single ops: `--probe`) under torch 2.13.0+cpu, torchvision 0.28.0,
fvcore 0.1.5.post20221221, ptflops 0.7.5, thop 0.1.1.post2209072238, torchinfo 1.8.0 and
onnx-tool 1.0.1. They are pinned here as numbers: the suite needs none of those packages.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from functools import cache
from typing import Any

import pytest

from convcost.graph import Graph, compile_graph
from convcost.load import load_network
from convcost.ops import CONVCOST, OP_KINDS, OpsReport, Site, analyze_ops
from convcost.presets import resolve
from convcost.report import Size, analyze_network
from convcost.tools import TOOL_NAMES, TOOLS
from tests.conftest import ROOT, SPECS, Run

TORCH_V1 = str(SPECS / "mobilenet_v1_torch.yaml")
NETWORKS = {  # the tools' network → (convcost network, α)
    "mobilenet_v1": (TORCH_V1, 1.0),
    "mobilenet_v2": ("mobilenet_v2", 1.0),
    "mobilenet_v2_1.4": ("mobilenet_v2", 1.4),
    "mobilenet_v3_large": ("mobilenet_v3_large", 1.0),
    "resnet18": ("resnet18", 1.0),
    "efficientnet_b0": ("efficientnet_b0", 1.0),
}
# What each tool printed: fvcore FlopCountAnalysis(model, x).total(); ptflops
# get_model_complexity_info MACs (pytorch backend, defaults) and backend='aten'; thop profile MACs;
# torchinfo summary(...).total_mult_adds; torch FlopCounterMode get_total_flops(); onnx-tool
# model_profile MACs of the BatchNorm-preserving export (NAME_bn.onnx).
FIGURES: dict[str, dict[str, int]] = {
    "mobilenet_v1": {
        "fvcore": 578_875_904,
        "ptflops": 589_012_456,
        "ptflops-aten": 568_741_352,
        "thop": 588_962_304,
        "torchinfo": 568_763_240,
        "flopcounter": 1_137_480_704,
        "onnx-tool": 730_161_640,
    },
    "mobilenet_v2": {
        "fvcore": 314_193_216,
        "ptflops": 320_300_008,
        "ptflops-aten": 300_775_272,
        "thop": 327_486_720,
        "torchinfo": 300_809_384,
        "flopcounter": 601_548_544,
        "onnx-tool": 520_292_552,
    },
    "mobilenet_v2_1.4": {
        "fvcore": 601_430_480,
        "ptflops": 610_186_408,
        "ptflops-aten": 582_196_824,
        "thop": 620_489_520,
        "torchinfo": 582_244_760,
        "flopcounter": 1_164_391_648,
        "onnx-tool": 896_880_424,
    },
    "mobilenet_v3_large": {
        "fvcore": 226_033_824,
        "ptflops": 231_316_416,
        "ptflops-aten": 216_597_120,
        "thop": 234_838_456,
        "torchinfo": 216_621_520,
        "flopcounter": 433_179_520,
        "onnx-tool": 364_564_384,
    },
    "resnet18": {
        "fvcore": 1_819_065_856,
        "ptflops": 1_825_313_768,
        "ptflops-aten": 1_814_074_344,
        "thop": 1_824_033_792,
        "torchinfo": 1_814_083_944,
        "flopcounter": 3_628_146_688,
        "onnx-tool": 1_895_963_624,
    },
    "efficientnet_b0": {
        "fvcore": 401_659_392,
        "ptflops": 410_196_896,
        "ptflops-aten": 385_825_092,
        "thop": 415_145_024,
        "torchinfo": 385_867_108,
        "flopcounter": 771_629_504,
        "onnx-tool": 803_118_464,
    },
}
# Parameters: model.parameters() (fvcore, ptflops, thop and torchinfo all print it) and onnx-tool's
# initializers of NAME_bn.onnx (BatchNorm's running mean and variance too).
PARAMS = {
    "mobilenet_v1": (4_231_976, 4_253_864),
    "mobilenet_v2": (3_504_872, 3_538_984),
    "mobilenet_v2_1.4": (6_108_776, 6_156_712),
    "mobilenet_v3_large": (5_483_032, 5_507_432),
    "resnet18": (11_689_512, 11_699_112),
    "efficientnet_b0": (5_288_548, 5_330_564),
}
COUNTED = [tool for tool in TOOL_NAMES if tool != "keras"]


@cache
def graph(name: str) -> Graph:
    return load_network(name)


def counted(network: str, preset: str, alpha: float = 1.0) -> OpsReport:
    conventions, _, _ = resolve(preset)
    report = analyze_network(graph(network), Size(alpha=alpha), conventions)
    result = analyze_ops(report)
    assert isinstance(result, OpsReport)
    return result


@pytest.mark.parametrize("tool", COUNTED)
@pytest.mark.parametrize("network", list(NETWORKS))
def test_preset_is_the_tools_figure(network: str, tool: str) -> None:
    name, alpha = NETWORKS[network]
    ops = counted(name, tool, alpha)
    assert ops.reported == FIGURES[network][tool]
    torch_params, onnx_params = PARAMS[network]
    assert ops.base.total.params == (onnx_params if tool == "onnx-tool" else torch_params)


@pytest.mark.parametrize("network", list(NETWORKS))
def test_keras_prints_parameters_only(network: str) -> None:
    name, alpha = NETWORKS[network]
    ops = counted(name, "keras", alpha)
    assert ops.reported is None
    assert ops.base.total.params == PARAMS[network][1]  # = onnx-tool's: 4 per BatchNorm channel
    weights, biases, affine, stats = ops.params_parts()
    # trainable (torch's count) + non-trainable (moving mean and variance, 2 per channel as γ, β)
    assert weights + biases + affine == PARAMS[network][0] and stats == affine


@pytest.mark.parametrize("tool", TOOL_NAMES)
def test_builtin_mobilenet_is_the_torch_model_under_every_tool(tool: str) -> None:
    """Unset, BatchNorm follows every conv when the count counts it, and an fc has a bias:
    under a tool preset the built-in is the conv-BN-ReLU model, with or without the spec."""
    builtin, torch_spec = counted("mobilenet", tool), counted(TORCH_V1, tool)
    assert builtin.reported == torch_spec.reported
    assert builtin.base.total == torch_spec.base.total
    assert builtin.total() == torch_spec.total()


def test_json_total_carries_reported_and_params(run: Run) -> None:
    for tool in TOOL_NAMES:
        total = run.json("model", "efficientnet_b0", "--preset", tool)["total"]
        assert total["reported"] == FIGURES["efficientnet_b0"].get(tool)
        assert total["params"] == PARAMS["efficientnet_b0"][tool in ("onnx-tool", "keras")]
        if tool != "keras":
            assert total["reported"] == TOOLS[tool].macs_factor * total["macs"] + total["ops_total"]
            assert sum(total["ops"].values()) == total["ops_total"]


# --- single ops: one layer against each tool's count of that layer alone -----------------------

# 1×8×14×14 input (1,568 elements); (fvcore, ptflops, ptflops-aten, thop, torchinfo, flopcounter,
# onnx-tool), onnx-tool None where torch.onnx.export refuses the op.
PROBES: dict[str, tuple[dict[str, Any], tuple[int | None, ...]]] = {
    "relu": ({"type": "act", "kind": "relu"}, (0, 3136, 0, 0, 0, 0, 1568)),
    "relu6": ({"type": "act", "kind": "relu6"}, (0, 1568, 0, 0, 0, 0, 3136)),
    "leaky_relu": ({"type": "act", "kind": "leaky_relu"}, (0, 1568, 0, 0, 0, 0, 3136)),
    "hardswish": ({"type": "act", "kind": "hardswish"}, (0, 0, 0, 0, 0, 0, 7840)),
    "hardsigmoid": ({"type": "act", "kind": "hardsigmoid"}, (0, 0, 0, 0, 0, 0, 6272)),
    "sigmoid": ({"type": "act", "kind": "sigmoid"}, (0, 0, 0, 0, 0, 0, 50176)),
    "silu": ({"type": "act", "kind": "silu"}, (0, 1568, 0, 0, 0, 0, 51744)),
    "tanh": ({"type": "act", "kind": "tanh"}, (0, 0, 0, 0, 0, 0, 119168)),
    "gelu": ({"type": "act", "kind": "gelu"}, (0, 3136, 0, 0, 0, 0, 10976)),
    "softmax": ({"type": "act", "kind": "softmax"}, (0, 1568, 0, 4508, 0, 0, 56448)),
    "batchnorm": ({"type": "bn"}, (3136, 3136, 0, 6272, 16, 0, 48608)),
    "add": ({"type": "add", "from": ["input", "input"]}, (0, 0, 0, 0, 0, 0, 1568)),
    "mul": ({"type": "mul", "from": ["input", "input"]}, (0, 0, 0, 0, 0, 0, 1568)),
    "concat": ({"type": "concat", "from": ["input", "input"]}, (0, 0, 0, 0, 0, 0, 0)),
    "adaptive_avgpool_1_module": (
        {"type": "pool", "global": True},
        (1568, 3136, 0, 1576, 0, 0, 1600),
    ),
    "adaptive_avgpool_1_function": (
        {"type": "pool", "global": True, "call": "function"},
        (1568, 1568, 0, 0, 0, 0, 1600),
    ),
    "mean_2_3": ({"type": "pool", "global": True, "call": "mean"}, (0, 0, 0, 0, 0, 0, 1568)),
    "adaptive_avgpool_7": ({"type": "pool", "output": 7}, (1568, 3136, 0, 1960, 0, 0, 1568)),
    "adaptive_avgpool_5": ({"type": "pool", "output": 5}, (1568, 3136, 0, 1768, 0, 0, None)),
    "avgpool_2": ({"type": "pool", "kernel_size": 2}, (0, 3136, 0, 392, 0, 0, 1568)),
    "avgpool_3_s2_p1": (
        {"type": "pool", "kernel_size": 3, "stride": 2, "padding": 1},
        (0, 3136, 0, 392, 0, 0, 3528),
    ),
    "maxpool_3_s2_p1": (
        {"type": "pool", "kind": "max", "kernel_size": 3, "stride": 2, "padding": 1},
        (0, 3136, 0, 0, 0, 0, 3528),
    ),
    "conv3x3": (
        {"type": "conv", "kernel_size": 3, "filters": 8, "padding": 1, "bias": False, "bn": False},
        (112896, 112896, 112896, 112896, 112896, 225792, 112896),
    ),
    "conv3x3_bias": (
        {"type": "conv", "kernel_size": 3, "filters": 8, "padding": 1, "bias": True, "bn": False},
        (112896, 114464, 114464, 112896, 114464, 225792, 114464),
    ),
    "linear_bias": (
        {"type": "fc", "units": 10, "bias": True},
        (15680, 15690, 15690, 15680, 15690, 31360, 15690),
    ),
}


def one_layer(layer: dict[str, Any]) -> Graph:
    spec = {"name": "probe", "input": {"size": 14, "channels": 8}, "layers": [layer]}
    return compile_graph(spec)


@pytest.mark.parametrize(("probe", "layer", "figures"), [(k, *v) for k, v in PROBES.items()])
def test_one_op_as_each_tool_counts_it(
    probe: str, layer: dict[str, Any], figures: tuple[int | None, ...]
) -> None:
    g = one_layer(layer)
    for tool, figure in zip(COUNTED, figures, strict=True):
        if figure is None:
            continue
        conventions, _, _ = resolve(tool)
        ops = analyze_ops(analyze_network(g, Size(), conventions))
        assert isinstance(ops, OpsReport)
        assert ops.reported == figure, (probe, tool)


# --- convcost's own counting, against formulas written here -----------------------------------


def mobilenet_v1_outputs() -> list[int]:
    """Output elements of MobileNetV1's 27 convs at 224, from the paper's Table 1."""
    side, out = 112, [112 * 112 * 32]
    c = 32
    for filters, stride in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)]:
        side //= stride
        out += [side * side * c, side * side * filters]
        c = filters
    out += [14 * 14 * 512] * 10 + [7 * 7 * 512, 7 * 7 * 1024, 7 * 7 * 1024, 7 * 7 * 1024]
    return out


def test_mobilenet_ops_by_formula(run: Run) -> None:
    outputs = mobilenet_v1_outputs()
    assert len(outputs) == 27
    paper = run.json("model", "mobilenet", "--ops")["total"]
    # paper convention: no bias, no BatchNorm; a ReLU after every conv; the global pool reads 7·7·1024
    assert paper["ops"] == {"relu": sum(outputs), "avgpool": 7 * 7 * 1024}
    assert paper["macs"] == 568_740_352  # never mixed in
    torch = run.json("model", "mobilenet", "--ops", "--preset", "torchvision")["total"]
    assert torch["ops"]["bn"] == 2 * sum(outputs) and torch["ops"]["bias"] == 1000
    folded = run.json("model", "mobilenet", "--fold-bn", "--preset", "torchvision")["total"]
    assert folded["ops"]["bn"] == sum(outputs)  # each BN's shift: the conv's bias, 1 add each
    assert folded["ops_total"] == torch["ops_total"] - sum(outputs)
    assert "reported" not in paper


def test_each_kind_by_formula() -> None:
    """convcost's rules on hand-made sites: every elementary operation counts 1."""
    e, c = 1000, 10
    expected = {
        "bias": e,
        "bn": 2 * e,
        "relu": e,
        "relu6": 2 * e,
        "leaky_relu": 2 * e,
        "hardswish": 5 * e,
        "hardsigmoid": 4 * e,
        "sigmoid": 4 * e,
        "swish": 5 * e,
        "tanh": 5 * e,
        "gelu": 5 * e,
        "softmax": (e // c) * (3 * c - 1),  # per position: C exps, C - 1 adds, C divides
        "add": 2 * e,  # three inputs: two adds per output
        "mul": e,
    }
    for kind, count in expected.items():
        assert CONVCOST.count(Site(kind, e, c, operands=3)) == count, kind
    assert set(expected) | {"avgpool", "maxpool"} == set(OP_KINDS)
    # a 3×3 window over 100 outputs: 9 values each; max: 8 comparisons each
    assert CONVCOST.count(Site("avgpool", 100, 4, inputs=400, windows=900)) == 900
    assert CONVCOST.count(Site("maxpool", 100, 4, inputs=400, windows=900)) == 800


def test_resnet18_pools_adds_and_rows_sum(run: Run) -> None:
    data = run.json("model", "resnet18", "--ops", "--preset", "torchvision")
    ops = data["total"]["ops"]
    assert ops["maxpool"] == 56 * 56 * 64 * 8  # 3×3 windows, 8 comparisons per output
    assert ops["avgpool"] == 7 * 7 * 512
    assert ops["add"] == 2 * (56 * 56 * 64 + 28 * 28 * 128 + 14 * 14 * 256 + 7 * 7 * 512)
    for kind, total in ops.items():
        assert sum(layer["ops"].get(kind, 0) for layer in data["layers"]) == total


def test_adaptive_windows_cover_torchs_spans(run: Run) -> None:
    """VGG's adaptive pool at 256: 8×8 → 7×7; torch's windows [⌊i·8/7⌋, ⌈(i+1)·8/7⌉) are 2 wide."""
    data = run.json("model", "vgg16", "--ops", "--resolution", "256")
    pool = next(layer for layer in data["layers"] if layer["name"] == "avgpool")
    assert pool["ops"] == {"avgpool": (7 * 2) ** 2 * 512}


def test_softmax_on_a_classifier(run: Run) -> None:
    spec = "name: s\ninput: {size: 7, channels: 16}\nlayers:\n  - {type: fc, units: 10, act: softmax}\n"
    total = run.json("model", "-", "--ops", input=spec)["total"]
    assert total["ops"] == {"softmax": 3 * 10 - 1}


# --- the command line -----------------------------------------------------------------------


def test_explain_is_a_sum_that_reaches_the_figure(run: Run) -> None:
    result = run("model", "mobilenet_v2", "--explain", "fvcore")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  conv + fc mult-adds         300,774,272  the paper's convention" in lines
    assert "+ BatchNorm                    13,356,224  2 × 6,678,112 elements" in lines
    assert "= what fvcore prints          314,193,216  mult-adds + 4.46%" in lines
    assert max(len(line) for line in lines) <= 80
    data = run.json("model", "mobilenet_v2", "--explain", "ptflops")["explanation"]
    assert sum(term["count"] for term in data["terms"]) == data["reported"] == 320_300_008
    assert sum(data["params"].values()) == 3_504_872


def test_csv_has_a_column_per_kind(run: Run) -> None:
    result = run("model", "mobilenet_v3_large", "--preset", "thop", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    kinds = [key for key in rows[0] if key.startswith("ops_")]
    assert kinds == [f"ops_{k}" for k in ("bias", "bn", "relu", "hardswish", "hardsigmoid")] + [
        "ops_add",
        "ops_mul",
        "ops_avgpool",
    ]
    assert sum(int(r["ops_bn"]) for r in rows) == 4 * 4_399_808  # BatchNorm outputs, 4 each


def test_markdown_and_table_name_the_figure(run: Run) -> None:
    md = run("model", "resnet18", "--preset", "torchinfo", "--format", "markdown").stdout
    assert "torchinfo prints: 1,814,083,944" in md
    table = run("model", "resnet18", "--preset", "torchinfo").stdout
    assert "torchinfo prints 1,814,083,944 = 1,814,073,344 mult-adds + 10,600 other ops" in (
        " ".join(table.split())
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("model", "mobilenet", "--preset", "fvcore", "--fold-bn"), "--fold-bn conflicts"),
        (("sweep", "mobilenet", "--preset", "fvcore"), "convcost model alone counts"),
        (("fit", "mobilenet", "--preset", "thop", "--max-macs", "1G"), "convcost model alone"),
        (("model", "mobilenet", "--ops", "--memory"), "cannot be combined with --ops"),
        (("model", "mobilenet", "--explain", "fvcore", "--preset", "thop"), "--explain fvcore"),
        (("model", "mobilenet", "--explain", "ptflops", "--bn"), "--bn conflicts"),
    ],
)
def test_refused(run: Run, args: tuple[str, ...], message: str) -> None:
    (line,) = run.bad(*args)
    assert message in line


def test_sweep_keeps_keras_parameters(run: Run) -> None:
    rows = run.json("sweep", "mobilenet", "--preset", "keras", "-a", "1", "--resolution", "224")
    assert rows[0]["params"] == 4_253_864


def test_call_mean_is_a_global_average_only(run: Run) -> None:
    spec = "name: s\ninput: {size: 8, channels: 4}\nlayers:\n  - {type: pool, kind: max, global: true, call: mean}\n"
    (line,) = run.bad("model", "-", input=spec)
    assert "call: mean" in line


# --- the README's table is generated from the presets --------------------------------------


def _tools_table() -> Any:
    spec = importlib.util.spec_from_file_location("tools_table", ROOT / "scripts/tools_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_generated_from_the_presets() -> None:
    module = _tools_table()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(module.BEGIN, 1)[1].split(module.END, 1)[0]
    assert block.strip() == module.table().strip()  # python scripts/tools_table.py --write
    # and every tool cell is the tool's own figure (the presets equal them: tested above)
    rows = {line.split("|")[1].strip(): line for line in block.strip().splitlines()[2:]}
    for tool in COUNTED:
        cells = [int(c.replace(",", "")) for c in rows[f"`{tool}`"].split("|")[3:-1]]
        assert cells == [FIGURES[network][tool] for network in NETWORKS]


RULES_TABLE = re.compile(r"<!-- rules-table -->\n(.*?)<!-- /rules-table -->", re.S)


def test_readme_rules_table_is_each_tools_rule() -> None:
    """Each cell of the README's per-kind table is the rule of that tool here, on a site with
    1,000 output elements, 10 channels and (pools) 4,900 input elements or 3×3 windows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = RULES_TABLE.search(readme)
    assert match
    lines = match[1].strip().splitlines()
    header = [cell.strip().strip("`") for cell in lines[0].split("|")[2:-1]]
    sites = {
        "bias": Site("bias", 1000, 10),
        "BatchNorm": Site("bn", 1000, 10),
        "residual add": Site("add", 1000, 10, operands=2),
        "SE multiply": Site("mul", 1000, 10),
        "global average pool": Site("avgpool", 10, 10, 4900, 4900, True),
        "average pool 3×3": Site("avgpool", 1000, 10, 4000, 9000),
        "max pool 3×3": Site("maxpool", 1000, 10, 4000, 9000),
    }
    checked = 0
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        label, values = cells[0], cells[1:]
        site = sites.get(label) or Site(label.strip("`"), 1000, 10)
        for name, text in zip(header, values, strict=True):
            counting = CONVCOST if name == "convcost" else TOOLS[name]
            assert counting.count(site) == _evaluate(text, site), (label, name, text)
            checked += 1
    assert checked >= 100


def _evaluate(text: str, site: Site) -> int:
    """A cell: — (not counted), k (per output element), k/C (per channel), k·in (per input
    element), in + k·out, k²·out (every value a window covers), (k²−1)·out, 3C−1/position."""
    text = text.replace("−", "-").replace(" ", "")
    if text == "—":
        return 0
    if text == "3C-1/position":
        return (site.elements // site.channels) * (3 * site.channels - 1)
    if text in ("k²·out", "(k²-1)·out"):
        return site.windows - (site.elements if "-1" in text else 0)
    if m := re.fullmatch(r"(\d+)/C", text):
        return int(m[1]) * site.channels
    if m := re.fullmatch(r"(\d+·)?in", text):
        return int((m[1] or "1·")[:-1]) * site.inputs
    if m := re.fullmatch(r"in\+(\d+·)?out", text):
        return site.inputs + int((m[1] or "1·")[:-1]) * site.elements
    if m := re.fullmatch(r"(\d+)", text):
        return int(m[1]) * site.elements
    raise AssertionError(f"cannot read the cell {text!r}")


def test_cli_choices_are_the_presets_and_tools() -> None:
    from convcost import cli
    from convcost.presets import PRESETS

    assert [p.value for p in cli.Preset] == list(PRESETS)
    assert [t.value for t in cli.Tool] == list(TOOL_NAMES) == list(TOOLS)
    assert set(TOOL_NAMES) == {name for name, preset in PRESETS.items() if preset.tool}
