"""Built-in networks, each a plain dict in the spec format (no YAML needed to load one), written
from ``specs/NAME.yaml`` by ``scripts/sync_builtins.py``."""

from __future__ import annotations

import importlib
from typing import Any

# name → (module, aliases). Modules are imported only when asked for.
BUILTINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mobilenet_v1": ("convcost.architectures.mobilenet_v1", ("mobilenet", "mobilenetv1")),
    "mobilenet_v2": ("convcost.architectures.mobilenet_v2", ("mobilenetv2",)),
    "mobilenet_v3_large": ("convcost.architectures.mobilenet_v3_large", ("mobilenetv3_large",)),
    "mobilenet_v3_small": ("convcost.architectures.mobilenet_v3_small", ("mobilenetv3_small",)),
    "efficientnet_b0": ("convcost.architectures.efficientnet_b0", ("efficientnet",)),
    "mnasnet1_0": ("convcost.architectures.mnasnet1_0", ("mnasnet",)),
    "shufflenet_v2_x1_0": ("convcost.architectures.shufflenet_v2_x1_0", ("shufflenet_v2",)),
    "squeezenet1_0": ("convcost.architectures.squeezenet1_0", ()),
    "squeezenet1_1": ("convcost.architectures.squeezenet1_1", ()),
    "resnet18": ("convcost.architectures.resnet18", ()),
    "resnet50": ("convcost.architectures.resnet50", ()),
    "vgg16": ("convcost.architectures.vgg16", ()),
    "vgg16_bn": ("convcost.architectures.vgg16_bn", ()),
    "densenet121": ("convcost.architectures.densenet121", ("densenet",)),
}


def canonical(name: str) -> str | None:
    """The built-in's canonical name for a name or alias, or None."""
    key = name.lower().replace("-", "_")
    for canon, (_, aliases) in BUILTINS.items():
        if key == canon or key in aliases:
            return canon
    return None


def builtin_spec(name: str) -> dict[str, Any]:
    canon = canonical(name)
    if canon is None:
        raise KeyError(name)
    module = importlib.import_module(BUILTINS[canon][0])
    spec: dict[str, Any] = module.SPEC
    return spec


def names() -> list[str]:
    """Every canonical built-in name."""
    return list(BUILTINS)
