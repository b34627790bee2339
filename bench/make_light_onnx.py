"""Make a "light" copy of an ONNX model: every weight replaced by a ConstantOfShape node that
makes a tensor of its shape (as the ONNX model zoo's light_*.onnx files are made), so that a real
exporter's graph can ship with the tests in a few kilobytes. Shapes, structure and parameter
counts are unchanged; the values are not (the model no longer computes anything useful).

    python bench/make_light_onnx.py model.onnx light.onnx

tests/data/mobilenet_v2_torch_light.onnx was made this way from torchvision 0.28's mobilenet_v2,
exported by torch 2.13 (`torch.onnx.export(..., dynamo=False, opset_version=17,
do_constant_folding=False)`, which keeps each BatchNormalization; see bench/tool_reference.py).
"""

from __future__ import annotations

import sys

import onnx
from onnx import TensorProto, helper, numpy_helper


def lighten(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    kept, stubs = [], []
    for init in graph.initializer:
        big = len(init.dims) > 0 and init.data_type == TensorProto.FLOAT and _size(init) > 1
        if not big:
            kept.append(init)
            continue
        shape = numpy_helper.from_array(
            __import__("numpy").array(list(init.dims), dtype="int64"), f"{init.name}__shape"
        )
        kept.append(shape)
        one = helper.make_tensor("value", TensorProto.FLOAT, [1], [0.01])
        stubs.append(helper.make_node("ConstantOfShape", [shape.name], [init.name], value=one))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(stubs + nodes)
    return model


def _size(tensor: TensorProto) -> int:
    n = 1
    for d in tensor.dims:
        n *= d
    return n


def main() -> int:
    source, target = sys.argv[1:3]
    model = lighten(onnx.load(source))
    onnx.checker.check_model(model)
    onnx.save(model, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
