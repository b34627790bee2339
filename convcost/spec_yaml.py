"""A network spec (plain data) → readable YAML text, in the house style of ``specs/*.yaml``: scalars
and small mappings on their key's line, one flow-style line per layer, comments on top.

Written by hand rather than with PyYAML: the output must look like a file a person wrote, and the
layering rules keep yaml in ``load.py``. The text loads back (with a YAML safe load) to exactly the
data given; strings are quoted whenever a plain scalar could read as something else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-+]*$")
_SPECIAL = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$"
)
_BLOCK_KEYS = ("layers",)
"""Lists written one item per line, each item in flow style (even a long one)."""


def scalar(value: Any) -> str:
    """One YAML scalar: ints as digits, bools as true/false, None as null, strings plain when that
    is unambiguous and double-quoted (JSON escapes are valid YAML) otherwise.

    >>> [scalar(v) for v in (3, True, None, "conv1", "yes", "1x2", "a b", "features.0.0")]
    ['3', 'true', 'null', 'conv1', '"yes"', '"1x2"', '"a b"', 'features.0.0']
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise TypeError(f"spec values are exact; got the float {value!r}")
    if isinstance(value, str):
        if _PLAIN.match(value) and not _SPECIAL.match(value) and not _number_like(value):
            return value
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"not a spec value: {value!r}")


def _number_like(text: str) -> bool:
    """True if YAML 1.1 could resolve the text as a number (e.g. ``1e3``, ``0x1f``, ``1_000``)."""
    try:
        float(text.replace("_", ""))
    except ValueError:
        return bool(re.match(r"^[-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+)$", text))
    return True


def flow(value: Any) -> str:
    """A value on one line: ``{a: 1, b: [2, 3]}``."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def spec_to_yaml(spec: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """The spec as YAML: ``header`` lines as comments first, then each top-level key; ``layers``
    one flow mapping per line; other mappings on one line when short, nested otherwise.

    >>> print(spec_to_yaml({"name": "tiny", "input": {"size": 8, "channels": 3},
    ...     "layers": [{"type": "pw", "filters": 4}]}, header=["made by hand"]), end="")
    # made by hand
    name: tiny
    input: {size: 8, channels: 3}
    layers:
      - {type: pw, filters: 4}
    """
    lines = [f"# {line}".rstrip() for text in header for line in text.splitlines() or [""]]
    lines += _block(spec, 0)
    return "\n".join(lines) + "\n"


def _block(mapping: Mapping[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for key, value in mapping.items():
        head = f"{pad}{scalar(key)}:"
        if isinstance(value, (list, tuple)) and value and key in _BLOCK_KEYS:
            lines.append(head)
            lines += [f"{pad}  - {flow(item)}" for item in value]
        elif isinstance(value, Mapping) and value and len(head) + len(flow(value)) > 100:
            lines.append(head)
            lines += _block(value, indent + 2)
        else:
            lines.append(f"{head} {flow(value)}")
    return lines
