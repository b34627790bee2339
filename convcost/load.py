"""Input → validated spec: YAML files or stdin, built-ins and flag overrides, merged then validated
once. Every problem becomes one located line (file and YAML line, or the flag) in a SpecError.

YAML is read with the safe loader only (no Python tags), and its node graph is sized before it is
built, so an alias bomb is refused instead of expanded.
"""

from __future__ import annotations

import difflib
import gc
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from convcost.errors import SpecError

if TYPE_CHECKING:  # pydantic is imported only when something must be validated
    from pydantic import BaseModel, ValidationError

    from convcost.fields import Layer
    from convcost.graph import Graph

M = TypeVar("M", bound="BaseModel")

MAX_YAML_DEPTH = 50
"""Nesting of a YAML document, aliases expanded (a real spec nests 4 deep): deeper is refused
before anything is built (PyYAML's C composer recurses, and crashes the process at ~30,000)."""
MAX_YAML_NODES = 1_000_000
"""Nodes as written: a spec of 100,000 layer entries has about 700,000. Bounds memory (each node
costs ~300 bytes to compose) together with ``safe_io.MAX_INPUT_BYTES``."""
MAX_ALIAS_NODES = 100_000
"""Nodes that aliases add when expanded: a real spec reuses a few small mappings; far more is an
alias bomb (a 1 KB document can expand to billions)."""


class Source:
    """Where values came from, to locate each problem: a file's lines, or the flags that set them
    (``flags``: spec key → the flag that set it, ``input_size`` → ``--input-size``).

    A file's line map is built only when a problem must be located (``lines_of``): a spec that
    is fine never pays for it. A plain class, as every record on the start-up path: a dataclass
    costs ~2 ms to define.
    """

    __slots__ = ("_lines", "_lines_of", "flags", "name")

    def __init__(
        self,
        name: str = "command line",
        lines: dict[tuple[Any, ...], int] | None = None,
        flags: dict[str, str] | None = None,
        lines_of: Callable[[], dict[tuple[Any, ...], int]] | None = None,
    ) -> None:
        self.name = name
        self._lines = lines
        self._lines_of = lines_of
        self.flags: dict[str, str] = {} if flags is None else flags

    @property
    def lines(self) -> dict[tuple[Any, ...], int]:
        """The line of every key and item of the file (path → line), built on first use."""
        if self._lines is None:
            self._lines = self._lines_of() if self._lines_of is not None else {}
        return self._lines

    def locate(self, path: tuple[Any, ...]) -> str:
        if len(path) == 1 and path[0] in self.flags:
            return self.flags[path[0]]
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return f"{self.name}, line {line}"
        return self.name


def read_text(path: str) -> tuple[str, str]:
    """(text, display name) of a file, or of stdin for ``-`` (``safe_io.read_input``)."""
    from convcost.safe_io import read_input

    return read_input(path)


def _loader_class() -> Any:
    """PyYAML's safe loader (the C one when built), whose constructors fail with a located
    ConstructorError instead of a bare ValueError, KeyError, ... and refuse long integers."""
    import yaml

    from convcost.fields import MAX_DIGITS

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    limit = 10**MAX_DIGITS
    int_tag = "tag:yaml.org,2002:int"

    class Loader(base):  # type: ignore[misc]
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            if node.tag == int_tag and len(node.value) > MAX_DIGITS:
                digits = sum(c.isdigit() for c in node.value)
                if digits > MAX_DIGITS:  # before int(): it is slow on long text
                    raise _failed(node, f"an integer of {digits:,} digits (at most {MAX_DIGITS})")
            try:
                data = super().construct_object(node, deep)
            except (yaml.YAMLError, SpecError):
                raise
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
                kind = str(node.tag).rsplit(":", 1)[-1]
                raise _failed(node, f"{_short(node.value)} is not a valid {kind}") from None
            if type(data) is int and not -limit < data < limit:  # 1:2:3 (base 60) can grow
                raise _failed(node, f"an integer of more than {MAX_DIGITS} digits")
            return data

    def _failed(node: Any, problem: str) -> Exception:
        return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)

    return Loader


def _yaml_error(exc: Exception, name: str, text: str) -> SpecError:
    """Any PyYAML error as one located line."""
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        where = _at(name, exc.problem_mark or exc.context_mark)
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            return SpecError(
                f"{where}: unsupported YAML tag (only plain YAML is read: no Python or custom tags)"
            )
        return SpecError(f"{where}: invalid YAML: {problem}")
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow (NUL, ...)
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
        line = before.count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return SpecError(
            f"{name}, line {line}: invalid YAML: the character {char!r} is not allowed "
            "(control characters are not)"
        )
    return SpecError(f"{name}: invalid YAML: {' '.join(str(exc).split())}")


def _at(name: str, mark: Any) -> str:
    """'file, line N' for a YAML mark (None: the file alone)."""
    return f"{name}, line {mark.line + 1}" if mark is not None else name


def _check_events(loader_cls: Any, text: str, name: str) -> None:
    """Measure a document from its parse events, before any node is built, and refuse it if it
    is nested deeper than MAX_YAML_DEPTH, has more than MAX_YAML_NODES nodes, or its aliases
    would add more than MAX_ALIAS_NODES nodes or contain themselves. An alias counts as the
    subtree it stands for (measured once, at its anchor), so nothing is ever expanded."""
    import yaml

    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    anchored: dict[str, tuple[int, int] | None] = {}  # anchor → (size, height); None while open
    stack: list[list[Any]] = [[0, 0, None]]  # per open collection: size, height below, anchor
    nodes = added = 0
    parser = loader_cls(text)
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            size = height = 0
            if isinstance(event, yaml.ScalarEvent):
                nodes, size = nodes + 1, 1
            elif isinstance(event, starts):
                nodes += 1
                if len(stack) > MAX_YAML_DEPTH:
                    raise SpecError(
                        f"{_at(name, event.start_mark)}: YAML nested more than {MAX_YAML_DEPTH} "
                        "levels deep (the limit); a spec nests a few levels"
                    )
                if event.anchor is not None:
                    anchored[event.anchor] = None
                stack.append([0, 0, event.anchor])
            elif isinstance(event, ends):
                size, below, anchor = stack.pop()
                size, height = size + 1, below + 1
                if anchor is not None:
                    anchored[anchor] = (size, height)
            elif isinstance(event, yaml.AliasEvent):
                known = anchored.get(event.anchor or "", (0, 0))
                if known is None:
                    raise SpecError(
                        f"{_at(name, event.start_mark)}: a YAML alias refers to a node that "
                        "contains it (a recursive structure); a spec must be a finite tree"
                    )
                size, height = known
                added += size
                if added > MAX_ALIAS_NODES:
                    raise SpecError(
                        f"{name}: its aliases expand it by more than {MAX_ALIAS_NODES:,} YAML "
                        "nodes (the limit); refusing what looks like an alias bomb"
                    )
                if len(stack) - 1 + height > MAX_YAML_DEPTH:
                    raise SpecError(
                        f"{_at(name, event.start_mark)}: YAML nested more than {MAX_YAML_DEPTH} "
                        "levels deep once its aliases are expanded (the limit)"
                    )
            else:
                continue
            if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                anchored[event.anchor] = (1, 0)
            parent = stack[-1]
            parent[0] += size
            parent[1] = max(parent[1], height)
            if nodes > MAX_YAML_NODES:
                raise SpecError(
                    f"{_at(name, event.start_mark)}: more than {MAX_YAML_NODES:,} YAML values "
                    "(the limit); split the spec, or use repeat:"
                )
    finally:
        parser.dispose()


def load_yaml(path: str) -> tuple[dict[str, Any], Source]:
    """Parse a YAML file into a mapping and the line of every key in it (built when asked for).

    A spec of plain YAML (no tags, anchors or merge keys: what specs are) is built straight
    from the parser's events (``_plain_document``); anything else, and anything that fails, goes
    the full way: measured from its events first (``_check_events``), then composed and
    constructed by PyYAML, every problem one located line. The collector is off meanwhile:
    loading allocates only what it keeps (10,000 layers: a quarter of the time was collections
    that found nothing)."""
    text, name = read_text(path)
    loader_cls = _loader_class()
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = _plain_document(loader_cls, text)
        if data is None:
            data, lines = _compose(loader_cls, text, name)
            return data, Source(name, lines)
    finally:
        if collecting:
            gc.enable()
    return data, Source(name, lines_of=lambda: _compose(loader_cls, text, name)[1])


def _compose(loader_cls: Any, text: str, name: str) -> tuple[dict[str, Any], dict[Any, int]]:
    """The document (a mapping) and its line map, the full way; every problem a SpecError."""
    import yaml

    loader = None
    try:
        _check_events(loader_cls, text, name)
        loader = loader_cls(text)
        node = loader.get_single_node()
        if node is None:
            raise SpecError(f"{name}: is empty, expected a YAML mapping")
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name, text) from None
    except SpecError:  # already one located line (a SpecError is a ValueError too)
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        raise SpecError(f"{name}: invalid YAML: {exc}") from None  # a constructor's own failure
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise SpecError(
            f"{name}, line {node.start_mark.line + 1}: expected a mapping of keys, got a {kind}"
        )
    lines: dict[tuple[Any, ...], int] = {}
    _record_lines(node, (), lines)
    return data, lines


_STR = "tag:yaml.org,2002:str"
_MERGE = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


class _Unplain(Exception):
    """The document is not plain YAML, or reading it failed: the full way reads it."""


def _plain_document(loader_cls: Any, text: str) -> dict[str, Any] | None:
    """The document of a spec in plain YAML, built from the parser's events without composing
    nodes; None for anything else (tags, anchors and aliases, merge keys, collections as keys,
    several documents, a document that is not a mapping, limits passed, any error), which
    ``_compose`` then reads and reports exactly as before. Scalars are resolved and constructed
    by the loader's own resolver and constructors, with its limits on integers."""
    import yaml

    parser = loader_cls(text)
    try:
        return _build(parser, yaml)
    except (_Unplain, yaml.YAMLError, ValueError, TypeError, KeyError, IndexError):
        return None
    except (AttributeError, OverflowError, RecursionError):
        return None
    finally:
        parser.dispose()


def _build(parser: Any, yaml: Any) -> dict[str, Any]:
    from convcost.fields import MAX_DIGITS

    get_event = parser.get_event
    resolve = parser.resolve
    constructors = parser.yaml_constructors
    scalar_node, scalar_event = yaml.ScalarNode, yaml.ScalarEvent
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    limit = 10**MAX_DIGITS
    plain: dict[str, Any] = {}  # plain scalar text → its value (specs repeat a few values)

    def scalar(event: Any) -> Any:
        if event.anchor is not None or event.tag not in (None, "!"):
            raise _Unplain
        value = event.value
        if event.implicit[0]:
            if value in plain:
                return plain[value]
            tag = resolve(scalar_node, value, event.implicit)
        else:
            tag = _STR
        if tag == _STR:
            data = value
        elif tag in _MERGE or len(value) > MAX_DIGITS:
            raise _Unplain  # merge keys; long integers are refused the full way
        else:
            data = constructors[tag](parser, scalar_node(tag, value))
            if type(data) is int and not -limit < data < limit:
                raise _Unplain
        if event.implicit[0] and type(data) in (str, int, float, bool, type(None)):
            plain[value] = data
        return data

    stack: list[Any] = []  # open collections: a list, or a _Mapping
    sequence_start, mapping_end = yaml.SequenceStartEvent, yaml.MappingEndEvent
    root: Any = None
    nodes = documents = 0
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            nodes += 1
            value = scalar(event)
        elif kind in starts:
            nodes += 1
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Unplain
            if len(stack) >= MAX_YAML_DEPTH:
                raise _Unplain
            stack.append([] if kind is sequence_start else _Mapping())
            continue
        elif kind in ends:
            top = stack.pop()
            value = top.data if kind is mapping_end else top
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unplain
            continue
        elif kind is yaml.StreamEndEvent:
            break
        elif kind in (yaml.StreamStartEvent, yaml.DocumentEndEvent):
            continue
        else:  # an alias
            raise _Unplain
        if nodes > MAX_YAML_NODES:
            raise _Unplain
        if not stack:
            root = value
        elif type(stack[-1]) is list:
            stack[-1].append(value)
        else:
            stack[-1].add(value)
    if type(root) is not dict:
        raise _Unplain
    return root


class _Mapping:
    """A mapping being built from events: a key waits for its value."""

    __slots__ = ("data", "key")

    def __init__(self) -> None:
        self.data: dict[Any, Any] = {}
        self.key: Any = _NO_KEY

    def add(self, value: Any) -> None:
        if self.key is _NO_KEY:
            if type(value) in (list, dict):
                raise _Unplain  # a collection as a key
            self.key = value
        else:
            self.data[self.key] = value
            self.key = _NO_KEY


_NO_KEY = object()


def _record_lines(node: Any, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    """The line of every key and item; recursion is bounded by MAX_YAML_DEPTH (checked first)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if node.id == "mapping":
        for key, value in node.value:
            if key.id == "scalar":
                sub = (*path, key.value)
                lines[sub] = key.start_mark.line + 1
                _record_lines(value, sub, lines)
    elif node.id == "sequence":
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines)


def validate(model: type[M], data: Mapping[str, Any], source: Source) -> M:
    """Validate once; turn every pydantic error into one located, human line."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(problems(exc, data, source, model)) from None


def problems(exc: ValidationError, data: Any, source: Source, model: type[BaseModel]) -> list[str]:
    seen: set[tuple[Any, ...]] = set()
    out: list[str] = []
    for error in exc.errors():
        path, value, found = _walk(data, error["loc"])
        if path in seen:
            continue
        seen.add(path)
        where = source.locate(path)
        flag = where.startswith("--")
        text = _describe(path, error, value, found, data, model, flag)
        if flag:  # the flag already names the field
            text = text.split(": ", 1)[1] if text.startswith(_dotted(path, data) + ":") else text
        out.append(f"{where}: {text}")
    return out


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any, bool]:
    """Follow pydantic's loc through the raw data, dropping union tags and tuple indices."""
    path: list[Any] = []
    current, found = data, True
    for part in loc:
        if (isinstance(current, Mapping) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]
            path.append(part)
        elif isinstance(current, Mapping) and isinstance(part, str) and part == loc[-1]:
            path.append(part)
            current, found = None, False
    return tuple(path), current, found


def _dotted(path: tuple[Any, ...], data: Any) -> str:
    text = ""
    current = data
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            current = current[part] if isinstance(current, list) else None
            name = current.get("name") if isinstance(current, Mapping) else None
            if isinstance(name, str):
                text += f" ({name})"
        else:
            text += f".{part}" if text else str(part)
            current = current.get(part) if isinstance(current, Mapping) else None
    return text or "spec"


def _describe(
    path: tuple[Any, ...],
    error: Any,
    value: Any,
    found: bool,
    data: Any,
    model: type[BaseModel],
    flag: bool = False,
) -> str:
    where = _dotted(path, data)
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        parent = _dotted(path[:-1], data) if len(path) > 1 else "the spec"
        layer = _layer_model(path, data)
        synonym = getattr(layer, "synonyms", {}).get(key)
        holder = layer or _model_at(model, path[:-1])
        known = [k for k in (_own_keys(holder) if holder else _known_keys(model)) if k != key]
        guess = [synonym] if synonym else difflib.get_close_matches(key, known, n=1, cutoff=0.5)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        return f"unknown key '{key}' in {parent}{hint}"
    if kind == "missing":
        return f"{where}: missing, it is required"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        from convcost.spec import LAYER_TYPES

        allowed = ", ".join(LAYER_TYPES)
        tag = value.get("type") if isinstance(value, Mapping) else None
        got = f"unknown layer type {tag!r}" if tag is not None else "missing 'type'"
        return f"{where}: {got}; known types: {allowed}"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Input "):
        message = message.removeprefix(prefix)
    shown = (
        (_short_text(value) if flag and isinstance(value, str) else _short(value))
        if found
        else "nothing"
    )
    return f"{where}: {shown} is not allowed: {message}"


def _layer_model(path: tuple[Any, ...], data: Any) -> type[BaseModel] | None:
    """The model of the layer entry at ``layers[i]`` that holds ``path``'s key, if its type is known."""
    if len(path) != 3 or path[0] != "layers" or not isinstance(data, Mapping):
        return None
    from convcost.spec import LAYER_TYPES

    layers = data.get("layers")
    entry = layers[path[1]] if isinstance(layers, list) else None
    kind = entry.get("type") if isinstance(entry, Mapping) else None
    return LAYER_TYPES.get(kind) if isinstance(kind, str) else None


def _model_at(model: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that validates the mapping at ``path`` (None where a union leaves it open)."""
    from pydantic import BaseModel

    current: type[BaseModel] = model
    for part in path:
        if isinstance(part, int):
            continue  # an item of a list field: its model is the field's
        info = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        if info is None:
            return None
        found: list[type[BaseModel]] = []
        todo: list[Any] = [info.annotation]
        while todo:
            item = todo.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                found.append(item)
            else:
                todo.extend(get_args(item))
        if len(found) != 1:
            return None
        current = found[0]
    return current


def _own_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model itself accepts (field names and aliases)."""
    return sorted(
        {key for name, f in model.model_fields.items() for key in (name, f.alias or name)}
    )


def _short(value: Any) -> str:
    return _short_text(repr(value))


def _short_text(value: Any) -> str:
    """A value as a message shows it: text as typed, anything else (a library caller's int or
    list) as its repr; at most 60 characters."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _known_keys(model: type[BaseModel]) -> list[str]:
    """Every field name and alias of the model and of the models it nests (for suggestions)."""
    from pydantic import BaseModel

    keys: set[str] = set()
    todo: list[Any] = [model]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, type) and issubclass(current, BaseModel):
            for name, info in current.model_fields.items():
                keys.update((name, info.alias or name))
                todo.append(info.annotation)
        else:
            todo.extend(get_args(current))
    return sorted(keys)


# --- what the commands load -------------------------------------------------------------------

LAYER_ALIASES = {"D_F": "input_size", "M": "channels", "D_K": "kernel_size", "N": "filters"}


def load_layers(spec: str | None, flags: dict[str, tuple[str, Any]]) -> tuple[list[Layer], bool]:
    """The layers of ``convcost layer``: a spec file (one layer or ``layers:``) with flag overrides.

    ``flags`` maps each spec key to (flag name, value or None when not given). Returns the layers
    and whether they came from a ``layers:`` list. Flags alone are checked by the plain parsers of
    ``fields`` (pydantic is loaded only for a file).
    """
    from convcost.fields import Layer

    if spec is None:
        return [_flag_layer(flags)], False
    from convcost.spec import LayerFile, LayerSpec

    given = {key: value for key, (_, value) in flags.items() if value is not None}
    data, source = load_yaml(spec)
    source.flags = {key: flags[key][0] for key in given}
    if _is_network(data):
        raise SpecError(
            f"{source.name}: is a network spec (input: and typed layers), not a layer; "
            f"cost it with: convcost model {source.name}"
        )
    if "layers" in data:
        if given:
            names = ", ".join(flags[key][0] for key in given)
            raise SpecError(
                f"{names}: cannot override a spec with several layers ({source.name}); "
                "edit the file, or give one layer"
            )
        layers = validate(LayerFile, data, source).layers
        return [Layer(**layer.model_dump()) for layer in layers], True
    for alias, key in LAYER_ALIASES.items():
        if alias in data and key in data:
            raise SpecError(f"{source.locate((alias,))}: both {alias} and {key} are set; keep one")
        if alias in data:
            data[key] = data.pop(alias)
            source.lines[(key,)] = source.lines.get((alias,), 1)
    return [Layer(**validate(LayerSpec, {**data, **given}, source).model_dump())], False


def _flag_layer(flags: dict[str, tuple[str, Any]]) -> Layer:
    """One layer from flags alone, each checked by its plain parser: one line per problem."""
    from convcost.fields import LAYER_FIELDS, Layer

    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, (flag, value) in flags.items():
        if value is None:
            if key not in Layer._field_defaults:
                problems.append(f"{flag}: missing, it is required")
            continue
        try:
            values[key] = LAYER_FIELDS[key](value)
        except ValueError as exc:
            problems.append(f"{flag}: {_short_text(value)} is not allowed: {exc}")
    if problems:
        raise SpecError(problems)
    return Layer(name=None, **values)


def _is_network(data: Mapping[str, Any]) -> bool:
    layers = data.get("layers")
    typed = isinstance(layers, list) and any(isinstance(e, Mapping) and "type" in e for e in layers)
    return "input" in data or typed


def _is_layer(data: Mapping[str, Any]) -> bool:
    layers = data.get("layers")
    keys = {*LAYER_ALIASES, *LAYER_ALIASES.values()}
    entries = layers if isinstance(layers, list) else [data]
    return "input" not in data and any(
        isinstance(e, Mapping) and "type" not in e and keys & set(e) for e in entries
    )


def load_network(name: str, input_shape: tuple[int, ...] | None = None) -> Graph:
    """A built-in network by name (trusted data, no validation cost), an ONNX model file (read
    with the ``onnx`` extra; ``input_shape`` pins its input: N×C×H×W or H×W) or a YAML spec."""
    from convcost import architectures
    from convcost.graph import compile_graph
    from convcost.safe_io import exists, is_file

    if is_onnx(name):
        return load_onnx(name, input_shape)
    if input_shape is not None:
        raise SpecError("--input-shape: applies to ONNX files; a spec sets its input: {size: ...}")
    if architectures.canonical(name) is not None and not is_file(name):
        return compile_graph(architectures.builtin_spec(name))
    if name != "-" and not exists(name) and "." not in name and "/" not in name:
        known = ", ".join(architectures.names())
        raise SpecError(f"{name}: no such built-in network or file; built-ins: {known}")
    from convcost.plain_spec import network

    data, source = load_yaml(name)
    if _is_layer(data):
        raise SpecError(
            f"{source.name}: is a layer spec (D_F, M, D_K, N), not a network; "
            f"cost it with: convcost layer --spec {source.name}"
        )
    spec = network(data)  # a plainly fine spec needs no pydantic; the models decide the rest
    if spec is None:
        from convcost.spec import NetworkSpec

        spec = validate(NetworkSpec, data, source).normalized()
    return compile_graph(spec, lambda path: source.locate(path))


def is_onnx(name: str) -> bool:
    return name.lower().endswith(".onnx")


def load_onnx(path: str, input_shape: tuple[int, ...] | None = None) -> Graph:
    """An ONNX model as a graph: the reader's spec is trusted data (its tests validate every
    spec it writes), compiled like a built-in; its notes travel with the graph."""
    from convcost.graph import compile_graph
    from convcost.onnx_import import import_onnx

    imported = import_onnx(path, input_shape)
    return compile_graph(imported.spec)._replace(notes=imported.notes)
