"""SqueezeNet 1.1 (the SqueezeNet authors' v1.1 release) as torchvision's squeezenet1_1: the fire
modules of SqueezeNet 1.0 (see squeezenet1_0.yaml) with a 3×3 first conv and earlier pools:
2.4× fewer mult-adds at the same accuracy.

Generated from specs/squeezenet1_1.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "SqueezeNet-1.1",
    "description": "SqueezeNet 1.1, as torchvision's squeezenet1_1",
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
        {"type": "conv", "name": "conv1", "kernel_size": 3, "filters": 64, "stride": 2},
        {"type": "pool", "name": "pool1"},
        {"type": "fire", "name": "fire2", "s": 16, "e": 64},
        {"type": "fire", "name": "fire3", "s": 16, "e": 64},
        {"type": "pool", "name": "pool3"},
        {"type": "fire", "name": "fire4", "s": 32, "e": 128},
        {"type": "fire", "name": "fire5", "s": 32, "e": 128},
        {"type": "pool", "name": "pool5"},
        {"type": "fire", "name": "fire6", "s": 48, "e": 192},
        {"type": "fire", "name": "fire7", "s": 48, "e": 192},
        {"type": "fire", "name": "fire8", "s": 64, "e": 256},
        {"type": "fire", "name": "fire9", "s": 64, "e": 256},
        {"type": "pw", "name": "conv10", "filters": "classes"},
        {"type": "pool", "name": "avgpool", "kind": "avg", "global": True},
    ],
}
