"""The library: what each command of the CLI computes, as a function that returns a report.

``import convcost`` exposes these at the top level (loaded when first used)::

    >>> import convcost
    >>> r = convcost.model("mobilenet", alpha=0.5, resolution=160)
    >>> r.macs, r.params
    (76524800, 1319648)
    >>> convcost.layer(input_size=6, channels=3, kernel_size=3, filters=5).separable.macs
    672

Every function validates what it is given exactly as the CLI validates flags and files, and
raises ``convcost.SpecError`` (a ``ValueError``) with one located line per problem in
``.problems``. Reports are numbers (exact ints, ratios as fractions); ``.to_dict()`` is the CLI's
JSON document; printing one in a terminal or a notebook shows the CLI's table.

Each function takes ``labels``: how to name its arguments in messages (the CLI passes its flags,
``{"resolution": "--resolution"}``); a caller of the library leaves it out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from convcost.errors import SpecError

if TYPE_CHECKING:
    from convcost.graph import Graph
    from convcost.network import Conventions
    from convcost.ops import Explanation, OpsReport
    from convcost.report import LayerReport, NetworkReport
    from convcost.sweeps import FitReport, SweepReport
    from convcost.timing import MeasureReport
    from convcost.traffic import LayerMemoryReport, NetworkMemoryReport

Labels = Mapping[str, str]
Number = int | float | str | Fraction
Side = int | str | tuple[int, int] | Sequence[int]
Spec = str | os.PathLike[str] | Mapping[str, Any]

LAYER_KEYS = ("input_size", "channels", "kernel_size", "filters", "stride", "padding")


def _label(labels: Labels | None, key: str) -> str:
    return (labels or {}).get(key, key)


def _checked(labels: Labels | None, key: str, value: Any, parse: Callable[[Any], Any]) -> Any:
    """``parse(value)``, or a SpecError naming the argument (or its flag) and what is allowed."""
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        from convcost.safe_io import printable

        shown = printable(value if isinstance(value, str) else repr(value))
        raise SpecError(f"{_label(labels, key)}: {shown!r} is not allowed: {exc}") from None


def _multiplier(labels: Labels | None, key: str, value: Number | None) -> float | None:
    from convcost.fields import parse_multiplier

    if isinstance(value, Fraction):
        value = float(value)
    return _checked(labels, key, value, parse_multiplier)  # type: ignore[no-any-return]


def _count(labels: Labels | None, key: str, value: Any) -> int | None:
    from convcost.fields import parse_positive_int

    return _checked(labels, key, value, parse_positive_int)  # type: ignore[no-any-return]


def _side(labels: Labels | None, key: str, value: Side | None) -> tuple[int, int] | None:
    from convcost.fields import parse_pair

    return _checked(labels, key, value, parse_pair)  # type: ignore[no-any-return]


# --- one layer ---------------------------------------------------------------------------------


def layer(
    input_size: Side | None = None,
    channels: int | str | None = None,
    kernel_size: Side | None = None,
    filters: int | str | None = None,
    stride: Side | None = None,
    padding: int | str | Sequence[int] | None = None,
    *,
    alpha: Number = 1,
    rho: Number | None = None,
    bias: bool = False,
    spec: str | os.PathLike[str] | None = None,
    labels: Labels | None = None,
) -> LayerReport:
    """One convolution as a standard conv and as its depthwise-separable replacement (depthwise
    + pointwise), after the width multiplier α (M, N → int(c·α)) and the resolution multiplier ρ
    (D_F → round(ρ·D_F)). ``spec``: a YAML file of one layer (the arguments override it) or of
    ``layers:``. The report's ``.macs`` and ``.params`` are the standard conv's; ``.separable``
    is the replacement's cost.

    >>> r = layer(input_size=6, channels=3, kernel_size=3, filters=5)
    >>> r.to_dict()["standard"]["macs"], r.to_dict()["separable"]["macs"]
    (2160, 672)
    """
    from convcost.load import load_layers
    from convcost.report import Size, analyze_layers

    values = (input_size, channels, kernel_size, filters, stride, padding)
    flags = {key: (_label(labels, key), v) for key, v in zip(LAYER_KEYS, values, strict=True)}
    size = Size(
        alpha=_multiplier(labels, "alpha", alpha) or 1.0, rho=_multiplier(labels, "rho", rho)
    )
    layers, listed = load_layers(None if spec is None else os.fspath(spec), flags)
    return analyze_layers(layers, size, bias=bias, listed=listed)


# --- a network ---------------------------------------------------------------------------------


def network(spec: Spec, input_shape: Sequence[int] | None = None) -> Graph:
    """A network as a graph: a built-in name, a path (YAML spec, ONNX model), ``-`` (stdin) or a
    dict in the spec format — validated exactly as a YAML file is, with the same messages."""
    from convcost.graph import compile_graph
    from convcost.load import Source, load_network, validate

    if isinstance(spec, Mapping):
        from convcost.spec import NetworkSpec

        source = Source("spec")
        normalized = validate(NetworkSpec, spec, source).normalized()
        if input_shape is not None:
            raise SpecError(
                "input_shape: applies to ONNX files; a spec sets its input: {size: ...}"
            )
        return compile_graph(normalized, source.locate)
    shape = None if input_shape is None else tuple(int(v) for v in input_shape)
    return load_network(os.fspath(spec), shape)


def _conventions(
    preset: str | None,
    bias: bool,
    bn: bool,
    bn_affine_only: bool,
    flops: bool,
    classes: int | str | None,
    min_channels: int | str | None,
    labels: Labels | None,
    ops: bool = False,
    fold_bn: bool = False,
    explain: str | None = None,
    command: str = "model",
) -> tuple[Conventions, int | None, int | None]:
    from convcost.presets import PRESETS, resolve

    if preset is not None and preset not in PRESETS:
        raise SpecError(
            f"{_label(labels, 'preset')}: {preset!r} is not allowed: must be one of "
            f"{', '.join(PRESETS)}"
        )
    if explain is not None:
        from convcost.tools import TOOLS

        if explain not in TOOLS:
            raise SpecError(
                f"{_label(labels, 'explain')}: {explain!r} is not allowed: must be one of "
                f"{', '.join(TOOLS)}"
            )
    return resolve(
        preset,
        bias,
        bn,
        bn_affine_only,
        flops,
        _count(labels, "classes", classes),
        _count(labels, "min_channels", min_channels),
        ops,
        fold_bn,
        explain,
        command,
    )


def _as(graph: Graph, as_: str | None, labels: Labels | None) -> str | None:
    if as_ not in (None, "standard", "separable"):
        raise SpecError(
            f"{_label(labels, 'as_')}: {as_!r} is not allowed: must be standard or separable"
        )
    return as_


def model(
    spec: Spec,
    *,
    alpha: Number = 1,
    rho: Number | None = None,
    resolution: Side | None = None,
    classes: int | str | None = None,
    min_channels: int | str | None = None,
    preset: str | None = None,
    bias: bool = False,
    bn: bool = False,
    bn_affine_only: bool = False,
    flops: bool = False,
    as_: str | None = None,
    ops: bool = False,
    fold_bn: bool = False,
    explain: str | None = None,
    input_shape: Sequence[int] | None = None,
    strict: bool = False,
    labels: Labels | None = None,
) -> NetworkReport | OpsReport | Explanation:
    """A whole network, layer by layer, at width α and an input resolution (``resolution``: N or
    (H, W) pixels, or ``rho`` × the spec's side), counted by the paper's convention or a
    ``preset`` (torchvision, keras, tf-slim, ...; ``bias``, ``bn``, ``bn_affine_only``, ``flops``,
    ``classes``, ``min_channels`` as the CLI's flags). ``as_``: "standard" or "separable" adds the
    what-if. ``input_shape`` pins an ONNX model's input (N, C, H, W) or (H, W); ``strict`` refuses
    operations convcost does not cost. ``ops`` counts every other operation per kind (BatchNorm,
    biases, activations, adds, pooling; ``fold_bn`` as at inference), as does a tool's ``preset``
    (fvcore, ptflops, thop, torchinfo, flopcounter, onnx-tool), whose ``.reported`` figure is the
    one that tool prints; ``explain`` (a tool) lays that figure out term by term.

    >>> model("resnet18", preset="torchvision").params
    11689512
    """
    from convcost.load import is_onnx
    from convcost.report import Size, analyze_network

    size = Size(
        alpha=_multiplier(labels, "alpha", alpha) or 1.0,
        rho=_multiplier(labels, "rho", rho),
        resolution=_side(labels, "resolution", resolution),
    )
    conventions, n_classes, n_min = _conventions(
        preset,
        bias,
        bn,
        bn_affine_only,
        flops,
        classes,
        min_channels,
        labels,
        ops,
        fold_bn,
        explain,
    )
    size = size._replace(classes=n_classes, min_channels=n_min)
    shape = input_shape
    if shape is None and size.resolution is not None and not isinstance(spec, Mapping):
        shape = size.resolution if is_onnx(os.fspath(spec)) else None
    graph = network(spec, shape)
    report = analyze_network(graph, size, conventions, _as(graph, as_, labels), strict)  # type: ignore[arg-type]
    if conventions.ops is None:
        return report
    from convcost.ops import analyze_ops

    return analyze_ops(report, explain is not None)


# --- many sizes --------------------------------------------------------------------------------


def _values(value: str | Sequence[Any] | None) -> str | None:
    """A grid axis as the CLI's text: "0.25,0.5" or "0.25:1:0.05", or a sequence of numbers."""
    if value is None or isinstance(value, str):
        return value
    return ",".join(str(v) if not isinstance(v, tuple) else f"{v[0]}x{v[1]}" for v in value)


def _grid_setup(
    spec: Spec,
    as_: str | None,
    input_shape: Sequence[int] | None,
    counting: dict[str, Any],
    labels: Labels | None,
    command: str,
) -> tuple[Graph, tuple[Conventions, int | None, int | None]]:
    """What sweep and fit share: the network (converted by ``as_``) and the conventions, classes
    and minimum channels of the counting options."""
    from convcost.network import convert

    graph = network(spec, input_shape)
    conversion = _as(graph, as_, labels)
    if conversion is not None:
        graph = convert(graph, conversion)._replace(name=f"{graph.name} as {conversion}")  # type: ignore[arg-type]
    return graph, _conventions(**counting, labels=labels, command=command)


def sweep(
    spec: Spec,
    *,
    alpha: str | Sequence[Number] | None = None,
    resolution: str | Sequence[Side] | None = None,
    rho: str | Sequence[Number] | None = None,
    classes: int | str | None = None,
    min_channels: int | str | None = None,
    preset: str | None = None,
    bias: bool = False,
    bn: bool = False,
    bn_affine_only: bool = False,
    flops: bool = False,
    as_: str | None = None,
    input_shape: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
    labels: Labels | None = None,
) -> SweepReport:
    """Mult-adds and parameters of every (α, resolution) of a grid: lists (``[1, 0.75, 0.5]``)
    or the CLI's ranges (``"0.25:1:0.05"``, exact decimals); the paper's 4 × 4 grid by default.

    >>> [row.cost.macs for row in sweep("mobilenet", alpha=[1, 0.5], resolution=[224]).rows]
    [568740352, 149497088]
    """
    from convcost import sweeps as sweeping

    grid = sweeping.parse_grid(_values(alpha), _values(resolution), _values(rho))
    counting = {
        "preset": preset,
        "bias": bias,
        "bn": bn,
        "bn_affine_only": bn_affine_only,
        "flops": flops,
        "classes": classes,
        "min_channels": min_channels,
    }
    graph, setup = _grid_setup(spec, as_, input_shape, counting, labels, "sweep")
    return sweeping.sweep(graph, grid, *setup, progress)


def fit(
    spec: Spec,
    *,
    max_macs: int | str | None = None,
    max_params: int | str | None = None,
    min_alpha: Number | None = None,
    min_resolution: int | str | None = None,
    alpha: str | Sequence[Number] | None = None,
    resolution: str | Sequence[Side] | None = None,
    rho: str | Sequence[Number] | None = None,
    classes: int | str | None = None,
    min_channels: int | str | None = None,
    preset: str | None = None,
    bias: bool = False,
    bn: bool = False,
    bn_affine_only: bool = False,
    flops: bool = False,
    as_: str | None = None,
    input_shape: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
    labels: Labels | None = None,
) -> FitReport:
    """The largest variants within a budget (``max_macs``, ``max_params``: counts or "150M"),
    over α 0.05…1.4 × 96…320 px by default; ``.front`` is most mult-adds first.

    >>> front = fit("mobilenet", max_macs="300M", alpha=[1, 0.75, 0.5], resolution=[224, 160]).front
    >>> [(float(row.alpha), row.resolution[0], row.cost.macs) for row in front]
    [(1.0, 160, 290675200), (0.5, 224, 149497088)]
    """
    from convcost import sweeps as sweeping
    from convcost.cost import exact

    budgets = (
        sweeping.parse_budget(_label(labels, "max_macs"), _text(max_macs)),
        sweeping.parse_budget(_label(labels, "max_params"), _text(max_params)),
    )
    grid = sweeping.parse_grid(
        _values(alpha),
        _values(resolution),
        _values(rho),
        sweeping.FIT_ALPHAS,
        sweeping.FIT_RESOLUTIONS,
    )
    smallest = _multiplier(labels, "min_alpha", min_alpha)
    grid = sweeping.restrict(
        grid,
        None if smallest is None else exact(smallest),
        _count(labels, "min_resolution", min_resolution),
    )
    counting = {
        "preset": preset,
        "bias": bias,
        "bn": bn,
        "bn_affine_only": bn_affine_only,
        "flops": flops,
        "classes": classes,
        "min_channels": min_channels,
    }
    graph, setup = _grid_setup(spec, as_, input_shape, counting, labels, "fit")
    conventions, n_classes, n_min = setup
    return sweeping.fit(graph, *budgets, grid, conventions, n_classes, n_min, progress)


def _text(value: int | str | None) -> str | None:
    return None if value is None else str(value)


# --- beyond mult-adds --------------------------------------------------------------------------


def memory(
    report: LayerReport | NetworkReport | OpsReport | Explanation,
    *,
    dtype: str = "float32",
    device: str | os.PathLike[str] | None = None,
    labels: Labels | None = None,
) -> LayerMemoryReport | NetworkMemoryReport:
    """Bytes moved per layer (input + weights + output, each once), arithmetic intensity and,
    with a ``device`` profile (a shipped name such as "desktop-cpu", or a YAML file), a roofline
    time estimate — of a report of ``layer`` or ``model``.

    >>> m = memory(model("mobilenet"), device="desktop-cpu")
    >>> m.peak.bytes
    4816896
    """
    from convcost.report import LayerReport, NetworkReport
    from convcost.traffic import DTYPE_BYTES, Options, analyze_layer_memory, analyze_network_memory

    if not isinstance(report, (LayerReport, NetworkReport)):
        raise SpecError(
            f"{_label(labels, 'memory')}: cannot be combined with "
            f"{_label(labels, 'ops')}, {_label(labels, 'explain')} or a tool preset; "
            "run them one at a time"
        )
    if dtype not in DTYPE_BYTES:
        raise SpecError(
            f"{_label(labels, 'dtype')}: {dtype!r} is not allowed: must be one of "
            f"{', '.join(DTYPE_BYTES)}"
        )
    options = Options(dtype)
    if device is not None:
        from convcost.device import load_device, require_dtype

        profile = load_device(os.fspath(device))
        require_dtype(profile, dtype)
        options = Options(dtype, profile)
    if isinstance(report, LayerReport):
        return analyze_layer_memory(report, options)
    return analyze_network_memory(report, options)


def measure(
    report: LayerReport,
    *,
    device: str | os.PathLike[str] | None = None,
    threads: int = 1,
    repeats: int = 30,
    warmup: int = 5,
) -> MeasureReport:
    """Time each compared layer with PyTorch on this CPU (the ``torch`` extra): standard,
    depthwise, pointwise and separable, beside the mult-adds and the roofline estimate."""
    from convcost.timing import Setup, measure_layers
    from convcost.traffic import LayerMemoryReport

    measured = memory(report, device=device)
    assert isinstance(measured, LayerMemoryReport)
    return measure_layers(measured, Setup(threads, repeats, warmup))


def import_onnx(path: str | os.PathLike[str], input_shape: Sequence[int] | None = None) -> str:
    """An ONNX model as the YAML text of an editable network spec (the ``onnx`` extra)."""
    from convcost.onnx_import import import_onnx as read

    return read(path, input_shape).to_yaml()


def builtins() -> dict[str, list[str]]:
    """The built-in networks, each with its aliases."""
    from convcost import architectures

    return {name: list(architectures.BUILTINS[name][1]) for name in architectures.names()}
