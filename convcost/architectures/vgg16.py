"""VGG-16 (Simonyan & Zisserman 2015, arXiv 1409.1556, configuration D) as torchvision's vgg16:
3×3 convs with padding 1 and a bias, no BatchNorm, 2×2 max pools, an adaptive average pool to 7×7
(so fc6 reads 7·7·512 = 25,088 values at any input size), three fc layers with biases.

Generated from specs/vgg16.yaml by scripts/sync_builtins.py: edit the YAML, then rerun it."""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "VGG-16",
    "description": "VGG-16 (Simonyan & Zisserman 2015, configuration D), as torchvision's vgg16",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "defaults": {
        "kernel_size": 3,
        "padding": 1,
        "bias": True,
        "bn": False,
        "act": "relu",
        "pool": {"kind": "max", "kernel_size": 2},
    },
    "layers": [
        {"type": "conv", "name": "conv1", "filters": 64, "repeat": 2},
        {"type": "pool", "name": "pool1"},
        {"type": "conv", "name": "conv2", "filters": 128, "repeat": 2},
        {"type": "pool", "name": "pool2"},
        {"type": "conv", "name": "conv3", "filters": 256, "repeat": 3},
        {"type": "pool", "name": "pool3"},
        {"type": "conv", "name": "conv4", "filters": 512, "repeat": 3},
        {"type": "pool", "name": "pool4"},
        {"type": "conv", "name": "conv5", "filters": 512, "repeat": 3},
        {"type": "pool", "name": "pool5"},
        {"type": "pool", "name": "avgpool", "kind": "avg", "output": 7},
        {"type": "fc", "name": "fc6", "units": 4096, "act": "relu"},
        {"type": "fc", "name": "fc7", "units": 4096, "act": "relu"},
        {"type": "fc", "name": "fc8"},
    ],
}
