"""MobileNetV1 (Howard et al. 2017), paper Table 1: the same network as the built-in
`convcost model mobilenet` (a test holds them equal). Copy and edit it:
The paper prints the last depthwise row (3×3×1024 dw at 7×7×1024) with stride 2; its input and output are
both 7×7, so it is stride 1, as TF-slim and Keras build it. Every conv is followed by ReLU;
BatchNorm and biases are left unset, so the counting flags decide them (--bn, --bias, --preset).

Generated from specs/mobilenet_v1.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "MobileNetV1",
    "description": "MobileNetV1, paper Table 1 (last dw stride corrected to 1)",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "width": {"round": "floor", "min_channels": 1},
    "defaults": {"padding": "same", "act": "relu"},
    "layers": [
        {"type": "conv", "name": "conv1", "kernel_size": 3, "filters": 32, "stride": 2},
        {"type": "separable", "name": "block1", "filters": 64},
        {"type": "separable", "name": "block2", "filters": 128, "stride": 2},
        {"type": "separable", "name": "block3", "filters": 128},
        {"type": "separable", "name": "block4", "filters": 256, "stride": 2},
        {"type": "separable", "name": "block5", "filters": 256},
        {"type": "separable", "name": "block6", "filters": 512, "stride": 2},
        {"type": "separable", "name": "block7", "filters": 512, "repeat": 5},
        {"type": "separable", "name": "block12", "filters": 1024, "stride": 2},
        {"type": "separable", "name": "block13", "filters": 1024},
        {"type": "pool", "name": "avgpool", "kind": "avg", "global": True},
        {"type": "fc", "name": "fc"},
    ],
}
