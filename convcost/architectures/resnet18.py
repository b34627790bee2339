"""ResNet-18 (He et al. 2016, arXiv 1512.03385) as torchvision's resnet18 builds it: every conv is
followed by BatchNorm and has no bias; a block's shortcut is a 1×1 conv + BN where the block
changes the shape ("option B"), the identity elsewhere; global average pool; fc with a bias.

Generated from specs/resnet18.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "ResNet-18",
    "description": "ResNet-18 (He et al. 2016), as torchvision's resnet18",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "defaults": {"bn": True, "bias": False, "act": "relu"},
    "blocks": {
        "basic": {
            "params": {"c": None, "s": 1},
            "then": {"s": 1},
            "layers": [
                {
                    "type": "conv",
                    "name": "conv1",
                    "kernel_size": 3,
                    "filters": "$c",
                    "stride": "$s",
                    "padding": 1,
                },
                {
                    "type": "conv",
                    "name": "conv2",
                    "kernel_size": 3,
                    "filters": "$c",
                    "padding": 1,
                    "act": "none",
                },
                {
                    "type": "conv",
                    "name": "down",
                    "from": "input",
                    "kernel_size": 1,
                    "filters": "$c",
                    "stride": "$s",
                    "act": "none",
                    "optional": True,
                },
                {"type": "add", "name": "add", "from": ["conv2", "down"], "act": "relu"},
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
        {"type": "basic", "name": "layer1", "c": 64, "repeat": 2},
        {"type": "basic", "name": "layer2", "c": 128, "s": 2, "repeat": 2},
        {"type": "basic", "name": "layer3", "c": 256, "s": 2, "repeat": 2},
        {"type": "basic", "name": "layer4", "c": 512, "s": 2, "repeat": 2},
        {"type": "pool", "name": "avgpool", "global": True},
        {"type": "fc", "name": "fc"},
    ],
}
