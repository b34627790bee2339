"""How other tools count: each tool's rules, as a ``Counting`` over the same sites (``ops.py``).

A tool's printed figure is its mult-adds (conv and fc, as convcost counts them; FlopCounterMode
doubles them) plus what its table gives every other op of the network. The rules were read from
each tool's source at the version named and checked against the tool itself on five networks and
on single-op probes (``bench/tool_reference.py``; the figures are pinned in
``tests/test_tools.py``). A tool's parameter count is ``model.parameters()`` for the torch tools
(weights, biases, BatchNorm γ and β: ``--preset torchvision``'s), the initializers for onnx-tool
(running mean and variance too: ``--preset keras``'s).

Torch-based tools see a network through its modules (forward hooks) or its functions (patched
``F.*``, a traced graph), so what a tool counts can depend on how the model calls an op: a pool
in the network spec says so with ``call`` (module, function, or mean for ``x.mean([2, 3])``).
Every other op is taken to be a module call (``nn.ReLU``, ``nn.BatchNorm2d``, ...), and residual
adds and SE's multiply Python operators (``a + b``, ``a * b``), as torchvision writes them.
"""

from __future__ import annotations

from convcost.ops import Counting, Rule, Site, per_element

TOOL_NAMES = (
    "fvcore",
    "ptflops",
    "ptflops-aten",
    "thop",
    "torchinfo",
    "flopcounter",
    "onnx-tool",
    "keras",
)
"""The tool presets, in the order reports list them (also ``presets.TOOLS``)."""

_TORCH_PARAMS = "model.parameters(): weights, biases, BatchNorm γ and β (running stats are buffers)"


def _by_call(module: int, function: int, text: str) -> Rule:
    """A pool counted per input element: ``module`` times as nn.*Pool, ``function`` times as F.*,
    never as x.mean."""
    weights = {"module": module, "function": function}
    return Rule(lambda s: weights.get(s.call, 0) * s.inputs, text)


def _fvcore_pool(s: Site) -> int:
    return s.inputs if s.adaptive and s.call != "mean" else 0


def _thop_avgpool(s: Site) -> int:
    if s.call != "module":
        return 0
    return s.inputs + s.elements if s.adaptive else s.elements


def _onnx_avgpool(s: Site) -> int:
    if s.call == "mean":
        return s.inputs
    if s.adaptive and s.elements == s.channels:
        return s.inputs + 4 * s.elements
    return s.windows


FVCORE = Counting(
    "fvcore",
    "fvcore 0.1.5.post20221221",
    {
        "bn": per_element(2, "aten::batch_norm in eval, with affine: 2 per element"),
        "avgpool": Rule(
            _fvcore_pool,
            "aten::adaptive_avg_pool2d (global, adaptive): 1 per input element; fixed-window "
            "avg_pool2d and x.mean: not counted",
        ),
    },
    figure="FlopCountAnalysis(model, x).total()",
    params=f"parameter_count(model)['']: {_TORCH_PARAMS}",
    tool=True,
)

PTFLOPS = Counting(
    "ptflops",
    "ptflops 0.7.5 (pytorch backend, count_functional=True: the defaults)",
    {
        "bias": per_element(1, "conv and Linear hooks: 1 per output element"),
        "bn": per_element(2, "BatchNorm hook, affine: 2 per element"),
        "relu": per_element(2, "nn.ReLU's hook + the patched F.relu it calls: 2 per element"),
        "relu6": per_element(
            1, "nn.ReLU6's hook (it calls F.hardtanh, not patched): 1 per element"
        ),
        "leaky_relu": per_element(
            1, "nn.LeakyReLU's hook (F.leaky_relu not patched): 1 per element"
        ),
        "gelu": per_element(2, "nn.GELU's hook + the patched F.gelu: 2 per element"),
        "swish": per_element(1, "no hook for nn.SiLU; the patched F.silu: 1 per element"),
        "softmax": per_element(1, "no hook for nn.Softmax; the patched F.softmax: 1 per element"),
        "avgpool": _by_call(
            2, 1, "module hook + the patched F.*pool* it calls: 2 per input element (F.*: 1)"
        ),
        "maxpool": _by_call(
            2, 1, "module hook + the patched F.max_pool2d it calls: 2 per input element"
        ),
    },
    figure="the MACs of get_model_complexity_info(model, (3, H, W))",
    params=f"params of get_model_complexity_info: {_TORCH_PARAMS}",
    tool=True,
)

PTFLOPS_ATEN = Counting(
    "ptflops-aten",
    "ptflops 0.7.5 (aten backend)",
    {"bias": per_element(1, "aten.convolution and aten.addmm: 1 per output element")},
    figure="the MACs of get_model_complexity_info(model, (3, H, W), backend='aten')",
    params=f"params of get_model_complexity_info: {_TORCH_PARAMS}",
    tool=True,
)

THOP = Counting(
    "thop",
    "thop 0.1.1.post2209072238",
    {
        "bn": per_element(4, "2 per element, doubled for affine: 4 per element"),
        "avgpool": Rule(
            _thop_avgpool,
            "nn.AdaptiveAvgPool2d: (input/output area + 1) per output = input + output elements; "
            "nn.AvgPool2d: 1 per output element; F.* and x.mean: not counted",
        ),
        "softmax": Rule(
            lambda s: 3 * s.elements - s.elements // s.channels,
            "nn.Softmax: C exps, C - 1 adds, C divides = 3C - 1 per position",
        ),
    },
    figure="the MACs of profile(model, inputs=(x,))",
    params=f"params of profile: {_TORCH_PARAMS}",
    tool=True,
)

TORCHINFO = Counting(
    "torchinfo",
    "torchinfo 1.8.0",
    {
        "bias": per_element(1, "a conv's count is its parameters × output positions: 1 per output"),
        "bn": Rule(lambda s: 2 * s.channels, "parameters × batch: γ, β = 2 per channel"),
    },
    figure="summary(model, input_data=[x]).total_mult_adds",
    params=f"total_params: {_TORCH_PARAMS}",
    tool=True,
)

FLOPCOUNTER = Counting(
    "flopcounter",
    "torch 2.13 FlopCounterMode",
    {},
    macs_factor=2,
    figure="FlopCounterMode().get_total_flops()",
    params="prints none; params shown are model.parameters(), as the other torch tools count",
    tool=True,
)

ONNX_TOOL = Counting(
    "onnx-tool",
    "onnx-tool 1.0.1 (on a BatchNorm-preserving ONNX export)",
    {
        "bias": per_element(1, "Conv with a bias: 1 per output element; Gemm: in·out + out"),
        "bn": per_element(31, "BatchNormalization: add, sqrt 24, divide 4, add, multiply = 31"),
        "relu": per_element(1, "Relu: 1 per element"),
        "relu6": per_element(2, "Clip: 2 comparisons per element"),
        "leaky_relu": per_element(2, "LeakyRelu: multiply + compare = 2"),
        "hardswish": per_element(5, "HardSwish: 2 multiplies + add + 2 compares = 5"),
        "hardsigmoid": per_element(4, "HardSigmoid: multiply + add + 2 compares = 4"),
        "sigmoid": per_element(32, "Sigmoid: an exp, 32 per element"),
        "swish": per_element(33, "exported as Sigmoid (32) + Mul (1) = 33 per element"),
        "tanh": per_element(76, "Tanh: (exp 32 + 2 adds + divide 4) × its ratio 2 = 76"),
        "gelu": per_element(7, "exported as Div 4 + Erf 0 + Add + Mul + Mul = 7 per element"),
        "softmax": per_element(36, "Softmax: exp 32 + divide 4 = 36 per element"),
        "add": Rule(lambda s: (s.operands - 1) * s.elements, "Add: 1 per output element"),
        "mul": per_element(1, "Mul: 1 per element"),
        "avgpool": Rule(
            _onnx_avgpool,
            "GlobalAveragePool: 1 per input + 4 (a divide) per output; AveragePool: k² per "
            "output; ReduceMean (x.mean): 1 per input element",
        ),
        "maxpool": Rule(lambda s: s.windows, "MaxPool: k² per output element"),
    },
    figure="the MACs of onnx_tool.model_profile(path) on an export by torch.onnx.export(..., "
    "dynamo=False, do_constant_folding=False), opset 17",
    params="initializers: weights, biases, BatchNorm γ, β, running mean and variance",
    tool=True,
)

KERAS = Counting(
    "keras",
    "Keras (keras.applications)",
    {},
    figure=None,
    params="Total params = trainable (weights, biases, BatchNorm γ, β) + non-trainable "
    "(BatchNorm moving mean and variance)",
    tool=True,
)

TOOLS: dict[str, Counting] = {
    c.name: c
    for c in (FVCORE, PTFLOPS, PTFLOPS_ATEN, THOP, TORCHINFO, FLOPCOUNTER, ONNX_TOOL, KERAS)
}
assert tuple(TOOLS) == TOOL_NAMES
