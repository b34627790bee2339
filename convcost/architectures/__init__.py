"""Built-in networks, each a plain dict in the spec format (no YAML needed to load one)."""

from __future__ import annotations

import importlib
from typing import Any

# name → (module, aliases). Modules are imported only when asked for.
BUILTINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mobilenet_v1": ("convcost.architectures.mobilenet_v1", ("mobilenet", "mobilenetv1")),
    "mobilenet_v2": ("convcost.architectures.mobilenet_v2", ("mobilenetv2",)),
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
