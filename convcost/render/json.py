"""JSON: exact integers, stable keys, no colour; the format scripts consume.

The text is ``json.dumps(record, indent=2, ensure_ascii=False)``, written by ``dumps`` below:
an indent makes the standard library use its pure-Python encoder (its C encoder writes only
compact JSON before Python 3.14), about 10× slower than this writer, which leaves the strings
to the C escaper and lays out the structure with ``str.join``. ``tests/test_json.py`` holds the
two equal on generated documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:  # the C string escaper json.dumps(ensure_ascii=False) uses
    from _json import encode_basestring as _string
except ImportError:  # pragma: no cover - CPython always has it
    from json.encoder import encode_basestring as _string

from convcost.render import records

INDENT = "  "


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _true_false(value: bool) -> str:
    return "true" if value else "false"


def _null(value: None) -> str:
    return "null"


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _string,
    int: int.__repr__,
    float: _float,
    bool: _true_false,
    type(None): _null,
}


def _key(key: Any) -> str:
    """A dict key as json writes it: strings as they are, numbers, booleans and None as text."""
    if isinstance(key, str):
        return _string(key)
    if isinstance(key, bool):
        return _string(_true_false(key))
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _string(int.__repr__(key))
    if isinstance(key, float):
        return _string(_float(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _encode(value: Any, newline: str) -> str:
    """``value`` as indented JSON, ``newline`` being the line break and indent of its level."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    inner = newline + INDENT
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for k, v in value.items():
            scalar = _SCALARS.get(type(v))
            text = scalar(v) if scalar is not None else _encode(v, inner)
            items.append(f"{_string(k) if type(k) is str else _key(k)}: {text}")
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        kinds = set(map(type, value))
        scalar = _SCALARS.get(kinds.pop()) if len(kinds) == 1 else None
        texts = map(scalar, value) if scalar is not None else [_encode(v, inner) for v in value]
        return "[" + inner + ("," + inner).join(texts) + newline + "]"
    for kind in (str, bool, int, float):  # subclasses (an int-valued Enum), as json writes them
        if isinstance(value, kind):
            return _SCALARS[kind](value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(record: Any) -> str:
    """``json.dumps(record, indent=2, ensure_ascii=False)`` and a newline, faster.

    >>> print(dumps({"layers": [{"name": "conv1", "output": [112, 112, 32]}], "alpha": 1.0}), end="")
    {
      "layers": [
        {
          "name": "conv1",
          "output": [
            112,
            112,
            32
          ]
        }
      ],
      "alpha": 1.0
    }
    """
    return _encode(record, "\n") + "\n"


def render(report: Any) -> str:
    return dumps(records.document(report))
