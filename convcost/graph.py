"""Spec → graph: a network in its plain-data form (a validated spec's ``normalized()`` or a
trusted built-in dict) becomes one flat tuple of primitive nodes in topological order, each
naming by index the nodes it reads (as ONNX's GraphProto and torch.fx do). A chain is the case
where every node reads the one before.

Everything that makes a spec short is expanded here, once: ``repeat``, ``blocks:`` (sub-graphs
with ``$parameters``), and the composite layer types (``separable``, ``bottleneck``, ``se``), each
one function in ``_EXPAND``. Evaluation (``network.py``) sees only primitive nodes, so a new layer
type never touches the engine, and a new architecture never needs Python code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from convcost import fields
from convcost.errors import SpecError

Pair = tuple[int, int]
Kind = Literal[
    "conv",
    "dw",
    "pw",
    "pool",
    "fc",
    "add",
    "concat",
    "mul",
    "split",
    "shuffle",
    "bn",
    "act",
    "other",
]
INPUT = -1
"""The index that stands for the network's input."""

MAX_NODES = 200_000
"""Layers after every repeat and block is expanded: real networks have hundreds."""
MAX_BLOCK_DEPTH = 8
"""Blocks may use blocks, this deep."""
MAX_EXPRESSION = 200
"""Characters of one ``$`` expression."""


class Width(NamedTuple):
    """How α rounds channel counts (see ``cost.scale_channels``)."""

    round: str = "floor"
    divisor: int = 8
    min_channels: int = 1


class Node(NamedTuple):
    """One primitive layer. ``filters`` is before α: an int, ``classes``, or None (keeps its
    input's channels); ``expansion`` t: t × input channels; ``ref``: the channels of node ``ref``
    (``INPUT``: the network's input) // ``divisor``, rounded by ``round`` (None: exactly; "floor":
    at least 1; "width": the spec's width rule) — an SE's squeeze and expand widths."""

    kind: Kind
    name: str
    block: str
    where: str
    inputs: tuple[int, ...] = (INPUT,)
    sources: tuple[str, ...] = ("input",)
    """The names of the inputs, for messages and reports."""
    kernel: Pair = (1, 1)
    stride: Pair = (1, 1)
    padding: fields.Pads = 0
    dilation: Pair = (1, 1)
    groups: int = 1
    """Groups of a conv; parts of a split; groups of a shuffle."""
    filters: int | str | None = None
    scale: str = "always"
    expansion: int | None = None
    ref: int | None = None
    divisor: int = 1
    round: str | None = None
    bias: bool | None = None
    bn: bool | None = None
    act: str | None = None
    optional: bool = False
    """A 1×1 conv that exists only where it changes its input's shape; an add only where its
    inputs' shapes agree."""
    pool: str = "avg"
    ceil_mode: bool = False
    pool_global: bool = False
    call: str = "module"
    """How a PyTorch model calls a pool: module, function (F.*) or mean (x.mean): what torch
    counters see of it (``tools.py``)."""
    output: tuple[int, ...] | None = None
    """An adaptive pool's output side (H, W); an ``other`` node's fixed shape (H, W, C)."""
    part: int = 0
    """Which part a split takes."""
    op: str = ""
    """An ``other`` node's operation (as an importer found it)."""
    role: str = ""
    """What the node is within its composite layer (``exp``, ``dw``, ``proj``, ``se``, ...)."""
    shares: int | None = None
    """The node whose weights this one uses: its mult-adds count, its parameters do not."""
    held: int = 0
    """Parameters of an ``other`` node (weights of an operation convcost does not cost)."""


class Graph(NamedTuple):
    name: str
    input_size: Pair
    input_channels: int
    classes: int
    width: Width
    nodes: tuple[Node, ...]
    notes: tuple[str, ...] = ()
    """What a reader of the network should know (an importer's decisions), shown with results."""


def readers(graph: Graph) -> list[list[int]]:
    """For each node, the nodes that read it (derived, never stored twice)."""
    out: list[list[int]] = [[] for _ in graph.nodes]
    for i, node in enumerate(graph.nodes):
        for j in node.inputs:
            if j != INPUT and i not in out[j]:
                out[j].append(i)
    return out


# --- $parameters: a value, or a small integer expression ------------------------------------------

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_WHOLE_PARAM = re.compile(rf"^\s*\$({_NAME})\s*$")
_TOKEN = re.compile(rf"\s*(?:(\d+)|\$({_NAME})|(//|[-+*()]))")


def evaluate_expression(text: str, params: Mapping[str, Any]) -> Any:
    """A value that is exactly ``$name`` is the parameter's value, whatever its type; otherwise
    an integer expression of parameters and integers with + - * // and parentheses.

    >>> evaluate_expression("$act", {"act": "relu"}), evaluate_expression("$c * 4 + 1", {"c": 16})
    ('relu', 65)
    >>> evaluate_expression("($n - 1) // 2", {"n": 7})
    3
    """
    whole = _WHOLE_PARAM.match(text)
    if whole:
        return _param(whole[1], params)
    if len(text) > MAX_EXPRESSION:
        raise ValueError(f"is longer than {MAX_EXPRESSION} characters")
    tokens: list[tuple[str, Any]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if not match:
            raise ValueError(
                f"cannot read {stripped[position:]!r}: an expression has $parameters, integers, "
                "+ - * // and parentheses"
            )
        number, name, operator = match.groups()
        if number is not None:
            tokens.append(("int", int(number)))
        elif name is not None:
            value = _param(name, params)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(
                    f"${name} is {value!r}, not an integer, so it cannot be computed with"
                )
            tokens.append(("int", value))
        else:
            tokens.append(("op", operator))
        position = match.end()
    value, rest = _sum(tokens)
    if rest:
        raise ValueError(f"has {rest[0][1]!r} where an operator or the end was expected")
    return value


def _param(name: str, params: Mapping[str, Any]) -> Any:
    if name not in params:
        known = ", ".join(f"${p}" for p in params) or "none"
        raise ValueError(f"${name} is not a parameter of this block (its parameters: {known})")
    return params[name]


Tokens = list[tuple[str, Any]]


def _sum(tokens: Tokens) -> tuple[int, Tokens]:
    value, tokens = _product(tokens)
    while tokens and tokens[0] in (("op", "+"), ("op", "-")):
        operator = tokens[0][1]
        right, tokens = _product(tokens[1:])
        value = value + right if operator == "+" else value - right
    return value, tokens


def _product(tokens: Tokens) -> tuple[int, Tokens]:
    value, tokens = _factor(tokens)
    while tokens and tokens[0] in (("op", "*"), ("op", "//")):
        operator = tokens[0][1]
        right, tokens = _factor(tokens[1:])
        if operator == "*":
            value *= right
        elif right == 0:
            raise ValueError("divides by zero")
        else:
            value //= right
    return value, tokens


def _factor(tokens: Tokens) -> tuple[int, Tokens]:
    if not tokens:
        raise ValueError("ends where a number or $parameter was expected")
    kind, value = tokens[0]
    if kind == "int":
        return value, tokens[1:]
    if value == "-":
        inner, rest = _factor(tokens[1:])
        return -inner, rest
    if value == "(":
        inner, rest = _sum(tokens[1:])
        if not rest or rest[0] != ("op", ")"):
            raise ValueError("has an unclosed parenthesis")
        return inner, rest[1:]
    raise ValueError(f"has {value!r} where a number or $parameter was expected")


# --- the compiler ---------------------------------------------------------------------------------

Locate = Callable[[tuple[Any, ...]], str]


class _Scope:
    """Where entries are being expanded: the top level, or one use of a block. ``prefix``: the
    full name of the block instance ('' at the top level; node names are prefix/name); ``path``:
    the path of the layers list in the spec (for line numbers); ``top``: the index of the
    top-level entry being expanded (``layers[i]`` in messages). (Plain classes, not dataclasses,
    on the start-up path.)"""

    __slots__ = (
        "chain",
        "counts",
        "depth",
        "input",
        "last",
        "names",
        "params",
        "path",
        "prefix",
        "top",
    )

    def __init__(
        self,
        prefix: str,
        input: int,
        path: tuple[Any, ...],
        params: Mapping[str, Any] | None = None,
        depth: int = 0,
        chain: tuple[str, ...] = (),
        top: int = 0,
        last: int = INPUT,
    ) -> None:
        self.prefix = prefix
        self.input = input
        self.path = path
        self.params = params
        self.depth = depth
        self.chain = chain
        self.top = top
        self.last = last
        self.names: dict[str, int] = {}
        self.counts: dict[str, int] = {}

    def default_name(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"{kind}{self.counts[kind]}"

    def full(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name


class _Entry(NamedTuple):
    """One layer entry being expanded into nodes."""

    data: Mapping[str, Any]
    name: str
    """The full name of this repeat."""
    block: str
    """The report group its nodes belong to."""
    where: str
    path: tuple[Any, ...]
    scope: _Scope


AMBIGUOUS = -2


class _Compiler:
    def __init__(self, spec: Mapping[str, Any], locate: Locate | None) -> None:
        self.spec = spec
        self.locate = locate
        self.defaults = spec.get("defaults") or {}
        self.blocks: Mapping[str, Any] = spec.get("blocks") or {}
        self.nodes: list[Node] = []
        self.names: dict[str, int] = {}
        self.bases: dict[str, dict[str, Any]] = {}
        self.steps = 0
        self.width = Width(**{**Width()._asdict(), **(spec.get("width") or {})})

    # -- errors -----------------------------------------------------------------------------------

    def fail(self, path: tuple[Any, ...], text: str) -> SpecError:
        where = self.locate(path) if self.locate else ""
        return SpecError(f"{where}: {text}" if where else text)

    def value(self, e: _Entry, key: str, parse: Callable[[Any], Any]) -> Any:
        raw = e.data.get(key)
        try:
            return parse(raw)
        except ValueError as exc:
            shown = repr(raw) if len(repr(raw)) <= 60 else repr(raw)[:57] + "..."
            raise self.fail(
                (*e.path, key), f"{e.where}: {key}: {shown} is not allowed: {exc}"
            ) from None

    def defaults_of(self, kind: str) -> dict[str, Any]:
        """A layer type's defaults: the format's, then the spec's ``defaults:`` (once a type)."""
        base = self.bases.get(kind)
        if base is None:
            base = {**fields.LAYER_DEFAULTS[kind], **fields.defaults_for(kind, self.defaults)}
            self.bases[kind] = base
        return base

    # -- nodes and names --------------------------------------------------------------------------

    def add(self, e: _Entry, node: Node, inputs: Sequence[int]) -> int:
        if len(self.nodes) >= MAX_NODES:
            raise self.fail(
                e.path,
                f"{e.where}: the network expands to more than {MAX_NODES:,} layers (repeats and "
                f"blocks included); at most {MAX_NODES:,} layers",
            )
        inputs = tuple(inputs)
        sources = tuple("input" if i == INPUT else self.nodes[i].name for i in inputs)
        index = len(self.nodes)
        self.nodes.append(with_inputs(node, inputs, sources))
        self.register(e.scope, node.name, index)
        return index

    def register(self, scope: _Scope, full: str, index: int) -> None:
        self.names[full] = AMBIGUOUS if full in self.names else index
        if scope.prefix:
            local = full[len(scope.prefix) + 1 :]
            scope.names[local] = AMBIGUOUS if local in scope.names else index

    def resolve(
        self, refs: Any, scope: _Scope, path: tuple[Any, ...], where: str
    ) -> tuple[int, ...]:
        listed = [refs] if isinstance(refs, str) else list(refs)
        if not listed:
            raise self.fail((*path, "from"), f"{where}: from: names no layer")
        table = scope.names if scope.prefix else self.names
        out = []
        for ref in listed:
            if not isinstance(ref, str):
                raise self.fail((*path, "from"), f"{where}: from: {ref!r} is not a layer name")
            if ref == "input":
                out.append(scope.input)
                continue
            index = table.get(ref)
            if index == AMBIGUOUS:
                raise self.fail(
                    (*path, "from"), f"{where}: from: '{ref}' names more than one layer; rename one"
                )
            if index is None:
                within = "this block's layers" if scope.prefix else "the layers before it"
                guess = difflib.get_close_matches(ref, [*table, "input"], n=1, cutoff=0.6)
                hint = f"; did you mean '{guess[0]}'?" if guess else ""
                raise self.fail(
                    (*path, "from"),
                    f"{where}: from: '{ref}' is not among {within} or 'input'{hint}",
                )
            out.append(index)
        return tuple(out)

    # -- expansion --------------------------------------------------------------------------------

    def graph(self) -> Graph:
        spec = self.spec
        top = _Scope(prefix="", input=INPUT, path=("layers",))
        self.expand(spec["layers"], top)
        if not self.nodes:
            raise self.fail(("layers",), "layers: every layer is left out; a network needs one")
        return Graph(
            name=spec["name"],
            input_size=fields.parse_pair(spec["input"]["size"]),
            input_channels=spec["input"].get("channels", 3),
            classes=spec.get("classes", 1000),
            width=self.width,
            nodes=tuple(_pair_blocks(self.nodes)),
        )

    def substitute(self, value: Any, scope: _Scope, path: tuple[Any, ...]) -> Any:
        if isinstance(value, str) and "$" in value:
            assert scope.params is not None
            try:
                return evaluate_expression(value, scope.params)
            except ValueError as exc:
                raise self.fail(
                    path, f"layers[{scope.top}] ({scope.prefix}): {value!r} is not allowed: {exc}"
                ) from None
        if isinstance(value, list):
            return [self.substitute(v, scope, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.substitute(v, scope, (*path, k)) for k, v in value.items()}
        return value

    def expand(self, entries: Sequence[Any], scope: _Scope) -> None:
        for i, raw in enumerate(entries):
            self.steps += 1
            if self.steps > 4 * MAX_NODES:
                raise self.fail(
                    scope.path,
                    f"the network's blocks and repeats expand past {4 * MAX_NODES:,} entries; "
                    f"at most {MAX_NODES:,} layers",
                )
            path = (*scope.path, i)
            if not scope.prefix:
                scope.top = i
            data: Mapping[str, Any] = raw
            if scope.params is not None:
                data = self.substitute(raw, scope, path)
            where = f"layers[{scope.top}]"
            condition = data.get("if")
            if condition is not None:
                if not isinstance(condition, bool):
                    raise self.fail(
                        (*path, "if"),
                        f"{where}: if: {condition!r} is not allowed: must be true or false",
                    )
                if not condition:
                    continue
            kind = data.get("type")
            if not isinstance(kind, str):
                raise self.fail((*path, "type"), f"{where}: type: {kind!r} is not a layer type")
            block = self.blocks.get(kind)
            if block is None and kind not in fields.LAYER_DEFAULTS:
                known = ", ".join([*fields.LAYER_DEFAULTS, *self.blocks])
                raise self.fail(
                    (*path, "type"), f"{where}: unknown layer type {kind!r}; known types: {known}"
                )
            if block is None:
                data = {**self.defaults_of(kind), **data}
            base = data.get("name") or scope.default_name(kind)
            label = f"{where} ({scope.full(base)})"
            repeat = data.get("repeat")
            if type(repeat) is not int or not 1 <= repeat <= fields.MAX_REPEAT:  # else checked
                repeat = self.value(_Entry(data, base, "", label, path, scope), "repeat", _repeat)
            source = data.get("from")
            inputs = (scope.last,) if source is None else self.resolve(source, scope, path, label)
            out = scope.last
            for r in range(repeat):
                name = scope.full(f"{base}_{r + 1}" if repeat > 1 else base)
                entry = _Entry(data, name, scope.prefix or name, f"{where} ({name})", path, scope)
                if block is not None:
                    out = self.call(kind, block, entry, inputs, r)
                else:
                    out = _EXPAND[kind](self, entry, inputs)
                if out == INPUT or self.nodes[out].name != name:
                    self.register(scope, name, out)  # a composite's or a block's output
                inputs = (out,)
            if repeat > 1:
                self.register(scope, scope.full(base), out)
            scope.last = out

    def call(
        self, kind: str, block: Mapping[str, Any], e: _Entry, inputs: tuple[int, ...], r: int
    ) -> int:
        scope = e.scope
        params = dict(block.get("params") or {})
        given = {k: v for k, v in e.data.items() if k not in fields.COMMON_KEYS}
        unknown = sorted(set(given) - set(params))
        if unknown:
            guess = difflib.get_close_matches(unknown[0], list(params), n=1, cutoff=0.5)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            known = ", ".join(params) or "none"
            raise self.fail(
                (*e.path, unknown[0]),
                f"{e.where}: block '{kind}' has no parameter '{unknown[0]}' (its parameters: "
                f"{known}){hint}",
            )
        params.update(given)
        if r > 0:
            params.update(block.get("then") or {})
        missing = [k for k, v in params.items() if v is None]
        if missing:
            raise self.fail(
                e.path, f"{e.where}: block '{kind}' needs {', '.join(missing)} (no default)"
            )
        if kind in scope.chain:
            raise self.fail(
                e.path,
                f"{e.where}: block '{kind}' uses itself ({' → '.join([*scope.chain, kind])})",
            )
        if scope.depth >= MAX_BLOCK_DEPTH:
            raise self.fail(
                e.path,
                f"{e.where}: blocks nest deeper than {MAX_BLOCK_DEPTH} ({' → '.join(scope.chain)})",
            )
        if len(inputs) != 1:
            raise self.fail(
                (*e.path, "from"), f"{e.where}: a block reads one layer, not {len(inputs)}"
            )
        sub = _Scope(
            prefix=e.name,
            input=inputs[0],
            path=("blocks", kind, "layers"),
            params=params,
            depth=scope.depth + 1,
            chain=(*scope.chain, kind),
            top=scope.top,
            last=inputs[0],
        )
        self.expand(block["layers"], sub)
        return sub.last

    # -- the pieces every expansion function reads -------------------------------------------------

    def conv_attrs(self, e: _Entry) -> dict[str, Any]:
        return {
            "bias": self.value(e, "bias", fields.parse_optional_bool),
            "bn": self.value(e, "bn", fields.parse_optional_bool),
            "act": self.value(e, "act", fields.parse_optional_activation),
            "shares": self.owner(e),
        }

    def owner(self, e: _Entry) -> int | None:
        """The earlier layer named by ``shares`` (whose weights this layer uses)."""
        name = e.data.get("shares")
        if name is None:
            return None
        (index,) = self.resolve(name, e.scope, (*e.path, "shares"), e.where)
        if index == INPUT:
            raise self.fail((*e.path, "shares"), f"{e.where}: shares: names a layer, not the input")
        return index

    def window(
        self, e: _Entry, kernel_key: str = "kernel_size", stride_key: str = "stride"
    ) -> dict[str, Any]:
        return {
            "kernel": self.value(e, kernel_key, fields.parse_pair),
            "stride": self.value(e, stride_key, fields.parse_pair),
            "padding": self.value(e, "padding", fields.parse_pads),
            "dilation": self.value(e, "dilation", fields.parse_pair),
        }


def with_inputs(node: Node, inputs: tuple[int, ...], sources: tuple[str, ...]) -> Node:
    """``node._replace(inputs=inputs, sources=sources)``, a fifth of the time (once a node)."""
    return tuple.__new__(Node, (*node[:4], inputs, sources, *node[6:]))


assert Node._fields[4:6] == ("inputs", "sources")


def _pair_blocks(nodes: list[Node]) -> list[Node]:
    """A standalone pw entry that alone reads a dw joins the dw's block: together they are one
    depthwise-separable block (for reports and what-ifs)."""
    read_by: dict[int, list[int]] = {}
    for j, node in enumerate(nodes):
        for i in node.inputs:
            read_by.setdefault(i, []).append(j)
    out = list(nodes)
    for j, p in enumerate(nodes):
        if p.kind != "pw" or p.block != p.name or p.expansion or len(p.inputs) != 1:
            continue
        k = p.inputs[0]
        if k != INPUT and nodes[k].kind == "dw" and read_by.get(k) == [j]:
            out[j] = p._replace(block=out[k].block)
    return out


def _repeat(value: Any) -> int:
    return 1 if value is None else fields.parse_repeat(value)


def _optional_check(c: _Compiler, e: _Entry, kernel: Pair, padding: Any) -> None:
    if kernel != (1, 1) or fields.pads(padding if padding != "same" else 0) != (0, 0, 0, 0):
        raise c.fail(
            (*e.path, "optional"),
            f"{e.where}: optional: true is for 1×1 convs without padding (a projection or an "
            "expansion that exists only where it changes the shape)",
        )


def _conv(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    window = c.window(e)
    optional = c.value(e, "optional", fields.parse_bool)
    if optional:
        _optional_check(c, e, window["kernel"], window["padding"])
    node = Node(
        "conv",
        e.name,
        e.block,
        e.where,
        **window,
        groups=c.value(e, "groups", fields.parse_positive_int),
        filters=c.value(e, "filters", fields.parse_filters),
        scale=c.value(e, "scale", _scale),
        optional=optional,
        **c.conv_attrs(e),
    )
    return c.add(e, node, inputs)


def _dw(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    node = Node("dw", e.name, e.block, e.where, **c.window(e), **c.conv_attrs(e))
    return c.add(e, node, inputs)


def _pw(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    t = c.value(e, "t", _optional_positive)
    if (t is None) == (e.data.get("filters") is None):
        raise c.fail(e.path, f"{e.where}: give filters, or t (filters = t × input channels)")
    node = Node(
        "pw",
        e.name,
        e.block,
        e.where,
        filters=None if t is not None else c.value(e, "filters", fields.parse_filters),
        expansion=t,
        scale=c.value(e, "scale", _scale),
        optional=c.value(e, "optional", fields.parse_bool),
        **c.conv_attrs(e),
    )
    return c.add(e, node, inputs)


def _separable(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    attrs = c.conv_attrs(e)
    dw = Node("dw", f"{e.name}/dw", e.block, e.where, **c.window(e), role="dw", **attrs)
    first = c.add(e, dw, inputs)
    filters = c.value(e, "filters", fields.parse_filters)
    pw = Node("pw", f"{e.name}/pw", e.block, e.where, filters=filters, role="pw", **attrs)
    return c.add(e, pw, (first,))


def _bottleneck(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    """Paper Table 2 row (t, c, n, s), or MobileNetV3's absolute hidden width: n inverted residual
    blocks, stride s on the first: 1×1 expand (absent when t = 1, or when the hidden width equals
    the input's), depthwise, optional squeeze-excite, linear 1×1 projection, and a residual add
    where stride 1 keeps the shape."""
    t = c.value(e, "t", _optional_positive)
    hidden = c.value(e, "hidden", _optional_positive)
    if (t is None) == (hidden is None):
        raise c.fail(
            e.path, f"{e.where}: give t (expansion factor) or hidden (hidden width), one of them"
        )
    n = c.value(e, "n", fields.parse_repeat)
    s = c.value(e, "s", fields.parse_pair)
    window = {**c.window(e, stride_key="s"), "padding": c.value(e, "padding", fields.parse_pads)}
    out_channels = c.value(e, "c", fields.parse_positive_int)
    attrs = c.conv_attrs(e)
    linear = {**attrs, "act": "none" if attrs["act"] is not None else None}
    se, se_of_input = _se_options(c, e)
    current = inputs
    for r in range(n):
        name = f"{e.name}_{r + 1}" if n > 1 else e.name
        block = e.block if e.scope.prefix else name
        entry = _Entry(e.data, name, block, f"{e.where.split(' (')[0]} ({name})", e.path, e.scope)
        block_input = current[0]
        if t is not None and t != 1:
            exp = Node("pw", f"{name}/exp", block, entry.where, expansion=t, role="exp", **attrs)
            current = (c.add(entry, exp, current),)
        elif hidden is not None:
            exp = Node(
                "pw",
                f"{name}/exp",
                block,
                entry.where,
                filters=hidden,
                optional=True,
                role="exp",
                **attrs,
            )
            current = (c.add(entry, exp, current),)
        stride = s if r == 0 else (1, 1)
        dw = Node(
            "dw",
            f"{name}/dw",
            block,
            entry.where,
            **{**window, "stride": stride},
            role="dw",
            **attrs,
        )
        current = (c.add(entry, dw, current),)
        if se is not None:
            of = block_input if se_of_input else current[0]
            current = (_squeeze_excite(c, entry, f"{name}/se", current, of, se),)
        proj = Node(
            "pw", f"{name}/proj", block, entry.where, filters=out_channels, role="proj", **linear
        )
        current = (c.add(entry, proj, current),)
        if stride == (1, 1):
            add = Node("add", f"{name}/add", block, entry.where, optional=True, role="add")
            current = (c.add(entry, add, (current[0], block_input)),)
        if n > 1:
            c.register(e.scope, name, current[0])
    return current[0]


def _se_options(c: _Compiler, e: _Entry) -> tuple[dict[str, Any] | None, bool]:
    """A bottleneck's ``se``: false, true (the options of ``defaults: {se: ...}``) or a mapping of
    the ``se`` layer's options, where ``of`` is ``hidden`` (default) or ``input`` (the block's)."""
    raw = e.data.get("se")
    if raw is None or raw is False:
        return None, False
    base = {**fields.LAYER_DEFAULTS["se"], **fields.defaults_for("se", c.defaults)}
    if raw is True:
        options = base
    elif isinstance(raw, Mapping):
        unknown = sorted(set(raw) - set(base))
        if unknown:
            raise c.fail(
                (*e.path, "se"),
                f"{e.where}: se: unknown key '{unknown[0]}'; known: {', '.join(base)}",
            )
        options = {**base, **raw}
    else:
        raise c.fail(
            (*e.path, "se"),
            f"{e.where}: se: {raw!r} is not allowed: must be true, false or a mapping",
        )
    of = options.get("of")
    if of not in (None, "hidden", "input"):
        raise c.fail(
            (*e.path, "se"), f"{e.where}: se: of: {of!r} is not allowed: must be hidden or input"
        )
    return {**options, "of": None}, of == "input"


def _squeeze_excite(
    c: _Compiler, e: _Entry, name: str, inputs: tuple[int, ...], of: int, options: Mapping[str, Any]
) -> int:
    """Global average pool → 1×1 conv to the squeeze width (bias) → act → 1×1 conv back (bias)
    → gate → scale the input channel by channel."""
    sub = _Entry(options, name, e.block, e.where, (*e.path, "se"), e.scope)
    squeeze = c.value(sub, "squeeze", _optional_positive)
    reduce = c.value(sub, "reduce", fields.parse_positive_int)
    rounding = c.value(sub, "round", _se_round)
    x = inputs[0]
    width = (
        {"filters": squeeze}
        if squeeze is not None
        else {"ref": of, "divisor": reduce, "round": rounding or "width", "scale": "never"}
    )
    pool = Node("pool", f"{name}/pool", e.block, e.where, pool_global=True, role="se")
    squeezed = c.add(e, pool, (x,))
    act = c.value(sub, "act", fields.parse_activation)
    gate = c.value(sub, "gate", fields.parse_activation)
    reduced = Node(
        "pw", f"{name}/reduce", e.block, e.where, bias=True, bn=False, act=act, role="se", **width
    )
    squeezed = c.add(e, reduced, (squeezed,))
    back = Node(
        "pw", f"{name}/expand", e.block, e.where, ref=x, bias=True, bn=False, act=gate, role="se"
    )
    gated = c.add(e, back, (squeezed,))
    return c.add(e, Node("mul", f"{name}/scale", e.block, e.where, role="se"), (x, gated))


def _se(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    of = inputs[0]
    if e.data.get("of") is not None:
        (of,) = c.resolve(e.data["of"], e.scope, (*e.path, "of"), e.where)
    return _squeeze_excite(c, e, e.name, inputs, of, e.data)


def _pool(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    kind = e.data.get("kind")
    if kind not in ("avg", "max"):
        raise c.fail(
            (*e.path, "kind"), f"{e.where}: kind: {kind!r} is not allowed: must be avg or max"
        )
    is_global = c.value(e, "global", fields.parse_bool)
    output = c.value(e, "output", lambda v: None if v is None else fields.parse_pair(v))
    if not is_global and output is None and e.data.get("kernel_size") is None:
        raise c.fail(
            e.path,
            f"{e.where}: a pool needs kernel_size, or global: true (or output: an adaptive pool's side)",
        )
    kernel = (
        fields.parse_pair(1)
        if e.data.get("kernel_size") is None
        else c.value(e, "kernel_size", fields.parse_pair)
    )
    stride = kernel if e.data.get("stride") is None else c.value(e, "stride", fields.parse_pair)
    call = e.data.get("call", "module")
    if call not in ("module", "function", "mean") or (
        call == "mean" and (kind != "avg" or not is_global)
    ):
        raise c.fail(
            (*e.path, "call"),
            f"{e.where}: call: {call!r} is not allowed: must be module or function (mean: a "
            "global average pool only)",
        )
    node = Node(
        "pool",
        e.name,
        e.block,
        e.where,
        kernel=kernel,
        stride=stride,
        padding=c.value(e, "padding", fields.parse_pads),
        pool=kind,
        ceil_mode=c.value(e, "ceil_mode", fields.parse_bool),
        pool_global=is_global,
        output=output,
        call=call,
    )
    return c.add(e, node, inputs)


def _fc(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    units = e.data.get("units")
    node = Node(
        "fc",
        e.name,
        e.block,
        e.where,
        filters=None if units is None else c.value(e, "units", fields.parse_positive_int),
        scale=c.value(e, "scale", _scale),
        bias=c.value(e, "bias", fields.parse_optional_bool),
        act=c.value(e, "act", fields.parse_optional_activation),
        shares=c.owner(e),
    )
    return c.add(e, node, inputs)


def _merge(
    kind: Kind, least: int, most: int | None = None
) -> Callable[[_Compiler, _Entry, tuple[int, ...]], int]:
    def expand(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
        if len(inputs) < least or (most is not None and len(inputs) > most):
            wanted = f"{least}" if most == least else f"at least {least}"
            raise c.fail(
                (*e.path, "from"),
                f"{e.where}: {kind} reads {wanted} layers (from: [a, b]), not {len(inputs)}",
            )
        options: dict[str, Any] = {}
        if kind == "add":
            options = {
                "act": c.value(e, "act", fields.parse_optional_activation),
                "optional": c.value(e, "optional", fields.parse_bool),
            }
        return c.add(e, Node(kind, e.name, e.block, e.where, **options), inputs)

    return expand


def _split(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    parts = c.value(e, "parts", fields.parse_positive_int)
    index = c.value(e, "index", lambda v: fields.parse_int(v, 0, "an integer >= 0"))
    if index >= parts:
        raise c.fail((*e.path, "index"), f"{e.where}: index {index} is not below parts {parts}")
    return c.add(e, Node("split", e.name, e.block, e.where, groups=parts, part=index), inputs)


def _shuffle(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    groups = c.value(e, "groups", fields.parse_positive_int)
    return c.add(e, Node("shuffle", e.name, e.block, e.where, groups=groups), inputs)


def _bn(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    act = c.value(e, "act", fields.parse_optional_activation)
    return c.add(e, Node("bn", e.name, e.block, e.where, bn=True, act=act), inputs)


def _act(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    kind = c.value(e, "kind", fields.parse_activation)
    return c.add(e, Node("act", e.name, e.block, e.where, act=kind), inputs)


def _other(c: _Compiler, e: _Entry, inputs: tuple[int, ...]) -> int:
    op = e.data.get("op")
    if not isinstance(op, str) or not op:
        raise c.fail(
            (*e.path, "op"), f"{e.where}: op: missing, it names the operation (e.g. Resize)"
        )
    output = c.value(e, "output", _optional_shape)
    held = c.value(e, "params", lambda v: fields.parse_int(v, 0, "an integer >= 0"))
    node = Node("other", e.name, e.block, e.where, op=op, output=output, held=held)
    return c.add(e, node, inputs)


def _scale(value: Any) -> str:
    if value in ("always", "never", "up"):
        return str(value)
    raise ValueError("must be always, never or up")


def _se_round(value: Any) -> str | None:
    if value is None or value in ("width", "floor"):
        return value  # type: ignore[no-any-return]
    raise ValueError("must be width (the spec's width rule) or floor (at least 1)")


def _optional_positive(value: Any) -> int | None:
    return None if value is None else fields.parse_positive_int(value)


def _optional_shape(value: Any) -> tuple[int, int, int] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and len(value) == 3:
        h, w, ch = (fields.parse_positive_int(v) for v in value)
        return (h, w, ch)
    raise ValueError("must be [H, W, C]")


_EXPAND: dict[str, Callable[[_Compiler, _Entry, tuple[int, ...]], int]] = {
    "conv": _conv,
    "dw": _dw,
    "pw": _pw,
    "separable": _separable,
    "bottleneck": _bottleneck,
    "pool": _pool,
    "fc": _fc,
    "se": _se,
    "add": _merge("add", 2),
    "concat": _merge("concat", 2),
    "mul": _merge("mul", 2, 2),
    "split": _split,
    "shuffle": _shuffle,
    "bn": _bn,
    "act": _act,
    "other": _other,
}
"""Layer type → the function that adds its nodes and returns its output's index: a new layer
type is one function and one entry here."""
assert set(_EXPAND) == set(fields.LAYER_DEFAULTS)


def compile_graph(spec: Mapping[str, Any], locate: Locate | None = None) -> Graph:
    """Expand a network in its plain-data form into a graph; ``locate`` turns a path in the spec
    into 'file, line N' for messages."""
    return _Compiler(fields.apply_defaults(dict(spec)), locate).graph()
