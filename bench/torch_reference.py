"""Layer-by-layer ground truth from a torchvision classification model, as JSON.

Run by hand with a Python that has torch and torchvision (not part of the package or the tests):

    /work/tv-venv/bin/python bench/torch_reference.py MODEL [--resolution N | HxW]
        [--kwarg key=value ...] [--out FILE] [--expect MACS PARAMS]

e.g. `torch_reference.py mobilenet_v3_large --kwarg width_mult=0.75 --out ref.json`. The model is
built with random weights (`torchvision.models.get_model(MODEL, weights=None, **kwargs)`), put in
eval mode and run once on a 1×3×H×W input. It prints (or writes) one JSON document:

- `layers`: every leaf module call in execution order: qualified name, class, input shape(s) and
  output shape as [H, W, C] (batch dropped; a 2-D [N, F] tensor is [1, 1, F]), mult-adds of
  Conv2d (kh·kw·(Cin/groups)·Cout·Hout·Wout) and Linear (in·out), its parameters (numel of
  `module.parameters()`: BatchNorm counts γ and β, not the running statistics) and the
  attributes that decide shapes (kernel, stride, padding, groups, ceil_mode, ...).
- `functional_ops`: tensor-returning torch calls made outside every leaf module, which forward
  hooks cannot see: residual adds (`+`, `+=`, torch.add), torch.cat, SE multiplies (`scale * x`),
  functional pooling (`x.mean([2, 3])`, F.adaptive_avg_pool2d), F.relu, flatten, the reshapes of
  the channel shuffle. Caught with a `torch.overrides.TorchFunctionMode` during the same forward
  pass; each has the innermost enclosing module's name, shapes and output elements. `seq` numbers
  are shared with `layers`, so the two lists merge into one execution order.
- `functional_summary`: counts and output elements per category (add, cat, mul) and per op.
- `fx`: the same categories counted from `torch.fx.symbolic_trace` graph nodes, as a cross-check
  (best effort: an error string where tracing fails).
- `totals`: conv and linear mult-adds, their sum, `sum(p.numel() for p in model.parameters())`,
  and the leaf-module parameter sum (equal unless a module is shared or holds direct parameters).

`--expect MACS PARAMS` exits 1 if the totals differ.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from typing import Any

_TV_OPS_LIB: Any = None  # keeps the op-schema library alive for the process


def define_torchvision_ops() -> None:
    """Let a CUDA-built torchvision wheel import beside a CPU torch.

    Its `_meta_registrations` registers fake kernels for torchvision::nms and qnms, which fail
    when the compiled extension did not load ("operator torchvision::nms does not exist").
    Defining the two schemas first is enough for the classification model builders.
    """
    global _TV_OPS_LIB
    import torch

    if _TV_OPS_LIB is not None:
        return
    try:
        lib = torch.library.Library("torchvision", "DEF")
        lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    except RuntimeError:  # already defined (the extension did load after all)
        return
    _TV_OPS_LIB = lib


def parse_resolution(text: str) -> tuple[int, int]:
    h, _, w = text.lower().partition("x")
    return int(h), int(w or h)


def parse_kwargs(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise SystemExit(f"--kwarg {item!r}: expected key=value")
        try:
            out[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            out[key] = value
    return out


def hwc(shape: Any) -> list[int]:
    """[N, C, H, W] → [H, W, C]; [N, F] → [1, 1, F]; otherwise the batch is dropped."""
    dims = list(shape)
    if len(dims) == 4:
        return [dims[2], dims[3], dims[1]]
    if len(dims) == 2:
        return [1, 1, dims[1]]
    return dims[1:]


def tensors(value: Any) -> list[Any]:
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in tensors(v)]
    return []


def attrs(module: Any) -> dict[str, Any]:
    """The module's shape-deciding attributes, JSON-ready."""
    names = [
        *("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation"),
        *("groups", "padding_mode", "in_features", "out_features", "num_features", "eps"),
        *("momentum", "output_size", "ceil_mode", "count_include_pad", "p", "inplace"),
        *("start_dim", "end_dim"),
    ]
    out: dict[str, Any] = {}
    for name in names:
        if hasattr(module, name):
            value = getattr(module, name)
            if isinstance(value, (int, float, str, bool, tuple, list)) or value is None:
                out[name] = list(value) if isinstance(value, tuple) else value
    if hasattr(module, "bias") and (
        hasattr(module, "kernel_size") or hasattr(module, "in_features")
    ):
        out["bias"] = module.bias is not None
    return out


def macs_of(module: Any, out_shape: list[int]) -> int | None:
    from torch import nn

    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        cin_g = module.in_channels // module.groups
        return kh * kw * cin_g * module.out_channels * out_shape[0] * out_shape[1]
    if isinstance(module, nn.Linear):
        rows = 1
        for d in out_shape[:-1]:
            rows *= d
        return module.in_features * module.out_features * rows
    return None


CATEGORIES = {
    "add": {"add", "add_", "__add__", "__iadd__", "__radd__"},
    "cat": {"cat", "concat", "concatenate"},
    "mul": {"mul", "mul_", "__mul__", "__imul__", "__rmul__"},
}


def category(op: str) -> str | None:
    short = op.rsplit(".", 1)[-1]
    return next((c for c, names in CATEGORIES.items() if short in names), None)


def op_name(func: Any) -> str:
    qual = getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))
    if qual.startswith(("Tensor.", "_TensorBase.", "TensorBase.")):
        return "Tensor." + qual.split(".", 1)[1]
    if qual.startswith("_VariableFunctionsClass."):  # torch.flatten, torch.cat, ...
        return "torch." + qual.split(".", 1)[1]
    mod = getattr(func, "__module__", None) or "torch"
    if mod.startswith("torch._C"):
        mod = "torch"
    return f"{mod}.{qual}"


def trace(model: Any, x: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One forward pass: leaf-module records and functional ops outside leaves, in order."""
    import torch
    from torch.overrides import TorchFunctionMode

    names = {m: n for n, m in model.named_modules()}
    leaves = {m for m in names if not any(True for _ in m.children())}
    stack: list[Any] = []
    layers: list[dict[str, Any]] = []
    ops: list[dict[str, Any]] = []
    seq = [0]

    def pre(module: Any, _inputs: Any) -> None:
        stack.append(module)

    def post(module: Any, inputs: Any, output: Any) -> None:
        stack.pop()
        if module not in leaves:
            return
        outs = tensors(output)
        out_shape = hwc(outs[0].shape) if outs else None
        rec: dict[str, Any] = {
            "seq": seq[0],
            "name": names[module],
            "class": type(module).__name__,
            "input_shapes": [hwc(t.shape) for t in tensors(inputs)],
            "output_shape": out_shape,
            "macs": macs_of(module, out_shape) if out_shape else None,
            "params": sum(p.numel() for p in module.parameters()),
            "attrs": attrs(module),
        }
        if len(outs) > 1:
            rec["output_shapes"] = [hwc(t.shape) for t in outs]
        layers.append(rec)
        seq[0] += 1

    class Functional(TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None):
            result = func(*args, **(kwargs or {}))
            if stack and stack[-1] in leaves:
                return result
            outs = tensors(result)
            name = op_name(func)
            if not outs or name.endswith("__get__"):
                return result
            ops.append(
                {
                    "seq": seq[0],
                    "op": name,
                    "category": category(name),
                    "parent": names.get(stack[-1], "?") if stack else "",
                    "input_shapes": [hwc(t.shape) for t in tensors(list(args))],
                    "output_shape": hwc(outs[0].shape),
                    "output_elements": sum(t[0].numel() for t in outs if t.dim() > 0),
                }
            )
            seq[0] += 1
            return result

    handles = []
    for m in names:
        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    try:
        with torch.no_grad(), Functional():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return layers, ops


def summarize(ops: list[dict[str, Any]]) -> dict[str, Any]:
    by_cat: dict[str, dict[str, int]] = {c: {"count": 0, "elements": 0} for c in CATEGORIES}
    by_op: dict[str, dict[str, int]] = {}
    for op in ops:
        if op["category"]:
            by_cat[op["category"]]["count"] += 1
            by_cat[op["category"]]["elements"] += op["output_elements"]
        entry = by_op.setdefault(op["op"], {"count": 0, "elements": 0})
        entry["count"] += 1
        entry["elements"] += op["output_elements"]
    return {**by_cat, "by_op": by_op}


def fx_counts(model: Any) -> dict[str, Any]:
    """Categories counted from torch.fx graph nodes (call_function / call_method)."""
    import operator

    import torch

    targets = {
        "add": {operator.add, operator.iadd, torch.add},
        "cat": {torch.cat, getattr(torch, "concat", torch.cat)},
        "mul": {operator.mul, operator.imul, torch.mul},
    }
    try:
        graph = torch.fx.symbolic_trace(model).graph
    except Exception as exc:  # best effort: some models are not symbolically traceable
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}
    out: dict[str, Any] = {c: 0 for c in targets}
    other: dict[str, int] = {}
    for node in graph.nodes:
        if node.op == "call_function":
            cat = next((c for c, t in targets.items() if node.target in t), None)
            key = getattr(node.target, "__name__", str(node.target))
        elif node.op == "call_method":
            cat = category(node.target)
            key = f"Tensor.{node.target}"
        else:
            continue
        if cat:
            out[cat] += 1
        other[key] = other.get(key, 0) + 1
    out["by_target"] = other
    return out


def reference(name: str, resolution: tuple[int, int], kwargs: dict[str, Any]) -> dict[str, Any]:
    define_torchvision_ops()
    import torch
    import torchvision
    from torchvision import models

    torch.manual_seed(0)
    model = models.get_model(name, weights=None, **kwargs).eval()
    h, w = resolution
    x = torch.randn(1, 3, h, w)
    layers, ops = trace(model, x)
    conv = sum(r["macs"] for r in layers if r["class"] == "Conv2d")
    linear = sum(r["macs"] for r in layers if r["class"] == "Linear")
    classes: dict[str, int] = {}
    for r in layers:
        classes[r["class"]] = classes.get(r["class"], 0) + 1
    return {
        "model": name,
        "kwargs": kwargs,
        "resolution": [h, w],
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__},
        "convention": (
            "shapes [H, W, C], batch 1 dropped; macs = conv kh*kw*(Cin/groups)*Cout*Hout*Wout "
            "and linear in*out, no bias/BN/activation/pool; params = numel of "
            "module.parameters() (BN gamma+beta, not running stats)"
        ),
        "layers": layers,
        "functional_ops": ops,
        "functional_summary": summarize(ops),
        "fx": fx_counts(model),
        "totals": {
            "conv_macs": conv,
            "linear_macs": linear,
            "macs": conv + linear,
            "params": sum(p.numel() for p in model.parameters()),
            "params_leaf_sum": sum(r["params"] for r in layers),
            "leaf_calls": len(layers),
            "leaf_calls_by_class": classes,
            "output_shape": layers[-1]["output_shape"] if layers else None,
        },
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", help="torchvision model name, e.g. resnet50, mobilenet_v3_small")
    ap.add_argument("--resolution", default="224", help="N or HxW (default 224)")
    ap.add_argument("--kwarg", action="append", default=[], help="builder kwarg key=value")
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    ap.add_argument("--expect", nargs=2, type=int, metavar=("MACS", "PARAMS"))
    args = ap.parse_args()
    doc = reference(args.model, parse_resolution(args.resolution), parse_kwargs(args.kwarg))
    text = json.dumps(doc, indent=1) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    t = doc["totals"]
    said = f"{args.model} {args.resolution} {doc['kwargs']}"
    print(f"{said}: {t['macs']:,} MACs, {t['params']:,} params", file=sys.stderr)
    if args.expect and (t["macs"], t["params"]) != tuple(args.expect):
        print(f"MISMATCH: expected {args.expect[0]:,} / {args.expect[1]:,}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
