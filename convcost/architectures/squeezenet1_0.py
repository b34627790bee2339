"""SqueezeNet 1.0 (Iandola et al. 2016, arXiv 1602.07360, Table 1) as torchvision's squeezenet1_0:
fire modules (1×1 squeeze, then 1×1 and 3×3 expands concatenated), convs with biases and ReLU,
no BatchNorm, 3×3 stride-2 max pools rounding up (ceil_mode); the classifier is a 1×1 conv to the
classes (with a bias and ReLU) and a global average pool — no fc layer.

Generated from specs/squeezenet1_0.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "SqueezeNet-1.0",
    "description": "SqueezeNet 1.0 (Iandola et al. 2016), as torchvision's squeezenet1_0",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "defaults": {
        "bias": True,
        "bn": False,
        "act": "relu",
        "pool": {"kind": "max", "kernel_size": 3, "stride": 2, "ceil_mode": True},
    },
    "blocks": {
        "fire": {
            "params": {"s": None, "e": None},
            "layers": [
                {"type": "pw", "name": "squeeze", "filters": "$s"},
                {"type": "pw", "name": "expand1x1", "filters": "$e"},
                {
                    "type": "conv",
                    "name": "expand3x3",
                    "from": "squeeze",
                    "kernel_size": 3,
                    "filters": "$e",
                    "padding": 1,
                },
                {"type": "concat", "name": "cat", "from": ["expand1x1", "expand3x3"]},
            ],
        }
    },
    "layers": [
        {"type": "conv", "name": "conv1", "kernel_size": 7, "filters": 96, "stride": 2},
        {"type": "pool", "name": "pool1"},
        {"type": "fire", "name": "fire2", "s": 16, "e": 64},
        {"type": "fire", "name": "fire3", "s": 16, "e": 64},
        {"type": "fire", "name": "fire4", "s": 32, "e": 128},
        {"type": "pool", "name": "pool4"},
        {"type": "fire", "name": "fire5", "s": 32, "e": 128},
        {"type": "fire", "name": "fire6", "s": 48, "e": 192},
        {"type": "fire", "name": "fire7", "s": 48, "e": 192},
        {"type": "fire", "name": "fire8", "s": 64, "e": 256},
        {"type": "pool", "name": "pool8"},
        {"type": "fire", "name": "fire9", "s": 64, "e": 256},
        {"type": "pw", "name": "conv10", "filters": "classes"},
        {"type": "pool", "name": "avgpool", "kind": "avg", "global": True},
    ],
}
