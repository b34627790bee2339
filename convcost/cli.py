"""The convcost command line: thin typer commands over the library.

Each command parses its options, calls one library function and hands the report to a renderer.
Errors: bad input (ConvcostError, click usage errors) → one line per problem on stderr, exit 2;
anything else is a bug and keeps its traceback, exit 1.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from convcost import __version__
from convcost.errors import ConvcostError, MissingExtraError, SpecError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from convcost.graph import Graph
    from convcost.sweep import FitReport, SweepReport

app = typer.Typer(
    name="convcost",
    help="What does this convolution, or this whole network, cost? Exact mult-adds (MACs) and "
    "parameters from shapes alone: standard vs depthwise-separable, MobileNet at any α and ρ.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Conversion(str, Enum):
    standard = "standard"
    separable = "separable"


class Preset(str, Enum):
    paper = "paper"
    torchvision = "torchvision"
    keras = "keras"
    tf_slim = "tf-slim"
    fvcore = "fvcore"
    ptflops = "ptflops"
    ptflops_aten = "ptflops-aten"
    thop = "thop"
    torchinfo = "torchinfo"
    flopcounter = "flopcounter"
    onnx_tool = "onnx-tool"


class Tool(str, Enum):
    fvcore = "fvcore"
    ptflops = "ptflops"
    ptflops_aten = "ptflops-aten"
    thop = "thop"
    torchinfo = "torchinfo"
    flopcounter = "flopcounter"
    onnx_tool = "onnx-tool"
    keras = "keras"


# Options shared by several commands, declared once.
FORMAT = typer.Option(Format.table, "--format", "-f", help="Output format.")
JSON = typer.Option(False, "--json", help="Shorthand for --format json.")
EXACT = typer.Option(
    False, "--exact", help="Every digit (462,422,016) instead of human units (462.4M) in tables."
)


def _multiplier(value: float | None) -> float | None:
    from convcost.fields import parse_multiplier

    try:
        return None if value is None else parse_multiplier(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value} is not allowed: {exc}") from None


ALPHA = typer.Option(
    1.0,
    "--alpha",
    "-a",
    metavar="α",
    callback=_multiplier,
    help="α, width multiplier in (0, 4]: channels c → int(c·α), at least 1.",
)
RHO = typer.Option(
    None,
    "--rho",
    "-r",
    metavar="ρ",
    callback=_multiplier,
    help="ρ, resolution multiplier in (0, 4]: D_F → round(ρ·D_F).",
)
BIAS = typer.Option(False, "--bias", help="Count bias parameters (mult-adds unchanged).")

# The counting conventions of a whole network (model, sweep, fit).
CLASSES = typer.Option(
    None, "--classes", min=1, metavar="K", help="K, classes of the final fc; default 1000."
)
MIN_CHANNELS = typer.Option(
    None,
    "--min-channels",
    min=1,
    metavar="C",
    help="Floor for every α-scaled channel count (TF-slim: 8).",
)
NET_BIAS = typer.Option(
    False, "--bias", help="Bias on every conv/fc layer without BatchNorm after it."
)
BN = typer.Option(
    False, "--bn", help="BatchNorm after every conv: 4 params per channel (γ, β, mean, var)."
)
BN_AFFINE_ONLY = typer.Option(
    False,
    "--bn-affine-only",
    help="BatchNorm after every conv, counting γ, β only: 2 params per channel (torchvision: "
    "running mean/var are buffers, not parameters). Implies --bn.",
)
PRESET = typer.Option(
    None,
    "--preset",
    help="Count as the paper (weights only), torchvision (--bias --bn-affine-only), keras "
    "(--bias --bn) or tf-slim (weights only, 1001 classes, --min-channels 8); or as a tool "
    "prints it (convcost model only): fvcore, ptflops, ptflops-aten, thop, torchinfo, "
    "flopcounter (torch's FlopCounterMode), onnx-tool. A flag that contradicts the preset is "
    "an error.",
)
OPS = typer.Option(
    False,
    "--ops",
    help="Also count every other op per kind (BatchNorm, bias adds, activations, residual adds, "
    "SE's multiply, pooling, softmax), each in its own column, never in mult-adds.",
)
FOLD_BN = typer.Option(
    False,
    "--fold-bn",
    help="With --ops: BatchNorm folded into the conv before it, as at inference (its shift "
    "becomes that conv's bias). Implies --ops.",
)
EXPLAIN = typer.Option(
    None,
    "--explain",
    metavar="TOOL",
    help="Print TOOL's figure as a sum, term by term: conv/fc mult-adds + what TOOL adds "
    "(fvcore, ptflops, ptflops-aten, thop, torchinfo, flopcounter, onnx-tool, keras). "
    "Implies --preset TOOL.",
)
FLOPS = typer.Option(False, "--flops", help="Also report FLOPs = 2×MACs.")
AS = typer.Option(
    None,
    "--as",
    help="What-if: 'standard' turns every dw+pw pair into one standard conv (Conv MobileNet); "
    "'separable' turns every standard conv with kernel > 1 into dw+pw.",
)


class Dtype(str, Enum):
    float32 = "float32"
    float16 = "float16"
    bfloat16 = "bfloat16"
    int8 = "int8"


MEMORY = typer.Option(
    False,
    "--memory",
    help="Also bytes moved per layer (input + weights + output, each once) and arithmetic "
    "intensity (mult-adds per byte).",
)
DTYPE = typer.Option(
    None,
    "--dtype",
    help="Bytes per value for --memory: float32 (4) [default], float16, bfloat16 (2), int8 (1). "
    "Implies --memory.",
)
DEVICE = typer.Option(
    None,
    "--device",
    "--roofline",
    metavar="PROFILE",
    help="Roofline time estimate per layer (a model, not a measurement) on a device profile: "
    "a shipped name or a YAML file; 'list' shows the shipped ones. Implies --memory.",
)


def _memory_options(memory: bool, dtype: Dtype | None, device: str | None) -> Any:
    """The memory options asked for (a ``memory.Options``), or None for mult-adds only."""
    if not (memory or dtype or device):
        return None
    from convcost.memory import Options

    name = dtype.value if dtype else "float32"
    if device is None:
        return Options(name)
    from convcost.device import load_device, require_dtype

    profile = load_device(device)
    require_dtype(profile, name)
    return Options(name, profile)


def _list_devices(fmt: Format, json_flag: bool) -> None:
    """The shipped device profiles: text, or with --json every figure of each."""
    from convcost.device import load_device, shipped
    from convcost.render import memory_records

    devices = [load_device(name) for name in shipped()]
    if _format(fmt, json_flag) != "json":
        sys.stdout.write(memory_records.profiles_text(devices))
        return
    from convcost.render.json import dumps

    sys.stdout.write(dumps([memory_records.profile(d) for d in devices]))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"convcost {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """What does this convolution, or this whole network, cost?"""


def _format(fmt: Format, json_flag: bool) -> str:
    if json_flag and fmt not in (Format.table, Format.json):
        raise SpecError(f"--json conflicts with --format {fmt.value}; give one of them")
    return "json" if json_flag else fmt.value


def emit(report: Any, fmt: str, exact: bool = False) -> None:
    """Render a report to stdout in the chosen format (rich is imported for tables only)."""
    if fmt == "table":
        from convcost.render import table

        printer = getattr(table, f"print_{type(report).__name__}")
        printer(report, table.make_console(), exact=exact)
    else:
        from convcost.render import render_text

        sys.stdout.write(render_text(report, fmt))


@app.command()
def layer(
    input_size: str | None = typer.Option(
        None,
        "--input-size",
        "-i",
        metavar="D_F",
        help="D_F, input side: an int, or HxW (e.g. 224x160).",
    ),
    channels: str | None = typer.Option(
        None, "--channels", "-m", metavar="M", help="M, input channels."
    ),
    kernel_size: str | None = typer.Option(
        None, "--kernel-size", "-k", metavar="D_K", help="D_K, kernel side: an int, or KhxKw."
    ),
    filters: str | None = typer.Option(
        None, "--filters", "-n", metavar="N", help="N, filters (output channels)."
    ),
    stride: str | None = typer.Option(
        None, "--stride", "-s", metavar="S", help="S, stride: an int or SHxSW; default 1."
    ),
    padding: str | None = typer.Option(
        None,
        "--padding",
        "-p",
        metavar="P",
        help="P, padding: an int >= 0, 'same' (D_G = ceil(D_F/S), as TF/Keras) or 'valid' (0); default 0.",
    ),
    alpha: float = ALPHA,
    rho: float | None = RHO,
    bias: bool = BIAS,
    spec: str | None = typer.Option(
        None,
        "--spec",
        metavar="FILE",
        help="YAML spec (one layer, or layers: [...]); - reads stdin. Flags override it.",
    ),
    memory: bool = MEMORY,
    dtype: Dtype | None = DTYPE,
    device: str | None = DEVICE,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Cost one convolution as a standard conv and as depthwise + pointwise (separable)."""
    if device == "list":
        return _list_devices(fmt, json_flag)
    from convcost.load import load_layers
    from convcost.report import Size, analyze_layers

    flags = {
        "input_size": ("--input-size", input_size),
        "channels": ("--channels", channels),
        "kernel_size": ("--kernel-size", kernel_size),
        "filters": ("--filters", filters),
        "stride": ("--stride", stride),
        "padding": ("--padding", padding),
    }
    out = _format(fmt, json_flag)
    layers, listed = load_layers(spec, flags)
    report = analyze_layers(layers, Size(alpha=alpha, rho=rho), bias=bias, listed=listed)
    options = _memory_options(memory, dtype, device)
    if options is None:
        return emit(report, out, exact)
    from convcost.memory import analyze_layer_memory

    emit(analyze_layer_memory(report, options), out, exact)


@app.command()
def measure(
    input_size: str | None = typer.Option(
        None, "--input-size", "-i", metavar="D_F", help="D_F, input side: an int, or HxW."
    ),
    channels: str | None = typer.Option(
        None, "--channels", "-m", metavar="M", help="M, input channels."
    ),
    kernel_size: str | None = typer.Option(
        None, "--kernel-size", "-k", metavar="D_K", help="D_K, kernel side: an int, or KhxKw."
    ),
    filters: str | None = typer.Option(
        None, "--filters", "-n", metavar="N", help="N, filters (output channels)."
    ),
    stride: str | None = typer.Option(
        None, "--stride", "-s", metavar="S", help="S, stride: an int or SHxSW; default 1."
    ),
    padding: str | None = typer.Option(
        None, "--padding", "-p", metavar="P", help="P: an int >= 0, 'same' or 'valid'; default 0."
    ),
    alpha: float = ALPHA,
    rho: float | None = RHO,
    spec: str | None = typer.Option(
        None, "--spec", metavar="FILE", help="YAML layer spec (as convcost layer); - reads stdin."
    ),
    device: str | None = DEVICE,
    threads: int = typer.Option(1, "--threads", min=1, help="torch threads (CPUs pinned)."),
    repeats: int = typer.Option(30, "--repeats", min=1, help="Timed rounds; the median is shown."),
    warmup: int = typer.Option(5, "--warmup", min=0, help="Untimed rounds first."),
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Time a convolution with PyTorch on this CPU: standard vs depthwise-separable, measured
    beside the mult-adds (and the roofline estimate with --device). Needs the torch extra."""
    if device == "list":
        return _list_devices(fmt, json_flag)
    from convcost.load import load_layers
    from convcost.measure import Setup, measure_layers
    from convcost.memory import analyze_layer_memory
    from convcost.report import Size, analyze_layers

    given = zip(
        ("input_size", "channels", "kernel_size", "filters", "stride", "padding"),
        (input_size, channels, kernel_size, filters, stride, padding),
        strict=True,
    )
    flags = {key: ("--" + key.replace("_", "-"), value) for key, value in given}
    out = _format(fmt, json_flag)
    layers, listed = load_layers(spec, flags)
    report = analyze_layers(layers, Size(alpha=alpha, rho=rho), listed=listed)
    memory = analyze_layer_memory(report, _memory_options(True, None, device))
    emit(measure_layers(memory, Setup(threads, repeats, warmup)), out, exact)


def _list_models() -> None:
    from convcost import architectures

    for name in architectures.names():
        aliases = ", ".join(architectures.BUILTINS[name][1])
        typer.echo(f"{name}  (aliases: {aliases})" if aliases else name)


@app.command()
def model(
    name: str | None = typer.Argument(
        None, help="A built-in network (see --list) or a YAML network spec; - reads stdin."
    ),
    list_models: bool = typer.Option(False, "--list", help="List the built-in networks and exit."),
    alpha: float = ALPHA,
    rho: float | None = RHO,
    resolution: str | None = typer.Option(
        None,
        "--resolution",
        metavar="PX",
        help="Input side in pixels (N or HxW); instead of --rho.",
    ),
    classes: int | None = CLASSES,
    min_channels: int | None = MIN_CHANNELS,
    bias: bool = NET_BIAS,
    bn: bool = BN,
    bn_affine_only: bool = BN_AFFINE_ONLY,
    preset: Preset | None = PRESET,
    flops: bool = FLOPS,
    ops: bool = OPS,
    fold_bn: bool = FOLD_BN,
    explain: Tool | None = EXPLAIN,
    as_: Conversion | None = AS,
    memory: bool = MEMORY,
    dtype: Dtype | None = DTYPE,
    device: str | None = DEVICE,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Layer-by-layer mult-adds and parameters of a whole network at any α and resolution."""
    if list_models:
        return _list_models()
    if device == "list":
        return _list_devices(fmt, json_flag)
    if name is None:
        raise SpecError(
            "NAME: missing; give a built-in network (convcost model --list) or a YAML file"
        )
    from convcost.load import load_network
    from convcost.presets import resolve
    from convcost.report import Size, analyze_network

    out = _format(fmt, json_flag)
    conventions, classes, min_channels = resolve(
        preset.value if preset else None, bias, bn, bn_affine_only, flops, classes, min_channels,
        ops, fold_bn, explain.value if explain else None,
    )  # fmt: skip
    size = Size(alpha, rho, _pair("--resolution", resolution), classes, min_channels)
    report = analyze_network(load_network(name), size, conventions, as_.value if as_ else None)
    options = _memory_options(memory, dtype, device)
    if conventions.ops is not None:
        return emit(_ops_report(report, explain is not None, options), out, exact)
    if options is None:
        return emit(report, out, exact)
    from convcost.memory import analyze_network_memory

    emit(analyze_network_memory(report, options), out, exact)


def _ops_report(report: Any, explain: bool, memory: Any) -> Any:
    """Every other op counted (``--ops``, a tool preset, ``--explain``); not with --memory."""
    if memory is not None:
        raise SpecError(
            "--memory (or --dtype, --device) cannot be combined with --ops, --explain or a tool "
            "preset; run them one at a time"
        )
    from convcost.ops import analyze_ops

    return analyze_ops(report, explain)


def _pair(flag: str, value: str | None) -> tuple[int, int] | None:
    from convcost.fields import parse_pair

    if value is None:
        return None
    try:
        return parse_pair(value)
    except ValueError as exc:
        raise SpecError(f"{flag}: {value!r} is not allowed: {exc}") from None


# --- many sizes at once: sweep and fit ----------------------------------------------------------

NETWORK = typer.Argument(
    ..., help="A built-in network (convcost model --list) or a YAML network spec; - reads stdin."
)
ALPHAS = typer.Option(
    None,
    "--alpha",
    "-a",
    help="α values in (0, 4]: a list (1,0.75,0.5) or a range start:stop:step with both ends "
    "included (0.25:1.0:0.05), exact decimals.",
)
RESOLUTIONS = typer.Option(
    None,
    "--resolution",
    help="Input sides in pixels: a list (224,192), a range (96:320:8) or HxW items.",
)
RHOS = typer.Option(
    None,
    "--rho",
    "-r",
    help="ρ values instead of --resolution (D_F → round(ρ·D_F)): list or range.",
)
PLOT = typer.Option(
    None,
    "--plot",
    metavar="FILE",
    help='Also draw the variants (mult-adds vs params, and vs resolution) to FILE.png, .svg or .pdf; needs pip install "convcost\\[plot]".',
)
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def _network(name: str, as_: Conversion | None) -> Graph:
    from convcost.load import load_network
    from convcost.network import convert

    graph = load_network(name)
    if as_ is None:
        return graph
    return convert(graph, as_.value)._replace(name=f"{graph.name} as {as_.value}")


def _plot_path(path: str | None) -> str | None:
    """Refuse a plot that cannot be drawn before any work is done."""
    if path is None:
        return None
    import importlib.util

    if not path.lower().endswith(PLOT_SUFFIXES):
        raise SpecError(f"--plot: {path!r} is not allowed: the file must end in .png, .svg or .pdf")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise SpecError(f"--plot: {path!r} cannot be written: no writable folder {folder}")
    if importlib.util.find_spec("matplotlib") is None:
        raise MissingExtraError(
            '--plot needs matplotlib, an optional extra: pip install "convcost[plot]"'
        )
    return path


@contextlib.contextmanager
def _progress(fmt: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for a long sweep shown in a terminal; never for json/csv/markdown
    or when stderr is not a terminal."""
    long = total >= 100_000
    if fmt != "table" or not long or not sys.stderr.isatty():
        yield None
        return
    from convcost.render.table import progress_bar

    with progress_bar(total) as update:
        yield update


def _emit_many(report: SweepReport | FitReport, fmt: str, exact: bool, plot: str | None) -> None:
    """Emit a sweep or fit, then its warnings and notes on stderr, then the plot."""
    from convcost.render.records import nothing_fits
    from convcost.sweep import FitReport, skipped_lines

    emit(report, fmt, exact)
    swept = report.sweep if isinstance(report, FitReport) else report
    for line in skipped_lines(swept.skipped):
        sys.stderr.write(f"convcost: warning: skipped {line}\n")
    if isinstance(report, FitReport) and not report.front and fmt != "table":
        for line in nothing_fits(report, exact):
            sys.stderr.write(f"convcost: {line}\n")
    if plot is not None:
        from convcost.render.plot import draw

        draw(report, plot)
        sys.stderr.write(f"convcost: wrote {plot}\n")


@app.command()
def sweep(
    name: str = NETWORK,
    alpha: str | None = ALPHAS,
    resolution: str | None = RESOLUTIONS,
    rho: str | None = RHOS,
    classes: int | None = CLASSES,
    min_channels: int | None = MIN_CHANNELS,
    bias: bool = NET_BIAS,
    bn: bool = BN,
    bn_affine_only: bool = BN_AFFINE_ONLY,
    preset: Preset | None = PRESET,
    flops: bool = FLOPS,
    as_: Conversion | None = AS,
    plot: str | None = PLOT,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Mult-adds and parameters over a grid of widths α × resolutions \\[default: the paper's
    α 1, 0.75, 0.5, 0.25 × 224, 192, 160, 128 (ρ 1, 6/7, 5/7, 4/7)]."""
    from convcost import sweep as sweeping
    from convcost.presets import resolve

    out = _format(fmt, json_flag)
    grid = sweeping.parse_grid(alpha, resolution, rho)
    figure, graph = _plot_path(plot), _network(name, as_)
    conventions, classes, min_channels = resolve(
        preset.value if preset else None, bias, bn, bn_affine_only, flops, classes, min_channels,
        command="sweep",
    )  # fmt: skip
    with _progress(out, grid.size) as progress:
        report = sweeping.sweep(graph, grid, conventions, classes, min_channels, progress)
    _emit_many(report, out, exact, figure)


@app.command()
def fit(
    name: str = NETWORK,
    max_macs: str | None = typer.Option(
        None, "--max-macs", help="Budget of mult-adds (MACs, not FLOPs): 150M, 1.5e6, 2G, 300k."
    ),
    max_params: str | None = typer.Option(
        None, "--max-params", help="Budget of parameters: 1M, 4.2e6, 300k."
    ),
    min_alpha: float | None = typer.Option(
        None, "--min-alpha", callback=_multiplier, help="Smallest α worth considering."
    ),
    min_resolution: int | None = typer.Option(
        None, "--min-resolution", min=1, help="Smallest input side worth considering, in pixels."
    ),
    alpha: str | None = typer.Option(
        None, "--alpha", "-a", help="α values, as in sweep \\[default: 0.05:1.4:0.05]."
    ),
    resolution: str | None = typer.Option(
        None, "--resolution", help="Input sides, as in sweep \\[default: 96:320:8]."
    ),
    rho: str | None = RHOS,
    classes: int | None = CLASSES,
    min_channels: int | None = MIN_CHANNELS,
    bias: bool = NET_BIAS,
    bn: bool = BN,
    bn_affine_only: bool = BN_AFFINE_ONLY,
    preset: Preset | None = PRESET,
    flops: bool = FLOPS,
    as_: Conversion | None = AS,
    plot: str | None = PLOT,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """The largest variants within a budget: every (α, resolution) that fits and that no other
    fitting variant beats on both α and resolution, most mult-adds first. Nothing fitting is an
    answer too (exit 0): it names the binding budget and what the smallest variant costs."""
    from convcost import sweep as sweeping
    from convcost.cost import exact as exactly
    from convcost.presets import resolve

    out = _format(fmt, json_flag)
    budgets = (
        sweeping.parse_budget("--max-macs", max_macs),
        sweeping.parse_budget("--max-params", max_params),
    )
    grid = sweeping.parse_grid(
        alpha, resolution, rho, sweeping.FIT_ALPHAS, sweeping.FIT_RESOLUTIONS
    )
    grid = sweeping.restrict(
        grid, None if min_alpha is None else exactly(min_alpha), min_resolution
    )
    figure, graph = _plot_path(plot), _network(name, as_)
    conventions, classes, min_channels = resolve(
        preset.value if preset else None, bias, bn, bn_affine_only, flops, classes, min_channels,
        command="fit",
    )  # fmt: skip
    with _progress(out, grid.size) as progress:
        report = sweeping.fit(graph, *budgets, grid, conventions, classes, min_channels, progress)
    _emit_many(report, out, exact, figure)


@app.command()
def schema(
    kind: str = typer.Argument(
        "network", help="'network' (convcost model specs), 'layer' or 'device' (--device profiles)."
    ),
) -> None:
    """Print the JSON Schema of the YAML spec format, for editors to validate and complete specs."""
    import json

    from convcost import spec

    models: dict[str, type[BaseModel]] = {
        "network": spec.NetworkSpec,
        "layer": spec.LayerSpec,
        "device": spec.DeviceSpec,
    }
    if kind not in models:
        raise SpecError(f"KIND: {kind!r} is not allowed: must be one of {', '.join(models)}")
    document = models[kind].model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: bad input → one line per problem on stderr, exit 2."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="convcost", standalone_mode=False)
    except ConvcostError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"convcost: error: {problem}\n")
        sys.exit(2)
    except typer.TyperException as exc:  # click's usage errors (typer vendors click)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `convcost`: the help is the answer
            sys.exit(0)
        sys.stderr.write(f"convcost: error: {exc.format_message()}\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("convcost: aborted\n")
        sys.exit(130)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly with the status of a process that
        # SIGPIPE ended (128 + 13), as other Unix tools do; 1 stays reserved for bugs
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
    sys.exit(result if isinstance(result, int) else 0)
