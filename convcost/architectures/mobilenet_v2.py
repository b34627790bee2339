"""MobileNetV2 (Sandler et al. 2018), paper Table 2: the same network as the built-in
`convcost model mobilenet_v2` (a test holds them equal). Copy and edit it:
A bottleneck row is the paper's (t, c, n, s): 1×1 expand to t × input channels (none when t = 1),
3×3 depthwise with stride s on the first of n repeats, linear 1×1 projection to c channels, and a
residual add (free) when the stride is 1 and the input and output shapes match. ReLU6 follows
every conv but the projections; BatchNorm and biases are left to the counting flags.
nearest multiple of 8, at least 8, never more than 10% below c·α (TF-slim, torchvision)

Generated from specs/mobilenet_v2.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "MobileNetV2",
    "description": "MobileNetV2, paper Table 2",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "width": {"round": "divisible", "divisor": 8, "min_channels": 8},
    "defaults": {"padding": "same", "act": "relu6"},
    "layers": [
        {"type": "conv", "name": "conv1", "kernel_size": 3, "filters": 32, "stride": 2},
        {"type": "bottleneck", "name": "block1", "t": 1, "c": 16, "n": 1, "s": 1},
        {"type": "bottleneck", "name": "block2", "t": 6, "c": 24, "n": 2, "s": 2},
        {"type": "bottleneck", "name": "block3", "t": 6, "c": 32, "n": 3, "s": 2},
        {"type": "bottleneck", "name": "block4", "t": 6, "c": 64, "n": 4, "s": 2},
        {"type": "bottleneck", "name": "block5", "t": 6, "c": 96, "n": 3, "s": 1},
        {"type": "bottleneck", "name": "block6", "t": 6, "c": 160, "n": 3, "s": 2},
        {"type": "bottleneck", "name": "block7", "t": 6, "c": 320, "n": 1, "s": 1},
        {"type": "pw", "name": "conv2", "filters": 1280, "scale": "up"},
        {"type": "pool", "name": "avgpool", "kind": "avg", "global": True, "call": "function"},
        {"type": "fc", "name": "fc"},
    ],
}
