"""Plain parsers for the values a spec holds, shared by the pydantic models (spec.py) and the
trusted built-in path, which must not pay for building pydantic models at start-up.

Each raises ValueError with what is allowed; pydantic wraps that into its located errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, NamedTuple

MAX_REPEAT = 1000
"""An absurd ``repeat`` is almost always a typo; a real network repeats a block a few dozen times."""

MAX_DIGITS = 100
"""Digits of any integer a user gives (a side, channels, classes): no real layer needs more, and a
cap keeps every count far below the sizes where printing or parsing an int gets slow."""

MIN_RATE, MAX_RATE = 1e-6, 1e12
"""A device's GFLOP/s or GB/s: from a thousand per second to 10²¹ per second, beyond any machine
at either end; the roofline's ridge point (peak / bandwidth) then always fits a float."""

_PAIR_RE = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")
_INT_RE = re.compile(r"^\s*[+-]?\d+\s*$")


def parse_int(value: Any, minimum: int, what: str) -> int:
    """An int (or a string of digits, as flags arrive) of at least ``minimum`` and at most
    ``MAX_DIGITS`` digits; never a bool or float.

    >>> parse_int("12", 1, "a positive integer")
    12
    >>> parse_int(10**100, 1, "a positive integer")
    Traceback (most recent call last):
    ...
    ValueError: must be a positive integer; integers have at most 100 digits
    """
    if type(value) is int and minimum <= value < _INT_LIMIT and value > -_INT_LIMIT:
        return value  # the common case, first: a compiled network parses every field
    if isinstance(value, str) and _INT_RE.match(value):
        if len(value.strip().lstrip("+-")) > MAX_DIGITS:  # before int(): it is slow on long text
            raise ValueError(f"must be {what}; integers have at most {MAX_DIGITS} digits")
        value = int(value.strip())  # int() strips fewer characters than \s (e.g. \x1f)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be {what}")
    if not -_INT_LIMIT < value < _INT_LIMIT:
        raise ValueError(f"must be {what}; integers have at most {MAX_DIGITS} digits")
    if value < minimum:
        raise ValueError(f"must be {what}")
    return value


_INT_LIMIT = 10**MAX_DIGITS


def parse_positive_int(value: Any) -> int:
    return parse_int(value, 1, "a positive integer")


def _as_pair(value: Any, minimum: int, what: str) -> tuple[int, int] | None:
    """HxW text or a two-item list as two ints of at least ``minimum``; None for anything else."""
    if isinstance(value, str):
        match = _PAIR_RE.match(value)
        if match:
            value = [match[1], match[2]]
    if not isinstance(value, (list, tuple)):
        return None
    if len(value) != 2:
        raise ValueError(f"must be {what}")
    return (parse_int(value[0], minimum, what), parse_int(value[1], minimum, what))


def parse_pair(value: Any) -> tuple[int, int]:
    """Accept 7, "7", "224x160" or [224, 160], each side a positive integer."""
    if type(value) is tuple and len(value) == 2:
        h, w = value
        if type(h) is int and type(w) is int and 0 < h < _INT_LIMIT and 0 < w < _INT_LIMIT:
            return value  # already a pair (a validated spec, a default)
    what = "a positive integer or HxW (e.g. 224x160)"
    pair = _as_pair(value, 1, what)
    if pair is not None:
        return pair
    side = parse_int(value, 1, what)
    return (side, side)


def parse_padding(value: Any, what: str = "an integer >= 0, 'same' or 'valid'") -> int | str:
    if isinstance(value, str) and value.strip().lower() in ("same", "valid"):
        return value.strip().lower()
    return parse_int(value, 0, what)


Pads = int | str | tuple[int, int] | tuple[int, int, int, int]


def parse_pads(value: Any) -> Pads:
    """A network layer's padding: P (every side), HxW or [H, W] (per axis, both ends),
    [top, left, bottom, right] (as ONNX's pads), 'same' (ceil(D_F/S)) or 'valid' (0)."""
    if value == "same" or value == "valid" or (type(value) is int and 0 <= value < _INT_LIMIT):
        return value  # type: ignore[no-any-return]  # the common cases, as parse_padding has them
    what = "an integer >= 0, HxW, [top, left, bottom, right], 'same' or 'valid'"
    if isinstance(value, (list, tuple)) and len(value) == 4:
        sides = tuple(parse_int(v, 0, what) for v in value)
        return sides[0] if len(set(sides)) == 1 else sides  # type: ignore[return-value]
    pair = _as_pair(value, 0, what)
    if pair is None:
        return parse_padding(value, what)
    return pair[0] if pair[0] == pair[1] else pair


def pads(padding: Pads) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of an explicit padding (not 'same').

    >>> pads(1), pads((0, 3)), pads("valid"), pads((0, 1, 2, 3))
    ((1, 1, 1, 1), (0, 3, 0, 3), (0, 0, 0, 0), (0, 1, 2, 3))
    """
    if isinstance(padding, int):
        return (padding,) * 4
    if padding == "valid":
        return (0, 0, 0, 0)
    if isinstance(padding, tuple) and len(padding) == 2:
        return (padding[0], padding[1], padding[0], padding[1])
    assert isinstance(padding, tuple) and len(padding) == 4
    return padding


def parse_bool(value: Any, what: str = "true or false") -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"must be {what}")


def parse_optional_bool(value: Any) -> bool | None:
    """A structural flag a spec may leave unsaid (null): then the counting flags decide."""
    return None if value is None else parse_bool(value, "true, false or null (unset)")


ACTIVATIONS = (
    "relu",
    "relu6",
    "leaky_relu",
    "hardswish",
    "hardsigmoid",
    "sigmoid",
    "swish",
    "tanh",
    "gelu",
    "softmax",
    "none",
)
_ACTIVATION_ALIASES = {"silu": "swish", "hard_swish": "hardswish", "hard_sigmoid": "hardsigmoid"}


def parse_activation(value: Any) -> str:
    """An activation's name; silu is swish (the same function, x·sigmoid(x))."""
    what = f"one of {', '.join(ACTIVATIONS)} (silu = swish)"
    if value is None or value is False:
        return "none"
    if isinstance(value, str):
        name = value.strip().lower()
        name = _ACTIVATION_ALIASES.get(name, name)
        if name in ACTIVATIONS:
            return name
    raise ValueError(f"must be {what}")


def parse_optional_activation(value: Any) -> str | None:
    return None if value is None else parse_activation(value)


def parse_filters(value: Any) -> int | str:
    """Output channels: a positive integer, or ``classes`` (the network's classes, never scaled)."""
    if isinstance(value, str) and value.strip().lower() == "classes":
        return "classes"
    return parse_int(value, 1, "a positive integer or 'classes'")


def parse_layer_padding(value: Any) -> int | str | tuple[int, int]:
    """``convcost layer``'s padding: as ``parse_padding``, or one per axis, PHxPW (0x3 for a 1×7
    kernel) or [PH, PW]; an equal pair is one int.

    >>> parse_layer_padding("0x3"), parse_layer_padding([2, 2]), parse_layer_padding("same")
    ((0, 3), 2, 'same')
    """
    what = "an integer >= 0, PHxPW (e.g. 0x3), 'same' or 'valid'"
    pair = _as_pair(value, 0, what)
    if pair is None:
        return parse_padding(value, what)
    return pair[0] if pair[0] == pair[1] else pair


def parse_number(value: Any, what: str) -> float:
    """A finite number: an int, a float, or a string of one (YAML 1.1 reads ``1e3`` as a string);
    never a bool."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"must be {what}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be {what}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        raise ValueError(f"must be {what}") from None
    if not math.isfinite(number):
        raise ValueError(f"must be {what}")
    return number


def parse_multiplier(value: Any) -> float:
    what = "a number in (0, 4]"
    number = parse_number(value, what)
    if not 0 < number <= 4:
        raise ValueError(f"must be {what}")
    return number


class Layer(NamedTuple):
    """One convolution of ``convcost layer``, validated: what ``spec.LayerSpec`` holds, as plain
    data (flags alone are checked by ``LAYER_FIELDS`` without building pydantic models)."""

    name: str | None
    input_size: tuple[int, int]
    channels: int
    kernel_size: tuple[int, int]
    filters: int
    stride: tuple[int, int] = (1, 1)
    padding: int | str | tuple[int, int] = 0


LAYER_FIELDS: dict[str, Callable[[Any], Any]] = {
    "input_size": parse_pair,
    "channels": parse_positive_int,
    "kernel_size": parse_pair,
    "filters": parse_positive_int,
    "stride": parse_pair,
    "padding": parse_layer_padding,
}
"""The parser of each field of a Layer but its name (the pydantic model uses the same ones)."""


def parse_repeat(value: Any) -> int:
    count = parse_int(value, 1, "a positive integer")
    if count > MAX_REPEAT:
        raise ValueError(f"must be at most {MAX_REPEAT} (a larger repeat is almost surely a typo)")
    return count


def parse_rate(value: Any) -> float:
    """A throughput (GFLOP/s, GB/s) from ``MIN_RATE`` to ``MAX_RATE``; a zero bandwidth would
    make every layer take forever."""
    what = f"a number from {MIN_RATE:g} to {MAX_RATE:g}"
    number = parse_number(value, what)
    if not MIN_RATE <= number <= MAX_RATE:
        raise ValueError(f"must be {what}")
    return number


CONV_ATTRS: dict[str, Any] = {"bias": None, "bn": None, "act": None, "shares": None}
"""What follows a convolution, as the network has it: a bias, a BatchNorm, an activation. Unset
(None): BatchNorm exactly when the counting flags count it, a bias exactly when no BatchNorm
follows, no activation. ``shares``: the name of an earlier layer whose weights this one uses
(its mult-adds count, its parameters were counted there)."""

LAYER_DEFAULTS: dict[str, dict[str, Any]] = {
    "conv": {
        "stride": (1, 1),
        "padding": 0,
        "dilation": (1, 1),
        "groups": 1,
        "scale": "always",
        "optional": False,
        **CONV_ATTRS,
    },
    "dw": {
        "kernel_size": (3, 3),
        "stride": (1, 1),
        "padding": 0,
        "dilation": (1, 1),
        **CONV_ATTRS,
    },
    "pw": {"t": None, "scale": "always", "optional": False, **CONV_ATTRS},
    "separable": {
        "kernel_size": (3, 3),
        "stride": (1, 1),
        "padding": 0,
        "dilation": (1, 1),
        **CONV_ATTRS,
    },
    # 'same' keeps a stride-1 block's side, so its residual add lines up; for a 3×3 kernel it
    # equals torchvision's padding 1 at any stride (ceil(D_F/S) either way).
    "bottleneck": {
        "t": None,
        "hidden": None,
        "n": 1,
        "s": (1, 1),
        "kernel_size": (3, 3),
        "padding": "same",
        "dilation": (1, 1),
        "se": False,
        **CONV_ATTRS,
    },
    "pool": {
        "kind": "avg",
        "kernel_size": None,
        "stride": None,
        "padding": 0,
        "ceil_mode": False,
        "global": False,
        "output": None,
        "call": "module",
    },
    "fc": {"units": None, "scale": "never", "bias": None, "act": None, "shares": None},
    "se": {
        "reduce": 4,
        "squeeze": None,
        "of": None,
        "round": None,
        "act": "relu",
        "gate": "sigmoid",
    },
    "add": {"act": None, "optional": False},
    "concat": {},
    "mul": {},
    "split": {"parts": 2, "index": 0},
    "shuffle": {"groups": 2},
    "bn": {"act": None},
    "act": {"kind": None},
    "other": {"op": None, "output": None, "params": 0},
}
"""Defaults of every layer type's optional fields: the pydantic models and the engine read this
one table. ``None`` where a field is required (``act``'s kind, ``other``'s op) or unset."""

CONVOLUTIONS = ("conv", "dw", "pw", "separable", "bottleneck")
"""The layer types a spec's top-level ``defaults:`` keys apply to; other types take only their own
section (``defaults: {pool: {...}}``), so a conv's padding never pads a pool."""

DEFAULT_SECTIONS = ("pool", "fc", "add", "se")
"""Layer types with a section of their own in ``defaults:``."""

COMMON_KEYS = ("type", "name", "from", "repeat", "if")
"""Keys every layer entry may have (``if`` inside blocks only)."""


def defaults_for(kind: str, defaults: Any) -> dict[str, Any]:
    """The values of ``defaults:`` that a layer of type ``kind`` takes (where it sets none)."""
    if not isinstance(defaults, dict) or not defaults:
        return {}
    if kind in CONVOLUTIONS:
        keys = set(LAYER_DEFAULTS[kind]) | ({"kernel_size"} if kind == "conv" else set())
        return {
            k: v
            for k, v in defaults.items()
            if k in keys and k not in DEFAULT_SECTIONS and v is not None
        }
    section = defaults.get(kind) if kind in DEFAULT_SECTIONS else None
    if not isinstance(section, dict):
        return {}
    return {k: v for k, v in section.items() if v is not None}


def apply_defaults(data: Any) -> Any:
    """Fill each layer entry (top level and in blocks) from the spec's ``defaults:`` where the
    entry's type has that key and does not set it. Leaves anything malformed for validation."""
    if not isinstance(data, dict):
        return data
    defaults = data.get("defaults")
    if not isinstance(defaults, dict) or not defaults:
        return data
    out = {**data}
    if isinstance(data.get("layers"), list):
        out["layers"] = fill_defaults(data["layers"], defaults)
    blocks = data.get("blocks")
    if isinstance(blocks, dict):
        out["blocks"] = {
            name: {**block, "layers": fill_defaults(block["layers"], defaults)}
            if isinstance(block, dict) and isinstance(block.get("layers"), list)
            else block
            for name, block in blocks.items()
        }
    return out


def fill_defaults(layers: list[Any], defaults: Any) -> list[Any]:
    filled = []
    of_kind: dict[str, dict[str, Any]] = {}  # each type's defaults, once
    for entry in layers:
        kind = entry.get("type") if isinstance(entry, dict) else None
        if isinstance(kind, str) and kind in LAYER_DEFAULTS:
            given = of_kind.get(kind)
            if given is None:
                given = of_kind[kind] = defaults_for(kind, defaults)
            if given:
                entry = {**given, **entry}
        filled.append(entry)
    return filled
