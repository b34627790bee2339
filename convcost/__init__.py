"""convcost: exact mult-adds and parameters of convolutions and CNNs, from shapes alone.

    >>> import convcost
    >>> r = convcost.model("mobilenet", alpha=0.5, resolution=160)  # paper Table 9
    >>> r.macs, r.params
    (76524800, 1319648)

The functions (``layer``, ``model``, ``sweep``, ``fit``, ``memory``, ``measure``, ``network``,
``import_onnx``, ``builtins``) live in ``convcost.api`` and load on first use, so ``import
convcost`` costs almost nothing and loads none of typer, click, rich, pydantic or yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from convcost.errors import ConvcostError, MissingExtraError, SpecError

__version__ = "0.1.0"

__all__ = [
    "ConvcostError",
    "MissingExtraError",
    "SpecError",
    "builtins",
    "fit",
    "import_onnx",
    "layer",
    "measure",
    "memory",
    "model",
    "network",
    "sweep",
]

_API = frozenset(
    ("builtins", "fit", "import_onnx", "layer", "measure", "memory", "model", "network", "sweep")
)

if TYPE_CHECKING:
    from convcost.api import (
        builtins,
        fit,
        import_onnx,
        layer,
        measure,
        memory,
        model,
        network,
        sweep,
    )


def __getattr__(name: str) -> Any:
    """The API's functions, imported when first asked for (PEP 562)."""
    if name in _API:
        from convcost import api

        return getattr(api, name)
    raise AttributeError(f"module 'convcost' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
