"""A small, independent reading of docs/graph-format.md: walk a graph spec (plain data, as the
ONNX importer writes it) and count mult-adds and parameters under torchvision's convention
(biases counted, BatchNorm 2 per channel). Written from the format's table alone, before the
engine existed; now every walk is also costed by the engine (validated as a user's YAML would be),
which must agree on the totals and on every layer's output shape."""

from __future__ import annotations

import math
from typing import Any

HWC = tuple[int, int, int]


def _two(value: Any) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def _pads(value: Any) -> tuple[int, int, int, int]:
    if isinstance(value, int):
        return (value, value, value, value)
    if len(value) == 2:
        return (value[0], value[1], value[0], value[1])
    return tuple(value)  # type: ignore[return-value]


def _side(
    size: int, k: int, s: int, before: int, after: int, d: int = 1, ceil: bool = False
) -> int:
    span = size + before + after - d * (k - 1) - 1
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= size + before:
        out -= 1
    return out


def walk(spec: dict[str, Any]) -> tuple[int, int, dict[str, HWC]]:
    """(mult-adds, params, every layer's output shape [H, W, C])."""
    size = spec["input"]["size"]
    h, w = _two(size)
    shapes: dict[str, HWC] = {"input": (h, w, spec["input"]["channels"])}
    previous = "input"
    macs = params = 0
    for layer in spec["layers"]:
        source = layer.get("from", previous)
        sources = source if isinstance(source, list) else [source]
        ih, iw, c = shapes[sources[0]]
        kind = layer["type"]
        shared = "shares" in layer
        if kind in ("conv", "dw", "pw"):
            k = _two(layer.get("kernel_size", 1 if kind == "pw" else 3))
            s = _two(layer.get("stride", 1))
            d = _two(layer.get("dilation", 1))
            top, left, bottom, right = _pads(layer.get("padding", 0))
            n = c if kind == "dw" else layer["filters"]
            g = c if kind == "dw" else layer.get("groups", 1)
            oh = _side(ih, k[0], s[0], top, bottom, d[0])
            ow = _side(iw, k[1], s[1], left, right, d[1])
            weights = k[0] * k[1] * (c // g) * n
            macs += weights * oh * ow
            own = weights + (n if layer["bias"] else 0) + (2 * n if layer["bn"] else 0)
            params += 0 if shared else own  # `shares`: all of its parameters are counted there
            out = (oh, ow, n)
        elif kind == "fc":
            units = layer["units"]
            macs += ih * iw * c * units
            params += 0 if shared else ih * iw * c * units + (units if layer["bias"] else 0)
            out = (1, 1, units)
        elif kind == "bn":
            params += 2 * c
            out = (ih, iw, c)
        elif kind == "pool":
            if layer.get("global"):
                out = (1, 1, c)
            else:
                k = _two(layer["kernel_size"])
                s = _two(layer.get("stride", layer["kernel_size"]))
                top, left, bottom, right = _pads(layer.get("padding", 0))
                ceil = layer.get("ceil_mode", False)
                out = (
                    _side(ih, k[0], s[0], top, bottom, ceil=ceil),
                    _side(iw, k[1], s[1], left, right, ceil=ceil),
                    c,
                )
        elif kind == "add":
            assert len({shapes[x] for x in sources}) == 1, layer
            out = (ih, iw, c)
        elif kind == "concat":
            assert len({shapes[x][:2] for x in sources}) == 1, layer
            out = (ih, iw, sum(shapes[x][2] for x in sources))
        elif kind == "mul":
            x, gate = (shapes[s] for s in sources)
            assert gate == x or gate == (1, 1, x[2]), layer
            out = x
        elif kind == "split":
            assert c % layer["parts"] == 0
            out = (ih, iw, c // layer["parts"])
        elif kind in ("shuffle", "act"):
            assert kind == "act" or c % layer["groups"] == 0
            out = (ih, iw, c)
        elif kind == "other":
            params += layer.get("params", 0)
            out = tuple(layer["output"]) if "output" in layer else (ih, iw, c)  # type: ignore[assignment]
        else:
            raise AssertionError(f"unknown layer type {kind}")
        shapes[layer["name"]] = out
        previous = layer["name"]
    engine = engine_count(spec)
    assert engine[:2] == (macs, params), (engine[:2], (macs, params))
    assert all(engine[2][name] == shape for name, shape in shapes.items() if name in engine[2])
    return macs, params, shapes


def engine_count(spec: dict[str, Any]) -> tuple[int, int, dict[str, HWC]]:
    """The engine's count of a spec, validated first exactly as a YAML file would be."""
    from convcost.graph import compile_graph
    from convcost.load import Source, validate
    from convcost.network import Conventions, Variant, evaluate
    from convcost.spec import NetworkSpec

    full = {"name": "imported", "classes": 1000, **spec}
    graph = compile_graph(validate(NetworkSpec, full, Source("spec")).normalized())
    rows = evaluate(graph, Variant(), Conventions(bias=True, bn_params=2))
    shapes = {row.name: row.output for row in rows}
    return sum(r.cost.macs for r in rows), sum(r.cost.params for r in rows), shapes


def elements(shape: HWC) -> int:
    return math.prod(shape)
