"""An ONNX model file → a network spec in the graph format (docs/graph-format.md), as plain data,
with a record of what convcost cannot cost.

Three steps, one way:

1. ``_read`` (the only code that touches onnx): parse the file, check it, pin the input's dynamic
   dimensions, fold every node that computes only constants or shapes (weights held by
   ConstantOfShape or Constant nodes included), and learn every tensor's shape from
   ``onnx.shape_inference`` plus this module's own constant folding where inference leaves a
   dimension unknown (Shape → Gather → Concat → Reshape chains). The result is a ``_Graph``:
   plain nodes, shapes and constants, no protobuf.
2. ``_rewrite``: graph → graph. Patterns that are one thing in the spec become one node:
   hardswish and hardsigmoid written out as Add/Clip/Div/Mul, swish as x·sigmoid(x), ReLU6 as
   Clip, Caffe's BatchNorm + Scale, Reshape/Transpose/Reshape channel shuffles, a zero Pad before a
   Conv; Dropout and Identity (and a Flatten or Reshape that only feeds an fc) are bypassed.
3. ``_Emitter``: node by node, in order, to layer entries: BatchNorm, activations and bias adds are
   folded into the layer that produces their input when nothing else reads it, else they are
   layers of their own; ops convcost does not cost become ``other`` layers and are tallied.

``import_onnx(path)`` runs all three; only step 1 needs onnx, imported when it is called.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convcost.errors import MissingExtraError, SpecError
from convcost.spec_yaml import spec_to_yaml

if TYPE_CHECKING:
    import numpy as np
    import onnx

Dims = tuple[int, ...]
PartialDims = tuple[int | None, ...]
HWC = tuple[int, int, int]

MIN_OPSET = 7
"""The oldest default-domain opset read: BatchNormalization and friends took their modern form in 7."""

SMALL = 4096
"""Constants up to this many elements have their values evaluated (shapes, axes, Clip bounds,
the 3 and 6 of hardswish); larger ones (weights) are known by their shape alone."""

INSTALL_HINT = (
    'reading ONNX files needs the onnx package, an optional extra: pip install -e ".[onnx]" '
    '(from a checkout) or pip install "convcost[onnx]"'
)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncosted:
    """One op type convcost does not cost: how many nodes, and the tensor elements they produce
    (per image, all outputs)."""

    op: str
    count: int
    elements: int


@dataclass(frozen=True)
class Imported:
    """What ``import_onnx`` read: the spec (plain data in the graph format), the ops it does not
    cost, and notes on every decision a reader of the spec should know about."""

    spec: dict[str, Any]
    uncosted: tuple[Uncosted, ...]
    notes: tuple[str, ...]
    source: str

    def header(self) -> list[str]:
        """Comment lines for the YAML file: where it came from, what it leaves out."""
        lines = [
            f"Imported from {self.source} by `convcost import`. Each layer declares the bias,",
            "BatchNorm and activation the file has; cost it with e.g.",
            "  convcost model THIS.yaml --preset torchvision",
        ]
        if self.uncosted:
            ops = ", ".join(f"{u.op} ×{u.count} ({u.elements:,} elements)" for u in self.uncosted)
            lines.append(f"Not costed (type: other, counted as 0): {ops}.")
        else:
            lines.append("Every op of the file is costed.")
        lines += [f"Note: {note}" for note in self.notes]
        return lines

    def to_yaml(self) -> str:
        return spec_to_yaml(self.spec, header=self.header())


def import_onnx(path: str | PathLike[str], input_shape: Sequence[int] | None = None) -> Imported:
    """Read an ONNX model file into a network spec.

    ``input_shape`` pins the input's dimensions: the full shape (N, C, H, W), or (H, W) for an
    image input. Without it a dynamic batch is pinned to 1 and any other dynamic dimension is an
    error. A batch above 1 is fine: the spec is per image.

    Raises ``SpecError`` (one line: path, problem, what is allowed) for a file that is not a
    readable ONNX model, and ``MissingExtraError`` when onnx is not installed.
    """
    graph = _read(str(path), input_shape)
    return convert(graph)


def _require_onnx() -> Any:
    try:
        import onnx
        import onnx.numpy_helper
        import onnx.shape_inference
    except ImportError:
        raise MissingExtraError(INSTALL_HINT) from None
    return onnx


# --- the plain graph ---------------------------------------------------------------------------


@dataclass
class _Const:
    """A tensor known before the input is: a weight, a shape, a scalar."""

    dims: Dims
    known: np.ndarray[Any, Any] | None
    floating: bool
    root: str
    """The tensor it is the same data as (through Identity, Cast, DequantizeLinear, ...): two
    layers with one root share their weights."""
    load: Callable[[], np.ndarray[Any, Any]] | None = None
    """Decodes the value when it is first needed: most small initializers (BatchNorm
    statistics) are only ever needed by their shape."""

    @property
    def size(self) -> int:
        return math.prod(self.dims)

    @property
    def value(self) -> np.ndarray[Any, Any] | None:
        if self.known is None and self.load is not None and self.size <= SMALL:
            self.known, self.load = self.load(), None
        return self.known

    def scalar(self) -> float | None:
        """Its value when it is one number repeated (3, 6, 1/6), else None."""
        if self.value is None or self.value.size == 0:
            return None
        first = self.value.flat[0]
        if not (self.value == first).all():
            return None
        return float(first)


@dataclass
class _Node:
    op: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any]
    name: str
    domain: str = ""


@dataclass
class _Graph:
    """A model reduced to what the spec needs: activation nodes in order (constants folded),
    full shapes (batch included) of every tensor, constants, and what reading decided."""

    source: str
    name: str
    description: str
    input: str
    batch: int
    nodes: list[_Node]
    dims: dict[str, Dims]
    consts: dict[str, _Const]
    outputs: list[str]
    notes: Counter[str] = field(default_factory=Counter)
    opset: int = 13

    def image(self, tensor: str) -> HWC:
        """The spec's per-image shape [H, W, C] of a tensor (batch dropped)."""
        dims = self.dims[tensor]
        if len(dims) == 4 and dims[0] == self.batch:
            return (dims[2], dims[3], dims[1])
        if len(dims) == 3 and dims[0] == self.batch:
            return (1, dims[2], dims[1])
        if len(dims) == 2 and dims[0] == self.batch:
            return (1, 1, dims[1])
        total = math.prod(dims)
        return (1, 1, total // self.batch if total % self.batch == 0 else total)

    def elements(self, tensor: str) -> int:
        h, w, c = self.image(tensor)
        return h * w * c


# --- step 1: reading the file (the only code that uses onnx) -----------------------------------


def _read(path: str, input_shape: Sequence[int] | None) -> _Graph:
    onnx = _require_onnx()
    model = _load(onnx, path)
    return _Reader(onnx, model, path, input_shape).graph()


def _fail(path: str, problem: str, allowed: str) -> SpecError:
    return SpecError(f"{path}: {problem}; {allowed}")


def _load(onnx: Any, path: str) -> Any:
    file = Path(path)
    if not file.exists():
        raise _fail(path, "no such file", "give the path of an .onnx model")
    if file.is_dir():
        raise _fail(path, "is a directory", "give the path of an .onnx model file")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fail(
            path, f"cannot be read ({exc.strerror})", "give a readable .onnx file"
        ) from None
    if not data:
        raise _fail(path, "is empty", "expected an ONNX model (a serialized ModelProto)")
    what = "expected a complete ONNX model as written by onnx.save or an exporter"
    try:
        model = onnx.ModelProto()
        model.ParseFromString(data)
    except Exception as exc:  # protobuf's DecodeError, or whatever a damaged file makes it raise
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(path, f"is not an ONNX model or is truncated ({reason})", what) from None
    if not model.HasField("graph") or not model.ir_version or not model.graph.node:
        raise _fail(path, "is not an ONNX model (no graph, IR version or nodes)", what)
    if not model.opset_import or not model.graph.output:
        raise _fail(path, "is not an ONNX model or is truncated (no opset or no outputs)", what)
    return model


_FLOAT_TYPES = {1, 10, 11, 16, 17, 18, 19, 20, 23, 24}
"""TensorProto element types that hold real numbers (float32/16/64, bfloat16, float8/4 kinds)."""


class _Reader:
    def __init__(
        self, onnx: Any, model: onnx.ModelProto, path: str, input_shape: Sequence[int] | None
    ) -> None:
        self.onnx = onnx
        self.model = model
        self.path = path
        self.input_shape = input_shape
        self.notes: Counter[str] = Counter()
        self.base = Path(path).parent
        self.opset = 0
        self.input_value: Any = None

    def fail(self, problem: str, allowed: str) -> SpecError:
        return _fail(self.path, problem, allowed)

    def graph(self) -> _Graph:
        self._check_opset()
        model = self.model
        if model.functions:
            import onnx.inliner

            model = onnx.inliner.inline_local_functions(model)
        graph = model.graph
        consts = self._initializers(graph)
        image, dims = self._input(graph, consts)
        nodes = self._nodes(graph, consts, image)
        shapes: dict[str, PartialDims] = {image: dims}
        known = self._infer(graph, image, dims, consts, {}, data_prop=False)
        shapes.update(known)
        read = {i for node in nodes for i in node.inputs} | {o.name for o in graph.output}
        for attempt in range(4):
            folded = self._fold(nodes, consts, shapes)
            missing = [
                out
                for node in nodes
                if not self._is_const(node, consts)
                for out in node.outputs
                if out in read and not _full(shapes.get(out))
            ]
            if not missing or attempt == 3:
                break
            again = self._infer(graph, image, dims, consts, folded, data_prop=True)
            if all(_full(again.get(out)) == _full(shapes.get(out)) for out in missing):
                break
            shapes.update({k: v for k, v in again.items() if _full(v) or k not in shapes})
        live = [node for node in nodes if not self._is_const(node, consts)]
        full = self._settle(live, shapes, consts)
        outputs = [o.name for o in graph.output]
        made = {image, *consts, *(out for node in nodes for out in node.outputs)}
        for name in outputs:
            if name not in made:
                raise self.fail(
                    f"the output {name!r} is produced by no node (a truncated or damaged file?)",
                    "expected a complete, valid ONNX graph",
                )
        live = _alive(live, outputs)
        producer = _producer_name(model)
        description = f"imported from {Path(self.path).name}" + (
            f" ({producer}, opset {self.opset})" if producer else f" (opset {self.opset})"
        )
        if dims[0] != 1:
            self.notes[f"batch {dims[0]}: the spec is per image"] += 1
        return _Graph(
            source=Path(self.path).name,
            name=Path(self.path).stem,
            description=description,
            input=image,
            batch=dims[0],
            nodes=live,
            dims=full,
            consts=consts,
            outputs=outputs,
            notes=self.notes,
            opset=self.opset,
        )

    # -- the checks of the file as a whole --

    def _check_opset(self) -> None:
        newest = self.onnx.defs.onnx_opset_version()
        allowed = f"convcost reads opsets {MIN_OPSET} to {newest} of the default domain (ai.onnx)"
        versions = {o.domain: o.version for o in self.model.opset_import}
        version = versions.get("", versions.get("ai.onnx"))
        if version is None:
            raise self.fail("imports no default-domain (ai.onnx) opset", allowed)
        if not MIN_OPSET <= version <= newest:
            raise self.fail(f"uses opset {version}, which convcost does not know", allowed)
        self.opset = int(version)

    def _initializers(self, graph: onnx.GraphProto) -> dict[str, _Const]:
        consts: dict[str, _Const] = {}
        to_array, base = self.onnx.numpy_helper.to_array, str(self.base)
        for tensor in graph.initializer:
            dims = tuple(int(d) for d in tensor.dims)
            if tensor.data_location == self.onnx.TensorProto.EXTERNAL:
                self._check_external(tensor)
            floating = tensor.data_type in _FLOAT_TYPES
            load = functools.partial(to_array, tensor, base)
            consts[tensor.name] = _Const(dims, None, floating, tensor.name, load)
        for sparse in graph.sparse_initializer:
            name = sparse.values.name
            dims = tuple(int(d) for d in sparse.dims)
            floating = sparse.values.data_type in _FLOAT_TYPES
            consts[name] = _Const(dims, None, floating, name)
        return consts

    def _check_external(self, tensor: onnx.TensorProto) -> None:
        info = {entry.key: entry.value for entry in tensor.external_data}
        location = info.get("location", "")
        file = self.base / location
        allowed = "keep the external data files beside the .onnx file, as it was saved"
        if not location or not file.is_file():
            raise self.fail(
                f"the weights {tensor.name!r} are in the external file {location!r}, which is missing",
                allowed,
            )
        end = int(info.get("offset", 0) or 0) + int(info.get("length", 0) or 0)
        if end > file.stat().st_size:
            raise self.fail(
                f"the external file {location!r} ends before the weights {tensor.name!r} (truncated)",
                allowed,
            )

    def _input(self, graph: onnx.GraphProto, consts: dict[str, _Const]) -> tuple[str, Dims]:
        allowed = "convcost reads models with one image input (N×C×H×W) or one vector input (N×C)"
        inputs = [i for i in graph.input if i.name not in consts]
        if len(inputs) != 1:
            names = ", ".join(repr(i.name) for i in inputs) or "none"
            raise self.fail(f"has {len(inputs)} inputs ({names})", allowed)
        value = inputs[0]
        tensor = value.type.tensor_type
        declared: list[int | str] = []
        for d in tensor.shape.dim:
            if d.HasField("dim_value") and d.dim_value > 0:
                declared.append(int(d.dim_value))
            else:
                declared.append(d.dim_param or "?")
        if not tensor.HasField("shape") or len(declared) not in (2, 4):
            raise self.fail(f"input {value.name!r} has shape {_show(declared)}", allowed)
        pinned = list(declared)
        given = self.input_shape
        nhwc = _nhwc(graph, value.name)
        channel = 3 if nhwc else 1
        if given is not None:
            shape = [int(v) for v in given]
            if len(shape) == 2 and len(declared) == 4:
                pinned[2 - nhwc : 4 - nhwc] = shape  # H, W
            elif len(shape) == len(declared):
                pinned = list(shape)
            else:
                raise self.fail(
                    f"the input shape {_show(shape)} does not fit input {value.name!r} {_show(declared)}",
                    f"give {len(declared)} sizes (N, C{', H, W' if len(declared) == 4 else ''})"
                    + (" or H, W" if len(declared) == 4 else ""),
                )
            if any(v < 1 for v in shape):
                raise self.fail(
                    f"the input shape {_show(shape)} has a size below 1", "give sizes ≥ 1"
                )
            if isinstance(declared[channel], int) and pinned[channel] != declared[channel]:
                raise self.fail(
                    f"the input shape has {pinned[channel]} channels but input {value.name!r} "
                    f"takes {declared[channel]}",
                    "keep the model's channel count",
                )
        if isinstance(pinned[0], str):
            self.notes[f"input batch dimension {pinned[0]!r} pinned to 1"] += 1
            pinned[0] = 1
        dynamic = [str(v) for v in pinned if isinstance(v, str)]
        if dynamic:
            example = "x".join(str(v) if isinstance(v, int) else "224" for v in pinned)
            raise self.fail(
                f"input {value.name!r} {_show(declared)} has dynamic dimensions ({', '.join(dynamic)})",
                f"pin them with the input shape (e.g. {example})",
            )
        self.input_value = value
        return value.name, tuple(int(v) for v in pinned)

    def _nodes(self, graph: onnx.GraphProto, consts: dict[str, _Const], image: str) -> list[_Node]:
        """The nodes in topological order, Constant nodes turned into constants; a tensor read
        but never produced is an error (a truncated or hand-broken file)."""
        helper = self.onnx.helper
        pending: list[_Node] = []
        for proto in graph.node:
            attrs: dict[str, Any] = {}
            for attr in proto.attribute:
                if attr.type in (self.onnx.AttributeProto.GRAPH, self.onnx.AttributeProto.GRAPHS):
                    attrs[attr.name] = None  # a subgraph: the node becomes `other`
                else:
                    attrs[attr.name] = helper.get_attribute_value(attr)
            if proto.op_type == "Constant" and proto.domain in ("", "ai.onnx"):
                consts[proto.output[0]] = self._constant(proto, attrs)
                continue
            pending.append(
                _Node(
                    proto.op_type,
                    list(proto.input),
                    list(proto.output),
                    attrs,
                    proto.name,
                    proto.domain,
                )
            )
        return self._ordered(pending, {image, "", *consts})

    def _ordered(self, nodes: list[_Node], available: set[str]) -> list[_Node]:
        """A topological order that keeps the file's wherever the file's is one (it must be,
        by the standard; a few writers slip). A tensor nobody produces is an error."""
        waiting: dict[str, list[int]] = {}
        blockers = [0] * len(nodes)
        for k, node in enumerate(nodes):
            for name in set(node.inputs) - available:
                waiting.setdefault(name, []).append(k)
                blockers[k] += 1
        ready = [k for k, count in enumerate(blockers) if count == 0]
        heapq.heapify(ready)
        ordered: list[_Node] = []
        while ready:
            k = heapq.heappop(ready)
            ordered.append(nodes[k])
            for name in nodes[k].outputs:
                for later in waiting.pop(name, []):
                    blockers[later] -= 1
                    if blockers[later] == 0:
                        heapq.heappush(ready, later)
        if len(ordered) < len(nodes):
            node = next(n for k, n in enumerate(nodes) if blockers[k])
            missing = next(i for i in node.inputs if i in waiting)
            raise self.fail(
                f"node {node.name or node.op!r} ({node.op}) reads {missing!r}, which no node produces"
                " (a truncated or damaged file?)",
                "expected a complete, valid ONNX graph",
            )
        return ordered

    def _constant(self, proto: onnx.NodeProto, attrs: dict[str, Any]) -> _Const:
        name = proto.output[0]
        np = _numpy()
        if "value" in attrs:
            tensor = attrs["value"]
            dims = tuple(int(d) for d in tensor.dims)
            load = functools.partial(self.onnx.numpy_helper.to_array, tensor, str(self.base))
            return _Const(dims, None, tensor.data_type in _FLOAT_TYPES, name, load)
        if "sparse_value" in attrs:
            sparse = attrs["sparse_value"]
            floating = sparse.values.data_type in _FLOAT_TYPES
            return _Const(tuple(int(d) for d in sparse.dims), None, floating, name)
        for key, dtype in (
            ("value_float", np.float32),
            ("value_floats", np.float32),
            ("value_int", np.int64),
            ("value_ints", np.int64),
        ):
            if key in attrs:
                array = np.array(attrs[key], dtype=dtype)
                return _Const(tuple(array.shape), array, dtype is np.float32, name)
        strings = attrs.get("value_string", attrs.get("value_strings", b""))
        array = np.array(strings, dtype=object)
        return _Const(tuple(array.shape), array, False, name)

    # -- constants and shapes --

    def _is_const(self, node: _Node, consts: dict[str, _Const]) -> bool:
        return all(out in consts for out in node.outputs if out)

    def _fold(
        self, nodes: list[_Node], consts: dict[str, _Const], shapes: dict[str, PartialDims]
    ) -> dict[str, np.ndarray[Any, Any]]:
        """Evaluate, in order, every node that reads only constants (or only a tensor's shape).
        Returns the values found for node outputs, to inject into another inference round."""
        values: dict[str, np.ndarray[Any, Any]] = {}
        for node in nodes:
            shape_only = node.op in ("Shape", "Size") and node.domain in ("", "ai.onnx")
            inputs = [i for i in node.inputs if i]
            if not shape_only and not all(i in consts for i in inputs):
                continue
            weights = any(consts[i].floating and consts[i].size > 16 for i in inputs if i in consts)
            try:  # weights are known by their shape; shapes, axes and scalars by value
                out = None if weights else _evaluate(self.onnx, node, consts, shapes)
            except Exception:  # an odd constant subgraph is not worth failing the import
                out = None
            if shape_only and out is None:
                continue  # the tensor's shape is not known yet
            for k, name in enumerate(node.outputs):
                if not name:
                    continue
                value = out[k] if out is not None and k < len(out) else None
                if value is not None:
                    full: Dims | None = tuple(int(d) for d in value.shape)
                    values[name] = value
                else:
                    full = _complete(shapes.get(name)) or _complete(_const_dims(node, consts))
                if full is None:
                    continue
                small = value if value is not None and value.size <= SMALL else None
                floating = (
                    small.dtype.kind == "f" if small is not None else _floating_output(node, consts)
                )
                root = _root(node, consts, name)
                consts[name] = _Const(full, small, floating, root)
                shapes[name] = full
        return values

    def _infer(
        self,
        graph: onnx.GraphProto,
        image: str,
        dims: Dims,
        consts: dict[str, _Const],
        folded: dict[str, np.ndarray[Any, Any]],
        data_prop: bool,
    ) -> dict[str, PartialDims]:
        """onnx.shape_inference on a skeleton of the model: the pinned input, large weights as
        typed inputs (their bytes are never copied), folded constants as initializers."""
        onnx = self.onnx
        helper, numpy_helper = onnx.helper, onnx.numpy_helper
        skeleton = onnx.GraphProto()
        skeleton.name = graph.name or "main"
        pinned = onnx.ValueInfoProto()
        pinned.CopyFrom(self.input_value)
        pinned.type.tensor_type.shape.ClearField("dim")
        for size in dims:
            pinned.type.tensor_type.shape.dim.add().dim_value = size
        skeleton.input.append(pinned)
        for tensor in graph.initializer:
            if tensor.name in folded:
                continue
            if (
                math.prod(tensor.dims) <= SMALL
                and tensor.data_location != onnx.TensorProto.EXTERNAL
            ):
                skeleton.initializer.append(tensor)
            else:
                skeleton.input.append(
                    helper.make_tensor_value_info(tensor.name, tensor.data_type, list(tensor.dims))
                )
        for sparse in graph.sparse_initializer:
            skeleton.input.append(
                helper.make_tensor_value_info(
                    sparse.values.name, sparse.values.data_type, list(sparse.dims)
                )
            )
        for node in graph.node:
            outputs = [o for o in node.output if o]
            if outputs and all(o in folded for o in outputs):
                continue
            if node.op_type == "Constant" and node.output[0] in consts:
                const = consts[node.output[0]]
                if const.size > SMALL:  # a large Constant: by its shape only
                    elem = next(
                        (a.t.data_type for a in node.attribute if a.name == "value"),
                        onnx.TensorProto.FLOAT,
                    )
                    skeleton.input.append(
                        helper.make_tensor_value_info(node.output[0], elem, list(const.dims))
                    )
                    continue
            skeleton.node.append(node)
        for name, value in folded.items():
            if value.dtype != object and value.size <= SMALL:
                skeleton.initializer.append(numpy_helper.from_array(value, name))
        for output in graph.output:
            skeleton.output.append(
                helper.make_tensor_value_info(output.name, output.type.tensor_type.elem_type, None)
            )
        model = helper.make_model(
            skeleton,
            opset_imports=list(self.model.opset_import),
            ir_version=max(self.model.ir_version, 4),
        )
        try:
            inferred = onnx.shape_inference.infer_shapes(
                model, check_type=False, strict_mode=False, data_prop=data_prop
            )
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise self.fail(
                f"its shapes cannot be inferred ({reason})", "expected a valid ONNX graph"
            ) from None
        shapes: dict[str, PartialDims] = {}
        graph_out = inferred.graph
        for info in [*graph_out.value_info, *graph_out.output]:
            tensor = info.type.tensor_type
            if tensor.HasField("shape"):
                shapes[info.name] = tuple(
                    int(d.dim_value) if d.HasField("dim_value") else None for d in tensor.shape.dim
                )
        return shapes

    def _settle(
        self, live: list[_Node], shapes: dict[str, PartialDims], consts: dict[str, _Const]
    ) -> dict[str, Dims]:
        """Every activation tensor's full shape; one inference could not tell (an op of a domain
        onnx does not know) takes its first input's, with a note."""
        full: dict[str, Dims] = {}
        for name, dims in shapes.items():
            complete = _complete(dims)
            if complete is not None:
                full[name] = complete
        for name, const in consts.items():
            full[name] = const.dims
        read = {i for node in live for i in node.inputs} | {o.name for o in self.model.graph.output}
        for node in live:
            for out in node.outputs:
                if out and out not in full and out in read:
                    first = next((i for i in node.inputs if i in full and i not in consts), None)
                    if first is None:
                        raise self.fail(
                            f"the shape of {out!r} (from {node.op}) cannot be inferred",
                            "expected an ONNX graph whose shapes onnx.shape_inference can infer",
                        )
                    full[out] = full[first]
                    self.notes[
                        f"the output shape of {node.op} is unknown: taken as its input's"
                    ] += 1
        return full


def _nhwc(graph: onnx.GraphProto, name: str) -> bool:
    """An image input in N×H×W×C, read only by a Transpose to N×C×H×W (tf2onnx's exports)."""
    readers = [node for node in graph.node if name in node.input]
    return (
        len(readers) == 1
        and readers[0].op_type == "Transpose"
        and [a.ints for a in readers[0].attribute if a.name == "perm"] == [[0, 3, 1, 2]]
    )


def _numpy() -> Any:
    import numpy

    return numpy


def _full(dims: PartialDims | None) -> bool:
    return _complete(dims) is not None


def _complete(dims: PartialDims | None) -> Dims | None:
    """The dimensions when every one is known, else None."""
    if dims is None:
        return None
    known = [d for d in dims if d is not None]
    return tuple(known) if len(known) == len(dims) else None


def _show(dims: Iterable[object]) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"


def _producer_name(model: onnx.ModelProto) -> str:
    return " ".join(p for p in (model.producer_name, model.producer_version) if p)


def _alive(nodes: list[_Node], outputs: list[str]) -> list[_Node]:
    """The nodes some graph output depends on."""
    needed = set(outputs)
    keep: list[_Node] = []
    for node in reversed(nodes):
        if any(o in needed for o in node.outputs):
            keep.append(node)
            needed.update(node.inputs)
    return keep[::-1]


_PASSTHROUGH = {"Identity", "Cast", "CastLike", "DequantizeLinear", "Dequantize"}


def _root(node: _Node, consts: dict[str, _Const], name: str) -> str:
    """Weights seen through Identity, Cast or DequantizeLinear are the same weights."""
    if node.op in _PASSTHROUGH and node.inputs and node.inputs[0] in consts:
        return consts[node.inputs[0]].root
    return name


def _const_dims(node: _Node, consts: dict[str, _Const]) -> PartialDims | None:
    """A constant's shape when inference did not give one: ConstantOfShape's is its input's value."""
    if node.op == "ConstantOfShape":
        shape = consts[node.inputs[0]].value
        if shape is not None:
            return tuple(int(d) for d in shape.reshape(-1))
    if node.op in _PASSTHROUGH and node.inputs and node.inputs[0] in consts:
        return consts[node.inputs[0]].dims
    return None


def _floating_output(node: _Node, consts: dict[str, _Const]) -> bool:
    if node.op == "ConstantOfShape":
        value = node.attrs.get("value")
        return value is None or value.data_type in _FLOAT_TYPES
    if node.op in ("Cast", "DequantizeLinear"):
        return node.op == "DequantizeLinear" or node.attrs.get("to") in _FLOAT_TYPES
    first = next((consts[i] for i in node.inputs if i in consts), None)
    return first.floating if first is not None else False


def _evaluate(
    onnx: Any, node: _Node, consts: dict[str, _Const], shapes: dict[str, PartialDims]
) -> list[np.ndarray[Any, Any] | None] | None:
    """The values of a constant node's outputs, for the ops shape computations use, when its
    inputs' values are known; None otherwise (its outputs are then known by shape only)."""
    np = _numpy()
    op, attrs = node.op, node.attrs
    if node.domain not in ("", "ai.onnx"):
        return None
    if op == "Shape":
        dims = _complete(shapes.get(node.inputs[0]))
        if dims is None:
            return None
        rank = len(dims)
        start, end = attrs.get("start", 0), attrs.get("end", rank)
        return [np.array(dims, dtype=np.int64)[slice(start, end)]]
    if op == "Size":
        dims = _complete(shapes.get(node.inputs[0]))
        return [np.array(math.prod(dims), dtype=np.int64)] if dims is not None else None
    if op == "ConstantOfShape":
        shape = consts[node.inputs[0]].value
        fill = attrs.get("value")
        floating = fill is None or fill.data_type in _FLOAT_TYPES
        if shape is None or math.prod(int(d) for d in shape.reshape(-1)) > (
            16 if floating else SMALL
        ):
            return None  # weights (the model zoo's stubs): by their shape
        fill_value = (
            onnx.numpy_helper.to_array(fill).reshape(-1)[0] if fill is not None else np.float32(0)
        )
        return [np.full(tuple(int(d) for d in shape.reshape(-1)), fill_value)]
    values: list[Any] = [consts[i].value if i else None for i in node.inputs]
    present: list[Any] = [v for i, v in zip(node.inputs, values, strict=True) if i]
    if any(v is None for v in present):
        return None
    x: Any = values[0] if values else None

    def axes_of(position: int) -> list[int] | None:
        if "axes" in attrs:
            return [int(a) for a in attrs["axes"]]
        if len(values) > position and values[position] is not None:
            return [int(a) for a in values[position].reshape(-1)]
        return None

    if op in _PASSTHROUGH and op != "DequantizeLinear":
        if op == "Cast":
            dtype = onnx.helper.tensor_dtype_to_np_dtype(attrs["to"])
            return [x.astype(dtype)]
        if op == "CastLike":
            return [x.astype(values[1].dtype)]
        return [x]
    binary = {
        "Add": np.add,
        "Sub": np.subtract,
        "Mul": np.multiply,
        "Equal": np.equal,
        "Less": np.less,
        "Greater": np.greater,
        "Max": np.maximum,
        "Min": np.minimum,
        "And": np.logical_and,
        "Or": np.logical_or,
    }
    if op in binary and len(present) >= 2:
        result = present[0]
        for other in present[1:]:
            result = binary[op](result, other)
        return [np.asarray(result)]
    if op == "Div":
        a, b = present
        if a.dtype.kind in "iu" and b.dtype.kind in "iu":
            return [np.asarray(np.trunc(a / b).astype(a.dtype))]
        return [np.asarray(a / b)]
    unary = {
        "Neg": np.negative,
        "Abs": np.abs,
        "Floor": np.floor,
        "Ceil": np.ceil,
        "Sqrt": np.sqrt,
        "Not": np.logical_not,
        "Reciprocal": np.reciprocal,
    }
    if op in unary:
        return [np.asarray(unary[op](x))]
    if op == "Gather":
        return [np.take(x, values[1], axis=attrs.get("axis", 0))]
    if op == "Unsqueeze":
        axes = axes_of(1)
        if axes is None:
            return None
        rank = x.ndim + len(axes)
        out = x
        for axis in sorted(a % rank for a in axes):
            out = np.expand_dims(out, axis)
        return [out]
    if op == "Squeeze":
        axes = axes_of(1)
        return [np.squeeze(x, axis=tuple(axes) if axes is not None else None)]
    if op == "Concat":
        return [np.concatenate([np.atleast_1d(v) for v in present], axis=attrs["axis"])]
    if op == "Reshape":
        target = [int(d) for d in values[1].reshape(-1)]
        if not attrs.get("allowzero", 0):
            target = [x.shape[k] if d == 0 else d for k, d in enumerate(target)]
        return [x.reshape(target)]
    if op == "Transpose":
        return [np.transpose(x, attrs.get("perm"))]
    if op == "Slice":
        if "starts" in attrs:  # opset < 10
            starts, ends = attrs["starts"], attrs["ends"]
            axes = attrs.get("axes", list(range(len(starts))))
            steps = [1] * len(starts)
        else:
            starts = [int(v) for v in values[1].reshape(-1)]
            ends = [int(v) for v in values[2].reshape(-1)]
            axes = (
                [int(v) for v in values[3].reshape(-1)]
                if len(values) > 3 and values[3] is not None
                else list(range(len(starts)))
            )
            steps = (
                [int(v) for v in values[4].reshape(-1)]
                if len(values) > 4 and values[4] is not None
                else [1] * len(starts)
            )
        index = [slice(None)] * x.ndim
        for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
            index[axis] = slice(start, end, step)
        return [x[tuple(index)]]
    if op == "Range":
        return [np.arange(present[0], present[1], present[2])]
    if op == "Where":
        return [np.where(present[0], present[1], present[2])]
    if op == "Expand":
        extent = tuple(int(d) for d in values[1].reshape(-1))
        return [x * np.ones(extent, dtype=x.dtype)]
    if op == "ReduceProd":
        axes = axes_of(1)
        keep = bool(attrs.get("keepdims", 1))
        return [np.prod(x, axis=tuple(axes) if axes else None, keepdims=keep)]
    return None


# --- step 2: rewrites, graph → graph ------------------------------------------------------------


class _Index:
    """Who produces and who reads each tensor (Shape and Size readers do not count: they read
    only the shape, which is settled)."""

    def __init__(self, graph: _Graph) -> None:
        self.producer: dict[str, _Node] = {}
        self.readers: dict[str, list[_Node]] = {}
        for node in graph.nodes:
            for out in node.outputs:
                self.producer[out] = node
            for name in node.inputs:
                if name and name not in graph.consts:
                    self.readers.setdefault(name, []).append(node)
        self.outputs = set(graph.outputs)

    def only_reader(self, tensor: str) -> _Node | None:
        readers = self.readers.get(tensor, [])
        if len(readers) == 1 and tensor not in self.outputs:
            return readers[0]
        return None

    def made_by(self, tensor: str, *ops: str) -> _Node | None:
        node = self.producer.get(tensor)
        return node if node is not None and node.op in ops else None


def _rewrite(graph: _Graph) -> _Graph:
    """Apply the rewrites in turn; each returns the new node list."""
    for rewrite in (
        _nhwc_input,
        _bypass,
        _activations,
        _caffe_scale,
        _shuffles,
        _pads,
        _flatten_into_fc,
    ):
        graph.nodes = rewrite(graph, _Index(graph))
    return graph


def _replace(nodes: list[_Node], removed: Iterable[_Node], added: dict[int, _Node]) -> list[_Node]:
    """The node list without ``removed``, with ``added[id(n)]`` put in place of node n."""
    gone = {id(n) for n in removed}
    out = []
    for node in nodes:
        if id(node) in added:
            out.append(added[id(node)])
        elif id(node) not in gone:
            out.append(node)
    return out


def _rename(graph: _Graph, old: str, new: str, nodes: list[_Node]) -> None:
    for node in nodes:
        node.inputs = [new if i == old else i for i in node.inputs]
    graph.outputs = [new if o == old else o for o in graph.outputs]


def _nhwc_input(graph: _Graph, index: _Index) -> list[_Node]:
    """An N×H×W×C input read only by its Transpose to N×C×H×W: the spec's input is the
    transposed tensor, an image of H×W with C channels."""
    reader = index.only_reader(graph.input)
    if (
        reader is None
        or reader.op != "Transpose"
        or list(reader.attrs.get("perm", [])) != [0, 3, 1, 2]
        or len(graph.dims[graph.input]) != 4
    ):
        return graph.nodes
    graph.input = reader.outputs[0]
    graph.notes["the input is N×H×W×C: read through its Transpose to N×C×H×W"] += 1
    return [node for node in graph.nodes if node is not reader]


def _bypass(graph: _Graph, index: _Index) -> list[_Node]:
    """Dropout and Identity pass their input on; so do Flatten, Reshape, Squeeze and Unsqueeze that
    leave the per-image shape as it is (a Flatten after a global pool)."""
    kept = []
    for node in graph.nodes:
        source = node.inputs[0] if node.inputs else ""
        same = (
            node.op in ("Flatten", "Reshape", "Squeeze", "Unsqueeze")
            and source in graph.dims
            and graph.image(source) == graph.image(node.outputs[0])
        )
        if node.op in ("Dropout", "Identity") or same:
            if node.op in ("Dropout", "Identity"):
                graph.notes[f"{node.op} dropped"] += 1
            if node.outputs[0] in graph.outputs and source == graph.input:
                kept.append(node)
                continue
            _rename(graph, node.outputs[0], source, graph.nodes)
            continue
        kept.append(node)
    return kept


def _act(x: str, y: str, kind: str, named: _Node) -> _Node:
    """One activation node, named as the file's node ``named`` was (``@op`` keeps its op type,
    which the layer's name drops)."""
    return _Node("@act", [x], [y], {"kind": kind, "@op": named.op}, named.name)


def _clip_bounds(node: _Node, graph: _Graph) -> tuple[float | None, float | None]:
    """Clip's (min, max) from its attributes (opset < 11) or constant inputs."""
    if "min" in node.attrs or "max" in node.attrs:
        return node.attrs.get("min"), node.attrs.get("max")
    bounds: list[float | None] = []
    for position in (1, 2):
        name = node.inputs[position] if len(node.inputs) > position else ""
        bounds.append(graph.consts[name].scalar() if name in graph.consts else None)
    return bounds[0], bounds[1]


def _const_is(graph: _Graph, node: _Node, value: float) -> str | None:
    """The other (non-constant) input of a binary node whose constant input is ``value``."""
    if len(node.inputs) != 2:
        return None
    a, b = node.inputs
    for const, other in ((a, b), (b, a)):
        if const in graph.consts and other not in graph.consts:
            number = graph.consts[const].scalar()
            if number is not None and math.isclose(number, value, rel_tol=1e-6):
                return other
    return None


def _activations(graph: _Graph, index: _Index) -> list[_Node]:
    """Activations to one ``@act`` node each: Relu, Clip(0, 6) as relu6, Sigmoid, HardSigmoid,
    HardSwish; and the written-out forms: x·sigmoid(x) (swish), relu6(x + 3) / 6 (hardsigmoid) and
    x·relu6(x + 3) / 6 (hardswish, the division before or after the product)."""
    removed: list[_Node] = []
    added: dict[int, _Node] = {}
    taken: set[int] = set()

    def free(*nodes: _Node) -> bool:
        return not any(id(n) in taken for n in nodes)

    def take(nodes: list[_Node], last: _Node, act: _Node) -> None:
        taken.update(id(n) for n in nodes)
        removed.extend(n for n in nodes if n is not last)
        added[id(last)] = act

    def relu6_of(tensor: str) -> tuple[str, list[_Node]] | None:
        """x + 3 under relu6: (x, [add, clip])."""
        clip = index.made_by(tensor, "Clip")
        if clip is None or _clip_bounds(clip, graph) != (0.0, 6.0):
            return None
        add = index.made_by(clip.inputs[0], "Add")
        if add is None or index.only_reader(add.outputs[0]) is not clip:
            return None
        x = _const_is(graph, add, 3.0)
        return (x, [add, clip]) if x is not None else None

    def hardsigmoid_of(tensor: str) -> tuple[str, list[_Node]] | None:
        node = index.producer.get(tensor)
        if node is None:
            return None
        if node.op == "HardSigmoid":
            alpha, beta = node.attrs.get("alpha", 0.2), node.attrs.get("beta", 0.5)
            if math.isclose(alpha, 1 / 6, rel_tol=1e-5) and math.isclose(beta, 0.5):
                return node.inputs[0], [node]
            return None
        if node.op in ("Div", "Mul"):
            inner = _const_is(graph, node, 6.0 if node.op == "Div" else 1 / 6)
            if inner is None or (node.op == "Div" and node.inputs[0] != inner):
                return None
            if index.only_reader(inner) is not node:
                return None
            found = relu6_of(inner)
            if found is not None:
                return found[0], [*found[1], node]
        return None

    def products(node: _Node) -> None:
        """swish and hardswish end in a Mul (or a Div/Mul by 6 after the product)."""
        out = node.outputs[0]
        if node.op == "Mul" and len(node.inputs) == 2:
            a, b = node.inputs
            for x, gate in ((a, b), (b, a)):
                if index.only_reader(gate) is not node:
                    continue
                sig = index.made_by(gate, "Sigmoid")
                if sig is not None and sig.inputs[0] == x and free(sig, node):
                    take([sig, node], node, _act(x, out, "swish", node if node.name else sig))
                    return
                found = hardsigmoid_of(gate)
                if found is not None and found[0] == x and free(node, *found[1]):
                    take([*found[1], node], node, _act(x, out, "hardswish", node))
                    return
        if node.op in ("Div", "Mul"):
            inner = _const_is(graph, node, 6.0 if node.op == "Div" else 1 / 6)
            if inner is None or (node.op == "Div" and node.inputs[0] != inner):
                return
            product = index.made_by(inner, "Mul")
            if product is None or index.only_reader(inner) is not node:
                return
            a, b = product.inputs
            for x, r in ((a, b), (b, a)):
                found = relu6_of(r)
                if (
                    found is not None
                    and found[0] == x
                    and index.only_reader(r) is product
                    and free(node, product, *found[1])
                ):
                    take([*found[1], product, node], node, _act(x, out, "hardswish", node))
                    return

    # the longest patterns first: a hardswish contains a hardsigmoid, which contains a relu6
    for node in graph.nodes:
        products(node)
    for node in graph.nodes:
        if node.op in ("Div", "Mul") and free(node):
            found = hardsigmoid_of(node.outputs[0])
            if found is not None and free(*found[1]):
                take(found[1], node, _act(found[0], node.outputs[0], "hardsigmoid", node))
    for node in graph.nodes:
        kind = _simple_act(node, graph) if free(node) else None
        if kind is not None:
            take([node], node, _act(node.inputs[0], node.outputs[0], kind, node))
    return _replace(graph.nodes, removed, added)


_ELEMENTWISE_ACTS = {
    "Relu": "relu",
    "Sigmoid": "sigmoid",
    "HardSwish": "hardswish",
    "LeakyRelu": "leaky_relu",
    "Tanh": "tanh",
    "Gelu": "gelu",
}
"""ONNX activations applied element by element, and the format's name for each."""


def _over_channels(node: _Node, graph: _Graph) -> bool:
    """A Softmax over the channel axis (axis 1, or the last of a 2-D [N, C] tensor)."""
    rank = len(graph.dims.get(node.inputs[0], ()))
    axis = int(node.attrs.get("axis", 1 if graph.opset < 13 else -1))  # the default changed in 13
    return rank >= 2 and axis % rank == 1


def _simple_act(node: _Node, graph: _Graph) -> str | None:
    if node.domain not in ("", "ai.onnx"):
        return None
    if node.op in _ELEMENTWISE_ACTS:
        return _ELEMENTWISE_ACTS[node.op]
    if node.op == "Softmax" and _over_channels(node, graph):
        return "softmax"
    if node.op == "HardSigmoid":
        alpha = node.attrs.get("alpha", 0.2)
        if not math.isclose(alpha, 1 / 6, rel_tol=1e-5):
            graph.notes[
                f"HardSigmoid with alpha {alpha:g} (torch's hardsigmoid has 1/6) written as hardsigmoid"
            ] += 1
        return "hardsigmoid"
    if node.op == "Clip":
        low, high = _clip_bounds(node, graph)
        if low == 0.0 and high == 6.0:
            return "relu6"
        if low == 0.0 and (high is None or math.isinf(high)):
            return "relu"
    return None


def _caffe_scale(graph: _Graph, index: _Index) -> list[_Node]:
    """BatchNorm followed by a per-channel multiply (and add) of constants, Caffe's BatchNorm +
    Scale, is one BatchNorm whose affine part the Scale holds."""
    removed: list[_Node] = []
    added: dict[int, _Node] = {}
    for node in graph.nodes:
        if node.op != "BatchNormalization" or id(node) in added:
            continue
        channels = graph.dims[node.inputs[1]][0] if node.inputs[1] in graph.dims else None
        mul = index.only_reader(node.outputs[0])
        if mul is None or mul.op != "Mul" or not _per_channel(graph, mul, channels):
            continue
        last, parts = mul, [mul]
        add = index.only_reader(mul.outputs[0])
        if add is not None and add.op == "Add" and _per_channel(graph, add, channels):
            last, parts = add, [mul, add]
        merged = _Node(
            node.op, node.inputs, last.outputs, {**node.attrs, "@scale": True}, node.name
        )
        removed += [node, *parts[:-1]]
        added[id(last)] = merged
        graph.notes[
            "BatchNormalization + per-channel Mul/Add (Caffe's Scale) read as one BatchNorm"
        ] += 1
    return _replace(graph.nodes, removed, added)


def _per_channel(graph: _Graph, node: _Node, channels: int | None) -> bool:
    """A binary node whose other input is a constant of one value per channel."""
    consts = [i for i in node.inputs if i in graph.consts]
    if len(node.inputs) != 2 or len(consts) != 1 or channels is None:
        return False
    dims = [d for d in graph.consts[consts[0]].dims]
    while dims and dims[0] == 1:
        dims.pop(0)
    return bool(dims) and dims[0] == channels and all(d == 1 for d in dims[1:])


def _shuffles(graph: _Graph, index: _Index) -> list[_Node]:
    """Reshape to (N, g, C/g, H, W) → Transpose (0, 2, 1, 3, 4) → Reshape to (N, C, H, W): a
    channel shuffle with g groups."""
    removed: list[_Node] = []
    added: dict[int, _Node] = {}
    for node in graph.nodes:
        if node.op != "Reshape" or node.inputs[0] not in graph.dims:
            continue
        before, split = graph.dims[node.inputs[0]], graph.dims[node.outputs[0]]
        transpose = index.only_reader(node.outputs[0])
        if len(before) != 4 or len(split) != 5 or transpose is None or transpose.op != "Transpose":
            continue
        back = index.only_reader(transpose.outputs[0])
        if (
            list(transpose.attrs.get("perm", [])) != [0, 2, 1, 3, 4]
            or back is None
            or back.op not in ("Reshape", "Flatten")
            or graph.dims[back.outputs[0]] != before
            or split[0] != before[0]
            or split[1] * split[2] != before[1]
            or split[3:] != before[2:]
        ):
            continue
        groups = split[1]
        removed += [node, transpose]
        added[id(back)] = _Node(
            "@shuffle",
            [node.inputs[0]],
            back.outputs,
            {"groups": groups, "@op": node.op},
            node.name,
        )
    return _replace(graph.nodes, removed, added)


def _pads(graph: _Graph, index: _Index) -> list[_Node]:
    """A zero Pad of H and W read only by a Conv becomes the Conv's padding (TF exports)."""
    removed: list[_Node] = []
    for node in graph.nodes:
        if node.op != "Pad" or node.attrs.get("mode", b"constant") not in (b"constant", "constant"):
            continue
        conv = index.only_reader(node.outputs[0])
        pads = _pad_amounts(node, graph)
        if conv is None or conv.op != "Conv" or conv.inputs[0] != node.outputs[0] or pads is None:
            continue
        if len(pads) != 8 or any(pads[k] for k in (0, 1, 4, 5)):
            continue
        auto = conv.attrs.get("auto_pad", b"NOTSET")
        if auto not in (b"NOTSET", b"VALID", "NOTSET", "VALID"):
            continue
        own = (
            list(conv.attrs.get("pads", [0, 0, 0, 0])) if auto in (b"NOTSET", "NOTSET") else [0] * 4
        )
        top, left, bottom, right = pads[2], pads[3], pads[6], pads[7]
        conv.attrs["pads"] = [own[0] + top, own[1] + left, own[2] + bottom, own[3] + right]
        conv.attrs["auto_pad"] = b"NOTSET"
        conv.inputs[0] = node.inputs[0]
        removed.append(node)
        graph.notes["a zero Pad before a Conv folded into its padding"] += 1
    return _replace(graph.nodes, removed, {})


def _pad_amounts(node: _Node, graph: _Graph) -> list[int] | None:
    value = 0.0
    if "pads" in node.attrs:  # opset < 11
        pads = [int(p) for p in node.attrs["pads"]]
        value = float(node.attrs.get("value", 0.0))
    else:
        if len(node.inputs) < 2 or node.inputs[1] not in graph.consts:
            return None
        found = graph.consts[node.inputs[1]].value
        if found is None:
            return None
        pads = [int(p) for p in found.reshape(-1)]
        if len(node.inputs) > 2 and node.inputs[2]:
            fill = graph.consts[node.inputs[2]].scalar() if node.inputs[2] in graph.consts else None
            value = fill if fill is not None else 1.0
        if len(node.inputs) > 3 and node.inputs[3]:
            return None  # pads on chosen axes: rare; leave the Pad as it is
    return pads if value == 0.0 else None


def _flatten_into_fc(graph: _Graph, index: _Index) -> list[_Node]:
    """A Flatten or Reshape to (N, features) read only by fc layers: the fc reads H·W·C."""
    kept = []
    for node in graph.nodes:
        if node.op in ("Flatten", "Reshape") and node.inputs[0] in graph.dims:
            out = node.outputs[0]
            readers = index.readers.get(out, [])
            flat = len(graph.dims[out]) == 2 and graph.dims[out][0] == graph.batch
            same_size = graph.elements(out) == graph.elements(node.inputs[0])
            if (
                flat
                and same_size
                and readers
                and out not in graph.outputs
                and all(_fc_weight(r, graph) is not None and r.inputs[0] == out for r in readers)
            ):
                for reader in readers:
                    reader.attrs["@flattened"] = True
                _rename(graph, out, node.inputs[0], graph.nodes)
                continue
        kept.append(node)
    return kept


def _fc_weight(node: _Node, graph: _Graph) -> tuple[int, int] | None:
    """(in, out) features of a Gemm or MatMul that is a fully connected layer: a 2-D activation
    times a 2-D constant."""
    if node.op not in ("Gemm", "MatMul") or len(node.inputs) < 2:
        return None
    x, w = node.inputs[0], node.inputs[1]
    if x in graph.consts or w not in graph.consts or node.attrs.get("transA", 0):
        return None
    dims = graph.consts[w].dims
    if len(dims) != 2:
        return None
    if node.op == "MatMul" and len(graph.dims.get(x, ())) != 2 and "@flattened" not in node.attrs:
        return None
    return (dims[1], dims[0]) if node.attrs.get("transB", 0) else (dims[0], dims[1])


# --- step 3: node by node to layer entries ------------------------------------------------------

_WEIGHT_SUFFIX = re.compile(r"[._/](?:weights?|kernel|scale|gamma|w|W|s)(?:_\d+)?$")
_ACT_HOSTS = {"conv", "dw", "pw", "fc", "add", "bn"}


def convert(graph: _Graph) -> Imported:
    """The pure core: a read graph → the spec, the uncosted tally and the notes."""
    graph = _rewrite(graph)
    return _Emitter(graph).run()


class _Emitter:
    def __init__(self, graph: _Graph) -> None:
        self.graph = graph
        self.index = _Index(graph)
        self.layers: list[dict[str, Any]] = []
        self.by_name: dict[str, dict[str, Any]] = {}
        self.made: dict[str, str] = {graph.input: "input"}
        """tensor → the layer whose output it is."""
        self.weights: dict[str, str] = {}
        """weight root → the first layer holding it."""
        self.uncosted: dict[str, list[int]] = {}
        self.names = _Names(graph)
        self.aliases: set[str] = set()
        """tensors that are another layer's output under a second name (a one-input Sum):
        nothing folds into a layer through them."""

    # -- the walk --

    def run(self) -> Imported:
        for node in self.graph.nodes:
            self.node(node)
        g = self.graph
        h, w, c = g.image(g.input)
        last = g.image(g.outputs[0]) if g.outputs and g.outputs[0] in g.dims else None
        spec: dict[str, Any] = {
            "name": g.name,
            "description": g.description,
            "input": {"size": h if h == w else [h, w], "channels": c},
        }
        if last is not None:
            spec["classes"] = last[2]
        spec["layers"] = self.layers
        uncosted = tuple(Uncosted(op, n, e) for op, (n, e) in self.uncosted.items())
        notes = tuple(
            f"{text} (×{count})" if count > 1 else text for text, count in g.notes.items()
        )
        return Imported(spec, uncosted, notes, g.source)

    def node(self, node: _Node) -> None:
        handler = _HANDLERS.get(node.op) if node.domain in ("", "ai.onnx") else None
        if handler is None or not handler(self, node):
            self.other(node)

    # -- building entries --

    def source(self, tensor: str) -> str:
        return self.made[tensor]

    def emit(self, node: _Node, entry: dict[str, Any], inputs: list[str], output: str) -> None:
        """Add a layer reading ``inputs`` (tensors) whose output is ``output``."""
        name = self.names.take(node, entry["type"])
        sources = [self.source(t) for t in inputs]
        previous = self.layers[-1]["name"] if self.layers else "input"
        ordered: dict[str, Any] = {"type": entry.pop("type"), "name": name}
        if len(sources) > 1:
            ordered["from"] = sources
        elif sources and sources[0] != previous:
            ordered["from"] = sources[0]
        ordered.update(entry)
        self.layers.append(ordered)
        self.by_name[name] = ordered
        self.made[output] = name

    def host(self, tensor: str) -> dict[str, Any] | None:
        """The layer producing ``tensor`` if ``tensor`` is its output and nothing else reads it:
        then a BatchNorm, activation or bias on it belongs to that layer."""
        name = self.made.get(tensor)
        if name is None or name == "input" or tensor in self.aliases:
            return None
        if self.index.only_reader(tensor) is None:
            return None
        return self.by_name[name]

    def fold(self, node: _Node, layer: dict[str, Any]) -> None:
        self.made[node.outputs[0]] = layer["name"]

    def other(self, node: _Node) -> None:
        g = self.graph
        inputs = [i for i in node.inputs if i and i not in g.consts and i in self.made]
        if not inputs:
            inputs = [g.input]
        produced = [o for o in node.outputs if o and o in g.dims]
        tally = self.uncosted.setdefault(node.op, [0, 0])
        tally[0] += 1
        tally[1] += sum(g.elements(o) for o in produced)
        held = self.held_weights(node)
        used = [o for o in produced if o in self.index.readers or o in self.index.outputs]
        for k, out in enumerate(used):
            entry: dict[str, Any] = {"type": "other", "op": node.op}
            shape = list(g.image(out))
            if len(inputs) > 1 or len(used) > 1 or shape != list(g.image(inputs[0])):
                entry["output"] = shape
            if held and k == 0:
                entry["params"] = sum(g.consts[w].size for w in held)
                g.notes[
                    "an op convcost does not cost holds weights: written as `params` of its "
                    "`other` layer"
                ] += 1
            self.emit(node, entry, inputs, out)
            if k == 0:
                self.own(out, *held)

    def held_weights(self, node: _Node) -> list[str]:
        """The weights of an op convcost does not cost (a PReLU slope, a LayerNorm scale, a
        per-channel multiply): its real-valued constants of more than one element not already
        counted. Only ops whose constants are weights: Resize's scales or Pad's pads are not."""
        if node.op not in _WEIGHTED_OPS:
            return []
        held: dict[str, str] = {}
        for name in node.inputs:
            const = self.graph.consts.get(name)
            if const is None or not const.floating or const.size <= 1:
                continue
            if const.root not in self.weights:
                held.setdefault(const.root, name)
        return list(held.values())

    def shared(self, entry: dict[str, Any], weight: str, bias: str | None) -> None:
        """A layer whose weight tensor an earlier layer already holds gets ``shares: NAME``:
        its mult-adds count, its parameters were counted with NAME."""
        g = self.graph
        owner = self.weights.get(g.consts[weight].root)
        if owner is None:
            return
        entry["shares"] = owner
        g.notes["weights used by several layers: counted once, at the first (`shares`)"] += 1
        bias_owner = self.weights.get(g.consts[bias].root) if bias in g.consts else None
        if bias is not None and bias_owner is None:
            g.notes["a layer shares its weights but not its bias: its bias is left uncounted"] += 1

    def own(self, output: str, *tensors: str | None) -> None:
        name = self.made[output]
        for tensor in tensors:
            if tensor is not None and tensor in self.graph.consts:
                self.weights.setdefault(self.graph.consts[tensor].root, name)


_WEIGHTED_OPS = {
    *("PRelu", "LayerNormalization", "InstanceNormalization", "GroupNormalization"),
    *("Conv", "ConvTranspose", "Gemm", "MatMul", "Einsum", "LSTM", "GRU", "RNN"),
    *("BatchNormalization", "Add", "Sub", "Mul", "Div"),
}
"""Ops whose real-valued constant inputs are weights."""


class _Names:
    """Layer names from the file's node names, made readable and unique: an exporter's scope path
    ``/features/features.0/features.0.0/Conv`` → ``features.0.0``; an unnamed node takes its
    weight's name without the ``weight``/``_w_0`` suffix, else its output's name; ``/`` (which
    the format reads as a path) becomes ``.``."""

    def __init__(self, graph: _Graph) -> None:
        self.graph = graph
        self.used: set[str] = {"input"}
        self.counts: Counter[str] = Counter()
        tensors = [r.split("/") for r, tensor in map(self.raw, graph.nodes) if tensor]
        multi = [p for p in tensors if len(p) > 1]
        # a scope every path-like tensor name starts with (Caffe2's gpu_0/) says nothing
        self.drop = multi[0][0] if len(multi) > 1 and len({p[0] for p in multi}) == 1 else None

    @staticmethod
    def clean(parts: list[str], kind: str) -> str:
        return re.sub(r"\s+", "_", ".".join(parts)).strip(".") or kind

    def raw(self, node: _Node) -> tuple[str, bool]:
        """The name to start from, and whether it is a tensor's (not the node's own)."""
        op = re.escape(node.attrs.get("@op", node.op))
        generic = not node.name or re.fullmatch(rf"(?:n|node|{op})_?\d*", node.name)
        if not generic:
            return node.name.strip("/"), False
        if node.op in ("Conv", "Gemm", "MatMul", "BatchNormalization") and len(node.inputs) > 1:
            weight = node.inputs[1]
            if weight in self.graph.consts:
                return _WEIGHT_SUFFIX.sub("", self.graph.consts[weight].root), True
        if node.name:
            return node.name, False
        return (node.outputs[0].strip("/") if node.outputs else ""), True

    def take(self, node: _Node, kind: str) -> str:
        raw, tensor = self.raw(node)
        parts = [p for p in raw.split("/") if p]
        if tensor and self.drop is not None and len(parts) > 1 and parts[0] == self.drop:
            parts = parts[1:]
        parts = [p for k, p in enumerate(parts) if not _prefix_of(p, parts[k + 1 :])]
        full = self.clean(parts, kind)
        op = re.escape(node.attrs.get("@op", node.op))
        if len(parts) > 1 and re.fullmatch(rf"{op}(_\d+)?", parts[-1]):
            short = self.clean(parts[:-1], kind)
            if short not in self.used:  # the scope alone, unless another op of it has it
                full = short
        base = name = full
        while name in self.used:
            self.counts[base] += 1
            name = f"{base}_{self.counts[base] + 1}"
        self.used.add(name)
        return name


def _prefix_of(part: str, later: list[str]) -> bool:
    """``features.0`` is redundant before ``features.0.0`` in an exporter's scope path."""
    return bool(later) and later[0].startswith(part + ".")


# -- handlers: each returns False to make the node an `other` layer --


def _pair(values: Sequence[int]) -> int | list[int]:
    return values[0] if values[0] == values[1] else [values[0], values[1]]


def _padding(pads: Sequence[int]) -> int | list[int]:
    """ONNX pads (top, left, bottom, right) → an int, [H, W] per axis, or the four."""
    top, left, bottom, right = pads
    if top == bottom and left == right:
        return top if top == left else [top, left]
    return [top, left, bottom, right]


def _explicit_pads(
    node: _Node,
    size: tuple[int, int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> list[int] | None:
    """(top, left, bottom, right) from ``pads`` or ``auto_pad`` (SAME_UPPER puts the odd pixel
    at the end, SAME_LOWER at the start)."""
    auto = node.attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else str(auto)
    if auto in ("NOTSET", ""):
        pads = [int(p) for p in node.attrs.get("pads", [0, 0, 0, 0])]
        return pads if len(pads) == 4 else None
    if auto == "VALID":
        return [0, 0, 0, 0]
    begin, end = [], []
    for side, k, s, d in zip(size, kernel, strides, dilations, strict=True):
        out = -(-side // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - side, 0)
        small, large = total // 2, total - total // 2
        begin.append(small if auto == "SAME_UPPER" else large)
        end.append(large if auto == "SAME_UPPER" else small)
    return [begin[0], begin[1], end[0], end[1]]


def _conv(e: _Emitter, node: _Node) -> bool:
    g = e.graph
    if len(node.inputs) < 2 or node.inputs[1] not in g.consts or node.inputs[0] in g.consts:
        if len(node.inputs) > 1 and node.inputs[1] not in g.consts:
            g.notes["a Conv whose weights are computed from the input is not costed"] += 1
        return False
    x, weight = node.inputs[0], node.inputs[1]
    bias = node.inputs[2] if len(node.inputs) > 2 and node.inputs[2] else None
    dims = g.consts[weight].dims
    if len(dims) != 4 or len(g.dims[x]) != 4:
        g.notes["a Conv that is not 2-D is not costed"] += 1
        return False
    cout, cin_g, kh, kw = dims
    groups = int(node.attrs.get("group", 1))
    h, w, cin = g.image(x)
    if cin_g * groups != cin:
        raise SpecError(
            f"{g.source}: Conv {node.name or node.outputs[0]!r} has weights for {cin_g * groups} input channels "
            f"but reads {cin}; expected a consistent ONNX graph"
        )
    strides = [int(s) for s in node.attrs.get("strides", [1, 1])]
    dilations = [int(d) for d in node.attrs.get("dilations", [1, 1])]
    pads = _explicit_pads(node, (h, w), (kh, kw), strides, dilations)
    if pads is None:
        return False
    if groups == cin == cout and cin > 1:
        entry: dict[str, Any] = {"type": "dw", "kernel_size": _pair((kh, kw))}
    elif (kh, kw) == (1, 1) and strides == [1, 1] and not any(pads) and groups == 1:
        entry = {"type": "pw", "filters": cout}
    else:
        entry = {"type": "conv", "kernel_size": _pair((kh, kw)), "filters": cout}
    if entry["type"] != "pw":
        entry["stride"] = _pair(strides)
        entry["padding"] = _padding(pads)
        if dilations != [1, 1]:
            entry["dilation"] = _pair(dilations)
        if groups != 1 and entry["type"] == "conv":
            entry["groups"] = groups
    if bias is not None and g.consts.get(bias) is not None and g.consts[bias].size != cout:
        raise SpecError(
            f"{g.source}: Conv {node.name or node.outputs[0]!r} has a bias of {g.consts[bias].size} "
            f"values for {cout} filters; expected a consistent ONNX graph"
        )
    entry.update({"bias": bias is not None, "bn": False, "act": "none"})
    e.shared(entry, weight, bias)
    e.emit(node, entry, [x], node.outputs[0])
    e.own(node.outputs[0], weight, bias)
    return True


def _batchnorm(e: _Emitter, node: _Node) -> bool:
    x = node.inputs[0]
    if x in e.graph.consts:
        return False
    if node.attrs.get("training_mode", 0) or len([o for o in node.outputs if o]) > 1:
        e.graph.notes["a BatchNormalization in training mode is read as inference"] += 1
    layer = e.host(x)
    if (
        layer is not None
        and layer["type"] in ("conv", "dw", "pw")
        and not layer["bn"]
        and layer["act"] == "none"
    ):
        layer["bn"] = True
        e.fold(node, layer)
        return True
    e.emit(node, {"type": "bn", "act": "none"}, [x], node.outputs[0])
    return True


def _activation(e: _Emitter, node: _Node) -> bool:
    x, kind = node.inputs[0], node.attrs["kind"]
    layer = e.host(x)
    if layer is not None and layer["type"] in _ACT_HOSTS and layer.get("act", "none") == "none":
        layer["act"] = kind
        e.fold(node, layer)
        return True
    e.emit(node, {"type": "act", "kind": kind}, [x], node.outputs[0])
    return True


def _fc(e: _Emitter, node: _Node) -> bool:
    g = e.graph
    features = _fc_weight(node, g)
    if features is None:
        if node.op == "MatMul" and node.inputs[1] in g.consts:
            g.notes[
                "a MatMul on a tensor of rank above 2 (tokens, not features) is not costed"
            ] += 1
        return False
    x = node.inputs[0]
    inputs, units = features
    if g.elements(x) != inputs:
        raise SpecError(
            f"{g.source}: {node.op} {node.name or node.outputs[0]!r} takes {inputs} features but reads "
            f"{g.elements(x)} ({'×'.join(map(str, g.image(x)))}); give the input shape the model was made for"
        )
    bias = None
    if node.op == "Gemm" and len(node.inputs) > 2 and node.inputs[2]:
        c = node.inputs[2]
        if c not in g.consts:
            return False  # adds an activation: not an fc layer
        if node.attrs.get("beta", 1.0) != 0.0:
            if g.consts[c].size == units:
                bias = c
            else:
                g.notes["a Gemm bias that is not one value per output is left out"] += 1
    entry: dict[str, Any] = {"type": "fc", "units": units, "bias": bias is not None, "act": "none"}
    e.shared(entry, node.inputs[1], bias)
    e.emit(node, entry, [x], node.outputs[0])
    e.own(node.outputs[0], node.inputs[1], bias)
    return True


def _add(e: _Emitter, node: _Node) -> bool:
    g = e.graph
    inputs = [i for i in node.inputs if i]
    consts = [i for i in inputs if i in g.consts]
    if consts:
        return len(inputs) == 2 and len(consts) == 1 and _bias_add(e, node, consts[0])
    if len(inputs) == 1:
        e.made[node.outputs[0]] = e.made[inputs[0]]
        e.aliases.add(node.outputs[0])
        return True
    shapes = {g.image(i) for i in inputs}
    if len(shapes) != 1:
        return False
    e.emit(node, {"type": "add", "act": "none"}, inputs, node.outputs[0])
    return True


def _bias_add(e: _Emitter, node: _Node, const: str) -> bool:
    """conv or fc + a constant of one value per output channel = that layer's bias."""
    g = e.graph
    x = next(i for i in node.inputs if i != const)
    layer = e.host(x)
    if (
        layer is None
        or layer["type"] not in ("conv", "dw", "pw", "fc")
        or layer["bias"]
        or layer.get("bn")
        or layer["act"] != "none"
    ):
        return False
    channels = g.image(x)[2]
    dims = [d for d in g.consts[const].dims]
    while dims and dims[0] == 1:
        dims.pop(0)
    if not dims or dims[0] != channels or any(d != 1 for d in dims[1:]):
        return False
    if layer["type"] == "fc" and len(dims) != 1:
        return False
    layer["bias"] = True
    e.fold(node, layer)
    return True


def _mul(e: _Emitter, node: _Node) -> bool:
    g = e.graph
    if len(node.inputs) != 2 or any(i in g.consts for i in node.inputs):
        return False
    a, b = node.inputs
    sa, sb = g.image(a), g.image(b)
    if sa == sb or (sb[:2] == (1, 1) and sb[2] == sa[2]):
        e.emit(node, {"type": "mul"}, [a, b], node.outputs[0])
        return True
    if sa[:2] == (1, 1) and sa[2] == sb[2]:
        e.emit(node, {"type": "mul"}, [b, a], node.outputs[0])
        return True
    return False


def _channel_axis(axis: int, rank: int) -> bool:
    return rank in (2, 4) and axis % rank == 1


def _concat(e: _Emitter, node: _Node) -> bool:
    g = e.graph
    inputs = [i for i in node.inputs if i]
    if any(i in g.consts for i in inputs):
        return False
    if not _channel_axis(int(node.attrs.get("axis", 1)), len(g.dims[node.outputs[0]])):
        return False
    if len(inputs) == 1:
        e.made[node.outputs[0]] = e.made[inputs[0]]
        e.aliases.add(node.outputs[0])
        return True
    if len({g.image(i)[:2] for i in inputs}) != 1:
        return False
    e.emit(node, {"type": "concat"}, inputs, node.outputs[0])
    return True


def _split(e: _Emitter, node: _Node) -> bool:
    g = e.graph
    x = node.inputs[0]
    if x in g.consts or not _channel_axis(int(node.attrs.get("axis", 0)), len(g.dims[x])):
        return False
    outputs = node.outputs
    sizes = [g.image(o)[2] if o in g.dims else None for o in outputs]
    channels = g.image(x)[2]
    if None in sizes or len(set(sizes)) != 1 or sum(s or 0 for s in sizes) != channels:
        g.notes[
            "a Split into unequal channel parts is written as `other` layers with fixed outputs "
            "(the format's split takes equal parts)"
        ] += 1
        return False
    for index, out in enumerate(outputs):
        if out:
            entry = {"type": "split", "parts": len(outputs), "index": index}
            e.emit(node, entry, [x], out)
    return True


def _slice(e: _Emitter, node: _Node) -> bool:
    """A Slice of channels that is one of equal parts (ShuffleNetV2's chunk as exported)."""
    g = e.graph
    x, out = node.inputs[0], node.outputs[0]
    if x in g.consts or len(g.dims[x]) != 4:
        return False
    before, after = g.dims[x], g.dims[out]
    if before[0] != after[0] or before[2:] != after[2:]:
        return False
    starts = _slice_start(node, g)
    width = after[1]
    if starts is None or width == 0 or before[1] % width or starts % width:
        return False
    entry = {"type": "split", "parts": before[1] // width, "index": starts // width}
    e.emit(node, entry, [x], out)
    return True


def _slice_start(node: _Node, g: _Graph) -> int | None:
    if "starts" in node.attrs:
        starts, axes = list(node.attrs["starts"]), list(node.attrs.get("axes", [0, 1, 2, 3]))
        steps = [1]
    else:
        values: list[Any] = [g.consts[i].value if i in g.consts else None for i in node.inputs[1:]]
        if any(v is None for v in values[:2]) or (len(values) > 2 and values[2] is None):
            return None
        starts = [int(v) for v in values[0].reshape(-1)]
        axes = (
            [int(v) for v in values[2].reshape(-1)] if len(values) > 2 else list(range(len(starts)))
        )
        steps = (
            [int(v) for v in values[3].reshape(-1)]
            if len(values) > 3 and values[3] is not None
            else [1]
        )
    axes = [a % 4 for a in axes]
    if axes != [1] or any(s != 1 for s in steps):
        return None
    start = int(starts[0])
    return start if start >= 0 else None


def _shuffle(e: _Emitter, node: _Node) -> bool:
    e.emit(
        node, {"type": "shuffle", "groups": node.attrs["groups"]}, [node.inputs[0]], node.outputs[0]
    )
    return True


def _pool(e: _Emitter, node: _Node) -> bool:
    g = e.graph
    x = node.inputs[0]
    kind = "max" if node.op in ("MaxPool", "GlobalMaxPool", "ReduceMax") else "avg"
    if node.op.startswith("Global"):
        if len(g.dims[x]) != 4:
            return False
        e.emit(node, {"type": "pool", "kind": kind, "global": True}, [x], node.outputs[0])
        return True
    if node.op in ("ReduceMean", "ReduceMax"):
        axes = node.attrs.get("axes")
        if axes is None and len(node.inputs) > 1 and node.inputs[1] in g.consts:
            found = g.consts[node.inputs[1]].value
            axes = None if found is None else [int(a) for a in found.reshape(-1)]
        if axes is None or len(g.dims[x]) != 4 or sorted(a % 4 for a in axes) != [2, 3]:
            return False
        e.emit(node, {"type": "pool", "kind": kind, "global": True}, [x], node.outputs[0])
        return True
    kernel = [int(k) for k in node.attrs.get("kernel_shape", [])]
    if len(kernel) != 2 or len(g.dims[x]) != 4:
        return False
    if [int(d) for d in node.attrs.get("dilations", [1, 1])] != [1, 1]:
        return False
    strides = [int(s) for s in node.attrs.get("strides", [1, 1])]
    h, w, _ = g.image(x)
    pads = _explicit_pads(node, (h, w), kernel, strides, [1, 1])
    if pads is None:
        return False
    out = g.image(node.outputs[0])
    if kernel == [h, w] and not any(pads) and out[:2] == (1, 1):
        g.notes[f"{node.op} over its whole input written as a global pool"] += 1
        e.emit(node, {"type": "pool", "kind": kind, "global": True}, [x], node.outputs[0])
        return True
    entry: dict[str, Any] = {
        "type": "pool",
        "kind": kind,
        "kernel_size": _pair(kernel),
        "stride": _pair(strides),
        "padding": _padding(pads),
    }
    if node.attrs.get("ceil_mode", 0):
        entry["ceil_mode"] = True
    e.emit(node, entry, [x], node.outputs[0])
    return True


_HANDLERS = {
    "Conv": _conv,
    "BatchNormalization": _batchnorm,
    "@act": _activation,
    "Gemm": _fc,
    "MatMul": _fc,
    "Add": _add,
    "Sum": _add,
    "Mul": _mul,
    "Concat": _concat,
    "Split": _split,
    "Slice": _slice,
    "@shuffle": _shuffle,
    "MaxPool": _pool,
    "AveragePool": _pool,
    "GlobalAveragePool": _pool,
    "GlobalMaxPool": _pool,
    "ReduceMean": _pool,
    "ReduceMax": _pool,
}
