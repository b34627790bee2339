"""ShuffleNetV2 1.0× (Ma et al. 2018, arXiv 1807.11164, Table 5) as torchvision's
shufflenet_v2_x1_0: a stride-2 unit opens each stage (two branches, each to half the output
channels, concatenated), stride-1 units split the channels in two and transform one half; every
unit ends in a channel shuffle. BatchNorm after every conv, no conv biases, fc with a bias.

Generated from specs/shufflenet_v2_x1_0.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "ShuffleNetV2-1.0",
    "description": "ShuffleNetV2 1.0× (Ma et al. 2018), as torchvision's shufflenet_v2_x1_0",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "defaults": {"bn": True, "bias": False},
    "blocks": {
        "down": {
            "params": {"c": None},
            "layers": [
                {"type": "dw", "name": "b1_dw", "stride": 2, "padding": 1},
                {"type": "pw", "name": "b1_pw", "filters": "$c // 2", "act": "relu"},
                {
                    "type": "pw",
                    "name": "b2_pw1",
                    "from": "input",
                    "filters": "$c // 2",
                    "act": "relu",
                },
                {"type": "dw", "name": "b2_dw", "stride": 2, "padding": 1},
                {"type": "pw", "name": "b2_pw2", "filters": "$c // 2", "act": "relu"},
                {"type": "concat", "name": "cat", "from": ["b1_pw", "b2_pw2"]},
                {"type": "shuffle", "name": "shuffle", "groups": 2},
            ],
        },
        "unit": {
            "params": {"c": None},
            "layers": [
                {"type": "split", "name": "keep", "parts": 2, "index": 0},
                {"type": "split", "name": "x2", "from": "input", "parts": 2, "index": 1},
                {"type": "pw", "name": "pw1", "filters": "$c // 2", "act": "relu"},
                {"type": "dw", "name": "dw", "padding": 1},
                {"type": "pw", "name": "pw2", "filters": "$c // 2", "act": "relu"},
                {"type": "concat", "name": "cat", "from": ["keep", "pw2"]},
                {"type": "shuffle", "name": "shuffle", "groups": 2},
            ],
        },
        "stage": {
            "params": {"c": None, "n": None},
            "layers": [
                {"type": "down", "name": "down", "c": "$c"},
                {"type": "unit", "name": "unit", "c": "$c", "repeat": "$n - 1"},
            ],
        },
    },
    "layers": [
        {
            "type": "conv",
            "name": "conv1",
            "kernel_size": 3,
            "filters": 24,
            "stride": 2,
            "padding": 1,
            "act": "relu",
        },
        {
            "type": "pool",
            "name": "maxpool",
            "kind": "max",
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
        },
        {"type": "stage", "name": "stage2", "c": 116, "n": 4},
        {"type": "stage", "name": "stage3", "c": 232, "n": 8},
        {"type": "stage", "name": "stage4", "c": 464, "n": 4},
        {"type": "pw", "name": "conv5", "filters": 1024, "act": "relu"},
        {"type": "pool", "name": "avgpool", "global": True, "call": "mean"},
        {"type": "fc", "name": "fc"},
    ],
}
