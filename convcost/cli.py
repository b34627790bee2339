"""The convcost command line: thin typer commands over the library.

Each command parses its options, calls one library function and hands the report to a renderer.
Errors: bad input (ConvcostError, click usage errors) → one line per problem on stderr, exit 2;
a failed write to stdout → exit 141 for a reader that went away, else one line and exit 74;
anything else is a bug and keeps its traceback, exit 1.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from convcost import __version__, safe_io
from convcost.errors import MissingExtraError, SpecError
from convcost.shell import ERROR, FLAGS, emit, guarded

if TYPE_CHECKING:
    from convcost.sweeps import FitReport, SweepReport

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


def _show(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def _count(value: Any, minimum: int = 1) -> int:
    """A count option (at most ``fields.MAX_DIGITS`` digits), checked by our parser."""
    from convcost.fields import parse_int

    what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
    try:
        return parse_int(value, minimum, what)
    except ValueError as exc:
        raise typer.BadParameter(f"{_show(str(value))} is not allowed: {exc}") from None


def _count0(value: Any) -> int:
    return _count(value, 0)


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
    None, "--classes", parser=_count, metavar="K", help="K, classes of the final fc; default 1000."
)
MIN_CHANNELS = typer.Option(
    None,
    "--min-channels",
    parser=_count,
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


INPUT_SHAPE = typer.Option(
    None,
    "--input-shape",
    metavar="NxCxHxW",
    help="ONNX files: pin the model's input, N×C×H×W or H×W (dynamic batch, sizes); default the "
    "file's shape, or --resolution.",
)
STRICT = typer.Option(
    False,
    "--strict",
    help="Refuse a network with operations convcost does not cost (instead of listing them and "
    "calling the total a lower bound).",
)


def _counting(
    classes: int | None,
    min_channels: int | None,
    preset: Preset | None,
    bias: bool,
    bn: bool,
    bn_affine_only: bool,
    flops: bool,
    as_: Conversion | None,
) -> dict[str, Any]:
    """The counting options model, sweep and fit share, as the library takes them."""
    return {
        "classes": classes,
        "min_channels": min_channels,
        "preset": preset.value if preset else None,
        "bias": bias,
        "bn": bn,
        "bn_affine_only": bn_affine_only,
        "flops": flops,
        "as_": as_.value if as_ else None,
        "labels": FLAGS,
    }


def _input_shape(value: str | None) -> tuple[int, ...] | None:
    """1x3x224x224 or 224x224."""
    if value is None:
        return None
    parts = value.lower().replace("×", "x").split("x")
    if len(parts) not in (2, 4) or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
        raise SpecError(
            f"--input-shape: {value!r} is not allowed: must be N×C×H×W or H×W of positive "
            "integers (e.g. 1x3x224x224)"
        )
    return tuple(int(p) for p in parts)


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
    from convcost import api

    out = _format(fmt, json_flag)
    sizes = (input_size, channels, kernel_size, filters, stride, padding)
    report = api.layer(*sizes, alpha=alpha, rho=rho, bias=bias, spec=spec, labels=FLAGS)
    if memory or dtype or device:
        dtype_name = dtype.value if dtype else "float32"
        return emit(api.memory(report, dtype=dtype_name, device=device, labels=FLAGS), out, exact)
    emit(report, out, exact)


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
    threads: int = typer.Option(
        1, "--threads", parser=_count, metavar="N", help="torch threads (CPUs pinned)."
    ),
    repeats: int = typer.Option(
        30, "--repeats", parser=_count, metavar="N", help="Timed rounds; the median is shown."
    ),
    warmup: int = typer.Option(
        5, "--warmup", parser=_count0, metavar="N", help="Untimed rounds first."
    ),
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Time a convolution with PyTorch on this CPU: standard vs depthwise-separable, measured
    beside the mult-adds (and the roofline estimate with --device). Needs the torch extra."""
    if device == "list":
        return _list_devices(fmt, json_flag)
    from convcost import api

    out = _format(fmt, json_flag)
    sizes = (input_size, channels, kernel_size, filters, stride, padding)
    report = api.layer(*sizes, alpha=alpha, rho=rho, spec=spec, labels=FLAGS)
    timed = api.measure(report, device=device, threads=threads, repeats=repeats, warmup=warmup)
    emit(timed, out, exact)


def _list_models(fmt: Format, json_flag: bool) -> None:
    """The built-in networks: one a line, or with --json a list of names and aliases."""
    from convcost import architectures

    names = {name: list(architectures.BUILTINS[name][1]) for name in architectures.names()}
    if _format(fmt, json_flag) == "json":
        from convcost.render.json import dumps

        sys.stdout.write(dumps([{"name": n, "aliases": a} for n, a in names.items()]))
        return
    for name, aliases in names.items():
        also = ", ".join(aliases)
        sys.stdout.write(f"{name}  (aliases: {also})\n" if also else f"{name}\n")


@app.command()
def model(
    name: str | None = typer.Argument(
        None,
        help="A built-in network (see --list), a YAML network spec (- reads stdin) or an ONNX "
        "model file (the onnx extra).",
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
    input_shape: str | None = INPUT_SHAPE,
    strict: bool = STRICT,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Layer-by-layer mult-adds and parameters of a whole network at any α and resolution."""
    if list_models:
        return _list_models(fmt, json_flag)
    if device == "list":
        return _list_devices(fmt, json_flag)
    if name is None:
        raise SpecError(
            "NAME: missing; give a built-in network (convcost model --list) or a YAML file"
        )
    from convcost import api

    out = _format(fmt, json_flag)
    report = api.model(
        name,
        alpha=alpha,
        rho=rho,
        resolution=resolution,
        **_counting(classes, min_channels, preset, bias, bn, bn_affine_only, flops, as_),
        ops=ops,
        fold_bn=fold_bn,
        explain=explain.value if explain else None,
        input_shape=_input_shape(input_shape),
        strict=strict,
    )
    if memory or dtype or device:
        dtype_name = dtype.value if dtype else "float32"
        return emit(api.memory(report, dtype=dtype_name, device=device, labels=FLAGS), out, exact)
    emit(report, out, exact)


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
    help="Also draw the variants (mult-adds vs params, and vs resolution) to FILE.png, .svg or "
    '.pdf; needs matplotlib: pip install matplotlib (in a checkout: pip install -e ".\\[plot]").',
)
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def _plot_path(path: str | None) -> str | None:
    """Refuse a plot that cannot be drawn or written before any work is done."""
    if path is None:
        return None
    import importlib.util

    if not path.lower().endswith(PLOT_SUFFIXES):
        raise SpecError(f"--plot: {path!r} is not allowed: the file must end in .png, .svg or .pdf")
    safe_io.check_writable(path, "--plot")
    if importlib.util.find_spec("matplotlib") is None:
        from convcost.render.plot import NEEDS_MATPLOTLIB

        raise MissingExtraError(NEEDS_MATPLOTLIB)
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
    """Draw the plot (to a temporary file: a plot that fails leaves stdout empty), emit the sweep
    or fit, then its warnings and notes on stderr; the plot takes its name last."""
    from convcost.render.records import nothing_fits
    from convcost.sweeps import FitReport, skipped_lines

    with contextlib.ExitStack() as stack:
        if plot is not None:
            from convcost.render.plot import draw

            draw(report, stack.enter_context(safe_io.replaced(plot, "--plot")))
        emit(report, fmt, exact)
        swept = report.sweep if isinstance(report, FitReport) else report
        notes = [f"warning: skipped {line}" for line in skipped_lines(swept.skipped)]
        if isinstance(report, FitReport) and not report.front and fmt != "table":
            notes += nothing_fits(report, exact)
    if plot is not None:
        notes.append(f"wrote {plot}")
    safe_io.to_stderr(safe_io.problem_lines("convcost: ", notes, cap=False))


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
    input_shape: str | None = INPUT_SHAPE,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Mult-adds and parameters over a grid of widths α × resolutions \\[default: the paper's
    α 1, 0.75, 0.5, 0.25 × 224, 192, 160, 128 (ρ 1, 6/7, 5/7, 4/7)]."""
    from convcost import api
    from convcost.sweeps import parse_grid

    out = _format(fmt, json_flag)
    figure = _plot_path(plot)
    with _progress(out, parse_grid(alpha, resolution, rho).size) as progress:
        report = api.sweep(
            name,
            alpha=alpha,
            resolution=resolution,
            rho=rho,
            **_counting(classes, min_channels, preset, bias, bn, bn_affine_only, flops, as_),
            input_shape=_input_shape(input_shape),
            progress=progress,
        )
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
        None,
        "--min-resolution",
        parser=_count,
        metavar="PX",
        help="Smallest input side worth considering, in pixels.",
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
    input_shape: str | None = INPUT_SHAPE,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """The largest variants within a budget: every (α, resolution) that fits and that no other
    fitting variant beats on both α and resolution, most mult-adds first. Nothing fitting is an
    answer too (exit 0): it names the binding budget and what the smallest variant costs."""
    from convcost import api
    from convcost.sweeps import FIT_ALPHAS, FIT_RESOLUTIONS, parse_grid

    out = _format(fmt, json_flag)
    figure = _plot_path(plot)
    size = parse_grid(alpha, resolution, rho, FIT_ALPHAS, FIT_RESOLUTIONS).size
    with _progress(out, size) as progress:
        report = api.fit(
            name,
            max_macs=max_macs,
            max_params=max_params,
            min_alpha=min_alpha,
            min_resolution=min_resolution,
            alpha=alpha,
            resolution=resolution,
            rho=rho,
            **_counting(classes, min_channels, preset, bias, bn, bn_affine_only, flops, as_),
            input_shape=_input_shape(input_shape),
            progress=progress,
        )
    _emit_many(report, out, exact, figure)


@app.command("import")
def import_(
    path: str = typer.Argument(..., help="An ONNX model file (.onnx; needs the onnx extra)."),
    output: str | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the spec to FILE instead of stdout."
    ),
    input_shape: str | None = INPUT_SHAPE,
) -> None:
    """Write an ONNX model as an editable network spec (YAML, the graph format): costing the
    spec gives the file's numbers; edit it (a layer made separable, a width changed) and cost
    the variant."""
    from convcost import api
    from convcost.load import is_onnx

    if not is_onnx(path):
        raise SpecError(f"{path}: not an ONNX file name (.onnx); convcost import reads ONNX models")
    text = api.import_onnx(path, _input_shape(input_shape))
    if output is None:
        sys.stdout.write(text)
        return
    _write_atomically(output, text)


def _write_atomically(path: str, text: str) -> None:
    """All of the file or none of it: a temporary file beside it, then a rename."""
    with (
        safe_io.replaced(path, "--output") as temporary,
        open(temporary, "w", encoding="utf-8") as file,
    ):
        file.write(text)


@app.command()
def schema(
    kind: str = typer.Argument(
        "network", help="'network' (convcost model specs), 'layer' or 'device' (--device profiles)."
    ),
) -> None:
    """Print the JSON Schema of the YAML spec format, for editors to validate and complete specs."""
    kinds = ("network", "layer", "device")
    if kind not in kinds:
        raise SpecError(f"KIND: {_show(kind)!r} is not allowed: must be one of {', '.join(kinds)}")
    from convcost import spec
    from convcost.render.json import dumps

    sys.stdout.write(dumps(spec.json_schema(kind)))


def _run(argv: list[str] | None) -> int:
    """Run one command; bad input → one line per problem on stderr, status 2."""
    from convcost._typer_fast import command as build

    command = build(app, sys.argv[1:] if argv is None else argv)
    try:
        result = command.main(args=argv, prog_name="convcost", standalone_mode=False)
    except typer.TyperException as exc:  # click's usage errors (typer vendors click)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `convcost`: the help is the answer
            return 0
        safe_io.to_stderr(safe_io.problem_lines(ERROR, [exc.format_message()]))
        return exc.exit_code
    except typer.Abort:
        safe_io.to_stderr(["convcost: aborted\n"])
        return 130
    return result if isinstance(result, int) else 0


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: ``shell.guarded`` (one line per problem, exit 2; 141 for a
    reader that went away; 74 for a failed write; 130 for Ctrl-C) around typer's command."""
    sys.exit(guarded(lambda: _run(argv)))
