"""MobileNetV3-Small (Howard et al. 2019, arXiv 1905.02244, Table 2) as torchvision's
mobilenet_v3_small: the same bneck block as MobileNetV3-Large (see mobilenet_v3_large.yaml);
the classifier is fc 576 → 1024 (hard-swish) → classes.

Generated from specs/mobilenet_v3_small.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "MobileNetV3-Small",
    "description": "MobileNetV3-Small (Howard et al. 2019, Table 2), as torchvision's "
    "mobilenet_v3_small",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "width": {"round": "divisible", "divisor": 8, "min_channels": 8},
    "defaults": {"bn": True, "bias": False},
    "blocks": {
        "bneck": {
            "params": {"k": 3, "e": None, "c": None, "se": False, "act": "relu", "s": 1},
            "layers": [
                {"type": "pw", "name": "exp", "filters": "$e", "act": "$act", "optional": True},
                {
                    "type": "dw",
                    "name": "dw",
                    "kernel_size": "$k",
                    "stride": "$s",
                    "padding": "($k - 1) // 2",
                    "act": "$act",
                },
                {
                    "type": "se",
                    "name": "se",
                    "if": "$se",
                    "reduce": 4,
                    "act": "relu",
                    "gate": "hardsigmoid",
                },
                {"type": "pw", "name": "proj", "filters": "$c", "act": "none"},
                {"type": "add", "name": "add", "from": ["proj", "input"], "optional": True},
            ],
        }
    },
    "layers": [
        {
            "type": "conv",
            "name": "conv1",
            "kernel_size": 3,
            "filters": 16,
            "stride": 2,
            "padding": 1,
            "act": "hardswish",
        },
        {"type": "bneck", "name": "b1", "e": 16, "c": 16, "se": True, "s": 2},
        {"type": "bneck", "name": "b2", "e": 72, "c": 24, "s": 2},
        {"type": "bneck", "name": "b3", "e": 88, "c": 24},
        {
            "type": "bneck",
            "name": "b4",
            "k": 5,
            "e": 96,
            "c": 40,
            "se": True,
            "act": "hardswish",
            "s": 2,
        },
        {"type": "bneck", "name": "b5", "k": 5, "e": 240, "c": 40, "se": True, "act": "hardswish"},
        {"type": "bneck", "name": "b6", "k": 5, "e": 240, "c": 40, "se": True, "act": "hardswish"},
        {"type": "bneck", "name": "b7", "k": 5, "e": 120, "c": 48, "se": True, "act": "hardswish"},
        {"type": "bneck", "name": "b8", "k": 5, "e": 144, "c": 48, "se": True, "act": "hardswish"},
        {
            "type": "bneck",
            "name": "b9",
            "k": 5,
            "e": 288,
            "c": 96,
            "se": True,
            "act": "hardswish",
            "s": 2,
        },
        {"type": "bneck", "name": "b10", "k": 5, "e": 576, "c": 96, "se": True, "act": "hardswish"},
        {"type": "bneck", "name": "b11", "k": 5, "e": 576, "c": 96, "se": True, "act": "hardswish"},
        {"type": "pw", "name": "conv2", "t": 6, "act": "hardswish"},
        {"type": "pool", "name": "avgpool", "global": True},
        {"type": "fc", "name": "fc1", "units": 1024, "scale": "always", "act": "hardswish"},
        {"type": "fc", "name": "fc2"},
    ],
}
