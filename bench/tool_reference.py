"""What the torch-based counters report for five CNNs, raw, with per-operator breakdowns, as JSON.

Run by hand with a Python that has torch, torchvision, fvcore, ptflops, thop, torchinfo, onnx,
onnxscript, onnxruntime and onnx-tool (not part of the package or the tests):

    /work/tv-venv/bin/python bench/tool_reference.py [--out /work/ref/tools.json]
        [--onnx-dir /work/ref/onnx] [--no-export] [--resolution 224]

Networks: MobileNetV1 built here (conv-BN-ReLU throughout: stem 3×3 s2 32, the 13 separable
blocks of the paper's Table 1 with BN+ReLU after every dw and pw, the last dw stride 1,
AdaptiveAvgPool2d(1), Flatten, Linear(1024, 1000) with bias; all convs bias=False) and
torchvision's mobilenet_v2, mobilenet_v3_large, resnet18, efficientnet_b0.

1. ONNX export (skipped with --no-export) into --onnx-dir, batch 1, weights embedded:
   `NAME.onnx` by torch.onnx.export's default (torch.export-based) exporter, opset 18 (17 is
   refused: the onnx version converter cannot move ReduceMean's axes input back to an
   attribute); its optimizer folds every BatchNorm into the preceding Conv. `NAME_bn.onnx` by the
   legacy TorchScript exporter, opset 17, do_constant_folding=False: one BatchNormalization node
   per BatchNorm2d, as in torch. `mobilenet_v2_dynbatch.onnx`: default exporter, batch axis
   dynamic ("batch"). BatchNorm affine parameters and running statistics, and every bias that
   torchvision initialises to zero, are randomised first (seeded), so nothing folds to zero and
   no initializer is shared by value: with the default init the exporters dropped all-zero Conv
   and Gemm biases and deduplicated equal initializers into Identity nodes. Every file is checked against torch with onnxruntime.
   Also exported: shufflenet_v2_x1_0 and densenet121.
2. Counters, each on a freshly built model (same seed): fvcore FlopCountAnalysis (.total(),
   .by_operator(), unsupported ops), ptflops get_model_complexity_info with both backends
   (pytorch with count_functional True and False; aten), thop profile, torchinfo summary
   (total_mult_adds, total_params), torch.utils.flop_counter.FlopCounterMode (total, per aten op)
   and onnx-tool (model_profile's steps on NAME.onnx and NAME_bn.onnx: MACs, params, per op
   type). Per-module tools are broken down by module class, by wrapping each tool's own hook
   table for the run; ptflops' functional/tensor patches are broken down by function name.
3. `shapes`: element counts read off one forward pass (torch_reference.trace beside this file),
   and `explained`: each tool's total rebuilt from them by a formula, with ok/MISMATCH.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import warnings
from collections import defaultdict
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import define_torchvision_ops, trace

NETWORKS = ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "resnet18", "efficientnet_b0"]
ONNX_ONLY = ["shufflenet_v2_x1_0", "densenet121"]
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "mobilenet_v2_1.4": ("mobilenet_v2", {"width_mult": 1.4}),
}
"""Other sizes of torchvision's builders, by name: `--networks mobilenet_v2_1.4`."""
DEFAULT_OUT = "/work/ref/tools.json"
# MobileNetV1, paper Table 1: (pointwise filters, depthwise stride) of the 13 separable blocks.
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), *[(512, 1)] * 5]
BLOCKS += [(1024, 2), (1024, 1)]
PACKAGES = [
    "torch",
    "torchvision",
    "fvcore",
    "ptflops",
    "thop",
    "torchinfo",
    "onnx",
    "onnxscript",
    "onnxruntime",
    "onnx-tool",
    "numpy",
]


def mobilenet_v1(classes: int = 1000) -> Any:
    """MobileNetV1 1.0 in torch.nn: conv-BN-ReLU, 13 × (dw-BN-ReLU, pw-BN-ReLU), pool, FC."""
    from torch import nn

    def cbr(cin: int, cout: int, k: int, stride: int, groups: int = 1) -> list[Any]:
        conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        return [conv, nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

    layers = cbr(3, 32, 3, 2)
    c = 32
    for filters, stride in BLOCKS:
        layers += cbr(c, c, 3, stride, groups=c) + cbr(c, filters, 1, 1)
        c = filters
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes))


PROBE_INPUT = (8, 14, 14)
"""C, H, W of the single-op probes' input (batch 1): 1,568 elements."""
PROBE_NAMES = (
    "relu",
    "relu6",
    "leaky_relu",
    "hardswish",
    "hardsigmoid",
    "sigmoid",
    "silu",
    "tanh",
    "gelu",
    "softmax",
    "batchnorm",
    "add",
    "mul",
    "concat",
    "adaptive_avgpool_1_module",
    "adaptive_avgpool_1_function",
    "mean_2_3",
    "adaptive_avgpool_7",
    "adaptive_avgpool_5",
    "avgpool_2",
    "avgpool_3_s2_p1",
    "maxpool_3_s2_p1",
    "conv3x3",
    "conv3x3_bias",
    "linear_bias",
)
"""One op each, on a 1×8×14×14 input: what every tool counts for it alone."""


def probe_module(name: str) -> Any:
    """The single-op model of a probe (torch.nn layers, or a forward that calls a function)."""
    import torch
    from torch import nn

    class Call(nn.Module):
        def __init__(self, fn: Any) -> None:
            super().__init__()
            self.fn = fn

        def forward(self, x: Any) -> Any:
            return self.fn(x)

    c = PROBE_INPUT[0]
    made: dict[str, Any] = {
        "relu": lambda: nn.ReLU(),
        "relu6": lambda: nn.ReLU6(),
        "leaky_relu": lambda: nn.LeakyReLU(),
        "hardswish": lambda: nn.Hardswish(),
        "hardsigmoid": lambda: nn.Hardsigmoid(),
        "sigmoid": lambda: nn.Sigmoid(),
        "silu": lambda: nn.SiLU(),
        "tanh": lambda: nn.Tanh(),
        "gelu": lambda: nn.GELU(),
        "softmax": lambda: nn.Softmax(dim=1),
        "batchnorm": lambda: nn.BatchNorm2d(c),
        "add": lambda: Call(lambda x: x + x),
        "mul": lambda: Call(lambda x: x * x),
        "concat": lambda: Call(lambda x: torch.cat([x, x], 1)),
        "adaptive_avgpool_1_module": lambda: nn.AdaptiveAvgPool2d(1),
        "adaptive_avgpool_1_function": lambda: Call(
            lambda x: nn.functional.adaptive_avg_pool2d(x, (1, 1))
        ),
        "mean_2_3": lambda: Call(lambda x: x.mean([2, 3])),
        "adaptive_avgpool_7": lambda: nn.AdaptiveAvgPool2d(7),
        "adaptive_avgpool_5": lambda: nn.AdaptiveAvgPool2d(5),
        "avgpool_2": lambda: nn.AvgPool2d(2),
        "avgpool_3_s2_p1": lambda: nn.AvgPool2d(3, 2, 1),
        "maxpool_3_s2_p1": lambda: nn.MaxPool2d(3, 2, 1),
        "conv3x3": lambda: nn.Conv2d(c, c, 3, padding=1, bias=False),
        "conv3x3_bias": lambda: nn.Conv2d(c, c, 3, padding=1, bias=True),
        "linear_bias": lambda: nn.Sequential(nn.Flatten(), nn.Linear(c * 14 * 14, 10)),
    }
    return made[name]()


def build(name: str) -> Any:
    """A fresh eval-mode model, seeded, BatchNorm parameters and statistics randomised."""
    import torch

    torch.manual_seed(0)
    if name == "mobilenet_v1":
        model = mobilenet_v1()
    elif name in PROBE_NAMES:
        model = probe_module(name)
    else:
        from torchvision import models

        builder, kwargs = VARIANTS.get(name, (name, {}))
        model = models.get_model(builder, weights=None, **kwargs)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.1)
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
            bias = getattr(m, "bias", None)
            if isinstance(bias, torch.nn.Parameter) and not bias.any():
                bias.normal_(0.0, 0.01)  # torchvision zero-inits conv and FC biases
    return model.eval()


@contextlib.contextmanager
def quiet():
    """Swallow the tools' own chatter (stdout, stderr, warnings)."""
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        yield


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for p in PACKAGES:
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            out[p] = "not installed"
    return out


def intify(d: dict[str, Any]) -> dict[str, Any]:
    return {str(k): (int(v) if float(v).is_integer() else float(v)) for k, v in d.items()}


# ---- ONNX -------------------------------------------------------------------------------------


def export_onnx(name: str, onnx_dir: str, res: int) -> dict[str, Any]:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch

    x = torch.randn(1, 3, res, res, generator=torch.Generator().manual_seed(1))
    jobs = {
        f"{name}.onnx": {"dynamo": True, "opset_version": 18, "external_data": False},
        f"{name}_bn.onnx": {"dynamo": False, "opset_version": 17, "do_constant_folding": False},
    }
    if name == "mobilenet_v2":
        dyn = {"x": {0: torch.export.Dim("batch")}}
        jobs["mobilenet_v2_dynbatch.onnx"] = {
            "dynamo": True,
            "opset_version": 18,
            "external_data": False,
            "dynamic_shapes": dyn,
        }
    out: dict[str, Any] = {}
    for fname, kwargs in jobs.items():
        path = os.path.join(onnx_dir, fname)
        model = build(name)
        with quiet():
            torch.onnx.export(model, (x,), path, input_names=["x"], **kwargs)
        proto = onnx.load(path)
        onnx.checker.check_model(proto)
        ops: dict[str, int] = defaultdict(int)
        for node in proto.graph.node:
            ops[node.op_type] += 1
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        errs = {}
        for batch in (1, 3) if "dynamic_shapes" in kwargs else (1,):
            xb = torch.randn(batch, 3, res, res, generator=torch.Generator().manual_seed(2))
            with torch.no_grad():
                ref = model(xb).numpy()
            got = sess.run(None, {sess.get_inputs()[0].name: xb.numpy()})[0]
            errs[f"batch{batch}"] = float(np.abs(got - ref).max() / np.abs(ref).max())
        dims = [d.dim_param or d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
        out[fname] = {
            "path": path,
            "exporter": "dynamo (torch.export)" if kwargs["dynamo"] else "legacy TorchScript",
            "opset": proto.opset_import[0].version,
            "input_shape": dims,
            "bytes": os.path.getsize(path),
            "initializer_elements": int(sum(np.prod(i.dims) for i in proto.graph.initializer)),
            "nodes": dict(ops),
            "onnxruntime_max_rel_error_vs_torch": errs,
        }
    return out


def onnx_tool_profile(path: str) -> dict[str, Any]:
    """onnx_tool.model_profile's steps, keeping the numbers it prints."""
    import onnx_tool

    model = onnx_tool.Model(path, {"verbose": False})
    g = model.graph
    hidden = set(onnx_tool.NoMacsOps)  # model_profile's default: these nodes are not profiled
    with quiet():
        g.graph_reorder_nodes()
        g.shape_infer(None)
        g.profile(exclude_ops=hidden)
    by_op: dict[str, dict[str, int]] = {}
    for node in g.nodemap.values():
        if node.op_type in hidden:
            continue
        e = by_op.setdefault(node.op_type, {"count": 0, "macs": 0, "params": 0})
        e["count"] += 1
        e["macs"] += round(node.macs[0])
        e["params"] += int(node.params)
    return {
        "file": os.path.basename(path),
        "macs": round(g.macs[0]),
        "params": int(g.params),
        "not_profiled_op_types": sorted(hidden),
        "by_op_type": by_op,
    }


# ---- the torch counters ------------------------------------------------------------------------


def run_fvcore(name: str, x: Any) -> dict[str, Any]:
    from fvcore.nn import FlopCountAnalysis, parameter_count

    model = build(name)
    with quiet():
        fca = FlopCountAnalysis(model, (x,))
        fca.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        total = fca.total()
        by_op = fca.by_operator()
        unsupported = fca.unsupported_ops()
    return {
        "total": int(total),
        "params": int(parameter_count(model)[""]),
        "by_operator": intify(by_op),
        "unsupported_ops (counted as 0; value = number of calls)": dict(unsupported),
    }


def run_ptflops(name: str, shape: tuple[int, int, int]) -> dict[str, Any]:
    import inspect

    from ptflops import get_model_complexity_info

    configs: dict[str, dict[str, Any]] = {"pytorch": {}}
    if "backend" in inspect.signature(get_model_complexity_info).parameters:
        configs = {
            "pytorch": {"backend": "pytorch"},
            "pytorch count_functional=False": {
                "backend": "pytorch",
                "backend_specific_config": {"count_functional": False},
            },
            "aten": {"backend": "aten"},
        }
    return {label: ptflops_once(name, shape, kwargs) for label, kwargs in configs.items()}


def ptflops_once(name: str, shape: tuple[int, int, int], kwargs: dict[str, Any]) -> dict[str, Any]:
    """One get_model_complexity_info call, its hook tables wrapped to record who adds what."""
    import ptflops.pytorch_engine as pe
    from ptflops import get_model_complexity_info
    from ptflops import pytorch_ops as po

    by_module: dict[str, int] = defaultdict(int)
    by_function: dict[str, int] = defaultdict(int)
    by_aten: dict[str, int] = defaultdict(int)

    def module_recorder(hook: Any) -> Any:
        def rec(module: Any, inputs: Any, output: Any) -> None:
            before = module.__flops__
            hook(module, inputs, output)
            by_module[type(module).__name__] += int(module.__flops__ - before)

        return rec

    class Wrapper(pe.torch_function_wrapper):  # type: ignore[name-defined,misc]
        def __call__(self, *args: Any, **kwds: Any) -> Any:
            flops = self.handler(*args, **kwds)
            by_function[getattr(self.op, "__qualname__", str(self.op))] += int(flops)
            self.collector.append(flops)
            return self.op(*args, **kwds)

    def aten_recorder(op: Any, fn: Any) -> Any:
        def rec(inputs: Any, outputs: Any) -> Any:
            flops = fn(inputs, outputs)
            by_aten[str(op)] += int(flops)
            return flops

        return rec

    saved_modules = dict(po.MODULES_MAPPING)
    saved_wrapper = pe.torch_function_wrapper
    extra: dict[str, Any] = {}
    if kwargs.get("backend") == "aten":
        from ptflops.aten_ops import ATEN_OPS_MAPPING

        extra["custom_modules_hooks"] = {
            op: aten_recorder(op, fn) for op, fn in ATEN_OPS_MAPPING.items()
        }
    try:
        for t, hook in saved_modules.items():
            po.MODULES_MAPPING[t] = module_recorder(hook)
        pe.torch_function_wrapper = Wrapper
        model = build(name)
        with quiet():
            macs, params = get_model_complexity_info(
                model,
                shape,
                as_strings=False,
                print_per_layer_stat=False,
                **kwargs,
                **extra,
            )
    finally:
        po.MODULES_MAPPING.clear()
        po.MODULES_MAPPING.update(saved_modules)
        pe.torch_function_wrapper = saved_wrapper
    entry: dict[str, Any] = {"total": int(macs), "params": int(params)}
    if by_module:
        entry["by_module_class"] = dict(by_module)
    if by_function:
        entry["by_function (functional/tensor patches)"] = dict(by_function)
    if by_aten:
        entry["by_aten_op"] = dict(by_aten)
    return entry


def run_thop(name: str, x: Any) -> dict[str, Any]:
    import importlib

    tp = importlib.import_module("thop.profile")  # the module; thop.profile is also the function

    by_class: dict[str, int] = defaultdict(int)

    def recorder(hook: Any) -> Any:
        def rec(module: Any, inputs: Any, output: Any) -> None:
            before = float(module.total_ops.item())
            hook(module, inputs, output)
            by_class[type(module).__name__] += int(float(module.total_ops.item()) - before)

        return rec

    saved = dict(tp.register_hooks)
    try:
        for t, hook in saved.items():
            tp.register_hooks[t] = recorder(hook)
        model = build(name)
        with quiet():
            macs, params = tp.profile(model, inputs=(x,), verbose=False)
    finally:
        tp.register_hooks.clear()
        tp.register_hooks.update(saved)
    by_class.pop("Sequential", None)  # hooked but excluded from thop's own sum
    return {"total": int(macs), "params": int(params), "by_module_class": dict(by_class)}


def run_torchinfo(name: str, x: Any) -> dict[str, Any]:
    from torchinfo import summary

    model = build(name)
    with quiet():
        stats = summary(model, input_data=[x], verbose=0)
    by_class: dict[str, dict[str, int]] = {}
    for layer in stats.summary_list:
        if layer.is_leaf_layer:
            e = by_class.setdefault(layer.class_name, {"count": 0, "macs": 0, "params": 0})
            e["count"] += 1
            e["macs"] += int(layer.macs)
            e["params"] += int(max(layer.num_params, 0))
    return {
        "total_mult_adds": int(stats.total_mult_adds),
        "total_params": int(stats.total_params),
        "by_leaf_class": by_class,
    }


def run_flop_counter(name: str, x: Any) -> dict[str, Any]:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    model = build(name)
    with torch.no_grad(), FlopCounterMode(display=False) as fcm:
        model(x)
    counts = fcm.get_flop_counts()
    return {
        "total_flops": int(fcm.get_total_flops()),
        "by_aten_op": {str(k): int(v) for k, v in counts.get("Global", {}).items()},
    }


# ---- shapes and explanations -------------------------------------------------------------------


def shape_stats(name: str, x: Any) -> dict[str, Any]:
    """Element counts from one forward pass, what the tools' extra terms are made of."""
    from torch import nn

    model = build(name)
    layers, ops = trace(model, x)
    mods = dict(model.named_modules())
    s: dict[str, int] = defaultdict(int)

    def vol(shape: list[int]) -> int:
        return shape[0] * shape[1] * shape[2]

    for r in layers:
        m, out, inp = mods[r["name"]], vol(r["output_shape"]), vol(r["input_shapes"][0])
        if isinstance(m, nn.Conv2d):
            s["conv_macs"] += r["macs"]
            s["conv_params"] += r["params"]
            if m.bias is not None:
                s["conv_bias_outputs"] += out
                s["conv_bias_params"] += m.out_channels
        elif isinstance(m, nn.Linear):
            s["linear_macs"] += r["macs"]
            s["linear_params"] += r["params"]
            if m.bias is not None:
                s["linear_bias"] += m.out_features
        elif isinstance(m, nn.BatchNorm2d):
            s["bn_elements"] += out
            s["bn_channels"] += m.num_features
        elif isinstance(m, nn.AdaptiveAvgPool2d):
            s["adaptive_avgpool_in"] += inp
            s["adaptive_avgpool_out"] += out
        elif isinstance(m, nn.MaxPool2d):
            k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
            s["maxpool_in"] += inp
            s["maxpool_out_x_k2"] += out * k * k
        s[f"out_{r['class']}"] += out
    for op in ops:
        short = op["op"].rsplit(".", 1)[-1]
        if op["category"] in ("add", "mul"):
            s[f"functional_{op['category']}"] += op["output_elements"]
            s[f"functional_{op['category']}_via_{short}"] += op["output_elements"]
        elif short == "adaptive_avg_pool2d":
            s["functional_adaptive_avgpool_in"] += vol(op["input_shapes"][0])
            s["functional_adaptive_avgpool_out"] += op["output_elements"]
    s["params"] = sum(p.numel() for p in model.parameters())
    s["macs"] = s["conv_macs"] + s["linear_macs"]
    return dict(s)


def formulas(s: dict[str, int]) -> dict[str, tuple[int, str]]:
    """Each tool's total rebuilt from the shape counts, with the terms it adds."""

    def g(key: str) -> int:
        return s.get(key, 0)

    macs, bias = s["macs"], g("conv_bias_outputs") + g("linear_bias")
    bn, relu, relu6 = g("bn_elements"), g("out_ReLU"), g("out_ReLU6")
    pool_in, pool_out = g("adaptive_avgpool_in"), g("adaptive_avgpool_out")
    fpool_in, fpool_out = g("functional_adaptive_avgpool_in"), g("functional_adaptive_avgpool_out")
    # ONNX: every conv here is followed by a BN or has a bias, so after folding all have one.
    onnx_common = (
        relu
        + 2 * relu6  # Clip
        + 5 * g("out_Hardswish")  # HardSwish
        + 4 * g("out_Hardsigmoid")  # HardSigmoid
        + 33 * g("out_SiLU")  # SiLU → Sigmoid (EXP_MACS 32) + Mul
        + 32 * g("out_Sigmoid")
        + g("functional_mul")
        + g("functional_add")
        + g("maxpool_out_x_k2")
        + s["linear_macs"]
        + g("linear_bias")
    )
    return {
        "fvcore": (
            macs + 2 * bn + pool_in + fpool_in,
            "conv+linear MACs (biases ignored) + 2·BN elements + adaptive_avg_pool2d input"
            " elements (module or functional); relu, hardtanh, hardswish, silu, sigmoid,"
            " hardsigmoid, max_pool2d, add, mul are 'unsupported' and count 0",
        ),
        "ptflops pytorch": (
            macs
            + bias
            + 2 * bn
            + 2 * relu
            + relu6
            + g("out_SiLU")
            + 2 * pool_in
            + fpool_in
            + 2 * g("maxpool_in"),
            "conv+linear MACs + conv/linear biases per output + 2·BN elements + ReLU elements"
            " twice (module hook + patched F.relu it calls) + ReLU6 once (nn.ReLU6 calls"
            " F.hardtanh, not patched) + SiLU once (no module hook, patched F.silu) +"
            " AdaptiveAvgPool2d/MaxPool2d input twice (module + patched F.*pool*) + functional"
            " F.adaptive_avg_pool2d input; `a + b`, `+=`, `*` never reach the patched"
            " torch.add/Tensor.add/mul, so residual adds and SE multiplies count 0;"
            " Hardswish/Hardsigmoid/Sigmoid count 0",
        ),
        "ptflops pytorch count_functional=False": (
            macs + bias + 2 * bn + relu + relu6 + pool_in + g("maxpool_in"),
            "conv+linear MACs + biases + 2·BN + ReLU/ReLU6 elements + pool input elements",
        ),
        "ptflops aten": (
            macs + bias,
            "aten.convolution (+1 per output element with bias) and aten.addmm (+bias)",
        ),
        "thop": (
            macs + 4 * bn + pool_in + pool_out,
            "conv+linear MACs (biases ignored) + 4·BN elements (2·numel, doubled for affine) +"
            " AdaptiveAvgPool2d (HW+1)·C = input + output elements; ReLU, MaxPool, functional"
            " ops 0; SiLU/Hardswish/Sigmoid/Hardsigmoid have no rule (0)",
        ),
        "torchinfo": (
            macs + bias + 2 * g("bn_channels"),
            "params × output positions for convs (bias included); params × batch for the rest:"
            " Linear in·out+out, BatchNorm 2·C (γ and β once, not per element)",
        ),
        "FlopCounterMode": (2 * macs, "2 × conv+linear MACs (aten convolution/addmm only)"),
        "onnx-tool NAME.onnx macs": (
            s["conv_macs"] + g("out_Conv2d") + onnx_common + pool_in + fpool_in,
            "BN folded by the exporter: conv MACs + 1 per conv output element (folded bias) +"
            " Relu 1, Clip 2, HardSwish 5, HardSigmoid 4, Sigmoid 32 (SiLU = Sigmoid + Mul) per"
            " element + Mul/Add 1 per element + MaxPool out·k² + ReduceMean input elements +"
            " Gemm in·out+out",
        ),
        "onnx-tool NAME.onnx params": (
            g("conv_params") + g("bn_channels") + g("linear_params") + 2,
            "conv weights + conv biases (one per BN channel folded in) + Gemm; +2: the int64"
            " ReduceMean axes initializer [2, 3] is counted as parameters",
        ),
        "onnx-tool NAME_bn.onnx macs": (
            s["conv_macs"]
            + g("conv_bias_outputs")
            + 31 * bn
            + onnx_common
            + pool_in
            + 4 * pool_out
            + fpool_in
            + 4 * fpool_out,
            "conv MACs + bias per output element + BatchNormalization 31 per element"
            " (add+sqrt 24+div 4+add+mul) + the NAME.onnx activation terms + GlobalAveragePool"
            " input + 4·output (division) + Gemm in·out+out",
        ),
        "onnx-tool NAME_bn.onnx params": (
            s["params"] + 2 * g("bn_channels"),
            "torch parameters + BN running mean and variance (4 per BN channel in all)",
        ),
    }


def explain(s: dict[str, int], res: dict[str, Any], name: str) -> dict[str, Any]:
    fused = res["onnx_tool"].get(f"{name}.onnx", {})
    bn = res["onnx_tool"].get(f"{name}_bn.onnx", {})
    got = {
        "fvcore": res["fvcore"]["total"],
        "ptflops pytorch": res["ptflops"]["pytorch"]["total"],
        "ptflops pytorch count_functional=False": res["ptflops"]
        .get("pytorch count_functional=False", {})
        .get("total"),
        "ptflops aten": res["ptflops"].get("aten", {}).get("total"),
        "thop": res["thop"]["total"],
        "torchinfo": res["torchinfo"]["total_mult_adds"],
        "FlopCounterMode": res["flop_counter"]["total_flops"],
        "onnx-tool NAME.onnx macs": fused.get("macs"),
        "onnx-tool NAME.onnx params": fused.get("params"),
        "onnx-tool NAME_bn.onnx macs": bn.get("macs"),
        "onnx-tool NAME_bn.onnx params": bn.get("params"),
    }
    out: dict[str, Any] = {}
    for tool, (want, why) in formulas(s).items():
        have = got[tool]
        base = s["params"] if tool.endswith("params") else s["macs"]
        if have is None:
            out[tool] = {"tool": None, "formula": want, "verdict": "not run", "why": why}
            continue
        verdict = "ok" if have == want else f"MISMATCH (tool - formula = {have - want:+,})"
        out[tool] = {"tool": have, "formula": want, "minus_reference": have - base}
        out[tool].update(verdict=verdict, why=why)
    return out


def probe_onnx(name: str, onnx_dir: str) -> dict[str, Any]:
    """onnx-tool on the probe exported as the networks' BN-preserving files are (legacy exporter,
    opset 17, no constant folding); the exporter's or the tool's failure is a result too."""
    import torch

    path = os.path.join(onnx_dir, f"probe_{name}.onnx")
    x = torch.randn(1, *PROBE_INPUT, generator=torch.Generator().manual_seed(1))
    try:
        return onnx_tool_bn(name, x, path)
    except Exception as exc:
        return {"error": repr(exc)[:500]}


def onnx_tool_bn(name: str, x: Any, path: str) -> dict[str, Any]:
    """onnx-tool on the model exported to ``path`` keeping every BatchNorm, as NAME_bn.onnx is
    (legacy TorchScript exporter, opset 17, no constant folding)."""
    import torch

    with quiet():
        torch.onnx.export(
            build(name),
            (x,),
            path,
            input_names=["x"],
            dynamo=False,
            opset_version=17,
            do_constant_folding=False,
        )
    return onnx_tool_profile(path)


def run_probes(onnx_dir: str) -> dict[str, Any]:
    import torch

    x = torch.randn(1, *PROBE_INPUT, generator=torch.Generator().manual_seed(1))
    os.makedirs(onnx_dir, exist_ok=True)
    out: dict[str, Any] = {}
    for name in PROBE_NAMES:
        print(f"probe {name}", file=sys.stderr)
        out[name] = {
            "fvcore": run_fvcore(name, x),
            "ptflops": run_ptflops(name, PROBE_INPUT),
            "thop": run_thop(name, x),
            "torchinfo": run_torchinfo(name, x),
            "flop_counter": run_flop_counter(name, x),
            "onnx_tool": probe_onnx(name, onnx_dir),
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--onnx-dir", default="/work/ref/onnx")
    ap.add_argument("--no-export", action="store_true", help="profile existing ONNX files")
    ap.add_argument("--resolution", type=int, default=224)
    ap.add_argument("--networks", nargs="+", default=NETWORKS, help=f"also: {', '.join(VARIANTS)}")
    ap.add_argument(
        "--probe",
        action="store_true",
        help="instead of networks, count single ops on a 1×8×14×14 input (PROBE_NAMES); "
        "--out then defaults to /work/ref/tool_probe.json",
    )
    args = ap.parse_args()
    define_torchvision_ops()
    import torch

    torch.set_num_threads(2)
    if args.probe:
        out = args.out if args.out != DEFAULT_OUT else "/work/ref/tool_probe.json"
        doc = {"versions": versions(), "input": [1, *PROBE_INPUT]}
        doc["probes"] = run_probes(os.path.join(args.onnx_dir, "probes"))
        with open(out, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"wrote {out}", file=sys.stderr)
        return 0
    res = args.resolution
    x = torch.randn(1, 3, res, res, generator=torch.Generator().manual_seed(1))
    doc: dict[str, Any] = {"versions": versions(), "resolution": res, "networks": {}}
    if not args.no_export:
        os.makedirs(args.onnx_dir, exist_ok=True)
        doc["onnx_exports"] = {}
        extra = ONNX_ONLY if args.networks == NETWORKS else []
        for name in args.networks + extra:
            print(f"export {name}", file=sys.stderr)
            doc["onnx_exports"].update(export_onnx(name, args.onnx_dir, res))
    for name in args.networks:
        print(f"count {name}", file=sys.stderr)
        r: dict[str, Any] = {}
        r["shapes"] = shape_stats(name, x)
        r["fvcore"] = run_fvcore(name, x)
        r["ptflops"] = run_ptflops(name, (3, res, res))
        r["thop"] = run_thop(name, x)
        r["torchinfo"] = run_torchinfo(name, x)
        r["flop_counter"] = run_flop_counter(name, x)
        r["onnx_tool"] = {}
        for suffix in ("", "_bn"):
            path = os.path.join(args.onnx_dir, f"{name}{suffix}.onnx")
            if os.path.exists(path):
                try:
                    r["onnx_tool"][f"{name}{suffix}.onnx"] = onnx_tool_profile(path)
                except Exception as exc:  # the tool's own failure is a result too
                    r["onnx_tool"][f"{name}{suffix}.onnx"] = {"error": repr(exc)[:500]}
        r["explained"] = explain(r["shapes"], r, name)
        doc["networks"][name] = r
        for tool, e in r["explained"].items():
            print(f"  {tool:<40}{e['tool']:>16,}  {e['verdict']}", file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
