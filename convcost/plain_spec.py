"""Network specs that are plainly fine, checked without pydantic.

A user's network spec is validated by the pydantic models of ``spec.py``: importing them costs
~150 ms (pydantic and ~30 models) and validating ~12 µs a layer, most of a large spec's time.
Yet the models check every value with the plain parsers of ``fields`` (their ``PlainValidator``s)
and otherwise only structure: known keys, required ones, a few literals and strings. ``network``
checks a spec with those same parsers and returns what ``NetworkSpec.model_validate(data)
.normalized()`` returns. At the first thing it is not sure of — an unknown or missing key, a
value of another type, a default section, a parser's refusal — it returns None, and the models
validate the spec and word every problem as before. So a spec is accepted or refused exactly as
the models decide; ``tests/test_plain_spec.py`` holds the two equal on every shipped spec and
on generated ones, valid and not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from convcost import fields
from convcost.fields import LAYER_DEFAULTS

Check = Callable[[Any, bool], Any]
"""A field's check: (value, inside a block) → the value the model keeps; raises _Unsure."""


class _Unsure(Exception):
    """Not plainly fine: the models decide."""


def _parsed(parse: Callable[[Any], Any]) -> Check:
    """A ``T...`` field: its parser, a ``$parameter`` expression left as it is inside blocks."""

    def check(value: Any, in_block: bool) -> Any:
        if isinstance(value, str) and "$" in value:
            if in_block:
                return value
            raise _Unsure
        try:
            return parse(value)
        except ValueError:
            raise _Unsure from None

    return check


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else parse(value)


def _of_type(*kinds: type) -> Check:
    """A value of exactly one of these types, kept as it is (pydantic's lax modes take more:
    those the models decide)."""

    def check(value: Any, in_block: bool) -> Any:
        if type(value) in kinds:
            return value
        raise _Unsure

    return check


_text = _of_type(str, type(None))
_required_text = _of_type(str)
_condition = _of_type(bool, str, type(None))  # ``if``: true, false, a $parameter or None
_flag = _of_type(bool)
_optional_flag = _of_type(bool, type(None))


def _sources(value: Any, in_block: bool) -> Any:
    """``from``: a name, a list of names, or None."""
    if value is None or type(value) is str:
        return value
    if type(value) is list and all(type(v) is str for v in value):
        return list(value)
    raise _Unsure


def _one_of(*allowed: str) -> Check:
    def check(value: Any, in_block: bool) -> Any:
        if type(value) is str and value in allowed:
            return value
        raise _Unsure

    return check


REQUIRED = object()

_PAIR = _parsed(fields.parse_pair)
_PADS = _parsed(fields.parse_pads)
_INT = _parsed(fields.parse_positive_int)
_OPT_INT = _parsed(_optional(fields.parse_positive_int))
_OPT_PAIR = _parsed(_optional(fields.parse_pair))
_INDEX = _parsed(lambda v: fields.parse_int(v, 0, "an integer >= 0"))
_FILTERS = _parsed(fields.parse_filters)
_BOOL = _parsed(fields.parse_bool)
_OPT_BOOL = _parsed(fields.parse_optional_bool)
_ACT = _parsed(fields.parse_activation)
_OPT_ACT = _parsed(fields.parse_optional_activation)
_REPEAT = _parsed(fields.parse_repeat)
_SCALE = _one_of("always", "never", "up")

Fields = dict[str, tuple[Check, Any]]
"""Key → (its check, its default or REQUIRED), as the model of a layer type has them."""


def _layer(kind: str, own: Mapping[str, Check], common: bool = True, attrs: bool = False) -> Fields:
    """A layer type's keys: the common ones (name, from, repeat, if), a conv's attributes (bias,
    bn, act, shares), and its own, defaulting as ``fields.LAYER_DEFAULTS`` says."""
    out: Fields = {"type": (_required_text, REQUIRED)}
    if common:
        out |= {
            "name": (_text, None),
            "from": (_sources, None),
            "repeat": (_REPEAT, 1),
            "if": (_condition, None),
        }
    if attrs:
        out |= {"bias": (_OPT_BOOL, None), "bn": (_OPT_BOOL, None), "act": (_OPT_ACT, None)}
        out |= {"shares": (_text, None)}
    defaults = LAYER_DEFAULTS[kind]
    for key, check in own.items():
        out[key] = (check, defaults.get(key, REQUIRED))
    return out


_WINDOW = {"kernel_size": _PAIR, "stride": _PAIR, "padding": _PADS, "dilation": _PAIR}
LAYERS: dict[str, Fields] = {
    "conv": _layer(
        "conv",
        {**_WINDOW, "filters": _FILTERS, "groups": _INT, "scale": _SCALE, "optional": _BOOL},
        attrs=True,
    ),
    "dw": _layer("dw", _WINDOW, attrs=True),
    "pw": _layer(
        "pw", {"filters": _FILTERS, "t": _OPT_INT, "scale": _SCALE, "optional": _BOOL}, attrs=True
    ),
    "separable": _layer("separable", {**_WINDOW, "filters": _FILTERS}, attrs=True),
    "bottleneck": {
        **_layer(
            "bottleneck",
            {
                "t": _OPT_INT,
                "hidden": _OPT_INT,
                "c": _INT,
                "n": _REPEAT,
                "s": _PAIR,
                "kernel_size": _PAIR,
                "padding": _PADS,
                "dilation": _PAIR,
                "se": _flag,
                "bias": _OPT_BOOL,
                "bn": _OPT_BOOL,
                "act": _OPT_ACT,
            },
            common=False,
        ),
        "name": (_text, None),
        "from": (_sources, None),
        "if": (_condition, None),
    },
    "pool": _layer(
        "pool",
        {
            "kind": _one_of("avg", "max"),
            "kernel_size": _OPT_PAIR,
            "stride": _OPT_PAIR,
            "padding": _PADS,
            "ceil_mode": _BOOL,
            "global": _BOOL,
            "output": _OPT_PAIR,
            "call": _one_of("module", "function", "mean"),
        },
    ),
    "fc": _layer(
        "fc",
        {"units": _OPT_INT, "scale": _SCALE, "bias": _OPT_BOOL, "act": _OPT_ACT, "shares": _text},
    ),
    "se": _layer(
        "se",
        {
            "reduce": _INT,
            "squeeze": _OPT_INT,
            "of": _text,
            "round": lambda v, b: None if v is None else _one_of("width", "floor")(v, b),
            "act": _ACT,
            "gate": _ACT,
        },
    ),
    "add": _layer("add", {"act": _OPT_ACT, "optional": _BOOL}),
    "concat": _layer("concat", {}),
    "mul": _layer("mul", {}),
    "split": _layer("split", {"parts": _INT, "index": _INDEX}),
    "shuffle": _layer("shuffle", {"groups": _INT}),
    "bn": _layer("bn", {"act": _OPT_ACT}),
    "act": _layer("act", {"kind": _ACT}),
}
"""Every layer type but ``other`` (what an import writes: the models check it)."""
LAYERS["conv"]["kernel_size"] = (_PAIR, REQUIRED)  # or from the spec's defaults
LAYERS["conv"]["filters"] = (_FILTERS, REQUIRED)
LAYERS["separable"]["filters"] = (_FILTERS, REQUIRED)
LAYERS["bottleneck"]["t"] = (_OPT_INT, REQUIRED)  # unless hidden is given
LAYERS["bottleneck"]["c"] = (_INT, REQUIRED)
LAYERS["pw"]["filters"] = (  # unless t is given; TFilters | None
    lambda v, in_block: None if v is None else _FILTERS(v, in_block),
    REQUIRED,
)
LAYERS["act"]["kind"] = (_ACT, REQUIRED)
LAYERS["split"]["index"] = (_INDEX, 0)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _fill(data: Any, spec: Fields, in_block: bool) -> dict[str, Any]:
    """A mapping of exactly ``spec``'s keys (those given, checked; the others, defaulted)."""
    if type(data) is not dict or not data.keys() <= spec.keys():
        raise _Unsure
    defaults, required = _defaults(spec)
    if not required <= data.keys():
        raise _Unsure
    out = dict(defaults)
    for key, value in data.items():
        out[key] = spec[key][0](value, in_block)
    return out


_DEFAULTS_OF: dict[int, tuple[dict[str, Any], frozenset[str]]] = {}
"""By the id of a spec: every spec is a constant of this module, alive for the process."""


def _defaults(spec: Fields) -> tuple[dict[str, Any], frozenset[str]]:
    """A spec's defaults (in its order) and its required keys, worked out once a spec."""
    known = _DEFAULTS_OF.get(id(spec))
    if known is None:
        defaults = {k: d for k, (_, d) in spec.items()}
        required = frozenset(k for k, d in defaults.items() if d is REQUIRED)
        known = _DEFAULTS_OF[id(spec)] = (defaults, required)
    return known


def _entry(data: Any, blocks: frozenset[str], in_block: bool) -> dict[str, Any]:
    if type(data) is not dict:
        raise _Unsure
    kind = data.get("type")
    if kind in blocks:
        return _call(data, in_block)
    if kind not in LAYERS:
        raise _Unsure
    if kind == "pw" and data.get("t") is not None and "filters" not in data:
        data = {**data, "filters": None}  # the model's: t stands for filters
    if kind == "bottleneck" and "hidden" in data and "t" not in data:
        data = {**data, "t": None}  # and hidden for t
    out = _fill(data, LAYERS[kind], in_block)
    if kind == "pw" and (out["t"] is None) == (out["filters"] is None):
        raise _Unsure
    if kind == "bottleneck" and (out["t"] is None) == (out["hidden"] is None):
        raise _Unsure
    if (
        kind == "pool"
        and not out["global"]
        and out["kernel_size"] is None
        and out["output"] is None
    ):
        raise _Unsure
    if kind == "pool" and out["call"] == "mean" and (out["kind"] != "avg" or not out["global"]):
        raise _Unsure  # the model's cross-check: let it say what is wrong
    return out


_CALL: Fields = {
    "type": (_required_text, REQUIRED),
    "name": (_text, None),
    "from": (_sources, None),
    "repeat": (_REPEAT, 1),
    "if": (_condition, None),
}


def _call(data: dict[str, Any], in_block: bool) -> dict[str, Any]:
    """A use of a block: its keys checked, its parameters kept as they are."""
    known = {k: v for k, v in data.items() if k in _CALL}
    out = _fill(known, _CALL, in_block)
    return out | {k: v for k, v in data.items() if k not in _CALL}


def _layers(data: Any, blocks: frozenset[str], in_block: bool) -> list[dict[str, Any]]:
    if type(data) is not list or not data:
        raise _Unsure
    return [_entry(entry, blocks, in_block) for entry in data]


_PARAM_VALUES = (int, float, str, bool, type(None))


def _block(data: Any, blocks: frozenset[str]) -> dict[str, Any]:
    if type(data) is not dict or not data.keys() <= {"params", "then", "layers"}:
        raise _Unsure
    params = data.get("params", {})
    then = data.get("then", {})
    if type(params) is not dict or type(then) is not dict:
        raise _Unsure
    for key, value in params.items():
        if type(key) is not str or not _IDENTIFIER.match(key) or type(value) not in _PARAM_VALUES:
            raise _Unsure
    for key, value in then.items():
        if type(key) is not str or key not in params or type(value) not in _PARAM_VALUES[:4]:
            raise _Unsure
    if "layers" not in data:
        raise _Unsure
    return {
        "params": dict(params),
        "then": dict(then),
        "layers": _layers(data["layers"], blocks, True),
    }


_TOP = {"name", "description", "input", "classes", "width", "defaults", "blocks", "layers"}


def _section(spec: Fields) -> Check:
    """A section of ``defaults:`` (its model's keys, each None unless given), or None."""
    return lambda value, in_block: None if value is None else _fill(value, spec, False)


def _optional_check(check: Check) -> Check:
    return lambda value, in_block: None if value is None else check(value, in_block)


_OPT_SCALE = _optional_check(_SCALE)
_DEFAULTS: Fields = {
    "kernel_size": (_OPT_PAIR, None),
    "stride": (_OPT_PAIR, None),
    "padding": (_parsed(_optional(fields.parse_pads)), None),
    "dilation": (_OPT_PAIR, None),
    "bias": (_optional_flag, None),
    "bn": (_optional_flag, None),
    "act": (_OPT_ACT, None),
    "pool": (
        _section(
            {
                "kind": (_optional_check(_one_of("avg", "max")), None),
                "kernel_size": (_OPT_PAIR, None),
                "stride": (_OPT_PAIR, None),
                "padding": (_parsed(_optional(fields.parse_pads)), None),
                "ceil_mode": (_optional_flag, None),
            }
        ),
        None,
    ),
    "fc": (
        _section(
            {"bias": (_optional_flag, None), "act": (_OPT_ACT, None), "scale": (_OPT_SCALE, None)}
        ),
        None,
    ),
    "add": (_section({"act": (_OPT_ACT, None)}), None),
    "se": (
        _section(
            {
                "reduce": (_OPT_INT, None),
                "round": (_optional_check(_one_of("width", "floor")), None),
                "act": (_OPT_ACT, None),
                "gate": (_OPT_ACT, None),
            }
        ),
        None,
    ),
}


_INPUT: Fields = {"size": (_PAIR, REQUIRED), "channels": (_INT, 3)}
_WIDTH: Fields = {
    "round": (_one_of("floor", "divisible"), "floor"),
    "divisor": (_INT, 8),
    "min_channels": (_INT, 1),
}


def network(data: Any) -> dict[str, Any] | None:
    """``NetworkSpec.model_validate(data).normalized()`` for a plainly fine spec, else None."""
    try:
        return _network(data)
    except (_Unsure, ValueError, TypeError, AttributeError, KeyError):
        return None


def _network(data: Any) -> dict[str, Any]:
    if type(data) is not dict or not data.keys() <= _TOP:
        raise _Unsure
    raw_blocks = data.get("blocks", {})
    if type(raw_blocks) is not dict:
        raise _Unsure
    names = frozenset(raw_blocks)
    if any(
        type(n) is not str or not _IDENTIFIER.match(n) or n in LAYERS or n == "other" for n in names
    ):
        raise _Unsure
    data = fields.apply_defaults(data)
    size = _fill(data.get("input"), _INPUT, False)
    width = _fill(data.get("width", {}), _WIDTH, False)
    if "name" not in data:
        raise _Unsure
    return {
        "name": _required_text(data["name"], False),
        "description": _text(data.get("description"), False),
        "input": size,
        "classes": _INT(data["classes"], False) if "classes" in data else 1000,
        "width": width,
        "defaults": _fill(data.get("defaults", {}), _DEFAULTS, False),
        "blocks": {name: _block(block, names) for name, block in data.get("blocks", {}).items()},
        "layers": _layers(data.get("layers"), names, False),
    }
