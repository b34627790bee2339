"""JSON: exact integers, stable keys, no colour; the format scripts consume.

The text is ``json.dumps(record, indent=2, ensure_ascii=False)``, written by ``dumps`` below:
an indent makes the standard library use its pure-Python encoder (its C encoder writes only
compact JSON before Python 3.14), about 10× slower than this writer, which leaves the strings
to the C escaper and lays out the structure with ``str.join``. ``tests/test_json.py`` holds the
two equal on generated documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TextIO

try:  # the C string escaper json.dumps(ensure_ascii=False) uses
    from _json import encode_basestring as _string
except ImportError:  # pragma: no cover - CPython always has it
    from json.encoder import encode_basestring as _string

from convcost.render import records
from convcost.report import share

if TYPE_CHECKING:  # the model path does not load the sweep engine
    from convcost.sweeps import SweepReport, Variants

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


class _Slot:
    """A leaf to fill in (``template``)."""


_SLOT = _Slot()
_SCALARS[_Slot] = lambda _: "\x00"


def template(record: dict[str, Any]) -> str:
    """The text ``dumps`` gives a record inside a list, with ``{}`` for each leaf (nested lists
    written out): rows of one shape are then one ``str.format`` each. Leaves must be ints or
    finite floats, whose ``format`` is their JSON."""

    def slots(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: slots(v) for k, v in value.items()}
        if isinstance(value, list):
            return [slots(v) for v in value]
        return _SLOT

    text = _encode(slots(record), "\n" + INDENT)
    return INDENT + text.replace("{", "{{").replace("}", "}}").replace("\x00", "{}")


CHUNK = 4096
"""Rows written at a time: few writes, and memory that does not grow with the rows."""


def _chunks(texts: Iterator[str], out: TextIO) -> None:
    """``[`` the texts, comma-separated, ``]``: written a chunk at a time."""
    first = True
    while True:
        chunk = list(islice(texts, CHUNK))
        if not chunk:
            break
        out.write(("[\n" if first else ",\n") + ",\n".join(chunk))
        first = False
    out.write("\n]\n" if not first else "[]\n")


def write_SweepReport(report: SweepReport, out: TextIO) -> None:
    """``render(report)``, streamed: a million rows in a few seconds, in the memory of one."""
    from convcost.sweeps import Variants

    keys = records.sweep_keys(report)
    values = records.sweep_values(report)
    first = next(values)
    fill = template(records.sweep_record(keys, first)).format
    rows = chain([first], values)
    if isinstance(report.rows, Variants) and not report.conventions.flops:
        texts = _sweep_texts(report, report.rows, template(records.sweep_record(keys, first)))
    else:
        texts = (fill(*row) for row in rows)
    _chunks(texts, out)


def _sweep_texts(report: SweepReport, variants: Variants, text: str) -> Iterator[str]:
    """The rows of ``records.sweep_values`` as text, each value computed where it changes: the
    α's once a width, the resolution's once a column, a variant's own (its mult-adds, their share
    of the largest's; its parameters too where they depend on the resolution) once a row."""
    pieces = [p.replace("{{", "{").replace("}}", "}") for p in text.split("{}")]
    by_rho = records.sweep_keys(report)[1] == "rho"
    largest = report.largest.cost
    top_macs, top_params = largest.macs, largest.params
    # the leaves: alpha, [rho], H, W, macs, params, macs_vs_largest, params_vs_largest
    c = 1  # the first of the column's leaves
    m = 4 if by_rho else 3  # macs
    columns = []
    for rho, hw, _ in variants.columns:
        leaves = [float(rho), *hw] if rho is not None else list(hw)
        columns.append("".join(f"{v}{pieces[c + k + 1]}" for k, v in enumerate(leaves)))
    head_of = pieces[0]
    for width, cells in variants.by_width():
        head = f"{head_of}{float(width.alpha)}{pieces[1]}"
        after_macs, after_share = pieces[m + 1], pieces[m + 2]
        if any(width.area_params):
            tail, end = pieces[m + 3], pieces[m + 4]
            for column, (_, _, macs, params) in zip(columns, cells, strict=True):
                yield (
                    f"{head}{column}{macs}{after_macs}{params}{after_share}"
                    f"{round(share(macs, top_macs), 6)}{tail}"
                    f"{round(share(params, top_params), 6)}{end}"
                )
            continue
        params = width.params
        middle = f"{after_macs}{params}{after_share}"
        end = f"{pieces[m + 3]}{round(share(params, top_params), 6)}{pieces[m + 4]}"
        all_macs = variants.macs_of(width)
        if top_macs:
            for column, macs in zip(columns, all_macs, strict=True):
                yield f"{head}{column}{macs}{middle}{round(macs / top_macs, 6)}{end}"
        else:
            for column, macs in zip(columns, all_macs, strict=True):
                yield f"{head}{column}{macs}{middle}0.0{end}"
