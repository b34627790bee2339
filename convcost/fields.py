"""Plain parsers for the values a spec holds, shared by the pydantic models (spec.py) and the
trusted built-in path, which must not pay for building pydantic models at start-up.

Each raises ValueError with what is allowed; pydantic wraps that into its located errors.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_REPEAT = 1000
"""An absurd ``repeat`` is almost always a typo; a real network repeats a block a few dozen times."""

_PAIR_RE = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")
_INT_RE = re.compile(r"^\s*[+-]?\d+\s*$")


def parse_int(value: Any, minimum: int, what: str) -> int:
    """An int (or a string of digits, as flags arrive) of at least ``minimum``; never a bool or float."""
    if isinstance(value, str) and _INT_RE.match(value):
        value = int(value.strip())  # int() strips fewer characters than \s (e.g. \x1f)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be {what}")
    if value < minimum:
        raise ValueError(f"must be {what}")
    return value


def parse_positive_int(value: Any) -> int:
    return parse_int(value, 1, "a positive integer")


def parse_pair(value: Any) -> tuple[int, int]:
    """Accept 7, "7", "224x160" or [224, 160], each side a positive integer."""
    what = "a positive integer or HxW (e.g. 224x160)"
    if isinstance(value, str):
        match = _PAIR_RE.match(value)
        if match:
            value = [int(match[1]), int(match[2])]
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"must be {what}")
        return (parse_int(value[0], 1, what), parse_int(value[1], 1, what))
    side = parse_int(value, 1, what)
    return (side, side)


def parse_padding(value: Any) -> int | str:
    what = "an integer >= 0, 'same' or 'valid'"
    if isinstance(value, str) and value.strip().lower() in ("same", "valid"):
        return value.strip().lower()
    return parse_int(value, 0, what)


def parse_number(value: Any, what: str) -> float:
    """A finite number: an int, a float, or a string of one (YAML 1.1 reads ``1e3`` as a string);
    never a bool."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"must be {what}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"must be {what}")
    return float(value)


def parse_multiplier(value: Any) -> float:
    what = "a number in (0, 4]"
    number = parse_number(value, what)
    if not 0 < number <= 4:
        raise ValueError(f"must be {what}")
    return number


def parse_repeat(value: Any) -> int:
    count = parse_int(value, 1, "a positive integer")
    if count > MAX_REPEAT:
        raise ValueError(f"must be at most {MAX_REPEAT} (a larger repeat is almost surely a typo)")
    return count


def parse_rate(value: Any) -> float:
    """A throughput (GFLOP/s, GB/s): a finite number > 0; a zero bandwidth would make every
    layer take forever."""
    number = parse_number(value, "a number > 0")
    if number <= 0:
        raise ValueError("must be a number > 0")
    return number


LAYER_DEFAULTS: dict[str, dict[str, Any]] = {
    "conv": {"stride": (1, 1), "padding": 0, "groups": 1, "scale": "always"},
    "dw": {"kernel_size": (3, 3), "stride": (1, 1), "padding": 0},
    "pw": {"scale": "always"},
    "separable": {"kernel_size": (3, 3), "stride": (1, 1), "padding": 0},
    # 'same' keeps a stride-1 block's side, so its residual add lines up; for a 3×3 kernel it
    # equals torchvision's padding 1 at any stride (ceil(D_F/S) either way).
    "bottleneck": {"n": 1, "s": (1, 1), "kernel_size": (3, 3), "padding": "same"},
    "pool": {"kind": "avg", "kernel_size": None, "stride": None, "padding": 0, "global": False},
    "fc": {"units": None},
}
"""Defaults of every layer type's optional fields: the pydantic models and the engine read this one table."""


def apply_defaults(data: Any) -> Any:
    """Fill each layer entry from the spec's ``defaults:`` where the entry's type has that key
    and does not set it. Leaves anything malformed for validation to report."""
    if not isinstance(data, dict):
        return data
    defaults, layers = data.get("defaults"), data.get("layers")
    if not isinstance(defaults, dict) or not defaults or not isinstance(layers, list):
        return data
    filled = []
    for entry in layers:
        known = LAYER_DEFAULTS.get(entry.get("type", "")) if isinstance(entry, dict) else None
        if known is not None:
            keys = set(known) | (
                {"kernel_size"} if entry["type"] == "conv" else set()
            )  # required there
            entry = {**{k: v for k, v in defaults.items() if k in keys}, **entry}
        filled.append(entry)
    return {**data, "layers": filled}
