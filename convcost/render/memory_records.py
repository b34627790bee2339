"""Memory and roofline reports as plain records (exact ints for counts, floats for intensities and
times), shared by the json, csv and markdown renderers. Built on top of ``records``: a memory
report's record is its mult-add record with the memory fields added."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from convcost.render import records
from convcost.traffic import (
    VARIANTS,
    Device,
    LayerMemory,
    LayerMemoryReport,
    NetworkMemoryReport,
    Options,
    Roofline,
    Traffic,
)

if TYPE_CHECKING:
    from convcost.timing import LayerTimes, MeasureReport
from convcost.report import ratio


def assumption(options: Options) -> str:
    return (
        f"each layer reads its input and its weights once and writes its output once, "
        f"weights and activations in {options.dtype} ({_bytes(options.bytes_per_value)} per value); "
        "caches, re-reads and fusion of layers are not modelled (a separable block is two layers)"
    )


def _bytes(n: int) -> str:
    return f"{n} byte" if n == 1 else f"{n} bytes"


ESTIMATE = (
    "roofline estimate from a model, not a measurement: "
    "time = max(FLOPs / peak FLOP/s, bytes / bandwidth) per layer, FLOPs = 2 × MACs"
)


def memory_conventions(options: Options) -> dict[str, Any]:
    record: dict[str, Any] = {
        "dtype": options.dtype,
        "bytes_per_value": options.bytes_per_value,
        "traffic": assumption(options),
        "intensity": "mult-adds (MACs) per byte moved; FLOPs per byte = 2 × that",
    }
    if options.device is not None:
        record["roofline"] = ESTIMATE
    return record


def profile(d: Device) -> dict[str, Any]:
    """A device profile with every dtype's peak (``--device list --json``)."""
    return {
        "profile": d.path,
        "name": d.name,
        "peak_gflops": {dtype: float(peak) for dtype, peak in d.peak_gflops.items()},
        "memory_gbps": float(d.memory_gbps),
        "source": d.source,
        "notes": d.notes,
    }


def profiles_text(devices: list[Device]) -> str:
    """The shipped profiles for people (``--device list``), one paragraph each."""
    lines = []
    for record in map(profile, devices):
        peaks = ", ".join(f"{k} {v:g}" for k, v in record["peak_gflops"].items())
        lines += [
            f"{record['profile']}: {record['name']}",
            f"  peak GFLOP/s: {peaks}; memory {record['memory_gbps']:g} GB/s",
            f"  source: {record['source']}",
        ]
    lines.append(
        "Rough public figures for a roofline estimate, not measurements; "
        "write your own profile (same keys) and pass --device path.yaml."
    )
    return "\n".join(lines) + "\n"


def device(d: Device, dtype: str) -> dict[str, Any]:
    """The profile as used for one dtype: its peak for that dtype and the ridge point."""
    return profile(d) | {
        "peak_gflops": float(d.peak_gflops[dtype]),
        "ridge_flops_per_byte": float(d.ridge(dtype)),
    }


def traffic(t: Traffic) -> dict[str, Any]:
    return {
        "input_elements": t.input_elements,
        "output_elements": t.output_elements,
        "weight_elements": t.weight_elements,
        "input_bytes": t.input_bytes,
        "output_bytes": t.output_bytes,
        "weight_bytes": t.weight_bytes,
        "total_bytes": t.total_bytes,
        "macs_per_byte": float(t.intensity),
        "flops_per_byte": float(t.flop_intensity),
    }


def roofline(r: Roofline) -> dict[str, Any]:
    return {
        "seconds": float(r.seconds),
        "compute_seconds": float(r.compute_seconds),
        "memory_seconds": float(r.memory_seconds),
        "bound": r.bound,
    }


# --- convcost layer --memory ---------------------------------------------------------------------


def layer_memory(m: LayerMemory) -> dict[str, Any]:
    std, sep = m.standard, m.separable
    record: dict[str, Any] = {
        "memory": {v: traffic(m.of(v)) for v in VARIANTS},
    }
    record["memory"]["ratio"] = {"bytes": float(ratio(sep.total_bytes, std.total_bytes))}
    if m.rooflines:
        record["roofline"] = {v: roofline(m.rooflines[v]) for v in VARIANTS}
        record["roofline"]["ratio"] = {
            "seconds": float(m.rooflines["separable"].seconds / m.rooflines["standard"].seconds)
        }
    return record


def layer_memory_report(report: LayerMemoryReport) -> dict[str, Any]:
    record = records.layer_report(report.base)
    per_layer = [layer_memory(m) for m in report.layers]
    if len(report.layers) == 1:
        record.update(per_layer[0])
    else:
        for entry, extra in zip(record["layers"], per_layer, strict=True):
            entry.update(extra)
    return _with_options(record, report.options)


def _with_options(record: dict[str, Any], options: Options) -> dict[str, Any]:
    record["memory_conventions"] = memory_conventions(options)
    if options.device is not None:
        record["device"] = device(options.device, options.dtype)
    return record


def layer_memory_rows(report: LayerMemoryReport) -> list[dict[str, Any]]:
    rows = records.layer_rows(report.base)
    flat = [(m, v) for m in report.layers for v in VARIANTS]
    for row, (m, variant) in zip(rows, flat, strict=True):
        _add_columns(row, m.of(variant), m.rooflines.get(variant))
    return rows


def _add_columns(row: dict[str, Any], t: Traffic, r: Roofline | None) -> None:
    row["activation_bytes"] = t.activation_bytes
    row["weight_bytes"] = t.weight_bytes
    row["total_bytes"] = t.total_bytes
    row["macs_per_byte"] = round(float(t.intensity), 4)
    if r is not None:
        row["est_seconds"] = float(r.seconds)
        row["bound"] = r.bound


# --- convcost model --memory ---------------------------------------------------------------------


def network_memory_report(report: NetworkMemoryReport) -> dict[str, Any]:
    record = records.network_report(report.base)
    timed = bool(report.rooflines)
    for i, entry in enumerate(record["layers"]):
        entry["memory"] = traffic(report.traffic[i])
        if timed:
            entry["roofline"] = roofline(report.rooflines[i])
    total, base = report.total, report.baseline_traffic
    record["memory"] = {
        "weight_bytes": report.weight_bytes,
        "peak_activation": {
            "bytes": report.peak.bytes,
            "layer": report.peak.name,
            "index": report.peak.index,
        },
        "total": traffic(total),
        "conv_baseline": {
            **traffic(base),
            "ratio": {"bytes": float(ratio(total.total_bytes, base.total_bytes))},
        },
        "by_type": {kind: traffic(t) for kind, (t, _) in report.by_type().items()},
    }
    estimate = report.total_roofline
    if estimate is not None and report.baseline_roofline is not None:
        bound = {"compute": 0.0, "memory": 0.0}
        for r in report.rooflines:
            bound[r.bound] += float(r.seconds)
        record["roofline"] = {
            "total": roofline(estimate),
            "seconds_by_bound": bound,
            "conv_baseline": {
                **roofline(report.baseline_roofline),
                "ratio": {"seconds": float(estimate.seconds / report.baseline_roofline.seconds)},
            },
            "by_type": {
                kind: roofline(r) for kind, (_, r) in report.by_type().items() if r is not None
            },
        }
    return _with_options(record, report.options)


def network_memory_rows(report: NetworkMemoryReport) -> list[dict[str, Any]]:
    rows = records.network_rows(report.base)
    timed = bool(report.rooflines)
    for i, row in enumerate(rows):
        _add_columns(row, report.traffic[i], report.rooflines[i] if timed else None)
    return rows


# --- convcost measure ------------------------------------------------------------------------------


def measurement(report: MeasureReport) -> dict[str, Any]:
    setup = report.setup
    return {
        "what": "wall time of torch.nn.Conv2d forward passes on this machine's CPU: "
        "float32, batch 1, NCHW, no bias; separable = depthwise then pointwise",
        "statistic": f"median of {setup.repeats} rounds after {setup.warmup} warm-up rounds, "
        "variants alternating within each round",
        "torch": report.torch_version,
        "threads": report.threads,
        "pinned_cpus": list(report.cpus),
        "repeats": setup.repeats,
        "warmup": setup.warmup,
        "machine": report.machine,
    }


def layer_times(times: LayerTimes) -> dict[str, Any]:
    seconds = times.seconds
    return {
        "measured": {
            **{v: float(seconds[v]) for v in VARIANTS},
            "ratio": {"seconds": float(seconds["separable"] / seconds["standard"])},
        }
    }


def measure_report(report: MeasureReport) -> dict[str, Any]:
    record = layer_memory_report(report.memory)
    per_layer = [layer_times(t) for t in report.layers]
    if len(per_layer) == 1:
        record.update(per_layer[0])
    else:
        for entry, extra in zip(record["layers"], per_layer, strict=True):
            entry.update(extra)
    record["measurement"] = measurement(report)
    return record


def measure_rows(report: MeasureReport) -> list[dict[str, Any]]:
    rows = layer_memory_rows(report.memory)
    flat = [(t, v) for t in report.layers for v in VARIANTS]
    for row, (t, variant) in zip(rows, flat, strict=True):
        row["measured_seconds"] = float(t.seconds[variant])
    return rows
