"""MNASNet-1.0 (Tan et al. 2019, arXiv 1807.11626, Figure 7) as torchvision's mnasnet1_0: a stem
conv and a depthwise-separable conv (linear pointwise), then inverted residual stacks (expansion
t, output c, repeats n, stride s on the first, kernel 3 or 5), BatchNorm after every conv, ReLU
after all but the projections, no conv biases; the last 1×1 conv keeps 1280 at every α.

Generated from specs/mnasnet1_0.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "MNASNet-1.0",
    "description": "MNASNet-1.0 (Tan et al. 2019), as torchvision's mnasnet1_0",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "width": {"round": "divisible", "divisor": 8, "min_channels": 8},
    "defaults": {"bn": True, "bias": False, "padding": "same"},
    "layers": [
        {
            "type": "conv",
            "name": "conv1",
            "kernel_size": 3,
            "filters": 32,
            "stride": 2,
            "act": "relu",
        },
        {"type": "dw", "name": "sep_dw", "act": "relu"},
        {"type": "pw", "name": "sep_pw", "filters": 16, "act": "none"},
        {"type": "bottleneck", "name": "stack1", "t": 3, "c": 24, "n": 3, "s": 2, "act": "relu"},
        {
            "type": "bottleneck",
            "name": "stack2",
            "t": 3,
            "c": 40,
            "n": 3,
            "s": 2,
            "kernel_size": 5,
            "act": "relu",
        },
        {
            "type": "bottleneck",
            "name": "stack3",
            "t": 6,
            "c": 80,
            "n": 3,
            "s": 2,
            "kernel_size": 5,
            "act": "relu",
        },
        {"type": "bottleneck", "name": "stack4", "t": 6, "c": 96, "n": 2, "s": 1, "act": "relu"},
        {
            "type": "bottleneck",
            "name": "stack5",
            "t": 6,
            "c": 192,
            "n": 4,
            "s": 2,
            "kernel_size": 5,
            "act": "relu",
        },
        {"type": "bottleneck", "name": "stack6", "t": 6, "c": 320, "n": 1, "s": 1, "act": "relu"},
        {"type": "pw", "name": "conv2", "filters": 1280, "scale": "never", "act": "relu"},
        {"type": "pool", "name": "avgpool", "global": True, "call": "mean"},
        {"type": "fc", "name": "fc"},
    ],
}
