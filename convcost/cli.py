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
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from convcost import __version__
from convcost.errors import ConvcostError, MissingExtraError, SpecError

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

    from convcost.network import Plan
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


# Options shared by several commands, declared once.
FORMAT = typer.Option(Format.table, "--format", "-f", help="Output format.")
JSON = typer.Option(False, "--json", help="Shorthand for --format json.")
EXACT = typer.Option(False, "--exact", help="Exact counts (2,160) instead of human units (2.2K).")


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
    callback=_multiplier,
    help="α, width multiplier in (0, 4]: channels c → int(c·α), at least 1.",
)
RHO = typer.Option(
    None,
    "--rho",
    "-r",
    callback=_multiplier,
    help="ρ, resolution multiplier in (0, 4]: D_F → round(ρ·D_F).",
)
BIAS = typer.Option(False, "--bias", help="Count bias parameters (mult-adds unchanged).")

# The counting conventions of a whole network (model, sweep, fit).
CLASSES = typer.Option(
    None, "--classes", min=1, help="K, classes of the final fc \\[default: 1000]."
)
MIN_CHANNELS = typer.Option(
    None, "--min-channels", min=1, help="Floor for every α-scaled channel count (TF-slim: 8)."
)
NET_BIAS = typer.Option(
    False, "--bias", help="Bias on every conv/fc layer without BatchNorm after it."
)
BN = typer.Option(
    False, "--bn", help="BatchNorm after every conv: 4 params per channel (γ, β, mean, var)."
)
FLOPS = typer.Option(False, "--flops", help="Also report FLOPs = 2×MACs.")
AS = typer.Option(
    None,
    "--as",
    help="What-if: 'standard' turns every dw+pw pair into one standard conv (Conv MobileNet); "
    "'separable' turns every standard conv with kernel > 1 into dw+pw.",
)


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


def make_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def emit(report: Any, fmt: str, exact: bool = False, console: Console | None = None) -> None:
    """Render a report to stdout in the chosen format (rich is imported for tables only)."""
    if fmt == "table":
        from convcost.render import table

        printer = getattr(table, f"print_{type(report).__name__}")
        printer(report, console or make_console(), exact=exact)
    else:
        from convcost.render import render_text

        sys.stdout.write(render_text(report, fmt))


@app.command()
def layer(
    input_size: str | None = typer.Option(
        None, "--input-size", "-i", help="D_F, input side: an int, or HxW (e.g. 224x160)."
    ),
    channels: str | None = typer.Option(None, "--channels", "-m", help="M, input channels."),
    kernel_size: str | None = typer.Option(
        None, "--kernel-size", "-k", help="D_K, kernel side: an int, or KhxKw."
    ),
    filters: str | None = typer.Option(
        None, "--filters", "-n", help="N, filters (output channels)."
    ),
    stride: str | None = typer.Option(
        None, "--stride", "-s", help="S, stride: an int or SHxSW \\[default: 1]."
    ),
    padding: str | None = typer.Option(
        None,
        "--padding",
        "-p",
        help="P: an int >= 0, 'same' (D_G = ceil(D_F/S), as TF/Keras) or 'valid' (0) \\[default: 0].",
    ),
    alpha: float = ALPHA,
    rho: float | None = RHO,
    bias: bool = BIAS,
    spec: str | None = typer.Option(
        None,
        "--spec",
        help="YAML spec (one layer, or layers: [...]); - reads stdin. Flags override it.",
    ),
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Cost one convolution as a standard conv and as depthwise + pointwise (separable)."""
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
    emit(report, out, exact)


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
        None, "--resolution", help="Input side in pixels (N or HxW); instead of --rho."
    ),
    classes: int | None = CLASSES,
    min_channels: int | None = MIN_CHANNELS,
    bias: bool = NET_BIAS,
    bn: bool = BN,
    flops: bool = FLOPS,
    as_: Conversion | None = AS,
    fmt: Format = FORMAT,
    json_flag: bool = JSON,
    exact: bool = EXACT,
) -> None:
    """Layer-by-layer mult-adds and parameters of a whole network at any α and resolution."""
    if list_models:
        return _list_models()
    if name is None:
        raise SpecError(
            "NAME: missing; give a built-in network (convcost model --list) or a YAML file"
        )
    from convcost.load import load_network
    from convcost.network import Conventions
    from convcost.report import Size, analyze_network

    out = _format(fmt, json_flag)
    size = Size(alpha, rho, _pair("--resolution", resolution), classes, min_channels)
    conventions = Conventions(bias=bias, bn_params=4 if bn else 0, flops=flops)
    report = analyze_network(load_network(name), size, conventions, as_.value if as_ else None)
    emit(report, out, exact)


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


def _network(name: str, as_: Conversion | None) -> Plan:
    from convcost.load import load_network
    from convcost.network import convert

    plan = load_network(name)
    if as_ is None:
        return plan
    return replace(convert(plan, as_.value), name=f"{plan.name} as {as_.value}")


def _plot_path(path: str | None) -> str | None:
    """Refuse a plot that cannot be drawn before any work is done."""
    if path is None:
        return None
    import importlib.util

    if not path.lower().endswith(PLOT_SUFFIXES):
        raise SpecError(f"--plot: {path!r} is not allowed: the file must end in .png, .svg or .pdf")
    if importlib.util.find_spec("matplotlib") is None:
        raise MissingExtraError(
            '--plot needs matplotlib, an optional extra: pip install "convcost[plot]"'
        )
    return path


@contextlib.contextmanager
def _progress(fmt: str, total: int, plan: Plan) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for a long sweep shown in a terminal; never for json/csv/markdown
    or when stderr is not a terminal."""
    from convcost.sweep import factorable

    long = total >= (100_000 if factorable(plan) else 1_000)
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
    from convcost.network import Conventions

    out = _format(fmt, json_flag)
    grid = sweeping.parse_grid(alpha, resolution, rho)
    figure, plan = _plot_path(plot), _network(name, as_)
    conventions = Conventions(bias=bias, bn_params=4 if bn else 0, flops=flops)
    with _progress(out, grid.size, plan) as progress:
        report = sweeping.sweep(plan, grid, conventions, classes, min_channels, progress)
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
    from convcost.network import Conventions

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
    figure, plan = _plot_path(plot), _network(name, as_)
    conventions = Conventions(bias=bias, bn_params=4 if bn else 0, flops=flops)
    with _progress(out, grid.size, plan) as progress:
        report = sweeping.fit(plan, *budgets, grid, conventions, classes, min_channels, progress)
    _emit_many(report, out, exact, figure)


@app.command()
def schema(
    kind: str = typer.Argument("network", help="'network' (convcost model specs) or 'layer'."),
) -> None:
    """Print the JSON Schema of the YAML spec format, for editors to validate and complete specs."""
    import json

    from convcost import spec

    models: dict[str, type[BaseModel]] = {"network": spec.NetworkSpec, "layer": spec.LayerSpec}
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
        sys.stderr.write(f"convcost: error: {exc.format_message()}\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("convcost: aborted\n")
        sys.exit(130)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly, as other Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
