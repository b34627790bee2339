"""Measured, not modelled: time the same layers with PyTorch on this machine's CPU.

For each compared layer the standard conv, the depthwise conv, the pointwise conv and the
separable pair (depthwise then pointwise) are built as ``torch.nn.Conv2d`` (no bias, float32,
batch 1, NCHW) and timed in rounds that alternate the variants (so drift hits them alike), after
warm-up rounds; each variant's time is the median of its rounds. The thread count is fixed with
``torch.set_num_threads`` and, where the OS allows, the process is pinned to that many CPUs for
the run (and unpinned after).

torch is an optional extra (``pip install torch``); without it ``MissingExtraError``.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from convcost.cost import output_side
from convcost.errors import MissingExtraError, SpecError
from convcost.reporting import Shown
from convcost.traffic import VARIANTS, LayerMemoryReport

if TYPE_CHECKING:
    from convcost.report import LayerComparison


@dataclass(frozen=True, slots=True)
class Setup:
    threads: int = 1
    repeats: int = 30
    warmup: int = 5


@dataclass(frozen=True, slots=True)
class LayerTimes:
    """Median seconds per variant (standard, depthwise, pointwise, separable)."""

    seconds: dict[str, Fraction]


@dataclass(frozen=True, slots=True)
class MeasureReport(Shown):
    """Measured times beside the mult-adds (and the roofline estimate, with a device)."""

    memory: LayerMemoryReport
    layers: tuple[LayerTimes, ...]
    setup: Setup
    threads: int
    """What torch reported after pinning (``torch.get_num_threads()``)."""
    cpus: tuple[int, ...]
    """CPUs the process was pinned to during the run; empty when the OS does not allow it."""
    torch_version: str
    machine: str


def _torch() -> Any:
    try:
        with warnings.catch_warnings():  # a CPU wheel without numpy warns at import
            warnings.simplefilter("ignore")
            import torch
    except ImportError:
        raise MissingExtraError(
            "convcost measure needs PyTorch: pip install torch (a CPU build is enough; in a "
            'checkout of convcost: pip install -e ".[torch]")'
        ) from None
    return torch


def _padding(layer: LayerComparison) -> tuple[tuple[int, int, int, int] | None, tuple[int, int]]:
    """(explicit zero-pad left, right, top, bottom or None, conv padding) giving the output size
    convcost computed. TF's 'same' pads an odd total with the extra pixel at the bottom/right;
    torch pads symmetrically, and an extra ZeroPad2d layer would be timed too (and sends torch to
    a much slower path here). So an odd total is rounded up to a symmetric padding whenever that
    gives the same D_G (always for stride > 1): the same output positions and mult-adds, one
    zero row moved from the bottom to the top. Otherwise (an even kernel at stride 1) ZeroPad2d."""
    if isinstance(layer.padding, tuple):
        return None, layer.padding
    if layer.padding != "same":
        p = 0 if layer.padding == "valid" else int(layer.padding)
        return None, (p, p)
    totals = [
        max((layer.output[a] - 1) * layer.stride[a] + layer.kernel[a] - layer.input[a], 0)
        for a in (0, 1)
    ]
    symmetric = tuple((t + 1) // 2 for t in totals)
    if all(
        output_side(layer.input[a], layer.kernel[a], layer.stride[a], symmetric[a])
        == layer.output[a]
        for a in (0, 1)
    ):
        return None, (symmetric[0], symmetric[1])
    th, tw = totals
    return (tw // 2, tw - tw // 2, th // 2, th - th // 2), (0, 0)


def _modules(torch: Any, layer: LayerComparison) -> dict[str, Callable[[Any], Any]]:
    nn = torch.nn
    m, n = layer.input[2], layer.output[2]
    pad, conv_pad = _padding(layer)

    def spatial(conv: Any) -> Any:
        return nn.Sequential(nn.ZeroPad2d(pad), conv) if pad else conv

    kw = {"kernel_size": layer.kernel, "stride": layer.stride, "padding": conv_pad, "bias": False}
    standard = spatial(nn.Conv2d(m, n, **kw))
    depthwise = spatial(nn.Conv2d(m, m, groups=m, **kw))
    pointwise = nn.Conv2d(m, n, kernel_size=1, bias=False)
    separable = nn.Sequential(depthwise, pointwise)
    return {
        "standard": standard.eval(),
        "depthwise": depthwise.eval(),
        "pointwise": pointwise.eval(),
        "separable": separable.eval(),
    }


def _time_layer(torch: Any, layer: LayerComparison, setup: Setup) -> LayerTimes:
    h, w, m = layer.input
    x = torch.randn(1, m, h, w)
    mid = torch.randn(1, m, layer.output[0], layer.output[1])
    modules = _modules(torch, layer)
    inputs = {v: mid if v == "pointwise" else x for v in VARIANTS}
    samples: dict[str, list[int]] = {v: [] for v in VARIANTS}
    with torch.inference_mode():
        for variant in VARIANTS:
            out = modules[variant](inputs[variant])
            expected = (1, layer.output[2], layer.output[0], layer.output[1])
            if variant == "depthwise":
                expected = (1, m, layer.output[0], layer.output[1])
            if tuple(out.shape) != expected:  # pragma: no cover - a bug, not bad input
                raise AssertionError(f"{variant}: torch gives {tuple(out.shape)}, not {expected}")
        for round_ in range(setup.warmup + setup.repeats):
            for variant in VARIANTS:
                module, arg = modules[variant], inputs[variant]
                start = time.perf_counter_ns()
                module(arg)
                elapsed = time.perf_counter_ns() - start
                if round_ >= setup.warmup:
                    samples[variant].append(elapsed)
    return LayerTimes({v: Fraction(statistics.median(samples[v])) / 10**9 for v in VARIANTS})


def _pin(threads: int) -> tuple[tuple[int, ...], set[int] | None]:
    """Pin the process to ``threads`` CPUs it may run on; (pinned CPUs, previous set)."""
    if not hasattr(os, "sched_setaffinity"):
        return (), None
    previous = os.sched_getaffinity(0)
    cpus = tuple(sorted(previous)[:threads])
    try:
        os.sched_setaffinity(0, cpus)
    except OSError:
        return (), None
    return cpus, previous


def measure_layers(memory: LayerMemoryReport, setup: Setup) -> MeasureReport:
    torch = _torch()
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if available and setup.threads > available:
        raise SpecError(
            f"--threads: {setup.threads} is not allowed: this process may use {available} CPUs"
        )
    before = torch.get_num_threads()
    cpus, previous = _pin(setup.threads)
    torch.set_num_threads(setup.threads)
    try:
        threads = torch.get_num_threads()
        times = tuple(_time_layer(torch, layer, setup) for layer in memory.base.layers)
    finally:
        torch.set_num_threads(before)
        if previous is not None:
            os.sched_setaffinity(0, previous)
    return MeasureReport(
        memory=memory,
        layers=times,
        setup=setup,
        threads=threads,
        cpus=cpus,
        torch_version=str(torch.__version__),
        machine=f"{platform.machine()} {cpu_name()}".strip(),
    )


def cpu_name() -> str:
    """The CPU's model name on Linux (``/proc/cpuinfo``), else the platform's processor string."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()
