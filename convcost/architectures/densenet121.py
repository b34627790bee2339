"""DenseNet-121 (Huang et al. 2017, arXiv 1608.06993, Table 1, k = 32) as torchvision's densenet121:
each dense layer is BN-ReLU-conv1×1 (4k) then BN-ReLU-conv3×3 (k), concatenated to everything
before it; transitions are BN-ReLU-conv1×1 (halving the channels) and a 2×2 average pool. The
BatchNorms come before the convs (pre-activation), so they are layers of their own (type: bn).

Generated from specs/densenet121.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "DenseNet-121",
    "description": "DenseNet-121 (Huang et al. 2017), as torchvision's densenet121",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "defaults": {"bias": False, "bn": False},
    "blocks": {
        "dense": {
            "params": {"k": 32},
            "layers": [
                {"type": "bn", "name": "norm1", "act": "relu"},
                {"type": "pw", "name": "conv1", "filters": "4 * $k", "bn": True, "act": "relu"},
                {"type": "conv", "name": "conv2", "kernel_size": 3, "filters": "$k", "padding": 1},
                {"type": "concat", "name": "cat", "from": ["input", "conv2"]},
            ],
        },
        "transition": {
            "params": {"c": None},
            "layers": [
                {"type": "bn", "name": "norm", "act": "relu"},
                {"type": "pw", "name": "conv", "filters": "$c"},
                {"type": "pool", "name": "pool", "kind": "avg", "kernel_size": 2, "stride": 2},
            ],
        },
    },
    "layers": [
        {
            "type": "conv",
            "name": "conv0",
            "kernel_size": 7,
            "filters": 64,
            "stride": 2,
            "padding": 3,
            "bn": True,
            "act": "relu",
        },
        {
            "type": "pool",
            "name": "pool0",
            "kind": "max",
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
        },
        {"type": "dense", "name": "block1", "repeat": 6},
        {"type": "transition", "name": "trans1", "c": 128},
        {"type": "dense", "name": "block2", "repeat": 12},
        {"type": "transition", "name": "trans2", "c": 256},
        {"type": "dense", "name": "block3", "repeat": 24},
        {"type": "transition", "name": "trans3", "c": 512},
        {"type": "dense", "name": "block4", "repeat": 16},
        {"type": "bn", "name": "norm5", "act": "relu"},
        {"type": "pool", "name": "avgpool", "global": True, "call": "function"},
        {"type": "fc", "name": "classifier"},
    ],
}
