"""MobileNetV1 (Howard et al. 2017, arXiv 1704.04861), Table 1, as data.

The paper's Table 1 prints the last depthwise row ("Conv dw / s2" at 7×7×1024) with stride 2; input
and output are both 7×7, so it is stride 1, as TF-slim and Keras build it. Channels scale as
int(c·α) (Keras; TF-slim also applies a minimum of 8, ``--min-channels 8``).
"""

from typing import Any

SPEC: dict[str, Any] = {
    "name": "MobileNetV1",
    "description": "MobileNetV1, paper Table 1 (last dw stride corrected to 1)",
    "input": {"size": 224, "channels": 3},
    "classes": 1000,
    "width": {"round": "floor", "min_channels": 1},
    "defaults": {"padding": "same"},
    "layers": [
        {"type": "conv", "name": "conv1", "kernel_size": 3, "filters": 32, "stride": 2},
        {"type": "separable", "name": "block1", "filters": 64},
        {"type": "separable", "name": "block2", "filters": 128, "stride": 2},
        {"type": "separable", "name": "block3", "filters": 128},
        {"type": "separable", "name": "block4", "filters": 256, "stride": 2},
        {"type": "separable", "name": "block5", "filters": 256},
        {"type": "separable", "name": "block6", "filters": 512, "stride": 2},
        {"type": "separable", "name": "block7", "filters": 512, "repeat": 5},
        {"type": "separable", "name": "block12", "filters": 1024, "stride": 2},
        {"type": "separable", "name": "block13", "filters": 1024},
        {"type": "pool", "name": "avgpool", "kind": "avg", "global": True},
        {"type": "fc", "name": "fc"},
    ],
}
