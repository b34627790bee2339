"""Input → validated spec: YAML files or stdin, built-ins and flag overrides, merged then validated
once. Every problem becomes one located line (file and YAML line, or the flag) in a SpecError.

YAML is read with the safe loader only (no Python tags), and its node graph is sized before it is
built, so an alias bomb is refused instead of expanded.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from convcost.errors import SpecError

if TYPE_CHECKING:  # pydantic is imported only when something must be validated
    from pydantic import BaseModel, ValidationError

    from convcost.graph import Graph
    from convcost.spec import LayerSpec

M = TypeVar("M", bound="BaseModel")

MAX_YAML_NODES = 100_000
"""A real spec has a few hundred nodes; far more means an alias bomb or a mistake."""


@dataclass
class Source:
    """Where values came from, to locate each problem: a file's lines, or the flags that set them."""

    name: str = "command line"
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    """spec key → the flag that set it (``input_size`` → ``--input-size``)."""

    def locate(self, path: tuple[Any, ...]) -> str:
        if len(path) == 1 and path[0] in self.flags:
            return self.flags[path[0]]
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return f"{self.name}, line {line}"
        return self.name


def read_text(path: str) -> tuple[str, str]:
    """(text, display name) of a file, or of stdin for ``-``."""
    if path == "-":
        name = "<stdin>"
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpecError(f"{name}: cannot be read ({exc})") from None
    else:
        file = Path(path)
        name = path
        if not file.exists():
            raise SpecError(f"{name}: no such file")
        if file.is_dir():
            raise SpecError(f"{name}: is a directory, expected a YAML file")
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"{name}: cannot be read ({exc})") from None
    if not text.strip():
        raise SpecError(f"{name}: is empty, expected a YAML mapping")
    return text, name


def load_yaml(path: str) -> tuple[dict[str, Any], Source]:
    """Parse a YAML file into a mapping and the line of every key in it."""
    import yaml

    text, name = read_text(path)
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError(f"{name}: is empty, expected a YAML mapping")
        size = _expanded_size(node, {}, set(), name)
        if size > MAX_YAML_NODES:
            raise SpecError(
                f"{name}: expands to {size:,} YAML nodes through aliases (at most "
                f"{MAX_YAML_NODES:,}); refusing what looks like an alias bomb"
            )
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}, line {mark.line + 1}" if mark else name
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = "unsupported YAML tag (only plain YAML is read: no Python or custom tags)"
        else:
            problem = f"invalid YAML: {problem}"
        raise SpecError(f"{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{name}: invalid YAML ({exc})") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise SpecError(
            f"{name}, line {node.start_mark.line + 1}: expected a mapping of keys, got a {kind}"
        )
    lines: dict[tuple[Any, ...], int] = {}
    _record_lines(node, (), lines)
    return data, Source(name, lines)


def _expanded_size(node: Any, memo: dict[int, int], open_: set[int], name: str) -> int:
    """Number of nodes once every alias is expanded, computed without expanding (memoised).
    A node that contains itself through an alias would expand forever: refused."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in open_:
        raise SpecError(
            f"{name}, line {node.start_mark.line + 1}: a YAML alias refers to a node that contains it "
            "(a recursive structure); a spec must be a finite tree"
        )
    open_.add(key)
    value = node.value
    size = 1
    if isinstance(value, list):
        for item in value:
            if isinstance(item, tuple):
                size += _expanded_size(item[0], memo, open_, name)
                size += _expanded_size(item[1], memo, open_, name)
            else:
                size += _expanded_size(item, memo, open_, name)
    open_.discard(key)
    memo[key] = size
    return size


def _record_lines(node: Any, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    if path in lines and len(lines) > MAX_YAML_NODES:
        return
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
    shown = (value if flag and isinstance(value, str) else _short(value)) if found else "nothing"
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
    text = repr(value)
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


def load_layers(
    spec: str | None, flags: dict[str, tuple[str, Any]]
) -> tuple[list[LayerSpec], bool]:
    """The layers of ``convcost layer``: a spec file (one layer or ``layers:``) with flag overrides.

    ``flags`` maps each spec key to (flag name, value or None when not given). Returns the layers
    and whether they came from a ``layers:`` list.
    """
    from convcost.spec import LayerFile, LayerSpec

    given = {key: value for key, (_, value) in flags.items() if value is not None}
    if spec is None:
        data: dict[str, Any] = {}
        source = Source(flags={key: flag for key, (flag, _) in flags.items()})
    else:
        data, source = load_yaml(spec)
        source.flags = {key: flags[key][0] for key in given}
    if "layers" in data:
        if given:
            names = ", ".join(flags[key][0] for key in given)
            raise SpecError(
                f"{names}: cannot override a spec with several layers ({source.name}); "
                "edit the file, or give one layer"
            )
        return list(validate(LayerFile, data, source).layers), True
    for alias, key in LAYER_ALIASES.items():
        if alias in data and key in data:
            raise SpecError(f"{source.locate((alias,))}: both {alias} and {key} are set; keep one")
        if alias in data:
            data[key] = data.pop(alias)
            source.lines[(key,)] = source.lines.get((alias,), 1)
    return [validate(LayerSpec, {**data, **given}, source)], False


def load_network(name: str, input_shape: tuple[int, ...] | None = None) -> Graph:
    """A built-in network by name (trusted data, no validation cost), an ONNX model file (read
    with the ``onnx`` extra; ``input_shape`` pins its input: N×C×H×W or H×W) or a YAML spec."""
    from convcost import architectures
    from convcost.graph import compile_graph

    if is_onnx(name):
        return load_onnx(name, input_shape)
    if input_shape is not None:
        raise SpecError("--input-shape: applies to ONNX files; a spec sets its input: {size: ...}")
    if architectures.canonical(name) is not None and not Path(name).is_file():
        return compile_graph(architectures.builtin_spec(name))
    if name != "-" and not Path(name).exists() and "." not in name and "/" not in name:
        known = ", ".join(architectures.names())
        raise SpecError(f"{name}: no such built-in network or file; built-ins: {known}")
    from convcost.spec import NetworkSpec

    data, source = load_yaml(name)
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
