"""Beyond mult-adds: memory traffic, arithmetic intensity and a roofline time estimate, from shapes.

Pure arithmetic on the rows the engine already produced (``LayerRow``, ``LayerComparison``): the
engine's counts are not touched. Counts are exact ints; intensities and times are ``Fraction``s.

The traffic model (say it with every result): every value of the input, the weights and the output
is moved once: the layer reads its input and its weights once and writes its output once, each
value ``bytes_per_value`` wide (weights and activations in the same dtype). Caches, re-reads when a
working set does not fit, im2col buffers and fusion of neighbouring layers are not modelled, so this
is the least traffic an unfused layer can have. A depthwise-separable block is two layers: the
depthwise output is written and read back by the pointwise layer.

Roofline (Williams, Waterman and Patterson 2009): a layer takes at least
``max(FLOPs / peak FLOP/s, bytes / bandwidth)`` with FLOPs = 2 × MACs; it is memory-bound when its
intensity (FLOPs per byte) is below the device's ridge point ``peak FLOP/s / bandwidth``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from convcost.cost import Cost
from convcost.errors import SpecError
from convcost.network import LayerRow, Shape
from convcost.reporting import Shown

if TYPE_CHECKING:  # annotations only: the reports below wrap these without importing them
    from convcost.report import LayerComparison, LayerReport, NetworkReport

DTYPE_BYTES: dict[str, int] = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}
"""Bytes per value of each dtype convcost knows."""

Bound = Literal["compute", "memory"]
GIGA = 10**9


def elements(shape: Sequence[int]) -> int:
    """Values in an (H, W, C) activation.

    >>> elements((112, 112, 32))
    401408
    """
    n = 1
    for side in shape:
        n *= side
    return n


@dataclass(frozen=True, slots=True)
class Traffic:
    """Values one layer (or several, summed) moves, and its mult-adds; bytes = values × width."""

    macs: int
    input_elements: int
    output_elements: int
    weight_elements: int
    bytes_per_value: int

    def __add__(self, other: Traffic) -> Traffic:
        assert self.bytes_per_value == other.bytes_per_value
        return Traffic(
            self.macs + other.macs,
            self.input_elements + other.input_elements,
            self.output_elements + other.output_elements,
            self.weight_elements + other.weight_elements,
            self.bytes_per_value,
        )

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def input_bytes(self) -> int:
        return self.input_elements * self.bytes_per_value

    @property
    def output_bytes(self) -> int:
        return self.output_elements * self.bytes_per_value

    @property
    def weight_bytes(self) -> int:
        return self.weight_elements * self.bytes_per_value

    @property
    def activation_bytes(self) -> int:
        """Input + output: what must be alive at once while the layer runs (weights aside)."""
        return self.input_bytes + self.output_bytes

    @property
    def total_bytes(self) -> int:
        """Input read + weights read + output written, once each."""
        return self.activation_bytes + self.weight_bytes

    @property
    def intensity(self) -> Fraction:
        """Arithmetic intensity in mult-adds per byte moved."""
        return Fraction(self.macs, self.total_bytes) if self.total_bytes else Fraction(0)

    @property
    def flop_intensity(self) -> Fraction:
        """FLOPs (2 × MACs) per byte moved: the roofline's x axis."""
        return 2 * self.intensity


def traffic(cost: Cost, input: Shape, output: Shape, dtype: str = "float32") -> Traffic:
    """The traffic of one layer from its shapes and counted parameters (weights, plus bias or
    BatchNorm values if the conventions counted them: they are read too).

    Seed layer, 6×6×3 → 4×4×5 with 135 weights, float32: (108 + 80 + 135) × 4 bytes.

    >>> t = traffic(Cost(2160, 135), (6, 6, 3), (4, 4, 5))
    >>> t.total_bytes, t.intensity
    (1292, Fraction(540, 323))
    """
    return Traffic(cost.macs, elements(input), elements(output), cost.params, DTYPE_BYTES[dtype])


def row_traffic(row: LayerRow, dtype: str = "float32") -> Traffic:
    """A merge (an add, a concat, an SE's scale) reads every operand and writes one output."""
    t = traffic(row.cost, row.input, row.output, dtype)
    if len(row.input_shapes) > 1:
        t = replace(t, input_elements=sum(elements(s) for s in row.input_shapes))
    return t


def total(items: Iterable[Traffic], bytes_per_value: int) -> Traffic:
    out = Traffic(0, 0, 0, 0, bytes_per_value)
    for t in items:
        out = out + t
    return out


# --- devices and the roofline -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Device:
    """A device profile: peak arithmetic per dtype (GFLOP/s, 10⁹ FLOP/s; GOP/s for int8) and
    memory bandwidth (GB/s, 10⁹ bytes/s), with where the figures come from."""

    name: str
    peak_gflops: Mapping[str, Fraction]
    memory_gbps: Fraction
    source: str
    notes: str = ""
    path: str = ""
    """The file it was read from (shown so a reader can check the figures)."""

    def peak_flops(self, dtype: str) -> Fraction:
        return self.peak_gflops[dtype] * GIGA

    @property
    def bandwidth(self) -> Fraction:
        """Bytes per second."""
        return self.memory_gbps * GIGA

    def ridge(self, dtype: str) -> Fraction:
        """FLOPs per byte at which a layer stops being memory-bound: peak FLOP/s / bandwidth.

        >>> Device("x", {"float32": Fraction(1000)}, Fraction(50), "").ridge("float32")
        Fraction(20, 1)
        """
        return self.peak_gflops[dtype] / self.memory_gbps


@dataclass(frozen=True, slots=True)
class Roofline:
    """A roofline estimate for one layer (or a sum of layers, each bounded on its own)."""

    compute_seconds: Fraction
    memory_seconds: Fraction
    seconds: Fraction
    """max(compute, memory) per layer; for a sum of layers, the sum of the per-layer maxima."""

    def __add__(self, other: Roofline) -> Roofline:
        return Roofline(
            self.compute_seconds + other.compute_seconds,
            self.memory_seconds + other.memory_seconds,
            self.seconds + other.seconds,
        )

    @property
    def bound(self) -> Bound:
        """'memory' when moving the bytes takes longer than the arithmetic, else 'compute'."""
        return "memory" if self.memory_seconds > self.compute_seconds else "compute"


ZERO_TIME = Roofline(Fraction(0), Fraction(0), Fraction(0))

MAX_SECONDS = 10**100
"""The longest roofline estimate of one layer (the universe is about 4·10¹⁷ s old); within it
every time, and every sum of a network's times, is a float in JSON and CSV."""


def roofline(t: Traffic, device: Device, dtype: str) -> Roofline:
    """time = max(FLOPs / peak FLOP/s, bytes / bandwidth).

    >>> d = Device("x", {"float32": Fraction(1000)}, Fraction(50), "")  # ridge 20 FLOP/B
    >>> r = roofline(traffic(Cost(2160, 135), (6, 6, 3), (4, 4, 5)), d, "float32")
    >>> r.bound, r.seconds == Fraction(1292, 50 * 10**9)
    ('memory', True)
    """
    compute = Fraction(t.flops) / device.peak_flops(dtype)
    memory = Fraction(t.total_bytes) / device.bandwidth
    if max(compute, memory) > MAX_SECONDS:  # its float in JSON would overflow
        raise SpecError(
            f"--device: a layer would take more than 1e{len(str(MAX_SECONDS)) - 1} s on "
            f"{device.name} (the limit of the estimate); its sizes are beyond any device"
        )
    return Roofline(compute, memory, max(compute, memory))


def roofline_total(items: Iterable[Roofline]) -> Roofline:
    out = ZERO_TIME
    for r in items:
        out = out + r
    return out


# --- reports: numbers only, wrapping the mult-add reports --------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """What the user asked for: a dtype, and a device for the roofline (None: bytes only)."""

    dtype: str = "float32"
    device: Device | None = None

    @property
    def bytes_per_value(self) -> int:
        return DTYPE_BYTES[self.dtype]


@dataclass(frozen=True, slots=True)
class LayerMemory:
    """One compared layer: traffic (and roofline) of the standard conv, depthwise, pointwise and
    the separable pair (depthwise + pointwise, two layers)."""

    standard: Traffic
    depthwise: Traffic
    pointwise: Traffic
    rooflines: Mapping[str, Roofline]
    """Variant → estimate; empty without a device."""

    @property
    def separable(self) -> Traffic:
        return self.depthwise + self.pointwise

    def of(self, variant: str) -> Traffic:
        t: Traffic = getattr(self, variant)
        return t


VARIANTS = ("standard", "depthwise", "pointwise", "separable")


def compare_memory(layer: LayerComparison, options: Options) -> LayerMemory:
    dtype = options.dtype
    mid: Shape = (layer.output[0], layer.output[1], layer.input[2])
    result = LayerMemory(
        standard=traffic(layer.standard, layer.input, layer.output, dtype),
        depthwise=traffic(layer.depthwise, layer.input, mid, dtype),
        pointwise=traffic(layer.pointwise, mid, layer.output, dtype),
        rooflines={},
    )
    device = options.device
    if device is None:
        return result
    times = {
        v: roofline(result.of(v), device, dtype) for v in ("standard", "depthwise", "pointwise")
    }
    times["separable"] = times["depthwise"] + times["pointwise"]
    return LayerMemory(result.standard, result.depthwise, result.pointwise, times)


@dataclass(frozen=True, slots=True)
class LayerMemoryReport(Shown):
    """``convcost layer --memory``: the mult-add report and, per layer, its memory side."""

    base: LayerReport
    options: Options
    layers: tuple[LayerMemory, ...]


def analyze_layer_memory(base: LayerReport, options: Options) -> LayerMemoryReport:
    return LayerMemoryReport(
        base, options, tuple(compare_memory(layer, options) for layer in base.layers)
    )


@dataclass(frozen=True, slots=True)
class Peak:
    """The most activation bytes alive at once while the network runs, and at which layer."""

    bytes: int
    index: int
    name: str


def peak_activation(rows: Sequence[LayerRow], bytes_per_value: int) -> Peak:
    """Running the layers in order, a tensor (the network's input, or a layer's output) is alive
    from the layer that writes it until the last layer that reads it; while a layer runs, its
    output and every tensor still to be read are alive (a residual block's input waits for its
    add; DenseNet's earlier outputs wait for their concatenations). The peak is the largest such
    set; the last layer's output is alive at the end."""
    index = {row.name: row.index for row in rows}
    last_read: dict[int, int] = {}  # producer (-1: the input) → the last row that reads it
    for row in rows:
        for source in row.inputs:
            last_read[index.get(source, -1)] = row.index
    source_size = elements(rows[0].input) if rows else 0
    ends: dict[int, list[int]] = {}
    for producer, reader in last_read.items():
        ends.setdefault(reader, []).append(producer)
    alive = source_size
    best = Peak(0, -1, "")
    for row in rows:
        size = elements(row.output)
        if (alive + size) * bytes_per_value > best.bytes:
            best = Peak((alive + size) * bytes_per_value, row.index, row.name)
        alive += size if row.index in last_read or row is rows[-1] else 0
        for producer in ends.get(row.index, ()):
            alive -= source_size if producer == -1 else elements(rows[producer].output)
    return best


@dataclass(frozen=True, slots=True)
class NetworkMemoryReport(Shown):
    """``convcost model --memory``: per-layer traffic (and roofline), network totals."""

    base: NetworkReport
    options: Options
    traffic: tuple[Traffic, ...]
    rooflines: tuple[Roofline, ...]
    """One per row; empty without a device."""
    peak: Peak
    baseline_traffic: Traffic
    """The all-standard-conv baseline's total traffic (the paper's Conv MobileNet)."""
    baseline_roofline: Roofline | None

    @property
    def total(self) -> Traffic:
        return total(self.traffic, self.options.bytes_per_value)

    @property
    def weight_bytes(self) -> int:
        """The model's size: every counted parameter once, in the chosen dtype."""
        return self.total.weight_bytes

    @property
    def total_roofline(self) -> Roofline | None:
        return roofline_total(self.rooflines) if self.options.device else None

    def by_type(self) -> dict[str, tuple[Traffic, Roofline | None]]:
        """Traffic and estimated time per layer type, in first-seen order."""
        width = self.options.bytes_per_value
        groups: dict[str, tuple[Traffic, Roofline | None]] = {}
        timed = bool(self.rooflines)
        for i, row in enumerate(self.base.rows):
            t, r = groups.get(row.kind, (Traffic(0, 0, 0, 0, width), ZERO_TIME if timed else None))
            groups[row.kind] = (
                t + self.traffic[i],
                r + self.rooflines[i] if r is not None else None,
            )
        return groups


def analyze_network_memory(base: NetworkReport, options: Options) -> NetworkMemoryReport:
    dtype, device = options.dtype, options.device
    rows = [row_traffic(row, dtype) for row in base.rows]
    baseline = [row_traffic(row, dtype) for row in base.baseline_rows]
    times: tuple[Roofline, ...] = ()
    baseline_time = None
    if device is not None:
        times = tuple(roofline(t, device, dtype) for t in rows)
        baseline_time = roofline_total(roofline(t, device, dtype) for t in baseline)
    return NetworkMemoryReport(
        base=base,
        options=options,
        traffic=tuple(rows),
        rooflines=times,
        peak=peak_activation(base.rows, options.bytes_per_value),
        baseline_traffic=total(baseline, options.bytes_per_value),
        baseline_roofline=baseline_time,
    )
