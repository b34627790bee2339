"""EfficientNet-B0 (Tan & Le 2019, arXiv 1905.11946, Table 1) as torchvision's efficientnet_b0:
MBConv blocks (expand 1×1, depthwise k×k, squeeze-excite to max(1, input channels // 4) with a
sigmoid gate, linear 1×1 projection, a residual add where the shape stays), BatchNorm and swish
(SiLU) after every conv but the projection, no conv biases; head 1×1 conv to 4 × 320 = 1280;
global average pool; fc with a bias.

Generated from specs/efficientnet_b0.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "EfficientNet-B0",
    "description": "EfficientNet-B0 (Tan & Le 2019), as torchvision's efficientnet_b0",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "width": {"round": "divisible", "divisor": 8, "min_channels": 8},
    "defaults": {"bn": True, "bias": False, "act": "swish"},
    "blocks": {
        "mbconv": {
            "params": {"t": None, "k": 3, "c": None, "s": 1},
            "then": {"s": 1},
            "layers": [
                {"type": "pw", "name": "exp", "t": "$t", "optional": True},
                {
                    "type": "dw",
                    "name": "dw",
                    "kernel_size": "$k",
                    "stride": "$s",
                    "padding": "($k - 1) // 2",
                },
                {
                    "type": "se",
                    "name": "se",
                    "of": "input",
                    "reduce": 4,
                    "round": "floor",
                    "act": "swish",
                    "gate": "sigmoid",
                },
                {"type": "pw", "name": "proj", "filters": "$c", "act": "none"},
                {"type": "add", "name": "add", "from": ["proj", "input"], "optional": True},
            ],
        }
    },
    "layers": [
        {
            "type": "conv",
            "name": "stem",
            "kernel_size": 3,
            "filters": 32,
            "stride": 2,
            "padding": 1,
        },
        {"type": "mbconv", "name": "stage1", "t": 1, "k": 3, "c": 16},
        {"type": "mbconv", "name": "stage2", "t": 6, "k": 3, "c": 24, "s": 2, "repeat": 2},
        {"type": "mbconv", "name": "stage3", "t": 6, "k": 5, "c": 40, "s": 2, "repeat": 2},
        {"type": "mbconv", "name": "stage4", "t": 6, "k": 3, "c": 80, "s": 2, "repeat": 3},
        {"type": "mbconv", "name": "stage5", "t": 6, "k": 5, "c": 112, "repeat": 3},
        {"type": "mbconv", "name": "stage6", "t": 6, "k": 5, "c": 192, "s": 2, "repeat": 4},
        {"type": "mbconv", "name": "stage7", "t": 6, "k": 3, "c": 320},
        {"type": "pw", "name": "head", "t": 4},
        {"type": "pool", "name": "avgpool", "global": True},
        {"type": "fc", "name": "fc"},
    ],
}
