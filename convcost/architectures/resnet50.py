"""ResNet-50 (He et al. 2016, arXiv 1512.03385) as torchvision's resnet50 builds it ("v1.5": the
stride is on the 3×3 conv of a bottleneck block, not on the first 1×1): conv-BN(-ReLU), no conv
biases, 1×1 conv + BN projection shortcuts where a block changes the shape, fc with a bias.

Generated from specs/resnet50.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "ResNet-50",
    "description": "ResNet-50 (He et al. 2016), as torchvision's resnet50 (v1.5)",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "defaults": {"bn": True, "bias": False, "act": "relu"},
    "blocks": {
        "bottle": {
            "params": {"c": None, "s": 1},
            "then": {"s": 1},
            "layers": [
                {"type": "conv", "name": "conv1", "kernel_size": 1, "filters": "$c"},
                {
                    "type": "conv",
                    "name": "conv2",
                    "kernel_size": 3,
                    "filters": "$c",
                    "stride": "$s",
                    "padding": 1,
                },
                {
                    "type": "conv",
                    "name": "conv3",
                    "kernel_size": 1,
                    "filters": "$c * 4",
                    "act": "none",
                },
                {
                    "type": "conv",
                    "name": "down",
                    "from": "input",
                    "kernel_size": 1,
                    "filters": "$c * 4",
                    "stride": "$s",
                    "act": "none",
                    "optional": True,
                },
                {"type": "add", "name": "add", "from": ["conv3", "down"], "act": "relu"},
            ],
        }
    },
    "layers": [
        {
            "type": "conv",
            "name": "conv1",
            "kernel_size": 7,
            "filters": 64,
            "stride": 2,
            "padding": 3,
        },
        {
            "type": "pool",
            "name": "maxpool",
            "kind": "max",
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
        },
        {"type": "bottle", "name": "layer1", "c": 64, "repeat": 3},
        {"type": "bottle", "name": "layer2", "c": 128, "s": 2, "repeat": 4},
        {"type": "bottle", "name": "layer3", "c": 256, "s": 2, "repeat": 6},
        {"type": "bottle", "name": "layer4", "c": 512, "s": 2, "repeat": 3},
        {"type": "pool", "name": "avgpool", "global": True},
        {"type": "fc", "name": "fc"},
    ],
}
