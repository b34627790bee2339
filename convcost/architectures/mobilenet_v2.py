"""MobileNetV2 (Sandler et al. 2018, arXiv 1801.04381), Table 2, as data.

Each bottleneck row is the paper's (t, c, n, s): expansion, output channels, repeats, stride of the
first repeat. Channels scale by α to the nearest multiple of 8, never below 8 and never more than
10% below c·α, as TF-slim and torchvision do (``_make_divisible``); the last 1×1 conv keeps 1280
channels for α ≤ 1 and scales above 1 (``scale: up``). 'same' padding equals torchvision's padding 1
for every 3×3 conv (224 → 112 → 56 → 28 → 14 → 7).
"""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "MobileNetV2",
    "description": "MobileNetV2, paper Table 2",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "width": {"round": "divisible", "divisor": 8, "min_channels": 8},
    "defaults": {"padding": "same"},
    "layers": [
        {"type": "conv", "name": "conv1", "kernel_size": 3, "filters": 32, "stride": 2},
        {"type": "bottleneck", "name": "block1", "t": 1, "c": 16, "n": 1, "s": 1},
        {"type": "bottleneck", "name": "block2", "t": 6, "c": 24, "n": 2, "s": 2},
        {"type": "bottleneck", "name": "block3", "t": 6, "c": 32, "n": 3, "s": 2},
        {"type": "bottleneck", "name": "block4", "t": 6, "c": 64, "n": 4, "s": 2},
        {"type": "bottleneck", "name": "block5", "t": 6, "c": 96, "n": 3, "s": 1},
        {"type": "bottleneck", "name": "block6", "t": 6, "c": 160, "n": 3, "s": 2},
        {"type": "bottleneck", "name": "block7", "t": 6, "c": 320, "n": 1, "s": 1},
        {"type": "pw", "name": "conv2", "filters": 1280, "scale": "up"},
        {"type": "pool", "name": "avgpool", "kind": "avg", "global": True},
        {"type": "fc", "name": "fc"},
    ],
}
