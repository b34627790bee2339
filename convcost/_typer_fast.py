"""Start-up of the typer CLI: build only the command that runs, and keep typer 0.29 from
importing pydantic to convert option values.

typer 0.29 converts each parameter's value through a pydantic ``TypeAdapter``, built the first
time the parameter is processed (``_TyperParameter.get_runtime_param``) — even for a value of
None, and for typer's own ``--help`` that every command has. The first adapter imports pydantic's
validation machinery: about 100 ms on every run, before any option of convcost is read, for
options that are plain ``str``, ``int``, ``float``, ``bool``, ``Enum`` or have a ``parser``.
Those are converted here as click did for typer 0.28, with click's messages; anything else is
left to typer. On typer 0.28 (its parameters have no ``type_descriptor``) nothing is changed.

This leans on one private slot of typer 0.29 (``_runtime_param``, which typer fills lazily when
it is None); if a later typer drops it, the parameters keep typer's own conversion (slower,
still correct). ``tests/test_cli_startup.py`` runs the CLI's error messages on whichever typer is
installed.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

import typer

Convert = Callable[[Any], Any]


def command(app: typer.Typer, args: Sequence[str]) -> Any:
    """The click command for ``args``: a group holding only the subcommand that runs when
    ``args`` starts with its name (its help, usage and errors are the same), the whole tree
    otherwise (``convcost --help`` lists every command; shell completion, an unknown command
    and its suggestions need them all)."""
    first = args[0] if args else None
    chosen = [info for info in app.registered_commands if _name(info) == first]
    if chosen and app.registered_callback is not None and not _completing():
        # with a callback, a one-command app stays a group (typer collapses it otherwise)
        lazy = copy.copy(app)
        lazy.registered_commands = chosen
        app = lazy
    root = typer.main.get_command(app)
    _convert_without_pydantic(root)
    return root


def _name(info: Any) -> str | None:
    if info.name:
        return str(info.name)
    callback = info.callback
    return callback.__name__.lower().replace("_", "-") if callback is not None else None


def _completing() -> bool:
    return any(key.startswith(("_CONVCOST_COMPLETE", "_TYPER_COMPLETE")) for key in os.environ)


# --- typer ≥ 0.29: option values without pydantic ------------------------------------------------


class _Converter:
    """Stands in for typer 0.29's ``RuntimeParam``: ``coerce(value, param=, ctx=)``."""

    __slots__ = ("convert",)

    def __init__(self, convert: Convert) -> None:
        self.convert = convert

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return None
        try:
            return self.convert(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None


def _convert_without_pydantic(command: Any) -> None:
    if not any(hasattr(param, "type_descriptor") for param in command.params):
        return  # typer 0.28 converts with click's types: nothing to do
    for param in command.params:
        _install(param)
    # click makes the --help option on first use (and caches it): convert its value too
    make_help = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = make_help(ctx)
        if option is not None:
            _install(option)
        return option

    command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        _convert_without_pydantic(sub)


def _install(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if (
        descriptor is None
        or getattr(param, "_runtime_param", True) is not None
        or not hasattr(param, "get_runtime_param")
    ):
        return  # not typer 0.29's layout, or already converted
    if param.multiple or param.nargs != 1:
        return
    convert = converter(descriptor.annotation, descriptor.parameter_info)
    if convert is not None:
        param._runtime_param = _Converter(convert)


def converter(annotation: Any, info: Any) -> Convert | None:
    """What converts a command-line value to ``annotation`` as typer 0.28 (click) did, or None
    to leave the parameter to typer."""
    parser = getattr(info, "parser", None)
    if parser is not None:
        return parser  # type: ignore[no-any-return]
    if annotation is str:
        return _text
    if annotation is bool:
        return _flag
    if annotation is float:
        return _float if _unbounded(info) else None
    if annotation is int:
        return _int if _unbounded(info) else None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation, getattr(info, "case_sensitive", True))
    return None


def _unbounded(info: Any) -> bool:
    return all(getattr(info, key, None) in (None, False) for key in ("min", "max", "clamp"))


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)


_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(f"{value!r} is not a valid boolean.")


def _float(value: Any) -> float:
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a valid float.") from None


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a valid integer.") from None


def _choice(enum: type[Enum], case_sensitive: bool) -> Convert:
    members = {str(member.value): member for member in enum}
    folded = {key.lower(): member for key, member in members.items()}
    shown = ", ".join(map(repr, members))

    def convert(value: Any) -> Enum:
        if isinstance(value, enum):
            return value
        text = str(value)
        found = members.get(text) if case_sensitive else folded.get(text.lower())
        if found is None:
            raise ValueError(f"{value!r} is not one of {shown}.")
        return found

    return convert
