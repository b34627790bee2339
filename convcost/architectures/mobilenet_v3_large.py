"""MobileNetV3-Large (Howard et al. 2019, arXiv 1905.02244, Table 1) as torchvision's
mobilenet_v3_large: every conv has BatchNorm and no bias; "bneck" rows (kernel, expanded width,
out, SE, activation, stride); squeeze-excite to _make_divisible(C / 4, 8) with a hard-sigmoid
gate; the expansion is absent where the expanded width equals the input's; a residual add where
the shape stays; the classifier is fc 960 → 1280 (hard-swish) → classes, both with biases.

Generated from specs/mobilenet_v3_large.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "MobileNetV3-Large",
    "description": "MobileNetV3-Large (Howard et al. 2019, Table 1), as torchvision's "
    "mobilenet_v3_large",
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
        {"type": "bneck", "name": "b1", "e": 16, "c": 16},
        {"type": "bneck", "name": "b2", "e": 64, "c": 24, "s": 2},
        {"type": "bneck", "name": "b3", "e": 72, "c": 24},
        {"type": "bneck", "name": "b4", "k": 5, "e": 72, "c": 40, "se": True, "s": 2},
        {"type": "bneck", "name": "b5", "k": 5, "e": 120, "c": 40, "se": True},
        {"type": "bneck", "name": "b6", "k": 5, "e": 120, "c": 40, "se": True},
        {"type": "bneck", "name": "b7", "e": 240, "c": 80, "act": "hardswish", "s": 2},
        {"type": "bneck", "name": "b8", "e": 200, "c": 80, "act": "hardswish"},
        {"type": "bneck", "name": "b9", "e": 184, "c": 80, "act": "hardswish"},
        {"type": "bneck", "name": "b10", "e": 184, "c": 80, "act": "hardswish"},
        {"type": "bneck", "name": "b11", "e": 480, "c": 112, "se": True, "act": "hardswish"},
        {"type": "bneck", "name": "b12", "e": 672, "c": 112, "se": True, "act": "hardswish"},
        {
            "type": "bneck",
            "name": "b13",
            "k": 5,
            "e": 672,
            "c": 160,
            "se": True,
            "act": "hardswish",
            "s": 2,
        },
        {
            "type": "bneck",
            "name": "b14",
            "k": 5,
            "e": 960,
            "c": 160,
            "se": True,
            "act": "hardswish",
        },
        {
            "type": "bneck",
            "name": "b15",
            "k": 5,
            "e": 960,
            "c": 160,
            "se": True,
            "act": "hardswish",
        },
        {"type": "pw", "name": "conv2", "t": 6, "act": "hardswish"},
        {"type": "pool", "name": "avgpool", "global": True},
        {"type": "fc", "name": "fc1", "units": 1280, "scale": "always", "act": "hardswish"},
        {"type": "fc", "name": "fc2"},
    ],
}
